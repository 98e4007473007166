/* SPDX-License-Identifier: MIT */
/* nb_sqlite: what SQLite alone allows, and a fast way to fill a natter store.
 *
 *   nb_sqlite insert DIR ROWS_PER_TX TOTAL MAX_SECONDS
 *       WAL, synchronous=FULL (as src/store.c opens its store), in a file
 *       that natter's own store_open made (so natter's current schema): rows
 *       as natter stores a received message (the messages row with its
 *       UNIQUE indexes, the peer as its keys row's number, an id that starts
 *       with the time as natter's do, 100-byte text, and the unshown row),
 *       ROWS_PER_TX rows per transaction; stops after TOTAL rows or
 *       MAX_SECONDS. Prints rows/s and the p50/p99 time of one transaction.
 *   nb_sqlite fill DB ROWS FP...
 *       into an existing natter store (made by `natter --id`): one peers row
 *       per FP and ROWS received messages spread over them, shown, with the
 *       counters to match, in one transaction. Written through natter's own
 *       store (src/store.c, linked in), so it builds whatever schema natter
 *       migrates to.
 *   nb_sqlite floor DB
 *       the resident-set floor: a process with the same libraries that opens
 *       DB as natter does and reads a little (the peers, the last row); prints
 *       its own VmHWM. */
#include "nb_common.h"

#include <sodium.h>
#include <sqlite3.h>

#include "store.h"

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

static void remove_db(const char *path)
{
	char side[4200];
	remove(path);
	snprintf(side, sizeof side, "%s-wal", path);
	remove(side);
	snprintf(side, sizeof side, "%s-shm", path);
	remove(side);
}

/* A message id as natter makes one: a 48-bit millisecond wall clock, big-endian, then 80
 * random bits, so that consecutive ids land on the same page of the UNIQUE index. */
static void id_make(unsigned char id[16])
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	for (int i = 0; i < 6; i++)
		id[i] = (unsigned char)(ms >> (40 - 8 * i));
	randombytes_buf(id + 6, 10);
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
	remove_db(path);
	struct store *st = NULL;
	if (store_open(&st, path) != 0)
		nb_die("insert: cannot make a natter store at %s", path);
	store_close(st);
	sqlite3 *db = open_like_natter(path, 0);
	exec(db, "INSERT INTO keys (n, key) VALUES (1, randomblob(32))");
	sqlite3_stmt *ins = prep(db, "INSERT INTO messages (id, peer, dir, seq, ts, text, state)"
				     " VALUES (?1, 1, 1, ?2, ?3, ?4, 3)");
	sqlite3_stmt *unshown = prep(db, "INSERT INTO unshown (msg) VALUES (last_insert_rowid())");
	sqlite3_stmt *begin = prep(db, "BEGIN IMMEDIATE"), *commit = prep(db, "COMMIT");
	unsigned char id[16];
	char text[100];
	memset(text, 'x', sizeof text);
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
			id_make(id);
			seq++;
			sqlite3_bind_blob(ins, 1, id, 16, SQLITE_STATIC);
			sqlite3_bind_int64(ins, 2, seq);
			sqlite3_bind_int64(ins, 3, 1700000000000 + seq);
			sqlite3_bind_text(ins, 4, text, sizeof text, SQLITE_STATIC);
			step_done(db, ins);
			step_done(db, unshown);
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
	sqlite3_finalize(unshown);
	sqlite3_finalize(begin);
	sqlite3_finalize(commit);
	sqlite3_close(db);
	free(lat);
	remove_db(path);
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
	struct store *st = NULL;
	if (store_open(&st, argv[2]) != 0)
		nb_die("fill: cannot open %s as a natter store", argv[2]);
	unsigned char(*keys)[32] = calloc((size_t)npeers, 32);
	long *last = calloc((size_t)npeers, sizeof *last);
	char text[101];
	unsigned char id[16];
	int64_t now = (int64_t)time(NULL) * 1000;
	int outcome;
	if (!keys || !last)
		nb_die("out of memory");
	if (store_batch_begin(st) != 0)
		nb_die("fill: %s", store_errmsg(st));
	for (int i = 0; i < npeers; i++) {
		struct store_peer p = {.last_seen_ms = now - 86400000};
		if (unhex32(keys[i], argv[4 + i]) != 0)
			nb_die("fill: not a fingerprint: %s", argv[4 + i]);
		memcpy(p.key, keys[i], 32);
		snprintf(p.nick, sizeof p.nick, "peer%02d", i);
		if (store_peer_upsert(st, &p) != 0)
			nb_die("fill: peer: %s", store_errmsg(st));
	}
	for (long r = 0; r < rows; r++) {
		int p = (int)(r % npeers);
		long seq = ++last[p];
		int k = snprintf(text, sizeof text, "history %ld of peer %d ", seq, p);
		memset(text + k, 'x', (size_t)(100 - k));
		text[100] = '\0';
		randombytes_buf(id, sizeof id);
		if (store_msg_receive(st, keys[p], id, (uint64_t)seq, now - 86400000 + r, text, 100,
				      &outcome) != 0 ||
		    outcome != STORE_RX_NEW || store_mark_shown(st, id) != 0)
			nb_die("fill: message: %s", store_errmsg(st));
	}
	if (store_batch_commit(st) != 0)
		nb_die("fill: commit: %s", store_errmsg(st));
	store_close(st);
	sqlite3 *db = open_like_natter(argv[2], 0);
	exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
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
