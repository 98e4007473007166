/* SPDX-License-Identifier: MIT */
/* The signed discovery beacon: its wire codec and the receive filter that
 * decides, cheapest check first, whether a beacon is fresh, new and genuine.
 * Pure code: no sockets, no clocks (callers pass the time in). */
#ifndef NATTER_BEACON_H
#define NATTER_BEACON_H

#include <stddef.h>
#include <stdint.h>

#define BEACON_WUR __attribute__((warn_unused_result))

/* Wire format: "NTR1" | version u8 | flags u8 | tcp_port u16 | id_pub[32] |
 * boot_id[8] | seq u64 | ts_ms u64 | nick_len u8 | nick | sig[64], integers
 * big-endian, sig = Ed25519 by id_pub over BEACON_SIG_CTX || all preceding bytes. */
#define BEACON_VERSION	   1		      /* the only version sent or accepted */
#define BEACON_FLAG_PROBE  0x01u	      /* "answer me now": peers reply at once */
/* Bits 4..7: the sender's pace minus 1. At pace P (1..BEACON_PACE_MAX) its
 * next regular beacon follows within P times the pace-1 gap, so receivers
 * wait P times as long before they call it offline (docs/protocol.md §3.4). */
#define BEACON_PACE_SHIFT  4
#define BEACON_PACE_MASK   0xf0u
#define BEACON_PACE_MAX	   16
#define BEACON_FLAGS_KNOWN (BEACON_FLAG_PROBE | BEACON_PACE_MASK) /* bits this version defines */
#define BEACON_NICK_MAX	   32		      /* nick bytes on the wire: 1..this */
#define BEACON_SIG_CTX	   "natter/beacon/v1" /* signature domain separator */
#define BEACON_FIXED_LEN   129		      /* every byte but the nick */
#define BEACON_MIN_LEN	   130		      /* BEACON_FIXED_LEN + a 1-byte nick */
#define BEACON_MAX_LEN	   161		      /* BEACON_FIXED_LEN + BEACON_NICK_MAX */

/* Receive filter tunables. */
#define BEACON_TS_SKEW_MS   120000 /* largest accepted |now - ts_ms|, wall clock */
#define BEACON_TABLE_MAX    256	   /* keys remembered for replay checks */
#define BEACON_SRC_MAX	    32	   /* source IPs with a bucket of their own (LRU) */
#define BEACON_SRC_RATE	    20	   /* packets per second refilled per source IP */
#define BEACON_SRC_BURST    256	   /* packets a quiet source may send at once */
#define BEACON_GLOBAL_RATE  500	   /* packets per second over all sources */
#define BEACON_GLOBAL_BURST 500	   /* packets the global bucket holds */

/* A beacon's fields. nick is NUL-terminated valid UTF-8 (utf8_check_nick). */
struct beacon {
	uint8_t version;
	uint8_t flags;
	uint16_t tcp_port;
	uint8_t id_pub[32];
	uint8_t boot_id[8];
	uint64_t seq;
	uint64_t ts_ms;
	char nick[BEACON_NICK_MAX + 1];
};

/* The pace a beacon's flags carry (1..BEACON_PACE_MAX), and the flag bits
 * that carry pace (clamped to 1..BEACON_PACE_MAX). */
static inline unsigned beacon_pace(uint8_t flags)
{
	return ((flags & BEACON_PACE_MASK) >> BEACON_PACE_SHIFT) + 1;
}

static inline uint8_t beacon_pace_flags(unsigned pace)
{
	pace = pace < 1 ? 1 : pace > BEACON_PACE_MAX ? BEACON_PACE_MAX : pace;
	return (uint8_t)((pace - 1) << BEACON_PACE_SHIFT);
}

/* Sign b with sk and write the packet to out (cap bytes); *len gets its size,
 * BEACON_FIXED_LEN + strlen(nick). b->version must be BEACON_VERSION
 * (NERR_VERSION), b->flags only BEACON_FLAGS_KNOWN bits and b->tcp_port
 * nonzero unless it is a probe (NERR_FORMAT), b->nick pass utf8_check_nick (its error), and
 * b->id_pub be sk's public key (NERR_PEERKEY). NERR_TOOLONG when cap is too
 * small. out and *len are written only on success. */
int beacon_encode(const struct beacon *b, const uint8_t sk[static 64], uint8_t *out, size_t cap,
		  size_t *len) BEACON_WUR;

/* Check the structure of the len bytes at pkt and decode them into *out (only
 * on success). Does NOT check the signature: see beacon_verify. Errors, in
 * order: NERR_SHORT / NERR_TOOLONG (len outside BEACON_MIN_LEN..MAX_LEN),
 * NERR_MAGIC, NERR_VERSION, NERR_FORMAT (tcp_port 0 outside a probe), NERR_EMPTY / NERR_TOOLONG
 * (nick_len 0 or over BEACON_NICK_MAX), NERR_SHORT / NERR_TRAILING (nick_len
 * does not match the bytes left), then utf8_check_nick's error. Unknown flag
 * bits are cleared in out->flags. */
int beacon_parse(struct beacon *out, const uint8_t *pkt, size_t len) BEACON_WUR;

/* 0 when pkt carries id_pub in its key field and its signature is id_pub's.
 * NERR_SHORT / NERR_TOOLONG on a length outside the bounds, NERR_PEERKEY when
 * the key field is another key, NERR_CRYPTO on a bad signature. Expects a
 * packet beacon_parse accepted. */
int beacon_verify(const uint8_t *pkt, size_t len, const uint8_t id_pub[static 32]) BEACON_WUR;

/* The receive filter's state. Caller-owned storage (about 20 KiB), set up by
 * beacon_table_init; the fields are private to beacon.c. */
struct beacon_peer {
	uint8_t key[32];
	uint8_t boot_id[8];
	uint64_t seq;	      /* newest accepted seq of boot_id */
	uint64_t ts_ms;	      /* ts_ms of that beacon */
	int64_t last_seen_ms; /* monotonic ms when it was accepted */
	uint8_t used;	      /* slot holds key */
	uint8_t seen;	      /* 0: pinned before any beacon arrived */
	uint8_t pinned;	      /* never evicted */
};

struct beacon_bucket {
	uint32_t ip;	 /* source, network order */
	uint32_t tokens; /* in thousandths of a packet */
	int64_t last_ms; /* monotonic ms of the last refill, also the LRU clock */
	uint8_t used;
};

struct beacon_table {
	struct beacon_peer peers[BEACON_TABLE_MAX];
	struct beacon_bucket srcs[BEACON_SRC_MAX];
	struct beacon_bucket global;
};

/* Empty the table: no keys, every bucket full on first use. */
void beacon_table_init(struct beacon_table *t);

/* Run one received packet through the filter; on 0 the beacon is genuine and
 * newer than any seen from its key, and is written to *out (only then).
 * src_ip is the sender's IPv4 address in network order, now_ms the wall clock
 * (ms since the Unix epoch), mono_ms a monotonic clock in ms. Checks in order:
 *   beacon_parse (its errors);
 *   token buckets per source IP (BEACON_SRC_*) and overall (BEACON_GLOBAL_*):
 *     NERR_LIMIT; a packet that passes parse costs a token either way;
 *   |now_ms - ts_ms| <= BEACON_TS_SKEW_MS: else NERR_TIMEOUT;
 *   own_id: NERR_PEERKEY (drop silently);
 *   a known key must advance: same boot_id with seq <= the last accepted, or a
 *     new boot_id whose ts_ms is not after the last accepted one while that
 *     boot was heard from within BEACON_TS_SKEW_MS: NERR_FORMAT, the replay
 *     error (also what a copy received on a second interface gets);
 *   an unknown key needs a free slot or an unpinned one to evict (the least
 *     recently accepted): else NERR_LIMIT;
 *   beacon_verify: NERR_CRYPTO.
 * None of the checks before beacon_verify costs a signature verification.
 * Only an accepted beacon changes the table (buckets aside): a forgery cannot
 * evict an entry or move a seq. */
int beacon_table_accept(struct beacon_table *t, const uint8_t *pkt, size_t len, uint32_t src_ip,
			int64_t now_ms, int64_t mono_ms, const uint8_t own_id[static 32],
			struct beacon *out) BEACON_WUR;

/* Pin key so that its entry is never evicted; when the key has no entry yet
 * one is reserved for it (evicting the least recently accepted unpinned
 * entry if the table is full). 0, or NERR_LIMIT when every slot is pinned. */
int beacon_table_pin(struct beacon_table *t, const uint8_t key[static 32]);

#endif
