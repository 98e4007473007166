/* SPDX-License-Identifier: MIT */
/* poll(2) loop: fds in a flat array, timers in an unsorted array scanned per
 * iteration (natter keeps tens of timers, not thousands). */
#include "loop.h"
#include "nerr.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct loop_io {
	int fd;
	short events;
	loop_io_fn fn;
	void *ctx;
	int dead;
};

struct loop_timer {
	uint64_t id;
	int64_t when;
	loop_timer_fn fn;
	void *ctx;
};

struct loop {
	struct loop_io *io;
	size_t n_io, cap_io;
	struct pollfd *pfd;
	struct loop_timer *tm;
	size_t n_tm, cap_tm;
	uint64_t next_id;
	loop_clock_fn clock;
	void *clock_ctx;
};

static int64_t clock_monotonic(void *ctx)
{
	struct timespec ts;
	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct loop *loop_new(void)
{
	struct loop *l = calloc(1, sizeof *l);
	if (!l)
		return NULL;
	l->next_id = 1;
	l->clock = clock_monotonic;
	return l;
}

void loop_free(struct loop *l)
{
	if (!l)
		return;
	free(l->io);
	free(l->pfd);
	free(l->tm);
	free(l);
}

void loop_set_clock(struct loop *l, loop_clock_fn fn, void *ctx)
{
	l->clock = fn;
	l->clock_ctx = ctx;
}

int64_t loop_now(const struct loop *l)
{
	return l->clock(l->clock_ctx);
}

static struct loop_io *find_io(struct loop *l, int fd)
{
	for (size_t i = 0; i < l->n_io; i++)
		if (l->io[i].fd == fd && !l->io[i].dead)
			return &l->io[i];
	return NULL;
}

int loop_add_fd(struct loop *l, int fd, short events, loop_io_fn fn, void *ctx)
{
	if (find_io(l, fd))
		return NERR_INTERNAL;
	if (l->n_io >= LOOP_MAX_FDS)
		return NERR_LIMIT;
	if (l->n_io == l->cap_io) {
		size_t ncap = l->cap_io ? l->cap_io * 2 : 16;
		struct loop_io *nio = realloc(l->io, ncap * sizeof *nio);
		if (!nio)
			return NERR_NOMEM;
		l->io = nio;
		struct pollfd *np = realloc(l->pfd, ncap * sizeof *np);
		if (!np)
			return NERR_NOMEM;
		l->pfd = np;
		l->cap_io = ncap;
	}
	l->io[l->n_io++] = (struct loop_io){fd, events, fn, ctx, 0};
	return 0;
}

int loop_set_events(struct loop *l, int fd, short events)
{
	struct loop_io *io = find_io(l, fd);
	if (!io)
		return NERR_NOTFOUND;
	io->events = events;
	return 0;
}

void loop_del_fd(struct loop *l, int fd)
{
	struct loop_io *io = find_io(l, fd);
	if (io)
		io->dead = 1; /* compacted after dispatch, so indexes stay valid */
}

uint64_t loop_timer_add(struct loop *l, int64_t delay_ms, loop_timer_fn fn, void *ctx)
{
	if (l->n_tm == l->cap_tm) {
		size_t ncap = l->cap_tm ? l->cap_tm * 2 : 16;
		struct loop_timer *nt = realloc(l->tm, ncap * sizeof *nt);
		if (!nt)
			return 0;
		l->tm = nt;
		l->cap_tm = ncap;
	}
	uint64_t id = l->next_id++;
	l->tm[l->n_tm++] = (struct loop_timer){id, loop_now(l) + (delay_ms > 0 ? delay_ms : 0), fn,
					       ctx};
	return id;
}

void loop_timer_cancel(struct loop *l, uint64_t id)
{
	for (size_t i = 0; i < l->n_tm; i++) {
		if (l->tm[i].id == id) {
			l->tm[i] = l->tm[--l->n_tm];
			return;
		}
	}
}

static void compact_io(struct loop *l)
{
	size_t j = 0;
	for (size_t i = 0; i < l->n_io; i++)
		if (!l->io[i].dead)
			l->io[j++] = l->io[i];
	l->n_io = j;
}

/* Fire every timer that is due, earliest first; a timer added by a callback
 * with delay 0 fires on the next iteration, so a loop of timers cannot starve I/O. */
static void run_timers(struct loop *l)
{
	int64_t now = loop_now(l);
	uint64_t limit = l->next_id;
	for (;;) {
		size_t best = l->n_tm;
		for (size_t i = 0; i < l->n_tm; i++)
			if (l->tm[i].when <= now && l->tm[i].id < limit &&
			    (best == l->n_tm || l->tm[i].when < l->tm[best].when))
				best = i;
		if (best == l->n_tm)
			return;
		struct loop_timer t = l->tm[best];
		l->tm[best] = l->tm[--l->n_tm];
		t.fn(t.ctx);
	}
}

int loop_run_once(struct loop *l, int64_t max_ms)
{
	int64_t now = loop_now(l);
	int64_t wait = max_ms;
	for (size_t i = 0; i < l->n_tm; i++) {
		int64_t d = l->tm[i].when - now;
		if (d < 0)
			d = 0;
		if (wait < 0 || d < wait)
			wait = d;
	}
	if (wait > 60000)
		wait = 60000;
	compact_io(l);
	size_t n = l->n_io;
	for (size_t i = 0; i < n; i++) {
		l->pfd[i].fd = l->io[i].fd;
		l->pfd[i].events = l->io[i].events;
		l->pfd[i].revents = 0;
	}
	int r = poll(l->pfd, n, (int)wait);
	if (r < 0 && errno != EINTR)
		return NERR_SYSTEM;
	for (size_t i = 0; r > 0 && i < n; i++) {
		struct loop_io *io = &l->io[i];
		/* An fd deleted (and maybe re-added) by an earlier callback is skipped. */
		if (l->pfd[i].revents == 0 || io->dead || io->fd != l->pfd[i].fd)
			continue;
		io->fn(io->ctx, io->fd, l->pfd[i].revents);
		/* io may have moved if a callback added fds and the array grew. */
	}
	run_timers(l);
	return 0;
}
