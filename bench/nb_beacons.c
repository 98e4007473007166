/* SPDX-License-Identifier: MIT */
/* nb_beacons: listen to a natter discovery group on the loopback interface
 * only, for a bounded time, and count beacons (protocol.md section 3.2) per
 * sender key. Sends nothing.
 *
 *   nb_beacons GROUP PORT SECONDS */
#define _GNU_SOURCE
#include "nb_common.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#define KEYS_MAX 1024

int main(int argc, char **argv)
{
	if (argc != 4)
		nb_die("usage: nb_beacons GROUP PORT SECONDS");
	struct in_addr group;
	if (inet_pton(AF_INET, argv[1], &group) != 1 || !IN_MULTICAST(ntohl(group.s_addr)))
		nb_die("not a multicast group: %s", argv[1]);
	long port = nb_atol(argv[2], "PORT"), secs = nb_atol(argv[3], "SECONDS");
	if (port < 1 || port > 65535 || secs < 1 || secs > 600)
		nb_die("bad PORT or SECONDS");
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), one = 1, zero = 0;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				.sin_addr = group};
	struct ip_mreq mr = {.imr_multiaddr = group};
	mr.imr_interface.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0)
		nb_die("socket: %s", strerror(errno));
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
	setsockopt(s, IPPROTO_IP, IP_MULTICAST_ALL, &zero, sizeof zero);
	if (bind(s, (struct sockaddr *)&a, sizeof a) != 0)
		nb_die("bind %s:%ld: %s", argv[1], port, strerror(errno));
	if (setsockopt(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof mr) != 0)
		nb_die("join %s on lo: %s", argv[1], strerror(errno));
	static unsigned char keys[KEYS_MAX][32];
	static long per_key[KEYS_MAX];
	size_t nkeys = 0;
	long packets = 0, probes = 0, regular = 0, other = 0;
	int64_t end = nb_mono_ns() + (int64_t)secs * 1000000000;
	for (;;) {
		int64_t left = (end - nb_mono_ns()) / 1000000;
		if (left <= 0)
			break;
		struct pollfd p = {s, POLLIN, 0};
		if (poll(&p, 1, (int)left) <= 0)
			continue;
		unsigned char pkt[512];
		ssize_t n = recv(s, pkt, sizeof pkt, 0);
		if (n <= 0)
			continue;
		packets++;
		if (n < 130 || memcmp(pkt, "NTR1", 4) != 0) {
			other++;
			continue;
		}
		if (pkt[5] & 1)
			probes++;
		else
			regular++;
		size_t k;
		for (k = 0; k < nkeys; k++)
			if (memcmp(keys[k], pkt + 8, 32) == 0)
				break;
		if (k == nkeys && nkeys < KEYS_MAX)
			memcpy(keys[nkeys++], pkt + 8, 32);
		if (k < KEYS_MAX)
			per_key[k]++;
	}
	long most = 0;
	for (size_t k = 0; k < nkeys; k++)
		if (per_key[k] > most)
			most = per_key[k];
	printf("seconds=%ld\npackets=%ld\nprobes=%ld\nregular=%ld\nother=%ld\nsenders=%zu\n", secs,
	       packets, probes, regular, other, nkeys);
	printf("beacons_per_node_per_s=%.3f\n",
	       nkeys ? (double)(probes + regular) / (double)nkeys / (double)secs : 0.0);
	printf("busiest_node_per_s=%.3f\n", (double)most / (double)secs);
	close(s);
	return 0;
}
