/* SPDX-License-Identifier: MIT */
/* natter's command line: parse options, pick the mode, run its front end. */
#include "cli.h"
#include "disc.h"
#include "doctor.h"
#include "ncrypto.h"
#include "pex.h"
#include "nerr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#ifndef NATTER_VERSION
#error "build with -DNATTER_VERSION=\"X.Y.Z\" (the Makefile reads the VERSION file)"
#endif
#define MAX_IFACES 16
#define MAX_PEERS 32

static volatile sig_atomic_t g_stop;
static int g_sig_pipe[2] = {-1, -1};

static void on_signal(int sig)
{
	int saved = errno;
	(void)sig;
	g_stop = 1;
	if (g_sig_pipe[1] >= 0)
		(void)!write(g_sig_pipe[1], "x", 1);
	errno = saved;
}

static void usage(FILE *f)
{
	fputs("usage: natter [OPTIONS]                 the interactive client\n"
	      "       natter --listen [OPTIONS]        headless node: print every message received\n"
	      "       natter --send PEER [TEXT...]     send TEXT, or each line of stdin\n"
	      "       natter --peers | --id | --outbox [--json]\n"
	      "       natter --outbox --cancel ID      withdraw a message not yet delivered\n"
	      "       natter --history PEER [-n N] [--json]\n"
	      "       natter --verify PEER | --trust PEER\n"
	      "       natter --passphrase              set, change or remove the key's passphrase\n"
	      "       natter --doctor [--json]         why peers do or don't see each other\n"
	      "\n"
	      "options:\n"
	      "  --home DIR          state directory (default $NATTER_HOME, else\n"
	      "                      $XDG_DATA_HOME/natter, else ~/.local/share/natter)\n"
	      "  --config FILE       settings file (default $NATTER_CONFIG, else HOME/natter.conf\n"
	      "                      with --home or $NATTER_HOME, else\n"
	      "                      $XDG_CONFIG_HOME/natter/natter.conf); see natter.conf(5).\n"
	      "                      Options beat NATTER_NICK, NATTER_IFACE, NATTER_GROUP,\n"
	      "                      NATTER_PORT, NATTER_BIND, NATTER_PEERS, NATTER_TIMEOUT,\n"
	      "                      NATTER_TTL, NATTER_SHARE_PEERS, which beat the file\n"
	      "  --no-config         read no settings file\n"
	      "  --nick NAME         display name, remembered in the home\n"
	      "  --iface IF          interface name or IPv4 address for discovery (repeatable;\n"
	      "                      default: every multicast interface that is up, not loopback)\n"
	      "  --group ADDR:PORT   discovery multicast group (default 239.255.78.84:7701)\n"
	      "  --bind ADDR         TCP listen address (default all)\n"
	      "  --port N            TCP listen port, 0 for any free one (default 7700)\n"
	      "  --peer HOST:PORT    a peer to reach without multicast (repeatable)\n"
	      "  --share-peers[=MODE] tell peers the addresses of our peers: off (default),\n"
	      "                      static (only --peer peers; the default MODE) or all\n"
	      "  --timeout SECS      how long --send waits for delivery (default 10)\n"
	      "                      (--doctor: how long it listens for beacons, default 3)\n"
	      "  -n N                --history: only the last N messages\n"
	      "  --json              JSON Lines output\n"
	      "  --cached            --peers: what the home knows, without a probe\n"
	      "  --cancel ID         --outbox: withdraw the queued message ID (or a unique\n"
	      "                      prefix of at least 8 hex digits)\n"
	      "  -v, --verbose       log to stderr (repeat for more)\n"
	      "  -h, --help          this help\n"
	      "  -V, --version       version\n"
	      "\n"
	      "exit status: 0 done/delivered, 1 --doctor has findings, 64 usage, 65 bad message,\n"
	      "67 unknown or ambiguous peer, 69 network unavailable or a message expired or\n"
	      "cancelled, 74 storage error, 75 queued (not yet delivered), 77 refused.\n"
	      "See natter(1).\n",
	      f);
}

enum mode {
	MODE_DEFAULT,
	MODE_LISTEN,
	MODE_SEND,
	MODE_PEERS,
	MODE_ID,
	MODE_HISTORY,
	MODE_OUTBOX,
	MODE_VERIFY,
	MODE_TRUST,
	MODE_PASSPHRASE,
	MODE_DOCTOR,
};

enum opt_id {
	OPT_HOME = 256,
	OPT_NICK,
	OPT_IFACE,
	OPT_GROUP,
	OPT_BIND,
	OPT_PORT,
	OPT_PEER,
	OPT_TIMEOUT,
	OPT_CONFIG,
	OPT_NO_CONFIG,
	OPT_JSON,
	OPT_LISTEN,
	OPT_SEND,
	OPT_PEERS,
	OPT_ID,
	OPT_HISTORY,
	OPT_OUTBOX,
	OPT_VERIFY,
	OPT_TRUST,
	OPT_PASSPHRASE,
	OPT_DOCTOR,
};

/* Options for everyday operation (packaging, completion), kept apart. */
enum opt_ops_id {
	OPT_CACHED = 512,
	OPT_CANCEL,
	OPT_SHARE_PEERS,
};

static const struct option long_opts[] = {
	{"home", required_argument, NULL, OPT_HOME},
	{"nick", required_argument, NULL, OPT_NICK},
	{"iface", required_argument, NULL, OPT_IFACE},
	{"group", required_argument, NULL, OPT_GROUP},
	{"bind", required_argument, NULL, OPT_BIND},
	{"port", required_argument, NULL, OPT_PORT},
	{"peer", required_argument, NULL, OPT_PEER},
	{"timeout", required_argument, NULL, OPT_TIMEOUT},
	{"config", required_argument, NULL, OPT_CONFIG},
	{"no-config", no_argument, NULL, OPT_NO_CONFIG},
	{"json", no_argument, NULL, OPT_JSON},
	{"listen", no_argument, NULL, OPT_LISTEN},
	{"send", required_argument, NULL, OPT_SEND},
	{"peers", no_argument, NULL, OPT_PEERS},
	{"id", no_argument, NULL, OPT_ID},
	{"history", required_argument, NULL, OPT_HISTORY},
	{"outbox", no_argument, NULL, OPT_OUTBOX},
	{"verify", required_argument, NULL, OPT_VERIFY},
	{"trust", required_argument, NULL, OPT_TRUST},
	{"passphrase", no_argument, NULL, OPT_PASSPHRASE},
	{"doctor", no_argument, NULL, OPT_DOCTOR},
	{"verbose", no_argument, NULL, 'v'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	/* everyday operation */
	{"cached", no_argument, NULL, OPT_CACHED},
	{"cancel", required_argument, NULL, OPT_CANCEL},
	{"share-peers", optional_argument, NULL, OPT_SHARE_PEERS},
	{NULL, 0, NULL, 0},
};

static int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_timeout(const char *s, int64_t *ms)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= 0) || v > 86400.0 * 365)
		return -1;
	*ms = (int64_t)(v * 1000.0);
	return 0;
}

static int parse_hostport(const char *s, struct sockaddr_in *out)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	long port;
	if (!colon || (size_t)(colon - s) >= sizeof host || colon == s)
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	if (parse_long(colon + 1, 1, 65535, &port) != 0)
		return -1;
	memset(out, 0, sizeof *out);
	out->sin_family = AF_INET;
	out->sin_port = htons((uint16_t)port);
	if (strcmp(host, "localhost") == 0)
		strcpy(host, "127.0.0.1");
	return inet_pton(AF_INET, host, &out->sin_addr) == 1 ? 0 : -1;
}

/* $NATTER_HOME, else $XDG_DATA_HOME/natter, else ~/.local/share/natter. */
static int default_home(char *buf, size_t cap)
{
	const char *v = getenv("NATTER_HOME");
	if (v && *v)
		return snprintf(buf, cap, "%s", v) < (int)cap ? 0 : -1;
	v = getenv("XDG_DATA_HOME");
	if (v && *v == '/')
		return snprintf(buf, cap, "%s/natter", v) < (int)cap ? 0 : -1;
	v = getenv("HOME");
	if (!v || !*v)
		return -1;
	return snprintf(buf, cap, "%s/.local/share/natter", v) < (int)cap ? 0 : -1;
}

/* The setting an option gives, which the config file and environment then
 * leave alone (a repeatable option replaces their whole list). */
static unsigned opt_conf_bit(int opt)
{
	switch (opt) {
	case OPT_NICK: return CONF_BIT(CONF_NICK);
	case OPT_IFACE: return CONF_BIT(CONF_IFACE);
	case OPT_GROUP: return CONF_BIT(CONF_GROUP);
	case OPT_BIND: return CONF_BIT(CONF_BIND);
	case OPT_PORT: return CONF_BIT(CONF_PORT);
	case OPT_PEER: return CONF_BIT(CONF_PEER);
	case OPT_TIMEOUT: return CONF_BIT(CONF_TIMEOUT);
	case OPT_SHARE_PEERS: return CONF_BIT(CONF_SHARE_PEERS);
	default: return 0;
	}
}

static int set_mode(enum mode *mode, enum mode m)
{
	if (*mode != MODE_DEFAULT && *mode != m) {
		cli_error("choose one of --listen, --send, --peers, --id, --history, --outbox, "
			  "--verify, --trust, --passphrase, --doctor");
		return -1;
	}
	*mode = m;
	return 0;
}

static int setup_signals(struct cli *cli)
{
	struct sigaction sa;
	if (pipe(g_sig_pipe) != 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		(void)fcntl(g_sig_pipe[i], F_SETFL, fcntl(g_sig_pipe[i], F_GETFL) | O_NONBLOCK);
		(void)fcntl(g_sig_pipe[i], F_SETFD, FD_CLOEXEC);
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	cli->stop = &g_stop;
	cli->stop_fd = g_sig_pipe[0];
	return 0;
}

int main(int argc, char **argv)
{
	static char home[PATH_MAX];
	static const char *ifaces[MAX_IFACES];
	static struct sockaddr_in peers[MAX_PEERS];
	static struct cli_conf conf;
	const char *config_opt = NULL;
	unsigned conf_given = 0;
	int no_config = 0;
	struct cli cli;
	enum mode mode = MODE_DEFAULT;
	const char *home_opt = NULL;
	long v;
	int c;
	int timeout_given = 0; /* --doctor listens 3 s unless --timeout says */

#ifdef __GLIBC__
	/* Why: inside a batch SQLite allocates and frees a statement journal for
	 * each statement that changes several rows (a window's delivery
	 * attempts); with glibc's adaptive trimming each pair moved the heap's
	 * end with brk(2), twice per message sent (6 % of a node's CPU in the
	 * rtt bench). A fixed threshold keeps up to 1 MiB of free heap at the
	 * top instead of handing it back and asking again. */
	(void)mallopt(M_TRIM_THRESHOLD, 1 << 20);
	(void)mallopt(M_TOP_PAD, 256 << 10);
#endif
	memset(&cli, 0, sizeof cli);
	cli.timeout_ms = 10000;
	cli.stop_fd = -1;
	inet_pton(AF_INET, NODE_DEFAULT_GROUP, &cli.node.group);
	cli.node.group_port = NODE_DEFAULT_GROUP_PORT;
	cli.node.bind.s_addr = htonl(INADDR_ANY);
	cli.node.port = NODE_DEFAULT_PORT;
	cli.node.ifaces = ifaces;
	cli.node.static_peers = peers;
	cli.node.log = cli_log;
	cli.node.log_ctx = &cli;
	static struct ident_pass pass;
	pass.get = cli_pass_get;
	pass.ctx = &cli;
	cli.node.pass = &pass;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":n:vhV", long_opts, NULL)) != -1) {
		conf_given |= opt_conf_bit(c);
		switch (c) {
		case OPT_HOME: home_opt = optarg; break;
		case OPT_NICK: cli.node.nick = optarg; break;
		case OPT_IFACE:
			if (cli.node.n_ifaces == MAX_IFACES) {
				cli_error("at most %d --iface options", MAX_IFACES);
				return EX_USAGE_;
			}
			ifaces[cli.node.n_ifaces++] = optarg;
			break;
		case OPT_GROUP:
			if (disc_parse_group(optarg, &cli.node.group, &cli.node.group_port) != 0) {
				cli_error("bad --group '%s': expected a multicast IPv4 ADDR:PORT",
					  optarg);
				return EX_USAGE_;
			}
			break;
		case OPT_BIND:
			if (inet_pton(AF_INET, optarg, &cli.node.bind) != 1) {
				cli_error("bad --bind '%s': expected an IPv4 address", optarg);
				return EX_USAGE_;
			}
			break;
		case OPT_PORT:
			if (parse_long(optarg, 0, 65535, &v) != 0) {
				cli_error("bad --port '%s': expected 0..65535", optarg);
				return EX_USAGE_;
			}
			cli.node.port = (uint16_t)v;
			break;
		case OPT_PEER:
			if (cli.node.n_static_peers == MAX_PEERS) {
				cli_error("at most %d --peer options", MAX_PEERS);
				return EX_USAGE_;
			}
			if (parse_hostport(optarg, &peers[cli.node.n_static_peers]) != 0) {
				cli_error("bad --peer '%s': expected IPv4-ADDRESS:PORT", optarg);
				return EX_USAGE_;
			}
			cli.node.n_static_peers++;
			break;
		case OPT_TIMEOUT:
			if (parse_timeout(optarg, &cli.timeout_ms) != 0) {
				cli_error("bad --timeout '%s': expected seconds >= 0", optarg);
				return EX_USAGE_;
			}
			timeout_given = 1;
			break;
		case OPT_CONFIG: config_opt = optarg; break;
		case OPT_NO_CONFIG: no_config = 1; break;
		case OPT_JSON: cli.json = 1; break;
		case OPT_LISTEN:
			if (set_mode(&mode, MODE_LISTEN) != 0)
				return EX_USAGE_;
			break;
		case OPT_SEND:
			if (set_mode(&mode, MODE_SEND) != 0)
				return EX_USAGE_;
			cli.peer = optarg;
			break;
		case OPT_PEERS:
			if (set_mode(&mode, MODE_PEERS) != 0)
				return EX_USAGE_;
			break;
		case OPT_ID:
			if (set_mode(&mode, MODE_ID) != 0)
				return EX_USAGE_;
			break;
		case OPT_HISTORY:
			if (set_mode(&mode, MODE_HISTORY) != 0)
				return EX_USAGE_;
			cli.peer = optarg;
			break;
		case OPT_OUTBOX:
			if (set_mode(&mode, MODE_OUTBOX) != 0)
				return EX_USAGE_;
			break;
		case OPT_VERIFY:
			if (set_mode(&mode, MODE_VERIFY) != 0)
				return EX_USAGE_;
			cli.peer = optarg;
			break;
		case OPT_TRUST:
			if (set_mode(&mode, MODE_TRUST) != 0)
				return EX_USAGE_;
			cli.peer = optarg;
			break;
		case OPT_PASSPHRASE:
			if (set_mode(&mode, MODE_PASSPHRASE) != 0)
				return EX_USAGE_;
			break;
		case OPT_DOCTOR:
			if (set_mode(&mode, MODE_DOCTOR) != 0)
				return EX_USAGE_;
			break;
		case 'n':
			if (parse_long(optarg, 1, 100000000, &cli.history_n) != 0) {
				cli_error("bad -n '%s': expected a positive number", optarg);
				return EX_USAGE_;
			}
			break;
		case OPT_CACHED: cli.cached = 1; break;
		case OPT_CANCEL: cli.cancel = optarg; break;
		case OPT_SHARE_PEERS: {
			enum pex_mode m = PEX_STATIC;
			if (optarg && pex_mode_parse(optarg, &m) != 0) {
				cli_error("bad --share-peers '%s': expected off, static or all", optarg);
				return EX_USAGE_;
			}
			cli.node.share_peers = (int)m;
			break;
		}
		case 'v': cli.verbose++; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("natter %s\n", NATTER_VERSION); return 0;
		case ':':
			cli_error("option '%s' needs an argument (see natter --help)",
				  argv[optind - 1]);
			return EX_USAGE_;
		default:
			cli_error("unknown option '%s' (see natter --help)", argv[optind - 1]);
			return EX_USAGE_;
		}
	}
	if (optind < argc && mode != MODE_SEND) {
		cli_error("unexpected argument '%s' (see natter --help)", argv[optind]);
		return EX_USAGE_;
	}
	if (cli.history_n && mode != MODE_HISTORY) {
		cli_error("-n goes with --history");
		return EX_USAGE_;
	}
	if (cli.cancel && mode != MODE_OUTBOX) {
		cli_error("--cancel goes with --outbox");
		return EX_USAGE_;
	}
	if (cli.cached && mode != MODE_PEERS) {
		cli_error("--cached goes with --peers");
		return EX_USAGE_;
	}
	cli.words = argv + optind;
	cli.n_words = (size_t)(argc - optind);

	if (home_opt) {
		if (!*home_opt || snprintf(home, sizeof home, "%s", home_opt) >= (int)sizeof home) {
			cli_error("bad --home '%s'", home_opt);
			return EX_USAGE_;
		}
	} else if (default_home(home, sizeof home) != 0) {
		cli_error("no home directory: set --home, $NATTER_HOME or $HOME");
		return EX_USAGE_;
	}
	cli.node.home = home;
	const char *env_home = getenv("NATTER_HOME");
	int conf_r = cli_conf_apply(&cli, &conf, conf_given, config_opt, no_config,
				    home_opt || (env_home && *env_home));
	if (conf_r != 0)
		return conf_r;

	struct rlimit nocore = {0, 0};
	(void)setrlimit(RLIMIT_CORE, &nocore); /* no key material in core dumps */
	if (ncrypto_init() != 0) {
		cli_error("cannot initialise libsodium");
		return EX_UNAVAILABLE_;
	}
	if (setup_signals(&cli) != 0) {
		cli_error("cannot set up signal handling: %s", strerror(errno));
		return EX_UNAVAILABLE_;
	}
	switch (mode) {
	case MODE_DEFAULT: return cli_ui_run(&cli);
	case MODE_LISTEN: return cli_listen_run(&cli);
	case MODE_SEND: return cli_send_run(&cli);
	case MODE_PEERS: return cli_info_peers(&cli);
	case MODE_ID: return cli_info_id(&cli);
	case MODE_HISTORY: return cli_info_history(&cli);
	case MODE_OUTBOX: return cli_info_outbox(&cli);
	case MODE_VERIFY: return cli_info_verify(&cli);
	case MODE_TRUST: return cli_info_trust(&cli);
	case MODE_PASSPHRASE: return cli_passphrase_run(&cli);
	case MODE_DOCTOR:
		return doctor_run(&cli, timeout_given ? cli.timeout_ms : DOCTOR_LISTEN_MS);
	}
	return EX_USAGE_;
}
