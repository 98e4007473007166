/* SPDX-License-Identifier: MIT */
/* A strict UTF-8 decoder over the bounded reader, one code point at a time;
 * both checks in utf8.h are loops over it. */
#include "utf8.h"
#include "nbuf.h"
#include "nerr.h"

#include <string.h>

/* Decode one code point. The lead byte fixes the sequence length and the
 * smallest code point it may carry, which is how overlong forms are caught. */
static int utf8_next(struct nbuf_reader *r, uint32_t *cp)
{
	uint8_t b;
	uint32_t c;
	uint32_t min;
	int more;
	if (nbuf_get_u8(r, &b) != 0)
		return NERR_UTF8;
	if (b < 0x80) {
		*cp = b;
		return 0;
	} else if (b >= 0xc2 && b <= 0xdf) {
		c = b & 0x1fu;
		more = 1;
		min = 0x80;
	} else if (b >= 0xe0 && b <= 0xef) {
		c = b & 0x0fu;
		more = 2;
		min = 0x800;
	} else if (b >= 0xf0 && b <= 0xf4) {
		c = b & 0x07u;
		more = 3;
		min = 0x10000;
	} else {
		/* 0x80..0xbf stray continuation, 0xc0/0xc1 always overlong, 0xf5.. too high */
		return NERR_UTF8;
	}
	while (more-- > 0) {
		if (nbuf_get_u8(r, &b) != 0 || (b & 0xc0u) != 0x80u)
			return NERR_UTF8;
		c = (c << 6) | (b & 0x3fu);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return NERR_UTF8;
	*cp = c;
	return 0;
}

size_t utf8_decode(const uint8_t *s, size_t len, uint32_t *cp)
{
	struct nbuf_reader r;
	uint32_t c;
	nbuf_reader_init(&r, s, len);
	if (len == 0 || utf8_next(&r, &c) != 0)
		return 0;
	*cp = c;
	return r.off;
}

int utf8_check(const uint8_t *s, size_t len)
{
	struct nbuf_reader r;
	uint32_t cp;
	size_t i = 0;
	/* ASCII, most text, needs no decoding: skip it 8 bytes at a time. */
	for (;;) {
		while (i + 8 <= len) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if (w & UINT64_C(0x8080808080808080))
				break;
			i += 8;
		}
		while (i < len && s[i] < 0x80)
			i++;
		if (i == len)
			return 0;
		/* One multi-byte sequence (or a bad byte), then back to the fast path. */
		nbuf_reader_init(&r, s + i, len - i);
		if (utf8_next(&r, &cp) != 0)
			return NERR_UTF8;
		i = len - nbuf_left(&r);
	}
}

static int utf8_is_control(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f);
}

int utf8_check_nick(const uint8_t *s, size_t len)
{
	struct nbuf_reader r;
	uint32_t cp;
	if (len == 0)
		return NERR_EMPTY;
	if (len > UTF8_NICK_MAX)
		return NERR_TOOLONG;
	nbuf_reader_init(&r, s, len);
	while (nbuf_left(&r) > 0) {
		if (utf8_next(&r, &cp) != 0)
			return NERR_UTF8;
		if (utf8_is_control(cp))
			return NERR_FORMAT;
	}
	return 0;
}
