/* SPDX-License-Identifier: MIT */
/* Small text formats of the client. Everything a peer controls goes through
 * sanitize_text before it lands in a buffer that will be drawn. */
#include "fmt.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sanitize.h"
#include "utf8dec.h"

static struct tm fmt_local(int64_t ms)
{
	struct tm tm;
	time_t t = (time_t)(ms / 1000);
	if (!localtime_r(&t, &tm))
		memset(&tm, 0, sizeof tm);
	return tm;
}

void fmt_clock(int64_t ms, char out[static 6])
{
	struct tm tm = fmt_local(ms);
	snprintf(out, 6, "%02u:%02u", (unsigned)tm.tm_hour % 24u, (unsigned)tm.tm_min % 60u);
}

void fmt_when(int64_t ms, int64_t now_ms, char out[static 17])
{
	struct tm tm = fmt_local(ms), now = fmt_local(now_ms);
	if (tm.tm_year == now.tm_year && tm.tm_yday == now.tm_yday) {
		fmt_clock(ms, out);
		return;
	}
	snprintf(out, 17, "%04u-%02u-%02u %02u:%02u", (unsigned)(tm.tm_year + 1900) % 10000u,
		 (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u,
		 (unsigned)tm.tm_hour % 24u, (unsigned)tm.tm_min % 60u);
}

const char *fmt_state_mark(enum natter_state s, int utf8)
{
	switch (s) {
	case NATTER_QUEUED: return utf8 ? "\u2026" : "..";
	case NATTER_SENT: return utf8 ? "\u2192" : "->";
	case NATTER_DELIVERED: return utf8 ? "\u2713" : "+";
	case NATTER_READ: return utf8 ? "\u2713\u2713" : "++";
	case NATTER_EXPIRED: return utf8 ? "\u2717" : "x";
	case NATTER_CANCELLED: return utf8 ? "\u2298" : "-";
	case NATTER_RECEIVED: break;
	}
	return "";
}

void fmt_short_fp(const char *fp, char out[static 9])
{
	size_t n = strnlen(fp, 8);
	memcpy(out, fp, n);
	out[n] = '\0';
}

size_t fmt_fit(const char *s, size_t len, size_t cols, size_t *used)
{
	size_t off = 0, w = 0, cw;
	while (off < len) {
		size_t n = utf8dec_char(s + off, len - off, &cw);
		if (w + cw > cols)
			break;
		w += cw;
		off += n;
	}
	if (used)
		*used = w;
	return off;
}

void fmt_peer_name(const struct natter_peer *p, char *out, size_t cap)
{
	const char *name = p->alias[0] ? p->alias : p->nick;
	size_t n = 0;
	if (name[0])
		n = sanitize_text(name, strnlen(name, NATTER_NICK_MAX), out, cap, 0);
	if (n == 0) {
		char fp8[9];
		fmt_short_fp(p->fp, fp8);
		snprintf(out, cap, "%s", fp8);
	}
}

void fmt_presence(const struct natter_peer *p, int64_t now_ms, char *out, size_t cap)
{
	if (p->online && p->away) {
		char reason[NATTER_AWAY_MAX * 3 + 1];
		size_t n = sanitize_text(p->away_reason, strnlen(p->away_reason, NATTER_AWAY_MAX),
					 reason, sizeof reason, 0);
		if (n)
			snprintf(out, cap, "away: %s", reason);
		else
			snprintf(out, cap, "away");
	} else if (p->online) {
		snprintf(out, cap, "online");
	} else if (p->last_seen_ms > 0) {
		char when[17];
		fmt_when(p->last_seen_ms, now_ms, when);
		snprintf(out, cap, "offline, last seen %s", when);
	} else {
		snprintf(out, cap, "offline");
	}
}

int fmt_action(const char *text, size_t len, size_t *off)
{
	if (len < 4 || memcmp(text, "/me ", 4) != 0)
		return 0;
	*off = 4;
	return 1;
}
