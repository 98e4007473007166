/* SPDX-License-Identifier: MIT */
/* Log lines for -v as key=value pairs (logfmt), one line per event, for a
 * terminal, a file or the journal: ts=... level=info msg="..." key=value. */
#ifndef NATTER_LOGFMT_H
#define NATTER_LOGFMT_H

#include <stddef.h>
#include <stdint.h>

#define LOGFMT_LINE_MAX 1024 /* a longer line is cut inside a value, still quoted */

/* Format one line into out[LOGFMT_LINE_MAX], ending in "\n" and then a NUL,
 * and return its length (without the NUL). ts_ms < 0 leaves out ts= (journald stamps lines itself);
 * syslog_prefix starts the line with "<6>" (info) or "<7>" (debug) so the
 * journal records the priority. level is 1 (info) or 2 and more (debug).
 * kv is NULL or a NULL-terminated list of key, value pairs added after msg.
 * A value is quoted when it is empty or holds a space, '=', '"', a control
 * or non-UTF-8 byte; inside quotes " and \ are escaped with \, newline, tab
 * and CR as \n \t \r, every other C0, DEL and C1 control, invisible or
 * reordering character (see text.h) and invalid byte as \xHH of its bytes. Keys are trusted
 * (literals). */
size_t logfmt_line(char out[static LOGFMT_LINE_MAX], int64_t ts_ms, int syslog_prefix, int level,
		   const char *msg, const char *const *kv);

#endif
