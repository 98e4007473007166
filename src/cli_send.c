/* SPDX-License-Identifier: MIT */
/* natter --send PEER [TEXT...]: queue each message in the outbox, deliver it,
 * and exit 0 only when every one is acknowledged (stored by the peer). */
#include "cli.h"
#include "ncrypto.h"
#include "nerr.h"
#include "utf8.h"
#include "wire.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LINE_MAX_BYTES (WIRE_TEXT_MAX + 2) /* text plus "\r\n" */

enum msg_status { ST_WAITING, ST_DELIVERED, ST_REFUSED };

struct sent {
	uint8_t id[16];
	enum msg_status status;
};

struct send_state {
	struct cli *cli;
	struct node *node;
	uint8_t key[32];
	int resolved;
	int ambiguous;
	struct sent *msgs;
	size_t n_msgs, cap_msgs, n_waiting;
	int worst;
	int input_open;
	int64_t deadline; /* monotonic ms; -1 while stdin is still open */
	char *line;
	size_t line_len;
	int overflow;
	unsigned long lineno;
};

/* The exit code order of SPEC.md: 77 > 75 > 65 > 0 for a batch of messages. */
static int rank(int code)
{
	switch (code) {
	case EX_NOPERM_: return 4;
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

static int queue_text(struct send_state *s, const char *text, size_t len)
{
	uint64_t seq;
	if (s->n_msgs == s->cap_msgs) {
		size_t ncap = s->cap_msgs ? 2 * s->cap_msgs : 16;
		struct sent *nm = realloc(s->msgs, ncap * sizeof *nm);
		if (!nm) {
			cli_error("out of memory");
			return EX_IOERR_;
		}
		s->msgs = nm;
		s->cap_msgs = ncap;
	}
	struct sent *m = &s->msgs[s->n_msgs];
	int r = node_send(s->node, s->key, text, len, m->id, &seq);
	if (r != 0) {
		cli_error("cannot queue the message: %s", nerr_str(r));
		return r == NERR_STORE ? EX_IOERR_ : EX_DATAERR_;
	}
	m->status = ST_WAITING;
	s->n_msgs++;
	s->n_waiting++;
	return 0;
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
	case NODE_EV_PEER_ONLINE: try_resolve(s); break;
	case NODE_EV_DELIVERED:
		for (size_t i = 0; i < s->n_msgs; i++) {
			struct sent *m = &s->msgs[i];
			if (m->status == ST_WAITING && memcmp(m->id, ev->msg->id, 16) == 0) {
				m->status = ST_DELIVERED;
				s->n_waiting--;
				print_result(s, m, "delivered");
			}
		}
		break;
	case NODE_EV_REFUSED:
		if (!s->resolved || memcmp(ev->peer->key, s->key, 32) != 0)
			break;
		cli_error("%s refused the connection or presented another key", s->cli->peer);
		for (size_t i = 0; i < s->n_msgs; i++) {
			if (s->msgs[i].status == ST_WAITING) {
				s->msgs[i].status = ST_REFUSED;
				s->n_waiting--;
				print_result(s, &s->msgs[i], "refused");
				note(s, EX_NOPERM_);
			}
		}
		break;
	default: break;
	}
}

static void take_line(struct send_state *s)
{
	size_t len = s->line_len;
	s->lineno++;
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
	if (s->line_len > 0 || s->overflow) {
		if (s->overflow) {
			s->lineno++;
			cli_error("line %lu: message over 65536 bytes; not sent", s->lineno);
			note(s, EX_DATAERR_);
		} else {
			take_line(s);
		}
	}
	s->input_open = 0;
	s->line_len = 0;
	loop_del_fd(node_loop(s->node), STDIN_FILENO);
	s->deadline = loop_now(node_loop(s->node)) + s->cli->timeout_ms;
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
			if (s->overflow) {
				s->lineno++;
				cli_error("line %lu: message over 65536 bytes; not sent", s->lineno);
				note(s, EX_DATAERR_);
			} else {
				take_line(s);
			}
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
	return s->resolved && !s->input_open && s->n_waiting == 0;
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
	for (size_t i = 0; i < s->n_msgs; i++) {
		if (s->msgs[i].status == ST_WAITING) {
			queued++;
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

int cli_send_run(struct cli *cli)
{
	struct send_state s;
	char *text = NULL;
	size_t text_len = 0;
	int use_stdin = cli->n_words == 0 || (cli->n_words == 1 && strcmp(cli->words[0], "-") == 0);
	int r;

	memset(&s, 0, sizeof s);
	s.cli = cli;
	s.deadline = -1;
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
	if ((r = cli_start_node(cli, &s.node, on_event, &s, 0)) != 0)
		goto out;
	struct loop *l = node_loop(s.node);
	int64_t start = loop_now(l);

	/* A peer never seen may appear on the LAN within the timeout. */
	try_resolve(&s);
	if (!s.resolved && !s.ambiguous)
		cli_run(cli, s.node, is_resolved, &s, start + cli->timeout_ms);
	if (!s.resolved) {
		uint8_t key[32];
		if (cli_resolve(cli, s.node, cli->peer, key, 1) == EX_NOUSER_ && !s.ambiguous)
			cli_error("unknown peer '%s' (not seen on the LAN within %.1f s)",
				  cli->peer, (double)cli->timeout_ms / 1000.0);
		r = *cli->stop ? EX_TEMPFAIL_ : EX_NOUSER_;
		goto out;
	}
	if (use_stdin) {
		if ((r = loop_add_fd(l, STDIN_FILENO, POLLIN, on_stdin, &s)) != 0) {
			cli_error("cannot read stdin: %s", nerr_str(r));
			r = EX_IOERR_;
			goto out;
		}
		s.input_open = 1;
		/* Wait for lines; after EOF, at most the timeout for the acks. */
		while (!*cli->stop && s.input_open)
			cli_run(cli, s.node, all_settled, &s, -1);
		if (!*cli->stop)
			cli_run(cli, s.node, all_settled, &s, s.deadline);
	} else {
		if ((r = queue_text(&s, text, text_len)) != 0)
			goto out;
		cli_run(cli, s.node, all_settled, &s, start + cli->timeout_ms);
	}
	r = finish(&s);
out:
	node_free(s.node);
	free(s.msgs);
	free(s.line);
	free(text);
	return r;
}
