/* SPDX-License-Identifier: MIT */
/* The node: one loop that beacons, discovers, dials, accepts, delivers the
 * outbox and stores what arrives. Store first, then acknowledge: an ACK means
 * the message is durable here. */
#include "node.h"
#include "beacon.h"
#include "conn.h"
#include "ctl.h"
#include "disc.h"
#include "ident.h"
#include "ncrypto.h"
#include "nerr.h"
#include "pex.h"
#include "text.h"
#include "utf8.h"
#include "wire.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define NODE_TICK_MS 500
#define NODE_PING_IDLE_MS 5000  /* a session silent this long gets a PING */
#define NODE_DEAD_IDLE_MS 15000 /* and one silent this long is dead */
#define NODE_DOUBT_MS 2000	   /* a session in doubt must answer a PING this soon */
#define NODE_WINDOW 1024		   /* unacknowledged messages in flight per peer */
#define NODE_PERSIST_EVERY_MS 60000 /* last_seen written at most this often */
#define NODE_BATCH_MSGS 512	    /* group commit: messages per transaction at most */
#define NODE_BATCH_BYTES (4u << 20) /* and text bytes */
#define NODE_CTL_SUBS CTL_CLIENTS_MAX
/* Checkpoints (store_checkpoint) run once the store has been quiet for
 * NODE_CKPT_QUIET_MS with at least NODE_CKPT_MIN_PAGES in the log, and
 * past NODE_CKPT_MAX_PAGES (about 4 MiB) even while busy, right after the
 * commit's ACKs and answers have left. A short log matters: the log is
 * then rewritten in place, and a sync of blocks the file already has costs
 * half of one that grows the file (docs/performance.md). */
#define NODE_CKPT_QUIET_MS 200
#define NODE_CKPT_MIN_PAGES 256
#define NODE_CKPT_MAX_PAGES 1000

struct peer {
	struct node_peer pub;
	struct conn *conn; /* connecting or up; NULL when none */
	int up;
	int64_t last_beacon; /* monotonic ms; 0 = never in this run */
	int64_t dial_after;  /* monotonic ms */
	int64_t backoff;
	int64_t persisted_at; /* monotonic ms of the last store write */
	uint64_t sent_upto;   /* highest seq sent on the current connection */
	uint64_t acked_upto;
	int synced;   /* the peer's first ACK of this session arrived */
	int addr_confirmed; /* the address came from its beacon or HELLO this run */
	int64_t typing_sent; /* monotonic ms of our last TYPING to it */
	int64_t last_rx;     /* monotonic ms of the last frame on the session */
	int64_t ping_sent;
	int64_t doubt_since; /* a beacon put the session in doubt (moved peer); 0 = no */
	uint64_t read_sent;  /* the READ seq it was last told */
	int pump_due; /* send more once the open batch is committed */
	int sent_early;	     /* sent what the open batch queued before its commit */
	uint64_t lost_above; /* a failed commit forgot seqs above this it had sent; else max */
	size_t pending; /* messages in the outbox for this peer */
	/* A peer on several links beacons from each address (see peer_keep_addr):
	 * pub.addr stays put while it works, the other is kept to fall back to. */
	int64_t addr_heard;	     /* monotonic ms of the last beacon from pub.addr */
	struct sockaddr_in alt_addr; /* sin_port 0: none */
	int64_t alt_heard;
	uint8_t boot_id[8]; /* of its last beacon that had a port; a new one is a restart */
	int boot_known;
	int64_t pex_beacon_at; /* monotonic ms of its last beacon (peer exchange) */
	/* The messages queued to it in the open batch, in seq order (txq_add). */
	struct txq_msg *txq;
	size_t n_txq;
	/* What this session sent and the peer has not acknowledged yet, at
	 * [seq % NODE_WINDOW] (flight_put), so an ACK need not read it back. */
	struct flight_msg *flight;
	unsigned pace; /* of its last beacon: its beacons come pace times slower */
	struct {
		int sent;	    /* a PEERS frame went out on this session */
		int64_t checked_at; /* monotonic ms */
		int64_t sent_at;
		uint8_t digest[16]; /* of the last body sent */
	} pex_tx;
};

/* A message as node_send queued it, kept so that batch_commit can send it,
 * just before the commit, without reading it back from the store. */
struct txq_msg {
	uint64_t seq;
	int64_t ts_ms;
	uint8_t id[16];
	char *text;
	size_t len;
};

struct flight_msg {
	uint64_t seq; /* 0: empty */
	int64_t ts_ms;
	uint8_t id[16];
	int gone; /* went as GONE: withdrawn, not reported delivered */
};

/* A control client's "queued" answer, held until the batch commits. */
struct ctl_answer {
	struct ctl_client *cl; /* NULL once the client is gone */
	uint8_t id[16];
	uint64_t seq;
};

/* A received message waiting for its batch to commit before it is shown. */
struct rx_held {
	struct peer *peer;
	struct store_msg msg; /* text is a malloc'd copy */
};

struct static_peer {
	struct sockaddr_in addr;
	struct conn *conn;
	int64_t dial_after;
	int64_t backoff;
};

struct node {
	struct node_config cfg;
	struct loop *loop;
	struct ident *id;
	struct store *store;
	struct disc *disc;
	struct beacon_table *btab;
	int lock_fd;
	int listen_fd;
	uint16_t port;
	char nick[WIRE_NICK_MAX + 1];
	uint8_t boot_id[8];
	int away;
	char away_reason[WIRE_AWAY_MAX + 1];
	int receipts; /* send READ frames (not off in the config) */
	uint64_t beacon_seq;
	unsigned pace; /* of our own beacons (node_pace) */
	/* Random bytes for message ids, drawn a pool at a time (node_id_random). */
	uint8_t id_pool[4000];
	size_t id_pool_left;
	struct peer *peers[NODE_PEERS_MAX];
	size_t n_peers;
	struct conn *conns[NODE_CONNS_MAX];
	size_t n_conns;
	struct static_peer *statics;
	struct ctl *ctl;
	struct ctl_sub *subs; /* NODE_CTL_SUBS entries */
	/* "queued" answers wait for the batch commit: queued means on disk. */
	struct ctl_answer *answers;
	size_t n_answers, cap_answers;
	/* Group commit: receives of one loop turn share one durable commit; the
	 * ACKs and the events wait for it. */
	int batch_open, batch_durable;
	uint64_t batch_timer;
	struct rx_held *held;
	size_t n_held, held_bytes;
	struct peer *ack_due[NODE_PEERS_MAX];
	size_t n_ack_due;
	uint64_t beacon_timer, reply_timer, tick_timer, ckpt_timer;
	int64_t last_commit; /* loop time of the last batch commit */
	int64_t next_expiry; /* wall clock ms of the next look for expired messages */
	int64_t last_reply;
	node_event_fn fn;
	void *ctx;
	uint8_t *scratch; /* WIRE_MSG_MAX bytes for encoding frames */
	struct pex_table *pex; /* learned addresses; NULL until a PEERS frame came */
};

static void node_log(struct node *n, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void node_log(struct node *n, int level, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	if (!n->cfg.log)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	n->cfg.log(n->cfg.log_ctx, level, buf);
}

static void emit(struct node *n, enum node_event_type type, const struct peer *p,
		 const struct store_msg *msg)
{
	struct node_event ev = {type, p ? &p->pub : NULL, msg};
	if (n->fn)
		n->fn(n->ctx, &ev);
}

static int64_t now_mono(struct node *n)
{
	return loop_now(n->loop);
}

/* ---- peers ---- */

static void batch_commit(struct node *n);
static void on_replay_timer(void *ctx);
static void ctl_report_delivered(struct node *n, const uint8_t id[static 16]);
static void ctl_report_refused(struct node *n, const struct peer *p);
static void ctl_flush_subs(struct node *n);
static void ctl_report_done(struct node *n, const uint8_t id[static 16], const char *how);
static void ckpt_consider(struct node *n);
static int is_hex_prefix(const char *s);

static struct peer *peer_find(struct node *n, const uint8_t key[static 32])
{
	for (size_t i = 0; i < n->n_peers; i++)
		if (memcmp(n->peers[i]->pub.key, key, 32) == 0)
			return n->peers[i];
	return NULL;
}

/* Why: a stream queues up to NODE_BATCH_MSGS messages per turn and, once the
 * turn's commit made them durable, sends them; reading them back from the
 * store cost the sender 6-10 % of its CPU. The copy is exact as long as
 * nothing else changes the peer's outbox in between, so anything that does
 * (a failed commit, renumbering, requeueing, cancelling, expiry) drops it,
 * and the pump then reads the store as before. */
static void txq_clear(struct peer *p)
{
	for (size_t i = 0; i < p->n_txq; i++)
		free(p->txq[i].text);
	p->n_txq = 0;
}

static void txq_add(struct peer *p, uint64_t seq, int64_t ts_ms, const uint8_t id[static 16],
		    const char *text, size_t len)
{
	if (p->n_txq && (p->n_txq == NODE_WINDOW || p->txq[p->n_txq - 1].seq + 1 != seq))
		txq_clear(p); /* not one run any more: the store has them */
	if (!p->txq && !(p->txq = calloc(NODE_WINDOW, sizeof *p->txq)))
		return;
	struct txq_msg *m = &p->txq[p->n_txq];
	if (!(m->text = malloc(len ? len : 1)))
		return;
	memcpy(m->text, text, len);
	m->len = len;
	m->seq = seq;
	m->ts_ms = ts_ms;
	memcpy(m->id, id, 16);
	p->n_txq++;
}

static void peer_free(struct peer *p)
{
	txq_clear(p);
	free(p->txq);
	free(p->flight);
	free(p);
}

/* Why: on an ACK the sender read the ids of what it covers back from the
 * store to report them delivered (5 % of its CPU in a stream); what this
 * session sent is known. Lost with the session (flight_clear), and an ACK
 * that covers anything not sent on it reads the store as before. */
static void flight_put(struct peer *p, const struct wire_msg *w, int gone)
{
	if (!p->flight && !(p->flight = calloc(NODE_WINDOW, sizeof *p->flight)))
		return;
	struct flight_msg *f = &p->flight[w->seq % NODE_WINDOW];
	f->seq = w->seq;
	f->ts_ms = w->ts_ms;
	memcpy(f->id, w->id, 16);
	f->gone = gone;
}

static void flight_clear(struct peer *p)
{
	if (p->flight)
		memset(p->flight, 0, NODE_WINDOW * sizeof *p->flight);
}

/* The messages after..upto as handle_ack reports them, from what this
 * session sent; 0 when any of them is not there. */
static int flight_take(struct peer *p, uint64_t after, uint64_t upto, struct store_msg **out,
		       size_t *n)
{
	if (!p->flight || upto <= after || upto - after > NODE_WINDOW)
		return 0;
	for (uint64_t s = after + 1; s <= upto; s++)
		if (p->flight[s % NODE_WINDOW].seq != s)
			return 0;
	struct store_msg *m = calloc((size_t)(upto - after), sizeof *m);
	if (!m)
		return 0;
	for (uint64_t s = after + 1; s <= upto; s++) {
		const struct flight_msg *f = &p->flight[s % NODE_WINDOW];
		struct store_msg *o = &m[s - after - 1];
		memcpy(o->id, f->id, 16);
		memcpy(o->peer, p->pub.key, 32);
		o->dir = STORE_DIR_OUT;
		o->seq = s;
		o->ts_ms = f->ts_ms;
		o->state = f->gone ? STORE_CANCELLED : STORE_QUEUED;
		if (!(o->text = calloc(1, 1))) { /* "", as the store gives it */
			store_msgs_free(m, (size_t)(s - after - 1));
			return 0;
		}
	}
	*out = m;
	*n = (size_t)(upto - after);
	return 1;
}

/* A new live entry; when the table is full, the oldest idle peer without
 * pending messages makes room. NULL if nothing can. */
static struct peer *peer_add(struct node *n, const uint8_t key[static 32])
{
	if (n->n_peers == NODE_PEERS_MAX) {
		size_t victim = NODE_PEERS_MAX;
		batch_commit(n); /* the open batch holds peer pointers */
		for (size_t i = 0; i < n->n_peers; i++) {
			struct peer *q = n->peers[i];
			if (q->conn || q->pending || q->pub.verified)
				continue;
			if (victim == NODE_PEERS_MAX ||
			    q->last_beacon < n->peers[victim]->last_beacon)
				victim = i;
		}
		if (victim == NODE_PEERS_MAX)
			return NULL;
		peer_free(n->peers[victim]);
		n->peers[victim] = n->peers[--n->n_peers];
	}
	struct peer *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	memcpy(p->pub.key, key, 32);
	ident_fp(p->pub.fp, key);
	snprintf(p->pub.nick, sizeof p->pub.nick, "%.8s", p->pub.fp);
	p->backoff = NODE_DIAL_BACKOFF_MS;
	p->lost_above = UINT64_MAX;
	n->peers[n->n_peers++] = p;
	return p;
}

static void peer_from_store(struct peer *p, const struct store_peer *sp)
{
	snprintf(p->pub.nick, sizeof p->pub.nick, "%s", sp->nick);
	snprintf(p->pub.alias, sizeof p->pub.alias, "%s", sp->alias);
	p->pub.verified = sp->verified;
	p->pub.last_seen_ms = sp->last_seen_ms;
	p->pub.first_seen_ms = sp->first_seen_ms;
	if (sp->port && inet_pton(AF_INET, sp->host, &p->pub.addr.sin_addr) == 1) {
		p->pub.addr.sin_family = AF_INET;
		p->pub.addr.sin_port = htons(sp->port);
	}
}

static void peer_persist(struct node *n, struct peer *p)
{
	struct store_peer sp;
	memset(&sp, 0, sizeof sp);
	memcpy(sp.key, p->pub.key, 32);
	snprintf(sp.nick, sizeof sp.nick, "%s", p->pub.nick);
	if (p->pub.addr.sin_port) {
		inet_ntop(AF_INET, &p->pub.addr.sin_addr, sp.host, sizeof sp.host);
		sp.port = ntohs(p->pub.addr.sin_port);
	}
	if (!p->pub.first_seen_ms)
		p->pub.first_seen_ms = p->pub.last_seen_ms;
	sp.first_seen_ms = p->pub.first_seen_ms;
	sp.last_seen_ms = p->pub.last_seen_ms;
	int r = store_peer_upsert(n->store, &sp);
	if (r != 0)
		node_log(n, 1, "store: cannot save peer %.8s: %s", p->pub.fp, nerr_str(r));
	p->persisted_at = now_mono(n);
}

/* Trust on first use, for names: the first key seen with a nick (or a
 * verified one) owns it; a later key claiming it is flagged, and the user
 * is told once. Messages always go to keys, so a flag is a warning, not a
 * routing decision. */
static void peer_check_nick(struct node *n, struct peer *p)
{
	int conflict = 0;
	for (size_t i = 0; i < n->n_peers; i++) {
		const struct peer *q = n->peers[i];
		if (q == p || strcmp(q->pub.nick, p->pub.nick) != 0 || p->pub.verified)
			continue;
		if (q->pub.verified || (q->pub.first_seen_ms && (!p->pub.first_seen_ms ||
								 q->pub.first_seen_ms < p->pub.first_seen_ms)))
			conflict = 1;
	}
	if (conflict && !p->pub.nick_conflict) {
		p->pub.nick_conflict = 1;
		node_log(n, 1, "new key %.8s claims to be %s, not the %s you know", p->pub.fp,
			 p->pub.nick, p->pub.nick);
		emit(n, NODE_EV_NICK_CONFLICT, p, NULL);
	}
	p->pub.nick_conflict = conflict;
}

static void peer_set_online(struct node *n, struct peer *p, int online)
{
	if (p->pub.online == online)
		return;
	p->pub.online = online;
	node_log(n, 1, "peer %s (%.8s) is %s", p->pub.nick, p->pub.fp,
		 online ? "online" : "offline");
	emit(n, online ? NODE_EV_PEER_ONLINE : NODE_EV_PEER_OFFLINE, p, NULL);
}

/* How long a peer's beacons may stay away before it is called offline: its
 * pace says how far apart they come. */
static int64_t peer_quiet_ms(const struct peer *p)
{
	return NODE_OFFLINE_AFTER_MS * (int64_t)(p->pace ? p->pace : 1);
}

/* Why: a peer on several links (Wi-Fi and Ethernet) sends each beacon once
 * per link, and whichever copy arrives first is accepted (the others are
 * replays), so its source address may alternate from beacon to beacon.
 * Moving to each would flap the address and doubt the session every time.
 * So a beacon from another address, with the same port and boot (not a
 * restart), only becomes the alternative while the current address works:
 * a session is up on it, or a beacon came from it lately. 1 when kept. */
static int peer_keep_addr(struct node *n, struct peer *p, const struct beacon *b,
			  const struct sockaddr_in *from)
{
	int64_t now = now_mono(n);
	if (!p->boot_known || memcmp(p->boot_id, b->boot_id, 8) != 0 ||
	    p->pub.addr.sin_port != htons(b->tcp_port))
		return 0;
	if (!(p->up && p->conn) && (p->addr_heard == 0 || now - p->addr_heard > peer_quiet_ms(p)))
		return 0;
	p->alt_addr = p->pub.addr;
	p->alt_addr.sin_addr = from->sin_addr;
	p->alt_heard = now;
	return 1;
}

/* Dial the alternative address from now on, keeping the current one as the
 * alternative. 0 when there is none. */
static int peer_swap_addr(struct peer *p)
{
	struct sockaddr_in cur = p->pub.addr;
	int64_t heard = p->addr_heard;
	if (!p->alt_addr.sin_port)
		return 0;
	p->pub.addr = p->alt_addr;
	p->addr_heard = p->alt_heard;
	p->alt_addr = cur;
	p->alt_heard = heard;
	return 1;
}

/* ---- connections ---- */

/* Doubling back-off between dial attempts, capped. */
static int64_t next_backoff(int64_t cur)
{
	return cur >= NODE_DIAL_BACKOFF_MAX_MS / 2 ? NODE_DIAL_BACKOFF_MAX_MS : cur * 2;
}

/* When to try again: the back-off spread by ±25% so that peers that lost
 * each other at the same moment do not redial in lockstep. */
static int64_t retry_at(struct node *n, int64_t backoff)
{
	int64_t spread = backoff / 2;
	return now_mono(n) + backoff - backoff / 4 +
	       (spread > 0 ? (int64_t)ncrypto_random_uniform((uint32_t)spread) : 0);
}

static void conns_remove(struct node *n, struct conn *c)
{
	for (size_t i = 0; i < n->n_conns; i++) {
		if (n->conns[i] == c) {
			n->conns[i] = n->conns[--n->n_conns];
			return;
		}
	}
}

static int on_verify(void *ctx, struct conn *c, const uint8_t id[static 32]);
static void send_ack(struct node *n, struct conn *c, struct peer *p);
static void send_presence(struct node *n, struct peer *p);
static void send_read(struct node *n, struct peer *p);
static void on_up(void *ctx, struct conn *c);
static void on_frame(void *ctx, struct conn *c, uint8_t type, const uint8_t *data, size_t len);
static void on_down(void *ctx, struct conn *c, int err);
static void handle_peers(struct node *n, struct conn *c, struct peer *p, const uint8_t *data,
			 size_t len);
static void pex_tick(struct node *n);
static void pex_update_via(struct node *n);
static void pex_dial_failed(struct node *n, struct conn *c, int err);

static struct conn_cb conn_callbacks(struct node *n)
{
	return (struct conn_cb){n, on_verify, on_up, on_frame, on_down};
}

static struct conn *dial(struct node *n, const struct sockaddr_in *to, const uint8_t *expect)
{
	if (n->n_conns >= NODE_CONNS_MAX)
		return NULL;
	struct conn_cb cb = conn_callbacks(n);
	struct conn *c = conn_new_outgoing(n->loop, to, &n->id->conn, expect, &cb);
	if (c)
		n->conns[n->n_conns++] = c;
	return c;
}

static void peer_dial(struct node *n, struct peer *p)
{
	if (n->cfg.passive || p->conn || p->pub.addr.sin_port == 0 || now_mono(n) < p->dial_after)
		return;
	char host[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &p->pub.addr.sin_addr, host, sizeof host);
	node_log(n, 2, "dialing %s at %s:%u", p->pub.nick, host, ntohs(p->pub.addr.sin_port));
	p->conn = dial(n, &p->pub.addr, p->pub.key);
	if (p->conn) {
		conn_set_user(p->conn, p);
		p->up = 0;
	}
}

/* Send outbox messages past what this connection already carried, in seq
 * order, keeping at most NODE_WINDOW in flight counted from the oldest one
 * still unacknowledged (the outbox's first entry), so the window moves with
 * the outbox itself and never with per-session counters. While a batch is
 * open this only marks the peer: nothing leaves before its queueing is
 * durable, so batch_commit pumps. */
static void peer_send_window(struct node *n, struct peer *p, int early);
static int batch_open(struct node *n);

static void peer_pump(struct node *n, struct peer *p)
{
	if (!p->up || !p->synced || p->pending == 0)
		return;
	if (n->batch_open) {
		p->pump_due = 1;
		return;
	}
	peer_send_window(n, p, 0);
}

/* The sending half of peer_pump, for when every outbox message of p is
 * durable, or, early, before the open batch commits: then it sends only the
 * messages that batch queued to p, and only when they are exactly what comes
 * next, never a withdrawal (a GONE must not leave before its tombstone is on
 * disk: a crash would turn the message back into one the peer skipped). The
 * delivery attempts it records are bookkeeping: they join a batch (opened
 * here if none is) that commits without a sync, instead of one fsync per
 * message sent. */
static void peer_send_window(struct node *n, struct peer *p, int early)
{
	struct store_msg *msgs = NULL;
	size_t count = 0;
	p->pump_due = 0;
	if (!p->up || !p->synced || p->pending == 0)
		goto out;
	/* Synced: nothing at or below acked_upto is left in the outbox, so the
	 * search starts there, not at seq 1 (the whole delivered history). */
	if (store_outbox_range(n->store, p->pub.key, p->acked_upto, UINT64_MAX, 1, &msgs, &count) !=
	    0)
		goto out;
	uint64_t base = count ? msgs[0].seq : 0;
	store_msgs_free(msgs, count);
	msgs = NULL;
	if (!count || p->sent_upto >= base + NODE_WINDOW - 1) {
		count = 0;
		goto out;
	}
	uint64_t from = p->sent_upto > base ? p->sent_upto : base - 1;
	uint64_t upto = base + NODE_WINDOW - 1;
	/* What this turn queued, when it is exactly what comes next. */
	int own = p->n_txq && p->txq[0].seq == from + 1 && p->txq[p->n_txq - 1].seq <= upto;
	count = 0;
	if (early && !own) {
		p->pump_due = 1; /* after the commit, then */
		return;
	}
	p->sent_early = early;
	if (own)
		count = p->n_txq;
	else if (store_outbox_range(n->store, p->pub.key, from, upto, NODE_WINDOW, &msgs, &count) !=
		 0)
		goto out;
	int64_t now = text_now_ms();
	uint64_t first = 0;
	if (count > 0 && batch_open(n) != 0)
		node_log(n, 2, "store: no batch; attempts commit one by one");
	for (size_t i = 0; i < count && p->conn && p->up; i++) {
		struct wire_msg w;
		int gone = 0;
		if (own) {
			const struct txq_msg *t = &p->txq[i];
			w = (struct wire_msg){
			    .seq = t->seq, .ts_ms = t->ts_ms, .text = t->text, .text_len = t->len};
			memcpy(w.id, t->id, 16);
		} else {
			const struct store_msg *m = &msgs[i];
			w = (struct wire_msg){.seq = m->seq,
					      .ts_ms = m->ts_ms,
					      .text = m->text,
					      .text_len = m->text_len};
			memcpy(w.id, m->id, 16);
			gone = m->state >= STORE_EXPIRED;
		}
		size_t len;
		uint8_t type = WIRE_MSG;
		if (gone) { /* withdrawn: only its seq goes */
			type = WIRE_GONE;
			if (wire_ack_encode(w.seq, n->scratch, 8, &len) != 0)
				continue;
		} else if (wire_msg_encode(&w, n->scratch, WIRE_MSG_MAX, &len) != 0) {
			continue;
		}
		if (conn_send(p->conn, type, n->scratch, len) != 0)
			break;
		flight_put(p, &w, gone);
		if (!first)
			first = w.seq;
		p->sent_upto = w.seq;
	}
	if (first && p->conn)
		conn_push(p->conn); /* before the attempts are recorded (and the commit) */
	if (first && store_outbox_attempt_range(n->store, p->pub.key, first, p->sent_upto, now,
						NULL) != 0)
		node_log(n, 1, "store: cannot count delivery attempts");
out:
	store_msgs_free(msgs, msgs ? count : 0);
	txq_clear(p);
}

static int on_verify(void *ctx, struct conn *c, const uint8_t id[static 32])
{
	struct node *n = ctx;
	struct peer *p = peer_find(n, id);
	if (!p && !(p = peer_add(n, id)))
		return NERR_LIMIT;
	struct static_peer *sp = NULL;
	for (size_t i = 0; i < n->cfg.n_static_peers; i++)
		if (n->statics[i].conn == c)
			sp = &n->statics[i];
	if (sp && !p->pub.addr.sin_port)
		p->pub.addr = sp->addr;
	if (p->conn && p->conn != c) {
		/* Two connections for one pair: both sides keep the one initiated by
		 * the larger identity key, so they agree without talking. */
		int mine_larger = memcmp(n->id->conn.id_pub, id, 32) > 0;
		int c_by_me = conn_is_initiator(c), old_by_me = conn_is_initiator(p->conn);
		int keep_new = c_by_me == old_by_me || c_by_me == mine_larger;
		if (!keep_new)
			return NERR_BUSY;
		struct conn *old = p->conn;
		p->conn = NULL;
		conn_set_user(old, NULL);
		conn_close(old, 0, NERR_BUSY);
	}
	p->conn = c;
	p->up = 0;
	conn_set_user(c, p);
	return 0;
}

static void on_up(void *ctx, struct conn *c)
{
	struct node *n = ctx;
	struct peer *p = conn_user(c);
	struct wire_hello h;
	uint8_t buf[WIRE_HELLO_MAX];
	size_t len;
	if (!p || p->conn != c)
		return;
	p->up = 1;
	/* A peer we had a session with keeps its replay-table slot against
	 * floods of beacons from new keys (so do those loaded from the store). */
	(void)!beacon_table_pin(n->btab, p->pub.key);
	p->backoff = NODE_DIAL_BACKOFF_MS;
	p->dial_after = 0;
	p->sent_upto = 0;
	p->acked_upto = 0;
	p->synced = 0;
	p->last_rx = now_mono(n);
	p->ping_sent = 0;
	p->doubt_since = 0;
	memset(&p->pex_tx, 0, sizeof p->pex_tx);
	p->pub.last_seen_ms = text_now_ms();
	snprintf(h.nick, sizeof h.nick, "%s", n->nick);
	h.port = n->port;
	if (wire_hello_encode(&h, buf, sizeof buf, &len) == 0)
		(void)conn_send(c, WIRE_HELLO, buf, len);
	/* Tell the peer at once what we already hold from it: acks lost with the
	 * last session are settled before it sends anything again. */
	send_ack(n, c, p);
	send_presence(n, p);
	p->read_sent = 0;
	send_read(n, p);
	node_log(n, 2, "session up with %s (%s)", p->pub.nick,
		 conn_is_initiator(c) ? "outgoing" : "incoming");
	peer_set_online(n, p, 1);
	/* Nothing is sent before the peer's first ACK: it says what the peer
	 * holds, which may call for renumbering or resending (reconcile). */
}

static void handle_hello(struct node *n, struct conn *c, struct peer *p, const uint8_t *data,
			 size_t len)
{
	struct wire_hello h;
	if (wire_hello_decode(&h, data, len) != 0) {
		conn_close(c, 0, NERR_FORMAT);
		return;
	}
	int changed = strcmp(p->pub.nick, h.nick) != 0;
	snprintf(p->pub.nick, sizeof p->pub.nick, "%s", h.nick);
	if (h.port) {
		struct sockaddr_in a = *conn_peer_addr(c);
		a.sin_port = htons(h.port);
		if (a.sin_port != p->pub.addr.sin_port ||
		    a.sin_addr.s_addr != p->pub.addr.sin_addr.s_addr)
			changed = 1;
		p->pub.addr = a;
		p->addr_confirmed = 1;
	}
	if (changed || p->persisted_at == 0)
		peer_persist(n, p);
	if (changed) {
		peer_check_nick(n, p);
		emit(n, NODE_EV_PEER_CHANGED, p, NULL);
	}
}

static void send_ack(struct node *n, struct conn *c, struct peer *p)
{
	uint64_t last = 0;
	uint8_t buf[8];
	size_t len;
	if (store_last_in(n->store, p->pub.key, &last) != 0)
		return;
	if (wire_ack_encode(last, buf, sizeof buf, &len) == 0)
		(void)conn_send(c, WIRE_ACK, buf, len);
}

static void ack_due_add(struct node *n, struct peer *p)
{
	for (size_t i = 0; i < n->n_ack_due; i++)
		if (n->ack_due[i] == p)
			return;
	if (n->n_ack_due < NODE_PEERS_MAX)
		n->ack_due[n->n_ack_due++] = p;
}

/* Send the messages the open batch queued (those that may go early), commit it, then (and only
 * then) send the ACKs and the other messages, answer "queued" and show what it received: an ACK
 * always means durable. On a failed commit nothing is shown or acknowledged, and the sessions
 * involved are dropped so that their senders send again on the next one (and that our early
 * messages' peers reconcile). */
static void batch_commit(struct node *n)
{
	int r;
	if (!n->batch_open)
		return;
	/* What this batch queued leaves before the commit: the peer stores it
	 * while our disk syncs, instead of after (docs/delivery.md, "Sending
	 * before the commit"). ACKs and "queued" answers still wait for it. */
	if (n->batch_durable)
		for (size_t i = 0; i < n->n_peers; i++)
			if (n->peers[i]->pump_due)
				peer_send_window(n, n->peers[i], 1);
	n->batch_open = 0;
	if (n->batch_timer) {
		loop_timer_cancel(n->loop, n->batch_timer);
		n->batch_timer = 0;
	}
	r = store_batch_commit(n->store);
	if (r != 0) {
		node_log(n, 1, "store: commit failed (%s); messages not acknowledged",
			 store_errmsg(n->store));
		(void)store_batch_rollback(n->store);
	}
	for (size_t i = 0; i < n->n_peers; i++) {
		struct peer *p = n->peers[i];
		int early = p->sent_early;
		p->sent_early = 0;
		if (r == 0)
			continue;
		txq_clear(p); /* not in the outbox after all */
		if (!early)
			continue;
		/* The peer may store seqs we no longer know: the next ones would be
		 * taken for them. Reconcile on a new session. */
		uint64_t last_out = 0;
		(void)!store_last_out(n->store, p->pub.key, &last_out);
		if (last_out < p->lost_above)
			p->lost_above = last_out;
		if (p->conn)
			conn_close(p->conn, 0, NERR_STORE);
	}
	/* ACKs first: the senders wait on them, a front end does not. */
	for (size_t i = 0; i < n->n_ack_due; i++) {
		struct peer *p = n->ack_due[i];
		if (!p->conn || !p->up)
			continue;
		if (r == 0) {
			send_ack(n, p->conn, p);
			conn_push(p->conn); /* now, not after the showing below */
		} else
			conn_close(p->conn, 0, NERR_STORE);
	}
	n->n_ack_due = 0;
	/* Everything queued is durable now: send, before the answers and the
	 * showing below (the peers' stores are the next step of every
	 * message's way). A batch the first of these opens holds only
	 * attempts, so the others need not wait for it. */
	for (size_t i = 0; i < n->n_peers; i++)
		if (n->peers[i]->pump_due)
			peer_send_window(n, n->peers[i], 0);
	for (size_t i = 0; i < n->n_held; i++) {
		if (r == 0)
			emit(n, NODE_EV_MESSAGE, n->held[i].peer, &n->held[i].msg);
		free(n->held[i].msg.text);
	}
	n->n_held = 0;
	n->held_bytes = 0;
	for (size_t i = 0; i < n->n_answers; i++) {
		struct ctl_answer *a = &n->answers[i];
		char line[96], hex[33];
		if (!a->cl)
			continue;
		ncrypto_hex(hex, a->id, 16);
		if (r == 0)
			snprintf(line, sizeof line, "queued\t%s\t%llu", hex, (unsigned long long)a->seq);
		else
			snprintf(line, sizeof line, "error\t74\tstore commit failed");
		(void)ctl_client_send(a->cl, line);
	}
	n->n_answers = 0;
	/* The front ends' "shown" marks for what they just showed: record them
	 * now (no sync), not a loop turn later, to keep the window in which a
	 * crash shows a message twice as short as it can be. */
	if (r == 0 && n->batch_open && !n->batch_durable)
		batch_commit(n);
	/* After what others wait for (ACKs, messages, answers) has left. */
	ckpt_consider(n);
}

static void ckpt_run(struct node *n)
{
	if (store_checkpoint(n->store) != 0)
		node_log(n, 1, "store: checkpoint failed: %s", store_errmsg(n->store));
}

static void on_ckpt_timer(void *ctx)
{
	struct node *n = ctx;
	int64_t quiet = loop_now(n->loop) - n->last_commit;
	n->ckpt_timer = 0;
	if (quiet < NODE_CKPT_QUIET_MS) {
		n->ckpt_timer = loop_timer_add(n->loop, NODE_CKPT_QUIET_MS - quiet, on_ckpt_timer, n);
		return;
	}
	if (!n->batch_open)
		ckpt_run(n);
}

/* After a commit: checkpoint now if the log is very long, else when quiet. */
static void ckpt_consider(struct node *n)
{
	size_t pages = store_wal_pages(n->store);
	n->last_commit = loop_now(n->loop);
	if (pages >= NODE_CKPT_MAX_PAGES)
		ckpt_run(n);
	else if (pages >= NODE_CKPT_MIN_PAGES && !n->ckpt_timer)
		n->ckpt_timer = loop_timer_add(n->loop, NODE_CKPT_QUIET_MS, on_ckpt_timer, n);
}

static void on_batch_timer(void *ctx)
{
	struct node *n = ctx;
	n->batch_timer = 0;
	batch_commit(n);
}

/* Open a batch for this loop turn if none is open; the zero-delay timer
 * commits it once the turn's I/O has been read. A durable batch (messages
 * received or queued: an ACK or "queued" promises they are on disk) waits
 * for the disk at its commit; a batch of bookkeeping only does not
 * (store_batch_begin_light). Bookkeeping that a durable write joins is
 * committed at once, without a sync, and the turn goes on durably. */
static int batch_open_as(struct node *n, int durable)
{
	int r;
	if (n->batch_open) {
		if (!durable || n->batch_durable)
			return 0;
		if ((r = store_batch_commit(n->store)) != 0 ||
		    (r = store_batch_begin(n->store)) != 0) {
			/* The batch is gone: its commit fails, nothing is acknowledged. */
			node_log(n, 1, "store: cannot start a durable batch: %s", nerr_str(r));
			return r;
		}
		n->batch_durable = 1;
		return 0;
	}
	if (!n->held && !(n->held = calloc(NODE_BATCH_MSGS, sizeof *n->held)))
		return NERR_NOMEM;
	r = durable ? store_batch_begin(n->store) : store_batch_begin_light(n->store);
	if (r != 0)
		return r;
	n->batch_open = 1;
	n->batch_durable = durable;
	n->batch_timer = loop_timer_add(n->loop, 0, on_batch_timer, n);
	return 0;
}

static int batch_open(struct node *n)
{
	return batch_open_as(n, 0);
}

static int batch_open_durable(struct node *n)
{
	return batch_open_as(n, 1);
}

static void handle_msg(struct node *n, struct conn *c, struct peer *p, const uint8_t *data,
		       size_t len)
{
	struct wire_msg w;
	int outcome, r;
	if ((r = wire_msg_decode(&w, data, len)) != 0) {
		node_log(n, 1, "bad message from %s: %s", p->pub.nick, nerr_str(r));
		conn_close(c, 0, r);
		return;
	}
	if ((r = batch_open_durable(n)) != 0 ||
	    (r = store_msg_receive(n->store, p->pub.key, w.id, w.seq, w.ts_ms, w.text, w.text_len,
				   &outcome)) != 0) {
		/* Not stored, so not acknowledged: drop the session so that the
		 * sender sends it again on the next one. */
		node_log(n, 1, "store: cannot save message: %s", nerr_str(r));
		conn_close(c, 0, NERR_STORE);
		return;
	}
	if (outcome == STORE_RX_NEW) {
		struct rx_held *h = &n->held[n->n_held];
		memset(h, 0, sizeof *h);
		h->peer = p;
		memcpy(h->msg.id, w.id, 16);
		memcpy(h->msg.peer, p->pub.key, 32);
		h->msg.dir = STORE_DIR_IN;
		h->msg.seq = w.seq;
		h->msg.ts_ms = w.ts_ms;
		h->msg.state = STORE_RECEIVED;
		h->msg.text_len = w.text_len;
		if (!(h->msg.text = malloc(w.text_len + 1))) {
			/* Stored but cannot be shown now; it is in the history. */
			node_log(n, 1, "out of memory showing a message from %s", p->pub.nick);
		} else {
			memcpy(h->msg.text, w.text, w.text_len);
			h->msg.text[w.text_len] = '\0';
			n->n_held++;
			n->held_bytes += w.text_len;
		}
	} else if (outcome == STORE_RX_GAP) {
		node_log(n, 1, "message %llu from %s arrived before an earlier one; waiting",
			 (unsigned long long)w.seq, p->pub.nick);
	}
	ack_due_add(n, p);
	if (n->n_held == NODE_BATCH_MSGS || n->held_bytes >= NODE_BATCH_BYTES)
		batch_commit(n);
}

/* The peer withdrew its message seq (expired or cancelled): when it is the
 * next one we expect, our sequence moves past it, durably (the ACK says so,
 * and the peer then forgets it). */
static void handle_gone(struct node *n, struct conn *c, struct peer *p, const uint8_t *data,
			size_t len)
{
	uint64_t seq;
	int outcome, r;
	if (wire_ack_decode(&seq, data, len) != 0 || seq == 0) {
		conn_close(c, 0, NERR_FORMAT);
		return;
	}
	if ((r = batch_open_durable(n)) != 0 || (r = store_msg_skip(n->store, p->pub.key, seq,
								    &outcome)) != 0) {
		node_log(n, 1, "store: cannot skip a withdrawn message: %s", nerr_str(r));
		conn_close(c, 0, NERR_STORE);
		return;
	}
	if (outcome == STORE_RX_NEW)
		node_log(n, 2, "%s withdrew message %llu", p->pub.nick, (unsigned long long)seq);
	ack_due_add(n, p);
}

/* The first ACK of a session is the peer's last_in for us. Two histories can
 * disagree with it after a crash or a restore from an old copy:
 * - it is above a seq we may have given to a message after we forgot it: our
 *   counter went backwards, and new messages would be taken for duplicates.
 *   Renumber the outbox after it. The counter may have gone back below where
 *   it stands now: a message leaves before the commit that stores it (a
 *   power loss can take that commit), and this node may have queued more
 *   since it started; so the counter as it was at the start (the mark of
 *   store_boot_out_mark) or at a failed commit is the bound, not last_out.
 *   The peer drops by id the messages it holds already.
 * - it is below what we consider delivered: the peer lost messages. Put them
 *   back into the outbox from our history, so it gets them (once) again.
 * Either way neither side waits forever for the other. A renumbering below
 * last_out needs every seq above the ACK to be in the outbox (so the moved
 * messages cannot clash with delivered history); otherwise the peer lost
 * messages we count as delivered, the second case. Non-zero when the store
 * fails: then this ACK must settle nothing (it could cover a message that
 * only shares a forgotten one's seq), and the mark stays. */
static int reconcile(struct node *n, struct peer *p, uint64_t acked)
{
	uint64_t last_out = 0, mark = UINT64_MAX;
	size_t moved = 0, count = 0, above = 0;
	struct store_msg *msgs = NULL;
	int r;
	txq_clear(p); /* the outbox may be renumbered or refilled below */
	if ((r = store_last_out(n->store, p->pub.key, &last_out)) != 0)
		return r;
	int marked = (r = store_boot_out_get(n->store, p->pub.key, &mark)) == 0;
	if (r != 0 && r != NERR_NOTFOUND)
		return r;
	if (p->lost_above < mark)
		mark = p->lost_above;
	if ((r = store_outbox_list(n->store, p->pub.key, &msgs, &count)) != 0)
		return r;
	uint64_t base = count ? msgs[0].seq : last_out + 1;
	for (size_t i = 0; i < count; i++)
		above += msgs[i].seq > acked;
	store_msgs_free(msgs, count);
	if (acked > last_out || (acked > mark && above == last_out - acked)) {
		if ((r = store_outbox_renumber(n->store, p->pub.key, acked, &moved)) != 0)
			return r;
		node_log(n, 1,
			 "%s already holds seq %llu from us, above our %llu: this home forgot "
			 "messages it sent (a crash, or a restore from an older copy); %zu "
			 "queued message(s) renumbered",
			 p->pub.nick, (unsigned long long)acked,
			 (unsigned long long)(last_out < mark ? last_out : mark), moved);
	} else if (acked + 1 < base) {
		if ((r = store_outbox_requeue(n->store, p->pub.key, acked + 1, base - 1, &moved)) !=
		    0)
			return r;
		p->pending += moved;
		if (moved)
			node_log(n, 1,
				 "%s lost messages %llu..%llu we sent (restored from an older "
				 "copy?); sending %zu again",
				 p->pub.nick, (unsigned long long)acked + 1,
				 (unsigned long long)base - 1, moved);
	}
	/* Settled: the next session compares with last_out alone. A clear lost
	 * in a crash leaves a mark below last_out, which costs at most messages
	 * sent again under new seqs (the peer drops them by id). */
	if (marked)
		(void)!store_boot_out_clear(n->store, p->pub.key);
	p->lost_above = UINT64_MAX;
	return 0;
}

static void handle_ack(struct node *n, struct conn *c, struct peer *p, const uint8_t *data,
		       size_t len)
{
	uint64_t seq;
	struct store_msg *msgs = NULL;
	size_t count = 0, removed = 0;
	if (wire_ack_decode(&seq, data, len) != 0) {
		conn_close(c, 0, NERR_FORMAT);
		return;
	}
	/* The ack joins this turn's batch: if it is lost in a crash, the peer
	 * gets those messages again and drops them as duplicates. */
	if (batch_open(n) != 0)
		return;
	/* After the session's first ACK nothing at or below acked_upto is left
	 * in the outbox (reconcile runs only at the first): bound the queries. */
	uint64_t after = p->synced ? p->acked_upto : 0;
	if (!p->synced) {
		if (reconcile(n, p, seq) != 0) {
			node_log(n, 1, "store: cannot reconcile with %s: %s", p->pub.nick,
				 store_errmsg(n->store));
			conn_close(c, 0, NERR_STORE);
			return;
		}
		p->synced = 1;
	} else if (seq <= p->acked_upto) {
		return;
	}
	/* An ack beyond what this session sent is normal right after a
	 * reconnect: it settles messages whose ack was lost with the last one. */
	if (!flight_take(p, after, seq, &msgs, &count) &&
	    store_outbox_range_ids(n->store, p->pub.key, after, seq, &msgs, &count) != 0)
		return;
	if (store_outbox_ack_range(n->store, p->pub.key, after, seq, &removed) != 0) {
		store_msgs_free(msgs, count);
		return;
	}
	p->acked_upto = seq;
	if (p->sent_upto < seq)
		p->sent_upto = seq;
	p->pending = p->pending > removed ? p->pending - removed : 0;
	for (size_t i = 0; i < count; i++) {
		if (msgs[i].state >= STORE_EXPIRED)
			continue; /* a withdrawn one the peer skipped: reported when withdrawn */
		msgs[i].state = STORE_DELIVERED;
		emit(n, NODE_EV_DELIVERED, p, &msgs[i]);
		ctl_report_delivered(n, msgs[i].id);
	}
	store_msgs_free(msgs, count);
	/* "delivered" leaves now, not after this turn's bookkeeping commit. */
	if (count)
		ctl_flush_subs(n);
	peer_pump(n, p);
}

static void handle_presence(struct node *n, struct conn *c, struct peer *p, const uint8_t *data,
			    size_t len)
{
	struct wire_presence w;
	if (wire_presence_decode(&w, data, len) != 0) {
		conn_close(c, 0, NERR_FORMAT);
		return;
	}
	if (p->pub.away == w.away && strcmp(p->pub.away_reason, w.reason) == 0)
		return;
	p->pub.away = w.away;
	snprintf(p->pub.away_reason, sizeof p->pub.away_reason, "%s", w.reason);
	emit(n, NODE_EV_PEER_CHANGED, p, NULL);
}

/* The peer has read our messages up to seq. */
static void handle_read(struct node *n, struct conn *c, struct peer *p, const uint8_t *data,
			size_t len)
{
	uint64_t seq;
	struct store_msg *msgs = NULL;
	size_t count = 0;
	if (wire_ack_decode(&seq, data, len) != 0) {
		conn_close(c, 0, NERR_FORMAT);
		return;
	}
	if (batch_open(n) != 0 || store_read_out(n->store, p->pub.key, seq, &msgs, &count) != 0)
		return;
	for (size_t i = 0; i < count; i++)
		emit(n, NODE_EV_READ, p, &msgs[i]);
	store_msgs_free(msgs, count);
}

static void send_presence(struct node *n, struct peer *p)
{
	struct wire_presence w;
	uint8_t buf[WIRE_PRESENCE_MAX];
	size_t len;
	if (!p->up || !p->conn)
		return;
	w.away = n->away;
	snprintf(w.reason, sizeof w.reason, "%s", n->away_reason);
	if (wire_presence_encode(&w, buf, sizeof buf, &len) == 0)
		(void)conn_send(p->conn, WIRE_PRESENCE, buf, len);
}

static void send_read(struct node *n, struct peer *p)
{
	uint64_t seq = 0;
	uint8_t buf[8];
	size_t len;
	if (!n->receipts || !p->up || !p->conn ||
	    store_read_max_in(n->store, p->pub.key, &seq) != 0 || seq <= p->read_sent)
		return;
	if (wire_ack_encode(seq, buf, sizeof buf, &len) == 0 &&
	    conn_send(p->conn, WIRE_READ, buf, len) == 0)
		p->read_sent = seq;
}

static void on_frame(void *ctx, struct conn *c, uint8_t type, const uint8_t *data, size_t len)
{
	struct node *n = ctx;
	struct peer *p = conn_user(c);
	if (!p)
		return;
	p->last_beacon = p->last_rx = now_mono(n); /* traffic proves it is alive */
	switch (type) {
	case WIRE_HELLO: handle_hello(n, c, p, data, len); break;
	case WIRE_MSG: handle_msg(n, c, p, data, len); break;
	case WIRE_ACK: handle_ack(n, c, p, data, len); break;
	case WIRE_GONE: handle_gone(n, c, p, data, len); break;
	case WIRE_PRESENCE: handle_presence(n, c, p, data, len); break;
	case WIRE_TYPING:
		if (len != 0)
			conn_close(c, 0, NERR_FORMAT);
		else
			emit(n, NODE_EV_TYPING, p, NULL);
		break;
	case WIRE_READ: handle_read(n, c, p, data, len); break;
	case WIRE_PING:
		if (len != 0)
			conn_close(c, 0, NERR_FORMAT);
		else
			(void)conn_send(c, WIRE_PONG, NULL, 0);
		break;
	case WIRE_PONG:
		if (len != 0)
			conn_close(c, 0, NERR_FORMAT);
		break;
	case WIRE_PEERS: handle_peers(n, c, p, data, len); break;
	default: break; /* unknown types are ignored: later versions add them */
	}
}

static void on_down(void *ctx, struct conn *c, int err)
{
	struct node *n = ctx;
	struct peer *p = conn_user(c);
	conns_remove(n, c);
	pex_dial_failed(n, c, err);
	for (size_t i = 0; i < n->cfg.n_static_peers; i++) {
		if (n->statics[i].conn == c) {
			n->statics[i].conn = NULL;
			if (err != NERR_EOF) {
				n->statics[i].dial_after = retry_at(n, n->statics[i].backoff);
				n->statics[i].backoff = next_backoff(n->statics[i].backoff);
			}
		}
	}
	if (!p || p->conn != c)
		return;
	int was_up = p->up;
	p->conn = NULL;
	p->up = 0;
	p->sent_upto = 0;
	txq_clear(p); /* the next session reads the outbox */
	flight_clear(p);
	node_log(n, 2, "session with %s closed: %s", p->pub.nick, nerr_str(err));
	const struct sockaddr_in *dialled = conn_peer_addr(c);
	int same_addr = dialled->sin_addr.s_addr == p->pub.addr.sin_addr.s_addr &&
			dialled->sin_port == p->pub.addr.sin_port;
	if (err == NERR_PEERKEY && conn_is_initiator(c) && !same_addr) {
		/* It moved while we dialled its old address: just dial the new one. */
		p->dial_after = 0;
		p->backoff = NODE_DIAL_BACKOFF_MS;
	} else if (err == NERR_PEERKEY && conn_is_initiator(c) && !p->addr_confirmed) {
		/* An address only remembered from an earlier run now answers with
		 * another key (or ours): ports and DHCP leases get reused. Forget
		 * it and wait for the peer's beacon rather than call it a refusal. */
		node_log(n, 1, "%s's old address %s:%u is someone else now; waiting for its beacon",
			 p->pub.nick, inet_ntoa(p->pub.addr.sin_addr), ntohs(p->pub.addr.sin_port));
		p->pub.addr.sin_port = 0;
	} else if (err == NERR_PEERKEY) {
		emit(n, NODE_EV_REFUSED, p, NULL);
		ctl_report_refused(n, p);
	}
	if (err != NERR_EOF && err != NERR_BUSY) {
		p->dial_after = retry_at(n, p->backoff);
		p->backoff = next_backoff(p->backoff);
		if (!was_up || err == NERR_TIMEOUT)
			peer_set_online(n, p, 0);
	}
	if (conn_is_initiator(c) && !was_up && same_addr && err != NERR_PEERKEY &&
	    p->alt_addr.sin_port && p->alt_heard > p->addr_heard && peer_swap_addr(p)) {
		/* Its other link was heard from more lately: try that one now. */
		node_log(n, 1, "%s did not answer at its address; trying its other one",
			 p->pub.nick);
		p->dial_after = 0;
	}
}

/* ---- listener ---- */

static void on_accept(void *ctx, int fd, short revents)
{
	struct node *n = ctx;
	(void)revents;
	for (int i = 0; i < 16; i++) {
		struct sockaddr_in from;
		socklen_t fl = sizeof from;
		int s = accept(fd, (struct sockaddr *)&from, &fl);
		if (s < 0)
			return;
		size_t same = 0;
		for (size_t k = 0; k < n->n_conns; k++)
			if (!conn_is_initiator(n->conns[k]) &&
			    conn_peer_addr(n->conns[k])->sin_addr.s_addr == from.sin_addr.s_addr)
				same++;
		/* One address cannot take every slot: a flood of handshakes from
		 * it leaves room for everyone else. */
		if (n->n_conns >= NODE_CONNS_MAX || same >= NODE_CONNS_PER_SOURCE ||
		    fl != sizeof from || from.sin_family != AF_INET) {
			close(s);
			continue;
		}
		struct conn_cb cb = conn_callbacks(n);
		struct conn *c = conn_new_incoming(n->loop, s, &from, &n->id->conn, &cb);
		if (c)
			n->conns[n->n_conns++] = c;
	}
}

static int open_listener(struct node *n, char *err, size_t errlen)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	int one = 1;
	a.sin_addr = n->cfg.bind;
	a.sin_port = htons(n->cfg.port);
	n->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (n->listen_fd < 0) {
		snprintf(err, errlen, "cannot create a TCP socket: %s", strerror(errno));
		return NERR_NET;
	}
	(void)setsockopt(n->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(n->listen_fd, (struct sockaddr *)&a, sizeof a) != 0 ||
	    listen(n->listen_fd, 64) != 0) {
		char host[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &a.sin_addr, host, sizeof host);
		snprintf(err, errlen, "cannot listen on %s:%u: %s", host, n->cfg.port,
			 strerror(errno));
		return NERR_NET;
	}
	socklen_t al = sizeof a;
	if (getsockname(n->listen_fd, (struct sockaddr *)&a, &al) != 0)
		return NERR_SYSTEM;
	n->port = ntohs(a.sin_port);
	return loop_add_fd(n->loop, n->listen_fd, POLLIN, on_accept, n);
}

/* ---- discovery ---- */

static void send_beacon(struct node *n, int probe)
{
	struct beacon b;
	uint8_t pkt[BEACON_MAX_LEN];
	size_t len;
	if (!n->disc)
		return;
	memset(&b, 0, sizeof b);
	b.version = BEACON_VERSION;
	b.flags = (uint8_t)((probe ? BEACON_FLAG_PROBE : 0) | beacon_pace_flags(n->pace));
	b.tcp_port = n->port;
	memcpy(b.id_pub, n->id->conn.id_pub, 32);
	memcpy(b.boot_id, n->boot_id, 8);
	b.seq = ++n->beacon_seq;
	b.ts_ms = (uint64_t)text_now_ms();
	snprintf(b.nick, sizeof b.nick, "%s", n->nick);
	if (beacon_encode(&b, n->id->conn.id_sk, pkt, sizeof pkt, &len) != 0)
		return;
	if (disc_send(n->disc, pkt, len) != 0)
		node_log(n, 2, "cannot send beacon");
}

/* Why: every node hears every other node's beacons, and each costs a
 * signature check, so a LAN of N nodes at a fixed interval costs each node
 * N checks per interval. The pace slows a node's beacons down as the peers
 * it hears grow in number, which keeps what each node hears at about
 * NODE_BEACON_PEERS_PER_PACE beacons per interval however large the LAN. A
 * newcomer's probe is still answered at once, so discovery stays as fast;
 * only noticing a silent departure takes longer (pace times). */
static unsigned node_pace(struct node *n)
{
	int64_t now = now_mono(n);
	size_t heard = 0;
	for (size_t i = 0; i < n->n_peers; i++) {
		const struct peer *p = n->peers[i];
		if (p->last_beacon && now - p->last_beacon <= peer_quiet_ms(p))
			heard++;
	}
	size_t pace = (heard + NODE_BEACON_PEERS_PER_PACE - 1) / NODE_BEACON_PEERS_PER_PACE;
	return pace < 1 ? 1 : pace > BEACON_PACE_MAX ? BEACON_PACE_MAX : (unsigned)pace;
}

static void on_beacon_timer(void *ctx);

/* The next regular beacon, after a gap that matches the pace our last one announced. */
static void beacon_schedule(struct node *n)
{
	n->beacon_timer =
	    loop_timer_add(n->loop,
			   (int64_t)n->pace * NODE_BEACON_MIN_MS +
			       ncrypto_random_uniform(n->pace * NODE_BEACON_JITTER_MS),
			   on_beacon_timer, n);
}

static void on_beacon_timer(void *ctx)
{
	struct node *n = ctx;
	unsigned pace = node_pace(n);
	if (pace != n->pace)
		node_log(n, 2, "beacon pace %u (was %u)", pace, n->pace);
	n->pace = pace;
	send_beacon(n, 0);
	beacon_schedule(n);
}

static void on_reply_timer(void *ctx)
{
	struct node *n = ctx;
	n->reply_timer = 0;
	n->last_reply = now_mono(n);
	send_beacon(n, 0);
}

/* Answer a probe at once, but never more than once per gap: a flood of
 * probes costs one beacon per NODE_PROBE_REPLY_GAP_MS. */
static void answer_probe(struct node *n)
{
	int64_t now = now_mono(n);
	if (n->reply_timer)
		return;
	int64_t wait = n->last_reply + NODE_PROBE_REPLY_GAP_MS - now;
	if (n->last_reply == 0 || wait <= 0) {
		n->last_reply = now;
		send_beacon(n, 0);
		return;
	}
	n->reply_timer = loop_timer_add(n->loop, wait, on_reply_timer, n);
}

static void handle_beacon(struct node *n, const uint8_t *pkt, size_t len,
			  const struct sockaddr_in *from)
{
	struct beacon b;
	int r = beacon_table_accept(n->btab, pkt, len, from->sin_addr.s_addr, text_now_ms(),
				    now_mono(n), n->id->conn.id_pub, &b);
	if (r != 0) {
		if (r != NERR_PEERKEY)
			node_log(n, 2, "beacon dropped: %s", nerr_str(r));
		return;
	}
	struct peer *p = peer_find(n, b.id_pub);
	if (!p && !(p = peer_add(n, b.id_pub)))
		return;
	/* A beacon with port 0 (a passive --peers probe) says nothing about where
	 * the node listens; keep the address we had. */
	int moved = b.tcp_port != 0 && (p->pub.addr.sin_addr.s_addr != from->sin_addr.s_addr ||
					 p->pub.addr.sin_port != htons(b.tcp_port));
	int kept = moved && peer_keep_addr(n, p, &b, from);
	if (kept)
		moved = 0;
	if (b.tcp_port) {
		memcpy(p->boot_id, b.boot_id, 8);
		p->boot_known = 1;
		if (!kept)
			p->addr_heard = now_mono(n);
	}
	int changed = p->persisted_at == 0 || strcmp(p->pub.nick, b.nick) != 0 || moved;
	snprintf(p->pub.nick, sizeof p->pub.nick, "%s", b.nick);
	p->addr_confirmed = 1;
	if (moved) {
		p->pub.addr.sin_family = AF_INET;
		p->pub.addr.sin_addr = from->sin_addr; /* connect only to the packet's source */
		p->pub.addr.sin_port = htons(b.tcp_port);
	}
	p->pub.last_seen_ms = text_now_ms();
	p->last_beacon = now_mono(n);
	p->pex_beacon_at = p->last_beacon;
	p->pace = beacon_pace(b.flags);
	if ((moved || kept) && p->up && p->conn && !p->doubt_since) {
		/* The peer beacons from a new address while our session with it
		 * is up: after an address change (or a restart there) that session
		 * may be a ghost nobody answers on. Ask now; on_tick drops it if
		 * nothing comes back soon, and we dial the new address. */
		p->doubt_since = now_mono(n);
		p->ping_sent = p->doubt_since;
		(void)conn_send(p->conn, WIRE_PING, NULL, 0);
	}
	if (changed || !p->pub.online) {
		/* Back, or at a new address: whatever the back-off said, try at once. */
		p->dial_after = 0;
		p->backoff = NODE_DIAL_BACKOFF_MS;
	}
	if (changed || now_mono(n) - p->persisted_at > NODE_PERSIST_EVERY_MS)
		peer_persist(n, p);
	if (changed)
		peer_check_nick(n, p);
	peer_set_online(n, p, 1);
	if (b.flags & BEACON_FLAG_PROBE)
		answer_probe(n);
	if (p->pending)
		peer_dial(n, p);
}

static void on_disc(void *ctx, int fd, short revents)
{
	struct node *n = ctx;
	uint8_t pkt[BEACON_MAX_LEN + 1];
	(void)fd;
	(void)revents;
	for (int i = 0; i < 64; i++) {
		size_t len;
		struct sockaddr_in from;
		int r = disc_recv(n->disc, pkt, sizeof pkt, &len, &from);
		if (r == NERR_AGAIN)
			return;
		if (r == 0)
			handle_beacon(n, pkt, len, &from);
	}
}

/* ---- housekeeping ---- */

/* A --peer address needs no dial of its own while a session with the peer
 * behind it is up (however that session came about). */
static int static_is_connected(struct node *n, const struct static_peer *sp)
{
	for (size_t i = 0; i < n->n_peers; i++) {
		const struct peer *p = n->peers[i];
		if (p->up && p->pub.addr.sin_addr.s_addr == sp->addr.sin_addr.s_addr &&
		    p->pub.addr.sin_port == sp->addr.sin_port)
			return 1;
	}
	return 0;
}

/* Report a message withdrawn (expired or cancelled) and let the recipient
 * hear of it. */
static void withdrawn(struct node *n, struct peer *p, struct store_msg *m)
{
	emit(n, NODE_EV_WITHDRAWN, p, m);
	ctl_report_done(n, m->id, store_state_name(m->state));
	peer_pump(n, p);
}

/* The highest seq to p that may be in flight: sent on the current session,
 * its acknowledgement perhaps on its way. Nothing up to it is withdrawn. */
static uint64_t in_flight_upto(const struct peer *p)
{
	return p->conn && p->up ? p->sent_upto : 0;
}

#define NODE_EXPIRY_EVERY_MS 5000

/* Messages queued longer than the ttl ago expire, unless in flight on the
 * current session (their acknowledgement may be on its way). */
static void expire_due(struct node *n)
{
	if (n->cfg.msg_ttl_s <= 0)
		return;
	int64_t now = text_now_ms();
	if (now < n->next_expiry)
		return;
	n->next_expiry = now + NODE_EXPIRY_EVERY_MS;
	int64_t before = now - n->cfg.msg_ttl_s * 1000;
	for (size_t i = 0; i < n->n_peers; i++) {
		struct peer *p = n->peers[i];
		struct store_msg *msgs = NULL;
		size_t count = 0;
		if (p->pending == 0)
			continue;
		txq_clear(p);
		if (batch_open_durable(n) != 0 ||
		    store_outbox_expire(n->store, p->pub.key, in_flight_upto(p), before, &msgs,
					&count) != 0) {
			node_log(n, 1, "store: cannot expire old messages: %s",
				 store_errmsg(n->store));
			return;
		}
		if (count)
			node_log(n, 1, "%zu message%s to %s expired undelivered", count,
				 count == 1 ? "" : "s", p->pub.nick);
		for (size_t k = 0; k < count; k++)
			withdrawn(n, p, &msgs[k]);
		store_msgs_free(msgs, count);
	}
}

int node_outbox_find(struct node *n, const char *prefix, uint8_t id[static 16])
{
	struct store_msg *msgs = NULL;
	size_t count = 0, found = 0, len = strlen(prefix);
	char hex[33];
	if (len > 32 || !is_hex_prefix(prefix))
		return NERR_USAGE;
	if (store_outbox_list(n->store, NULL, &msgs, &count) != 0)
		return NERR_STORE;
	for (size_t i = 0; i < count; i++) {
		ncrypto_hex(hex, msgs[i].id, 16);
		if (strncasecmp(hex, prefix, len) == 0 && msgs[i].state < STORE_EXPIRED && found++ == 0)
			memcpy(id, msgs[i].id, 16);
	}
	store_msgs_free(msgs, count);
	return found == 1 ? 0 : found ? NERR_AMBIGUOUS : NERR_NOTFOUND;
}

int node_cancel(struct node *n, const uint8_t id[static 16])
{
	struct store_msg m;
	uint8_t key[32];
	int r = store_msg_get(n->store, id, &m);
	if (r != 0)
		return r;
	int out = m.dir == STORE_DIR_OUT;
	uint64_t seq = m.seq;
	memcpy(key, m.peer, 32);
	store_msg_clear(&m);
	if (!out)
		return NERR_NOTFOUND;
	struct peer *p = peer_find(n, key);
	if (!p && !(p = peer_add(n, key)))
		return NERR_LIMIT;
	if (seq <= in_flight_upto(p))
		return NERR_BUSY;
	txq_clear(p);
	if ((r = batch_open_durable(n)) != 0 ||
	    (r = store_outbox_end(n->store, id, STORE_CANCELLED, &m)) != 0)
		return r;
	withdrawn(n, p, &m);
	store_msg_clear(&m);
	return 0;
}

static void on_tick(void *ctx)
{
	struct node *n = ctx;
	int64_t now = now_mono(n);
	expire_due(n);
	for (size_t i = 0; i < n->n_peers; i++) {
		struct peer *p = n->peers[i];
		/* Keepalive: a session that stays silent is probed, then dropped,
		 * so a peer that sleeps or loses its link is noticed within
		 * NODE_DEAD_IDLE_MS even though TCP would wait for minutes. */
		if (p->up && p->conn) {
			/* Bytes of a frame still arriving prove the peer alive too: on a
			 * slow link a long frame takes a while, and our PING's PONG
			 * waits behind it. Without a whole frame for a while, PING
			 * anyway: the peer, maybe in the middle of sending us that
			 * frame, needs to hear from us. */
			int64_t heard = conn_last_rx(p->conn) > p->last_rx ? conn_last_rx(p->conn)
									    : p->last_rx;
			int64_t idle = now - heard;
			int64_t frame_idle = now - p->last_rx;
			if (p->doubt_since && p->last_rx >= p->doubt_since) {
				p->doubt_since = 0; /* it answered: the session is fine */
			} else if (p->doubt_since && now - p->doubt_since >= NODE_DOUBT_MS) {
				node_log(n, 1, "%s moved and the old session is silent; dropped",
					 p->pub.nick);
				p->doubt_since = 0;
				/* Kept on its other address's beacons (not a real move):
				 * dial that one now. */
				if (p->alt_heard > p->addr_heard && peer_swap_addr(p))
					peer_persist(n, p);
				conn_close(p->conn, 0, NERR_TIMEOUT);
				p->dial_after = 0; /* its beacon gave the new address */
				p->backoff = NODE_DIAL_BACKOFF_MS;
				continue;
			}
			if (idle >= NODE_DEAD_IDLE_MS) {
				node_log(n, 1, "%s did not answer for %lld s; session dropped",
					 p->pub.nick, (long long)idle / 1000);
				conn_close(p->conn, 0, NERR_TIMEOUT); /* on_down may free nothing here */
				continue;
			}
			if (frame_idle >= NODE_PING_IDLE_MS && now - p->ping_sent >= NODE_PING_IDLE_MS) {
				p->ping_sent = now;
				(void)conn_send(p->conn, WIRE_PING, NULL, 0);
			}
		}
		if (p->pub.online && !p->up && p->last_beacon &&
		    now - p->last_beacon > peer_quiet_ms(p))
			peer_set_online(n, p, 0);
		if (p->pending && !p->conn)
			peer_dial(n, p);
	}
	for (size_t i = 0; i < n->cfg.n_static_peers && !n->cfg.passive; i++) {
		struct static_peer *sp = &n->statics[i];
		if (sp->conn || now < sp->dial_after || static_is_connected(n, sp))
			continue;
		sp->conn = dial(n, &sp->addr, NULL);
	}
	pex_tick(n);
	n->tick_timer = loop_timer_add(n->loop, NODE_TICK_MS, on_tick, n);
}

/* ---- peer exchange (PEERS frames; docs/protocol.md §6.9) ---- */

/* A peer at one of our --peer addresses (dialled there, or whose HELLO
 * names it). */
static int pex_peer_is_static(struct node *n, const struct peer *p)
{
	for (size_t i = 0; i < n->cfg.n_static_peers; i++) {
		const struct static_peer *sp = &n->statics[i];
		if ((p->conn && sp->conn == p->conn) ||
		    (p->pub.addr.sin_port == sp->addr.sin_port &&
		     p->pub.addr.sin_addr.s_addr == sp->addr.sin_addr.s_addr))
			return 1;
	}
	return 0;
}

static enum pex_via pex_peer_via(struct node *n, const struct peer *p)
{
	if (p->pex_beacon_at && now_mono(n) - p->pex_beacon_at <= peer_quiet_ms(p))
		return PEX_VIA_LAN;
	if (pex_peer_is_static(n, p))
		return PEX_VIA_STATIC;
	if (n->pex && pex_table_find(n->pex, p->pub.key))
		return PEX_VIA_EXCHANGE;
	if (p->conn && !conn_is_initiator(p->conn))
		return PEX_VIA_INCOMING;
	return PEX_VIA_NONE;
}

/* Bring every live entry's via up to date (for --peers). */
static void pex_update_via(struct node *n)
{
	for (size_t i = 0; i < n->n_peers; i++)
		n->peers[i]->pub.via = (int)pex_peer_via(n, n->peers[i]);
}

/* Tell p which peers we found directly, if our mode lets us and the set
 * changed since we last told it (or PEX_REFRESH_MS passed): at most once per
 * PEX_CHECK_MS per session. */
static void pex_send(struct node *n, struct peer *p, int64_t now)
{
	struct wire_peer e[WIRE_PEERS_MAX];
	uint8_t body[WIRE_PEERS_BODY_MAX], digest[64];
	size_t count, len;
	struct pex_cand *cand = calloc(n->n_peers + 1, sizeof *cand);
	p->pex_tx.checked_at = now;
	if (!cand)
		return;
	for (size_t i = 0; i < n->n_peers; i++) {
		const struct peer *q = n->peers[i];
		memcpy(cand[i].key, q->pub.key, 32);
		cand[i].addr = q->pub.addr;
		memcpy(cand[i].nick, q->pub.nick, sizeof cand[i].nick);
		cand[i].via = pex_peer_via(n, q);
		cand[i].online = q->pub.online;
		cand[i].nick_conflict = q->pub.nick_conflict;
		cand[i].seen = q->last_beacon;
	}
	count = pex_select(cand, n->n_peers, p->pub.key, conn_peer_addr(p->conn)->sin_addr, e);
	free(cand);
	if (wire_peers_encode(e, count, body, sizeof body, &len) != 0)
		return;
	ncrypto_sha512(digest, body, len, NULL, 0);
	int same = p->pex_tx.sent && memcmp(digest, p->pex_tx.digest, 16) == 0;
	if ((!p->pex_tx.sent && count == 0) || (same && now - p->pex_tx.sent_at < PEX_REFRESH_MS))
		return;
	if (conn_send(p->conn, WIRE_PEERS, body, len) != 0)
		return;
	memcpy(p->pex_tx.digest, digest, 16);
	p->pex_tx.sent = 1;
	p->pex_tx.sent_at = now;
	node_log(n, 2, "told %s about %zu peer(s)", p->pub.nick, count);
}

/* One learned address: dial it (the handshake must show its key) unless the
 * peer is reached some other way; drop it when its address is no longer the
 * peer's (a beacon or HELLO gave another, or it answered with another key). */
static int pex_learned_keep(struct node *n, struct pex_learned *e, int64_t now)
{
	struct peer *q = peer_find(n, e->key);
	if (!q)
		return 0;
	if (q->up) {
		e->heard = now;
		return 1;
	}
	if (q->pub.addr.sin_port != e->addr.sin_port ||
	    q->pub.addr.sin_addr.s_addr != e->addr.sin_addr.s_addr)
		return 0;
	if (!q->conn)
		peer_dial(n, q);
	return 1;
}

static void pex_tick(struct node *n)
{
	int64_t now = now_mono(n);
	if (n->pex) {
		for (size_t i = n->pex->n; i-- > 0;)
			if (!pex_learned_keep(n, &n->pex->e[i], now))
				pex_table_remove(n->pex, &n->pex->e[i]);
		(void)pex_table_expire(n->pex, now);
	}
	if (n->cfg.share_peers == PEX_OFF || n->cfg.transient)
		return; /* a --send's own node neither tells nor learns */
	for (size_t i = 0; i < n->n_peers; i++) {
		struct peer *p = n->peers[i];
		if (p->up && p->conn && p->synced &&
		    (!p->pex_tx.checked_at || now - p->pex_tx.checked_at >= PEX_CHECK_MS) &&
		    pex_share_with((enum pex_mode)n->cfg.share_peers, pex_peer_is_static(n, p)))
			pex_send(n, p, now);
	}
}

/* One entry of a PEERS frame from session peer p (whose connection comes
 * from from): remembered and dialled like a --peer address, but never over an
 * address we have from the peer itself (its beacon or HELLO) this run. */
static void pex_learn(struct node *n, struct peer *p, const struct wire_peer *w,
		      struct in_addr from)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	char host[INET_ADDRSTRLEN];
	if (memcmp(w->key, n->id->conn.id_pub, 32) == 0 || memcmp(w->key, p->pub.key, 32) == 0 ||
	    !pex_addr_acceptable(w->addr, from))
		return;
	a.sin_addr = w->addr;
	a.sin_port = htons(w->port);
	struct peer *q = peer_find(n, w->key);
	struct pex_learned *e = pex_table_find(n->pex, w->key);
	if (q &&
	    (q->up || (q->pex_beacon_at && now_mono(n) - q->pex_beacon_at <= peer_quiet_ms(q)))) {
		if (e)
			e->heard = now_mono(n);
		return; /* reached directly: its own beacon or session says where */
	}
	int fresh = !q;
	if (!q && !(q = peer_add(n, w->key)))
		return;
	(void)pex_table_put(n->pex, w->key, p->pub.key, &a, now_mono(n));
	if (fresh) {
		snprintf(q->pub.nick, sizeof q->pub.nick, "%s", w->nick);
		peer_check_nick(n, q);
	}
	if (q->pub.addr.sin_port != a.sin_port ||
	    q->pub.addr.sin_addr.s_addr != a.sin_addr.s_addr) {
		q->pub.addr = a;
		q->dial_after = 0;
		q->backoff = NODE_DIAL_BACKOFF_MS;
		inet_ntop(AF_INET, &a.sin_addr, host, sizeof host);
		node_log(n, 1, "learned %s (%.8s) at %s:%u from %s", q->pub.nick, q->pub.fp, host,
			 w->port, p->pub.nick);
	}
}

/* A PEERS frame replaces what its sender told us before: its entries that
 * are not in the new list go, unless a session with that peer is up. */
static void pex_withdraw(struct node *n, const struct peer *p, const struct wire_peer *w,
			 size_t count)
{
	for (size_t i = n->pex->n; i-- > 0;) {
		struct pex_learned *e = &n->pex->e[i];
		const struct peer *q;
		size_t k = 0;
		if (memcmp(e->from, p->pub.key, 32) != 0)
			continue;
		while (k < count && memcmp(w[k].key, e->key, 32) != 0)
			k++;
		if (k == count && !((q = peer_find(n, e->key)) && q->up))
			pex_table_remove(n->pex, e);
	}
}

static void handle_peers(struct node *n, struct conn *c, struct peer *p, const uint8_t *data,
			 size_t len)
{
	struct wire_peer e[WIRE_PEERS_MAX];
	size_t count;
	int r = wire_peers_decode(e, &count, data, len);
	if (r != 0) {
		node_log(n, 1, "bad PEERS frame from %s: %s", p->pub.nick, nerr_str(r));
		conn_close(c, 0, NERR_FORMAT);
		return;
	}
	if (n->cfg.passive || n->cfg.transient)
		return;
	if (!n->pex && !(n->pex = calloc(1, sizeof *n->pex)))
		return;
	pex_withdraw(n, p, e, count);
	for (size_t i = 0; i < count; i++)
		pex_learn(n, p, &e[i], conn_peer_addr(c)->sin_addr);
}

/* A dial to a learned address that answered with another key (or ours):
 * the entry goes, and the address with it, before on_down would call it a
 * refusal by the peer we expected. */
static void pex_dial_failed(struct node *n, struct conn *c, int err)
{
	struct peer *p = conn_user(c);
	const struct sockaddr_in *to = conn_peer_addr(c);
	struct pex_learned *e;
	char host[INET_ADDRSTRLEN];
	if (err != NERR_PEERKEY || !p || !n->pex || !conn_is_initiator(c) ||
	    !(e = pex_table_find(n->pex, p->pub.key)) ||
	    e->addr.sin_addr.s_addr != to->sin_addr.s_addr || e->addr.sin_port != to->sin_port)
		return;
	inet_ntop(AF_INET, &to->sin_addr, host, sizeof host);
	node_log(n, 1, "learned address %s:%u of %.8s answered with another key; dropped", host,
		 ntohs(to->sin_port), p->pub.fp);
	pex_table_remove(n->pex, e);
	if (p->pub.addr.sin_addr.s_addr == to->sin_addr.s_addr &&
	    p->pub.addr.sin_port == to->sin_port)
		p->pub.addr.sin_port = 0;
}

/* ---- control socket ---- */

/* The messages a control client queued and waits to hear about, in the order
 * it queued them (acks arrive in that order too, so the head usually matches). */
struct ctl_sub {
	struct ctl_client *cl;
	uint8_t (*ids)[16];
	size_t head, n, cap;
};

static struct ctl_sub *sub_find(struct node *n, struct ctl_client *cl, int create)
{
	for (size_t i = 0; i < NODE_CTL_SUBS; i++)
		if (n->subs[i].cl == cl)
			return &n->subs[i];
	if (!create)
		return NULL;
	for (size_t i = 0; i < NODE_CTL_SUBS; i++) {
		if (!n->subs[i].cl) {
			memset(&n->subs[i], 0, sizeof n->subs[i]);
			n->subs[i].cl = cl;
			return &n->subs[i];
		}
	}
	return NULL;
}

static int sub_add(struct ctl_sub *sb, const uint8_t id[static 16])
{
	if (sb->head > 0 && sb->head == sb->n)
		sb->head = sb->n = 0;
	if (sb->n == sb->cap) {
		size_t ncap = sb->cap ? 2 * sb->cap : 64;
		void *nid = realloc(sb->ids, ncap * sizeof *sb->ids);
		if (!nid)
			return NERR_NOMEM;
		sb->ids = nid;
		sb->cap = ncap;
	}
	memcpy(sb->ids[sb->n++], id, 16);
	return 0;
}

static void on_ctl_gone(void *ctx, struct ctl_client *cl)
{
	struct node *n = ctx;
	for (size_t i = 0; i < n->n_answers; i++)
		if (n->answers[i].cl == cl)
			n->answers[i].cl = NULL;
	struct ctl_sub *sb = sub_find(n, cl, 0);
	if (sb) {
		free(sb->ids);
		memset(sb, 0, sizeof *sb);
	}
}

/* Tell the control client that queued id how it ended: "delivered",
 * "expired", "cancelled". */
static void ctl_report_done(struct node *n, const uint8_t id[static 16], const char *how)
{
	char line[64], hex[33];
	for (size_t i = 0; i < NODE_CTL_SUBS; i++) {
		struct ctl_sub *sb = &n->subs[i];
		if (!sb->cl)
			continue;
		for (size_t k = sb->head; k < sb->n; k++) {
			if (memcmp(sb->ids[k], id, 16) != 0)
				continue;
			if (k != sb->head)
				memcpy(sb->ids[k], sb->ids[sb->head], 16);
			sb->head++;
			ncrypto_hex(hex, id, 16);
			snprintf(line, sizeof line, "%s\t%s", how, hex);
			(void)ctl_client_send(sb->cl, line); /* may drop the client */
			return;
		}
	}
}

static void ctl_report_delivered(struct node *n, const uint8_t id[static 16])
{
	ctl_report_done(n, id, "delivered");
}

static void ctl_flush_subs(struct node *n)
{
	for (size_t i = 0; i < NODE_CTL_SUBS; i++)
		if (n->subs[i].cl)
			ctl_client_flush(n->subs[i].cl);
}

static void ctl_report_refused(struct node *n, const struct peer *p)
{
	char line[96];
	snprintf(line, sizeof line, "refused\t%s", p->pub.fp);
	for (size_t i = 0; i < NODE_CTL_SUBS; i++)
		if (n->subs[i].cl && n->subs[i].n > n->subs[i].head)
			(void)ctl_client_send(n->subs[i].cl, line);
}

static void ctl_answer_peers(struct node *n, struct ctl_client *cl)
{
	char buf[256];
	/* peer FP ONLINE(0|1) HOST:PORT|- LAST_SEEN_MS VERIFIED(0|1) NICK ALIAS CONFLICT(0|1)
	 * VIA(lan|static|exchange|incoming|-)
	 * (nicks and aliases hold no control characters, so no tab or newline) */
	pex_update_via(n);
	for (size_t i = 0; i < n->n_peers; i++) {
		const struct node_peer *p = &n->peers[i]->pub;
		char addr[32] = "-";
		if (p->addr.sin_port) {
			char host[INET_ADDRSTRLEN];
			inet_ntop(AF_INET, &p->addr.sin_addr, host, sizeof host);
			snprintf(addr, sizeof addr, "%s:%u", host, ntohs(p->addr.sin_port));
		}
		const char *via = pex_via_name((enum pex_via)p->via);
		snprintf(buf, sizeof buf, "peer\t%s\t%d\t%s\t%lld\t%d\t%s\t%s\t%d\t%s", p->fp,
			 p->online, addr, (long long)p->last_seen_ms, p->verified, p->nick,
			 p->alias, p->nick_conflict, via ? via : "-");
		if (ctl_client_send(cl, buf) != 0)
			return;
	}
	(void)ctl_client_send(cl, "end");
}

static void ctl_answer_resolve(struct node *n, struct ctl_client *cl, const char *name)
{
	struct node_peer cand[8];
	uint8_t key[32];
	size_t nc = 0;
	char buf[160], fp[65];
	int r = node_resolve(n, name, key, cand, 8, &nc);
	if (r == 0) {
		ncrypto_hex(fp, key, 32);
		snprintf(buf, sizeof buf, "ok\t%s", fp);
		(void)ctl_client_send(cl, buf);
		return;
	}
	for (size_t i = 0; r == NERR_AMBIGUOUS && i < nc; i++) {
		snprintf(buf, sizeof buf, "candidate\t%s\t%d\t%s", cand[i].fp, cand[i].verified,
			 cand[i].nick);
		if (ctl_client_send(cl, buf) != 0)
			return;
	}
	(void)ctl_client_send(cl, r == NERR_AMBIGUOUS ? "error\t67\tambiguous" : "error\t67\tunknown");
}

/* "send FP HEX": queue the hex-encoded text for FP, answer "queued ID SEQ",
 * and "delivered ID" later when the peer acknowledges it. */
static void ctl_answer_send(struct node *n, struct ctl_client *cl, char *args)
{
	uint8_t key[32], id[16];
	uint64_t seq;
	char buf[96], hex[33];
	char *tab = strchr(args, '\t');
	if (!tab) {
		(void)ctl_client_send(cl, "error\t64\tbad request");
		return;
	}
	*tab = '\0';
	const char *text_hex = tab + 1;
	size_t hl = strlen(text_hex);
	if (ncrypto_unhex(key, 32, args) != 0 || hl % 2 != 0 || hl / 2 > WIRE_TEXT_MAX) {
		(void)ctl_client_send(cl, hl / 2 > WIRE_TEXT_MAX ? "error\t65\tmessage over 65536 bytes"
								  : "error\t64\tbad request");
		return;
	}
	char *text = malloc(hl / 2 + 1);
	if (!text || ncrypto_unhex((uint8_t *)text, hl / 2, text_hex) != 0) {
		free(text);
		(void)ctl_client_send(cl, "error\t64\tbad request");
		return;
	}
	struct ctl_sub *sb = sub_find(n, cl, 1);
	int r = sb ? node_send(n, key, text, hl / 2, id, &seq) : NERR_LIMIT;
	free(text);
	if (r == 0 && sub_add(sb, id) != 0)
		r = NERR_NOMEM;
	if (r != 0) {
		snprintf(buf, sizeof buf, "error\t%d\t%s",
			 r == NERR_UTF8 || r == NERR_EMPTY || r == NERR_TOOLONG ? 65 : 74,
			 nerr_str(r));
		(void)ctl_client_send(cl, buf);
		return;
	}
	if (n->n_answers == n->cap_answers) {
		size_t ncap = n->cap_answers ? 2 * n->cap_answers : 64;
		struct ctl_answer *na = realloc(n->answers, ncap * sizeof *na);
		if (!na) {
			batch_commit(n); /* answers what is held, then this one */
			ncrypto_hex(hex, id, 16);
			snprintf(buf, sizeof buf, "queued\t%s\t%llu", hex, (unsigned long long)seq);
			(void)ctl_client_send(cl, buf);
			return;
		}
		n->answers = na;
		n->cap_answers = ncap;
	}
	n->answers[n->n_answers].cl = cl;
	memcpy(n->answers[n->n_answers].id, id, 16);
	n->answers[n->n_answers].seq = seq;
	n->n_answers++;
}

/* "cancel ID" (32 hex digits): "cancelled ID", or "error 75 busy" when it
 * is in flight, "error 65 ..." when it is not waiting; then "end". */
static void ctl_answer_cancel(struct node *n, struct ctl_client *cl, const char *hex)
{
	uint8_t id[16];
	char buf[96];
	int r = strlen(hex) == 32 && ncrypto_unhex(id, 16, hex) == 0 ? node_cancel(n, id)
								       : NERR_USAGE;
	if (r == 0)
		snprintf(buf, sizeof buf, "cancelled\t%s", hex);
	else
		snprintf(buf, sizeof buf, "error\t%d\t%s",
			 r == NERR_BUSY ? 75 : r == NERR_NOTFOUND || r == NERR_USAGE ? 65 : 74,
			 nerr_str(r));
	if (ctl_client_send(cl, buf) == 0)
		(void)ctl_client_send(cl, "end");
}

static void on_ctl_line(void *ctx, struct ctl_client *cl, const char *line)
{
	struct node *n = ctx;
	char *copy;
	if (strcmp(line, "peers") == 0) {
		ctl_answer_peers(n, cl);
	} else if (strcmp(line, "info") == 0) {
		char buf[128];
		snprintf(buf, sizeof buf, "node\t%s\t%s\t%u", n->cfg.transient ? "transient" : "long",
			 n->id->fp, n->port);
		if (ctl_client_send(cl, buf) == 0)
			(void)ctl_client_send(cl, "end");
	} else if (strncmp(line, "resolve\t", 8) == 0) {
		ctl_answer_resolve(n, cl, line + 8);
	} else if (strncmp(line, "cancel\t", 7) == 0) {
		ctl_answer_cancel(n, cl, line + 7);
	} else if (strncmp(line, "send\t", 5) == 0 && (copy = strdup(line + 5))) {
		ctl_answer_send(n, cl, copy);
		free(copy);
	} else {
		(void)ctl_client_send(cl, "error\t64\tunknown request");
	}
}

size_t node_ctl_clients(const struct node *n)
{
	return ctl_client_count(n->ctl);
}

/* ---- set-up ---- */

static int make_home(const char *home, char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct stat st;
	if (snprintf(path, sizeof path, "%s", home) >= (int)sizeof path) {
		snprintf(err, errlen, "home directory path too long");
		return NERR_TOOLONG;
	}
	/* Create parents as needed (0700 for the home itself). */
	for (char *s = path + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
			return NERR_SYSTEM;
		}
		*s = '/';
	}
	if (mkdir(path, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
		return NERR_SYSTEM;
	}
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s is not a directory", path);
		return NERR_SYSTEM;
	}
	return 0;
}

static int lock_home(struct node *n, char *err, size_t errlen)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/lock", n->cfg.home);
	n->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (n->lock_fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return NERR_SYSTEM;
	}
	if (flock(n->lock_fd, LOCK_EX | LOCK_NB) != 0) {
		snprintf(err, errlen, "another natter node is running for %s", n->cfg.home);
		return NERR_BUSY;
	}
	return 0;
}

static void default_nick(char *out, size_t cap)
{
	const char *name = getenv("USER");
	struct passwd *pw = getpwuid(getuid());
	if (pw && pw->pw_name && *pw->pw_name)
		name = pw->pw_name;
	if (!name || !*name)
		name = "natter";
	size_t len = strlen(name);
	if (len > cap - 1)
		len = cap - 1;
	/* Cut at a character boundary. */
	while (len > 0 && utf8_check((const uint8_t *)name, len) != 0)
		len--;
	memcpy(out, name, len);
	out[len] = '\0';
	if (utf8_check_nick((const uint8_t *)out, len) != 0)
		snprintf(out, cap, "natter");
}

static int set_nick(struct node *n, char *err, size_t errlen)
{
	if (n->cfg.nick) {
		size_t len = strlen(n->cfg.nick);
		if (utf8_check_nick((const uint8_t *)n->cfg.nick, len) != 0) {
			snprintf(err, errlen,
				 "invalid nick: 1 to 32 bytes of UTF-8 without control characters");
			return NERR_USAGE;
		}
		snprintf(n->nick, sizeof n->nick, "%s", n->cfg.nick);
		if (store_meta_set(n->store, "nick", n->nick) != 0) {
			snprintf(err, errlen, "cannot save the nick in the store");
			return NERR_STORE;
		}
		return 0;
	}
	if (store_meta_get(n->store, "nick", n->nick, sizeof n->nick) == 0 &&
	    utf8_check_nick((const uint8_t *)n->nick, strlen(n->nick)) == 0)
		return 0;
	default_nick(n->nick, sizeof n->nick);
	return 0;
}

static int load_peers(struct node *n)
{
	struct store_peer *sp = NULL;
	struct store_msg *out = NULL;
	size_t count = 0, nout = 0;
	int r;
	if ((r = store_peer_list(n->store, &sp, &count)) != 0)
		return r;
	for (size_t i = 0; i < count && n->n_peers < NODE_PEERS_MAX; i++) {
		struct peer *p = peer_add(n, sp[i].key);
		if (p) {
			peer_from_store(p, &sp[i]);
			p->persisted_at = -NODE_PERSIST_EVERY_MS;
			(void)!beacon_table_pin(n->btab, p->pub.key);
		}
	}
	free(sp);
	for (size_t i = 0; i < n->n_peers; i++)
		for (size_t k = 0; k < n->n_peers; k++)
			if (k != i && !n->peers[i]->pub.verified &&
			    strcmp(n->peers[i]->pub.nick, n->peers[k]->pub.nick) == 0 &&
			    (n->peers[k]->pub.verified ||
			     n->peers[k]->pub.first_seen_ms < n->peers[i]->pub.first_seen_ms))
				n->peers[i]->pub.nick_conflict = 1;
	if ((r = store_outbox_list(n->store, NULL, &out, &nout)) != 0)
		return r;
	for (size_t i = 0; i < nout; i++) {
		struct peer *p = peer_find(n, out[i].peer);
		if (!p && (p = peer_add(n, out[i].peer)))
			p->persisted_at = -NODE_PERSIST_EVERY_MS;
		if (p)
			p->pending++;
	}
	store_msgs_free(out, nout);
	return 0;
}

int node_new(struct node **out, const struct node_config *cfg, node_event_fn fn, void *ctx,
	     char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct node *n = calloc(1, sizeof *n);
	int r = NERR_NOMEM;
	if (!n) {
		snprintf(err, errlen, "out of memory");
		return NERR_NOMEM;
	}
	n->cfg = *cfg;
	n->receipts = !cfg->no_read_receipts;
	n->fn = fn;
	n->ctx = ctx;
	n->lock_fd = n->listen_fd = -1;
	n->loop = loop_new();
	n->btab = calloc(1, sizeof *n->btab);
	n->scratch = malloc(WIRE_MSG_MAX);
	n->statics = calloc(cfg->n_static_peers + 1, sizeof *n->statics);
	n->subs = calloc(NODE_CTL_SUBS, sizeof *n->subs);
	if (!n->loop || !n->btab || !n->scratch || !n->statics || !n->subs) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	beacon_table_init(n->btab);
	ncrypto_random(n->boot_id, sizeof n->boot_id);
	n->pace = 1;
	if ((r = make_home(cfg->home, err, errlen)) != 0)
		goto fail;
	if (!cfg->passive && (r = lock_home(n, err, errlen)) != 0)
		goto fail;
	if ((r = ident_load(&n->id, cfg->home, cfg->pass)) != 0) {
		if (r == NERR_LOCKED)
			snprintf(err, errlen,
				 "the identity key in %s is protected by a passphrase: run in a "
				 "terminal or set NATTER_PASSPHRASE_FILE",
				 cfg->home);
		else if (r == NERR_CRYPTO)
			snprintf(err, errlen, "wrong passphrase for the identity key in %s",
				 cfg->home);
		else
			snprintf(err, errlen, "cannot load the identity key in %s: %s", cfg->home,
				 nerr_str(r));
		goto fail;
	}
	snprintf(path, sizeof path, "%s/natter.db", cfg->home);
	char why[256];
	if ((r = store_open_why(&n->store, path, why, sizeof why)) != 0) {
		snprintf(err, errlen, "cannot open the store %s: %s", path, why);
		goto fail;
	}
	/* Before anything is queued: where each peer's counter stood at this
	 * start (reconcile). A passive node holds no lock and sends nothing. */
	if (!cfg->passive && (r = store_boot_out_mark(n->store)) != 0) {
		snprintf(err, errlen, "cannot write the store %s: %s", path,
			 store_errmsg(n->store));
		goto fail;
	}
	if ((r = set_nick(n, err, errlen)) != 0)
		goto fail;
	if ((r = load_peers(n)) != 0) {
		snprintf(err, errlen, "cannot read peers from the store: %s", nerr_str(r));
		goto fail;
	}
	if (!cfg->passive && (r = open_listener(n, err, errlen)) != 0)
		goto fail;
	if (!cfg->passive &&
	    (r = ctl_open(&n->ctl, n->loop, cfg->home, on_ctl_line, on_ctl_gone, n)) != 0)
		node_log(n, 1, "no control socket in %s: %s", cfg->home, nerr_str(r));
	if (!cfg->no_discovery) {
		struct disc_config dc = {cfg->group, cfg->group_port, cfg->ifaces, cfg->n_ifaces};
		if ((r = disc_open(&n->disc, &dc)) != 0) {
			snprintf(err, errlen, "cannot start discovery: %s",
				 r == NERR_NET ? "no such interface, or none usable for multicast"
					       : nerr_str(r));
			r = NERR_NET;
			goto fail;
		}
		if ((r = loop_add_fd(n->loop, disc_fd(n->disc), POLLIN, on_disc, n)) != 0)
			goto fail;
	}
	for (size_t i = 0; i < cfg->n_static_peers; i++) {
		n->statics[i].addr = cfg->static_peers[i];
		n->statics[i].backoff = NODE_DIAL_BACKOFF_MS;
	}
	if (cfg->passive) {
		/* One probe for the answers, no beacons of our own. */
		send_beacon(n, 1);
		*out = n;
		return 0;
	}
	send_beacon(n, 1);
	beacon_schedule(n);
	n->tick_timer = loop_timer_add(n->loop, 0, on_tick, n);
	if (!cfg->transient)
		(void)loop_timer_add(n->loop, 0, on_replay_timer, n);
	*out = n;
	return 0;
fail:
	node_free(n);
	return r;
}

void node_free(struct node *n)
{
	if (!n)
		return;
	batch_commit(n);
	while (n->n_conns > 0) {
		struct conn *c = n->conns[n->n_conns - 1];
		conn_close(c, 1, NERR_EOF); /* on_down removes it from conns[] */
	}
	ctl_free(n->ctl); /* on_ctl_gone frees the subscriptions */
	for (size_t i = 0; i < n->n_peers; i++)
		peer_free(n->peers[i]);
	if (n->listen_fd >= 0)
		close(n->listen_fd);
	disc_free(n->disc);
	store_close(n->store);
	ident_free(n->id);
	if (n->lock_fd >= 0)
		close(n->lock_fd);
	loop_free(n->loop);
	free(n->btab);
	free(n->scratch);
	free(n->statics);
	free(n->held);
	free(n->subs);
	free(n->answers);
	free(n->pex);
	free(n);
}

struct loop *node_loop(struct node *n)
{
	return n->loop;
}

struct store *node_store(struct node *n)
{
	return n->store;
}

const char *node_fp(const struct node *n)
{
	return n->id->fp;
}

const char *node_nick(const struct node *n)
{
	return n->nick;
}

uint16_t node_port(const struct node *n)
{
	return n->port;
}

void node_probe(struct node *n)
{
	send_beacon(n, 1);
}

const struct node_peer *node_peer_get(struct node *n, const uint8_t key[static 32])
{
	struct peer *p = peer_find(n, key);
	return p ? &p->pub : NULL;
}

int node_peers(struct node *n, struct node_peer **out, size_t *count)
{
	struct node_peer *arr = calloc(n->n_peers + 1, sizeof *arr);
	if (!arr)
		return NERR_NOMEM;
	pex_update_via(n);
	for (size_t i = 0; i < n->n_peers; i++)
		arr[i] = n->peers[i]->pub;
	*out = arr;
	*count = n->n_peers;
	return 0;
}

static int is_hex_prefix(const char *s)
{
	size_t len = strlen(s);
	if (len < 8 || len > 64)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
		      (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	return 1;
}

static int resolve_pass(struct node *n, const char *name, int pass, uint8_t key[static 32],
			struct node_peer *cand, size_t max, size_t *n_cand)
{
	size_t found = 0, verified = 0, vi = 0, first = 0;
	size_t len = strlen(name);
	for (size_t i = 0; i < n->n_peers; i++) {
		const struct node_peer *p = &n->peers[i]->pub;
		int match = 0;
		if (pass == 0)
			match = p->alias[0] && strcmp(p->alias, name) == 0;
		else if (pass == 1)
			match = strcmp(p->nick, name) == 0;
		else
			match = is_hex_prefix(name) && strncasecmp(p->fp, name, len) == 0;
		if (!match)
			continue;
		if (found == 0)
			first = i;
		if (found < max)
			cand[found] = *p;
		found++;
		if (p->verified) {
			verified++;
			vi = i;
		}
	}
	if (found == 0)
		return NERR_NOTFOUND;
	if (found == 1 || verified == 1) {
		memcpy(key, n->peers[found == 1 ? first : vi]->pub.key, 32);
		return 0;
	}
	*n_cand = found < max ? found : max;
	return NERR_AMBIGUOUS;
}

int node_resolve(struct node *n, const char *name, uint8_t key[static 32], struct node_peer *cand,
		 size_t max, size_t *n_cand)
{
	*n_cand = 0;
	for (int pass = 0; pass < 3; pass++) {
		int r = resolve_pass(n, name, pass, key, cand, max, n_cand);
		if (r != NERR_NOTFOUND)
			return r;
	}
	return NERR_NOTFOUND;
}

int node_mark_shown(struct node *n, const uint8_t id[static 16])
{
	int r = batch_open(n);
	return r ? r : store_mark_shown(n->store, id);
}

/* Messages stored but never shown (a crash between the commit and the
 * front end, or received while only a --send ran) are shown first. */
static void on_replay_timer(void *ctx)
{
	struct node *n = ctx;
	struct store_msg *msgs = NULL;
	size_t count = 0;
	if (store_unshown(n->store, 0, &msgs, &count) != 0) {
		node_log(n, 1, "store: cannot read unshown messages: %s", store_errmsg(n->store));
		return;
	}
	for (size_t i = 0; i < count; i++) {
		struct peer *p = peer_find(n, msgs[i].peer);
		if (!p && !(p = peer_add(n, msgs[i].peer)))
			continue;
		emit(n, NODE_EV_MESSAGE, p, &msgs[i]);
	}
	store_msgs_free(msgs, count);
}

/* Why a pool: one getrandom(2) per message was 3 % of a sender's CPU in a
 * stream. Ids are not secrets (--outbox and --json show them); only ids
 * are drawn from here. */
static void node_id_random(struct node *n, uint8_t *out, size_t len)
{
	if (n->id_pool_left < len) {
		ncrypto_random(n->id_pool, sizeof n->id_pool);
		n->id_pool_left = sizeof n->id_pool;
	}
	memcpy(out, n->id_pool + sizeof n->id_pool - n->id_pool_left, len);
	n->id_pool_left -= len;
}

int node_send(struct node *n, const uint8_t key[static 32], const char *text, size_t len,
	      uint8_t id[static 16], uint64_t *seq)
{
	uint8_t mid[16];
	uint64_t s;
	int r;
	if (len == 0)
		return NERR_EMPTY;
	if (len > WIRE_TEXT_MAX)
		return NERR_TOOLONG;
	if ((r = utf8_check((const uint8_t *)text, len)) != 0)
		return r;
	struct peer *p = peer_find(n, key);
	if (!p && !(p = peer_add(n, key)))
		return NERR_LIMIT;
	/* A 48-bit millisecond time, then 80 random bits: still unique and
	 * unguessable, but consecutive ids land on the same page of the UNIQUE
	 * index instead of a random one (docs/performance.md). */
	uint64_t now = (uint64_t)text_now_ms();
	for (int i = 0; i < 6; i++)
		mid[i] = (uint8_t)(now >> (40 - 8 * i));
	node_id_random(n, mid + 6, sizeof mid - 6);
	/* Queued in this turn's batch: many lines read at once cost one commit,
	 * and peer_pump leaves the sending to that commit (batch_commit). */
	if ((r = batch_open_durable(n)) != 0)
		return r;
	int64_t ts = (int64_t)now; /* the time the id begins with */
	if ((r = store_msg_queue(n->store, key, mid, ts, text, len, &s)) != 0)
		return r;
	p->pending++;
	if (p->up && p->synced)
		txq_add(p, s, ts, mid, text, len); /* sent from memory at the commit */
	memcpy(id, mid, 16);
	*seq = s;
	if (p->up)
		peer_pump(n, p);
	else if (!p->conn)
		peer_dial(n, p);
	return 0;
}

void node_set_event_fn(struct node *n, node_event_fn fn, void *ctx)
{
	n->fn = fn;
	n->ctx = ctx;
}

int node_set_nick(struct node *n, const char *nick)
{
	struct wire_hello h;
	uint8_t buf[WIRE_HELLO_MAX];
	size_t len;
	if (utf8_check_nick((const uint8_t *)nick, strlen(nick)) != 0)
		return NERR_USAGE;
	snprintf(n->nick, sizeof n->nick, "%s", nick);
	if (store_meta_set(n->store, "nick", n->nick) != 0)
		return NERR_STORE;
	snprintf(h.nick, sizeof h.nick, "%s", n->nick);
	h.port = n->port;
	if (wire_hello_encode(&h, buf, sizeof buf, &len) == 0)
		for (size_t i = 0; i < n->n_peers; i++)
			if (n->peers[i]->up && n->peers[i]->conn)
				(void)conn_send(n->peers[i]->conn, WIRE_HELLO, buf, len);
	send_beacon(n, 0);
	return 0;
}

int node_set_away(struct node *n, const char *reason)
{
	if (reason && (strlen(reason) > WIRE_AWAY_MAX ||
		       utf8_check((const uint8_t *)reason, strlen(reason)) != 0))
		return NERR_USAGE;
	n->away = reason != NULL;
	snprintf(n->away_reason, sizeof n->away_reason, "%s", reason ? reason : "");
	for (size_t i = 0; i < n->n_peers; i++)
		send_presence(n, n->peers[i]);
	return 0;
}

void node_typing(struct node *n, const uint8_t key[static 32])
{
	struct peer *p = peer_find(n, key);
	int64_t now = now_mono(n);
	if (!p || !p->up || !p->conn || (p->typing_sent && now - p->typing_sent < 3000))
		return;
	if (conn_send(p->conn, WIRE_TYPING, NULL, 0) == 0)
		p->typing_sent = now;
}

void node_mark_read(struct node *n, const uint8_t key[static 32], uint64_t seq)
{
	struct peer *p = peer_find(n, key);
	if (batch_open(n) != 0 || store_read_in(n->store, key, seq) != 0)
		return;
	if (p)
		send_read(n, p); /* a receipt is a courtesy: it need not wait for the commit */
}

size_t node_outbox_count(struct node *n)
{
	size_t count = 0;
	return store_outbox_count(n->store, &count) == 0 ? count : 0;
}

const uint8_t *node_key(const struct node *n)
{
	return n->id->conn.id_pub;
}

int node_set_verified(struct node *n, const uint8_t key[static 32])
{
	struct peer *p = peer_find(n, key);
	if (!p)
		return NERR_NOTFOUND;
	if (p->persisted_at <= 0)
		peer_persist(n, p);
	int r = store_peer_set_verified(n->store, key, 1);
	if (r == 0) {
		p->pub.verified = 1;
		(void)!beacon_table_pin(n->btab, key);
	}
	return r;
}

int node_set_alias(struct node *n, const uint8_t key[static 32], const char *alias)
{
	struct peer *p = peer_find(n, key);
	size_t len = alias ? strlen(alias) : 0;
	if (!p)
		return NERR_NOTFOUND;
	if (len && utf8_check_nick((const uint8_t *)alias, len) != 0)
		return NERR_USAGE;
	if (p->persisted_at <= 0)
		peer_persist(n, p);
	int r = store_peer_set_alias(n->store, key, len ? alias : "");
	if (r == 0)
		snprintf(p->pub.alias, sizeof p->pub.alias, "%s", len ? alias : "");
	return r;
}
