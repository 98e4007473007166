/* SPDX-License-Identifier: MIT */
/* The SQLite store: seq counters, exactly-once receive, outbox and acks, history order,
 * durability across reopen, batching, schema versions and file modes. Each test uses its
 * own home in a fresh directory under /tmp. */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nerr.h"
#include "store.h"

Suite *store_suite(void);

struct tmp_home {
	char dir[64];
	char path[128];
};

static void tmp_home_init(struct tmp_home *h)
{
	snprintf(h->dir, sizeof h->dir, "/tmp/natter-store-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(h->dir));
	snprintf(h->path, sizeof h->path, "%s/natter.db", h->dir);
}

static void tmp_home_clear(struct tmp_home *h)
{
	char p[160];
	const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		snprintf(p, sizeof p, "%s%s", h->path, suffixes[i]);
		unlink(p);
	}
	rmdir(h->dir);
}

/* stat(2) of the store's log file, which must exist. */
static void stat_wal(const struct tmp_home *h, struct stat *sb)
{
	char wal[160];
	snprintf(wal, sizeof wal, "%s-wal", h->path);
	ck_assert_int_eq(stat(wal, sb), 0);
}

static struct store *open_ok(const char *path)
{
	struct store *st = NULL;
	ck_assert_int_eq(store_open(&st, path), 0);
	ck_assert_ptr_nonnull(st);
	return st;
}

static void key_fill(uint8_t *k, size_t n, uint8_t v)
{
	memset(k, v, n);
}

static void id_make(uint8_t id[STORE_ID], unsigned n)
{
	memset(id, 0, STORE_ID);
	id[0] = (uint8_t)(n >> 8);
	id[1] = (uint8_t)n;
}

/* One integer from a separate connection, as another process would see the file. */
static long long raw_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
	long long v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static void raw_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static uint64_t queue_ok(struct store *st, const uint8_t *peer, unsigned id_n, int64_t ts,
			 const char *text)
{
	uint8_t id[STORE_ID];
	uint64_t seq = 0;
	id_make(id, id_n);
	ck_assert_int_eq(store_msg_queue(st, peer, id, ts, text, strlen(text), &seq), 0);
	return seq;
}

static int receive(struct store *st, const uint8_t *peer, unsigned id_n, uint64_t seq, int64_t ts,
		   const char *text)
{
	uint8_t id[STORE_ID];
	int outcome = -1;
	id_make(id, id_n);
	ck_assert_int_eq(store_msg_receive(st, peer, id, seq, ts, text, strlen(text), &outcome), 0);
	return outcome;
}

static uint64_t last_in(struct store *st, const uint8_t *peer)
{
	uint64_t seq = 12345;
	ck_assert_int_eq(store_last_in(st, peer, &seq), 0);
	return seq;
}

static int state_of(struct store *st, unsigned id_n)
{
	uint8_t id[STORE_ID];
	struct store_msg m;
	id_make(id, id_n);
	ck_assert_int_eq(store_msg_get(st, id, &m), 0);
	int state = m.state;
	store_msg_clear(&m);
	return state;
}

START_TEST(queue_assigns_consecutive_seqs_per_peer)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY], b[STORE_KEY];
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	key_fill(b, sizeof b, 0xb2);
	struct store *st = open_ok(h.path);
	ck_assert_uint_eq(queue_ok(st, a, 1, 100, "one"), 1);
	ck_assert_uint_eq(queue_ok(st, a, 2, 101, "two"), 2);
	ck_assert_uint_eq(queue_ok(st, b, 3, 102, "b one"), 1);
	ck_assert_uint_eq(queue_ok(st, a, 4, 103, "three"), 3);

	struct store_msg m;
	uint8_t id[STORE_ID];
	id_make(id, 4);
	ck_assert_int_eq(store_msg_get(st, id, &m), 0);
	ck_assert_mem_eq(m.peer, a, STORE_KEY);
	ck_assert_int_eq(m.dir, STORE_DIR_OUT);
	ck_assert_uint_eq(m.seq, 3);
	ck_assert_int_eq(m.ts_ms, 103);
	ck_assert_int_eq(m.state, STORE_QUEUED);
	ck_assert_str_eq(m.text, "three");
	ck_assert_uint_eq(m.text_len, 5);
	store_msg_clear(&m);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(queue_with_a_stored_id_fails_and_consumes_no_seq)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY], id[STORE_ID];
	uint64_t seq = 77;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	id_make(id, 1);
	struct store *st = open_ok(h.path);
	ck_assert_uint_eq(queue_ok(st, a, 1, 100, "one"), 1);
	ck_assert_int_eq(store_msg_queue(st, a, id, 101, "again", 5, &seq), NERR_STORE);
	ck_assert_uint_eq(seq, 77);
	ck_assert_ptr_nonnull(strstr(store_errmsg(st), "UNIQUE"));
	ck_assert_uint_eq(queue_ok(st, a, 2, 102, "two"), 2);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(text_over_65536_bytes_is_rejected)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY], id[STORE_ID];
	uint64_t seq = 0;
	int outcome = -1;
	char *big = calloc(1, STORE_TEXT_MAX + 2);
	ck_assert_ptr_nonnull(big);
	memset(big, 'x', STORE_TEXT_MAX + 1);
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	struct store *st = open_ok(h.path);
	id_make(id, 1);
	ck_assert_int_eq(store_msg_queue(st, a, id, 1, big, STORE_TEXT_MAX + 1, &seq),
			 NERR_TOOLONG);
	ck_assert_int_eq(store_msg_receive(st, a, id, 1, 1, big, STORE_TEXT_MAX + 1, &outcome),
			 NERR_TOOLONG);
	ck_assert_int_eq(outcome, -1);
	ck_assert_int_eq(store_msg_queue(st, a, id, 1, big, STORE_TEXT_MAX, &seq), 0);
	ck_assert_uint_eq(seq, 1);

	struct store_msg m;
	ck_assert_int_eq(store_msg_get(st, id, &m), 0);
	ck_assert_uint_eq(m.text_len, STORE_TEXT_MAX);
	ck_assert_mem_eq(m.text, big, STORE_TEXT_MAX);
	ck_assert_int_eq(m.text[STORE_TEXT_MAX], '\0');
	store_msg_clear(&m);
	store_close(st);
	free(big);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(text_is_stored_byte_exact_with_its_length)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY], id[STORE_ID];
	const char text[] = "caf\xc3\xa9\0tail";
	uint64_t seq = 0;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	id_make(id, 9);
	struct store *st = open_ok(h.path);
	ck_assert_int_eq(store_msg_queue(st, a, id, 1, text, sizeof text - 1, &seq), 0);
	ck_assert_int_eq(store_msg_queue(st, a, (uint8_t[STORE_ID]){1}, 2, "", 0, &seq), 0);

	struct store_msg *ms = NULL;
	size_t n = 0;
	ck_assert_int_eq(store_history(st, a, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(ms[0].text_len, sizeof text - 1);
	ck_assert_mem_eq(ms[0].text, text, sizeof text);
	ck_assert_uint_eq(ms[1].text_len, 0);
	ck_assert_str_eq(ms[1].text, "");
	store_msgs_free(ms, n);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(receive_in_order_stores_and_advances)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY], b[STORE_KEY], id[STORE_ID];
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	key_fill(b, sizeof b, 0xb2);
	struct store *st = open_ok(h.path);
	ck_assert_uint_eq(last_in(st, a), 0);
	ck_assert_int_eq(receive(st, a, 1, 1, 500, "hello"), STORE_RX_NEW);
	ck_assert_uint_eq(last_in(st, a), 1);
	ck_assert_int_eq(receive(st, a, 2, 2, 501, "again"), STORE_RX_NEW);
	ck_assert_uint_eq(last_in(st, a), 2);
	ck_assert_uint_eq(last_in(st, b), 0);

	struct store_msg m;
	id_make(id, 2);
	ck_assert_int_eq(store_msg_get(st, id, &m), 0);
	ck_assert_int_eq(m.dir, STORE_DIR_IN);
	ck_assert_int_eq(m.state, STORE_RECEIVED);
	ck_assert_uint_eq(m.seq, 2);
	ck_assert_int_eq(m.ts_ms, 501);
	ck_assert_str_eq(m.text, "again");
	ck_assert_mem_eq(m.peer, a, STORE_KEY);
	store_msg_clear(&m);
	ck_assert_ptr_null(m.text);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(duplicate_receive_is_not_stored_twice)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY];
	struct store_msg *ms = NULL;
	size_t n = 0;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	struct store *st = open_ok(h.path);
	ck_assert_int_eq(receive(st, a, 1, 1, 500, "hello"), STORE_RX_NEW);
	ck_assert_int_eq(receive(st, a, 1, 1, 500, "hello"), STORE_RX_DUP);
	ck_assert_int_eq(receive(st, a, 2, 2, 501, "two"), STORE_RX_NEW);
	ck_assert_int_eq(receive(st, a, 1, 1, 500, "hello"), STORE_RX_DUP);
	ck_assert_uint_eq(last_in(st, a), 2);
	ck_assert_int_eq(store_history(st, a, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 2);
	store_msgs_free(ms, n);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

/* A known id under the next seq is not stored again, but the stream moves on past it. */
START_TEST(known_id_under_next_seq_is_dup_and_advances)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY];
	struct store_msg *ms = NULL;
	size_t n = 0;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	struct store *st = open_ok(h.path);
	ck_assert_int_eq(receive(st, a, 1, 1, 500, "hello"), STORE_RX_NEW);
	ck_assert_int_eq(receive(st, a, 1, 2, 501, "forged"), STORE_RX_DUP);
	ck_assert_uint_eq(last_in(st, a), 2);
	ck_assert_int_eq(receive(st, a, 3, 3, 502, "three"), STORE_RX_NEW);
	ck_assert_int_eq(store_history(st, a, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(ms[0].text, "hello");
	ck_assert_str_eq(ms[1].text, "three");
	store_msgs_free(ms, n);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(gap_is_not_stored)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY], id[STORE_ID];
	struct store_msg m;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	struct store *st = open_ok(h.path);
	ck_assert_int_eq(receive(st, a, 2, 2, 501, "two"), STORE_RX_GAP);
	ck_assert_uint_eq(last_in(st, a), 0);
	id_make(id, 2);
	ck_assert_int_eq(store_msg_get(st, id, &m), NERR_NOTFOUND);
	ck_assert_int_eq(receive(st, a, 1, 1, 500, "one"), STORE_RX_NEW);
	ck_assert_int_eq(receive(st, a, 2, 2, 501, "two"), STORE_RX_NEW);
	ck_assert_int_eq(receive(st, a, 5, UINT64_MAX, 502, "far"), STORE_RX_GAP);
	ck_assert_uint_eq(last_in(st, a), 2);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(ack_removes_outbox_rows_up_to_seq_and_marks_delivered)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY], b[STORE_KEY];
	struct store_msg *ms = NULL;
	size_t n = 0, removed = 99;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	key_fill(b, sizeof b, 0xb2);
	struct store *st = open_ok(h.path);
	queue_ok(st, a, 1, 100, "one");
	queue_ok(st, a, 2, 101, "two");
	queue_ok(st, a, 3, 102, "three");
	queue_ok(st, b, 4, 103, "b one");

	ck_assert_int_eq(store_outbox_ack(st, a, 2, &removed), 0);
	ck_assert_uint_eq(removed, 2);
	ck_assert_int_eq(state_of(st, 1), STORE_DELIVERED);
	ck_assert_int_eq(state_of(st, 2), STORE_DELIVERED);
	ck_assert_int_eq(state_of(st, 3), STORE_QUEUED);
	ck_assert_int_eq(state_of(st, 4), STORE_QUEUED);

	ck_assert_int_eq(store_outbox_list(st, a, &ms, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(ms[0].seq, 3);
	store_msgs_free(ms, n);

	ck_assert_int_eq(store_outbox_ack(st, a, 2, &removed), 0);
	ck_assert_uint_eq(removed, 0);
	ck_assert_int_eq(store_outbox_ack(st, a, UINT64_MAX, &removed), 0);
	ck_assert_uint_eq(removed, 1);
	ck_assert_int_eq(store_outbox_list(st, a, &ms, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(ms);
	ck_assert_int_eq(state_of(st, 4), STORE_QUEUED);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(outbox_lists_every_peer_by_peer_then_seq)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY], b[STORE_KEY];
	struct store_msg *ms = NULL;
	size_t n = 0;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	key_fill(b, sizeof b, 0x0b);
	struct store *st = open_ok(h.path);
	queue_ok(st, a, 1, 300, "a1");
	queue_ok(st, b, 2, 200, "b1");
	queue_ok(st, a, 3, 100, "a2");
	queue_ok(st, b, 4, 50, "b2");
	ck_assert_int_eq(store_outbox_list(st, NULL, &ms, &n), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(ms[0].text, "b1");
	ck_assert_str_eq(ms[1].text, "b2");
	ck_assert_str_eq(ms[2].text, "a1");
	ck_assert_str_eq(ms[3].text, "a2");
	ck_assert_uint_eq(ms[3].seq, 2);
	ck_assert_uint_eq(ms[3].attempts, 0);
	store_msgs_free(ms, n);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(attempt_counts_tries_and_marks_sent)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY], id[STORE_ID], other[STORE_ID];
	struct store_msg m;
	size_t removed = 0;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	id_make(id, 1);
	id_make(other, 42);
	struct store *st = open_ok(h.path);
	queue_ok(st, a, 1, 100, "one");
	ck_assert_int_eq(store_outbox_attempt(st, id, 1000), 0);
	ck_assert_int_eq(store_outbox_attempt(st, id, 2000), 0);
	ck_assert_int_eq(store_msg_get(st, id, &m), 0);
	ck_assert_int_eq(m.state, STORE_SENT);
	ck_assert_uint_eq(m.attempts, 2);
	ck_assert_int_eq(m.last_attempt_ms, 2000);
	store_msg_clear(&m);
	ck_assert_int_eq(store_outbox_attempt(st, other, 3000), NERR_NOTFOUND);

	ck_assert_int_eq(store_outbox_ack(st, a, 1, &removed), 0);
	ck_assert_int_eq(store_outbox_attempt(st, id, 3000), NERR_NOTFOUND);
	ck_assert_int_eq(state_of(st, 1), STORE_DELIVERED);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(reopen_keeps_outbox_and_counters)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY], id[STORE_ID];
	struct store_msg *ms = NULL;
	size_t n = 0;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	struct store *st = open_ok(h.path);
	queue_ok(st, a, 1, 100, "one");
	queue_ok(st, a, 2, 101, "two");
	id_make(id, 1);
	ck_assert_int_eq(store_outbox_attempt(st, id, 555), 0);
	ck_assert_int_eq(receive(st, a, 10, 1, 102, "in"), STORE_RX_NEW);
	store_close(st);

	st = open_ok(h.path);
	ck_assert_int_eq(store_outbox_list(st, a, &ms, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(ms[0].text, "one");
	ck_assert_uint_eq(ms[0].attempts, 1);
	ck_assert_int_eq(ms[0].last_attempt_ms, 555);
	ck_assert_int_eq(ms[0].state, STORE_SENT);
	ck_assert_str_eq(ms[1].text, "two");
	store_msgs_free(ms, n);
	ck_assert_uint_eq(queue_ok(st, a, 3, 103, "three"), 3);
	ck_assert_uint_eq(last_in(st, a), 1);
	ck_assert_int_eq(receive(st, a, 10, 1, 102, "in"), STORE_RX_DUP);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(history_returns_last_n_oldest_first)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY], b[STORE_KEY];
	struct store_msg *ms = NULL;
	size_t n = 0;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	key_fill(b, sizeof b, 0xb2);
	struct store *st = open_ok(h.path);
	/* Stored in this order; by timestamp: in1 (50), out1 (100), out2 (200), in2 (200). */
	queue_ok(st, a, 1, 100, "out1");
	ck_assert_int_eq(receive(st, a, 2, 1, 50, "in1"), STORE_RX_NEW);
	queue_ok(st, a, 3, 200, "out2");
	ck_assert_int_eq(receive(st, a, 4, 2, 200, "in2"), STORE_RX_NEW);
	queue_ok(st, b, 5, 150, "other peer");

	ck_assert_int_eq(store_history(st, a, 3, &ms, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(ms[0].text, "out1");
	ck_assert_str_eq(ms[1].text, "out2");
	ck_assert_str_eq(ms[2].text, "in2");
	ck_assert_int_eq(ms[2].dir, STORE_DIR_IN);
	store_msgs_free(ms, n);

	ck_assert_int_eq(store_history(st, a, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(ms[0].text, "in1");
	ck_assert_int_eq(ms[0].state, STORE_RECEIVED);
	ck_assert_str_eq(ms[1].text, "out1");
	ck_assert_int_eq(ms[1].state, STORE_QUEUED);
	store_msgs_free(ms, n);

	ck_assert_int_eq(store_history(st, a, 100, &ms, &n), 0);
	ck_assert_uint_eq(n, 4);
	store_msgs_free(ms, n);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

static struct store_peer peer_make(uint8_t k, const char *nick, const char *host, uint16_t port,
				   int64_t seen)
{
	struct store_peer p = {0};
	key_fill(p.key, sizeof p.key, k);
	snprintf(p.nick, sizeof p.nick, "%s", nick);
	snprintf(p.host, sizeof p.host, "%s", host);
	p.port = port;
	p.last_seen_ms = seen;
	return p;
}

START_TEST(peer_upsert_keeps_verified_and_first_seen)
{
	struct tmp_home h;
	struct store_peer p = peer_make(0xa1, "alice", "192.0.2.1", 4000, 1000), got;
	tmp_home_init(&h);
	struct store *st = open_ok(h.path);
	ck_assert_int_eq(store_peer_upsert(st, &p), 0);
	ck_assert_int_eq(store_peer_set_verified(st, p.key, 1), 0);
	ck_assert_int_eq(store_peer_set_alias(st, p.key, "al"), 0);

	p = peer_make(0xa1, "alice2", "2001:db8::1", 4001, 2000);
	p.first_seen_ms = 1;
	ck_assert_int_eq(store_peer_upsert(st, &p), 0);
	ck_assert_int_eq(store_peer_get(st, p.key, &got), 0);
	ck_assert_mem_eq(got.key, p.key, STORE_KEY);
	ck_assert_str_eq(got.nick, "alice2");
	ck_assert_str_eq(got.host, "2001:db8::1");
	ck_assert_uint_eq(got.port, 4001);
	ck_assert_int_eq(got.first_seen_ms, 1000);
	ck_assert_int_eq(got.last_seen_ms, 2000);
	ck_assert_int_eq(got.verified, 1);
	ck_assert_str_eq(got.alias, "al");

	ck_assert_int_eq(store_peer_set_alias(st, p.key, ""), 0);
	ck_assert_int_eq(store_peer_set_verified(st, p.key, 0), 0);
	ck_assert_int_eq(store_peer_get(st, p.key, &got), 0);
	ck_assert_str_eq(got.alias, "");
	ck_assert_int_eq(got.verified, 0);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(peer_list_is_ordered_by_nick_then_key)
{
	struct tmp_home h;
	struct store_peer ps[] = {
	    peer_make(0x03, "bob", "192.0.2.3", 1, 10),
	    peer_make(0x02, "alice", "192.0.2.2", 2, 20),
	    peer_make(0x01, "bob", "192.0.2.1", 3, 30),
	};
	struct store_peer *list = NULL;
	size_t n = 0;
	tmp_home_init(&h);
	struct store *st = open_ok(h.path);
	ck_assert_int_eq(store_peer_list(st, &list, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(list);
	for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++)
		ck_assert_int_eq(store_peer_upsert(st, &ps[i]), 0);
	ck_assert_int_eq(store_peer_list(st, &list, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(list[0].nick, "alice");
	ck_assert_str_eq(list[1].nick, "bob");
	ck_assert_uint_eq(list[1].key[0], 0x01);
	ck_assert_str_eq(list[2].nick, "bob");
	ck_assert_uint_eq(list[2].key[0], 0x03);
	ck_assert_int_eq(list[2].first_seen_ms, 10);
	free(list);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(peer_unknown_or_overlong_is_refused)
{
	struct tmp_home h;
	struct store_peer p = peer_make(0xa1, "alice", "192.0.2.1", 4000, 1000), got;
	struct store_peer sentinel;
	memset(&sentinel, 0x5a, sizeof sentinel);
	got = sentinel;
	tmp_home_init(&h);
	struct store *st = open_ok(h.path);
	ck_assert_int_eq(store_peer_get(st, p.key, &got), NERR_NOTFOUND);
	ck_assert_mem_eq(&got, &sentinel, sizeof got);
	ck_assert_int_eq(store_peer_set_verified(st, p.key, 1), NERR_NOTFOUND);
	ck_assert_int_eq(store_peer_set_alias(st, p.key, "x"), NERR_NOTFOUND);

	memset(p.nick, 'n', sizeof p.nick);
	ck_assert_int_eq(store_peer_upsert(st, &p), NERR_TOOLONG);
	memset(p.nick, 'n', STORE_NICK_MAX);
	p.nick[STORE_NICK_MAX] = '\0';
	ck_assert_int_eq(store_peer_upsert(st, &p), 0);
	ck_assert_int_eq(store_peer_set_alias(st, p.key, "123456789012345678901234567890123"),
			 NERR_TOOLONG);
	ck_assert_int_eq(store_peer_get(st, p.key, &got), 0);
	ck_assert_uint_eq(strlen(got.nick), STORE_NICK_MAX);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(meta_get_returns_the_value_set)
{
	struct tmp_home h;
	char buf[16] = "untouched";
	tmp_home_init(&h);
	struct store *st = open_ok(h.path);
	ck_assert_int_eq(store_meta_get(st, "nick", buf, sizeof buf), NERR_NOTFOUND);
	ck_assert_str_eq(buf, "untouched");
	ck_assert_int_eq(store_meta_set(st, "nick", "alice"), 0);
	ck_assert_int_eq(store_meta_set(st, "nick", "alicia"), 0);
	ck_assert_int_eq(store_meta_get(st, "nick", buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "alicia");
	ck_assert_int_eq(store_meta_get(st, "nick", buf, 6), NERR_TOOLONG);
	ck_assert_str_eq(buf, "alicia");
	ck_assert_int_eq(store_meta_get(st, "nick", buf, 7), 0);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(opening_a_newer_schema_version_fails)
{
	struct tmp_home h;
	struct store *st = NULL;
	tmp_home_init(&h);
	st = open_ok(h.path);
	store_close(st);
	ck_assert_int_ge(raw_int(h.path, "PRAGMA user_version"), 1);
	raw_exec(h.path, "PRAGMA user_version = 99");
	st = (struct store *)&h; /* a sentinel: must stay as it is */
	ck_assert_int_eq(store_open(&st, h.path), NERR_VERSION);
	ck_assert_ptr_eq(st, (struct store *)&h);
	/* And it says so, with both versions. */
	char why[128];
	const char *want = "schema version 99; this natter knows up to ";
	ck_assert_int_eq(store_open_why(&st, h.path, why, sizeof why), NERR_VERSION);
	ck_assert_msg(strncmp(why, want, strlen(want)) == 0, "why: %s", why);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(opening_a_file_that_is_not_a_database_fails)
{
	struct tmp_home h;
	struct store *st = NULL;
	tmp_home_init(&h);
	FILE *f = fopen(h.path, "w");
	ck_assert_ptr_nonnull(f);
	for (int i = 0; i < 200; i++)
		fputs("not a database ", f);
	fclose(f);
	ck_assert_int_eq(store_open(&st, h.path), NERR_STORE);
	ck_assert_ptr_null(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(store_file_mode_is_0600)
{
	struct tmp_home h;
	struct stat sb;
	uint8_t a[STORE_KEY];
	mode_t old = umask(0);
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	struct store *st = open_ok(h.path);
	queue_ok(st, a, 1, 100, "one");
	ck_assert_int_eq(stat(h.path, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 07777, 0600);
	stat_wal(&h, &sb);
	ck_assert_uint_eq(sb.st_mode & 07777, 0600);
	store_close(st);
	umask(old);
	tmp_home_clear(&h);
}
END_TEST

/* Two processes make the same new store at the same moment (`natter --id` beside a starting
 * node): both open it. SQLite's switch to WAL does not wait for the other by itself. */
START_TEST(two_processes_opening_a_new_store_at_once_both_succeed)
{
	for (int round = 0; round < 20; round++) {
		struct tmp_home h;
		int go[2];
		tmp_home_init(&h);
		ck_assert_int_eq(pipe(go), 0);
		pid_t child = fork();
		ck_assert_int_ge(child, 0);
		char c;
		if (child == 0) {
			struct store *st = NULL;
			close(go[1]);
			if (read(go[0], &c, 1) != 0) /* released when the parent closes it */
				_exit(3);
			int r = store_open(&st, h.path);
			store_close(st);
			_exit(r == 0 ? 0 : 1);
		}
		close(go[0]);
		close(go[1]); /* both start now */
		struct store *st = NULL;
		int r = store_open(&st, h.path);
		store_close(st);
		int status = 0;
		ck_assert_int_eq(waitpid(child, &status, 0), child);
		ck_assert_msg(r == 0, "round %d: this process could not open the new store", round);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			      "round %d: the other process could not open the new store", round);
		tmp_home_clear(&h);
	}
}
END_TEST

START_TEST(existing_file_is_made_private_and_journal_is_wal)
{
	struct tmp_home h;
	struct stat sb;
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	tmp_home_init(&h);
	FILE *f = fopen(h.path, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	ck_assert_int_eq(chmod(h.path, 0644), 0);
	struct store *st = open_ok(h.path);
	ck_assert_int_eq(stat(h.path, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 07777, 0600);

	ck_assert_int_eq(sqlite3_open_v2(h.path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
	ck_assert_str_eq((const char *)sqlite3_column_text(s, 0), "wal");
	sqlite3_finalize(s);
	sqlite3_close(db);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(batch_groups_several_receives)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY];
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	struct store *st = open_ok(h.path);
	ck_assert_int_eq(store_batch_begin(st), 0);
	ck_assert_int_eq(receive(st, a, 1, 1, 500, "one"), STORE_RX_NEW);
	ck_assert_int_eq(receive(st, a, 2, 2, 501, "two"), STORE_RX_NEW);
	ck_assert_int_eq(receive(st, a, 2, 2, 501, "two"), STORE_RX_DUP);
	ck_assert_int_eq(receive(st, a, 3, 3, 502, "three"), STORE_RX_NEW);
	ck_assert_uint_eq(last_in(st, a), 3);
	/* Another connection sees nothing until the one commit. */
	ck_assert_int_eq(raw_int(h.path, "SELECT count(*) FROM messages"), 0);
	ck_assert_int_eq(store_batch_commit(st), 0);
	ck_assert_int_eq(raw_int(h.path, "SELECT count(*) FROM messages"), 3);
	ck_assert_int_eq(raw_int(h.path, "SELECT last_in FROM seqs"), 3);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(failed_write_inside_batch_undoes_only_itself)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY], id[STORE_ID];
	uint64_t seq = 0;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	id_make(id, 1);
	struct store *st = open_ok(h.path);
	ck_assert_int_eq(store_batch_begin(st), 0);
	ck_assert_int_eq(receive(st, a, 1, 1, 500, "in"), STORE_RX_NEW);
	ck_assert_int_eq(store_msg_queue(st, a, id, 501, "clash", 5, &seq), NERR_STORE);
	ck_assert_uint_eq(queue_ok(st, a, 2, 502, "out"), 1);
	ck_assert_int_eq(store_batch_commit(st), 0);
	ck_assert_int_eq(raw_int(h.path, "SELECT count(*) FROM messages"), 2);
	ck_assert_int_eq(raw_int(h.path, "SELECT count(*) FROM outbox"), 1);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

/* A writer that fails after it changed a row (here the outbox row is refused
 * by a trigger, after the message row went in) cannot leave half of itself:
 * the whole batch goes, later writers are refused, and the commit fails. */
START_TEST(a_writer_failing_half_way_takes_the_batch_with_it)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY], id[STORE_ID];
	uint64_t seq = 0;
	int outcome = 0;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	struct store *st = open_ok(h.path);
	store_close(st);
	raw_exec(h.path, "CREATE TRIGGER no_outbox BEFORE INSERT ON outbox"
			 " WHEN (SELECT text FROM messages WHERE n = NEW.msg) = 'refused'"
			 " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;");
	st = open_ok(h.path);
	ck_assert_int_eq(store_batch_begin(st), 0);
	ck_assert_int_eq(receive(st, a, 1, 1, 500, "in"), STORE_RX_NEW);
	id_make(id, 9);
	ck_assert_int_eq(store_msg_queue(st, a, id, 501, "refused", 7, &seq), NERR_STORE);
	id_make(id, 10);
	ck_assert_int_eq(store_msg_queue(st, a, id, 502, "later", 5, &seq), NERR_STORE);
	ck_assert_int_ne(store_msg_receive(st, a, id, 2, 503, "x", 1, &outcome), 0);
	ck_assert_int_ne(store_batch_commit(st), 0);
	ck_assert_int_eq(raw_int(h.path, "SELECT count(*) FROM messages"), 0);
	ck_assert_int_eq(raw_int(h.path, "SELECT count(*) FROM outbox"), 0);
	ck_assert_uint_eq(last_in(st, a), 0);
	/* The store works on: the next batch commits. */
	ck_assert_int_eq(store_batch_begin(st), 0);
	ck_assert_int_eq(receive(st, a, 1, 1, 500, "in"), STORE_RX_NEW);
	ck_assert_int_eq(store_batch_commit(st), 0);
	ck_assert_uint_eq(last_in(st, a), 1);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(batch_rollback_discards_every_write)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY];
	struct store_msg *ms = NULL;
	size_t n = 0;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	struct store *st = open_ok(h.path);
	ck_assert_int_eq(store_batch_commit(st), NERR_INTERNAL);
	ck_assert_int_eq(store_batch_rollback(st), NERR_INTERNAL);
	ck_assert_int_eq(store_batch_begin(st), 0);
	ck_assert_int_eq(store_batch_begin(st), NERR_INTERNAL);
	ck_assert_int_eq(receive(st, a, 1, 1, 500, "in"), STORE_RX_NEW);
	queue_ok(st, a, 2, 501, "out");
	ck_assert_int_eq(store_batch_rollback(st), 0);
	ck_assert_uint_eq(last_in(st, a), 0);
	ck_assert_int_eq(store_history(st, a, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(queue_ok(st, a, 2, 501, "out"), 1);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(state_names_match_the_spec)
{
	ck_assert_str_eq(store_state_name(STORE_QUEUED), "queued");
	ck_assert_str_eq(store_state_name(STORE_SENT), "sent");
	ck_assert_str_eq(store_state_name(STORE_DELIVERED), "delivered");
	ck_assert_str_eq(store_state_name(STORE_RECEIVED), "received");
	ck_assert_str_eq(store_state_name(STORE_READ), "read");
	ck_assert_str_eq(store_state_name(-1), "unknown");
	ck_assert_str_eq(store_state_name(7), "unknown");
}
END_TEST

START_TEST(close_of_null_is_a_noop)
{
	store_close(NULL);
	store_msgs_free(NULL, 3);
	store_msg_clear(NULL);
}
END_TEST

static uint64_t last_out(struct store *st, const uint8_t *peer)
{
	uint64_t seq = 12345;
	ck_assert_int_eq(store_last_out(st, peer, &seq), 0);
	return seq;
}

/* The seq under which message id_n is stored now. */
static uint64_t seq_of(struct store *st, unsigned id_n)
{
	uint8_t id[STORE_ID];
	struct store_msg m;
	id_make(id, id_n);
	ck_assert_int_eq(store_msg_get(st, id, &m), 0);
	uint64_t seq = m.seq;
	store_msg_clear(&m);
	return seq;
}

/* Queue n messages to peer with ids first.., texts "m<id>"; they get the next n seqs. */
static void queue_many(struct store *st, const uint8_t *peer, unsigned first, unsigned n)
{
	char text[16];
	for (unsigned i = 0; i < n; i++) {
		snprintf(text, sizeof text, "m%u", first + i);
		queue_ok(st, peer, first + i, 100 + (int64_t)i, text);
	}
}

static size_t outbox_count(struct store *st, const uint8_t *peer)
{
	struct store_msg *ms = NULL;
	size_t n = 0;
	ck_assert_int_eq(store_outbox_list(st, peer, &ms, &n), 0);
	store_msgs_free(ms, n);
	return n;
}

START_TEST(last_out_of_an_unknown_peer_is_zero)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY], b[STORE_KEY];
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	key_fill(b, sizeof b, 0xb2);
	struct store *st = open_ok(h.path);
	ck_assert_uint_eq(last_out(st, a), 0);
	/* A peer we only received from has a seqs row but nothing sent. */
	ck_assert_int_eq(receive(st, b, 1, 1, 500, "in"), STORE_RX_NEW);
	ck_assert_uint_eq(last_out(st, b), 0);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(last_out_counts_the_messages_queued_to_each_peer_alone)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY], b[STORE_KEY];
	size_t removed = 0;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	key_fill(b, sizeof b, 0xb2);
	struct store *st = open_ok(h.path);
	queue_many(st, a, 1, 3);
	ck_assert_uint_eq(last_out(st, a), 3);
	ck_assert_uint_eq(last_out(st, b), 0);
	queue_many(st, b, 10, 2);
	queue_ok(st, a, 20, 200, "four");
	ck_assert_uint_eq(last_out(st, a), 4);
	ck_assert_uint_eq(last_out(st, b), 2);
	/* Acks and receives do not move it. */
	ck_assert_int_eq(store_outbox_ack(st, a, 4, &removed), 0);
	ck_assert_int_eq(receive(st, a, 30, 1, 300, "in"), STORE_RX_NEW);
	ck_assert_uint_eq(last_out(st, a), 4);
	store_close(st);
	st = open_ok(h.path);
	ck_assert_uint_eq(last_out(st, a), 4);
	ck_assert_uint_eq(last_out(st, b), 2);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(outbox_range_returns_outbox_messages_after_after_up_to_upto_in_seq_order)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY];
	struct store_msg *ms = NULL;
	size_t n = 0, removed = 0;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	struct store *st = open_ok(h.path);
	queue_many(st, a, 1, 6); /* seqs 1..6 */
	ck_assert_int_eq(store_outbox_ack(st, a, 2, &removed), 0);
	ck_assert_int_eq(receive(st, a, 50, 1, 100, "in1"), STORE_RX_NEW);
	ck_assert_int_eq(receive(st, a, 51, 2, 100, "in2"), STORE_RX_NEW);
	ck_assert_int_eq(receive(st, a, 52, 3, 100, "in3"), STORE_RX_NEW);
	ck_assert_int_eq(receive(st, a, 53, 4, 100, "in4"), STORE_RX_NEW);

	/* 1 and 2 are delivered, so (0, 5] in the outbox is 3, 4, 5; received ones never. */
	ck_assert_int_eq(store_outbox_range(st, a, 0, 5, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 3);
	for (size_t i = 0; i < n; i++) {
		char want[24];
		snprintf(want, sizeof want, "m%zu", i + 3);
		ck_assert_uint_eq(ms[i].seq, i + 3);
		ck_assert_str_eq(ms[i].text, want);
		ck_assert_int_eq(ms[i].dir, STORE_DIR_OUT);
		ck_assert_int_eq(ms[i].state, STORE_QUEUED);
	}
	store_msgs_free(ms, n);

	/* after is excluded, upto included. */
	ck_assert_int_eq(store_outbox_range(st, a, 3, 4, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(ms[0].seq, 4);
	store_msgs_free(ms, n);

	ck_assert_int_eq(store_outbox_range(st, a, 4, UINT64_MAX, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(ms[0].seq, 5);
	ck_assert_uint_eq(ms[1].seq, 6);
	store_msgs_free(ms, n);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(outbox_range_returns_at_most_limit_lowest_seqs_first)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY];
	struct store_msg *ms = NULL;
	size_t n = 0;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	struct store *st = open_ok(h.path);
	queue_many(st, a, 1, 5);
	ck_assert_int_eq(store_outbox_range(st, a, 1, 5, 2, &ms, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(ms[0].seq, 2);
	ck_assert_uint_eq(ms[1].seq, 3);
	store_msgs_free(ms, n);
	ck_assert_int_eq(store_outbox_range(st, a, 0, 5, 1, &ms, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(ms[0].seq, 1);
	store_msgs_free(ms, n);
	ck_assert_int_eq(store_outbox_range(st, a, 0, 5, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 5);
	store_msgs_free(ms, n);
	ck_assert_int_eq(store_outbox_range(st, a, 0, 5, 100, &ms, &n), 0);
	ck_assert_uint_eq(n, 5);
	store_msgs_free(ms, n);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(outbox_range_never_returns_another_peers_messages)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY], b[STORE_KEY];
	struct store_msg *ms = NULL;
	size_t n = 0;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	key_fill(b, sizeof b, 0xb2);
	struct store *st = open_ok(h.path);
	queue_many(st, b, 1, 3);
	queue_many(st, a, 10, 2);
	queue_many(st, b, 20, 2);
	ck_assert_int_eq(store_outbox_range(st, a, 0, UINT64_MAX, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 2);
	for (size_t i = 0; i < n; i++)
		ck_assert_mem_eq(ms[i].peer, a, STORE_KEY);
	ck_assert_str_eq(ms[0].text, "m10");
	ck_assert_str_eq(ms[1].text, "m11");
	store_msgs_free(ms, n);
	ck_assert_int_eq(store_outbox_range(st, b, 0, UINT64_MAX, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 5);
	for (size_t i = 0; i < n; i++)
		ck_assert_mem_eq(ms[i].peer, b, STORE_KEY);
	store_msgs_free(ms, n);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(outbox_range_that_holds_nothing_gives_zero_and_null)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY], b[STORE_KEY];
	struct store_msg *ms = (struct store_msg *)&h; /* a sentinel: must become NULL */
	size_t n = 99;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	key_fill(b, sizeof b, 0xb2);
	struct store *st = open_ok(h.path);
	ck_assert_int_eq(store_outbox_range(st, a, 0, UINT64_MAX, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(ms);
	queue_many(st, a, 1, 3);
	queue_many(st, b, 10, 6);
	const uint64_t ranges[][2] = {{3, 10}, {2, 2}, {4, 1}, {0, 0}, {UINT64_MAX, UINT64_MAX}};
	for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
		ms = (struct store_msg *)&h;
		n = 99;
		ck_assert_int_eq(store_outbox_range(st, a, ranges[i][0], ranges[i][1], 0, &ms, &n),
				 0);
		ck_assert_uint_eq(n, 0);
		ck_assert_ptr_null(ms);
	}
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(renumber_moves_outbox_messages_to_after_plus_one_in_order)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY], b[STORE_KEY];
	struct store_msg *ms = NULL;
	size_t n = 0, removed = 0, count = 99;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	key_fill(b, sizeof b, 0xb2);
	struct store *st = open_ok(h.path);
	queue_many(st, a, 1, 5); /* seqs 1..5 */
	queue_many(st, b, 10, 2);
	ck_assert_int_eq(store_outbox_ack(st, a, 2, &removed), 0);

	ck_assert_int_eq(store_outbox_renumber(st, a, 10, &count), 0);
	ck_assert_uint_eq(count, 3);
	ck_assert_uint_eq(last_out(st, a), 13);
	ck_assert_int_eq(store_outbox_list(st, a, &ms, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(ms[0].text, "m3");
	ck_assert_uint_eq(ms[0].seq, 11);
	ck_assert_str_eq(ms[1].text, "m4");
	ck_assert_uint_eq(ms[1].seq, 12);
	ck_assert_str_eq(ms[2].text, "m5");
	ck_assert_uint_eq(ms[2].seq, 13);
	store_msgs_free(ms, n);

	/* Delivered history keeps its seqs and state. */
	ck_assert_uint_eq(seq_of(st, 1), 1);
	ck_assert_uint_eq(seq_of(st, 2), 2);
	ck_assert_int_eq(state_of(st, 1), STORE_DELIVERED);
	ck_assert_int_eq(state_of(st, 2), STORE_DELIVERED);
	/* The other peer is untouched. */
	ck_assert_uint_eq(seq_of(st, 10), 1);
	ck_assert_uint_eq(seq_of(st, 11), 2);
	ck_assert_uint_eq(last_out(st, b), 2);
	/* The next message continues after the renumbered ones. */
	ck_assert_uint_eq(queue_ok(st, a, 20, 300, "next"), 14);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(renumber_onto_seqs_overlapping_the_old_ones_succeeds)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY];
	struct store_msg *ms = NULL;
	size_t n = 0, count = 99;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	struct store *st = open_ok(h.path);
	queue_many(st, a, 1, 5); /* seqs 1..5 */
	ck_assert_int_eq(store_outbox_renumber(st, a, 2, &count), 0);
	ck_assert_uint_eq(count, 5);
	ck_assert_uint_eq(last_out(st, a), 7);
	ck_assert_int_eq(store_outbox_list(st, a, &ms, &n), 0);
	ck_assert_uint_eq(n, 5);
	for (size_t i = 0; i < n; i++) {
		char want[24];
		snprintf(want, sizeof want, "m%zu", i + 1);
		ck_assert_str_eq(ms[i].text, want);
		ck_assert_uint_eq(ms[i].seq, i + 3);
	}
	store_msgs_free(ms, n);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(renumber_called_again_renumbers_again)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY];
	struct store_msg *ms = NULL;
	size_t n = 0, count = 99;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	struct store *st = open_ok(h.path);
	queue_many(st, a, 1, 3);
	ck_assert_int_eq(store_outbox_renumber(st, a, 10, &count), 0);
	ck_assert_uint_eq(count, 3);
	queue_ok(st, a, 4, 200, "m4"); /* 14 */
	count = 99;
	ck_assert_int_eq(store_outbox_renumber(st, a, 20, &count), 0);
	ck_assert_uint_eq(count, 4);
	ck_assert_uint_eq(last_out(st, a), 24);
	ck_assert_int_eq(store_outbox_list(st, a, &ms, &n), 0);
	ck_assert_uint_eq(n, 4);
	for (size_t i = 0; i < n; i++) {
		char want[24];
		snprintf(want, sizeof want, "m%zu", i + 1);
		ck_assert_str_eq(ms[i].text, want);
		ck_assert_uint_eq(ms[i].seq, i + 21);
	}
	store_msgs_free(ms, n);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(renumber_of_an_empty_outbox_sets_the_counter_to_after)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY];
	size_t count = 99;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	struct store *st = open_ok(h.path);
	ck_assert_int_eq(store_outbox_renumber(st, a, 7, &count), 0);
	ck_assert_uint_eq(count, 0);
	ck_assert_uint_eq(last_out(st, a), 7);
	ck_assert_uint_eq(queue_ok(st, a, 1, 100, "next"), 8);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

/* The log stays when the last connection closes, at its size: a restarted node rewrites
 * its blocks instead of growing a new file (docs/performance.md), and it is private. */
START_TEST(store_close_keeps_the_log_file)
{
	struct tmp_home h;
	struct stat sb;
	uint8_t a[STORE_KEY];
	mode_t old = umask(0);
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	struct store *st = open_ok(h.path);
	queue_many(st, a, 1, 50);
	store_close(st);
	stat_wal(&h, &sb);
	ck_assert_int_gt(sb.st_size, 4096);
	ck_assert_uint_eq(sb.st_mode & 07777, 0600);
	off_t size = sb.st_size;
	/* Everything is in the database file too: reopened, the rows are there. */
	st = open_ok(h.path);
	ck_assert_uint_eq(outbox_count(st, a), 50);
	store_close(st);
	stat_wal(&h, &sb);
	ck_assert_int_ge(sb.st_size, size);
	umask(old);
	tmp_home_clear(&h);
}
END_TEST

/* A node's start marks each peer's counter; a later start keeps the older mark
 * until the peer's first ACK clears it; a peer with no counter has none. */
START_TEST(boot_out_mark_keeps_the_oldest_counter_until_cleared)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY], b[STORE_KEY], c[STORE_KEY];
	uint64_t v = 99;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	key_fill(b, sizeof b, 0xb2);
	key_fill(c, sizeof c, 0xc3);
	struct store *st = open_ok(h.path);
	queue_many(st, a, 1, 3); /* seqs 1..3 */
	queue_many(st, b, 10, 1);
	ck_assert_int_eq(store_boot_out_get(st, a, &v), NERR_NOTFOUND);
	ck_assert_int_eq(store_boot_out_mark(st), 0);
	ck_assert_int_eq(store_boot_out_get(st, a, &v), 0);
	ck_assert_uint_eq(v, 3);
	ck_assert_int_eq(store_boot_out_get(st, b, &v), 0);
	ck_assert_uint_eq(v, 1);
	ck_assert_int_eq(store_boot_out_get(st, c, &v), NERR_NOTFOUND);
	ck_assert_int_eq(store_boot_out_clear(st, c), 0); /* unknown: nothing to clear */

	/* More queued, then a second start before a answered: 3 stays. */
	queue_many(st, a, 20, 2);
	store_close(st);
	st = open_ok(h.path);
	ck_assert_int_eq(store_boot_out_mark(st), 0);
	ck_assert_int_eq(store_boot_out_get(st, a, &v), 0);
	ck_assert_uint_eq(v, 3);

	/* a answered: cleared (inside a batch, as the node does), and the next start marks 5. */
	ck_assert_int_eq(store_batch_begin_light(st), 0);
	ck_assert_int_eq(store_boot_out_clear(st, a), 0);
	ck_assert_int_eq(store_batch_commit(st), 0);
	ck_assert_int_eq(store_boot_out_get(st, a, &v), NERR_NOTFOUND);
	ck_assert_int_eq(store_boot_out_get(st, b, &v), 0);
	ck_assert_uint_eq(v, 1);
	ck_assert_int_eq(store_boot_out_mark(st), 0);
	ck_assert_int_eq(store_boot_out_get(st, a, &v), 0);
	ck_assert_uint_eq(v, 5);
	/* Not inside a batch: a mark must be on disk before anything is queued. */
	ck_assert_int_eq(store_batch_begin(st), 0);
	ck_assert_int_eq(store_boot_out_mark(st), NERR_INTERNAL);
	ck_assert_int_eq(store_batch_rollback(st), 0);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

/* New seqs that clash with delivered history fail the whole renumber: nothing moves. */
START_TEST(renumber_that_fails_changes_nothing)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY];
	size_t removed = 0, count = 99;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	struct store *st = open_ok(h.path);
	queue_many(st, a, 1, 5);
	ck_assert_int_eq(store_outbox_ack(st, a, 2, &removed), 0);
	ck_assert_int_eq(store_outbox_renumber(st, a, 0, &count), NERR_STORE);
	ck_assert_uint_eq(count, 99);
	for (unsigned i = 1; i <= 5; i++)
		ck_assert_uint_eq(seq_of(st, i), i);
	ck_assert_uint_eq(last_out(st, a), 5);
	ck_assert_uint_eq(outbox_count(st, a), 3);
	/* No transaction was left open: the next write is durable on its own. */
	ck_assert_uint_eq(queue_ok(st, a, 6, 200, "m6"), 6);
	ck_assert_int_eq(raw_int(h.path, "SELECT count(*) FROM outbox"), 4);
	ck_assert_int_eq(raw_int(h.path, "SELECT max(seq) FROM messages"), 6);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(requeue_puts_delivered_messages_back_in_the_outbox_as_sent)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY];
	struct store_msg *ms = NULL;
	size_t n = 0, removed = 0, count = 99;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	struct store *st = open_ok(h.path);
	queue_many(st, a, 1, 5);
	ck_assert_int_eq(receive(st, a, 50, 3, 100, "in"), STORE_RX_GAP);
	ck_assert_int_eq(receive(st, a, 50, 1, 100, "in1"), STORE_RX_NEW);
	ck_assert_int_eq(receive(st, a, 51, 2, 100, "in2"), STORE_RX_NEW);
	ck_assert_int_eq(receive(st, a, 52, 3, 100, "in3"), STORE_RX_NEW);
	ck_assert_int_eq(store_outbox_ack(st, a, 5, &removed), 0);
	ck_assert_uint_eq(removed, 5);
	ck_assert_uint_eq(outbox_count(st, a), 0);

	ck_assert_int_eq(store_outbox_requeue(st, a, 2, 4, &count), 0);
	ck_assert_uint_eq(count, 3);
	ck_assert_int_eq(store_outbox_list(st, a, &ms, &n), 0);
	ck_assert_uint_eq(n, 3);
	for (size_t i = 0; i < n; i++) {
		char want[24];
		snprintf(want, sizeof want, "m%zu", i + 2);
		ck_assert_uint_eq(ms[i].seq, i + 2);
		ck_assert_str_eq(ms[i].text, want);
		ck_assert_int_eq(ms[i].dir, STORE_DIR_OUT);
		ck_assert_int_eq(ms[i].state, STORE_SENT);
		ck_assert_str_eq(store_state_name(ms[i].state), "sent");
	}
	store_msgs_free(ms, n);
	ck_assert_int_eq(state_of(st, 1), STORE_DELIVERED);
	ck_assert_int_eq(state_of(st, 5), STORE_DELIVERED);
	/* Received messages with the same seqs are not outgoing: untouched. */
	ck_assert_int_eq(state_of(st, 51), STORE_RECEIVED);
	ck_assert_int_eq(state_of(st, 52), STORE_RECEIVED);
	/* The counter does not move. */
	ck_assert_uint_eq(last_out(st, a), 5);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(requeue_of_messages_already_in_the_outbox_adds_none)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY];
	size_t removed = 0, count = 99;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	struct store *st = open_ok(h.path);
	queue_many(st, a, 1, 5);
	ck_assert_int_eq(store_outbox_ack(st, a, 5, &removed), 0);
	ck_assert_int_eq(store_outbox_requeue(st, a, 2, 4, &count), 0);
	ck_assert_uint_eq(count, 3);
	count = 99;
	ck_assert_int_eq(store_outbox_requeue(st, a, 2, 4, &count), 0);
	ck_assert_uint_eq(count, 0);
	ck_assert_uint_eq(outbox_count(st, a), 3);
	/* Overlapping: only 5 is new; 1..4 stays as it was. */
	count = 99;
	ck_assert_int_eq(store_outbox_requeue(st, a, 3, 5, &count), 0);
	ck_assert_uint_eq(count, 1);
	ck_assert_uint_eq(outbox_count(st, a), 4);
	ck_assert_int_eq(state_of(st, 1), STORE_DELIVERED);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(requeue_of_an_empty_range_is_a_usage_error)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY];
	size_t removed = 0, count = 99;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	struct store *st = open_ok(h.path);
	queue_many(st, a, 1, 5);
	ck_assert_int_eq(store_outbox_ack(st, a, 5, &removed), 0);
	ck_assert_int_eq(store_outbox_requeue(st, a, 4, 2, &count), NERR_USAGE);
	ck_assert_uint_eq(count, 99);
	ck_assert_uint_eq(outbox_count(st, a), 0);
	for (unsigned i = 1; i <= 5; i++)
		ck_assert_int_eq(state_of(st, i), STORE_DELIVERED);
	/* A range of one is not empty. */
	ck_assert_int_eq(store_outbox_requeue(st, a, 3, 3, &count), 0);
	ck_assert_uint_eq(count, 1);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(requeue_leaves_other_peers_messages_alone)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY], b[STORE_KEY];
	size_t removed = 0, count = 99;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	key_fill(b, sizeof b, 0xb2);
	struct store *st = open_ok(h.path);
	queue_many(st, a, 1, 5);
	queue_many(st, b, 10, 5);
	ck_assert_int_eq(store_outbox_ack(st, a, 5, &removed), 0);
	ck_assert_int_eq(store_outbox_ack(st, b, 5, &removed), 0);
	ck_assert_int_eq(store_outbox_requeue(st, a, 1, 5, &count), 0);
	ck_assert_uint_eq(count, 5);
	ck_assert_uint_eq(outbox_count(st, b), 0);
	for (unsigned i = 10; i < 15; i++)
		ck_assert_int_eq(state_of(st, i), STORE_DELIVERED);
	ck_assert_uint_eq(outbox_count(st, NULL), 5);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(unshown_lists_a_received_message_until_it_is_marked_shown)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY], id[STORE_ID];
	struct store_msg *ms = NULL;
	size_t n = 0;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	struct store *st = open_ok(h.path);
	ck_assert_int_eq(receive(st, a, 1, 1, 500, "hello"), STORE_RX_NEW);
	ck_assert_int_eq(store_unshown(st, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 1);
	id_make(id, 1);
	ck_assert_mem_eq(ms[0].id, id, STORE_ID);
	ck_assert_mem_eq(ms[0].peer, a, STORE_KEY);
	ck_assert_str_eq(ms[0].text, "hello");
	ck_assert_int_eq(ms[0].dir, STORE_DIR_IN);
	store_msgs_free(ms, n);

	/* Still unshown after a restart: that is what it is for. */
	store_close(st);
	st = open_ok(h.path);
	ck_assert_int_eq(store_unshown(st, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 1);
	store_msgs_free(ms, n);

	ck_assert_int_eq(store_mark_shown(st, id), 0);
	ms = (struct store_msg *)&h;
	ck_assert_int_eq(store_unshown(st, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(ms);
	store_close(st);
	st = open_ok(h.path);
	ck_assert_int_eq(store_unshown(st, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 0);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(unshown_never_lists_outgoing_messages)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY], id[STORE_ID];
	struct store_msg *ms = NULL;
	size_t n = 0, removed = 0;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	struct store *st = open_ok(h.path);
	queue_many(st, a, 1, 2);
	ck_assert_int_eq(receive(st, a, 10, 1, 500, "in"), STORE_RX_NEW);
	queue_many(st, a, 3, 1);
	id_make(id, 1);
	ck_assert_int_eq(store_outbox_attempt(st, id, 1000), 0);
	ck_assert_int_eq(store_outbox_ack(st, a, 1, &removed), 0);
	ck_assert_int_eq(store_unshown(st, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(ms[0].dir, STORE_DIR_IN);
	ck_assert_str_eq(ms[0].text, "in");
	store_msgs_free(ms, n);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(unshown_lists_in_storage_order_up_to_the_limit)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY], b[STORE_KEY], id[STORE_ID];
	struct store_msg *ms = NULL;
	size_t n = 0;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	key_fill(b, sizeof b, 0x0b);
	struct store *st = open_ok(h.path);
	/* Timestamps and peers out of order on purpose: storage order is what counts. */
	ck_assert_int_eq(receive(st, a, 1, 1, 900, "first"), STORE_RX_NEW);
	ck_assert_int_eq(receive(st, b, 2, 1, 100, "second"), STORE_RX_NEW);
	ck_assert_int_eq(receive(st, a, 3, 2, 500, "third"), STORE_RX_NEW);
	ck_assert_int_eq(receive(st, b, 4, 2, 50, "fourth"), STORE_RX_NEW);

	ck_assert_int_eq(store_unshown(st, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(ms[0].text, "first");
	ck_assert_str_eq(ms[1].text, "second");
	ck_assert_str_eq(ms[2].text, "third");
	ck_assert_str_eq(ms[3].text, "fourth");
	store_msgs_free(ms, n);

	ck_assert_int_eq(store_unshown(st, 2, &ms, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(ms[0].text, "first");
	ck_assert_str_eq(ms[1].text, "second");
	store_msgs_free(ms, n);

	/* Marking one in the middle leaves the others in order. */
	id_make(id, 2);
	ck_assert_int_eq(store_mark_shown(st, id), 0);
	ck_assert_int_eq(store_unshown(st, 2, &ms, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(ms[0].text, "first");
	ck_assert_str_eq(ms[1].text, "third");
	store_msgs_free(ms, n);
	ck_assert_int_eq(store_unshown(st, 10, &ms, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(ms[2].text, "fourth");
	store_msgs_free(ms, n);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(duplicate_receive_does_not_make_a_shown_message_unshown)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY], id[STORE_ID];
	struct store_msg *ms = NULL;
	size_t n = 0;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	struct store *st = open_ok(h.path);
	ck_assert_int_eq(receive(st, a, 1, 1, 500, "hello"), STORE_RX_NEW);
	id_make(id, 1);
	ck_assert_int_eq(store_mark_shown(st, id), 0);
	ck_assert_int_eq(receive(st, a, 1, 1, 500, "hello"), STORE_RX_DUP);
	/* The same id under the next seq is a duplicate too. */
	ck_assert_int_eq(receive(st, a, 1, 2, 501, "hello"), STORE_RX_DUP);
	ck_assert_int_eq(store_unshown(st, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(ms);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

/* store_migrations[0] of store.c, verbatim: the schema natter shipped at version 1. */
static const char schema_v1[] =
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
    ");";

START_TEST(migration_from_version_1_counts_old_messages_as_shown)
{
	struct tmp_home h, fresh;
	sqlite3 *db = NULL;
	uint8_t a[STORE_KEY], id[STORE_ID];
	struct store_msg *ms = NULL;
	struct store_msg m;
	size_t n = 0;
	tmp_home_init(&h);
	tmp_home_init(&fresh);
	key_fill(a, sizeof a, 0xa1);

	/* A home written by the first natter: one message received from a (id 1, seq 1). */
	ck_assert_int_eq(
	    sqlite3_open_v2(h.path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, schema_v1, NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db,
				      "INSERT INTO messages (id, peer, dir, seq, ts, text, state)"
				      " VALUES (x'00010000000000000000000000000000', x'"
				      "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
				      "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
				      "', 1, 1, 400, 'old', 3);"
				      "INSERT INTO seqs (peer, last_out, last_in) SELECT peer, 0, 1"
				      " FROM messages;"
				      "PRAGMA user_version = 1;",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);

	struct store *st = open_ok(fresh.path);
	store_close(st);
	st = open_ok(h.path);
	long long want = raw_int(fresh.path, "PRAGMA user_version");
	ck_assert_int_gt(want, 1);
	ck_assert_int_eq(raw_int(h.path, "PRAGMA user_version"), want);

	/* The old message is intact and counts as shown. */
	id_make(id, 1);
	ck_assert_int_eq(store_msg_get(st, id, &m), 0);
	ck_assert_str_eq(m.text, "old");
	ck_assert_int_eq(m.state, STORE_RECEIVED);
	ck_assert_mem_eq(m.peer, a, STORE_KEY);
	store_msg_clear(&m);
	ck_assert_uint_eq(last_in(st, a), 1);
	ck_assert_int_eq(store_unshown(st, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(ms);

	/* A message received after the migration is unshown. */
	ck_assert_int_eq(receive(st, a, 2, 2, 500, "new"), STORE_RX_NEW);
	ck_assert_int_eq(store_unshown(st, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(ms[0].text, "new");
	store_msgs_free(ms, n);
	store_close(st);

	/* Opening again does not migrate again. */
	st = open_ok(h.path);
	ck_assert_int_eq(raw_int(h.path, "PRAGMA user_version"), want);
	ck_assert_int_eq(store_unshown(st, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 1);
	store_msgs_free(ms, n);
	store_close(st);
	tmp_home_clear(&fresh);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(batch_counters_reach_the_table_at_commit_and_vanish_on_rollback)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY];
	uint64_t v = 0;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	struct store *st = open_ok(h.path);
	ck_assert_int_eq(store_batch_begin(st), 0);
	ck_assert_uint_eq(queue_ok(st, a, 1, 100, "one"), 1);
	ck_assert_uint_eq(queue_ok(st, a, 2, 101, "two"), 2);
	ck_assert_uint_eq(queue_ok(st, a, 3, 102, "three"), 3);
	ck_assert_int_eq(receive(st, a, 10, 1, 103, "in one"), STORE_RX_NEW);
	ck_assert_int_eq(receive(st, a, 11, 2, 104, "in two"), STORE_RX_NEW);
	ck_assert_int_eq(store_last_out(st, a, &v), 0);
	ck_assert_uint_eq(v, 3);
	ck_assert_uint_eq(last_in(st, a), 2);
	ck_assert_int_eq(store_batch_commit(st), 0);
	ck_assert_int_eq(raw_int(h.path, "SELECT last_out FROM seqs"), 3);
	ck_assert_int_eq(raw_int(h.path, "SELECT last_in FROM seqs"), 2);

	/* Rolled back: the counters stay where the last commit left them. */
	ck_assert_int_eq(store_batch_begin(st), 0);
	ck_assert_uint_eq(queue_ok(st, a, 4, 105, "four"), 4);
	ck_assert_int_eq(receive(st, a, 12, 3, 106, "in three"), STORE_RX_NEW);
	ck_assert_int_eq(store_batch_rollback(st), 0);
	ck_assert_int_eq(store_last_out(st, a, &v), 0);
	ck_assert_uint_eq(v, 3);
	ck_assert_uint_eq(last_in(st, a), 2);
	ck_assert_uint_eq(queue_ok(st, a, 4, 105, "four"), 4);
	store_close(st);

	st = open_ok(h.path);
	ck_assert_int_eq(store_last_out(st, a, &v), 0);
	ck_assert_uint_eq(v, 4);
	ck_assert_uint_eq(last_in(st, a), 2);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(batch_with_more_peers_than_cached_counters_keeps_every_count)
{
	struct tmp_home h;
	uint8_t k[STORE_KEY];
	uint64_t v = 0;
	tmp_home_init(&h);
	struct store *st = open_ok(h.path);
	ck_assert_int_eq(store_batch_begin(st), 0);
	for (unsigned round = 0; round < 2; round++)
		for (unsigned p = 0; p < 40; p++) {
			key_fill(k, sizeof k, (uint8_t)(p + 1));
			ck_assert_uint_eq(queue_ok(st, k, 1 + round * 40 + p, 100, "x"), round + 1);
			ck_assert_int_eq(receive(st, k, 1000 + round * 40 + p, round + 1, 100, "y"),
					 STORE_RX_NEW);
		}
	ck_assert_int_eq(store_batch_commit(st), 0);
	ck_assert_int_eq(raw_int(h.path, "SELECT count(*) FROM seqs WHERE last_out = 2"
					 " AND last_in = 2"),
			 40);
	for (unsigned p = 0; p < 40; p++) {
		key_fill(k, sizeof k, (uint8_t)(p + 1));
		ck_assert_int_eq(store_last_out(st, k, &v), 0);
		ck_assert_uint_eq(v, 2);
	}
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(renumber_inside_a_batch_starts_from_the_batchs_counter)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY];
	uint64_t v = 0;
	size_t moved = 0;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	struct store *st = open_ok(h.path);
	ck_assert_int_eq(store_batch_begin(st), 0);
	queue_ok(st, a, 1, 100, "one");
	queue_ok(st, a, 2, 101, "two");
	ck_assert_int_eq(store_outbox_renumber(st, a, 10, &moved), 0);
	ck_assert_uint_eq(moved, 2);
	ck_assert_uint_eq(queue_ok(st, a, 3, 102, "three"), 13);
	ck_assert_int_eq(store_batch_commit(st), 0);
	ck_assert_int_eq(store_last_out(st, a, &v), 0);
	ck_assert_uint_eq(v, 13);
	ck_assert_int_eq(raw_int(h.path, "SELECT last_out FROM seqs"), 13);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(light_batch_commits_or_rolls_back_like_a_batch)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY], id[STORE_ID];
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	struct store *st = open_ok(h.path);
	ck_assert_int_eq(receive(st, a, 1, 1, 100, "in"), STORE_RX_NEW);
	id_make(id, 1);
	ck_assert_int_eq(store_batch_begin_light(st), 0);
	ck_assert_int_eq(store_batch_begin_light(st), NERR_INTERNAL);
	ck_assert_int_eq(store_batch_begin(st), NERR_INTERNAL);
	ck_assert_int_eq(store_mark_shown(st, id), 0);
	ck_assert_int_eq(store_batch_rollback(st), 0);
	ck_assert_int_eq(raw_int(h.path, "SELECT count(*) FROM unshown"), 1);
	ck_assert_int_eq(store_batch_begin_light(st), 0);
	ck_assert_int_eq(store_mark_shown(st, id), 0);
	ck_assert_int_eq(store_batch_commit(st), 0);
	ck_assert_int_eq(raw_int(h.path, "SELECT count(*) FROM unshown"), 0);
	/* Back to durable batches and single writes afterwards. */
	ck_assert_int_eq(store_batch_begin(st), 0);
	ck_assert_int_eq(receive(st, a, 2, 2, 101, "in two"), STORE_RX_NEW);
	ck_assert_int_eq(store_batch_commit(st), 0);
	ck_assert_uint_eq(queue_ok(st, a, 3, 102, "out"), 1);
	ck_assert_int_eq(raw_int(h.path, "SELECT count(*) FROM messages"), 3);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(attempt_range_counts_each_outbox_message_in_the_range_once)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY], b[STORE_KEY];
	struct store_msg *ms = NULL;
	size_t n = 0, count = 0;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	key_fill(b, sizeof b, 0xb2);
	struct store *st = open_ok(h.path);
	for (unsigned i = 1; i <= 5; i++)
		queue_ok(st, a, i, 100 + i, "m");
	queue_ok(st, b, 9, 100, "other peer");
	ck_assert_int_eq(store_outbox_attempt_range(st, a, 2, 4, 777, &count), 0);
	ck_assert_uint_eq(count, 3);
	ck_assert_int_eq(store_outbox_attempt_range(st, a, 4, 9, 888, NULL), 0);
	ck_assert_int_eq(store_outbox_list(st, a, &ms, &n), 0);
	ck_assert_uint_eq(n, 5);
	static const uint32_t attempts[] = {0, 1, 1, 2, 1};
	static const int64_t last[] = {0, 777, 777, 888, 888};
	for (size_t i = 0; i < n; i++) {
		ck_assert_uint_eq(ms[i].seq, i + 1);
		ck_assert_uint_eq(ms[i].attempts, attempts[i]);
		ck_assert_int_eq(ms[i].last_attempt_ms, last[i]);
		ck_assert_int_eq(ms[i].state, attempts[i] ? STORE_SENT : STORE_QUEUED);
	}
	store_msgs_free(ms, n);
	ck_assert_int_eq(state_of(st, 9), STORE_QUEUED); /* b's seq 1 is not a's */
	/* Delivered messages leave the outbox and read back as delivered. */
	ck_assert_int_eq(store_outbox_ack(st, a, 3, &count), 0);
	ck_assert_uint_eq(count, 3);
	ck_assert_int_eq(state_of(st, 2), STORE_DELIVERED);
	ck_assert_int_eq(state_of(st, 1), STORE_DELIVERED);
	ck_assert_int_eq(store_outbox_attempt_range(st, a, 1, 3, 999, &count), 0);
	ck_assert_uint_eq(count, 0);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(migration_from_version_2_keeps_unshown_messages_unshown)
{
	struct tmp_home h;
	sqlite3 *db = NULL;
	uint8_t a[STORE_KEY], id[STORE_ID];
	struct store_msg *ms = NULL;
	size_t n = 0;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	/* A version 2 home: message 1 shown, message 2 stored but never shown. */
	ck_assert_int_eq(
	    sqlite3_open_v2(h.path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, schema_v1, NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(
	    sqlite3_exec(db,
			 "ALTER TABLE messages ADD COLUMN shown INTEGER NOT NULL DEFAULT 1;"
			 "CREATE INDEX messages_unshown ON messages (shown) WHERE shown = 0;"
			 "INSERT INTO messages (id, peer, dir, seq, ts, text, state, shown) VALUES"
			 " (x'00010000000000000000000000000000', x'"
			 "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
			 "', 1, 1, 400, 'seen', 3, 1),"
			 " (x'00020000000000000000000000000000', x'"
			 "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
			 "', 1, 2, 401, 'not seen', 3, 0);"
			 "INSERT INTO seqs (peer, last_out, last_in) VALUES (x'"
			 "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
			 "', 0, 2);"
			 "PRAGMA user_version = 2;",
			 NULL, NULL, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
	struct store *st = open_ok(h.path);
	ck_assert_int_eq(store_unshown(st, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(ms[0].text, "not seen");
	store_msgs_free(ms, n);
	id_make(id, 2);
	ck_assert_int_eq(store_mark_shown(st, id), 0);
	ck_assert_int_eq(store_unshown(st, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(last_in(st, a), 2);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(outbox_range_ids_lists_ids_and_seqs_without_texts)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY], b[STORE_KEY], id[STORE_ID];
	struct store_msg *ms = NULL;
	size_t n = 0, count = 0;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	key_fill(b, sizeof b, 0xb2);
	struct store *st = open_ok(h.path);
	for (unsigned i = 1; i <= 6; i++)
		queue_ok(st, a, i, 100 + i, "some text");
	queue_ok(st, b, 20, 100, "b");
	ck_assert_int_eq(store_outbox_ack(st, a, 2, &count), 0);
	ck_assert_int_eq(store_outbox_range_ids(st, a, 1, 5, &ms, &n), 0);
	ck_assert_uint_eq(n, 3); /* 3, 4, 5: 2 was acknowledged, 6 is above */
	for (size_t i = 0; i < n; i++) {
		id_make(id, (unsigned)(i + 3));
		ck_assert_mem_eq(ms[i].id, id, STORE_ID);
		ck_assert_mem_eq(ms[i].peer, a, STORE_KEY);
		ck_assert_uint_eq(ms[i].seq, i + 3);
		ck_assert_int_eq(ms[i].ts_ms, (int64_t)(103 + i));
		ck_assert_uint_eq(ms[i].text_len, 0);
	}
	store_msgs_free(ms, n);
	ck_assert_int_eq(store_outbox_range_ids(st, b, 0, 100, &ms, &n), 0);
	ck_assert_uint_eq(n, 1);
	store_msgs_free(ms, n);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(the_log_grows_until_a_checkpoint_is_asked_for)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY];
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	struct store *st = open_ok(h.path);
	/* SQLite's own checkpoint would have run at 1000 pages. */
	for (unsigned i = 1; i <= 400; i++)
		queue_ok(st, a, i, 100 + i, "a message long enough to matter a little");
	size_t before = store_wal_pages(st);
	ck_assert_uint_gt(before, 1000);
	ck_assert_int_eq(store_batch_begin(st), 0);
	ck_assert_int_eq(store_checkpoint(st), NERR_INTERNAL); /* not inside a batch */
	ck_assert_int_eq(store_batch_rollback(st), 0);
	ck_assert_int_eq(store_checkpoint(st), 0);
	ck_assert_uint_eq(store_wal_pages(st), 0);
	queue_ok(st, a, 401, 501, "after");
	ck_assert_uint_lt(store_wal_pages(st), 20); /* the log starts again */
	ck_assert_int_eq(raw_int(h.path, "SELECT count(*) FROM messages"), 401);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(withdrawn_messages_stay_as_tombstones_until_acknowledged)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY], id[STORE_ID];
	struct store_msg m;
	struct store_msg *ms = NULL;
	size_t n = 0, count = 0;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	struct store *st = open_ok(h.path);
	for (unsigned i = 1; i <= 4; i++)
		queue_ok(st, a, i, 1000 * i, "waiting");
	id_make(id, 2);
	ck_assert_int_eq(store_outbox_end(st, id, STORE_DELIVERED, NULL), NERR_USAGE);
	ck_assert_int_eq(store_outbox_end(st, id, STORE_CANCELLED, &m), 0);
	ck_assert_int_eq(m.state, STORE_CANCELLED);
	ck_assert_uint_eq(m.seq, 2);
	ck_assert_uint_eq(m.text_len, 0);
	store_msg_clear(&m);
	ck_assert_int_eq(store_outbox_end(st, id, STORE_EXPIRED, NULL), NERR_NOTFOUND);
	/* Expire what was queued before 3500 after seq 0: 1 and 3 (2 is withdrawn). */
	ck_assert_int_eq(store_outbox_expire(st, a, 0, 3500, &ms, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(ms[0].seq, 1);
	ck_assert_uint_eq(ms[1].seq, 3);
	ck_assert_int_eq(ms[0].state, STORE_EXPIRED);
	store_msgs_free(ms, n);
	ck_assert_int_eq(store_outbox_expire(st, a, 0, 3500, &ms, &n), 0);
	ck_assert_uint_eq(n, 0);
	/* In flight (seq <= after) is left alone. */
	ck_assert_int_eq(store_outbox_expire(st, a, 4, 99999, &ms, &n), 0);
	ck_assert_uint_eq(n, 0);
	/* The tombstones are still in the outbox, with their states. */
	ck_assert_int_eq(store_outbox_list(st, a, &ms, &n), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(ms[0].state, STORE_EXPIRED);
	ck_assert_int_eq(ms[1].state, STORE_CANCELLED);
	ck_assert_int_eq(ms[2].state, STORE_EXPIRED);
	ck_assert_int_eq(ms[3].state, STORE_QUEUED);
	store_msgs_free(ms, n);
	/* Acknowledged: they leave the outbox and keep their states. */
	ck_assert_int_eq(store_outbox_ack(st, a, 4, &count), 0);
	ck_assert_uint_eq(count, 4);
	ck_assert_int_eq(state_of(st, 1), STORE_EXPIRED);
	ck_assert_int_eq(state_of(st, 2), STORE_CANCELLED);
	ck_assert_int_eq(state_of(st, 4), STORE_DELIVERED);
	ck_assert_str_eq(store_state_name(STORE_EXPIRED), "expired");
	ck_assert_str_eq(store_state_name(STORE_CANCELLED), "cancelled");
	/* Requeued after the peer lost them (restore): withdrawn ones stay withdrawn. */
	ck_assert_int_eq(store_outbox_requeue(st, a, 1, 4, &count), 0);
	ck_assert_uint_eq(count, 4);
	ck_assert_int_eq(state_of(st, 1), STORE_EXPIRED);
	ck_assert_int_eq(state_of(st, 4), STORE_SENT);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(skip_moves_last_in_past_a_withdrawn_seq_only_when_it_is_next)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY];
	int outcome = -1;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	struct store *st = open_ok(h.path);
	ck_assert_int_eq(receive(st, a, 1, 1, 100, "one"), STORE_RX_NEW);
	ck_assert_int_eq(store_msg_skip(st, a, 3, &outcome), 0);
	ck_assert_int_eq(outcome, STORE_RX_GAP);
	ck_assert_uint_eq(last_in(st, a), 1);
	ck_assert_int_eq(store_msg_skip(st, a, 2, &outcome), 0);
	ck_assert_int_eq(outcome, STORE_RX_NEW);
	ck_assert_uint_eq(last_in(st, a), 2);
	ck_assert_int_eq(store_msg_skip(st, a, 2, &outcome), 0);
	ck_assert_int_eq(outcome, STORE_RX_DUP);
	ck_assert_int_eq(store_msg_skip(st, a, 0, &outcome), NERR_USAGE);
	/* Inside a batch, through the batch's counters, committed with it. */
	ck_assert_int_eq(store_batch_begin(st), 0);
	ck_assert_int_eq(store_msg_skip(st, a, 3, &outcome), 0);
	ck_assert_int_eq(outcome, STORE_RX_NEW);
	ck_assert_int_eq(receive(st, a, 4, 4, 104, "four"), STORE_RX_NEW);
	ck_assert_int_eq(store_batch_commit(st), 0);
	ck_assert_int_eq(raw_int(h.path, "SELECT last_in FROM seqs"), 4);
	ck_assert_int_eq(raw_int(h.path, "SELECT count(*) FROM messages"), 2);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

/* store_migrations[1] and [2] of store.c, verbatim: schema_v1 plus these is version 3. */
static const char schema_v2_v3[] =
    "ALTER TABLE messages ADD COLUMN shown INTEGER NOT NULL DEFAULT 1;"
    "CREATE INDEX messages_unshown ON messages (shown) WHERE shown = 0;"
    "CREATE TABLE unshown ("
    "  msg INTEGER PRIMARY KEY REFERENCES messages (n) ON DELETE CASCADE"
    ");"
    "INSERT INTO unshown (msg) SELECT n FROM messages WHERE shown = 0;"
    "DROP INDEX messages_unshown;"
    "UPDATE messages SET shown = 1 WHERE shown = 0;";

/* A new home made with one of the frozen schemas, then sql (which sets its user_version). */
static void home_at_version(const char *path, const char *schema, const char *sql)
{
	sqlite3 *db = NULL;
	ck_assert_int_eq(
	    sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, schema, NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
}

#define HEX_A1 "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"

START_TEST(migration_to_version_4_keeps_the_outbox_and_allows_the_new_states)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY], id[STORE_ID];
	char schema[4096];
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	/* A version 3 home: two messages queued (in the outbox), one received (unshown). */
	snprintf(schema, sizeof schema, "%s%s", schema_v1, schema_v2_v3);
	home_at_version(
	    h.path, schema,
	    "INSERT INTO messages (n, id, peer, dir, seq, ts, text, state) VALUES"
	    " (1, x'00010000000000000000000000000000', x'" HEX_A1 "', 0, 1, 100, 'one', 0),"
	    " (2, x'00020000000000000000000000000000', x'" HEX_A1 "', 0, 2, 101, 'two', 0),"
	    " (3, x'00030000000000000000000000000000', x'" HEX_A1 "', 1, 1, 102, 'in', 3);"
	    "INSERT INTO outbox (msg) VALUES (1), (2);"
	    "INSERT INTO unshown (msg) VALUES (3);"
	    "INSERT INTO seqs (peer, last_out, last_in) VALUES (x'" HEX_A1 "', 2, 1);"
	    "PRAGMA user_version = 3;");
	struct store *st = open_ok(h.path);
	ck_assert_int_eq(raw_int(h.path, "SELECT count(*) FROM outbox"), 2);
	ck_assert_int_eq(raw_int(h.path, "SELECT count(*) FROM unshown"), 1);
	ck_assert_int_eq(raw_int(h.path, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	id_make(id, 2);
	ck_assert_int_eq(store_outbox_end(st, id, STORE_EXPIRED, NULL), 0);
	ck_assert_int_eq(state_of(st, 2), STORE_EXPIRED);
	ck_assert_int_eq(state_of(st, 3), STORE_RECEIVED);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

/* What store_migrations[0..3] of store.c leave, verbatim: the schema natter shipped at
 * version 4 (the shown column is no longer read; unshown holds the unshown messages). */
static const char schema_v4[] =
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
    "CREATE TABLE outbox ("
    "  msg INTEGER PRIMARY KEY REFERENCES messages (n) ON DELETE CASCADE,"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  last_attempt INTEGER NOT NULL DEFAULT 0"
    ");"
    "CREATE TABLE unshown ("
    "  msg INTEGER PRIMARY KEY REFERENCES messages (n) ON DELETE CASCADE"
    ");"
    "CREATE TABLE messages ("
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
    "CREATE INDEX messages_by_peer_ts ON messages (peer, ts);";

#define HEX_B2 "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2"
#define HEX_C3 "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3"

static void msg_is(const struct store_msg *m, unsigned id_n, const uint8_t *peer, int dir,
		   uint64_t seq, int64_t ts, const char *text, int state, uint32_t attempts,
		   int64_t last_attempt)
{
	uint8_t id[STORE_ID];
	id_make(id, id_n);
	ck_assert_mem_eq(m->id, id, STORE_ID);
	ck_assert_mem_eq(m->peer, peer, STORE_KEY);
	ck_assert_int_eq(m->dir, dir);
	ck_assert_uint_eq(m->seq, seq);
	ck_assert_int_eq(m->ts_ms, ts);
	ck_assert_str_eq(m->text, text);
	ck_assert_uint_eq(m->text_len, strlen(text));
	ck_assert_int_eq(m->state, state);
	ck_assert_uint_eq(m->attempts, attempts);
	ck_assert_int_eq(m->last_attempt_ms, last_attempt);
}

START_TEST(migration_to_version_5_keeps_every_row_and_reads_them_back_the_same)
{
	struct tmp_home h, fresh;
	uint8_t a[STORE_KEY], b[STORE_KEY], c[STORE_KEY];
	struct store_msg *ms = NULL;
	struct store_peer p;
	size_t n = 0, count = 0;
	tmp_home_init(&h);
	tmp_home_init(&fresh);
	key_fill(a, sizeof a, 0xa1);
	key_fill(b, sizeof b, 0xb2);
	key_fill(c, sizeof c, 0xc3);
	/* A version 4 home. a: peer row, counters, delivered, sent (tried twice), queued and
	 * cancelled (a tombstone in the outbox) messages out, and messages in, one unshown.
	 * b: a peer row only. c: no peer row (forgotten), a counter and an unshown message. */
	home_at_version(
	    h.path, schema_v4,
	    "INSERT INTO meta (key, value) VALUES ('nick', 'me');"
	    "INSERT INTO peers (key, nick, host, port, first_seen, last_seen, verified, alias)"
	    " VALUES (x'" HEX_A1 "', 'alice', '10.0.0.1', 7000, 10, 20, 1, 'al'),"
	    " (x'" HEX_B2 "', 'bob', '', 0, 30, 40, 0, NULL);"
	    "INSERT INTO seqs (peer, last_out, last_in) VALUES (x'" HEX_A1 "', 4, 2),"
	    " (x'" HEX_C3 "', 0, 1);"
	    "INSERT INTO messages (n, id, peer, dir, seq, ts, text, state, shown) VALUES"
	    " (1, x'00010000000000000000000000000000', x'" HEX_A1
	    "', 0, 1, 100, 'delivered', 0, 1),"
	    " (2, x'00020000000000000000000000000000', x'" HEX_A1 "', 1, 1, 50, 'in one', 4, 1),"
	    " (3, x'00030000000000000000000000000000', x'" HEX_A1 "', 0, 2, 200, 'sent', 0, 1),"
	    " (4, x'00040000000000000000000000000000', x'" HEX_C3 "', 1, 1, 150, 'from c', 3, 1),"
	    " (5, x'00050000000000000000000000000000', x'" HEX_A1 "', 1, 2, 300, 'in two', 3, 1),"
	    " (6, x'00060000000000000000000000000000', x'" HEX_A1 "', 0, 3, 250, 'queued', 0, 1),"
	    " (7, x'00070000000000000000000000000000', x'" HEX_A1 "', 0, 4, 260, 'gone', 6, 1);"
	    "INSERT INTO outbox (msg, attempts, last_attempt) VALUES (3, 2, 555), (6, 0, 0),"
	    " (7, 1, 600);"
	    "INSERT INTO unshown (msg) VALUES (4), (5);"
	    "PRAGMA user_version = 4;");
	struct store *st = open_ok(fresh.path);
	store_close(st);
	st = open_ok(h.path);
	ck_assert_int_eq(raw_int(h.path, "PRAGMA user_version"),
			 raw_int(fresh.path, "PRAGMA user_version"));
	ck_assert_int_eq(raw_int(h.path, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	ck_assert_int_eq(raw_int(h.path, "SELECT count(*) FROM pragma_integrity_check"
					 " WHERE integrity_check <> 'ok'"),
			 0);
	ck_assert_int_eq(raw_int(h.path, "SELECT count(*) FROM keys"), 2); /* a and c */

	/* History in time order, states read through the outbox as before. */
	ck_assert_int_eq(store_history(st, a, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 6);
	msg_is(&ms[0], 2, a, STORE_DIR_IN, 1, 50, "in one", STORE_READ, 0, 0);
	msg_is(&ms[1], 1, a, STORE_DIR_OUT, 1, 100, "delivered", STORE_DELIVERED, 0, 0);
	msg_is(&ms[2], 3, a, STORE_DIR_OUT, 2, 200, "sent", STORE_SENT, 2, 555);
	msg_is(&ms[3], 6, a, STORE_DIR_OUT, 3, 250, "queued", STORE_QUEUED, 0, 0);
	msg_is(&ms[4], 7, a, STORE_DIR_OUT, 4, 260, "gone", STORE_CANCELLED, 1, 600);
	msg_is(&ms[5], 5, a, STORE_DIR_IN, 2, 300, "in two", STORE_RECEIVED, 0, 0);
	store_msgs_free(ms, n);
	ck_assert_int_eq(store_history(st, c, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 1);
	msg_is(&ms[0], 4, c, STORE_DIR_IN, 1, 150, "from c", STORE_RECEIVED, 0, 0);
	store_msgs_free(ms, n);
	ck_assert_int_eq(store_history(st, b, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 0);

	/* The outbox, the unshown messages, the counters, the peers and meta. */
	ck_assert_int_eq(store_outbox_list(st, NULL, &ms, &n), 0);
	ck_assert_uint_eq(n, 3);
	msg_is(&ms[0], 3, a, STORE_DIR_OUT, 2, 200, "sent", STORE_SENT, 2, 555);
	msg_is(&ms[1], 6, a, STORE_DIR_OUT, 3, 250, "queued", STORE_QUEUED, 0, 0);
	msg_is(&ms[2], 7, a, STORE_DIR_OUT, 4, 260, "gone", STORE_CANCELLED, 1, 600);
	store_msgs_free(ms, n);
	ck_assert_int_eq(store_unshown(st, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 2);
	msg_is(&ms[0], 4, c, STORE_DIR_IN, 1, 150, "from c", STORE_RECEIVED, 0, 0);
	msg_is(&ms[1], 5, a, STORE_DIR_IN, 2, 300, "in two", STORE_RECEIVED, 0, 0);
	store_msgs_free(ms, n);
	ck_assert_uint_eq(last_in(st, a), 2);
	ck_assert_uint_eq(last_out(st, a), 4);
	ck_assert_uint_eq(last_in(st, c), 1);
	ck_assert_uint_eq(last_out(st, c), 0);
	ck_assert_uint_eq(last_in(st, b), 0);
	ck_assert_int_eq(store_peer_get(st, a, &p), 0);
	ck_assert_str_eq(p.nick, "alice");
	ck_assert_str_eq(p.alias, "al");
	ck_assert_int_eq(p.verified, 1);
	ck_assert_int_eq(p.first_seen_ms, 10);
	ck_assert_int_eq(store_peer_get(st, c, &p), NERR_NOTFOUND);
	char nick[40];
	ck_assert_int_eq(store_meta_get(st, "nick", nick, sizeof nick), 0);
	ck_assert_str_eq(nick, "me");

	/* And it goes on: the counters, the outbox and the shown marks work on the old rows. */
	ck_assert_uint_eq(queue_ok(st, a, 8, 400, "new"), 5);
	ck_assert_int_eq(receive(st, c, 9, 2, 410, "c two"), STORE_RX_NEW);
	ck_assert_int_eq(receive(st, b, 10, 1, 420, "b one"), STORE_RX_NEW);
	ck_assert_int_eq(store_outbox_ack(st, a, 4, &count), 0);
	ck_assert_uint_eq(count, 3);
	ck_assert_int_eq(state_of(st, 3), STORE_DELIVERED);
	uint8_t id[STORE_ID];
	id_make(id, 4);
	ck_assert_int_eq(store_mark_shown(st, id), 0);
	ck_assert_int_eq(store_unshown(st, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 3); /* 5, then 9 and 10 */
	msg_is(&ms[1], 9, c, STORE_DIR_IN, 2, 410, "c two", STORE_RECEIVED, 0, 0);
	msg_is(&ms[2], 10, b, STORE_DIR_IN, 1, 420, "b one", STORE_RECEIVED, 0, 0);
	store_msgs_free(ms, n);
	ck_assert_int_eq(raw_int(h.path, "SELECT count(*) FROM keys"), 3);
	store_close(st);
	tmp_home_clear(&fresh);
	tmp_home_clear(&h);
}
END_TEST

/* The store maps each key to a keys row in memory; a rollback takes the rows it added, and
 * their numbers may then go to other keys. */
START_TEST(rolled_back_writes_leave_no_peer_key_behind)
{
	struct tmp_home h;
	uint8_t x[STORE_KEY], y[STORE_KEY], z[STORE_KEY], w[STORE_KEY], v[STORE_KEY], u[STORE_KEY];
	uint8_t id[STORE_ID];
	struct store_msg *ms = NULL;
	size_t n = 0;
	uint64_t seq = 0;
	tmp_home_init(&h);
	key_fill(x, sizeof x, 0x11);
	key_fill(y, sizeof y, 0x22);
	key_fill(z, sizeof z, 0x33);
	key_fill(w, sizeof w, 0x73); /* the same first byte as z, modulo 64 */
	struct store *st = open_ok(h.path);
	/* A batch that added x's key, rolled back; then y takes the first free number. */
	ck_assert_int_eq(store_batch_begin(st), 0);
	queue_ok(st, x, 1, 100, "to x, undone");
	ck_assert_int_eq(store_batch_rollback(st), 0);
	queue_ok(st, y, 2, 101, "to y");
	ck_assert_int_eq(store_history(st, x, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(store_history(st, y, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 1);
	store_msgs_free(ms, n);
	/* A write that fails at once inside a batch (a stored id) keeps the batch; the key row
	 * it added stays, unused. */
	ck_assert_int_eq(store_batch_begin(st), 0);
	id_make(id, 2); /* already stored */
	ck_assert_int_ne(store_msg_queue(st, z, id, 102, "dup", 3, &seq), 0);
	queue_ok(st, w, 3, 103, "to w");
	queue_ok(st, x, 4, 104, "to x");
	ck_assert_int_eq(store_batch_commit(st), 0);
	ck_assert_int_eq(store_history(st, z, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(store_history(st, w, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_mem_eq(ms[0].peer, w, STORE_KEY);
	store_msgs_free(ms, n);
	/* z and w share a slot of the cache: each still finds its own messages. */
	queue_ok(st, z, 5, 105, "to z");
	ck_assert_int_eq(store_history(st, w, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(ms[0].text, "to w");
	store_msgs_free(ms, n);
	ck_assert_int_eq(store_history(st, z, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(ms[0].text, "to z");
	store_msgs_free(ms, n);
	store_close(st);
	/* And in a new process, from the file alone. */
	st = open_ok(h.path);
	ck_assert_int_eq(store_history(st, x, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(ms[0].text, "to x");
	store_msgs_free(ms, n);
	ck_assert_uint_eq(last_out(st, y), 1);
	ck_assert_uint_eq(last_out(st, z), 1);
	store_close(st);
	/* A writer that fails half way takes the batch, with the key row it added. */
	raw_exec(h.path, "CREATE TRIGGER no_outbox BEFORE INSERT ON outbox"
			 " WHEN (SELECT text FROM messages WHERE n = NEW.msg) = 'refused'"
			 " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;");
	st = open_ok(h.path);
	key_fill(v, sizeof v, 0x44);
	key_fill(u, sizeof u, 0x55);
	ck_assert_int_eq(store_batch_begin(st), 0);
	id_make(id, 6);
	ck_assert_int_eq(store_msg_queue(st, v, id, 106, "refused", 7, &seq), NERR_STORE);
	ck_assert_int_ne(store_batch_commit(st), 0);
	ck_assert_int_eq(store_batch_begin(st), 0);
	queue_ok(st, u, 7, 107, "to u"); /* takes the number v had */
	ck_assert_int_eq(store_batch_commit(st), 0);
	ck_assert_int_eq(store_history(st, v, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(last_out(st, v), 0);
	ck_assert_int_eq(store_history(st, u, 0, &ms, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_mem_eq(ms[0].peer, u, STORE_KEY);
	store_msgs_free(ms, n);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

START_TEST(read_marks_turn_delivered_messages_read_and_leave_the_rest)
{
	struct tmp_home h;
	uint8_t a[STORE_KEY];
	struct store_msg *ms = NULL;
	size_t n = 0, count = 0;
	uint64_t max = 99;
	tmp_home_init(&h);
	key_fill(a, sizeof a, 0xa1);
	struct store *st = open_ok(h.path);
	for (unsigned i = 1; i <= 4; i++)
		queue_ok(st, a, i, 100 + i, "out");
	ck_assert_int_eq(store_outbox_ack(st, a, 2, &count), 0);
	ck_assert_int_eq(state_of(st, 1), STORE_DELIVERED); /* read through the outbox */
	ck_assert_int_eq(state_of(st, 3), STORE_QUEUED);
	/* The peer read up to 3: 1 and 2 (delivered) become read; 3 is not delivered. */
	ck_assert_int_eq(store_read_out(st, a, 3, &ms, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(ms[0].seq, 1);
	ck_assert_uint_eq(ms[1].seq, 2);
	store_msgs_free(ms, n);
	ck_assert_int_eq(state_of(st, 1), STORE_READ);
	ck_assert_int_eq(state_of(st, 2), STORE_READ);
	ck_assert_int_eq(state_of(st, 3), STORE_QUEUED);
	ck_assert_int_eq(store_read_out(st, a, 3, &ms, &n), 0);
	ck_assert_uint_eq(n, 0); /* not twice */
	/* Received ones: "received" becomes "read" up to the seq shown. */
	ck_assert_int_eq(receive(st, a, 10, 1, 200, "in1"), STORE_RX_NEW);
	ck_assert_int_eq(receive(st, a, 11, 2, 201, "in2"), STORE_RX_NEW);
	ck_assert_int_eq(store_read_in(st, a, 1), 0);
	ck_assert_int_eq(state_of(st, 10), STORE_READ);
	ck_assert_int_eq(state_of(st, 11), STORE_RECEIVED);
	ck_assert_int_eq(store_read_max_in(st, a, &max), 0);
	ck_assert_uint_eq(max, 1);
	store_close(st);
	tmp_home_clear(&h);
}
END_TEST

/* One TCase per behaviour, named after it. */
#define STORE_ADD_TEST(s, t)                                                                       \
	do {                                                                                       \
		TCase *tc_ = tcase_create(#t);                                                     \
		tcase_add_test(tc_, t);                                                            \
		suite_add_tcase(s, tc_);                                                           \
	} while (0)

Suite *store_suite(void)
{
	Suite *s = suite_create("store");
	STORE_ADD_TEST(s, queue_assigns_consecutive_seqs_per_peer);
	STORE_ADD_TEST(s, queue_with_a_stored_id_fails_and_consumes_no_seq);
	STORE_ADD_TEST(s, text_over_65536_bytes_is_rejected);
	STORE_ADD_TEST(s, text_is_stored_byte_exact_with_its_length);
	STORE_ADD_TEST(s, receive_in_order_stores_and_advances);
	STORE_ADD_TEST(s, duplicate_receive_is_not_stored_twice);
	STORE_ADD_TEST(s, known_id_under_next_seq_is_dup_and_advances);
	STORE_ADD_TEST(s, gap_is_not_stored);
	STORE_ADD_TEST(s, ack_removes_outbox_rows_up_to_seq_and_marks_delivered);
	STORE_ADD_TEST(s, outbox_lists_every_peer_by_peer_then_seq);
	STORE_ADD_TEST(s, attempt_counts_tries_and_marks_sent);
	STORE_ADD_TEST(s, reopen_keeps_outbox_and_counters);
	STORE_ADD_TEST(s, history_returns_last_n_oldest_first);
	STORE_ADD_TEST(s, peer_upsert_keeps_verified_and_first_seen);
	STORE_ADD_TEST(s, peer_list_is_ordered_by_nick_then_key);
	STORE_ADD_TEST(s, peer_unknown_or_overlong_is_refused);
	STORE_ADD_TEST(s, meta_get_returns_the_value_set);
	STORE_ADD_TEST(s, opening_a_newer_schema_version_fails);
	STORE_ADD_TEST(s, opening_a_file_that_is_not_a_database_fails);
	STORE_ADD_TEST(s, store_file_mode_is_0600);
	STORE_ADD_TEST(s, existing_file_is_made_private_and_journal_is_wal);
	STORE_ADD_TEST(s, batch_groups_several_receives);
	STORE_ADD_TEST(s, failed_write_inside_batch_undoes_only_itself);
	STORE_ADD_TEST(s, a_writer_failing_half_way_takes_the_batch_with_it);
	STORE_ADD_TEST(s, batch_rollback_discards_every_write);
	STORE_ADD_TEST(s, state_names_match_the_spec);
	STORE_ADD_TEST(s, close_of_null_is_a_noop);
	STORE_ADD_TEST(s, last_out_of_an_unknown_peer_is_zero);
	STORE_ADD_TEST(s, last_out_counts_the_messages_queued_to_each_peer_alone);
	STORE_ADD_TEST(s, outbox_range_returns_outbox_messages_after_after_up_to_upto_in_seq_order);
	STORE_ADD_TEST(s, outbox_range_returns_at_most_limit_lowest_seqs_first);
	STORE_ADD_TEST(s, outbox_range_never_returns_another_peers_messages);
	STORE_ADD_TEST(s, outbox_range_that_holds_nothing_gives_zero_and_null);
	STORE_ADD_TEST(s, renumber_moves_outbox_messages_to_after_plus_one_in_order);
	STORE_ADD_TEST(s, renumber_onto_seqs_overlapping_the_old_ones_succeeds);
	STORE_ADD_TEST(s, renumber_called_again_renumbers_again);
	STORE_ADD_TEST(s, renumber_of_an_empty_outbox_sets_the_counter_to_after);
	STORE_ADD_TEST(s, boot_out_mark_keeps_the_oldest_counter_until_cleared);
	STORE_ADD_TEST(s, store_close_keeps_the_log_file);
	STORE_ADD_TEST(s, two_processes_opening_a_new_store_at_once_both_succeed);
	STORE_ADD_TEST(s, renumber_that_fails_changes_nothing);
	STORE_ADD_TEST(s, requeue_puts_delivered_messages_back_in_the_outbox_as_sent);
	STORE_ADD_TEST(s, requeue_of_messages_already_in_the_outbox_adds_none);
	STORE_ADD_TEST(s, requeue_of_an_empty_range_is_a_usage_error);
	STORE_ADD_TEST(s, requeue_leaves_other_peers_messages_alone);
	STORE_ADD_TEST(s, unshown_lists_a_received_message_until_it_is_marked_shown);
	STORE_ADD_TEST(s, unshown_never_lists_outgoing_messages);
	STORE_ADD_TEST(s, unshown_lists_in_storage_order_up_to_the_limit);
	STORE_ADD_TEST(s, duplicate_receive_does_not_make_a_shown_message_unshown);
	STORE_ADD_TEST(s, migration_from_version_1_counts_old_messages_as_shown);
	STORE_ADD_TEST(s, migration_from_version_2_keeps_unshown_messages_unshown);
	STORE_ADD_TEST(s, batch_counters_reach_the_table_at_commit_and_vanish_on_rollback);
	STORE_ADD_TEST(s, batch_with_more_peers_than_cached_counters_keeps_every_count);
	STORE_ADD_TEST(s, renumber_inside_a_batch_starts_from_the_batchs_counter);
	STORE_ADD_TEST(s, light_batch_commits_or_rolls_back_like_a_batch);
	STORE_ADD_TEST(s, attempt_range_counts_each_outbox_message_in_the_range_once);
	STORE_ADD_TEST(s, outbox_range_ids_lists_ids_and_seqs_without_texts);
	STORE_ADD_TEST(s, the_log_grows_until_a_checkpoint_is_asked_for);
	STORE_ADD_TEST(s, withdrawn_messages_stay_as_tombstones_until_acknowledged);
	STORE_ADD_TEST(s, skip_moves_last_in_past_a_withdrawn_seq_only_when_it_is_next);
	STORE_ADD_TEST(s, migration_to_version_4_keeps_the_outbox_and_allows_the_new_states);
	STORE_ADD_TEST(s, read_marks_turn_delivered_messages_read_and_leave_the_rest);
	STORE_ADD_TEST(s, migration_to_version_5_keeps_every_row_and_reads_them_back_the_same);
	STORE_ADD_TEST(s, rolled_back_writes_leave_no_peer_key_behind);
	return s;
}
