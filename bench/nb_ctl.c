/* SPDX-License-Identifier: MIT */
/* nb_ctl: talks to a running natter node over HOME/ctl.sock (the line
 * protocol of src/ctl.c and on_ctl_line in src/node.c), and times processes.
 *
 *   nb_ctl rtt HOME FP N WARMUP SIZE      N messages one at a time, from "send"
 *                                         to "delivered" (durable at both ends)
 *   nb_ctl waitonline HOME FP T0_US TIMEOUT_MS
 *                                         until HOME's node lists FP online;
 *                                         prints the time since T0 (epoch us)
 *   nb_ctl meshwait T0_US TIMEOUT_MS N HOME...
 *                                         until every HOME lists N-1 peers online
 *   nb_ctl online HOME                    peers online / known
 *   nb_ctl spawn K CMD ARGS...            run CMD K times; wall time of each
 *                                         (it must exit 0 within 60 s)
 *
 * Output is "key=value" lines for bench/bench.sh. Every wait is bounded. */
#define _GNU_SOURCE
#include "nb_common.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define LINE_CAP 4096

struct ctl {
	int fd;
	char buf[65536];
	size_t len;
};

static int ctl_open(struct ctl *c, const char *home)
{
	struct sockaddr_un sa;
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (snprintf(sa.sun_path, sizeof sa.sun_path, "%s/ctl.sock", home) >=
	    (int)sizeof sa.sun_path)
		nb_die("home path too long for a socket: %s", home);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	c->len = 0;
	if (c->fd < 0)
		return -1;
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	return 0;
}

static void ctl_close(struct ctl *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

static int ctl_write(struct ctl *c, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = send(c->fd, s, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* One line into out (without "\n"): 0, -1 on EOF/error, -2 on timeout. */
static int ctl_line(struct ctl *c, char *out, size_t cap, int timeout_ms)
{
	int64_t deadline = nb_mono_ns() + (int64_t)timeout_ms * 1000000;
	for (;;) {
		char *nl = memchr(c->buf, '\n', c->len);
		if (nl) {
			size_t n = (size_t)(nl - c->buf);
			size_t k = n < cap - 1 ? n : cap - 1;
			memcpy(out, c->buf, k);
			out[k] = '\0';
			memmove(c->buf, nl + 1, c->len - n - 1);
			c->len -= n + 1;
			return 0;
		}
		if (c->len == sizeof c->buf)
			return -1;
		int64_t left = (deadline - nb_mono_ns()) / 1000000;
		if (left <= 0)
			return -2;
		struct pollfd p = {c->fd, POLLIN, 0};
		int r = poll(&p, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			return -2;
		ssize_t got = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;
		c->len += (size_t)got;
	}
}

/* Ask for "peers": how many are online, and whether fp (may be NULL) is. */
static int ctl_peers(struct ctl *c, const char *fp, int *online, int *known, int *fp_online)
{
	char line[LINE_CAP];
	*online = *known = 0;
	if (fp_online)
		*fp_online = 0;
	if (ctl_write(c, "peers\n", 6) != 0)
		return -1;
	for (;;) {
		if (ctl_line(c, line, sizeof line, 2000) != 0)
			return -1;
		if (strcmp(line, "end") == 0)
			return 0;
		/* peer FP ONLINE ADDR LAST_SEEN VERIFIED NICK ALIAS */
		if (strncmp(line, "peer\t", 5) != 0 || strlen(line) < 5 + 64 + 2)
			continue;
		int on = line[5 + 64 + 1] == '1';
		(*known)++;
		*online += on;
		if (fp && fp_online && strncmp(line + 5, fp, 64) == 0)
			*fp_online = on;
	}
}

static void hexenc(char *out, const unsigned char *in, size_t n)
{
	static const char d[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[in[i] >> 4];
		out[2 * i + 1] = d[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int cmd_rtt(int argc, char **argv)
{
	if (argc != 7)
		nb_die("usage: nb_ctl rtt HOME FP N WARMUP SIZE");
	const char *home = argv[2], *fp = argv[3];
	long n = nb_atol(argv[4], "N"), warm = nb_atol(argv[5], "WARMUP");
	long size = nb_atol(argv[6], "SIZE");
	if (n < 1 || warm < 0 || size < 16 || size > 4096 || strlen(fp) != 64)
		nb_die("rtt: bad arguments");
	struct ctl c;
	if (ctl_open(&c, home) != 0)
		nb_die("no node listens on %s/ctl.sock", home);
	char *req = malloc((size_t)(5 + 64 + 1 + 2 * size + 2));
	unsigned char *text = malloc((size_t)size);
	int64_t *lat = calloc((size_t)n, sizeof *lat);
	char line[LINE_CAP], id[64];
	if (!req || !text || !lat)
		nb_die("out of memory");
	for (long i = 0; i < warm + n; i++) {
		/* 100 printable bytes, numbered so that every message differs. */
		int k = snprintf((char *)text, (size_t)size, "rtt %08ld ", i);
		memset(text + k, 'x', (size_t)(size - k));
		int hl = sprintf(req, "send\t%s\t", fp);
		hexenc(req + hl, text, (size_t)size);
		hl += 2 * (int)size;
		req[hl++] = '\n';
		int64_t t0 = nb_mono_ns();
		if (ctl_write(&c, req, (size_t)hl) != 0)
			nb_die("rtt: node went away");
		int queued = 0;
		for (;;) {
			int r = ctl_line(&c, line, sizeof line, 10000);
			if (r != 0)
				nb_die("rtt: no answer for message %ld (%s)", i,
				       r == -2 ? "timeout" : "closed");
			if (strncmp(line, "queued\t", 7) == 0) {
				snprintf(id, sizeof id, "%.32s", line + 7);
				queued = 1;
			} else if (strncmp(line, "delivered\t", 10) == 0 && queued &&
				   strncmp(line + 10, id, 32) == 0) {
				break;
			} else if (strncmp(line, "error", 5) == 0 || strncmp(line, "refused", 7) == 0) {
				nb_die("rtt: node answered: %s", line);
			}
		}
		if (i >= warm)
			lat[i - warm] = (nb_mono_ns() - t0) / 1000;
	}
	ctl_close(&c);
	double sum = 0;
	for (long i = 0; i < n; i++)
		sum += (double)lat[i];
	printf("samples=%ld\n", n);
	printf("mean_us=%.0f\n", sum / (double)n);
	printf("p50_us=%lld\n", (long long)nb_pct(lat, (size_t)n, 50));
	printf("p99_us=%lld\n", (long long)nb_pct(lat, (size_t)n, 99));
	printf("min_us=%lld\n", (long long)lat[0]);
	printf("max_us=%lld\n", (long long)lat[n - 1]);
	free(req);
	free(text);
	free(lat);
	return 0;
}

static int cmd_waitonline(int argc, char **argv)
{
	if (argc != 6)
		nb_die("usage: nb_ctl waitonline HOME FP T0_US TIMEOUT_MS");
	const char *home = argv[2], *fp = argv[3];
	int64_t t0 = (int64_t)strtoll(argv[4], NULL, 10);
	long timeout = nb_atol(argv[5], "TIMEOUT_MS");
	int64_t end = nb_mono_ns() + (int64_t)timeout * 1000000;
	struct ctl c = {.fd = -1};
	while (nb_mono_ns() < end) {
		int on = 0, known = 0, fp_on = 0;
		if (c.fd < 0 && ctl_open(&c, home) != 0) {
			nb_sleep_us(1000);
			continue;
		}
		if (ctl_peers(&c, fp, &on, &known, &fp_on) != 0) {
			ctl_close(&c);
			continue;
		}
		if (fp_on) {
			printf("elapsed_us=%lld\n", (long long)(nb_real_us() - t0));
			return 0;
		}
		nb_sleep_us(1000);
	}
	fprintf(stderr, "bench: %.12s... not online at %s within %ld ms\n", fp, home, timeout);
	return 2;
}

static int cmd_meshwait(int argc, char **argv)
{
	if (argc < 6)
		nb_die("usage: nb_ctl meshwait T0_US TIMEOUT_MS N HOME...");
	int64_t t0 = (int64_t)strtoll(argv[2], NULL, 10);
	long timeout = nb_atol(argv[3], "TIMEOUT_MS");
	long n = nb_atol(argv[4], "N");
	if (n != argc - 5 || n < 2)
		nb_die("meshwait: N must match the number of homes");
	int64_t end = nb_mono_ns() + (int64_t)timeout * 1000000;
	int64_t *done = calloc((size_t)n, sizeof *done);
	int *best = calloc((size_t)n, sizeof *best);
	struct ctl *c = calloc((size_t)n, sizeof *c);
	if (!done || !best || !c)
		nb_die("out of memory");
	for (long i = 0; i < n; i++)
		c[i].fd = -1;
	long left = n;
	while (left > 0 && nb_mono_ns() < end) {
		for (long i = 0; i < n; i++) {
			int on = 0, known = 0;
			if (done[i])
				continue;
			if (c[i].fd < 0 && ctl_open(&c[i], argv[5 + i]) != 0)
				continue;
			if (ctl_peers(&c[i], NULL, &on, &known, NULL) != 0) {
				ctl_close(&c[i]);
				continue;
			}
			if (on > best[i])
				best[i] = on;
			if (on >= n - 1) {
				done[i] = nb_real_us() - t0;
				left--;
				ctl_close(&c[i]);
			}
		}
		nb_sleep_us(10000);
	}
	int64_t worst = 0, sum = 0;
	int min_seen = (int)n;
	for (long i = 0; i < n; i++) {
		if (done[i] > worst)
			worst = done[i];
		sum += done[i];
		if (best[i] < min_seen)
			min_seen = best[i];
		ctl_close(&c[i]);
	}
	printf("nodes=%ld\nsettled=%ld\n", n, n - left);
	printf("fewest_online=%d\n", left ? min_seen : (int)n - 1);
	if (left) {
		fprintf(stderr, "bench: mesh of %ld not complete within %ld ms (%ld nodes short)\n",
			n, timeout, left);
		return 2;
	}
	printf("mesh_us=%lld\nmean_us=%lld\n", (long long)worst, (long long)(sum / n));
	return 0;
}

static int cmd_online(int argc, char **argv)
{
	if (argc != 3)
		nb_die("usage: nb_ctl online HOME");
	struct ctl c;
	int on = 0, known = 0;
	if (ctl_open(&c, argv[2]) != 0 || ctl_peers(&c, NULL, &on, &known, NULL) != 0)
		nb_die("no answer from %s/ctl.sock", argv[2]);
	printf("online=%d\nknown=%d\n", on, known);
	return 0;
}

static volatile sig_atomic_t alarm_fired;

static void on_alarm(int sig)
{
	(void)sig;
	alarm_fired = 1;
}

static int cmd_spawn(int argc, char **argv)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm; /* no SA_RESTART: the wait returns EINTR */
	sigaction(SIGALRM, &sa, NULL);
	if (argc < 4)
		nb_die("usage: nb_ctl spawn K CMD ARGS...");
	long k = nb_atol(argv[2], "K");
	if (k < 1 || k > 100000)
		nb_die("spawn: bad K");
	int64_t *t = calloc((size_t)k, sizeof *t);
	if (!t)
		nb_die("out of memory");
	for (long i = 0; i < k; i++) {
		int64_t t0 = nb_mono_ns();
		pid_t pid = fork();
		if (pid < 0)
			nb_die("fork: %s", strerror(errno));
		if (pid == 0) {
			int fd = open("/dev/null", O_RDWR);
			if (fd >= 0) {
				dup2(fd, 0);
				dup2(fd, 1);
			}
			execvp(argv[3], argv + 3);
			_exit(127);
		}
		/* Each run gets at most 60 s (SIGALRM interrupts the wait); then it is
		 * killed and the run fails. */
		int st = 0;
		pid_t w;
		alarm_fired = 0;
		alarm(60);
		while ((w = waitpid(pid, &st, 0)) < 0 && errno == EINTR && !alarm_fired)
			;
		alarm(0);
		t[i] = nb_mono_ns() - t0;
		if (w != pid) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			nb_die("spawn: %s still running after 60 s on run %ld; killed", argv[3], i + 1);
		}
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			nb_die("spawn: %s exited %d on run %ld", argv[3],
			       WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), i + 1);
	}
	printf("runs=%ld\n", k);
	printf("p50_us=%lld\n", (long long)(nb_pct(t, (size_t)k, 50) / 1000));
	printf("p90_us=%lld\n", (long long)(nb_pct(t, (size_t)k, 90) / 1000));
	printf("min_us=%lld\nmax_us=%lld\n", (long long)(t[0] / 1000),
	       (long long)(t[k - 1] / 1000));
	free(t);
	return 0;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2)
		nb_die("usage: nb_ctl rtt|waitonline|meshwait|online|spawn ...");
	if (strcmp(argv[1], "rtt") == 0)
		return cmd_rtt(argc, argv);
	if (strcmp(argv[1], "waitonline") == 0)
		return cmd_waitonline(argc, argv);
	if (strcmp(argv[1], "meshwait") == 0)
		return cmd_meshwait(argc, argv);
	if (strcmp(argv[1], "online") == 0)
		return cmd_online(argc, argv);
	if (strcmp(argv[1], "spawn") == 0)
		return cmd_spawn(argc, argv);
	nb_die("unknown command %s", argv[1]);
}
