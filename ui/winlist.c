/* SPDX-License-Identifier: MIT */
/* The client's windows and their scrollback: a ring of lines per window,
 * each line one allocation, bounded in count and in bytes. */
#include "winlist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct winlist_win *winlist_win_new(const char *fp, const char *name)
{
	struct winlist_win *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	w->ring = calloc(WINLIST_LINES_MAX, sizeof *w->ring);
	if (!w->ring) {
		free(w);
		return NULL;
	}
	snprintf(w->fp, sizeof w->fp, "%s", fp);
	snprintf(w->name, sizeof w->name, "%s", name);
	return w;
}

static void winlist_win_free(struct winlist_win *w)
{
	if (!w)
		return;
	winlist_drop_lines(w);
	free(w->ring);
	free(w);
}

int winlist_init(struct winlist *wl, const char *name)
{
	memset(wl, 0, sizeof *wl);
	wl->w[0] = winlist_win_new("", name);
	if (!wl->w[0])
		return -1;
	wl->n = 1;
	return 0;
}

void winlist_clear(struct winlist *wl)
{
	for (size_t i = 0; i < wl->n; i++)
		winlist_win_free(wl->w[i]);
	memset(wl, 0, sizeof *wl);
}

int winlist_find(const struct winlist *wl, const char *fp)
{
	if (!fp[0])
		return -1;
	for (size_t i = 1; i < wl->n; i++)
		if (strcmp(wl->w[i]->fp, fp) == 0)
			return (int)i;
	return -1;
}

int winlist_add(struct winlist *wl, const char *fp, const char *name)
{
	if (wl->n == WINLIST_MAX || !fp[0])
		return -1;
	struct winlist_win *w = winlist_win_new(fp, name);
	if (!w)
		return -1;
	wl->w[wl->n] = w;
	return (int)wl->n++;
}

int winlist_close(struct winlist *wl, size_t i)
{
	if (i == 0 || i >= wl->n)
		return -1;
	winlist_win_free(wl->w[i]);
	memmove(&wl->w[i], &wl->w[i + 1], (wl->n - i - 1) * sizeof wl->w[0]);
	wl->n--;
	wl->w[wl->n] = NULL;
	if (wl->cur >= i)
		wl->cur--;
	wl->w[wl->cur]->act = WINLIST_ACT_NONE;
	return 0;
}

int winlist_select(struct winlist *wl, size_t i)
{
	if (i >= wl->n)
		return -1;
	wl->cur = i;
	wl->w[i]->act = WINLIST_ACT_NONE;
	return 0;
}

size_t winlist_step(const struct winlist *wl, int dir)
{
	return (wl->cur + wl->n + (dir < 0 ? wl->n - 1 : 1)) % wl->n;
}

size_t winlist_next_active(const struct winlist *wl)
{
	for (int want = WINLIST_ACT_MSG; want >= WINLIST_ACT_STATUS; want--)
		for (size_t k = 1; k < wl->n; k++) {
			size_t i = (wl->cur + k) % wl->n;
			if ((int)wl->w[i]->act == want)
				return i;
		}
	return wl->cur;
}

void winlist_touch(struct winlist *wl, struct winlist_win *w, enum winlist_activity act)
{
	if (w == wl->w[wl->cur])
		return;
	if (act > w->act)
		w->act = act;
}

static void winlist_drop_oldest(struct winlist_win *w)
{
	struct winlist_line *l = w->ring[w->head];
	w->bytes -= l->text_len;
	free(l);
	w->ring[w->head] = NULL;
	w->head = (w->head + 1) % WINLIST_LINES_MAX;
	w->n--;
}

struct winlist_line *winlist_append(struct winlist_win *w, enum winlist_kind kind, int64_t ts_ms,
				    const char *nick, const char *text, size_t text_len)
{
	size_t nick_len = nick ? strlen(nick) : 0;
	if (text_len > WINLIST_BYTES_MAX)
		return NULL;
	struct winlist_line *l = malloc(sizeof *l + nick_len + 1 + text_len + 1);
	if (!l)
		return NULL;
	memset(l, 0, sizeof *l);
	char *p = (char *)(l + 1);
	memcpy(p, nick ? nick : "", nick_len + 1);
	l->nick = p;
	p += nick_len + 1;
	memcpy(p, text, text_len);
	p[text_len] = '\0';
	l->text = p;
	l->text_len = text_len;
	l->kind = kind;
	l->ts_ms = ts_ms;
	l->state = kind == WINLIST_OUT ? NATTER_QUEUED : NATTER_RECEIVED;
	while (w->n > 0 && (w->n == WINLIST_LINES_MAX || w->bytes + text_len > WINLIST_BYTES_MAX))
		winlist_drop_oldest(w);
	w->ring[(w->head + w->n) % WINLIST_LINES_MAX] = l;
	w->n++;
	w->bytes += text_len;
	return l;
}

struct winlist_line *winlist_line_at(const struct winlist_win *w, size_t i)
{
	return w->ring[(w->head + i) % WINLIST_LINES_MAX];
}

struct winlist_line *winlist_find_id(const struct winlist_win *w, const char *id, size_t depth)
{
	size_t k = depth && depth < w->n ? depth : w->n;
	if (!id[0])
		return NULL;
	for (size_t i = w->n; k > 0; k--) {
		struct winlist_line *l = winlist_line_at(w, --i);
		if (l->id[0] == id[0] && strcmp(l->id, id) == 0)
			return l;
	}
	return NULL;
}

size_t winlist_mark_read(struct winlist_win *w, const char *id, uint64_t seq)
{
	size_t changed = 0;
	for (size_t i = w->n; i > 0;) {
		struct winlist_line *l = winlist_line_at(w, --i);
		if (l->kind != WINLIST_OUT)
			continue;
		int exact = id[0] && strcmp(l->id, id) == 0;
		int below = l->seq != 0 && l->seq < seq &&
			    (l->state == NATTER_SENT || l->state == NATTER_DELIVERED);
		if (exact && l->state != NATTER_READ) {
			l->state = NATTER_READ;
			changed++;
		} else if (below) {
			l->state = NATTER_READ;
			changed++;
		} else if (l->seq != 0 && l->seq < seq && l->state == NATTER_READ && !exact) {
			break; /* everything before it was read already */
		}
	}
	return changed;
}

void winlist_drop_lines(struct winlist_win *w)
{
	while (w->n > 0)
		winlist_drop_oldest(w);
	w->head = 0;
	w->bytes = 0;
	w->scroll = 0;
}
