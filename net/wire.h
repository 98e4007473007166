/* SPDX-License-Identifier: MIT */
/* The codec for frame bodies after the handshake: HELLO, MSG and ACK.
 * Decoders are strict: every length checked against its limit, no trailing
 * bytes, text must be UTF-8. Integers are big-endian. */
#ifndef NATTER_WIRE_H
#define NATTER_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define WIRE_HELLO 0x01
#define WIRE_MSG 0x02
#define WIRE_ACK 0x03
#define WIRE_PRESENCE 0x04
#define WIRE_TYPING 0x05
#define WIRE_READ 0x06
#define WIRE_PING 0x07 /* no data: answer with PONG */
#define WIRE_PONG 0x08 /* no data */
/* 0x09 is taken by peer exchange (PEERS). */
#define WIRE_GONE 0x0a /* seq, as ACK's layout: the sender withdrew that message */

#define WIRE_NICK_MAX 32
#define WIRE_TEXT_MAX 65536
#define WIRE_MSG_HEAD (16 + 8 + 8 + 4) /* id | seq | ts_ms | text_len */
#define WIRE_MSG_MAX (WIRE_MSG_HEAD + WIRE_TEXT_MAX)
#define WIRE_HELLO_MAX (1 + WIRE_NICK_MAX + 2)
#define WIRE_AWAY_MAX 128
#define WIRE_PRESENCE_MAX (2 + WIRE_AWAY_MAX)

/* PRESENCE: status u8 (0 online, 1 away) | reason_len u8 (0..128) | reason
 * (UTF-8, no NUL). TYPING has no data. READ is a u64 like ACK: the highest seq from
 * the receiver of the READ that the user has seen. */
struct wire_presence {
	int away;
	char reason[WIRE_AWAY_MAX + 1];
};

/* HELLO: nick_len u8 (1..32) | nick | tcp_port u16 (0: does not listen). */
struct wire_hello {
	char nick[WIRE_NICK_MAX + 1];
	uint16_t port;
};

/* MSG: id[16] | seq u64 (>= 1) | ts_ms u64 | text_len u32 (1..65536) | text.
 * text points into the decoded buffer (not NUL-terminated). */
struct wire_msg {
	uint8_t id[16];
	uint64_t seq;
	int64_t ts_ms;
	const char *text;
	size_t text_len;
};

/* Each encoder writes into out[cap] and sets *len; NERR_TOOLONG if it does not fit
 * or a field is over its limit. Decoders: 0 or NERR_SHORT / NERR_TRAILING /
 * NERR_TOOLONG / NERR_EMPTY / NERR_FORMAT / NERR_UTF8; out is written only on success. */
int wire_hello_encode(const struct wire_hello *h, uint8_t *out, size_t cap, size_t *len)
	__attribute__((warn_unused_result));
int wire_hello_decode(struct wire_hello *h, const uint8_t *in, size_t len)
	__attribute__((warn_unused_result));
int wire_msg_encode(const struct wire_msg *m, uint8_t *out, size_t cap, size_t *len)
	__attribute__((warn_unused_result));
int wire_msg_decode(struct wire_msg *m, const uint8_t *in, size_t len)
	__attribute__((warn_unused_result));
int wire_presence_encode(const struct wire_presence *p, uint8_t *out, size_t cap, size_t *len)
	__attribute__((warn_unused_result));
int wire_presence_decode(struct wire_presence *p, const uint8_t *in, size_t len)
	__attribute__((warn_unused_result));
/* ACK: seq u64, the highest contiguous seq the receiver has stored. */
int wire_ack_encode(uint64_t seq, uint8_t *out, size_t cap, size_t *len)
	__attribute__((warn_unused_result));
int wire_ack_decode(uint64_t *seq, const uint8_t *in, size_t len)
	__attribute__((warn_unused_result));

#endif
