/* SPDX-License-Identifier: MIT */
/* The HELLO, MSG and ACK codec: round trips, the exact byte layout, every
 * field boundary, truncation at every offset, trailing bytes and bad text. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "nerr.h"
#include "wire.h"

#define SENTINEL  0xa5
#define TS_SAMPLE 1700000000123LL

/* A copy of in[0..len) in a heap block of exactly len bytes, so that ASan
 * catches a decoder reading one byte past what it was given. */
static uint8_t *exact_copy(const uint8_t *in, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);
	ck_assert_ptr_nonnull(p);
	if (len > 0)
		memcpy(p, in, len);
	return p;
}

static struct wire_msg msg_sample(const char *text, size_t len)
{
	struct wire_msg m;
	memset(&m, 0, sizeof m);
	for (int i = 0; i < 16; i++)
		m.id[i] = (uint8_t)(0xc0 + i);
	m.seq = 7;
	m.ts_ms = TS_SAMPLE;
	m.text = text;
	m.text_len = len;
	return m;
}

/* A MSG header with the given fields and text_len, followed by text[n]. */
static size_t msg_forge(uint8_t *out, uint64_t seq, uint64_t ts, uint32_t text_len,
			const void *text, size_t n)
{
	memset(out, 0x11, 16);
	for (int i = 0; i < 8; i++) {
		out[16 + i] = (uint8_t)(seq >> (56 - 8 * i));
		out[24 + i] = (uint8_t)(ts >> (56 - 8 * i));
	}
	for (int i = 0; i < 4; i++)
		out[32 + i] = (uint8_t)(text_len >> (24 - 8 * i));
	if (n > 0)
		memcpy(out + WIRE_MSG_HEAD, text, n);
	return WIRE_MSG_HEAD + n;
}

/* A HELLO with nick_len n, the nick bytes and port 4242. */
static size_t hello_forge(uint8_t *out, uint8_t n, const void *nick, size_t nick_bytes)
{
	out[0] = n;
	memcpy(out + 1, nick, nick_bytes);
	out[1 + nick_bytes] = 0x10;
	out[2 + nick_bytes] = 0x92;
	return 3 + nick_bytes;
}

/* Decode in[len] into a sentinel-filled hello; the result must be err and the
 * struct must be untouched. */
static void hello_decode_fails(const uint8_t *in, size_t len, int err)
{
	struct wire_hello h, before;
	uint8_t *copy = exact_copy(in, len);
	memset(&h, SENTINEL, sizeof h);
	memcpy(&before, &h, sizeof h);
	ck_assert_int_eq(wire_hello_decode(&h, copy, len), err);
	ck_assert_mem_eq(&h, &before, sizeof h);
	free(copy);
}

static void msg_decode_fails(const uint8_t *in, size_t len, int err)
{
	struct wire_msg m, before;
	uint8_t *copy = exact_copy(in, len);
	memset(&m, SENTINEL, sizeof m);
	memcpy(&before, &m, sizeof m);
	ck_assert_int_eq(wire_msg_decode(&m, copy, len), err);
	ck_assert_mem_eq(&m, &before, sizeof m);
	free(copy);
}

/* ---- HELLO ---- */

START_TEST(hello_round_trips_nick_and_port)
{
	struct wire_hello h = {.nick = "alice", .port = 42424}, back;
	uint8_t buf[WIRE_HELLO_MAX];
	size_t len = 0;
	ck_assert_int_eq(wire_hello_encode(&h, buf, sizeof buf, &len), 0);
	ck_assert_uint_eq(len, 1 + 5 + 2);
	memset(&back, SENTINEL, sizeof back);
	ck_assert_int_eq(wire_hello_decode(&back, buf, len), 0);
	ck_assert_str_eq(back.nick, "alice");
	ck_assert_uint_eq(back.port, 42424);
}
END_TEST

START_TEST(hello_encoding_is_nick_len_nick_then_big_endian_port)
{
	struct wire_hello h = {.nick = "bob", .port = 0x1234};
	uint8_t buf[WIRE_HELLO_MAX];
	size_t len = 0;
	const uint8_t want[] = {3, 'b', 'o', 'b', 0x12, 0x34};
	ck_assert_int_eq(wire_hello_encode(&h, buf, sizeof buf, &len), 0);
	ck_assert_uint_eq(len, sizeof want);
	ck_assert_mem_eq(buf, want, sizeof want);
}
END_TEST

START_TEST(hello_port_0_means_not_listening_and_round_trips)
{
	struct wire_hello h = {.nick = "x", .port = 0}, back;
	uint8_t buf[WIRE_HELLO_MAX];
	size_t len = 0;
	ck_assert_int_eq(wire_hello_encode(&h, buf, sizeof buf, &len), 0);
	memset(&back, SENTINEL, sizeof back);
	ck_assert_int_eq(wire_hello_decode(&back, buf, len), 0);
	ck_assert_uint_eq(back.port, 0);
}
END_TEST

START_TEST(hello_nick_of_1_and_32_bytes_round_trips)
{
	static const size_t sizes[] = {1, WIRE_NICK_MAX};
	for (size_t k = 0; k < 2; k++) {
		struct wire_hello h, back;
		uint8_t buf[WIRE_HELLO_MAX];
		size_t len = 0;
		memset(&h, 0, sizeof h);
		memset(h.nick, 'n', sizes[k]);
		h.nick[0] = 'A';
		h.port = 1;
		ck_assert_int_eq(wire_hello_encode(&h, buf, sizeof buf, &len), 0);
		ck_assert_uint_eq(len, 1 + sizes[k] + 2);
		ck_assert_uint_eq(buf[0], sizes[k]);
		memset(&back, SENTINEL, sizeof back);
		ck_assert_int_eq(wire_hello_decode(&back, buf, len), 0);
		ck_assert_str_eq(back.nick, h.nick);
		ck_assert_uint_eq(strlen(back.nick), sizes[k]);
	}
}
END_TEST

START_TEST(hello_32_byte_multibyte_nick_round_trips)
{
	/* 16 two-byte code points: exactly 32 bytes */
	struct wire_hello h, back;
	uint8_t buf[WIRE_HELLO_MAX];
	size_t len = 0;
	memset(&h, 0, sizeof h);
	for (int i = 0; i < 16; i++)
		memcpy(h.nick + 2 * i, "\xc3\xa9", 2);
	ck_assert_int_eq(wire_hello_encode(&h, buf, sizeof buf, &len), 0);
	ck_assert_uint_eq(len, WIRE_HELLO_MAX);
	ck_assert_int_eq(wire_hello_decode(&back, buf, len), 0);
	ck_assert_str_eq(back.nick, h.nick);
}
END_TEST

START_TEST(hello_encode_refuses_an_empty_nick)
{
	struct wire_hello h = {.nick = "", .port = 1};
	uint8_t buf[WIRE_HELLO_MAX];
	size_t len = 99;
	ck_assert_int_eq(wire_hello_encode(&h, buf, sizeof buf, &len), NERR_TOOLONG);
	ck_assert_uint_eq(len, 99);
}
END_TEST

START_TEST(hello_decode_rejects_nick_len_0)
{
	uint8_t in[8];
	size_t n = hello_forge(in, 0, "", 0);
	hello_decode_fails(in, n, NERR_EMPTY);
}
END_TEST

START_TEST(hello_decode_rejects_nick_len_33)
{
	uint8_t in[64];
	char nick[WIRE_NICK_MAX + 1];
	memset(nick, 'a', sizeof nick);
	size_t n = hello_forge(in, WIRE_NICK_MAX + 1, nick, sizeof nick);
	hello_decode_fails(in, n, NERR_TOOLONG);
	/* and the length alone is enough: it is refused before the nick is read */
	hello_decode_fails(in, 1, NERR_TOOLONG);
	/* 255, the largest a u8 can claim */
	in[0] = 0xff;
	hello_decode_fails(in, n, NERR_TOOLONG);
}
END_TEST

static const uint8_t hello_wire[] = {5, 'a', 'l', 'i', 'c', 'e', 0xa5, 0xb8};

START_TEST(hello_decode_of_the_sample_succeeds)
{
	struct wire_hello h;
	ck_assert_int_eq(wire_hello_decode(&h, hello_wire, sizeof hello_wire), 0);
	ck_assert_str_eq(h.nick, "alice");
	ck_assert_uint_eq(h.port, 0xa5b8);
}
END_TEST

START_TEST(hello_truncated_at_any_offset_fails_and_writes_nothing)
{
	hello_decode_fails(hello_wire, (size_t)_i, NERR_SHORT);
}
END_TEST

START_TEST(hello_decode_rejects_a_trailing_byte)
{
	uint8_t in[sizeof hello_wire + 1];
	memcpy(in, hello_wire, sizeof hello_wire);
	in[sizeof hello_wire] = 0;
	hello_decode_fails(in, sizeof in, NERR_TRAILING);
}
END_TEST

START_TEST(hello_decode_rejects_invalid_utf8_in_the_nick)
{
	static const char *bad[] = {
	    "\xff",		/* never valid */
	    "a\x80",		/* stray continuation */
	    "\xc0\xaf",		/* overlong '/' */
	    "\xe6\xbc",		/* truncated 3-byte sequence */
	    "\xed\xa0\x80",	/* surrogate U+D800 */
	    "\xf4\x90\x80\x80", /* above U+10FFFF */
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		uint8_t in[64];
		size_t nb = strlen(bad[k]);
		size_t n = hello_forge(in, (uint8_t)nb, bad[k], nb);
		hello_decode_fails(in, n, NERR_UTF8);
	}
}
END_TEST

START_TEST(hello_decode_rejects_a_nick_with_a_control_character)
{
	static const struct {
		const char *s;
		size_t n;
	} bad[] = {
	    {"a\x01", 2}, {"a\tb", 3},	    {"a\nb", 3}, {"\x1b[2J", 4},
	    {"a\x7f", 2}, {"a\xc2\x85", 3}, {"a\0b", 3}, /* NUL in the middle */
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		uint8_t in[64];
		size_t n = hello_forge(in, (uint8_t)bad[k].n, bad[k].s, bad[k].n);
		hello_decode_fails(in, n, NERR_FORMAT);
	}
}
END_TEST

START_TEST(hello_encode_into_a_too_small_buffer_fails_with_toolong)
{
	struct wire_hello h = {.nick = "alice", .port = 7};
	uint8_t buf[WIRE_HELLO_MAX];
	for (size_t cap = 0; cap < 8; cap++) {
		size_t len = 99;
		ck_assert_int_eq(wire_hello_encode(&h, buf, cap, &len), NERR_TOOLONG);
		ck_assert_uint_eq(len, 99);
	}
	size_t len = 0;
	ck_assert_int_eq(wire_hello_encode(&h, buf, 8, &len), 0);
	ck_assert_uint_eq(len, 8);
}
END_TEST

/* ---- MSG ---- */

START_TEST(msg_round_trips_every_field)
{
	struct wire_msg m = msg_sample("hello, world", 12), back;
	uint8_t buf[WIRE_MSG_HEAD + 64];
	size_t len = 0;
	m.seq = 0x0102030405060708ULL;
	ck_assert_int_eq(wire_msg_encode(&m, buf, sizeof buf, &len), 0);
	ck_assert_uint_eq(len, WIRE_MSG_HEAD + 12);
	memset(&back, SENTINEL, sizeof back);
	ck_assert_int_eq(wire_msg_decode(&back, buf, len), 0);
	ck_assert_mem_eq(back.id, m.id, 16);
	ck_assert_uint_eq(back.seq, m.seq);
	ck_assert_int_eq(back.ts_ms, TS_SAMPLE);
	ck_assert_uint_eq(back.text_len, 12);
	ck_assert_mem_eq(back.text, "hello, world", 12);
	/* text points into the decoded buffer, not at a copy */
	ck_assert_ptr_eq(back.text, (const char *)buf + WIRE_MSG_HEAD);
}
END_TEST

START_TEST(msg_encoding_is_id_seq_ts_len_text_big_endian)
{
	struct wire_msg m = msg_sample("ok", 2);
	uint8_t buf[WIRE_MSG_HEAD + 2], want[WIRE_MSG_HEAD + 2];
	size_t len = 0;
	m.seq = 0x0102030405060708ULL;
	m.ts_ms = 0x1112131415161718LL;
	ck_assert_int_eq(wire_msg_encode(&m, buf, sizeof buf, &len), 0);
	ck_assert_uint_eq(len, sizeof want);
	memcpy(want, m.id, 16);
	const uint8_t rest[] = {1,    2,    3,	  4,	5,    6, 7, 8, 0x11, 0x12, 0x13,
				0x14, 0x15, 0x16, 0x17, 0x18, 0, 0, 0, 2,    'o',  'k'};
	memcpy(want + 16, rest, sizeof rest);
	ck_assert_mem_eq(buf, want, sizeof want);
}
END_TEST

START_TEST(msg_seq_1_and_ts_bounds_round_trip)
{
	static const int64_t ts[] = {0, 1, INT64_MAX};
	for (size_t k = 0; k < 3; k++) {
		struct wire_msg m = msg_sample("x", 1), back;
		uint8_t buf[WIRE_MSG_HEAD + 1];
		size_t len = 0;
		m.seq = 1;
		m.ts_ms = ts[k];
		ck_assert_int_eq(wire_msg_encode(&m, buf, sizeof buf, &len), 0);
		ck_assert_int_eq(wire_msg_decode(&back, buf, len), 0);
		ck_assert_uint_eq(back.seq, 1);
		ck_assert_int_eq(back.ts_ms, ts[k]);
	}
	/* the largest seq too */
	struct wire_msg m = msg_sample("x", 1), back;
	uint8_t buf[WIRE_MSG_HEAD + 1];
	size_t len = 0;
	m.seq = UINT64_MAX;
	ck_assert_int_eq(wire_msg_encode(&m, buf, sizeof buf, &len), 0);
	ck_assert_int_eq(wire_msg_decode(&back, buf, len), 0);
	ck_assert_uint_eq(back.seq, UINT64_MAX);
}
END_TEST

START_TEST(msg_text_of_1_and_65536_bytes_round_trips)
{
	static const size_t sizes[] = {1, WIRE_TEXT_MAX};
	char *text = malloc(WIRE_TEXT_MAX);
	uint8_t *buf = malloc(WIRE_MSG_MAX);
	ck_assert_ptr_nonnull(text);
	ck_assert_ptr_nonnull(buf);
	for (size_t i = 0; i < WIRE_TEXT_MAX; i++)
		text[i] = (char)('a' + i % 26);
	for (size_t k = 0; k < 2; k++) {
		struct wire_msg m = msg_sample(text, sizes[k]), back;
		size_t len = 0;
		ck_assert_int_eq(wire_msg_encode(&m, buf, WIRE_MSG_MAX, &len), 0);
		ck_assert_uint_eq(len, WIRE_MSG_HEAD + sizes[k]);
		memset(&back, SENTINEL, sizeof back);
		ck_assert_int_eq(wire_msg_decode(&back, buf, len), 0);
		ck_assert_uint_eq(back.text_len, sizes[k]);
		ck_assert_mem_eq(back.text, text, sizes[k]);
	}
	free(buf);
	free(text);
}
END_TEST

START_TEST(msg_encode_refuses_text_len_0_and_65537)
{
	char *text = calloc(1, WIRE_TEXT_MAX + 1);
	uint8_t *buf = malloc(WIRE_MSG_MAX + 16);
	ck_assert_ptr_nonnull(text);
	ck_assert_ptr_nonnull(buf);
	memset(text, 'a', WIRE_TEXT_MAX + 1);
	struct wire_msg m = msg_sample(text, 0);
	size_t len = 99;
	ck_assert_int_eq(wire_msg_encode(&m, buf, WIRE_MSG_MAX + 16, &len), NERR_TOOLONG);
	ck_assert_uint_eq(len, 99);
	m.text_len = WIRE_TEXT_MAX + 1;
	ck_assert_int_eq(wire_msg_encode(&m, buf, WIRE_MSG_MAX + 16, &len), NERR_TOOLONG);
	ck_assert_uint_eq(len, 99);
	free(buf);
	free(text);
}
END_TEST

START_TEST(msg_decode_rejects_text_len_0)
{
	uint8_t in[WIRE_MSG_HEAD];
	size_t n = msg_forge(in, 1, 0, 0, NULL, 0);
	msg_decode_fails(in, n, NERR_EMPTY);
}
END_TEST

START_TEST(msg_decode_rejects_text_len_65537_before_reading_the_text)
{
	uint8_t in[WIRE_MSG_HEAD];
	/* only the header: an oversized length must not wait for its bytes */
	size_t n = msg_forge(in, 1, 0, WIRE_TEXT_MAX + 1, NULL, 0);
	msg_decode_fails(in, n, NERR_TOOLONG);
	n = msg_forge(in, 1, 0, UINT32_MAX, NULL, 0);
	msg_decode_fails(in, n, NERR_TOOLONG);
}
END_TEST

START_TEST(msg_decode_rejects_text_len_65537_with_all_its_bytes)
{
	size_t cap = WIRE_MSG_MAX + 1;
	uint8_t *in = malloc(cap);
	char *text = malloc(WIRE_TEXT_MAX + 1);
	ck_assert_ptr_nonnull(in);
	ck_assert_ptr_nonnull(text);
	memset(text, 'z', WIRE_TEXT_MAX + 1);
	size_t n = msg_forge(in, 1, 0, WIRE_TEXT_MAX + 1, text, WIRE_TEXT_MAX + 1);
	ck_assert_uint_eq(n, cap);
	msg_decode_fails(in, n, NERR_TOOLONG);
	free(text);
	free(in);
}
END_TEST

START_TEST(msg_decode_rejects_seq_0)
{
	uint8_t in[WIRE_MSG_HEAD + 2];
	size_t n = msg_forge(in, 0, 5, 2, "hi", 2);
	msg_decode_fails(in, n, NERR_FORMAT);
	/* and seq 1 with the same bytes otherwise is fine */
	struct wire_msg m;
	n = msg_forge(in, 1, 5, 2, "hi", 2);
	ck_assert_int_eq(wire_msg_decode(&m, in, n), 0);
}
END_TEST

START_TEST(msg_decode_rejects_a_timestamp_over_int64_max)
{
	uint8_t in[WIRE_MSG_HEAD + 2];
	size_t n = msg_forge(in, 1, (uint64_t)INT64_MAX + 1, 2, "hi", 2);
	msg_decode_fails(in, n, NERR_FORMAT);
	n = msg_forge(in, 1, UINT64_MAX, 2, "hi", 2);
	msg_decode_fails(in, n, NERR_FORMAT);
	struct wire_msg m;
	n = msg_forge(in, 1, (uint64_t)INT64_MAX, 2, "hi", 2);
	ck_assert_int_eq(wire_msg_decode(&m, in, n), 0);
	ck_assert_int_eq(m.ts_ms, INT64_MAX);
}
END_TEST

static const char msg_short_text[] = "hi!";
#define MSG_SHORT_LEN (WIRE_MSG_HEAD + sizeof msg_short_text - 1)

START_TEST(msg_truncated_at_any_offset_fails_and_writes_nothing)
{
	struct wire_msg m = msg_sample(msg_short_text, sizeof msg_short_text - 1);
	uint8_t buf[MSG_SHORT_LEN];
	size_t len = 0;
	ck_assert_int_eq(wire_msg_encode(&m, buf, sizeof buf, &len), 0);
	ck_assert_uint_eq(len, MSG_SHORT_LEN);
	msg_decode_fails(buf, (size_t)_i, NERR_SHORT);
}
END_TEST

START_TEST(msg_decode_rejects_a_trailing_byte)
{
	struct wire_msg m = msg_sample(msg_short_text, sizeof msg_short_text - 1);
	uint8_t buf[MSG_SHORT_LEN + 1];
	size_t len = 0;
	ck_assert_int_eq(wire_msg_encode(&m, buf, sizeof buf, &len), 0);
	buf[len] = 'x';
	msg_decode_fails(buf, len + 1, NERR_TRAILING);
	/* a text_len one short of the bytes present is the same thing */
	buf[35] = 2;
	msg_decode_fails(buf, len, NERR_TRAILING);
}
END_TEST

START_TEST(msg_decode_rejects_invalid_utf8_in_the_text)
{
	static const char *bad[] = {
	    "\xff",
	    "ok\x80",		  /* stray continuation */
	    "\xc0\x80",		  /* overlong NUL */
	    "\xe0\x80\xaf",	  /* overlong '/' */
	    "ends with \xe6\xbc", /* truncated at the end */
	    "\xed\xbf\xbf",	  /* surrogate U+DFFF */
	    "\xf4\x90\x80\x80",	  /* above U+10FFFF */
	    "\xf8\x88\x80\x80\x80",
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		uint8_t in[WIRE_MSG_HEAD + 32];
		size_t nb = strlen(bad[k]);
		size_t n = msg_forge(in, 1, 0, (uint32_t)nb, bad[k], nb);
		msg_decode_fails(in, n, NERR_UTF8);
	}
}
END_TEST

START_TEST(msg_text_may_carry_multibyte_and_control_characters)
{
	/* The transport only demands UTF-8; escaping is the display's job. */
	static const char text[] = "caf\xc3\xa9 \xe6\xbc\xa2 \xf0\x9f\x98\x80\n\x1b[0m\x00!";
	uint8_t in[WIRE_MSG_HEAD + sizeof text];
	struct wire_msg m;
	size_t n = msg_forge(in, 1, 0, sizeof text - 1, text, sizeof text - 1);
	ck_assert_int_eq(wire_msg_decode(&m, in, n), 0);
	ck_assert_uint_eq(m.text_len, sizeof text - 1);
	ck_assert_mem_eq(m.text, text, sizeof text - 1);
}
END_TEST

START_TEST(msg_encode_into_a_too_small_buffer_fails_with_toolong)
{
	struct wire_msg m = msg_sample(msg_short_text, sizeof msg_short_text - 1);
	uint8_t buf[MSG_SHORT_LEN];
	for (size_t cap = 0; cap < MSG_SHORT_LEN; cap++) {
		size_t len = 99;
		ck_assert_int_eq(wire_msg_encode(&m, buf, cap, &len), NERR_TOOLONG);
		ck_assert_uint_eq(len, 99);
	}
}
END_TEST

/* ---- ACK ---- */

START_TEST(ack_round_trips_0_1_and_the_largest_seq)
{
	static const uint64_t v[] = {0, 1, 0x0102030405060708ULL, UINT64_MAX};
	for (size_t k = 0; k < 4; k++) {
		uint8_t buf[8];
		size_t len = 0;
		uint64_t back = 42;
		ck_assert_int_eq(wire_ack_encode(v[k], buf, sizeof buf, &len), 0);
		ck_assert_uint_eq(len, 8);
		ck_assert_int_eq(wire_ack_decode(&back, buf, len), 0);
		ck_assert_uint_eq(back, v[k]);
	}
}
END_TEST

START_TEST(ack_encoding_is_a_big_endian_u64)
{
	uint8_t buf[8];
	size_t len = 0;
	const uint8_t want[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	ck_assert_int_eq(wire_ack_encode(0x0102030405060708ULL, buf, sizeof buf, &len), 0);
	ck_assert_mem_eq(buf, want, 8);
}
END_TEST

START_TEST(ack_truncated_at_any_offset_fails_and_writes_nothing)
{
	const uint8_t in[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	uint8_t *copy = exact_copy(in, (size_t)_i);
	uint64_t seq = 0xa5a5a5a5a5a5a5a5ULL;
	ck_assert_int_eq(wire_ack_decode(&seq, copy, (size_t)_i), NERR_SHORT);
	ck_assert_uint_eq(seq, 0xa5a5a5a5a5a5a5a5ULL);
	free(copy);
}
END_TEST

START_TEST(ack_decode_rejects_a_trailing_byte)
{
	const uint8_t in[9] = {1, 2, 3, 4, 5, 6, 7, 8, 0};
	uint64_t seq = 0xa5a5a5a5a5a5a5a5ULL;
	ck_assert_int_eq(wire_ack_decode(&seq, in, sizeof in), NERR_TRAILING);
	ck_assert_uint_eq(seq, 0xa5a5a5a5a5a5a5a5ULL);
}
END_TEST

START_TEST(ack_encode_into_a_too_small_buffer_fails_with_toolong)
{
	uint8_t buf[8];
	for (size_t cap = 0; cap < 8; cap++) {
		size_t len = 99;
		ck_assert_int_eq(wire_ack_encode(5, buf, cap, &len), NERR_TOOLONG);
		ck_assert_uint_eq(len, 99);
	}
}
END_TEST

#define ADD(t)                                                                                     \
	do {                                                                                       \
		TCase *tc_ = tcase_create(#t);                                                     \
		tcase_add_test(tc_, t);                                                            \
		suite_add_tcase(s, tc_);                                                           \
	} while (0)
#define ADD_LOOP(t, lo, hi)                                                                        \
	do {                                                                                       \
		TCase *tc_ = tcase_create(#t);                                                     \
		tcase_add_loop_test(tc_, t, lo, hi);                                               \
		suite_add_tcase(s, tc_);                                                           \
	} while (0)

START_TEST(presence_round_trips_away_and_reason)
{
	struct wire_presence p = {1, "lunch, back at 2"}, q;
	uint8_t buf[WIRE_PRESENCE_MAX];
	size_t len;
	ck_assert_int_eq(wire_presence_encode(&p, buf, sizeof buf, &len), 0);
	ck_assert_uint_eq(len, 2 + strlen(p.reason));
	ck_assert_int_eq(wire_presence_decode(&q, buf, len), 0);
	ck_assert_int_eq(q.away, 1);
	ck_assert_str_eq(q.reason, "lunch, back at 2");
}
END_TEST

START_TEST(presence_truncated_at_any_offset_fails)
{
	struct wire_presence p = {0, "here"}, q;
	uint8_t buf[WIRE_PRESENCE_MAX];
	size_t len;
	ck_assert_int_eq(wire_presence_encode(&p, buf, sizeof buf, &len), 0);
	ck_assert_int_ne(wire_presence_decode(&q, buf, (size_t)_i), 0);
}
END_TEST

START_TEST(presence_rejects_bad_status_long_reason_bad_utf8_and_trailing_bytes)
{
	struct wire_presence q;
	uint8_t bad_status[] = {2, 0};
	uint8_t long_reason[2 + 129] = {0, 129};
	uint8_t bad_utf8[] = {1, 1, 0xff};
	uint8_t trailing[] = {0, 0, 'x'};
	ck_assert_int_eq(wire_presence_decode(&q, bad_status, sizeof bad_status), NERR_FORMAT);
	ck_assert_int_eq(wire_presence_decode(&q, long_reason, sizeof long_reason), NERR_TOOLONG);
	ck_assert_int_eq(wire_presence_decode(&q, bad_utf8, sizeof bad_utf8), NERR_UTF8);
	ck_assert_int_eq(wire_presence_decode(&q, trailing, sizeof trailing), NERR_TRAILING);
}
END_TEST

/* Found by fuzz_wire: a NUL inside the reason decoded, then re-encoded
 * shorter, since the reason is a C string. */
START_TEST(presence_with_a_nul_in_the_reason_is_refused)
{
	struct wire_presence q;
	uint8_t nul[] = {0x00, 0x01, 0x00};
	ck_assert_int_eq(wire_presence_decode(&q, nul, sizeof nul), NERR_FORMAT);
}
END_TEST

Suite *wire_suite(void);
Suite *wire_suite(void)
{
	Suite *s = suite_create("wire");
	ADD(hello_round_trips_nick_and_port);
	ADD(hello_encoding_is_nick_len_nick_then_big_endian_port);
	ADD(hello_port_0_means_not_listening_and_round_trips);
	ADD(hello_nick_of_1_and_32_bytes_round_trips);
	ADD(hello_32_byte_multibyte_nick_round_trips);
	ADD(hello_encode_refuses_an_empty_nick);
	ADD(hello_decode_rejects_nick_len_0);
	ADD(hello_decode_rejects_nick_len_33);
	ADD(hello_decode_of_the_sample_succeeds);
	ADD_LOOP(hello_truncated_at_any_offset_fails_and_writes_nothing, 0, sizeof hello_wire);
	ADD(hello_decode_rejects_a_trailing_byte);
	ADD(hello_decode_rejects_invalid_utf8_in_the_nick);
	ADD(hello_decode_rejects_a_nick_with_a_control_character);
	ADD(hello_encode_into_a_too_small_buffer_fails_with_toolong);

	ADD(msg_round_trips_every_field);
	ADD(msg_encoding_is_id_seq_ts_len_text_big_endian);
	ADD(msg_seq_1_and_ts_bounds_round_trip);
	ADD(msg_text_of_1_and_65536_bytes_round_trips);
	ADD(msg_encode_refuses_text_len_0_and_65537);
	ADD(msg_decode_rejects_text_len_0);
	ADD(msg_decode_rejects_text_len_65537_before_reading_the_text);
	ADD(msg_decode_rejects_text_len_65537_with_all_its_bytes);
	ADD(msg_decode_rejects_seq_0);
	ADD(msg_decode_rejects_a_timestamp_over_int64_max);
	ADD_LOOP(msg_truncated_at_any_offset_fails_and_writes_nothing, 0, MSG_SHORT_LEN);
	ADD(msg_decode_rejects_a_trailing_byte);
	ADD(msg_decode_rejects_invalid_utf8_in_the_text);
	ADD(msg_text_may_carry_multibyte_and_control_characters);
	ADD(msg_encode_into_a_too_small_buffer_fails_with_toolong);

	ADD(ack_round_trips_0_1_and_the_largest_seq);
	ADD(ack_encoding_is_a_big_endian_u64);
	ADD_LOOP(ack_truncated_at_any_offset_fails_and_writes_nothing, 0, 8);
	ADD(ack_decode_rejects_a_trailing_byte);
	ADD(ack_encode_into_a_too_small_buffer_fails_with_toolong);
	TCase *tp = tcase_create("presence");
	tcase_add_test(tp, presence_round_trips_away_and_reason);
	tcase_add_loop_test(tp, presence_truncated_at_any_offset_fails, 0, 6);
	tcase_add_test(tp, presence_rejects_bad_status_long_reason_bad_utf8_and_trailing_bytes);
	tcase_add_test(tp, presence_with_a_nul_in_the_reason_is_refused);
	suite_add_tcase(s, tp);
	return s;
}
