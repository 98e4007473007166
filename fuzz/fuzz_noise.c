/* SPDX-License-Identifier: MIT */
/* The XX handshake's two readers of attacker bytes: a responder fed the input
 * as message 1, and an initiator that wrote the fixed message 1 fed the input
 * as message 2. Keys and ephemerals are fixed, so seeds from fuzz/gen_seeds.c
 * pass the tags and the fuzzer can reach the later steps. */
#include "conn.h"
#include "fuzz.h"
#include "ncrypto.h"
#include "nerr.h"
#include "noise.h"

#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	FUZZ_CHECK(ncrypto_init() == 0);
	return 0;
}

static struct noise_hs *fuzz_hs(int initiator)
{
	struct noise_hs *hs =
	    noise_hs_new(initiator, (const uint8_t *)CONN_PROLOGUE, sizeof CONN_PROLOGUE - 1,
			 initiator ? fuzz_noise_i_static : fuzz_noise_r_static);
	FUZZ_CHECK(hs != NULL);
	FUZZ_CHECK(noise_hs_set_ephemeral(hs, initiator ? fuzz_noise_i_eph : fuzz_noise_r_eph) ==
		   0);
	return hs;
}

/* A failed read leaves the handshake dead (NERR_CRYPTO) or unchanged (the
 * others): either way it must not be done and must not yield a peer key. */
static void fuzz_check_failed(struct noise_hs *hs, int r)
{
	uint8_t rs[NOISE_DH];
	FUZZ_CHECK(r == NERR_SHORT || r == NERR_TOOLONG || r == NERR_CRYPTO);
	FUZZ_CHECK(!noise_hs_is_done(hs));
	FUZZ_CHECK(noise_hs_remote_static(hs, rs) != 0);
}

static void fuzz_responder(const uint8_t *data, size_t size, uint8_t *payload, uint8_t *out)
{
	struct noise_hs *hs = fuzz_hs(0);
	size_t plen = SIZE_MAX, outlen;
	int r = noise_hs_read(hs, data, size, payload, NOISE_MSG_MAX, &plen);
	if (r != 0) {
		fuzz_check_failed(hs, r);
		goto out;
	}
	FUZZ_CHECK(plen == size - NOISE_DH);
	FUZZ_CHECK(plen == 0 || memcmp(payload, data + NOISE_DH, plen) == 0); /* plaintext */
	/* Answering must work unless the initiator's ephemeral is a low-order point. */
	r = noise_hs_write(hs, (const uint8_t *)"hi", 2, out, NOISE_MSG_MAX, &outlen);
	FUZZ_CHECK(r == 0 || r == NERR_CRYPTO);
	FUZZ_CHECK(r != 0 || outlen == noise_hs_msg_len(1, 2));
out:
	noise_hs_free(hs);
}

static void fuzz_initiator(const uint8_t *data, size_t size, uint8_t *payload, uint8_t *out)
{
	struct noise_hs *hs = fuzz_hs(1);
	uint8_t rs[NOISE_DH], k1[NOISE_KEY], k2[NOISE_KEY], h[NOISE_HASH];
	size_t plen = SIZE_MAX, outlen;
	int r;

	FUZZ_CHECK(noise_hs_write(hs, (const uint8_t *)FUZZ_NOISE_MSG1_PAYLOAD,
				  sizeof FUZZ_NOISE_MSG1_PAYLOAD - 1, out, NOISE_MSG_MAX,
				  &outlen) == 0);
	r = noise_hs_read(hs, data, size, payload, NOISE_MSG_MAX, &plen);
	if (r != 0) {
		fuzz_check_failed(hs, r);
		goto out;
	}
	FUZZ_CHECK(plen == size - noise_hs_msg_len(1, 0));
	FUZZ_CHECK(noise_hs_remote_static(hs, rs) == 0);
	r = noise_hs_write(hs, NULL, 0, out, NOISE_MSG_MAX, &outlen);
	FUZZ_CHECK(r == 0 || r == NERR_CRYPTO);
	if (r == 0) {
		FUZZ_CHECK(noise_hs_is_done(hs));
		FUZZ_CHECK(noise_hs_split(hs, k1, k2, h) == 0);
	}
out:
	noise_hs_free(hs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Exactly NOISE_MSG_MAX on the heap, so a write past what noise.h allows is caught. */
	uint8_t *payload = malloc(NOISE_MSG_MAX), *out = malloc(NOISE_MSG_MAX);
	if (!payload || !out)
		abort();
	fuzz_responder(data, size, payload, out);
	fuzz_initiator(data, size, payload, out);
	free(payload);
	free(out);
	return 0;
}
