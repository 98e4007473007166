/* SPDX-License-Identifier: MIT */
/* The screen: title line, message area, status bar and input line as four
 * ncurses windows, drawn from struct ui; only the parts marked dirty are
 * drawn again, and one doupdate sends the difference to the terminal. */
#ifndef NATTER_DRAW_H
#define NATTER_DRAW_H

#include <stddef.h>

#include "winlist.h"

struct ui;
struct draw;

#define DRAW_MIN_COLS 40
#define DRAW_MIN_ROWS 10

/* After initscr: pick colours (none with NO_COLOR or on a monochrome
 * terminal; sets ui->ncolours) and lay out the windows. NULL when out of
 * memory. draw_free(NULL) is a no-op. */
struct draw *draw_new(struct ui *ui);
void draw_free(struct draw *d);
/* Draw the parts in ui->dirty (and clear it); the cursor ends in the input
 * line. Returns 1 when the message area is on screen (the terminal is not
 * too small), else 0. */
int draw_flush(struct draw *d, struct ui *ui);
/* Rows of the message area (0 when too small). */
size_t draw_msg_rows(const struct draw *d);
/* Rows line l takes in the message area at the current width (>= 1). */
size_t draw_rows(struct draw *d, struct ui *ui, const struct winlist_line *l);

#endif
