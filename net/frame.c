/* SPDX-License-Identifier: MIT */
/* Length-then-body secretstream frames; see frame.h for the layout. */
#include "frame.h"
#include "nerr.h"

#include <stdlib.h>
#include <string.h>

int frame_tx_init(struct frame_tx *tx, const uint8_t key[static NCRYPTO_KEY],
		  uint8_t header[static NCRYPTO_SS_HEADER])
{
	tx->count = 0;
	tx->scratch = malloc(FRAME_BODY_MAX);
	tx->ss = ncrypto_ss_new_push(header, key);
	if (!tx->ss || !tx->scratch) {
		frame_tx_clear(tx);
		return NERR_NOMEM;
	}
	return 0;
}

int frame_rx_init(struct frame_rx *rx, const uint8_t key[static NCRYPTO_KEY],
		  const uint8_t header[static NCRYPTO_SS_HEADER])
{
	rx->want_blocks = 0;
	rx->final = 0;
	rx->ss = ncrypto_ss_new_pull(header, key);
	return rx->ss ? 0 : NERR_CRYPTO;
}

void frame_tx_clear(struct frame_tx *tx)
{
	ncrypto_ss_free(tx->ss);
	tx->ss = NULL;
	free(tx->scratch);
	tx->scratch = NULL;
}

void frame_rx_clear(struct frame_rx *rx)
{
	ncrypto_ss_free(rx->ss);
	rx->ss = NULL;
	rx->want_blocks = 0;
}

int frame_write(struct frame_tx *tx, uint8_t type, const void *data, size_t len, int final,
		struct nbuf_q *out)
{
	uint8_t *wire;
	size_t padded;
	int r;

	if (!tx->ss || !tx->scratch)
		return NERR_INTERNAL;
	if (len > FRAME_DATA_MAX)
		return NERR_TOOLONG;
	tx->scratch[0] = type;
	if (len > 0)
		memcpy(tx->scratch + 1, data, len);
	if ((r = ncrypto_pad(&padded, tx->scratch, len + 1, FRAME_BLOCK, FRAME_BODY_MAX)) != 0)
		return r;
	/* Reserve first so a full queue leaves the stream state untouched. */
	if ((r = nbuf_q_reserve(out, FRAME_LEN_WIRE + padded + NCRYPTO_SS_ABYTES, &wire)) != 0)
		return r;
	uint8_t lenbuf[2] = {(uint8_t)((padded / FRAME_BLOCK) >> 8),
			     (uint8_t)(padded / FRAME_BLOCK)};
	if ((r = ncrypto_ss_push(tx->ss, wire, lenbuf, 2, NCRYPTO_SS_MESSAGE)) != 0)
		return r;
	enum ncrypto_ss_tag tag = NCRYPTO_SS_MESSAGE;
	tx->count++;
	if (final)
		tag = NCRYPTO_SS_FINAL;
	else if (tx->count % FRAME_REKEY_EVERY == 0)
		tag = NCRYPTO_SS_REKEY;
	r = ncrypto_ss_push(tx->ss, wire + FRAME_LEN_WIRE, tx->scratch, padded, tag);
	ncrypto_memzero(tx->scratch, padded);
	if (r != 0)
		return r;
	nbuf_q_commit(out, FRAME_LEN_WIRE + padded + NCRYPTO_SS_ABYTES);
	return 0;
}

static int read_length(struct frame_rx *rx, struct nbuf_q *in)
{
	uint8_t plain[2];
	enum ncrypto_ss_tag tag;
	int r;
	if (nbuf_q_len(in) < FRAME_LEN_WIRE)
		return NERR_AGAIN;
	if ((r = ncrypto_ss_pull(rx->ss, plain, nbuf_q_data(in), FRAME_LEN_WIRE, &tag)) != 0)
		return r;
	nbuf_q_consume(in, FRAME_LEN_WIRE);
	if (tag != NCRYPTO_SS_MESSAGE)
		return NERR_FORMAT;
	size_t blocks = ((size_t)plain[0] << 8) | plain[1];
	if (blocks == 0 || blocks > FRAME_MAX_BLOCKS)
		return NERR_TOOLONG;
	rx->want_blocks = blocks;
	return 0;
}

int frame_read(struct frame_rx *rx, struct nbuf_q *in, uint8_t *buf, uint8_t *type,
	       const uint8_t **data, size_t *len, int *final)
{
	enum ncrypto_ss_tag tag;
	size_t unpadded;
	int r;

	if (!rx->ss || rx->final)
		return NERR_FORMAT;
	if (rx->want_blocks == 0 && (r = read_length(rx, in)) != 0)
		return r;
	size_t body = rx->want_blocks * FRAME_BLOCK;
	if (nbuf_q_len(in) < body + NCRYPTO_SS_ABYTES)
		return NERR_AGAIN;
	if ((r = ncrypto_ss_pull(rx->ss, buf, nbuf_q_data(in), body + NCRYPTO_SS_ABYTES, &tag)) !=
	    0)
		return r;
	nbuf_q_consume(in, body + NCRYPTO_SS_ABYTES);
	rx->want_blocks = 0;
	if (tag == NCRYPTO_SS_PUSH)
		return NERR_FORMAT;
	if ((r = ncrypto_unpad(&unpadded, buf, body, FRAME_BLOCK)) != 0)
		return r;
	if (unpadded < 1)
		return NERR_FORMAT;
	rx->final = tag == NCRYPTO_SS_FINAL;
	*type = buf[0];
	*data = buf + 1;
	*len = unpadded - 1;
	*final = rx->final;
	return 0;
}
