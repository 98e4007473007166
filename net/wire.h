/* SPDX-License-Identifier: MIT */
/* The codec for frame bodies after the handshake: HELLO, MSG, ACK, PRESENCE
 * and PEERS.
 * Decoders are strict: every length checked against its limit, no trailing
 * bytes, text must be UTF-8. Integers are big-endian. */
#ifndef NATTER_WIRE_H
#define NATTER_WIRE_H

#include <netinet/in.h>
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
#define WIRE_PEERS 0x09 /* peer exchange: addresses of peers the sender knows */
#define WIRE_GONE 0x0a  /* seq, as ACK's layout: the sender withdrew that message */

#define WIRE_NICK_MAX 32
#define WIRE_TEXT_MAX 65536
#define WIRE_MSG_HEAD (16 + 8 + 8 + 4) /* id | seq | ts_ms | text_len */
#define WIRE_MSG_MAX (WIRE_MSG_HEAD + WIRE_TEXT_MAX)
#define WIRE_HELLO_MAX (1 + WIRE_NICK_MAX + 2)
#define WIRE_AWAY_MAX 128
#define WIRE_PRESENCE_MAX (2 + WIRE_AWAY_MAX)
#define WIRE_PEERS_MAX 32 /* entries in one PEERS frame */
#define WIRE_PEER_FIXED (32 + 4 + 2 + 1) /* key | ipv4 | port | nick_len */
#define WIRE_PEERS_BODY_MAX (1 + WIRE_PEERS_MAX * (WIRE_PEER_FIXED + WIRE_NICK_MAX))

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

/* One PEERS entry: key[32] | ipv4[4] (network order) | port u16 (1..65535) |
 * nick_len u8 (1..32) | nick. The address is unicast: not 0.0.0.0/8, not
 * 224.0.0.0 and above (multicast, reserved, broadcast). */
struct wire_peer {
	uint8_t key[32];
	struct in_addr addr;
	uint16_t port; /* host order */
	char nick[WIRE_NICK_MAX + 1];
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
/* PEERS: count u8 (0..32) | count entries, no key twice. Encode refuses a
 * count over WIRE_PEERS_MAX or an entry the decoder would reject (NERR_FORMAT,
 * NERR_TOOLONG). Decode writes up to WIRE_PEERS_MAX entries to out (which must
 * have room for them) and *count, only on success; a count over 32 is
 * NERR_TOOLONG before any entry is read, a repeated key or a bad address
 * NERR_FORMAT. */
int wire_peers_encode(const struct wire_peer *e, size_t count, uint8_t *out, size_t cap,
		      size_t *len) __attribute__((warn_unused_result));
int wire_peers_decode(struct wire_peer out[static WIRE_PEERS_MAX], size_t *count,
		      const uint8_t *in, size_t len) __attribute__((warn_unused_result));
/* An IPv4 address (network order) a PEERS entry may carry. */
int wire_peer_addr_ok(struct in_addr a);
/* ACK: seq u64, the highest contiguous seq the receiver has stored. */
int wire_ack_encode(uint64_t seq, uint8_t *out, size_t cap, size_t *len)
	__attribute__((warn_unused_result));
int wire_ack_decode(uint64_t *seq, const uint8_t *in, size_t len)
	__attribute__((warn_unused_result));

#endif
