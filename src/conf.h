/* SPDX-License-Identifier: MIT */
/* natter.conf(5) and its NATTER_* environment variables: "key = value" lines
 * parsed into a struct conf per layer, each with a mask of the keys it set,
 * merged by conf_overlay (command line > environment > file > defaults).
 * Everything here is pure except conf_load, which reads one file. */
#ifndef NATTER_CONF_H
#define NATTER_CONF_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#define CONF_FILE	      "natter.conf"
#define CONF_LINE_MAX	      1024 /* longer lines are skipped with a warning */
#define CONF_IFACES_MAX	      16   /* as many as --iface takes */
#define CONF_IFACE_LEN	      64   /* an interface name or IPv4 address, with its NUL */
#define CONF_PEERS_MAX	      32   /* as many as --peer takes */
#define CONF_ALIASES_MAX      64
#define CONF_ALIAS_NAME_MAX   32 /* bytes of an alias name */
#define CONF_ALIAS_TARGET_MAX 64 /* bytes of what it stands for: a nick or a key prefix */
#define CONF_NICK_MAX	      32 /* UTF8_NICK_MAX */
#define CONF_TIMEOUT_MAX_MS   (365LL * 86400 * 1000)
#define CONF_TTL_MAX_S	      (10LL * 366 * 86400)

/* One bit per key in struct conf.set. */
enum conf_key {
	CONF_NICK,
	CONF_IFACE,
	CONF_GROUP,
	CONF_PORT,
	CONF_BIND,
	CONF_PEER,
	CONF_ALIAS,
	CONF_BELL,
	CONF_READ_RECEIPTS,
	CONF_COLOR,
	CONF_TTL,
	CONF_TIMEOUT,
	CONF_ELEMENT_COLORS, /* any color_<element> key (only the file has them) */
	CONF_SHARE_PEERS,
	CONF_NKEYS
};
#define CONF_BIT(k) (1u << (k))

enum conf_color { CONF_COLOR_AUTO, CONF_COLOR_ALWAYS, CONF_COLOR_NEVER };

/* Parts of the client's screen with a colour key of their own (color_bar, ...). */
enum conf_element {
	CONF_EL_BAR,	  /* the title and status bars */
	CONF_EL_ACTIVITY, /* windows with news in the status bar */
	CONF_EL_ERROR,
	CONF_EL_INFO, /* status lines */
	CONF_EL_MARK, /* delivery marks */
	CONF_NELEMENTS
};
#define CONF_COLOR_TERM (-1) /* the terminal's default colour */
#define CONF_COLOR_OWN	(-2) /* the client's own choice */

struct conf_alias {
	char name[CONF_ALIAS_NAME_MAX + 1];
	char target[CONF_ALIAS_TARGET_MAX + 1];
};

struct conf {
	unsigned set; /* CONF_BIT(k) for every key this layer gave */
	char nick[CONF_NICK_MAX + 1];
	char ifaces[CONF_IFACES_MAX][CONF_IFACE_LEN];
	size_t n_ifaces;
	struct in_addr group; /* multicast */
	uint16_t group_port;
	struct in_addr bind;
	uint16_t port; /* 0: any free port */
	struct sockaddr_in peers[CONF_PEERS_MAX];
	size_t n_peers;
	struct conf_alias aliases[CONF_ALIASES_MAX];
	size_t n_aliases;
	int read_receipts; /* tell peers what we have read (default on) */
	int bell;	   /* ring on a message for an inactive window (default on) */
	enum conf_color color;
	int16_t element_fg[CONF_NELEMENTS]; /* 0..255, CONF_COLOR_TERM or CONF_COLOR_OWN */
	int16_t element_bg[CONF_NELEMENTS];
	int64_t ttl_s;	    /* outgoing messages expire after this; 0 never (default) */
	int64_t timeout_ms; /* --send's wait (default 10 s) */
	int share_peers;    /* enum pex_mode: tell peers about our peers (default off) */
};

/* Receives one warning, without "natter: " and without a newline. */
typedef void (*conf_warn_fn)(void *ctx, const char *msg);
/* Looks up an environment variable (getenv in natter; a table in tests). */
typedef const char *(*conf_getenv_fn)(const char *name);

/* Every key at its default; no key marked set. */
void conf_defaults(struct conf *c);

/* Set key to val (arg: the NAME of "alias NAME = PEER", else NULL or "").
 * iface and peer take a comma list; they and alias add to what c has, every
 * other key replaces. 0; NERR_NOTFOUND for an unknown key, with why naming
 * the nearest known one if any; NERR_FORMAT for a bad value, with why saying
 * what was expected. c is unchanged on error. why gets at most cap bytes. */
int conf_set(struct conf *c, const char *key, const char *arg, const char *val, char *why,
	     size_t cap) __attribute__((warn_unused_result));

/* Parse the len bytes of text (a natter.conf named path in warnings) over c.
 * Each bad line (unknown key, bad value, no '=', too long) is skipped with one
 * warning "path:LINE: reason" to warn; the other lines apply. Returns the
 * number of warnings. */
size_t conf_parse(struct conf *c, const char *path, const char *text, size_t len, conf_warn_fn warn,
		  void *ctx);

/* Read the file at path and conf_parse it, naming it shown in warnings (path
 * when NULL). 0; NERR_NOTFOUND when it does not exist (c untouched);
 * NERR_SYSTEM when it cannot be read, with a reason in why. */
int conf_load(struct conf *c, const char *path, const char *shown, conf_warn_fn warn, void *ctx,
	      char *why, size_t cap) __attribute__((warn_unused_result));

/* The NATTER_* variables (NATTER_NICK, _IFACE, _GROUP, _PORT, _BIND, _PEERS,
 * _TTL, _TIMEOUT, _SHARE_PEERS) that get returns non-empty, over c. 0, or NERR_FORMAT at
 * the first bad one with "bad NATTER_X "value": ..." in why. */
int conf_from_env(struct conf *c, conf_getenv_fn get, char *why, size_t cap)
    __attribute__((warn_unused_result));

/* Every key set in src replaces dst's, a list as a whole. */
void conf_overlay(struct conf *dst, const struct conf *src);

/* The file to read when none is named: home/natter.conf when home_given,
 * else $XDG_CONFIG_HOME/natter/natter.conf (if absolute), else
 * $HOME/.config/natter/natter.conf. 0, or -1 (no HOME, or too long). */
int conf_path_default(char *buf, size_t cap, const char *home, int home_given, conf_getenv_fn get);

/* What alias name stands for, or NULL when it is no alias. */
const char *conf_alias_target(const struct conf *c, const char *name);

/* A duration: "90", "2.5" (seconds), or number-unit pairs with s, m, h, d, w
 * ("1h30m", "7d"). 0 and *ms, or -1 (malformed, or over max_ms). */
int conf_parse_duration(const char *s, int64_t max_ms, int64_t *ms)
    __attribute__((warn_unused_result));

#endif
