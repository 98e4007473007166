/* SPDX-License-Identifier: MIT */
/* The client's small formats: fitting text to columns never splits a
 * character, marks stay within two columns, names and presence are
 * sanitised, times read as local clock times. */
#include <check.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fmt.h"
#include "wrap.h"

static void setup(void)
{
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		ck_abort_msg("the C.UTF-8 locale is missing; these tests need an UTF-8 LC_CTYPE");
	setenv("TZ", "UTC", 1);
	tzset();
}

#define FIT(lit, cols, used) fmt_fit(lit, sizeof(lit) - 1, cols, used)

START_TEST(fit_keeps_ascii_up_to_the_column_count)
{
	size_t used;
	ck_assert_uint_eq(FIT("hello", 3, &used), 3);
	ck_assert_uint_eq(used, 3);
	ck_assert_uint_eq(FIT("hello", 10, &used), 5);
	ck_assert_uint_eq(used, 5);
	ck_assert_uint_eq(FIT("hello", 0, &used), 0);
	ck_assert_uint_eq(used, 0);
}
END_TEST

START_TEST(fit_never_splits_a_wide_character)
{
	size_t used;
	ck_assert_uint_eq(FIT("漢字", 3, &used), 3); /* one 3-byte character */
	ck_assert_uint_eq(used, 2);
	ck_assert_uint_eq(FIT("漢字", 1, &used), 0);
	ck_assert_uint_eq(used, 0);
	ck_assert_uint_eq(FIT("a😀b", 2, &used), 1);
}
END_TEST

START_TEST(fit_keeps_combining_marks_with_their_character)
{
	size_t used;
	/* "é" as e + U+0301, then x: the mark comes along with the e. */
	ck_assert_uint_eq(FIT("e\xcc\x81x", 1, &used), 3);
	ck_assert_uint_eq(used, 1);
}
END_TEST

START_TEST(fit_agrees_with_wrap_width)
{
	static const char *const texts[] = {"plain", "漢字 and é", "\xff\xfe bad", "😀😀 x"};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		size_t len = strlen(texts[i]), used;
		for (size_t cols = 0; cols < 16; cols++) {
			size_t n = fmt_fit(texts[i], len, cols, &used);
			ck_assert_uint_le(used, cols);
			ck_assert_uint_eq(used, wrap_width(texts[i], n));
		}
	}
}
END_TEST

START_TEST(state_marks_are_at_most_two_columns_in_both_charsets)
{
	static const enum natter_state states[] = {NATTER_QUEUED,    NATTER_SENT,
						   NATTER_DELIVERED, NATTER_READ,
						   NATTER_EXPIRED,   NATTER_CANCELLED};
	for (int utf8 = 0; utf8 <= 1; utf8++)
		for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) {
			const char *m = fmt_state_mark(states[i], utf8);
			ck_assert_uint_gt(strlen(m), 0);
			ck_assert_uint_le(wrap_width(m, strlen(m)), 2);
			if (!utf8)
				for (const char *p = m; *p; p++)
					ck_assert_int_lt((unsigned char)*p, 0x80);
		}
	ck_assert_str_eq(fmt_state_mark(NATTER_DELIVERED, 1), "\u2713");
	ck_assert_str_eq(fmt_state_mark(NATTER_READ, 1), "\u2713\u2713");
	ck_assert_str_ne(fmt_state_mark(NATTER_DELIVERED, 0), fmt_state_mark(NATTER_READ, 0));
	ck_assert_str_ne(fmt_state_mark(NATTER_EXPIRED, 0), fmt_state_mark(NATTER_CANCELLED, 0));
	ck_assert_str_ne(fmt_state_mark(NATTER_EXPIRED, 1), fmt_state_mark(NATTER_DELIVERED, 1));
}
END_TEST

START_TEST(clock_is_hours_and_minutes)
{
	char out[6], when[17];
	fmt_clock(0, out);
	ck_assert_str_eq(out, "00:00");
	fmt_clock((int64_t)(13 * 3600 + 7 * 60 + 59) * 1000, out);
	ck_assert_str_eq(out, "13:07");
	fmt_when(3600000, 7200000, when);
	ck_assert_str_eq(when, "01:00");
	fmt_when(3600000, 7200000 + 86400000, when);
	ck_assert_str_eq(when, "1970-01-01 01:00");
}
END_TEST

START_TEST(peer_names_prefer_the_alias_and_are_sanitised)
{
	struct natter_peer p;
	char out[FMT_NAME_MAX];
	memset(&p, 0, sizeof p);
	strcpy(p.fp, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	fmt_peer_name(&p, out, sizeof out);
	ck_assert_str_eq(out, "01234567");
	strcpy(p.nick, "bo\x1b[2Jb\xe2\x80\xaex");
	fmt_peer_name(&p, out, sizeof out);
	ck_assert_ptr_null(strchr(out, 0x1b));
	ck_assert_ptr_null(strstr(out, "\xe2\x80\xae"));
	strcpy(p.alias, "robert");
	fmt_peer_name(&p, out, sizeof out);
	ck_assert_str_eq(out, "robert");
}
END_TEST

START_TEST(presence_says_online_away_with_reason_or_last_seen)
{
	struct natter_peer p;
	char out[FMT_PRESENCE_MAX];
	memset(&p, 0, sizeof p);
	fmt_presence(&p, 0, out, sizeof out);
	ck_assert_str_eq(out, "offline");
	p.last_seen_ms = 3600000;
	fmt_presence(&p, 7200000, out, sizeof out);
	ck_assert_str_eq(out, "offline, last seen 01:00");
	p.online = 1;
	fmt_presence(&p, 0, out, sizeof out);
	ck_assert_str_eq(out, "online");
	p.away = 1;
	fmt_presence(&p, 0, out, sizeof out);
	ck_assert_str_eq(out, "away");
	strcpy(p.away_reason, "lunch\n\x1b[31m");
	fmt_presence(&p, 0, out, sizeof out);
	ck_assert_ptr_nonnull(strstr(out, "away: lunch"));
	ck_assert_ptr_null(strchr(out, '\n'));
	ck_assert_ptr_null(strchr(out, 0x1b));
}
END_TEST

START_TEST(actions_are_texts_starting_with_slash_me_space)
{
	size_t off = 99;
	ck_assert_int_eq(fmt_action("/me waves", 9, &off), 1);
	ck_assert_uint_eq(off, 4);
	ck_assert_int_eq(fmt_action("/me", 3, &off), 0);
	ck_assert_int_eq(fmt_action("/meow", 5, &off), 0);
	ck_assert_int_eq(fmt_action("hi /me x", 8, &off), 0);
}
END_TEST

START_TEST(short_fingerprints_are_eight_digits)
{
	char out[9];
	fmt_short_fp("0123456789abcdef", out);
	ck_assert_str_eq(out, "01234567");
	fmt_short_fp("", out);
	ck_assert_str_eq(out, "");
}
END_TEST

Suite *fmt_suite(void);
Suite *fmt_suite(void)
{
	Suite *s = suite_create("fmt");
#define ADD(t)                                                                                     \
	do {                                                                                       \
		TCase *tc_ = tcase_create(#t);                                                     \
		tcase_add_checked_fixture(tc_, setup, NULL);                                       \
		tcase_add_test(tc_, t);                                                            \
		suite_add_tcase(s, tc_);                                                           \
	} while (0)
	ADD(fit_keeps_ascii_up_to_the_column_count);
	ADD(fit_never_splits_a_wide_character);
	ADD(fit_keeps_combining_marks_with_their_character);
	ADD(fit_agrees_with_wrap_width);
	ADD(state_marks_are_at_most_two_columns_in_both_charsets);
	ADD(clock_is_hours_and_minutes);
	ADD(peer_names_prefer_the_alias_and_are_sanitised);
	ADD(presence_says_online_away_with_reason_or_last_seen);
	ADD(actions_are_texts_starting_with_slash_me_space);
	ADD(short_fingerprints_are_eight_digits);
#undef ADD
	return s;
}
