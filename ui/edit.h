/* SPDX-License-Identifier: MIT */
/* The input line editor: UTF-8 text, a cursor that moves by character
 * (a code point with the combining marks after it), display widths from
 * wcwidth (wide CJK and emoji count 2), kill keys and an input history.
 * Pure: no ncurses; the caller maps keys and draws. Needs an UTF-8 LC_CTYPE. */
#ifndef NATTER_EDIT_H
#define NATTER_EDIT_H

#include <stddef.h>

#define EDIT_MAX 65536 /* bytes of text in the line */
#define EDIT_HISTORY 100

enum edit_key {
	EDIT_LEFT,
	EDIT_RIGHT,
	EDIT_HOME,	/* Home, Ctrl-A */
	EDIT_END,	/* End, Ctrl-E */
	EDIT_BACKSPACE, /* the character before the cursor */
	EDIT_DELETE,	/* the character under the cursor */
	EDIT_KILL_END,	/* Ctrl-K: cursor to end */
	EDIT_KILL_START, /* Ctrl-U: start to cursor */
	EDIT_KILL_WORD, /* Ctrl-W: the word before the cursor and the spaces after it */
	EDIT_UP,	/* previous history entry */
	EDIT_DOWN,	/* next history entry, then back to the line being edited */
};

struct edit {
	char *buf; /* EDIT_MAX + 1 bytes, NUL-terminated */
	size_t len;
	size_t cur; /* byte offset of the cursor, always on a character boundary */
	char *hist[EDIT_HISTORY];
	size_t n_hist;
	size_t hist_pos; /* == n_hist when not browsing */
	char *saved;	 /* the line being edited while browsing history */
};

/* 0, or -1 when out of memory. edit_clear frees everything. */
int edit_init(struct edit *e);
void edit_clear(struct edit *e);
/* Insert UTF-8 text at the cursor. Invalid UTF-8 and control characters are
 * refused (-1, nothing inserted); so is text that would pass EDIT_MAX. */
int edit_insert(struct edit *e, const char *s, size_t len);
void edit_key(struct edit *e, enum edit_key k);
/* The current text (NUL-terminated) and its length. */
const char *edit_text(const struct edit *e, size_t *len);
/* Enter: put a non-empty line into the history (not twice in a row) and
 * empty the editor. */
void edit_submit(struct edit *e);
/* Replace the whole text (cursor at the end). */
int edit_set(struct edit *e, const char *s, size_t len);
/* The word before the cursor (back to a space or the start): its byte offset
 * and length, for Tab completion; edit_replace_word swaps it for s. */
void edit_word(const struct edit *e, size_t *off, size_t *len);
int edit_replace_word(struct edit *e, const char *s, size_t len);
/* What to draw in width columns: the byte offset to start drawing from so
 * that the cursor is visible, and the cursor's column relative to it. */
void edit_view(const struct edit *e, size_t width, size_t *start, size_t *col);

#endif
