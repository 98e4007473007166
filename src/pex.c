/* SPDX-License-Identifier: MIT */
/* Peer exchange decisions and the learned-address table (see pex.h). */
#include "pex.h"
#include "utf8.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const mode_names[] = {"off", "static", "all"};

int pex_mode_parse(const char *s, enum pex_mode *out)
{
	for (int i = 0; i < 3; i++)
		if (strcasecmp(s, mode_names[i]) == 0) {
			*out = (enum pex_mode)i;
			return 0;
		}
	return -1;
}

const char *pex_mode_name(enum pex_mode m)
{
	return m >= PEX_OFF && m <= PEX_ALL ? mode_names[m] : "off";
}

const char *pex_via_name(enum pex_via v)
{
	switch (v) {
	case PEX_VIA_LAN: return "lan";
	case PEX_VIA_STATIC: return "static";
	case PEX_VIA_EXCHANGE: return "exchange";
	case PEX_VIA_INCOMING: return "incoming";
	default: return NULL;
	}
}

int pex_share_with(enum pex_mode m, int recipient_static)
{
	return m == PEX_ALL || (m == PEX_STATIC && recipient_static);
}

static int is_loopback(struct in_addr a)
{
	return (ntohl(a.s_addr) >> 24) == 127;
}

int pex_addr_acceptable(struct in_addr entry, struct in_addr from)
{
	return wire_peer_addr_ok(entry) && (!is_loopback(entry) || is_loopback(from));
}

static int by_seen_desc(const void *a, const void *b)
{
	const struct pex_cand *x = *(const struct pex_cand *const *)a;
	const struct pex_cand *y = *(const struct pex_cand *const *)b;
	return x->seen < y->seen ? 1 : x->seen > y->seen ? -1 : memcmp(x->key, y->key, 32);
}

static int by_key(const void *a, const void *b)
{
	return memcmp(((const struct wire_peer *)a)->key, ((const struct wire_peer *)b)->key, 32);
}

static int shareable(const struct pex_cand *c, const uint8_t rkey[static 32], struct in_addr raddr)
{
	return (c->via == PEX_VIA_LAN || c->via == PEX_VIA_STATIC) && c->online &&
	       !c->nick_conflict && c->addr.sin_port != 0 && memcmp(c->key, rkey, 32) != 0 &&
	       utf8_check_nick((const uint8_t *)c->nick, strlen(c->nick)) == 0 &&
	       pex_addr_acceptable(c->addr.sin_addr, raddr);
}

size_t pex_select(const struct pex_cand *cand, size_t n, const uint8_t rkey[static 32],
		  struct in_addr raddr, struct wire_peer out[static WIRE_PEERS_MAX])
{
	const struct pex_cand **pick = n ? calloc(n, sizeof *pick) : NULL;
	size_t k = 0;
	if (!pick)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (shareable(&cand[i], rkey, raddr))
			pick[k++] = &cand[i];
	qsort(pick, k, sizeof *pick, by_seen_desc);
	if (k > WIRE_PEERS_MAX)
		k = WIRE_PEERS_MAX;
	for (size_t i = 0; i < k; i++) {
		memset(&out[i], 0, sizeof out[i]);
		memcpy(out[i].key, pick[i]->key, 32);
		out[i].addr = pick[i]->addr.sin_addr;
		out[i].port = ntohs(pick[i]->addr.sin_port);
		memcpy(out[i].nick, pick[i]->nick, sizeof out[i].nick);
	}
	free(pick);
	qsort(out, k, sizeof out[0], by_key);
	return k;
}

void pex_table_init(struct pex_table *t)
{
	memset(t, 0, sizeof *t);
}

struct pex_learned *pex_table_find(struct pex_table *t, const uint8_t key[static 32])
{
	for (size_t i = 0; i < t->n; i++)
		if (memcmp(t->e[i].key, key, 32) == 0)
			return &t->e[i];
	return NULL;
}

void pex_table_remove(struct pex_table *t, struct pex_learned *e)
{
	size_t i = (size_t)(e - t->e);
	if (i < t->n)
		t->e[i] = t->e[--t->n];
}

struct pex_learned *pex_table_put(struct pex_table *t, const uint8_t key[static 32],
				  const uint8_t from[static 32], const struct sockaddr_in *addr,
				  int64_t now)
{
	struct pex_learned *e = pex_table_find(t, key);
	if (!e) {
		if (t->n == PEX_LEARNED_MAX) {
			size_t old = 0;
			for (size_t i = 1; i < t->n; i++)
				if (t->e[i].heard < t->e[old].heard)
					old = i;
			t->e[old] = t->e[--t->n];
		}
		e = &t->e[t->n++];
		memset(e, 0, sizeof *e);
		memcpy(e->key, key, 32);
	}
	memcpy(e->from, from, 32);
	e->addr = *addr;
	e->heard = now;
	return e;
}

size_t pex_table_expire(struct pex_table *t, int64_t now)
{
	size_t gone = 0;
	for (size_t i = t->n; i-- > 0;)
		if (now - t->e[i].heard > PEX_EXPIRE_MS) {
			t->e[i] = t->e[--t->n];
			gone++;
		}
	return gone;
}
