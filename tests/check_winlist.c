/* SPDX-License-Identifier: MIT */
/* Window bookkeeping: the status window is always first and stays open,
 * numbering and the current window survive closes, activity never marks the
 * current window, scrollback is bounded, read marks only move forward. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "winlist.h"

static const char *fp_of(int i)
{
	static char fp[8][NATTER_FP_LEN + 1];
	snprintf(fp[i % 8], sizeof fp[0], "%064d", i);
	return fp[i % 8];
}

static struct winlist_line *add_out(struct winlist_win *w, const char *id, uint64_t seq,
				    enum natter_state st)
{
	struct winlist_line *l = winlist_append(w, WINLIST_OUT, 0, "me", "x", 1);
	ck_assert_ptr_nonnull(l);
	snprintf(l->id, sizeof l->id, "%s", id);
	l->seq = seq;
	l->state = st;
	return l;
}

START_TEST(the_status_window_is_first_and_cannot_be_closed)
{
	struct winlist wl;
	ck_assert_int_eq(winlist_init(&wl, "status"), 0);
	ck_assert_uint_eq(wl.n, 1);
	ck_assert_uint_eq(wl.cur, 0);
	ck_assert_str_eq(wl.w[0]->fp, "");
	ck_assert_int_eq(winlist_close(&wl, 0), -1);
	ck_assert_int_eq(winlist_find(&wl, ""), -1);
	winlist_clear(&wl);
}
END_TEST

START_TEST(conversation_windows_are_numbered_in_opening_order_and_found_by_fp)
{
	struct winlist wl;
	winlist_init(&wl, "status");
	ck_assert_int_eq(winlist_add(&wl, fp_of(1), "bob"), 1);
	ck_assert_int_eq(winlist_add(&wl, fp_of(2), "carol"), 2);
	ck_assert_int_eq(winlist_find(&wl, fp_of(2)), 2);
	ck_assert_int_eq(winlist_find(&wl, fp_of(3)), -1);
	ck_assert_str_eq(wl.w[1]->name, "bob");
	winlist_clear(&wl);
}
END_TEST

START_TEST(closing_a_window_shifts_later_ones_and_keeps_the_current_one)
{
	struct winlist wl;
	winlist_init(&wl, "status");
	for (int i = 1; i <= 3; i++)
		winlist_add(&wl, fp_of(i), "w");
	winlist_select(&wl, 3);
	ck_assert_int_eq(winlist_close(&wl, 1), 0);
	ck_assert_uint_eq(wl.n, 3);
	ck_assert_uint_eq(wl.cur, 2);
	ck_assert_str_eq(wl.w[wl.cur]->fp, fp_of(3));
	/* Closing the current window makes the one before it current. */
	ck_assert_int_eq(winlist_close(&wl, 2), 0);
	ck_assert_uint_eq(wl.cur, 1);
	ck_assert_str_eq(wl.w[1]->fp, fp_of(2));
	ck_assert_int_eq(winlist_close(&wl, 5), -1);
	winlist_clear(&wl);
}
END_TEST

START_TEST(the_window_count_is_bounded)
{
	struct winlist wl;
	winlist_init(&wl, "status");
	char fp[NATTER_FP_LEN + 1];
	for (int i = 1; i < WINLIST_MAX; i++) {
		snprintf(fp, sizeof fp, "%064d", i);
		ck_assert_int_eq(winlist_add(&wl, fp, "w"), i);
	}
	ck_assert_int_eq(winlist_add(&wl, fp_of(0), "w"), -1);
	winlist_clear(&wl);
}
END_TEST

START_TEST(stepping_wraps_around_both_ways)
{
	struct winlist wl;
	winlist_init(&wl, "status");
	winlist_add(&wl, fp_of(1), "a");
	winlist_add(&wl, fp_of(2), "b");
	ck_assert_uint_eq(winlist_step(&wl, -1), 2);
	ck_assert_uint_eq(winlist_step(&wl, 1), 1);
	winlist_select(&wl, 2);
	ck_assert_uint_eq(winlist_step(&wl, 1), 0);
	winlist_clear(&wl);
}
END_TEST

START_TEST(activity_marks_other_windows_only_and_clears_on_select)
{
	struct winlist wl;
	winlist_init(&wl, "status");
	winlist_add(&wl, fp_of(1), "a");
	winlist_add(&wl, fp_of(2), "b");
	winlist_touch(&wl, wl.w[0], WINLIST_ACT_MSG);
	ck_assert_int_eq(wl.w[0]->act, WINLIST_ACT_NONE);
	winlist_touch(&wl, wl.w[1], WINLIST_ACT_STATUS);
	winlist_touch(&wl, wl.w[2], WINLIST_ACT_MSG);
	winlist_touch(&wl, wl.w[2], WINLIST_ACT_STATUS); /* never lowers */
	ck_assert_int_eq(wl.w[1]->act, WINLIST_ACT_STATUS);
	ck_assert_int_eq(wl.w[2]->act, WINLIST_ACT_MSG);
	/* Messages first, then status activity. */
	ck_assert_uint_eq(winlist_next_active(&wl), 2);
	winlist_select(&wl, 2);
	ck_assert_int_eq(wl.w[2]->act, WINLIST_ACT_NONE);
	ck_assert_uint_eq(winlist_next_active(&wl), 1);
	winlist_select(&wl, 1);
	ck_assert_uint_eq(winlist_next_active(&wl), 1);
	winlist_clear(&wl);
}
END_TEST

START_TEST(scrollback_keeps_the_newest_lines_within_the_line_limit)
{
	struct winlist wl;
	char text[32];
	winlist_init(&wl, "status");
	struct winlist_win *w = wl.w[0];
	for (int i = 0; i < WINLIST_LINES_MAX + 10; i++) {
		int n = snprintf(text, sizeof text, "line %d", i);
		ck_assert_ptr_nonnull(winlist_append(w, WINLIST_INFO, i, NULL, text, (size_t)n));
	}
	ck_assert_uint_eq(w->n, WINLIST_LINES_MAX);
	ck_assert_str_eq(winlist_line_at(w, 0)->text, "line 10");
	snprintf(text, sizeof text, "line %d", WINLIST_LINES_MAX + 9);
	ck_assert_str_eq(winlist_line_at(w, w->n - 1)->text, text);
	winlist_clear(&wl);
}
END_TEST

START_TEST(scrollback_stays_within_the_byte_limit)
{
	struct winlist wl;
	static char big[NATTER_TEXT_MAX];
	memset(big, 'x', sizeof big);
	winlist_init(&wl, "status");
	struct winlist_win *w = wl.w[0];
	for (size_t i = 0; i < 2 * WINLIST_BYTES_MAX / sizeof big; i++)
		ck_assert_ptr_nonnull(winlist_append(w, WINLIST_INFO, 0, NULL, big, sizeof big));
	ck_assert_uint_le(w->bytes, WINLIST_BYTES_MAX);
	ck_assert_uint_eq(w->bytes, w->n * sizeof big);
	winlist_drop_lines(w);
	ck_assert_uint_eq(w->n, 0);
	ck_assert_uint_eq(w->bytes, 0);
	winlist_clear(&wl);
}
END_TEST

START_TEST(lines_copy_nick_and_text_and_are_found_by_id)
{
	struct winlist wl;
	char nick[] = "bob", text[] = "hi\nthere";
	winlist_init(&wl, "status");
	struct winlist_win *w = wl.w[0];
	struct winlist_line *l = winlist_append(w, WINLIST_IN, 5, nick, text, strlen(text));
	snprintf(l->id, sizeof l->id, "%s", "00ff");
	nick[0] = text[0] = 'X';
	ck_assert_str_eq(l->nick, "bob");
	ck_assert_str_eq(l->text, "hi\nthere");
	ck_assert_ptr_eq(winlist_find_id(w, "00ff", 0), l);
	ck_assert_ptr_null(winlist_find_id(w, "00fe", 0));
	ck_assert_ptr_null(winlist_find_id(w, "", 0));
	for (int i = 0; i < 10; i++)
		winlist_append(w, WINLIST_INFO, 0, NULL, "x", 1);
	ck_assert_ptr_null(winlist_find_id(w, "00ff", 5)); /* beyond the depth */
	ck_assert_ptr_eq(winlist_find_id(w, "00ff", 11), l);
	winlist_clear(&wl);
}
END_TEST

START_TEST(a_read_receipt_marks_that_message_and_earlier_sent_ones_read)
{
	struct winlist wl;
	winlist_init(&wl, "status");
	winlist_add(&wl, fp_of(1), "bob");
	struct winlist_win *w = wl.w[1];
	struct winlist_line *a = add_out(w, "a", 1, NATTER_DELIVERED);
	struct winlist_line *b = add_out(w, "b", 2, NATTER_SENT);
	struct winlist_line *c = add_out(w, "c", 3, NATTER_DELIVERED);
	struct winlist_line *d = add_out(w, "d", 4, NATTER_DELIVERED);
	struct winlist_line *q = add_out(w, "q", 0, NATTER_QUEUED);
	ck_assert_uint_eq(winlist_mark_read(w, "c", 3), 3);
	ck_assert_int_eq(a->state, NATTER_READ);
	ck_assert_int_eq(b->state, NATTER_READ);
	ck_assert_int_eq(c->state, NATTER_READ);
	ck_assert_int_eq(d->state, NATTER_DELIVERED);
	ck_assert_int_eq(q->state, NATTER_QUEUED);
	ck_assert_uint_eq(winlist_mark_read(w, "c", 3), 0);
	winlist_clear(&wl);
}
END_TEST

Suite *winlist_suite(void);
Suite *winlist_suite(void)
{
	Suite *s = suite_create("winlist");
#define ADD(t)                                                                                     \
	do {                                                                                       \
		TCase *tc_ = tcase_create(#t);                                                     \
		tcase_add_test(tc_, t);                                                            \
		suite_add_tcase(s, tc_);                                                           \
	} while (0)
	ADD(the_status_window_is_first_and_cannot_be_closed);
	ADD(conversation_windows_are_numbered_in_opening_order_and_found_by_fp);
	ADD(closing_a_window_shifts_later_ones_and_keeps_the_current_one);
	ADD(the_window_count_is_bounded);
	ADD(stepping_wraps_around_both_ways);
	ADD(activity_marks_other_windows_only_and_clears_on_select);
	ADD(scrollback_keeps_the_newest_lines_within_the_line_limit);
	ADD(scrollback_stays_within_the_byte_limit);
	ADD(lines_copy_nick_and_text_and_are_found_by_id);
	ADD(a_read_receipt_marks_that_message_and_earlier_sent_ones_read);
#undef ADD
	return s;
}
