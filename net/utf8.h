/* SPDX-License-Identifier: MIT */
/* Strict UTF-8 validation (RFC 3629) for text that came off the wire, and the
 * stricter rule for nicks: short, valid and free of control characters. */
#ifndef NATTER_UTF8_H
#define NATTER_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define UTF8_WUR __attribute__((warn_unused_result))

#define UTF8_NICK_MAX 32 /* longest nick, in bytes */

/* Check that the len bytes at s are well-formed UTF-8: no overlong forms, no
 * surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequence
 * and no stray continuation byte. U+0000 is allowed; len 0 is valid. Reads
 * only s[0..len). Returns 0 or NERR_UTF8. */
int utf8_check(const uint8_t *s, size_t len) UTF8_WUR;
/* Decode the code point at the start of s[0..len): its byte length (1..4)
 * and *cp, or 0 when the bytes there are not strict UTF-8 (as utf8_check). */
size_t utf8_decode(const uint8_t *s, size_t len, uint32_t *cp) UTF8_WUR;

/* Check a nick: 1..UTF8_NICK_MAX bytes of valid UTF-8 without C0 controls
 * (U+0000..U+001F, so no NUL), DEL (U+007F) or C1 controls (U+0080..U+009F).
 * Returns 0, NERR_EMPTY (len 0), NERR_TOOLONG (len over the limit, checked
 * before the content), NERR_UTF8 (malformed) or NERR_FORMAT (a control). */
int utf8_check_nick(const uint8_t *s, size_t len) UTF8_WUR;

#endif
