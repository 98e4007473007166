/* SPDX-License-Identifier: MIT */
/* The key decoder: turns what get_wch returns (characters and KEY_* codes)
 * into client actions, with Alt keys as ESC followed by the key and focus
 * reports (ESC [ I, ESC [ O). Pure: no terminal I/O; the caller reads keys. */
#ifndef NATTER_KEYMAP_H
#define NATTER_KEYMAP_H

#include <stddef.h>

#include "edit.h"

/* Key codes of our own, bound to escape sequences with define_key(); above
 * every code ncurses hands out (KEY_MAX and its extended keys). */
#define KEYMAP_CODE_BASE      0x3000
#define KEYMAP_CODE_ALT_LEFT  (KEYMAP_CODE_BASE + 1)
#define KEYMAP_CODE_ALT_RIGHT (KEYMAP_CODE_BASE + 2)
#define KEYMAP_CODE_FOCUS_IN  (KEYMAP_CODE_BASE + 3)
#define KEYMAP_CODE_FOCUS_OUT (KEYMAP_CODE_BASE + 4)

enum keymap_action {
	KEYMAP_NONE, /* nothing to do: a prefix, or a key with no binding */
	KEYMAP_CHAR, /* insert the code point ch */
	KEYMAP_EDIT, /* pass edit to edit_key() */
	KEYMAP_ENTER,
	KEYMAP_TAB,
	KEYMAP_WINDOW,	   /* go to window number n (1..10) */
	KEYMAP_WIN_PREV,   /* Alt-Left, Ctrl-P */
	KEYMAP_WIN_NEXT,   /* Alt-Right, Ctrl-N */
	KEYMAP_WIN_ACTIVE, /* Alt-A: the next window with activity */
	KEYMAP_PAGE_UP,
	KEYMAP_PAGE_DOWN,
	KEYMAP_REDRAW,	  /* Ctrl-L */
	KEYMAP_INTERRUPT, /* Ctrl-C */
	KEYMAP_SUSPEND,	  /* Ctrl-Z */
	KEYMAP_RESIZE,
	KEYMAP_FOCUS_IN,
	KEYMAP_FOCUS_OUT,
};

struct keymap_event {
	enum keymap_action action;
	unsigned ch;	    /* KEYMAP_CHAR */
	int n;		    /* KEYMAP_WINDOW */
	enum edit_key edit; /* KEYMAP_EDIT */
};

/* Decoder state between keys: how much of an escape sequence has been seen
 * (ncurses passes through the ones terminfo does not know). */
struct keymap {
	int state;	/* KEYMAP_ST_* in keymap.c */
	int alt;	/* ESC ESC: the sequence that follows is Alt+key */
	char param[16]; /* CSI parameter bytes so far */
	size_t n_param;
};

/* A sequence to bind with define_key() and the code it should produce. */
struct keymap_seq {
	const char *seq;
	int code;
};

void keymap_init(struct keymap *k);
/* Decode one key: is_code is non-zero when get_wch returned KEY_CODE_YES (key
 * is a KEY_* code), else key is a character. Returns the action; KEYMAP_NONE
 * while a sequence is incomplete. */
struct keymap_event keymap_feed(struct keymap *k, int is_code, unsigned key);
/* No more input is waiting: whatever sequence was pending is abandoned (a lone
 * Escape does nothing). Returns the action for it, KEYMAP_NONE so far. */
struct keymap_event keymap_idle(struct keymap *k);
/* Escape sequences terminals send for keys that terminfo often lacks (Alt
 * arrows, focus reports, Home/End as tmux sends them); *n gets the count. */
const struct keymap_seq *keymap_sequences(size_t *n);

#endif
