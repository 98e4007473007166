/* SPDX-License-Identifier: MIT */
/* The command-line front ends: what main() parsed, and one entry point per
 * mode. Each returns a sysexits code (SPEC.md "Exit status"). */
#ifndef NATTER_CLI_H
#define NATTER_CLI_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "node.h"

#define EX_OK_ 0
#define EX_USAGE_ 64
#define EX_DATAERR_ 65
#define EX_NOUSER_ 67
#define EX_UNAVAILABLE_ 69
#define EX_IOERR_ 74
#define EX_TEMPFAIL_ 75
#define EX_NOPERM_ 77
#define EX_INTERRUPTED_ 130 /* 128 + SIGINT: stopped before anything was queued */

struct cli {
	struct node_config node;
	int json;
	int verbose;
	int64_t timeout_ms;
	long history_n; /* -n N; 0 = all */
	int cached;	/* --peers --cached: no probe, no node, nothing created */
	const char *cancel; /* --outbox --cancel ID */
	const char *peer;	   /* PEER of --send / --history */
	char *const *words;	   /* TEXT words of --send */
	size_t n_words;
	volatile sig_atomic_t *stop; /* set by SIGINT/SIGTERM */
	int stop_fd;		     /* readable when a signal arrived */
	const struct conf *conf;     /* natter.conf and the environment, merged */
	const struct cli_conf *settings; /* conf with the file's warnings */
};

/* The settings of natter.conf and the environment, kept for the run. */
#define CLI_CONF_WARNINGS 8
struct cli_conf {
	struct conf conf;
	const char *ifaces[CONF_IFACES_MAX]; /* into conf.ifaces, for cli->node */
	char warnings[CLI_CONF_WARNINGS][256]; /* the file's, for the client to repeat */
	size_t n_warnings;		       /* may exceed CLI_CONF_WARNINGS */
};
/* Read the config file and the NATTER_* environment and apply each setting
 * the command line did not give (given: CONF_BIT()s) to cli (its node config,
 * timeout and conf), and name cli->peer's alias target. The file is config
 * (--config) or $NATTER_CONFIG, else HOME/natter.conf when home_given, else
 * the XDG one (falling back to HOME/natter.conf); none with no_config. Its
 * problems are warned about once on stderr and skipped. 0, or EX_USAGE_
 * (printed): a bad environment variable, a named file that cannot be read. */
int cli_conf_apply(struct cli *cli, struct cli_conf *cc, unsigned given, const char *config,
		   int no_config, int home_given);

int cli_listen_run(struct cli *cli);
int cli_send_run(struct cli *cli);
int cli_info_id(struct cli *cli);
int cli_info_peers(struct cli *cli);
int cli_info_history(struct cli *cli);
int cli_info_outbox(struct cli *cli);
int cli_info_verify(struct cli *cli);
int cli_info_trust(struct cli *cli);
int cli_ui_run(struct cli *cli);
int cli_passphrase_run(struct cli *cli);
/* The identity key's passphrase: NATTER_PASSPHRASE_FILE, else a prompt on
 * the terminal; -1 when neither. ctx is the struct cli. */
int cli_pass_get(void *ctx, char *buf, size_t cap);

/* Shared by the front ends. */
/* Print "natter: <msg>" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The node's log sink: prints when level <= the -v count, as one logfmt
 * line (see logfmt.h) with component=node. */
void cli_log(void *ctx, int level, const char *msg);
/* Log msg with extra key, value pairs (kv NULL-terminated, or NULL) when
 * level <= the -v count: ts=, level=, msg= then kv. Without ts= and with a
 * "<N>" priority prefix when stderr is the journal (JOURNAL_STREAM). */
void cli_log_kv(const struct cli *cli, int level, const char *msg, const char *const *kv);
/* Start a node for this command line and map a failure to an exit code
 * (printing the reason); 0 on success. With CLI_NODE_QUIET_BUSY, a home
 * whose lock another node holds returns CLI_BUSY silently. */
#define CLI_NODE_PASSIVE 1
#define CLI_NODE_TRANSIENT 2
#define CLI_NODE_QUIET_BUSY 4
#define CLI_BUSY 1000
int cli_start_node(struct cli *cli, struct node **out, node_event_fn fn, void *ctx, int flags);
void cli_sleep_ms(int ms);
/* Start the home's long-lived node (--listen, the client): wait up to
 * LISTEN_WAIT_MS for a --send's transient node to end; refuse (69) at once
 * when another long-lived node runs. */
int cli_start_long_node(struct cli *cli, struct node **out, node_event_fn fn, void *ctx);
/* Run the loop until *cli->stop or done() says so, or until deadline (monotonic
 * ms, < 0 for none); also wakes for the signal pipe. */
void cli_run(struct cli *cli, struct node *n, int (*done)(void *ctx), void *ctx, int64_t deadline);
/* Resolve PEER or print why not: 0, EX_NOUSER_ (unknown/ambiguous, with candidates). */
int cli_resolve(struct cli *cli, struct node *n, const char *name, uint8_t key[static 32],
		int quiet_unknown);
/* Print a message as a --listen/--history line (plain or JSON) to stdout's
 * buffer; the caller flushes. */
struct store_msg;
void cli_print_msg(struct cli *cli, struct node *n, const struct store_msg *m, const char *nick,
		   const char *peer_fp, int with_state);

#endif
