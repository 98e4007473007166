/* SPDX-License-Identifier: MIT */
/* Shared by the bench tools: clocks, percentiles, "key=value" output.
 * Header-only so that each tool is one translation unit. */
#ifndef NB_COMMON_H
#define NB_COMMON_H

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline int64_t nb_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Wall clock in microseconds since the epoch, comparable with bash's $EPOCHREALTIME. */
static inline int64_t nb_real_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static inline void nb_sleep_us(long us)
{
	struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

__attribute__((noreturn, format(printf, 1, 2))) static inline void nb_die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static inline int nb_cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* The p-th percentile (0..100, nearest rank) of v[n]; sorts v. */
static inline int64_t nb_pct(int64_t *v, size_t n, double p)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof *v, nb_cmp_i64);
	size_t rank = (size_t)(p / 100.0 * (double)n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return v[rank - 1];
}

static inline long nb_atol(const char *s, const char *what)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || end == s)
		nb_die("bad %s: %s", what, s);
	return v;
}

/* Peak and current resident set of this process, KiB, from /proc/self/status. */
static inline void nb_self_rss(long *hwm, long *rss)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");
	*hwm = *rss = -1;
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, "VmHWM:", 6) == 0)
			*hwm = strtol(line + 6, NULL, 10);
		else if (strncmp(line, "VmRSS:", 6) == 0)
			*rss = strtol(line + 6, NULL, 10);
	}
	fclose(f);
}

#endif
