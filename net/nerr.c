/* SPDX-License-Identifier: MIT */
/* The text for each NERR_* code. */
#include "nerr.h"

const char *nerr_str(int err)
{
	switch (err) {
	case NERR_OK: return "success";
	case NERR_INTERNAL: return "internal error";
	case NERR_NOMEM: return "out of memory";
	case NERR_SHORT: return "input too short";
	case NERR_TOOLONG: return "length over limit";
	case NERR_TRAILING: return "trailing bytes";
	case NERR_FORMAT: return "invalid format";
	case NERR_MAGIC: return "bad magic";
	case NERR_VERSION: return "unsupported version";
	case NERR_CRYPTO: return "authentication failed";
	case NERR_SYSTEM: return "system call failed";
	case NERR_IO: return "input/output error";
	case NERR_EOF: return "connection closed";
	case NERR_AGAIN: return "try again";
	case NERR_TIMEOUT: return "timed out";
	case NERR_PEERKEY: return "peer key mismatch";
	case NERR_STORE: return "store error";
	case NERR_NOTFOUND: return "not found";
	case NERR_AMBIGUOUS: return "ambiguous";
	case NERR_PERM: return "unsafe permissions";
	case NERR_UTF8: return "invalid UTF-8";
	case NERR_EMPTY: return "empty";
	case NERR_BUSY: return "busy";
	case NERR_NET: return "network unavailable";
	case NERR_USAGE: return "usage error";
	case NERR_LIMIT: return "limit reached";
	case NERR_RESET: return "connection lost";
	case NERR_LOCKED: return "passphrase needed";
	}
	return "unknown error";
}
