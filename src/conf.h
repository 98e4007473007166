/* SPDX-License-Identifier: MIT */
/* HOME/natter.conf: "key = value" lines, '#' comments. Settings that are not
 * given keep their defaults; a missing file is all defaults. */
#ifndef NATTER_CONF_H
#define NATTER_CONF_H

#include <stddef.h>

#define CONF_FILE "natter.conf"

struct conf {
	int read_receipts; /* tell peers what we have read (default on) */
	int bell;	   /* ring on a message for an inactive window (default on) */
};

void conf_defaults(struct conf *c);
/* Read HOME/natter.conf into c (over the defaults). 0, or NERR_FORMAT with a
 * one-line reason ("natter.conf:3: ...") in err; NERR_SYSTEM if unreadable. */
int conf_load(struct conf *c, const char *home, char *err, size_t errlen)
	__attribute__((warn_unused_result));

#endif
