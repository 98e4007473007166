/* SPDX-License-Identifier: MIT */
/* `natter --doctor`: looks at the interfaces, the TCP port, the discovery
 * group (our own probe looped back, peers' beacons, their answers to our
 * probes), the firewall and the --peer addresses, and prints one finding per
 * check with a fix a person can act on. It sends only what a node sends: a
 * signed probe beacon (port 0, like --peers) on the interfaces a node would use. */
#include "doctor.h"
#include "beacon.h"
#include "ctl.h"
#include "disc.h"
#include "ident.h"
#include "ncrypto.h"
#include "nerr.h"
#include "text.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DOCTOR_IFACES_MAX    64
#define DOCTOR_PEERS_MAX     64
#define DOCTOR_ADDRS_MAX     4	  /* source addresses remembered per peer */
#define DOCTOR_PROBES	     5	  /* probes spread over the listening time */
#define DOCTOR_ANSWER_MS     300  /* a beacon this soon after a probe answers it */
#define DOCTOR_PKTS_MAX	     4096 /* datagrams looked at, at most */
#define DOCTOR_VERIFY_MAX    1024 /* signatures checked, at most */
#define DOCTOR_CONNECT_MS    1500
#define DOCTOR_RULES_MAX     4096 /* firewall lines read, at most */
#define DOCTOR_LISTEN_MIN_MS 500  /* room for the probes and their answers */

/* ---- pure parts ---- */

static int has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

enum doctor_ifkind doctor_iface_kind(const char *name, unsigned int flags, int wireless)
{
	static const char *const vpn[] = {"tun", "wg", "tap", "ppp", "tailscale", "zt", "utun"};
	static const char *const virt[] = {"docker", "br-", "veth",    "virbr", "vnet",	  "lxc",
					   "lxdbr",  "cni", "flannel", "vmnet", "vboxnet"};
	if (flags & IFF_LOOPBACK)
		return DOCTOR_IF_LOOPBACK;
	if (flags & IFF_POINTOPOINT)
		return DOCTOR_IF_VPN;
	for (size_t i = 0; i < sizeof vpn / sizeof vpn[0]; i++)
		if (has_prefix(name, vpn[i]))
			return DOCTOR_IF_VPN;
	for (size_t i = 0; i < sizeof virt / sizeof virt[0]; i++)
		if (has_prefix(name, virt[i]))
			return DOCTOR_IF_VIRTUAL;
	return wireless ? DOCTOR_IF_WIRELESS : DOCTOR_IF_PLAIN;
}

/* "A.B.C.D" or "A.B.C.D/N" holds addr. -1 when it is not an IPv4 net. */
static int net_holds(const char *spec, struct in_addr addr)
{
	char host[INET_ADDRSTRLEN];
	struct in_addr a;
	long bits = 32;
	const char *slash = strchr(spec, '/');
	size_t hl = slash ? (size_t)(slash - spec) : strlen(spec);
	if (hl == 0 || hl >= sizeof host)
		return -1;
	memcpy(host, spec, hl);
	host[hl] = '\0';
	if (inet_pton(AF_INET, host, &a) != 1)
		return -1;
	if (slash) {
		char *end;
		bits = strtol(slash + 1, &end, 10);
		if (*end || end == slash + 1 || bits < 0 || bits > 32)
			return -1;
	}
	uint32_t mask = bits == 0 ? 0 : 0xffffffffu << (32 - bits);
	return (ntohl(a.s_addr) & mask) == (ntohl(addr.s_addr) & mask);
}

/* "N", "N:M" (iptables) or "N-M" (nft) holds port. */
static int port_holds(const char *spec, uint16_t port)
{
	char *end;
	long lo = strtol(spec, &end, 10), hi = lo;
	if (end == spec)
		return 0;
	if (*end == ':' || *end == '-')
		hi = strtol(end + 1, &end, 10);
	return *end == '\0' && port >= lo && port <= hi;
}

/* "a,b:c,d" holds port. */
static int ports_hold(const char *list, uint16_t port)
{
	char buf[128];
	snprintf(buf, sizeof buf, "%s", list);
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
		if (port_holds(t, port))
			return 1;
	return 0;
}

#define RULE_TOKENS 48

static size_t split_words(char *buf, char *tok[], size_t cap)
{
	size_t n = 0;
	for (char *save = NULL, *t = strtok_r(buf, " \t\n", &save); t && n < cap;
	     t = strtok_r(NULL, " \t\n", &save))
		tok[n++] = t;
	return n;
}

/* The match a rule makes, collected from either syntax. */
struct rule_match {
	const char *proto; /* NULL: any */
	const char *daddr; /* NULL: any */
	const char *dport, *sport, *dports;
	int some; /* -m statistic / numgen */
};

static int rule_hits(const struct rule_match *m, const struct doctor_ports *p)
{
	int hits = 0;
	int mc_dst = m->daddr && net_holds(m->daddr, p->group) == 1;
	int any_dst = !m->daddr;
	int udp = !m->proto || strcmp(m->proto, "udp") == 0 || strcmp(m->proto, "all") == 0;
	int tcp = !m->proto || strcmp(m->proto, "tcp") == 0 || strcmp(m->proto, "all") == 0;
	int ports = m->dport || m->sport || m->dports;
	/* Discovery: UDP to the group port, sent from it too (the socket is bound there). */
	int disc_port = !ports || (m->dport && port_holds(m->dport, p->group_port)) ||
			(m->sport && port_holds(m->sport, p->group_port)) ||
			(m->dports && ports_hold(m->dports, p->group_port));
	if (udp && (any_dst || mc_dst) && disc_port)
		hits |= DOCTOR_HITS_DISC;
	/* Sessions: our TCP port (when unknown, only rules naming no port). */
	int tcp_port =
	    !ports || (p->tcp_port && ((m->dport && port_holds(m->dport, p->tcp_port)) ||
				       (m->sport && port_holds(m->sport, p->tcp_port)) ||
				       (m->dports && ports_hold(m->dports, p->tcp_port))));
	if (tcp && (any_dst || net_holds(m->daddr, p->group) == 0) && tcp_port)
		hits |= DOCTOR_HITS_TCP;
	if (hits && m->some)
		hits |= DOCTOR_HITS_SOME;
	return hits;
}

int doctor_ipt_rule_hits(const char *line, const struct doctor_ports *p)
{
	char buf[1024], *t[RULE_TOKENS];
	struct rule_match m = {0};
	int input = 0, drop = 0;
	if (strlen(line) >= sizeof buf)
		return 0;
	memcpy(buf, line, strlen(line) + 1);
	size_t n = split_words(buf, t, RULE_TOKENS);
	if (n < 4 || strcmp(t[0], "-A") != 0)
		return 0;
	if (strcmp(t[1], "INPUT") == 0)
		input = 1;
	else if (strcmp(t[1], "OUTPUT") != 0)
		return 0;
	for (size_t i = 2; i < n; i++) {
		const char *next = i + 1 < n ? t[i + 1] : NULL;
		if (strcmp(t[i], "!") == 0 || strcmp(t[i], "--state") == 0 ||
		    strcmp(t[i], "--ctstate") == 0)
			return 0; /* negations and states: not judged here */
		if (!next)
			break;
		if (strcmp(t[i], "-p") == 0)
			m.proto = next;
		else if (strcmp(t[i], "-d") == 0)
			m.daddr = next;
		else if (strcmp(t[i], "--dport") == 0)
			m.dport = next;
		else if (strcmp(t[i], "--sport") == 0)
			m.sport = next;
		else if (strcmp(t[i], "--dports") == 0)
			m.dports = next;
		else if (strcmp(t[i], "-m") == 0 && strcmp(next, "statistic") == 0)
			m.some = 1;
		else if (strcmp(t[i], "-j") == 0)
			drop = strcmp(next, "DROP") == 0 || strcmp(next, "REJECT") == 0;
		else
			continue;
		i++;
	}
	if (!drop)
		return 0;
	int hits = rule_hits(&m, p);
	return hits ? hits | (input ? DOCTOR_HITS_INPUT : 0) : 0;
}

int doctor_nft_rule_hits(const char *line, const struct doctor_ports *p)
{
	char buf[1024], *t[RULE_TOKENS];
	struct rule_match m = {0};
	int drop = 0;
	if (strlen(line) >= sizeof buf)
		return 0;
	memcpy(buf, line, strlen(line) + 1);
	size_t n = split_words(buf, t, RULE_TOKENS);
	if (n == 0 || strcmp(t[0], "type") == 0 || strcmp(t[0], "chain") == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		const char *next = i + 1 < n ? t[i + 1] : NULL;
		if (strcmp(t[i], "!=") == 0 || strcmp(t[i], "ct") == 0)
			return 0;
		if (strcmp(t[i], "drop") == 0 || strcmp(t[i], "reject") == 0)
			drop = 1;
		else if (strcmp(t[i], "numgen") == 0 || strcmp(t[i], "random") == 0)
			m.some = 1;
		else if (next && (strcmp(t[i], "udp") == 0 || strcmp(t[i], "tcp") == 0) &&
			 (strcmp(next, "dport") == 0 || strcmp(next, "sport") == 0))
			m.proto = t[i];
		else if (next && strcmp(t[i], "l4proto") == 0)
			m.proto = next;
		else if (next && strcmp(t[i], "daddr") == 0)
			m.daddr = next;
		else if (next && strcmp(t[i], "dport") == 0)
			m.dports = next[0] == '{' && i + 2 < n ? t[i + 2] : next;
		else if (next && strcmp(t[i], "sport") == 0)
			m.sport = next;
	}
	return drop ? rule_hits(&m, p) : 0;
}

int doctor_route_default(const char *text, char *ifname)
{
	char line[512];
	const char *s = strchr(text, '\n'); /* skip the header */
	for (int k = 0; s && *++s && k < 1024; k++) {
		size_t len = strcspn(s, "\n");
		char name[32], dst[16], gw[16];
		unsigned int flags;
		if (len >= sizeof line)
			len = sizeof line - 1;
		memcpy(line, s, len);
		line[len] = '\0';
		if (sscanf(line, "%31s %15s %15s %x", name, dst, gw, &flags) == 4 &&
		    strcmp(dst, "00000000") == 0 && (flags & 0x2u)) { /* RTF_GATEWAY */
			if (ifname)
				snprintf(ifname, 16, "%.15s", name);
			return 1;
		}
		s = strchr(s, '\n');
	}
	return 0;
}

/* ---- findings ---- */

enum status { ST_OK, ST_INFO, ST_WARN };
static const char *const status_word[] = {"ok", "info", "warn"};

#define FIX_MAX 4

struct doctor {
	struct cli *cli;
	int findings;
	struct doctor_ports ports;
	char fix[FIX_MAX][320];
	size_t n_fix;
};

static void fix_add(struct doctor *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fix_add(struct doctor *d, const char *fmt, ...)
{
	va_list ap;
	if (d->n_fix == FIX_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(d->fix[d->n_fix++], sizeof d->fix[0], fmt, ap);
	va_end(ap);
}

/* Print one finding with the fixes added since the last one. */
static void report(struct doctor *d, const char *check, enum status st, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void report(struct doctor *d, const char *check, enum status st, const char *fmt, ...)
{
	char detail[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	if (st == ST_WARN)
		d->findings++;
	if (d->cli->json) {
		printf("{\"check\":\"%s\",\"status\":\"%s\",\"detail\":", check, status_word[st]);
		text_put_json(stdout, detail, strlen(detail));
		fputs(",\"fix\":", stdout);
		if (d->n_fix == 0) {
			fputs("null", stdout);
		} else {
			char all[FIX_MAX * 330] = "";
			for (size_t i = 0; i < d->n_fix; i++) {
				if (i)
					strcat(all, "\n");
				strcat(all, d->fix[i]);
			}
			text_put_json(stdout, all, strlen(all));
		}
		fputs("}\n", stdout);
	} else {
		printf("%-4s %s: %s\n", status_word[st], check, detail);
		for (size_t i = 0; i < d->n_fix; i++)
			printf("     fix: %s\n", d->fix[i]);
	}
	fflush(stdout);
	d->n_fix = 0;
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *ip_str(struct in_addr a, char buf[static INET_ADDRSTRLEN])
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN) ? buf : "?";
}

static int iface_wireless(const char *name)
{
	char path[96];
	struct stat st;
	snprintf(path, sizeof path, "/sys/class/net/%s/wireless", name);
	if (stat(path, &st) == 0)
		return 1;
	snprintf(path, sizeof path, "/sys/class/net/%s/phy80211", name);
	return stat(path, &st) == 0;
}

/* The first line of a small file under /sys or /proc into buf; -1 if unreadable. */
static int read_small(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, cap - 1, f);
	fclose(f);
	buf[n] = '\0';
	return 0;
}

/* ---- interfaces ---- */

struct ifaces {
	struct disc_ifinfo list[DOCTOR_IFACES_MAX];
	size_t n;
	size_t n_picked;
	const char *suggest; /* a plain, picked or pickable interface for --iface */
};

static const char *kind_word(enum doctor_ifkind k)
{
	switch (k) {
	case DOCTOR_IF_LOOPBACK: return "loopback";
	case DOCTOR_IF_WIRELESS: return "Wi-Fi";
	case DOCTOR_IF_VPN: return "VPN or point-to-point";
	case DOCTOR_IF_VIRTUAL: return "container/VM bridge";
	case DOCTOR_IF_PLAIN: break;
	}
	return "LAN";
}

static enum doctor_ifkind info_kind(const struct disc_ifinfo *f)
{
	return doctor_iface_kind(f->name, f->flags, iface_wireless(f->name));
}

static void check_ifaces(struct doctor *d, struct ifaces *ifs)
{
	const struct node_config *nc = &d->cli->node;
	struct disc_config dc = {nc->group, nc->group_port, nc->ifaces, nc->n_ifaces};
	char a[INET_ADDRSTRLEN];
	if (disc_list_ifaces(&dc, ifs->list, DOCTOR_IFACES_MAX, &ifs->n) != 0) {
		report(d, "interfaces", ST_WARN, "cannot list the interfaces: %s", strerror(errno));
		return;
	}
	for (size_t i = 0; i < ifs->n; i++) {
		const struct disc_ifinfo *f = &ifs->list[i];
		enum doctor_ifkind k = info_kind(f);
		int up = (f->flags & IFF_UP) != 0, mc = (f->flags & IFF_MULTICAST) != 0;
		if (!ifs->suggest && up && mc && (k == DOCTOR_IF_PLAIN || k == DOCTOR_IF_WIRELESS))
			ifs->suggest = f->name;
	}
	for (size_t i = 0; i < ifs->n; i++) {
		const struct disc_ifinfo *f = &ifs->list[i];
		enum doctor_ifkind k = info_kind(f);
		int up = (f->flags & IFF_UP) != 0, mc = (f->flags & IFF_MULTICAST) != 0;
		const char *why;
		if (f->picked)
			why = nc->n_ifaces ? "named by --iface" : "up, multicast, not loopback";
		else if (nc->n_ifaces)
			why = "not named by --iface";
		else if (k == DOCTOR_IF_LOOPBACK)
			why = "loopback is used only when --iface names it";
		else
			why = !up ? "down" : "no multicast flag";
		ifs->n_picked += f->picked != 0;
		if (f->picked && !nc->n_ifaces && (k == DOCTOR_IF_VPN || k == DOCTOR_IF_VIRTUAL)) {
			if (ifs->suggest)
				fix_add(d,
					"natter --iface %s (your LAN interface; repeat --iface for "
					"more)",
					ifs->suggest);
			else
				fix_add(d, "natter --iface IF, naming your LAN interface");
			report(d, "interface", ST_WARN,
			       "%s %s (%s%s%s) is used for discovery but looks like a %s: beacons "
			       "there rarely reach LAN peers, and peers may dial its address",
			       f->name, ip_str(f->addr, a), up ? "up" : "down",
			       mc ? ", multicast" : "",
			       f->flags & IFF_POINTOPOINT ? ", point-to-point" : "", kind_word(k));
			continue;
		}
		report(d, "interface", f->picked ? ST_OK : ST_INFO, "%s %s (%s, %s%s%s): %s — %s",
		       f->name, ip_str(f->addr, a), kind_word(k), up ? "up" : "down",
		       mc ? ", multicast" : "",
		       f->flags & IFF_POINTOPOINT ? ", point-to-point" : "",
		       f->picked ? "used" : "not used", why);
		if (f->picked && k == DOCTOR_IF_LOOPBACK)
			report(d, "interface", ST_INFO,
			       "%s is loopback: only nodes on this host can hear us there",
			       f->name);
	}
	if (ifs->n_picked == 0) {
		if (nc->n_ifaces) {
			fix_add(d, "natter --iface IF with a name or address from the list above");
		} else {
			fix_add(d, "connect to a LAN, or bring an interface up with multicast "
				   "(ip link set IF up multicast on)");
			fix_add(d, "natter --peer HOST:PORT to reach a peer without multicast");
		}
		report(d, "interfaces", ST_WARN, "no interface to use for discovery%s",
		       nc->n_ifaces ? ": --iface names none that exists" : "");
	}
}

/* ---- the TCP port ---- */

/* Connect to a with a time limit; 0 or an errno. */
static int try_connect(const struct sockaddr_in *a, int timeout_ms)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int err = 0;
	socklen_t el = sizeof err;
	if (fd < 0)
		return errno;
	if (connect(fd, (const struct sockaddr *)(const void *)a, sizeof *a) != 0) {
		if (errno != EINPROGRESS) {
			err = errno;
			goto out;
		}
		struct pollfd pf = {fd, POLLOUT, 0};
		int pr;
		do
			pr = poll(&pf, 1, timeout_ms);
		while (pr < 0 && errno == EINTR);
		if (pr <= 0) {
			err = ETIMEDOUT;
			goto out;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0)
			err = errno;
	}
out:
	close(fd);
	return err;
}

/* The running node of this home: its TCP port, or 0 when none answers. */
static uint16_t running_node_port(const char *home, int *transient)
{
	char *info = NULL;
	uint16_t port = 0;
	if (ctl_request(home, "info", 1000, &info) == 0 && has_prefix(info, "node\t")) {
		const char *last = strrchr(info, '\t');
		long v = last ? strtol(last + 1, NULL, 10) : 0;
		port = v > 0 && v < 65536 ? (uint16_t)v : 0;
		*transient = has_prefix(info, "node\ttransient\t");
	}
	free(info);
	return port;
}

static void check_connect_own(struct doctor *d, const struct ifaces *ifs, uint16_t port)
{
	const struct node_config *nc = &d->cli->node;
	char a[INET_ADDRSTRLEN];
	for (size_t i = 0; i < ifs->n; i++) {
		const struct disc_ifinfo *f = &ifs->list[i];
		if (!f->picked)
			continue;
		struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(port)};
		to.sin_addr = f->addr;
		int e = try_connect(&to, DOCTOR_CONNECT_MS);
		if (e == 0) {
			report(d, "tcp", ST_OK,
			       "%s:%u (%s, where peers on that link dial) accepts "
			       "connections",
			       ip_str(f->addr, a), port, f->name);
			continue;
		}
		if (nc->bind.s_addr != htonl(INADDR_ANY) && nc->bind.s_addr != f->addr.s_addr) {
			fix_add(d, "natter --bind %s, or leave --bind out (all addresses)",
				ip_str(f->addr, a));
			report(
			    d, "tcp", ST_WARN,
			    "%s:%u does not accept connections (%s): the node listens on --bind %s "
			    "only, but beacons on %s make peers dial %s",
			    ip_str(f->addr, a), port, strerror(e), inet_ntoa(nc->bind), f->name,
			    ip_str(f->addr, a));
		} else {
			fix_add(d, "iptables -I INPUT -p tcp --dport %u -j ACCEPT", port);
			report(d, "tcp", ST_WARN,
			       "%s:%u does not accept connections from this host (%s)",
			       ip_str(f->addr, a), port, strerror(e));
		}
	}
}

static uint16_t check_tcp(struct doctor *d, const struct ifaces *ifs)
{
	const struct node_config *nc = &d->cli->node;
	int transient = 0;
	uint16_t port = running_node_port(nc->home, &transient);
	char a[INET_ADDRSTRLEN];
	if (port) {
		if (nc->port && nc->port != port)
			report(d, "tcp", ST_INFO,
			       "this home's node listens on port %u, not the --port %u given here",
			       port, nc->port);
		report(d, "tcp", ST_OK,
		       "a %s natter node of %s is running and listens on TCP port %u",
		       transient ? "--send" : "long-lived", nc->home, port);
		check_connect_own(d, ifs, port);
		return port;
	}
	fix_add(d, "natter --listen (or the client) for %s", nc->home);
	report(d, "node", ST_INFO,
	       "no natter node of %s is running: peers can find and reach "
	       "this home only while one runs",
	       nc->home);
	if (nc->port == 0) {
		report(d, "tcp", ST_INFO, "--port 0: a node takes any free port and announces it");
		return 0;
	}
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(nc->port)};
	sa.sin_addr = nc->bind;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1, e = 0;
	if (fd < 0)
		return nc->port;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
		e = errno;
	close(fd);
	if (e == 0) {
		report(d, "tcp", ST_OK, "TCP port %u on %s is free for a node", nc->port,
		       ip_str(nc->bind, a));
	} else if (e == EADDRINUSE) {
		fix_add(d,
			"natter --port 0 (any free port; beacons announce it), or another --port");
		fix_add(d, "see who holds it: ss -ltnp 'sport = :%u'", nc->port);
		report(d, "tcp", ST_WARN,
		       "TCP port %u is taken by another program (not a natter "
		       "node of this home)",
		       nc->port);
	} else {
		fix_add(d, "natter --bind ADDR with an address of this host, or leave --bind out");
		report(d, "tcp", ST_WARN, "cannot bind TCP %s:%u: %s", ip_str(nc->bind, a),
		       nc->port, strerror(e));
	}
	return nc->port;
}

/* ---- discovery ---- */

struct heard {
	uint8_t key[32];
	char nick[BEACON_NICK_MAX + 1];
	struct in_addr addr[DOCTOR_ADDRS_MAX];
	size_t n_addr;
	uint16_t tcp_port;
	unsigned answered; /* bit i: answered probe i */
	int64_t skew_ms;   /* its clock minus ours, from the last beacon */
	size_t count;
};

struct listen {
	uint8_t boot_id[8];
	int64_t probe_at[DOCTOR_PROBES];
	size_t probes;			       /* probes tried */
	unsigned sent_ok;		       /* bit i: probe i went out on some interface */
	struct in_addr looped[DISC_IFACE_MAX]; /* sources of our own probes heard back */
	size_t n_looped;
	size_t own_node; /* beacons of this home's running node */
	struct heard peers[DOCTOR_PEERS_MAX];
	size_t n_peers;
	size_t pkts, verified, bad_sig, foreign;
	int send_err;
};

static void note_addr(struct in_addr *list, size_t *n, size_t cap, struct in_addr a)
{
	for (size_t i = 0; i < *n; i++)
		if (list[i].s_addr == a.s_addr)
			return;
	if (*n < cap)
		list[(*n)++] = a;
}

static void on_datagram(struct listen *ls, const struct ident *id, const uint8_t *pkt, size_t len,
			const struct sockaddr_in *from, int64_t now)
{
	struct beacon b;
	ls->pkts++;
	if (beacon_parse(&b, pkt, len) != 0) {
		ls->foreign++;
		return;
	}
	if (memcmp(b.id_pub, id->conn.id_pub, 32) == 0) {
		if (memcmp(b.boot_id, ls->boot_id, 8) == 0)
			note_addr(ls->looped, &ls->n_looped, DISC_IFACE_MAX, from->sin_addr);
		else if (b.tcp_port)
			ls->own_node++;
		return;
	}
	if (ls->verified >= DOCTOR_VERIFY_MAX)
		return;
	ls->verified++;
	if (beacon_verify(pkt, len, b.id_pub) != 0) {
		ls->bad_sig++;
		return;
	}
	struct heard *h = NULL;
	for (size_t i = 0; i < ls->n_peers && !h; i++)
		if (memcmp(ls->peers[i].key, b.id_pub, 32) == 0)
			h = &ls->peers[i];
	if (!h) {
		if (ls->n_peers == DOCTOR_PEERS_MAX)
			return;
		h = &ls->peers[ls->n_peers++];
		memset(h, 0, sizeof *h);
		memcpy(h->key, b.id_pub, 32);
	}
	memcpy(h->nick, b.nick, sizeof h->nick);
	if (b.tcp_port)
		h->tcp_port = b.tcp_port;
	note_addr(h->addr, &h->n_addr, DOCTOR_ADDRS_MAX, from->sin_addr);
	h->skew_ms = (int64_t)b.ts_ms - text_now_ms();
	h->count++;
	if (b.flags & BEACON_FLAG_PROBE)
		return; /* its own probe, not an answer to ours */
	for (size_t i = 0; i < ls->probes; i++)
		if ((ls->sent_ok & (1u << i)) && now >= ls->probe_at[i] &&
		    now - ls->probe_at[i] <= DOCTOR_ANSWER_MS)
			h->answered |= 1u << i;
}

static void send_probe(struct listen *ls, struct disc *disc, const struct ident *id,
		       const char *nick, int64_t now)
{
	struct beacon b;
	uint8_t pkt[BEACON_MAX_LEN];
	size_t len;
	memset(&b, 0, sizeof b);
	b.version = BEACON_VERSION;
	b.flags = BEACON_FLAG_PROBE;
	b.tcp_port = 0; /* like --peers: says nothing about where a node listens */
	memcpy(b.id_pub, id->conn.id_pub, 32);
	memcpy(b.boot_id, ls->boot_id, 8);
	b.seq = ls->probes + 1;
	b.ts_ms = (uint64_t)text_now_ms();
	snprintf(b.nick, sizeof b.nick, "%s", nick);
	ls->probe_at[ls->probes++] = now;
	if (beacon_encode(&b, id->conn.id_sk, pkt, sizeof pkt, &len) != 0)
		return;
	errno = 0;
	if (disc_send(disc, pkt, len) == 0)
		ls->sent_ok |= 1u << (ls->probes - 1);
	else
		ls->send_err = errno ? errno : EIO;
}

static void listen_run(struct doctor *d, struct listen *ls, struct disc *disc,
		       const struct ident *id, const char *nick, int64_t listen_ms)
{
	uint8_t pkt[BEACON_MAX_LEN + 1];
	int64_t t0 = mono_ms(), end = t0 + listen_ms;
	ncrypto_random(ls->boot_id, sizeof ls->boot_id);
	for (int turns = 0; turns < 100000 && ls->pkts < DOCTOR_PKTS_MAX; turns++) {
		int64_t now = mono_ms();
		if (now >= end || *d->cli->stop)
			break;
		int64_t next = end;
		if (ls->probes < DOCTOR_PROBES) {
			int64_t due = t0 + (int64_t)ls->probes * listen_ms / DOCTOR_PROBES;
			if (now >= due) {
				send_probe(ls, disc, id, nick, now);
				continue;
			}
			next = due;
		}
		struct pollfd pf[2] = {{disc_fd(disc), POLLIN, 0}, {d->cli->stop_fd, POLLIN, 0}};
		if (poll(pf, d->cli->stop_fd >= 0 ? 2 : 1, (int)(next - now)) <= 0)
			continue;
		for (int i = 0; i < 64; i++) {
			size_t len;
			struct sockaddr_in from;
			int r = disc_recv(disc, pkt, sizeof pkt, &len, &from);
			if (r == NERR_AGAIN || r == NERR_IO)
				break;
			if (r == 0)
				on_datagram(ls, id, pkt, len, &from, mono_ms());
		}
	}
}

static void check_loopback(struct doctor *d, const struct listen *ls, struct disc *disc,
			   const struct ifaces *ifs)
{
	char a[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN];
	const struct doctor_ports *p = &d->ports;
	if (ls->send_err) {
		int perm = ls->send_err == EPERM || ls->send_err == EACCES;
		fix_add(d, "iptables -I OUTPUT -p udp --dport %u -j ACCEPT%s", p->group_port,
			perm ? "" : " (if a firewall refuses it)");
		report(d, "multicast-send", ST_WARN, "sending to the group %s:%u failed: %s%s",
		       ip_str(p->group, a), p->group_port, strerror(ls->send_err),
		       perm ? " (a firewall's OUTPUT chain on this host refuses it)" : "");
	}
	for (size_t i = 0; i < disc_iface_count(disc); i++) {
		const char *name = disc_iface_name(disc, i);
		struct in_addr ia = {0};
		for (size_t k = 0; k < ifs->n; k++)
			if (strcmp(ifs->list[k].name, name) == 0)
				ia = ifs->list[k].addr;
		int back = 0;
		for (size_t k = 0; k < ls->n_looped; k++)
			back |= ls->looped[k].s_addr == ia.s_addr;
		if (back) {
			report(
			    d, "multicast-loop", ST_OK,
			    "our probe on %s came back to us (multicast loopback works, the group "
			    "is joined)",
			    name);
			continue;
		}
		fix_add(d, "iptables -I OUTPUT -p udp --dport %u -j ACCEPT", p->group_port);
		fix_add(d, "iptables -I INPUT -p udp --dport %u -j ACCEPT", p->group_port);
		report(d, "multicast-loop", ST_WARN,
		       "our probe sent on %s (%s) never came back to us: something on this host "
		       "drops multicast to %s:%u (a firewall's OUTPUT or INPUT chain), so peers "
		       "cannot hear us either",
		       name, ip_str(ia, a), ip_str(p->group, g), p->group_port);
	}
}

static void fp_short(char out[static 17], const uint8_t key[static 32])
{
	char fp[IDENT_FP_LEN + 1];
	ident_fp(fp, key);
	snprintf(out, 17, "%.16s", fp);
}

/* The peers heard, and whether they answer our probes. 1 when none was heard. */
static int check_beacons(struct doctor *d, const struct listen *ls, int64_t listen_ms)
{
	char a[INET_ADDRSTRLEN], fp[17];
	const struct doctor_ports *p = &d->ports;
	if (ls->own_node)
		report(d, "beacons", ST_OK, "this home's running node beacons reach us");
	if (ls->bad_sig)
		report(d, "beacons", ST_INFO,
		       "%zu datagram(s) in the group had a bad signature (dropped, as nodes do)",
		       ls->bad_sig);
	if (ls->foreign)
		report(d, "beacons", ST_INFO,
		       "%zu datagram(s) in the group are not natter beacons: another program uses "
		       "%s:%u (harmless, but --group can pick another)",
		       ls->foreign, ip_str(p->group, a), p->group_port);
	size_t nodes = 0;
	for (size_t i = 0; i < ls->n_peers; i++)
		nodes += ls->peers[i].tcp_port != 0;
	if (nodes == 0) {
		fix_add(d,
			"if a firewall drops them (as root): iptables -I INPUT -p udp --dport %u "
			"-j ACCEPT",
			p->group_port);
		fix_add(d,
			"natter --peer HOST:PORT reaches a peer without multicast (PORT: its TCP "
			"port, %u by default)",
			NODE_DEFAULT_PORT);
		fix_add(d,
			"run natter --doctor on a peer too: it says whether our probes reach it");
		report(d, "beacons", ST_WARN,
		       "no beacons heard from any peer in %.1f s on the group %s:%u (nobody else "
		       "runs natter on this link, or multicast does not pass)%s",
		       (double)listen_ms / 1000.0, ip_str(p->group, a), p->group_port,
		       ls->n_peers ? "; only probes of nodes not running" : "");
	} else {
		report(d, "beacons", ST_OK, "beacons from %zu peer(s) heard in %.1f s", nodes,
		       (double)listen_ms / 1000.0);
	}
	for (size_t i = 0; i < ls->n_peers; i++) {
		const struct heard *h = &ls->peers[i];
		char addrs[DOCTOR_ADDRS_MAX * (INET_ADDRSTRLEN + 2)] = "";
		int answers = __builtin_popcount(h->answered);
		int went_out = __builtin_popcount(ls->sent_ok);
		fp_short(fp, h->key);
		for (size_t k = 0; k < h->n_addr; k++) {
			if (k)
				strcat(addrs, ", ");
			strcat(addrs, ip_str(h->addr[k], a));
		}
		if (h->tcp_port == 0) {
			report(d, "peer", ST_INFO,
			       "%s (%s…) at %s only probes (a --peers or --doctor run there, no "
			       "node)",
			       h->nick, fp, addrs);
			continue;
		}
		report(d, "peer", ST_OK, "%s (%s…) beacons from %s%s, TCP port %u", h->nick, fp,
		       addrs, h->n_addr > 1 ? " (several links: shown once, one session)" : "",
		       h->tcp_port);
		if (h->skew_ms > BEACON_TS_SKEW_MS || h->skew_ms < -BEACON_TS_SKEW_MS) {
			fix_add(d, "set both clocks right: timedatectl set-ntp true");
			report(
			    d, "clock", ST_WARN,
			    "%s's clock is %lld s off ours: nodes drop beacons more than %d s off",
			    h->nick, (long long)(h->skew_ms / 1000), BEACON_TS_SKEW_MS / 1000);
		}
		/* Regular beacons come at least NODE_BEACON_MIN_MS apart, so at most
		 * this many can fall after a probe by chance and pass for answers. */
		int chance = (int)(listen_ms / NODE_BEACON_MIN_MS) + 1;
		if (answers > chance) {
			report(d, "probe", ST_OK, "%s answered %d of our %d probes: it hears us",
			       h->nick, answers, went_out);
		} else if (went_out <= chance && answers > 0) {
			report(
			    d, "probe", ST_INFO,
			    "%s answered %d of our %d probes: too few went out to tell (a longer "
			    "--timeout sends more)",
			    h->nick, answers, went_out);
		} else if (went_out == 0) {
			fix_add(d, "on this host: iptables -I OUTPUT -p udp --dport %u -j ACCEPT",
				p->group_port);
			fix_add(d, "natter --peer %s:%u (sessions need no multicast)",
				ip_str(h->addr[0], a), h->tcp_port);
			report(d, "probe", ST_WARN,
			       "we hear %s but none of our probes could be sent: it cannot hear us",
			       h->nick);
		} else {
			fix_add(d, "on this host: iptables -I OUTPUT -p udp --dport %u -j ACCEPT",
				p->group_port);
			fix_add(d, "on %s's host: iptables -I INPUT -p udp --dport %u -j ACCEPT",
				h->nick, p->group_port);
			fix_add(d, "natter --peer %s:%u (sessions need no multicast)",
				ip_str(h->addr[0], a), h->tcp_port);
			report(d, "probe", ST_WARN,
			       "we hear %s but it answered %s of our %d probes%s: our multicast "
			       "does not reach it (a firewall's OUTPUT here or INPUT there, or the "
			       "network isolates us)",
			       h->nick, answers ? "only a few" : "none", went_out,
			       answers ? ", no more than its regular beacons explain" : "");
		}
	}
	return nodes == 0;
}

/* Peers the running node knows as online that the doctor did not hear: a
 * hint for IGMP snooping without a querier (only some peers get through). */
static void check_partial(struct doctor *d, const struct listen *ls)
{
	char *ans = NULL;
	size_t missing = 0;
	if (ls->n_peers == 0 || ctl_request(d->cli->node.home, "peers", 1000, &ans) != 0)
		return;
	for (char *save = NULL, *l = strtok_r(ans, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		char fp[IDENT_FP_LEN + 1];
		int online = 0, found = 0;
		if (sscanf(l, "peer\t%64s\t%d", fp, &online) != 2 || !online)
			continue;
		for (size_t i = 0; i < ls->n_peers; i++) {
			char f[IDENT_FP_LEN + 1];
			ident_fp(f, ls->peers[i].key);
			found |= strcmp(f, fp) == 0;
		}
		missing += !found;
	}
	free(ans);
	if (missing == 0)
		return;
	fix_add(d, "ask for an IGMP querier on the LAN (or IGMP snooping off on the switch)");
	fix_add(d, "natter --peer HOST:PORT for the peers that vanish");
	report(d, "igmp", ST_INFO,
	       "%zu peer(s) online at this home's node sent no beacon we heard: possible cause, a "
	       "switch with IGMP snooping and no querier that forgets the group after a few "
	       "minutes (or they are just between beacons)",
	       missing);
}

/* Local bridges that snoop IGMP without a querier, and whether the kernel
 * holds the group on each interface we joined (/proc/net/igmp). */
static void check_igmp(struct doctor *d, const struct ifaces *ifs, struct disc *disc)
{
	char path[128], v[16];
	for (size_t i = 0; i < ifs->n; i++) {
		const char *name = ifs->list[i].name;
		snprintf(path, sizeof path, "/sys/class/net/%s/bridge/multicast_snooping", name);
		if (read_small(path, v, sizeof v) != 0 || v[0] != '1')
			continue;
		snprintf(path, sizeof path, "/sys/class/net/%s/bridge/multicast_querier", name);
		if (read_small(path, v, sizeof v) != 0 || v[0] != '0')
			continue;
		fix_add(d,
			"echo 1 > /sys/class/net/%s/bridge/multicast_querier (or "
			"multicast_snooping 0)",
			name);
		report(
		    d, "igmp", ifs->list[i].picked ? ST_WARN : ST_INFO,
		    "bridge %s snoops IGMP but sends no queries: possible cause of peers behind it "
		    "vanishing after a few minutes",
		    name);
	}
	const size_t cap = 65536;
	char *text = malloc(cap);
	if (!text || read_small("/proc/net/igmp", text, cap) != 0) {
		free(text);
		return;
	}
	char group_hex[16];
	snprintf(group_hex, sizeof group_hex, "%08X", (unsigned)d->ports.group.s_addr);
	for (size_t i = 0; i < disc_iface_count(disc); i++) {
		const char *name = disc_iface_name(disc, i);
		int in = 0, joined = 0;
		for (char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
			char dev[32], grp[16];
			int idx;
			if (l[0] != '\t' && sscanf(l, "%d %31s", &idx, dev) == 2)
				in = strcmp(dev, name) == 0;
			else if (in && sscanf(l, " %15s", grp) == 1 && strcmp(grp, group_hex) == 0)
				joined = 1;
		}
		if (!joined)
			report(d, "igmp", ST_INFO, "/proc/net/igmp does not list the group on %s",
			       name);
	}
	free(text);
}

static void check_wifi(struct doctor *d, const struct ifaces *ifs, int none_heard)
{
	char route[8192], gw_if[16] = "";
	int gw = read_small("/proc/net/route", route, sizeof route) == 0 &&
		 doctor_route_default(route, gw_if);
	for (size_t i = 0; i < ifs->n && none_heard && gw; i++) {
		const struct disc_ifinfo *f = &ifs->list[i];
		if (!f->picked || !iface_wireless(f->name))
			continue;
		fix_add(d,
			"turn off client (AP) isolation on the access point, or use a wired link");
		fix_add(d, "natter --peer HOST:PORT reaches a peer without multicast");
		report(d, "wifi", ST_WARN,
		       "%s is Wi-Fi, a gateway is reachable (via %s) but no peer's beacon arrived: "
		       "possible cause, the access point isolates its clients (guest networks do)",
		       f->name, gw_if);
	}
}

/* ---- firewall ---- */

static const char *chain_of(int hits)
{
	return hits & DOCTOR_HITS_INPUT ? "INPUT" : "OUTPUT";
}

/* Read cmd's output line by line through the rule matcher. -1 when it
 * could not run or printed nothing. */
static int scan_rules(struct doctor *d, const char *cmd, int nft, size_t *hits_out)
{
	char line[1024];
	size_t lines = 0;
	FILE *f = popen(cmd, "re");
	if (!f)
		return -1;
	while (lines < DOCTOR_RULES_MAX && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		lines++;
		if (!nft && has_prefix(line, "-P ") && strstr(line, " DROP")) {
			fix_add(d, "iptables -I %s -p udp --dport %u -j ACCEPT",
				strstr(line, "OUTPUT") ? "OUTPUT" : "INPUT", d->ports.group_port);
			if (d->ports.tcp_port)
				fix_add(d, "iptables -I %s -p tcp --dport %u -j ACCEPT",
					strstr(line, "OUTPUT") ? "OUTPUT" : "INPUT",
					d->ports.tcp_port);
			report(
			    d, "firewall", ST_INFO,
			    "policy '%s': packets no rule accepts are dropped; make sure natter's "
			    "are accepted",
			    line);
			continue;
		}
		int h = nft ? doctor_nft_rule_hits(line, &d->ports)
			    : doctor_ipt_rule_hits(line, &d->ports);
		if (!h)
			continue;
		(*hits_out)++;
		const char *what =
		    h & DOCTOR_HITS_DISC
			? (h & DOCTOR_HITS_TCP ? "discovery and sessions" : "discovery")
			: "sessions";
		const char *chain = nft ? "INPUT" : chain_of(h);
		if (h & DOCTOR_HITS_DISC)
			fix_add(d, "iptables -I %s -p udp --dport %u -j ACCEPT", chain,
				d->ports.group_port);
		if ((h & DOCTOR_HITS_TCP) && d->ports.tcp_port)
			fix_add(d, "iptables -I %s -p tcp --dport %u -j ACCEPT", chain,
				d->ports.tcp_port);
		if (!nft)
			fix_add(d, "or remove it: iptables -D %s", line + 3);
		report(d, "firewall", ST_WARN, "rule '%s' drops %s%s", line, what,
		       h & DOCTOR_HITS_SOME ? " (a share of the packets)" : "");
	}
	int st = pclose(f);
	return lines > 0 && st == 0 ? 0 : -1;
}

static void check_firewall(struct doctor *d, int none_heard)
{
	size_t hits = 0;
	if (geteuid() != 0) {
		if (none_heard)
			report(
			    d, "firewall", ST_INFO,
			    "not root: cannot read the firewall rules (run natter --doctor as root "
			    "to have them checked)");
		return;
	}
	int ipt = scan_rules(d, "iptables -S 2>/dev/null", 0, &hits);
	if (ipt != 0 || hits == 0)
		(void)scan_rules(d, "nft list ruleset 2>/dev/null", 1, &hits);
	if (hits == 0 && d->ports.tcp_port)
		report(d, "firewall", ST_OK, "no firewall rule drops UDP %u or TCP %u",
		       d->ports.group_port, d->ports.tcp_port);
	else if (hits == 0)
		report(d, "firewall", ST_OK, "no firewall rule drops UDP %u or TCP",
		       d->ports.group_port);
}

static void check_static_peers(struct doctor *d)
{
	const struct node_config *nc = &d->cli->node;
	char a[INET_ADDRSTRLEN];
	for (size_t i = 0; i < nc->n_static_peers; i++) {
		const struct sockaddr_in *sp = &nc->static_peers[i];
		int e = try_connect(sp, DOCTOR_CONNECT_MS);
		if (e == 0) {
			report(d, "peer-addr", ST_OK, "--peer %s:%u accepts TCP connections",
			       ip_str(sp->sin_addr, a), ntohs(sp->sin_port));
			continue;
		}
		fix_add(d, "check that natter runs there and listens on that port (natter --doctor "
			   "there shows it)");
		fix_add(d,
			"a firewall there may drop it: iptables -I INPUT -p tcp --dport %u -j "
			"ACCEPT",
			ntohs(sp->sin_port));
		report(d, "peer-addr", ST_WARN, "--peer %s:%u is not reachable: %s",
		       ip_str(sp->sin_addr, a), ntohs(sp->sin_port), strerror(e));
	}
}

/* ---- identity ---- */

/* The nick a node of this home announces: --nick, else the stored one, else
 * the login name (as node.c's set_nick). */
static void doctor_nick(const struct cli *cli, char out[static BEACON_NICK_MAX + 1])
{
	struct store *st = NULL;
	char path[4096];
	if (cli->node.nick) {
		snprintf(out, BEACON_NICK_MAX + 1, "%s", cli->node.nick);
		return;
	}
	snprintf(out, BEACON_NICK_MAX + 1, "natter");
	snprintf(path, sizeof path, "%s/natter.db", cli->node.home);
	if (access(path, F_OK) == 0 && store_open(&st, path) == 0) {
		char v[BEACON_NICK_MAX + 1];
		if (store_meta_get(st, "nick", v, sizeof v) == 0 && v[0])
			snprintf(out, BEACON_NICK_MAX + 1, "%s", v);
		store_close(st);
	}
}

int doctor_run(struct cli *cli, int64_t listen_ms)
{
	if (listen_ms < DOCTOR_LISTEN_MIN_MS)
		listen_ms = DOCTOR_LISTEN_MIN_MS; /* room for the probes and their answers */
	struct doctor d = {.cli = cli};
	struct ifaces *ifs = calloc(1, sizeof *ifs);
	struct listen *ls = calloc(1, sizeof *ls);
	struct ident *id = NULL;
	struct disc *disc = NULL;
	char nick[BEACON_NICK_MAX + 1], a[INET_ADDRSTRLEN];
	int r = EX_IOERR_;
	const struct node_config *nc = &cli->node;

	if (!ifs || !ls)
		goto out;
	d.ports.group = nc->group;
	d.ports.group_port = nc->group_port;
	d.ports.tcp_port = nc->port;
	if (mkdir(nc->home, 0700) != 0 && errno != EEXIST) {
		cli_error("cannot create %s: %s", nc->home, strerror(errno));
		goto out;
	}
	int e = ident_load(&id, nc->home, nc->pass);
	if (e != 0) {
		cli_error("cannot load the identity key in %s: %s", nc->home, nerr_str(e));
		r = e == NERR_LOCKED || e == NERR_CRYPTO ? EX_NOPERM_ : EX_IOERR_;
		goto out;
	}
	doctor_nick(cli, nick);
	check_ifaces(&d, ifs);
	uint16_t port = check_tcp(&d, ifs);
	if (port)
		d.ports.tcp_port = port;
	struct disc_config dc = {nc->group, nc->group_port, nc->ifaces, nc->n_ifaces};
	int none_heard = 1;
	e = ifs->n_picked ? disc_open(&disc, &dc) : NERR_NET;
	if (e != 0 && ifs->n_picked) {
		fix_add(&d, "natter --iface IF with an interface that is up");
		report(&d, "discovery", ST_WARN, "cannot join %s:%u: %s", ip_str(nc->group, a),
		       nc->group_port,
		       e == NERR_NET ? "no usable interface, or the join failed" : nerr_str(e));
	}
	if (disc) {
		listen_run(&d, ls, disc, id, nick, listen_ms);
		check_loopback(&d, ls, disc, ifs);
		none_heard = check_beacons(&d, ls, listen_ms);
		check_partial(&d, ls);
		check_igmp(&d, ifs, disc);
		check_wifi(&d, ifs, none_heard);
	}
	check_firewall(&d, none_heard);
	check_static_peers(&d);
	if (!cli->json) {
		if (d.findings)
			printf("natter --doctor: %d finding(s) to fix (see \"warn\" above)\n",
			       d.findings);
		else
			printf("natter --doctor: all well\n");
	}
	r = d.findings ? DOCTOR_EXIT_FINDINGS : EX_OK_;
out:
	disc_free(disc);
	ident_free(id);
	free(ifs);
	free(ls);
	return r;
}
