/* SPDX-License-Identifier: MIT */
/* The node's SQLite store, one file per home: metadata, known peers and their pinned keys,
 * history, outbox and per-peer sequence counters. Every writer is atomic and durable when it
 * returns 0, and nests inside store_batch_begin/commit so many writes can share one fsync. */
#ifndef NATTER_STORE_H
#define NATTER_STORE_H

#include <stddef.h>
#include <stdint.h>

/* On calls whose failure, ignored, would lose a guarantee or leave an out-parameter unset. */
#define STORE_WUR __attribute__((warn_unused_result))

#define STORE_KEY      32    /* Ed25519 identity key: what a peer is keyed by */
#define STORE_ID       16    /* random message id */
#define STORE_TEXT_MAX 65536 /* bytes of message text */
#define STORE_NICK_MAX 32    /* bytes of a nick or alias, without the NUL */
#define STORE_HOST_MAX 45    /* bytes of a host (an IPv6 address at most), without the NUL */

/* Message direction and delivery state. Stored in the database: never renumber. */
enum store_dir {
	STORE_DIR_OUT = 0,
	STORE_DIR_IN = 1,
};

enum store_state {
	STORE_QUEUED = 0,    /* out: in the outbox, never tried */
	STORE_SENT = 1,	     /* out: in the outbox, tried at least once */
	STORE_DELIVERED = 2, /* out: acknowledged by the recipient, left the outbox */
	STORE_RECEIVED = 3,  /* in: stored */
	STORE_READ = 4,	     /* read by its recipient */
	STORE_EXPIRED = 5,   /* out: its time to live ran out before it was delivered */
	STORE_CANCELLED = 6, /* out: withdrawn by its sender before it was delivered */
};

/* What store_msg_receive did with a message. */
enum store_rx {
	STORE_RX_NEW = 0, /* the next in sequence: stored, last_in advanced */
	STORE_RX_DUP = 1, /* already stored: nothing stored (acknowledge it again) */
	STORE_RX_GAP = 2, /* an earlier one is missing: nothing stored (wait for it) */
};

/* An open store; opaque. Not thread-safe: one thread uses it. */
struct store;

/* A known peer. Strings are NUL-terminated; alias is "" when unset. */
struct store_peer {
	uint8_t key[STORE_KEY];
	char nick[STORE_NICK_MAX + 1];
	char host[STORE_HOST_MAX + 1];
	uint16_t port;
	int64_t first_seen_ms;
	int64_t last_seen_ms;
	int verified; /* 0 or 1: the user compared safety numbers */
	char alias[STORE_NICK_MAX + 1];
};

/* A message as read back from the store. text is malloc'd, NUL-terminated after text_len
 * bytes, and owned by the struct (store_msg_clear / store_msgs_free). attempts and
 * last_attempt_ms are 0 for a message not in the outbox. */
struct store_msg {
	uint8_t id[STORE_ID];
	uint8_t peer[STORE_KEY];
	int dir;       /* enum store_dir */
	uint64_t seq;  /* per (sender, recipient), from 1 */
	int64_t ts_ms; /* the sender's clock */
	char *text;
	size_t text_len;
	int state; /* enum store_state */
	uint32_t attempts;
	int64_t last_attempt_ms;
};

/* Open the store at path, creating it (mode 0600; an existing file is tightened to 0600) and
 * migrating its schema to the current version. On success *out owns the handle (free with
 * store_close). Returns NERR_SYSTEM when the file cannot be opened (errno tells why),
 * NERR_VERSION when the file was written by a newer natter, NERR_STORE for any SQLite failure
 * (including a file that is not a database), NERR_NOMEM. */
int store_open(struct store **out, const char *path) STORE_WUR;

/* store_open, and on failure a one-line reason in why (cap bytes): the system's or SQLite's
 * message ("file is not a database", "database is locked"), or what the schema version says. */
int store_open_why(struct store **out, const char *path, char *why, size_t cap) STORE_WUR;

/* Finalize everything and close; an open batch is rolled back. NULL is a no-op. */
void store_close(struct store *st);

/* SQLite's message for the last NERR_STORE this handle returned ("" if none). Valid until the
 * next call on st. */
const char *store_errmsg(const struct store *st);

/* "queued", "sent", "delivered", "received", "read"; "unknown" for anything else. Static. */
const char *store_state_name(int state);

/* Group commit. Between begin and commit, every writer joins one transaction (holding the
 * write lock), and a writer that fails undoes only its own changes. Nothing is durable
 * until store_batch_commit returns 0; on its failure everything since begin is rolled back.
 * NERR_INTERNAL for a begin inside a batch or a commit/rollback outside one, else 0 or
 * NERR_STORE. If SQLite itself had to abandon the batch (I/O error, disk full), the writers
 * that follow and the commit return NERR_STORE. */
int store_batch_begin(struct store *st) STORE_WUR;
/* The same for a batch of bookkeeping only (attempts, acknowledgements, shown and read
 * marks): its commit is atomic and survives a crash of the process, but does not wait for
 * the disk (synchronous = NORMAL for that one commit), so a power cut may undo it — never
 * a later durable commit, which syncs the log up to itself. */
int store_batch_begin_light(struct store *st) STORE_WUR;
int store_batch_commit(struct store *st) STORE_WUR;

/* Checkpoints. SQLite would copy the log into the database inside whichever
 * commit crossed 1000 pages, adding that work (and a sync of the database
 * file) to one message's delivery. A store checkpoints only when asked:
 * store_wal_pages is how many pages the log holds since the last checkpoint
 * (as of the last commit), and store_checkpoint copies what no reader still
 * needs (SQLite's PASSIVE mode: it never waits) and returns 0 or NERR_STORE.
 * The last connection to close checkpoints the rest. */
size_t store_wal_pages(const struct store *st);
int store_checkpoint(struct store *st);
int store_batch_rollback(struct store *st);

/* Copy the value stored under key, NUL-terminated, into out[cap]. NERR_NOTFOUND,
 * NERR_TOOLONG when it does not fit (out untouched), NERR_STORE. */
int store_meta_get(struct store *st, const char *key, char *out, size_t cap) STORE_WUR;
/* Insert or replace key's value. 0 or NERR_STORE. */
int store_meta_set(struct store *st, const char *key, const char *value) STORE_WUR;

/* Record that p->key was seen as p->nick at p->host:p->port at p->last_seen_ms. A new peer
 * gets first_seen_ms = last_seen_ms, not verified, no alias; a known one keeps those (its
 * p->first_seen_ms, verified and alias are ignored here). NERR_TOOLONG when nick or host is
 * not NUL-terminated within its array, else 0 or NERR_STORE. */
int store_peer_upsert(struct store *st, const struct store_peer *p) STORE_WUR;
/* Copy the peer with this key into *out. NERR_NOTFOUND, NERR_STORE. */
int store_peer_get(struct store *st, const uint8_t key[static STORE_KEY],
		   struct store_peer *out) STORE_WUR;
/* Every known peer, ordered by nick (bytewise) then key, as a malloc'd array the caller
 * frees with free(); *out is NULL when *n is 0. NERR_NOMEM, NERR_STORE. */
int store_peer_list(struct store *st, struct store_peer **out, size_t *n) STORE_WUR;
/* Mark a known peer's key verified (1) or not (0). NERR_NOTFOUND, NERR_STORE. */
int store_peer_set_verified(struct store *st, const uint8_t key[static STORE_KEY],
			    int verified) STORE_WUR;
/* Set a known peer's local alias; "" removes it. NERR_TOOLONG over STORE_NICK_MAX bytes,
 * NERR_NOTFOUND, NERR_STORE. Uniqueness of aliases is the caller's rule, not enforced here. */
int store_peer_set_alias(struct store *st, const uint8_t key[static STORE_KEY],
			 const char *alias) STORE_WUR;

/* Queue an outgoing message to peer: in one transaction, take the next outgoing seq for that
 * peer (from 1, never reset), store the message (state queued) and put it in the outbox.
 * text is len bytes, not necessarily NUL-terminated, copied. On success *seq_out is the seq.
 * NERR_TOOLONG over STORE_TEXT_MAX, NERR_STORE (also for an id already stored). */
int store_msg_queue(struct store *st, const uint8_t peer[static STORE_KEY],
		    const uint8_t id[static STORE_ID], int64_t ts_ms, const char *text, size_t len,
		    uint64_t *seq_out) STORE_WUR;

/* Take an incoming message from peer with its seq, in one transaction. seq == last_in + 1:
 * stored (state received), last_in = seq, *outcome STORE_RX_NEW. seq <= last_in: nothing
 * written, STORE_RX_DUP. seq > last_in + 1: nothing written, STORE_RX_GAP. An id already
 * stored is STORE_RX_DUP and its text is not stored again; if its seq was the next one,
 * last_in still advances so that the peer's stream cannot stall on it. *outcome is written
 * on success only. NERR_TOOLONG over STORE_TEXT_MAX, NERR_LIMIT for a seq beyond INT64_MAX,
 * NERR_STORE. */
int store_msg_receive(struct store *st, const uint8_t peer[static STORE_KEY],
		      const uint8_t id[static STORE_ID], uint64_t seq, int64_t ts_ms,
		      const char *text, size_t len, int *outcome) STORE_WUR;

/* The highest seq received from peer in order (what to acknowledge); 0 when none.
 * NERR_STORE. */
int store_last_in(struct store *st, const uint8_t peer[static STORE_KEY], uint64_t *seq) STORE_WUR;

/* The highest seq assigned to a message for peer; 0 when none. NERR_STORE. */
int store_last_out(struct store *st, const uint8_t peer[static STORE_KEY], uint64_t *seq) STORE_WUR;

/* Our counter for peer went backwards (this home was restored from an older
 * copy) and peer already holds seqs up to after: in one transaction, give the
 * outbox messages to peer the seqs after+1, after+2, ... in their order and
 * set the counter to the last. *count is how many moved. NERR_STORE. */
int store_outbox_renumber(struct store *st, const uint8_t peer[static STORE_KEY],
			  uint64_t after, size_t *count) STORE_WUR;

/* At a node's start, outside a batch: remember each peer's last_out, durably, unless a mark
 * from an earlier start is still there (docs/delivery.md, "Sending before the commit").
 * NERR_STORE. */
int store_boot_out_mark(struct store *st) STORE_WUR;

/* The mark store_boot_out_mark left for peer; NERR_NOTFOUND when none, NERR_STORE. */
int store_boot_out_get(struct store *st, const uint8_t peer[static STORE_KEY],
		       uint64_t *seq) STORE_WUR;

/* peer answered after the start: forget its mark. NERR_STORE. */
int store_boot_out_clear(struct store *st, const uint8_t peer[static STORE_KEY]) STORE_WUR;

/* peer lost messages we sent it (its store was restored from an older copy):
 * put our messages to peer with seq in [from, to] back into the outbox, state
 * "sent", in one transaction. *count is how many went back. NERR_USAGE for an
 * empty range, NERR_STORE. */
int store_outbox_requeue(struct store *st, const uint8_t peer[static STORE_KEY], uint64_t from,
			 uint64_t to, size_t *count) STORE_WUR;

/* The recipient acknowledged everything up to upto: in one transaction, mark the outbox
 * messages to peer with seq <= upto delivered and remove them from the outbox. *removed is
 * how many left it (0 for a repeated ack). NERR_STORE. */
int store_outbox_ack(struct store *st, const uint8_t peer[static STORE_KEY], uint64_t upto,
		     size_t *removed) STORE_WUR;
/* The same for seqs in (after, upto] only: O(what is acknowledged), for a
 * caller that knows nothing at or below after is left in the outbox. */
int store_outbox_ack_range(struct store *st, const uint8_t peer[static STORE_KEY], uint64_t after,
			   uint64_t upto, size_t *removed) STORE_WUR;

/* The messages waiting in the outbox for peer (NULL: for every peer), ordered by peer then
 * seq, as a malloc'd array freed with store_msgs_free; *out is NULL when *n is 0.
 * NERR_NOMEM, NERR_STORE. */
int store_outbox_list(struct store *st, const uint8_t *peer, struct store_msg **out,
		      size_t *n) STORE_WUR;

/* The outbox messages for peer with after < seq <= upto, in seq order, at most
 * limit of them (0: no limit); like store_outbox_list otherwise. Uses the
 * (peer, dir, seq) index: cheap however long the outbox is. */
int store_outbox_range(struct store *st, const uint8_t peer[static STORE_KEY], uint64_t after,
		       uint64_t upto, size_t limit, struct store_msg **out, size_t *n) STORE_WUR;
/* The same without the texts (each text is "", text_len 0) or attempts,
 * and "queued" for "sent": what an acknowledgement needs to report, read
 * cheaply (a withdrawn message keeps its state). */
int store_outbox_range_ids(struct store *st, const uint8_t peer[static STORE_KEY], uint64_t after,
			   uint64_t upto, struct store_msg **out, size_t *n) STORE_WUR;

/* The user has seen the messages received from peer up to seq: "received"
 * ones become "read". NERR_STORE. */
int store_read_in(struct store *st, const uint8_t peer[static STORE_KEY], uint64_t upto) STORE_WUR;
/* peer read our messages up to seq: "delivered" ones become "read"; those
 * changed are listed in *out (free with store_msgs_free). NERR_STORE. */
int store_read_out(struct store *st, const uint8_t peer[static STORE_KEY], uint64_t upto,
		   struct store_msg **out, size_t *n) STORE_WUR;
/* The highest seq from peer the user has read; 0 when none. */
int store_read_max_in(struct store *st, const uint8_t peer[static STORE_KEY], uint64_t *seq) STORE_WUR;
/* Messages in the outbox, every peer. */
int store_outbox_count(struct store *st, size_t *n) STORE_WUR;

/* Received messages no front end has shown yet (stored just before a crash,
 * or while only a --send ran), oldest first, at most limit (0: all). */
int store_unshown(struct store *st, size_t limit, struct store_msg **out, size_t *n) STORE_WUR;
/* Record that a front end has shown message id. NERR_STORE. */
int store_mark_shown(struct store *st, const uint8_t id[static STORE_ID]) STORE_WUR;

/* Record one delivery attempt of the outbox message id at now_ms: attempts + 1,
 * last_attempt_ms = now_ms; a message read back is then "sent", not "queued"
 * (the state is derived from the attempts while it waits in the outbox). NERR_NOTFOUND when id is not in the outbox,
 * NERR_STORE. Only bookkeeping: a caller may ignore a failure. */
int store_outbox_attempt(struct store *st, const uint8_t id[static STORE_ID], int64_t now_ms);
/* Withdraw the outbox message id (state `state`: STORE_EXPIRED or
 * STORE_CANCELLED). It stays in the outbox as a tombstone, sent as GONE so
 * that the recipient's sequence moves past it, until acknowledged; it is
 * never sent as a message again. *out (may be NULL) receives the message
 * without its text. NERR_NOTFOUND when id is not in the outbox or already
 * withdrawn, NERR_USAGE for another state, NERR_STORE. */
int store_outbox_end(struct store *st, const uint8_t id[static STORE_ID], int state,
		     struct store_msg *out) STORE_WUR;
/* Expire the outbox messages to peer with seq > after queued before
 * before_ms (their ts), listing them (without texts) in *out.
 * NERR_STORE, NERR_NOMEM. */
int store_outbox_expire(struct store *st, const uint8_t peer[static STORE_KEY], uint64_t after,
			int64_t before_ms, struct store_msg **out, size_t *n) STORE_WUR;
/* The recipient's side of a GONE: seq was withdrawn by peer. When it is the
 * next one expected, last_in moves past it (nothing is stored) and *outcome
 * is STORE_RX_NEW; otherwise STORE_RX_DUP or STORE_RX_GAP as for a message. */
int store_msg_skip(struct store *st, const uint8_t peer[static STORE_KEY], uint64_t seq,
		   int *outcome) STORE_WUR;

/* The same for every outbox message to peer with first <= seq <= last, in
 * one statement; *count (may be NULL) is how many there were. NERR_STORE. */
int store_outbox_attempt_range(struct store *st, const uint8_t peer[static STORE_KEY],
			       uint64_t first, uint64_t last, int64_t now_ms, size_t *count);

/* Read the message id into *out, which then owns a text (store_msg_clear).
 * NERR_NOTFOUND, NERR_NOMEM, NERR_STORE. */
int store_msg_get(struct store *st, const uint8_t id[static STORE_ID],
		  struct store_msg *out) STORE_WUR;

/* The last limit messages exchanged with peer (0: all), both directions, oldest first (by
 * timestamp, then by order of storage), as a malloc'd array freed with store_msgs_free;
 * *out is NULL when *n is 0. NERR_NOMEM, NERR_STORE. */
int store_history(struct store *st, const uint8_t peer[static STORE_KEY], size_t limit,
		  struct store_msg **out, size_t *n) STORE_WUR;

/* Free the text of each of the n messages, then arr. NULL is a no-op. */
void store_msgs_free(struct store_msg *arr, size_t n);
/* Free m's text and zero m. */
void store_msg_clear(struct store_msg *m);

#endif
