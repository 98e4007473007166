/* SPDX-License-Identifier: MIT */
/* The discovery socket: one non-blocking IPv4 UDP socket that joins a
 * multicast group on chosen interfaces, sends with TTL 1 once per interface
 * and receives whole datagrams. Knows nothing of what the datagrams hold. */
#ifndef NATTER_DISC_H
#define NATTER_DISC_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#define DISC_WUR __attribute__((warn_unused_result))

#define DISC_IFACE_MAX 16   /* interfaces one socket joins (Linux allows 20 groups) */
#define DISC_DGRAM_MAX 1200 /* largest datagram disc_send sends: no fragmentation */

struct disc;

struct disc_config {
	struct in_addr group; /* IPv4 multicast group, 224.0.0.0/4 */
	uint16_t port;	      /* UDP port, host order, nonzero */
	/* Interface names ("lo", "eth0") or IPv4 addresses of an interface;
	 * n_ifaces 0 means every interface that is UP and MULTICAST and has an
	 * IPv4 address, loopback excluded. Only read during disc_open. */
	const char *const *ifaces;
	size_t n_ifaces;
};

/* Parse "ADDR:PORT": a dotted-quad IPv4 multicast address (224.0.0.0/4) and a
 * decimal port 1..65535, nothing else. Writes *group and *port (host order)
 * only on success; NERR_USAGE otherwise. */
int disc_parse_group(const char *s, struct in_addr *group, uint16_t *port) DISC_WUR;

/* Open the socket and join cfg->group on the chosen interfaces; *out is
 * written only on success and owned by the caller (disc_free). The socket is
 * bound to group:port with SO_REUSEADDR (and SO_REUSEPORT) so that several
 * processes on one host share the port, receives only groups it joined
 * itself, loops its own datagrams back (local peers see them) and sends with
 * TTL 1. Named interfaces must all be joined; with n_ifaces 0 an interface
 * that refuses the join is skipped, and at most DISC_IFACE_MAX are used.
 * Errors: NERR_USAGE (group not multicast, port 0), NERR_LIMIT (more than
 * DISC_IFACE_MAX names), NERR_NET (a name or address matches no interface,
 * nothing to join, a join or the bind failed), NERR_SYSTEM (a socket call
 * failed; errno tells which), NERR_NOMEM. */
int disc_open(struct disc **out, const struct disc_config *cfg) DISC_WUR;

/* The socket, for poll(2); owned by d. */
int disc_fd(const struct disc *d);

/* Send one datagram of 1..DISC_DGRAM_MAX bytes to the group on every joined
 * interface in turn (IP_MULTICAST_IF before each sendto). 0 when at least one
 * send went out; otherwise NERR_EMPTY / NERR_TOOLONG for a bad len, NERR_AGAIN
 * when the socket buffer was full, NERR_NET for an unusable interface or
 * route, NERR_IO for anything else. */
int disc_send(struct disc *d, const uint8_t *pkt, size_t len);

/* Receive one waiting datagram into buf (cap bytes); *len and *from (the
 * sender) are written only on success. NERR_AGAIN when none is waiting,
 * NERR_TOOLONG when one was larger than cap (it is dropped; call again),
 * NERR_IO on a socket error. buf's contents are unspecified on failure. */
int disc_recv(struct disc *d, uint8_t *buf, size_t cap, size_t *len,
	      struct sockaddr_in *from) DISC_WUR;

/* Joined interfaces: how many (at least 1), and the name of the i-th, owned by
 * d, or NULL when i is out of range. */
size_t disc_iface_count(const struct disc *d);
const char *disc_iface_name(const struct disc *d, size_t i);

/* One interface with an IPv4 address, as getifaddrs(3) reports it. */
struct disc_ifinfo {
	char name[16];	     /* IF_NAMESIZE */
	struct in_addr addr; /* its first IPv4 address */
	unsigned int flags;  /* IFF_* (net/if.h) */
	int picked;	     /* disc_open with the same cfg would join it */
};

/* List every interface that has an IPv4 address (its first one), at most cap
 * of them, and mark those disc_open would pick for cfg (the same rule: the
 * named ones, else every UP and MULTICAST interface except loopback; group and
 * port are not looked at). A --iface that names no interface picks nothing
 * here (disc_open says why). *n is written only on success; NERR_SYSTEM when
 * getifaddrs fails. For `natter --doctor`, which explains the choice. */
int disc_list_ifaces(const struct disc_config *cfg, struct disc_ifinfo *out, size_t cap,
		     size_t *n) DISC_WUR;

/* Close the socket (which leaves the group) and free d; NULL is a no-op. */
void disc_free(struct disc *d);

#endif
