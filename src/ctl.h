/* SPDX-License-Identifier: MIT */
/* The control socket: HOME/ctl.sock (mode 0600), through which the other modes
 * of the same home talk to a running node. Requests and answers are text lines;
 * an answer ends with a line "end". Bounded: a request line is at most
 * CTL_LINE_MAX bytes, an answer at most CTL_OUT_MAX, a client lives at most
 * CTL_CLIENT_TIMEOUT_MS. */
#ifndef NATTER_CTL_H
#define NATTER_CTL_H

#include <stddef.h>

#include "loop.h"
#include "nbuf.h"

#define CTL_SOCKET "ctl.sock"
#define CTL_LINE_MAX 1024
#define CTL_OUT_MAX (1u << 20)
#define CTL_CLIENTS_MAX 16
#define CTL_CLIENT_TIMEOUT_MS 5000

/* Answer one request line (without its newline) by appending to out; the
 * server adds the final "end" line. */
typedef void (*ctl_handler_fn)(void *ctx, const char *line, struct nbuf_q *out);

struct ctl;

/* Listen on HOME/ctl.sock, replacing a stale socket (the caller holds the
 * home's lock). NERR_TOOLONG when the path does not fit a socket address. */
int ctl_open(struct ctl **out, struct loop *l, const char *home, ctl_handler_fn fn, void *ctx)
	__attribute__((warn_unused_result));
/* Stop listening, drop clients and remove the socket file. NULL is a no-op. */
void ctl_free(struct ctl *c);

/* Client side: connect to HOME/ctl.sock, send line, and read the whole answer
 * (without the "end" line) into a malloc'd NUL-terminated string, waiting at
 * most timeout_ms. NERR_NOTFOUND when no node listens there. */
int ctl_request(const char *home, const char *line, int timeout_ms, char **answer)
	__attribute__((warn_unused_result));

#endif
