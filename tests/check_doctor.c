/* SPDX-License-Identifier: MIT */
/* The pure parts of `natter --doctor`: interface classes, which firewall
 * rules drop natter's traffic, and the default route. */
#include <arpa/inet.h>
#include <check.h>
#include <net/if.h>
#include <string.h>

#include "doctor.h"

static struct doctor_ports ports(void)
{
	struct doctor_ports p;
	memset(&p, 0, sizeof p);
	inet_pton(AF_INET, "239.255.78.84", &p.group);
	p.group_port = 7701;
	p.tcp_port = 7700;
	return p;
}

static int ipt(const char *line)
{
	struct doctor_ports p = ports();
	return doctor_ipt_rule_hits(line, &p);
}

static int nft(const char *line)
{
	struct doctor_ports p = ports();
	return doctor_nft_rule_hits(line, &p);
}

START_TEST(loopback_wins_over_every_name)
{
	ck_assert_int_eq(doctor_iface_kind("lo", IFF_UP | IFF_LOOPBACK, 0), DOCTOR_IF_LOOPBACK);
	ck_assert_int_eq(doctor_iface_kind("tun0", IFF_LOOPBACK, 1), DOCTOR_IF_LOOPBACK);
}
END_TEST

START_TEST(vpn_names_and_point_to_point_links_are_vpns)
{
	const char *names[] = {"tun0", "wg0", "tap1", "ppp0", "tailscale0"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		ck_assert_int_eq(doctor_iface_kind(names[i], IFF_UP | IFF_MULTICAST, 0),
				 DOCTOR_IF_VPN);
	ck_assert_int_eq(doctor_iface_kind("enp3s0", IFF_UP | IFF_POINTOPOINT, 0), DOCTOR_IF_VPN);
}
END_TEST

START_TEST(docker_and_bridges_are_virtual)
{
	const char *names[] = {"docker0", "br-1a2b3c", "veth12ab", "virbr0"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		ck_assert_int_eq(doctor_iface_kind(names[i], IFF_UP | IFF_MULTICAST, 0),
				 DOCTOR_IF_VIRTUAL);
}
END_TEST

START_TEST(ethernet_is_plain_and_wifi_is_wireless)
{
	ck_assert_int_eq(doctor_iface_kind("eth0", IFF_UP | IFF_MULTICAST, 0), DOCTOR_IF_PLAIN);
	ck_assert_int_eq(doctor_iface_kind("enp0s31f6", IFF_UP | IFF_MULTICAST, 0),
			 DOCTOR_IF_PLAIN);
	ck_assert_int_eq(doctor_iface_kind("wlp2s0", IFF_UP | IFF_MULTICAST, 1),
			 DOCTOR_IF_WIRELESS);
}
END_TEST

START_TEST(a_multicast_drop_rule_hits_discovery_only)
{
	ck_assert_int_eq(ipt("-A INPUT -d 224.0.0.0/4 -j DROP"),
			 DOCTOR_HITS_DISC | DOCTOR_HITS_INPUT);
	ck_assert_int_eq(ipt("-A OUTPUT -d 224.0.0.0/4 -j DROP"), DOCTOR_HITS_DISC);
	ck_assert_int_eq(ipt("-A INPUT -d 239.255.78.84/32 -p udp -j REJECT"),
			 DOCTOR_HITS_DISC | DOCTOR_HITS_INPUT);
}
END_TEST

START_TEST(a_drop_everything_rule_hits_discovery_and_sessions)
{
	ck_assert_int_eq(ipt("-A INPUT -i eth0 -j DROP"),
			 DOCTOR_HITS_DISC | DOCTOR_HITS_TCP | DOCTOR_HITS_INPUT);
}
END_TEST

START_TEST(port_rules_hit_only_our_ports)
{
	ck_assert_int_eq(ipt("-A INPUT -p udp -m udp --dport 7701 -j DROP"),
			 DOCTOR_HITS_DISC | DOCTOR_HITS_INPUT);
	ck_assert_int_eq(ipt("-A INPUT -p udp -m udp --dport 5353 -j DROP"), 0);
	ck_assert_int_eq(
	    ipt("-A INPUT -p tcp -m tcp --dport 7700 -j REJECT --reject-with tcp-reset"),
	    DOCTOR_HITS_TCP | DOCTOR_HITS_INPUT);
	ck_assert_int_eq(ipt("-A INPUT -p tcp -m tcp --dport 7701 -j DROP"), 0);
	ck_assert_int_eq(ipt("-A INPUT -p udp -m udp --dport 7000:8000 -j DROP"),
			 DOCTOR_HITS_DISC | DOCTOR_HITS_INPUT);
	ck_assert_int_eq(ipt("-A INPUT -p tcp -m multiport --dports 22,7700 -j DROP"),
			 DOCTOR_HITS_TCP | DOCTOR_HITS_INPUT);
}
END_TEST

START_TEST(with_our_tcp_port_unknown_only_portless_rules_hit_sessions)
{
	struct doctor_ports p = ports();
	p.tcp_port = 0;
	ck_assert_int_eq(doctor_ipt_rule_hits("-A INPUT -p tcp -m tcp --dport 22 -j DROP", &p), 0);
	ck_assert_int_eq(doctor_ipt_rule_hits("-A INPUT -p tcp -j DROP", &p),
			 DOCTOR_HITS_TCP | DOCTOR_HITS_INPUT);
	ck_assert_int_eq(doctor_ipt_rule_hits("-A OUTPUT -d 10.1.2.3/32 -j DROP", &p),
			 DOCTOR_HITS_TCP);
}
END_TEST

START_TEST(a_random_drop_is_marked_partial)
{
	ck_assert_int_eq(
	    ipt("-A INPUT -i eth0 -m statistic --mode random --probability 0.1 -j DROP"),
	    DOCTOR_HITS_DISC | DOCTOR_HITS_TCP | DOCTOR_HITS_SOME | DOCTOR_HITS_INPUT);
}
END_TEST

START_TEST(accepts_other_chains_negations_and_states_are_not_judged)
{
	ck_assert_int_eq(ipt("-A INPUT -p udp --dport 7701 -j ACCEPT"), 0);
	ck_assert_int_eq(ipt("-A FORWARD -j DROP"), 0);
	ck_assert_int_eq(ipt("-A INPUT ! -s 10.0.0.0/8 -j DROP"), 0);
	ck_assert_int_eq(ipt("-A INPUT -m conntrack --ctstate INVALID -j DROP"), 0);
	ck_assert_int_eq(ipt("-P INPUT DROP"), 0);
	ck_assert_int_eq(ipt("-N mychain"), 0);
	ck_assert_int_eq(ipt(""), 0);
}
END_TEST

static const char rule[] = "-A INPUT -p udp -m udp --dport 7701 -m statistic --mode random "
			   "--probability 0.5 -j DROP";

START_TEST(every_truncation_of_a_rule_is_judged_safely)
{
	char buf[sizeof rule];
	memcpy(buf, rule, (size_t)_i);
	buf[_i] = '\0';
	int h = ipt(buf);
	/* Until "-j DROP" is complete nothing drops. */
	if ((size_t)_i < sizeof rule - 1)
		ck_assert_int_eq(h, 0);
	else
		ck_assert_int_ne(h, 0);
}
END_TEST

START_TEST(nft_drop_rules_on_our_ports_or_the_group_hit)
{
	ck_assert_int_eq(nft("\t\tudp dport 7701 drop"), DOCTOR_HITS_DISC);
	ck_assert_int_eq(nft("\t\tmeta l4proto udp udp dport 7701 counter packets 3 bytes 9 drop"),
			 DOCTOR_HITS_DISC);
	ck_assert_int_eq(nft("\t\tip daddr 224.0.0.0/4 counter packets 0 bytes 0 drop"),
			 DOCTOR_HITS_DISC);
	ck_assert_int_eq(nft("\t\ttcp dport 7700 reject"), DOCTOR_HITS_TCP);
	ck_assert_int_eq(nft("\t\ttcp dport { 22, 7700 } drop"), 0); /* sets: not judged */
}
END_TEST

START_TEST(nft_accepts_other_ports_and_chain_heads_do_not_hit)
{
	ck_assert_int_eq(nft("\t\tudp dport 7701 accept"), 0);
	ck_assert_int_eq(nft("\t\ttcp dport 22 drop"), 0);
	ck_assert_int_eq(nft("\t\ttype filter hook input priority filter; policy drop;"), 0);
	ck_assert_int_eq(nft("\t\tct state established,related accept"), 0);
	ck_assert_int_eq(nft(""), 0);
}
END_TEST

static const char route_gw[] =
    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
    "wlan0\t0000A8C0\t00000000\t0001\t0\t0\t600\t00FFFFFF\t0\t0\t0\n"
    "wlan0\t00000000\t0100A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n";
static const char route_nogw[] =
    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
    "eth0\t00001EC6\t00000000\t0001\t0\t0\t0\t0000FEFF\t0\t0\t0\n";

START_TEST(the_default_route_and_its_interface_are_found)
{
	char ifname[16] = "";
	ck_assert_int_eq(doctor_route_default(route_gw, ifname), 1);
	ck_assert_str_eq(ifname, "wlan0");
}
END_TEST

START_TEST(a_table_without_a_gateway_has_no_default_route)
{
	char ifname[16] = "unchanged";
	ck_assert_int_eq(doctor_route_default(route_nogw, ifname), 0);
	ck_assert_str_eq(ifname, "unchanged");
	ck_assert_int_eq(doctor_route_default("", NULL), 0);
	ck_assert_int_eq(doctor_route_default("header only\n", NULL), 0);
}
END_TEST

Suite *doctor_suite(void);
Suite *doctor_suite(void)
{
	Suite *s = suite_create("doctor");
	TCase *ti = tcase_create("iface_kind");
	tcase_add_test(ti, loopback_wins_over_every_name);
	tcase_add_test(ti, vpn_names_and_point_to_point_links_are_vpns);
	tcase_add_test(ti, docker_and_bridges_are_virtual);
	tcase_add_test(ti, ethernet_is_plain_and_wifi_is_wireless);
	suite_add_tcase(s, ti);
	TCase *tr = tcase_create("iptables_rules");
	tcase_add_test(tr, a_multicast_drop_rule_hits_discovery_only);
	tcase_add_test(tr, a_drop_everything_rule_hits_discovery_and_sessions);
	tcase_add_test(tr, port_rules_hit_only_our_ports);
	tcase_add_test(tr, with_our_tcp_port_unknown_only_portless_rules_hit_sessions);
	tcase_add_test(tr, a_random_drop_is_marked_partial);
	tcase_add_test(tr, accepts_other_chains_negations_and_states_are_not_judged);
	tcase_add_loop_test(tr, every_truncation_of_a_rule_is_judged_safely, 0, (int)sizeof rule);
	suite_add_tcase(s, tr);
	TCase *tn = tcase_create("nft_rules");
	tcase_add_test(tn, nft_drop_rules_on_our_ports_or_the_group_hit);
	tcase_add_test(tn, nft_accepts_other_ports_and_chain_heads_do_not_hit);
	suite_add_tcase(s, tn);
	TCase *tg = tcase_create("default_route");
	tcase_add_test(tg, the_default_route_and_its_interface_are_found);
	tcase_add_test(tg, a_table_without_a_gateway_has_no_default_route);
	suite_add_tcase(s, tg);
	return s;
}
