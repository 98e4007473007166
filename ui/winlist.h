/* SPDX-License-Identifier: MIT */
/* The client's windows: window 1 for status, one per conversation, each with
 * a bounded scrollback of sanitised lines, an activity level and a scroll
 * position. Pure bookkeeping: no ncurses, no core calls. */
#ifndef NATTER_WINLIST_H
#define NATTER_WINLIST_H

#include <stddef.h>
#include <stdint.h>

#include "natter.h"

#define WINLIST_MAX	  64	     /* windows, the status window included */
#define WINLIST_LINES_MAX 5000	     /* scrollback lines per window */
#define WINLIST_BYTES_MAX (8u << 20) /* scrollback text per window */
#define WINLIST_NAME_MAX  128	     /* bytes of a window name, NUL included */

enum winlist_kind {
	WINLIST_INFO,  /* our own note: joins, command output */
	WINLIST_ERROR, /* our own error */
	WINLIST_IN,    /* a message from the peer */
	WINLIST_OUT,   /* a message of ours */
};

enum winlist_activity {
	WINLIST_ACT_NONE,
	WINLIST_ACT_STATUS, /* new status lines */
	WINLIST_ACT_MSG,    /* a new message for us: highlighted */
};

/* One line of scrollback; nick and text point into the same allocation and
 * are already safe to draw. */
struct winlist_line {
	enum winlist_kind kind;
	int64_t ts_ms;
	char id[NATTER_ID_LEN + 1]; /* "" for INFO and ERROR */
	uint64_t seq;		    /* 0 when not known yet */
	enum natter_state state;
	int colour; /* the nick's palette entry + 1, 0 for none */
	const char *nick;
	const char *text;
	size_t text_len;
};

struct winlist_win {
	char fp[NATTER_FP_LEN + 1]; /* "" for the status window */
	char name[WINLIST_NAME_MAX];
	struct winlist_line **ring; /* WINLIST_LINES_MAX slots */
	size_t head, n;		    /* oldest line, count */
	size_t bytes;
	size_t scroll; /* rows scrolled back from the newest */
	enum winlist_activity act;
	uint64_t last_in_seq; /* highest seq of a message from the peer shown here */
	uint64_t read_seq;    /* highest seq reported read */
	int64_t typing_until; /* wall-clock ms; 0 when the peer is not typing */
	struct natter_peer peer;
	int have_peer;
};

struct winlist {
	struct winlist_win *w[WINLIST_MAX];
	size_t n;
	size_t cur; /* index of the current window; window number = index + 1 */
};

/* Create the list with its status window (named name). 0 or -1 (no memory).
 * winlist_clear frees every window. */
int winlist_init(struct winlist *wl, const char *name);
void winlist_clear(struct winlist *wl);
/* The conversation window for fp, or -1 when there is none. */
int winlist_find(const struct winlist *wl, const char *fp);
/* Add a conversation window for fp named name at the end; its index, or -1
 * when WINLIST_MAX are open or memory is short. fp must not have one yet. */
int winlist_add(struct winlist *wl, const char *fp, const char *name);
/* Close window i (not the status window, i >= 1); the windows after it move
 * down one; the current window stays current, or the one before it when it
 * was i. 0, or -1 for a bad index. */
int winlist_close(struct winlist *wl, size_t i);
/* Make window i current and clear its activity. 0, or -1 for a bad index. */
int winlist_select(struct winlist *wl, size_t i);
/* The window dir (+1 or -1) steps from the current one, wrapping around. */
size_t winlist_step(const struct winlist *wl, int dir);
/* The next window after the current one with activity, messages first; the
 * current index when none has any. */
size_t winlist_next_active(const struct winlist *wl);
/* Raise window w's activity to act unless it is the current window. */
void winlist_touch(struct winlist *wl, struct winlist_win *w, enum winlist_activity act);

/* Append a line to w, copying nick (may be NULL) and text (text_len bytes),
 * dropping the oldest lines to stay within WINLIST_LINES_MAX and
 * WINLIST_BYTES_MAX. The new line (owned by w), or NULL when out of memory. */
struct winlist_line *winlist_append(struct winlist_win *w, enum winlist_kind kind, int64_t ts_ms,
				    const char *nick, const char *text, size_t text_len);
/* Line i of w, 0 the oldest, i < w->n. */
struct winlist_line *winlist_line_at(const struct winlist_win *w, size_t i);
/* The newest line with message id among the last depth lines (0: all), or NULL. */
struct winlist_line *winlist_find_id(const struct winlist_win *w, const char *id, size_t depth);
/* Record that our messages in w up to seq were read: the line with id and
 * every sent or delivered line of ours with a known seq below seq. Returns
 * how many lines changed. */
size_t winlist_mark_read(struct winlist_win *w, const char *id, uint64_t seq);
/* Drop every line of w. */
void winlist_drop_lines(struct winlist_win *w);

#endif
