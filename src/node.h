/* SPDX-License-Identifier: MIT */
/* The node core: identity, store, discovery, sessions and delivery on one
 * event loop. Front ends (--listen, --send, the UI) drive it and consume one
 * event stream; nothing here prints. */
#ifndef NATTER_NODE_H
#define NATTER_NODE_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "ident.h"
#include "loop.h"
#include "store.h"

#define NODE_DEFAULT_GROUP "239.255.78.84"
#define NODE_DEFAULT_GROUP_PORT 7701
#define NODE_DEFAULT_PORT 7700
#define NODE_PEERS_MAX 256	       /* live peer table */
#define NODE_CONNS_MAX 128	       /* connections in total */
#define NODE_CONNS_PER_SOURCE 8	       /* accepted connections from one IPv4 address */
#define NODE_BEACON_MIN_MS 4000	       /* regular beacons every 4..6 s, times the pace */
#define NODE_BEACON_JITTER_MS 2000
#define NODE_BEACON_PEERS_PER_PACE 20  /* pace = peers heard / this, rounded up */
#define NODE_PROBE_REPLY_GAP_MS 200    /* at most one probe answer per gap */
#define NODE_OFFLINE_AFTER_MS 15000    /* no beacon for 15 s times its pace: two missed */
#define NODE_DIAL_BACKOFF_MS 1000      /* first redial delay after a failure */
#define NODE_DIAL_BACKOFF_MAX_MS 300000 /* doubling up to 5 min, with ±25% jitter */

struct node_config {
	const char *home;
	const char *nick; /* NULL: the one remembered in the store, else the login name */
	const char *const *ifaces;
	size_t n_ifaces;
	struct in_addr group;
	uint16_t group_port;
	struct in_addr bind;
	uint16_t port; /* 0: any free port */
	const struct sockaddr_in *static_peers;
	size_t n_static_peers;
	int no_discovery; /* no multicast socket at all */
	/* Passive: no home lock, no TCP listener, no dialing, no regular beacons
	 * (one probe at most): for --peers, --history, --id beside a running node. */
	int passive;
	/* Transient: a --send's own node, which ends when its work is done; a
	 * starting long-lived node waits for it rather than failing. */
	int transient;
	int no_read_receipts; /* never send READ frames */
	int share_peers;      /* enum pex_mode: whom we tell about our peers (PEERS frames) */
	int64_t msg_ttl_s;    /* natter.conf ttl: outgoing messages expire after it; 0 never */
	const struct ident_pass *pass; /* for a passphrase-protected key */
	/* Log sink for the front end to print or drop; level 1 = info, 2 = debug. */
	void (*log)(void *ctx, int level, const char *msg);
	void *log_ctx;
};

/* What the live table knows about a peer. */
struct node_peer {
	uint8_t key[32];
	char fp[65];
	char nick[33];
	struct sockaddr_in addr; /* where to dial; sin_port 0 when unknown */
	int online;
	int64_t last_seen_ms; /* wall clock */
	int verified;
	char alias[33];
	int away;
	char away_reason[129];
	int64_t first_seen_ms; /* wall clock; 0 = not seen yet */
	/* Another key that was known first (or is verified) claims this nick:
	 * this one is NOT the peer the user knows by that name. */
	int nick_conflict;
	int via; /* enum pex_via: how it was found (lan, static, exchange, incoming) */
};

enum node_event_type {
	NODE_EV_MESSAGE,   /* a new message was stored: msg, peer */
	NODE_EV_DELIVERED, /* our message was acknowledged: msg (id, seq, peer) */
	NODE_EV_PEER_ONLINE,
	NODE_EV_PEER_OFFLINE,
	NODE_EV_REFUSED, /* a connection to peer failed its identity check */
	NODE_EV_PEER_CHANGED, /* a peer's nick, address or presence changed */
	NODE_EV_TYPING,	      /* peer is typing to us */
	NODE_EV_READ,	      /* peer has read our message msg */
	NODE_EV_NICK_CONFLICT, /* a new key claims the nick of a known peer */
	NODE_EV_WITHDRAWN,     /* our message msg (no text) expired or was cancelled: msg->state */
};

struct node_event {
	enum node_event_type type;
	const struct node_peer *peer;
	const struct store_msg *msg;
};

typedef void (*node_event_fn)(void *ctx, const struct node_event *ev);

struct node;

/* Start a node: create/lock the home, load or create the identity, open the
 * store, listen on TCP, join discovery and send a probe. On failure returns a
 * NERR_* and writes a one-line reason into err (NERR_BUSY: another node runs
 * for this home; NERR_NET: cannot bind or no such interface). */
int node_new(struct node **out, const struct node_config *cfg, node_event_fn fn, void *ctx,
	     char *err, size_t errlen) __attribute__((warn_unused_result));
/* Orderly shutdown: BYE to every connection, close the store. NULL is a no-op. */
void node_free(struct node *n);

struct loop *node_loop(struct node *n);
struct store *node_store(struct node *n);
const char *node_fp(const struct node *n);
const char *node_nick(const struct node *n);
uint16_t node_port(const struct node *n);

/* Resolve PEER as SPEC.md says (alias, unique nick, fingerprint prefix >= 8)
 * over the live table and the store. 0 and key, NERR_NOTFOUND, or
 * NERR_AMBIGUOUS with up to max candidates written to cand and *n_cand set. */
int node_resolve(struct node *n, const char *name, uint8_t key[static 32], struct node_peer *cand,
		 size_t max, size_t *n_cand);
/* The live entry for key, or NULL. */
const struct node_peer *node_peer_get(struct node *n, const uint8_t key[static 32]);
/* Every peer known, live or stored, as a malloc'd array the caller frees. */
int node_peers(struct node *n, struct node_peer **out, size_t *count);

/* Queue text for key (stored in the outbox in one transaction with its seq)
 * and start delivering it. text must be valid UTF-8, 1..65536 bytes. */
int node_send(struct node *n, const uint8_t key[static 32], const char *text, size_t len,
	      uint8_t id[static 16], uint64_t *seq) __attribute__((warn_unused_result));
/* Cancel our undelivered message id: it is never sent again, and the
 * recipient is told to skip it. NERR_NOTFOUND when it is not waiting in the
 * outbox (delivered, already withdrawn, or not ours), NERR_BUSY when it was
 * sent on the current session and its acknowledgement may still come,
 * NERR_STORE. A NODE_EV_WITHDRAWN follows. */
int node_cancel(struct node *n, const uint8_t id[static 16]);
/* The id of the one message still waiting (not withdrawn) in the outbox
 * whose hex id starts with prefix (8 to 32 hex digits, any case).
 * NERR_USAGE for a bad prefix, NERR_NOTFOUND, NERR_AMBIGUOUS, NERR_STORE. */
int node_outbox_find(struct node *n, const char *prefix, uint8_t id[static 16]);

/* A front end has shown message id (a NODE_EV_MESSAGE): recorded with the
 * next commit. Until then, a restart shows it again rather than never; a
 * long-lived node replays unshown messages as events when it starts. */
int node_mark_shown(struct node *n, const uint8_t id[static 16]);
/* Replace the event callback given to node_new. */
void node_set_event_fn(struct node *n, node_event_fn fn, void *ctx);
/* Change our nick (remembered, announced in HELLO and beacons). NERR_USAGE
 * for an invalid one. */
int node_set_nick(struct node *n, const char *nick);
/* Away with reason (may be ""), or back with NULL; told to every peer now and
 * at each new session. */
int node_set_away(struct node *n, const char *reason);
/* The user types to key: a TYPING frame at most every 3 s. */
void node_typing(struct node *n, const uint8_t key[static 32]);
/* The user has seen key's messages up to seq: recorded as read; a READ frame
 * tells the peer (now, or at the next session) unless receipts are off. */
void node_mark_read(struct node *n, const uint8_t key[static 32], uint64_t seq);
/* Our identity key (32 bytes). */
const uint8_t *node_key(const struct node *n);
/* Mark key's identity verified, in the store and the live table. */
int node_set_verified(struct node *n, const uint8_t key[static 32]);
/* Set (alias) or clear (NULL or "") a local alias; NERR_USAGE if invalid. */
int node_set_alias(struct node *n, const uint8_t key[static 32], const char *alias);
/* Messages waiting in the outbox, every peer. */
size_t node_outbox_count(struct node *n);
/* Control clients connected now (a transient node must not end under them). */
size_t node_ctl_clients(const struct node *n);
/* Send a probe now (peers answer at once). */
void node_probe(struct node *n);

#endif
