/* SPDX-License-Identifier: MIT */
/* The screen. Each part has its own ncurses window and is drawn again only
 * when marked dirty; wnoutrefresh then one doupdate, so ncurses sends only
 * the cells that changed. Text is laid out with wrap.h and drawn as UTF-8. */
#include "draw.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "fmt.h"
#include "palette.h"
#include "ui.h"
#include "wrap.h"

#define DRAW_TIME_COLS 6 /* "HH:MM " */
#define DRAW_MARK_COLS 3 /* " " and a mark of at most two columns */

enum {
	DRAW_PAIR_BAR = 1,
	DRAW_PAIR_BAR_HI,
	DRAW_PAIR_ERROR,
	DRAW_PAIR_INFO,
	DRAW_PAIR_MARK,
	DRAW_PAIR_NICK, /* the nick palette from here on */
};

struct draw {
	WINDOW *title, *msgs, *status, *input;
	int rows, cols;
	int small; /* below DRAW_MIN_COLS x DRAW_MIN_ROWS: only a notice */
	int colour;
	struct wrap_line *wl; /* the rows of the line being drawn */
	size_t wl_cap;
};

/* How one scrollback line sits in the message area. */
struct draw_lay {
	const char *body; /* the text to wrap (after "/me " for actions) */
	size_t body_len;
	size_t nick_len; /* bytes of the nick that fit */
	size_t indent;	 /* column where the text starts, on every row */
	size_t n_wl;	 /* rows wrapped into d->wl */
	size_t rows;	 /* >= 1 */
	int action;
};

static attr_t draw_attr_bar(const struct draw *d)
{
	return d->colour ? COLOR_PAIR(DRAW_PAIR_BAR) : A_REVERSE;
}

static attr_t draw_attr_hi(const struct draw *d)
{
	return d->colour ? COLOR_PAIR(DRAW_PAIR_BAR_HI) | A_BOLD : A_REVERSE | A_BOLD | A_UNDERLINE;
}

static attr_t draw_attr_error(const struct draw *d)
{
	return d->colour ? COLOR_PAIR(DRAW_PAIR_ERROR) : A_BOLD;
}

static attr_t draw_attr_info(const struct draw *d)
{
	return d->colour ? COLOR_PAIR(DRAW_PAIR_INFO) : A_BOLD;
}

static attr_t draw_attr_mark(const struct draw *d)
{
	return d->colour ? COLOR_PAIR(DRAW_PAIR_MARK) : A_NORMAL;
}

static attr_t draw_attr_nick(const struct draw *d, const struct winlist_line *l)
{
	if (l->kind == WINLIST_OUT || !d->colour || l->colour <= 0)
		return A_BOLD;
	return COLOR_PAIR(DRAW_PAIR_NICK + l->colour - 1);
}

/* Draw UTF-8 text at the cursor. Characters a terminal would not show in one
 * predictable cell (wcwidth < 0, invalid bytes) become one replacement cell;
 * without a UTF-8 terminal every non-ASCII character becomes '?'s of its
 * width, so the layout computed with wcwidth still holds. */
static void draw_text(const struct ui *ui, WINDOW *win, const char *s, size_t len)
{
	mbstate_t st;
	size_t run = 0, off = 0;
	memset(&st, 0, sizeof st);
	while (off < len) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s + off, len - off, &st);
		int width = 1, bad = 1;
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&st, 0, sizeof st);
			n = 1;
		} else if ((width = wcwidth(wc)) < 0) {
			width = 1;
		} else {
			bad = !ui->utf8 && wc >= 0x80;
		}
		if (bad) {
			if (off > run)
				waddnstr(win, s + run, (int)(off - run));
			if (ui->utf8)
				waddstr(win, "\xef\xbf\xbd");
			else
				for (int k = 0; k < width; k++)
					waddch(win, '?');
			run = off + n;
		}
		off += n;
	}
	if (len > run)
		waddnstr(win, s + run, (int)(len - run));
}

/* Draw s[0..len) at the cursor with attr, cut to the columns left. In the
 * one-row bars the last column stays blank: the cursor cannot move past it,
 * so text drawn after filling it would overwrite it. */
static void draw_putn(const struct ui *ui, WINDOW *win, const char *s, size_t len, attr_t attr)
{
	int room = getmaxx(win) - getcurx(win) - (getmaxy(win) == 1);
	if (room <= 0)
		return;
	size_t n = fmt_fit(s, len, (size_t)room, NULL);
	wattron(win, attr);
	draw_text(ui, win, s, n);
	wattroff(win, attr);
}

static void draw_put(const struct ui *ui, WINDOW *win, const char *s, attr_t attr)
{
	draw_putn(ui, win, s, strlen(s), attr);
}

/* ---- layout ---- */

static void draw_windows_free(struct draw *d)
{
	WINDOW **ws[] = {&d->title, &d->msgs, &d->status, &d->input};
	for (size_t i = 0; i < 4; i++) {
		if (*ws[i])
			delwin(*ws[i]);
		*ws[i] = NULL;
	}
}

static void draw_layout(struct draw *d)
{
	draw_windows_free(d);
	d->rows = LINES;
	d->cols = COLS;
	d->small = d->rows < DRAW_MIN_ROWS || d->cols < DRAW_MIN_COLS;
	if (d->small)
		return;
	d->title = newwin(1, d->cols, 0, 0);
	d->msgs = newwin(d->rows - 3, d->cols, 1, 0);
	d->status = newwin(1, d->cols, d->rows - 2, 0);
	d->input = newwin(1, d->cols, d->rows - 1, 0);
	if (!d->title || !d->msgs || !d->status || !d->input) {
		draw_windows_free(d);
		d->small = 1;
		return;
	}
	wbkgd(d->title, ' ' | draw_attr_bar(d));
	wbkgd(d->status, ' ' | draw_attr_bar(d));
	leaveok(d->title, TRUE);
	leaveok(d->msgs, TRUE);
	leaveok(d->status, TRUE);
	leaveok(d->input, FALSE);
}

/* natter.conf's colour, else own; the terminal's default only where it has one. */
static short draw_pick(int want, short own, int have_default)
{
	if (want == NATTER_COLOR_OWN || want >= COLORS || (want < 0 && !have_default))
		return own;
	return (short)want;
}

static void draw_pair(struct ui *ui, short pair, enum natter_element el, short fg, short bg,
		      int have_default)
{
	int want_fg, want_bg;
	natter_conf_element(ui->nt, el, &want_fg, &want_bg);
	init_pair(pair, draw_pick(want_fg, fg, have_default), draw_pick(want_bg, bg, have_default));
}

static int draw_colours(struct ui *ui)
{
	enum natter_color want = natter_conf_color(ui->nt);
	if (want == NATTER_COLOR_NEVER || (want == NATTER_COLOR_AUTO && getenv("NO_COLOR")) ||
	    !has_colors() || start_color() != OK)
		return 0;
	int n = COLORS >= 256 ? 256 : COLORS >= 8 ? 8 : 0;
	size_t np = palette_size(n);
	if (!n || (size_t)COLOR_PAIRS <= DRAW_PAIR_NICK + np)
		return 0;
	int have_default = use_default_colors() == OK;
	short bg = have_default ? -1 : COLOR_BLACK;
	draw_pair(ui, DRAW_PAIR_BAR, NATTER_EL_BAR, COLOR_WHITE, COLOR_BLUE, have_default);
	draw_pair(ui, DRAW_PAIR_BAR_HI, NATTER_EL_ACTIVITY, COLOR_YELLOW, COLOR_BLUE, have_default);
	draw_pair(ui, DRAW_PAIR_ERROR, NATTER_EL_ERROR, COLOR_RED, bg, have_default);
	draw_pair(ui, DRAW_PAIR_INFO, NATTER_EL_INFO, COLOR_CYAN, bg, have_default);
	draw_pair(ui, DRAW_PAIR_MARK, NATTER_EL_MARK, COLOR_GREEN, bg, have_default);
	for (size_t i = 0; i < np; i++)
		init_pair((short)(DRAW_PAIR_NICK + i), (short)palette_colour(i, n), bg);
	return n;
}

struct draw *draw_new(struct ui *ui)
{
	struct draw *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->wl_cap = 256;
	d->wl = malloc(d->wl_cap * sizeof *d->wl);
	if (!d->wl) {
		free(d);
		return NULL;
	}
	ui->ncolours = draw_colours(ui);
	d->colour = ui->ncolours != 0;
	curs_set(1);
	draw_layout(d);
	return d;
}

void draw_free(struct draw *d)
{
	if (!d)
		return;
	draw_windows_free(d);
	free(d->wl);
	free(d);
}

size_t draw_msg_rows(const struct draw *d)
{
	return d && !d->small ? (size_t)(d->rows - 3) : 0;
}

/* Lay out l for width columns: where the text starts and its rows. */
static void draw_lay_out(struct draw *d, const struct winlist_line *l, size_t width,
			 struct draw_lay *lay)
{
	size_t off, nick_cols = 0;
	memset(lay, 0, sizeof *lay);
	lay->body = l->text;
	lay->body_len = l->text_len;
	lay->indent = DRAW_TIME_COLS;
	if (l->kind == WINLIST_IN || l->kind == WINLIST_OUT) {
		if (fmt_action(l->text, l->text_len, &off)) {
			lay->action = 1;
			lay->body += off;
			lay->body_len -= off;
		}
		/* Long nicks are cut so that the text keeps half the width. */
		size_t max_nick =
		    width / 2 > DRAW_TIME_COLS + 4 ? width / 2 - DRAW_TIME_COLS - 3 : 1;
		lay->nick_len = fmt_fit(l->nick, strlen(l->nick), max_nick, &nick_cols);
		lay->indent += 3 + nick_cols; /* "<" nick "> " or "* " nick " " */
	} else {
		lay->indent += 4; /* "-!- " */
	}
	size_t reserve = lay->indent + (l->kind == WINLIST_OUT ? DRAW_MARK_COLS : 0);
	size_t avail = width > reserve ? width - reserve : 1;
	size_t n = wrap_lines(lay->body, lay->body_len, avail, d->wl, d->wl_cap);
	if (n > d->wl_cap) {
		struct wrap_line *wl = realloc(d->wl, n * sizeof *wl);
		if (wl) {
			d->wl = wl;
			d->wl_cap = n;
			n = wrap_lines(lay->body, lay->body_len, avail, d->wl, d->wl_cap);
		}
	}
	lay->n_wl = n < d->wl_cap ? n : d->wl_cap;
	lay->rows = lay->n_wl ? lay->n_wl : 1;
}

size_t draw_rows(struct draw *d, struct ui *ui, const struct winlist_line *l)
{
	struct draw_lay lay;
	(void)ui;
	if (!d || d->small)
		return 1;
	draw_lay_out(d, l, (size_t)d->cols, &lay);
	return lay.rows;
}

/* ---- the parts ---- */

static void draw_row(struct draw *d, const struct ui *ui, int y, const struct winlist_line *l,
		     const struct draw_lay *lay, size_t r)
{
	WINDOW *win = d->msgs;
	wmove(win, y, 0);
	if (r == 0) {
		char clock[6];
		fmt_clock(l->ts_ms, clock);
		draw_put(ui, win, clock, A_NORMAL);
		draw_put(ui, win, " ", A_NORMAL);
		if (l->kind == WINLIST_INFO) {
			draw_put(ui, win, "-!- ", draw_attr_info(d));
		} else if (l->kind == WINLIST_ERROR) {
			draw_put(ui, win, "-!- ", draw_attr_error(d));
		} else {
			draw_put(ui, win, lay->action ? "* " : "<", A_NORMAL);
			draw_putn(ui, win, l->nick, lay->nick_len, draw_attr_nick(d, l));
			draw_put(ui, win, lay->action ? " " : "> ", A_NORMAL);
		}
	}
	wmove(win, y, (int)lay->indent);
	size_t cols = 0;
	if (r < lay->n_wl) {
		const struct wrap_line *wl = &d->wl[r];
		attr_t a = l->kind == WINLIST_ERROR ? draw_attr_error(d) : A_NORMAL;
		draw_putn(ui, win, lay->body + wl->off, wl->len, a);
		cols = wl->cols;
	}
	if (l->kind == WINLIST_OUT && r + 1 == lay->rows) {
		wmove(win, y, (int)(lay->indent + cols + 1));
		draw_put(ui, win, fmt_state_mark(l->state, ui->utf8), draw_attr_mark(d));
	}
}

/* Lines from the newest up, skipping w->scroll rows; a scroll position past
 * the oldest line is pulled back so that the screen stays full. */
static void draw_msgs(struct draw *d, struct ui *ui)
{
	struct winlist_win *w = ui_current(ui);
	int h = getmaxy(d->msgs);
	size_t width = (size_t)getmaxx(d->msgs);
	for (int pass = 0; pass < 2; pass++) {
		size_t skip = w->scroll, i = w->n;
		int y = h;
		werase(d->msgs);
		while (i > 0 && y > 0) {
			const struct winlist_line *l = winlist_line_at(w, --i);
			struct draw_lay lay;
			draw_lay_out(d, l, width, &lay);
			if (skip >= lay.rows) {
				skip -= lay.rows;
				continue;
			}
			size_t shown = lay.rows - skip;
			int top = y - (int)shown;
			skip = 0;
			for (size_t r = 0; r < shown; r++)
				if (top + (int)r >= 0)
					draw_row(d, ui, top + (int)r, l, &lay, r);
			y = top;
		}
		size_t excess = skip + (y > 0 ? (size_t)y : 0);
		if (w->scroll == 0 || excess == 0)
			break;
		w->scroll = w->scroll > excess ? w->scroll - excess : 0;
	}
	wnoutrefresh(d->msgs);
}

static void draw_title(struct draw *d, struct ui *ui)
{
	struct winlist_win *w = ui_current(ui);
	const char *sep = ui->utf8 ? " \xc2\xb7 " : " - ";
	char buf[FMT_NAME_MAX + FMT_PRESENCE_MAX + 128];
	werase(d->title);
	wmove(d->title, 0, 0);
	if (!w->fp[0]) {
		snprintf(buf, sizeof buf, " natter%s%zu of %zu known peers online%s/help for help",
			 sep, ui->online, ui->n_peers, sep);
		draw_put(ui, d->title, buf, A_NORMAL);
	} else {
		char fp8[9], pres[FMT_PRESENCE_MAX] = "";
		fmt_short_fp(w->fp, fp8);
		if (w->have_peer)
			fmt_presence(&w->peer, natter_now_ms(), pres, sizeof pres);
		snprintf(buf, sizeof buf, " %s [%s]%s%s%s%s", w->name, fp8, pres[0] ? sep : "",
			 pres, sep, w->have_peer && w->peer.verified ? "verified" : "not verified");
		draw_put(ui, d->title, buf, A_NORMAL);
		if (w->typing_until) {
			snprintf(buf, sizeof buf, "%s%s is typing%s", sep, w->name,
				 ui->utf8 ? "\xe2\x80\xa6" : "...");
			draw_put(ui, d->title, buf, A_BOLD);
		}
	}
	wnoutrefresh(d->title);
}

static void draw_status(struct draw *d, struct ui *ui)
{
	struct winlist_win *w = ui_current(ui);
	WINDOW *s = d->status;
	char self[FMT_NAME_MAX], fp8[9], buf[FMT_NAME_MAX + 64];
	werase(s);
	wmove(s, 0, 0);
	ui_self_name(ui, self, sizeof self);
	fmt_short_fp(natter_self_fp(ui->nt), fp8);
	snprintf(buf, sizeof buf, " [%s %s%s] ", self, fp8, ui->away ? " (away)" : "");
	draw_put(ui, s, buf, A_NORMAL);
	snprintf(buf, sizeof buf, "[%zu:%s] ", ui->wins.cur + 1, w->name);
	draw_put(ui, s, buf, A_BOLD);
	/* What needs the user first, so that a narrow terminal cuts the rest. */
	if (w->scroll)
		draw_put(ui, s, "-- more -- ", A_BOLD);
	int any = 0;
	for (size_t i = 0; i < ui->wins.n; i++) {
		enum winlist_activity act = ui->wins.w[i]->act;
		if (act == WINLIST_ACT_NONE || i == ui->wins.cur)
			continue;
		draw_put(ui, s, any ? "," : "[Act: ", A_NORMAL);
		snprintf(buf, sizeof buf, "%zu", i + 1);
		draw_put(ui, s, buf, act == WINLIST_ACT_MSG ? draw_attr_hi(d) : A_NORMAL);
		any = 1;
	}
	if (any)
		draw_put(ui, s, "] ", A_NORMAL);
	snprintf(buf, sizeof buf, "[peers %zu] [outbox %zu]", ui->online, ui->outbox);
	draw_put(ui, s, buf, A_NORMAL);
	wnoutrefresh(s);
}

static void draw_input(struct draw *d, struct ui *ui)
{
	struct winlist_win *w = ui_current(ui);
	WINDOW *in = d->input;
	char prompt[FMT_NAME_MAX + 4];
	size_t len, start, col;
	werase(in);
	wmove(in, 0, 0);
	snprintf(prompt, sizeof prompt, "[%s] ", w->fp[0] ? w->name : "status");
	size_t pn = fmt_fit(prompt, strlen(prompt), (size_t)d->cols / 3, NULL);
	draw_putn(ui, in, prompt, pn, A_NORMAL);
	size_t pcols = (size_t)getcurx(in);
	size_t width = (size_t)d->cols - pcols - 1;
	const char *text = edit_text(&ui->edit, &len);
	edit_view(&ui->edit, width, &start, &col);
	if (start > len)
		start = len;
	draw_putn(ui, in, text + start, len - start, A_NORMAL);
	wmove(in, 0, (int)(pcols + (col < width ? col : width)));
	wnoutrefresh(in);
}

static void draw_small(void)
{
	werase(stdscr);
	mvwaddnstr(stdscr, 0, 0, "terminal too small", COLS);
	wnoutrefresh(stdscr);
	doupdate();
}

int draw_flush(struct draw *d, struct ui *ui)
{
	unsigned dirty = ui->dirty;
	ui->dirty = 0;
	if (!d)
		return 0;
	if ((dirty & UI_DIRTY_LAYOUT) || LINES != d->rows || COLS != d->cols) {
		draw_layout(d);
		dirty |= UI_DIRTY_ALL;
	}
	if (dirty & UI_DIRTY_CLEAR)
		clearok(curscr, TRUE);
	if (d->small) {
		if (dirty)
			draw_small();
		return 0;
	}
	if (!dirty)
		return 1;
	if ((dirty & UI_DIRTY_ALL) == UI_DIRTY_ALL) {
		/* stdscr lies under everything; get_wch refreshes it when touched. */
		werase(stdscr);
		wnoutrefresh(stdscr);
	}
	if (dirty & UI_DIRTY_TITLE)
		draw_title(d, ui);
	if (dirty & UI_DIRTY_MSGS)
		draw_msgs(d, ui);
	if (dirty & UI_DIRTY_STATUS)
		draw_status(d, ui);
	if (dirty & UI_DIRTY_INPUT)
		draw_input(d, ui);
	else
		wnoutrefresh(d->input); /* the cursor goes back to the input line */
	doupdate();
	return 1;
}
