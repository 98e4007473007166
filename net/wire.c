/* SPDX-License-Identifier: MIT */
/* HELLO, MSG, ACK, PRESENCE and PEERS bodies through the bounded buffer API. */
#include "wire.h"
#include "nbuf.h"
#include "nerr.h"
#include "utf8.h"

#include <arpa/inet.h>
#include <string.h>

int wire_hello_encode(const struct wire_hello *h, uint8_t *out, size_t cap, size_t *len)
{
	struct nbuf_writer w;
	size_t n = strlen(h->nick);
	int r;
	if (n == 0 || n > WIRE_NICK_MAX)
		return NERR_TOOLONG;
	nbuf_writer_init(&w, out, cap);
	if ((r = nbuf_put_u8(&w, (uint8_t)n)) != 0 || (r = nbuf_put_bytes(&w, h->nick, n)) != 0 ||
	    (r = nbuf_put_u16(&w, h->port)) != 0)
		return r;
	*len = w.len;
	return 0;
}

int wire_hello_decode(struct wire_hello *h, const uint8_t *in, size_t len)
{
	struct nbuf_reader r;
	const uint8_t *nick;
	uint8_t n;
	uint16_t port;
	int e;
	nbuf_reader_init(&r, in, len);
	if ((e = nbuf_get_u8(&r, &n)) != 0)
		return e;
	if (n == 0)
		return NERR_EMPTY;
	if (n > WIRE_NICK_MAX)
		return NERR_TOOLONG;
	if ((e = nbuf_get_ref(&r, &nick, n)) != 0 || (e = nbuf_get_u16(&r, &port)) != 0 ||
	    (e = nbuf_expect_end(&r)) != 0)
		return e;
	if ((e = utf8_check_nick(nick, n)) != 0)
		return e;
	memcpy(h->nick, nick, n);
	h->nick[n] = '\0';
	h->port = port;
	return 0;
}

int wire_msg_encode(const struct wire_msg *m, uint8_t *out, size_t cap, size_t *len)
{
	struct nbuf_writer w;
	int r;
	if (m->text_len == 0 || m->text_len > WIRE_TEXT_MAX)
		return NERR_TOOLONG;
	nbuf_writer_init(&w, out, cap);
	if ((r = nbuf_put_bytes(&w, m->id, 16)) != 0 || (r = nbuf_put_u64(&w, m->seq)) != 0 ||
	    (r = nbuf_put_u64(&w, (uint64_t)m->ts_ms)) != 0 ||
	    (r = nbuf_put_u32(&w, (uint32_t)m->text_len)) != 0 ||
	    (r = nbuf_put_bytes(&w, m->text, m->text_len)) != 0)
		return r;
	*len = w.len;
	return 0;
}

int wire_msg_decode(struct wire_msg *m, const uint8_t *in, size_t len)
{
	struct nbuf_reader r;
	const uint8_t *id, *text;
	uint64_t seq, ts;
	uint32_t n;
	int e;
	nbuf_reader_init(&r, in, len);
	if ((e = nbuf_get_ref(&r, &id, 16)) != 0 || (e = nbuf_get_u64(&r, &seq)) != 0 ||
	    (e = nbuf_get_u64(&r, &ts)) != 0 || (e = nbuf_get_u32(&r, &n)) != 0)
		return e;
	if (seq == 0 || ts > INT64_MAX)
		return NERR_FORMAT;
	if (n == 0)
		return NERR_EMPTY;
	if (n > WIRE_TEXT_MAX)
		return NERR_TOOLONG;
	if ((e = nbuf_get_ref(&r, &text, n)) != 0 || (e = nbuf_expect_end(&r)) != 0)
		return e;
	if ((e = utf8_check(text, n)) != 0)
		return e;
	memcpy(m->id, id, 16);
	m->seq = seq;
	m->ts_ms = (int64_t)ts;
	m->text = (const char *)text;
	m->text_len = n;
	return 0;
}

int wire_presence_encode(const struct wire_presence *p, uint8_t *out, size_t cap, size_t *len)
{
	struct nbuf_writer w;
	size_t n = strlen(p->reason);
	int r;
	if (n > WIRE_AWAY_MAX || (p->away != 0 && p->away != 1))
		return NERR_TOOLONG;
	nbuf_writer_init(&w, out, cap);
	if ((r = nbuf_put_u8(&w, (uint8_t)p->away)) != 0 || (r = nbuf_put_u8(&w, (uint8_t)n)) != 0 ||
	    (r = nbuf_put_bytes(&w, p->reason, n)) != 0)
		return r;
	*len = w.len;
	return 0;
}

int wire_presence_decode(struct wire_presence *p, const uint8_t *in, size_t len)
{
	struct nbuf_reader r;
	const uint8_t *reason;
	uint8_t status, n;
	int e;
	nbuf_reader_init(&r, in, len);
	if ((e = nbuf_get_u8(&r, &status)) != 0 || (e = nbuf_get_u8(&r, &n)) != 0)
		return e;
	if (status > 1)
		return NERR_FORMAT;
	if (n > WIRE_AWAY_MAX)
		return NERR_TOOLONG;
	if ((e = nbuf_get_ref(&r, &reason, n)) != 0 || (e = nbuf_expect_end(&r)) != 0)
		return e;
	if ((e = utf8_check(reason, n)) != 0)
		return e;
	if (memchr(reason, '\0', n) != NULL)
		return NERR_FORMAT; /* the reason is a C string: a NUL would cut it short */
	p->away = status;
	memcpy(p->reason, reason, n);
	p->reason[n] = '\0';
	return 0;
}

int wire_ack_encode(uint64_t seq, uint8_t *out, size_t cap, size_t *len)
{
	struct nbuf_writer w;
	int r;
	nbuf_writer_init(&w, out, cap);
	if ((r = nbuf_put_u64(&w, seq)) != 0)
		return r;
	*len = w.len;
	return 0;
}

int wire_ack_decode(uint64_t *seq, const uint8_t *in, size_t len)
{
	struct nbuf_reader r;
	uint64_t v;
	int e;
	nbuf_reader_init(&r, in, len);
	if ((e = nbuf_get_u64(&r, &v)) != 0 || (e = nbuf_expect_end(&r)) != 0)
		return e;
	*seq = v;
	return 0;
}

int wire_peer_addr_ok(struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);
	return (h >> 24) != 0 && h < 0xe0000000u;
}

static int peer_entry_check(const struct wire_peer *e)
{
	size_t n = strnlen(e->nick, WIRE_NICK_MAX + 1);
	if (n == 0 || n > WIRE_NICK_MAX)
		return NERR_TOOLONG;
	if (e->port == 0 || !wire_peer_addr_ok(e->addr) ||
	    utf8_check_nick((const uint8_t *)e->nick, n) != 0)
		return NERR_FORMAT;
	return 0;
}

int wire_peers_encode(const struct wire_peer *e, size_t count, uint8_t *out, size_t cap,
		      size_t *len)
{
	struct nbuf_writer w;
	int r;
	if (count > WIRE_PEERS_MAX)
		return NERR_TOOLONG;
	nbuf_writer_init(&w, out, cap);
	if ((r = nbuf_put_u8(&w, (uint8_t)count)) != 0)
		return r;
	for (size_t i = 0; i < count; i++) {
		size_t n = strlen(e[i].nick);
		if ((r = peer_entry_check(&e[i])) != 0)
			return r;
		for (size_t k = 0; k < i; k++)
			if (memcmp(e[k].key, e[i].key, 32) == 0)
				return NERR_FORMAT;
		if ((r = nbuf_put_bytes(&w, e[i].key, 32)) != 0 ||
		    (r = nbuf_put_bytes(&w, &e[i].addr.s_addr, 4)) != 0 ||
		    (r = nbuf_put_u16(&w, e[i].port)) != 0 ||
		    (r = nbuf_put_u8(&w, (uint8_t)n)) != 0 ||
		    (r = nbuf_put_bytes(&w, e[i].nick, n)) != 0)
			return r;
	}
	*len = w.len;
	return 0;
}

static int peer_entry_get(struct nbuf_reader *r, struct wire_peer *e)
{
	const uint8_t *nick;
	uint8_t n;
	int err;
	if ((err = nbuf_get_bytes(r, e->key, 32)) != 0 ||
	    (err = nbuf_get_bytes(r, &e->addr.s_addr, 4)) != 0 ||
	    (err = nbuf_get_u16(r, &e->port)) != 0 || (err = nbuf_get_u8(r, &n)) != 0)
		return err;
	if (n == 0)
		return NERR_EMPTY;
	if (n > WIRE_NICK_MAX)
		return NERR_TOOLONG;
	if ((err = nbuf_get_ref(r, &nick, n)) != 0)
		return err;
	if ((err = utf8_check_nick(nick, n)) != 0)
		return err;
	if (e->port == 0 || !wire_peer_addr_ok(e->addr))
		return NERR_FORMAT;
	memcpy(e->nick, nick, n);
	e->nick[n] = '\0';
	return 0;
}

int wire_peers_decode(struct wire_peer out[static WIRE_PEERS_MAX], size_t *count, const uint8_t *in,
		      size_t len)
{
	struct wire_peer tmp[WIRE_PEERS_MAX];
	struct nbuf_reader r;
	uint8_t n;
	int e;
	nbuf_reader_init(&r, in, len);
	if ((e = nbuf_get_u8(&r, &n)) != 0)
		return e;
	if (n > WIRE_PEERS_MAX)
		return NERR_TOOLONG;
	for (size_t i = 0; i < n; i++) {
		if ((e = peer_entry_get(&r, &tmp[i])) != 0)
			return e;
		for (size_t k = 0; k < i; k++)
			if (memcmp(tmp[k].key, tmp[i].key, 32) == 0)
				return NERR_FORMAT;
	}
	if ((e = nbuf_expect_end(&r)) != 0)
		return e;
	memcpy(out, tmp, n * sizeof tmp[0]);
	*count = n;
	return 0;
}
