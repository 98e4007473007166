/* SPDX-License-Identifier: MIT */
/* Nick colours: a stable colour per peer, derived from its fingerprint, from
 * a palette that reads well on dark and light backgrounds. Pure. */
#ifndef NATTER_PALETTE_H
#define NATTER_PALETTE_H

#include <stddef.h>

/* How many nick colours a terminal with ncolours colours offers: more on a
 * 256-colour terminal, the basic ones otherwise; 0 when ncolours < 8. */
size_t palette_size(int ncolours);
/* The palette entry for fp (any NUL-terminated string, normally the 64 hex
 * digits): the same fp always gives the same entry, < palette_size(). 0 when
 * the palette is empty. */
size_t palette_index(const char *fp, int ncolours);
/* The terminal colour number of entry i (< palette_size(ncolours)). Never
 * black, white or red (red is for errors). */
int palette_colour(size_t i, int ncolours);

#endif
