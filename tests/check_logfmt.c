/* SPDX-License-Identifier: MIT */
/* -v log lines: ts, level and msg as key=value pairs, values quoted only when
 * needed, every quote, backslash and control escaped, cut lines still whole. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "logfmt.h"

#define TS_MS 1795588200123LL /* 2026-11-25T06:30:00.123Z */

static char line[LOGFMT_LINE_MAX];

static const char *fmt(int64_t ts, int prefix, int level, const char *msg, const char *const *kv)
{
	size_t n = logfmt_line(line, ts, prefix, level, msg, kv);
	ck_assert_uint_eq(n, strlen(line));
	ck_assert_uint_lt(n, sizeof line);
	return line;
}

START_TEST(line_has_ts_level_and_quoted_msg)
{
	ck_assert_str_eq(fmt(TS_MS, 0, 1, "peer bob (0123abcd) is online", NULL),
			 "ts=2026-11-25T06:30:00.123Z level=info msg=\"peer bob (0123abcd) is "
			 "online\"\n");
}
END_TEST

START_TEST(level_two_and_more_is_debug)
{
	ck_assert_str_eq(fmt(TS_MS, 0, 2, "x", NULL),
			 "ts=2026-11-25T06:30:00.123Z level=debug msg=x\n");
	ck_assert_str_eq(fmt(TS_MS, 0, 3, "x", NULL),
			 "ts=2026-11-25T06:30:00.123Z level=debug msg=x\n");
}
END_TEST

START_TEST(negative_time_leaves_out_ts)
{
	ck_assert_str_eq(fmt(-1, 0, 1, "hello", NULL), "level=info msg=hello\n");
}
END_TEST

START_TEST(syslog_prefix_carries_the_priority)
{
	ck_assert_str_eq(fmt(-1, 1, 1, "a", NULL), "<6>level=info msg=a\n");
	ck_assert_str_eq(fmt(-1, 1, 2, "a", NULL), "<7>level=debug msg=a\n");
}
END_TEST

START_TEST(extra_pairs_follow_msg)
{
	const char *kv[] = {"nick", "alice", "port", "7700", "empty", "", NULL};
	ck_assert_str_eq(fmt(-1, 0, 1, "listening", kv),
			 "level=info msg=listening nick=alice port=7700 empty=\"\"\n");
}
END_TEST

START_TEST(quote_backslash_and_equals_are_escaped_or_quoted)
{
	ck_assert_str_eq(fmt(-1, 0, 1, "say \"hi\" \\ there", NULL),
			 "level=info msg=\"say \\\"hi\\\" \\\\ there\"\n");
	ck_assert_str_eq(fmt(-1, 0, 1, "a=b", NULL), "level=info msg=\"a=b\"\n");
	ck_assert_str_eq(fmt(-1, 0, 1, "a\"b", NULL), "level=info msg=\"a\\\"b\"\n");
}
END_TEST

START_TEST(controls_are_escaped_and_never_raw)
{
	ck_assert_str_eq(fmt(-1, 0, 1, "a\nb\tc\rd\x1b[2Je\x7f", NULL),
			 "level=info msg=\"a\\nb\\tc\\rd\\x1b[2Je\\x7f\"\n");
	/* C1 (U+009B, CSI) and an invalid byte. */
	ck_assert_str_eq(fmt(-1, 0, 1, "x\xc2\x9by\xffz", NULL),
			 "level=info msg=\"x\\xc2\\x9by\\xffz\"\n");
	/* A right-to-left override (U+202E) would reorder the rest of the line. */
	ck_assert_str_eq(fmt(-1, 0, 1, "bob\xe2\x80\xae", NULL),
			 "level=info msg=\"bob\\xe2\\x80\\xae\"\n");
}
END_TEST

START_TEST(utf8_stays_as_is)
{
	ck_assert_str_eq(fmt(-1, 0, 1, "漢字😀", NULL), "level=info msg=漢字😀\n");
}
END_TEST

/* A value too long for the line is cut at a code point, and the line still
 * ends in a closing quote and a newline. */
START_TEST(long_values_are_cut_inside_their_quotes)
{
	char msg[3 * LOGFMT_LINE_MAX];
	size_t i = 0;
	while (i + 3 < sizeof msg - 1) {
		memcpy(msg + i, _i % 2 ? "\xe6\xbc\xa2" : "\"\"\"", 3);
		i += 3;
	}
	msg[i] = '\0';
	const char *kv[] = {"after", "x", NULL};
	const char *l = fmt(TS_MS, 1, 1, msg, kv);
	size_t n = strlen(l);
	ck_assert_uint_ge(n, LOGFMT_LINE_MAX - 16);
	ck_assert_str_eq(l + n - 2, "\"\n");
	ck_assert_ptr_null(strstr(l, "after="));
	/* No half escape before the closing quote: an even run of backslashes. */
	size_t bs = 0;
	for (size_t k = n - 3; l[k] == '\\'; k--)
		bs++;
	ck_assert_uint_eq(bs % 2, 0);
	if (!(_i % 2))
		return;
	/* No split UTF-8 sequence: the last character is whole. */
	ck_assert(memcmp(l + n - 5, "\xe6\xbc\xa2", 3) == 0);
}
END_TEST

/* A quoted value that ends just at the end of the line, for every length
 * around it: the closing quote takes the reserved room and nothing follows
 * (a value that filled the line once let the next pair overflow). */
START_TEST(value_filling_the_line_ends_it)
{
	char msg[LOGFMT_LINE_MAX];
	size_t len = LOGFMT_LINE_MAX - 40 + (size_t)_i;
	memset(msg, ' ', len);
	msg[len] = '\0';
	const char *kv[] = {"k", "\xe6\xbc\xa2", "k2", "v", NULL};
	const char *l = fmt(-1, 0, 1, msg, kv);
	size_t n = strlen(l);
	ck_assert_str_eq(l + n - 1, "\n");
	/* The line ends in a whole pair: a closed quote or a value, not "k=". */
	ck_assert(l[n - 2] != '=' && l[n - 2] != ' ');
}
END_TEST

Suite *logfmt_suite(void);
Suite *logfmt_suite(void)
{
	Suite *s = suite_create("logfmt");
	TCase *tc = tcase_create("logfmt");
	tcase_add_test(tc, line_has_ts_level_and_quoted_msg);
	tcase_add_test(tc, level_two_and_more_is_debug);
	tcase_add_test(tc, negative_time_leaves_out_ts);
	tcase_add_test(tc, syslog_prefix_carries_the_priority);
	tcase_add_test(tc, extra_pairs_follow_msg);
	tcase_add_test(tc, quote_backslash_and_equals_are_escaped_or_quoted);
	tcase_add_test(tc, controls_are_escaped_and_never_raw);
	tcase_add_test(tc, utf8_stays_as_is);
	tcase_add_loop_test(tc, long_values_are_cut_inside_their_quotes, 0, 2);
	tcase_add_loop_test(tc, value_filling_the_line_ends_it, 0, 40);
	suite_add_tcase(s, tc);
	return s;
}
