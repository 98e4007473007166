/* SPDX-License-Identifier: MIT */
/* Output encodings for text that came from peers: the plain --listen escape
 * (one message, one line, nothing raw reaches a terminal), JSON strings, and
 * RFC 3339 UTC times. Writers append to a FILE. */
#ifndef NATTER_TEXT_H
#define NATTER_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Plain escape: backslash as \\, newline \n, tab \t, every other C0 control,
 * DEL, C1 control (U+0080..U+009F) and invisible or reordering character
 * (bidi controls, zero-width characters, U+2028/2029, U+FEFF) as \xHH of its
 * bytes; other valid UTF-8 as is; an invalid byte as \xHH. */
void text_put_escaped(FILE *f, const char *s, size_t len);
/* A JSON string with its quotes: ", \ and controls escaped (\n \t \r \b \f
 * \uXXXX), invisible or reordering characters as \uXXXX, invalid bytes as
 * U+FFFD. */
void text_put_json(FILE *f, const char *s, size_t len);
/* Whether cp reorders or hides text on a terminal (bidi embeddings,
 * overrides and isolates, zero-width characters, U+2028/2029, U+FEFF): the
 * encodings here escape it. */
int text_is_invisible(uint32_t cp);
/* ms since the Unix epoch as RFC 3339 UTC with milliseconds:
 * 2026-11-25T03:31:48.123Z into buf (at least TEXT_TIME_LEN bytes). */
#define TEXT_TIME_LEN 64
void text_time(char buf[static TEXT_TIME_LEN], int64_t ms);
/* Wall-clock now in ms since the epoch. */
int64_t text_now_ms(void);

#endif
