/* SPDX-License-Identifier: MIT */
/* The frame body decoders on arbitrary bytes (the first input byte, the frame
 * type, picks PEERS when it is 0x09, else HELLO, MSG, ACK or PRESENCE; modulo 4):
 * whatever a decoder accepts must re-encode to exactly the bytes it came from,
 * since the format has one encoding per value. */
#include "fuzz.h"
#include "nerr.h"
#include "wire.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Encoded bytes must equal the input: same length, same content. */
static void fuzz_same(const char *what, int r, const uint8_t *out, size_t outlen, const uint8_t *in,
		      size_t len)
{
	if (r != 0 || outlen != len || memcmp(out, in, len) != 0) {
		fprintf(stderr,
			"wire %s round trip: encode %d (%s), %zu bytes for the %zu-byte body:",
			what, r, nerr_str(r), outlen, len);
		for (size_t i = 0; i < len && i < 64; i++)
			fprintf(stderr, " %02x", in[i]);
		fputc('\n', stderr);
		abort();
	}
}

static void fuzz_hello(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	struct wire_hello h;
	size_t outlen = 0;
	if (wire_hello_decode(&h, in, len) != 0)
		return;
	FUZZ_CHECK(strlen(h.nick) >= 1 && strlen(h.nick) <= WIRE_NICK_MAX);
	fuzz_same("HELLO", wire_hello_encode(&h, out, cap, &outlen), out, outlen, in, len);
}

static void fuzz_msg(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	struct wire_msg m;
	size_t outlen = 0;
	if (wire_msg_decode(&m, in, len) != 0)
		return;
	FUZZ_CHECK(m.seq >= 1 && m.ts_ms >= 0);
	FUZZ_CHECK(m.text_len >= 1 && m.text_len <= WIRE_TEXT_MAX);
	FUZZ_CHECK((const uint8_t *)m.text == in + WIRE_MSG_HEAD &&
		   m.text_len == len - WIRE_MSG_HEAD);
	fuzz_same("MSG", wire_msg_encode(&m, out, cap, &outlen), out, outlen, in, len);
}

static void fuzz_ack(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	uint64_t seq;
	size_t outlen = 0;
	if (wire_ack_decode(&seq, in, len) != 0)
		return;
	fuzz_same("ACK", wire_ack_encode(seq, out, cap, &outlen), out, outlen, in, len);
}

static void fuzz_presence(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	struct wire_presence p;
	size_t outlen = 0;
	if (wire_presence_decode(&p, in, len) != 0)
		return;
	FUZZ_CHECK(p.away == 0 || p.away == 1);
	FUZZ_CHECK(strlen(p.reason) <= WIRE_AWAY_MAX);
	fuzz_same("PRESENCE", wire_presence_encode(&p, out, cap, &outlen), out, outlen, in, len);
}

static void fuzz_peers(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	struct wire_peer e[WIRE_PEERS_MAX];
	size_t count = 0, outlen = 0;
	if (wire_peers_decode(e, &count, in, len) != 0)
		return;
	FUZZ_CHECK(count <= WIRE_PEERS_MAX && len <= WIRE_PEERS_BODY_MAX);
	for (size_t i = 0; i < count; i++)
		FUZZ_CHECK(e[i].port != 0 && wire_peer_addr_ok(e[i].addr) && e[i].nick[0] != '\0');
	fuzz_same("PEERS", wire_peers_encode(e, count, out, cap, &outlen), out, outlen, in, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static void (*const decoders[4])(const uint8_t *, size_t, uint8_t *,
					 size_t) = {fuzz_hello, fuzz_msg, fuzz_ack, fuzz_presence};
	uint8_t *out;
	if (size < 1)
		return 0;
	/* Exactly the largest body, on the heap, so an encoder overrun is caught. */
	if (!(out = malloc(WIRE_MSG_MAX)))
		abort();
	/* The selector is the frame type, as in a frame body: 1 HELLO .. 4 PRESENCE. */
	if (data[0] == WIRE_PEERS)
		fuzz_peers(data + 1, size - 1, out, WIRE_MSG_MAX);
	else
		decoders[(uint8_t)(data[0] - WIRE_HELLO) % 4](data + 1, size - 1, out,
							      WIRE_MSG_MAX);
	free(out);
	return 0;
}
