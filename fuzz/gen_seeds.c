/* SPDX-License-Identifier: MIT */
/* Writes the seed corpora, fuzz/corpus/<target>/<seed>, with the real encoders
 * and the fixed keys of fuzz.h: `make fuzz-seeds`. It includes sodium.h only to
 * install a scripted RNG (randombytes_set_implementation) so that the frame
 * seeds are encrypted under the fixed secretstream header the target reads with;
 * the output is the same on every run. */
#include "beacon.h"
#include "conn.h"
#include "frame.h"
#include "fuzz.h"
#include "nbuf.h"
#include "ncrypto.h"
#include "nerr.h"
#include "noise.h"
#include "wire.h"

#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>

/* The scripted RNG: the next request of NCRYPTO_SS_HEADER bytes after
 * gen_arm_header gets fuzz_frame_header; everything else a fixed xorshift. */
static int gen_header_armed;
static uint64_t gen_x = 0x243f6a8885a308d3u;

static void gen_random_buf(void *buf, size_t n)
{
	uint8_t *p = buf;
	if (gen_header_armed && n == NCRYPTO_SS_HEADER) {
		memcpy(p, fuzz_frame_header, n);
		gen_header_armed = 0;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		gen_x ^= gen_x << 13;
		gen_x ^= gen_x >> 7;
		gen_x ^= gen_x << 17;
		p[i] = (uint8_t)(gen_x >> 24);
	}
}

static uint32_t gen_random(void)
{
	uint32_t v;
	gen_random_buf(&v, sizeof v);
	return v;
}

static const char *gen_rng_name(void)
{
	return "natter-fuzz-scripted";
}

static struct randombytes_implementation gen_rng = {
    .implementation_name = gen_rng_name,
    .random = gen_random,
    .buf = gen_random_buf,
};

static const char *gen_root;

static void gen_die(const char *what)
{
	fprintf(stderr, "gen_seeds: %s\n", what);
	exit(1);
}

static void gen_write(const char *target, const char *name, const void *data, size_t len)
{
	char path[PATH_MAX];
	FILE *f;
	snprintf(path, sizeof path, "%s/%s", gen_root, target);
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		gen_die(path);
	snprintf(path, sizeof path, "%s/%s/%s", gen_root, target, name);
	if (!(f = fopen(path, "wb")) || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		gen_die(path);
}

static void gen_write_str(const char *target, const char *name, const char *s)
{
	gen_write(target, name, s, strlen(s));
}

/* beacon: signed by the keys the target knows, at the target's clock. */
static void gen_beacon(const char *name, const uint8_t sk[static 64], const uint8_t boot[static 8],
		       uint64_t seq, int64_t ts, uint8_t flags, uint16_t port, const char *nick)
{
	struct beacon b = {.version = BEACON_VERSION, .flags = flags, .tcp_port = port, .seq = seq};
	uint8_t pkt[BEACON_MAX_LEN];
	size_t len;
	ncrypto_sign_sk_to_pk(b.id_pub, sk);
	memcpy(b.boot_id, boot, sizeof b.boot_id);
	b.ts_ms = (uint64_t)ts;
	snprintf(b.nick, sizeof b.nick, "%s", nick);
	if (beacon_encode(&b, sk, pkt, sizeof pkt, &len) != 0)
		gen_die("beacon_encode");
	gen_write("beacon", name, pkt, len);
}

static void gen_beacons(void)
{
	static const uint8_t boot_b[8] = {0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7};
	gen_beacon("a-next-seq", fuzz_sk_peer_a, fuzz_boot_a, FUZZ_SEQ_A + 1, FUZZ_NOW_MS, 0, 7000,
		   "alice");
	gen_beacon("a-replayed-seq", fuzz_sk_peer_a, fuzz_boot_a, FUZZ_SEQ_A - 5, FUZZ_NOW_MS, 0,
		   7000, "alice");
	gen_beacon("a-new-boot", fuzz_sk_peer_a, boot_b, 1, FUZZ_NOW_MS + 500, 0, 7001, "alice");
	gen_beacon("a-old-boot-clock", fuzz_sk_peer_a, boot_b, 1, FUZZ_NOW_MS - 2000, 0, 7001,
		   "alice");
	gen_beacon("b-probe-pinned", fuzz_sk_peer_b, boot_b, 1, FUZZ_NOW_MS, BEACON_FLAG_PROBE, 0,
		   "b\xc3\xb6rk \xe6\x97\xa5\xe6\x9c\xac");
	gen_beacon("b-stale", fuzz_sk_peer_b, boot_b, 2, FUZZ_NOW_MS - 10 * 60 * 1000, 0, 7002,
		   "bob");
	gen_beacon("b-nick-max", fuzz_sk_peer_b, boot_b, 3, FUZZ_NOW_MS + 100000, 0, 65535,
		   "0123456789abcdef0123456789abcdef");
	gen_beacon("a-pace-3", fuzz_sk_peer_a, fuzz_boot_a, FUZZ_SEQ_A + 2, FUZZ_NOW_MS,
		   beacon_pace_flags(3), 7000, "alice");
	gen_beacon("own", fuzz_sk_own, fuzz_boot_a, 1, FUZZ_NOW_MS, 0, 7000, "me");
}

/* wire: the frame type byte, then the body. */
static void gen_wire_out(const char *name, uint8_t type, const uint8_t *body, size_t len)
{
	uint8_t *buf = malloc(len + 1);
	if (!buf)
		gen_die("malloc");
	buf[0] = type;
	memcpy(buf + 1, body, len);
	gen_write("wire", name, buf, len + 1);
	free(buf);
}

/* PEERS: two entries (ASCII and UTF-8 nicks, ports 7700 and 65535), and none. */
static void gen_wire_peers(void)
{
	struct wire_peer e[2] = {{.port = 7700, .nick = "bob"},
				 {.port = 65535, .nick = "b\xc3\xb6rk"}};
	uint8_t out[WIRE_PEERS_BODY_MAX];
	size_t len;
	memset(e[0].key, 0x11, 32);
	memset(e[1].key, 0x22, 32);
	e[0].addr.s_addr = htonl(0xc6120102); /* 198.18.1.2 */
	e[1].addr.s_addr = htonl(0x0a000007); /* 10.0.0.7 */
	if (wire_peers_encode(e, 2, out, sizeof out, &len) != 0)
		gen_die("peers");
	gen_wire_out("peers-two", WIRE_PEERS, out, len);
	if (wire_peers_encode(NULL, 0, out, sizeof out, &len) != 0)
		gen_die("peers");
	gen_wire_out("peers-none", WIRE_PEERS, out, len);
}

static void gen_wire(void)
{
	uint8_t out[1024];
	size_t len;
	struct wire_hello h = {.nick = "alice", .port = 7000};
	struct wire_hello h2 = {.nick = "\xe6\x97\xa5\xe6\x9c\xac", .port = 0};
	struct wire_msg m = {.id = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
			     .seq = 1,
			     .ts_ms = FUZZ_NOW_MS,
			     .text = "hello, world",
			     .text_len = 12};
	struct wire_msg m2 = {.seq = UINT64_MAX,
			      .ts_ms = 0,
			      .text = "two\nlines \xf0\x9f\x98\x80 \xe2\x80\xae",
			      .text_len = 18};
	struct wire_presence p = {.away = 1, .reason = "lunch \xe2\x98\x95"};
	struct wire_presence p2 = {.away = 0, .reason = ""};

	if (wire_hello_encode(&h, out, sizeof out, &len) != 0)
		gen_die("hello");
	gen_wire_out("hello", WIRE_HELLO, out, len);
	if (wire_hello_encode(&h2, out, sizeof out, &len) != 0)
		gen_die("hello");
	gen_wire_out("hello-utf8-noport", WIRE_HELLO, out, len);
	if (wire_msg_encode(&m, out, sizeof out, &len) != 0)
		gen_die("msg");
	gen_wire_out("msg", WIRE_MSG, out, len);
	if (wire_msg_encode(&m2, out, sizeof out, &len) != 0)
		gen_die("msg");
	gen_wire_out("msg-utf8", WIRE_MSG, out, len);
	if (wire_ack_encode(42, out, sizeof out, &len) != 0)
		gen_die("ack");
	gen_wire_out("ack", WIRE_ACK, out, len);
	if (wire_presence_encode(&p, out, sizeof out, &len) != 0)
		gen_die("presence");
	gen_wire_out("presence-away", WIRE_PRESENCE, out, len);
	if (wire_presence_encode(&p2, out, sizeof out, &len) != 0)
		gen_die("presence");
	gen_wire_out("presence-online", WIRE_PRESENCE, out, len);
	gen_wire_peers();
}

/* frame: a chunking seed byte, then a stream under the fixed key and header. */
static void gen_frame_out(const char *name, uint8_t seed, const struct nbuf_q *q)
{
	size_t len = nbuf_q_len(q);
	uint8_t *buf = malloc(len + 1);
	if (!buf)
		gen_die("malloc");
	buf[0] = seed;
	memcpy(buf + 1, nbuf_q_data(q), len);
	gen_write("frame", name, buf, len + 1);
	free(buf);
}

static void gen_tx(struct frame_tx *tx, struct nbuf_q *q)
{
	uint8_t header[NCRYPTO_SS_HEADER];
	nbuf_q_init(q, FUZZ_FRAME_QMAX);
	gen_header_armed = 1;
	if (frame_tx_init(tx, fuzz_frame_key, header) != 0 ||
	    memcmp(header, fuzz_frame_header, sizeof header) != 0)
		gen_die("frame_tx_init did not take the scripted header");
}

static void gen_put(struct frame_tx *tx, struct nbuf_q *q, uint8_t type, const void *data,
		    size_t len, int final)
{
	if (frame_write(tx, type, data, len, final, q) != 0)
		gen_die("frame_write");
}

/* A raw stream for the error paths frame_write cannot produce: a length chunk
 * (blocks, tag) and, when body is not NULL, a body pushed with body_tag. */
static void gen_frame_raw(const char *name, uint16_t blocks, enum ncrypto_ss_tag tag,
			  const uint8_t *body, size_t body_len, enum ncrypto_ss_tag body_tag)
{
	uint8_t header[NCRYPTO_SS_HEADER], lenbuf[2] = {(uint8_t)(blocks >> 8), (uint8_t)blocks};
	uint8_t wire[FRAME_LEN_WIRE + 256 + NCRYPTO_SS_ABYTES];
	struct ncrypto_ss *ss;
	struct nbuf_q q;
	size_t n = FRAME_LEN_WIRE;

	gen_header_armed = 1;
	if (!(ss = ncrypto_ss_new_push(header, fuzz_frame_key)) ||
	    memcmp(header, fuzz_frame_header, sizeof header) != 0 || body_len > 256)
		gen_die("ncrypto_ss_new_push");
	if (ncrypto_ss_push(ss, wire, lenbuf, 2, tag) != 0)
		gen_die("push");
	if (body) {
		if (ncrypto_ss_push(ss, wire + n, body, body_len, body_tag) != 0)
			gen_die("push");
		n += body_len + NCRYPTO_SS_ABYTES;
	}
	nbuf_q_init(&q, FUZZ_FRAME_QMAX);
	if (nbuf_q_put(&q, wire, n) != 0)
		gen_die("nbuf_q_put");
	gen_frame_out(name, 0x07, &q);
	nbuf_q_clear(&q);
	ncrypto_ss_free(ss);
}

static void gen_frames(void)
{
	struct frame_tx tx;
	struct nbuf_q q;
	uint8_t body[3000], ack[8] = {0, 0, 0, 0, 0, 0, 0, 42};
	uint8_t padded[32] = {WIRE_PING, 0x80};
	uint8_t zeros[32] = {0};

	for (size_t i = 0; i < sizeof body; i++)
		body[i] = (uint8_t)(' ' + i % 90);
	gen_tx(&tx, &q);
	gen_put(&tx, &q, WIRE_HELLO,
		"\x05"
		"alice\x1b\x58",
		8, 0);
	gen_put(&tx, &q, WIRE_ACK, ack, sizeof ack, 0);
	gen_put(&tx, &q, WIRE_PING, NULL, 0, 0);
	gen_put(&tx, &q, WIRE_PONG, NULL, 0, 1);
	gen_frame_out("session-whole", 0x07, &q);
	gen_frame_out("session-bytewise", 0x00, &q);
	gen_frame_out("session-small-chunks", 0x12, &q);
	nbuf_q_clear(&q);
	frame_tx_clear(&tx);

	gen_tx(&tx, &q);
	gen_put(&tx, &q, WIRE_MSG, body, 14, 0); /* 15 bytes with the type: one block */
	gen_put(&tx, &q, WIRE_MSG, body, 15, 0); /* 16: padding takes a second block */
	gen_put(&tx, &q, WIRE_MSG, body, sizeof body, 0);
	gen_frame_out("sizes-chunked", 0x45, &q);
	nbuf_q_clear(&q);
	frame_tx_clear(&tx);

	gen_tx(&tx, &q);
	gen_put(&tx, &q, WIRE_PONG, NULL, 0, 1);
	gen_put(&tx, &q, WIRE_PING, NULL, 0, 0);
	gen_frame_out("frame-after-final", 0x03, &q);
	nbuf_q_clear(&q);
	frame_tx_clear(&tx);

	gen_frame_raw("len-zero-blocks", 0, NCRYPTO_SS_MESSAGE, NULL, 0, 0);
	gen_frame_raw("len-over-max", FRAME_MAX_BLOCKS + 1, NCRYPTO_SS_MESSAGE, NULL, 0, 0);
	gen_frame_raw("len-tag-final", 1, NCRYPTO_SS_FINAL, NULL, 0, 0);
	gen_frame_raw("body-tag-push", 1, NCRYPTO_SS_MESSAGE, padded, FRAME_BLOCK, NCRYPTO_SS_PUSH);
	gen_frame_raw("body-tag-rekey", 1, NCRYPTO_SS_MESSAGE, padded, FRAME_BLOCK,
		      NCRYPTO_SS_REKEY);
	/* sodium_unpad looks for the marker in the last block only. */
	gen_frame_raw("body-padding-two-blocks", 2, NCRYPTO_SS_MESSAGE, padded, sizeof padded,
		      NCRYPTO_SS_MESSAGE);
	gen_frame_raw("body-no-padding", 1, NCRYPTO_SS_MESSAGE, zeros, FRAME_BLOCK,
		      NCRYPTO_SS_MESSAGE);
	zeros[0] = 0x80; /* the marker at 0: the body is empty, not even a type byte */
	gen_frame_raw("body-empty", 1, NCRYPTO_SS_MESSAGE, zeros, FRAME_BLOCK, NCRYPTO_SS_MESSAGE);
}

/* noise: message 1 of the fixed initiator and message 2 of the fixed
 * responder answering the target's message 1 (payload FUZZ_NOISE_MSG1_PAYLOAD). */
static struct noise_hs *gen_hs(int initiator)
{
	struct noise_hs *hs =
	    noise_hs_new(initiator, (const uint8_t *)CONN_PROLOGUE, sizeof CONN_PROLOGUE - 1,
			 initiator ? fuzz_noise_i_static : fuzz_noise_r_static);
	if (!hs || noise_hs_set_ephemeral(hs, initiator ? fuzz_noise_i_eph : fuzz_noise_r_eph) != 0)
		gen_die("noise_hs_new");
	return hs;
}

static void gen_noise(void)
{
	static const char *const p1[] = {FUZZ_NOISE_MSG1_PAYLOAD, "", "natter/1 client hello"};
	static const char *const n1[] = {"msg1", "msg1-empty", "msg1-long"};
	static const char *const p2[] = {"hi", "", "natter/1 server hello with a longer payload"};
	static const char *const n2[] = {"msg2", "msg2-empty", "msg2-long"};
	uint8_t m1[256], m2[256], pl[256], low_order[NOISE_DH] = {0};
	size_t l1, l2, plen;

	for (size_t i = 0; i < 3; i++) {
		struct noise_hs *in = gen_hs(1);
		if (noise_hs_write(in, (const uint8_t *)p1[i], strlen(p1[i]), m1, sizeof m1, &l1) !=
		    0)
			gen_die("noise msg1");
		gen_write("noise", n1[i], m1, l1);
		noise_hs_free(in);
	}
	gen_write("noise", "msg1-low-order-e", low_order, sizeof low_order);
	for (size_t i = 0; i < 3; i++) {
		struct noise_hs *in = gen_hs(1), *re = gen_hs(0);
		if (noise_hs_write(in, (const uint8_t *)FUZZ_NOISE_MSG1_PAYLOAD,
				   sizeof FUZZ_NOISE_MSG1_PAYLOAD - 1, m1, sizeof m1, &l1) != 0 ||
		    noise_hs_read(re, m1, l1, pl, sizeof pl, &plen) != 0 ||
		    noise_hs_write(re, (const uint8_t *)p2[i], strlen(p2[i]), m2, sizeof m2, &l2) !=
			0 ||
		    noise_hs_read(in, m2, l2, pl, sizeof pl, &plen) != 0)
			gen_die("noise msg2");
		gen_write("noise", n2[i], m2, l2);
		noise_hs_free(in);
		noise_hs_free(re);
	}
}

static void gen_utf8(void)
{
	gen_write_str("utf8", "ascii-nick", "alice");
	gen_write_str("utf8", "two-three-four-byte", "\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80");
	gen_write_str("utf8", "max-code-point", "\xf4\x8f\xbf\xbf");
	gen_write_str("utf8", "over-max", "\xf4\x90\x80\x80");
	gen_write_str("utf8", "overlong-slash", "\xc0\xaf");
	gen_write_str("utf8", "overlong-3", "\xe0\x80\xaf");
	gen_write_str("utf8", "surrogate", "a\xed\xa0\x80z");
	gen_write_str("utf8", "truncated", "ok\xe6\x97");
	gen_write_str("utf8", "controls", "tab\there\x7f\xc2\x85");
	gen_write("utf8", "nul", "a\0b", 3);
	gen_write_str("utf8", "nick-too-long", "0123456789abcdef0123456789abcdefX");
}

static void gen_text(void)
{
	gen_write_str("text", "plain", "hello, world");
	gen_write_str("text", "escapes", "a\\b\nc\td\re\"f\bg\fh/");
	gen_write_str("text", "controls", "\x01\x1b[31mred\x1b[0m\x7f\xc2\x80\xc2\x9f");
	gen_write_str("text", "invisible",
		      "\xe2\x80\xae"
		      "abc\xe2\x80\x8b\xe2\x81\xa6\xef\xbb\xbf\xd8\x9c\xe2\x80\xa8");
	gen_write_str("text", "invalid", "\xff\xfe\xc0\xaf\xed\xa0\x80\xe6\x97");
	gen_write_str("text", "utf8",
		      "\xc3\xa9t\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80");
	gen_write("text", "nul", "a\0b", 3);
}

static void gen_conf(void)
{
	gen_write_str("conf", "both", "read_receipts = off\nbell = on\n");
	gen_write_str("conf", "comments",
		      "# natter.conf\n\n  bell=NO   # quiet\n\tread_receipts\t=\tTrue\n");
	gen_write_str("conf", "unknown-key", "volume = 11\n");
	gen_write_str("conf", "no-equals", "bell\n");
	gen_write_str("conf", "bad-value", "bell = maybe\n");
	gen_write_str("conf", "crlf-no-final-newline", "bell = 0\r\nread_receipts = 1");
	gen_write_str("conf", "every-key",
		      "nick = alice\niface = lo, 127.0.0.1\niface = eth0\n"
		      "group = 239.255.1.2:7701\nport = 0\nbind = 127.0.0.1\n"
		      "peer = 127.0.0.1:7700, 10.0.0.2:7700\nalias bob = 06f02171\n"
		      "alias carol = carol\ncolor = never\nttl = 1w2d3h4m5s\ntimeout = 2.5\n"
		      "color_bar = white on blue\ncolor_mark = 208\ncolor_info = default\n"
		      "share_peers = static\n");
	gen_write_str("conf", "bad-values",
		      "nick =\niface = lo,,eth0\ngroup = 10.0.0.1:7701\nport = 65536\n"
		      "bind = ::1\npeer = x:1\nalias = bob\ncolor = blue\nttl = 7y\n"
		      "timeout = -1\ncolour = auto\n\"quoted\" = \"value\"\n"
		      "share_peers = on\n");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen_seeds CORPUS_DIR\n");
		return 2;
	}
	gen_root = argv[1];
	if (mkdir(gen_root, 0755) != 0 && errno != EEXIST)
		gen_die(gen_root);
	if (randombytes_set_implementation(&gen_rng) != 0 || ncrypto_init() != 0)
		gen_die("ncrypto_init");
	gen_beacons();
	gen_wire();
	gen_frames();
	gen_noise();
	gen_utf8();
	gen_text();
	gen_conf();
	return 0;
}
