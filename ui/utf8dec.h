/* SPDX-License-Identifier: MIT */
/* The UTF-8 decoding that the ui/ modules share: strict code point decoding,
 * display widths from wcwidth, and characters (a code point with the
 * combining marks after it). Pure; widths need an UTF-8 LC_CTYPE. */
#ifndef NATTER_UTF8DEC_H
#define NATTER_UTF8DEC_H

#include <stddef.h>
#include <stdint.h>

/* Decode the code point that s[0..len) starts with. Returns its length in
 * bytes (1..4) and writes *cp; returns 0 (and leaves *cp alone) when len is 0
 * or s does not start with a well-formed sequence: a stray continuation byte,
 * C0, C1 or F5..FF, an overlong form, a surrogate, a value past U+10FFFF or a
 * sequence cut short. */
size_t utf8dec_decode(const char *s, size_t len, uint32_t *cp);

/* 1 for the C0 controls, DEL and the C1 controls, else 0. */
int utf8dec_is_control(uint32_t cp);

/* 1 for a code point that joins the character before it: one that is not a
 * control and whose wcwidth is 0 (combining marks, zero-width characters). */
int utf8dec_is_mark(uint32_t cp);

/* Display columns of cp: wcwidth's 0, 1 or 2, and 1 for what wcwidth calls
 * non-printable (controls, unassigned code points). */
size_t utf8dec_width(uint32_t cp);

/* The character that s[0..len) starts with (len >= 1): a code point and the
 * marks after it (a control takes none), or one byte that is not valid UTF-8.
 * Returns its length in bytes (>= 1) and writes its columns to *cols (an
 * invalid byte is 1 column). */
size_t utf8dec_char(const char *s, size_t len, size_t *cols);

#endif
