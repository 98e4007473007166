/* SPDX-License-Identifier: MIT */
/* Test tool: a crowd of fake peers on the loopback discovery group, and a
 * log of the beacons the real nodes send.
 *
 *   beaconsim GROUP:PORT COUNT SEND_S TOTAL_S [SLOW_PACE]
 *
 * COUNT fake identities (nicks fake00..) each send one signed regular
 * beacon per second for SEND_S seconds; the first one is called "slow" and
 * announces pace SLOW_PACE (default 1). Until TOTAL_S seconds have passed,
 * every beacon heard from another key is printed as one line:
 *   beacon ms=<since start> key=<first 8 hex digits> pace=<P> probe=<0|1>
 * Loopback only: it joins the group on lo and nowhere else. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <poll.h>

#include "beacon.h"
#include "disc.h"
#include "ncrypto.h"

#define SIM_MAX 64

struct fake {
	uint8_t pk[NCRYPTO_SIGN_PK], sk[NCRYPTO_SIGN_SK];
	uint8_t boot_id[8];
	uint64_t seq;
};

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int is_fake(const struct fake *f, int count, const uint8_t *key)
{
	for (int i = 0; i < count; i++)
		if (memcmp(f[i].pk, key, NCRYPTO_SIGN_PK) == 0)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct disc_config cfg = {0};
	const char *lo[] = {"lo"};
	if (argc < 5 || argc > 6 || disc_parse_group(argv[1], &cfg.group, &cfg.port) != 0) {
		fprintf(stderr, "usage: beaconsim GROUP:PORT COUNT SEND_S TOTAL_S [SLOW_PACE]\n");
		return 64;
	}
	int count = atoi(argv[2]), send_s = atoi(argv[3]), total_s = atoi(argv[4]);
	int slow_pace = argc == 6 ? atoi(argv[5]) : 1;
	if (count < 1 || count > SIM_MAX || send_s < 0 || total_s < 1 || total_s > 120 ||
	    slow_pace < 1 || slow_pace > BEACON_PACE_MAX) {
		fprintf(stderr, "beaconsim: bad arguments\n");
		return 64;
	}
	if (ncrypto_init() != 0)
		return 1;
	cfg.ifaces = lo;
	cfg.n_ifaces = 1;
	struct disc *d;
	if (disc_open(&d, &cfg) != 0) {
		fprintf(stderr, "beaconsim: cannot join %s on lo\n", argv[1]);
		return 1;
	}
	struct fake *f = calloc((size_t)count, sizeof *f);
	if (!f)
		return 1;
	for (int i = 0; i < count; i++) {
		ncrypto_sign_keypair(f[i].pk, f[i].sk);
		ncrypto_random(f[i].boot_id, sizeof f[i].boot_id);
	}
	int64_t start = mono_ms(), next_send = start;
	int rounds = 0;
	for (;;) {
		int64_t now = mono_ms();
		if (now - start >= (int64_t)total_s * 1000)
			break;
		if (rounds < send_s && now >= next_send) {
			for (int i = 0; i < count; i++) {
				struct beacon b = {.version = BEACON_VERSION, .tcp_port = 9};
				b.flags = beacon_pace_flags(i == 0 ? (unsigned)slow_pace : 1);
				memcpy(b.id_pub, f[i].pk, sizeof b.id_pub);
				memcpy(b.boot_id, f[i].boot_id, sizeof b.boot_id);
				b.seq = ++f[i].seq;
				b.ts_ms = wall_ms();
				if (i == 0)
					snprintf(b.nick, sizeof b.nick, "slow");
				else
					snprintf(b.nick, sizeof b.nick, "fake%02d", i);
				uint8_t pkt[BEACON_MAX_LEN];
				size_t len;
				if (beacon_encode(&b, f[i].sk, pkt, sizeof pkt, &len) != 0 ||
				    disc_send(d, pkt, len) != 0) {
					fprintf(stderr, "beaconsim: cannot send\n");
					return 1;
				}
			}
			rounds++;
			next_send += 1000;
		}
		int64_t wait = start + (int64_t)total_s * 1000 - now;
		if (rounds < send_s && next_send - now < wait)
			wait = next_send - now;
		struct pollfd p = {.fd = disc_fd(d), .events = POLLIN};
		if (poll(&p, 1, (int)(wait > 0 ? wait : 0)) <= 0)
			continue;
		for (int i = 0; i < 64; i++) {
			uint8_t pkt[BEACON_MAX_LEN + 1];
			size_t len;
			struct sockaddr_in from;
			struct beacon b;
			if (disc_recv(d, pkt, sizeof pkt, &len, &from) != 0)
				break;
			if (beacon_parse(&b, pkt, len) != 0 || is_fake(f, count, b.id_pub) ||
			    beacon_verify(pkt, len, b.id_pub) != 0)
				continue;
			printf("beacon ms=%lld key=%02x%02x%02x%02x pace=%u probe=%d\n",
			       (long long)(mono_ms() - start), b.id_pub[0], b.id_pub[1],
			       b.id_pub[2], b.id_pub[3], beacon_pace(b.flags),
			       (b.flags & BEACON_FLAG_PROBE) != 0);
			fflush(stdout);
		}
	}
	disc_free(d);
	free(f);
	return 0;
}
