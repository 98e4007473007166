/* SPDX-License-Identifier: MIT */
/* A small UNIX-socket line server on the node's loop, and its client side. */
#include "ctl.h"
#include "nbuf.h"
#include "nerr.h"

#include <errno.h>
#include <fcntl.h>
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
	struct ctl *ctl;
	int fd;
	char *in; /* CTL_LINE_MAX + 1 */
	size_t in_len;
	struct nbuf_q out;
	int dead;
	int busy;
};

struct ctl {
	struct loop *loop;
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	ctl_line_fn on_line;
	ctl_gone_fn on_gone;
	void *ctx;
	struct ctl_client *clients[CTL_CLIENTS_MAX];
	size_t n_clients;
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
	nbuf_q_clear(&cl->out);
	free(cl->in);
	free(cl);
}

/* Drop a client: tell the owner, stop watching, free when no callback of
 * this client is running. */
static void client_drop(struct ctl_client *cl)
{
	struct ctl *c = cl->ctl;
	if (cl->dead)
		return;
	cl->dead = 1;
	for (size_t i = 0; i < c->n_clients; i++) {
		if (c->clients[i] == cl) {
			c->clients[i] = c->clients[--c->n_clients];
			break;
		}
	}
	loop_del_fd(c->loop, cl->fd);
	close(cl->fd);
	cl->busy++;
	if (c->on_gone)
		c->on_gone(c->ctx, cl);
	cl->busy--;
	if (cl->busy == 0)
		client_free(cl);
}

int ctl_client_send(struct ctl_client *cl, const char *line)
{
	size_t n = strlen(line);
	if (cl->dead)
		return NERR_EOF;
	if (nbuf_q_len(&cl->out) + n + 1 > CTL_OUT_MAX) {
		client_drop(cl); /* it does not read what it asked for */
		return NERR_LIMIT;
	}
	if (nbuf_q_put(&cl->out, line, n) != 0 || nbuf_q_put(&cl->out, "\n", 1) != 0) {
		client_drop(cl);
		return NERR_NOMEM;
	}
	(void)loop_set_events(cl->ctl->loop, cl->fd, POLLIN | POLLOUT);
	return 0;
}

void ctl_client_flush(struct ctl_client *cl)
{
	if (cl->dead || nbuf_q_len(&cl->out) == 0)
		return;
	ssize_t n = send(cl->fd, nbuf_q_data(&cl->out), nbuf_q_len(&cl->out),
			 MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n > 0)
		nbuf_q_consume(&cl->out, (size_t)n);
	if (nbuf_q_len(&cl->out) == 0)
		(void)loop_set_events(cl->ctl->loop, cl->fd, POLLIN);
}

size_t ctl_client_count(const struct ctl *c)
{
	return c ? c->n_clients : 0;
}

static void client_write(struct ctl_client *cl)
{
	while (nbuf_q_len(&cl->out) > 0) {
		ssize_t n = send(cl->fd, nbuf_q_data(&cl->out), nbuf_q_len(&cl->out), MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			client_drop(cl);
			return;
		}
		nbuf_q_consume(&cl->out, (size_t)n);
	}
	(void)loop_set_events(cl->ctl->loop, cl->fd, POLLIN);
}

/* Hand every complete line to the owner. */
static void client_lines(struct ctl_client *cl)
{
	char *start = cl->in;
	char *nl;
	while (!cl->dead && (nl = memchr(start, '\n', cl->in_len - (size_t)(start - cl->in)))) {
		*nl = '\0';
		cl->ctl->on_line(cl->ctl->ctx, cl, start);
		start = nl + 1;
	}
	if (cl->dead)
		return;
	size_t rest = cl->in_len - (size_t)(start - cl->in);
	memmove(cl->in, start, rest);
	cl->in_len = rest;
	if (cl->in_len == CTL_LINE_MAX)
		client_drop(cl); /* a line over the limit: not a client of ours */
}

static void on_client(void *ctx, int fd, short revents)
{
	struct ctl_client *cl = ctx;
	cl->busy++;
	if (revents & POLLOUT)
		client_write(cl);
	if (!cl->dead && (revents & (POLLIN | POLLHUP | POLLERR))) {
		ssize_t n = recv(fd, cl->in + cl->in_len, CTL_LINE_MAX - cl->in_len, 0);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			client_drop(cl);
		else if (n > 0) {
			cl->in_len += (size_t)n;
			client_lines(cl);
		}
	}
	cl->busy--;
	if (cl->dead && cl->busy == 0)
		client_free(cl);
}

static void on_accept(void *ctx, int fd, short revents)
{
	struct ctl *c = ctx;
	(void)revents;
	int s = accept(fd, NULL, NULL);
	if (s < 0)
		return;
	struct ctl_client *cl = c->n_clients < CTL_CLIENTS_MAX ? calloc(1, sizeof *cl) : NULL;
	if (!cl || !(cl->in = malloc(CTL_LINE_MAX + 1))) {
		free(cl);
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
		client_free(cl);
		return;
	}
	c->clients[c->n_clients++] = cl;
}

int ctl_open(struct ctl **out, struct loop *l, const char *home, ctl_line_fn on_line,
	     ctl_gone_fn on_gone, void *ctx)
{
	struct sockaddr_un sa;
	int r;
	if ((r = socket_path(&sa, home)) != 0)
		return r;
	struct ctl *c = calloc(1, sizeof *c);
	if (!c)
		return NERR_NOMEM;
	c->loop = l;
	c->on_line = on_line;
	c->on_gone = on_gone;
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
	if (r != 0 || chmod(sa.sun_path, 0600) != 0 || listen(c->fd, 16) != 0 ||
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
	while (c->n_clients > 0)
		client_drop(c->clients[c->n_clients - 1]);
	loop_del_fd(c->loop, c->fd);
	close(c->fd);
	(void)unlink(c->path);
	free(c);
}

int ctl_connect(const char *home, int *fd_out)
{
	struct sockaddr_un sa;
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
	*fd_out = fd;
	return 0;
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int ctl_read_line(int fd, char *buf, size_t *len, char *line, size_t cap, int timeout_ms)
{
	int64_t deadline = timeout_ms < 0 ? -1 : mono_ms() + timeout_ms;
	for (;;) {
		char *nl = memchr(buf, '\n', *len);
		if (nl) {
			size_t n = (size_t)(nl - buf);
			if (n >= cap)
				return NERR_TOOLONG;
			memcpy(line, buf, n);
			line[n] = '\0';
			memmove(buf, nl + 1, *len - n - 1);
			*len -= n + 1;
			return 0;
		}
		if (*len == CTL_LINE_MAX)
			return NERR_TOOLONG;
		int wait = -1;
		if (deadline >= 0) {
			int64_t left = deadline - mono_ms();
			if (left <= 0)
				return NERR_TIMEOUT;
			wait = (int)left;
		}
		struct pollfd p = {fd, POLLIN, 0};
		int pr = poll(&p, 1, wait);
		if (pr < 0 && errno == EINTR)
			return NERR_AGAIN; /* a signal: let the caller look at it */
		if (pr < 0)
			return NERR_SYSTEM;
		if (pr == 0)
			continue;
		ssize_t n = recv(fd, buf + *len, CTL_LINE_MAX - *len, 0);
		if (n < 0 && errno == EINTR)
			return NERR_AGAIN;
		if (n <= 0)
			return NERR_EOF;
		*len += (size_t)n;
	}
}

int ctl_request(const char *home, const char *line, int timeout_ms, char **answer_out)
{
	char *buf = NULL, *ans = NULL, lbuf[1024];
	size_t len = 0, alen = 0, acap = 0;
	int fd = -1, r;
	if ((r = ctl_connect(home, &fd)) != 0)
		return r;
	size_t ll = strlen(line);
	if (send(fd, line, ll, MSG_NOSIGNAL) != (ssize_t)ll || send(fd, "\n", 1, MSG_NOSIGNAL) != 1) {
		r = NERR_IO;
		goto out;
	}
	if (!(buf = malloc(CTL_LINE_MAX + 1))) {
		r = NERR_NOMEM;
		goto out;
	}
	for (;;) {
		if ((r = ctl_read_line(fd, buf, &len, lbuf, sizeof lbuf, timeout_ms)) != 0)
			goto out;
		if (strcmp(lbuf, "end") == 0)
			break;
		size_t n = strlen(lbuf);
		if (alen + n + 2 > acap) {
			if (acap > CTL_OUT_MAX) {
				r = NERR_TOOLONG;
				goto out;
			}
			acap = acap ? acap * 2 : 4096;
			char *na = realloc(ans, acap);
			if (!na) {
				r = NERR_NOMEM;
				goto out;
			}
			ans = na;
		}
		memcpy(ans + alen, lbuf, n);
		alen += n;
		ans[alen++] = '\n';
	}
	if (!ans && !(ans = malloc(1))) {
		r = NERR_NOMEM;
		goto out;
	}
	ans[alen] = '\0';
	*answer_out = ans;
	ans = NULL;
	r = 0;
out:
	free(ans);
	free(buf);
	close(fd);
	return r;
}
