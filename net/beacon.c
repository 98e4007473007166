/* SPDX-License-Identifier: MIT */
/* Beacon codec and receive filter; see beacon.h for the wire layout and the
 * order of the checks. Only an accepted, verified beacon changes a key's entry. */
#include "beacon.h"
#include "nbuf.h"
#include "ncrypto.h"
#include "nerr.h"
#include "utf8.h"

#include <string.h>

#define BEACON_MAGIC_LEN 4
#define BEACON_KEY_OFF	 8 /* magic, version, flags, tcp_port */
#define BEACON_TOKEN	 1000u

_Static_assert(BEACON_MAGIC_LEN + 1 + 1 + 2 + NCRYPTO_SIGN_PK + 8 + 8 + 8 + 1 + NCRYPTO_SIG ==
		   BEACON_FIXED_LEN,
	       "BEACON_FIXED_LEN matches the layout");
_Static_assert(BEACON_MIN_LEN == BEACON_FIXED_LEN + 1, "BEACON_MIN_LEN");
_Static_assert(BEACON_MAX_LEN == BEACON_FIXED_LEN + BEACON_NICK_MAX, "BEACON_MAX_LEN");
_Static_assert(BEACON_NICK_MAX == UTF8_NICK_MAX, "one nick limit");

static const uint8_t beacon_magic[BEACON_MAGIC_LEN] = {'N', 'T', 'R', '1'};

static int beacon_put_body(struct nbuf_writer *w, const struct beacon *b, size_t nick_len)
{
	int r;
	if ((r = nbuf_put_bytes(w, beacon_magic, sizeof beacon_magic)) != 0 ||
	    (r = nbuf_put_u8(w, BEACON_VERSION)) != 0 || (r = nbuf_put_u8(w, b->flags)) != 0 ||
	    (r = nbuf_put_u16(w, b->tcp_port)) != 0 ||
	    (r = nbuf_put_bytes(w, b->id_pub, sizeof b->id_pub)) != 0 ||
	    (r = nbuf_put_bytes(w, b->boot_id, sizeof b->boot_id)) != 0 ||
	    (r = nbuf_put_u64(w, b->seq)) != 0 || (r = nbuf_put_u64(w, b->ts_ms)) != 0 ||
	    (r = nbuf_put_u8(w, (uint8_t)nick_len)) != 0 ||
	    (r = nbuf_put_bytes(w, b->nick, nick_len)) != 0)
		return r;
	return 0;
}

int beacon_encode(const struct beacon *b, const uint8_t sk[static 64], uint8_t *out, size_t cap,
		  size_t *len)
{
	uint8_t buf[BEACON_MAX_LEN];
	uint8_t pk[NCRYPTO_SIGN_PK];
	uint8_t sig[NCRYPTO_SIG];
	struct nbuf_writer w;
	size_t nick_len = strnlen(b->nick, sizeof b->nick);
	int r = NERR_INTERNAL;

	if (b->version != BEACON_VERSION) {
		r = NERR_VERSION;
		goto out;
	}
	if ((b->flags & ~BEACON_FLAGS_KNOWN) != 0 ||
	    (b->tcp_port == 0 && !(b->flags & BEACON_FLAG_PROBE))) {
		r = NERR_FORMAT;
		goto out;
	}
	if (nick_len == sizeof b->nick) {
		r = NERR_TOOLONG; /* not terminated */
		goto out;
	}
	if ((r = utf8_check_nick((const uint8_t *)b->nick, nick_len)) != 0)
		goto out;
	ncrypto_sign_sk_to_pk(pk, sk);
	if (memcmp(pk, b->id_pub, sizeof pk) != 0) {
		r = NERR_PEERKEY;
		goto out;
	}
	nbuf_writer_init(&w, buf, sizeof buf);
	if ((r = beacon_put_body(&w, b, nick_len)) != 0)
		goto out;
	if ((r = ncrypto_sign_ctx(sig, BEACON_SIG_CTX, buf, w.len, sk)) != 0)
		goto out;
	if ((r = nbuf_put_bytes(&w, sig, sizeof sig)) != 0)
		goto out;
	if (w.len > cap) {
		r = NERR_TOOLONG;
		goto out;
	}
	memcpy(out, buf, w.len);
	*len = w.len;
	r = 0;
out:
	return r;
}

/* The fixed fields between the version and the nick. */
static int beacon_get_fields(struct nbuf_reader *r, struct beacon *b, uint8_t *nick_len)
{
	int e;
	if ((e = nbuf_get_u8(r, &b->flags)) != 0 || (e = nbuf_get_u16(r, &b->tcp_port)) != 0 ||
	    (e = nbuf_get_bytes(r, b->id_pub, sizeof b->id_pub)) != 0 ||
	    (e = nbuf_get_bytes(r, b->boot_id, sizeof b->boot_id)) != 0 ||
	    (e = nbuf_get_u64(r, &b->seq)) != 0 || (e = nbuf_get_u64(r, &b->ts_ms)) != 0 ||
	    (e = nbuf_get_u8(r, nick_len)) != 0)
		return e;
	return 0;
}

int beacon_parse(struct beacon *out, const uint8_t *pkt, size_t len)
{
	struct beacon b;
	struct nbuf_reader r;
	const uint8_t *magic;
	const uint8_t *sig;
	uint8_t nick_len;
	int e = NERR_INTERNAL;

	if (len < BEACON_MIN_LEN)
		return NERR_SHORT;
	if (len > BEACON_MAX_LEN)
		return NERR_TOOLONG;
	memset(&b, 0, sizeof b);
	nbuf_reader_init(&r, pkt, len);
	if ((e = nbuf_get_ref(&r, &magic, BEACON_MAGIC_LEN)) != 0)
		goto out;
	if (memcmp(magic, beacon_magic, BEACON_MAGIC_LEN) != 0) {
		e = NERR_MAGIC;
		goto out;
	}
	if ((e = nbuf_get_u8(&r, &b.version)) != 0)
		goto out;
	if (b.version != BEACON_VERSION) {
		e = NERR_VERSION;
		goto out;
	}
	if ((e = beacon_get_fields(&r, &b, &nick_len)) != 0)
		goto out;
	if (b.tcp_port == 0 && !(b.flags & BEACON_FLAG_PROBE)) {
		e = NERR_FORMAT; /* only a probe may come from a node that does not listen */
		goto out;
	}
	if (nick_len == 0) {
		e = NERR_EMPTY;
		goto out;
	}
	if (nick_len > BEACON_NICK_MAX) {
		e = NERR_TOOLONG;
		goto out;
	}
	if (nbuf_left(&r) != (size_t)nick_len + NCRYPTO_SIG) {
		e = nbuf_left(&r) < (size_t)nick_len + NCRYPTO_SIG ? NERR_SHORT : NERR_TRAILING;
		goto out;
	}
	/* b is zeroed, so the nick stays NUL-terminated */
	if ((e = nbuf_get_bytes(&r, b.nick, nick_len)) != 0)
		goto out;
	if ((e = utf8_check_nick((const uint8_t *)b.nick, nick_len)) != 0)
		goto out;
	if ((e = nbuf_get_ref(&r, &sig, NCRYPTO_SIG)) != 0 || (e = nbuf_expect_end(&r)) != 0)
		goto out;
	b.flags &= BEACON_FLAGS_KNOWN;
	*out = b;
	e = 0;
out:
	return e;
}

int beacon_verify(const uint8_t *pkt, size_t len, const uint8_t id_pub[static 32])
{
	struct nbuf_reader r;
	struct nbuf_reader body_r;
	const uint8_t *body;
	const uint8_t *sig;
	const uint8_t *head;
	const uint8_t *key;
	int e = NERR_INTERNAL;

	if (len < BEACON_MIN_LEN)
		return NERR_SHORT;
	if (len > BEACON_MAX_LEN)
		return NERR_TOOLONG;
	nbuf_reader_init(&r, pkt, len);
	if ((e = nbuf_get_ref(&r, &body, len - NCRYPTO_SIG)) != 0 ||
	    (e = nbuf_get_ref(&r, &sig, NCRYPTO_SIG)) != 0)
		goto out;
	nbuf_reader_init(&body_r, body, len - NCRYPTO_SIG);
	if ((e = nbuf_get_ref(&body_r, &head, BEACON_KEY_OFF)) != 0 ||
	    (e = nbuf_get_ref(&body_r, &key, NCRYPTO_SIGN_PK)) != 0)
		goto out;
	if (memcmp(key, id_pub, NCRYPTO_SIGN_PK) != 0) {
		e = NERR_PEERKEY;
		goto out;
	}
	e = ncrypto_verify_ctx(sig, BEACON_SIG_CTX, body, len - NCRYPTO_SIG, id_pub);
out:
	return e;
}

void beacon_table_init(struct beacon_table *t)
{
	memset(t, 0, sizeof *t);
}

/* to - from in ms, 0 when the clock did not advance; never overflows. */
static uint64_t beacon_elapsed(int64_t from, int64_t to)
{
	return to > from ? (uint64_t)to - (uint64_t)from : 0;
}

static void beacon_bucket_start(struct beacon_bucket *k, uint32_t ip, int64_t mono_ms,
				uint32_t burst)
{
	k->ip = ip;
	k->tokens = burst * BEACON_TOKEN;
	k->last_ms = mono_ms;
	k->used = 1;
}

/* A rate of n packets/s refills n thousandths of a packet per ms. */
static void beacon_bucket_refill(struct beacon_bucket *k, int64_t mono_ms, uint32_t rate,
				 uint32_t burst)
{
	uint64_t full = (uint64_t)burst * BEACON_TOKEN;
	uint64_t dt = beacon_elapsed(k->last_ms, mono_ms);
	uint64_t add = dt >= full ? full : dt * rate;
	uint64_t tokens = k->tokens + add;
	k->tokens = (uint32_t)(tokens < full ? tokens : full);
	if (mono_ms > k->last_ms)
		k->last_ms = mono_ms;
}

/* The source's bucket: its own, else a free one, else the least recently
 * used one, started full. Spoofed sources can churn these; the global bucket
 * is what bounds the work then. */
static struct beacon_bucket *beacon_bucket_for(struct beacon_table *t, uint32_t ip, int64_t mono_ms)
{
	struct beacon_bucket *victim = NULL;
	for (size_t i = 0; i < BEACON_SRC_MAX; i++) {
		struct beacon_bucket *k = &t->srcs[i];
		if (k->used && k->ip == ip)
			return k;
		if (!victim || (victim->used && (!k->used || k->last_ms < victim->last_ms)))
			victim = k;
	}
	beacon_bucket_start(victim, ip, mono_ms, BEACON_SRC_BURST);
	return victim;
}

static int beacon_rate_take(struct beacon_table *t, uint32_t ip, int64_t mono_ms)
{
	struct beacon_bucket *src = beacon_bucket_for(t, ip, mono_ms);
	struct beacon_bucket *all = &t->global;
	if (!all->used)
		beacon_bucket_start(all, 0, mono_ms, BEACON_GLOBAL_BURST);
	beacon_bucket_refill(src, mono_ms, BEACON_SRC_RATE, BEACON_SRC_BURST);
	beacon_bucket_refill(all, mono_ms, BEACON_GLOBAL_RATE, BEACON_GLOBAL_BURST);
	if (src->tokens < BEACON_TOKEN || all->tokens < BEACON_TOKEN)
		return NERR_LIMIT;
	src->tokens -= BEACON_TOKEN;
	all->tokens -= BEACON_TOKEN;
	return 0;
}

static int beacon_ts_fresh(uint64_t ts_ms, int64_t now_ms)
{
	if (now_ms < 0)
		return 0;
	uint64_t now = (uint64_t)now_ms;
	uint64_t d = ts_ms > now ? ts_ms - now : now - ts_ms;
	return d <= BEACON_TS_SKEW_MS;
}

static struct beacon_peer *beacon_table_find(struct beacon_table *t, const uint8_t key[static 32])
{
	for (size_t i = 0; i < BEACON_TABLE_MAX; i++) {
		struct beacon_peer *p = &t->peers[i];
		if (p->used && memcmp(p->key, key, sizeof p->key) == 0)
			return p;
	}
	return NULL;
}

/* A free slot, else the least recently accepted unpinned entry, else NULL. */
static struct beacon_peer *beacon_table_victim(struct beacon_table *t)
{
	struct beacon_peer *victim = NULL;
	for (size_t i = 0; i < BEACON_TABLE_MAX; i++) {
		struct beacon_peer *p = &t->peers[i];
		if (!p->used)
			return p;
		if (!p->pinned && (!victim || p->last_seen_ms < victim->last_seen_ms))
			victim = p;
	}
	return victim;
}

/* Whether b is newer than what p holds. Within a boot, seq must grow. A new
 * boot_id is a restart, but one whose clock is not ahead of the boot we know
 * is refused while that boot is still beaconing: otherwise a beacon from an
 * earlier boot, replayed within the skew window, would roll the entry back. */
static int beacon_is_newer(const struct beacon_peer *p, const struct beacon *b, int64_t mono_ms)
{
	if (memcmp(p->boot_id, b->boot_id, sizeof p->boot_id) == 0)
		return b->seq > p->seq;
	return b->ts_ms > p->ts_ms || beacon_elapsed(p->last_seen_ms, mono_ms) > BEACON_TS_SKEW_MS;
}

/* A victim slot is unpinned and a found one keeps its pin, so pinned stays. */
static void beacon_peer_record(struct beacon_peer *p, const struct beacon *b, int64_t mono_ms)
{
	memcpy(p->key, b->id_pub, sizeof p->key);
	memcpy(p->boot_id, b->boot_id, sizeof p->boot_id);
	p->seq = b->seq;
	p->ts_ms = b->ts_ms;
	p->last_seen_ms = mono_ms;
	p->used = 1;
	p->seen = 1;
}

int beacon_table_accept(struct beacon_table *t, const uint8_t *pkt, size_t len, uint32_t src_ip,
			int64_t now_ms, int64_t mono_ms, const uint8_t own_id[static 32],
			struct beacon *out)
{
	struct beacon b;
	struct beacon_peer *slot;
	int r = NERR_INTERNAL;

	if ((r = beacon_parse(&b, pkt, len)) != 0)
		goto out;
	if ((r = beacon_rate_take(t, src_ip, mono_ms)) != 0)
		goto out;
	if (!beacon_ts_fresh(b.ts_ms, now_ms)) {
		r = NERR_TIMEOUT;
		goto out;
	}
	if (memcmp(b.id_pub, own_id, sizeof b.id_pub) == 0) {
		r = NERR_PEERKEY;
		goto out;
	}
	slot = beacon_table_find(t, b.id_pub);
	if (slot && slot->seen && !beacon_is_newer(slot, &b, mono_ms)) {
		r = NERR_FORMAT;
		goto out;
	}
	/* Choose the slot now so a full table costs no verification, but evict
	 * only once the signature holds. */
	if (!slot && !(slot = beacon_table_victim(t))) {
		r = NERR_LIMIT;
		goto out;
	}
	if ((r = beacon_verify(pkt, len, b.id_pub)) != 0)
		goto out;
	beacon_peer_record(slot, &b, mono_ms);
	*out = b;
	r = 0;
out:
	return r;
}

int beacon_table_pin(struct beacon_table *t, const uint8_t key[static 32])
{
	struct beacon_peer *p = beacon_table_find(t, key);
	if (!p) {
		if (!(p = beacon_table_victim(t)))
			return NERR_LIMIT;
		memset(p, 0, sizeof *p);
		memcpy(p->key, key, sizeof p->key);
		p->used = 1;
	}
	p->pinned = 1;
	return 0;
}
