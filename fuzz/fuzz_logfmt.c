/* SPDX-License-Identifier: MIT */
/* -v log lines on arbitrary messages and values: one line, shorter than
 * LOGFMT_LINE_MAX, no control, C1 or invisible character and no invalid UTF-8,
 * and it parses back as key=value pairs whose values undo to the input (a
 * prefix of it when the line was cut). Input: a flags byte, then the message
 * and an extra value separated by a NUL. */
#include "fuzz.h"
#include "logfmt.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What logfmt.h says may not reach a terminal raw. */
static int fuzz_is_hidden(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c ||
	       (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2060 && cp <= 0x2069) || cp == 0xfeff;
}

static int fuzz_hex(uint8_t c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Parse one value at *p, unescaped into out (capacity LOGFMT_LINE_MAX); its
 * length. Aborts on anything logfmt.c must not write. */
static size_t fuzz_value(const char **p, char *out)
{
	const char *s = *p;
	size_t n = 0;
	if (*s != '"') {
		while (*s && *s != ' ' && *s != '\n') {
			FUZZ_CHECK(*s != '=' && *s != '"' && *s != '\\');
			out[n++] = *s++;
		}
		FUZZ_CHECK(n > 0); /* an empty value is written "" */
		*p = s;
		return n;
	}
	for (s++; *s != '"'; s++) {
		FUZZ_CHECK(*s != '\0' && *s != '\n');
		if (*s != '\\') {
			out[n++] = *s;
			continue;
		}
		s++;
		if (*s == '"' || *s == '\\')
			out[n++] = *s;
		else if (*s == 'n')
			out[n++] = '\n';
		else if (*s == 't')
			out[n++] = '\t';
		else if (*s == 'r')
			out[n++] = '\r';
		else {
			FUZZ_CHECK(*s == 'x' && fuzz_hex((uint8_t)s[1]) >= 0 &&
				   fuzz_hex((uint8_t)s[2]) >= 0);
			out[n++] = (char)(fuzz_hex((uint8_t)s[1]) * 16 + fuzz_hex((uint8_t)s[2]));
			s += 2;
		}
	}
	*p = s + 1;
	return n;
}

/* got is want, or with cut set a prefix of it. */
static void fuzz_same(const char *got, size_t got_len, const char *want, int cut)
{
	size_t want_len = strlen(want);
	FUZZ_CHECK(got_len == want_len || (cut && got_len < want_len));
	FUZZ_CHECK(memcmp(got, want, got_len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char line[LOGFMT_LINE_MAX], val[LOGFMT_LINE_MAX];
	if (size < 1 || size > 4 * LOGFMT_LINE_MAX)
		return 0;
	uint8_t flags = data[0];
	char *in = malloc(size + 1);
	FUZZ_CHECK(in != NULL);
	memcpy(in, data + 1, size - 1);
	in[size - 1] = '\0';
	const char *msg = in, *extra = in + strlen(in);
	if ((size_t)(extra - in) < size - 1)
		extra++; /* after the NUL */
	const char *kv[] = {"x", extra, NULL};
	int prefix = flags & 1, level = flags & 2 ? 2 : 1;
	int64_t ts = flags & 4 ? FUZZ_NOW_MS : -1;
	size_t len = logfmt_line(line, ts, prefix, level, msg, kv);

	FUZZ_CHECK(len > 0 && len < LOGFMT_LINE_MAX && len == strlen(line) &&
		   line[len - 1] == '\n');
	for (size_t i = 0, n; i < len - 1; i += n) {
		uint32_t cp;
		FUZZ_CHECK((n = fuzz_utf8_decode((const uint8_t *)line + i, len - 1 - i, &cp)) !=
			   0);
		FUZZ_CHECK(!fuzz_is_hidden(cp));
	}
	/* A line near the limit may have been cut: its last value is a prefix. */
	int cut = len >= LOGFMT_LINE_MAX - 16;
	const char *p = line;
	if (prefix) {
		FUZZ_CHECK(strncmp(p, level == 1 ? "<6>" : "<7>", 3) == 0);
		p += 3;
	}
	int seen_msg = 0, seen_x = 0;
	for (int field = 0; *p != '\n'; field++) {
		if (field > 0) {
			FUZZ_CHECK(*p == ' ');
			p++;
		}
		const char *eq = strchr(p, '=');
		FUZZ_CHECK(eq != NULL);
		size_t klen = (size_t)(eq - p);
		char key[8] = "";
		FUZZ_CHECK(klen > 0 && klen < sizeof key);
		memcpy(key, p, klen);
		p = eq + 1;
		size_t n = fuzz_value(&p, val);
		if (field == 0 && ts >= 0)
			FUZZ_CHECK(strcmp(key, "ts") == 0 && n == 24);
		else if (strcmp(key, "level") == 0)
			fuzz_same(val, n, level == 1 ? "info" : "debug", 0);
		else if (strcmp(key, "msg") == 0 && !seen_msg++)
			fuzz_same(val, n, msg, cut);
		else if (strcmp(key, "x") == 0 && !seen_x++)
			fuzz_same(val, n, extra, cut);
		else
			FUZZ_CHECK(0); /* an unknown or repeated key */
	}
	FUZZ_CHECK(seen_msg || cut);
	FUZZ_CHECK(seen_x || cut);
	free(in);
	return 0;
}
