/* SPDX-License-Identifier: MIT */
/* Nick colours: stable per fingerprint, within the palette, spread over it,
 * and never the colours reserved for text and errors. */
#include <check.h>
#include <stdio.h>

#include "palette.h"

START_TEST(the_same_fingerprint_always_gets_the_same_colour)
{
	const char *fp = "3f1c9a0e5b7d2468ace013579bdf2468ace013579bdf2468ace013579bdf2468";
	for (int n = 8; n <= 256; n *= 2)
		ck_assert_uint_eq(palette_index(fp, n), palette_index(fp, n));
	ck_assert_uint_eq(palette_index(fp, 256), palette_index(fp, 256));
}
END_TEST

START_TEST(indices_stay_within_the_palette_for_every_terminal)
{
	static const int ncolours[] = {8, 16, 88, 256, 16777216};
	char fp[65];
	for (size_t c = 0; c < sizeof ncolours / sizeof ncolours[0]; c++) {
		size_t size = palette_size(ncolours[c]);
		ck_assert_uint_gt(size, 0);
		for (int i = 0; i < 500; i++) {
			snprintf(fp, sizeof fp, "%064x", i * 2654435761u);
			ck_assert_uint_lt(palette_index(fp, ncolours[c]), size);
		}
	}
}
END_TEST

START_TEST(monochrome_terminals_have_no_palette)
{
	ck_assert_uint_eq(palette_size(0), 0);
	ck_assert_uint_eq(palette_size(2), 0);
	ck_assert_uint_eq(palette_index("abc", 2), 0);
}
END_TEST

START_TEST(basic_terminals_use_only_the_eight_basic_colours)
{
	for (size_t i = 0; i < palette_size(8); i++) {
		int c = palette_colour(i, 8);
		ck_assert_int_ge(c, 0);
		ck_assert_int_lt(c, 8);
	}
}
END_TEST

START_TEST(no_entry_is_black_white_or_red)
{
	static const int ncolours[] = {8, 256};
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; i < palette_size(ncolours[k]); i++) {
			int c = palette_colour(i, ncolours[k]);
			ck_assert_int_ne(c, 0);
			ck_assert_int_ne(c, 1);
			ck_assert_int_ne(c, 7);
			ck_assert_int_ne(c, 15);
			ck_assert_int_ne(c, 16);
			ck_assert_int_ne(c, 231);
			ck_assert_int_ne(c, 9);
			ck_assert_int_ne(c, 196);
		}
}
END_TEST

START_TEST(different_fingerprints_spread_over_every_entry)
{
	size_t size = palette_size(256), seen[64] = {0};
	char fp[65];
	for (int i = 0; i < 2000; i++) {
		snprintf(fp, sizeof fp, "%032x%032x", i, i * 7919);
		seen[palette_index(fp, 256)]++;
	}
	for (size_t i = 0; i < size; i++)
		ck_assert_uint_gt(seen[i], 0);
}
END_TEST

Suite *palette_suite(void);
Suite *palette_suite(void)
{
	Suite *s = suite_create("palette");
#define ADD(t)                                                                                     \
	do {                                                                                       \
		TCase *tc_ = tcase_create(#t);                                                     \
		tcase_add_test(tc_, t);                                                            \
		suite_add_tcase(s, tc_);                                                           \
	} while (0)
	ADD(the_same_fingerprint_always_gets_the_same_colour);
	ADD(indices_stay_within_the_palette_for_every_terminal);
	ADD(monochrome_terminals_have_no_palette);
	ADD(basic_terminals_use_only_the_eight_basic_colours);
	ADD(no_entry_is_black_white_or_red);
	ADD(different_fingerprints_spread_over_every_entry);
#undef ADD
	return s;
}
