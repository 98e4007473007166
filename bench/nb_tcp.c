/* SPDX-License-Identifier: MIT */
/* nb_tcp: what loopback TCP alone allows, between two processes (as two natter
 * nodes are), with 100-byte records and TCP_NODELAY as natter sets it.
 *
 *   nb_tcp stream N SIZE     N records one way, timed until the receiver has
 *                            them all: once written in 64 KiB batches (as a
 *                            node flushes its queue once per loop turn), once
 *                            with one send() per record
 *   nb_tcp pingpong N SIZE   one record there and back, N times: p50, p99
 */
#define _GNU_SOURCE
#include "nb_common.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int listen_lo(uint16_t *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t al = sizeof a;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, 4) != 0 ||
	    getsockname(s, (struct sockaddr *)&a, &al) != 0)
		nb_die("cannot listen on 127.0.0.1: %s", strerror(errno));
	*port = ntohs(a.sin_port);
	return s;
}

static int connect_lo(uint16_t port)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	int one = 1;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons(port);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) != 0)
		nb_die("cannot connect to 127.0.0.1:%u: %s", port, strerror(errno));
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return s;
}

static int accept_one(int l)
{
	int one = 1;
	int s = accept(l, NULL, NULL);
	if (s < 0)
		nb_die("accept: %s", strerror(errno));
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return s;
}

static void write_all(int s, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(s, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			nb_die("send: %s", strerror(errno));
		p += w;
		n -= (size_t)w;
	}
}

static void read_all(int s, char *p, size_t n)
{
	while (n > 0) {
		ssize_t r = recv(s, p, n, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			nb_die("recv: %s", r == 0 ? "end of stream" : strerror(errno));
		p += r;
		n -= (size_t)r;
	}
}

/* The receiving process: count bytes in records of size, answer one byte at the end. */
static void sink(int l, long n, long size)
{
	int s = accept_one(l);
	static char buf[1 << 16];
	long long want = (long long)n * size, got = 0;
	while (got < want) {
		ssize_t r = recv(s, buf, sizeof buf, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			_exit(1);
		got += r;
	}
	write_all(s, "k", 1);
	close(s);
}

static double stream_once(long n, long size, int batched)
{
	uint16_t port;
	int l = listen_lo(&port);
	pid_t pid = fork();
	if (pid < 0)
		nb_die("fork: %s", strerror(errno));
	if (pid == 0) {
		alarm(120);
		sink(l, n, size);
		_exit(0);
	}
	close(l);
	int s = connect_lo(port);
	char *rec = malloc((size_t)size);
	static char batch[1 << 16];
	size_t per = sizeof batch / (size_t)size, fill = 0;
	memset(rec, 'x', (size_t)size);
	int64_t t0 = nb_mono_ns();
	for (long i = 0; i < n; i++) {
		if (!batched) {
			write_all(s, rec, (size_t)size);
			continue;
		}
		memcpy(batch + fill * (size_t)size, rec, (size_t)size);
		if (++fill == per) {
			write_all(s, batch, fill * (size_t)size);
			fill = 0;
		}
	}
	if (fill)
		write_all(s, batch, fill * (size_t)size);
	char k;
	read_all(s, &k, 1);
	int64_t dt = nb_mono_ns() - t0;
	close(s);
	int st;
	waitpid(pid, &st, 0);
	free(rec);
	return (double)n / ((double)dt / 1e9);
}

static int cmd_stream(long n, long size)
{
	printf("tcp_stream_batched_per_s=%.0f\n", stream_once(n, size, 1));
	printf("tcp_stream_per_send_per_s=%.0f\n", stream_once(n, size, 0));
	return 0;
}

static int cmd_pingpong(long n, long size)
{
	uint16_t port;
	int l = listen_lo(&port);
	char *buf = calloc(1, (size_t)size);
	pid_t pid = fork();
	if (pid < 0)
		nb_die("fork: %s", strerror(errno));
	if (pid == 0) {
		alarm(120);
		int s = accept_one(l);
		for (long i = 0; i < n + 10; i++) {
			read_all(s, buf, (size_t)size);
			write_all(s, buf, (size_t)size);
		}
		_exit(0);
	}
	close(l);
	int s = connect_lo(port);
	int64_t *lat = calloc((size_t)n, sizeof *lat);
	memset(buf, 'x', (size_t)size);
	for (long i = 0; i < n + 10; i++) {
		int64_t t0 = nb_mono_ns();
		write_all(s, buf, (size_t)size);
		read_all(s, buf, (size_t)size);
		if (i >= 10)
			lat[i - 10] = (nb_mono_ns() - t0) / 1000;
	}
	int st;
	waitpid(pid, &st, 0);
	printf("tcp_rtt_p50_us=%lld\n", (long long)nb_pct(lat, (size_t)n, 50));
	printf("tcp_rtt_p99_us=%lld\n", (long long)nb_pct(lat, (size_t)n, 99));
	free(lat);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc != 4)
		nb_die("usage: nb_tcp stream|pingpong N SIZE");
	long n = nb_atol(argv[2], "N"), size = nb_atol(argv[3], "SIZE");
	if (n < 1 || size < 1 || size > 65536)
		nb_die("bad N or SIZE");
	if (strcmp(argv[1], "stream") == 0)
		return cmd_stream(n, size);
	if (strcmp(argv[1], "pingpong") == 0)
		return cmd_pingpong(n, size);
	nb_die("unknown command %s", argv[1]);
}
