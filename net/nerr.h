/* SPDX-License-Identifier: MIT */
/* Error codes shared by every layer: 0 is success, a negative NERR_* a failure.
 * nerr_str() gives a short English description for logs and messages. */
#ifndef NATTER_NERR_H
#define NATTER_NERR_H

enum nerr {
	NERR_OK = 0,
	NERR_INTERNAL = -1,   /* a bug: an invariant did not hold */
	NERR_NOMEM = -2,      /* allocation failed */
	NERR_SHORT = -3,      /* input ended before the value did */
	NERR_TOOLONG = -4,    /* a length is over its limit */
	NERR_TRAILING = -5,   /* bytes left over after a complete value */
	NERR_FORMAT = -6,     /* a field holds a value the format forbids */
	NERR_MAGIC = -7,      /* wrong magic bytes */
	NERR_VERSION = -8,    /* unsupported protocol or file version */
	NERR_CRYPTO = -9,     /* a MAC, signature or key check failed */
	NERR_SYSTEM = -10,    /* a system call failed; errno tells more */
	NERR_IO = -11,        /* read/write on a file or socket failed */
	NERR_EOF = -12,       /* the other side closed */
	NERR_AGAIN = -13,     /* would block; try again later */
	NERR_TIMEOUT = -14,   /* a deadline passed */
	NERR_PEERKEY = -15,   /* the peer's key is not the one expected */
	NERR_STORE = -16,     /* the SQLite store failed */
	NERR_NOTFOUND = -17,  /* no such thing */
	NERR_AMBIGUOUS = -18, /* several things match */
	NERR_PERM = -19,      /* unsafe permissions or ownership */
	NERR_UTF8 = -20,      /* not valid UTF-8 */
	NERR_EMPTY = -21,     /* empty where content is required */
	NERR_BUSY = -22,      /* held by another process */
	NERR_NET = -23,       /* network unavailable: bind, interface, route */
	NERR_USAGE = -24,     /* a bad argument from the user */
	NERR_LIMIT = -25,     /* a rate or capacity limit was hit */
	NERR_RESET = -26,     /* the other side went away without an orderly close */
	NERR_LOCKED = -27,    /* a passphrase is needed and none was given */
};

/* Return a static, never-NULL description of err (any int). */
const char *nerr_str(int err);

#endif
