/* SPDX-License-Identifier: MIT */
/* The core's public API for front ends in ui/: an opaque handle on a running
 * node, one event callback, and calls to act. ui/ includes this header and
 * nothing else from src/ or net/ (tests/check-layers.sh enforces it).
 * Strings are UTF-8; peer-controlled strings (nicks, texts, away reasons)
 * are NOT sanitised here: a front end must make them safe to draw. */
#ifndef NATTER_NATTER_H
#define NATTER_NATTER_H

#include <stddef.h>
#include <stdint.h>

#define NATTER_FP_LEN 64   /* fingerprint: lowercase hex of the identity key */
#define NATTER_ID_LEN 32   /* message id: lowercase hex */
#define NATTER_NICK_MAX 32 /* bytes */
#define NATTER_AWAY_MAX 128
#define NATTER_TEXT_MAX 65536
#define NATTER_TYPING_EVERY_MS 3000  /* send "typing" at most this often */
#define NATTER_TYPING_EXPIRE_MS 6000 /* show "typing" at most this long */

struct natter;

/* Delivery state of a message, as SPEC.md names them. */
enum natter_state {
	NATTER_QUEUED,
	NATTER_SENT,
	NATTER_DELIVERED,
	NATTER_RECEIVED,
	NATTER_READ,
	NATTER_EXPIRED,	  /* ours, not delivered before natter.conf's ttl ran out */
	NATTER_CANCELLED, /* ours, withdrawn with /cancel or --outbox --cancel */
};

struct natter_peer {
	char fp[NATTER_FP_LEN + 1];
	char nick[NATTER_NICK_MAX + 1];
	char alias[NATTER_NICK_MAX + 1]; /* "" when none */
	int online;
	int away; /* online but away */
	char away_reason[NATTER_AWAY_MAX + 1];
	int64_t last_seen_ms; /* wall clock; 0 = never */
	int verified;
	/* A new key claiming the nick of a peer known before: not that peer. */
	int nick_conflict;
};

struct natter_msg {
	char id[NATTER_ID_LEN + 1];
	char peer_fp[NATTER_FP_LEN + 1]; /* the other side */
	int outgoing;
	uint64_t seq;
	int64_t ts_ms; /* the sender's clock */
	const char *text;
	size_t text_len;
	enum natter_state state;
};

enum natter_event_type {
	NATTER_EV_MESSAGE, /* a new message from peer: msg */
	NATTER_EV_STATE,   /* our message msg changed state (delivered, read, expired, cancelled) */
	NATTER_EV_PEER,	   /* peer appeared, left, went away or back, changed nick */
	NATTER_EV_TYPING,  /* peer is typing to us (show for NATTER_TYPING_EXPIRE_MS) */
	NATTER_EV_REFUSED, /* peer presented another key than the one expected */
};

/* peer is always set; msg for MESSAGE and STATE (valid only during the call). */
struct natter_event {
	enum natter_event_type type;
	const struct natter_peer *peer;
	const struct natter_msg *msg;
};

typedef void (*natter_event_fn)(void *ctx, const struct natter_event *ev);
typedef void (*natter_fd_fn)(void *ctx, int fd);
typedef void (*natter_timer_fn)(void *ctx);

/* The front end's entry point, implemented in ui/: run the interactive client
 * on nt until the user quits; returns the process exit status. */
int natter_ui_main(struct natter *nt);

/* Receive events (replaces any previous callback). */
void natter_set_event_fn(struct natter *nt, natter_event_fn fn, void *ctx);

/* Our own identity. */
const char *natter_self_fp(const struct natter *nt);
const char *natter_self_nick(const struct natter *nt);
/* Change our nick (1..32 bytes of UTF-8, no control characters); remembered
 * in the home and announced to peers. 0 or -1 (invalid). */
int natter_set_nick(struct natter *nt, const char *nick);
/* Away with a reason (may be ""), or back (reason NULL); announced to peers. */
int natter_set_away(struct natter *nt, const char *reason);

/* Peers known, live or stored: a malloc'd array the caller frees. 0 or -1. */
int natter_peers(struct natter *nt, struct natter_peer **out, size_t *n);
/* The peer with fingerprint fp into *out; 0 or -1 (unknown). */
int natter_peer(struct natter *nt, const char *fp, struct natter_peer *out);
/* Resolve a name as SPEC.md's PEER, after natter.conf's aliases: 0 and fp;
 * -1 unknown; -2 ambiguous. */
int natter_resolve(struct natter *nt, const char *name, char fp[static NATTER_FP_LEN + 1]);
/* Set (name) or clear (NULL or "") a local alias for fp. 0 or -1. */
int natter_set_alias(struct natter *nt, const char *fp, const char *name);
/* Mark fp's key verified (trusted). 0 or -1. */
int natter_trust(struct natter *nt, const char *fp);
/* The safety number for fp: 60 digits in 12 groups of 5 separated by single
 * spaces, into buf[72]. 0 or -1. */
int natter_safety_number(struct natter *nt, const char *fp, char buf[static 72]);

/* Queue text for fp (UTF-8, 1..65536 bytes) and start delivering it; the
 * new message's id into id. 0, or -1 with why set to a short reason. */
int natter_send(struct natter *nt, const char *fp, const char *text, size_t len,
		char id[static NATTER_ID_LEN + 1], const char **why);
/* The last n (0: all) messages with fp, oldest first; free with
 * natter_msgs_free. 0 or -1. */
int natter_history(struct natter *nt, const char *fp, size_t n, struct natter_msg **out,
		   size_t *count);
void natter_msgs_free(struct natter_msg *msgs, size_t count);
/* Messages waiting in the outbox, every peer. */
size_t natter_outbox_count(struct natter *nt);
/* The outbox itself, by peer then seq (withdrawn ones still waiting to be
 * skipped by their peer included); free with natter_msgs_free. 0 or -1. */
int natter_outbox(struct natter *nt, struct natter_msg **out, size_t *count);
/* Cancel the waiting message whose id starts with id_prefix (8 to 32 hex
 * digits); its whole id into id. 0, or -1 with why set to a short reason. */
int natter_cancel(struct natter *nt, const char *id_prefix, char id[static NATTER_ID_LEN + 1],
		  const char **why);

/* The user is typing to fp: sends a typing notice at most every
 * NATTER_TYPING_EVERY_MS. */
void natter_typing(struct natter *nt, const char *fp);
/* The user has seen the messages from fp up to seq (shown in the active
 * window of a focused terminal): records them read and, unless read
 * receipts are off in the config, tells the peer. */
void natter_mark_read(struct natter *nt, const char *fp, uint64_t seq);
/* A received message was drawn: not replayed on the next start. */
void natter_mark_shown(struct natter *nt, const char *id);

/* Configuration (natter.conf(5)): 1 on, 0 off. */
int natter_conf_read_receipts(const struct natter *nt);
int natter_conf_bell(const struct natter *nt);
/* color = auto (colour unless NO_COLOR is set), always (even then), never. */
enum natter_color { NATTER_COLOR_AUTO, NATTER_COLOR_ALWAYS, NATTER_COLOR_NEVER };
enum natter_color natter_conf_color(const struct natter *nt);
/* The colours natter.conf gives a part of the screen (color_bar = white on
 * blue): terminal colour numbers, NATTER_COLOR_TERM for the terminal's
 * default, NATTER_COLOR_OWN where the front end chooses. */
enum natter_element {
	NATTER_EL_BAR,
	NATTER_EL_ACTIVITY,
	NATTER_EL_ERROR,
	NATTER_EL_INFO,
	NATTER_EL_MARK,
	NATTER_ELEMENTS
};
#define NATTER_COLOR_TERM (-1)
#define NATTER_COLOR_OWN (-2)
void natter_conf_element(const struct natter *nt, enum natter_element el, int *fg, int *bg);
/* The i-th warning about the configuration file (already printed on stderr
 * before the screen was taken over), or NULL past the last. */
#define NATTER_CONF_WARNINGS 8
const char *natter_conf_warning(const struct natter *nt, size_t i);

/* The event loop: watch fd for input, one-shot timers, one turn. */
int natter_watch_fd(struct natter *nt, int fd, natter_fd_fn fn, void *ctx);
void natter_unwatch_fd(struct natter *nt, int fd);
uint64_t natter_timer(struct natter *nt, int64_t ms, natter_timer_fn fn, void *ctx);
void natter_timer_cancel(struct natter *nt, uint64_t id);
/* Wait at most max_ms (-1: no limit) and dispatch; 0 or -1. */
int natter_run_once(struct natter *nt, int64_t max_ms);
/* Wall clock, ms since the epoch. */
int64_t natter_now_ms(void);

#endif
