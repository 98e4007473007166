/* SPDX-License-Identifier: MIT */
/* One poll(2) event loop with one-shot timers: the only place natter waits.
 * An idle loop sleeps until the next timer or I/O; nothing busy-waits. */
#ifndef NATTER_LOOP_H
#define NATTER_LOOP_H

#include <stdint.h>

struct loop;

/* Called with the poll revents (POLLIN, POLLOUT, POLLERR, POLLHUP) of fd. */
typedef void (*loop_io_fn)(void *ctx, int fd, short revents);
typedef void (*loop_timer_fn)(void *ctx);
/* A clock in milliseconds; the default is CLOCK_MONOTONIC. */
typedef int64_t (*loop_clock_fn)(void *ctx);

/* A new loop; NULL on allocation failure. */
struct loop *loop_new(void);
/* Frees the loop; does not close the fds it watched. NULL is a no-op. */
void loop_free(struct loop *l);
/* Replace the clock (tests). */
void loop_set_clock(struct loop *l, loop_clock_fn fn, void *ctx);
int64_t loop_now(const struct loop *l);

/* Watch fd for events (POLLIN/POLLOUT); one registration per fd: 0, NERR_NOMEM,
 * NERR_LIMIT (over LOOP_MAX_FDS) or NERR_INTERNAL when fd is already watched. */
#define LOOP_MAX_FDS 4096
int loop_add_fd(struct loop *l, int fd, short events, loop_io_fn fn, void *ctx);
/* Change the events of a watched fd; NERR_NOTFOUND if it is not watched. */
int loop_set_events(struct loop *l, int fd, short events);
/* Stop watching fd (safe from inside any callback). */
void loop_del_fd(struct loop *l, int fd);

/* A one-shot timer after delay_ms; returns its id (never 0), or 0 on
 * allocation failure. Cancelling a fired or unknown id is a no-op. */
uint64_t loop_timer_add(struct loop *l, int64_t delay_ms, loop_timer_fn fn, void *ctx);
void loop_timer_cancel(struct loop *l, uint64_t id);

/* Wait at most max_ms (-1: no limit) for I/O or a timer, dispatch what is
 * ready and return 0, or NERR_SYSTEM when poll fails other than by EINTR. */
int loop_run_once(struct loop *l, int64_t max_ms);

#endif
