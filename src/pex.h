/* SPDX-License-Identifier: MIT */
/* Peer exchange (PEERS frames, docs/protocol.md §6.9): the pure decisions —
 * whom a node tells about its peers, which peers it names, and the bounded
 * table of addresses it learned that way. No I/O; the node does the sending
 * and dialling. */
#ifndef NATTER_PEX_H
#define NATTER_PEX_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

#define PEX_LEARNED_MAX 64	     /* learned addresses kept */
#define PEX_EXPIRE_MS	(10 * 60000) /* a learned address nobody confirmed for this long goes */
#define PEX_CHECK_MS	5000 /* a recipient's set is looked at (and sent) this often at most */
#define PEX_REFRESH_MS	(4 * 60000) /* an unchanged set is sent again after this */

/* share_peers: off (default), static (only to peers we have a --peer address
 * for), all (to every session peer). */
enum pex_mode { PEX_OFF, PEX_STATIC, PEX_ALL };

/* How the node knows a peer, for --peers. */
enum pex_via {
	PEX_VIA_NONE,	  /* only from the store (an earlier run), or not yet reached */
	PEX_VIA_LAN,	  /* its beacon, within the offline window */
	PEX_VIA_STATIC,	  /* at one of our --peer addresses */
	PEX_VIA_EXCHANGE, /* its address came in a PEERS frame */
	PEX_VIA_INCOMING, /* it connected to us, none of the above */
};

/* "off", "static", "all" (case-insensitive): 0 and *out, or -1. */
int pex_mode_parse(const char *s, enum pex_mode *out) __attribute__((warn_unused_result));
const char *pex_mode_name(enum pex_mode m);
/* "lan", "static", "exchange", "incoming", or NULL for PEX_VIA_NONE. */
const char *pex_via_name(enum pex_via v);

/* Whether a node in mode m sends PEERS to a session peer; recipient_static:
 * the peer is at one of our --peer addresses. Never in PEX_OFF. */
int pex_share_with(enum pex_mode m, int recipient_static);

/* What the node knows of one peer when it picks what to share. */
struct pex_cand {
	uint8_t key[32];
	struct sockaddr_in addr; /* sin_port 0: unknown */
	char nick[WIRE_NICK_MAX + 1];
	enum pex_via via;
	int online;
	int nick_conflict;
	int64_t seen; /* monotonic ms of the last sign of life, for the order */
};

/* The entries to tell the peer with key rkey at raddr: peers found directly
 * (LAN or static, never learned or incoming ones), online, with a known
 * address the decoder accepts, no nick conflict, not the recipient; a
 * loopback address only to a loopback recipient. At most WIRE_PEERS_MAX, the
 * most recently seen, written to out in key order (so an unchanged set
 * encodes to the same bytes). Returns how many. */
size_t pex_select(const struct pex_cand *cand, size_t n, const uint8_t rkey[static 32],
		  struct in_addr raddr, struct wire_peer out[static WIRE_PEERS_MAX]);

/* Whether an entry's address may be taken from a sharer at from: a loopback
 * address only from a loopback sharer (anyone else's 127.0.0.1 is not ours). */
int pex_addr_acceptable(struct in_addr entry, struct in_addr from);

struct pex_learned {
	uint8_t key[32];
	uint8_t from[32]; /* the session peer that told us last */
	struct sockaddr_in addr;
	int64_t heard; /* monotonic ms: last told, or last seen with a session up */
};

struct pex_table {
	struct pex_learned e[PEX_LEARNED_MAX];
	size_t n;
};

void pex_table_init(struct pex_table *t);
struct pex_learned *pex_table_find(struct pex_table *t, const uint8_t key[static 32]);
/* Record that from told us key is at addr (now): the existing entry is
 * refreshed and readdressed, else a new one is made; a full table first drops
 * the entry heard of longest ago. Returns the entry (never NULL). */
struct pex_learned *pex_table_put(struct pex_table *t, const uint8_t key[static 32],
				  const uint8_t from[static 32], const struct sockaddr_in *addr,
				  int64_t now);
void pex_table_remove(struct pex_table *t, struct pex_learned *e);
/* Drop entries not heard of for PEX_EXPIRE_MS; returns how many went. */
size_t pex_table_expire(struct pex_table *t, int64_t now);

#endif
