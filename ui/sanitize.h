/* SPDX-License-Identifier: MIT */
/* Make peer-controlled text safe to draw: nothing a peer sends may move the
 * cursor, change colours, reorder text or hide characters. */
#ifndef NATTER_SANITIZE_H
#define NATTER_SANITIZE_H

#include <stddef.h>

/* Copy s[0..len) to out (cap bytes, NUL-terminated, truncated at a character
 * boundary) so that: C0 controls except '\n' (kept if keep_newlines, else a
 * space), tab (a space), DEL and C1 controls become U+FFFD; bidi controls
 * (U+202A..U+202E, U+2066..U+2069, U+200E, U+200F, U+061C), zero-width
 * characters (U+200B..U+200D, U+2060, U+FEFF) and U+2028/U+2029 are removed;
 * invalid UTF-8 becomes U+FFFD per bad byte. Returns the bytes written. */
size_t sanitize_text(const char *s, size_t len, char *out, size_t cap, int keep_newlines);

#endif
