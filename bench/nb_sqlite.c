/* SPDX-License-Identifier: MIT */
/* nb_sqlite: what SQLite alone allows, and a fast way to fill a natter store.
 *
 *   nb_sqlite insert DIR ROWS_PER_TX TOTAL MAX_SECONDS
 *       WAL, synchronous=FULL (as src/store.c opens its store), rows shaped like
 *       natter's messages table (same columns, UNIQUE and indexes, 100-byte
 *       text), ROWS_PER_TX rows per transaction; stops after TOTAL rows or
 *       MAX_SECONDS. Prints rows/s and the p50/p99 time of one transaction.
 *   nb_sqlite fill DB ROWS FP...
 *       into an existing natter store (made by `natter --id`): one peers row
 *       per FP and ROWS received messages spread over them, shown, with the
 *       seqs rows to match, in one transaction. Uses natter's own tables, so
 *       a schema change makes it fail loudly rather than build a wrong file.
 *   nb_sqlite floor DB
 *       the resident-set floor: a process with the same libraries that opens
 *       DB as natter does and reads a little (the peers, the last row); prints
 *       its own VmHWM. */
#include "nb_common.h"

#include <sodium.h>
#include <sqlite3.h>

static void exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		nb_die("sqlite: %s: %s", sql, err ? err : sqlite3_errmsg(db));
}

static sqlite3 *open_like_natter(const char *path, int create)
{
	sqlite3 *db;
	int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK)
		nb_die("cannot open %s", path);
	sqlite3_busy_timeout(db, 5000);
	exec(db, "PRAGMA journal_mode = WAL");
	exec(db, "PRAGMA synchronous = FULL");
	exec(db, "PRAGMA foreign_keys = ON");
	return db;
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		nb_die("sqlite: %s: %s", sql, sqlite3_errmsg(db));
	return s;
}

static void step_done(sqlite3 *db, sqlite3_stmt *s)
{
	if (sqlite3_step(s) != SQLITE_DONE)
		nb_die("sqlite step: %s", sqlite3_errmsg(db));
	sqlite3_reset(s);
}

static int cmd_insert(int argc, char **argv)
{
	if (argc != 6)
		nb_die("usage: nb_sqlite insert DIR ROWS_PER_TX TOTAL MAX_SECONDS");
	char path[4096];
	long per = nb_atol(argv[3], "ROWS_PER_TX"), total = nb_atol(argv[4], "TOTAL");
	long secs = nb_atol(argv[5], "MAX_SECONDS");
	if (per < 1 || total < per || secs < 1)
		nb_die("insert: bad arguments");
	snprintf(path, sizeof path, "%s/nb-insert-%ld.db", argv[2], per);
	remove(path);
	sqlite3 *db = open_like_natter(path, 1);
	exec(db, "CREATE TABLE messages ("
		 " n INTEGER PRIMARY KEY,"
		 " id BLOB NOT NULL UNIQUE CHECK (length(id) = 16),"
		 " peer BLOB NOT NULL CHECK (length(peer) = 32),"
		 " dir INTEGER NOT NULL CHECK (dir IN (0, 1)),"
		 " seq INTEGER NOT NULL CHECK (seq >= 1),"
		 " ts INTEGER NOT NULL,"
		 " text TEXT NOT NULL CHECK (length(CAST(text AS BLOB)) <= 65536),"
		 " state INTEGER NOT NULL CHECK (state BETWEEN 0 AND 4),"
		 " shown INTEGER NOT NULL DEFAULT 1,"
		 " UNIQUE (peer, dir, seq));"
		 "CREATE INDEX messages_by_peer_ts ON messages (peer, ts);"
		 "CREATE INDEX messages_unshown ON messages (shown) WHERE shown = 0;");
	sqlite3_stmt *ins = prep(db, "INSERT INTO messages (id, peer, dir, seq, ts, text, state,"
				     " shown) VALUES (?1, ?2, 1, ?3, ?4, ?5, 3, 0)");
	sqlite3_stmt *begin = prep(db, "BEGIN IMMEDIATE"), *commit = prep(db, "COMMIT");
	unsigned char peer[32], id[16];
	char text[100];
	memset(text, 'x', sizeof text);
	randombytes_buf(peer, sizeof peer);
	long ntx = total / per;
	int64_t *lat = calloc((size_t)ntx, sizeof *lat);
	if (!lat)
		nb_die("out of memory");
	int64_t start = nb_mono_ns(), limit = start + (int64_t)secs * 1000000000;
	long done_tx = 0, seq = 0;
	while (done_tx < ntx && nb_mono_ns() < limit) {
		int64_t t0 = nb_mono_ns();
		step_done(db, begin);
		for (long i = 0; i < per; i++) {
			randombytes_buf(id, sizeof id);
			seq++;
			sqlite3_bind_blob(ins, 1, id, 16, SQLITE_STATIC);
			sqlite3_bind_blob(ins, 2, peer, 32, SQLITE_STATIC);
			sqlite3_bind_int64(ins, 3, seq);
			sqlite3_bind_int64(ins, 4, 1700000000000 + seq);
			sqlite3_bind_text(ins, 5, text, sizeof text, SQLITE_STATIC);
			step_done(db, ins);
		}
		step_done(db, commit);
		lat[done_tx++] = (nb_mono_ns() - t0) / 1000;
	}
	int64_t dt = nb_mono_ns() - start;
	printf("rows_per_tx=%ld\nrows=%ld\n", per, done_tx * per);
	printf("rows_per_s=%.0f\n", (double)(done_tx * per) / ((double)dt / 1e9));
	printf("tx_p50_us=%lld\n", (long long)nb_pct(lat, (size_t)done_tx, 50));
	printf("tx_p99_us=%lld\n", (long long)nb_pct(lat, (size_t)done_tx, 99));
	sqlite3_finalize(ins);
	sqlite3_finalize(begin);
	sqlite3_finalize(commit);
	sqlite3_close(db);
	free(lat);
	char side[4200];
	remove(path);
	snprintf(side, sizeof side, "%s-wal", path);
	remove(side);
	snprintf(side, sizeof side, "%s-shm", path);
	remove(side);
	return 0;
}

static int unhex32(unsigned char out[32], const char *hex)
{
	size_t bin_len;
	if (strlen(hex) != 64 ||
	    sodium_hex2bin(out, 32, hex, 64, NULL, &bin_len, NULL) != 0 || bin_len != 32)
		return -1;
	return 0;
}

static int cmd_fill(int argc, char **argv)
{
	if (argc < 5)
		nb_die("usage: nb_sqlite fill DB ROWS FP...");
	long rows = nb_atol(argv[3], "ROWS");
	int npeers = argc - 4;
	sqlite3 *db = open_like_natter(argv[2], 0);
	sqlite3_stmt *peer = prep(db, "INSERT OR REPLACE INTO peers (key, nick, host, port,"
				      " first_seen, last_seen) VALUES (?1, ?2, '', 0, ?3, ?3)");
	sqlite3_stmt *msg = prep(db, "INSERT INTO messages (id, peer, dir, seq, ts, text, state,"
				     " shown) VALUES (?1, ?2, 1, ?3, ?4, ?5, 3, 1)");
	sqlite3_stmt *seqs = prep(db, "INSERT OR REPLACE INTO seqs (peer, last_out, last_in)"
				      " VALUES (?1, 0, ?2)");
	unsigned char(*keys)[32] = calloc((size_t)npeers, 32);
	long *last = calloc((size_t)npeers, sizeof *last);
	char text[101];
	unsigned char id[16];
	int64_t now = (int64_t)time(NULL) * 1000;
	if (!keys || !last)
		nb_die("out of memory");
	exec(db, "BEGIN IMMEDIATE");
	for (int i = 0; i < npeers; i++) {
		char nick[16];
		if (unhex32(keys[i], argv[4 + i]) != 0)
			nb_die("fill: not a fingerprint: %s", argv[4 + i]);
		snprintf(nick, sizeof nick, "peer%02d", i);
		sqlite3_bind_blob(peer, 1, keys[i], 32, SQLITE_STATIC);
		sqlite3_bind_text(peer, 2, nick, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(peer, 3, now - 86400000);
		step_done(db, peer);
	}
	for (long r = 0; r < rows; r++) {
		int p = (int)(r % npeers);
		long seq = ++last[p];
		int k = snprintf(text, sizeof text, "history %ld of peer %d ", seq, p);
		memset(text + k, 'x', (size_t)(100 - k));
		randombytes_buf(id, sizeof id);
		sqlite3_bind_blob(msg, 1, id, 16, SQLITE_STATIC);
		sqlite3_bind_blob(msg, 2, keys[p], 32, SQLITE_STATIC);
		sqlite3_bind_int64(msg, 3, seq);
		sqlite3_bind_int64(msg, 4, now - 86400000 + r);
		sqlite3_bind_text(msg, 5, text, 100, SQLITE_STATIC);
		step_done(db, msg);
	}
	for (int i = 0; i < npeers; i++) {
		sqlite3_bind_blob(seqs, 1, keys[i], 32, SQLITE_STATIC);
		sqlite3_bind_int64(seqs, 2, last[i]);
		step_done(db, seqs);
	}
	exec(db, "COMMIT");
	exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
	sqlite3_finalize(peer);
	sqlite3_finalize(msg);
	sqlite3_finalize(seqs);
	sqlite3_close(db);
	printf("rows=%ld\npeers=%d\n", rows, npeers);
	free(keys);
	free(last);
	return 0;
}

static int cmd_floor(int argc, char **argv)
{
	if (argc != 3)
		nb_die("usage: nb_sqlite floor DB");
	sqlite3 *db = open_like_natter(argv[2], 0);
	sqlite3_stmt *s = prep(db, "SELECT (SELECT count(*) FROM peers), max(n) FROM messages");
	long hwm, rss;
	if (sqlite3_step(s) != SQLITE_ROW)
		nb_die("floor: %s", sqlite3_errmsg(db));
	long long peers = sqlite3_column_int64(s, 0), rows = sqlite3_column_int64(s, 1);
	sqlite3_finalize(s);
	nb_self_rss(&hwm, &rss);
	printf("peers=%lld\nrows=%lld\nfloor_hwm_kib=%ld\nfloor_rss_kib=%ld\n", peers, rows, hwm, rss);
	sqlite3_close(db);
	return 0;
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0)
		nb_die("sodium_init");
	if (argc < 2)
		nb_die("usage: nb_sqlite insert|fill|floor ...");
	if (strcmp(argv[1], "insert") == 0)
		return cmd_insert(argc, argv);
	if (strcmp(argv[1], "fill") == 0)
		return cmd_fill(argc, argv);
	if (strcmp(argv[1], "floor") == 0)
		return cmd_floor(argc, argv);
	nb_die("unknown command %s", argv[1]);
}
