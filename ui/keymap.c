/* SPDX-License-Identifier: MIT */
/* The key decoder: characters, KEY_* codes and the escape sequences ncurses
 * leaves undecoded become client actions. Alt+key arrives as ESC, key. */
#include "keymap.h"

#include <curses.h>
#include <string.h>

enum {
	KEYMAP_ST_NONE,
	KEYMAP_ST_ESC, /* after ESC */
	KEYMAP_ST_CSI, /* after ESC [ */
	KEYMAP_ST_SS3, /* after ESC O */
};

static const struct keymap_seq keymap_seq_table[] = {
    {"\033[1;3D", KEYMAP_CODE_ALT_LEFT},
    {"\033[1;3C", KEYMAP_CODE_ALT_RIGHT},
    {"\033[1;9D", KEYMAP_CODE_ALT_LEFT},
    {"\033[1;9C", KEYMAP_CODE_ALT_RIGHT},
    {"\033\033[D", KEYMAP_CODE_ALT_LEFT},
    {"\033\033[C", KEYMAP_CODE_ALT_RIGHT},
    {"\033[I", KEYMAP_CODE_FOCUS_IN},
    {"\033[O", KEYMAP_CODE_FOCUS_OUT},
    {"\033[1~", KEY_HOME},
    {"\033[4~", KEY_END},
    {"\033[7~", KEY_HOME},
    {"\033[8~", KEY_END},
    {"\033[H", KEY_HOME},
    {"\033[F", KEY_END},
    {"\033OH", KEY_HOME},
    {"\033OF", KEY_END},
};

const struct keymap_seq *keymap_sequences(size_t *n)
{
	*n = sizeof keymap_seq_table / sizeof keymap_seq_table[0];
	return keymap_seq_table;
}

void keymap_init(struct keymap *k)
{
	memset(k, 0, sizeof *k);
}

static struct keymap_event keymap_act(enum keymap_action a)
{
	struct keymap_event ev = {.action = a};
	return ev;
}

static struct keymap_event keymap_edit(enum edit_key e)
{
	struct keymap_event ev = {.action = KEYMAP_EDIT, .edit = e};
	return ev;
}

static struct keymap_event keymap_decode_alt(int is_code, unsigned key)
{
	if (is_code) {
		if (key == KEY_LEFT)
			return keymap_act(KEYMAP_WIN_PREV);
		if (key == KEY_RIGHT)
			return keymap_act(KEYMAP_WIN_NEXT);
		return keymap_act(KEYMAP_NONE);
	}
	if (key >= '1' && key <= '9') {
		struct keymap_event ev = {.action = KEYMAP_WINDOW, .n = (int)(key - '0')};
		return ev;
	}
	if (key == '0') {
		struct keymap_event ev = {.action = KEYMAP_WINDOW, .n = 10};
		return ev;
	}
	if (key == 'a' || key == 'A')
		return keymap_act(KEYMAP_WIN_ACTIVE);
	return keymap_act(KEYMAP_NONE);
}

static struct keymap_event keymap_decode_code(unsigned key)
{
	switch (key) {
	case KEY_LEFT: return keymap_edit(EDIT_LEFT);
	case KEY_RIGHT: return keymap_edit(EDIT_RIGHT);
	case KEY_HOME: return keymap_edit(EDIT_HOME);
	case KEY_END: return keymap_edit(EDIT_END);
	case KEY_BACKSPACE: return keymap_edit(EDIT_BACKSPACE);
	case KEY_DC: return keymap_edit(EDIT_DELETE);
	case KEY_UP: return keymap_edit(EDIT_UP);
	case KEY_DOWN: return keymap_edit(EDIT_DOWN);
	case KEY_PPAGE: return keymap_act(KEYMAP_PAGE_UP);
	case KEY_NPAGE: return keymap_act(KEYMAP_PAGE_DOWN);
	case KEY_ENTER: return keymap_act(KEYMAP_ENTER);
	case KEY_RESIZE: return keymap_act(KEYMAP_RESIZE);
	case KEYMAP_CODE_ALT_LEFT: return keymap_act(KEYMAP_WIN_PREV);
	case KEYMAP_CODE_ALT_RIGHT: return keymap_act(KEYMAP_WIN_NEXT);
	case KEYMAP_CODE_FOCUS_IN: return keymap_act(KEYMAP_FOCUS_IN);
	case KEYMAP_CODE_FOCUS_OUT: return keymap_act(KEYMAP_FOCUS_OUT);
	default: return keymap_act(KEYMAP_NONE);
	}
}

static struct keymap_event keymap_decode_char(unsigned key)
{
	switch (key) {
	case 1: return keymap_edit(EDIT_HOME); /* Ctrl-A */
	case 2: return keymap_edit(EDIT_LEFT); /* Ctrl-B */
	case 3: return keymap_act(KEYMAP_INTERRUPT);
	case 4: return keymap_edit(EDIT_DELETE); /* Ctrl-D */
	case 5: return keymap_edit(EDIT_END);	 /* Ctrl-E */
	case 6: return keymap_edit(EDIT_RIGHT);	 /* Ctrl-F */
	case 8: return keymap_edit(EDIT_BACKSPACE);
	case 9: return keymap_act(KEYMAP_TAB);
	case 10:
	case 13: return keymap_act(KEYMAP_ENTER);
	case 11: return keymap_edit(EDIT_KILL_END);
	case 12: return keymap_act(KEYMAP_REDRAW);
	case 14: return keymap_act(KEYMAP_WIN_NEXT);
	case 16: return keymap_act(KEYMAP_WIN_PREV);
	case 21: return keymap_edit(EDIT_KILL_START);
	case 23: return keymap_edit(EDIT_KILL_WORD);
	case 26: return keymap_act(KEYMAP_SUSPEND);
	case 127: return keymap_edit(EDIT_BACKSPACE);
	default: break;
	}
	/* Other controls, C1 controls, surrogates and beyond Unicode: nothing. */
	if (key < 0x20 || (key >= 0x80 && key < 0xa0) || (key >= 0xd800 && key <= 0xdfff) ||
	    key > 0x10ffff)
		return keymap_act(KEYMAP_NONE);
	struct keymap_event ev = {.action = KEYMAP_CHAR, .ch = key};
	return ev;
}

static struct keymap_event keymap_decode(int is_code, unsigned key, int alt)
{
	if (alt)
		return keymap_decode_alt(is_code, key);
	return is_code ? keymap_decode_code(key) : keymap_decode_char(key);
}

/* A complete CSI sequence that ncurses did not know: the common cursor keys,
 * xterm's Alt arrows, VT220 editing keys and focus reports. */
static struct keymap_event keymap_decode_csi(struct keymap *k, unsigned final)
{
	const char *p = k->param;
	int alt = k->alt;
	k->state = KEYMAP_ST_NONE;
	k->alt = 0;
	if (final == '~') {
		if (!strcmp(p, "1") || !strcmp(p, "7"))
			return keymap_edit(EDIT_HOME);
		if (!strcmp(p, "4") || !strcmp(p, "8"))
			return keymap_edit(EDIT_END);
		if (!strcmp(p, "3"))
			return keymap_edit(EDIT_DELETE);
		if (!strcmp(p, "5"))
			return keymap_act(KEYMAP_PAGE_UP);
		if (!strcmp(p, "6"))
			return keymap_act(KEYMAP_PAGE_DOWN);
		return keymap_act(KEYMAP_NONE);
	}
	if ((final == 'C' || final == 'D') && (!strcmp(p, "1;3") || !strcmp(p, "1;9")))
		alt = 1;
	else if (*p)
		return keymap_act(KEYMAP_NONE);
	switch (final) {
	case 'A': return alt ? keymap_act(KEYMAP_NONE) : keymap_edit(EDIT_UP);
	case 'B': return alt ? keymap_act(KEYMAP_NONE) : keymap_edit(EDIT_DOWN);
	case 'C': return alt ? keymap_act(KEYMAP_WIN_NEXT) : keymap_edit(EDIT_RIGHT);
	case 'D': return alt ? keymap_act(KEYMAP_WIN_PREV) : keymap_edit(EDIT_LEFT);
	case 'H': return keymap_edit(EDIT_HOME);
	case 'F': return keymap_edit(EDIT_END);
	case 'I': return keymap_act(KEYMAP_FOCUS_IN);
	case 'O': return keymap_act(KEYMAP_FOCUS_OUT);
	default: return keymap_act(KEYMAP_NONE);
	}
}

static struct keymap_event keymap_feed_csi(struct keymap *k, unsigned key)
{
	if (key >= 0x30 && key <= 0x3f) {
		/* Parameters past the buffer still belong to the sequence. */
		if (k->n_param + 1 < sizeof k->param) {
			k->param[k->n_param++] = (char)key;
			k->param[k->n_param] = '\0';
		}
		return keymap_act(KEYMAP_NONE);
	}
	if (key >= 0x20 && key <= 0x2f)
		return keymap_act(KEYMAP_NONE);
	if (key >= 0x40 && key <= 0x7e)
		return keymap_decode_csi(k, key);
	/* Not a CSI sequence after all: drop what came before, keep the key. */
	k->state = KEYMAP_ST_NONE;
	k->alt = 0;
	return keymap_feed(k, 0, key);
}

static struct keymap_event keymap_feed_ss3(struct keymap *k, unsigned key)
{
	k->state = KEYMAP_ST_NONE;
	switch (key) {
	case 'A': return keymap_edit(EDIT_UP);
	case 'B': return keymap_edit(EDIT_DOWN);
	case 'C': return keymap_edit(EDIT_RIGHT);
	case 'D': return keymap_edit(EDIT_LEFT);
	case 'H': return keymap_edit(EDIT_HOME);
	case 'F': return keymap_edit(EDIT_END);
	default: return keymap_feed(k, 0, key); /* it was Alt-O: ignore that part */
	}
}

struct keymap_event keymap_feed(struct keymap *k, int is_code, unsigned key)
{
	if (k->state == KEYMAP_ST_CSI && !is_code)
		return keymap_feed_csi(k, key);
	if (k->state == KEYMAP_ST_SS3 && !is_code)
		return keymap_feed_ss3(k, key);
	if (k->state == KEYMAP_ST_ESC) {
		if (!is_code && key == 27) {
			k->alt = 1;
			return keymap_act(KEYMAP_NONE);
		}
		if (!is_code && key == '[') {
			k->state = KEYMAP_ST_CSI;
			k->n_param = 0;
			k->param[0] = '\0';
			return keymap_act(KEYMAP_NONE);
		}
		if (!is_code && key == 'O' && !k->alt) {
			k->state = KEYMAP_ST_SS3;
			return keymap_act(KEYMAP_NONE);
		}
		k->state = KEYMAP_ST_NONE;
		k->alt = 0;
		return keymap_decode(is_code, key, 1);
	}
	k->state = KEYMAP_ST_NONE;
	k->alt = 0;
	if (!is_code && key == 27) {
		k->state = KEYMAP_ST_ESC;
		return keymap_act(KEYMAP_NONE);
	}
	return keymap_decode(is_code, key, 0);
}

struct keymap_event keymap_idle(struct keymap *k)
{
	k->state = KEYMAP_ST_NONE;
	k->alt = 0;
	k->n_param = 0;
	return keymap_act(KEYMAP_NONE);
}
