/* SPDX-License-Identifier: MIT */
/* What the command-line front ends share: errors, logging, starting a node,
 * running its loop, naming peers and printing messages. */
#include "cli.h"
#include "ctl.h"
#include "ident.h"
#include "logfmt.h"
#include "ncrypto.h"
#include "nerr.h"
#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <termios.h>
#include <poll.h>
#include <time.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* One write per line, so lines of concurrent processes never interleave. */
static void put_line(const char *msg)
{
	char line[1024];
	int n = snprintf(line, sizeof line, "natter: %s\n", msg);
	if (n >= (int)sizeof line) {
		n = (int)sizeof line - 1;
		line[n - 1] = '\n';
	}
	if (n > 0)
		(void)!write(STDERR_FILENO, line, (size_t)n);
}

void cli_error(const char *fmt, ...)
{
	char msg[900];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	put_line(msg);
}

/* Is stderr the journal's stream (systemd sets JOURNAL_STREAM to its
 * DEVICE:INODE)? Then journald stamps and ranks the lines itself. */
static int stderr_is_journal(void)
{
	const char *v = getenv("JOURNAL_STREAM");
	struct stat st;
	unsigned long long dev, ino;
	if (!v || sscanf(v, "%llu:%llu", &dev, &ino) != 2 || fstat(STDERR_FILENO, &st) != 0)
		return 0;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void cli_log_kv(const struct cli *cli, int level, const char *msg, const char *const *kv)
{
	char line[LOGFMT_LINE_MAX];
	if (level > cli->verbose)
		return;
	int journal = stderr_is_journal();
	size_t n = logfmt_line(line, journal ? -1 : text_now_ms(), journal, level, msg, kv);
	(void)!write(STDERR_FILENO, line, n); /* one write: lines never interleave */
}

void cli_log(void *ctx, int level, const char *msg)
{
	static const char *const kv[] = {"component", "node", NULL};
	cli_log_kv(ctx, level, msg, kv);
}

int cli_start_node(struct cli *cli, struct node **out, node_event_fn fn, void *ctx, int flags)
{
	char err[512] = "";
	struct node_config cfg = cli->node;
	cfg.passive = (flags & CLI_NODE_PASSIVE) != 0;
	cfg.transient = (flags & CLI_NODE_TRANSIENT) != 0;
	int r = node_new(out, &cfg, fn, ctx, err, sizeof err);
	if (r == 0)
		return 0;
	if (r == NERR_BUSY && (flags & CLI_NODE_QUIET_BUSY))
		return CLI_BUSY;
	cli_error("%s", err[0] ? err : nerr_str(r));
	switch (r) {
	case NERR_USAGE: return EX_USAGE_;
	case NERR_NET: return EX_UNAVAILABLE_;
	case NERR_BUSY: return EX_UNAVAILABLE_;
	case NERR_LOCKED:
	case NERR_CRYPTO: return EX_NOPERM_;
	default: return EX_IOERR_;
	}
}

void cli_sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void on_stop_fd(void *ctx, int fd, short revents)
{
	char buf[16];
	(void)ctx;
	(void)revents;
	while (read(fd, buf, sizeof buf) > 0)
		;
}

void cli_run(struct cli *cli, struct node *n, int (*done)(void *ctx), void *ctx, int64_t deadline)
{
	struct loop *l = node_loop(n);
	int watching = cli->stop_fd >= 0 && loop_add_fd(l, cli->stop_fd, POLLIN, on_stop_fd, NULL) == 0;
	while (!*cli->stop && !(done && done(ctx))) {
		int64_t wait = -1;
		if (deadline >= 0) {
			wait = deadline - loop_now(l);
			if (wait <= 0)
				break;
		}
		if (loop_run_once(l, wait) != 0)
			break;
	}
	if (watching)
		loop_del_fd(l, cli->stop_fd);
}

int cli_resolve(struct cli *cli, struct node *n, const char *name, uint8_t key[static 32],
		int quiet_unknown)
{
	struct node_peer cand[8];
	size_t nc = 0;
	(void)cli;
	int r = node_resolve(n, name, key, cand, 8, &nc);
	if (r == 0)
		return 0;
	if (r == NERR_AMBIGUOUS) {
		cli_error("'%s' is ambiguous; it could be:", name);
		for (size_t i = 0; i < nc; i++)
			fprintf(stderr, "  %s  %s%s\n", cand[i].fp, cand[i].nick,
				cand[i].verified ? " (verified)" : "");
		fputs("  name one by a fingerprint prefix of at least 8 characters\n", stderr);
		return EX_NOUSER_;
	}
	if (!quiet_unknown)
		cli_error("unknown peer '%s'", name);
	return EX_NOUSER_;
}

static const char *state_name(int state)
{
	return store_state_name(state);
}

void cli_print_msg(struct cli *cli, struct node *n, const struct store_msg *m, const char *nick,
		   const char *peer_fp, int with_state)
{
	char ts[TEXT_TIME_LEN], id[33];
	int out = m->dir == STORE_DIR_OUT;
	const char *from_nick = out ? node_nick(n) : nick;
	const char *from_fp = out ? node_fp(n) : peer_fp;
	const char *to_fp = out ? peer_fp : node_fp(n);
	text_time(ts, m->ts_ms);
	if (cli->json) {
		ncrypto_hex(id, m->id, 16);
		printf("{\"id\":\"%s\",\"from\":", id);
		text_put_json(stdout, from_nick, strlen(from_nick));
		printf(",\"fp\":\"%s\",\"to\":\"%s\",\"ts\":\"%s\",\"seq\":%llu,\"text\":", from_fp,
		       to_fp, ts, (unsigned long long)m->seq);
		text_put_json(stdout, m->text, m->text_len);
		if (with_state)
			printf(",\"state\":\"%s\"", state_name(m->state));
		fputs("}\n", stdout);
	} else {
		printf("%s\t", ts);
		text_put_escaped(stdout, from_nick, strlen(from_nick));
		printf("\t%s\t", from_fp);
		text_put_escaped(stdout, m->text, m->text_len);
		if (with_state)
			printf("\t%s", state_name(m->state));
		fputc('\n', stdout);
	}
}

#define LISTEN_WAIT_MS 60000 /* for a --send of this home to finish */

/* Another node holds the home. A --send's transient node ends by itself:
 * wait for it. A long-lived one (another --listen or the client) does not. */
int cli_start_long_node(struct cli *cli, struct node **out, node_event_fn fn, void *ctx)
{
	int told = 0;
	for (int waited = 0; waited < LISTEN_WAIT_MS && !*cli->stop; waited += 200) {
		int r = cli_start_node(cli, out, fn, ctx, CLI_NODE_QUIET_BUSY);
		if (r != CLI_BUSY)
			return r;
		char *info = NULL;
		if (ctl_request(cli->node.home, "info", 1000, &info) == 0 &&
		    strncmp(info, "node\tlong\t", 10) == 0) {
			free(info);
			cli_error("another natter node is running for %s", cli->node.home);
			return EX_UNAVAILABLE_;
		}
		free(info);
		if (!told++)
			cli_error("waiting for another natter of this home to finish");
		cli_sleep_ms(200);
	}
	cli_error("another natter is still running for %s", cli->node.home);
	return EX_UNAVAILABLE_;
}


/* Read one line (without its newline) from fd into buf; -1 if none. */
static int read_line_fd(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	while (n + 1 < cap) {
		char c;
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n')
			break;
		buf[n++] = c;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return (int)n;
}

/* A line from the file an environment variable names. */
static int pass_from_file(const char *var, char *buf, size_t cap)
{
	const char *path = getenv(var);
	if (!path || !*path)
		return -2; /* not set */
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		cli_error("cannot read %s (%s): %s", var, path, strerror(errno));
		return -1;
	}
	int n = read_line_fd(fd, buf, cap);
	close(fd);
	return n;
}

/* Ask on the terminal with echo off; -1 without a terminal. */
static int pass_from_tty(const char *prompt, char *buf, size_t cap)
{
	struct termios old, quiet;
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	(void)!write(fd, prompt, strlen(prompt));
	int have = tcgetattr(fd, &old) == 0;
	if (have) {
		quiet = old;
		quiet.c_lflag &= (tcflag_t) ~(ECHO | ECHONL);
		(void)tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	int n = read_line_fd(fd, buf, cap);
	if (have)
		(void)tcsetattr(fd, TCSAFLUSH, &old);
	(void)!write(fd, "\n", 1);
	close(fd);
	return n;
}

int cli_pass_get(void *ctx, char *buf, size_t cap)
{
	const struct cli *cli = ctx;
	char prompt[256];
	int n = pass_from_file("NATTER_PASSPHRASE_FILE", buf, cap);
	if (n != -2)
		return n;
	snprintf(prompt, sizeof prompt, "natter: passphrase for %.200s: ", cli->node.home);
	return pass_from_tty(prompt, buf, cap);
}

int cli_passphrase_run(struct cli *cli)
{
	char *a = NULL, *b = NULL;
	int r = EX_IOERR_, n;
	struct ident_pass pass = {cli_pass_get, cli};
	if (!(a = ncrypto_malloc(IDENT_PASS_MAX)) || !(b = ncrypto_malloc(IDENT_PASS_MAX)))
		goto out;
	n = pass_from_file("NATTER_NEW_PASSPHRASE_FILE", a, IDENT_PASS_MAX);
	if (n == -2) {
		n = pass_from_tty("natter: new passphrase (empty: none): ", a, IDENT_PASS_MAX);
		if (n > 0 && pass_from_tty("natter: the same again: ", b, IDENT_PASS_MAX) != n) {
			cli_error("the two passphrases differ; nothing changed");
			r = EX_USAGE_;
			goto out;
		}
		if (n > 0 && memcmp(a, b, (size_t)n) != 0) {
			cli_error("the two passphrases differ; nothing changed");
			r = EX_USAGE_;
			goto out;
		}
	}
	if (n < 0) {
		cli_error("no new passphrase: run in a terminal or set NATTER_NEW_PASSPHRASE_FILE");
		r = EX_USAGE_;
		goto out;
	}
	int e = ident_set_passphrase(cli->node.home, &pass, a, (size_t)n);
	if (e == NERR_LOCKED || e == NERR_CRYPTO) {
		cli_error(e == NERR_LOCKED ? "the current passphrase is needed: run in a terminal "
					     "or set NATTER_PASSPHRASE_FILE"
					   : "wrong passphrase; nothing changed");
		r = EX_NOPERM_;
		goto out;
	}
	if (e != 0) {
		cli_error("cannot change the passphrase in %s: %s", cli->node.home, nerr_str(e));
		goto out;
	}
	fprintf(stderr, "natter: the identity key in %s is %s\n", cli->node.home,
		n > 0 ? "protected by the new passphrase" : "no longer protected by a passphrase");
	r = EX_OK_;
out:
	if (a) {
		ncrypto_memzero(a, IDENT_PASS_MAX);
		ncrypto_free(a);
	}
	if (b) {
		ncrypto_memzero(b, IDENT_PASS_MAX);
		ncrypto_free(b);
	}
	return r;
}
