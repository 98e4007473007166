/* SPDX-License-Identifier: MIT */
/* Peer text made safe to draw: controls and invalid bytes become U+FFFD,
 * invisible reordering and zero-width characters go, and the output is
 * always valid UTF-8 cut only between characters. */
#include "sanitize.h"

#include <stdint.h>
#include <string.h>

#include "utf8dec.h"

static const char sanitize_fffd[] = "\xef\xbf\xbd";

/* 1 for the bidi controls, zero-width characters and line/paragraph
 * separators that are dropped outright. */
static int sanitize_is_removed(uint32_t cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e ||
	       cp == 0x200f || cp == 0x061c || (cp >= 0x200b && cp <= 0x200d) || cp == 0x2060 ||
	       cp == 0xfeff || cp == 0x2028 || cp == 0x2029;
}

size_t sanitize_text(const char *s, size_t len, char *out, size_t cap, int keep_newlines)
{
	if (cap == 0)
		return 0;
	/* w is the bytes written; base is where the character that the next
	 * mark would join starts, so that a cut never separates them. */
	size_t i = 0, w = 0, base = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = utf8dec_decode(s + i, len - i, &cp);
		const char *piece = s + i;
		size_t plen = n;
		if (n == 0) {
			piece = sanitize_fffd;
			plen = 3;
			n = 1;
		} else if (cp == '\n' && keep_newlines) {
			/* kept as it is */
		} else if (cp == '\n' || cp == '\t') {
			piece = " ";
		} else if (utf8dec_is_control(cp)) {
			piece = sanitize_fffd;
			plen = 3;
		} else if (sanitize_is_removed(cp)) {
			plen = 0;
		}
		i += n;
		if (plen == 0)
			continue;
		int mark = piece == s + i - n && utf8dec_is_mark(cp);
		if (plen > cap - 1 - w) {
			if (mark)
				w = base;
			break;
		}
		if (!mark) /* a kept '\n' takes no marks: they start anew after it */
			base = *piece == '\n' ? w + 1 : w;
		memcpy(out + w, piece, plen);
		w += plen;
	}
	out[w] = '\0';
	return w;
}
