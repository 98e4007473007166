/* SPDX-License-Identifier: MIT */
/* beacon_parse and the receive filter on arbitrary packets at a fixed clock:
 * the parser must hold its documented invariants, and beacon_table_accept, run
 * on two tables that already know peer A (one with free slots, one full), must
 * agree with the parser, change nothing when it refuses, and refuse a packet
 * it accepted when it comes again. */
#include "beacon.h"
#include "fuzz.h"
#include "ncrypto.h"
#include "nerr.h"
#include "utf8.h"

#include <string.h>

static struct beacon_table fuzz_sparse; /* peer A seen, peer B pinned; read-only after init */
static struct beacon_table fuzz_full;	/* peer A seen, 255 other keys pinned: no free slot */
static uint8_t fuzz_own_id[32];
static uint8_t fuzz_pub_a[32];

/* Put peer A's boot fuzz_boot_a at FUZZ_SEQ_A into t the genuine way. */
static void fuzz_table_add_a(struct beacon_table *t)
{
	struct beacon b = {.version = BEACON_VERSION, .tcp_port = 7000, .seq = FUZZ_SEQ_A};
	struct beacon out;
	uint8_t pkt[BEACON_MAX_LEN];
	size_t len;

	memcpy(b.id_pub, fuzz_pub_a, sizeof b.id_pub);
	memcpy(b.boot_id, fuzz_boot_a, sizeof b.boot_id);
	b.ts_ms = (uint64_t)FUZZ_NOW_MS - 1000;
	strcpy(b.nick, "alice");
	FUZZ_CHECK(beacon_encode(&b, fuzz_sk_peer_a, pkt, sizeof pkt, &len) == 0);
	FUZZ_CHECK(beacon_table_accept(t, pkt, len, FUZZ_SRC_IP, FUZZ_NOW_MS - 1000,
				       FUZZ_MONO_MS - 1000, fuzz_own_id, &out) == 0);
}

/* The sparse table reaches the pinned-but-never-seen path (peer B); the full
 * one the eviction of the only unpinned entry (A) by a new key (B). */
static void fuzz_tables_init(void)
{
	uint8_t pub_b[32], key[32] = {0xf0};

	FUZZ_CHECK(ncrypto_init() == 0);
	FUZZ_CHECK(ncrypto_sign_sk_check(fuzz_sk_peer_a) == 0);
	FUZZ_CHECK(ncrypto_sign_sk_check(fuzz_sk_own) == 0);
	FUZZ_CHECK(ncrypto_sign_sk_check(fuzz_sk_peer_b) == 0);
	ncrypto_sign_sk_to_pk(fuzz_own_id, fuzz_sk_own);
	ncrypto_sign_sk_to_pk(fuzz_pub_a, fuzz_sk_peer_a);
	ncrypto_sign_sk_to_pk(pub_b, fuzz_sk_peer_b);

	beacon_table_init(&fuzz_sparse);
	fuzz_table_add_a(&fuzz_sparse);
	FUZZ_CHECK(beacon_table_pin(&fuzz_sparse, pub_b) == 0);

	beacon_table_init(&fuzz_full);
	fuzz_table_add_a(&fuzz_full);
	for (int i = 0; i < BEACON_TABLE_MAX - 1; i++) {
		key[1] = (uint8_t)i; /* not real keys: pinning needs none */
		FUZZ_CHECK(beacon_table_pin(&fuzz_full, key) == 0);
	}
}
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_tables_init();
	return 0;
}

/* What beacon.h promises about a parsed beacon. */
static void fuzz_check_parsed(const struct beacon *b, size_t size)
{
	size_t nick_len = strnlen(b->nick, sizeof b->nick);
	FUZZ_CHECK(nick_len < sizeof b->nick);
	FUZZ_CHECK(nick_len == size - BEACON_FIXED_LEN);
	FUZZ_CHECK(utf8_check_nick((const uint8_t *)b->nick, nick_len) == 0);
	FUZZ_CHECK(b->version == BEACON_VERSION);
	FUZZ_CHECK((b->flags & ~BEACON_FLAGS_KNOWN) == 0);
	FUZZ_CHECK(b->tcp_port != 0 || (b->flags & BEACON_FLAG_PROBE));
}

/* Run the packet through a copy of template; parsed and rp are beacon_parse's verdict. */
static void fuzz_accept(const struct beacon_table *template, const uint8_t *data, size_t size,
			const struct beacon *parsed, int rp)
{
	static struct beacon_table t;
	struct beacon accepted, again;
	int ra, r2;

	t = *template;
	memset(&accepted, 0x5a, sizeof accepted);
	ra = beacon_table_accept(&t, data, size, FUZZ_SRC_IP, FUZZ_NOW_MS, FUZZ_MONO_MS,
				 fuzz_own_id, &accepted);
	/* The filter runs beacon_parse first, so it cannot accept what the parser refused. */
	FUZZ_CHECK(rp == 0 || ra == rp);
	if (ra != 0) {
		/* beacon.h: only an accepted beacon changes the table (buckets aside). */
		FUZZ_CHECK(memcmp(t.peers, template->peers, sizeof t.peers) == 0);
		return;
	}
	fuzz_check_parsed(&accepted, size);
	FUZZ_CHECK(memcmp(&accepted, parsed, sizeof *parsed) == 0);
	FUZZ_CHECK(memcmp(accepted.id_pub, fuzz_own_id, 32) != 0);
	FUZZ_CHECK(beacon_verify(data, size, accepted.id_pub) == 0);
	/* Replayed at once, even from another address, it is stale. */
	r2 = beacon_table_accept(&t, data, size, FUZZ_SRC_IP + 1, FUZZ_NOW_MS, FUZZ_MONO_MS + 1,
				 fuzz_own_id, &again);
	FUZZ_CHECK(r2 == NERR_FORMAT);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct beacon parsed;
	int rp;

	memset(&parsed, 0xa5, sizeof parsed);
	rp = beacon_parse(&parsed, data, size);
	FUZZ_CHECK(rp <= 0);
	if (rp == 0)
		fuzz_check_parsed(&parsed, size);
	fuzz_accept(&fuzz_sparse, data, size, &parsed, rp);
	fuzz_accept(&fuzz_full, data, size, &parsed, rp);
	return 0;
}
