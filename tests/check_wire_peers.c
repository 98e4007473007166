/* SPDX-License-Identifier: MIT */
/* The PEERS codec (peer exchange): round trips, the exact byte layout, the
 * count limit, every field's bounds, truncation at every offset, trailing
 * bytes, repeated keys and addresses that must never be dialled. */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nerr.h"
#include "wire.h"

#define SENTINEL 0xa5

static struct wire_peer peer_sample(uint8_t k, const char *ip, uint16_t port, const char *nick)
{
	struct wire_peer e;
	memset(&e, 0, sizeof e);
	memset(e.key, k, 32);
	ck_assert_int_eq(inet_pton(AF_INET, ip, &e.addr), 1);
	e.port = port;
	snprintf(e.nick, sizeof e.nick, "%s", nick);
	return e;
}

/* The bytes of a two-entry PEERS frame, by hand. */
static size_t two_forge(uint8_t *out)
{
	size_t o = 0;
	out[o++] = 2;
	memset(out + o, 0x11, 32), o += 32;
	memcpy(out + o, "\xc6\x12\x01\x02", 4), o += 4;
	out[o++] = 0x1e, out[o++] = 0x14; /* 7700 */
	out[o++] = 3;
	memcpy(out + o, "bob", 3), o += 3;
	memset(out + o, 0x22, 32), o += 32;
	memcpy(out + o, "\x0a\x00\x00\x07", 4), o += 4;
	out[o++] = 0xff, out[o++] = 0xff;
	out[o++] = 1;
	out[o++] = 'c';
	return o;
}

/* Decode in[len] from an exactly sized heap copy into sentinel-filled output;
 * the result must be err and nothing written. */
static void peers_decode_fails(const uint8_t *in, size_t len, int err)
{
	struct wire_peer out[WIRE_PEERS_MAX], before[WIRE_PEERS_MAX];
	size_t count = 777;
	uint8_t *copy = malloc(len ? len : 1);
	ck_assert_ptr_nonnull(copy);
	if (len)
		memcpy(copy, in, len);
	memset(out, SENTINEL, sizeof out);
	memcpy(before, out, sizeof out);
	ck_assert_int_eq(wire_peers_decode(out, &count, copy, len), err);
	ck_assert_mem_eq(out, before, sizeof out);
	ck_assert_uint_eq(count, 777);
	free(copy);
}

START_TEST(peers_round_trip_every_field)
{
	struct wire_peer in[2] = {peer_sample(0x11, "198.18.1.2", 7700, "bob"),
				  peer_sample(0x22, "10.0.0.7", 65535, "c")};
	struct wire_peer out[WIRE_PEERS_MAX];
	uint8_t buf[WIRE_PEERS_BODY_MAX];
	size_t len, count;
	ck_assert_int_eq(wire_peers_encode(in, 2, buf, sizeof buf, &len), 0);
	ck_assert_int_eq(wire_peers_decode(out, &count, buf, len), 0);
	ck_assert_uint_eq(count, 2);
	for (size_t i = 0; i < 2; i++) {
		ck_assert_mem_eq(out[i].key, in[i].key, 32);
		ck_assert_uint_eq(out[i].addr.s_addr, in[i].addr.s_addr);
		ck_assert_uint_eq(out[i].port, in[i].port);
		ck_assert_str_eq(out[i].nick, in[i].nick);
	}
}
END_TEST

START_TEST(peers_encoding_is_count_then_key_ipv4_port_nick_len_nick)
{
	struct wire_peer in[2] = {peer_sample(0x11, "198.18.1.2", 7700, "bob"),
				  peer_sample(0x22, "10.0.0.7", 65535, "c")};
	uint8_t buf[WIRE_PEERS_BODY_MAX], want[256];
	size_t len, wl = two_forge(want);
	ck_assert_int_eq(wire_peers_encode(in, 2, buf, sizeof buf, &len), 0);
	ck_assert_uint_eq(len, wl);
	ck_assert_uint_eq(len, 1 + 2 * WIRE_PEER_FIXED + 3 + 1);
	ck_assert_mem_eq(buf, want, wl);
}
END_TEST

START_TEST(peers_with_no_entry_is_one_zero_byte)
{
	struct wire_peer out[WIRE_PEERS_MAX];
	uint8_t buf[4];
	size_t len, count = 9;
	ck_assert_int_eq(wire_peers_encode(NULL, 0, buf, sizeof buf, &len), 0);
	ck_assert_uint_eq(len, 1);
	ck_assert_uint_eq(buf[0], 0);
	ck_assert_int_eq(wire_peers_decode(out, &count, buf, len), 0);
	ck_assert_uint_eq(count, 0);
}
END_TEST

/* 32 entries with 32-byte nicks: the largest body, exactly WIRE_PEERS_BODY_MAX. */
static size_t full_forge(struct wire_peer *in, uint8_t *buf)
{
	size_t len;
	for (int i = 0; i < WIRE_PEERS_MAX; i++) {
		in[i] = peer_sample((uint8_t)(i + 1), "198.18.3.4", (uint16_t)(1000 + i),
				    "abcdefghijklmnopqrstuvwxyz012345");
	}
	ck_assert_int_eq(wire_peers_encode(in, WIRE_PEERS_MAX, buf, WIRE_PEERS_BODY_MAX, &len), 0);
	return len;
}

START_TEST(peers_of_32_entries_with_32_byte_nicks_fill_the_maximum_body)
{
	static struct wire_peer in[WIRE_PEERS_MAX], out[WIRE_PEERS_MAX];
	static uint8_t buf[WIRE_PEERS_BODY_MAX];
	size_t count, len = full_forge(in, buf);
	ck_assert_uint_eq(len, WIRE_PEERS_BODY_MAX);
	ck_assert_int_eq(wire_peers_decode(out, &count, buf, len), 0);
	ck_assert_uint_eq(count, WIRE_PEERS_MAX);
	ck_assert_str_eq(out[31].nick, in[31].nick);
	ck_assert_uint_eq(out[31].port, 1031);
}
END_TEST

START_TEST(peers_encode_refuses_33_entries)
{
	static struct wire_peer in[WIRE_PEERS_MAX + 1];
	static uint8_t buf[WIRE_PEERS_BODY_MAX + 128];
	size_t len = 99;
	for (int i = 0; i <= WIRE_PEERS_MAX; i++)
		in[i] = peer_sample((uint8_t)(i + 1), "198.18.3.4", 7700, "x");
	ck_assert_int_eq(wire_peers_encode(in, WIRE_PEERS_MAX + 1, buf, sizeof buf, &len),
			 NERR_TOOLONG);
	ck_assert_uint_eq(len, 99);
}
END_TEST

START_TEST(peers_decode_rejects_a_count_of_33_before_reading_entries)
{
	uint8_t in[1] = {WIRE_PEERS_MAX + 1};
	peers_decode_fails(in, 1, NERR_TOOLONG);
	in[0] = 0xff;
	peers_decode_fails(in, 1, NERR_TOOLONG);
}
END_TEST

START_TEST(peers_decode_rejects_a_count_above_the_entries_given)
{
	uint8_t in[256];
	size_t len = two_forge(in);
	in[0] = 3;
	peers_decode_fails(in, len, NERR_SHORT);
}
END_TEST

START_TEST(peers_truncated_at_any_offset_fails_and_writes_nothing)
{
	uint8_t in[256];
	size_t len = two_forge(in);
	ck_assert_uint_lt((size_t)_i, len);
	peers_decode_fails(in, (size_t)_i, NERR_SHORT);
}
END_TEST

START_TEST(peers_decode_rejects_a_trailing_byte)
{
	uint8_t in[256];
	size_t len = two_forge(in);
	in[len++] = 0;
	peers_decode_fails(in, len, NERR_TRAILING);
}
END_TEST

START_TEST(peers_decode_rejects_a_count_below_the_entries_given)
{
	uint8_t in[256];
	size_t len = two_forge(in);
	in[0] = 1;
	peers_decode_fails(in, len, NERR_TRAILING);
}
END_TEST

/* Offsets in two_forge's output. */
#define E0	1
#define E0_IP	(E0 + 32)
#define E0_PORT (E0_IP + 4)
#define E0_NLEN (E0_PORT + 2)
#define E0_NICK (E0_NLEN + 1)
#define E1	(E0_NICK + 3)

START_TEST(peers_decode_rejects_nick_len_0_and_33)
{
	uint8_t in[256];
	size_t len = two_forge(in);
	in[E0_NLEN] = 0;
	peers_decode_fails(in, len, NERR_EMPTY);
	in[E0_NLEN] = 33;
	peers_decode_fails(in, len, NERR_TOOLONG);
}
END_TEST

START_TEST(peers_decode_rejects_a_nick_with_a_control_character_or_bad_utf8)
{
	uint8_t in[256];
	size_t len = two_forge(in);
	in[E0_NICK + 1] = 0x1b; /* ESC */
	peers_decode_fails(in, len, NERR_FORMAT);
	len = two_forge(in);
	in[E0_NICK + 1] = 0xc0; /* overlong lead byte */
	peers_decode_fails(in, len, NERR_UTF8);
	len = two_forge(in);
	in[E0_NICK + 1] = 0;
	peers_decode_fails(in, len, NERR_FORMAT);
}
END_TEST

START_TEST(peers_decode_rejects_port_0)
{
	uint8_t in[256];
	size_t len = two_forge(in);
	in[E0_PORT] = 0, in[E0_PORT + 1] = 0;
	peers_decode_fails(in, len, NERR_FORMAT);
}
END_TEST

/* Addresses nobody should be told to dial: "this network", multicast,
 * reserved and broadcast. */
START_TEST(peers_decode_rejects_addresses_that_are_not_unicast)
{
	static const char *const bad[] = {"0.0.0.0",	   "0.1.2.3",	"224.0.0.1",
					  "239.255.78.84", "240.0.0.1", "255.255.255.255"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		uint8_t in[256];
		struct in_addr a;
		size_t len = two_forge(in);
		ck_assert_int_eq(inet_pton(AF_INET, bad[i], &a), 1);
		memcpy(in + E0_IP, &a.s_addr, 4);
		peers_decode_fails(in, len, NERR_FORMAT);
	}
}
END_TEST

START_TEST(peers_edge_addresses_that_are_unicast_are_accepted)
{
	static const char *const ok[] = {"1.0.0.0", "127.0.0.1", "223.255.255.255"};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		struct in_addr a;
		ck_assert_int_eq(inet_pton(AF_INET, ok[i], &a), 1);
		ck_assert(wire_peer_addr_ok(a));
	}
}
END_TEST

START_TEST(peers_decode_rejects_the_same_key_twice)
{
	uint8_t in[256];
	size_t len = two_forge(in);
	memset(in + E1, 0x11, 32);
	peers_decode_fails(in, len, NERR_FORMAT);
}
END_TEST

START_TEST(peers_encode_refuses_what_decode_would_reject)
{
	struct wire_peer e[2] = {peer_sample(0x11, "198.18.1.2", 7700, "bob"),
				 peer_sample(0x11, "198.18.1.3", 7700, "eve")};
	uint8_t buf[WIRE_PEERS_BODY_MAX];
	size_t len = 99;
	ck_assert_int_eq(wire_peers_encode(e, 2, buf, sizeof buf, &len), NERR_FORMAT);
	e[1] = peer_sample(0x22, "224.0.0.1", 7700, "eve");
	ck_assert_int_eq(wire_peers_encode(e, 2, buf, sizeof buf, &len), NERR_FORMAT);
	e[1] = peer_sample(0x22, "198.18.1.3", 0, "eve");
	ck_assert_int_eq(wire_peers_encode(e, 2, buf, sizeof buf, &len), NERR_FORMAT);
	e[1] = peer_sample(0x22, "198.18.1.3", 1, "");
	ck_assert_int_eq(wire_peers_encode(e, 2, buf, sizeof buf, &len), NERR_TOOLONG);
	e[1] = peer_sample(0x22, "198.18.1.3", 1, "a\tb");
	ck_assert_int_eq(wire_peers_encode(e, 2, buf, sizeof buf, &len), NERR_FORMAT);
	ck_assert_uint_eq(len, 99);
}
END_TEST

START_TEST(peers_encode_into_a_too_small_buffer_fails_with_toolong)
{
	struct wire_peer in[2] = {peer_sample(0x11, "198.18.1.2", 7700, "bob"),
				  peer_sample(0x22, "10.0.0.7", 65535, "c")};
	uint8_t buf[256];
	size_t full, len;
	ck_assert_int_eq(wire_peers_encode(in, 2, buf, sizeof buf, &full), 0);
	for (size_t cap = 0; cap < full; cap++) {
		len = 99;
		ck_assert_int_eq(wire_peers_encode(in, 2, buf, cap, &len), NERR_TOOLONG);
		ck_assert_uint_eq(len, 99);
	}
}
END_TEST

Suite *wire_peers_suite(void);
Suite *wire_peers_suite(void)
{
	Suite *s = suite_create("wire_peers");
	TCase *t = tcase_create("codec");
	uint8_t two[256];
	tcase_add_test(t, peers_round_trip_every_field);
	tcase_add_test(t, peers_encoding_is_count_then_key_ipv4_port_nick_len_nick);
	tcase_add_test(t, peers_with_no_entry_is_one_zero_byte);
	tcase_add_test(t, peers_of_32_entries_with_32_byte_nicks_fill_the_maximum_body);
	tcase_add_test(t, peers_encode_refuses_33_entries);
	tcase_add_test(t, peers_decode_rejects_a_count_of_33_before_reading_entries);
	tcase_add_test(t, peers_decode_rejects_a_count_above_the_entries_given);
	tcase_add_loop_test(t, peers_truncated_at_any_offset_fails_and_writes_nothing, 0,
			    (int)two_forge(two));
	tcase_add_test(t, peers_decode_rejects_a_trailing_byte);
	tcase_add_test(t, peers_decode_rejects_a_count_below_the_entries_given);
	tcase_add_test(t, peers_decode_rejects_nick_len_0_and_33);
	tcase_add_test(t, peers_decode_rejects_a_nick_with_a_control_character_or_bad_utf8);
	tcase_add_test(t, peers_decode_rejects_port_0);
	tcase_add_test(t, peers_decode_rejects_addresses_that_are_not_unicast);
	tcase_add_test(t, peers_edge_addresses_that_are_unicast_are_accepted);
	tcase_add_test(t, peers_decode_rejects_the_same_key_twice);
	tcase_add_test(t, peers_encode_refuses_what_decode_would_reject);
	tcase_add_test(t, peers_encode_into_a_too_small_buffer_fails_with_toolong);
	suite_add_tcase(s, t);
	return s;
}
