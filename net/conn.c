/* SPDX-License-Identifier: MIT */
/* TCP connection state machine: connect, Noise XX handshake with natter's
 * payloads, secretstream headers, then frames. Every byte from the socket
 * goes through a bounded queue; every handshake message has an exact size. */
#include "conn.h"
#include "frame.h"
#include "nbuf.h"
#include "ncrypto.h"
#include "nerr.h"
#include "noise.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum conn_step {
	STEP_CONNECTING, /* initiator: waiting for connect(2) */
	STEP_HS1,	 /* responder: waiting for message 1 */
	STEP_HS2,	 /* initiator: waiting for message 2 */
	STEP_HS3,	 /* responder: waiting for message 3 */
	STEP_HEADER,	 /* waiting for the peer's secretstream header */
	STEP_UP,
	STEP_CLOSED,
};

struct conn {
	struct loop *loop;
	int fd;
	int initiator;
	enum conn_step step;
	const struct conn_identity *me;
	struct conn_cb cb;
	struct sockaddr_in addr;
	uint8_t expect[32];
	int has_expect;
	uint8_t peer[32];
	int peer_known;
	struct noise_hs *hs;
	uint8_t rxkey[32]; /* receiving stream key, between split and the peer's header */
	struct frame_tx tx;
	struct frame_rx rx;
	uint8_t *rbody; /* FRAME_BODY_MAX bytes for decrypted frames */
	struct nbuf_q rq, wq;
	uint64_t deadline_timer;
	int busy; /* nesting depth of callbacks into the owner */
	int dead; /* closed; free when busy drops to 0 */
	int64_t last_rx; /* monotonic ms when bytes last arrived */
	void *user;
};

static void conn_io(void *ctx, int fd, short revents);

static void conn_free(struct conn *c)
{
	ncrypto_memzero(c->rxkey, sizeof c->rxkey);
	noise_hs_free(c->hs);
	frame_tx_clear(&c->tx);
	frame_rx_clear(&c->rx);
	free(c->rbody);
	nbuf_q_clear(&c->rq);
	nbuf_q_clear(&c->wq);
	free(c);
}

static void on_deadline(void *ctx)
{
	struct conn *c = ctx;
	c->deadline_timer = 0;
	if (c->step != STEP_UP)
		conn_close(c, 0, NERR_TIMEOUT);
}

static struct conn *conn_alloc(struct loop *l, int fd, const struct conn_identity *me,
			       const struct conn_cb *cb, int initiator)
{
	struct conn *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->loop = l;
	c->fd = fd;
	c->me = me;
	c->cb = *cb;
	c->initiator = initiator;
	nbuf_q_init(&c->rq, 2 * FRAME_WIRE_MAX);
	nbuf_q_init(&c->wq, CONN_WQ_MAX);
	c->rbody = malloc(FRAME_BODY_MAX);
	c->hs = noise_hs_new(initiator, (const uint8_t *)CONN_PROLOGUE, sizeof CONN_PROLOGUE - 1,
			     me->s_priv);
	if (!c->rbody || !c->hs)
		goto fail;
	if (loop_add_fd(l, fd, POLLIN, conn_io, c) != 0)
		goto fail;
	c->deadline_timer = loop_timer_add(l, CONN_HS_TIMEOUT_MS, on_deadline, c);
	if (c->deadline_timer == 0) {
		loop_del_fd(l, fd);
		goto fail;
	}
	return c;
fail:
	conn_free(c);
	return NULL;
}

static int set_socket_options(int fd)
{
	int one = 1;
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return NERR_SYSTEM;
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	(void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
	return 0;
}

struct conn *conn_new_outgoing(struct loop *l, const struct sockaddr_in *to,
			       const struct conn_identity *me, const uint8_t *expect_id,
			       const struct conn_cb *cb)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return NULL;
	if (set_socket_options(fd) != 0) {
		close(fd);
		return NULL;
	}
	if (connect(fd, (const struct sockaddr *)to, sizeof *to) != 0 && errno != EINPROGRESS) {
		close(fd);
		return NULL;
	}
	struct conn *c = conn_alloc(l, fd, me, cb, 1);
	if (!c) {
		close(fd);
		return NULL;
	}
	c->addr = *to;
	c->step = STEP_CONNECTING;
	if (expect_id) {
		memcpy(c->expect, expect_id, 32);
		c->has_expect = 1;
	}
	(void)loop_set_events(l, fd, POLLOUT);
	return c;
}

struct conn *conn_new_incoming(struct loop *l, int fd, const struct sockaddr_in *from,
			       const struct conn_identity *me, const struct conn_cb *cb)
{
	if (set_socket_options(fd) != 0) {
		close(fd);
		return NULL;
	}
	struct conn *c = conn_alloc(l, fd, me, cb, 0);
	if (!c) {
		close(fd);
		return NULL;
	}
	c->addr = *from;
	c->step = STEP_HS1;
	return c;
}

static void update_events(struct conn *c)
{
	short ev = POLLIN;
	if (c->step == STEP_CONNECTING || nbuf_q_len(&c->wq) > 0)
		ev |= POLLOUT;
	(void)loop_set_events(c->loop, c->fd, ev);
}

/* Write what the socket takes now. */
static int flush(struct conn *c)
{
	while (nbuf_q_len(&c->wq) > 0) {
		ssize_t n = send(c->fd, nbuf_q_data(&c->wq), nbuf_q_len(&c->wq), MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == EINTR)
				continue;
			return NERR_IO;
		}
		nbuf_q_consume(&c->wq, (size_t)n);
	}
	update_events(c);
	return 0;
}

void conn_close(struct conn *c, int graceful, int err)
{
	if (c->dead)
		return;
	if (graceful && c->step == STEP_UP &&
	    frame_write(&c->tx, CONN_FRAME_BYE, NULL, 0, 1, &c->wq) == 0)
		(void)flush(c);
	c->dead = 1;
	c->step = STEP_CLOSED;
	if (c->deadline_timer)
		loop_timer_cancel(c->loop, c->deadline_timer);
	loop_del_fd(c->loop, c->fd);
	close(c->fd);
	c->fd = -1;
	c->busy++;
	if (c->cb.down)
		c->cb.down(c->cb.ctx, c, err);
	c->busy--;
	if (c->busy == 0)
		conn_free(c);
}

/* Send one handshake message with its 2-byte length. */
static int hs_send(struct conn *c, const uint8_t *payload, size_t plen, int index)
{
	uint8_t msg[2 + 256];
	size_t len;
	int r;
	if ((r = noise_hs_write(c->hs, payload, plen, msg + 2, sizeof msg - 2, &len)) != 0)
		return r;
	if (len != noise_hs_msg_len(index, plen))
		return NERR_INTERNAL;
	msg[0] = (uint8_t)(len >> 8);
	msg[1] = (uint8_t)len;
	r = nbuf_q_put(&c->wq, msg, len + 2);
	ncrypto_memzero(msg, sizeof msg);
	return r;
}

/* Take one handshake message of exactly the expected size from the read queue. */
static int hs_recv(struct conn *c, int index, size_t plen, uint8_t *payload)
{
	size_t want = noise_hs_msg_len(index, plen);
	size_t got;
	int r;
	if (nbuf_q_len(&c->rq) < 2)
		return NERR_AGAIN;
	const uint8_t *p = nbuf_q_data(&c->rq);
	size_t len = ((size_t)p[0] << 8) | p[1];
	if (len != want)
		return NERR_FORMAT;
	if (nbuf_q_len(&c->rq) < 2 + len)
		return NERR_AGAIN;
	r = noise_hs_read(c->hs, p + 2, len, payload, plen, &got);
	nbuf_q_consume(&c->rq, 2 + len);
	if (r != 0)
		return r;
	return got == plen ? 0 : NERR_FORMAT;
}

/* The peer's identity payload: id, and a certificate binding its static key to id. */
static int check_identity(struct conn *c, const uint8_t *payload)
{
	uint8_t s[32];
	int r;
	if ((r = noise_hs_remote_static(c->hs, s)) != 0)
		return r;
	if ((r = ncrypto_verify_ctx(payload + 32, CONN_CERT_CTX, s, 32, payload)) != 0)
		return r;
	if (ncrypto_equal(payload, c->me->id_pub, 32))
		return NERR_PEERKEY;
	if (c->has_expect && !ncrypto_equal(payload, c->expect, 32))
		return NERR_PEERKEY;
	memcpy(c->peer, payload, 32);
	c->peer_known = 1;
	if (c->cb.verify) {
		c->busy++;
		r = c->cb.verify(c->cb.ctx, c, c->peer);
		c->busy--;
	}
	return r;
}

/* Split the handshake into two stream keys and send our stream header. */
static int start_streams(struct conn *c)
{
	uint8_t k_i2r[32], k_r2i[32], hash[64], key[32], header[NCRYPTO_SS_HEADER];
	int r;
	if ((r = noise_hs_split(c->hs, k_i2r, k_r2i, hash)) != 0)
		goto out;
	ncrypto_kdf(key, c->initiator ? 1 : 2, "natter/s", c->initiator ? k_i2r : k_r2i);
	if ((r = frame_tx_init(&c->tx, key, header)) != 0)
		goto out;
	/* Keep the receiving key until the peer's header arrives. */
	ncrypto_kdf(c->rxkey, c->initiator ? 2 : 1, "natter/s", c->initiator ? k_r2i : k_i2r);
	if ((r = nbuf_q_put(&c->wq, header, sizeof header)) != 0)
		goto out;
	noise_hs_free(c->hs);
	c->hs = NULL;
	c->step = STEP_HEADER;
	r = 0;
out:
	ncrypto_memzero(k_i2r, sizeof k_i2r);
	ncrypto_memzero(k_r2i, sizeof k_r2i);
	ncrypto_memzero(key, sizeof key);
	ncrypto_memzero(hash, sizeof hash);
	return r;
}

static int put_identity(struct nbuf_writer *w, const struct conn_identity *me)
{
	int r;
	if ((r = nbuf_put_bytes(w, me->id_pub, 32)) != 0)
		return r;
	return nbuf_put_bytes(w, me->cert, 64);
}

static int step_hs1(struct conn *c)
{
	uint8_t in[CONN_HS1_PAYLOAD], out[CONN_HS2_PAYLOAD];
	struct nbuf_reader r;
	struct nbuf_writer w;
	uint32_t versions, features;
	int e;
	if ((e = hs_recv(c, 0, CONN_HS1_PAYLOAD, in)) != 0)
		return e;
	nbuf_reader_init(&r, in, sizeof in);
	if ((e = nbuf_get_u32(&r, &versions)) != 0 || (e = nbuf_get_u32(&r, &features)) != 0)
		return e;
	if (!(versions & CONN_VERSIONS_MASK))
		return NERR_VERSION;
	nbuf_writer_init(&w, out, sizeof out);
	if ((e = put_identity(&w, c->me)) != 0 || (e = nbuf_put_u8(&w, CONN_VERSION)) != 0 ||
	    (e = nbuf_put_u32(&w, 0)) != 0)
		return e;
	if ((e = hs_send(c, out, w.len, 1)) != 0)
		return e;
	c->step = STEP_HS3;
	return 0;
}

static int step_hs2(struct conn *c)
{
	uint8_t in[CONN_HS2_PAYLOAD], out[CONN_HS3_PAYLOAD];
	struct nbuf_writer w;
	int e;
	if ((e = hs_recv(c, 1, CONN_HS2_PAYLOAD, in)) != 0)
		return e;
	if (in[96] != CONN_VERSION)
		return NERR_VERSION;
	if ((e = check_identity(c, in)) != 0)
		return e;
	nbuf_writer_init(&w, out, sizeof out);
	if ((e = put_identity(&w, c->me)) != 0)
		return e;
	if ((e = hs_send(c, out, w.len, 2)) != 0)
		return e;
	return start_streams(c);
}

static int step_hs3(struct conn *c)
{
	uint8_t in[CONN_HS3_PAYLOAD];
	int e;
	if ((e = hs_recv(c, 2, CONN_HS3_PAYLOAD, in)) != 0)
		return e;
	if ((e = check_identity(c, in)) != 0)
		return e;
	return start_streams(c);
}

static int step_header(struct conn *c)
{
	int e;
	if (nbuf_q_len(&c->rq) < NCRYPTO_SS_HEADER)
		return NERR_AGAIN;
	e = frame_rx_init(&c->rx, c->rxkey, nbuf_q_data(&c->rq));
	ncrypto_memzero(c->rxkey, sizeof c->rxkey);
	nbuf_q_consume(&c->rq, NCRYPTO_SS_HEADER);
	if (e != 0)
		return e;
	c->step = STEP_UP;
	loop_timer_cancel(c->loop, c->deadline_timer);
	c->deadline_timer = 0;
	if (c->cb.up) {
		c->busy++;
		c->cb.up(c->cb.ctx, c);
		c->busy--;
	}
	return c->dead ? NERR_EOF : 0;
}

static int step_frames(struct conn *c)
{
	uint8_t type;
	const uint8_t *data;
	size_t len;
	int final, e;
	for (;;) {
		if ((e = frame_read(&c->rx, &c->rq, c->rbody, &type, &data, &len, &final)) != 0)
			return e;
		/* BYE and TAG_FINAL go together, or the stream is malformed. */
		if ((type == CONN_FRAME_BYE) != (final != 0))
			return NERR_FORMAT;
		if (final)
			return NERR_EOF;
		if (c->cb.frame) {
			c->busy++;
			c->cb.frame(c->cb.ctx, c, type, data, len);
			c->busy--;
		}
		if (c->dead)
			return NERR_EOF;
	}
}

/* Advance the state machine as far as the buffered bytes allow. */
static int process(struct conn *c)
{
	int e = 0;
	while (e == 0 && !c->dead) {
		switch (c->step) {
		case STEP_HS1: e = step_hs1(c); break;
		case STEP_HS2: e = step_hs2(c); break;
		case STEP_HS3: e = step_hs3(c); break;
		case STEP_HEADER: e = step_header(c); break;
		case STEP_UP: return step_frames(c);
		case STEP_CONNECTING:
		case STEP_CLOSED: return NERR_AGAIN;
		}
	}
	return e;
}

static int on_connected(struct conn *c)
{
	uint8_t payload[CONN_HS1_PAYLOAD];
	struct nbuf_writer w;
	int err = 0, e;
	socklen_t len = sizeof err;
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0)
		return NERR_IO;
	nbuf_writer_init(&w, payload, sizeof payload);
	if ((e = nbuf_put_u32(&w, CONN_VERSIONS_MASK)) != 0 || (e = nbuf_put_u32(&w, 0)) != 0)
		return e;
	if ((e = hs_send(c, payload, w.len, 0)) != 0)
		return e;
	c->step = STEP_HS2;
	return 0;
}

static int read_socket(struct conn *c)
{
	for (int rounds = 0; rounds < 16; rounds++) {
		uint8_t *p;
		size_t room = c->rq.max - nbuf_q_len(&c->rq);
		if (room == 0)
			return 0; /* backpressure: process() must drain first */
		if (room > 65536)
			room = 65536;
		int e = nbuf_q_reserve(&c->rq, room, &p);
		if (e != 0)
			return e;
		ssize_t n = recv(c->fd, p, room, 0);
		if (n == 0)
			return NERR_RESET; /* unless a BYE was among the bytes before it */
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (errno == EINTR)
				continue;
			return NERR_IO;
		}
		nbuf_q_commit(&c->rq, (size_t)n);
		c->last_rx = loop_now(c->loop);
		if ((size_t)n < room)
			return 0;
	}
	return 0;
}

static void conn_io(void *ctx, int fd, short revents)
{
	struct conn *c = ctx;
	int e = 0;
	(void)fd;
	c->busy++;
	if (c->step == STEP_CONNECTING) {
		if (revents & (POLLOUT | POLLERR | POLLHUP))
			e = on_connected(c);
	} else if (revents & (POLLIN | POLLERR | POLLHUP)) {
		int re = read_socket(c);
		e = process(c);
		if (e == NERR_AGAIN)
			e = re;
	}
	if (e == 0 || e == NERR_AGAIN)
		e = c->dead ? 0 : flush(c);
	c->busy--;
	if (!c->dead && e != 0 && e != NERR_AGAIN)
		conn_close(c, 0, e);
	else if (c->dead && c->busy == 0)
		conn_free(c);
}

int conn_send(struct conn *c, uint8_t type, const void *data, size_t len)
{
	int e;
	if (c->dead)
		return NERR_EOF;
	if (c->step != STEP_UP)
		return NERR_AGAIN;
	if ((e = frame_write(&c->tx, type, data, len, 0, &c->wq)) != 0)
		return e;
	/* Written by the loop on POLLOUT: sending never closes c under the caller. */
	update_events(c);
	return 0;
}

void conn_push(struct conn *c)
{
	if (!c->dead && c->step == STEP_UP)
		(void)flush(c); /* an error keeps POLLOUT on: conn_io meets it again */
}

int conn_is_up(const struct conn *c)
{
	return c->step == STEP_UP;
}

int conn_is_initiator(const struct conn *c)
{
	return c->initiator;
}

const uint8_t *conn_peer_id(const struct conn *c)
{
	return c->peer_known ? c->peer : NULL;
}

const struct sockaddr_in *conn_peer_addr(const struct conn *c)
{
	return &c->addr;
}

int64_t conn_last_rx(const struct conn *c)
{
	return c->last_rx;
}

size_t conn_pending_bytes(const struct conn *c)
{
	return nbuf_q_len(&c->wq);
}

void conn_set_user(struct conn *c, void *user)
{
	c->user = user;
}

void *conn_user(const struct conn *c)
{
	return c->user;
}
