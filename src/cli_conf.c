/* SPDX-License-Identifier: MIT */
/* Where the configuration comes from and how it meets the command line:
 * command line > environment > natter.conf > defaults, for every setting. */
#include "cli.h"
#include "nerr.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *env_get(const char *name)
{
	return getenv(name);
}

/* Print a warning now; keep it for the client, whose screen hides stderr. */
static void warn_stderr(void *ctx, const char *msg)
{
	struct cli_conf *cc = ctx;
	cli_error("%s", msg);
	if (cc->n_warnings < CLI_CONF_WARNINGS)
		snprintf(cc->warnings[cc->n_warnings], sizeof cc->warnings[0], "%s", msg);
	cc->n_warnings++;
}

/* path as the user would write it: "~/..." under $HOME. */
static void path_shown(char *buf, size_t cap, const char *path)
{
	const char *home = getenv("HOME");
	size_t n = home ? strlen(home) : 0;
	if (n > 1 && strncmp(path, home, n) == 0 && path[n] == '/')
		snprintf(buf, cap, "~%s", path + n);
	else
		snprintf(buf, cap, "%s", path);
}

/* 0 read (or a default file unreadable: said why), 1 a default file absent,
 * or EX_USAGE_ for a named file absent or unreadable (said why). */
static int load_file(struct cli_conf *cc, const char *path, int named)
{
	char shown[PATH_MAX], why[PATH_MAX + 128];
	path_shown(shown, sizeof shown, path);
	int r = conf_load(&cc->conf, path, shown, warn_stderr, cc, why, sizeof why);
	if (r == NERR_NOTFOUND && named) {
		cli_error("cannot read %s: no such file", shown);
		return EX_USAGE_;
	}
	if (r == NERR_SYSTEM) {
		cli_error("%s", why);
		return named ? EX_USAGE_ : 0; /* an unreadable default file: warned, skipped */
	}
	return r == NERR_NOTFOUND ? 1 : 0;
}

static int read_layers(struct cli_conf *cc, const char *config, int no_config, int home_given,
		       const char *home)
{
	char path[PATH_MAX], why[512];
	struct conf env;
	int r = 0;
	if (!config) {
		const char *v = getenv("NATTER_CONFIG");
		config = v && *v ? v : NULL;
	}
	if (config && !no_config) {
		r = load_file(cc, config, 1);
	} else if (!no_config &&
		   conf_path_default(path, sizeof path, home, home_given, env_get) == 0) {
		r = load_file(cc, path, 0);
		/* no XDG file: the default home's, where natter read it before */
		if (r == 1 && !home_given &&
		    snprintf(path, sizeof path, "%s/%s", home, CONF_FILE) < (int)sizeof path)
			r = load_file(cc, path, 0);
	}
	if (r == EX_USAGE_)
		return r;
	conf_defaults(&env);
	if (conf_from_env(&env, env_get, why, sizeof why) != 0) {
		cli_error("%s", why);
		return EX_USAGE_;
	}
	conf_overlay(&cc->conf, &env);
	return 0;
}

int cli_conf_apply(struct cli *cli, struct cli_conf *cc, unsigned given, const char *config,
		   int no_config, int home_given)
{
	struct node_config *nc = &cli->node;
	conf_defaults(&cc->conf);
	cc->n_warnings = 0;
	if (read_layers(cc, config, no_config, home_given, nc->home) != 0)
		return EX_USAGE_;
	const struct conf *c = &cc->conf;
	unsigned use = c->set & ~given;
	if (use & CONF_BIT(CONF_NICK))
		nc->nick = c->nick;
	if (use & CONF_BIT(CONF_IFACE)) {
		for (size_t i = 0; i < c->n_ifaces; i++)
			cc->ifaces[i] = c->ifaces[i];
		nc->ifaces = cc->ifaces;
		nc->n_ifaces = c->n_ifaces;
	}
	if (use & CONF_BIT(CONF_GROUP)) {
		nc->group = c->group;
		nc->group_port = c->group_port;
	}
	if (use & CONF_BIT(CONF_PORT))
		nc->port = c->port;
	if (use & CONF_BIT(CONF_BIND))
		nc->bind = c->bind;
	if (use & CONF_BIT(CONF_PEER)) {
		nc->static_peers = c->peers;
		nc->n_static_peers = c->n_peers;
	}
	if (use & CONF_BIT(CONF_TIMEOUT))
		cli->timeout_ms = c->timeout_ms;
	if (use & CONF_BIT(CONF_SHARE_PEERS))
		nc->share_peers = c->share_peers;
	nc->no_read_receipts = !c->read_receipts;
	nc->msg_ttl_s = c->ttl_s;
	cli->conf = c;
	cli->settings = cc;
	const char *target = cli->peer ? conf_alias_target(c, cli->peer) : NULL;
	if (target)
		cli->peer = target;
	return 0;
}
