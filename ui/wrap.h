/* SPDX-License-Identifier: MIT */
/* Display width and line wrapping of UTF-8 text for the message area. A
 * character is a code point with the combining marks after it; its width is
 * wcwidth's (2 for wide CJK and emoji). Pure; needs an UTF-8 LC_CTYPE. */
#ifndef NATTER_WRAP_H
#define NATTER_WRAP_H

#include <stddef.h>

struct wrap_line {
	size_t off;  /* byte offset in the text */
	size_t len;  /* bytes, without the break */
	size_t cols; /* display width, <= the width asked for (see below) */
};

/* Display columns of s[0..len) (invalid bytes count 1 each). */
size_t wrap_width(const char *s, size_t len);
/* Split s into lines of at most width (>= 1) columns: break after the last
 * space that fits, else inside the word (never inside a character); '\n' is a
 * hard break; the space at a soft break is dropped. Every line holds at least
 * one character, except the empty line that a '\n' at the start of s or right
 * after another '\n' stands for (a last '\n' adds no line; "" has none). A
 * character wider than width (CJK or emoji at width 1) gets a line of its
 * own, whose cols is then its width. Writes up to max lines to out and
 * returns how many lines the whole text needs (may be > max). */
size_t wrap_lines(const char *s, size_t len, size_t width, struct wrap_line *out, size_t max);

#endif
