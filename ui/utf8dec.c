/* SPDX-License-Identifier: MIT */
/* Strict UTF-8 decoding (Unicode table 3-7) and wcwidth-based character
 * widths for the ui/ modules, which may not use the core's utf8 module. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* wcwidth; the ncursesw flags may define it already */
#endif

#include "utf8dec.h"

#include <wchar.h>

size_t utf8dec_decode(const char *s, size_t len, uint32_t *cp)
{
	if (len == 0)
		return 0;
	const unsigned char *p = (const unsigned char *)s;
	unsigned char b = p[0];
	if (b < 0x80) {
		*cp = b;
		return 1;
	}
	size_t n;
	uint32_t v;
	/* The second byte's range excludes overlong forms, surrogates and
	 * values past U+10FFFF; later bytes are plain continuations. */
	unsigned char lo = 0x80, hi = 0xbf;
	if (b >= 0xc2 && b <= 0xdf) {
		n = 2;
		v = b & 0x1f;
	} else if (b >= 0xe0 && b <= 0xef) {
		n = 3;
		v = b & 0x0f;
		if (b == 0xe0)
			lo = 0xa0;
		else if (b == 0xed)
			hi = 0x9f;
	} else if (b >= 0xf0 && b <= 0xf4) {
		n = 4;
		v = b & 0x07;
		if (b == 0xf0)
			lo = 0x90;
		else if (b == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (len < n || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3f);
	}
	*cp = v;
	return n;
}

int utf8dec_is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

int utf8dec_is_mark(uint32_t cp)
{
	return !utf8dec_is_control(cp) && wcwidth((wchar_t)cp) == 0;
}

size_t utf8dec_width(uint32_t cp)
{
	int w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : (size_t)w;
}

size_t utf8dec_char(const char *s, size_t len, size_t *cols)
{
	uint32_t cp;
	size_t n = utf8dec_decode(s, len, &cp);
	if (n == 0) {
		*cols = 1;
		return 1;
	}
	*cols = utf8dec_width(cp);
	if (utf8dec_is_control(cp))
		return n;
	size_t m;
	uint32_t mark;
	while ((m = utf8dec_decode(s + n, len - n, &mark)) != 0 && utf8dec_is_mark(mark))
		n += m;
	return n;
}
