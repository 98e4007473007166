/* SPDX-License-Identifier: MIT */
/* natter --listen: a headless node printing every message as it is stored. */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct listen_state {
	struct cli *cli;
	struct node *node;
	int broken; /* stdout is gone (EPIPE): stop */
};

static void on_event(void *ctx, const struct node_event *ev)
{
	struct listen_state *ls = ctx;
	if (ev->type == NODE_EV_NICK_CONFLICT) {
		cli_error("new key %.16s claims to be %s, not the %s you know", ev->peer->fp,
			  ev->peer->nick, ev->peer->nick);
		return;
	}
	if (ev->type != NODE_EV_MESSAGE || ls->broken)
		return;
	cli_print_msg(ls->cli, ls->node, ev->msg, ev->peer->nick, ev->peer->fp, 0);
	/* Flushed per line (SPEC), and recorded as shown only once it is out:
	 * a crash in between shows a message twice, never zero times. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		ls->broken = 1; /* not shown: the next --listen shows it */
		return;
	}
	if (node_mark_shown(ls->node, ev->msg->id) != 0)
		cli_error("cannot record a message as shown; it may be shown again");
}

static int is_done(void *ctx)
{
	return ((struct listen_state *)ctx)->broken;
}

int cli_listen_run(struct cli *cli)
{
	struct listen_state ls = {cli, NULL, 0};
	int r = cli_start_long_node(cli, &ls.node, on_event, &ls);
	if (r != 0)
		return r;
	if (cli->verbose) {
		char msg[128], port[8];
		snprintf(msg, sizeof msg, "listening as %s (%.8s) on TCP port %u",
			 node_nick(ls.node), node_fp(ls.node), node_port(ls.node));
		snprintf(port, sizeof port, "%u", node_port(ls.node));
		const char *kv[] = {
		    "component", "listen", "nick", node_nick(ls.node), "fp", node_fp(ls.node),
		    "port",	 port,	   NULL,
		};
		cli_log_kv(cli, 1, msg, kv);
	}
	cli_run(cli, ls.node, is_done, &ls, -1);
	node_free(ls.node);
	return EX_OK_; /* a closed stdout (| head) is a normal end, as for cat */
}
