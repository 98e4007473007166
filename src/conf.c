/* SPDX-License-Identifier: MIT */
/* The configuration file parser: small, strict, with line numbers in errors. */
#include "conf.h"
#include "nerr.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

void conf_defaults(struct conf *c)
{
	c->read_receipts = 1;
	c->bell = 1;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

static int parse_bool(const char *v, int *out)
{
	static const char *const yes[] = {"on", "yes", "true", "1"};
	static const char *const no[] = {"off", "no", "false", "0"};
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

static const struct {
	const char *key;
	size_t off;
} bool_keys[] = {
	{"read_receipts", offsetof(struct conf, read_receipts)},
	{"bell", offsetof(struct conf, bell)},
};

int conf_load(struct conf *c, const char *home, char *err, size_t errlen)
{
	char path[PATH_MAX], line[1024];
	unsigned lineno = 0;
	int r = 0;
	snprintf(path, sizeof path, "%s/%s", home, CONF_FILE);
	FILE *f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return NERR_SYSTEM;
	}
	while (fgets(line, sizeof line, f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(err, errlen, "%s:%u: line too long", path, lineno);
			r = NERR_FORMAT;
			break;
		}
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *s = trim(line);
		if (!*s)
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, errlen, "%s:%u: expected key = value", path, lineno);
			r = NERR_FORMAT;
			break;
		}
		*eq = '\0';
		char *key = trim(s), *val = trim(eq + 1);
		size_t i;
		for (i = 0; i < sizeof bool_keys / sizeof bool_keys[0]; i++)
			if (strcmp(key, bool_keys[i].key) == 0)
				break;
		if (i == sizeof bool_keys / sizeof bool_keys[0]) {
			snprintf(err, errlen, "%s:%u: unknown setting '%.40s'", path, lineno, key);
			r = NERR_FORMAT;
			break;
		}
		if (parse_bool(val, (int *)((char *)c + bool_keys[i].off)) != 0) {
			snprintf(err, errlen, "%s:%u: %s wants on or off, not '%.40s'", path, lineno,
				 key, val);
			r = NERR_FORMAT;
			break;
		}
	}
	fclose(f);
	return r;
}
