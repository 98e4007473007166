/* SPDX-License-Identifier: MIT */
/* frame_read on an arbitrary byte stream under a fixed key and header, the
 * stream arriving in chunks whose sizes the input chooses, as a socket would
 * split it. Input: seed byte | wire bytes. Every decoded frame must lie in buf
 * and nothing may follow a final frame. */
#include "frame.h"
#include "fuzz.h"
#include "nbuf.h"
#include "ncrypto.h"
#include "nerr.h"

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

/* Chunk sizes: the seed byte's low 3 bits pick the largest chunk, the rest
 * seeds a xorshift that picks each size in 1..largest. */
struct fuzz_chunker {
	uint32_t x;
	size_t max;
};

static void fuzz_chunker_init(struct fuzz_chunker *c, uint8_t seed)
{
	static const size_t max[8] = {1, 3, 19, 64, 333, 4096, 70000, SIZE_MAX};
	c->x = 0x9e3779b9u ^ ((uint32_t)seed << 8) ^ seed;
	c->max = max[seed & 7];
}

static size_t fuzz_chunk_next(struct fuzz_chunker *c, size_t left)
{
	c->x ^= c->x << 13;
	c->x ^= c->x >> 17;
	c->x ^= c->x << 5;
	size_t n = c->max == SIZE_MAX ? left : 1 + c->x % c->max;
	return n < left ? n : left;
}

/* Read every complete frame now in q. 0 to go on, 1 when the stream is over. */
static int fuzz_drain(struct frame_rx *rx, struct nbuf_q *q, uint8_t *buf, int *saw_final)
{
	for (;;) {
		uint8_t type;
		const uint8_t *fdata = NULL;
		size_t flen = SIZE_MAX;
		int final = -1;
		size_t before = nbuf_q_len(q);
		int r = frame_read(rx, q, buf, &type, &fdata, &flen, &final);
		if (*saw_final) {
			/* frame.h: a TAG_FINAL body was seen, nothing may follow. */
			FUZZ_CHECK(r == NERR_FORMAT);
			return 1;
		}
		if (r == NERR_AGAIN) {
			FUZZ_CHECK(nbuf_q_len(q) <= before);
			return 0;
		}
		if (r != 0) {
			FUZZ_CHECK(r == NERR_TOOLONG || r == NERR_FORMAT || r == NERR_CRYPTO);
			return 1;
		}
		FUZZ_CHECK(nbuf_q_len(q) < before);
		FUZZ_CHECK(fdata == buf + 1);
		FUZZ_CHECK(flen <= FRAME_DATA_MAX);
		FUZZ_CHECK(final == 0 || final == 1);
		/* Touch every byte so ASan sees a frame that reaches past buf. */
		volatile uint8_t sink = type;
		for (size_t i = 0; i < flen; i++)
			sink ^= fdata[i];
		(void)sink;
		*saw_final = final;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct frame_rx rx;
	struct nbuf_q q;
	struct fuzz_chunker ch;
	uint8_t *buf;
	int saw_final = 0;

	if (size < 1)
		return 0;
	fuzz_chunker_init(&ch, data[0]);
	data++;
	size--;
	FUZZ_CHECK(frame_rx_init(&rx, fuzz_frame_key, fuzz_frame_header) == 0);
	nbuf_q_init(&q, FUZZ_FRAME_QMAX);
	if (!(buf = malloc(FRAME_BODY_MAX))) /* exactly what frame.h asks for */
		abort();
	while (size > 0) {
		size_t n = fuzz_chunk_next(&ch, size);
		int r = nbuf_q_put(&q, data, n);
		if (r != 0) {
			FUZZ_CHECK(r == NERR_LIMIT);
			break;
		}
		data += n;
		size -= n;
		if (fuzz_drain(&rx, &q, buf, &saw_final))
			break;
	}
	free(buf);
	nbuf_q_clear(&q);
	frame_rx_clear(&rx);
	return 0;
}
