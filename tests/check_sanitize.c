/* SPDX-License-Identifier: MIT */
/* Peer text sanitizing: escape sequences, controls, bidi and zero-width
 * characters and invalid UTF-8 never reach the terminal; ordinary text is
 * untouched; truncation is clean; and no input byte pair gets through raw. */
#include <check.h>
#include <locale.h>
#include <stdint.h>
#include <string.h>

#include "sanitize.h"

#define FFFD "\xef\xbf\xbd"

static void setup(void)
{
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		ck_abort_msg("the C.UTF-8 locale is missing; these tests need an UTF-8 LC_CTYPE");
}

/* Sanitize in[0..len) into a roomy buffer and compare with want. */
static void assert_clean(const char *in, size_t len, int keep_newlines, const char *want)
{
	char out[256];
	size_t n = sanitize_text(in, len, out, sizeof(out), keep_newlines);
	ck_assert_uint_eq(n, strlen(out));
	ck_assert_msg(strcmp(out, want) == 0, "sanitizing %zu bytes gave \"%s\", want \"%s\"", len,
		      out, want);
}

#define CLEAN(lit, want)    assert_clean(lit, sizeof(lit) - 1, 0, want)
#define CLEAN_NL(lit, want) assert_clean(lit, sizeof(lit) - 1, 1, want)

START_TEST(ordinary_text_cjk_emoji_and_combining_marks_pass_unchanged)
{
	static const char *const ok[] = {
	    "",
	    "hello, world! ~{}[]",
	    "caf\xc3\xa9 na\xc3\xafve \xe2\x82\xac",
	    "漢字かなカナ한국어",
	    "😀👍🏽 \xf0\x9d\x84\x9e",
	    "e\u0301 o\u0301\u0323 \xe0\xa4\x95\xe0\xa5\x8d\xe0\xa4\xb7",
	    "\xc2\xa0\xc2\xad\xef\xbf\xbd\xf4\x8f\xbf\xbf",
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_clean(ok[i], strlen(ok[i]), 0, ok[i]);
		assert_clean(ok[i], strlen(ok[i]), 1, ok[i]);
	}
}
END_TEST

START_TEST(escape_sequences_lose_their_control_bytes)
{
	CLEAN("\x1b[31mred\x1b[0m", FFFD "[31mred" FFFD "[0m");
	CLEAN("\x1b]0;title\x07", FFFD "]0;title" FFFD);
	CLEAN("\x1b]8;;http://x\x1b\\link", FFFD "]8;;http://x" FFFD "\\link");
	CLEAN("\x1bP1$r\x1b\\", FFFD "P1$r" FFFD "\\");
}
END_TEST

START_TEST(c0_controls_del_and_c1_controls_become_replacement_characters)
{
	CLEAN("a\x01z", "a" FFFD "z");
	CLEAN("\r", FFFD);
	CLEAN("\b\x0b\x0c\x1f", FFFD FFFD FFFD FFFD);
	CLEAN("a\0z", "a" FFFD "z");
	CLEAN("\x7f", FFFD);
	CLEAN("\xc2\x80", FFFD);
	CLEAN("\xc2\x85", FFFD); /* NEL */
	CLEAN("\xc2\x9b"
	      "31m",
	      FFFD "31m"); /* CSI */
	CLEAN("\xc2\x9f", FFFD);
}
END_TEST

START_TEST(tab_becomes_a_space)
{
	CLEAN("a\tb", "a b");
	CLEAN_NL("a\tb", "a b");
}
END_TEST

START_TEST(newlines_are_kept_only_when_asked_and_are_otherwise_spaces)
{
	CLEAN_NL("one\ntwo\n", "one\ntwo\n");
	CLEAN("one\ntwo\n", "one two ");
	CLEAN_NL("\r\n", FFFD "\n");
}
END_TEST

START_TEST(bidi_controls_zero_width_characters_and_separators_are_removed)
{
	static const uint32_t gone[] = {0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067,
					0x2068, 0x2069, 0x200e, 0x200f, 0x061c, 0x200b, 0x200c,
					0x200d, 0x2060, 0xfeff, 0x2028, 0x2029};
	for (size_t i = 0; i < sizeof(gone) / sizeof(gone[0]); i++) {
		uint32_t c = gone[i];
		char in[8];
		if (c < 0x800) {
			in[1] = (char)(0xc0 | c >> 6);
			in[2] = (char)(0x80 | (c & 0x3f));
			in[3] = 'b';
			in[4] = '\0';
		} else {
			in[1] = (char)(0xe0 | c >> 12);
			in[2] = (char)(0x80 | (c >> 6 & 0x3f));
			in[3] = (char)(0x80 | (c & 0x3f));
			in[4] = 'b';
			in[5] = '\0';
		}
		in[0] = 'a';
		assert_clean(in, strlen(in), 0, "ab");
		assert_clean(in, strlen(in), 1, "ab");
	}
	CLEAN("\xe2\x80\xaegnp.exe", "gnp.exe");
}
END_TEST

START_TEST(invalid_utf8_becomes_one_replacement_character_per_bad_byte)
{
	CLEAN("\xc0\x80", FFFD FFFD);			/* overlong NUL */
	CLEAN("\xe0\x80\xaf", FFFD FFFD FFFD);		/* overlong '/' */
	CLEAN("\xed\xa0\x80", FFFD FFFD FFFD);		/* surrogate */
	CLEAN("\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD); /* past U+10FFFF */
	CLEAN("\xf5", FFFD);
	CLEAN("\xf8\x88\x80\x80\x80", FFFD FFFD FFFD FFFD FFFD);
	CLEAN("\xfe\xff", FFFD FFFD);
	CLEAN("\x80", FFFD);
	CLEAN("\xe6\xbc", FFFD FFFD);	       /* truncated 漢 */
	CLEAN("\xe6\xbcx", FFFD FFFD "x");     /* cut short by ASCII */
	CLEAN("\xf0\x9f\x98", FFFD FFFD FFFD); /* truncated 😀 */
	CLEAN("\xf0\x9f\x98\xe6\xbc\xa2", FFFD FFFD FFFD "漢");
}
END_TEST

START_TEST(the_input_is_read_only_up_to_its_length)
{
	char out[16];
	ck_assert_uint_eq(sanitize_text("abc\x1b", 3, out, sizeof(out), 0), 3);
	ck_assert_str_eq(out, "abc");
	ck_assert_uint_eq(sanitize_text("\xe6\xbc\xa2", 2, out, sizeof(out), 0), 6);
	ck_assert_str_eq(out, FFFD FFFD);
}
END_TEST

/* The full output as whole characters; a cut must land between them. */
static const char *const cut_in = "a漢😀e\u0301\x1bo\u0301\u0323z";
static const char *const cut_out[] = {"a", "漢", "😀", "e\u0301", FFFD, "o\u0301\u0323", "z"};
#define N_CUT (sizeof(cut_out) / sizeof(cut_out[0]))

START_TEST(truncation_at_the_cap_keeps_whole_characters_and_terminates)
{
	size_t cap = (size_t)_i;
	char out[64], want[64] = "";
	memset(out, 'X', sizeof(out));
	for (size_t i = 0; i < N_CUT && strlen(want) + strlen(cut_out[i]) < cap; i++)
		strcat(want, cut_out[i]);
	size_t n = sanitize_text(cut_in, strlen(cut_in), out, cap, 0);
	if (cap == 0) {
		ck_assert_uint_eq(n, 0);
		ck_assert_int_eq(out[0], 'X');
		return;
	}
	ck_assert_uint_lt(n, cap);
	ck_assert_int_eq(out[n], '\0');
	ck_assert_str_eq(out, want);
	ck_assert_int_eq(out[cap], 'X');
}
END_TEST

/* A strict UTF-8 reader written apart from the one under test: the code
 * point at s[0..len) and its length, or 0 for malformed input. */
static size_t decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	static const struct {
		unsigned char lead_lo, lead_hi, second_lo, second_hi;
		size_t n;
	} forms[] = {
	    {0x00, 0x7f, 0, 0, 1},	 {0xc2, 0xdf, 0x80, 0xbf, 2}, {0xe0, 0xe0, 0xa0, 0xbf, 3},
	    {0xe1, 0xec, 0x80, 0xbf, 3}, {0xed, 0xed, 0x80, 0x9f, 3}, {0xee, 0xef, 0x80, 0xbf, 3},
	    {0xf0, 0xf0, 0x90, 0xbf, 4}, {0xf1, 0xf3, 0x80, 0xbf, 4}, {0xf4, 0xf4, 0x80, 0x8f, 4},
	};
	for (size_t f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
		if (s[0] < forms[f].lead_lo || s[0] > forms[f].lead_hi)
			continue;
		size_t n = forms[f].n;
		if (n == 1) {
			*cp = s[0];
			return 1;
		}
		if (len < n || s[1] < forms[f].second_lo || s[1] > forms[f].second_hi)
			return 0;
		uint32_t v = s[0] & (0x7f >> n);
		for (size_t i = 1; i < n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return 0;
			v = v << 6 | (s[i] & 0x3f);
		}
		*cp = v;
		return n;
	}
	return 0;
}

/* Sanitize in[0..len) and check that the output is safe to draw. Called
 * 600,000 times: the checks are plain ifs, and Check is called only on a
 * failure (each ck_assert records its place, one write(2) to the runner,
 * which made this suite take 99 s under ASan). */
static void assert_safe(const unsigned char *in, size_t len, int keep_newlines)
{
	char out[3 * 8 + 1];
	if (len > 8)
		ck_abort_msg("assert_safe takes at most 8 bytes, not %zu", len);
	size_t n = sanitize_text((const char *)in, len, out, sizeof(out), keep_newlines);
	if (n != strlen(out))
		ck_abort_msg("input %02x.. (%zu bytes): length %zu, string %zu", in[0], len, n,
			     strlen(out));
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = decode((const unsigned char *)out + i, n - i, &cp);
		if (k == 0)
			ck_abort_msg("input %02x.. (%zu bytes): invalid UTF-8 out at %zu", in[0],
				     len, i);
		if (!(cp >= 0x20 || (cp == '\n' && keep_newlines)))
			ck_abort_msg("input %02x.. (%zu bytes): control %02x out", in[0], len, cp);
		if (!(cp < 0x7f || cp > 0x9f))
			ck_abort_msg("input %02x.. (%zu bytes): U+%04X out", in[0], len, cp);
		i += k;
	}
}

static const unsigned char edges[] = {
    0x00, 0x09, 0x0a, 0x0d, 0x1b, 0x1f, 0x20, 0x7e, 0x7f, 0x80, 0x85, 0x8f, 0x90, 0x9b, 0x9f, 0xa0,
    0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xf8, 0xfe, 0xff};
#define N_EDGES (sizeof(edges) / sizeof(edges[0]))

START_TEST(every_byte_pair_and_edge_triple_comes_out_as_safe_utf8)
{
	unsigned char in[3] = {(unsigned char)_i};
	for (int nl = 0; nl <= 1; nl++) {
		assert_safe(in, 1, nl);
		for (int b = 0; b < 256; b++) {
			in[1] = (unsigned char)b;
			assert_safe(in, 2, nl);
		}
		for (size_t e1 = 0; e1 < N_EDGES; e1++) {
			for (size_t e2 = 0; e2 < N_EDGES; e2++) {
				in[1] = edges[e1];
				in[2] = edges[e2];
				assert_safe(in, 3, nl);
			}
		}
	}
}
END_TEST

Suite *sanitize_suite(void);
Suite *sanitize_suite(void)
{
	Suite *s = suite_create("sanitize");
#define ADD_LOOP(t, from, to)                                                                      \
	do {                                                                                       \
		TCase *tc_ = tcase_create(#t);                                                     \
		tcase_add_checked_fixture(tc_, setup, NULL);                                       \
		tcase_add_loop_test(tc_, t, from, to);                                             \
		suite_add_tcase(s, tc_);                                                           \
	} while (0)
#define ADD(t) ADD_LOOP(t, 0, 1)
	ADD(ordinary_text_cjk_emoji_and_combining_marks_pass_unchanged);
	ADD(escape_sequences_lose_their_control_bytes);
	ADD(c0_controls_del_and_c1_controls_become_replacement_characters);
	ADD(tab_becomes_a_space);
	ADD(newlines_are_kept_only_when_asked_and_are_otherwise_spaces);
	ADD(bidi_controls_zero_width_characters_and_separators_are_removed);
	ADD(invalid_utf8_becomes_one_replacement_character_per_bad_byte);
	ADD(the_input_is_read_only_up_to_its_length);
	ADD_LOOP(truncation_at_the_cap_keeps_whole_characters_and_terminates, 0, 40);
	ADD_LOOP(every_byte_pair_and_edge_triple_comes_out_as_safe_utf8, 0, 256);
#undef ADD
#undef ADD_LOOP
	return s;
}
