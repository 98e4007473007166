/* SPDX-License-Identifier: MIT */
/* The two output encodings for peer text on arbitrary bytes. The plain escape
 * must leave no control, DEL, C1 or invisible character and no invalid UTF-8 in
 * its output, and must be reversible; the JSON output must be one well-formed
 * JSON string (RFC 8259) that decodes to the input with U+FFFD for each byte
 * that does not start a valid sequence. */
#define _GNU_SOURCE /* open_memstream on older C libraries */
#include "fuzz.h"
#include "text.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What text.h says may not reach a terminal raw. */
static int fuzz_is_hidden(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c ||
	       (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2060 && cp <= 0x2069) || cp == 0xfeff;
}

static int fuzz_hex(uint8_t c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

/* Run put on the input and hand back the bytes it wrote (free them). */
static char *fuzz_capture(void (*put)(FILE *, const char *, size_t), const uint8_t *data,
			  size_t size, size_t *outlen)
{
	char *out = NULL;
	FILE *f = open_memstream(&out, outlen);
	if (!f)
		abort();
	put(f, (const char *)data, size);
	if (fclose(f) != 0)
		abort();
	return out;
}

static void fuzz_escaped(const uint8_t *data, size_t size)
{
	size_t len, back_len = 0;
	const uint8_t *o = (const uint8_t *)fuzz_capture(text_put_escaped, data, size, &len);
	uint8_t *back = malloc(size + 1);
	FUZZ_CHECK(back != NULL);
	for (size_t i = 0; i < len; i++)
		FUZZ_CHECK(o[i] >= 0x20 && o[i] != 0x7f);
	/* Valid UTF-8 with nothing hidden, and the escapes undo to the input. */
	for (size_t i = 0, n; i < len; i += n) {
		uint32_t cp;
		FUZZ_CHECK((n = fuzz_utf8_decode(o + i, len - i, &cp)) != 0);
		FUZZ_CHECK(!fuzz_is_hidden(cp));
		FUZZ_CHECK(back_len + n <= size);
		if (cp != '\\') {
			memcpy(back + back_len, o + i, n);
			back_len += n;
			continue;
		}
		FUZZ_CHECK(i + 1 < len);
		switch (o[i + 1]) {
		case '\\':
			back[back_len++] = '\\';
			n = 2;
			break;
		case 'n':
			back[back_len++] = '\n';
			n = 2;
			break;
		case 't':
			back[back_len++] = '\t';
			n = 2;
			break;
		case 'x':
			FUZZ_CHECK(i + 3 < len && fuzz_hex(o[i + 2]) >= 0 &&
				   fuzz_hex(o[i + 3]) >= 0);
			back[back_len++] = (uint8_t)(fuzz_hex(o[i + 2]) << 4 | fuzz_hex(o[i + 3]));
			n = 4;
			break;
		default: FUZZ_CHECK(!"an unknown escape");
		}
	}
	FUZZ_CHECK(back_len == size && memcmp(back, data, size) == 0);
	free(back);
	free((void *)o);
}

/* Append cp as UTF-8 to buf (room checked by the caller). */
static size_t fuzz_put_utf8(uint8_t *buf, uint32_t cp)
{
	if (cp < 0x80) {
		buf[0] = (uint8_t)cp;
		return 1;
	}
	if (cp < 0x800) {
		buf[0] = (uint8_t)(0xc0 | cp >> 6);
		buf[1] = (uint8_t)(0x80 | (cp & 0x3f));
		return 2;
	}
	buf[0] = (uint8_t)(0xe0 | cp >> 12); /* JSON escapes here are all in the BMP */
	buf[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
	buf[2] = (uint8_t)(0x80 | (cp & 0x3f));
	return 3;
}

/* Parse o[0..len) as exactly one JSON string (RFC 8259 section 7) into UTF-8
 * at dec (at least 3 * len bytes); return the decoded length. Aborts on any
 * syntax error; a \u escape of a surrogate counts as one too, since text.h
 * never needs a surrogate pair. */
static size_t fuzz_json_parse(const uint8_t *o, size_t len, uint8_t *dec)
{
	size_t d = 0, i = 1, n;
	FUZZ_CHECK(len >= 2 && o[0] == '"' && o[len - 1] == '"');
	while (i < len - 1) {
		uint32_t cp;
		FUZZ_CHECK((n = fuzz_utf8_decode(o + i, len - 1 - i, &cp)) != 0);
		FUZZ_CHECK(cp >= 0x20 && cp != '"'); /* unescaped controls and quotes are errors */
		FUZZ_CHECK(!fuzz_is_hidden(cp));     /* text.h: escaped, though JSON allows them */
		if (cp != '\\') {
			memcpy(dec + d, o + i, n);
			d += n;
			i += n;
			continue;
		}
		FUZZ_CHECK(i + 1 < len - 1);
		switch (o[i + 1]) {
		case '"': dec[d++] = '"'; break;
		case '\\': dec[d++] = '\\'; break;
		case '/': dec[d++] = '/'; break;
		case 'b': dec[d++] = '\b'; break;
		case 'f': dec[d++] = '\f'; break;
		case 'n': dec[d++] = '\n'; break;
		case 'r': dec[d++] = '\r'; break;
		case 't': dec[d++] = '\t'; break;
		case 'u':
			FUZZ_CHECK(i + 5 < len - 1);
			cp = 0;
			for (size_t k = 2; k < 6; k++) {
				FUZZ_CHECK(fuzz_hex(o[i + k]) >= 0);
				cp = cp << 4 | (uint32_t)fuzz_hex(o[i + k]);
			}
			FUZZ_CHECK(cp < 0xd800 || cp > 0xdfff);
			d += fuzz_put_utf8(dec + d, cp);
			i += 6;
			continue;
		default: FUZZ_CHECK(!"an escape JSON does not have");
		}
		i += 2;
	}
	return d;
}

static void fuzz_json(const uint8_t *data, size_t size)
{
	size_t len, want_len = 0;
	const uint8_t *o = (const uint8_t *)fuzz_capture(text_put_json, data, size, &len);
	uint8_t *got = malloc(3 * len + 1), *want = malloc(3 * size + 1);
	FUZZ_CHECK(got != NULL && want != NULL);
	size_t got_len = fuzz_json_parse(o, len, got);
	for (size_t i = 0, n; i < size; i += n) {
		uint32_t cp;
		if ((n = fuzz_utf8_decode(data + i, size - i, &cp)) == 0) {
			memcpy(want + want_len, "\xef\xbf\xbd", 3); /* U+FFFD */
			want_len += 3;
			n = 1;
		} else {
			memcpy(want + want_len, data + i, n);
			want_len += n;
		}
	}
	FUZZ_CHECK(got_len == want_len && memcmp(got, want, got_len) == 0);
	free(got);
	free(want);
	free((void *)o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_escaped(data, size);
	fuzz_json(data, size);
	return 0;
}
