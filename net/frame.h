/* SPDX-License-Identifier: MIT */
/* Transport frames over one crypto_secretstream_xchacha20poly1305 stream per
 * direction. A frame is two pushes: a 2-byte length chunk (19 bytes on the wire)
 * counting 16-byte blocks of the body, then the body `type || data` padded to
 * whole blocks (ISO 7816-4). The reader authenticates the length chunk and
 * checks it against FRAME_MAX_BLOCKS before it waits for the body. */
#ifndef NATTER_FRAME_H
#define NATTER_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "nbuf.h"
#include "ncrypto.h"

#define FRAME_BLOCK 16
#define FRAME_MAX_BLOCKS 4160 /* body up to 66560 bytes: a 65536-byte message fits */
#define FRAME_BODY_MAX (FRAME_MAX_BLOCKS * FRAME_BLOCK)
#define FRAME_DATA_MAX (FRAME_BODY_MAX - 2) /* room for the type byte and padding */
#define FRAME_LEN_WIRE (2 + NCRYPTO_SS_ABYTES)
#define FRAME_WIRE_MAX (FRAME_LEN_WIRE + FRAME_BODY_MAX + NCRYPTO_SS_ABYTES)
#define FRAME_REKEY_EVERY 65536 /* frames between TAG_REKEY pushes */

struct frame_tx {
	struct ncrypto_ss *ss;
	uint64_t count;
	uint8_t *scratch; /* FRAME_BODY_MAX bytes for padding the body */
};

struct frame_rx {
	struct ncrypto_ss *ss;
	size_t want_blocks; /* 0 while waiting for a length chunk */
	int final;	    /* a TAG_FINAL body was seen: nothing may follow */
};

/* Start the sending stream under key; header (NCRYPTO_SS_HEADER bytes) goes
 * on the wire first. 0 or NERR_NOMEM. */
int frame_tx_init(struct frame_tx *tx, const uint8_t key[static NCRYPTO_KEY],
		  uint8_t header[static NCRYPTO_SS_HEADER]) __attribute__((warn_unused_result));
/* Start the receiving stream from the peer's header; NERR_CRYPTO if unusable. */
int frame_rx_init(struct frame_rx *rx, const uint8_t key[static NCRYPTO_KEY],
		  const uint8_t header[static NCRYPTO_SS_HEADER]) __attribute__((warn_unused_result));
void frame_tx_clear(struct frame_tx *tx);
void frame_rx_clear(struct frame_rx *rx);

/* Append one encrypted frame (type, data[len]) to out; final marks the last
 * frame of an orderly close. NERR_TOOLONG if len > FRAME_DATA_MAX, NERR_LIMIT
 * if out is full (then nothing is appended). */
int frame_write(struct frame_tx *tx, uint8_t type, const void *data, size_t len, int final,
		struct nbuf_q *out) __attribute__((warn_unused_result));

/* Take one frame from in. buf must hold FRAME_BODY_MAX bytes; on success *type,
 * *data (pointing into buf) and *len describe the frame and *final is set for
 * an orderly close. NERR_AGAIN: need more bytes (what was complete is consumed).
 * NERR_TOOLONG / NERR_FORMAT / NERR_CRYPTO: the stream is broken; close it. */
int frame_read(struct frame_rx *rx, struct nbuf_q *in, uint8_t *buf, uint8_t *type,
	       const uint8_t **data, size_t *len, int *final) __attribute__((warn_unused_result));

#endif
