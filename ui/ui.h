/* SPDX-License-Identifier: MIT */
/* The interactive client's state and the calls its parts share: the command
 * handlers (cmd.c) and the screen (draw.c) act on one struct ui, which
 * ui.c owns and drives from the core's event loop. */
#ifndef NATTER_UI_H
#define NATTER_UI_H

#include <stddef.h>
#include <stdint.h>

#include "complete.h"
#include "edit.h"
#include "keymap.h"
#include "natter.h"
#include "winlist.h"

#define UI_HISTORY_LOAD	 200  /* messages loaded when a conversation window opens */
#define UI_FLUSH_MS	 30   /* screen updates at most this often for network events */
#define UI_INTERRUPT_MS	 2000 /* the second Ctrl-C within this quits */
#define UI_BELL_GAP_MS	 1000 /* a flood rings the bell once a second at most */
#define UI_PEERS_MAX	 1024 /* peers remembered for presence changes and completion */
#define UI_DEDUP_DEPTH	 64   /* lines searched for a message already shown */
#define UI_LINE_MAX	 2048 /* bytes of one line of our own (info, errors) */
#define UI_SCRATCH_BYTES (NATTER_TEXT_MAX * 3 + 1) /* a sanitised message */

/* Parts of the screen to draw again. */
enum ui_dirty {
	UI_DIRTY_TITLE = 1,
	UI_DIRTY_MSGS = 2,
	UI_DIRTY_STATUS = 4,
	UI_DIRTY_INPUT = 8,
	UI_DIRTY_ALL = 15,
	UI_DIRTY_LAYOUT = 16, /* the terminal size changed: rebuild the windows */
	UI_DIRTY_CLEAR = 32,  /* Ctrl-L: repaint every cell */
};

struct draw;

struct ui {
	struct natter *nt;
	struct winlist wins;
	struct edit edit;
	struct keymap keys;
	struct complete comp;
	struct draw *draw;
	struct natter_peer *peers; /* what we know of each peer, for presence lines */
	size_t n_peers, cap_peers;
	size_t online;	 /* peers online, for the status bar */
	size_t outbox;	 /* natter_outbox_count when the status bar was last drawn */
	int ncolours;	 /* 0 when drawing without colour */
	int utf8;	 /* the terminal takes UTF-8 (else ASCII marks and text) */
	int focused;	 /* the terminal has focus (until it reports otherwise) */
	int away;	 /* we are away */
	int quit;	 /* leave the loop */
	int bell;	 /* ring at the next screen update */
	int64_t bell_ms; /* when the bell rang last */
	int peers_dirty; /* recount the online peers */
	unsigned dirty;	 /* enum ui_dirty bits */
	int flush_pending;
	uint64_t flush_timer;
	int typing_pending;
	uint64_t typing_timer;
	int64_t interrupt_ms; /* when Ctrl-C was pressed last, 0 for never */
	int sig_pipe[2];
	char *scratch; /* UI_SCRATCH_BYTES, for sanitising message text */
};

/* Mark parts of the screen for drawing; the update happens within
 * UI_FLUSH_MS, once however many changes come in the meantime. */
void ui_dirty(struct ui *ui, unsigned bits);
/* The current window. */
struct winlist_win *ui_current(struct ui *ui);
/* Add a line of ours to w (NULL: the current window) formatted like
 * printf; every string argument must already be safe to draw. */
void ui_info(struct ui *ui, struct winlist_win *w, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void ui_error(struct ui *ui, struct winlist_win *w, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Resolve a PEER name with natter_resolve into fp; on failure print why in
 * the current window (unknown, or ambiguous with the candidates) and return
 * -1. */
int ui_resolve(struct ui *ui, const char *name, char fp[static NATTER_FP_LEN + 1]);
/* The conversation window for fp, opened (with its history loaded) when there
 * is none; made current when select is set. NULL when no window can be
 * opened (an error line says so). */
struct winlist_win *ui_query(struct ui *ui, const char *fp, int select);
/* Make window i current. */
void ui_select(struct ui *ui, size_t i);
/* Close window i (>= 1). */
void ui_close(struct ui *ui, size_t i);
/* Send text to w's peer and show it in w; errors go to the current window. */
void ui_send(struct ui *ui, struct winlist_win *w, const char *text, size_t len);
/* Replace w's lines with the last n messages of its conversation. */
void ui_load_history(struct ui *ui, struct winlist_win *w, size_t n);
/* What we know of fp, or NULL. */
const struct natter_peer *ui_peer(struct ui *ui, const char *fp);
/* Print the known peers into w. */
void ui_list_peers(struct ui *ui, struct winlist_win *w);
/* Our own nick, sanitised, into out (FMT_NAME_MAX bytes). */
void ui_self_name(struct ui *ui, char *out, size_t cap);

#endif
