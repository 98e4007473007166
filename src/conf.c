/* SPDX-License-Identifier: MIT */
/* The configuration parser: one table of keys with a typed parser each, shared
 * by natter.conf and the environment; a bad line warns with its number and
 * is skipped, never half applied. */
#include "conf.h"
#include "nerr.h"
#include "node.h"
#include "pex.h"
#include "utf8.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void conf_defaults(struct conf *c)
{
	memset(c, 0, sizeof *c);
	inet_pton(AF_INET, NODE_DEFAULT_GROUP, &c->group);
	c->group_port = NODE_DEFAULT_GROUP_PORT;
	c->bind.s_addr = htonl(INADDR_ANY);
	c->port = NODE_DEFAULT_PORT;
	c->read_receipts = 1;
	c->bell = 1;
	c->color = CONF_COLOR_AUTO;
	for (int i = 0; i < CONF_NELEMENTS; i++)
		c->element_fg[i] = c->element_bg[i] = CONF_COLOR_OWN;
	c->ttl_s = 0;
	c->timeout_ms = 10000;
}

/* Value parsers: 0 and the result written, or -1 with the target untouched. */

static int parse_bool(const char *v, int *out)
{
	static const char *const yes[] = {"on", "yes", "true", "1"};
	static const char *const no[] = {"off", "no", "false", "0"};
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

static int parse_port(const char *s, long min, uint16_t *out)
{
	size_t n = strlen(s);
	long v = 0;
	if (n == 0 || n > 5 || strspn(s, "0123456789") != n)
		return -1;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	if (v < min || v > 65535)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

static int parse_ipv4(const char *s, struct in_addr *out)
{
	struct in_addr a;
	if (strcmp(s, "localhost") == 0)
		s = "127.0.0.1";
	if (inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*out = a;
	return 0;
}

/* ADDR:PORT; the address multicast (224.0.0.0/4) when mcast. */
static int parse_hostport(const char *s, int mcast, struct in_addr *addr, uint16_t *port)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	struct in_addr a;
	uint16_t p;
	if (!colon || colon == s || (size_t)(colon - s) >= sizeof host)
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	if (parse_ipv4(host, &a) != 0 || parse_port(colon + 1, 1, &p) != 0)
		return -1;
	if (mcast && (ntohl(a.s_addr) >> 28) != 14)
		return -1;
	*addr = a;
	*port = p;
	return 0;
}

/* One number-unit pair at *s: its milliseconds, *s moved past it. */
static int duration_term(const char **s, int bare, double *ms)
{
	static const struct {
		char unit;
		double ms;
	} units[] = {{'s', 1e3}, {'m', 60e3}, {'h', 3600e3}, {'d', 86400e3}, {'w', 7 * 86400e3}};
	const char *p = *s;
	double v = 0, scale = 1;
	int digits = 0;
	for (; isdigit((unsigned char)*p) && digits < 15; p++, digits++)
		v = v * 10 + (*p - '0');
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p) && digits < 15; p++, digits++)
			v += (*p - '0') * (scale /= 10);
	}
	if (digits == 0 || isdigit((unsigned char)*p))
		return -1;
	if (*p == '\0' && bare) {
		*ms = v * 1e3;
		*s = p;
		return 0;
	}
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (*p == units[i].unit) {
			*ms = v * units[i].ms;
			*s = p + 1;
			return 0;
		}
	return -1;
}

int conf_parse_duration(const char *s, int64_t max_ms, int64_t *ms)
{
	double total = 0, term;
	const char *p = s;
	if (!*p)
		return -1;
	while (*p) {
		if (duration_term(&p, p == s, &term) != 0)
			return -1;
		total += term;
		if (total > (double)max_ms)
			return -1;
	}
	*ms = (int64_t)(total + 0.5);
	return 0;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* The key parsers: 0, or -1 with why set. They write only into t, which the
 * caller commits to the real conf when the whole value was good. */
typedef int (*key_fn)(struct conf *t, const char *arg, const char *val, char *why, size_t cap);

static int key_nick(struct conf *t, const char *arg, const char *val, char *why, size_t cap)
{
	(void)arg;
	size_t n = strlen(val);
	if (utf8_check_nick((const uint8_t *)val, n) != 0) {
		snprintf(why, cap, "expected 1 to %d bytes of UTF-8 without control characters",
			 CONF_NICK_MAX);
		return -1;
	}
	memcpy(t->nick, val, n + 1);
	return 0;
}

/* Split val at commas into items, calling one for each (trimmed, non-empty). */
static int each_item(struct conf *t, const char *val, int (*one)(struct conf *, const char *),
		     const char *what, char *why, size_t cap)
{
	char buf[CONF_LINE_MAX];
	if (snprintf(buf, sizeof buf, "%s", val) >= (int)sizeof buf) {
		snprintf(why, cap, "too long");
		return -1;
	}
	char *rest = buf;
	for (;;) {
		char *comma = strchr(rest, ',');
		if (comma)
			*comma = '\0';
		char *item = trim(rest);
		int r = *item ? one(t, item) : -1;
		if (r != 0) {
			if (r == -2)
				snprintf(why, cap, "too many (the list is full)");
			else if (*item)
				snprintf(why, cap, "\"%.60s\" is not %s", item, what);
			else
				snprintf(why, cap, "expected %s, comma-separated", what);
			return -1;
		}
		if (!comma)
			return 0;
		rest = comma + 1;
	}
}

static int one_iface(struct conf *t, const char *item)
{
	size_t n = strlen(item);
	if (n >= CONF_IFACE_LEN || strpbrk(item, " \t/") != NULL)
		return -1;
	if (t->n_ifaces == CONF_IFACES_MAX)
		return -2;
	memcpy(t->ifaces[t->n_ifaces++], item, n + 1);
	return 0;
}

static int key_iface(struct conf *t, const char *arg, const char *val, char *why, size_t cap)
{
	(void)arg;
	return each_item(t, val, one_iface, "an interface name or IPv4 address", why, cap);
}

static int one_peer(struct conf *t, const char *item)
{
	struct sockaddr_in sa;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	if (parse_hostport(item, 0, &sa.sin_addr, &sa.sin_port) != 0)
		return -1;
	if (t->n_peers == CONF_PEERS_MAX)
		return -2;
	sa.sin_port = htons(sa.sin_port);
	t->peers[t->n_peers++] = sa;
	return 0;
}

static int key_peer(struct conf *t, const char *arg, const char *val, char *why, size_t cap)
{
	(void)arg;
	return each_item(t, val, one_peer, "IPv4-ADDRESS:PORT", why, cap);
}

static int key_group(struct conf *t, const char *arg, const char *val, char *why, size_t cap)
{
	(void)arg;
	if (parse_hostport(val, 1, &t->group, &t->group_port) != 0) {
		snprintf(why, cap, "expected a multicast IPv4 ADDR:PORT");
		return -1;
	}
	return 0;
}

static int key_port(struct conf *t, const char *arg, const char *val, char *why, size_t cap)
{
	(void)arg;
	if (parse_port(val, 0, &t->port) != 0) {
		snprintf(why, cap, "expected 0..65535");
		return -1;
	}
	return 0;
}

static int key_bind(struct conf *t, const char *arg, const char *val, char *why, size_t cap)
{
	(void)arg;
	if (parse_ipv4(val, &t->bind) != 0) {
		snprintf(why, cap, "expected an IPv4 address");
		return -1;
	}
	return 0;
}

static int key_alias(struct conf *t, const char *arg, const char *val, char *why, size_t cap)
{
	size_t an = arg ? strlen(arg) : 0, vn = strlen(val);
	if (an == 0 || an > CONF_ALIAS_NAME_MAX || strpbrk(arg, " \t,") != NULL ||
	    utf8_check_nick((const uint8_t *)arg, an) != 0) {
		snprintf(why, cap, "expected alias NAME = PEER, NAME one word of 1 to %d bytes",
			 CONF_ALIAS_NAME_MAX);
		return -1;
	}
	int nick = vn <= CONF_NICK_MAX && utf8_check_nick((const uint8_t *)val, vn) == 0;
	int prefix =
	    vn >= 1 && vn <= CONF_ALIAS_TARGET_MAX && strspn(val, "0123456789abcdefABCDEF") == vn;
	if (!nick && !prefix) {
		snprintf(why, cap, "expected a nick or a fingerprint prefix");
		return -1;
	}
	for (size_t i = 0; i < t->n_aliases; i++)
		if (strcmp(t->aliases[i].name, arg) == 0) {
			memcpy(t->aliases[i].target, val, vn + 1); /* the later line wins */
			return 0;
		}
	if (t->n_aliases == CONF_ALIASES_MAX) {
		snprintf(why, cap, "too many aliases (at most %d)", CONF_ALIASES_MAX);
		return -1;
	}
	memcpy(t->aliases[t->n_aliases].name, arg, an + 1);
	memcpy(t->aliases[t->n_aliases].target, val, vn + 1);
	t->n_aliases++;
	return 0;
}

static int key_bell(struct conf *t, const char *arg, const char *val, char *why, size_t cap)
{
	(void)arg;
	if (parse_bool(val, &t->bell) != 0) {
		snprintf(why, cap, "expected on or off");
		return -1;
	}
	return 0;
}

static int key_receipts(struct conf *t, const char *arg, const char *val, char *why, size_t cap)
{
	(void)arg;
	if (parse_bool(val, &t->read_receipts) != 0) {
		snprintf(why, cap, "expected on or off");
		return -1;
	}
	return 0;
}

static int key_color(struct conf *t, const char *arg, const char *val, char *why, size_t cap)
{
	static const char *const names[] = {"auto", "always", "never"};
	(void)arg;
	for (int i = 0; i < 3; i++)
		if (strcasecmp(val, names[i]) == 0) {
			t->color = (enum conf_color)i;
			return 0;
		}
	snprintf(why, cap, "expected auto, always or never");
	return -1;
}

/* A terminal colour: a name, "default" or 0..255. */
static int parse_colour(const char *s, int16_t *out)
{
	static const char *const names[] = {"black", "red",	"green", "yellow",
					    "blue",  "magenta", "cyan",	 "white"};
	uint16_t n;
	if (strcasecmp(s, "default") == 0) {
		*out = CONF_COLOR_TERM;
		return 0;
	}
	for (int i = 0; i < 8; i++)
		if (strcasecmp(s, names[i]) == 0) {
			*out = (int16_t)i;
			return 0;
		}
	if (parse_port(s, 0, &n) != 0 || n > 255)
		return -1;
	*out = (int16_t)n;
	return 0;
}

/* "FG" or "FG on BG". */
static int key_element(struct conf *t, enum conf_element el, const char *val, char *why, size_t cap)
{
	char buf[64], *words[4], *save = NULL;
	size_t n = 0;
	int16_t fg, bg = CONF_COLOR_OWN;
	if (snprintf(buf, sizeof buf, "%s", val) >= (int)sizeof buf)
		goto bad;
	for (char *w = strtok_r(buf, " \t", &save); w && n < 4; w = strtok_r(NULL, " \t", &save))
		words[n++] = w;
	if (!(n == 1 || (n == 3 && strcasecmp(words[1], "on") == 0)))
		goto bad;
	if (parse_colour(words[0], &fg) != 0 || (n == 3 && parse_colour(words[2], &bg) != 0))
		goto bad;
	t->element_fg[el] = fg;
	t->element_bg[el] = bg;
	return 0;
bad:
	snprintf(why, cap,
		 "expected a colour or \"colour on colour\": a name (black, red, "
		 "green, yellow, blue, magenta, cyan, white, default) or 0..255");
	return -1;
}

#define ELEMENT_KEY(fn, el)                                                                        \
	static int fn(struct conf *t, const char *arg, const char *val, char *why, size_t cap)     \
	{                                                                                          \
		(void)arg;                                                                         \
		return key_element(t, el, val, why, cap);                                          \
	}
ELEMENT_KEY(key_color_bar, CONF_EL_BAR)
ELEMENT_KEY(key_color_activity, CONF_EL_ACTIVITY)
ELEMENT_KEY(key_color_error, CONF_EL_ERROR)
ELEMENT_KEY(key_color_info, CONF_EL_INFO)
ELEMENT_KEY(key_color_mark, CONF_EL_MARK)

static int key_ttl(struct conf *t, const char *arg, const char *val, char *why, size_t cap)
{
	int64_t ms;
	(void)arg;
	if (strcasecmp(val, "never") == 0 || strcasecmp(val, "off") == 0) {
		t->ttl_s = 0;
		return 0;
	}
	if (conf_parse_duration(val, CONF_TTL_MAX_S * 1000, &ms) != 0 || (ms > 0 && ms < 1000)) {
		snprintf(why, cap,
			 "expected a duration such as 7d, 12h or 90m (at least 1s), "
			 "or never");
		return -1;
	}
	t->ttl_s = ms / 1000;
	return 0;
}

static int key_timeout(struct conf *t, const char *arg, const char *val, char *why, size_t cap)
{
	(void)arg;
	if (conf_parse_duration(val, CONF_TIMEOUT_MAX_MS, &t->timeout_ms) != 0) {
		snprintf(why, cap, "expected seconds (10, 2.5) or a duration such as 2m");
		return -1;
	}
	return 0;
}

static int key_share_peers(struct conf *t, const char *arg, const char *val, char *why, size_t cap)
{
	enum pex_mode m;
	(void)arg;
	if (pex_mode_parse(val, &m) != 0) {
		snprintf(why, cap, "expected off, static or all");
		return -1;
	}
	t->share_peers = (int)m;
	return 0;
}

static const struct {
	const char *name;
	enum conf_key key;
	key_fn fn;
	int takes_arg;
} keys[] = {
    {"nick", CONF_NICK, key_nick, 0},
    {"iface", CONF_IFACE, key_iface, 0},
    {"group", CONF_GROUP, key_group, 0},
    {"port", CONF_PORT, key_port, 0},
    {"bind", CONF_BIND, key_bind, 0},
    {"peer", CONF_PEER, key_peer, 0},
    {"alias", CONF_ALIAS, key_alias, 1},
    {"bell", CONF_BELL, key_bell, 0},
    {"read_receipts", CONF_READ_RECEIPTS, key_receipts, 0},
    {"color", CONF_COLOR, key_color, 0},
    {"ttl", CONF_TTL, key_ttl, 0},
    {"timeout", CONF_TIMEOUT, key_timeout, 0},
    {"share_peers", CONF_SHARE_PEERS, key_share_peers, 0},
    {"color_bar", CONF_ELEMENT_COLORS, key_color_bar, 0},
    {"color_activity", CONF_ELEMENT_COLORS, key_color_activity, 0},
    {"color_error", CONF_ELEMENT_COLORS, key_color_error, 0},
    {"color_info", CONF_ELEMENT_COLORS, key_color_info, 0},
    {"color_mark", CONF_ELEMENT_COLORS, key_color_mark, 0},
};
#define NKEYS (sizeof keys / sizeof keys[0])

/* Levenshtein distance of two short strings, capped at 9. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[33];
	if (la > 32 || lb > 32)
		return 9;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t sub = diag + (tolower((unsigned char)a[i - 1]) != b[j - 1]);
			size_t best = up + 1 < row[j - 1] + 1 ? up + 1 : row[j - 1] + 1;
			row[j] = sub < best ? sub : best;
			diag = up;
		}
	}
	return row[lb] > 9 ? 9 : row[lb];
}

/* The known key closest to name, if close enough to be a likely typo. */
static const char *nearest_key(const char *name)
{
	const char *best = NULL;
	size_t best_d = 3;
	for (size_t i = 0; i < NKEYS; i++) {
		size_t d = edit_distance(name, keys[i].name);
		if (d < best_d && d <= strlen(keys[i].name) / 2) {
			best_d = d;
			best = keys[i].name;
		}
	}
	return best;
}

int conf_set(struct conf *c, const char *key, const char *arg, const char *val, char *why,
	     size_t cap)
{
	size_t i;
	int has_arg = arg && *arg;
	for (i = 0; i < NKEYS; i++)
		if (strcmp(key, keys[i].name) == 0)
			break;
	if (i == NKEYS || (has_arg && !keys[i].takes_arg)) {
		char full[128];
		snprintf(full, sizeof full, "%s%s%s", key, has_arg ? " " : "", has_arg ? arg : "");
		const char *near = i == NKEYS ? nearest_key(key) : NULL;
		if (near)
			snprintf(why, cap, "unknown key \"%.60s\" (did you mean \"%s\"?)", full,
				 near);
		else
			snprintf(why, cap, "unknown key \"%.60s\"", full);
		return NERR_NOTFOUND;
	}
	struct conf t = *c; /* committed only when the whole value is good */
	char reason[160];
	if (keys[i].fn(&t, arg, val, reason, sizeof reason) != 0) {
		if (keys[i].takes_arg && has_arg)
			snprintf(why, cap, "bad %s %.40s \"%.60s\": %s", key, arg, val, reason);
		else
			snprintf(why, cap, "bad %s \"%.60s\": %s", key, val, reason);
		return NERR_FORMAT;
	}
	t.set |= CONF_BIT(keys[i].key);
	*c = t;
	return 0;
}

/* A '#' at the start or after white space starts a comment ("nick = a#b" keeps
 * its '#'). */
static void strip_comment(char *s)
{
	for (char *p = s; *p; p++)
		if (*p == '#' && (p == s || isspace((unsigned char)p[-1]))) {
			*p = '\0';
			return;
		}
}

/* "value" in double quotes keeps its outer spaces. */
static char *unquote(char *v)
{
	size_t n = strlen(v);
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v[n - 1] = '\0';
		return v + 1;
	}
	return v;
}

static void warn_line(conf_warn_fn warn, void *ctx, const char *path, unsigned lineno,
		      const char *what)
{
	char msg[512];
	snprintf(msg, sizeof msg, "%s:%u: %s", path, lineno, what);
	if (warn)
		warn(ctx, msg);
}

/* One line, NUL-terminated and without its newline: 0, or 1 after a warning. */
static int parse_line(struct conf *c, const char *path, unsigned lineno, char *line,
		      conf_warn_fn warn, void *ctx)
{
	char why[400];
	strip_comment(line);
	char *s = trim(line);
	if (!*s)
		return 0;
	char *eq = strchr(s, '=');
	if (!eq) {
		warn_line(warn, ctx, path, lineno, "expected key = value");
		return 1;
	}
	*eq = '\0';
	char *key = trim(s), *val = unquote(trim(eq + 1));
	char *arg = key + strcspn(key, " \t");
	if (*arg) {
		*arg++ = '\0';
		arg = trim(arg);
	}
	if (!*key) {
		warn_line(warn, ctx, path, lineno, "expected key = value");
		return 1;
	}
	int r = conf_set(c, key, arg, val, why, sizeof why - 16);
	if (r == NERR_FORMAT)
		strcat(why, "; ignored"); /* room left above */
	if (r != 0) {
		warn_line(warn, ctx, path, lineno, why);
		return 1;
	}
	return 0;
}

size_t conf_parse(struct conf *c, const char *path, const char *text, size_t len, conf_warn_fn warn,
		  void *ctx)
{
	char line[CONF_LINE_MAX + 1];
	size_t warnings = 0, off = 0;
	unsigned lineno = 0;
	while (off < len) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (text + off)) : len - off;
		const char *start = text + off;
		off += n + (nl != NULL);
		lineno++;
		if (n > 0 && start[n - 1] == '\r')
			n--;
		if (n > CONF_LINE_MAX) {
			warn_line(warn, ctx, path, lineno, "line too long; ignored");
			warnings++;
			continue;
		}
		if (memchr(start, '\0', n)) {
			warn_line(warn, ctx, path, lineno, "a NUL byte; line ignored");
			warnings++;
			continue;
		}
		memcpy(line, start, n);
		line[n] = '\0';
		warnings += (size_t)parse_line(c, path, lineno, line, warn, ctx);
	}
	return warnings;
}

#define CONF_FILE_MAX (1 << 20) /* a config file is small; more is a mistake */

int conf_load(struct conf *c, const char *path, const char *shown, conf_warn_fn warn, void *ctx,
	      char *why, size_t cap)
{
	int r = NERR_SYSTEM;
	char *text = NULL;
	size_t len = 0;
	FILE *f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT)
			return NERR_NOTFOUND;
		snprintf(why, cap, "cannot read %s: %s", shown ? shown : path, strerror(errno));
		return NERR_SYSTEM;
	}
	if (!(text = malloc(CONF_FILE_MAX))) {
		snprintf(why, cap, "out of memory");
		goto out;
	}
	len = fread(text, 1, CONF_FILE_MAX, f);
	if (ferror(f) || !feof(f)) {
		snprintf(why, cap, "cannot read %s: %s", shown ? shown : path,
			 ferror(f) ? strerror(errno) : "larger than 1 MiB");
		goto out;
	}
	(void)conf_parse(c, shown ? shown : path, text, len, warn, ctx);
	r = 0;
out:
	free(text);
	fclose(f);
	return r;
}

static const struct {
	const char *var;
	const char *key;
} env_keys[] = {
    {"NATTER_NICK", "nick"}, {"NATTER_IFACE", "iface"},	    {"NATTER_GROUP", "group"},
    {"NATTER_PORT", "port"}, {"NATTER_BIND", "bind"},	    {"NATTER_PEERS", "peer"},
    {"NATTER_TTL", "ttl"},   {"NATTER_TIMEOUT", "timeout"}, {"NATTER_SHARE_PEERS", "share_peers"},
};

int conf_from_env(struct conf *c, conf_getenv_fn get, char *why, size_t cap)
{
	char reason[400];
	for (size_t i = 0; i < sizeof env_keys / sizeof env_keys[0]; i++) {
		const char *v = get(env_keys[i].var);
		if (!v || !*v)
			continue;
		if (conf_set(c, env_keys[i].key, NULL, v, reason, sizeof reason) != 0) {
			/* "bad port "x": expected ..." becomes "bad NATTER_PORT "x": ..." */
			const char *rest = strchr(reason, '"');
			snprintf(why, cap, "bad %s %s", env_keys[i].var, rest ? rest : reason);
			return NERR_FORMAT;
		}
	}
	return 0;
}

void conf_overlay(struct conf *dst, const struct conf *src)
{
	unsigned s = src->set;
	if (s & CONF_BIT(CONF_NICK))
		memcpy(dst->nick, src->nick, sizeof dst->nick);
	if (s & CONF_BIT(CONF_IFACE)) {
		memcpy(dst->ifaces, src->ifaces, sizeof dst->ifaces);
		dst->n_ifaces = src->n_ifaces;
	}
	if (s & CONF_BIT(CONF_GROUP)) {
		dst->group = src->group;
		dst->group_port = src->group_port;
	}
	if (s & CONF_BIT(CONF_PORT))
		dst->port = src->port;
	if (s & CONF_BIT(CONF_BIND))
		dst->bind = src->bind;
	if (s & CONF_BIT(CONF_PEER)) {
		memcpy(dst->peers, src->peers, sizeof dst->peers);
		dst->n_peers = src->n_peers;
	}
	if (s & CONF_BIT(CONF_ALIAS)) {
		memcpy(dst->aliases, src->aliases, sizeof dst->aliases);
		dst->n_aliases = src->n_aliases;
	}
	if (s & CONF_BIT(CONF_BELL))
		dst->bell = src->bell;
	if (s & CONF_BIT(CONF_READ_RECEIPTS))
		dst->read_receipts = src->read_receipts;
	if (s & CONF_BIT(CONF_COLOR))
		dst->color = src->color;
	if (s & CONF_BIT(CONF_TTL))
		dst->ttl_s = src->ttl_s;
	if (s & CONF_BIT(CONF_TIMEOUT))
		dst->timeout_ms = src->timeout_ms;
	if (s & CONF_BIT(CONF_SHARE_PEERS))
		dst->share_peers = src->share_peers;
	if (s & CONF_BIT(CONF_ELEMENT_COLORS)) {
		memcpy(dst->element_fg, src->element_fg, sizeof dst->element_fg);
		memcpy(dst->element_bg, src->element_bg, sizeof dst->element_bg);
	}
	dst->set |= s;
}

int conf_path_default(char *buf, size_t cap, const char *home, int home_given, conf_getenv_fn get)
{
	const char *v;
	int n;
	if (home_given)
		n = snprintf(buf, cap, "%s/%s", home, CONF_FILE);
	else if ((v = get("XDG_CONFIG_HOME")) && *v == '/')
		n = snprintf(buf, cap, "%s/natter/%s", v, CONF_FILE);
	else if ((v = get("HOME")) && *v)
		n = snprintf(buf, cap, "%s/.config/natter/%s", v, CONF_FILE);
	else
		return -1;
	return n > 0 && (size_t)n < cap ? 0 : -1;
}

const char *conf_alias_target(const struct conf *c, const char *name)
{
	for (size_t i = 0; i < c->n_aliases; i++)
		if (strcmp(c->aliases[i].name, name) == 0)
			return c->aliases[i].target;
	return NULL;
}
