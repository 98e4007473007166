/* SPDX-License-Identifier: MIT */
/* The read-mostly modes: --id, --peers, --history, --outbox. They run a
 * passive node (no lock, no listener), so they work beside a running one. */
#include "cli.h"
#include "ctl.h"
#include "ncrypto.h"
#include "nerr.h"
#include "pex.h"
#include "safety.h"
#include "text.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PEERS_PROBE_MS 400 /* how long --peers listens for probe answers */

static void put_str(struct cli *cli, const char *s)
{
	if (cli->json)
		text_put_json(stdout, s, strlen(s));
	else
		text_put_escaped(stdout, s, strlen(s));
}

int cli_info_id(struct cli *cli)
{
	struct node *n;
	struct node_config saved = cli->node;
	cli->node.no_discovery = 1;
	int r = cli_start_node(cli, &n, NULL, NULL, CLI_NODE_PASSIVE);
	cli->node = saved;
	if (r != 0)
		return r;
	if (cli->json) {
		fputs("{\"nick\":", stdout);
		put_str(cli, node_nick(n));
		printf(",\"fp\":\"%s\"}\n", node_fp(n));
	} else {
		printf("%s\n", node_fp(n));
		put_str(cli, node_nick(n));
		fputc('\n', stdout);
	}
	node_free(n);
	return EX_OK_;
}

static int by_nick(const void *a, const void *b)
{
	const struct node_peer *x = a, *y = b;
	int c = strcmp(x->nick, y->nick);
	return c ? c : strcmp(x->fp, y->fp);
}

static void print_peer(struct cli *cli, const struct node_peer *p)
{
	char addr[64] = "", seen[TEXT_TIME_LEN] = "";
	if (p->addr.sin_port) {
		char host[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &p->addr.sin_addr, host, sizeof host);
		snprintf(addr, sizeof addr, "%s:%u", host, ntohs(p->addr.sin_port));
	}
	if (p->last_seen_ms > 0)
		text_time(seen, p->last_seen_ms);
	if (cli->json) {
		fputs("{\"nick\":", stdout);
		put_str(cli, p->nick);
		printf(",\"fp\":\"%s\",\"online\":%s,\"addr\":", p->fp, p->online ? "true" : "false");
		if (addr[0])
			printf("\"%s\"", addr);
		else
			fputs("null", stdout);
		fputs(",\"last_seen\":", stdout);
		if (seen[0])
			printf("\"%s\"", seen);
		else
			fputs("null", stdout);
		printf(",\"verified\":%s,\"alias\":", p->verified ? "true" : "false");
		if (p->alias[0])
			put_str(cli, p->alias);
		else
			fputs("null", stdout);
		printf(",\"nick_conflict\":%s,\"via\":", p->nick_conflict ? "true" : "false");
		const char *via = pex_via_name((enum pex_via)p->via);
		if (via)
			printf("\"%s\"}\n", via);
		else
			fputs("null}\n", stdout);
	} else {
		put_str(cli, p->nick);
		printf("\t%s\t%s\t%s\t%s%s%s\n", p->fp, p->online ? "online" : "offline",
		       addr[0] ? addr : "-", seen[0] ? seen : "-", p->verified ? "\tverified" : "",
		       p->nick_conflict ? "\tNEW KEY claiming a known nick" : "");
	}
}

/* Parse the running node's "peers" answer (see node.c on_ctl). */
static int parse_peer_line(char *line, struct node_peer *p)
{
	char *f[11];
	size_t nf = 0;
	for (char *s = line; nf < 11; nf++) {
		f[nf] = s;
		char *tab = strchr(s, '\t');
		if (!tab) {
			nf++;
			break;
		}
		*tab = '\0';
		s = tab + 1;
	}
	if ((nf != 9 && nf != 10) || strcmp(f[0], "peer") != 0 || strlen(f[1]) != 64)
		return -1;
	memset(p, 0, sizeof *p);
	snprintf(p->fp, sizeof p->fp, "%s", f[1]);
	p->online = strcmp(f[2], "1") == 0;
	char *colon = strrchr(f[3], ':');
	if (colon) {
		*colon = '\0';
		p->addr.sin_family = AF_INET;
		p->addr.sin_port = htons((uint16_t)atoi(colon + 1));
		if (inet_pton(AF_INET, f[3], &p->addr.sin_addr) != 1)
			p->addr.sin_port = 0;
	}
	p->last_seen_ms = strtoll(f[4], NULL, 10);
	p->verified = strcmp(f[5], "1") == 0;
	snprintf(p->nick, sizeof p->nick, "%s", f[6]);
	snprintf(p->alias, sizeof p->alias, "%s", f[7]);
	p->nick_conflict = strcmp(f[8], "1") == 0;
	for (int v = PEX_VIA_LAN; nf == 10 && v <= PEX_VIA_INCOMING; v++)
		if (strcmp(f[9], pex_via_name((enum pex_via)v)) == 0)
			p->via = v;
	return 0;
}

/* With a node running for this home, its live table is the answer. */
static int peers_from_node(struct cli *cli, struct node_peer **out, size_t *count)
{
	char *answer = NULL;
	size_t cap = 16, n = 0;
	if (ctl_request(cli->node.home, "peers", 2000, &answer) != 0)
		return -1;
	struct node_peer *arr = calloc(cap, sizeof *arr);
	for (char *line = answer, *next; arr && line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (n == cap) {
			struct node_peer *na = realloc(arr, 2 * cap * sizeof *na);
			if (!na)
				break;
			arr = na;
			cap *= 2;
		}
		if (parse_peer_line(line, &arr[n]) == 0)
			n++;
	}
	free(answer);
	if (!arr)
		return -1;
	*out = arr;
	*count = n;
	return 0;
}

static void peer_from_store(struct node_peer *p, const struct store_peer *sp)
{
	memset(p, 0, sizeof *p);
	memcpy(p->key, sp->key, sizeof p->key);
	ncrypto_hex(p->fp, sp->key, 32);
	snprintf(p->nick, sizeof p->nick, "%s", sp->nick);
	snprintf(p->alias, sizeof p->alias, "%s", sp->alias);
	p->addr.sin_family = AF_INET;
	if (sp->port && inet_pton(AF_INET, sp->host, &p->addr.sin_addr) == 1)
		p->addr.sin_port = htons(sp->port);
	p->last_seen_ms = sp->last_seen_ms;
	p->first_seen_ms = sp->first_seen_ms;
	p->verified = sp->verified;
}

/* What the home knows without a network probe and without its identity key
 * (so no passphrase prompt): for shell completion, which must neither send
 * packets nor hang. A home without a store knows no one. */
static int peers_from_store(struct cli *cli, struct node_peer **out, size_t *count)
{
	char path[4096];
	struct store *st = NULL;
	struct store_peer *sp = NULL;
	size_t n = 0;
	int r;
	*out = NULL;
	*count = 0;
	if (snprintf(path, sizeof path, "%s/natter.db", cli->node.home) >= (int)sizeof path)
		return EX_USAGE_;
	if (access(path, F_OK) != 0)
		return EX_OK_;
	char why[256];
	if ((r = store_open_why(&st, path, why, sizeof why)) != 0) {
		cli_error("cannot open the store %s: %s", path, why);
		return EX_IOERR_;
	}
	if ((r = store_peer_list(st, &sp, &n)) != 0) {
		cli_error("cannot list peers: %s", store_errmsg(st));
		store_close(st);
		return EX_IOERR_;
	}
	store_close(st);
	struct node_peer *arr = n ? calloc(n, sizeof *arr) : NULL;
	if (n && !arr) {
		free(sp);
		return EX_IOERR_;
	}
	for (size_t i = 0; i < n; i++)
		peer_from_store(&arr[i], &sp[i]);
	free(sp);
	*out = arr;
	*count = n;
	return EX_OK_;
}

static void print_peers(struct cli *cli, struct node_peer *peers, size_t count)
{
	if (count == 0)
		return; /* peers may be NULL */
	qsort(peers, count, sizeof *peers, by_nick);
	for (size_t i = 0; i < count; i++)
		print_peer(cli, &peers[i]);
}

int cli_info_peers(struct cli *cli)
{
	struct node *n;
	struct node_peer *peers = NULL;
	size_t count = 0;
	/* A running node's live table; with --cached, else the store alone. */
	int r = peers_from_node(cli, &peers, &count) == 0 ? EX_OK_ : -1;
	if (r != EX_OK_ && cli->cached)
		r = peers_from_store(cli, &peers, &count);
	if (r >= 0) {
		if (r == EX_OK_)
			print_peers(cli, peers, count);
		free(peers);
		return r;
	}
	if ((r = cli_start_node(cli, &n, NULL, NULL, CLI_NODE_PASSIVE)) != 0)
		return r;
	/* The probe went out at start; every peer answers at once. */
	cli_run(cli, n, NULL, NULL, loop_now(node_loop(n)) + PEERS_PROBE_MS);
	if ((r = node_peers(n, &peers, &count)) != 0) {
		cli_error("cannot list peers: %s", nerr_str(r));
		node_free(n);
		return EX_IOERR_;
	}
	print_peers(cli, peers, count);
	free(peers);
	node_free(n);
	return EX_OK_;
}

static int start_offline(struct cli *cli, struct node **n)
{
	struct node_config saved = cli->node;
	cli->node.no_discovery = 1;
	int r = cli_start_node(cli, n, NULL, NULL, CLI_NODE_PASSIVE);
	cli->node = saved;
	return r;
}

int cli_info_history(struct cli *cli)
{
	struct node *n;
	struct store_msg *msgs = NULL;
	size_t count = 0;
	uint8_t key[32];
	char fp[65];
	int r = start_offline(cli, &n);
	if (r != 0)
		return r;
	if ((r = cli_resolve(cli, n, cli->peer, key, 0)) != 0)
		goto out;
	if (store_history(node_store(n), key, (size_t)cli->history_n, &msgs, &count) != 0) {
		cli_error("cannot read the history: %s", store_errmsg(node_store(n)));
		r = EX_IOERR_;
		goto out;
	}
	const struct node_peer *p = node_peer_get(n, key);
	ncrypto_hex(fp, key, 32);
	for (size_t i = 0; i < count; i++)
		cli_print_msg(cli, n, &msgs[i], p ? p->nick : fp, fp, 1);
	r = EX_OK_;
out:
	store_msgs_free(msgs, count);
	node_free(n);
	return r;
}

/* --outbox --cancel ID: through the home's running node (which knows what
 * is in flight), else in the store directly. */
static int cancel_one(struct cli *cli, struct node *n)
{
	uint8_t id[16];
	char hex[33], line[64], *answer = NULL;
	int r = node_outbox_find(n, cli->cancel, id);
	if (r == NERR_USAGE) {
		cli_error("--cancel wants a message id as --outbox shows it (8 to 32 hex digits), "
			  "not '%s'",
			  cli->cancel);
		return EX_USAGE_;
	}
	if (r == NERR_NOTFOUND || r == NERR_AMBIGUOUS) {
		cli_error(r == NERR_NOTFOUND ? "no message %s waits in the outbox (delivered "
					       "already, or withdrawn)"
					     : "several queued messages start with %s; give more of the id",
			  cli->cancel);
		return EX_DATAERR_;
	}
	if (r != 0) {
		cli_error("cannot read the outbox: %s", store_errmsg(node_store(n)));
		return EX_IOERR_;
	}
	ncrypto_hex(hex, id, 16);
	snprintf(line, sizeof line, "cancel\t%s", hex);
	int c = ctl_request(cli->node.home, line, 5000, &answer);
	if (c == 0) {
		if (strncmp(answer, "cancelled\t", 10) == 0)
			r = 0;
		else if (strncmp(answer, "error\t75", 9) == 0)
			r = NERR_BUSY;
		else
			r = NERR_NOTFOUND;
		free(answer);
	} else if (c == NERR_NOTFOUND) {
		r = node_cancel(n, id);
	} else {
		cli_error("the node running for this home does not answer: %s", nerr_str(c));
		return EX_UNAVAILABLE_;
	}
	if (r == NERR_BUSY) {
		cli_error("message %s was sent on the current session; its acknowledgement may "
			  "still come, so it cannot be cancelled now",
			  hex);
		return EX_TEMPFAIL_;
	}
	if (r == NERR_NOTFOUND) {
		cli_error("message %s is no longer waiting in the outbox", hex);
		return EX_DATAERR_;
	}
	if (r != 0) {
		cli_error("cannot cancel message %s: %s", hex, nerr_str(r));
		return EX_IOERR_;
	}
	if (cli->json)
		printf("{\"id\":\"%s\",\"status\":\"cancelled\"}\n", hex);
	else
		printf("cancelled\t%s\n", hex);
	return EX_OK_;
}

int cli_info_outbox(struct cli *cli)
{
	struct node *n;
	struct store_msg *msgs = NULL;
	size_t count = 0;
	int r = start_offline(cli, &n);
	if (r != 0)
		return r;
	if (cli->cancel) {
		r = cancel_one(cli, n);
		node_free(n);
		return r;
	}
	if (store_outbox_list(node_store(n), NULL, &msgs, &count) != 0) {
		cli_error("cannot read the outbox: %s", store_errmsg(node_store(n)));
		node_free(n);
		return EX_IOERR_;
	}
	int64_t now = text_now_ms();
	for (size_t i = 0; i < count; i++) {
		const struct store_msg *m = &msgs[i];
		const struct node_peer *p = node_peer_get(n, m->peer);
		char fp[65], id[33], ts[TEXT_TIME_LEN];
		ncrypto_hex(fp, m->peer, 32);
		ncrypto_hex(id, m->id, 16);
		text_time(ts, m->ts_ms);
		const char *nick = p ? p->nick : fp;
		long long age = (now - m->ts_ms) / 1000;
		if (cli->json) {
			printf("{\"id\":\"%s\",\"from\":", id);
			put_str(cli, node_nick(n));
			printf(",\"fp\":\"%s\",\"to\":\"%s\",\"to_nick\":", node_fp(n), fp);
			put_str(cli, nick);
			printf(",\"ts\":\"%s\",\"seq\":%llu,\"text\":", ts, (unsigned long long)m->seq);
			text_put_json(stdout, m->text, m->text_len);
			printf(",\"state\":\"%s\",\"attempts\":%u,\"age_s\":%lld}\n",
			       store_state_name(m->state), (unsigned)m->attempts, age);
		} else {
			printf("%s\t", ts);
			put_str(cli, nick);
			printf("\t%s\t%llu\t%s\t%u\t%s\t", fp, (unsigned long long)m->seq,
			       store_state_name(m->state), (unsigned)m->attempts, id);
			text_put_escaped(stdout, m->text, m->text_len);
			fputc('\n', stdout);
		}
	}
	store_msgs_free(msgs, count);
	node_free(n);
	return EX_OK_;
}

/* --verify PEER: the safety number to compare out of band, then whether
 * PEER is marked verified. */
int cli_info_verify(struct cli *cli)
{
	struct node *n;
	uint8_t key[32];
	char num[SAFETY_TEXT_LEN + 1];
	int r = start_offline(cli, &n);
	if (r != 0)
		return r;
	if ((r = cli_resolve(cli, n, cli->peer, key, 0)) == 0) {
		const struct node_peer *p = node_peer_get(n, key);
		safety_number(num, node_key(n), key);
		printf("%s\n", num);
		put_str(cli, p ? p->nick : cli->peer);
		printf(" (%.16s) is %s\n", p ? p->fp : "", p && p->verified ? "verified" : "not verified");
	}
	node_free(n);
	return r;
}

/* --trust PEER: mark PEER's key verified (after comparing safety numbers). */
int cli_info_trust(struct cli *cli)
{
	struct node *n;
	uint8_t key[32];
	int r = start_offline(cli, &n);
	if (r != 0)
		return r;
	if ((r = cli_resolve(cli, n, cli->peer, key, 0)) == 0) {
		if (node_set_verified(n, key) != 0) {
			cli_error("cannot record the peer as verified: %s", store_errmsg(node_store(n)));
			r = EX_IOERR_;
		} else {
			const struct node_peer *p = node_peer_get(n, key);
			put_str(cli, p ? p->nick : cli->peer);
			printf(" (%.16s) is verified\n", p ? p->fp : "");
		}
	}
	node_free(n);
	return r;
}
