/* SPDX-License-Identifier: MIT */
/* `natter --doctor`: why peers do or don't see each other, each finding with
 * a fix. The pure parts (interface classes, firewall rule matching, the
 * routing table) are here for the unit tests; doctor_run does the probing. */
#ifndef NATTER_DOCTOR_H
#define NATTER_DOCTOR_H

#include <netinet/in.h>
#include <stdint.h>

#include "cli.h"

#define DOCTOR_LISTEN_MS     3000 /* how long to listen for beacons without --timeout */
#define DOCTOR_EXIT_FINDINGS 1

/* What kind of link an interface is, as far as discovery cares. */
enum doctor_ifkind {
	DOCTOR_IF_PLAIN,    /* Ethernet and the like */
	DOCTOR_IF_LOOPBACK, /* only this host */
	DOCTOR_IF_WIRELESS, /* Wi-Fi: access points may isolate clients */
	DOCTOR_IF_VPN,	    /* tun*, wg*, tap*, ppp*, or point-to-point */
	DOCTOR_IF_VIRTUAL,  /* docker0, br-*, veth*, virbr*: containers and VMs */
};

/* Classify by name and IFF_* flags; wireless says /sys/class/net/NAME/wireless
 * exists. Loopback wins, then VPN (a point-to-point link), then virtual, then
 * wireless. */
enum doctor_ifkind doctor_iface_kind(const char *name, unsigned int flags, int wireless);

/* What a firewall rule is checked against. */
struct doctor_ports {
	struct in_addr group; /* discovery multicast group */
	uint16_t group_port;  /* its UDP port (host order) */
	uint16_t tcp_port;    /* our TCP port; 0 = unknown, any */
};

#define DOCTOR_HITS_DISC  1 /* the rule drops discovery (UDP group port, multicast) */
#define DOCTOR_HITS_TCP	  2 /* the rule drops sessions (TCP port) */
#define DOCTOR_HITS_SOME  4 /* only a share of the packets (-m statistic) */
#define DOCTOR_HITS_INPUT 8 /* in the INPUT chain (else OUTPUT) */

/* One line of `iptables -S`: 0 when it does not drop our traffic, else
 * DOCTOR_HITS_* bits. Only -A INPUT / -A OUTPUT rules with -j DROP or REJECT
 * count; -p, -d, --dport, --sport, --dports and -m statistic are understood;
 * a rule with a negation (!) or a connection-state match is not judged (0),
 * and neither are rules in other chains. -i/-o are not checked: the caller
 * shows the rule, a person judges the interface. */
int doctor_ipt_rule_hits(const char *line, const struct doctor_ports *p);

/* The same for one line of `nft list ruleset` (a rule inside a chain):
 * "drop" or "reject" with a "dport"/"sport" that names our port, an "ip
 * daddr" that holds the group, or none of those with "udp"/"tcp" alone. The
 * chain is not known from one line: DOCTOR_HITS_INPUT is never set. */
int doctor_nft_rule_hits(const char *line, const struct doctor_ports *p);

/* 1 when /proc/net/route's text (header line first) has a default route
 * (destination 00000000 with the gateway flag), and writes its interface to
 * ifname[16] if ifname is not NULL; else 0. */
int doctor_route_default(const char *text, char *ifname);

/* Run the checks for cli's options and print the findings (text, or JSON
 * Lines with --json). listen_ms: how long to listen for beacons. Returns 0
 * when everything looks well, DOCTOR_EXIT_FINDINGS when something needs a
 * fix, or another sysexits code when the checks could not run at all. */
int doctor_run(struct cli *cli, int64_t listen_ms);

#endif
