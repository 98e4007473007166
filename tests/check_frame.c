/* SPDX-License-Identifier: MIT */
/* Secretstream frames: round trips of every size class, the exact wire size,
 * partial reads, forgeries (flipped bits, forged lengths, wrong key, replay,
 * reordering), the length limit enforced before the body arrives, and FINAL. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "nbuf.h"
#include "ncrypto.h"
#include "nerr.h"

#define Q_MAX (4u << 20)

/* One direction of a connection: a sender, a receiver sharing its key and
 * header, and the queue the sender writes into. */
struct link {
	uint8_t key[NCRYPTO_KEY];
	uint8_t header[NCRYPTO_SS_HEADER];
	struct frame_tx tx;
	struct frame_rx rx;
	struct nbuf_q q;
	uint8_t *buf; /* FRAME_BODY_MAX bytes for frame_read */
};

/* What frame_read returned, pre-filled with a sentinel so that a failed read
 * can be seen to have written nothing. */
struct got {
	uint8_t type;
	const uint8_t *data;
	size_t len;
	int final;
};

static const struct got got_sentinel = {0xee, (const uint8_t *)&got_sentinel, 0xdeadbeef, 77};

static void link_open(struct link *l)
{
	ncrypto_random(l->key, sizeof l->key);
	ck_assert_int_eq(frame_tx_init(&l->tx, l->key, l->header), 0);
	ck_assert_int_eq(frame_rx_init(&l->rx, l->key, l->header), 0);
	nbuf_q_init(&l->q, Q_MAX);
	l->buf = malloc(FRAME_BODY_MAX);
	ck_assert_ptr_nonnull(l->buf);
}

static void link_close(struct link *l)
{
	frame_tx_clear(&l->tx);
	frame_rx_clear(&l->rx);
	nbuf_q_clear(&l->q);
	free(l->buf);
}

static int read_from(struct link *l, struct nbuf_q *in, struct got *g)
{
	*g = got_sentinel;
	return frame_read(&l->rx, in, l->buf, &g->type, &g->data, &g->len, &g->final);
}

static void assert_untouched(const struct got *g)
{
	ck_assert_uint_eq(g->type, got_sentinel.type);
	ck_assert_ptr_eq(g->data, got_sentinel.data);
	ck_assert_uint_eq(g->len, got_sentinel.len);
	ck_assert_int_eq(g->final, got_sentinel.final);
}

/* Data bytes whose value depends on the frame, so frames cannot be confused. */
static uint8_t *pattern(size_t len, unsigned seed)
{
	uint8_t *p = malloc(len ? len : 1);
	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seed * 31 + i * 7 + (i >> 8));
	return p;
}

/* Body bytes on the wire for len data bytes: type byte, then ISO 7816-4
 * padding (at least one byte) up to a whole number of blocks. */
static size_t padded_body(size_t len)
{
	return ((len + 1) / FRAME_BLOCK + 1) * FRAME_BLOCK;
}

/* Encrypt a 2-byte big-endian length chunk with the sender's own stream, as a
 * malicious peer holding the key would. */
static void push_length(struct link *l, size_t blocks, enum ncrypto_ss_tag tag)
{
	uint8_t *wire;
	const uint8_t plain[2] = {(uint8_t)(blocks >> 8), (uint8_t)blocks};
	ck_assert_int_eq(nbuf_q_reserve(&l->q, FRAME_LEN_WIRE, &wire), 0);
	ck_assert_int_eq(ncrypto_ss_push(l->tx.ss, wire, plain, 2, tag), 0);
	nbuf_q_commit(&l->q, FRAME_LEN_WIRE);
}

static const size_t sizes[] = {0, 1, 15, 16, 17, FRAME_DATA_MAX};
#define NSIZES (sizeof sizes / sizeof sizes[0])

START_TEST(frames_of_every_size_class_round_trip_in_order)
{
	struct link l;
	struct got g;
	size_t total = 0;
	link_open(&l);
	for (size_t k = 0; k < NSIZES; k++) {
		uint8_t *d = pattern(sizes[k], (unsigned)k);
		ck_assert_int_eq(frame_write(&l.tx, (uint8_t)(0x40 + k), d, sizes[k], 0, &l.q), 0);
		total += FRAME_LEN_WIRE + padded_body(sizes[k]) + NCRYPTO_SS_ABYTES;
		free(d);
	}
	ck_assert_uint_eq(nbuf_q_len(&l.q), total);
	for (size_t k = 0; k < NSIZES; k++) {
		uint8_t *d = pattern(sizes[k], (unsigned)k);
		ck_assert_int_eq(read_from(&l, &l.q, &g), 0);
		ck_assert_uint_eq(g.type, 0x40 + k);
		ck_assert_uint_eq(g.len, sizes[k]);
		ck_assert_int_eq(g.final, 0);
		if (sizes[k] > 0)
			ck_assert_mem_eq(g.data, d, sizes[k]);
		free(d);
	}
	ck_assert_uint_eq(nbuf_q_len(&l.q), 0);
	ck_assert_int_eq(read_from(&l, &l.q, &g), NERR_AGAIN);
	assert_untouched(&g);
	link_close(&l);
}
END_TEST

START_TEST(frame_wire_size_is_length_chunk_plus_padded_body_plus_tag)
{
	static const struct {
		size_t data, body;
	} want[] = {
	    {0, 16},  {1, 16},	{14, 16},
	    {15, 32}, {16, 32}, {17, 32},
	    {30, 32}, {31, 48}, {FRAME_DATA_MAX, FRAME_BODY_MAX},
	};
	struct link l;
	link_open(&l);
	ck_assert_uint_eq(FRAME_LEN_WIRE, 19);
	for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
		uint8_t *d = pattern(want[k].data, 1);
		size_t before = nbuf_q_len(&l.q);
		ck_assert_int_eq(frame_write(&l.tx, 1, d, want[k].data, 0, &l.q), 0);
		ck_assert_uint_eq(nbuf_q_len(&l.q) - before, FRAME_LEN_WIRE + want[k].body + 17);
		ck_assert_uint_eq(padded_body(want[k].data), want[k].body);
		free(d);
	}
	link_close(&l);
}
END_TEST

START_TEST(a_frame_fed_one_byte_at_a_time_arrives_only_with_its_last_byte)
{
	struct link l;
	struct nbuf_q in;
	struct got g;
	uint8_t *d = pattern(40, 9);
	link_open(&l);
	nbuf_q_init(&in, Q_MAX);
	ck_assert_int_eq(frame_write(&l.tx, 7, d, 40, 0, &l.q), 0);
	ck_assert_int_eq(frame_write(&l.tx, 8, d, 3, 0, &l.q), 0);
	const size_t first = FRAME_LEN_WIRE + padded_body(40) + NCRYPTO_SS_ABYTES;
	const size_t all = nbuf_q_len(&l.q);
	const uint8_t *wire = nbuf_q_data(&l.q);
	size_t done = 0;
	for (size_t i = 0; i < all; i++) {
		ck_assert_int_eq(nbuf_q_put(&in, wire + i, 1), 0);
		int r = read_from(&l, &in, &g);
		if (i + 1 == first || i + 1 == all) {
			ck_assert_int_eq(r, 0);
			ck_assert_uint_eq(g.type, done == 0 ? 7 : 8);
			ck_assert_uint_eq(g.len, done == 0 ? 40 : 3);
			ck_assert_mem_eq(g.data, d, g.len);
			done++;
		} else {
			ck_assert_int_eq(r, NERR_AGAIN);
			assert_untouched(&g);
		}
		/* the length chunk is consumed as soon as it is complete */
		if (i + 1 == FRAME_LEN_WIRE)
			ck_assert_uint_eq(nbuf_q_len(&in), 0);
	}
	ck_assert_uint_eq(done, 2);
	ck_assert_uint_eq(nbuf_q_len(&in), 0);
	nbuf_q_clear(&in);
	link_close(&l);
	free(d);
}
END_TEST

#define FLIP_DATA 17
#define FLIP_WIRE (FRAME_LEN_WIRE + 32 + NCRYPTO_SS_ABYTES)

/* _i is a byte position in a 68-byte frame; every bit of it is tried. */
START_TEST(a_flipped_bit_anywhere_in_a_frame_fails_with_crypto)
{
	size_t pos = (size_t)_i;
	uint8_t *d = pattern(FLIP_DATA, 3);
	for (int bit = 0; bit < 8; bit++) {
		struct link l;
		struct nbuf_q in;
		struct got g;
		uint8_t wire[FLIP_WIRE];
		link_open(&l);
		nbuf_q_init(&in, Q_MAX);
		ck_assert_int_eq(frame_write(&l.tx, 5, d, FLIP_DATA, 0, &l.q), 0);
		ck_assert_uint_eq(nbuf_q_len(&l.q), FLIP_WIRE);
		memcpy(wire, nbuf_q_data(&l.q), FLIP_WIRE);
		wire[pos] ^= (uint8_t)(1u << bit);
		ck_assert_int_eq(nbuf_q_put(&in, wire, FLIP_WIRE), 0);
		ck_assert_int_eq(read_from(&l, &in, &g), NERR_CRYPTO);
		assert_untouched(&g);
		nbuf_q_clear(&in);
		link_close(&l);
	}
	free(d);
}
END_TEST

START_TEST(a_length_over_the_block_limit_fails_before_any_body_byte_exists)
{
	static const size_t bad[] = {FRAME_MAX_BLOCKS + 1, 0xffff};
	for (size_t k = 0; k < 2; k++) {
		struct link l;
		struct got g;
		link_open(&l);
		push_length(&l, bad[k], NCRYPTO_SS_MESSAGE);
		/* nothing but the length chunk is there: no body was waited for */
		ck_assert_uint_eq(nbuf_q_len(&l.q), FRAME_LEN_WIRE);
		ck_assert_int_eq(read_from(&l, &l.q, &g), NERR_TOOLONG);
		assert_untouched(&g);
		link_close(&l);
	}
}
END_TEST

START_TEST(a_length_of_exactly_the_block_limit_waits_for_its_body)
{
	struct link l;
	struct got g;
	link_open(&l);
	push_length(&l, FRAME_MAX_BLOCKS, NCRYPTO_SS_MESSAGE);
	ck_assert_int_eq(read_from(&l, &l.q, &g), NERR_AGAIN);
	ck_assert_uint_eq(nbuf_q_len(&l.q), 0);
	ck_assert_uint_eq(l.rx.want_blocks, FRAME_MAX_BLOCKS);
	link_close(&l);
}
END_TEST

START_TEST(a_zero_block_length_fails)
{
	struct link l;
	struct got g;
	link_open(&l);
	push_length(&l, 0, NCRYPTO_SS_MESSAGE);
	int r = read_from(&l, &l.q, &g);
	ck_assert_msg(r == NERR_TOOLONG || r == NERR_FORMAT, "zero blocks gave %d", r);
	assert_untouched(&g);
	link_close(&l);
}
END_TEST

START_TEST(a_length_chunk_with_a_tag_other_than_message_fails)
{
	static const enum ncrypto_ss_tag tags[] = {NCRYPTO_SS_PUSH, NCRYPTO_SS_REKEY,
						   NCRYPTO_SS_FINAL};
	for (size_t k = 0; k < 3; k++) {
		struct link l;
		struct got g;
		link_open(&l);
		push_length(&l, 1, tags[k]);
		ck_assert_int_eq(read_from(&l, &l.q, &g), NERR_FORMAT);
		assert_untouched(&g);
		link_close(&l);
	}
}
END_TEST

START_TEST(a_body_pushed_with_the_push_tag_fails)
{
	struct link l;
	struct got g;
	uint8_t body[FRAME_BLOCK] = {9, 0x80}, *wire;
	link_open(&l);
	push_length(&l, 1, NCRYPTO_SS_MESSAGE);
	ck_assert_int_eq(nbuf_q_reserve(&l.q, sizeof body + NCRYPTO_SS_ABYTES, &wire), 0);
	ck_assert_int_eq(ncrypto_ss_push(l.tx.ss, wire, body, sizeof body, NCRYPTO_SS_PUSH), 0);
	nbuf_q_commit(&l.q, sizeof body + NCRYPTO_SS_ABYTES);
	ck_assert_int_eq(read_from(&l, &l.q, &g), NERR_FORMAT);
	assert_untouched(&g);
	link_close(&l);
}
END_TEST

START_TEST(a_body_with_bad_padding_fails)
{
	struct link l;
	struct got g;
	uint8_t body[FRAME_BLOCK] = {9}, *wire; /* no 0x80 marker: all zero after the type */
	link_open(&l);
	push_length(&l, 1, NCRYPTO_SS_MESSAGE);
	ck_assert_int_eq(nbuf_q_reserve(&l.q, sizeof body + NCRYPTO_SS_ABYTES, &wire), 0);
	ck_assert_int_eq(ncrypto_ss_push(l.tx.ss, wire, body, sizeof body, NCRYPTO_SS_MESSAGE), 0);
	nbuf_q_commit(&l.q, sizeof body + NCRYPTO_SS_ABYTES);
	ck_assert_int_eq(read_from(&l, &l.q, &g), NERR_FORMAT);
	assert_untouched(&g);
	link_close(&l);
}
END_TEST

START_TEST(data_over_frame_data_max_is_refused_and_the_stream_goes_on)
{
	struct link l;
	struct got g;
	uint8_t *d = pattern(FRAME_DATA_MAX + 1, 2);
	link_open(&l);
	ck_assert_int_eq(frame_write(&l.tx, 1, d, FRAME_DATA_MAX + 1, 0, &l.q), NERR_TOOLONG);
	ck_assert_uint_eq(nbuf_q_len(&l.q), 0);
	/* nothing was pushed, so the next frame is still the reader's next one */
	ck_assert_int_eq(frame_write(&l.tx, 2, d, 5, 0, &l.q), 0);
	ck_assert_int_eq(read_from(&l, &l.q, &g), 0);
	ck_assert_uint_eq(g.type, 2);
	ck_assert_uint_eq(g.len, 5);
	link_close(&l);
	free(d);
}
END_TEST

START_TEST(a_full_queue_refuses_a_frame_and_the_stream_goes_on)
{
	enum { W = FRAME_LEN_WIRE + 48 + NCRYPTO_SS_ABYTES }; /* a 40-byte frame */
	struct link l;
	struct nbuf_q small, exact;
	struct got g;
	uint8_t d[40] = {0};
	link_open(&l);
	nbuf_q_init(&small, W - 1);
	nbuf_q_init(&exact, W);
	ck_assert_int_eq(frame_write(&l.tx, 1, d, sizeof d, 0, &small), NERR_LIMIT);
	ck_assert_uint_eq(nbuf_q_len(&small), 0);
	/* nothing was pushed: the next frame is still the reader's next one */
	ck_assert_int_eq(frame_write(&l.tx, 2, d, sizeof d, 0, &exact), 0);
	ck_assert_uint_eq(nbuf_q_len(&exact), W);
	ck_assert_int_eq(read_from(&l, &exact, &g), 0);
	ck_assert_uint_eq(g.type, 2);
	nbuf_q_clear(&small);
	nbuf_q_clear(&exact);
	link_close(&l);
}
END_TEST

START_TEST(a_final_frame_sets_final_and_no_frame_may_follow_it)
{
	struct link l;
	struct got g;
	link_open(&l);
	ck_assert_int_eq(frame_write(&l.tx, 1, "a", 1, 0, &l.q), 0);
	ck_assert_int_eq(frame_write(&l.tx, 0, "bye", 3, 1, &l.q), 0);
	ck_assert_int_eq(frame_write(&l.tx, 3, "c", 1, 0, &l.q), 0);
	ck_assert_int_eq(read_from(&l, &l.q, &g), 0);
	ck_assert_int_eq(g.final, 0);
	ck_assert_int_eq(read_from(&l, &l.q, &g), 0);
	ck_assert_int_eq(g.final, 1);
	ck_assert_uint_eq(g.type, 0);
	ck_assert_uint_eq(g.len, 3);
	ck_assert_mem_eq(g.data, "bye", 3);
	ck_assert_int_ne(read_from(&l, &l.q, &g), 0);
	ck_assert_int_ne(read_from(&l, &l.q, &g), NERR_AGAIN);
	assert_untouched(&g);
	link_close(&l);
}
END_TEST

START_TEST(a_replayed_frame_fails)
{
	struct link l;
	struct nbuf_q in;
	struct got g;
	uint8_t wire[FRAME_LEN_WIRE + 16 + NCRYPTO_SS_ABYTES];
	link_open(&l);
	nbuf_q_init(&in, Q_MAX);
	ck_assert_int_eq(frame_write(&l.tx, 1, "once", 4, 0, &l.q), 0);
	ck_assert_uint_eq(nbuf_q_len(&l.q), sizeof wire);
	memcpy(wire, nbuf_q_data(&l.q), sizeof wire);
	ck_assert_int_eq(nbuf_q_put(&in, wire, sizeof wire), 0);
	ck_assert_int_eq(nbuf_q_put(&in, wire, sizeof wire), 0);
	ck_assert_int_eq(read_from(&l, &in, &g), 0);
	ck_assert_mem_eq(g.data, "once", 4);
	ck_assert_int_eq(read_from(&l, &in, &g), NERR_CRYPTO);
	assert_untouched(&g);
	nbuf_q_clear(&in);
	link_close(&l);
}
END_TEST

START_TEST(frames_read_out_of_order_fail)
{
	struct link l;
	struct nbuf_q in;
	struct got g;
	enum { W = FRAME_LEN_WIRE + 16 + NCRYPTO_SS_ABYTES };
	link_open(&l);
	nbuf_q_init(&in, Q_MAX);
	ck_assert_int_eq(frame_write(&l.tx, 1, "first", 5, 0, &l.q), 0);
	ck_assert_int_eq(frame_write(&l.tx, 1, "other", 5, 0, &l.q), 0);
	ck_assert_uint_eq(nbuf_q_len(&l.q), 2 * W);
	ck_assert_int_eq(nbuf_q_put(&in, nbuf_q_data(&l.q) + W, W), 0);
	ck_assert_int_eq(nbuf_q_put(&in, nbuf_q_data(&l.q), W), 0);
	ck_assert_int_eq(read_from(&l, &in, &g), NERR_CRYPTO);
	assert_untouched(&g);
	nbuf_q_clear(&in);
	link_close(&l);
}
END_TEST

START_TEST(a_body_swapped_between_two_frames_fails)
{
	/* length chunk of frame 1 followed by the body of frame 2 */
	struct link l;
	struct nbuf_q in;
	struct got g;
	enum { W = FRAME_LEN_WIRE + 16 + NCRYPTO_SS_ABYTES };
	link_open(&l);
	nbuf_q_init(&in, Q_MAX);
	ck_assert_int_eq(frame_write(&l.tx, 1, "first", 5, 0, &l.q), 0);
	ck_assert_int_eq(frame_write(&l.tx, 1, "other", 5, 0, &l.q), 0);
	const uint8_t *w = nbuf_q_data(&l.q);
	ck_assert_int_eq(nbuf_q_put(&in, w, FRAME_LEN_WIRE), 0);
	ck_assert_int_eq(nbuf_q_put(&in, w + W + FRAME_LEN_WIRE, W - FRAME_LEN_WIRE), 0);
	ck_assert_int_eq(read_from(&l, &in, &g), NERR_CRYPTO);
	assert_untouched(&g);
	nbuf_q_clear(&in);
	link_close(&l);
}
END_TEST

START_TEST(a_reader_with_the_wrong_key_fails)
{
	struct link l;
	struct frame_rx other;
	struct got g = got_sentinel;
	uint8_t key[NCRYPTO_KEY];
	link_open(&l);
	memcpy(key, l.key, sizeof key);
	key[0] ^= 1;
	ck_assert_int_eq(frame_rx_init(&other, key, l.header), 0);
	ck_assert_int_eq(frame_write(&l.tx, 1, "secret", 6, 0, &l.q), 0);
	ck_assert_int_eq(frame_read(&other, &l.q, l.buf, &g.type, &g.data, &g.len, &g.final),
			 NERR_CRYPTO);
	assert_untouched(&g);
	frame_rx_clear(&other);
	link_close(&l);
}
END_TEST

START_TEST(frames_keep_flowing_across_the_rekey_point)
{
	struct link l;
	struct got g;
	link_open(&l);
	for (uint32_t i = 0; i < FRAME_REKEY_EVERY + 3; i++) {
		uint8_t d[4] = {(uint8_t)(i >> 24), (uint8_t)(i >> 16), (uint8_t)(i >> 8),
				(uint8_t)i};
		ck_assert_int_eq(frame_write(&l.tx, 1, d, 4, 0, &l.q), 0);
		ck_assert_int_eq(read_from(&l, &l.q, &g), 0);
		ck_assert_uint_eq(g.len, 4);
		ck_assert_mem_eq(g.data, d, 4);
	}
	link_close(&l);
}
END_TEST

#define ADD(t)                                                                                     \
	do {                                                                                       \
		TCase *tc_ = tcase_create(#t);                                                     \
		tcase_add_test(tc_, t);                                                            \
		suite_add_tcase(s, tc_);                                                           \
	} while (0)

Suite *frame_suite(void);
Suite *frame_suite(void)
{
	Suite *s = suite_create("frame");
	ADD(frames_of_every_size_class_round_trip_in_order);
	ADD(frame_wire_size_is_length_chunk_plus_padded_body_plus_tag);
	ADD(a_frame_fed_one_byte_at_a_time_arrives_only_with_its_last_byte);
	TCase *flip = tcase_create("a_flipped_bit_anywhere_in_a_frame_fails_with_crypto");
	tcase_add_loop_test(flip, a_flipped_bit_anywhere_in_a_frame_fails_with_crypto, 0,
			    FLIP_WIRE);
	suite_add_tcase(s, flip);
	ADD(a_length_over_the_block_limit_fails_before_any_body_byte_exists);
	ADD(a_length_of_exactly_the_block_limit_waits_for_its_body);
	ADD(a_zero_block_length_fails);
	ADD(a_length_chunk_with_a_tag_other_than_message_fails);
	ADD(a_body_pushed_with_the_push_tag_fails);
	ADD(a_body_with_bad_padding_fails);
	ADD(data_over_frame_data_max_is_refused_and_the_stream_goes_on);
	ADD(a_full_queue_refuses_a_frame_and_the_stream_goes_on);
	ADD(a_final_frame_sets_final_and_no_frame_may_follow_it);
	ADD(a_replayed_frame_fails);
	ADD(frames_read_out_of_order_fail);
	ADD(a_body_swapped_between_two_frames_fails);
	ADD(a_reader_with_the_wrong_key_fails);
	TCase *rk = tcase_create("frames_keep_flowing_across_the_rekey_point");
	tcase_set_timeout(rk, 60);
	tcase_add_test(rk, frames_keep_flowing_across_the_rekey_point);
	suite_add_tcase(s, rk);
	return s;
}
