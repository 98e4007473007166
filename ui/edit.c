/* SPDX-License-Identifier: MIT */
/* The input line editor. The buffer always holds valid UTF-8 without control
 * characters (every way in checks), so moving back by code point is safe. */
#include "edit.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf8dec.h"

int edit_init(struct edit *e)
{
	char *buf = malloc(EDIT_MAX + 1);
	if (buf == NULL)
		return -1;
	buf[0] = '\0';
	memset(e, 0, sizeof(*e));
	e->buf = buf;
	return 0;
}

void edit_clear(struct edit *e)
{
	free(e->buf);
	for (size_t i = 0; i < e->n_hist; i++)
		free(e->hist[i]);
	free(e->saved);
	memset(e, 0, sizeof(*e));
}

/* 0 when s[0..len) is valid UTF-8 without controls, else -1. */
static int edit_check_text(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = utf8dec_decode(s + i, len - i, &cp);
		if (n == 0 || utf8dec_is_control(cp))
			return -1;
		i += n;
	}
	return 0;
}

/* The end of the character at off (off < e->len). */
static size_t edit_next(const struct edit *e, size_t off)
{
	size_t cols;
	return off + utf8dec_char(e->buf + off, e->len - off, &cols);
}

/* The start of the character before off (off > 0): back over marks to the
 * code point they join, which is where the forward scan starts a character. */
static size_t edit_prev(const struct edit *e, size_t off)
{
	size_t p = off;
	for (;;) {
		do
			p--;
		while (p > 0 && ((unsigned char)e->buf[p] & 0xc0) == 0x80);
		uint32_t cp = 0;
		(void)utf8dec_decode(e->buf + p, e->len - p, &cp);
		if (p == 0 || !utf8dec_is_mark(cp))
			return p;
	}
}

/* Replace buf[off..off+del) with s[0..len) and put the cursor after it;
 * the caller has checked s and that the result fits. */
static void edit_splice(struct edit *e, size_t off, size_t del, const char *s, size_t len)
{
	memmove(e->buf + off + len, e->buf + off + del, e->len - off - del);
	memcpy(e->buf + off, s, len);
	e->len = e->len - del + len;
	e->buf[e->len] = '\0';
	e->cur = off + len;
	/* Marks that followed the old text now join the new text's last
	 * character; keep the cursor on a character boundary after them. */
	uint32_t cp;
	size_t n;
	while (e->cur > 0 && (n = utf8dec_decode(e->buf + e->cur, e->len - e->cur, &cp)) != 0 &&
	       utf8dec_is_mark(cp))
		e->cur += n;
}

/* Replace buf[off..off+del) with s[0..len) if s is acceptable and fits. */
static int edit_replace(struct edit *e, size_t off, size_t del, const char *s, size_t len)
{
	if (len > EDIT_MAX - (e->len - del) || edit_check_text(s, len) != 0)
		return -1;
	edit_splice(e, off, del, s, len);
	return 0;
}

int edit_insert(struct edit *e, const char *s, size_t len)
{
	return edit_replace(e, e->cur, 0, s, len);
}

int edit_set(struct edit *e, const char *s, size_t len)
{
	return edit_replace(e, 0, e->len, s, len);
}

const char *edit_text(const struct edit *e, size_t *len)
{
	*len = e->len;
	return e->buf;
}

/* Show a history entry or the saved line; both came out of the buffer, so
 * they are valid and fit. */
static void edit_show(struct edit *e, const char *s)
{
	edit_splice(e, 0, e->len, s, strlen(s));
	e->cur = e->len;
}

static void edit_history_up(struct edit *e)
{
	if (e->hist_pos == 0)
		return;
	if (e->hist_pos == e->n_hist) {
		free(e->saved);
		e->saved = strdup(e->buf);
		if (e->saved == NULL)
			return;
	}
	e->hist_pos--;
	edit_show(e, e->hist[e->hist_pos]);
}

static void edit_history_down(struct edit *e)
{
	if (e->hist_pos >= e->n_hist)
		return;
	e->hist_pos++;
	if (e->hist_pos < e->n_hist) {
		edit_show(e, e->hist[e->hist_pos]);
		return;
	}
	edit_show(e, e->saved != NULL ? e->saved : "");
	free(e->saved);
	e->saved = NULL;
}

/* 1 when the character before off (off > 0) is a lone space. A space with
 * a mark on it is a different character and counts as part of a word. */
static int edit_space_before(const struct edit *e, size_t off)
{
	return e->buf[off - 1] == ' ';
}

/* The start of the word before off: back to a space or the start. */
static size_t edit_word_start(const struct edit *e, size_t off)
{
	while (off > 0 && !edit_space_before(e, off))
		off = edit_prev(e, off);
	return off;
}

/* Ctrl-W: back over the spaces before the cursor, then over the word. */
static void edit_kill_word(struct edit *e)
{
	size_t p = e->cur;
	while (p > 0 && edit_space_before(e, p))
		p--;
	p = edit_word_start(e, p);
	edit_splice(e, p, e->cur - p, "", 0);
}

void edit_key(struct edit *e, enum edit_key k)
{
	switch (k) {
	case EDIT_LEFT:
		if (e->cur > 0)
			e->cur = edit_prev(e, e->cur);
		break;
	case EDIT_RIGHT:
		if (e->cur < e->len)
			e->cur = edit_next(e, e->cur);
		break;
	case EDIT_HOME: e->cur = 0; break;
	case EDIT_END: e->cur = e->len; break;
	case EDIT_BACKSPACE:
		if (e->cur > 0) {
			size_t p = edit_prev(e, e->cur);
			edit_splice(e, p, e->cur - p, "", 0);
		}
		break;
	case EDIT_DELETE:
		if (e->cur < e->len) {
			size_t p = e->cur;
			edit_splice(e, p, edit_next(e, p) - p, "", 0);
			e->cur = p;
		}
		break;
	case EDIT_KILL_END:
		e->len = e->cur;
		e->buf[e->len] = '\0';
		break;
	case EDIT_KILL_START: edit_splice(e, 0, e->cur, "", 0); break;
	case EDIT_KILL_WORD: edit_kill_word(e); break;
	case EDIT_UP: edit_history_up(e); break;
	case EDIT_DOWN: edit_history_down(e); break;
	}
}

void edit_submit(struct edit *e)
{
	if (e->len > 0 && (e->n_hist == 0 || strcmp(e->hist[e->n_hist - 1], e->buf) != 0)) {
		char *line = strdup(e->buf);
		if (line != NULL) {
			if (e->n_hist == EDIT_HISTORY) {
				free(e->hist[0]);
				memmove(e->hist, e->hist + 1,
					(EDIT_HISTORY - 1) * sizeof(e->hist[0]));
				e->n_hist--;
			}
			e->hist[e->n_hist++] = line;
		}
	}
	e->len = 0;
	e->cur = 0;
	e->buf[0] = '\0';
	e->hist_pos = e->n_hist;
	free(e->saved);
	e->saved = NULL;
}

void edit_word(const struct edit *e, size_t *off, size_t *len)
{
	size_t p = edit_word_start(e, e->cur);
	*off = p;
	*len = e->cur - p;
}

int edit_replace_word(struct edit *e, const char *s, size_t len)
{
	size_t off, n;
	edit_word(e, &off, &n);
	return edit_replace(e, off, n, s, len);
}

void edit_view(const struct edit *e, size_t width, size_t *start, size_t *col)
{
	/* The cursor's cell plus the character under it must fit: the
	 * cursor's column is width - cell at most. */
	size_t cell = 1;
	if (e->cur < e->len) {
		(void)utf8dec_char(e->buf + e->cur, e->len - e->cur, &cell);
		if (cell == 0)
			cell = 1;
	}
	size_t s = 0, w = 0, cols;
	for (size_t i = 0; i < e->cur; w += cols)
		i += utf8dec_char(e->buf + i, e->len - i, &cols);
	/* Scroll as little as needed: drop whole characters from the left
	 * until the text before the cursor leaves room for its cell. */
	while (s < e->cur && w + cell > width) {
		s += utf8dec_char(e->buf + s, e->len - s, &cols);
		w -= cols;
	}
	*start = s;
	*col = w;
}
