/* SPDX-License-Identifier: MIT */
/* The discovery socket, on loopback only: a random group in 239.255.0.0/16
 * and a random port, so parallel runs never meet and nothing leaves the host. */
#include <check.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <poll.h>
#include <string.h>

#include "disc.h"
#include "ncrypto.h"
#include "nerr.h"

static const char *const only_lo[] = {"lo"};

/* A loopback-only configuration with a fresh random group and port. */
static struct disc_config lo_config(void)
{
	struct disc_config c;
	memset(&c, 0, sizeof c);
	c.group.s_addr = htonl(0xefff0000u | (ncrypto_random_uniform(0xfffe) + 1));
	c.port = (uint16_t)(20000 + ncrypto_random_uniform(40001));
	c.ifaces = only_lo;
	c.n_ifaces = 1;
	return c;
}

/* Wait up to 2 s for a datagram, then read it. */
static int recv_wait(struct disc *d, uint8_t *buf, size_t cap, size_t *len,
		     struct sockaddr_in *from)
{
	struct pollfd p = {.fd = disc_fd(d), .events = POLLIN};
	if (poll(&p, 1, 2000) != 1)
		return NERR_TIMEOUT;
	return disc_recv(d, buf, cap, len, from);
}

START_TEST(open_on_lo_joins_exactly_lo)
{
	struct disc_config c = lo_config();
	struct disc *d = NULL;
	ck_assert_int_eq(disc_open(&d, &c), 0);
	ck_assert_ptr_nonnull(d);
	ck_assert_int_ge(disc_fd(d), 0);
	ck_assert_uint_eq(disc_iface_count(d), 1);
	ck_assert_str_eq(disc_iface_name(d, 0), "lo");
	ck_assert_ptr_null(disc_iface_name(d, 1));
	disc_free(d);
}
END_TEST

START_TEST(an_interface_can_be_named_by_its_address)
{
	static const char *const by_addr[] = {"127.0.0.1", "lo"};
	struct disc_config c = lo_config();
	struct disc *d = NULL;
	c.ifaces = by_addr;
	c.n_ifaces = 2;
	ck_assert_int_eq(disc_open(&d, &c), 0);
	ck_assert_uint_eq(disc_iface_count(d), 1); /* the same interface, joined once */
	ck_assert_str_eq(disc_iface_name(d, 0), "lo");
	disc_free(d);
}
END_TEST

START_TEST(two_sockets_on_one_port_both_receive_a_looped_back_datagram)
{
	struct disc_config c = lo_config();
	struct disc *a = NULL;
	struct disc *b = NULL;
	const uint8_t msg[] = "natter test datagram";
	uint8_t buf[256];
	size_t len = 0;
	struct sockaddr_in from;
	ck_assert_int_eq(disc_open(&a, &c), 0);
	ck_assert_int_eq(disc_open(&b, &c), 0);
	ck_assert_int_eq(disc_send(a, msg, sizeof msg), 0);
	ck_assert_int_eq(recv_wait(b, buf, sizeof buf, &len, &from), 0);
	ck_assert_uint_eq(len, sizeof msg);
	ck_assert_mem_eq(buf, msg, sizeof msg);
	/* the source is lo's own address, the one a peer should connect back to */
	ck_assert_uint_eq(ntohl(from.sin_addr.s_addr), INADDR_LOOPBACK);
	memset(buf, 0, sizeof buf);
	ck_assert_int_eq(recv_wait(a, buf, sizeof buf, &len, &from), 0);
	ck_assert_uint_eq(len, sizeof msg);
	ck_assert_mem_eq(buf, msg, sizeof msg);
	/* one send per interface, so exactly one copy each */
	ck_assert_int_eq(disc_recv(a, buf, sizeof buf, &len, &from), NERR_AGAIN);
	ck_assert_int_eq(disc_recv(b, buf, sizeof buf, &len, &from), NERR_AGAIN);
	disc_free(a);
	disc_free(b);
}
END_TEST

START_TEST(a_socket_on_another_group_hears_nothing)
{
	struct disc_config c = lo_config();
	struct disc_config other = c;
	struct disc *a = NULL;
	struct disc *b = NULL;
	uint8_t buf[64];
	size_t len;
	struct sockaddr_in from;
	other.group.s_addr = htonl(ntohl(c.group.s_addr) ^ 0x1u);
	ck_assert_int_eq(disc_open(&a, &c), 0);
	ck_assert_int_eq(disc_open(&b, &other), 0);
	ck_assert_int_eq(disc_send(a, (const uint8_t *)"x", 1), 0);
	ck_assert_int_eq(recv_wait(a, buf, sizeof buf, &len, &from), 0);
	struct pollfd p = {.fd = disc_fd(b), .events = POLLIN};
	ck_assert_int_eq(poll(&p, 1, 200), 0);
	disc_free(a);
	disc_free(b);
}
END_TEST

START_TEST(recv_with_nothing_waiting_says_again)
{
	struct disc_config c = lo_config();
	struct disc *d = NULL;
	uint8_t buf[16];
	size_t len = 99;
	struct sockaddr_in from;
	ck_assert_int_eq(disc_open(&d, &c), 0);
	ck_assert_int_eq(disc_recv(d, buf, sizeof buf, &len, &from), NERR_AGAIN);
	ck_assert_uint_eq(len, 99);
	disc_free(d);
}
END_TEST

START_TEST(an_oversized_datagram_is_dropped_as_too_long)
{
	struct disc_config c = lo_config();
	struct disc *d = NULL;
	uint8_t big[300];
	uint8_t buf[100];
	size_t len = 99;
	struct sockaddr_in from;
	memset(big, 'b', sizeof big);
	ck_assert_int_eq(disc_open(&d, &c), 0);
	ck_assert_int_eq(disc_send(d, big, sizeof big), 0);
	ck_assert_int_eq(recv_wait(d, buf, sizeof buf, &len, &from), NERR_TOOLONG);
	ck_assert_uint_eq(len, 99);
	ck_assert_int_eq(disc_recv(d, buf, sizeof buf, &len, &from), NERR_AGAIN);
	disc_free(d);
}
END_TEST

START_TEST(send_refuses_an_empty_or_oversized_datagram)
{
	struct disc_config c = lo_config();
	struct disc *d = NULL;
	static uint8_t big[DISC_DGRAM_MAX + 1];
	ck_assert_int_eq(disc_open(&d, &c), 0);
	ck_assert_int_eq(disc_send(d, big, 0), NERR_EMPTY);
	ck_assert_int_eq(disc_send(d, big, sizeof big), NERR_TOOLONG);
	ck_assert_int_eq(disc_send(d, big, DISC_DGRAM_MAX), 0);
	disc_free(d);
}
END_TEST

START_TEST(an_unknown_interface_is_a_network_error)
{
	static const char *const names[][1] = {
	    {"natter-nope0"}, {"198.18.255.254"}, {"an-interface-name-longer-than-ifnamsiz"}, {""}};
	struct disc *d = (struct disc *)0x1;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		struct disc_config c = lo_config();
		c.ifaces = names[i];
		c.n_ifaces = 1;
		ck_assert_int_eq(disc_open(&d, &c), NERR_NET);
		ck_assert_ptr_eq(d, (struct disc *)0x1);
	}
	/* one bad name among good ones fails the whole open */
	static const char *const mixed[] = {"lo", "natter-nope0"};
	struct disc_config c = lo_config();
	c.ifaces = mixed;
	c.n_ifaces = 2;
	ck_assert_int_eq(disc_open(&d, &c), NERR_NET);
}
END_TEST

START_TEST(open_refuses_a_group_that_is_not_multicast_or_port_0)
{
	struct disc *d = NULL;
	struct disc_config c = lo_config();
	c.group.s_addr = htonl(0x7f000001u);
	ck_assert_int_eq(disc_open(&d, &c), NERR_USAGE);
	c = lo_config();
	c.port = 0;
	ck_assert_int_eq(disc_open(&d, &c), NERR_USAGE);
	ck_assert_ptr_null(d);
	disc_free(NULL);
}
END_TEST

START_TEST(parse_group_accepts_multicast_addresses_with_a_port)
{
	struct in_addr g;
	uint16_t port;
	ck_assert_int_eq(disc_parse_group("239.255.42.99:4242", &g, &port), 0);
	ck_assert_uint_eq(ntohl(g.s_addr), 0xefff2a63u);
	ck_assert_uint_eq(port, 4242);
	ck_assert_int_eq(disc_parse_group("224.0.0.0:1", &g, &port), 0);
	ck_assert_uint_eq(ntohl(g.s_addr), 0xe0000000u);
	ck_assert_uint_eq(port, 1);
	ck_assert_int_eq(disc_parse_group("239.255.255.255:65535", &g, &port), 0);
	ck_assert_uint_eq(ntohl(g.s_addr), 0xefffffffu);
	ck_assert_uint_eq(port, 65535);
}
END_TEST

START_TEST(parse_group_rejects_anything_else_and_writes_nothing)
{
	static const char *const bad[] = {
	    "",
	    ":4242",
	    "239.255.1.1",
	    "239.255.1.1:",
	    "239.255.1.1:0",
	    "239.255.1.1:65536",
	    "239.255.1.1:99999",
	    "239.255.1.1:123456",
	    "239.255.1.1:12a",
	    "239.255.1.1:-1",
	    "239.255.1.1:+1",
	    "239.255.1.1: 1",
	    "239.255.1.1:4242 ",
	    "239.255.1.1 :4242",
	    "239.255.1.1:42:42",
	    "192.168.1.1:4242",
	    "223.255.255.255:4242",
	    "240.0.0.1:4242",
	    "255.255.255.255:4242",
	    "localhost:4242",
	    "239.255.1:4242",
	    "239.255.1.1.1:4242",
	    "239.255.001.1:4242",
	    "[ff02::1]:4242",
	    "ff02::1:4242",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct in_addr g = {.s_addr = 0x12345678u};
		uint16_t port = 7;
		ck_assert_msg(disc_parse_group(bad[i], &g, &port) == NERR_USAGE, "accepted \"%s\"",
			      bad[i]);
		ck_assert_uint_eq(g.s_addr, 0x12345678u);
		ck_assert_uint_eq(port, 7);
	}
}
END_TEST

START_TEST(list_ifaces_marks_the_named_interface_picked_and_no_other)
{
	const char *lo[] = {"lo"};
	struct disc_config cfg = {{htonl(0xefff0101u)}, 7, lo, 1};
	struct disc_ifinfo list[64];
	size_t n = 999, picked = 0, have_lo = 0;
	ck_assert_int_eq(disc_list_ifaces(&cfg, list, 64, &n), 0);
	ck_assert_uint_ge(n, 1);
	for (size_t i = 0; i < n; i++) {
		picked += list[i].picked != 0;
		if (strcmp(list[i].name, "lo") == 0) {
			have_lo = 1;
			ck_assert_int_eq(list[i].picked, 1);
			ck_assert_uint_eq(ntohl(list[i].addr.s_addr), 0x7f000001u);
			ck_assert(list[i].flags & IFF_LOOPBACK);
		}
	}
	ck_assert_uint_eq(have_lo, 1);
	ck_assert_uint_eq(picked, 1);
}
END_TEST

START_TEST(list_ifaces_in_automatic_mode_never_picks_loopback)
{
	struct disc_config cfg = {{htonl(0xefff0101u)}, 7, NULL, 0};
	struct disc_ifinfo list[64];
	size_t n = 0;
	ck_assert_int_eq(disc_list_ifaces(&cfg, list, 64, &n), 0);
	for (size_t i = 0; i < n; i++) {
		if (list[i].flags & IFF_LOOPBACK)
			ck_assert_int_eq(list[i].picked, 0);
		if (list[i].picked)
			ck_assert((list[i].flags & (IFF_UP | IFF_MULTICAST)) ==
				  (IFF_UP | IFF_MULTICAST));
	}
}
END_TEST

START_TEST(list_ifaces_with_an_unknown_name_picks_nothing)
{
	const char *bad[] = {"nosuchif9"};
	struct disc_config cfg = {{htonl(0xefff0101u)}, 7, bad, 1};
	struct disc_ifinfo list[64];
	size_t n = 0;
	ck_assert_int_eq(disc_list_ifaces(&cfg, list, 64, &n), 0);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(list[i].picked, 0);
}
END_TEST

Suite *disc_suite(void);
Suite *disc_suite(void)
{
	Suite *s = suite_create("disc");
	TCase *ts = tcase_create("socket_on_loopback");
	tcase_add_test(ts, open_on_lo_joins_exactly_lo);
	tcase_add_test(ts, an_interface_can_be_named_by_its_address);
	tcase_add_test(ts, two_sockets_on_one_port_both_receive_a_looped_back_datagram);
	tcase_add_test(ts, a_socket_on_another_group_hears_nothing);
	tcase_add_test(ts, recv_with_nothing_waiting_says_again);
	tcase_add_test(ts, an_oversized_datagram_is_dropped_as_too_long);
	tcase_add_test(ts, send_refuses_an_empty_or_oversized_datagram);
	tcase_add_test(ts, an_unknown_interface_is_a_network_error);
	tcase_add_test(ts, open_refuses_a_group_that_is_not_multicast_or_port_0);
	tcase_add_test(ts, list_ifaces_marks_the_named_interface_picked_and_no_other);
	tcase_add_test(ts, list_ifaces_in_automatic_mode_never_picks_loopback);
	tcase_add_test(ts, list_ifaces_with_an_unknown_name_picks_nothing);
	suite_add_tcase(s, ts);
	TCase *tp = tcase_create("parse_group");
	tcase_add_test(tp, parse_group_accepts_multicast_addresses_with_a_port);
	tcase_add_test(tp, parse_group_rejects_anything_else_and_writes_nothing);
	suite_add_tcase(s, tp);
	return s;
}
