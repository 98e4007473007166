/* SPDX-License-Identifier: MIT */
/* The discovery beacon: the codec round trip, every structural rejection,
 * and the receive filter's order of checks (rate, time, own key, replay,
 * capacity, signature). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "beacon.h"
#include "ncrypto.h"
#include "nerr.h"

#define NOW	     1700000000000LL /* wall clock for every test, ms */
#define MONO	     5000000LL	     /* monotonic clock at the start of every test, ms */
#define SRC	     0x0a000001u     /* a source address; the table treats it as opaque */
#define OFF_VERSION  4
#define OFF_FLAGS    5
#define OFF_PORT     6
#define OFF_NICK_LEN 64
#define OFF_NICK     65

struct ident {
	uint8_t pk[32];
	uint8_t sk[64];
};

static void ident_new(struct ident *id)
{
	ncrypto_sign_keypair(id->pk, id->sk);
}

static struct beacon beacon_sample(const struct ident *id, uint64_t seq)
{
	struct beacon b;
	memset(&b, 0, sizeof b);
	b.version = BEACON_VERSION;
	b.flags = 0;
	b.tcp_port = 42424;
	memcpy(b.id_pub, id->pk, 32);
	memset(b.boot_id, 0xb0, sizeof b.boot_id);
	b.seq = seq;
	b.ts_ms = (uint64_t)NOW;
	strcpy(b.nick, "alice");
	return b;
}

/* Encode b, failing the test if it does not encode; returns the length. */
static size_t encode_ok(const struct beacon *b, const struct ident *id,
			uint8_t out[BEACON_MAX_LEN + 8])
{
	size_t len = 0;
	ck_assert_int_eq(beacon_encode(b, id->sk, out, BEACON_MAX_LEN + 8, &len), 0);
	return len;
}

static size_t packet(const struct ident *id, uint64_t seq, uint8_t out[BEACON_MAX_LEN + 8])
{
	struct beacon b = beacon_sample(id, seq);
	return encode_ok(&b, id, out);
}

/* A table owned by the test; too big to want on every stack frame. */
static struct beacon_table *table_new(void)
{
	struct beacon_table *t = malloc(sizeof *t);
	ck_assert_ptr_nonnull(t);
	beacon_table_init(t);
	return t;
}

static uint8_t own_key[32] = {0x0e};

static int accept_at(struct beacon_table *t, const uint8_t *pkt, size_t len, uint32_t ip,
		     int64_t mono, struct beacon *out)
{
	return beacon_table_accept(t, pkt, len, ip, NOW, mono, own_key, out);
}

/* codec */

START_TEST(encode_then_parse_round_trips_every_field)
{
	struct ident id;
	uint8_t pkt[BEACON_MAX_LEN + 8];
	struct beacon b;
	struct beacon got;
	ident_new(&id);
	b = beacon_sample(&id, 0x0102030405060708ULL);
	b.flags = BEACON_FLAG_PROBE;
	b.ts_ms = 0x1122334455667788ULL;
	strcpy(b.nick, "Zo\xc3\xab");
	size_t len = encode_ok(&b, &id, pkt);
	ck_assert_uint_eq(len, BEACON_FIXED_LEN + strlen(b.nick));
	ck_assert_mem_eq(pkt, "NTR1", 4);
	ck_assert_uint_eq(pkt[OFF_PORT], 42424 >> 8);
	memset(&got, 0xaa, sizeof got);
	ck_assert_int_eq(beacon_parse(&got, pkt, len), 0);
	ck_assert_uint_eq(got.version, BEACON_VERSION);
	ck_assert_uint_eq(got.flags, BEACON_FLAG_PROBE);
	ck_assert_uint_eq(got.tcp_port, 42424);
	ck_assert_mem_eq(got.id_pub, id.pk, 32);
	ck_assert_mem_eq(got.boot_id, b.boot_id, 8);
	ck_assert_uint_eq(got.seq, 0x0102030405060708ULL);
	ck_assert_uint_eq(got.ts_ms, 0x1122334455667788ULL);
	ck_assert_str_eq(got.nick, "Zo\xc3\xab");
	ck_assert_int_eq(beacon_verify(pkt, len, id.pk), 0);
}
END_TEST

START_TEST(lengths_span_130_to_161_bytes)
{
	struct ident id;
	uint8_t pkt[BEACON_MAX_LEN + 8];
	struct beacon b;
	ident_new(&id);
	b = beacon_sample(&id, 1);
	strcpy(b.nick, "x");
	ck_assert_uint_eq(encode_ok(&b, &id, pkt), BEACON_MIN_LEN);
	memset(b.nick, 'y', BEACON_NICK_MAX);
	b.nick[BEACON_NICK_MAX] = '\0';
	size_t len = encode_ok(&b, &id, pkt);
	ck_assert_uint_eq(len, BEACON_MAX_LEN);
	ck_assert_int_eq(beacon_parse(&b, pkt, len), 0);
}
END_TEST

START_TEST(encode_refuses_what_it_must_not_send)
{
	struct ident id;
	struct ident other;
	uint8_t pkt[BEACON_MAX_LEN];
	size_t len = 7;
	ident_new(&id);
	ident_new(&other);
	struct beacon b = beacon_sample(&id, 1);
	b.flags = 0x02;
	ck_assert_int_eq(beacon_encode(&b, id.sk, pkt, sizeof pkt, &len), NERR_FORMAT);
	b = beacon_sample(&id, 1);
	b.tcp_port = 0;
	ck_assert_int_eq(beacon_encode(&b, id.sk, pkt, sizeof pkt, &len), NERR_FORMAT);
	b = beacon_sample(&id, 1);
	b.version = 2;
	ck_assert_int_eq(beacon_encode(&b, id.sk, pkt, sizeof pkt, &len), NERR_VERSION);
	b = beacon_sample(&id, 1);
	b.nick[0] = '\0';
	ck_assert_int_eq(beacon_encode(&b, id.sk, pkt, sizeof pkt, &len), NERR_EMPTY);
	strcpy(b.nick, "bell\a");
	ck_assert_int_eq(beacon_encode(&b, id.sk, pkt, sizeof pkt, &len), NERR_FORMAT);
	memset(b.nick, 'z', sizeof b.nick); /* no terminator */
	ck_assert_int_eq(beacon_encode(&b, id.sk, pkt, sizeof pkt, &len), NERR_TOOLONG);
	b = beacon_sample(&id, 1);
	ck_assert_int_eq(beacon_encode(&b, other.sk, pkt, sizeof pkt, &len), NERR_PEERKEY);
	ck_assert_int_eq(beacon_encode(&b, id.sk, pkt, BEACON_FIXED_LEN + 4, &len), NERR_TOOLONG);
	ck_assert_uint_eq(len, 7);
	ck_assert_int_eq(beacon_encode(&b, id.sk, pkt, BEACON_FIXED_LEN + 5, &len), 0);
	ck_assert_uint_eq(len, BEACON_FIXED_LEN + 5);
}
END_TEST

START_TEST(parse_rejects_a_wrong_magic)
{
	struct ident id;
	uint8_t pkt[BEACON_MAX_LEN + 8];
	struct beacon b;
	ident_new(&id);
	size_t len = packet(&id, 1, pkt);
	pkt[3] = '2';
	ck_assert_int_eq(beacon_parse(&b, pkt, len), NERR_MAGIC);
}
END_TEST

START_TEST(parse_rejects_a_wrong_version)
{
	struct ident id;
	uint8_t pkt[BEACON_MAX_LEN + 8];
	struct beacon b;
	ident_new(&id);
	size_t len = packet(&id, 1, pkt);
	pkt[OFF_VERSION] = 2;
	ck_assert_int_eq(beacon_parse(&b, pkt, len), NERR_VERSION);
	pkt[OFF_VERSION] = 0;
	ck_assert_int_eq(beacon_parse(&b, pkt, len), NERR_VERSION);
}
END_TEST

/* _i bytes of a 134-byte beacon survive; the copy is exactly _i bytes long
 * so that ASan sees any read past the end. */
START_TEST(parse_of_a_beacon_truncated_at_any_length_fails_cleanly)
{
	struct ident id;
	uint8_t pkt[BEACON_MAX_LEN + 8];
	struct beacon b;
	ident_new(&id);
	size_t full = packet(&id, 1, pkt);
	size_t n = (size_t)_i;
	ck_assert_uint_lt(n, full);
	uint8_t *cut = malloc(n ? n : 1);
	ck_assert_ptr_nonnull(cut);
	memcpy(cut, pkt, n);
	memset(&b, 0x5a, sizeof b);
	ck_assert_int_eq(beacon_parse(&b, cut, n), NERR_SHORT);
	ck_assert_uint_eq(b.seq, 0x5a5a5a5a5a5a5a5aULL); /* untouched */
	ck_assert_int_ne(beacon_verify(cut, n, id.pk), 0);
	free(cut);
}
END_TEST

START_TEST(parse_rejects_a_packet_over_the_maximum_length)
{
	uint8_t big[BEACON_MAX_LEN + 1];
	struct beacon b;
	memset(big, 'A', sizeof big);
	memcpy(big, "NTR1", 4);
	ck_assert_int_eq(beacon_parse(&b, big, sizeof big), NERR_TOOLONG);
	ck_assert_int_eq(beacon_parse(&b, big, 65535), NERR_TOOLONG);
}
END_TEST

START_TEST(parse_rejects_a_trailing_byte)
{
	struct ident id;
	uint8_t pkt[BEACON_MAX_LEN + 8];
	struct beacon b;
	ident_new(&id);
	size_t len = packet(&id, 1, pkt);
	pkt[len] = 0;
	ck_assert_int_eq(beacon_parse(&b, pkt, len + 1), NERR_TRAILING);
}
END_TEST

START_TEST(parse_rejects_nick_len_0_and_33)
{
	struct ident id;
	uint8_t pkt[BEACON_MAX_LEN + 8];
	struct beacon b;
	ident_new(&id);
	size_t len = packet(&id, 1, pkt);
	pkt[OFF_NICK_LEN] = 0;
	ck_assert_int_eq(beacon_parse(&b, pkt, len), NERR_EMPTY);
	pkt[OFF_NICK_LEN] = 33;
	ck_assert_int_eq(beacon_parse(&b, pkt, len), NERR_TOOLONG);
	/* and 33 even in a packet long enough to hold it */
	uint8_t big[BEACON_FIXED_LEN + 33];
	memset(big, 'n', sizeof big);
	memcpy(big, pkt, OFF_NICK);
	ck_assert_int_eq(beacon_parse(&b, big, sizeof big), NERR_TOOLONG);
}
END_TEST

START_TEST(parse_rejects_a_nick_len_that_disagrees_with_the_length)
{
	struct ident id;
	uint8_t pkt[BEACON_MAX_LEN + 8];
	struct beacon b;
	ident_new(&id);
	size_t len = packet(&id, 1, pkt); /* nick_len 5 */
	pkt[OFF_NICK_LEN] = 6;
	ck_assert_int_eq(beacon_parse(&b, pkt, len), NERR_SHORT);
	pkt[OFF_NICK_LEN] = 4;
	ck_assert_int_eq(beacon_parse(&b, pkt, len), NERR_TRAILING);
}
END_TEST

START_TEST(parse_rejects_a_nick_with_a_control_or_bad_utf8)
{
	struct ident id;
	uint8_t pkt[BEACON_MAX_LEN + 8];
	struct beacon b;
	ident_new(&id);
	size_t len = packet(&id, 1, pkt);
	pkt[OFF_NICK + 1] = 0x1b;
	ck_assert_int_eq(beacon_parse(&b, pkt, len), NERR_FORMAT);
	pkt[OFF_NICK + 1] = 0;
	ck_assert_int_eq(beacon_parse(&b, pkt, len), NERR_FORMAT);
	pkt[OFF_NICK + 1] = 0xc0;
	ck_assert_int_eq(beacon_parse(&b, pkt, len), NERR_UTF8);
}
END_TEST

START_TEST(parse_rejects_tcp_port_0)
{
	struct ident id;
	uint8_t pkt[BEACON_MAX_LEN + 8];
	struct beacon b;
	ident_new(&id);
	size_t len = packet(&id, 1, pkt);
	pkt[OFF_PORT] = 0;
	pkt[OFF_PORT + 1] = 0;
	ck_assert_int_eq(beacon_parse(&b, pkt, len), NERR_FORMAT);
}
END_TEST

START_TEST(a_probe_may_carry_tcp_port_0)
{
	struct ident id;
	uint8_t pkt[BEACON_MAX_LEN + 8];
	size_t len;
	struct beacon b, got;
	ident_new(&id);
	b = beacon_sample(&id, 1);
	b.tcp_port = 0;
	b.flags = BEACON_FLAG_PROBE;
	ck_assert_int_eq(beacon_encode(&b, id.sk, pkt, sizeof pkt, &len), 0);
	ck_assert_int_eq(beacon_parse(&got, pkt, len), 0);
	ck_assert_uint_eq(got.tcp_port, 0);
	ck_assert_uint_eq(got.flags, BEACON_FLAG_PROBE);
}
END_TEST

START_TEST(parse_ignores_unknown_flag_bits)
{
	struct ident id;
	uint8_t pkt[BEACON_MAX_LEN + 8];
	struct beacon b;
	ident_new(&id);
	size_t len = packet(&id, 1, pkt);
	pkt[OFF_FLAGS] = 0x0f; /* bits 1..3 are unknown */
	ck_assert_int_eq(beacon_parse(&b, pkt, len), 0);
	ck_assert_uint_eq(b.flags, BEACON_FLAG_PROBE);
}
END_TEST

START_TEST(the_pace_travels_in_the_flags_and_is_signed)
{
	struct ident id;
	uint8_t pkt[BEACON_MAX_LEN + 8];
	size_t len;
	struct beacon b, got;
	ident_new(&id);
	b = beacon_sample(&id, 1);
	b.flags = (uint8_t)(BEACON_FLAG_PROBE | beacon_pace_flags(3));
	ck_assert_int_eq(beacon_encode(&b, id.sk, pkt, sizeof pkt, &len), 0);
	ck_assert_uint_eq(pkt[OFF_FLAGS], 0x21);
	ck_assert_int_eq(beacon_parse(&got, pkt, len), 0);
	ck_assert_uint_eq(beacon_pace(got.flags), 3);
	ck_assert_uint_eq(got.flags & BEACON_FLAG_PROBE, BEACON_FLAG_PROBE);
	ck_assert_int_eq(beacon_verify(pkt, len, id.pk), 0);
	/* A node that predates the pace sends 0: pace 1, as before. */
	ck_assert_uint_eq(beacon_pace(0x00), 1);
	ck_assert_uint_eq(beacon_pace(0xf0), BEACON_PACE_MAX);
	ck_assert_uint_eq(beacon_pace_flags(0), 0x00);
	ck_assert_uint_eq(beacon_pace_flags(1), 0x00);
	ck_assert_uint_eq(beacon_pace_flags(BEACON_PACE_MAX + 5), 0xf0);
	/* The pace is signed: raising it on the way breaks the signature. */
	pkt[OFF_FLAGS] = 0x31;
	ck_assert_int_eq(beacon_parse(&got, pkt, len), 0);
	ck_assert_int_eq(beacon_verify(pkt, len, id.pk), NERR_CRYPTO);
}
END_TEST

START_TEST(verify_wants_the_key_the_packet_names)
{
	struct ident id;
	struct ident other;
	uint8_t pkt[BEACON_MAX_LEN + 8];
	ident_new(&id);
	ident_new(&other);
	size_t len = packet(&id, 1, pkt);
	ck_assert_int_eq(beacon_verify(pkt, len, id.pk), 0);
	ck_assert_int_eq(beacon_verify(pkt, len, other.pk), NERR_PEERKEY);
	/* a packet that claims another key fails against either */
	memcpy(pkt + 8, other.pk, 32);
	ck_assert_int_eq(beacon_verify(pkt, len, other.pk), NERR_CRYPTO);
	ck_assert_int_eq(beacon_verify(pkt, len, id.pk), NERR_PEERKEY);
}
END_TEST

/* the receive filter */

START_TEST(a_valid_beacon_is_accepted_and_written_out)
{
	struct ident id;
	uint8_t pkt[BEACON_MAX_LEN + 8];
	struct beacon got;
	struct beacon_table *t = table_new();
	ident_new(&id);
	size_t len = packet(&id, 7, pkt);
	ck_assert_int_eq(accept_at(t, pkt, len, SRC, MONO, &got), 0);
	ck_assert_mem_eq(got.id_pub, id.pk, 32);
	ck_assert_uint_eq(got.seq, 7);
	ck_assert_str_eq(got.nick, "alice");
	len = packet(&id, 8, pkt);
	ck_assert_int_eq(accept_at(t, pkt, len, SRC, MONO + 3000, &got), 0);
	ck_assert_uint_eq(got.seq, 8);
	free(t);
}
END_TEST

/* _i == 0 flips a signature bit, _i == 1 a nick bit ('a' -> '`'). */
START_TEST(a_forged_beacon_fails_verification_and_changes_nothing)
{
	struct ident id;
	uint8_t pkt[BEACON_MAX_LEN + 8];
	uint8_t bad[BEACON_MAX_LEN + 8];
	struct beacon got;
	struct beacon_table *t = table_new();
	ident_new(&id);
	size_t len = packet(&id, 1, pkt);
	memcpy(bad, pkt, len);
	if (_i == 0)
		bad[len - 10] ^= 0x01;
	else
		bad[OFF_NICK] ^= 0x01;
	ck_assert_int_eq(beacon_parse(&got, bad, len), 0);
	memset(&got, 0x5a, sizeof got);
	ck_assert_int_eq(accept_at(t, bad, len, SRC, MONO, &got), NERR_CRYPTO);
	ck_assert_uint_eq(got.seq, 0x5a5a5a5a5a5a5a5aULL);
	/* the forgery recorded nothing: the genuine packet with the same seq passes */
	ck_assert_int_eq(accept_at(t, pkt, len, SRC, MONO, &got), 0);
	free(t);
}
END_TEST

START_TEST(a_beacon_with_a_bad_structure_is_rejected_by_the_table)
{
	struct ident id;
	uint8_t pkt[BEACON_MAX_LEN + 8];
	struct beacon got;
	struct beacon_table *t = table_new();
	ident_new(&id);
	size_t len = packet(&id, 1, pkt);
	pkt[len] = 0;
	ck_assert_int_eq(accept_at(t, pkt, BEACON_MIN_LEN - 1, SRC, MONO, &got), NERR_SHORT);
	ck_assert_int_eq(accept_at(t, pkt, len + 1, SRC, MONO, &got), NERR_TRAILING);
	pkt[0] = 'X';
	ck_assert_int_eq(accept_at(t, pkt, len, SRC, MONO, &got), NERR_MAGIC);
	free(t);
}
END_TEST

START_TEST(a_replayed_beacon_is_rejected_without_verifying)
{
	struct ident id;
	uint8_t pkt[BEACON_MAX_LEN + 8];
	struct beacon got;
	struct beacon_table *t = table_new();
	ident_new(&id);
	size_t len = packet(&id, 5, pkt);
	ck_assert_int_eq(accept_at(t, pkt, len, SRC, MONO, &got), 0);
	ck_assert_int_eq(accept_at(t, pkt, len, SRC, MONO + 10, &got), NERR_FORMAT);
	/* a corrupted signature still gets the replay error: nothing verified it */
	pkt[len - 1] ^= 0x80;
	ck_assert_int_eq(accept_at(t, pkt, len, SRC, MONO + 20, &got), NERR_FORMAT);
	/* and an older seq of the same boot likewise */
	len = packet(&id, 4, pkt);
	pkt[len - 1] ^= 0x80;
	ck_assert_int_eq(accept_at(t, pkt, len, SRC, MONO + 30, &got), NERR_FORMAT);
	free(t);
}
END_TEST

START_TEST(a_restart_with_a_new_boot_id_is_accepted)
{
	struct ident id;
	uint8_t old_boot[BEACON_MAX_LEN + 8];
	uint8_t pkt[BEACON_MAX_LEN + 8];
	struct beacon got;
	struct beacon_table *t = table_new();
	ident_new(&id);
	struct beacon b = beacon_sample(&id, 900);
	size_t old_len = encode_ok(&b, &id, old_boot);
	ck_assert_int_eq(accept_at(t, old_boot, old_len, SRC, MONO, &got), 0);
	/* restarted: new boot, seq back to 0, a later clock */
	memset(b.boot_id, 0xb1, sizeof b.boot_id);
	b.seq = 0;
	b.ts_ms += 2000;
	size_t len = encode_ok(&b, &id, pkt);
	ck_assert_int_eq(accept_at(t, pkt, len, SRC, MONO + 2000, &got), 0);
	ck_assert_uint_eq(got.seq, 0);
	/* a restart is still checked: a new boot with a corrupted signature is not */
	memset(b.boot_id, 0xb2, sizeof b.boot_id);
	b.ts_ms += 1000;
	len = encode_ok(&b, &id, pkt);
	pkt[len - 1] ^= 0x01;
	ck_assert_int_eq(accept_at(t, pkt, len, SRC, MONO + 3000, &got), NERR_CRYPTO);
	free(t);
}
END_TEST

START_TEST(a_beacon_from_an_earlier_boot_is_rejected_after_a_restart)
{
	struct ident id;
	uint8_t old_boot[BEACON_MAX_LEN + 8];
	uint8_t pkt[BEACON_MAX_LEN + 8];
	struct beacon got;
	struct beacon_table *t = table_new();
	ident_new(&id);
	struct beacon b = beacon_sample(&id, 900);
	size_t old_len = encode_ok(&b, &id, old_boot);
	ck_assert_int_eq(accept_at(t, old_boot, old_len, SRC, MONO, &got), 0);
	memset(b.boot_id, 0xb1, sizeof b.boot_id);
	b.seq = 0;
	b.ts_ms += 2000;
	size_t len = encode_ok(&b, &id, pkt);
	ck_assert_int_eq(accept_at(t, pkt, len, SRC, MONO + 2000, &got), 0);
	/* an attacker replays the old boot's beacon, still inside the skew window */
	ck_assert_int_eq(accept_at(t, old_boot, old_len, SRC, MONO + 3000, &got), NERR_FORMAT);
	/* once the new boot has been silent longer than the window, a boot whose
	 * clock went backwards is believed again */
	memset(b.boot_id, 0xb2, sizeof b.boot_id);
	b.ts_ms = (uint64_t)NOW - 5000;
	len = encode_ok(&b, &id, pkt);
	ck_assert_int_eq(accept_at(t, pkt, len, SRC, MONO + 3000, &got), NERR_FORMAT);
	ck_assert_int_eq(accept_at(t, pkt, len, SRC, MONO + 2000 + BEACON_TS_SKEW_MS + 1, &got), 0);
	free(t);
}
END_TEST

START_TEST(a_stale_or_future_timestamp_is_rejected)
{
	struct ident id;
	uint8_t pkt[BEACON_MAX_LEN + 8];
	struct beacon got;
	struct beacon_table *t = table_new();
	ident_new(&id);
	struct beacon b = beacon_sample(&id, 1);
	b.ts_ms = (uint64_t)NOW - BEACON_TS_SKEW_MS - 1;
	size_t len = encode_ok(&b, &id, pkt);
	ck_assert_int_eq(accept_at(t, pkt, len, SRC, MONO, &got), NERR_TIMEOUT);
	b.ts_ms = (uint64_t)NOW + BEACON_TS_SKEW_MS + 1;
	len = encode_ok(&b, &id, pkt);
	ck_assert_int_eq(accept_at(t, pkt, len, SRC, MONO, &got), NERR_TIMEOUT);
	b.ts_ms = UINT64_MAX;
	len = encode_ok(&b, &id, pkt);
	ck_assert_int_eq(accept_at(t, pkt, len, SRC, MONO, &got), NERR_TIMEOUT);
	/* the edges of the window are inside it */
	b.ts_ms = (uint64_t)NOW - BEACON_TS_SKEW_MS;
	len = encode_ok(&b, &id, pkt);
	ck_assert_int_eq(accept_at(t, pkt, len, SRC, MONO, &got), 0);
	b.seq = 2;
	b.ts_ms = (uint64_t)NOW + BEACON_TS_SKEW_MS;
	len = encode_ok(&b, &id, pkt);
	ck_assert_int_eq(accept_at(t, pkt, len, SRC, MONO, &got), 0);
	free(t);
}
END_TEST

START_TEST(our_own_beacon_is_dropped)
{
	struct ident id;
	uint8_t pkt[BEACON_MAX_LEN + 8];
	struct beacon got;
	struct beacon_table *t = table_new();
	ident_new(&id);
	size_t len = packet(&id, 1, pkt);
	ck_assert_int_eq(beacon_table_accept(t, pkt, len, SRC, NOW, MONO, id.pk, &got),
			 NERR_PEERKEY);
	free(t);
}
END_TEST

START_TEST(a_burst_from_one_source_hits_its_token_bucket)
{
	struct ident id;
	uint8_t pkt[BEACON_MAX_LEN + 8];
	struct beacon got;
	struct beacon_table *t = table_new();
	ident_new(&id);
	size_t len = packet(&id, 1, pkt);
	/* replays cost no signature check, so a burst of them measures the bucket */
	ck_assert_int_eq(accept_at(t, pkt, len, SRC, MONO, &got), 0);
	for (int i = 1; i < BEACON_SRC_BURST; i++)
		ck_assert_int_eq(accept_at(t, pkt, len, SRC, MONO, &got), NERR_FORMAT);
	ck_assert_int_eq(accept_at(t, pkt, len, SRC, MONO, &got), NERR_LIMIT);
	/* another source has its own bucket */
	ck_assert_int_eq(accept_at(t, pkt, len, SRC + 1, MONO, &got), NERR_FORMAT);
	/* one packet's worth of time refills one token */
	int64_t later = MONO + 1000 / BEACON_SRC_RATE;
	ck_assert_int_eq(accept_at(t, pkt, len, SRC, later, &got), NERR_FORMAT);
	ck_assert_int_eq(accept_at(t, pkt, len, SRC, later, &got), NERR_LIMIT);
	free(t);
}
END_TEST

START_TEST(a_flood_from_many_sources_hits_the_global_cap)
{
	struct ident id;
	uint8_t pkt[BEACON_MAX_LEN + 8];
	struct beacon got;
	struct beacon_table *t = table_new();
	ident_new(&id);
	size_t len = packet(&id, 1, pkt);
	ck_assert_int_eq(accept_at(t, pkt, len, SRC, MONO, &got), 0);
	uint32_t ip = 0xc6120000u; /* 198.18.0.0, apart from SRC */
	for (int i = 1; i < BEACON_GLOBAL_BURST; i++)
		ck_assert_int_eq(accept_at(t, pkt, len, ip + (uint32_t)i, MONO, &got), NERR_FORMAT);
	ck_assert_int_eq(accept_at(t, pkt, len, ip, MONO, &got), NERR_LIMIT);
	ck_assert_int_eq(accept_at(t, pkt, len, ip, MONO + 1000, &got), NERR_FORMAT);
	free(t);
}
END_TEST

/* Fill the table with BEACON_TABLE_MAX keys, key i accepted at MONO + i * 10. */
static void fill_table(struct beacon_table *t, struct ident *ids,
		       uint8_t (*pkts)[BEACON_MAX_LEN + 8], size_t *lens)
{
	struct beacon got;
	for (size_t i = 0; i < BEACON_TABLE_MAX; i++) {
		ident_new(&ids[i]);
		lens[i] = packet(&ids[i], 1, pkts[i]);
		ck_assert_int_eq(accept_at(t, pkts[i], lens[i], SRC, MONO + (int64_t)i * 100, &got),
				 0);
	}
}

struct fill {
	struct ident ids[BEACON_TABLE_MAX + 1];
	uint8_t pkts[BEACON_TABLE_MAX + 1][BEACON_MAX_LEN + 8];
	size_t lens[BEACON_TABLE_MAX + 1];
};

START_TEST(a_full_table_evicts_the_oldest_unpinned_entry)
{
	struct fill *f = malloc(sizeof *f);
	struct beacon got;
	struct beacon_table *t = table_new();
	ck_assert_ptr_nonnull(f);
	fill_table(t, f->ids, f->pkts, f->lens);
	ck_assert_int_eq(beacon_table_pin(t, f->ids[0].pk), 0);
	int64_t mono = MONO + BEACON_TABLE_MAX * 100;
	const size_t n = BEACON_TABLE_MAX;
	ident_new(&f->ids[n]);
	f->lens[n] = packet(&f->ids[n], 1, f->pkts[n]);
	ck_assert_int_eq(accept_at(t, f->pkts[n], f->lens[n], SRC, mono, &got), 0);
	/* key 0 is pinned and kept: its replay is still caught */
	ck_assert_int_eq(accept_at(t, f->pkts[0], f->lens[0], SRC, mono, &got), NERR_FORMAT);
	/* key 2 is still known */
	ck_assert_int_eq(accept_at(t, f->pkts[2], f->lens[2], SRC, mono, &got), NERR_FORMAT);
	/* key 1 was the oldest unpinned: it was forgotten, so its old packet is new again */
	ck_assert_int_eq(accept_at(t, f->pkts[1], f->lens[1], SRC, mono, &got), 0);
	free(f);
	free(t);
}
END_TEST

START_TEST(a_forged_beacon_from_a_new_key_evicts_nothing)
{
	struct fill *f = malloc(sizeof *f);
	struct beacon got;
	struct beacon_table *t = table_new();
	ck_assert_ptr_nonnull(f);
	fill_table(t, f->ids, f->pkts, f->lens);
	int64_t mono = MONO + BEACON_TABLE_MAX * 100;
	const size_t n = BEACON_TABLE_MAX;
	ident_new(&f->ids[n]);
	f->lens[n] = packet(&f->ids[n], 1, f->pkts[n]);
	f->pkts[n][f->lens[n] - 1] ^= 0x01;
	ck_assert_int_eq(accept_at(t, f->pkts[n], f->lens[n], SRC, mono, &got), NERR_CRYPTO);
	/* the oldest entry survived the forgery */
	ck_assert_int_eq(accept_at(t, f->pkts[0], f->lens[0], SRC, mono, &got), NERR_FORMAT);
	free(f);
	free(t);
}
END_TEST

START_TEST(a_table_full_of_pinned_keys_turns_new_keys_away)
{
	struct ident ids[2];
	uint8_t pkt[BEACON_MAX_LEN + 8];
	uint8_t key[32] = {0};
	struct beacon got;
	struct beacon_table *t = table_new();
	ident_new(&ids[0]);
	ident_new(&ids[1]);
	ck_assert_int_eq(beacon_table_pin(t, ids[0].pk), 0);
	for (int i = 1; i < BEACON_TABLE_MAX; i++) {
		key[0] = (uint8_t)i;
		key[1] = (uint8_t)(i >> 8);
		ck_assert_int_eq(beacon_table_pin(t, key), 0);
	}
	key[1] = 0x7f;
	ck_assert_int_eq(beacon_table_pin(t, key), NERR_LIMIT);
	ck_assert_int_eq(beacon_table_pin(t, ids[0].pk), 0); /* already there */
	size_t len = packet(&ids[1], 1, pkt);
	/* a full table is detected before the signature: a forgery gets the same answer */
	ck_assert_int_eq(accept_at(t, pkt, len, SRC, MONO, &got), NERR_LIMIT);
	pkt[len - 1] ^= 0x01;
	ck_assert_int_eq(accept_at(t, pkt, len, SRC, MONO, &got), NERR_LIMIT);
	/* the pinned key had its slot reserved before its first beacon */
	len = packet(&ids[0], 1, pkt);
	ck_assert_int_eq(accept_at(t, pkt, len, SRC, MONO, &got), 0);
	ck_assert_int_eq(accept_at(t, pkt, len, SRC, MONO, &got), NERR_FORMAT);
	free(t);
}
END_TEST

Suite *beacon_suite(void);
Suite *beacon_suite(void)
{
	Suite *s = suite_create("beacon");
	TCase *tc = tcase_create("codec");
	tcase_add_test(tc, encode_then_parse_round_trips_every_field);
	tcase_add_test(tc, lengths_span_130_to_161_bytes);
	tcase_add_test(tc, encode_refuses_what_it_must_not_send);
	tcase_add_test(tc, parse_rejects_a_wrong_magic);
	tcase_add_test(tc, parse_rejects_a_wrong_version);
	tcase_add_loop_test(tc, parse_of_a_beacon_truncated_at_any_length_fails_cleanly, 0,
			    BEACON_FIXED_LEN + 5);
	tcase_add_test(tc, parse_rejects_a_packet_over_the_maximum_length);
	tcase_add_test(tc, parse_rejects_a_trailing_byte);
	tcase_add_test(tc, parse_rejects_nick_len_0_and_33);
	tcase_add_test(tc, parse_rejects_a_nick_len_that_disagrees_with_the_length);
	tcase_add_test(tc, parse_rejects_a_nick_with_a_control_or_bad_utf8);
	tcase_add_test(tc, parse_rejects_tcp_port_0);
	tcase_add_test(tc, a_probe_may_carry_tcp_port_0);
	tcase_add_test(tc, parse_ignores_unknown_flag_bits);
	tcase_add_test(tc, the_pace_travels_in_the_flags_and_is_signed);
	tcase_add_test(tc, verify_wants_the_key_the_packet_names);
	suite_add_tcase(s, tc);
	TCase *tt = tcase_create("table");
	tcase_set_timeout(tt, 30);
	tcase_add_test(tt, a_valid_beacon_is_accepted_and_written_out);
	tcase_add_loop_test(tt, a_forged_beacon_fails_verification_and_changes_nothing, 0, 2);
	tcase_add_test(tt, a_beacon_with_a_bad_structure_is_rejected_by_the_table);
	tcase_add_test(tt, a_replayed_beacon_is_rejected_without_verifying);
	tcase_add_test(tt, a_restart_with_a_new_boot_id_is_accepted);
	tcase_add_test(tt, a_beacon_from_an_earlier_boot_is_rejected_after_a_restart);
	tcase_add_test(tt, a_stale_or_future_timestamp_is_rejected);
	tcase_add_test(tt, our_own_beacon_is_dropped);
	tcase_add_test(tt, a_burst_from_one_source_hits_its_token_bucket);
	tcase_add_test(tt, a_flood_from_many_sources_hits_the_global_cap);
	tcase_add_test(tt, a_full_table_evicts_the_oldest_unpinned_entry);
	tcase_add_test(tt, a_forged_beacon_from_a_new_key_evicts_nothing);
	tcase_add_test(tt, a_table_full_of_pinned_keys_turns_new_keys_away);
	suite_add_tcase(s, tt);
	return s;
}
