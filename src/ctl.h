/* SPDX-License-Identifier: MIT */
/* The control socket: HOME/ctl.sock (mode 0600), through which the other
 * modes of the same home talk to the running node. Text lines both ways;
 * a client may stay connected and receive lines later (delivery reports).
 * Bounded: a line is at most CTL_LINE_MAX bytes, what waits to be written to
 * one client at most CTL_OUT_MAX, and at most CTL_CLIENTS_MAX clients. */
#ifndef NATTER_CTL_H
#define NATTER_CTL_H

#include <stddef.h>

#include "loop.h"

#define CTL_SOCKET "ctl.sock"
#define CTL_LINE_MAX (2 * 65536 + 256) /* a hex-encoded 64 KiB message and its fields */
#define CTL_OUT_MAX (8u << 20)
#define CTL_CLIENTS_MAX 32

struct ctl;
struct ctl_client;

/* One complete line from a client (without its newline). */
typedef void (*ctl_line_fn)(void *ctx, struct ctl_client *cl, const char *line);
/* A client is gone; cl is freed right after this returns. */
typedef void (*ctl_gone_fn)(void *ctx, struct ctl_client *cl);

/* Listen on HOME/ctl.sock, replacing a stale socket (the caller holds the
 * home's lock). NERR_TOOLONG when the path does not fit a socket address. */
int ctl_open(struct ctl **out, struct loop *l, const char *home, ctl_line_fn on_line,
	     ctl_gone_fn on_gone, void *ctx) __attribute__((warn_unused_result));
/* Stop listening, drop clients (calling on_gone) and remove the socket file.
 * NULL is a no-op. */
void ctl_free(struct ctl *c);
/* Queue line + "\n" for the client; a client whose queue would pass
 * CTL_OUT_MAX is dropped (NERR_LIMIT). */
int ctl_client_send(struct ctl_client *cl, const char *line);
/* Write what is queued for the client now, as far as the socket takes it,
 * instead of at the loop's next turn. Never drops or frees the client: an
 * error is left for the next turn to find. */
void ctl_client_flush(struct ctl_client *cl);
size_t ctl_client_count(const struct ctl *c);

/* Client side. Connect to HOME/ctl.sock: a blocking socket in *fd, or
 * NERR_NOTFOUND when no node listens there. */
int ctl_connect(const char *home, int *fd) __attribute__((warn_unused_result));
/* Read one line from fd into line[cap] (NUL-terminated, newline dropped),
 * buffering in buf[CTL_LINE_MAX + 1] / *len between calls; waits at most
 * timeout_ms (< 0: no limit). NERR_TIMEOUT, NERR_EOF, NERR_TOOLONG. */
int ctl_read_line(int fd, char *buf, size_t *len, char *line, size_t cap, int timeout_ms)
	__attribute__((warn_unused_result));
/* Send line, then read every answer line up to "end" into a malloc'd string
 * (lines joined by "\n", without "end"), within timeout_ms. */
int ctl_request(const char *home, const char *line, int timeout_ms, char **answer)
	__attribute__((warn_unused_result));

#endif
