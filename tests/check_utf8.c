/* SPDX-License-Identifier: MIT */
/* Strict UTF-8: every well-formed length accepted, every class of malformed
 * input rejected, and the nick rules on top. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "nerr.h"
#include "utf8.h"

/* Check one byte string through a heap copy of exactly its length, so that
 * ASan catches any read past the end. */
static int check_exact(const char *s, size_t len, int nick)
{
	uint8_t *p = malloc(len ? len : 1);
	ck_assert_ptr_nonnull(p);
	memcpy(p, s, len);
	int r = nick ? utf8_check_nick(p, len) : utf8_check(p, len);
	free(p);
	return r;
}

#define CHECK(lit) check_exact(lit, sizeof(lit) - 1, 0)
#define NICK(lit)  check_exact(lit, sizeof(lit) - 1, 1)

START_TEST(ascii_and_the_empty_string_are_valid)
{
	ck_assert_int_eq(CHECK(""), 0);
	ck_assert_int_eq(CHECK("hello, world"), 0);
	ck_assert_int_eq(CHECK("\x00\x7f"), 0);
}
END_TEST

START_TEST(two_byte_sequences_are_valid_at_both_ends_of_their_range)
{
	ck_assert_int_eq(CHECK("\xc2\x80"), 0);	   /* U+0080 */
	ck_assert_int_eq(CHECK("caf\xc3\xa9"), 0); /* café */
	ck_assert_int_eq(CHECK("\xdf\xbf"), 0);	   /* U+07FF */
}
END_TEST

START_TEST(three_byte_sequences_are_valid_around_the_surrogates)
{
	ck_assert_int_eq(CHECK("\xe0\xa0\x80"), 0); /* U+0800 */
	ck_assert_int_eq(CHECK("\xe2\x82\xac"), 0); /* € */
	ck_assert_int_eq(CHECK("\xed\x9f\xbf"), 0); /* U+D7FF */
	ck_assert_int_eq(CHECK("\xee\x80\x80"), 0); /* U+E000 */
	ck_assert_int_eq(CHECK("\xef\xbf\xbf"), 0); /* U+FFFF */
}
END_TEST

START_TEST(four_byte_sequences_are_valid_up_to_10ffff)
{
	ck_assert_int_eq(CHECK("\xf0\x90\x80\x80"), 0); /* U+10000 */
	ck_assert_int_eq(CHECK("\xf0\x9d\x84\x9e"), 0); /* 𝄞 */
	ck_assert_int_eq(CHECK("\xf4\x8f\xbf\xbf"), 0); /* U+10FFFF */
}
END_TEST

START_TEST(overlong_forms_are_rejected)
{
	ck_assert_int_eq(CHECK("\xc0\x80"), NERR_UTF8);		/* NUL in 2 bytes */
	ck_assert_int_eq(CHECK("\xc1\xbf"), NERR_UTF8);		/* U+007F in 2 bytes */
	ck_assert_int_eq(CHECK("\xe0\x80\x80"), NERR_UTF8);	/* NUL in 3 bytes */
	ck_assert_int_eq(CHECK("\xe0\x9f\xbf"), NERR_UTF8);	/* U+07FF in 3 bytes */
	ck_assert_int_eq(CHECK("\xf0\x80\x80\x80"), NERR_UTF8); /* NUL in 4 bytes */
	ck_assert_int_eq(CHECK("\xf0\x8f\xbf\xbf"), NERR_UTF8); /* U+FFFF in 4 bytes */
}
END_TEST

START_TEST(surrogates_are_rejected)
{
	ck_assert_int_eq(CHECK("\xed\xa0\x80"), NERR_UTF8); /* U+D800 */
	ck_assert_int_eq(CHECK("\xed\xb0\x80"), NERR_UTF8); /* U+DC00 */
	ck_assert_int_eq(CHECK("\xed\xbf\xbf"), NERR_UTF8); /* U+DFFF */
	/* a CESU-8 pair for U+1F600 */
	ck_assert_int_eq(CHECK("\xed\xa0\xbd\xed\xb8\x80"), NERR_UTF8);
}
END_TEST

START_TEST(code_points_above_10ffff_are_rejected)
{
	ck_assert_int_eq(CHECK("\xf4\x90\x80\x80"), NERR_UTF8); /* U+110000 */
	ck_assert_int_eq(CHECK("\xf5\x80\x80\x80"), NERR_UTF8);
	ck_assert_int_eq(CHECK("\xf7\xbf\xbf\xbf"), NERR_UTF8);
	ck_assert_int_eq(CHECK("\xf8\x88\x80\x80\x80"), NERR_UTF8); /* old 5-byte form */
	ck_assert_int_eq(CHECK("\xfe"), NERR_UTF8);
	ck_assert_int_eq(CHECK("\xff"), NERR_UTF8);
}
END_TEST

/* _i is how many bytes of the 4-byte sequence survive (0..3). */
START_TEST(a_four_byte_sequence_truncated_at_any_offset_is_rejected)
{
	const char full[4] = {'\xf0', '\x9d', '\x84', '\x9e'};
	char buf[5];
	size_t n = (size_t)_i;
	if (n == 0) {
		ck_assert_int_eq(check_exact(full, 0, 0), 0);
		return;
	}
	ck_assert_int_eq(check_exact(full, n, 0), NERR_UTF8);
	/* cut short by a following ASCII byte rather than by the end */
	memcpy(buf, full, n);
	buf[n] = 'A';
	ck_assert_int_eq(check_exact(buf, n + 1, 0), NERR_UTF8);
}
END_TEST

START_TEST(stray_continuation_bytes_are_rejected)
{
	ck_assert_int_eq(CHECK("\x80"), NERR_UTF8);
	ck_assert_int_eq(CHECK("\xbf"), NERR_UTF8);
	ck_assert_int_eq(CHECK("a\x80z"), NERR_UTF8);
	ck_assert_int_eq(CHECK("\xc3\xa9\xa9"), NERR_UTF8); /* one too many */
}
END_TEST

START_TEST(a_bad_sequence_after_good_text_is_rejected)
{
	ck_assert_int_eq(CHECK("valid text then \xe2\x82"), NERR_UTF8);
	ck_assert_int_eq(CHECK("\xe2\x82\xac\xc3"), NERR_UTF8);
}
END_TEST

START_TEST(ordinary_nicks_are_accepted)
{
	ck_assert_int_eq(NICK("alice"), 0);
	ck_assert_int_eq(NICK("Zo\xc3\xab"), 0);	       /* Zoë */
	ck_assert_int_eq(NICK("\xe5\xb0\x8f\xe6\x98\x8e"), 0); /* 小明 */
	ck_assert_int_eq(NICK("bob \xf0\x9f\x90\x88"), 0);     /* bob 🐈 */
	ck_assert_int_eq(NICK("a\xc2\xa0z"), 0);	       /* U+00A0 is not C1 */
}
END_TEST

START_TEST(an_empty_nick_is_rejected)
{
	ck_assert_int_eq(NICK(""), NERR_EMPTY);
}
END_TEST

START_TEST(a_nick_of_32_bytes_is_accepted_and_33_is_too_long)
{
	char s[33];
	memset(s, 'x', sizeof s);
	ck_assert_int_eq(check_exact(s, 32, 1), 0);
	ck_assert_int_eq(check_exact(s, 33, 1), NERR_TOOLONG);
	/* 8 four-byte characters fill 32 bytes exactly */
	ck_assert_int_eq(NICK("\xf0\x9f\x90\x88\xf0\x9f\x90\x88\xf0\x9f\x90\x88\xf0\x9f\x90\x88"
			      "\xf0\x9f\x90\x88\xf0\x9f\x90\x88\xf0\x9f\x90\x88\xf0\x9f\x90\x88"),
			 0);
}
END_TEST

START_TEST(nicks_with_control_characters_are_rejected)
{
	ck_assert_int_eq(NICK("a\x00z"), NERR_FORMAT);
	ck_assert_int_eq(NICK("\x1b[31mred"), NERR_FORMAT);
	ck_assert_int_eq(NICK("tab\there"), NERR_FORMAT);
	ck_assert_int_eq(NICK("line\n"), NERR_FORMAT);
	ck_assert_int_eq(NICK("del\x7f"), NERR_FORMAT);
	ck_assert_int_eq(NICK("\xc2\x80"), NERR_FORMAT); /* U+0080 */
	ck_assert_int_eq(NICK("\xc2\x9b"), NERR_FORMAT); /* U+009B, the C1 CSI */
	ck_assert_int_eq(NICK("\xc2\x9f"), NERR_FORMAT); /* U+009F */
}
END_TEST

START_TEST(nicks_that_are_not_utf8_are_rejected)
{
	ck_assert_int_eq(NICK("\xc0\xae"), NERR_UTF8);
	ck_assert_int_eq(NICK("ok\xed\xa0\x80"), NERR_UTF8);
	ck_assert_int_eq(NICK("cut\xf0\x9f\x90"), NERR_UTF8);
}
END_TEST

START_TEST(every_position_in_long_ascii_text_is_checked)
{
	/* The ASCII fast path reads 8 bytes at a time: a sequence, good or bad,
	 * at any offset of a longer text must still be seen. */
	static const struct {
		const char *seq;
		int want;
	} cases[] = {
	    {"\xc3\xa9", 0},	       {"\xe2\x82\xac", 0}, {"\xf0\x9f\x90\x8d", 0},
	    {"\x80", NERR_UTF8},       {"\xff", NERR_UTF8}, {"\xc3", NERR_UTF8},
	    {"\xed\xa0\x80", NERR_UTF8}, {"\xc0\xaf", NERR_UTF8},
	};
	uint8_t buf[64];
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		size_t sl = strlen(cases[c].seq);
		for (size_t off = 0; off + sl <= 40; off++) {
			memset(buf, 'a', 40);
			memcpy(buf + off, cases[c].seq, sl);
			ck_assert_msg(utf8_check(buf, 40) == cases[c].want, "case %zu at offset %zu",
				      c, off);
			/* and as the last bytes of a text of every length */
			ck_assert_int_eq(utf8_check(buf, off + sl), cases[c].want);
		}
	}
}
END_TEST

Suite *utf8_suite(void);
Suite *utf8_suite(void)
{
	Suite *s = suite_create("utf8");
	TCase *tv = tcase_create("valid");
	tcase_add_test(tv, ascii_and_the_empty_string_are_valid);
	tcase_add_test(tv, two_byte_sequences_are_valid_at_both_ends_of_their_range);
	tcase_add_test(tv, three_byte_sequences_are_valid_around_the_surrogates);
	tcase_add_test(tv, four_byte_sequences_are_valid_up_to_10ffff);
	suite_add_tcase(s, tv);
	TCase *ti = tcase_create("invalid");
	tcase_add_test(ti, overlong_forms_are_rejected);
	tcase_add_test(ti, surrogates_are_rejected);
	tcase_add_test(ti, code_points_above_10ffff_are_rejected);
	tcase_add_loop_test(ti, a_four_byte_sequence_truncated_at_any_offset_is_rejected, 0, 4);
	tcase_add_test(ti, stray_continuation_bytes_are_rejected);
	tcase_add_test(ti, a_bad_sequence_after_good_text_is_rejected);
	tcase_add_test(ti, every_position_in_long_ascii_text_is_checked);
	suite_add_tcase(s, ti);
	TCase *tn = tcase_create("nick");
	tcase_add_test(tn, ordinary_nicks_are_accepted);
	tcase_add_test(tn, an_empty_nick_is_rejected);
	tcase_add_test(tn, a_nick_of_32_bytes_is_accepted_and_33_is_too_long);
	tcase_add_test(tn, nicks_with_control_characters_are_rejected);
	tcase_add_test(tn, nicks_that_are_not_utf8_are_rejected);
	suite_add_tcase(s, tn);
	return s;
}
