/* SPDX-License-Identifier: MIT */
/* Escaping for plain and JSON output, and time formatting. */
#include "text.h"
#include "utf8.h"

#include <time.h>

/* Code points that reorder or hide text on a terminal: bidi embeddings,
 * overrides and isolates, zero-width characters, line/paragraph separators. */
int text_is_invisible(uint32_t cp)
{
	return (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2060 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029 || cp == 0xfeff ||
	       cp == 0x061c;
}

/* How many bytes from s on are printable ASCII that need no escape (the
 * common case), so that they go out in one fwrite. */
static size_t plain_run(const unsigned char *s, size_t len, int json)
{
	size_t n = 0;
	while (n < len && s[n] >= 0x20 && s[n] < 0x7f && s[n] != '\\' && !(json && s[n] == '"'))
		n++;
	return n;
}

void text_put_escaped(FILE *f, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t run = plain_run(s + i, len - i, 0);
		if (run > 0) {
			fwrite(s + i, 1, run, f);
			i += run;
			continue;
		}
		size_t n = utf8_decode(s + i, len - i, &cp);
		if (n == 0) {
			fprintf(f, "\\x%02x", s[i]);
			i++;
			continue;
		}
		if (cp == '\\')
			fputs("\\\\", f);
		else if (cp == '\n')
			fputs("\\n", f);
		else if (cp == '\t')
			fputs("\\t", f);
		else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
			 text_is_invisible(cp))
			for (size_t k = 0; k < n; k++)
				fprintf(f, "\\x%02x", s[i + k]);
		else
			fwrite(s + i, 1, n, f);
		i += n;
	}
}

void text_put_json(FILE *f, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	fputc('"', f);
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t run = plain_run(s + i, len - i, 1);
		if (run > 0) {
			fwrite(s + i, 1, run, f);
			i += run;
			continue;
		}
		size_t n = utf8_decode(s + i, len - i, &cp);
		if (n == 0) {
			fputs("\\ufffd", f);
			i++;
			continue;
		}
		switch (cp) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\t': fputs("\\t", f); break;
		case '\r': fputs("\\r", f); break;
		case '\b': fputs("\\b", f); break;
		case '\f': fputs("\\f", f); break;
		default:
			if (cp < 0x20 || cp == 0x7f || text_is_invisible(cp) ||
			    (cp >= 0x80 && cp <= 0x9f))
				fprintf(f, "\\u%04x", (unsigned)cp);
			else
				fwrite(s + i, 1, n, f);
		}
		i += n;
	}
	fputc('"', f);
}

void text_time(char buf[static TEXT_TIME_LEN], int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	int frac = (int)(ms % 1000);
	if (frac < 0) {
		frac += 1000;
		t -= 1;
	}
	gmtime_r(&t, &tm);
	snprintf(buf, TEXT_TIME_LEN, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
}

int64_t text_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
