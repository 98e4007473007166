/* SPDX-License-Identifier: MIT */
/* Small text formats of the client: clock times, delivery marks, short
 * fingerprints, peer names and presence, fitting text to a column count.
 * Pure (no ncurses); widths need an UTF-8 LC_CTYPE. */
#ifndef NATTER_FMT_H
#define NATTER_FMT_H

#include <stddef.h>
#include <stdint.h>

#include "natter.h"

#define FMT_NAME_MAX	 128 /* bytes of a drawn peer name, NUL included */
#define FMT_PRESENCE_MAX 512

/* "HH:MM" in local time for a wall-clock time in ms. */
void fmt_clock(int64_t ms, char out[static 6]);
/* "HH:MM" when ms is on the same local day as now_ms, else "YYYY-MM-DD HH:MM". */
void fmt_when(int64_t ms, int64_t now_ms, char out[static 17]);
/* The mark after an own message in state s: "…" queued, "→" sent, "✓"
 * delivered, "✓✓" read, or ASCII ".." "->" "+" "++" when utf8 is 0; at most
 * two columns. "" for states an own message does not have. */
const char *fmt_state_mark(enum natter_state s, int utf8);
/* The first 8 digits of fp ("" stays ""). */
void fmt_short_fp(const char *fp, char out[static 9]);
/* The longest prefix of s[0..len) that fits in cols columns, in bytes; never
 * splits a character or separates it from its combining marks; invalid bytes
 * are one column each. Its width into *used when used is not NULL. */
size_t fmt_fit(const char *s, size_t len, size_t cols, size_t *used);
/* The name to draw for p: its alias, else its nick, else its short
 * fingerprint; sanitised to one line, into out (cap >= 16). */
void fmt_peer_name(const struct natter_peer *p, char *out, size_t cap);
/* p's presence as the title shows it: "online", "away", "away: REASON",
 * "offline, last seen WHEN" or "offline"; the reason sanitised. */
void fmt_presence(const struct natter_peer *p, int64_t now_ms, char *out, size_t cap);
/* Whether text is an action ("/me ACTION"): 1 and the ACTION's offset into
 * *off, else 0. */
int fmt_action(const char *text, size_t len, size_t *off);

#endif
