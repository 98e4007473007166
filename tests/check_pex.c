/* SPDX-License-Identifier: MIT */
/* Peer exchange decisions: a node with sharing off never shares; which peers
 * a PEERS frame names (direct ones only, never learned, bounded, no loopback
 * leaking out); the learned table's bound and expiry. */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "pex.h"

static const uint8_t recipient[32] = {0xee};

static struct pex_cand cand(uint8_t k, const char *ip, uint16_t port, enum pex_via via,
			    int64_t seen)
{
	struct pex_cand c;
	memset(&c, 0, sizeof c);
	memset(c.key, k, 32);
	c.addr.sin_family = AF_INET;
	ck_assert_int_eq(inet_pton(AF_INET, ip, &c.addr.sin_addr), 1);
	c.addr.sin_port = htons(port);
	snprintf(c.nick, sizeof c.nick, "p%u", k);
	c.via = via;
	c.online = 1;
	c.seen = seen;
	return c;
}

static struct in_addr ip4(const char *s)
{
	struct in_addr a;
	ck_assert_int_eq(inet_pton(AF_INET, s, &a), 1);
	return a;
}

START_TEST(sharing_off_never_shares_with_anyone)
{
	ck_assert(!pex_share_with(PEX_OFF, 0));
	ck_assert(!pex_share_with(PEX_OFF, 1));
}
END_TEST

START_TEST(sharing_static_shares_only_with_static_peers)
{
	ck_assert(pex_share_with(PEX_STATIC, 1));
	ck_assert(!pex_share_with(PEX_STATIC, 0));
}
END_TEST

START_TEST(sharing_all_shares_with_every_session_peer)
{
	ck_assert(pex_share_with(PEX_ALL, 1));
	ck_assert(pex_share_with(PEX_ALL, 0));
}
END_TEST

START_TEST(modes_parse_off_static_all_and_nothing_else)
{
	enum pex_mode m = PEX_ALL;
	ck_assert_int_eq(pex_mode_parse("off", &m), 0);
	ck_assert_int_eq(m, PEX_OFF);
	ck_assert_int_eq(pex_mode_parse("Static", &m), 0);
	ck_assert_int_eq(m, PEX_STATIC);
	ck_assert_int_eq(pex_mode_parse("all", &m), 0);
	ck_assert_int_eq(m, PEX_ALL);
	ck_assert_int_eq(pex_mode_parse("on", &m), -1);
	ck_assert_int_eq(pex_mode_parse("", &m), -1);
	ck_assert_int_eq(m, PEX_ALL);
	ck_assert_str_eq(pex_mode_name(PEX_STATIC), "static");
}
END_TEST

START_TEST(via_names_are_lan_static_exchange_incoming_or_none)
{
	ck_assert_str_eq(pex_via_name(PEX_VIA_LAN), "lan");
	ck_assert_str_eq(pex_via_name(PEX_VIA_STATIC), "static");
	ck_assert_str_eq(pex_via_name(PEX_VIA_EXCHANGE), "exchange");
	ck_assert_str_eq(pex_via_name(PEX_VIA_INCOMING), "incoming");
	ck_assert_ptr_null(pex_via_name(PEX_VIA_NONE));
}
END_TEST

START_TEST(only_lan_and_static_peers_are_shared_never_learned_or_incoming_ones)
{
	struct pex_cand c[5] = {
	    cand(1, "198.18.1.1", 7700, PEX_VIA_LAN, 10),
	    cand(2, "198.18.1.2", 7700, PEX_VIA_STATIC, 10),
	    cand(3, "198.18.1.3", 7700, PEX_VIA_EXCHANGE, 10),
	    cand(4, "198.18.1.4", 7700, PEX_VIA_INCOMING, 10),
	    cand(5, "198.18.1.5", 7700, PEX_VIA_NONE, 10),
	};
	struct wire_peer out[WIRE_PEERS_MAX];
	size_t k = pex_select(c, 5, recipient, ip4("198.19.0.9"), out);
	ck_assert_uint_eq(k, 2);
	ck_assert_uint_eq(out[0].key[0], 1);
	ck_assert_uint_eq(out[1].key[0], 2);
	ck_assert_uint_eq(out[0].port, 7700);
	ck_assert_str_eq(out[1].nick, "p2");
}
END_TEST

START_TEST(offline_unaddressed_conflicting_peers_and_the_recipient_are_not_shared)
{
	struct pex_cand c[5] = {
	    cand(1, "198.18.1.1", 7700, PEX_VIA_LAN, 10),
	    cand(2, "198.18.1.2", 0, PEX_VIA_LAN, 10),
	    cand(3, "198.18.1.3", 7700, PEX_VIA_LAN, 10),
	    cand(0xee, "198.18.1.4", 7700, PEX_VIA_LAN, 10),
	    cand(5, "198.18.1.5", 7700, PEX_VIA_LAN, 10),
	};
	struct wire_peer out[WIRE_PEERS_MAX];
	c[0].online = 0;
	c[2].nick_conflict = 1;
	memcpy(c[3].key, recipient, 32);
	size_t k = pex_select(c, 5, recipient, ip4("198.19.0.9"), out);
	ck_assert_uint_eq(k, 1);
	ck_assert_uint_eq(out[0].key[0], 5);
}
END_TEST

START_TEST(loopback_addresses_go_only_to_a_loopback_recipient)
{
	struct pex_cand c[1] = {cand(1, "127.0.0.1", 7700, PEX_VIA_LAN, 10)};
	struct wire_peer out[WIRE_PEERS_MAX];
	ck_assert_uint_eq(pex_select(c, 1, recipient, ip4("198.19.0.9"), out), 0);
	ck_assert_uint_eq(pex_select(c, 1, recipient, ip4("127.0.0.1"), out), 1);
	ck_assert(!pex_addr_acceptable(ip4("127.0.0.1"), ip4("10.0.0.1")));
	ck_assert(pex_addr_acceptable(ip4("127.0.0.1"), ip4("127.0.0.2")));
	ck_assert(pex_addr_acceptable(ip4("10.0.0.2"), ip4("10.0.0.1")));
	ck_assert(!pex_addr_acceptable(ip4("224.0.0.1"), ip4("10.0.0.1")));
}
END_TEST

START_TEST(at_most_32_are_shared_the_most_recently_seen_in_key_order)
{
	struct pex_cand c[40];
	struct wire_peer out[WIRE_PEERS_MAX];
	for (int i = 0; i < 40; i++)
		c[i] = cand((uint8_t)(40 - i), "198.18.2.1", (uint16_t)(1000 + i), PEX_VIA_LAN, i);
	size_t k = pex_select(c, 40, recipient, ip4("198.19.0.9"), out);
	ck_assert_uint_eq(k, WIRE_PEERS_MAX);
	/* seen 8..39 are keys 32..1: the eight oldest (keys 33..40) are left out */
	for (size_t i = 0; i < k; i++)
		ck_assert_uint_eq(out[i].key[0], i + 1);
	uint8_t buf[WIRE_PEERS_BODY_MAX];
	size_t len;
	ck_assert_int_eq(wire_peers_encode(out, k, buf, sizeof buf, &len), 0);
}
END_TEST

START_TEST(the_learned_table_keeps_64_dropping_the_one_heard_of_longest_ago)
{
	static struct pex_table t;
	uint8_t key[32] = {0}, from[32] = {9};
	struct sockaddr_in a = {.sin_family = AF_INET};
	pex_table_init(&t);
	for (int i = 0; i < PEX_LEARNED_MAX + 5; i++) {
		key[0] = (uint8_t)i;
		ck_assert_ptr_nonnull(pex_table_put(&t, key, from, &a, 1000 + i));
		ck_assert_uint_le(t.n, PEX_LEARNED_MAX);
	}
	ck_assert_uint_eq(t.n, PEX_LEARNED_MAX);
	for (int i = 0; i < 5; i++) {
		key[0] = (uint8_t)i;
		ck_assert_ptr_null(pex_table_find(&t, key));
	}
	key[0] = 5;
	ck_assert_ptr_nonnull(pex_table_find(&t, key));
}
END_TEST

START_TEST(a_learned_entry_is_refreshed_by_a_new_mention_and_expires_without_one)
{
	static struct pex_table t;
	uint8_t k1[32] = {1}, k2[32] = {2}, from[32] = {9};
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 1}, b = a;
	b.sin_port = 2;
	pex_table_init(&t);
	(void)pex_table_put(&t, k1, from, &a, 0);
	(void)pex_table_put(&t, k2, from, &a, 0);
	struct pex_learned *e = pex_table_put(&t, k1, from, &b, PEX_EXPIRE_MS);
	ck_assert_uint_eq(t.n, 2);
	ck_assert_uint_eq(e->addr.sin_port, 2);
	ck_assert_uint_eq(pex_table_expire(&t, PEX_EXPIRE_MS), 0);
	ck_assert_uint_eq(pex_table_expire(&t, PEX_EXPIRE_MS + 1), 1);
	ck_assert_ptr_nonnull(pex_table_find(&t, k1));
	ck_assert_ptr_null(pex_table_find(&t, k2));
}
END_TEST

Suite *pex_suite(void);
Suite *pex_suite(void)
{
	Suite *s = suite_create("pex");
	TCase *who = tcase_create("who");
	tcase_add_test(who, sharing_off_never_shares_with_anyone);
	tcase_add_test(who, sharing_static_shares_only_with_static_peers);
	tcase_add_test(who, sharing_all_shares_with_every_session_peer);
	tcase_add_test(who, modes_parse_off_static_all_and_nothing_else);
	tcase_add_test(who, via_names_are_lan_static_exchange_incoming_or_none);
	suite_add_tcase(s, who);
	TCase *what = tcase_create("what");
	tcase_add_test(what, only_lan_and_static_peers_are_shared_never_learned_or_incoming_ones);
	tcase_add_test(what,
		       offline_unaddressed_conflicting_peers_and_the_recipient_are_not_shared);
	tcase_add_test(what, loopback_addresses_go_only_to_a_loopback_recipient);
	tcase_add_test(what, at_most_32_are_shared_the_most_recently_seen_in_key_order);
	suite_add_tcase(s, what);
	TCase *learned = tcase_create("learned");
	tcase_add_test(learned, the_learned_table_keeps_64_dropping_the_one_heard_of_longest_ago);
	tcase_add_test(learned,
		       a_learned_entry_is_refreshed_by_a_new_mention_and_expires_without_one);
	suite_add_tcase(s, learned);
	return s;
}
