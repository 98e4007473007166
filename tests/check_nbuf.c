/* SPDX-License-Identifier: MIT */
/* The bounded buffer: whole-or-nothing reads and writes, queue limits. */
#include <check.h>
#include <string.h>

#include "nbuf.h"
#include "nerr.h"

static const uint8_t sample[15] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
				   0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};

START_TEST(get_integers_are_big_endian)
{
	struct nbuf_reader r;
	uint8_t a;
	uint16_t b;
	uint32_t c;
	uint64_t d;
	nbuf_reader_init(&r, sample, sizeof sample);
	ck_assert_int_eq(nbuf_get_u8(&r, &a), 0);
	ck_assert_int_eq(nbuf_get_u16(&r, &b), 0);
	ck_assert_int_eq(nbuf_get_u32(&r, &c), 0);
	ck_assert_int_eq(nbuf_get_u64(&r, &d), 0);
	ck_assert_uint_eq(a, 0x01);
	ck_assert_uint_eq(b, 0x0203);
	ck_assert_uint_eq(c, 0x04050607);
	ck_assert_uint_eq(d, 0x08090a0b0c0d0e0fULL);
	ck_assert_int_eq(nbuf_expect_end(&r), 0);
}
END_TEST

/* Truncation at every offset: a get that does not fit consumes nothing. */
START_TEST(get_on_short_input_consumes_nothing)
{
	struct nbuf_reader r;
	uint64_t v = 42;
	uint32_t w = 42;
	uint8_t out[15];
	size_t len = (size_t)_i;
	nbuf_reader_init(&r, sample, len);
	if (len < 8) {
		ck_assert_int_eq(nbuf_get_u64(&r, &v), NERR_SHORT);
		ck_assert_uint_eq(v, 42);
		ck_assert_uint_eq(nbuf_left(&r), len);
	}
	if (len < 4) {
		ck_assert_int_eq(nbuf_get_u32(&r, &w), NERR_SHORT);
		ck_assert_uint_eq(w, 42);
	}
	ck_assert_int_eq(nbuf_get_bytes(&r, out, len + 1), NERR_SHORT);
	ck_assert_uint_eq(nbuf_left(&r), len);
	ck_assert_int_eq(nbuf_get_bytes(&r, out, len), 0);
	ck_assert_int_eq(nbuf_expect_end(&r), 0);
}
END_TEST

START_TEST(expect_end_reports_trailing_bytes)
{
	struct nbuf_reader r;
	uint8_t a;
	nbuf_reader_init(&r, sample, 2);
	ck_assert_int_eq(nbuf_get_u8(&r, &a), 0);
	ck_assert_int_eq(nbuf_expect_end(&r), NERR_TRAILING);
}
END_TEST

START_TEST(put_that_does_not_fit_writes_nothing)
{
	uint8_t buf[5];
	struct nbuf_writer w;
	nbuf_writer_init(&w, buf, sizeof buf);
	ck_assert_int_eq(nbuf_put_u32(&w, 0xdeadbeef), 0);
	ck_assert_int_eq(nbuf_put_u16(&w, 1), NERR_TOOLONG);
	ck_assert_uint_eq(w.len, 4);
	ck_assert_int_eq(nbuf_put_u8(&w, 0x7f), 0);
	ck_assert_int_eq(nbuf_put_u8(&w, 0), NERR_TOOLONG);
	const uint8_t want[5] = {0xde, 0xad, 0xbe, 0xef, 0x7f};
	ck_assert_mem_eq(buf, want, 5);
}
END_TEST

START_TEST(put_then_get_round_trips_u64)
{
	uint8_t buf[8];
	struct nbuf_writer w;
	struct nbuf_reader r;
	uint64_t v;
	nbuf_writer_init(&w, buf, sizeof buf);
	ck_assert_int_eq(nbuf_put_u64(&w, 0xfedcba9876543210ULL), 0);
	nbuf_reader_init(&r, buf, w.len);
	ck_assert_int_eq(nbuf_get_u64(&r, &v), 0);
	ck_assert_uint_eq(v, 0xfedcba9876543210ULL);
}
END_TEST

START_TEST(queue_refuses_more_than_its_maximum)
{
	struct nbuf_q q;
	uint8_t big[100] = {0};
	nbuf_q_init(&q, 150);
	ck_assert_int_eq(nbuf_q_put(&q, big, 100), 0);
	ck_assert_int_eq(nbuf_q_put(&q, big, 51), NERR_LIMIT);
	ck_assert_uint_eq(nbuf_q_len(&q), 100);
	nbuf_q_consume(&q, 60);
	ck_assert_int_eq(nbuf_q_put(&q, big, 100), 0);
	ck_assert_uint_eq(nbuf_q_len(&q), 140);
	nbuf_q_clear(&q);
	ck_assert_uint_eq(nbuf_q_len(&q), 0);
}
END_TEST

START_TEST(queue_keeps_bytes_in_order_across_compaction)
{
	struct nbuf_q q;
	uint8_t chunk[3000];
	nbuf_q_init(&q, 1 << 20);
	for (int round = 0; round < 20; round++) {
		for (size_t i = 0; i < sizeof chunk; i++)
			chunk[i] = (uint8_t)(round * 7 + i);
		ck_assert_int_eq(nbuf_q_put(&q, chunk, sizeof chunk), 0);
		ck_assert_mem_eq(nbuf_q_data(&q) + nbuf_q_len(&q) - sizeof chunk, chunk,
				 sizeof chunk);
		nbuf_q_consume(&q, 2000);
	}
	nbuf_q_clear(&q);
}
END_TEST

Suite *nbuf_suite(void);
Suite *nbuf_suite(void)
{
	Suite *s = suite_create("nbuf");
	TCase *tc = tcase_create("reader_writer");
	tcase_add_test(tc, get_integers_are_big_endian);
	tcase_add_loop_test(tc, get_on_short_input_consumes_nothing, 0, 15);
	tcase_add_test(tc, expect_end_reports_trailing_bytes);
	tcase_add_test(tc, put_that_does_not_fit_writes_nothing);
	tcase_add_test(tc, put_then_get_round_trips_u64);
	suite_add_tcase(s, tc);
	TCase *tq = tcase_create("queue");
	tcase_add_test(tq, queue_refuses_more_than_its_maximum);
	tcase_add_test(tq, queue_keeps_bytes_in_order_across_compaction);
	suite_add_tcase(s, tq);
	return s;
}
