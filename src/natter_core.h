/* SPDX-License-Identifier: MIT */
/* How src/ makes a natter.h handle from a running node (ui/ never sees this). */
#ifndef NATTER_NATTER_CORE_H
#define NATTER_NATTER_CORE_H

#include "conf.h"
#include "natter.h"
#include "node.h"

/* A front-end handle on node (which it does not own); it takes over the
 * node's event callback. NULL on allocation failure. */
struct natter *natter_wrap(struct node *node, const struct conf *conf);
/* Keep a line about the configuration (a copy) for natter_conf_warning;
 * at most NATTER_CONF_WARNINGS are kept. */
void natter_add_conf_warning(struct natter *nt, const char *line);
/* Give the node's events back (to nobody) and free the handle. */
void natter_unwrap(struct natter *nt);

#endif
