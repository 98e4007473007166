/* SPDX-License-Identifier: MIT */
/* natter.h on top of the node: translates node events into the front-end
 * API and forwards the front end's actions. */
#include "natter.h"
#include "conf.h"
#include "natter_core.h"
#include "ncrypto.h"
#include "nerr.h"
#include "safety.h"
#include "store.h"
#include "text.h"
#include "utf8.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A watched fd: loop_io_fn has another shape than natter_fd_fn. A front end
 * watches one or two fds (the terminal, a signal pipe). */
struct watch {
	int fd;
	natter_fd_fn fn;
	void *ctx;
};

#define NATTER_WATCHES 8

struct natter {
	struct node *node;
	struct watch watches[NATTER_WATCHES];
	struct conf conf;
	char conf_warnings[NATTER_CONF_WARNINGS][256];
	size_t n_conf_warnings;
	natter_event_fn fn;
	void *ctx;
};

static void peer_out(struct natter_peer *out, const struct node_peer *p)
{
	memset(out, 0, sizeof *out);
	memcpy(out->fp, p->fp, sizeof out->fp);
	snprintf(out->nick, sizeof out->nick, "%s", p->nick);
	snprintf(out->alias, sizeof out->alias, "%s", p->alias);
	out->online = p->online;
	out->away = p->away;
	snprintf(out->away_reason, sizeof out->away_reason, "%s", p->away_reason);
	out->last_seen_ms = p->last_seen_ms;
	out->verified = p->verified;
	out->nick_conflict = p->nick_conflict;
}

static void msg_out(struct natter_msg *out, const struct store_msg *m)
{
	memset(out, 0, sizeof *out);
	ncrypto_hex(out->id, m->id, 16);
	ncrypto_hex(out->peer_fp, m->peer, 32);
	out->outgoing = m->dir == STORE_DIR_OUT;
	out->seq = m->seq;
	out->ts_ms = m->ts_ms;
	out->text = m->text;
	out->text_len = m->text_len;
	out->state = (enum natter_state)m->state;
}

static void on_node_event(void *ctx, const struct node_event *ev)
{
	struct natter *nt = ctx;
	struct natter_peer peer;
	struct natter_msg msg;
	struct natter_event out = {0};
	if (!nt->fn || !ev->peer)
		return;
	peer_out(&peer, ev->peer);
	out.peer = &peer;
	if (ev->msg) {
		msg_out(&msg, ev->msg);
		out.msg = &msg;
	}
	switch (ev->type) {
	case NODE_EV_MESSAGE: out.type = NATTER_EV_MESSAGE; break;
	case NODE_EV_DELIVERED:
	case NODE_EV_WITHDRAWN:
	case NODE_EV_READ: out.type = NATTER_EV_STATE; break;
	case NODE_EV_PEER_ONLINE:
	case NODE_EV_PEER_OFFLINE:
	case NODE_EV_PEER_CHANGED:
	case NODE_EV_NICK_CONFLICT: out.type = NATTER_EV_PEER; break;
	case NODE_EV_TYPING: out.type = NATTER_EV_TYPING; break;
	case NODE_EV_REFUSED: out.type = NATTER_EV_REFUSED; break;
	}
	nt->fn(nt->ctx, &out);
}

struct natter *natter_wrap(struct node *node, const struct conf *conf)
{
	struct natter *nt = calloc(1, sizeof *nt);
	if (!nt)
		return NULL;
	nt->node = node;
	nt->conf = *conf;
	node_set_event_fn(node, on_node_event, nt);
	return nt;
}

void natter_unwrap(struct natter *nt)
{
	if (!nt)
		return;
	node_set_event_fn(nt->node, NULL, NULL);
	free(nt);
}

void natter_set_event_fn(struct natter *nt, natter_event_fn fn, void *ctx)
{
	nt->fn = fn;
	nt->ctx = ctx;
}

const char *natter_self_fp(const struct natter *nt)
{
	return node_fp(nt->node);
}

const char *natter_self_nick(const struct natter *nt)
{
	return node_nick(nt->node);
}

int natter_set_nick(struct natter *nt, const char *nick)
{
	return node_set_nick(nt->node, nick) == 0 ? 0 : -1;
}

int natter_set_away(struct natter *nt, const char *reason)
{
	return node_set_away(nt->node, reason) == 0 ? 0 : -1;
}

int natter_peers(struct natter *nt, struct natter_peer **out, size_t *n)
{
	struct node_peer *peers;
	size_t count;
	if (node_peers(nt->node, &peers, &count) != 0)
		return -1;
	struct natter_peer *arr = calloc(count + 1, sizeof *arr);
	if (!arr) {
		free(peers);
		return -1;
	}
	for (size_t i = 0; i < count; i++)
		peer_out(&arr[i], &peers[i]);
	free(peers);
	*out = arr;
	*n = count;
	return 0;
}

static int key_of(const char *fp, uint8_t key[static 32])
{
	return fp && ncrypto_unhex(key, 32, fp) == 0 ? 0 : -1;
}

int natter_peer(struct natter *nt, const char *fp, struct natter_peer *out)
{
	uint8_t key[32];
	const struct node_peer *p;
	if (key_of(fp, key) != 0 || !(p = node_peer_get(nt->node, key)))
		return -1;
	peer_out(out, p);
	return 0;
}

int natter_resolve(struct natter *nt, const char *name, char fp[static NATTER_FP_LEN + 1])
{
	uint8_t key[32];
	struct node_peer cand[2];
	size_t nc;
	const char *target = conf_alias_target(&nt->conf, name);
	int r = node_resolve(nt->node, target ? target : name, key, cand, 2, &nc);
	if (r == NERR_AMBIGUOUS)
		return -2;
	if (r != 0)
		return -1;
	ncrypto_hex(fp, key, 32);
	return 0;
}

int natter_set_alias(struct natter *nt, const char *fp, const char *name)
{
	uint8_t key[32];
	return key_of(fp, key) == 0 && node_set_alias(nt->node, key, name) == 0 ? 0 : -1;
}

int natter_trust(struct natter *nt, const char *fp)
{
	uint8_t key[32];
	return key_of(fp, key) == 0 && node_set_verified(nt->node, key) == 0 ? 0 : -1;
}

int natter_safety_number(struct natter *nt, const char *fp, char buf[static 72])
{
	uint8_t key[32];
	if (key_of(fp, key) != 0)
		return -1;
	safety_number(buf, node_key(nt->node), key);
	return 0;
}

int natter_send(struct natter *nt, const char *fp, const char *text, size_t len,
		char id[static NATTER_ID_LEN + 1], const char **why)
{
	uint8_t key[32], mid[16];
	uint64_t seq;
	if (key_of(fp, key) != 0) {
		*why = "unknown peer";
		return -1;
	}
	int r = node_send(nt->node, key, text, len, mid, &seq);
	if (r != 0) {
		*why = r == NERR_EMPTY ? "empty message"
		       : r == NERR_TOOLONG ? "message over 65536 bytes"
		       : r == NERR_UTF8 ? "message is not valid UTF-8"
					: nerr_str(r);
		return -1;
	}
	ncrypto_hex(id, mid, 16);
	return 0;
}

/* Turn store messages into natter ones, moving the texts; frees msgs. */
static int msgs_out(struct store_msg *msgs, size_t c, struct natter_msg **out, size_t *count)
{
	struct natter_msg *arr = calloc(c + 1, sizeof *arr);
	if (!arr) {
		store_msgs_free(msgs, c);
		return -1;
	}
	for (size_t i = 0; i < c; i++) {
		msg_out(&arr[i], &msgs[i]);
		arr[i].text = msgs[i].text; /* ownership moves to arr */
		msgs[i].text = NULL;
	}
	store_msgs_free(msgs, c);
	*out = arr;
	*count = c;
	return 0;
}

int natter_history(struct natter *nt, const char *fp, size_t n, struct natter_msg **out,
		   size_t *count)
{
	uint8_t key[32];
	struct store_msg *msgs = NULL;
	size_t c = 0;
	if (key_of(fp, key) != 0 || store_history(node_store(nt->node), key, n, &msgs, &c) != 0)
		return -1;
	return msgs_out(msgs, c, out, count);
}

void natter_msgs_free(struct natter_msg *msgs, size_t count)
{
	if (!msgs)
		return;
	for (size_t i = 0; i < count; i++)
		free((char *)msgs[i].text);
	free(msgs);
}

size_t natter_outbox_count(struct natter *nt)
{
	return node_outbox_count(nt->node);
}

int natter_outbox(struct natter *nt, struct natter_msg **out, size_t *count)
{
	struct store_msg *msgs = NULL;
	size_t c = 0;
	if (store_outbox_list(node_store(nt->node), NULL, &msgs, &c) != 0)
		return -1;
	return msgs_out(msgs, c, out, count);
}

int natter_cancel(struct natter *nt, const char *id_prefix, char id[static NATTER_ID_LEN + 1],
		  const char **why)
{
	uint8_t key[16];
	int r = node_outbox_find(nt->node, id_prefix, key);
	if (r == 0)
		r = node_cancel(nt->node, key);
	switch (r) {
	case 0: ncrypto_hex(id, key, 16); return 0;
	case NERR_USAGE: *why = "give 8 to 32 hex digits of the id, as /outbox shows it"; break;
	case NERR_AMBIGUOUS: *why = "several waiting messages start with that; give more"; break;
	case NERR_NOTFOUND: *why = "no message with that id waits in the outbox"; break;
	case NERR_BUSY: *why = "it was sent on this session and may still be delivered"; break;
	default: *why = nerr_str(r); break;
	}
	return -1;
}

void natter_typing(struct natter *nt, const char *fp)
{
	uint8_t key[32];
	if (key_of(fp, key) == 0)
		node_typing(nt->node, key);
}

void natter_mark_read(struct natter *nt, const char *fp, uint64_t seq)
{
	uint8_t key[32];
	if (key_of(fp, key) == 0)
		node_mark_read(nt->node, key, seq);
}

void natter_mark_shown(struct natter *nt, const char *id)
{
	uint8_t mid[16];
	if (id && ncrypto_unhex(mid, 16, id) == 0)
		(void)node_mark_shown(nt->node, mid);
}

int natter_conf_read_receipts(const struct natter *nt)
{
	return nt->conf.read_receipts;
}

int natter_conf_bell(const struct natter *nt)
{
	return nt->conf.bell;
}

enum natter_color natter_conf_color(const struct natter *nt)
{
	switch (nt->conf.color) {
	case CONF_COLOR_ALWAYS: return NATTER_COLOR_ALWAYS;
	case CONF_COLOR_NEVER: return NATTER_COLOR_NEVER;
	default: return NATTER_COLOR_AUTO;
	}
}

_Static_assert((int)NATTER_ELEMENTS == (int)CONF_NELEMENTS && NATTER_COLOR_TERM == CONF_COLOR_TERM &&
		       NATTER_COLOR_OWN == CONF_COLOR_OWN,
	       "natter.h's elements and colours are conf.h's");

void natter_conf_element(const struct natter *nt, enum natter_element el, int *fg, int *bg)
{
	*fg = *bg = NATTER_COLOR_OWN;
	if ((unsigned)el < NATTER_ELEMENTS) {
		*fg = nt->conf.element_fg[el];
		*bg = nt->conf.element_bg[el];
	}
}

void natter_add_conf_warning(struct natter *nt, const char *line)
{
	if (nt->n_conf_warnings < NATTER_CONF_WARNINGS)
		snprintf(nt->conf_warnings[nt->n_conf_warnings++], sizeof nt->conf_warnings[0],
			 "%s", line);
}

const char *natter_conf_warning(const struct natter *nt, size_t i)
{
	return i < nt->n_conf_warnings ? nt->conf_warnings[i] : NULL;
}

static void on_watch(void *ctx, int fd, short revents)
{
	struct watch *w = ctx;
	(void)revents;
	w->fn(w->ctx, fd);
}

static struct watch *watch_slot(struct natter *nt, int fd, int create)
{
	for (size_t i = 0; i < NATTER_WATCHES; i++)
		if (nt->watches[i].fn && nt->watches[i].fd == fd)
			return &nt->watches[i];
	if (!create)
		return NULL;
	for (size_t i = 0; i < NATTER_WATCHES; i++)
		if (!nt->watches[i].fn)
			return &nt->watches[i];
	return NULL;
}

int natter_watch_fd(struct natter *nt, int fd, natter_fd_fn fn, void *ctx)
{
	struct watch *w = watch_slot(nt, fd, 1);
	if (!w || !fn)
		return -1;
	*w = (struct watch){fd, fn, ctx};
	if (loop_add_fd(node_loop(nt->node), fd, POLLIN, on_watch, w) != 0) {
		memset(w, 0, sizeof *w);
		return -1;
	}
	return 0;
}

void natter_unwatch_fd(struct natter *nt, int fd)
{
	struct watch *w = watch_slot(nt, fd, 0);
	loop_del_fd(node_loop(nt->node), fd);
	if (w)
		memset(w, 0, sizeof *w);
}

uint64_t natter_timer(struct natter *nt, int64_t ms, natter_timer_fn fn, void *ctx)
{
	return loop_timer_add(node_loop(nt->node), ms, fn, ctx);
}

void natter_timer_cancel(struct natter *nt, uint64_t id)
{
	loop_timer_cancel(node_loop(nt->node), id);
}

int natter_run_once(struct natter *nt, int64_t max_ms)
{
	return loop_run_once(node_loop(nt->node), max_ms) == 0 ? 0 : -1;
}

int64_t natter_now_ms(void)
{
	return text_now_ms();
}
