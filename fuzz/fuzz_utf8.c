/* SPDX-License-Identifier: MIT */
/* utf8_check and utf8_check_nick against the reference decoder in fuzz.h,
 * which is written a different way from utf8.c's table of lead-byte ranges and
 * minimums. Any disagreement aborts. */
#include "fuzz.h"
#include "nerr.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int ref_check(const uint8_t *s, size_t len)
{
	uint32_t cp;
	for (size_t i = 0, n; i < len; i += n)
		if ((n = fuzz_utf8_decode(s + i, len - i, &cp)) == 0)
			return NERR_UTF8;
	return 0;
}

static int ref_check_nick(const uint8_t *s, size_t len)
{
	uint32_t cp;
	if (len == 0)
		return NERR_EMPTY;
	if (len > 32)
		return NERR_TOOLONG;
	for (size_t i = 0, n; i < len; i += n) {
		if ((n = fuzz_utf8_decode(s + i, len - i, &cp)) == 0)
			return NERR_UTF8;
		if (cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f))
			return NERR_FORMAT;
	}
	return 0;
}

static void fuzz_agree(const char *what, int got, int want, const uint8_t *s, size_t len)
{
	if (got == want)
		return;
	fprintf(stderr, "%s: utf8.c says %d (%s), the reference %d (%s) on %zu bytes:", what, got,
		nerr_str(got), want, nerr_str(want), len);
	for (size_t i = 0; i < len && i < 64; i++)
		fprintf(stderr, " %02x", s[i]);
	fputc('\n', stderr);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_agree("utf8_check", utf8_check(data, size), ref_check(data, size), data, size);
	/* Nicks are short: also try every prefix up to the limit and one past it. */
	for (size_t n = 0; n <= size && n <= UTF8_NICK_MAX + 1; n++)
		fuzz_agree("utf8_check_nick", utf8_check_nick(data, n), ref_check_nick(data, n),
			   data, n);
	return 0;
}
