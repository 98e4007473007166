/* SPDX-License-Identifier: MIT */
/* natter with no mode: start the home's long-lived node and hand it to the
 * interactive client in ui/ through the natter.h handle. */
#include "cli.h"
#include "conf.h"
#include "natter_core.h"

#include <stdio.h>

int cli_ui_run(struct cli *cli)
{
	struct node *node = NULL;
	int r = cli_start_long_node(cli, &node, NULL, NULL);
	if (r != 0)
		return r;
	struct natter *nt = natter_wrap(node, cli->conf);
	if (!nt) {
		node_free(node);
		cli_error("out of memory");
		return EX_IOERR_;
	}
	/* The file's warnings went to stderr, which the screen is about to hide. */
	size_t n = cli->settings ? cli->settings->n_warnings : 0;
	size_t keep = n > NATTER_CONF_WARNINGS ? NATTER_CONF_WARNINGS - 1 : n;
	for (size_t i = 0; i < keep && i < CLI_CONF_WARNINGS; i++)
		natter_add_conf_warning(nt, cli->settings->warnings[i]);
	if (keep < n)
		natter_add_conf_warning(nt, "more warnings about the configuration: see stderr");
	r = natter_ui_main(nt);
	natter_unwrap(nt);
	node_free(node);
	return r;
}

