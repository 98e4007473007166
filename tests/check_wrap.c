/* SPDX-License-Identifier: MIT */
/* Display widths and line wrapping: wide, combining and invalid text measure
 * right; at every width lines fit, start and end between characters, lose
 * only the breaking spaces and newlines, and the count is exact. */
#include <check.h>
#include <locale.h>
#include <string.h>

#include "wrap.h"

static void setup(void)
{
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		ck_abort_msg("the C.UTF-8 locale is missing; these tests need an UTF-8 LC_CTYPE");
}

#define W(lit) wrap_width(lit, sizeof(lit) - 1)

START_TEST(width_of_ascii_is_its_length)
{
	ck_assert_uint_eq(W(""), 0);
	ck_assert_uint_eq(W("hello, world"), 12);
}
END_TEST

START_TEST(width_of_cjk_and_emoji_is_two_columns_each)
{
	ck_assert_uint_eq(W("漢字"), 4);
	ck_assert_uint_eq(W("😀"), 2);
	ck_assert_uint_eq(W("a漢😀é"), 6);
}
END_TEST

START_TEST(width_of_combining_marks_is_zero)
{
	ck_assert_uint_eq(W("e\u0301"), 1);
	ck_assert_uint_eq(W("o\u0301\u0323x"), 2);
	ck_assert_uint_eq(W("漢\u0301"), 2);
}
END_TEST

START_TEST(width_counts_each_invalid_byte_as_one_column)
{
	ck_assert_uint_eq(W("\xff\xfe"), 2);
	ck_assert_uint_eq(W("\xe6\xbc"), 2);	     /* a truncated 漢 */
	ck_assert_uint_eq(W("a\xc0\x80"), 3);	     /* an overlong NUL */
	ck_assert_uint_eq(W("\xed\xa0\x80"), 3);     /* a surrogate */
	ck_assert_uint_eq(W("\xe6\xbc\xa2\xbc"), 3); /* 漢 and a stray byte */
}
END_TEST

/* Wrap lit at width and compare with the expected lines, given as a
 * NULL-terminated list. */
static void assert_wrap(const char *s, size_t width, const char *const *want)
{
	struct wrap_line out[32];
	size_t n = wrap_lines(s, strlen(s), width, out, 32);
	size_t k = 0;
	while (want[k] != NULL)
		k++;
	ck_assert_msg(n == k, "\"%s\" at width %zu: %zu lines, want %zu", s, width, n, k);
	for (size_t i = 0; i < n; i++) {
		ck_assert_uint_eq(out[i].len, strlen(want[i]));
		ck_assert_msg(memcmp(s + out[i].off, want[i], out[i].len) == 0,
			      "\"%s\" at width %zu: line %zu is \"%.*s\", want \"%s\"", s, width, i,
			      (int)out[i].len, s + out[i].off, want[i]);
		ck_assert_uint_eq(out[i].cols, wrap_width(want[i], strlen(want[i])));
	}
}

#define WRAP(s, width, ...) assert_wrap(s, width, (const char *const[]){__VA_ARGS__, NULL})

START_TEST(lines_break_after_the_last_space_that_fits)
{
	WRAP("the quick brown fox", 10, "the quick", "brown fox");
	WRAP("the quick brown fox", 9, "the quick", "brown fox");
	WRAP("the quick brown fox", 15, "the quick brown", "fox");
	WRAP("the quick brown fox", 19, "the quick brown fox");
	WRAP("漢字 漢字 ab", 5, "漢字", "漢字", "ab");
	WRAP("漢字 漢字 ab", 8, "漢字", "漢字 ab");
	WRAP("漢字 漢字 ab", 9, "漢字 漢字", "ab");
}
END_TEST

START_TEST(the_space_at_a_soft_break_is_dropped)
{
	WRAP("ab cd", 2, "ab", "cd");
	WRAP("ab cd", 3, "ab", "cd");
	WRAP("ab ", 2, "ab");
	WRAP("a b c", 3, "a b", "c");
}
END_TEST

START_TEST(a_word_longer_than_the_width_is_split_between_characters)
{
	WRAP("abcdefgh", 3, "abc", "def", "gh");
	WRAP("漢字漢字", 3, "漢", "字", "漢", "字");
	WRAP("漢字漢字", 4, "漢字", "漢字");
	WRAP("a漢字", 2, "a", "漢", "字");
	WRAP("e\u0301e\u0301e\u0301", 2, "e\u0301e\u0301", "e\u0301");
	WRAP("x 😀😀😀", 5, "x", "😀😀", "😀");
}
END_TEST

START_TEST(newlines_are_hard_breaks)
{
	WRAP("a\nb", 10, "a", "b");
	WRAP("a\n\nb", 10, "a", "", "b");
	WRAP("\nb", 10, "", "b");
	WRAP("a\n", 10, "a");
	WRAP("\n", 10, "");
	WRAP("a\n\n", 10, "a", "");
	WRAP("ab cd\nef", 2, "ab", "cd", "ef");
	WRAP("ab \nc", 2, "ab", "c");
	ck_assert_uint_eq(wrap_lines("", 0, 10, NULL, 0), 0);
}
END_TEST

START_TEST(a_wide_character_wider_than_the_line_takes_a_line_of_its_own)
{
	WRAP("a漢b😀", 1, "a", "漢", "b", "😀");
	WRAP("漢 字", 1, "漢", "字");
	WRAP("漢\u0301", 1, "漢\u0301");
	struct wrap_line out[4];
	ck_assert_uint_eq(wrap_lines("😀", 4, 1, out, 4), 1);
	ck_assert_uint_eq(out[0].cols, 2);
}
END_TEST

START_TEST(a_max_smaller_than_the_line_count_still_returns_the_full_count)
{
	const char *s = "aa bb cc dd";
	struct wrap_line out[3];
	memset(out, 0xa5, sizeof(out));
	ck_assert_uint_eq(wrap_lines(s, strlen(s), 2, out, 2), 4);
	ck_assert_uint_eq(out[0].off, 0);
	ck_assert_uint_eq(out[1].off, 3);
	ck_assert_uint_eq(out[1].len, 2);
	struct wrap_line untouched;
	memset(&untouched, 0xa5, sizeof(untouched));
	ck_assert_int_eq(memcmp(&out[2], &untouched, sizeof(untouched)), 0);
	ck_assert_uint_eq(wrap_lines(s, strlen(s), 2, NULL, 0), 4);
}
END_TEST

/* A text of every kind of character, in pieces split at '|': a piece is a
 * run of ASCII (a character per byte) or one multibyte character, so the
 * boundaries are known without a decoder. */
static const char mixed[] = "Hello, w|ö|rld  |漢|字|😀| |e\u0301|t|é|\n\nabcdefghijklmnopq |😀|😀|"
			    "😀|😀| |o\u0301\u0323| x|€|𝄞|\n y z\n";

START_TEST(lines_fit_the_width_and_rebuild_the_text_at_every_width)
{
	size_t width = (size_t)_i;
	char text[512];
	int boundary[512] = {0};
	size_t len = 0;
	for (const char *p = mixed; *p != '\0'; p++) {
		size_t n = strcspn(p, "|");
		int ascii = 1;
		for (size_t k = 0; k < n; k++)
			ascii &= (unsigned char)p[k] < 0x80;
		for (size_t k = 0; k < n; k++)
			boundary[len + k] = ascii || k == 0;
		memcpy(text + len, p, n);
		len += n;
		p += n;
		if (*p == '\0')
			break;
	}
	boundary[len] = 1;

	struct wrap_line out[512];
	size_t n = wrap_lines(text, len, width, out, 512);
	ck_assert_uint_le(n, 512);
	ck_assert_uint_eq(wrap_lines(text, len, width, NULL, 0), n);
	size_t pos = 0;
	for (size_t i = 0; i < n; i++) {
		const struct wrap_line *l = &out[i];
		/* Only the one space or newline at a break is skipped. */
		if (l->off != pos) {
			ck_assert_uint_eq(l->off, pos + 1);
			ck_assert_msg(text[pos] == ' ' || text[pos] == '\n',
				      "width %zu line %zu skips byte %02x", width, i,
				      (unsigned char)text[pos]);
		}
		ck_assert_msg(boundary[l->off] && boundary[l->off + l->len],
			      "width %zu line %zu [%zu,+%zu) cuts a character", width, i, l->off,
			      l->len);
		ck_assert_uint_eq(l->cols, wrap_width(text + l->off, l->len));
		const char *line = text + l->off;
		if (l->cols > width) { /* only a lone wide character at width 1 may */
			ck_assert_msg(width == 1 && l->cols == 2,
				      "width %zu line %zu is %zu columns", width, i, l->cols);
			for (size_t k = 1; k < l->len; k++)
				ck_assert_msg(!boundary[l->off + k],
					      "width 1 line %zu is too wide and not one character",
					      i);
		}
		if (l->len == 0)
			ck_assert_msg(text[l->off] == '\n' &&
					  (l->off == 0 || text[l->off - 1] == '\n'),
				      "width %zu line %zu is empty", width, i);
		for (size_t k = 0; k < l->len; k++)
			ck_assert_int_ne(line[k], '\n');
		pos = l->off + l->len;
	}
	/* What is left after the last line is one dropped space or newline. */
	ck_assert_uint_le(len - pos, 1);
	if (pos < len)
		ck_assert(text[pos] == '\n' || text[pos] == ' ');
}
END_TEST

Suite *wrap_suite(void);
Suite *wrap_suite(void)
{
	Suite *s = suite_create("wrap");
#define ADD_LOOP(t, from, to)                                                                      \
	do {                                                                                       \
		TCase *tc_ = tcase_create(#t);                                                     \
		tcase_add_checked_fixture(tc_, setup, NULL);                                       \
		tcase_add_loop_test(tc_, t, from, to);                                             \
		suite_add_tcase(s, tc_);                                                           \
	} while (0)
#define ADD(t) ADD_LOOP(t, 0, 1)
	ADD(width_of_ascii_is_its_length);
	ADD(width_of_cjk_and_emoji_is_two_columns_each);
	ADD(width_of_combining_marks_is_zero);
	ADD(width_counts_each_invalid_byte_as_one_column);
	ADD(lines_break_after_the_last_space_that_fits);
	ADD(the_space_at_a_soft_break_is_dropped);
	ADD(a_word_longer_than_the_width_is_split_between_characters);
	ADD(newlines_are_hard_breaks);
	ADD(a_wide_character_wider_than_the_line_takes_a_line_of_its_own);
	ADD(a_max_smaller_than_the_line_count_still_returns_the_full_count);
	ADD_LOOP(lines_fit_the_width_and_rebuild_the_text_at_every_width, 1, 41);
#undef ADD
#undef ADD_LOOP
	return s;
}
