/* SPDX-License-Identifier: MIT */
/* Tab completion: the word before the cursor against a list of candidates
 * (command names or peer names), cycling through the matches on each Tab.
 * Pure; the caller builds the candidate list and edits the line. */
#ifndef NATTER_COMPLETE_H
#define NATTER_COMPLETE_H

#include <stddef.h>

struct complete {
	char *prefix; /* the word as typed before the first Tab; NULL when idle */
	char *last;   /* the candidate put in its place last */
	size_t next;  /* where the search for the next match starts */
};

void complete_init(struct complete *c);
/* Forget the cycle (any key but Tab); frees what it holds. */
void complete_reset(struct complete *c);
/* The candidate to put in place of word (wlen bytes): the next of cands[0..n)
 * after the last one offered that starts with the prefix (ASCII letters
 * compared without case) when word is what the last Tab inserted, else the
 * first that starts with word. NULL when none matches or memory is short.
 * The pointer is one of cands. */
const char *complete_next(struct complete *c, const char *word, size_t wlen,
			  const char *const *cands, size_t n);

#endif
