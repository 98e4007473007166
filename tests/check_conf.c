/* SPDX-License-Identifier: MIT */
/* natter.conf: defaults, on/off values, comments, errors with line numbers. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "nerr.h"

static char dir[64];

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/natter-conf-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char path[128];
	snprintf(path, sizeof path, "%s/%s", dir, CONF_FILE);
	unlink(path);
	rmdir(dir);
}

static void write_conf(const char *text)
{
	char path[128];
	snprintf(path, sizeof path, "%s/%s", dir, CONF_FILE);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

START_TEST(a_missing_file_gives_the_defaults)
{
	struct conf c;
	char err[256] = "";
	conf_defaults(&c);
	ck_assert_int_eq(conf_load(&c, dir, err, sizeof err), 0);
	ck_assert_int_eq(c.read_receipts, 1);
	ck_assert_int_eq(c.bell, 1);
}
END_TEST

START_TEST(settings_turn_off_with_comments_and_spaces_around)
{
	struct conf c;
	char err[256] = "";
	write_conf("# my settings\n\n  read_receipts =  off  # privacy\nbell=No\n");
	conf_defaults(&c);
	ck_assert_int_eq(conf_load(&c, dir, err, sizeof err), 0);
	ck_assert_int_eq(c.read_receipts, 0);
	ck_assert_int_eq(c.bell, 0);
}
END_TEST

START_TEST(an_unknown_setting_is_an_error_with_its_line)
{
	struct conf c;
	char err[256] = "";
	write_conf("bell = on\nbelll = off\n");
	conf_defaults(&c);
	ck_assert_int_eq(conf_load(&c, dir, err, sizeof err), NERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(err, "natter.conf:2: unknown setting 'belll'"));
}
END_TEST

START_TEST(a_bad_value_is_an_error_with_its_line)
{
	struct conf c;
	char err[256] = "";
	write_conf("read_receipts = maybe\n");
	conf_defaults(&c);
	ck_assert_int_eq(conf_load(&c, dir, err, sizeof err), NERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(err, ":1: read_receipts wants on or off"));
}
END_TEST

START_TEST(a_line_without_equals_is_an_error)
{
	struct conf c;
	char err[256] = "";
	write_conf("bell\n");
	conf_defaults(&c);
	ck_assert_int_eq(conf_load(&c, dir, err, sizeof err), NERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(err, ":1: expected key = value"));
}
END_TEST

Suite *conf_suite(void);
Suite *conf_suite(void)
{
	Suite *s = suite_create("conf");
	TCase *tc = tcase_create("file");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, a_missing_file_gives_the_defaults);
	tcase_add_test(tc, settings_turn_off_with_comments_and_spaces_around);
	tcase_add_test(tc, an_unknown_setting_is_an_error_with_its_line);
	tcase_add_test(tc, a_bad_value_is_an_error_with_its_line);
	tcase_add_test(tc, a_line_without_equals_is_an_error);
	suite_add_tcase(s, tc);
	return s;
}
