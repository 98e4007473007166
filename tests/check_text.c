/* SPDX-License-Identifier: MIT */
/* Output encodings for peer text: the plain escape lets no control byte reach
 * a terminal and can be undone; JSON strings are valid JSON; times are RFC 3339
 * UTC with milliseconds. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "text.h"

typedef void (*put_fn)(FILE *, const char *, size_t);

/* Everything fn writes for s[len], NUL-terminated; *outlen is its length. */
static char *capture(put_fn fn, const char *s, size_t len, size_t *outlen)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	if (!f)
		ck_abort_msg("open_memstream failed");
	fn(f, s, len);
	if (fclose(f) != 0)
		ck_abort_msg("fclose failed");
	if (outlen)
		*outlen = n;
	return buf;
}

/* No byte a terminal would act on: C0 controls and DEL. The C1 controls in
 * their UTF-8 form (c2 80..c2 9f) are refused too. Returns the offset of the
 * first offending byte, or n. (Plain ifs: Check's asserts are too slow for
 * the exhaustive loops below.) */
static size_t terminal_unsafe_at(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n; i++) {
		if (u[i] < 0x20 || u[i] == 0x7f)
			return i;
		if (u[i] == 0xc2 && i + 1 < n && u[i + 1] >= 0x80 && u[i + 1] <= 0x9f)
			return i;
	}
	return n;
}

/* A strict UTF-8 check (RFC 3629), written independently of text.c: both
 * encodings promise their output is valid UTF-8. Returns the offset of the
 * first bad sequence, or n. */
static size_t utf8_bad_at(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		unsigned c = u[i], k;
		unsigned long cp;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			k = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 3, cp = c & 0x07;
		else
			return i;
		if (n - i <= k)
			return i;
		for (unsigned j = 1; j <= k; j++) {
			if ((u[i + j] & 0xc0) != 0x80)
				return i;
			cp = cp << 6 | (u[i + j] & 0x3f);
		}
		if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += k + 1;
	}
	return n;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Undo text_put_escaped into out (at least n bytes); returns the length, or
 * (size_t)-1 if s is not something the escape can produce. */
static size_t unescape(const char *s, size_t n, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\') {
			out[o++] = s[i];
			continue;
		}
		if (++i >= n)
			return (size_t)-1;
		if (s[i] == '\\')
			out[o++] = '\\';
		else if (s[i] == 'n')
			out[o++] = '\n';
		else if (s[i] == 't')
			out[o++] = '\t';
		else if (s[i] == 'x' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0)
			out[o++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2])), i += 2;
		else
			return (size_t)-1;
	}
	return o;
}

/* A tiny JSON string checker: one quoted string and nothing else, no raw
 * control byte, only the escapes JSON allows, no raw U+2028/2029. Returns
 * NULL, or what is wrong. */
static const char *json_string_error(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		return "not quoted";
	for (size_t i = 1; i < n - 1; i++) {
		if (u[i] < 0x20 || u[i] == 0x7f)
			return "raw control byte";
		if (u[i] == '"')
			return "unescaped quote";
		if (u[i] == 0xe2 && i + 2 < n && u[i + 1] == 0x80 &&
		    (u[i + 2] == 0xa8 || u[i + 2] == 0xa9))
			return "raw U+2028/2029";
		if (u[i] != '\\')
			continue;
		if (i + 1 >= n - 1)
			return "backslash escapes the closing quote";
		char e = s[++i];
		if (e == 'u') {
			if (i + 4 >= n - 1)
				return "short \\u escape";
			for (int k = 1; k <= 4; k++)
				if (hexval(s[i + k]) < 0)
					return "bad \\u escape";
			i += 4;
		} else if (e == '\0' || !strchr("\"\\/bfnrt", e)) {
			return "unknown escape";
		}
	}
	return NULL;
}

static void assert_escaped(const char *in, size_t len, const char *want)
{
	size_t n;
	char *got = capture(text_put_escaped, in, len, &n);
	ck_assert_str_eq(got, want);
	ck_assert_uint_eq(terminal_unsafe_at(got, n), n);
	ck_assert_uint_eq(utf8_bad_at(got, n), n);
	ck_assert_uint_eq(n, strlen(want));
	free(got);
}

static void assert_json(const char *in, size_t len, const char *want)
{
	size_t n;
	char *got = capture(text_put_json, in, len, &n);
	ck_assert_str_eq(got, want);
	ck_assert_ptr_null(json_string_error(got, n));
	ck_assert_uint_eq(utf8_bad_at(got, n), n);
	ck_assert_uint_eq(n, strlen(want));
	free(got);
}

#define ESC(lit, want)	assert_escaped(lit, sizeof(lit) - 1, want)
#define JSON(lit, want) assert_json(lit, sizeof(lit) - 1, want)

/* The inputs of group g (0..INPUT_GROUPS-1), each passed to check with its
 * length; check fails the test on the first wrong one. Groups 0..15: every 1- and 2-byte input,
 * sixteen first bytes per group. Group 16: 3-byte inputs led by the bytes where multibyte edge
 * cases live, every second byte, a sample of third bytes. */
#define INPUT_GROUPS 17
static void for_each_input(int g, void (*check)(const unsigned char *, size_t))
{
	static const unsigned char leads[] = {0x00, 0x1b, 0x22, 0x5c, 0x7f, 0xc2, 0xdf,
					      0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4};
	static const unsigned char thirds[] = {0x00, 0x0a, 0x1b, 0x41, 0x5c, 0x7f, 0x80,
					       0x85, 0x9f, 0xa0, 0xa8, 0xbf, 0xc0, 0xff};
	size_t nfirst = g < 16 ? 16 : sizeof leads;
	size_t nthird = g < 16 ? 1 : sizeof thirds;
	size_t len = g < 16 ? 2 : 3;
	unsigned char in[3];
	for (size_t a = 0; a < nfirst; a++) {
		in[0] = g < 16 ? (unsigned char)(16 * g + (int)a) : leads[a];
		for (unsigned b1 = 0; b1 < 256; b1++) {
			in[1] = (unsigned char)b1;
			for (size_t k = 0; k < nthird; k++) {
				in[2] = thirds[k];
				for (size_t l = 1; l <= len; l++) {
					check(in, l);
				}
			}
		}
	}
}

/* ---- plain escape ---- */

START_TEST(escaped_plain_text_is_unchanged)
{
	ESC("hello, world", "hello, world");
	ESC("", "");
}
END_TEST

START_TEST(escaped_backslash_is_doubled)
{
	ESC("a\\b", "a\\\\b");
	/* so a literal "\x41" in a message cannot pass for an escape */
	ESC("\\x41", "\\\\x41");
}
END_TEST

START_TEST(escaped_newline_and_tab_use_short_escapes)
{
	ESC("one\ntwo", "one\\ntwo");
	ESC("a\tb", "a\\tb");
}
END_TEST

START_TEST(escaped_carriage_return_is_hex)
{
	ESC("over\rwrite", "over\\x0dwrite");
}
END_TEST

START_TEST(escaped_escape_and_nul_are_hex)
{
	ESC("\x1b[2J", "\\x1b[2J");
	assert_escaped("a\0b", 3, "a\\x00b");
}
END_TEST

START_TEST(escaped_del_is_hex)
{
	ESC("\x7f", "\\x7f");
}
END_TEST

START_TEST(escaped_c1_control_is_hex_of_its_bytes)
{
	ESC("\xc2\x85", "\\xc2\\x85"); /* U+0085 NEL */
	ESC("\xc2\x9b", "\\xc2\\x9b"); /* U+009B CSI */
	ESC("\xc2\xa0", "\xc2\xa0");   /* U+00A0 is not a control */
}
END_TEST

START_TEST(escaped_valid_multibyte_utf8_passes_through)
{
	ESC("caf\xc3\xa9", "caf\xc3\xa9");	     /* é */
	ESC("\xe6\xbc\xa2", "\xe6\xbc\xa2");	     /* 漢 */
	ESC("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"); /* 😀 */
}
END_TEST

START_TEST(escaped_invalid_bytes_are_hex)
{
	ESC("\xff", "\\xff");
	ESC("a\x80z", "a\\x80z");			 /* stray continuation */
	ESC("\xc0\xaf", "\\xc0\\xaf");			 /* overlong '/' */
	ESC("\xe0\x80\xaf", "\\xe0\\x80\\xaf");		 /* overlong '/', 3 bytes */
	ESC("\xf0\x80\x80\xaf", "\\xf0\\x80\\x80\\xaf"); /* overlong '/', 4 bytes */
	ESC("\xe6\xbc", "\\xe6\\xbc");			 /* truncated at the end */
	ESC("\xe6\xbc!", "\\xe6\\xbc!");		 /* truncated mid-string */
	ESC("\xed\xa0\x80", "\\xed\\xa0\\x80");		 /* surrogate */
	ESC("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"); /* above U+10FFFF */
}
END_TEST

static void escape_check(const unsigned char *in, size_t len)
{
	char back[3];
	size_t n;
	char *got = capture(text_put_escaped, (const char *)in, len, &n);
	const char *err = NULL;
	if (terminal_unsafe_at(got, n) != n)
		err = "a control byte in the output";
	else if (utf8_bad_at(got, n) != n)
		err = "invalid UTF-8 in the output";
	else if (unescape(got, n, back) != len || memcmp(back, in, len) != 0)
		err = "does not unescape to the input";
	if (err)
		ck_abort_msg("input %02x %02x %02x (len %zu): %s: \"%s\"", in[0],
			     len > 1 ? in[1] : 0, len > 2 ? in[2] : 0, len, err, got);
	free(got);
}

START_TEST(escaped_output_has_no_control_byte_and_unescapes_to_the_input)
{
	for_each_input(_i, escape_check);
}
END_TEST

/* ---- JSON ---- */

START_TEST(json_wraps_plain_text_in_quotes)
{
	JSON("hello", "\"hello\"");
	JSON("", "\"\"");
}
END_TEST

START_TEST(json_escapes_quote_and_backslash)
{
	JSON("say \"hi\"", "\"say \\\"hi\\\"\"");
	JSON("a\\b", "\"a\\\\b\"");
}
END_TEST

START_TEST(json_uses_short_escapes_for_common_controls)
{
	JSON("\n\t\r\b\f", "\"\\n\\t\\r\\b\\f\"");
}
END_TEST

START_TEST(json_escapes_other_controls_as_u00xx)
{
	JSON("\x01", "\"\\u0001\"");
	JSON("\x1b[0m", "\"\\u001b[0m\"");
	assert_json("\0", 1, "\"\\u0000\"");
	JSON("\x1f", "\"\\u001f\"");
	JSON("\x7f", "\"\\u007f\"");
	JSON("\xc2\x85", "\"\\u0085\"");
}
END_TEST

START_TEST(json_escapes_line_and_paragraph_separators)
{
	JSON("a\xe2\x80\xa8"
	     "b\xe2\x80\xa9",
	     "\"a\\u2028b\\u2029\"");
	JSON("\xe2\x80\xa7", "\"\xe2\x80\xa7\""); /* U+2027 is left alone */
}
END_TEST

START_TEST(json_passes_valid_multibyte_utf8_through)
{
	JSON("caf\xc3\xa9 \xe6\xbc\xa2 \xf0\x9f\x98\x80",
	     "\"caf\xc3\xa9 \xe6\xbc\xa2 \xf0\x9f\x98\x80\"");
}
END_TEST

START_TEST(json_replaces_each_invalid_byte_with_ufffd)
{
	JSON("\xff", "\"\\ufffd\"");
	JSON("a\x80z", "\"a\\ufffdz\"");
	JSON("\xc0\xaf", "\"\\ufffd\\ufffd\"");
	JSON("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"");
	JSON("\xf0\x8f\xbf\xbf", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	JSON("\xe6\xbc", "\"\\ufffd\\ufffd\"");
	JSON("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");
}
END_TEST

static void json_check(const unsigned char *in, size_t len)
{
	size_t n;
	char *got = capture(text_put_json, (const char *)in, len, &n);
	const char *err = json_string_error(got, n);
	if (!err && utf8_bad_at(got, n) != n)
		err = "invalid UTF-8 in the output";
	if (err)
		ck_abort_msg("input %02x %02x %02x (len %zu): %s: %s", in[0], len > 1 ? in[1] : 0,
			     len > 2 ? in[2] : 0, len, err, got);
	free(got);
}

START_TEST(json_output_is_a_valid_json_string_for_any_input)
{
	for_each_input(_i, json_check);
}
END_TEST

/* ---- time ---- */

static void assert_time(int64_t ms, const char *want)
{
	char buf[TEXT_TIME_LEN];
	memset(buf, 'X', sizeof buf);
	text_time(buf, ms);
	ck_assert_str_eq(buf, want);
}

START_TEST(time_of_0_is_the_epoch)
{
	assert_time(0, "1970-01-01T00:00:00.000Z");
}
END_TEST

START_TEST(time_of_known_values_is_rfc3339_utc_with_milliseconds)
{
	assert_time(1700000000123LL, "2023-11-14T22:13:20.123Z");
	assert_time(1795577508123LL, "2026-11-25T03:31:48.123Z");
	assert_time(1709208000000LL, "2024-02-29T12:00:00.000Z");
	assert_time(253402300799999LL, "9999-12-31T23:59:59.999Z");
	assert_time(1, "1970-01-01T00:00:00.001Z");
}
END_TEST

START_TEST(time_before_the_epoch_borrows_a_second)
{
	assert_time(-1, "1969-12-31T23:59:59.999Z");
	assert_time(-999, "1969-12-31T23:59:59.001Z");
	assert_time(-1000, "1969-12-31T23:59:59.000Z");
	assert_time(-1001, "1969-12-31T23:59:58.999Z");
	assert_time(-2208988800000LL, "1900-01-01T00:00:00.000Z");
}
END_TEST

START_TEST(time_ignores_the_local_time_zone)
{
	setenv("TZ", "EST5EDT", 1);
	tzset();
	assert_time(0, "1970-01-01T00:00:00.000Z");
	assert_time(1700000000123LL, "2023-11-14T22:13:20.123Z");
}
END_TEST

START_TEST(time_of_the_extreme_values_stays_in_the_buffer)
{
	static const int64_t v[] = {INT64_MIN, INT64_MIN + 1, INT64_MAX};
	for (size_t k = 0; k < 3; k++) {
		char buf[TEXT_TIME_LEN];
		memset(buf, 'X', sizeof buf);
		text_time(buf, v[k]);
		size_t n = strnlen(buf, sizeof buf);
		ck_assert_uint_lt(n, sizeof buf);
		ck_assert_int_eq(buf[n - 1], 'Z');
	}
}
END_TEST

START_TEST(now_is_wall_clock_milliseconds)
{
	int64_t before = (int64_t)time(NULL) * 1000;
	int64_t now = text_now_ms();
	int64_t after = (int64_t)time(NULL) * 1000 + 1000;
	ck_assert_int_ge(now, before);
	ck_assert_int_lt(now, after);
}
END_TEST

#define ADD(t)                                                                                     \
	do {                                                                                       \
		TCase *tc_ = tcase_create(#t);                                                     \
		tcase_add_test(tc_, t);                                                            \
		suite_add_tcase(s, tc_);                                                           \
	} while (0)

START_TEST(escaped_bidi_and_zero_width_characters_are_hex)
{
	/* U+202E RIGHT-TO-LEFT OVERRIDE, U+200B ZERO WIDTH SPACE, U+2066 LRI */
	const char in[] = "a\xe2\x80\xae"
			  "b\xe2\x80\x8b"
			  "c\xe2\x81\xa6";
	char *out = capture(text_put_escaped, in, sizeof in - 1, NULL);
	ck_assert_str_eq(out, "a\\xe2\\x80\\xaeb\\xe2\\x80\\x8bc\\xe2\\x81\\xa6");
	free(out);
	out = capture(text_put_json, in, sizeof in - 1, NULL);
	ck_assert_str_eq(out, "\"a\\u202eb\\u200bc\\u2066\"");
	free(out);
}
END_TEST

Suite *text_suite(void);
Suite *text_suite(void)
{
	Suite *s = suite_create("text");
	ADD(escaped_plain_text_is_unchanged);
	ADD(escaped_backslash_is_doubled);
	ADD(escaped_newline_and_tab_use_short_escapes);
	ADD(escaped_carriage_return_is_hex);
	ADD(escaped_escape_and_nul_are_hex);
	ADD(escaped_del_is_hex);
	ADD(escaped_c1_control_is_hex_of_its_bytes);
	ADD(escaped_valid_multibyte_utf8_passes_through);
	ADD(escaped_invalid_bytes_are_hex);
	ADD(escaped_bidi_and_zero_width_characters_are_hex);
	TCase *ex = tcase_create("escaped_output_has_no_control_byte_and_unescapes_to_the_input");
	tcase_set_timeout(ex, 60);
	tcase_add_loop_test(ex, escaped_output_has_no_control_byte_and_unescapes_to_the_input, 0,
			    INPUT_GROUPS);
	suite_add_tcase(s, ex);

	ADD(json_wraps_plain_text_in_quotes);
	ADD(json_escapes_quote_and_backslash);
	ADD(json_uses_short_escapes_for_common_controls);
	ADD(json_escapes_other_controls_as_u00xx);
	ADD(json_escapes_line_and_paragraph_separators);
	ADD(json_passes_valid_multibyte_utf8_through);
	ADD(json_replaces_each_invalid_byte_with_ufffd);
	TCase *jv = tcase_create("json_output_is_a_valid_json_string_for_any_input");
	tcase_set_timeout(jv, 60);
	tcase_add_loop_test(jv, json_output_is_a_valid_json_string_for_any_input, 0, INPUT_GROUPS);
	suite_add_tcase(s, jv);

	ADD(time_of_0_is_the_epoch);
	ADD(time_of_known_values_is_rfc3339_utc_with_milliseconds);
	ADD(time_before_the_epoch_borrows_a_second);
	ADD(time_ignores_the_local_time_zone);
	ADD(time_of_the_extreme_values_stays_in_the_buffer);
	ADD(now_is_wall_clock_milliseconds);
	return s;
}
