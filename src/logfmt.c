/* SPDX-License-Identifier: MIT */
/* logfmt lines: keys as given, values quoted and escaped only when needed. */
#include "logfmt.h"
#include "text.h"
#include "utf8.h"

#include <stdio.h>
#include <string.h>

/* Room kept at the end of the line for a closing quote, the newline, NUL. */
#define TAIL 3

struct lbuf {
	char *p;
	size_t len;
	size_t cap;    /* excluding TAIL */
	size_t fields; /* key=value pairs written, for the separating space */
	int cut;       /* a value was cut: nothing more goes on this line */
};

/* Append n bytes whole or not at all; 0 or -1 when they do not fit. */
static int put(struct lbuf *b, const char *s, size_t n)
{
	if (b->cut || n > b->cap - b->len)
		return -1;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	return 0;
}

static int puts_(struct lbuf *b, const char *s)
{
	return put(b, s, strlen(s));
}

/* Escaped as \xHH: controls, and what would reorder or hide the line. */
static int is_control(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || text_is_invisible(cp);
}

static int needs_quotes(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = strlen(s);
	if (len == 0)
		return 1;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_decode(u + i, len - i, &cp);
		if (n == 0 || is_control(cp) || cp == ' ' || cp == '=' || cp == '"' || cp == '\\')
			return 1;
		i += n;
	}
	return 0;
}

/* One escape unit per code point, so a cut never splits an escape or a
 * UTF-8 sequence. */
static void put_value(struct lbuf *b, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = strlen(s);
	if (!needs_quotes(s) && put(b, s, len) == 0)
		return;
	/* Quoted: also a plain value that must be cut, at a code point. */
	if (put(b, "\"", 1) != 0) {
		b->cut = 1;
		return;
	}
	for (size_t i = 0; i < len;) {
		char esc[20];
		uint32_t cp;
		size_t n = utf8_decode(u + i, len - i, &cp);
		int r;
		if (n == 0) {
			snprintf(esc, sizeof esc, "\\x%02x", u[i]);
			r = puts_(b, esc);
			n = 1;
		} else if (cp == '"' || cp == '\\') {
			esc[0] = '\\';
			esc[1] = (char)cp;
			r = put(b, esc, 2);
		} else if (cp == '\n') {
			r = puts_(b, "\\n");
		} else if (cp == '\t') {
			r = puts_(b, "\\t");
		} else if (cp == '\r') {
			r = puts_(b, "\\r");
		} else if (is_control(cp)) {
			size_t k = 0;
			for (size_t j = 0; j < n; j++)
				k += (size_t)snprintf(esc + k, sizeof esc - k, "\\x%02x", u[i + j]);
			r = put(b, esc, k);
		} else {
			r = put(b, s + i, n);
		}
		if (r != 0) {
			b->cut = 1;
			break;
		}
		i += n;
	}
	if (put(b, "\"", 1) != 0) {
		/* Cut, or the value filled the line: close it in the room TAIL
		 * keeps, and end the line there. */
		b->p[b->len++] = '"';
		b->cut = 1;
	}
}

static void put_pair(struct lbuf *b, const char *key, const char *value)
{
	char head[64];
	int n = snprintf(head, sizeof head, "%s%s=", b->fields++ > 0 ? " " : "", key);
	/* Room for the key and at least a quote after it, or no pair at all. */
	if (n < 0 || (size_t)n >= sizeof head || b->cut || (size_t)n + 2 > b->cap - b->len ||
	    put(b, head, (size_t)n) != 0) {
		b->cut = 1;
		return;
	}
	put_value(b, value);
}

size_t logfmt_line(char out[static LOGFMT_LINE_MAX], int64_t ts_ms, int syslog_prefix, int level,
		   const char *msg, const char *const *kv)
{
	struct lbuf b = {out, 0, LOGFMT_LINE_MAX - TAIL, 0, 0};
	if (syslog_prefix)
		(void)puts_(&b, level <= 1 ? "<6>" : "<7>");
	if (ts_ms >= 0) {
		char ts[TEXT_TIME_LEN];
		text_time(ts, ts_ms);
		put_pair(&b, "ts", ts);
	}
	put_pair(&b, "level", level <= 1 ? "info" : "debug");
	put_pair(&b, "msg", msg);
	for (size_t i = 0; kv && kv[i] && kv[i + 1]; i += 2)
		put_pair(&b, kv[i], kv[i + 1]);
	out[b.len++] = '\n';
	out[b.len] = '\0';
	return b.len;
}
