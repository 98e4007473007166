/* SPDX-License-Identifier: MIT */
/* A small UNIX-socket line server on the node's loop, and its client. */
#include "ctl.h"
#include "nerr.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

struct ctl_client {
	int fd;
	char in[CTL_LINE_MAX + 1];
	size_t in_len;
	int answered;
	struct nbuf_q out;
	uint64_t timer;
	struct ctl *ctl;
};

struct ctl {
	struct loop *loop;
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	ctl_handler_fn fn;
	void *ctx;
	struct ctl_client *clients[CTL_CLIENTS_MAX];
};

static int socket_path(struct sockaddr_un *sa, const char *home)
{
	memset(sa, 0, sizeof *sa);
	sa->sun_family = AF_UNIX;
	if (snprintf(sa->sun_path, sizeof sa->sun_path, "%s/%s", home, CTL_SOCKET) >=
	    (int)sizeof sa->sun_path)
		return NERR_TOOLONG;
	return 0;
}

static void client_free(struct ctl_client *cl)
{
	struct ctl *c = cl->ctl;
	for (size_t i = 0; i < CTL_CLIENTS_MAX; i++)
		if (c->clients[i] == cl)
			c->clients[i] = NULL;
	loop_del_fd(c->loop, cl->fd);
	if (cl->timer)
		loop_timer_cancel(c->loop, cl->timer);
	close(cl->fd);
	nbuf_q_clear(&cl->out);
	free(cl);
}

static void on_client_timeout(void *ctx)
{
	struct ctl_client *cl = ctx;
	cl->timer = 0;
	client_free(cl);
}

static void answer(struct ctl_client *cl)
{
	cl->in[cl->in_len] = '\0';
	cl->ctl->fn(cl->ctl->ctx, cl->in, &cl->out);
	if (nbuf_q_put(&cl->out, "end\n", 4) != 0) {
		/* Too big an answer is cut, and says so, rather than half-sent. */
		nbuf_q_clear(&cl->out);
		if (nbuf_q_put(&cl->out, "error answer too long\nend\n", 26) != 0)
			nbuf_q_clear(&cl->out);
	}
	cl->answered = 1;
	(void)loop_set_events(cl->ctl->loop, cl->fd, POLLOUT);
}

static void on_client(void *ctx, int fd, short revents)
{
	struct ctl_client *cl = ctx;
	if (cl->answered) {
		ssize_t n = send(fd, nbuf_q_data(&cl->out), nbuf_q_len(&cl->out), MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			client_free(cl);
			return;
		}
		nbuf_q_consume(&cl->out, (size_t)n);
		if (nbuf_q_len(&cl->out) == 0)
			client_free(cl);
		return;
	}
	(void)revents;
	ssize_t n = recv(fd, cl->in + cl->in_len, CTL_LINE_MAX - cl->in_len, 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		client_free(cl);
		return;
	}
	cl->in_len += (size_t)n;
	char *nl = memchr(cl->in, '\n', cl->in_len);
	if (nl) {
		cl->in_len = (size_t)(nl - cl->in);
		answer(cl);
	} else if (cl->in_len == CTL_LINE_MAX) {
		client_free(cl); /* no line within the limit: not a client of ours */
	}
}

static void on_accept(void *ctx, int fd, short revents)
{
	struct ctl *c = ctx;
	(void)revents;
	int s = accept(fd, NULL, NULL);
	if (s < 0)
		return;
	size_t slot = CTL_CLIENTS_MAX;
	for (size_t i = 0; i < CTL_CLIENTS_MAX; i++)
		if (!c->clients[i])
			slot = i;
	struct ctl_client *cl = slot < CTL_CLIENTS_MAX ? calloc(1, sizeof *cl) : NULL;
	if (!cl) {
		close(s);
		return;
	}
	(void)fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK);
	(void)fcntl(s, F_SETFD, FD_CLOEXEC);
	cl->fd = s;
	cl->ctl = c;
	nbuf_q_init(&cl->out, CTL_OUT_MAX);
	if (loop_add_fd(c->loop, s, POLLIN, on_client, cl) != 0) {
		close(s);
		free(cl);
		return;
	}
	c->clients[slot] = cl;
	cl->timer = loop_timer_add(c->loop, CTL_CLIENT_TIMEOUT_MS, on_client_timeout, cl);
}

int ctl_open(struct ctl **out, struct loop *l, const char *home, ctl_handler_fn fn, void *ctx)
{
	struct sockaddr_un sa;
	int r;
	if ((r = socket_path(&sa, home)) != 0)
		return r;
	struct ctl *c = calloc(1, sizeof *c);
	if (!c)
		return NERR_NOMEM;
	c->loop = l;
	c->fn = fn;
	c->ctx = ctx;
	memcpy(c->path, sa.sun_path, sizeof c->path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		free(c);
		return NERR_SYSTEM;
	}
	(void)unlink(sa.sun_path); /* stale: the caller holds the home's lock */
	mode_t old = umask(077);
	r = bind(c->fd, (struct sockaddr *)&sa, sizeof sa);
	umask(old);
	if (r != 0 || chmod(sa.sun_path, 0600) != 0 || listen(c->fd, 8) != 0 ||
	    loop_add_fd(l, c->fd, POLLIN, on_accept, c) != 0) {
		close(c->fd);
		free(c);
		return NERR_SYSTEM;
	}
	*out = c;
	return 0;
}

void ctl_free(struct ctl *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < CTL_CLIENTS_MAX; i++)
		if (c->clients[i])
			client_free(c->clients[i]);
	loop_del_fd(c->loop, c->fd);
	close(c->fd);
	(void)unlink(c->path);
	free(c);
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int wait_fd(int fd, short ev, int64_t deadline)
{
	for (;;) {
		int64_t left = deadline - mono_ms();
		if (left <= 0)
			return NERR_TIMEOUT;
		struct pollfd p = {fd, ev, 0};
		int r = poll(&p, 1, (int)left);
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return NERR_SYSTEM;
	}
}

int ctl_request(const char *home, const char *line, int timeout_ms, char **answer_out)
{
	struct sockaddr_un sa;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int64_t deadline = mono_ms() + timeout_ms;
	int r;
	if ((r = socket_path(&sa, home)) != 0)
		return r;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NERR_SYSTEM;
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		close(fd);
		return NERR_NOTFOUND;
	}
	size_t ll = strlen(line);
	if (send(fd, line, ll, MSG_NOSIGNAL) != (ssize_t)ll || send(fd, "\n", 1, MSG_NOSIGNAL) != 1) {
		r = NERR_IO;
		goto out;
	}
	for (;;) {
		if (len + 4096 + 1 > cap) {
			if (cap >= CTL_OUT_MAX + 4096) {
				r = NERR_TOOLONG;
				goto out;
			}
			cap = cap ? cap * 2 : 8192;
			char *nb = realloc(buf, cap);
			if (!nb) {
				r = NERR_NOMEM;
				goto out;
			}
			buf = nb;
		}
		if ((r = wait_fd(fd, POLLIN, deadline)) != 0)
			goto out;
		ssize_t n = recv(fd, buf + len, cap - len - 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	/* A complete answer ends with the line "end". */
	if (len < 4 || strcmp(buf + len - 4, "end\n") != 0 ||
	    (len > 4 && buf[len - 5] != '\n')) {
		r = NERR_EOF;
		goto out;
	}
	buf[len - 4] = '\0';
	*answer_out = buf;
	buf = NULL;
	r = 0;
out:
	free(buf);
	close(fd);
	return r;
}
