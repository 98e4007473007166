/* SPDX-License-Identifier: MIT */
/* The interactive client: natter_ui_main sets up the terminal, feeds keys
 * and core events into windows, and lets draw.c update the screen at most
 * every UI_FLUSH_MS, from the core's own event loop. */
#include "ui.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cmd.h"
#include "draw.h"
#include "fmt.h"
#include "palette.h"
#include "sanitize.h"

#define UI_EX_USAGE    64
#define UI_EX_SOFTWARE 70

/* The write end of the signal pipe. A signal handler can reach nothing else,
 * so this one piece of state is global; natter_ui_main sets and clears it. */
static volatile sig_atomic_t ui_sig_fd = -1;

static const int ui_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGWINCH};
#define UI_NSIGNALS (sizeof ui_signals / sizeof ui_signals[0])

static void ui_on_signal(int sig)
{
	int saved = errno;
	char c = sig == SIGWINCH ? 'W' : sig == SIGINT ? 'I' : 'T';
	if (ui_sig_fd >= 0)
		(void)!write(ui_sig_fd, &c, 1);
	errno = saved;
}

struct winlist_win *ui_current(struct ui *ui)
{
	return ui->wins.w[ui->wins.cur];
}

/* ---- screen updates ---- */

static void ui_mark_read(struct ui *ui)
{
	struct winlist_win *w = ui_current(ui);
	if (!ui->focused || !w->fp[0] || w->scroll != 0 || w->last_in_seq <= w->read_seq)
		return;
	w->read_seq = w->last_in_seq;
	natter_mark_read(ui->nt, w->fp, w->last_in_seq);
}

static void ui_count_online(struct ui *ui)
{
	size_t online = 0;
	for (size_t i = 0; i < ui->n_peers; i++)
		online += ui->peers[i].online != 0;
	ui->online = online;
	ui->peers_dirty = 0;
}

/* Draw what changed, ring the bell once for all the messages since the last
 * update, and report what the user can now see as read. */
static void ui_flush(struct ui *ui)
{
	if (ui->peers_dirty)
		ui_count_online(ui);
	if (ui->dirty & UI_DIRTY_STATUS)
		ui->outbox = natter_outbox_count(ui->nt);
	int visible = draw_flush(ui->draw, ui);
	if (ui->bell) {
		int64_t now = natter_now_ms();
		ui->bell = 0;
		if (natter_conf_bell(ui->nt) && now - ui->bell_ms >= UI_BELL_GAP_MS) {
			ui->bell_ms = now;
			beep();
		}
	}
	if (visible)
		ui_mark_read(ui);
}

static void ui_on_flush_timer(void *ctx)
{
	struct ui *ui = ctx;
	ui->flush_pending = 0;
	ui_flush(ui);
}

void ui_dirty(struct ui *ui, unsigned bits)
{
	ui->dirty |= bits;
	if (!ui->flush_pending) {
		ui->flush_pending = 1;
		ui->flush_timer = natter_timer(ui->nt, UI_FLUSH_MS, ui_on_flush_timer, ui);
	}
}

/* A window's content changed: redraw it if it is on screen. */
static void ui_dirty_win(struct ui *ui, struct winlist_win *w)
{
	ui_dirty(ui, w == ui_current(ui) ? UI_DIRTY_MSGS : UI_DIRTY_STATUS);
}

/* ---- lines ---- */

static void ui_vline(struct ui *ui, struct winlist_win *w, enum winlist_kind kind, const char *fmt,
		     va_list ap)
{
	char buf[UI_LINE_MAX];
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	if (n < 0)
		return;
	if (!w)
		w = ui_current(ui);
	size_t len = (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1;
	struct winlist_line *l = winlist_append(w, kind, natter_now_ms(), NULL, buf, len);
	if (!l)
		return;
	if (w->scroll) /* keep the view still while scrolled back */
		w->scroll += draw_rows(ui->draw, ui, l);
	winlist_touch(&ui->wins, w, WINLIST_ACT_STATUS);
	ui_dirty_win(ui, w);
}

void ui_info(struct ui *ui, struct winlist_win *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ui_vline(ui, w, WINLIST_INFO, fmt, ap);
	va_end(ap);
}

void ui_error(struct ui *ui, struct winlist_win *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ui_vline(ui, w, WINLIST_ERROR, fmt, ap);
	va_end(ap);
}

void ui_self_name(struct ui *ui, char *out, size_t cap)
{
	const char *nick = natter_self_nick(ui->nt);
	if (!nick || !sanitize_text(nick, strnlen(nick, NATTER_NICK_MAX), out, cap, 0))
		snprintf(out, cap, "me");
}

/* Add message m to w: text sanitised, nick as given (already safe). */
static struct winlist_line *ui_add_msg(struct ui *ui, struct winlist_win *w,
				       const struct natter_msg *m, const char *nick)
{
	size_t len = m->text_len < NATTER_TEXT_MAX ? m->text_len : NATTER_TEXT_MAX;
	size_t n = sanitize_text(m->text ? m->text : "", m->text ? len : 0, ui->scratch,
				 UI_SCRATCH_BYTES, 1);
	struct winlist_line *l = winlist_append(w, m->outgoing ? WINLIST_OUT : WINLIST_IN, m->ts_ms,
						nick, ui->scratch, n);
	if (!l)
		return NULL;
	snprintf(l->id, sizeof l->id, "%s", m->id);
	l->seq = m->seq;
	l->state = m->state;
	if (!m->outgoing && ui->ncolours)
		l->colour = (int)palette_index(m->peer_fp, ui->ncolours) + 1;
	if (!m->outgoing && m->seq > w->last_in_seq && strcmp(w->fp, m->peer_fp) == 0)
		w->last_in_seq = m->seq;
	return l;
}

/* ---- peers ---- */

const struct natter_peer *ui_peer(struct ui *ui, const char *fp)
{
	for (size_t i = 0; i < ui->n_peers; i++)
		if (strcmp(ui->peers[i].fp, fp) == 0)
			return &ui->peers[i];
	return NULL;
}

/* Remember p; 0, or -1 when the table is full or memory short. */
static int ui_peer_store(struct ui *ui, const struct natter_peer *p)
{
	struct natter_peer *old = (struct natter_peer *)ui_peer(ui, p->fp);
	if (old) {
		*old = *p;
		return 0;
	}
	if (ui->n_peers == UI_PEERS_MAX)
		return -1;
	if (ui->n_peers == ui->cap_peers) {
		size_t cap = ui->cap_peers ? ui->cap_peers * 2 : 16;
		struct natter_peer *v = realloc(ui->peers, cap * sizeof *v);
		if (!v)
			return -1;
		ui->peers = v;
		ui->cap_peers = cap;
	}
	ui->peers[ui->n_peers++] = *p;
	ui->peers_dirty = 1;
	return 0;
}

static void ui_peer_name(struct ui *ui, const char *fp, char *out, size_t cap)
{
	const struct natter_peer *p = ui_peer(ui, fp);
	struct natter_peer tmp;
	if (!p && natter_peer(ui->nt, fp, &tmp) == 0)
		p = &tmp;
	if (p) {
		fmt_peer_name(p, out, cap);
	} else {
		char fp8[9];
		fmt_short_fp(fp, fp8);
		snprintf(out, cap, "%s", fp8);
	}
}

void ui_list_peers(struct ui *ui, struct winlist_win *w)
{
	struct natter_peer *v = NULL;
	size_t n = 0;
	if (natter_peers(ui->nt, &v, &n) != 0) {
		ui_error(ui, w, "cannot list the peers");
		return;
	}
	if (n == 0)
		ui_info(ui, w, "no peers known yet; they appear here when they come online");
	else
		ui_info(ui, w, "%zu known peer%s:", n, n == 1 ? "" : "s");
	int64_t now = natter_now_ms();
	for (size_t i = 0; i < n; i++) {
		char name[FMT_NAME_MAX], fp8[9], pres[FMT_PRESENCE_MAX];
		(void)ui_peer_store(ui, &v[i]);
		fmt_peer_name(&v[i], name, sizeof name);
		fmt_short_fp(v[i].fp, fp8);
		fmt_presence(&v[i], now, pres, sizeof pres);
		ui_info(ui, w, "  %s [%s] %s%s", name, fp8, pres,
			v[i].verified ? ", verified" : "");
	}
	free(v);
	ui->peers_dirty = 1;
	ui_dirty(ui, UI_DIRTY_STATUS);
}

int ui_resolve(struct ui *ui, const char *name, char fp[static NATTER_FP_LEN + 1])
{
	char safe[FMT_NAME_MAX];
	char out[NATTER_FP_LEN + 1];
	sanitize_text(name, strlen(name), safe, sizeof safe, 0);
	int r = natter_resolve(ui->nt, name, out);
	if (r == 0) {
		memcpy(fp, out, sizeof out);
		return 0;
	}
	if (r != -2) {
		ui_error(ui, NULL, "unknown peer '%s' (see /peers)", safe);
		return -1;
	}
	/* List who claims the name, as --send does on stderr. */
	char list[UI_LINE_MAX / 2] = "";
	size_t len = 0;
	for (size_t i = 0; i < ui->n_peers && len + 12 < sizeof list; i++) {
		if (strcmp(ui->peers[i].nick, name) != 0)
			continue;
		char fp8[9];
		fmt_short_fp(ui->peers[i].fp, fp8);
		len +=
		    (size_t)snprintf(list + len, sizeof list - len, "%s%s", len ? ", " : "", fp8);
	}
	ui_error(ui, NULL, "ambiguous peer '%s'%s%s: name it by fingerprint prefix or /alias", safe,
		 len ? " claimed by " : "", list);
	return -1;
}

/* ---- windows ---- */

void ui_load_history(struct ui *ui, struct winlist_win *w, size_t n)
{
	struct natter_msg *msgs = NULL;
	size_t count = 0;
	char peer[FMT_NAME_MAX], self[FMT_NAME_MAX];
	if (!w->fp[0])
		return;
	winlist_drop_lines(w);
	if (natter_history(ui->nt, w->fp, n, &msgs, &count) != 0) {
		ui_error(ui, w, "cannot load the history");
		return;
	}
	ui_peer_name(ui, w->fp, peer, sizeof peer);
	ui_self_name(ui, self, sizeof self);
	for (size_t i = 0; i < count; i++)
		(void)ui_add_msg(ui, w, &msgs[i], msgs[i].outgoing ? self : peer);
	natter_msgs_free(msgs, count);
	ui_dirty_win(ui, w);
}

struct winlist_win *ui_query(struct ui *ui, const char *fp, int select)
{
	int i = winlist_find(&ui->wins, fp);
	if (i < 0) {
		char name[FMT_NAME_MAX];
		ui_peer_name(ui, fp, name, sizeof name);
		i = winlist_add(&ui->wins, fp, name);
		if (i < 0) {
			ui_error(ui, ui->wins.w[0],
				 "cannot open a window for %s: %d are open already", name,
				 WINLIST_MAX);
			return NULL;
		}
		struct winlist_win *w = ui->wins.w[i];
		w->have_peer = natter_peer(ui->nt, fp, &w->peer) == 0;
		ui_load_history(ui, w, UI_HISTORY_LOAD);
		ui_dirty(ui, UI_DIRTY_STATUS);
	}
	if (select)
		ui_select(ui, (size_t)i);
	return ui->wins.w[i];
}

void ui_select(struct ui *ui, size_t i)
{
	if (winlist_select(&ui->wins, i) == 0)
		ui_dirty(ui, UI_DIRTY_ALL);
}

void ui_close(struct ui *ui, size_t i)
{
	if (winlist_close(&ui->wins, i) == 0)
		ui_dirty(ui, UI_DIRTY_ALL);
}

void ui_send(struct ui *ui, struct winlist_win *w, const char *text, size_t len)
{
	char id[NATTER_ID_LEN + 1];
	const char *why = NULL;
	if (natter_send(ui->nt, w->fp, text, len, id, &why) != 0) {
		char safe[256];
		sanitize_text(why ? why : "", why ? strlen(why) : 0, safe, sizeof safe, 0);
		ui_error(ui, NULL, "not sent: %s", safe[0] ? safe : "error");
		return;
	}
	/* The core may have reported the message already (EV_STATE). */
	if (!winlist_find_id(w, id, UI_DEDUP_DEPTH)) {
		struct natter_msg m = {.outgoing = 1,
				       .ts_ms = natter_now_ms(),
				       .text = text,
				       .text_len = len,
				       .state = NATTER_QUEUED};
		char self[FMT_NAME_MAX];
		snprintf(m.id, sizeof m.id, "%s", id);
		snprintf(m.peer_fp, sizeof m.peer_fp, "%s", w->fp);
		ui_self_name(ui, self, sizeof self);
		(void)ui_add_msg(ui, w, &m, self);
	}
	w->scroll = 0;
	ui_dirty_win(ui, w);
	ui_dirty(ui, UI_DIRTY_STATUS);
}

/* ---- core events ---- */

static void ui_on_message(struct ui *ui, const struct natter_event *ev)
{
	const struct natter_msg *m = ev->msg;
	char name[FMT_NAME_MAX];
	if (ev->peer && !ui_peer(ui, ev->peer->fp))
		(void)ui_peer_store(ui, ev->peer);
	struct winlist_win *w = ui_query(ui, m->peer_fp, 0);
	if (!w)
		w = ui->wins.w[0]; /* every window taken: show it in the status window */
	if (m->outgoing)
		ui_self_name(ui, name, sizeof name);
	else if (ev->peer)
		fmt_peer_name(ev->peer, name, sizeof name);
	else
		ui_peer_name(ui, m->peer_fp, name, sizeof name);
	/* A window opened just now has the message from the history already. */
	int shown = winlist_find_id(w, m->id, UI_DEDUP_DEPTH) != NULL;
	if (!shown) {
		struct winlist_line *l = ui_add_msg(ui, w, m, name);
		if (!l)
			return; /* not drawn: do not mark it shown */
		if (w->scroll)
			w->scroll += draw_rows(ui->draw, ui, l);
	}
	if (!m->outgoing) {
		natter_mark_shown(ui->nt, m->id);
		w->typing_until = 0;
		winlist_touch(&ui->wins, w, WINLIST_ACT_MSG);
		if (w != ui_current(ui) || !ui->focused)
			ui->bell = 1;
	}
	ui_dirty_win(ui, w);
	ui_dirty(ui, UI_DIRTY_TITLE | UI_DIRTY_STATUS);
}

static int ui_state_rank(enum natter_state s)
{
	switch (s) {
	case NATTER_QUEUED: return 0;
	case NATTER_SENT: return 1;
	case NATTER_DELIVERED: return 2;
	case NATTER_READ: return 3;
	case NATTER_EXPIRED:
	case NATTER_CANCELLED: return 4; /* final: a late "delivered" cannot undo it */
	case NATTER_RECEIVED: break;
	}
	return -1;
}

static void ui_on_state(struct ui *ui, const struct natter_event *ev)
{
	const struct natter_msg *m = ev->msg;
	int i = winlist_find(&ui->wins, m->peer_fp);
	ui_dirty(ui, UI_DIRTY_STATUS);
	if (i < 0 || !m->outgoing || ui_state_rank(m->state) < 0)
		return;
	struct winlist_win *w = ui->wins.w[i];
	struct winlist_line *l = winlist_find_id(w, m->id, 0);
	if (!l) {
		/* New to us: sent from another front end of this home, or
		 * reported before natter_send returned. */
		if (m->state != NATTER_QUEUED && m->state != NATTER_SENT)
			return;
		char self[FMT_NAME_MAX];
		ui_self_name(ui, self, sizeof self);
		l = ui_add_msg(ui, w, m, self);
		if (!l)
			return;
	}
	if (m->seq)
		l->seq = m->seq;
	if (m->state == NATTER_READ)
		(void)winlist_mark_read(w, m->id, m->seq);
	else if (ui_state_rank(m->state) > ui_state_rank(l->state))
		l->state = m->state;
	if (w == ui_current(ui))
		ui_dirty(ui, UI_DIRTY_MSGS);
}

/* Lines for what changed about a peer, in the status window and in the
 * peer's own window. */
static void ui_on_peer(struct ui *ui, const struct natter_peer *p)
{
	const struct natter_peer *old = ui_peer(ui, p->fp);
	char name[FMT_NAME_MAX], fp8[9], pres[FMT_PRESENCE_MAX];
	char lines[3][UI_LINE_MAX / 2];
	size_t n = 0;
	fmt_peer_name(p, name, sizeof name);
	fmt_short_fp(p->fp, fp8);
	fmt_presence(p, natter_now_ms(), pres, sizeof pres);
	if (old && old->nick[0] && p->nick[0] && strcmp(old->nick, p->nick) != 0) {
		char was[FMT_NAME_MAX], now[FMT_NAME_MAX];
		sanitize_text(old->nick, strnlen(old->nick, NATTER_NICK_MAX), was, sizeof was, 0);
		sanitize_text(p->nick, strnlen(p->nick, NATTER_NICK_MAX), now, sizeof now, 0);
		snprintf(lines[n++], sizeof lines[0], "%s [%s] is now known as %s", was, fp8, now);
	}
	if (p->online && (!old || !old->online))
		snprintf(lines[n++], sizeof lines[0], "%s [%s] is %s", name, fp8, pres);
	else if (!p->online && old && old->online)
		snprintf(lines[n++], sizeof lines[0], "%s [%s] went offline", name, fp8);
	else if (p->online && old &&
		 (old->away != p->away || strcmp(old->away_reason, p->away_reason) != 0))
		snprintf(lines[n++], sizeof lines[0], "%s [%s] is %s", name, fp8,
			 p->away ? pres : "back");
	(void)ui_peer_store(ui, p);
	ui->peers_dirty = 1;
	int i = winlist_find(&ui->wins, p->fp);
	for (size_t k = 0; k < n; k++) {
		ui_info(ui, ui->wins.w[0], "%s", lines[k]);
		if (i > 0)
			ui_info(ui, ui->wins.w[i], "%s", lines[k]);
	}
	if (i > 0) {
		struct winlist_win *w = ui->wins.w[i];
		w->peer = *p;
		w->have_peer = 1;
		snprintf(w->name, sizeof w->name, "%s", name);
	}
	ui_dirty(ui, UI_DIRTY_TITLE | UI_DIRTY_STATUS);
}

static void ui_on_typing_timer(void *ctx)
{
	struct ui *ui = ctx;
	int64_t now = natter_now_ms(), next = 0;
	ui->typing_pending = 0;
	for (size_t i = 1; i < ui->wins.n; i++) {
		struct winlist_win *w = ui->wins.w[i];
		if (!w->typing_until)
			continue;
		if (w->typing_until <= now) {
			w->typing_until = 0;
			if (w == ui_current(ui))
				ui_dirty(ui, UI_DIRTY_TITLE);
		} else if (!next || w->typing_until < next) {
			next = w->typing_until;
		}
	}
	if (next) {
		ui->typing_pending = 1;
		ui->typing_timer = natter_timer(ui->nt, next - now, ui_on_typing_timer, ui);
	}
}

static void ui_on_typing(struct ui *ui, const struct natter_peer *p)
{
	int i = winlist_find(&ui->wins, p->fp);
	if (i < 0)
		return;
	ui->wins.w[i]->typing_until = natter_now_ms() + NATTER_TYPING_EXPIRE_MS;
	if (!ui->typing_pending) {
		ui->typing_pending = 1;
		ui->typing_timer =
		    natter_timer(ui->nt, NATTER_TYPING_EXPIRE_MS, ui_on_typing_timer, ui);
	}
	if (i == (int)ui->wins.cur)
		ui_dirty(ui, UI_DIRTY_TITLE);
}

static void ui_on_refused(struct ui *ui, const struct natter_peer *p)
{
	char name[FMT_NAME_MAX], fp8[9];
	fmt_peer_name(p, name, sizeof name);
	fmt_short_fp(p->fp, fp8);
	int i = winlist_find(&ui->wins, p->fp);
	const char *fmt = "refused %s [%s]: it presented another key than the one expected "
			  "(someone may be impersonating it; check with /verify)";
	ui_error(ui, ui->wins.w[0], fmt, name, fp8);
	if (i > 0)
		ui_error(ui, ui->wins.w[i], fmt, name, fp8);
}

static void ui_on_event(void *ctx, const struct natter_event *ev)
{
	struct ui *ui = ctx;
	switch (ev->type) {
	case NATTER_EV_MESSAGE:
		if (ev->msg)
			ui_on_message(ui, ev);
		break;
	case NATTER_EV_STATE:
		if (ev->msg)
			ui_on_state(ui, ev);
		break;
	case NATTER_EV_PEER:
		if (ev->peer)
			ui_on_peer(ui, ev->peer);
		break;
	case NATTER_EV_TYPING:
		if (ev->peer)
			ui_on_typing(ui, ev->peer);
		break;
	case NATTER_EV_REFUSED:
		if (ev->peer)
			ui_on_refused(ui, ev->peer);
		break;
	}
}

static void ui_on_event_ignore(void *ctx, const struct natter_event *ev)
{
	(void)ctx;
	(void)ev;
}

/* ---- keys ---- */

static size_t ui_utf8_encode(unsigned cp, char out[static 4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* The user typed into the line: tell the peer, unless it is a command. */
static void ui_typed(struct ui *ui)
{
	struct winlist_win *w = ui_current(ui);
	size_t len;
	const char *t = edit_text(&ui->edit, &len);
	if (w->fp[0] && len > 0 && t[0] != '/')
		natter_typing(ui->nt, w->fp);
	ui_dirty(ui, UI_DIRTY_INPUT);
}

static void ui_submit(struct ui *ui)
{
	size_t len;
	const char *t = edit_text(&ui->edit, &len);
	if (len == 0)
		return;
	char *line = malloc(len + 1);
	if (!line) {
		ui_error(ui, NULL, "out of memory");
		return;
	}
	memcpy(line, t, len + 1);
	edit_submit(&ui->edit);
	ui_dirty(ui, UI_DIRTY_INPUT);
	if (line[0] == '/' && line[1] != '/') {
		cmd_run(ui, line + 1);
	} else {
		struct winlist_win *w = ui_current(ui);
		const char *text = line[0] == '/' ? line + 1 : line; /* "//x" sends "/x" */
		if (!w->fp[0])
			ui_error(ui, w, "not a conversation window; /query PEER first");
		else
			ui_send(ui, w, text, strlen(text));
	}
	free(line);
}

static int ui_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Tab: commands at the start of the line, else peer names. */
static void ui_complete(struct ui *ui)
{
	size_t off, wlen, len;
	const char *t = edit_text(&ui->edit, &len);
	edit_word(&ui->edit, &off, &wlen);
	size_t cap = cmd_count() + 2 * ui->n_peers, n = 0;
	char *names = malloc(cap * FMT_NAME_MAX + 1);
	const char **cands = malloc((cap + 1) * sizeof *cands);
	if (!names || !cands)
		goto out;
	if (off == 0 && wlen > 0 && t[0] == '/') {
		for (size_t i = 0; i < cmd_count(); i++) {
			snprintf(names + n * FMT_NAME_MAX, FMT_NAME_MAX, "/%s", cmd_name(i));
			n++;
		}
	} else {
		for (size_t i = 0; i < ui->n_peers; i++) {
			const struct natter_peer *p = &ui->peers[i];
			const char *src[2] = {p->alias, p->nick};
			for (int k = 0; k < 2; k++) {
				if (!src[k][0])
					continue;
				char *dst = names + n * FMT_NAME_MAX;
				if (sanitize_text(src[k], strnlen(src[k], NATTER_NICK_MAX), dst,
						  FMT_NAME_MAX, 0))
					n++;
			}
		}
	}
	for (size_t i = 0; i < n; i++)
		cands[i] = names + i * FMT_NAME_MAX;
	qsort(cands, n, sizeof *cands, ui_cmp_str);
	size_t u = 0;
	for (size_t i = 0; i < n; i++)
		if (u == 0 || strcmp(cands[u - 1], cands[i]) != 0)
			cands[u++] = cands[i];
	const char *c = complete_next(&ui->comp, t + off, wlen, cands, u);
	if (c && edit_replace_word(&ui->edit, c, strlen(c)) == 0)
		ui_dirty(ui, UI_DIRTY_INPUT);
out:
	free(names);
	free(cands);
}

static void ui_interrupt(struct ui *ui)
{
	int64_t now = natter_now_ms();
	if (ui->interrupt_ms && now - ui->interrupt_ms <= UI_INTERRUPT_MS) {
		ui->quit = 1;
		return;
	}
	ui->interrupt_ms = now;
	ui_current(ui)->scroll = 0; /* so that the hint shows */
	ui_info(ui, NULL, "press Ctrl-C again within 2 seconds to quit (or type /quit)");
}

static void ui_focus_report(int on)
{
	const char *s = on ? "\033[?1004h" : "\033[?1004l";
	(void)!write(STDOUT_FILENO, s, strlen(s));
}

static void ui_resize(struct ui *ui)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	ui_dirty(ui, UI_DIRTY_ALL | UI_DIRTY_LAYOUT);
}

static void ui_suspend(struct ui *ui)
{
	/* Leave the screen ourselves: ncurses' SIGTSTP handler is not there
	 * when the signal was not at its default at start. */
	def_prog_mode();
	endwin();
	ui_focus_report(0);
	raise(SIGTSTP);
	ui_focus_report(1);
	reset_prog_mode();
	ui_resize(ui); /* the size may have changed meanwhile */
	ui_dirty(ui, UI_DIRTY_CLEAR);
}

static size_t ui_page(struct ui *ui)
{
	size_t rows = draw_msg_rows(ui->draw);
	return rows > 2 ? rows - 2 : 1;
}

static void ui_key(struct ui *ui, struct keymap_event ev)
{
	struct winlist_win *w = ui_current(ui);
	if (ev.action == KEYMAP_NONE)
		return;
	if (ev.action != KEYMAP_TAB)
		complete_reset(&ui->comp);
	switch (ev.action) {
	case KEYMAP_NONE: break;
	case KEYMAP_CHAR: {
		char buf[4];
		if (edit_insert(&ui->edit, buf, ui_utf8_encode(ev.ch, buf)) == 0)
			ui_typed(ui);
		break;
	}
	case KEYMAP_EDIT:
		edit_key(&ui->edit, ev.edit);
		if (ev.edit >= EDIT_BACKSPACE && ev.edit <= EDIT_KILL_WORD)
			ui_typed(ui);
		ui_dirty(ui, UI_DIRTY_INPUT);
		break;
	case KEYMAP_ENTER: ui_submit(ui); break;
	case KEYMAP_TAB: ui_complete(ui); break;
	case KEYMAP_WINDOW:
		if (ev.n >= 1 && (size_t)ev.n <= ui->wins.n)
			ui_select(ui, (size_t)ev.n - 1);
		break;
	case KEYMAP_WIN_PREV: ui_select(ui, winlist_step(&ui->wins, -1)); break;
	case KEYMAP_WIN_NEXT: ui_select(ui, winlist_step(&ui->wins, 1)); break;
	case KEYMAP_WIN_ACTIVE: ui_select(ui, winlist_next_active(&ui->wins)); break;
	case KEYMAP_PAGE_UP:
		w->scroll += ui_page(ui); /* draw.c clamps it to the scrollback */
		ui_dirty(ui, UI_DIRTY_MSGS | UI_DIRTY_STATUS);
		break;
	case KEYMAP_PAGE_DOWN:
		w->scroll = w->scroll > ui_page(ui) ? w->scroll - ui_page(ui) : 0;
		ui_dirty(ui, UI_DIRTY_MSGS | UI_DIRTY_STATUS);
		break;
	case KEYMAP_REDRAW: ui_dirty(ui, UI_DIRTY_ALL | UI_DIRTY_CLEAR); break;
	case KEYMAP_INTERRUPT: ui_interrupt(ui); break;
	case KEYMAP_SUSPEND: ui_suspend(ui); break;
	case KEYMAP_RESIZE: /* ncurses resized already; resizeterm again would queue another */
		ui_dirty(ui, UI_DIRTY_ALL | UI_DIRTY_LAYOUT);
		break;
	case KEYMAP_FOCUS_IN:
		ui->focused = 1;
		ui_dirty(ui, UI_DIRTY_STATUS);
		break;
	case KEYMAP_FOCUS_OUT: ui->focused = 0; break;
	}
}

/* Read every key waiting, then update the screen at once: typing is not
 * delayed by the flush timer, and a paste costs one update. */
static void ui_on_stdin(void *ctx, int fd)
{
	struct ui *ui = ctx;
	wint_t wc;
	int rc, got = 0;
	while (!ui->quit && (rc = get_wch(&wc)) != ERR) {
		ui_key(ui, keymap_feed(&ui->keys, rc == KEY_CODE_YES, (unsigned)wc));
		got = 1;
	}
	ui_key(ui, keymap_idle(&ui->keys));
	/* Woken without a key: a terminal that hung up stays "readable" and
	 * would spin the loop. */
	struct pollfd p = {.fd = fd, .events = POLLIN};
	if (!got && poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR | POLLNVAL)))
		ui->quit = 1;
	ui_flush(ui);
}

static void ui_on_sig_pipe(void *ctx, int fd)
{
	struct ui *ui = ctx;
	char buf[64];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == 'W')
				ui_resize(ui);
			else if (buf[i] == 'I')
				ui_interrupt(ui);
			else
				ui->quit = 1;
		}
	}
	ui_flush(ui);
}

/* ---- setup ---- */

/* Which characters the terminal takes: UTF-8 when the locale says so. The
 * line editor and the wrapping need an UTF-8 LC_CTYPE in any case, so a
 * non-UTF-8 locale falls back to C.UTF-8 inside and draws ASCII outside. */
static void ui_locale(struct ui *ui)
{
	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C"); /* the core formats and parses numbers the C way */
	const char *cs = nl_langinfo(CODESET);
	ui->utf8 = cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
	if (!ui->utf8)
		(void)setlocale(LC_CTYPE, "C.UTF-8");
}

static int ui_pipe(int fds[2])
{
	if (pipe(fds) != 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		(void)fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
		(void)fcntl(fds[i], F_SETFD, FD_CLOEXEC);
	}
	return 0;
}

static void ui_signals_install(struct ui *ui, struct sigaction old[static UI_NSIGNALS])
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = ui_on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	ui_sig_fd = ui->sig_pipe[1];
	for (size_t i = 0; i < UI_NSIGNALS; i++)
		sigaction(ui_signals[i], &sa, &old[i]);
}

static void ui_signals_restore(struct sigaction old[static UI_NSIGNALS])
{
	for (size_t i = 0; i < UI_NSIGNALS; i++)
		sigaction(ui_signals[i], &old[i], NULL);
	ui_sig_fd = -1;
}

static void ui_define_keys(void)
{
	size_t n;
	const struct keymap_seq *seqs = keymap_sequences(&n);
	for (size_t i = 0; i < n; i++) {
		/* Keep what terminfo binds already (Home and End mostly). */
		if (key_defined(seqs[i].seq) > 0 && seqs[i].code < KEYMAP_CODE_BASE)
			continue;
		(void)define_key(seqs[i].seq, seqs[i].code);
	}
}

/* newterm rather than initscr: an unknown TERM is an error to report, not
 * an exit from inside the library. */
static SCREEN *ui_term_start(struct ui *ui)
{
	set_escdelay(25);
	SCREEN *scr = newterm(NULL, stdout, stdin);
	if (!scr)
		return NULL;
	set_term(scr);
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	meta(stdscr, TRUE);
	ui_define_keys();
	ui->draw = draw_new(ui);
	if (!ui->draw) {
		endwin();
		delscreen(scr);
		return NULL;
	}
	ui_focus_report(1);
	return scr;
}

static void ui_term_stop(struct ui *ui, SCREEN *scr)
{
	draw_free(ui->draw);
	ui->draw = NULL;
	endwin();
	delscreen(scr);
	ui_focus_report(0);
}

static void ui_greet(struct ui *ui)
{
	char self[FMT_NAME_MAX], fp8[9];
	ui_self_name(ui, self, sizeof self);
	fmt_short_fp(natter_self_fp(ui->nt), fp8);
	ui_info(ui, NULL,
		"natter: you are %s [%s]. Type /help for commands; Alt-1..9 switch "
		"windows.",
		self, fp8);
	const char *warning;
	for (size_t i = 0; (warning = natter_conf_warning(ui->nt, i)) != NULL; i++)
		ui_error(ui, NULL, "%s", warning);
	if (!natter_conf_read_receipts(ui->nt))
		ui_info(ui, NULL,
			"read receipts are off (natter.conf): peers are not told what "
			"you read");
	ui_list_peers(ui, NULL);
}

static int ui_init(struct ui *ui, struct natter *nt)
{
	memset(ui, 0, sizeof *ui);
	ui->nt = nt;
	ui->focused = 1;
	ui->sig_pipe[0] = ui->sig_pipe[1] = -1;
	keymap_init(&ui->keys);
	complete_init(&ui->comp);
	ui->scratch = malloc(UI_SCRATCH_BYTES);
	if (!ui->scratch)
		goto fail_scratch;
	if (winlist_init(&ui->wins, "status") != 0)
		goto fail_wins;
	if (edit_init(&ui->edit) != 0)
		goto fail_edit;
	if (ui_pipe(ui->sig_pipe) != 0)
		goto fail_pipe;
	return 0;
fail_pipe:
	edit_clear(&ui->edit);
fail_edit:
	winlist_clear(&ui->wins);
fail_wins:
	free(ui->scratch);
fail_scratch:
	return -1;
}

static void ui_free(struct ui *ui)
{
	if (ui->flush_pending)
		natter_timer_cancel(ui->nt, ui->flush_timer);
	if (ui->typing_pending)
		natter_timer_cancel(ui->nt, ui->typing_timer);
	for (int i = 0; i < 2; i++)
		if (ui->sig_pipe[i] >= 0)
			close(ui->sig_pipe[i]);
	complete_reset(&ui->comp);
	edit_clear(&ui->edit);
	winlist_clear(&ui->wins);
	free(ui->peers);
	free(ui->scratch);
}

int natter_ui_main(struct natter *nt)
{
	struct ui ui;
	struct sigaction old[UI_NSIGNALS];
	SCREEN *scr;
	int rc = UI_EX_SOFTWARE;
	const char *why = "the event loop failed";
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fputs("natter: the interactive client needs a terminal; use --listen for a "
		      "headless node (see natter --help)\n",
		      stderr);
		return UI_EX_USAGE;
	}
	if (ui_init(&ui, nt) != 0) {
		fputs("natter: out of memory\n", stderr);
		return UI_EX_SOFTWARE;
	}
	ui_locale(&ui);
	ui_signals_install(&ui, old);
	if (!(scr = ui_term_start(&ui))) {
		ui_signals_restore(old);
		ui_free(&ui);
		fputs("natter: cannot start the terminal interface (is TERM set?)\n", stderr);
		return UI_EX_SOFTWARE;
	}
	natter_set_event_fn(nt, ui_on_event, &ui);
	if (natter_watch_fd(nt, STDIN_FILENO, ui_on_stdin, &ui) != 0 ||
	    natter_watch_fd(nt, ui.sig_pipe[0], ui_on_sig_pipe, &ui) != 0) {
		why = "cannot watch the terminal";
		ui.quit = 1;
	} else {
		ui_greet(&ui);
		ui_dirty(&ui, UI_DIRTY_ALL | UI_DIRTY_LAYOUT);
		ui_flush(&ui);
		rc = 0;
	}
	while (!ui.quit) {
		if (natter_run_once(nt, 1000) != 0) {
			rc = UI_EX_SOFTWARE;
			break;
		}
	}
	natter_set_event_fn(nt, ui_on_event_ignore, NULL);
	natter_unwatch_fd(nt, STDIN_FILENO);
	natter_unwatch_fd(nt, ui.sig_pipe[0]);
	ui_term_stop(&ui, scr);
	ui_signals_restore(old);
	ui_free(&ui);
	if (rc != 0)
		fprintf(stderr, "natter: %s\n", why);
	return rc;
}
