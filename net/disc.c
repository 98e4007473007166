/* SPDX-License-Identifier: MIT */
/* The multicast discovery socket; see disc.h. Linux uses struct ip_mreqn to
 * name interfaces by index (loopback included, which has no MULTICAST flag
 * yet joins and sends); elsewhere the interface's IPv4 address is used. */
#include "disc.h"
#include "nerr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

struct disc_iface {
	char name[IF_NAMESIZE];
	unsigned int index;
	struct in_addr addr; /* its first IPv4 address, or INADDR_ANY */
};

struct disc {
	int fd;
	struct sockaddr_in group; /* where disc_send sends */
	size_t n_ifaces;
	struct disc_iface ifaces[DISC_IFACE_MAX];
};

/* Interfaces picked from the configuration, before any join. */
struct disc_pick {
	size_t n;
	struct disc_iface list[DISC_IFACE_MAX];
};

static int disc_is_multicast(struct in_addr a)
{
	return (ntohl(a.s_addr) & 0xf0000000u) == 0xe0000000u;
}

int disc_parse_group(const char *s, struct in_addr *group, uint16_t *port)
{
	char host[INET_ADDRSTRLEN];
	struct in_addr a;
	size_t hlen = strcspn(s, ":");
	const char *digits;
	size_t nd;
	unsigned long p = 0;

	if (s[hlen] != ':' || hlen == 0 || hlen >= sizeof host)
		return NERR_USAGE;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	if (inet_pton(AF_INET, host, &a) != 1 || !disc_is_multicast(a))
		return NERR_USAGE;
	digits = &s[hlen + 1];
	nd = strlen(digits);
	if (nd == 0 || nd > 5 || strspn(digits, "0123456789") != nd)
		return NERR_USAGE;
	for (size_t i = 0; i < nd; i++)
		p = p * 10 + (unsigned long)(digits[i] - '0');
	if (p == 0 || p > 65535)
		return NERR_USAGE;
	*group = a;
	*port = (uint16_t)p;
	return 0;
}

/* The first IPv4 address of the interface called name, or INADDR_ANY. */
static struct in_addr disc_ifa_addr(const struct ifaddrs *all, const char *name)
{
	struct in_addr none = {.s_addr = htonl(INADDR_ANY)};
	for (const struct ifaddrs *ifa = all; ifa; ifa = ifa->ifa_next) {
		if (ifa->ifa_addr && ifa->ifa_addr->sa_family == AF_INET &&
		    strcmp(ifa->ifa_name, name) == 0)
			return ((const struct sockaddr_in *)(const void *)ifa->ifa_addr)->sin_addr;
	}
	return none;
}

/* Add an interface once (by index); NERR_LIMIT when the list is full. */
static int disc_pick_add(struct disc_pick *pk, const char *name, unsigned int index,
			 struct in_addr addr)
{
	size_t nlen = strlen(name);
	for (size_t i = 0; i < pk->n; i++) {
		if (pk->list[i].index == index)
			return 0;
	}
	if (pk->n == DISC_IFACE_MAX)
		return NERR_LIMIT;
	if (nlen >= sizeof pk->list[0].name)
		return NERR_NET;
	memcpy(pk->list[pk->n].name, name, nlen + 1);
	pk->list[pk->n].index = index;
	pk->list[pk->n].addr = addr;
	pk->n++;
	return 0;
}

/* One --iface value: an IPv4 address that some interface has, else a name. */
static int disc_pick_named(struct disc_pick *pk, const struct ifaddrs *all, const char *spec)
{
	struct in_addr want;
	unsigned int index;

	if (inet_pton(AF_INET, spec, &want) == 1) {
		for (const struct ifaddrs *ifa = all; ifa; ifa = ifa->ifa_next) {
			if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != AF_INET)
				continue;
			const struct sockaddr_in *sin =
			    (const struct sockaddr_in *)(const void *)ifa->ifa_addr;
			if (sin->sin_addr.s_addr != want.s_addr)
				continue;
			if ((index = if_nametoindex(ifa->ifa_name)) == 0)
				return NERR_NET;
			return disc_pick_add(pk, ifa->ifa_name, index, want);
		}
		return NERR_NET;
	}
	if (strlen(spec) >= IF_NAMESIZE || (index = if_nametoindex(spec)) == 0)
		return NERR_NET;
	return disc_pick_add(pk, spec, index, disc_ifa_addr(all, spec));
}

static int disc_pick_auto(struct disc_pick *pk, const struct ifaddrs *all)
{
	const unsigned int want = IFF_UP | IFF_MULTICAST;
	for (const struct ifaddrs *ifa = all; ifa && pk->n < DISC_IFACE_MAX; ifa = ifa->ifa_next) {
		unsigned int index;
		if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != AF_INET ||
		    (ifa->ifa_flags & want) != want || (ifa->ifa_flags & IFF_LOOPBACK))
			continue;
		if ((index = if_nametoindex(ifa->ifa_name)) == 0)
			continue; /* gone since getifaddrs */
		const struct sockaddr_in *sin =
		    (const struct sockaddr_in *)(const void *)ifa->ifa_addr;
		/* a second address of a listed interface is a no-op */
		(void)disc_pick_add(pk, ifa->ifa_name, index, sin->sin_addr);
	}
	return pk->n > 0 ? 0 : NERR_NET;
}

static int disc_pick_ifaces(struct disc_pick *pk, const struct disc_config *cfg)
{
	struct ifaddrs *all = NULL;
	int r = NERR_INTERNAL;

	if (getifaddrs(&all) != 0) {
		r = NERR_SYSTEM;
		goto out;
	}
	if (cfg->n_ifaces == 0) {
		r = disc_pick_auto(pk, all);
		goto out;
	}
	for (size_t i = 0; i < cfg->n_ifaces; i++) {
		if ((r = disc_pick_named(pk, all, cfg->ifaces[i])) != 0)
			goto out;
	}
	r = 0;
out:
	if (all)
		freeifaddrs(all);
	return r;
}

static int disc_setopt(int fd, int level, int name, const void *v, socklen_t len)
{
	return setsockopt(fd, level, name, v, len) == 0 ? 0 : NERR_SYSTEM;
}

/* Non-blocking, close-on-exec, shared port, TTL 1, loop on, bound to the group. */
static int disc_socket_setup(int fd, const struct sockaddr_in *group)
{
	const int one = 1;
	const unsigned char ttl = 1;
	const unsigned char loop = 1;
	int fl;
	int r;

	if ((fl = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) != 0)
		return NERR_SYSTEM;
	if ((r = disc_setopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one)) != 0)
		return r;
#ifdef SO_REUSEPORT
	if ((r = disc_setopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one)) != 0)
		return r;
#endif
#ifdef IP_MULTICAST_ALL
	/* Linux otherwise delivers every group any socket on the host joined */
	const int zero = 0;
	if ((r = disc_setopt(fd, IPPROTO_IP, IP_MULTICAST_ALL, &zero, sizeof zero)) != 0)
		return r;
#endif
	if ((r = disc_setopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof loop)) != 0 ||
	    (r = disc_setopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl)) != 0)
		return r;
	/* bound to the group, not INADDR_ANY: unicast to this port is not ours */
	if (bind(fd, (const struct sockaddr *)(const void *)group, sizeof *group) != 0)
		return NERR_NET;
	return 0;
}

static int disc_join(int fd, struct in_addr group, const struct disc_iface *ifc)
{
#ifdef __linux__
	struct ip_mreqn m;
	memset(&m, 0, sizeof m);
	m.imr_multiaddr = group;
	m.imr_address.s_addr = htonl(INADDR_ANY);
	m.imr_ifindex = (int)ifc->index;
#else
	struct ip_mreq m;
	memset(&m, 0, sizeof m);
	m.imr_multiaddr = group;
	m.imr_interface = ifc->addr;
#endif
	return setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m) == 0 ? 0 : NERR_NET;
}

static int disc_select_iface(int fd, const struct disc_iface *ifc)
{
#ifdef __linux__
	/* The address becomes the source: without it Linux picks one of another
	 * interface for lo (127.0.0.1 is host-scoped), and peers would then
	 * connect to an address the sender may not listen on. */
	struct ip_mreqn m;
	memset(&m, 0, sizeof m);
	m.imr_address = ifc->addr;
	m.imr_ifindex = (int)ifc->index;
	return disc_setopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &m, sizeof m);
#else
	return disc_setopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &ifc->addr, sizeof ifc->addr);
#endif
}

/* Join on each picked interface. A named one that refuses fails the open; in
 * automatic mode it is skipped, since interfaces come and go. */
static int disc_join_all(struct disc *d, const struct disc_pick *pk, int named)
{
	for (size_t i = 0; i < pk->n; i++) {
		if (disc_join(d->fd, d->group.sin_addr, &pk->list[i]) != 0) {
			if (named)
				return NERR_NET;
			continue;
		}
		d->ifaces[d->n_ifaces++] = pk->list[i];
	}
	return d->n_ifaces > 0 ? 0 : NERR_NET;
}

int disc_open(struct disc **out, const struct disc_config *cfg)
{
	struct disc *d = NULL;
	struct disc_pick pk;
	int saved_errno;
	int r = NERR_INTERNAL;

	if (!disc_is_multicast(cfg->group) || cfg->port == 0) {
		r = NERR_USAGE;
		goto out;
	}
	if (cfg->n_ifaces > DISC_IFACE_MAX) {
		r = NERR_LIMIT;
		goto out;
	}
	memset(&pk, 0, sizeof pk);
	if ((r = disc_pick_ifaces(&pk, cfg)) != 0)
		goto out;
	if (!(d = calloc(1, sizeof *d))) {
		r = NERR_NOMEM;
		goto out;
	}
	d->group.sin_family = AF_INET;
	d->group.sin_addr = cfg->group;
	d->group.sin_port = htons(cfg->port);
	if ((d->fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0) {
		r = NERR_SYSTEM;
		goto out;
	}
	if ((r = disc_socket_setup(d->fd, &d->group)) != 0)
		goto out;
	if ((r = disc_join_all(d, &pk, cfg->n_ifaces > 0)) != 0)
		goto out;
	*out = d;
	d = NULL;
	r = 0;
out:
	saved_errno = errno; /* close() must not hide why we failed */
	disc_free(d);
	errno = saved_errno;
	return r;
}

int disc_fd(const struct disc *d)
{
	return d->fd;
}

static int disc_errno_to_nerr(int e)
{
	switch (e) {
	case EAGAIN:
#if EWOULDBLOCK != EAGAIN
	case EWOULDBLOCK:
#endif
	case ENOBUFS: return NERR_AGAIN;
	case ENETDOWN:
	case ENETUNREACH:
	case EHOSTUNREACH:
	case EADDRNOTAVAIL:
	case ENODEV:
	case ENXIO: return NERR_NET;
	case EMSGSIZE: return NERR_TOOLONG;
	default: return NERR_IO;
	}
}

/* The interface's IPv4 address now: it may have changed since disc_open (a
 * DHCP renewal handing out another lease). 1 if it changed. */
static int disc_refresh_addr(struct disc_iface *ifc)
{
	struct ifaddrs *all = NULL;
	struct in_addr a;
	if (getifaddrs(&all) != 0)
		return 0;
	a = disc_ifa_addr(all, ifc->name);
	freeifaddrs(all);
	if (a.s_addr == ifc->addr.s_addr)
		return 0;
	ifc->addr = a;
	return 1;
}

static ssize_t disc_send_one(struct disc *d, const struct disc_iface *ifc, const uint8_t *pkt,
			     size_t len)
{
	const struct sockaddr *to = (const struct sockaddr *)(const void *)&d->group;
	ssize_t n;
	if (disc_select_iface(d->fd, ifc) != 0)
		return -1;
	do
		n = sendto(d->fd, pkt, len, 0, to, sizeof d->group);
	while (n < 0 && errno == EINTR);
	return n;
}

int disc_send(struct disc *d, const uint8_t *pkt, size_t len)
{
	size_t sent = 0;
	int err = 0;

	if (len == 0)
		return NERR_EMPTY;
	if (len > DISC_DGRAM_MAX)
		return NERR_TOOLONG;
	for (size_t i = 0; i < d->n_ifaces; i++) {
		ssize_t n = disc_send_one(d, &d->ifaces[i], pkt, len);
		/* The source address picked at start-up may be gone: look again. */
		if (n < 0 && (errno == EADDRNOTAVAIL || errno == EINVAL || errno == ENETUNREACH) &&
		    disc_refresh_addr(&d->ifaces[i]))
			n = disc_send_one(d, &d->ifaces[i], pkt, len);
		if (n < 0)
			err = errno;
		else
			sent++;
	}
	return sent > 0 ? 0 : disc_errno_to_nerr(err);
}

int disc_recv(struct disc *d, uint8_t *buf, size_t cap, size_t *len, struct sockaddr_in *from)
{
	struct sockaddr_in src;
	struct iovec iov;
	struct msghdr m;
	ssize_t n;

	memset(&src, 0, sizeof src);
	memset(&m, 0, sizeof m);
	iov.iov_base = buf;
	iov.iov_len = cap;
	m.msg_name = &src;
	m.msg_namelen = sizeof src;
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	do
		n = recvmsg(d->fd, &m, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? NERR_AGAIN : NERR_IO;
	if (m.msg_flags & MSG_TRUNC)
		return NERR_TOOLONG;
	if (m.msg_namelen < sizeof src || src.sin_family != AF_INET)
		return NERR_IO;
	*len = (size_t)n;
	*from = src;
	return 0;
}

int disc_list_ifaces(const struct disc_config *cfg, struct disc_ifinfo *out, size_t cap,
		     size_t *n)
{
	struct ifaddrs *all = NULL;
	struct disc_pick pk;
	size_t k = 0;

	if (getifaddrs(&all) != 0)
		return NERR_SYSTEM;
	memset(&pk, 0, sizeof pk);
	if (cfg->n_ifaces > DISC_IFACE_MAX || disc_pick_ifaces(&pk, cfg) != 0)
		pk.n = 0;
	for (const struct ifaddrs *ifa = all; ifa && k < cap; ifa = ifa->ifa_next) {
		size_t i;
		if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != AF_INET ||
		    strlen(ifa->ifa_name) >= sizeof out[0].name)
			continue;
		for (i = 0; i < k && strcmp(out[i].name, ifa->ifa_name) != 0; i++)
			;
		if (i < k)
			continue; /* a second address of a listed interface */
		memset(&out[k], 0, sizeof out[k]);
		memcpy(out[k].name, ifa->ifa_name, strlen(ifa->ifa_name) + 1);
		out[k].addr = ((const struct sockaddr_in *)(const void *)ifa->ifa_addr)->sin_addr;
		out[k].flags = ifa->ifa_flags;
		for (i = 0; i < pk.n; i++)
			if (strcmp(pk.list[i].name, ifa->ifa_name) == 0)
				out[k].picked = 1;
		k++;
	}
	freeifaddrs(all);
	*n = k;
	return 0;
}

size_t disc_iface_count(const struct disc *d)
{
	return d->n_ifaces;
}

const char *disc_iface_name(const struct disc *d, size_t i)
{
	return i < d->n_ifaces ? d->ifaces[i].name : NULL;
}

void disc_free(struct disc *d)
{
	if (!d)
		return;
	if (d->fd >= 0)
		close(d->fd);
	free(d);
}
