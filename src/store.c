/* SPDX-License-Identifier: MIT */
/* The SQLite store: the schema and its migrations, statements prepared once at open, and the
 * transactions that make "store the message and advance the seq" one atomic step. */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "nerr.h"

#define STORE_BUSY_MS 5000

/* Schema migrations: entry i takes user_version i to i + 1. Append; never edit a shipped one. */
static const char *const store_migrations[] = {
    /* 1: the first schema. Keys and ids are BLOBs; texts are TEXT limited in bytes. */
    "CREATE TABLE meta ("
    "  key TEXT PRIMARY KEY NOT NULL,"
    "  value TEXT NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE TABLE peers ("
    "  key BLOB PRIMARY KEY NOT NULL CHECK (length(key) = 32),"
    "  nick TEXT NOT NULL CHECK (length(CAST(nick AS BLOB)) <= 32),"
    "  host TEXT NOT NULL CHECK (length(CAST(host AS BLOB)) <= 45),"
    "  port INTEGER NOT NULL CHECK (port BETWEEN 0 AND 65535),"
    "  first_seen INTEGER NOT NULL,"
    "  last_seen INTEGER NOT NULL,"
    "  verified INTEGER NOT NULL DEFAULT 0 CHECK (verified IN (0, 1)),"
    "  alias TEXT CHECK (length(CAST(alias AS BLOB)) BETWEEN 1 AND 32)"
    ") WITHOUT ROWID;"
    "CREATE TABLE seqs ("
    "  peer BLOB PRIMARY KEY NOT NULL CHECK (length(peer) = 32),"
    "  last_out INTEGER NOT NULL DEFAULT 0 CHECK (last_out >= 0),"
    "  last_in INTEGER NOT NULL DEFAULT 0 CHECK (last_in >= 0)"
    ") WITHOUT ROWID;"
    "CREATE TABLE messages ("
    "  n INTEGER PRIMARY KEY,"
    "  id BLOB NOT NULL UNIQUE CHECK (length(id) = 16),"
    "  peer BLOB NOT NULL CHECK (length(peer) = 32),"
    "  dir INTEGER NOT NULL CHECK (dir IN (0, 1)),"
    "  seq INTEGER NOT NULL CHECK (seq >= 1),"
    "  ts INTEGER NOT NULL,"
    "  text TEXT NOT NULL CHECK (length(CAST(text AS BLOB)) <= 65536),"
    "  state INTEGER NOT NULL CHECK (state BETWEEN 0 AND 4),"
    "  UNIQUE (peer, dir, seq)"
    ");"
    "CREATE INDEX messages_by_peer_ts ON messages (peer, ts);"
    "CREATE TABLE outbox ("
    "  msg INTEGER PRIMARY KEY REFERENCES messages (n) ON DELETE CASCADE,"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  last_attempt INTEGER NOT NULL DEFAULT 0"
    ");",
    /* 2: whether a received message has been shown by a front end, so that
     * one stored just before a crash is shown after the restart. */
    "ALTER TABLE messages ADD COLUMN shown INTEGER NOT NULL DEFAULT 1;"
    "CREATE INDEX messages_unshown ON messages (shown) WHERE shown = 0;",
    /* 3: unshown messages in a table of their own: marking one shown deletes
     * a small row instead of rewriting the message and an index entry (half
     * of what a received message cost). The shown column is no longer read. */
    "CREATE TABLE unshown ("
    "  msg INTEGER PRIMARY KEY REFERENCES messages (n) ON DELETE CASCADE"
    ");"
    "INSERT INTO unshown (msg) SELECT n FROM messages WHERE shown = 0;"
    "DROP INDEX messages_unshown;"
    "UPDATE messages SET shown = 1 WHERE shown = 0;",
    /* 4: states 5 (expired) and 6 (cancelled). SQLite cannot change a CHECK
     * in place: the table is rebuilt (foreign keys are off while migrating,
     * so the outbox and unshown rows that point at it stay). */
    "CREATE TABLE messages_v4 ("
    "  n INTEGER PRIMARY KEY,"
    "  id BLOB NOT NULL UNIQUE CHECK (length(id) = 16),"
    "  peer BLOB NOT NULL CHECK (length(peer) = 32),"
    "  dir INTEGER NOT NULL CHECK (dir IN (0, 1)),"
    "  seq INTEGER NOT NULL CHECK (seq >= 1),"
    "  ts INTEGER NOT NULL,"
    "  text TEXT NOT NULL CHECK (length(CAST(text AS BLOB)) <= 65536),"
    "  state INTEGER NOT NULL CHECK (state BETWEEN 0 AND 6),"
    "  shown INTEGER NOT NULL DEFAULT 1,"
    "  UNIQUE (peer, dir, seq)"
    ");"
    "INSERT INTO messages_v4 (n, id, peer, dir, seq, ts, text, state, shown)"
    "  SELECT n, id, peer, dir, seq, ts, text, state, shown FROM messages;"
    "DROP TABLE messages;"
    "ALTER TABLE messages_v4 RENAME TO messages;"
    "CREATE INDEX messages_by_peer_ts ON messages (peer, ts);",
    /* 5: each peer's 32-byte key is stored once, in `keys`; messages and seqs
     * name the peer by that row's small integer (their peer column holds
     * keys.n), which shrinks every message row and its (peer, dir, seq) index
     * entry. The (peer, ts) index goes: it cost each message a b-tree insert,
     * and the history reads each direction from (peer, dir, seq) instead. The
     * shown column, unread since 3, goes with the rebuild. Keys are never
     * deleted, so a keys.n is never reused for another key. */
    "CREATE TABLE keys ("
    "  n INTEGER PRIMARY KEY,"
    "  key BLOB NOT NULL UNIQUE CHECK (length(key) = 32)"
    ");"
    "INSERT INTO keys (key) SELECT peer FROM messages UNION SELECT peer FROM seqs;"
    "CREATE TABLE messages_v5 ("
    "  n INTEGER PRIMARY KEY,"
    "  id BLOB NOT NULL UNIQUE CHECK (length(id) = 16),"
    "  peer INTEGER NOT NULL,"
    "  dir INTEGER NOT NULL CHECK (dir IN (0, 1)),"
    "  seq INTEGER NOT NULL CHECK (seq >= 1),"
    "  ts INTEGER NOT NULL,"
    "  text TEXT NOT NULL CHECK (length(CAST(text AS BLOB)) <= 65536),"
    "  state INTEGER NOT NULL CHECK (state BETWEEN 0 AND 6),"
    "  UNIQUE (peer, dir, seq)"
    ");"
    "INSERT INTO messages_v5 (n, id, peer, dir, seq, ts, text, state)"
    "  SELECT m.n, m.id, k.n, m.dir, m.seq, m.ts, m.text, m.state"
    "  FROM messages m JOIN keys k ON k.key = m.peer;"
    "DROP TABLE messages;"
    "ALTER TABLE messages_v5 RENAME TO messages;"
    "CREATE TABLE seqs_v5 ("
    "  peer INTEGER PRIMARY KEY,"
    "  last_out INTEGER NOT NULL DEFAULT 0 CHECK (last_out >= 0),"
    "  last_in INTEGER NOT NULL DEFAULT 0 CHECK (last_in >= 0)"
    ");"
    "INSERT INTO seqs_v5 (peer, last_out, last_in)"
    "  SELECT k.n, s.last_out, s.last_in FROM seqs s JOIN keys k ON k.key = s.peer;"
    "DROP TABLE seqs;"
    "ALTER TABLE seqs_v5 RENAME TO seqs;",
    /* 6: each peer's last_out as it was when this home's node last started, kept until that
     * peer's first ACK after the start (store_boot_out_mark): a node sends a message before
     * the commit that stores it is on disk, so after a power loss the peer may hold a seq
     * the node has forgotten and is about to give to another message. */
    "CREATE TABLE boot_out ("
    "  peer INTEGER PRIMARY KEY,"
    "  last_out INTEGER NOT NULL CHECK (last_out >= 0)"
    ");",
};

#define STORE_VERSION ((int)(sizeof store_migrations / sizeof store_migrations[0]))

enum store_stmt {
	STMT_BEGIN,
	STMT_COMMIT,
	STMT_ROLLBACK,
	STMT_META_GET,
	STMT_META_SET,
	STMT_PEER_UPSERT,
	STMT_PEER_GET,
	STMT_PEER_LIST,
	STMT_PEER_SET_VERIFIED,
	STMT_PEER_SET_ALIAS,
	STMT_SEQ_NEXT_OUT,
	STMT_SEQ_GET_IN,
	STMT_SEQ_SET_IN,
	STMT_MSG_INSERT,
	STMT_MSG_GET,
	STMT_HISTORY,
	STMT_OUTBOX_INSERT,
	STMT_OUTBOX_DELIVER,
	STMT_OUTBOX_DELETE,
	STMT_OUTBOX_LIST,
	STMT_OUTBOX_ATTEMPT,
	STMT_SEQ_GET_OUT,
	STMT_SEQ_SET_OUT,
	STMT_MSG_SET_SEQ,
	STMT_OUTBOX_REQUEUE_STATE,
	STMT_OUTBOX_REQUEUE,
	STMT_OUTBOX_RANGE,
	STMT_UNSHOWN,
	STMT_MARK_SHOWN,
	STMT_READ_LIST,
	STMT_READ_MARK,
	STMT_OUTBOX_COUNT,
	STMT_READ_MAX_IN,
	STMT_OUTBOX_ATTEMPT_RANGE,
	STMT_MSG_INSERT_RX,
	STMT_UNSHOWN_ADD,
	STMT_OUTBOX_RANGE_IDS,
	STMT_OUTBOX_END,
	STMT_OUTBOX_EXPIRE_LIST,
	STMT_OUTBOX_EXPIRE,
	STMT_KEY_GET,
	STMT_KEY_ADD,
	STMT_BOOT_OUT_GET,
	STMT_BOOT_OUT_CLEAR,
	STMT_COUNT
};

/* An outgoing message is stored "queued" and its state is read through its
 * outbox row: "sent" once tried, "delivered" once the row is gone. An
 * attempt then writes only the small outbox row, and an acknowledgement
 * only deletes it, never rewriting the message. (Rows written before this
 * rule, and messages requeued after a restore, store "sent"/"delivered"
 * themselves, which read back as stored.) */
_Static_assert(STORE_QUEUED == 0 && STORE_SENT == 1 && STORE_DELIVERED == 2,
	       "the SQL spells these out");

/* Columns read by store_read_peer and store_read_msg, in their order. The
 * peer's key comes from `keys` (k) where a statement spans peers; where it
 * reads one peer's messages, the caller knows the key and column 1 is not
 * read (store_collect_msgs). The peer bound as ?1 is a keys.n (store_pid). */
#define PEER_COLS "key, nick, host, port, first_seen, last_seen, verified, coalesce(alias, '')"
#define MSG_COLS_OF(peer)                                                                          \
	"m.id AS id, " peer " AS peer, m.dir AS dir, m.seq AS seq, m.ts AS ts, m.text AS text,"    \
	" CASE WHEN m.state = 0 THEN CASE WHEN o.msg IS NULL THEN 2 WHEN o.attempts > 0 THEN 1"    \
	" ELSE 0 END ELSE m.state END AS state,"                                                   \
	" coalesce(o.attempts, 0) AS attempts,"                                                    \
	" coalesce(o.last_attempt, 0) AS last_attempt"
#define MSG_COLS	  MSG_COLS_OF("k.key")
#define MSG_COLS_ONE_PEER MSG_COLS_OF("m.peer")

static const char *const store_sql[STMT_COUNT] = {
    [STMT_BEGIN] = "BEGIN IMMEDIATE",
    [STMT_COMMIT] = "COMMIT",
    [STMT_ROLLBACK] = "ROLLBACK",
    [STMT_META_GET] = "SELECT value FROM meta WHERE key = ?1",
    [STMT_META_SET] = "INSERT INTO meta (key, value) VALUES (?1, ?2)"
		      " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    [STMT_PEER_UPSERT] = "INSERT INTO peers (key, nick, host, port, first_seen, last_seen)"
			 " VALUES (?1, ?2, ?3, ?4, ?5, ?5)"
			 " ON CONFLICT (key) DO UPDATE SET nick = excluded.nick,"
			 " host = excluded.host, port = excluded.port,"
			 " last_seen = excluded.last_seen",
    [STMT_PEER_GET] = "SELECT " PEER_COLS " FROM peers WHERE key = ?1",
    [STMT_PEER_LIST] = "SELECT " PEER_COLS " FROM peers ORDER BY nick, key",
    [STMT_PEER_SET_VERIFIED] = "UPDATE peers SET verified = ?2 WHERE key = ?1",
    [STMT_PEER_SET_ALIAS] = "UPDATE peers SET alias = nullif(?2, '') WHERE key = ?1",
    [STMT_SEQ_NEXT_OUT] = "INSERT INTO seqs (peer, last_out) VALUES (?1, 1)"
			  " ON CONFLICT (peer) DO UPDATE SET last_out = last_out + 1"
			  " RETURNING last_out",
    [STMT_SEQ_GET_IN] = "SELECT last_in FROM seqs WHERE peer = ?1",
    [STMT_SEQ_SET_IN] = "INSERT INTO seqs (peer, last_in) VALUES (?1, ?2)"
			" ON CONFLICT (peer) DO UPDATE SET last_in = excluded.last_in",
    [STMT_MSG_INSERT] = "INSERT INTO messages (id, peer, dir, seq, ts, text, state)"
			" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    /* A received id already stored (sent again under another seq) is a duplicate. */
    [STMT_MSG_INSERT_RX] = "INSERT INTO messages (id, peer, dir, seq, ts, text, state)"
			   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (id) DO NOTHING",
    [STMT_UNSHOWN_ADD] = "INSERT INTO unshown (msg) VALUES (?1)",
    /* A withdrawn message stays in the outbox (a tombstone) until acknowledged. */
    [STMT_OUTBOX_END] = "UPDATE messages SET state = ?2 WHERE id = ?1 AND dir = ?3 AND state < ?4"
			" AND n IN (SELECT msg FROM outbox)"
			" RETURNING id, (SELECT key FROM keys WHERE keys.n = messages.peer), dir,"
			" seq, ts, '', state, 0, 0",
    [STMT_OUTBOX_EXPIRE_LIST] =
	"SELECT m.id, m.peer, m.dir, m.seq, m.ts, '', ?5, 0, 0"
	" FROM messages m WHERE m.peer = ?1 AND m.dir = ?4 AND m.seq > ?2"
	" AND m.ts < ?3 AND m.state < ?5 AND m.n IN (SELECT msg FROM outbox)"
	" ORDER BY m.seq",
    [STMT_OUTBOX_EXPIRE] = "UPDATE messages SET state = ?5 WHERE peer = ?1 AND dir = ?4"
			   " AND seq > ?2 AND ts < ?3 AND state < ?5"
			   " AND n IN (SELECT msg FROM outbox)",
    /* MSG_COLS' order, without the text (and "queued" for "sent"). */
    [STMT_OUTBOX_RANGE_IDS] =
	"SELECT m.id, m.peer, m.dir, m.seq, m.ts, '', m.state, 0, 0 FROM messages m"
	" WHERE m.peer = ?1 AND m.dir = ?4 AND m.seq > ?2 AND m.seq <= ?3"
	" AND m.n IN (SELECT msg FROM outbox) ORDER BY m.seq",
    [STMT_MSG_GET] = "SELECT " MSG_COLS " FROM messages m JOIN keys k ON k.n = m.peer"
		     " LEFT JOIN outbox o ON o.msg = m.n WHERE m.id = ?1",
    /* The newest ?2 (-1: all), put back oldest first. Why per direction: there is no (peer, ts)
     * index (an index more costs every message stored), but seq order is
     * time order within a direction, so the newest ?2 of each direction come
     * from the (peer, dir, seq) index without reading the rest, and the
     * newest ?2 of those by time are the answer. */
    [STMT_HISTORY] = "SELECT " MSG_COLS_ONE_PEER
		     " FROM (SELECT n, ts FROM (SELECT n, ts FROM messages WHERE peer = ?1"
		     "  AND dir = 0 ORDER BY seq DESC LIMIT ?2)"
		     " UNION ALL SELECT n, ts FROM (SELECT n, ts FROM messages WHERE peer = ?1"
		     "  AND dir = 1 ORDER BY seq DESC LIMIT ?2)"
		     " ORDER BY ts DESC, n DESC LIMIT ?2) AS h CROSS JOIN messages m ON m.n = h.n"
		     " LEFT JOIN outbox o ON o.msg = m.n ORDER BY m.ts, m.n",
    [STMT_OUTBOX_INSERT] = "INSERT INTO outbox (msg) VALUES (?1)",
    /* Only messages that store "sent" (requeued) need their state written;
     * "queued" ones read back "delivered" once out of the outbox, and an
     * acknowledged tombstone keeps its state: the recipient skipped it. */
    [STMT_OUTBOX_DELIVER] = "UPDATE messages SET state = ?3 WHERE peer = ?1 AND dir = ?4"
			    " AND seq > ?5 AND seq <= ?2 AND state = 1",
    [STMT_OUTBOX_DELETE] = "DELETE FROM outbox WHERE msg IN (SELECT n FROM messages"
			   " WHERE peer = ?1 AND dir = ?3 AND seq > ?4 AND seq <= ?2)",
    /* CROSS JOIN: drive from the (small) outbox; a plain JOIN lets SQLite walk
     * every message ever stored to get the ORDER BY for free. */
    [STMT_OUTBOX_LIST] = "SELECT " MSG_COLS " FROM outbox o CROSS JOIN messages m ON m.n = o.msg"
			 " JOIN keys k ON k.n = m.peer WHERE ?1 IS NULL OR m.peer = ?1"
			 " ORDER BY k.key, m.seq",
    [STMT_OUTBOX_ATTEMPT] = "UPDATE outbox SET attempts = min(attempts + 1, 4294967295),"
			    " last_attempt = ?2"
			    " WHERE msg = (SELECT n FROM messages WHERE id = ?1)",
    [STMT_SEQ_GET_OUT] = "SELECT last_out FROM seqs WHERE peer = ?1",
    [STMT_SEQ_SET_OUT] = "INSERT INTO seqs (peer, last_out) VALUES (?1, ?2)"
			 " ON CONFLICT (peer) DO UPDATE SET last_out = excluded.last_out",
    [STMT_MSG_SET_SEQ] = "UPDATE messages SET seq = ?2 WHERE id = ?1",
    /* Sent messages the peer no longer has go back to "sent" and into the outbox. */
    [STMT_OUTBOX_REQUEUE_STATE] = "UPDATE messages SET state = ?4 WHERE peer = ?1 AND dir = ?5"
				  " AND seq BETWEEN ?2 AND ?3 AND state < 5"
				  " AND n NOT IN (SELECT msg FROM outbox)",
    [STMT_UNSHOWN] = "SELECT " MSG_COLS " FROM messages m JOIN keys k ON k.n = m.peer"
		     " LEFT JOIN outbox o ON o.msg = m.n"
		     " WHERE m.n IN (SELECT msg FROM unshown) ORDER BY m.n LIMIT ?1",
    [STMT_MARK_SHOWN] = "DELETE FROM unshown WHERE msg = (SELECT n FROM messages WHERE id = ?1)",
    /* Messages to become "read": ?3 is the direction, ?4 the states that may. */
    [STMT_READ_LIST] =
	"SELECT " MSG_COLS_ONE_PEER " FROM messages m LEFT JOIN outbox o ON o.msg = m.n"
	" WHERE m.peer = ?1 AND m.dir = ?3 AND m.seq <= ?2 AND (m.state = ?4"
	" OR (?4 = 2 AND m.state = 0 AND o.msg IS NULL)) ORDER BY m.seq",
    [STMT_READ_MARK] = "UPDATE messages SET state = ?5 WHERE peer = ?1 AND dir = ?3"
		       " AND seq <= ?2 AND (state = ?4 OR (?4 = 2 AND state = 0"
		       " AND n NOT IN (SELECT msg FROM outbox)))",
    [STMT_OUTBOX_COUNT] = "SELECT count(*) FROM outbox",
    [STMT_READ_MAX_IN] = "SELECT max(seq) FROM messages WHERE peer = ?1 AND dir = ?2"
			 " AND state = ?3",
    [STMT_OUTBOX_RANGE] =
	"SELECT " MSG_COLS_ONE_PEER " FROM messages m JOIN outbox o ON o.msg = m.n"
	" WHERE m.peer = ?1 AND m.dir = ?5 AND m.seq > ?2 AND m.seq <= ?3"
	" ORDER BY m.seq LIMIT ?4",
    [STMT_OUTBOX_ATTEMPT_RANGE] = "UPDATE outbox SET attempts = min(attempts + 1, 4294967295),"
				  " last_attempt = ?4 WHERE msg IN (SELECT n FROM messages"
				  " WHERE peer = ?1 AND dir = ?5 AND seq BETWEEN ?2 AND ?3)",
    [STMT_OUTBOX_REQUEUE] = "INSERT INTO outbox (msg) SELECT n FROM messages"
			    " WHERE peer = ?1 AND dir = ?4 AND seq BETWEEN ?2 AND ?3"
			    " AND n NOT IN (SELECT msg FROM outbox)",
    [STMT_KEY_GET] = "SELECT n FROM keys WHERE key = ?1",
    [STMT_KEY_ADD] = "INSERT INTO keys (key) VALUES (?1)",
    [STMT_BOOT_OUT_GET] = "SELECT last_out FROM boot_out WHERE peer = ?1",
    [STMT_BOOT_OUT_CLEAR] = "DELETE FROM boot_out WHERE peer = ?1",
};

/* Inside a batch the seq counters of the peers it touches live here and are
 * written to `seqs` once, just before the batch commits: a stream of
 * messages then costs one counter write per batch instead of one upsert per
 * message. Outside a batch the table is read and written directly. */
#define STORE_SEQC_MAX 16

struct store_seqc {
	uint8_t peer[STORE_KEY];
	int64_t last_out, last_in;
	unsigned char out_ok, in_ok, out_dirty, in_dirty;
};

/* Peer keys and their keys.n, so that a message costs no lookup of its
 * peer's key: direct-mapped by the key's first byte (keys are public keys,
 * evenly spread), a miss costs one indexed read. A row this connection added
 * in a transaction still open is "fresh" until it commits: a rollback takes
 * the row, and its n could then go to another key. */
#define STORE_KEYC_SIZE 64

struct store_keyc {
	uint8_t key[STORE_KEY];
	int64_t n; /* 0: an empty slot */
	unsigned char fresh;
};

struct store {
	sqlite3 *db;
	sqlite3_stmt *stmt[STMT_COUNT];
	struct store_keyc keyc[STORE_KEYC_SIZE];
	int in_batch;
	int light; /* the open batch runs with synchronous = NORMAL */
	int tx_changes;	  /* sqlite3_total_changes when the writer in a batch began */
	size_t wal_pages; /* in the log after the last commit */
	size_t n_seqc;
	struct store_seqc seqc[STORE_SEQC_MAX];
	char err[256];
};

/* Keep SQLite's message for store_errmsg before a rollback overwrites it. */
static int store_fail(struct store *st)
{
	snprintf(st->err, sizeof st->err, "%s", sqlite3_errmsg(st->db));
	return NERR_STORE;
}

/* Ready s for its next use and unbind it, so that no borrowed pointer outlives the call. */
static void store_reset(sqlite3_stmt *s)
{
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

/* Step once: 1 with a row to read (until reset), 0 at the end, or NERR_STORE. */
static int store_step(struct store *st, sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return store_fail(st);
}

/* Step to the end, skipping rows, then reset. 0 or NERR_STORE. */
static int store_run(struct store *st, sqlite3_stmt *s)
{
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		;
	int r = rc == SQLITE_DONE ? 0 : store_fail(st);
	store_reset(s);
	return r;
}

/* Run a statement that undoes work, after a failure that already has its error and message. */
static void store_undo(struct store *st, enum store_stmt which)
{
	(void)sqlite3_step(st->stmt[which]);
	store_reset(st->stmt[which]);
}

static int store_bind_blob(struct store *st, sqlite3_stmt *s, int i, const void *p, size_t n)
{
	/* A NULL p binds SQL NULL. Every caller's n is a small constant. */
	if (sqlite3_bind_blob(s, i, p, (int)n, SQLITE_STATIC) != SQLITE_OK)
		return store_fail(st);
	return 0;
}

static int store_bind_text(struct store *st, sqlite3_stmt *s, int i, const char *p, size_t n)
{
	if (n > INT_MAX)
		return NERR_TOOLONG;
	if (!p && n > 0)
		return NERR_INTERNAL;
	if (sqlite3_bind_text(s, i, p ? p : "", (int)n, SQLITE_STATIC) != SQLITE_OK)
		return store_fail(st);
	return 0;
}

/* A seq bound as SQLite's signed integer; past INT64_MAX (never stored) it saturates. */
static int64_t store_seq_arg(uint64_t v)
{
	return v > INT64_MAX ? INT64_MAX : (int64_t)v;
}

static int store_bind_i64(struct store *st, sqlite3_stmt *s, int i, int64_t v)
{
	if (sqlite3_bind_int64(s, i, v) != SQLITE_OK)
		return store_fail(st);
	return 0;
}

/* Point *p at column col's text (valid until the next step or reset) and *n at its length. */
static int store_column_text(struct store *st, sqlite3_stmt *s, int col, const char **p, size_t *n)
{
	const unsigned char *t = sqlite3_column_text(s, col);
	if (!t) {
		if (sqlite3_column_type(s, col) != SQLITE_NULL)
			return NERR_NOMEM;
		t = (const unsigned char *)"";
	}
	int len = sqlite3_column_bytes(s, col);
	if (len < 0) {
		snprintf(st->err, sizeof st->err, "negative length in column %d", col);
		return NERR_STORE;
	}
	*p = (const char *)t;
	*n = (size_t)len;
	return 0;
}

/* Copy column col's text NUL-terminated into dst[cap]; a longer one means a corrupt file. */
static int store_column_str(struct store *st, sqlite3_stmt *s, int col, char *dst, size_t cap)
{
	const char *p;
	size_t n;
	int r = store_column_text(st, s, col, &p, &n);
	if (r != 0)
		return r;
	if (n >= cap) {
		snprintf(st->err, sizeof st->err, "column %d holds %zu bytes, over %zu", col, n,
			 cap - 1);
		return NERR_STORE;
	}
	memcpy(dst, p, n);
	dst[n] = '\0';
	return 0;
}

/* Copy column col's blob, which must be exactly n bytes, into dst. */
static int store_column_key(struct store *st, sqlite3_stmt *s, int col, uint8_t *dst, size_t n)
{
	const void *p = sqlite3_column_blob(s, col);
	if (!p || (size_t)sqlite3_column_bytes(s, col) != n) {
		snprintf(st->err, sizeof st->err, "column %d is not a %zu-byte blob", col, n);
		return NERR_STORE;
	}
	memcpy(dst, p, n);
	return 0;
}

/* Inside a batch: 1 (with the error message set) when an earlier error made SQLite roll the
 * batch back, so that nothing written now joins it. */
static int store_batch_lost(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		return 0;
	snprintf(st->err, sizeof st->err, "the batch was rolled back by an earlier error");
	return 1;
}

/* The keys added since the last commit: forgotten after a rollback (which took or may have
 * taken their rows), kept once committed. */
static void store_keyc_end(struct store *st, int committed)
{
	for (size_t i = 0; i < STORE_KEYC_SIZE; i++) {
		struct store_keyc *c = &st->keyc[i];
		if (c->fresh && !committed)
			memset(c, 0, sizeof *c);
		c->fresh = 0;
	}
}

/* Put key's keys.n in *pid: 0 (which no row has) when key has none and add is 0; with add, a
 * row is added, inside the caller's transaction when one is open. */
static int store_pid(struct store *st, const uint8_t *key, int add, int64_t *pid)
{
	struct store_keyc *c = &st->keyc[key[0] % STORE_KEYC_SIZE];
	sqlite3_stmt *s = st->stmt[STMT_KEY_GET];
	int64_t n = 0;
	int r;
	if (c->n != 0 && memcmp(c->key, key, STORE_KEY) == 0) {
		*pid = c->n;
		return 0;
	}
	if ((r = store_bind_blob(st, s, 1, key, STORE_KEY)) == 0 && (r = store_step(st, s)) == 1)
		n = sqlite3_column_int64(s, 0);
	store_reset(s);
	if (r < 0)
		return r;
	if (n == 0 && add) {
		/* An error rolled the batch back: a row added now would commit alone. */
		if (st->in_batch && store_batch_lost(st))
			return NERR_STORE;
		s = st->stmt[STMT_KEY_ADD];
		if ((r = store_bind_blob(st, s, 1, key, STORE_KEY)) == 0)
			r = store_run(st, s);
		store_reset(s);
		if (r != 0)
			return r;
		n = sqlite3_last_insert_rowid(st->db);
	}
	if (n != 0) {
		/* Inside a transaction the row may be one it added: fresh until it commits. */
		memcpy(c->key, key, STORE_KEY);
		c->n = n;
		c->fresh = !sqlite3_get_autocommit(st->db);
	}
	*pid = n;
	return 0;
}

/* Bind parameter i of s to key's keys.n, adding the row when add is set. */
static int store_bind_peer(struct store *st, sqlite3_stmt *s, int i, const uint8_t *key, int add)
{
	int64_t pid;
	int r = store_pid(st, key, add, &pid);
	return r ? r : store_bind_i64(st, s, i, pid);
}

static int store_seq_write(struct store *st, enum store_stmt which, const uint8_t *peer,
			   int64_t v)
{
	sqlite3_stmt *s = st->stmt[which];
	int r;
	if ((r = store_bind_peer(st, s, 1, peer, 1)) == 0 && (r = store_bind_i64(st, s, 2, v)) == 0)
		r = store_run(st, s);
	store_reset(s);
	return r;
}

/* Write the batch's changed counters to `seqs` and forget them all. */
static int store_seq_flush(struct store *st)
{
	int r = 0;
	for (size_t i = 0; i < st->n_seqc && r == 0; i++) {
		const struct store_seqc *c = &st->seqc[i];
		if (c->out_dirty)
			r = store_seq_write(st, STMT_SEQ_SET_OUT, c->peer, c->last_out);
		if (r == 0 && c->in_dirty)
			r = store_seq_write(st, STMT_SEQ_SET_IN, c->peer, c->last_in);
	}
	st->n_seqc = 0;
	return r;
}

/* The batch's counters for peer, added (unloaded) when missing; NULL when a
 * full cache could not be written out. */
static struct store_seqc *store_seqc_get(struct store *st, const uint8_t *peer)
{
	for (size_t i = 0; i < st->n_seqc; i++)
		if (memcmp(st->seqc[i].peer, peer, STORE_KEY) == 0)
			return &st->seqc[i];
	if (st->n_seqc == STORE_SEQC_MAX && store_seq_flush(st) != 0)
		return NULL;
	struct store_seqc *c = &st->seqc[st->n_seqc++];
	memset(c, 0, sizeof *c);
	memcpy(c->peer, peer, STORE_KEY);
	return c;
}

static int store_get_last_in_db(struct store *st, const uint8_t *peer, uint64_t *seq);
static int store_get_last_out_db(struct store *st, const uint8_t *peer, uint64_t *seq);

/* Inside a batch: last_in of peer, whose counters are loaded, is now seq. */
static void store_seqc_set_in(struct store *st, const uint8_t *peer, uint64_t seq)
{
	struct store_seqc *c = store_seqc_get(st, peer); /* found: no flush, never NULL */
	c->last_in = (int64_t)seq;
	c->in_dirty = 1;
}

/* store_seqc_get, with both counters read from the table if not yet. */
static int store_seqc_load(struct store *st, const uint8_t *peer, struct store_seqc **out)
{
	struct store_seqc *c = store_seqc_get(st, peer);
	uint64_t v;
	int r;
	if (!c)
		return NERR_STORE;
	if (!c->out_ok) {
		if ((r = store_get_last_out_db(st, peer, &v)) != 0)
			return r;
		c->last_out = (int64_t)v;
		c->out_ok = 1;
	}
	if (!c->in_ok) {
		if ((r = store_get_last_in_db(st, peer, &v)) != 0)
			return r;
		c->last_in = (int64_t)v;
		c->in_ok = 1;
	}
	*out = c;
	return 0;
}

/* Writers of more than one statement run between store_tx_begin and store_tx_end. Inside a
 * batch nothing is opened: a savepoint per writer made SQLite copy every page the writer
 * touched into a statement journal, 10-20 % of a node's CPU in a stream. A failed statement
 * undoes itself (SQLite makes each atomic), so a writer that fails before any row changed
 * leaves the batch as it was; one that fails after a row changed rolls the whole batch back,
 * and its commit then fails (docs/delivery.md: nothing in it is acknowledged). Alone it is
 * BEGIN IMMEDIATE, not a savepoint's deferred BEGIN: a deferred transaction that reads (the
 * seq counters) before it writes can get SQLITE_BUSY, past the busy timeout, when another
 * connection wrote in between. A single statement needs neither; SQLite makes it atomic. */
static void store_light_end(struct store *st);

static int store_tx_begin(struct store *st)
{
	if (!st->in_batch) {
		store_light_end(st);
		return st->light ? NERR_STORE : store_run(st, st->stmt[STMT_BEGIN]);
	}
	if (store_batch_lost(st))
		return NERR_STORE;
	st->tx_changes = sqlite3_total_changes(st->db);
	return 0;
}

/* Keep what store_tx_begin started when r is 0 (durably, outside a batch), else undo it.
 * Returns r, or NERR_STORE when keeping it failed. */
static int store_tx_end(struct store *st, int r)
{
	if (st->in_batch) {
		/* Half a writer cannot stay: the batch goes (after some errors, I/O or
		 * disk full, SQLite has rolled it back already). */
		if (r != 0 && sqlite3_total_changes(st->db) != st->tx_changes &&
		    !sqlite3_get_autocommit(st->db))
			store_undo(st, STMT_ROLLBACK);
		/* A batch rolled back, here or by SQLite, took the key rows it added. */
		if (r != 0 && sqlite3_get_autocommit(st->db))
			store_keyc_end(st, 0);
		return r;
	}
	if (r == 0) {
		r = store_run(st, st->stmt[STMT_COMMIT]);
		if (r == 0) {
			store_keyc_end(st, 1);
			return 0;
		}
	}
	store_keyc_end(st, 0);
	if (!sqlite3_get_autocommit(st->db))
		store_undo(st, STMT_ROLLBACK);
	return r;
}

/* First in a writer that stores a message: the peer's keys row, added if new. Inside a batch
 * it is not the writer's change: a writer that then fails at once (a duplicate id) keeps the
 * batch, and the row stays, unused, which harms nothing. */
static int store_tx_peer(struct store *st, const uint8_t *peer)
{
	int64_t pid;
	int r = store_pid(st, peer, 1, &pid);
	if (r == 0 && st->in_batch)
		st->tx_changes = sqlite3_total_changes(st->db);
	return r;
}

/* Create path with mode 0600 if it is missing, and make an existing file 0600, before SQLite
 * opens it: SQLite gives the -wal and -shm files the database file's mode. */
static int store_create_private(const char *path)
{
	int r = NERR_SYSTEM;
	int saved;
	struct stat sb;
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return NERR_SYSTEM;
	if (fstat(fd, &sb) != 0)
		goto out;
	if ((sb.st_mode & 07777) != 0600 && fchmod(fd, 0600) != 0)
		goto out;
	r = 0;
out:
	saved = errno;
	close(fd);
	errno = saved;
	return r;
}

static int store_exec(struct store *st, const char *sql)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(st);
	return 0;
}

static int store_user_version(struct store *st, int *version)
{
	sqlite3_stmt *s = NULL;
	int r = NERR_INTERNAL;
	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK) {
		r = store_fail(st);
		goto out;
	}
	if ((r = store_step(st, s)) != 1) {
		r = r == 0 ? NERR_STORE : r;
		goto out;
	}
	*version = sqlite3_column_int(s, 0);
	r = 0;
out:
	sqlite3_finalize(s);
	return r;
}

/* Bring the schema to STORE_VERSION in one transaction, under the write lock so that two
 * processes opening a new home do not both migrate it. */
static int store_migrate(struct store *st)
{
	int r = NERR_INTERNAL;
	int v = 0;
	char sql[48];
	if ((r = store_exec(st, "BEGIN IMMEDIATE")) != 0)
		return r;
	if ((r = store_user_version(st, &v)) != 0)
		goto out;
	if (v < 0 || v > STORE_VERSION) {
		snprintf(st->err, sizeof st->err, "schema version %d; this natter knows up to %d",
			 v, STORE_VERSION);
		r = NERR_VERSION;
		goto out;
	}
	if (v < STORE_VERSION) {
		for (; v < STORE_VERSION; v++)
			if ((r = store_exec(st, store_migrations[v])) != 0)
				goto out;
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v);
		if ((r = store_exec(st, sql)) != 0)
			goto out;
	}
	if ((r = store_exec(st, "COMMIT")) != 0)
		goto out;
	r = 0;
out:
	if (r != 0 && !sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return r;
}

static int store_prepare(struct store *st)
{
	for (int i = 0; i < STMT_COUNT; i++)
		if (sqlite3_prepare_v3(st->db, store_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
				       &st->stmt[i], NULL) != SQLITE_OK)
			return store_fail(st);
	return 0;
}

/* SQLite calls this after each commit; registering it also turns off the
 * automatic checkpoint. */
static int store_on_wal(void *ctx, sqlite3 *db, const char *name, int pages)
{
	(void)db;
	(void)name;
	((struct store *)ctx)->wal_pages = pages > 0 ? (size_t)pages : 0;
	return SQLITE_OK;
}

size_t store_wal_pages(const struct store *st)
{
	return st->wal_pages;
}

int store_checkpoint(struct store *st)
{
	int log = 0, done = 0;
	if (st->in_batch)
		return NERR_INTERNAL;
	if (sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done) !=
	    SQLITE_OK)
		return store_fail(st);
	/* Fully copied: the next writer starts the log from its beginning. */
	st->wal_pages = log > done ? (size_t)(log - done) : 0;
	return 0;
}

/* Switching a new file to WAL needs it alone, and SQLite does not wait (with the busy
 * handler) for another process that has it, such as a second natter making the same new home
 * at the same moment (`natter --id` beside a starting node): "database is locked" at once.
 * So wait here, as long as the busy timeout. */
static int store_use_wal(struct store *st)
{
	for (int waited_ms = 0;; waited_ms += 2) {
		sqlite3_stmt *s = NULL;
		int rc = sqlite3_prepare_v2(st->db, "PRAGMA journal_mode = WAL", -1, &s, NULL);
		if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
			const char *mode = (const char *)sqlite3_column_text(s, 0);
			int wal = mode && strcmp(mode, "wal") == 0;
			sqlite3_finalize(s);
			if (wal)
				return 0;
			snprintf(st->err, sizeof st->err, "the store cannot use a write-ahead log");
			return NERR_STORE;
		}
		if ((rc & 0xff) != SQLITE_BUSY || waited_ms >= STORE_BUSY_MS) {
			int r = store_fail(st);
			sqlite3_finalize(s);
			return r;
		}
		sqlite3_finalize(s);
		struct timespec ts = {0, 2 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
}

int store_open(struct store **out, const char *path)
{
	return store_open_why(out, path, NULL, 0);
}

int store_open_why(struct store **out, const char *path, char *why, size_t cap)
{
	int r = NERR_INTERNAL;
	struct store *st = NULL;
	if ((r = store_create_private(path)) != 0)
		goto out;
	if (!(st = calloc(1, sizeof *st))) {
		r = NERR_NOMEM;
		goto out;
	}
	/* One thread uses a store: no mutex per connection, and no memory
	 * statistics, which take a global mutex on every allocation (together
	 * 2.5 % of a node's CPU in a stream). The config call only works before
	 * SQLite's first use and is harmless after it. */
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		r = st->db ? store_fail(st) : NERR_NOMEM;
		goto out;
	}
	sqlite3_busy_timeout(st->db, STORE_BUSY_MS);
	if ((r = store_use_wal(st)) != 0)
		goto out;
	/* FULL, not WAL's usual NORMAL: we acknowledge a message once committed, so a commit
	 * must survive power loss, and NORMAL can lose the last ones. */
	if ((r = store_exec(st, "PRAGMA synchronous = FULL")) != 0)
		goto out;
	/* The log outlives the last connection, at the size it reached: a node's commits then
	 * rewrite blocks the file has, and on ext4 a sync of those costs half of one that
	 * grows the file (docs/performance.md). */
	int persist = 1;
	(void)sqlite3_file_control(st->db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
	sqlite3_wal_hook(st->db, store_on_wal, st);
	/* Before foreign keys are on: a migration that rebuilds a table must not
	 * cascade into the tables that point at it. */
	if ((r = store_migrate(st)) != 0)
		goto out;
	if ((r = store_exec(st, "PRAGMA foreign_keys = ON")) != 0)
		goto out;
	if ((r = store_prepare(st)) != 0)
		goto out;
	*out = st;
	st = NULL;
	r = 0;
out:
	if (r != 0 && why)
		snprintf(why, cap, "%s",
			 st && st->err[0]   ? st->err
			 : r == NERR_SYSTEM ? strerror(errno)
					    : nerr_str(r));
	store_close(st);
	return r;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	for (int i = 0; i < STMT_COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	sqlite3_close_v2(st->db);
	free(st);
}

const char *store_errmsg(const struct store *st)
{
	return st->err;
}

const char *store_state_name(int state)
{
	switch (state) {
	case STORE_QUEUED: return "queued";
	case STORE_SENT: return "sent";
	case STORE_DELIVERED: return "delivered";
	case STORE_RECEIVED: return "received";
	case STORE_READ: return "read";
	case STORE_EXPIRED: return "expired";
	case STORE_CANCELLED: return "cancelled";
	}
	return "unknown";
}

static int store_begin(struct store *st)
{
	if (st->in_batch)
		return NERR_INTERNAL;
	int r = store_run(st, st->stmt[STMT_BEGIN]);
	if (r == 0)
		st->in_batch = 1;
	return r;
}

/* SQLite takes the safety level only outside a transaction; it then holds
 * for every commit until changed back. */
static void store_light_end(struct store *st)
{
	if (st->light && store_exec(st, "PRAGMA synchronous = FULL") == 0)
		st->light = 0;
}

int store_batch_begin(struct store *st)
{
	if (st->in_batch)
		return NERR_INTERNAL;
	store_light_end(st); /* a failed switch back: try again, never commit lightly */
	if (st->light)
		return NERR_STORE;
	return store_begin(st);
}

int store_batch_begin_light(struct store *st)
{
	if (st->in_batch)
		return NERR_INTERNAL;
	int r = store_exec(st, "PRAGMA synchronous = NORMAL");
	if (r != 0)
		return r;
	st->light = 1;
	if ((r = store_begin(st)) != 0)
		store_light_end(st);
	return r;
}

int store_batch_commit(struct store *st)
{
	if (!st->in_batch)
		return NERR_INTERNAL;
	/* After an error that rolled the whole batch back, writing the counters
	 * would commit them alone: forget them; COMMIT then reports the loss. */
	int r = 0;
	if (sqlite3_get_autocommit(st->db))
		st->n_seqc = 0;
	else
		r = store_seq_flush(st);
	st->in_batch = 0;
	if (r == 0)
		r = store_run(st, st->stmt[STMT_COMMIT]);
	if (r != 0 && !sqlite3_get_autocommit(st->db))
		store_undo(st, STMT_ROLLBACK);
	store_keyc_end(st, r == 0);
	store_light_end(st);
	return r;
}

int store_batch_rollback(struct store *st)
{
	if (!st->in_batch)
		return NERR_INTERNAL;
	st->in_batch = 0;
	st->n_seqc = 0;
	int r = sqlite3_get_autocommit(st->db) ? 0 : store_run(st, st->stmt[STMT_ROLLBACK]);
	store_keyc_end(st, 0);
	store_light_end(st);
	return r;
}

int store_meta_get(struct store *st, const char *key, char *out, size_t cap)
{
	sqlite3_stmt *s = st->stmt[STMT_META_GET];
	const char *v;
	size_t n;
	int r = NERR_INTERNAL;
	if ((r = store_bind_text(st, s, 1, key, strlen(key))) != 0)
		goto out;
	if ((r = store_step(st, s)) != 1) {
		r = r == 0 ? NERR_NOTFOUND : r;
		goto out;
	}
	if ((r = store_column_text(st, s, 0, &v, &n)) != 0)
		goto out;
	if (n >= cap) {
		r = NERR_TOOLONG;
		goto out;
	}
	memcpy(out, v, n);
	out[n] = '\0';
	r = 0;
out:
	store_reset(s);
	return r;
}

int store_meta_set(struct store *st, const char *key, const char *value)
{
	sqlite3_stmt *s = st->stmt[STMT_META_SET];
	int r = NERR_INTERNAL;
	if ((r = store_bind_text(st, s, 1, key, strlen(key))) != 0 ||
	    (r = store_bind_text(st, s, 2, value, strlen(value))) != 0)
		goto out;
	r = store_run(st, s);
out:
	store_reset(s);
	return r;
}

int store_peer_upsert(struct store *st, const struct store_peer *p)
{
	sqlite3_stmt *s = st->stmt[STMT_PEER_UPSERT];
	size_t nick_len = strnlen(p->nick, sizeof p->nick);
	size_t host_len = strnlen(p->host, sizeof p->host);
	int r = NERR_INTERNAL;
	if (nick_len == sizeof p->nick || host_len == sizeof p->host)
		return NERR_TOOLONG;
	if ((r = store_bind_blob(st, s, 1, p->key, STORE_KEY)) != 0 ||
	    (r = store_bind_text(st, s, 2, p->nick, nick_len)) != 0 ||
	    (r = store_bind_text(st, s, 3, p->host, host_len)) != 0 ||
	    (r = store_bind_i64(st, s, 4, p->port)) != 0 ||
	    (r = store_bind_i64(st, s, 5, p->last_seen_ms)) != 0)
		goto out;
	r = store_run(st, s);
out:
	store_reset(s);
	return r;
}

/* Read a PEER_COLS row into *out. */
static int store_read_peer(struct store *st, sqlite3_stmt *s, struct store_peer *out)
{
	struct store_peer p = {0};
	int64_t port = sqlite3_column_int64(s, 3);
	int r = NERR_INTERNAL;
	if ((r = store_column_key(st, s, 0, p.key, STORE_KEY)) != 0 ||
	    (r = store_column_str(st, s, 1, p.nick, sizeof p.nick)) != 0 ||
	    (r = store_column_str(st, s, 2, p.host, sizeof p.host)) != 0 ||
	    (r = store_column_str(st, s, 7, p.alias, sizeof p.alias)) != 0)
		return r;
	if (port < 0 || port > UINT16_MAX) {
		snprintf(st->err, sizeof st->err, "port %lld out of range", (long long)port);
		return NERR_STORE;
	}
	p.port = (uint16_t)port;
	p.first_seen_ms = sqlite3_column_int64(s, 4);
	p.last_seen_ms = sqlite3_column_int64(s, 5);
	p.verified = sqlite3_column_int(s, 6) != 0;
	*out = p;
	return 0;
}

int store_peer_get(struct store *st, const uint8_t key[static STORE_KEY], struct store_peer *out)
{
	sqlite3_stmt *s = st->stmt[STMT_PEER_GET];
	int r = NERR_INTERNAL;
	if ((r = store_bind_blob(st, s, 1, key, STORE_KEY)) != 0)
		goto out;
	if ((r = store_step(st, s)) != 1) {
		r = r == 0 ? NERR_NOTFOUND : r;
		goto out;
	}
	r = store_read_peer(st, s, out);
out:
	store_reset(s);
	return r;
}

int store_peer_list(struct store *st, struct store_peer **out, size_t *n)
{
	sqlite3_stmt *s = st->stmt[STMT_PEER_LIST];
	struct store_peer *arr = NULL, *grown;
	size_t len = 0, cap = 0;
	int r = NERR_INTERNAL;
	while ((r = store_step(st, s)) == 1) {
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			if (!(grown = realloc(arr, cap * sizeof *arr))) {
				r = NERR_NOMEM;
				goto out;
			}
			arr = grown;
		}
		if ((r = store_read_peer(st, s, &arr[len])) != 0)
			goto out;
		len++;
	}
	if (r != 0)
		goto out;
	*out = arr;
	*n = len;
	arr = NULL;
out:
	free(arr);
	store_reset(s);
	return r;
}

/* Run s, an UPDATE of one peer already bound; NERR_NOTFOUND when no peer has that key. */
static int store_update_peer(struct store *st, sqlite3_stmt *s)
{
	int r = store_run(st, s);
	if (r == 0 && sqlite3_changes(st->db) == 0)
		r = NERR_NOTFOUND;
	return r;
}

int store_peer_set_verified(struct store *st, const uint8_t key[static STORE_KEY], int verified)
{
	sqlite3_stmt *s = st->stmt[STMT_PEER_SET_VERIFIED];
	int r = NERR_INTERNAL;
	if ((r = store_bind_blob(st, s, 1, key, STORE_KEY)) != 0 ||
	    (r = store_bind_i64(st, s, 2, verified != 0)) != 0)
		goto out;
	r = store_update_peer(st, s);
out:
	store_reset(s);
	return r;
}

int store_peer_set_alias(struct store *st, const uint8_t key[static STORE_KEY], const char *alias)
{
	sqlite3_stmt *s = st->stmt[STMT_PEER_SET_ALIAS];
	size_t len = strlen(alias);
	int r = NERR_INTERNAL;
	if (len > STORE_NICK_MAX)
		return NERR_TOOLONG;
	if ((r = store_bind_blob(st, s, 1, key, STORE_KEY)) != 0 ||
	    (r = store_bind_text(st, s, 2, alias, len)) != 0)
		goto out;
	r = store_update_peer(st, s);
out:
	store_reset(s);
	return r;
}

/* Read a MSG_COLS row into *out, which then owns a copy of the text; with peer not NULL, every
 * row is that peer's and column 1 is not read. */
static int store_read_msg(struct store *st, sqlite3_stmt *s, const uint8_t *peer,
			  struct store_msg *out)
{
	struct store_msg m = {0};
	const char *text;
	size_t len;
	int64_t seq = sqlite3_column_int64(s, 3);
	int64_t attempts = sqlite3_column_int64(s, 7);
	int r = NERR_INTERNAL;
	if (peer)
		memcpy(m.peer, peer, STORE_KEY);
	else if ((r = store_column_key(st, s, 1, m.peer, STORE_KEY)) != 0)
		return r;
	if ((r = store_column_key(st, s, 0, m.id, STORE_ID)) != 0 ||
	    (r = store_column_text(st, s, 5, &text, &len)) != 0)
		return r;
	if (len > STORE_TEXT_MAX || seq < 1 || attempts < 0 || attempts > UINT32_MAX) {
		snprintf(st->err, sizeof st->err, "message row out of range");
		return NERR_STORE;
	}
	if (!(m.text = malloc(len + 1)))
		return NERR_NOMEM;
	memcpy(m.text, text, len);
	m.text[len] = '\0';
	m.text_len = len;
	m.dir = sqlite3_column_int(s, 2);
	m.seq = (uint64_t)seq;
	m.ts_ms = sqlite3_column_int64(s, 4);
	m.state = sqlite3_column_int(s, 6);
	m.attempts = (uint32_t)attempts;
	m.last_attempt_ms = sqlite3_column_int64(s, 8);
	*out = m;
	return 0;
}

/* Read every remaining row of s (MSG_COLS; peer as for store_read_msg) into a malloc'd array;
 * s is left for the caller to reset. */
static int store_collect_msgs(struct store *st, sqlite3_stmt *s, const uint8_t *peer,
			      struct store_msg **out, size_t *n)
{
	struct store_msg *arr = NULL, *grown;
	size_t len = 0, cap = 0;
	int r = NERR_INTERNAL;
	while ((r = store_step(st, s)) == 1) {
		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			if (!(grown = realloc(arr, ncap * sizeof *arr))) {
				r = NERR_NOMEM;
				goto out;
			}
			arr = grown;
			cap = ncap;
		}
		if ((r = store_read_msg(st, s, peer, &arr[len])) != 0)
			goto out;
		len++;
	}
	if (r != 0)
		goto out;
	*out = arr;
	*n = len;
	arr = NULL;
	len = 0;
out:
	store_msgs_free(arr, len);
	return r;
}

static int store_insert_msg(struct store *st, const uint8_t *peer, const uint8_t *id, int dir,
			    int64_t seq, int64_t ts_ms, const char *text, size_t len, int state)
{
	sqlite3_stmt *s = st->stmt[dir == STORE_DIR_IN ? STMT_MSG_INSERT_RX : STMT_MSG_INSERT];
	int r = NERR_INTERNAL;
	if ((r = store_bind_blob(st, s, 1, id, STORE_ID)) != 0 ||
	    (r = store_bind_peer(st, s, 2, peer, 1)) != 0 ||
	    (r = store_bind_i64(st, s, 3, dir)) != 0 || (r = store_bind_i64(st, s, 4, seq)) != 0 ||
	    (r = store_bind_i64(st, s, 5, ts_ms)) != 0 ||
	    (r = store_bind_text(st, s, 6, text, len)) != 0 ||
	    (r = store_bind_i64(st, s, 7, state)) != 0)
		goto out;
	r = store_run(st, s);
out:
	store_reset(s);
	return r;
}

int store_msg_queue(struct store *st, const uint8_t peer[static STORE_KEY],
		    const uint8_t id[static STORE_ID], int64_t ts_ms, const char *text, size_t len,
		    uint64_t *seq_out)
{
	sqlite3_stmt *next = st->stmt[STMT_SEQ_NEXT_OUT];
	sqlite3_stmt *outbox = st->stmt[STMT_OUTBOX_INSERT];
	struct store_seqc *c = NULL;
	int64_t seq = 0;
	int r = NERR_INTERNAL;
	if (len > STORE_TEXT_MAX)
		return NERR_TOOLONG;
	if (st->in_batch && (r = store_seqc_load(st, peer, &c)) != 0)
		return r;
	if ((r = store_tx_begin(st)) != 0)
		return r;
	if ((r = store_tx_peer(st, peer)) != 0)
		goto out;
	if (c) {
		seq = c->last_out + 1;
	} else {
		if ((r = store_bind_peer(st, next, 1, peer, 1)) != 0)
			goto out;
		if ((r = store_step(st, next)) != 1) {
			r = r == 0 ? NERR_INTERNAL : r;
			goto out;
		}
		seq = sqlite3_column_int64(next, 0);
		if ((r = store_run(st, next)) != 0)
			goto out;
	}
	if ((r = store_insert_msg(st, peer, id, STORE_DIR_OUT, seq, ts_ms, text, len,
				  STORE_QUEUED)) != 0)
		goto out;
	if ((r = store_bind_i64(st, outbox, 1, sqlite3_last_insert_rowid(st->db))) != 0)
		goto out;
	r = store_run(st, outbox);
out:
	store_reset(next);
	store_reset(outbox);
	r = store_tx_end(st, r);
	if (r == 0) {
		*seq_out = (uint64_t)seq;
		if (c) {
			c->last_out = seq;
			c->out_dirty = 1;
		}
	}
	return r;
}

/* A counter of peer (last_in, or last_out when out), 0 when none: from the
 * batch's counters when in a batch. */
static int store_get_counter(struct store *st, const uint8_t *peer, int out, uint64_t *seq)
{
	struct store_seqc *c;
	int r;
	if (!st->in_batch)
		return out ? store_get_last_out_db(st, peer, seq) : store_get_last_in_db(st, peer, seq);
	if ((r = store_seqc_load(st, peer, &c)) != 0)
		return r;
	*seq = (uint64_t)(out ? c->last_out : c->last_in);
	return 0;
}

static int store_get_last_in(struct store *st, const uint8_t *peer, uint64_t *seq)
{
	return store_get_counter(st, peer, 0, seq);
}

static int store_get_last_in_db(struct store *st, const uint8_t *peer, uint64_t *seq)
{
	sqlite3_stmt *s = st->stmt[STMT_SEQ_GET_IN];
	int r = NERR_INTERNAL;
	int64_t v = 0;
	if ((r = store_bind_peer(st, s, 1, peer, 0)) != 0)
		goto out;
	if ((r = store_step(st, s)) < 0)
		goto out;
	if (r == 1)
		v = sqlite3_column_int64(s, 0);
	if (v < 0) {
		snprintf(st->err, sizeof st->err, "negative seq");
		r = NERR_STORE;
		goto out;
	}
	*seq = (uint64_t)v;
	r = 0;
out:
	store_reset(s);
	return r;
}

static int store_set_last_in(struct store *st, const uint8_t *peer, int64_t seq)
{
	sqlite3_stmt *s = st->stmt[STMT_SEQ_SET_IN];
	int r = NERR_INTERNAL;
	if ((r = store_bind_peer(st, s, 1, peer, 1)) != 0 ||
	    (r = store_bind_i64(st, s, 2, seq)) != 0)
		goto out;
	r = store_run(st, s);
out:
	store_reset(s);
	return r;
}

int store_msg_receive(struct store *st, const uint8_t peer[static STORE_KEY],
		      const uint8_t id[static STORE_ID], uint64_t seq, int64_t ts_ms,
		      const char *text, size_t len, int *outcome)
{
	uint64_t last = 0;
	int exists = 0;
	int rx = STORE_RX_DUP;
	int r = NERR_INTERNAL;
	if (len > STORE_TEXT_MAX)
		return NERR_TOOLONG;
	if ((r = store_tx_begin(st)) != 0)
		return r;
	if ((r = store_get_last_in(st, peer, &last)) != 0)
		goto out;
	if (seq <= last || seq - last > 1) {
		rx = seq <= last ? STORE_RX_DUP : STORE_RX_GAP;
		r = 0;
		goto out;
	}
	if (seq > INT64_MAX) {
		r = NERR_LIMIT;
		goto out;
	}
	if ((r = store_tx_peer(st, peer)) != 0 ||
	    (r = store_insert_msg(st, peer, id, STORE_DIR_IN, (int64_t)seq, ts_ms, text, len,
				  STORE_RECEIVED)) != 0)
		goto out;
	exists = sqlite3_changes(st->db) == 0;
	if (!exists) {
		sqlite3_stmt *u = st->stmt[STMT_UNSHOWN_ADD];
		if ((r = store_bind_i64(st, u, 1, sqlite3_last_insert_rowid(st->db))) == 0)
			r = store_run(st, u);
		store_reset(u);
		if (r != 0)
			goto out;
	}
	if (!st->in_batch && (r = store_set_last_in(st, peer, (int64_t)seq)) != 0)
		goto out;
	rx = exists ? STORE_RX_DUP : STORE_RX_NEW;
	r = 0;
out:
	r = store_tx_end(st, r);
	if (r == 0) {
		*outcome = rx;
		if (st->in_batch && (rx == STORE_RX_NEW || exists))
			store_seqc_set_in(st, peer, seq);
	}
	return r;
}

int store_last_in(struct store *st, const uint8_t peer[static STORE_KEY], uint64_t *seq)
{
	return store_get_last_in(st, peer, seq);
}

int store_last_out(struct store *st, const uint8_t peer[static STORE_KEY], uint64_t *seq)
{
	return store_get_counter(st, peer, 1, seq);
}

static int store_get_last_out_db(struct store *st, const uint8_t *peer, uint64_t *seq)
{
	sqlite3_stmt *s = st->stmt[STMT_SEQ_GET_OUT];
	int r = NERR_INTERNAL;
	int64_t v = 0;
	if ((r = store_bind_peer(st, s, 1, peer, 0)) != 0)
		goto out;
	if ((r = store_step(st, s)) < 0)
		goto out;
	if (r == 1)
		v = sqlite3_column_int64(s, 0);
	*seq = v > 0 ? (uint64_t)v : 0;
	r = 0;
out:
	store_reset(s);
	return r;
}

static int store_set_seq(struct store *st, const uint8_t *id, int64_t seq)
{
	sqlite3_stmt *s = st->stmt[STMT_MSG_SET_SEQ];
	int r;
	if ((r = store_bind_blob(st, s, 1, id, STORE_ID)) == 0 &&
	    (r = store_bind_i64(st, s, 2, seq)) == 0)
		r = store_run(st, s);
	store_reset(s);
	return r;
}

int store_boot_out_mark(struct store *st)
{
	if (st->in_batch)
		return NERR_INTERNAL;
	/* A mark left by an earlier start stays: that start's peer has not answered since, and
	 * what was lost then lies above the older, lower counter. */
	return store_exec(st, "INSERT OR IGNORE INTO boot_out (peer, last_out)"
			      " SELECT peer, last_out FROM seqs");
}

int store_boot_out_get(struct store *st, const uint8_t peer[static STORE_KEY], uint64_t *seq)
{
	sqlite3_stmt *s = st->stmt[STMT_BOOT_OUT_GET];
	/* An unknown key binds 0, which no row has. */
	int r = store_bind_peer(st, s, 1, peer, 0);
	if (r == 0 && (r = store_step(st, s)) == 1) {
		int64_t v = sqlite3_column_int64(s, 0);
		*seq = v > 0 ? (uint64_t)v : 0;
		r = 0;
	} else if (r == 0) {
		r = NERR_NOTFOUND;
	}
	store_reset(s);
	return r;
}

int store_boot_out_clear(struct store *st, const uint8_t peer[static STORE_KEY])
{
	sqlite3_stmt *s = st->stmt[STMT_BOOT_OUT_CLEAR];
	int r = store_bind_peer(st, s, 1, peer, 0);
	if (r == 0)
		r = store_run(st, s);
	store_reset(s);
	return r;
}

/* Two passes so that no intermediate seq collides with UNIQUE (peer, dir, seq):
 * first far above anything in use, then to the final numbers. */
#define STORE_SEQ_PARK ((int64_t)1 << 48)

int store_outbox_renumber(struct store *st, const uint8_t peer[static STORE_KEY],
			  uint64_t after, size_t *count)
{
	struct store_msg *msgs = NULL;
	size_t n = 0;
	int r = NERR_INTERNAL;
	if (after >= (uint64_t)STORE_SEQ_PARK)
		return NERR_TOOLONG;
	/* It writes last_out itself: the batch's counters go to the table first. */
	if (st->in_batch && (r = store_seq_flush(st)) != 0)
		return r;
	if ((r = store_tx_begin(st)) != 0)
		return r;
	if ((r = store_outbox_list(st, peer, &msgs, &n)) != 0)
		goto out;
	for (size_t pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n; i++)
			if ((r = store_set_seq(st, msgs[i].id,
					       (pass ? (int64_t)after : STORE_SEQ_PARK) +
						       (int64_t)i + 1)) != 0)
				goto out;
	sqlite3_stmt *s = st->stmt[STMT_SEQ_SET_OUT];
	if ((r = store_bind_peer(st, s, 1, peer, 1)) == 0 &&
	    (r = store_bind_i64(st, s, 2, (int64_t)(after + n))) == 0)
		r = store_run(st, s);
	store_reset(s);
out:
	store_msgs_free(msgs, n);
	r = store_tx_end(st, r);
	if (r == 0)
		*count = n;
	return r;
}

int store_outbox_requeue(struct store *st, const uint8_t peer[static STORE_KEY], uint64_t from,
			 uint64_t to, size_t *count)
{
	sqlite3_stmt *state = st->stmt[STMT_OUTBOX_REQUEUE_STATE];
	sqlite3_stmt *ins = st->stmt[STMT_OUTBOX_REQUEUE];
	size_t n = 0;
	int r = NERR_INTERNAL;
	if (from > to || to > INT64_MAX)
		return NERR_USAGE;
	if ((r = store_tx_begin(st)) != 0)
		return r;
	if ((r = store_bind_peer(st, state, 1, peer, 0)) != 0 ||
	    (r = store_bind_i64(st, state, 2, (int64_t)from)) != 0 ||
	    (r = store_bind_i64(st, state, 3, (int64_t)to)) != 0 ||
	    (r = store_bind_i64(st, state, 4, STORE_SENT)) != 0 ||
	    (r = store_bind_i64(st, state, 5, STORE_DIR_OUT)) != 0 ||
	    (r = store_run(st, state)) != 0)
		goto out;
	if ((r = store_bind_peer(st, ins, 1, peer, 0)) != 0 ||
	    (r = store_bind_i64(st, ins, 2, (int64_t)from)) != 0 ||
	    (r = store_bind_i64(st, ins, 3, (int64_t)to)) != 0 ||
	    (r = store_bind_i64(st, ins, 4, STORE_DIR_OUT)) != 0 || (r = store_run(st, ins)) != 0)
		goto out;
	n = (size_t)sqlite3_changes(st->db);
	r = 0;
out:
	store_reset(state);
	store_reset(ins);
	r = store_tx_end(st, r);
	if (r == 0)
		*count = n;
	return r;
}

int store_outbox_ack(struct store *st, const uint8_t peer[static STORE_KEY], uint64_t upto,
		     size_t *removed)
{
	return store_outbox_ack_range(st, peer, 0, upto, removed);
}

int store_outbox_ack_range(struct store *st, const uint8_t peer[static STORE_KEY], uint64_t after,
			   uint64_t upto, size_t *removed)
{
	int64_t lo = store_seq_arg(after);
	sqlite3_stmt *deliver = st->stmt[STMT_OUTBOX_DELIVER];
	sqlite3_stmt *del = st->stmt[STMT_OUTBOX_DELETE];
	int64_t up = store_seq_arg(upto);
	size_t n = 0;
	int r = NERR_INTERNAL;
	if ((r = store_tx_begin(st)) != 0)
		return r;
	if ((r = store_bind_peer(st, deliver, 1, peer, 0)) != 0 ||
	    (r = store_bind_i64(st, deliver, 2, up)) != 0 ||
	    (r = store_bind_i64(st, deliver, 3, STORE_DELIVERED)) != 0 ||
	    (r = store_bind_i64(st, deliver, 4, STORE_DIR_OUT)) != 0 ||
	    (r = store_bind_i64(st, deliver, 5, lo)) != 0 || (r = store_run(st, deliver)) != 0)
		goto out;
	if ((r = store_bind_peer(st, del, 1, peer, 0)) != 0 ||
	    (r = store_bind_i64(st, del, 2, up)) != 0 ||
	    (r = store_bind_i64(st, del, 3, STORE_DIR_OUT)) != 0 ||
	    (r = store_bind_i64(st, del, 4, lo)) != 0 || (r = store_run(st, del)) != 0)
		goto out;
	n = (size_t)sqlite3_changes(st->db);
	r = 0;
out:
	store_reset(deliver);
	store_reset(del);
	r = store_tx_end(st, r);
	if (r == 0)
		*removed = n;
	return r;
}

int store_outbox_range(struct store *st, const uint8_t peer[static STORE_KEY], uint64_t after,
		       uint64_t upto, size_t limit, struct store_msg **out, size_t *n)
{
	sqlite3_stmt *s = st->stmt[STMT_OUTBOX_RANGE];
	int r = NERR_INTERNAL;
	int64_t a = store_seq_arg(after);
	int64_t u = store_seq_arg(upto);
	int64_t l = limit == 0 || limit > INT64_MAX ? -1 : (int64_t)limit;
	if ((r = store_bind_peer(st, s, 1, peer, 0)) != 0 ||
	    (r = store_bind_i64(st, s, 2, a)) != 0 || (r = store_bind_i64(st, s, 3, u)) != 0 ||
	    (r = store_bind_i64(st, s, 4, l)) != 0 ||
	    (r = store_bind_i64(st, s, 5, STORE_DIR_OUT)) != 0)
		goto out;
	r = store_collect_msgs(st, s, peer, out, n);
out:
	store_reset(s);
	return r;
}

_Static_assert(STORE_EXPIRED == 5 && STORE_CANCELLED == 6, "the SQL above spells out 5");

int store_outbox_end(struct store *st, const uint8_t id[static STORE_ID], int state,
		     struct store_msg *out)
{
	sqlite3_stmt *s = st->stmt[STMT_OUTBOX_END];
	int r;
	if (state != STORE_EXPIRED && state != STORE_CANCELLED)
		return NERR_USAGE;
	if ((r = store_bind_blob(st, s, 1, id, STORE_ID)) == 0 &&
	    (r = store_bind_i64(st, s, 2, state)) == 0 &&
	    (r = store_bind_i64(st, s, 3, STORE_DIR_OUT)) == 0 &&
	    (r = store_bind_i64(st, s, 4, STORE_EXPIRED)) == 0 && (r = store_step(st, s)) >= 0)
		r = r == 0 ? NERR_NOTFOUND : out ? store_read_msg(st, s, NULL, out) : 0;
	store_reset(s);
	return r;
}

int store_outbox_expire(struct store *st, const uint8_t peer[static STORE_KEY], uint64_t after,
			int64_t before_ms, struct store_msg **out, size_t *n)
{
	sqlite3_stmt *list = st->stmt[STMT_OUTBOX_EXPIRE_LIST];
	sqlite3_stmt *upd = st->stmt[STMT_OUTBOX_EXPIRE];
	int64_t a = store_seq_arg(after);
	struct store_msg *msgs = NULL;
	size_t count = 0;
	int r;
	if ((r = store_tx_begin(st)) != 0)
		return r;
	for (int pass = 0; pass < 2 && r == 0; pass++) {
		sqlite3_stmt *s = pass ? upd : list;
		if ((r = store_bind_peer(st, s, 1, peer, 0)) == 0 &&
		    (r = store_bind_i64(st, s, 2, a)) == 0 &&
		    (r = store_bind_i64(st, s, 3, before_ms)) == 0 &&
		    (r = store_bind_i64(st, s, 4, STORE_DIR_OUT)) == 0 &&
		    (r = store_bind_i64(st, s, 5, STORE_EXPIRED)) == 0)
			r = pass ? store_run(st, s)
				 : store_collect_msgs(st, s, peer, &msgs, &count);
		store_reset(s);
	}
	r = store_tx_end(st, r);
	if (r != 0) {
		store_msgs_free(msgs, count);
		return r;
	}
	*out = msgs;
	*n = count;
	return 0;
}

int store_msg_skip(struct store *st, const uint8_t peer[static STORE_KEY], uint64_t seq,
		   int *outcome)
{
	uint64_t last = 0;
	int r;
	if (seq == 0 || seq > INT64_MAX)
		return NERR_USAGE;
	if ((r = store_get_last_in(st, peer, &last)) != 0)
		return r;
	if (seq != last + 1) {
		*outcome = seq <= last ? STORE_RX_DUP : STORE_RX_GAP;
		return 0;
	}
	if (st->in_batch)
		store_seqc_set_in(st, peer, seq);
	else if ((r = store_set_last_in(st, peer, (int64_t)seq)) != 0)
		return r;
	*outcome = STORE_RX_NEW;
	return 0;
}

int store_outbox_range_ids(struct store *st, const uint8_t peer[static STORE_KEY], uint64_t after,
			   uint64_t upto, struct store_msg **out, size_t *n)
{
	sqlite3_stmt *s = st->stmt[STMT_OUTBOX_RANGE_IDS];
	int64_t a = store_seq_arg(after);
	int64_t u = store_seq_arg(upto);
	int r;
	if ((r = store_bind_peer(st, s, 1, peer, 0)) == 0 &&
	    (r = store_bind_i64(st, s, 2, a)) == 0 && (r = store_bind_i64(st, s, 3, u)) == 0 &&
	    (r = store_bind_i64(st, s, 4, STORE_DIR_OUT)) == 0)
		r = store_collect_msgs(st, s, peer, out, n);
	store_reset(s);
	return r;
}

/* Turn the messages of one direction with seq <= upto from state `from` into
 * "read", listing them first when out is not NULL. */
static int store_mark_read(struct store *st, const uint8_t *peer, int dir, uint64_t upto,
			   int from, struct store_msg **out, size_t *n)
{
	sqlite3_stmt *list = st->stmt[STMT_READ_LIST];
	sqlite3_stmt *mark = st->stmt[STMT_READ_MARK];
	struct store_msg *msgs = NULL;
	size_t count = 0;
	int64_t up = store_seq_arg(upto);
	int r;
	if ((r = store_tx_begin(st)) != 0)
		return r;
	if (out) {
		if ((r = store_bind_peer(st, list, 1, peer, 0)) != 0 ||
		    (r = store_bind_i64(st, list, 2, up)) != 0 ||
		    (r = store_bind_i64(st, list, 3, dir)) != 0 ||
		    (r = store_bind_i64(st, list, 4, from)) != 0 ||
		    (r = store_collect_msgs(st, list, peer, &msgs, &count)) != 0)
			goto out;
	}
	if ((r = store_bind_peer(st, mark, 1, peer, 0)) != 0 ||
	    (r = store_bind_i64(st, mark, 2, up)) != 0 ||
	    (r = store_bind_i64(st, mark, 3, dir)) != 0 ||
	    (r = store_bind_i64(st, mark, 4, from)) != 0 ||
	    (r = store_bind_i64(st, mark, 5, STORE_READ)) != 0 || (r = store_run(st, mark)) != 0)
		goto out;
	r = 0;
out:
	store_reset(list);
	store_reset(mark);
	r = store_tx_end(st, r);
	if (r == 0 && out) {
		for (size_t i = 0; i < count; i++)
			msgs[i].state = STORE_READ;
		*out = msgs;
		*n = count;
		msgs = NULL;
		count = 0;
	}
	store_msgs_free(msgs, count);
	return r;
}

int store_read_in(struct store *st, const uint8_t peer[static STORE_KEY], uint64_t upto)
{
	return store_mark_read(st, peer, STORE_DIR_IN, upto, STORE_RECEIVED, NULL, NULL);
}

int store_read_out(struct store *st, const uint8_t peer[static STORE_KEY], uint64_t upto,
		   struct store_msg **out, size_t *n)
{
	return store_mark_read(st, peer, STORE_DIR_OUT, upto, STORE_DELIVERED, out, n);
}

int store_read_max_in(struct store *st, const uint8_t peer[static STORE_KEY], uint64_t *seq)
{
	sqlite3_stmt *s = st->stmt[STMT_READ_MAX_IN];
	int r;
	if ((r = store_bind_peer(st, s, 1, peer, 0)) != 0 ||
	    (r = store_bind_i64(st, s, 2, STORE_DIR_IN)) != 0 ||
	    (r = store_bind_i64(st, s, 3, STORE_READ)) != 0)
		goto out;
	if ((r = store_step(st, s)) < 0)
		goto out;
	*seq = r == 1 && sqlite3_column_int64(s, 0) > 0 ? (uint64_t)sqlite3_column_int64(s, 0) : 0;
	r = 0;
out:
	store_reset(s);
	return r;
}

int store_outbox_count(struct store *st, size_t *n)
{
	sqlite3_stmt *s = st->stmt[STMT_OUTBOX_COUNT];
	int r;
	if ((r = store_step(st, s)) < 0)
		goto out;
	*n = r == 1 ? (size_t)sqlite3_column_int64(s, 0) : 0;
	r = 0;
out:
	store_reset(s);
	return r;
}

int store_unshown(struct store *st, size_t limit, struct store_msg **out, size_t *n)
{
	sqlite3_stmt *s = st->stmt[STMT_UNSHOWN];
	int r = NERR_INTERNAL;
	if ((r = store_bind_i64(st, s, 1, limit ? (int64_t)limit : -1)) != 0)
		goto out;
	r = store_collect_msgs(st, s, NULL, out, n);
out:
	store_reset(s);
	return r;
}

int store_mark_shown(struct store *st, const uint8_t id[static STORE_ID])
{
	sqlite3_stmt *s = st->stmt[STMT_MARK_SHOWN];
	int r;
	if ((r = store_bind_blob(st, s, 1, id, STORE_ID)) == 0)
		r = store_run(st, s);
	store_reset(s);
	return r;
}

int store_outbox_list(struct store *st, const uint8_t *peer, struct store_msg **out, size_t *n)
{
	sqlite3_stmt *s = st->stmt[STMT_OUTBOX_LIST];
	int r = NERR_INTERNAL;
	/* NULL: every peer's (bound as SQL NULL). */
	if (peer && (r = store_bind_peer(st, s, 1, peer, 0)) != 0)
		goto out;
	r = store_collect_msgs(st, s, NULL, out, n);
out:
	store_reset(s);
	return r;
}

int store_outbox_attempt(struct store *st, const uint8_t id[static STORE_ID], int64_t now_ms)
{
	sqlite3_stmt *attempt = st->stmt[STMT_OUTBOX_ATTEMPT];
	int r;
	if ((r = store_bind_blob(st, attempt, 1, id, STORE_ID)) == 0 &&
	    (r = store_bind_i64(st, attempt, 2, now_ms)) == 0 && (r = store_run(st, attempt)) == 0 &&
	    sqlite3_changes(st->db) == 0)
		r = NERR_NOTFOUND;
	store_reset(attempt);
	return r;
}

int store_outbox_attempt_range(struct store *st, const uint8_t peer[static STORE_KEY],
			       uint64_t first, uint64_t last, int64_t now_ms, size_t *count)
{
	sqlite3_stmt *s = st->stmt[STMT_OUTBOX_ATTEMPT_RANGE];
	int64_t lo = store_seq_arg(first);
	int64_t hi = store_seq_arg(last);
	int r;
	if ((r = store_bind_peer(st, s, 1, peer, 0)) == 0 &&
	    (r = store_bind_i64(st, s, 2, lo)) == 0 && (r = store_bind_i64(st, s, 3, hi)) == 0 &&
	    (r = store_bind_i64(st, s, 4, now_ms)) == 0 &&
	    (r = store_bind_i64(st, s, 5, STORE_DIR_OUT)) == 0 && (r = store_run(st, s)) == 0 &&
	    count)
		*count = (size_t)sqlite3_changes(st->db);
	store_reset(s);
	return r;
}

int store_msg_get(struct store *st, const uint8_t id[static STORE_ID], struct store_msg *out)
{
	sqlite3_stmt *s = st->stmt[STMT_MSG_GET];
	int r = NERR_INTERNAL;
	if ((r = store_bind_blob(st, s, 1, id, STORE_ID)) != 0)
		goto out;
	if ((r = store_step(st, s)) != 1) {
		r = r == 0 ? NERR_NOTFOUND : r;
		goto out;
	}
	r = store_read_msg(st, s, NULL, out);
out:
	store_reset(s);
	return r;
}

int store_history(struct store *st, const uint8_t peer[static STORE_KEY], size_t limit,
		  struct store_msg **out, size_t *n)
{
	sqlite3_stmt *s = st->stmt[STMT_HISTORY];
	/* LIMIT -1 is no limit in SQLite. */
	int64_t lim = limit == 0 || limit > INT64_MAX ? -1 : (int64_t)limit;
	int r = NERR_INTERNAL;
	if ((r = store_bind_peer(st, s, 1, peer, 0)) != 0 ||
	    (r = store_bind_i64(st, s, 2, lim)) != 0)
		goto out;
	r = store_collect_msgs(st, s, peer, out, n);
out:
	store_reset(s);
	return r;
}

void store_msg_clear(struct store_msg *m)
{
	if (!m)
		return;
	free(m->text);
	memset(m, 0, sizeof *m);
}

void store_msgs_free(struct store_msg *arr, size_t n)
{
	if (!arr)
		return;
	for (size_t i = 0; i < n; i++)
		free(arr[i].text);
	free(arr);
}
