/* SPDX-License-Identifier: MIT */
/* The key decoder: control keys edit, Alt keys (ESC then the key) switch
 * windows, escape sequences ncurses passes through still decode, and a lone
 * or broken sequence never inserts garbage. */
#include <check.h>
#include <curses.h>

#include "keymap.h"

static struct keymap_event feed_chars(struct keymap *k, const char *s)
{
	struct keymap_event ev = {.action = KEYMAP_NONE};
	for (; *s; s++)
		ev = keymap_feed(k, 0, (unsigned char)*s);
	return ev;
}

START_TEST(printable_characters_are_inserted)
{
	struct keymap k;
	keymap_init(&k);
	struct keymap_event ev = keymap_feed(&k, 0, 'a');
	ck_assert_int_eq(ev.action, KEYMAP_CHAR);
	ck_assert_uint_eq(ev.ch, 'a');
	ev = keymap_feed(&k, 0, 0x6f22); /* 漢 */
	ck_assert_int_eq(ev.action, KEYMAP_CHAR);
	ck_assert_uint_eq(ev.ch, 0x6f22);
}
END_TEST

START_TEST(control_keys_map_to_line_editing)
{
	static const struct {
		unsigned key;
		enum edit_key edit;
	} cases[] = {
	    {1, EDIT_HOME},	  {5, EDIT_END},	 {11, EDIT_KILL_END}, {21, EDIT_KILL_START},
	    {23, EDIT_KILL_WORD}, {127, EDIT_BACKSPACE}, {8, EDIT_BACKSPACE}, {4, EDIT_DELETE},
	};
	struct keymap k;
	keymap_init(&k);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct keymap_event ev = keymap_feed(&k, 0, cases[i].key);
		ck_assert_int_eq(ev.action, KEYMAP_EDIT);
		ck_assert_int_eq(ev.edit, cases[i].edit);
	}
}
END_TEST

START_TEST(curses_key_codes_map_to_editing_and_scrolling)
{
	struct keymap k;
	keymap_init(&k);
	ck_assert_int_eq(keymap_feed(&k, 1, KEY_LEFT).edit, EDIT_LEFT);
	ck_assert_int_eq(keymap_feed(&k, 1, KEY_HOME).edit, EDIT_HOME);
	ck_assert_int_eq(keymap_feed(&k, 1, KEY_DC).edit, EDIT_DELETE);
	ck_assert_int_eq(keymap_feed(&k, 1, KEY_UP).edit, EDIT_UP);
	ck_assert_int_eq(keymap_feed(&k, 1, KEY_PPAGE).action, KEYMAP_PAGE_UP);
	ck_assert_int_eq(keymap_feed(&k, 1, KEY_NPAGE).action, KEYMAP_PAGE_DOWN);
	ck_assert_int_eq(keymap_feed(&k, 1, KEY_RESIZE).action, KEYMAP_RESIZE);
}
END_TEST

START_TEST(enter_tab_and_the_client_control_keys_have_their_actions)
{
	struct keymap k;
	keymap_init(&k);
	ck_assert_int_eq(keymap_feed(&k, 0, '\r').action, KEYMAP_ENTER);
	ck_assert_int_eq(keymap_feed(&k, 0, '\n').action, KEYMAP_ENTER);
	ck_assert_int_eq(keymap_feed(&k, 1, KEY_ENTER).action, KEYMAP_ENTER);
	ck_assert_int_eq(keymap_feed(&k, 0, '\t').action, KEYMAP_TAB);
	ck_assert_int_eq(keymap_feed(&k, 0, 12).action, KEYMAP_REDRAW);
	ck_assert_int_eq(keymap_feed(&k, 0, 3).action, KEYMAP_INTERRUPT);
	ck_assert_int_eq(keymap_feed(&k, 0, 14).action, KEYMAP_WIN_NEXT);
	ck_assert_int_eq(keymap_feed(&k, 0, 16).action, KEYMAP_WIN_PREV);
}
END_TEST

START_TEST(alt_digits_select_windows_one_to_ten)
{
	struct keymap k;
	keymap_init(&k);
	for (unsigned d = 1; d <= 9; d++) {
		ck_assert_int_eq(keymap_feed(&k, 0, 27).action, KEYMAP_NONE);
		struct keymap_event ev = keymap_feed(&k, 0, '0' + d);
		ck_assert_int_eq(ev.action, KEYMAP_WINDOW);
		ck_assert_int_eq(ev.n, (int)d);
	}
	struct keymap_event ev = feed_chars(&k, "\0330");
	ck_assert_int_eq(ev.action, KEYMAP_WINDOW);
	ck_assert_int_eq(ev.n, 10);
}
END_TEST

START_TEST(alt_arrows_step_through_windows_in_every_encoding)
{
	struct keymap k;
	keymap_init(&k);
	/* ESC then a decoded arrow (ncurses after a short ESC timeout). */
	keymap_feed(&k, 0, 27);
	ck_assert_int_eq(keymap_feed(&k, 1, KEY_LEFT).action, KEYMAP_WIN_PREV);
	keymap_feed(&k, 0, 27);
	ck_assert_int_eq(keymap_feed(&k, 1, KEY_RIGHT).action, KEYMAP_WIN_NEXT);
	/* The codes bound with define_key. */
	ck_assert_int_eq(keymap_feed(&k, 1, KEYMAP_CODE_ALT_LEFT).action, KEYMAP_WIN_PREV);
	ck_assert_int_eq(keymap_feed(&k, 1, KEYMAP_CODE_ALT_RIGHT).action, KEYMAP_WIN_NEXT);
	/* Raw xterm and rxvt sequences. */
	ck_assert_int_eq(feed_chars(&k, "\033[1;3D").action, KEYMAP_WIN_PREV);
	ck_assert_int_eq(feed_chars(&k, "\033[1;3C").action, KEYMAP_WIN_NEXT);
	ck_assert_int_eq(feed_chars(&k, "\033\033[D").action, KEYMAP_WIN_PREV);
	ck_assert_int_eq(feed_chars(&k, "\033\033[C").action, KEYMAP_WIN_NEXT);
}
END_TEST

START_TEST(focus_reports_decode_raw_and_bound)
{
	struct keymap k;
	keymap_init(&k);
	ck_assert_int_eq(feed_chars(&k, "\033[I").action, KEYMAP_FOCUS_IN);
	ck_assert_int_eq(feed_chars(&k, "\033[O").action, KEYMAP_FOCUS_OUT);
	ck_assert_int_eq(keymap_feed(&k, 1, KEYMAP_CODE_FOCUS_IN).action, KEYMAP_FOCUS_IN);
	ck_assert_int_eq(keymap_feed(&k, 1, KEYMAP_CODE_FOCUS_OUT).action, KEYMAP_FOCUS_OUT);
}
END_TEST

START_TEST(raw_cursor_and_editing_sequences_decode)
{
	struct keymap k;
	keymap_init(&k);
	ck_assert_int_eq(feed_chars(&k, "\033[D").edit, EDIT_LEFT);
	ck_assert_int_eq(feed_chars(&k, "\033OC").edit, EDIT_RIGHT);
	ck_assert_int_eq(feed_chars(&k, "\033[1~").edit, EDIT_HOME);
	ck_assert_int_eq(feed_chars(&k, "\033[4~").edit, EDIT_END);
	ck_assert_int_eq(feed_chars(&k, "\033[3~").edit, EDIT_DELETE);
	ck_assert_int_eq(feed_chars(&k, "\033[5~").action, KEYMAP_PAGE_UP);
	ck_assert_int_eq(feed_chars(&k, "\033[6~").action, KEYMAP_PAGE_DOWN);
}
END_TEST

START_TEST(unknown_sequences_are_swallowed_whole)
{
	struct keymap k;
	keymap_init(&k);
	static const char *const seqs[] = {"\033[1;5D", "\033[200~", "\033[99;99;99x",
					   "\033[12345678901234567890~"};
	for (size_t i = 0; i < sizeof seqs / sizeof seqs[0]; i++) {
		for (const char *p = seqs[i]; *p; p++)
			ck_assert_int_eq(keymap_feed(&k, 0, (unsigned char)*p).action, KEYMAP_NONE);
		/* The decoder is back to plain keys afterwards. */
		ck_assert_int_eq(keymap_feed(&k, 0, 'x').action, KEYMAP_CHAR);
	}
}
END_TEST

START_TEST(a_lone_escape_does_nothing_and_resets_at_idle)
{
	struct keymap k;
	keymap_init(&k);
	ck_assert_int_eq(keymap_feed(&k, 0, 27).action, KEYMAP_NONE);
	ck_assert_int_eq(keymap_idle(&k).action, KEYMAP_NONE);
	struct keymap_event ev = keymap_feed(&k, 0, '1');
	ck_assert_int_eq(ev.action, KEYMAP_CHAR);
	ck_assert_uint_eq(ev.ch, '1');
	/* A CSI cut short by idle does not swallow the next key either. */
	feed_chars(&k, "\033[1;");
	keymap_idle(&k);
	ck_assert_int_eq(keymap_feed(&k, 0, 'q').action, KEYMAP_CHAR);
}
END_TEST

START_TEST(control_and_c1_characters_are_never_inserted)
{
	struct keymap k;
	keymap_init(&k);
	static const unsigned keys[] = {0,  7,	  15,	17,   19,     24,      28,
					31, 0x80, 0x9b, 0x9f, 0xd800, 0x110000};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		ck_assert_int_ne(keymap_feed(&k, 0, keys[i]).action, KEYMAP_CHAR);
}
END_TEST

START_TEST(the_sequence_table_binds_alt_arrows_and_focus)
{
	size_t n;
	const struct keymap_seq *t = keymap_sequences(&n);
	int left = 0, in = 0;
	ck_assert_uint_gt(n, 0);
	for (size_t i = 0; i < n; i++) {
		ck_assert_ptr_nonnull(t[i].seq);
		ck_assert_int_eq(t[i].seq[0], 27);
		left += t[i].code == KEYMAP_CODE_ALT_LEFT;
		in += t[i].code == KEYMAP_CODE_FOCUS_IN;
	}
	ck_assert_int_gt(left, 0);
	ck_assert_int_eq(in, 1);
}
END_TEST

Suite *keymap_suite(void);
Suite *keymap_suite(void)
{
	Suite *s = suite_create("keymap");
#define ADD(t)                                                                                     \
	do {                                                                                       \
		TCase *tc_ = tcase_create(#t);                                                     \
		tcase_add_test(tc_, t);                                                            \
		suite_add_tcase(s, tc_);                                                           \
	} while (0)
	ADD(printable_characters_are_inserted);
	ADD(control_keys_map_to_line_editing);
	ADD(curses_key_codes_map_to_editing_and_scrolling);
	ADD(enter_tab_and_the_client_control_keys_have_their_actions);
	ADD(alt_digits_select_windows_one_to_ten);
	ADD(alt_arrows_step_through_windows_in_every_encoding);
	ADD(focus_reports_decode_raw_and_bound);
	ADD(raw_cursor_and_editing_sequences_decode);
	ADD(unknown_sequences_are_swallowed_whole);
	ADD(a_lone_escape_does_nothing_and_resets_at_idle);
	ADD(control_and_c1_characters_are_never_inserted);
	ADD(the_sequence_table_binds_alt_arrows_and_focus);
#undef ADD
	return s;
}
