/* SPDX-License-Identifier: MIT */
/* natter --send PEER [TEXT...]: queue each message in the outbox, deliver it,
 * and exit 0 only when every one is acknowledged (stored by the peer).
 * With a node already running for the home, the messages are handed to it
 * over the control socket; otherwise this process runs a transient node. */
#include "cli.h"
#include "ctl.h"
#include "nbuf.h"
#include "ncrypto.h"
#include "nerr.h"
#include "utf8.h"
#include "wire.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define LINE_MAX_BYTES (WIRE_TEXT_MAX + 2) /* text plus "\r\n" */
#define RESOLVE_RETRY_MS 200
#define RESOLVE_SETTLE_MS 300 /* after a nick first resolves by discovery */

enum msg_status { ST_WAITING, ST_DELIVERED, ST_REFUSED, ST_FAILED, ST_WITHDRAWN };

struct sent {
	uint8_t id[16];
	int has_id; /* remote: the node has answered "queued" */
	enum msg_status status;
};

struct send_state {
	struct cli *cli;
	struct node *node; /* local mode */
	int fd;		   /* remote mode: the control socket, else -1 */
	struct loop *loop; /* the node's, or our own in remote mode */
	uint8_t key[32];
	int resolved;
	int ambiguous;
	struct sent *msgs;
	size_t n_msgs, cap_msgs, n_waiting;
	size_t next_answer; /* remote: oldest request not answered yet */
	size_t first_waiting; /* msgs[] before it are all settled */
	int worst;
	int input_open;
	int remote_gone;
	int64_t deadline; /* monotonic ms; set when input ends */
	char *line;
	size_t line_len;
	int overflow;
	unsigned long lineno;
	char *rbuf; /* remote: CTL_LINE_MAX + 1 */
	size_t rlen;
	/* Remote: requests not yet written, for msgs[wfirst..]; wend[k] is where
	 * the request of msgs[wfirst + k] ends in wq. */
	struct nbuf_q wq;
	size_t wfirst;
	size_t *wend;
	size_t wend_cap;
};

/* Requests are written together (remote_flush) once this many bytes wait;
 * the queue then holds at most that and one longest request. */
#define SEND_WBUF_FLUSH (64u << 10)
#define SEND_WBUF_MAX (SEND_WBUF_FLUSH + 2 * LINE_MAX_BYTES + 128)

/* The worst code of a batch, in SPEC.md's order 77 > 75 > 0, with a local
 * storage error and a message that expired or was cancelled (69: it will
 * never be delivered) above a queued message, and a bad line (65, not
 * sent) below. */
static int rank(int code)
{
	switch (code) {
	case EX_NOPERM_: return 7;
	case EX_IOERR_: return 6;
	case EX_UNAVAILABLE_: return 4;
	case EX_TEMPFAIL_: return 3;
	case EX_DATAERR_: return 2;
	case 0: return 0;
	}
	return 1;
}

static void note(struct send_state *s, int code)
{
	if (rank(code) > rank(s->worst))
		s->worst = code;
}

static void print_result(struct send_state *s, const struct sent *m, const char *status)
{
	char id[33], fp[65];
	if (!s->cli->json)
		return;
	ncrypto_hex(id, m->id, 16);
	ncrypto_hex(fp, s->key, 32);
	printf("{\"id\":\"%s\",\"to\":\"%s\",\"status\":\"%s\"}\n", id, fp, status);
	fflush(stdout);
}

/* Why a text cannot be sent, or NULL. */
static const char *check_text(const char *text, size_t len)
{
	if (len == 0)
		return "empty message";
	if (len > WIRE_TEXT_MAX)
		return "message over 65536 bytes";
	if (utf8_check((const uint8_t *)text, len) != 0)
		return "message is not valid UTF-8";
	return NULL;
}

static struct sent *new_entry(struct send_state *s)
{
	if (s->n_msgs == s->cap_msgs) {
		size_t ncap = s->cap_msgs ? 2 * s->cap_msgs : 16;
		struct sent *nm = realloc(s->msgs, ncap * sizeof *nm);
		if (!nm)
			return NULL;
		s->msgs = nm;
		s->cap_msgs = ncap;
	}
	struct sent *m = &s->msgs[s->n_msgs];
	memset(m, 0, sizeof *m);
	return m;
}

/* Why: one send(2) per line made a stream of short lines cost the node a
 * wake-up and a read per message; the lines that one read of stdin gives are
 * now written together, before the loop waits (run) or when
 * SEND_WBUF_FLUSH bytes wait. A request that did not go out whole was not
 * queued: its message fails here, as one refused at once did before. */
static void remote_flush(struct send_state *s)
{
	const uint8_t *buf = nbuf_q_data(&s->wq);
	size_t len = nbuf_q_len(&s->wq), off = 0;
	while (off < len && !s->remote_gone) {
		ssize_t n = send(s->fd, buf + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			s->remote_gone = 1;
		else
			off += (size_t)n;
	}
	if (off < len) {
		size_t lost = 0;
		for (size_t k = 0; s->wfirst + k < s->n_msgs; k++) {
			if (s->wend[k] <= off)
				continue; /* went out whole: the node answers it or keeps it */
			s->msgs[s->wfirst + k].status = ST_FAILED;
			s->n_waiting--;
			lost++;
		}
		cli_error("the natter node of this home went away; %zu message%s not queued", lost,
			  lost == 1 ? "" : "s");
		note(s, EX_TEMPFAIL_);
	}
	nbuf_q_consume(&s->wq, len);
	s->wfirst = s->n_msgs;
}

/* Append the request for text to wq, for the message about to be msgs[n_msgs]. */
static int send_line_remote(struct send_state *s, const char *text, size_t len)
{
	size_t total = 5 + 64 + 1 + 2 * len + 1;
	size_t k = s->n_msgs - s->wfirst;
	uint8_t *out;
	int r = nbuf_q_reserve(&s->wq, total, &out);
	if (r != 0)
		return r;
	if (k == s->wend_cap) {
		size_t ncap = s->wend_cap ? s->wend_cap * 2 : 256;
		size_t *nw = realloc(s->wend, ncap * sizeof *nw);
		if (!nw)
			return NERR_NOMEM;
		s->wend = nw;
		s->wend_cap = ncap;
	}
	char *req = (char *)out;
	memcpy(req, "send\t", 5);
	ncrypto_hex(req + 5, s->key, 32); /* writes 64 digits and a NUL, overwritten next */
	req[69] = '\t';
	ncrypto_hex(req + 70, (const uint8_t *)text, len);
	req[70 + 2 * len] = '\n';
	nbuf_q_commit(&s->wq, total);
	s->wend[k] = nbuf_q_len(&s->wq);
	return 0;
}

static int queue_text(struct send_state *s, const char *text, size_t len)
{
	uint64_t seq;
	struct sent *m = new_entry(s);
	if (!m) {
		cli_error("out of memory");
		return EX_IOERR_;
	}
	if (s->fd >= 0) {
		if (s->remote_gone) {
			cli_error("the natter node of this home went away; message not queued");
			return EX_TEMPFAIL_;
		}
		if (send_line_remote(s, text, len) != 0) {
			cli_error("out of memory");
			return EX_IOERR_;
		}
	} else {
		int r = node_send(s->node, s->key, text, len, m->id, &seq);
		if (r != 0) {
			cli_error("cannot queue the message: %s", nerr_str(r));
			return r == NERR_STORE ? EX_IOERR_ : EX_DATAERR_;
		}
		m->has_id = 1;
	}
	s->n_msgs++;
	s->n_waiting++;
	if (s->fd >= 0 && nbuf_q_len(&s->wq) >= SEND_WBUF_FLUSH)
		remote_flush(s);
	return 0;
}

/* Reports come in queueing order, so the match is nearly always the first
 * message still waiting: start there (a scan from msgs[0] made a stream
 * quadratic). */
static void mark_done(struct send_state *s, const uint8_t id[static 16], enum msg_status st,
		      const char *how)
{
	while (s->first_waiting < s->n_msgs && s->msgs[s->first_waiting].status != ST_WAITING)
		s->first_waiting++;
	for (size_t i = s->first_waiting; i < s->n_msgs; i++) {
		struct sent *m = &s->msgs[i];
		if (m->status == ST_WAITING && m->has_id && memcmp(m->id, id, 16) == 0) {
			m->status = st;
			s->n_waiting--;
			print_result(s, m, how);
			if (st == ST_WITHDRAWN) {
				cli_error("a message to %s %s before it was delivered", s->cli->peer,
					  strcmp(how, "expired") == 0 ? "expired" : "was cancelled");
				note(s, EX_UNAVAILABLE_);
			}
			return;
		}
	}
}

static void mark_delivered(struct send_state *s, const uint8_t id[static 16])
{
	mark_done(s, id, ST_DELIVERED, "delivered");
}

static void mark_refused(struct send_state *s)
{
	cli_error("%s refused the connection or presented another key", s->cli->peer);
	for (size_t i = 0; i < s->n_msgs; i++) {
		if (s->msgs[i].status == ST_WAITING) {
			s->msgs[i].status = ST_REFUSED;
			s->n_waiting--;
			print_result(s, &s->msgs[i], "refused");
			note(s, EX_NOPERM_);
		}
	}
}

static void try_resolve(struct send_state *s)
{
	struct node_peer cand[8];
	size_t nc;
	if (s->resolved || s->ambiguous)
		return;
	int r = node_resolve(s->node, s->cli->peer, s->key, cand, 8, &nc);
	if (r == 0)
		s->resolved = 1;
	else if (r == NERR_AMBIGUOUS)
		s->ambiguous = 1;
}

static void on_event(void *ctx, const struct node_event *ev)
{
	struct send_state *s = ctx;
	switch (ev->type) {
	case NODE_EV_PEER_ONLINE:
	case NODE_EV_PEER_CHANGED: try_resolve(s); break;
	case NODE_EV_DELIVERED: mark_delivered(s, ev->msg->id); break;
	case NODE_EV_WITHDRAWN:
		mark_done(s, ev->msg->id, ST_WITHDRAWN, store_state_name(ev->msg->state));
		break;
	case NODE_EV_REFUSED:
		if (s->resolved && memcmp(ev->peer->key, s->key, 32) == 0)
			mark_refused(s);
		break;
	default: break;
	}
}

static void take_line(struct send_state *s)
{
	size_t len = s->line_len;
	s->lineno++;
	if (s->overflow) {
		cli_error("line %lu: message over 65536 bytes; not sent", s->lineno);
		note(s, EX_DATAERR_);
		return;
	}
	if (len > 0 && s->line[len - 1] == '\r')
		len--;
	if (len == 0)
		return; /* empty lines are skipped */
	const char *why = check_text(s->line, len);
	if (why) {
		cli_error("line %lu: %s; not sent", s->lineno, why);
		note(s, EX_DATAERR_);
		return;
	}
	int r = queue_text(s, s->line, len);
	if (r != 0)
		note(s, r);
}

static void close_input(struct send_state *s)
{
	if (!s->input_open)
		return;
	if (s->line_len > 0 || s->overflow)
		take_line(s);
	s->input_open = 0;
	s->line_len = 0;
	s->overflow = 0;
	loop_del_fd(s->loop, STDIN_FILENO);
	s->deadline = loop_now(s->loop) + s->cli->timeout_ms;
}

/* Split what stdin gives into lines, each one message, as they arrive. */
static void on_stdin(void *ctx, int fd, short revents)
{
	struct send_state *s = ctx;
	char buf[16384];
	(void)revents;
	ssize_t n = read(fd, buf, sizeof buf);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		if (n < 0)
			cli_error("reading stdin: %s", strerror(errno));
		close_input(s);
		return;
	}
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			take_line(s);
			s->line_len = 0;
			s->overflow = 0;
		} else if (s->line_len < LINE_MAX_BYTES) {
			s->line[s->line_len++] = buf[i];
		} else {
			s->overflow = 1;
		}
	}
}

static int all_settled(void *ctx)
{
	struct send_state *s = ctx;
	if (!s->resolved || s->input_open || s->n_waiting > 0)
		return 0;
	/* A transient node also serves the --send runs that handed it work. */
	return s->node == NULL || node_ctl_clients(s->node) == 0;
}

static int is_resolved(void *ctx)
{
	struct send_state *s = ctx;
	return s->resolved || s->ambiguous;
}

/* The text from the command line words, joined by single spaces. */
static char *join_words(char *const *words, size_t n, size_t *len)
{
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += strlen(words[i]) + 1;
	char *text = malloc(total + 1);
	if (!text)
		return NULL;
	size_t off = 0;
	for (size_t i = 0; i < n; i++) {
		size_t wl = strlen(words[i]);
		memcpy(text + off, words[i], wl);
		off += wl;
		if (i + 1 < n)
			text[off++] = ' ';
	}
	text[off] = '\0';
	*len = off;
	return text;
}

static int finish(struct send_state *s)
{
	size_t queued = 0;
	if (s->fd >= 0 && nbuf_q_len(&s->wq) > 0)
		remote_flush(s); /* after a stop: they go; after the node left: they fail */
	for (size_t i = 0; i < s->n_msgs; i++) {
		if (s->msgs[i].status == ST_WAITING) {
			queued++;
			if (s->msgs[i].has_id)
				print_result(s, &s->msgs[i], "queued");
			note(s, EX_TEMPFAIL_);
		}
	}
	if (queued)
		cli_error("%zu message%s queued for %s, not yet delivered; a later node of "
			  "this home delivers %s",
			  queued, queued == 1 ? "" : "s", s->cli->peer, queued == 1 ? "it" : "them");
	return s->worst;
}

/* Run the loop until all is settled, the deadline or a signal. Input first:
 * while stdin is open there is no deadline (tail -f | natter --send). */
static void run(struct send_state *s, int64_t deadline)
{
	while (!*s->cli->stop && !s->remote_gone && !all_settled(s)) {
		if (s->fd >= 0 && nbuf_q_len(&s->wq) > 0) {
			remote_flush(s); /* what this turn queued goes before we wait */
			continue;
		}
		int64_t dl = s->input_open ? -1 : s->deadline >= 0 ? s->deadline : deadline;
		int64_t wait = -1;
		if (dl >= 0 && (wait = dl - loop_now(s->loop)) <= 0) {
			/* Past our own deadline a transient node still serves the
			 * --send runs that handed it messages, until they leave. */
			if (!s->node || node_ctl_clients(s->node) == 0)
				break;
			wait = 100;
		}
		if (loop_run_once(s->loop, wait) != 0)
			break;
	}
}

/* ---- remote mode: a node runs for this home ---- */

static void on_stop_fd(void *ctx, int fd, short revents)
{
	char buf[16];
	(void)ctx;
	(void)revents;
	while (read(fd, buf, sizeof buf) > 0)
		;
}

static void remote_line(struct send_state *s, char *line)
{
	uint8_t id[16];
	char *f1 = strchr(line, '\t');
	if (f1)
		*f1++ = '\0';
	char *f2 = f1 ? strchr(f1, '\t') : NULL;
	if (f2)
		*f2++ = '\0';
	if (strcmp(line, "queued") == 0 && f1 && s->next_answer < s->n_msgs) {
		struct sent *m = &s->msgs[s->next_answer++];
		if (ncrypto_unhex(m->id, 16, f1) == 0)
			m->has_id = 1;
	} else if (strcmp(line, "error") == 0 && s->next_answer < s->n_msgs) {
		struct sent *m = &s->msgs[s->next_answer++];
		m->status = ST_FAILED;
		s->n_waiting--;
		cli_error("not queued: %s", f2 ? f2 : "error");
		note(s, f1 && atoi(f1) == EX_DATAERR_ ? EX_DATAERR_ : EX_IOERR_);
	} else if (strcmp(line, "delivered") == 0 && f1 && ncrypto_unhex(id, 16, f1) == 0) {
		mark_delivered(s, id);
	} else if (strcmp(line, "refused") == 0) {
		mark_refused(s);
	} else if ((strcmp(line, "expired") == 0 || strcmp(line, "cancelled") == 0) && f1 &&
		   ncrypto_unhex(id, 16, f1) == 0) {
		mark_done(s, id, ST_WITHDRAWN, line);
	}
}

static void on_remote(void *ctx, int fd, short revents)
{
	struct send_state *s = ctx;
	(void)revents;
	ssize_t n = recv(fd, s->rbuf + s->rlen, CTL_LINE_MAX - s->rlen, MSG_DONTWAIT);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		/* The node ended: what it has not confirmed stays in the outbox. */
		s->remote_gone = 1;
		loop_del_fd(s->loop, fd);
		return;
	}
	s->rlen += (size_t)n;
	char *start = s->rbuf, *nl;
	while ((nl = memchr(start, '\n', s->rlen - (size_t)(start - s->rbuf)))) {
		*nl = '\0';
		remote_line(s, start);
		start = nl + 1;
	}
	s->rlen -= (size_t)(start - s->rbuf);
	memmove(s->rbuf, start, s->rlen);
}

/* Ask the node to resolve PEER, retrying while it is unknown (the node may
 * discover it) until the deadline. */
static int remote_resolve(struct send_state *s, int64_t deadline)
{
	char line[256], req[300];
	snprintf(req, sizeof req, "resolve\t%s\n", s->cli->peer);
	for (int attempt = 0, settled = 0;; attempt++) {
		int ambiguous = 0, ok = 0;
		if (send(s->fd, req, strlen(req), MSG_NOSIGNAL) != (ssize_t)strlen(req))
			return EX_TEMPFAIL_;
		for (;;) {
			int r = ctl_read_line(s->fd, s->rbuf, &s->rlen, line, sizeof line, 5000);
			if (r != 0)
				return EX_TEMPFAIL_;
			if (strncmp(line, "ok\t", 3) == 0) {
				if (ncrypto_unhex(s->key, 32, line + 3) != 0)
					return EX_TEMPFAIL_;
				ok = 1;
				break;
			}
			if (strncmp(line, "candidate\t", 10) == 0) {
				if (!ambiguous++)
					cli_error("'%s' is ambiguous; it could be:", s->cli->peer);
				char *f = line + 10, *v = strchr(f, '\t');
				char *nick = v ? strchr(v + 1, '\t') : NULL;
				if (v && nick)
					fprintf(stderr, "  %.*s  %s%s\n", (int)(v - f), f, nick + 1,
						v[1] == '1' ? " (verified)" : "");
				continue;
			}
			if (strncmp(line, "error\t", 6) == 0)
				break;
		}
		if (ok && (attempt == 0 || settled)) {
			s->resolved = 1;
			return 0;
		}
		if (ok) {
			/* Just appeared: let other claimants of the nick answer too. */
			settled = 1;
			cli_sleep_ms(RESOLVE_SETTLE_MS);
			continue;
		}
		if (ambiguous) {
			fputs("  name one by a fingerprint prefix of at least 8 characters\n", stderr);
			return EX_NOUSER_;
		}
		if (*s->cli->stop)
			return EX_INTERRUPTED_;
		if (loop_now(s->loop) >= deadline) {
			cli_error("unknown peer '%s' (not seen on the LAN within %.1f s)", s->cli->peer,
				  (double)s->cli->timeout_ms / 1000.0);
			return EX_NOUSER_;
		}
		cli_sleep_ms(RESOLVE_RETRY_MS);
	}
}

static int run_remote(struct send_state *s, const char *text, size_t text_len, int use_stdin)
{
	int r;
	int64_t start;
	if (!(s->loop = loop_new()) || !(s->rbuf = malloc(CTL_LINE_MAX + 1))) {
		cli_error("out of memory");
		return EX_IOERR_;
	}
	start = loop_now(s->loop);
	if ((r = remote_resolve(s, start + s->cli->timeout_ms)) != 0)
		return r;
	if (loop_add_fd(s->loop, s->fd, POLLIN, on_remote, s) != 0 ||
	    (use_stdin && loop_add_fd(s->loop, STDIN_FILENO, POLLIN, on_stdin, s) != 0)) {
		cli_error("out of memory");
		return EX_IOERR_;
	}
	if (use_stdin) {
		s->input_open = 1;
	} else if ((r = queue_text(s, text, text_len)) != 0) {
		return r;
	}
	if (s->cli->stop_fd >= 0)
		(void)loop_add_fd(s->loop, s->cli->stop_fd, POLLIN, on_stop_fd, NULL);
	run(s, start + s->cli->timeout_ms);
	return finish(s);
}

/* ---- local mode: this process runs the home's node until done ---- */

static int run_local(struct send_state *s, const char *text, size_t text_len, int use_stdin)
{
	int r;
	s->loop = node_loop(s->node);
	int64_t start = loop_now(s->loop);

	/* A peer never seen may appear on the LAN within the timeout. Found
	 * that way, give other claimants of the same nick a moment to answer
	 * the probe too: a nick claimed by two keys is ambiguous, not a race. */
	try_resolve(s);
	if (!s->resolved && !s->ambiguous) {
		cli_run(s->cli, s->node, is_resolved, s, start + s->cli->timeout_ms);
		if (s->resolved) {
			cli_run(s->cli, s->node, NULL, NULL, loop_now(s->loop) + RESOLVE_SETTLE_MS);
			s->resolved = 0;
			try_resolve(s);
		}
	}
	if (!s->resolved) {
		uint8_t key[32];
		if (cli_resolve(s->cli, s->node, s->cli->peer, key, 1) == EX_NOUSER_ && !s->ambiguous)
			cli_error("unknown peer '%s' (not seen on the LAN within %.1f s)",
				  s->cli->peer, (double)s->cli->timeout_ms / 1000.0);
		return *s->cli->stop ? EX_INTERRUPTED_ : EX_NOUSER_;
	}
	if (use_stdin) {
		if ((r = loop_add_fd(s->loop, STDIN_FILENO, POLLIN, on_stdin, s)) != 0) {
			cli_error("cannot read stdin: %s", nerr_str(r));
			return EX_IOERR_;
		}
		s->input_open = 1;
	} else if ((r = queue_text(s, text, text_len)) != 0) {
		return r;
	}
	run(s, start + s->cli->timeout_ms);
	return finish(s);
}

int cli_send_run(struct cli *cli)
{
	struct send_state s;
	char *text = NULL;
	size_t text_len = 0;
	int use_stdin = cli->n_words == 0 || (cli->n_words == 1 && strcmp(cli->words[0], "-") == 0);
	int r = EX_TEMPFAIL_;

	memset(&s, 0, sizeof s);
	s.cli = cli;
	s.fd = -1;
	s.deadline = -1;
	nbuf_q_init(&s.wq, SEND_WBUF_MAX);
	if (!use_stdin) {
		if (!(text = join_words(cli->words, cli->n_words, &text_len))) {
			cli_error("out of memory");
			return EX_IOERR_;
		}
		const char *why = check_text(text, text_len);
		if (why) {
			cli_error("%s; not sent", why);
			free(text);
			return EX_DATAERR_;
		}
	} else if (!(s.line = malloc(LINE_MAX_BYTES))) {
		cli_error("out of memory");
		return EX_IOERR_;
	}
	/* Hand over to the home's running node, or become it. Between the two,
	 * a node may be starting (lock taken, socket not yet there) or ending
	 * (socket gone, lock not yet free): try again for a while. */
	int reached = 0;
	for (int tries = 0; tries < 100 && !*cli->stop && !reached; tries++) {
		if (ctl_connect(cli->node.home, &s.fd) == 0) {
			reached = 1;
			r = run_remote(&s, text, text_len, use_stdin);
			break;
		}
		r = cli_start_node(cli, &s.node, on_event, &s,
				   CLI_NODE_TRANSIENT | CLI_NODE_QUIET_BUSY);
		if (r != CLI_BUSY) {
			reached = 1;
			if (r == 0)
				r = run_local(&s, text, text_len, use_stdin);
			break;
		}
		r = EX_TEMPFAIL_;
		cli_sleep_ms(50);
	}
	if (!reached && *cli->stop) {
		r = EX_INTERRUPTED_;
	} else if (!reached) {
		cli_error("could not reach the natter node of %s; nothing was sent",
			  cli->node.home);
		r = EX_UNAVAILABLE_;
	}
	node_free(s.node);
	if (s.fd >= 0) {
		close(s.fd);
		if (s.node == NULL)
			loop_free(s.loop);
	}
	free(s.msgs);
	free(s.line);
	free(s.rbuf);
	nbuf_q_clear(&s.wq);
	free(s.wend);
	free(text);
	return r;
}
