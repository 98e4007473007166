/* SPDX-License-Identifier: MIT */
/* The line editor: the cursor and the delete keys work on whole characters
 * (multibyte, wide, with combining marks), bad input changes nothing, the
 * history and Tab completion behave, and the view keeps the cursor shown. */
#include <check.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "edit.h"

static struct edit ed;

static void setup(void)
{
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		ck_abort_msg("the C.UTF-8 locale is missing; these tests need an UTF-8 LC_CTYPE");
	ck_assert_int_eq(edit_init(&ed), 0);
}

static void teardown(void)
{
	edit_clear(&ed);
}

static void put(const char *s)
{
	ck_assert_int_eq(edit_insert(&ed, s, strlen(s)), 0);
}

static void press(enum edit_key k, int times)
{
	for (int i = 0; i < times; i++)
		edit_key(&ed, k);
}

#define ASSERT_TEXT(want, cursor)                                                                  \
	do {                                                                                       \
		size_t len_;                                                                       \
		const char *t_ = edit_text(&ed, &len_);                                            \
		ck_assert_str_eq(t_, want);                                                        \
		ck_assert_uint_eq(len_, strlen(want));                                             \
		ck_assert_uint_eq(ed.cur, cursor);                                                 \
	} while (0)

/* Press Right from the start, then Left from the end, checking that the
 * cursor stops at exactly the offsets in stops (0 first, the length last). */
static void assert_stops(const size_t *stops, size_t n)
{
	edit_key(&ed, EDIT_HOME);
	for (size_t i = 0; i < n; i++) {
		ck_assert_uint_eq(ed.cur, stops[i]);
		edit_key(&ed, EDIT_RIGHT);
	}
	ck_assert_uint_eq(ed.cur, stops[n - 1]);
	for (size_t i = n; i-- > 0;) {
		ck_assert_uint_eq(ed.cur, stops[i]);
		edit_key(&ed, EDIT_LEFT);
	}
	ck_assert_uint_eq(ed.cur, 0);
}

START_TEST(inserting_ascii_puts_it_at_the_cursor)
{
	put("helo");
	ASSERT_TEXT("helo", 4);
	edit_key(&ed, EDIT_LEFT);
	put("l");
	ASSERT_TEXT("hello", 4);
	edit_key(&ed, EDIT_HOME);
	put(">");
	ASSERT_TEXT(">hello", 1);
}
END_TEST

START_TEST(inserting_multibyte_text_keeps_it_whole)
{
	put("caf\xc3\xa9 漢字 😀");
	ASSERT_TEXT("café 漢字 😀", strlen("café 漢字 😀"));
	edit_key(&ed, EDIT_HOME);
	put("€");
	ASSERT_TEXT("€café 漢字 😀", 3);
}
END_TEST

START_TEST(left_and_right_move_over_two_three_and_four_byte_characters)
{
	put("aé€𝄞b");
	static const size_t stops[] = {0, 1, 3, 6, 10, 11};
	assert_stops(stops, sizeof(stops) / sizeof(stops[0]));
}
END_TEST

START_TEST(left_and_right_move_over_wide_cjk_and_emoji_as_one_character)
{
	put("漢字😀x");
	static const size_t stops[] = {0, 3, 6, 10, 11};
	assert_stops(stops, sizeof(stops) / sizeof(stops[0]));
}
END_TEST

START_TEST(left_and_right_treat_a_base_and_its_combining_marks_as_one_character)
{
	/* e + U+0301, then o + U+0301 + U+0323 */
	put("ae\u0301o\u0301\u0323b");
	static const size_t stops[] = {0, 1, 4, 9, 10};
	assert_stops(stops, sizeof(stops) / sizeof(stops[0]));
}
END_TEST

START_TEST(home_and_end_go_to_the_start_and_the_end)
{
	put("漢 e\u0301 😀");
	size_t len = strlen("漢 e\u0301 😀");
	edit_key(&ed, EDIT_LEFT);
	edit_key(&ed, EDIT_HOME);
	ck_assert_uint_eq(ed.cur, 0);
	edit_key(&ed, EDIT_RIGHT);
	edit_key(&ed, EDIT_END);
	ck_assert_uint_eq(ed.cur, len);
}
END_TEST

START_TEST(left_at_the_start_and_right_at_the_end_do_nothing)
{
	put("ab");
	edit_key(&ed, EDIT_RIGHT);
	ASSERT_TEXT("ab", 2);
	edit_key(&ed, EDIT_HOME);
	edit_key(&ed, EDIT_LEFT);
	ASSERT_TEXT("ab", 0);
	edit_clear(&ed);
	ck_assert_int_eq(edit_init(&ed), 0);
	press(EDIT_LEFT, 1);
	press(EDIT_RIGHT, 1);
	ASSERT_TEXT("", 0);
}
END_TEST

/* One of every kind of character; the loop tests delete each in turn. */
static const char *const chars[] = {"a", "é", "€", "𝄞", "漢", "😀", "e\u0301", "o\u0301\u0323", "z"};
#define N_CHARS (int)(sizeof(chars) / sizeof(chars[0]))

/* chars joined, optionally without chars[skip]; returns the byte offset of
 * chars[upto] in the joined text. */
static size_t join_chars(char *out, int skip, int upto)
{
	size_t off = 0;
	out[0] = '\0';
	for (int i = 0; i < N_CHARS; i++) {
		if (i == upto)
			off = strlen(out);
		if (i != skip)
			strcat(out, chars[i]);
	}
	return off;
}

START_TEST(backspace_removes_one_whole_character_at_every_position)
{
	char all[128], want[128];
	join_chars(all, -1, -1);
	put(all);
	edit_key(&ed, EDIT_HOME);
	press(EDIT_RIGHT, _i + 1); /* just after chars[_i] */
	edit_key(&ed, EDIT_BACKSPACE);
	size_t at = join_chars(want, _i, _i);
	ASSERT_TEXT(want, at);
}
END_TEST

START_TEST(delete_removes_one_whole_character_at_every_position)
{
	char all[128], want[128];
	join_chars(all, -1, -1);
	put(all);
	edit_key(&ed, EDIT_HOME);
	press(EDIT_RIGHT, _i); /* on chars[_i] */
	edit_key(&ed, EDIT_DELETE);
	size_t at = join_chars(want, _i, _i);
	ASSERT_TEXT(want, at);
}
END_TEST

START_TEST(backspace_at_the_start_and_delete_at_the_end_do_nothing)
{
	put("漢字");
	edit_key(&ed, EDIT_DELETE);
	ASSERT_TEXT("漢字", 6);
	edit_key(&ed, EDIT_HOME);
	edit_key(&ed, EDIT_BACKSPACE);
	ASSERT_TEXT("漢字", 0);
}
END_TEST

START_TEST(ctrl_k_kills_from_the_cursor_to_the_end)
{
	put("héllo wörld");
	edit_key(&ed, EDIT_HOME);
	press(EDIT_RIGHT, 5);
	edit_key(&ed, EDIT_KILL_END);
	ASSERT_TEXT("héllo", 6);
	edit_key(&ed, EDIT_KILL_END);
	ASSERT_TEXT("héllo", 6);
	edit_key(&ed, EDIT_HOME);
	edit_key(&ed, EDIT_KILL_END);
	ASSERT_TEXT("", 0);
}
END_TEST

START_TEST(ctrl_u_kills_from_the_start_to_the_cursor)
{
	put("漢字 e\u0301 tail");
	edit_key(&ed, EDIT_END);
	press(EDIT_LEFT, 4);
	edit_key(&ed, EDIT_KILL_START);
	ASSERT_TEXT("tail", 0);
	edit_key(&ed, EDIT_KILL_START);
	ASSERT_TEXT("tail", 0);
	edit_key(&ed, EDIT_END);
	edit_key(&ed, EDIT_KILL_START);
	ASSERT_TEXT("", 0);
}
END_TEST

START_TEST(ctrl_w_kills_the_word_before_the_cursor_and_the_spaces_after_it)
{
	put("say héllo  ");
	edit_key(&ed, EDIT_KILL_WORD);
	ASSERT_TEXT("say ", 4);
	edit_key(&ed, EDIT_KILL_WORD);
	ASSERT_TEXT("", 0);
	edit_key(&ed, EDIT_KILL_WORD);
	ASSERT_TEXT("", 0);

	/* Inside a word only the part before the cursor goes. */
	put("one 漢字😀e\u0301 two");
	edit_key(&ed, EDIT_END);
	press(EDIT_LEFT, 5); /* before "e\u0301 two" */
	edit_key(&ed, EDIT_KILL_WORD);
	ASSERT_TEXT("one e\u0301 two", 4);
	edit_key(&ed, EDIT_KILL_WORD);
	ASSERT_TEXT("e\u0301 two", 0);
}
END_TEST

static void submit(const char *s)
{
	ck_assert_int_eq(edit_set(&ed, s, strlen(s)), 0);
	edit_submit(&ed);
}

START_TEST(up_and_down_walk_the_history_and_come_back_to_the_line_being_edited)
{
	submit("one");
	submit("twö");
	put("draft");
	edit_key(&ed, EDIT_HOME);
	edit_key(&ed, EDIT_UP);
	ASSERT_TEXT("twö", 4);
	edit_key(&ed, EDIT_UP);
	ASSERT_TEXT("one", 3);
	edit_key(&ed, EDIT_UP);
	ASSERT_TEXT("one", 3);
	edit_key(&ed, EDIT_DOWN);
	ASSERT_TEXT("twö", 4);
	edit_key(&ed, EDIT_DOWN);
	ASSERT_TEXT("draft", 5);
	edit_key(&ed, EDIT_DOWN);
	ASSERT_TEXT("draft", 5);
	ck_assert_uint_eq(ed.hist_pos, ed.n_hist);
	/* An edited entry is sent as edited; the stored entry stays. */
	edit_key(&ed, EDIT_UP);
	put("!");
	edit_submit(&ed);
	ck_assert_uint_eq(ed.n_hist, 3);
	ck_assert_str_eq(ed.hist[1], "twö");
	ck_assert_str_eq(ed.hist[2], "twö!");
}
END_TEST

START_TEST(up_and_down_with_an_empty_history_change_nothing)
{
	put("draft");
	edit_key(&ed, EDIT_LEFT);
	edit_key(&ed, EDIT_UP);
	ASSERT_TEXT("draft", 4);
	edit_key(&ed, EDIT_DOWN);
	ASSERT_TEXT("draft", 4);
}
END_TEST

START_TEST(submit_empties_the_editor_and_stores_no_empty_line)
{
	put("hi");
	edit_submit(&ed);
	ASSERT_TEXT("", 0);
	ck_assert_uint_eq(ed.n_hist, 1);
	edit_submit(&ed);
	ck_assert_uint_eq(ed.n_hist, 1);
	ck_assert_uint_eq(ed.hist_pos, 1);
}
END_TEST

START_TEST(the_same_line_twice_in_a_row_is_stored_once)
{
	submit("a");
	submit("a");
	submit("b");
	submit("a");
	ck_assert_uint_eq(ed.n_hist, 3);
	ck_assert_str_eq(ed.hist[0], "a");
	ck_assert_str_eq(ed.hist[1], "b");
	ck_assert_str_eq(ed.hist[2], "a");
}
END_TEST

START_TEST(the_history_keeps_the_newest_edit_history_lines)
{
	char line[32];
	for (int i = 0; i < EDIT_HISTORY + 5; i++) {
		snprintf(line, sizeof(line), "line %d", i);
		submit(line);
	}
	ck_assert_uint_eq(ed.n_hist, EDIT_HISTORY);
	ck_assert_str_eq(ed.hist[0], "line 5");
	snprintf(line, sizeof(line), "line %d", EDIT_HISTORY + 4);
	ck_assert_str_eq(ed.hist[EDIT_HISTORY - 1], line);
	press(EDIT_UP, EDIT_HISTORY + 3);
	ASSERT_TEXT("line 5", 6);
}
END_TEST

START_TEST(invalid_utf8_is_refused_and_changes_nothing)
{
	static const char *const bad[] = {
	    "\xff",	"\xc0\x80", "\xed\xa0\x80", "\xf5\x80\x80\x80",
	    "\xe6\xbc", "\x80",	    "ok\xe6",	    "\xf4\x90\x80\x80",
	};
	put("keep 漢");
	edit_key(&ed, EDIT_LEFT);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(edit_insert(&ed, bad[i], strlen(bad[i])), -1);
		ASSERT_TEXT("keep 漢", 5);
		ck_assert_int_eq(edit_set(&ed, bad[i], strlen(bad[i])), -1);
		ASSERT_TEXT("keep 漢", 5);
	}
}
END_TEST

START_TEST(control_characters_are_refused_and_change_nothing)
{
	static const char *const bad[] = {"\n",	  "\t",	      "\r",	  "\x1b[31m",
					  "\x7f", "\xc2\x85", "\xc2\x9b", "a\x01"};
	put("keep");
	edit_key(&ed, EDIT_LEFT);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(edit_insert(&ed, bad[i], strlen(bad[i])), -1);
		ASSERT_TEXT("keep", 3);
	}
	ck_assert_int_eq(edit_insert(&ed, "a\0b", 3), -1);
	ASSERT_TEXT("keep", 3);
}
END_TEST

START_TEST(text_past_edit_max_bytes_is_refused)
{
	static char big[EDIT_MAX + 1];
	memset(big, 'a', sizeof(big));
	ck_assert_int_eq(edit_set(&ed, big, EDIT_MAX + 1), -1);
	ck_assert_int_eq(edit_set(&ed, big, EDIT_MAX - 1), 0);
	ck_assert_int_eq(edit_insert(&ed, "é", 2), -1);
	ck_assert_uint_eq(ed.len, EDIT_MAX - 1);
	ck_assert_int_eq(edit_insert(&ed, "b", 1), 0);
	ck_assert_uint_eq(ed.len, EDIT_MAX);
	ck_assert_int_eq(edit_insert(&ed, "c", 1), -1);
	ck_assert_uint_eq(ed.len, EDIT_MAX);
	ck_assert_int_eq(ed.buf[EDIT_MAX - 1], 'b');
	ck_assert_int_eq(ed.buf[EDIT_MAX], '\0');
}
END_TEST

START_TEST(set_replaces_the_text_and_puts_the_cursor_at_the_end)
{
	put("old");
	edit_key(&ed, EDIT_HOME);
	ck_assert_int_eq(edit_set(&ed, "néw 😀", strlen("néw 😀")), 0);
	ASSERT_TEXT("néw 😀", strlen("néw 😀"));
	ck_assert_int_eq(edit_set(&ed, "", 0), 0);
	ASSERT_TEXT("", 0);
}
END_TEST

START_TEST(a_base_typed_before_a_lone_mark_joins_it_and_the_cursor_stays_on_a_boundary)
{
	put("\u0301x");
	edit_key(&ed, EDIT_HOME);
	put("e");
	ASSERT_TEXT("e\u0301x", 3);
	edit_key(&ed, EDIT_BACKSPACE);
	ASSERT_TEXT("x", 0);
}
END_TEST

static void assert_word(const char *want)
{
	size_t off, len;
	edit_word(&ed, &off, &len);
	ck_assert_uint_le(off + len, ed.len);
	ck_assert_uint_eq(off + len, ed.cur);
	ck_assert_uint_eq(len, strlen(want));
	ck_assert_int_eq(memcmp(ed.buf + off, want, len), 0);
}

START_TEST(the_word_before_the_cursor_is_found_at_the_start_middle_and_end)
{
	put("ali");
	assert_word("ali");
	ck_assert_int_eq(edit_set(&ed, "hi jü there", strlen("hi jü there")), 0);
	assert_word("there");
	press(EDIT_LEFT, 6);
	assert_word("jü");
	edit_key(&ed, EDIT_LEFT);
	assert_word("j");
	press(EDIT_LEFT, 2);
	assert_word("hi");
	edit_key(&ed, EDIT_RIGHT);
	assert_word("");
	edit_key(&ed, EDIT_HOME);
	assert_word("");
}
END_TEST

static void complete(const char *with)
{
	ck_assert_int_eq(edit_replace_word(&ed, with, strlen(with)), 0);
}

START_TEST(replacing_the_word_completes_it_at_the_start_middle_and_end)
{
	put("al");
	complete("alice: ");
	ASSERT_TEXT("alice: ", 7);
	ck_assert_int_eq(edit_set(&ed, "hi jü there", strlen("hi jü there")), 0);
	press(EDIT_LEFT, 6);
	complete("jürgen");
	ASSERT_TEXT("hi jürgen there", 10);
	edit_key(&ed, EDIT_END);
	complete("thérèse");
	ASSERT_TEXT("hi jürgen thérèse", strlen("hi jürgen thérèse"));
	edit_key(&ed, EDIT_HOME);
	complete("@");
	ASSERT_TEXT("@hi jürgen thérèse", 1);
	ck_assert_int_eq(edit_replace_word(&ed, "\x1b", 1), -1);
	ASSERT_TEXT("@hi jürgen thérèse", 1);
}
END_TEST

/* A long line of characters of known widths for the view test. */
static const struct {
	const char *s;
	size_t cols;
} view_chars[] = {{"a", 1}, {"漢", 2}, {"😀", 2}, {"e\u0301", 1}, {" ", 1}, {"字", 2}, {"é", 1}};
#define N_VIEW	 (sizeof(view_chars) / sizeof(view_chars[0]))
#define VIEW_LEN 60

START_TEST(view_keeps_the_cursor_visible_in_a_long_line_with_wide_characters)
{
	size_t width = (size_t)_i;
	size_t off[VIEW_LEN + 1], cols[VIEW_LEN + 1];
	off[0] = cols[0] = 0;
	for (size_t i = 0; i < VIEW_LEN; i++) {
		put(view_chars[i % N_VIEW].s);
		off[i + 1] = ed.cur;
		cols[i + 1] = cols[i] + view_chars[i % N_VIEW].cols;
	}
	edit_key(&ed, EDIT_HOME);
	for (size_t c = 0; c <= VIEW_LEN; c++) {
		ck_assert_uint_eq(ed.cur, off[c]);
		size_t start = 99999, col = 99999;
		edit_view(&ed, width, &start, &col);
		size_t s = 0;
		while (s <= VIEW_LEN && off[s] != start)
			s++;
		ck_assert_msg(s <= c, "width %zu cursor %zu: start %zu is not a boundary before it",
			      width, c, start);
		ck_assert_uint_lt(col, width);
		ck_assert_uint_eq(col, cols[c] - cols[s]);
		/* The character under the cursor is drawn whole when it can be. */
		size_t under = c < VIEW_LEN ? view_chars[c % N_VIEW].cols : 1;
		if (under <= width)
			ck_assert_uint_le(col + under, width);
		/* A line that fits is drawn from its start. */
		if (cols[c] + under <= width)
			ck_assert_uint_eq(start, 0);
		edit_key(&ed, EDIT_RIGHT);
	}
}
END_TEST

Suite *edit_suite(void);
Suite *edit_suite(void)
{
	Suite *s = suite_create("edit");
#define ADD_LOOP(t, from, to)                                                                      \
	do {                                                                                       \
		TCase *tc_ = tcase_create(#t);                                                     \
		tcase_add_checked_fixture(tc_, setup, teardown);                                   \
		tcase_add_loop_test(tc_, t, from, to);                                             \
		suite_add_tcase(s, tc_);                                                           \
	} while (0)
#define ADD(t) ADD_LOOP(t, 0, 1)
	ADD(inserting_ascii_puts_it_at_the_cursor);
	ADD(inserting_multibyte_text_keeps_it_whole);
	ADD(left_and_right_move_over_two_three_and_four_byte_characters);
	ADD(left_and_right_move_over_wide_cjk_and_emoji_as_one_character);
	ADD(left_and_right_treat_a_base_and_its_combining_marks_as_one_character);
	ADD(home_and_end_go_to_the_start_and_the_end);
	ADD(left_at_the_start_and_right_at_the_end_do_nothing);
	ADD_LOOP(backspace_removes_one_whole_character_at_every_position, 0, N_CHARS);
	ADD_LOOP(delete_removes_one_whole_character_at_every_position, 0, N_CHARS);
	ADD(backspace_at_the_start_and_delete_at_the_end_do_nothing);
	ADD(ctrl_k_kills_from_the_cursor_to_the_end);
	ADD(ctrl_u_kills_from_the_start_to_the_cursor);
	ADD(ctrl_w_kills_the_word_before_the_cursor_and_the_spaces_after_it);
	ADD(up_and_down_walk_the_history_and_come_back_to_the_line_being_edited);
	ADD(up_and_down_with_an_empty_history_change_nothing);
	ADD(submit_empties_the_editor_and_stores_no_empty_line);
	ADD(the_same_line_twice_in_a_row_is_stored_once);
	ADD(the_history_keeps_the_newest_edit_history_lines);
	ADD(invalid_utf8_is_refused_and_changes_nothing);
	ADD(control_characters_are_refused_and_change_nothing);
	ADD(text_past_edit_max_bytes_is_refused);
	ADD(set_replaces_the_text_and_puts_the_cursor_at_the_end);
	ADD(a_base_typed_before_a_lone_mark_joins_it_and_the_cursor_stays_on_a_boundary);
	ADD(the_word_before_the_cursor_is_found_at_the_start_middle_and_end);
	ADD(replacing_the_word_completes_it_at_the_start_middle_and_end);
	ADD_LOOP(view_keeps_the_cursor_visible_in_a_long_line_with_wide_characters, 1, 21);
#undef ADD
#undef ADD_LOOP
	return s;
}
