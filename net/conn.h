/* SPDX-License-Identifier: MIT */
/* One TCP connection to a peer: the Noise XX handshake with natter's payloads
 * (versions, identity key and certificate), then encrypted frames both ways.
 * Reports upward through struct conn_cb; knows nothing of the store or UI. */
#ifndef NATTER_CONN_H
#define NATTER_CONN_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "loop.h"

#define CONN_VERSION 1		      /* the one protocol version this build speaks */
#define CONN_VERSIONS_MASK 0x00000001u /* bit v-1 set for each version spoken */
#define CONN_HS_TIMEOUT_MS 10000      /* whole handshake deadline */
#define CONN_HS1_PAYLOAD 8	      /* versions u32 | features u32 */
#define CONN_HS2_PAYLOAD 101	      /* id[32] | cert[64] | version u8 | features u32 */
#define CONN_HS3_PAYLOAD 96	      /* id[32] | cert[64] */
#define CONN_WQ_MAX (8u << 20)	      /* bytes queued for sending before conn_send refuses */
#define CONN_FRAME_BYE 0x00	      /* orderly close, carried with TAG_FINAL */
#define CONN_CERT_CTX "natter/static/v1"
#define CONN_PROLOGUE "natter\x01"

/* This node's long-term keys, borrowed by every connection (must outlive them). */
struct conn_identity {
	uint8_t id_pub[32];
	const uint8_t *id_sk;  /* 64 bytes, Ed25519 */
	const uint8_t *s_priv; /* 32 bytes, X25519 static */
	uint8_t cert[64];      /* sign(id, CONN_CERT_CTX || s_pub) */
};

struct conn;

struct conn_cb {
	void *ctx;
	/* The peer proved it holds id (cert checked). Return 0 to go on, or a
	 * NERR_* to close. Initiator: called before message 3, so a refused
	 * responder never learns who we are. */
	int (*verify)(void *ctx, struct conn *c, const uint8_t id[static 32]);
	/* Both streams are ready: frames may be sent and will arrive. */
	void (*up)(void *ctx, struct conn *c);
	/* One decrypted frame; data is valid only during the call. */
	void (*frame)(void *ctx, struct conn *c, uint8_t type, const uint8_t *data, size_t len);
	/* The connection is gone (err says why: NERR_EOF for an orderly close). The
	 * conn is freed right after this returns. */
	void (*down)(void *ctx, struct conn *c, int err);
};

/* Dial to; expect_id, if not NULL, is the only identity accepted. NULL on failure. */
struct conn *conn_new_outgoing(struct loop *l, const struct sockaddr_in *to,
			       const struct conn_identity *me, const uint8_t *expect_id,
			       const struct conn_cb *cb);
/* Take over an accepted socket (made non-blocking here). NULL on failure (fd closed). */
struct conn *conn_new_incoming(struct loop *l, int fd, const struct sockaddr_in *from,
			       const struct conn_identity *me, const struct conn_cb *cb);

/* Queue one frame. NERR_AGAIN before the connection is up, NERR_LIMIT when
 * the send queue is full, NERR_TOOLONG over FRAME_DATA_MAX. */
int conn_send(struct conn *c, uint8_t type, const void *data, size_t len);
/* Write the queued frames now, as far as the socket takes them, instead of
 * on the loop's next turn: for what a peer waits on (an ACK, a message).
 * Never closes c: a write error is left for the loop to find. */
void conn_push(struct conn *c);
/* Close now (graceful: a BYE frame is flushed first if possible). down() is
 * called once, with err. Safe from inside any callback of c. */
void conn_close(struct conn *c, int graceful, int err);

int conn_is_up(const struct conn *c);
int conn_is_initiator(const struct conn *c);
/* The peer's identity once verified, else NULL. */
const uint8_t *conn_peer_id(const struct conn *c);
const struct sockaddr_in *conn_peer_addr(const struct conn *c);
size_t conn_pending_bytes(const struct conn *c);
/* When bytes last arrived (loop_now ms; 0 = never), a frame complete or not:
 * a peer in the middle of sending a long frame on a slow link is alive. */
int64_t conn_last_rx(const struct conn *c);
void conn_set_user(struct conn *c, void *user);
void *conn_user(const struct conn *c);

#endif
