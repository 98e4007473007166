/* SPDX-License-Identifier: MIT */
/* natter --listen: a headless node printing every message as it is stored. */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Lines printed but not yet flushed: at most this many wait for the flush. */
#define LISTEN_PENDING 512

struct listen_state {
	struct cli *cli;
	struct node *node;
	int broken; /* stdout is gone (EPIPE): stop */
	size_t n_pending;
	uint8_t pending[LISTEN_PENDING][16]; /* ids of the lines not yet flushed */
};

/* Flush the printed lines, then record them as shown: only once they are
 * out, so a crash in between shows a message twice, never zero times. */
static void listen_flush(struct listen_state *ls)
{
	if (ls->n_pending == 0)
		return;
	size_t n = ls->n_pending;
	ls->n_pending = 0;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		ls->broken = 1; /* not shown: the next --listen shows them */
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (node_mark_shown(ls->node, ls->pending[i]) != 0) {
			cli_error("cannot record a message as shown; it may be shown again");
			break;
		}
}

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
	memcpy(ls->pending[ls->n_pending++], ev->msg->id, 16);
	if (ls->n_pending == LISTEN_PENDING)
		listen_flush(ls);
}

/* Called before the loop waits: every line printed in this turn goes out
 * now (SPEC: flushed per line; the messages of one commit share a write). */
static int is_done(void *ctx)
{
	struct listen_state *ls = ctx;
	listen_flush(ls);
	return ls->broken;
}

int cli_listen_run(struct cli *cli)
{
	static struct listen_state ls;
	static char outbuf[64 << 10];
	ls.cli = cli;
	/* Room for a burst's lines, so that they leave in few writes. */
	(void)setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
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
	listen_flush(&ls); /* a stop between the print and the wait */
	node_free(ls.node);
	return EX_OK_; /* a closed stdout (| head) is a normal end, as for cat */
}
