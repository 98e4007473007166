/* SPDX-License-Identifier: MIT */
/* Tab completion: the first match for the typed word, the next ones on each
 * further Tab, around to the first again; a changed word starts over. */
#include <check.h>
#include <string.h>

#include "complete.h"

static const char *const cands[] = {"/alias", "/away", "/back", "/msg", "/me", "/quit"};
#define N (sizeof cands / sizeof cands[0])

START_TEST(the_first_matching_candidate_replaces_the_word)
{
	struct complete c;
	complete_init(&c);
	ck_assert_str_eq(complete_next(&c, "/ms", 3, cands, N), "/msg");
	complete_reset(&c);
	ck_assert_str_eq(complete_next(&c, "/Q", 2, cands, N), "/quit"); /* no case */
	complete_reset(&c);
}
END_TEST

START_TEST(tab_again_cycles_through_the_matches_and_wraps)
{
	struct complete c;
	complete_init(&c);
	const char *a = complete_next(&c, "/a", 2, cands, N);
	ck_assert_str_eq(a, "/alias");
	const char *b = complete_next(&c, a, strlen(a), cands, N);
	ck_assert_str_eq(b, "/away");
	ck_assert_str_eq(complete_next(&c, b, strlen(b), cands, N), "/alias");
	complete_reset(&c);
}
END_TEST

START_TEST(a_word_that_changed_since_the_last_tab_starts_over)
{
	struct complete c;
	complete_init(&c);
	ck_assert_str_eq(complete_next(&c, "/a", 2, cands, N), "/alias");
	ck_assert_str_eq(complete_next(&c, "/m", 2, cands, N), "/msg");
	ck_assert_str_eq(complete_next(&c, "/msg", 4, cands, N), "/me");
	complete_reset(&c);
}
END_TEST

START_TEST(no_match_gives_null_and_an_empty_list_too)
{
	struct complete c;
	complete_init(&c);
	ck_assert_ptr_null(complete_next(&c, "/zz", 3, cands, N));
	ck_assert_ptr_null(complete_next(&c, "x", 1, cands, 0));
	complete_reset(&c);
	complete_reset(&c); /* twice is fine */
}
END_TEST

START_TEST(an_empty_word_offers_every_candidate_in_turn)
{
	struct complete c;
	complete_init(&c);
	const char *w = complete_next(&c, "", 0, cands, N);
	for (size_t i = 0; i < N; i++) {
		ck_assert_str_eq(w, cands[i]);
		w = complete_next(&c, w, strlen(w), cands, N);
	}
	ck_assert_str_eq(w, cands[0]);
	complete_reset(&c);
}
END_TEST

Suite *complete_suite(void);
Suite *complete_suite(void)
{
	Suite *s = suite_create("complete");
#define ADD(t)                                                                                     \
	do {                                                                                       \
		TCase *tc_ = tcase_create(#t);                                                     \
		tcase_add_test(tc_, t);                                                            \
		suite_add_tcase(s, tc_);                                                           \
	} while (0)
	ADD(the_first_matching_candidate_replaces_the_word);
	ADD(tab_again_cycles_through_the_matches_and_wraps);
	ADD(a_word_that_changed_since_the_last_tab_starts_over);
	ADD(no_match_gives_null_and_an_empty_list_too);
	ADD(an_empty_word_offers_every_candidate_in_turn);
#undef ADD
	return s;
}
