/* SPDX-License-Identifier: MIT */
/* Display width and greedy line wrapping by character: a line ends after
 * the last space that fits, inside a word that does not fit at all, or at a
 * '\n'. Every line holds at least one character, so wrapping always ends. */
#include "wrap.h"

#include "utf8dec.h"

size_t wrap_width(const char *s, size_t len)
{
	size_t w = 0, cols;
	for (size_t i = 0; i < len; w += cols)
		i += utf8dec_char(s + i, len - i, &cols);
	return w;
}

/* Record line n if there is room for it; always count it. */
static size_t wrap_emit(struct wrap_line *out, size_t max, size_t n, const char *s, size_t off,
			size_t len)
{
	if (n < max) {
		out[n].off = off;
		out[n].len = len;
		out[n].cols = wrap_width(s + off, len);
	}
	return n + 1;
}

/* 1 when s[i..end) starts with a space that carries no mark. */
static int wrap_space_at(const char *s, size_t i, size_t end)
{
	size_t cols;
	return i < end && s[i] == ' ' && utf8dec_char(s + i, end - i, &cols) == 1;
}

/* The end of the first line of s[start..end) (no '\n' in it, start < end)
 * and where the next line starts, past a dropped space. */
static size_t wrap_one(const char *s, size_t start, size_t end, size_t width, size_t *next)
{
	size_t i = start, w = 0, space = 0, n, cols;
	while (i < end) {
		n = utf8dec_char(s + i, end - i, &cols);
		int is_space = n == 1 && s[i] == ' ';
		if (w + cols > width) {
			if (is_space) {
				*next = i + 1;
				return i;
			}
			if (space > start) {
				*next = space + 1;
				return space;
			}
			/* A word longer than the line: split it, but give a
			 * character wider than the whole line one of its own
			 * (a space right after it is then a soft break). */
			*next = i;
			if (i == start) {
				i += n;
				*next = wrap_space_at(s, i, end) ? i + 1 : i;
			}
			return i;
		}
		if (is_space)
			space = i;
		w += cols;
		i += n;
	}
	*next = end;
	return end;
}

size_t wrap_lines(const char *s, size_t len, size_t width, struct wrap_line *out, size_t max)
{
	if (width == 0)
		width = 1;
	size_t n = 0, i = 0;
	while (i < len) {
		size_t eol = i;
		while (eol < len && s[eol] != '\n')
			eol++;
		if (eol == i)
			n = wrap_emit(out, max, n, s, i, 0);
		while (i < eol) {
			size_t next, end = wrap_one(s, i, eol, width, &next);
			n = wrap_emit(out, max, n, s, i, end - i);
			i = next;
		}
		i = eol + 1;
	}
	return n;
}
