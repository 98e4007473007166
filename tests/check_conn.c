/* SPDX-License-Identifier: MIT */
/* Sessions over real loopback TCP: the handshake with natter's payloads,
 * refusals (wrong key, bad certificate), replays, tampering, deadlines. */
#include <check.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "conn.h"
#include "loop.h"
#include "ncrypto.h"
#include "nerr.h"
#include "noise.h"

struct keys {
	struct conn_identity id;
	uint8_t sk[64];
	uint8_t s[32];
};

struct side {
	struct conn *c;
	int verified, up, down, down_err, frames;
	uint8_t peer[32];
	uint8_t last_type;
	uint8_t last[64];
	size_t last_len;
};

/* A relay between the initiator and the responder that records and may
 * corrupt the initiator's bytes: the man in the middle of these tests. */
struct relay {
	int a, b; /* a: accepted from the initiator; b: dialled to the responder */
	uint8_t rec[4096];
	size_t rec_len;
	long flip_at; /* byte offset in a->b traffic to flip bit 0 of, or -1 */
};

struct world {
	struct loop *loop;
	int lfd; /* the responder's listener */
	int rlfd;
	struct sockaddr_in addr, raddr;
	struct keys ik, rk;
	struct side init, resp;
	struct relay relay;
	int use_relay;
	int64_t fake_now;
};

static struct world w;

static void make_keys(struct keys *k)
{
	uint8_t s_pub[32];
	ncrypto_sign_keypair(k->id.id_pub, k->sk);
	ncrypto_random(k->s, sizeof k->s);
	ncrypto_dh_pub(s_pub, k->s);
	k->id.id_sk = k->sk;
	k->id.s_priv = k->s;
	ck_assert_int_eq(ncrypto_sign_ctx(k->id.cert, CONN_CERT_CTX, s_pub, 32, k->sk), 0);
}

static int on_verify(void *ctx, struct conn *c, const uint8_t id[static 32])
{
	struct side *s = ctx;
	(void)c;
	s->verified++;
	memcpy(s->peer, id, 32);
	return 0;
}

static void on_up(void *ctx, struct conn *c)
{
	struct side *s = ctx;
	(void)c;
	s->up++;
}

static void on_frame(void *ctx, struct conn *c, uint8_t type, const uint8_t *data, size_t len)
{
	struct side *s = ctx;
	(void)c;
	s->frames++;
	s->last_type = type;
	s->last_len = len < sizeof s->last ? len : sizeof s->last;
	memcpy(s->last, data, s->last_len);
}

static void on_down(void *ctx, struct conn *c, int err)
{
	struct side *s = ctx;
	(void)c;
	s->down++;
	s->down_err = err;
	s->c = NULL;
}

static int listen_any(struct sockaddr_in *addr)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	socklen_t len = sizeof *addr;
	memset(addr, 0, sizeof *addr);
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)addr, sizeof *addr), 0);
	ck_assert_int_eq(listen(fd, 8), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)addr, &len), 0);
	return fd;
}

static void on_accept(void *ctx, int fd, short revents)
{
	struct sockaddr_in from;
	socklen_t fl = sizeof from;
	struct conn_cb cb = {&w.resp, on_verify, on_up, on_frame, on_down};
	(void)ctx;
	(void)revents;
	int s = accept(fd, (struct sockaddr *)&from, &fl);
	if (s >= 0)
		w.resp.c = conn_new_incoming(w.loop, s, &from, &w.rk.id, &cb);
}

static void pump(int from, int to, int record)
{
	uint8_t buf[4096];
	ssize_t n = read(from, buf, sizeof buf);
	if (n <= 0) {
		shutdown(to, SHUT_WR);
		return;
	}
	if (record) {
		for (ssize_t i = 0; i < n; i++) {
			if (w.relay.flip_at >= 0 && (long)(w.relay.rec_len + (size_t)i) == w.relay.flip_at)
				buf[i] ^= 1;
		}
		size_t room = sizeof w.relay.rec - w.relay.rec_len;
		size_t k = (size_t)n < room ? (size_t)n : room;
		memcpy(w.relay.rec + w.relay.rec_len, buf, k);
		w.relay.rec_len += k;
	}
	ck_assert_int_eq(write(to, buf, (size_t)n), n);
}

static void on_relay_a(void *ctx, int fd, short revents)
{
	(void)ctx;
	(void)revents;
	pump(fd, w.relay.b, 1);
}

static void on_relay_b(void *ctx, int fd, short revents)
{
	(void)ctx;
	(void)revents;
	pump(fd, w.relay.a, 0);
}

static int dial_raw(const struct sockaddr_in *to)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(connect(fd, (const struct sockaddr *)to, sizeof *to), 0);
	return fd;
}

static void on_relay_accept(void *ctx, int fd, short revents)
{
	(void)ctx;
	(void)revents;
	w.relay.a = accept(fd, NULL, NULL);
	ck_assert_int_ge(w.relay.a, 0);
	w.relay.b = dial_raw(&w.addr);
	ck_assert_int_eq(loop_add_fd(w.loop, w.relay.a, POLLIN, on_relay_a, NULL), 0);
	ck_assert_int_eq(loop_add_fd(w.loop, w.relay.b, POLLIN, on_relay_b, NULL), 0);
}

static void setup(void)
{
	memset(&w, 0, sizeof w);
	w.loop = loop_new();
	w.relay.a = w.relay.b = -1;
	w.relay.flip_at = -1;
	make_keys(&w.ik);
	make_keys(&w.rk);
	w.lfd = listen_any(&w.addr);
	ck_assert_int_eq(loop_add_fd(w.loop, w.lfd, POLLIN, on_accept, NULL), 0);
	w.rlfd = listen_any(&w.raddr);
	ck_assert_int_eq(loop_add_fd(w.loop, w.rlfd, POLLIN, on_relay_accept, NULL), 0);
}

static void teardown(void)
{
	if (w.init.c)
		conn_close(w.init.c, 0, NERR_EOF);
	if (w.resp.c)
		conn_close(w.resp.c, 0, NERR_EOF);
	close(w.lfd);
	close(w.rlfd);
	if (w.relay.a >= 0)
		close(w.relay.a);
	if (w.relay.b >= 0)
		close(w.relay.b);
	loop_free(w.loop);
}

/* Run the loop until cond holds, for at most 3 s of real time. */
static int run_until(int (*cond)(void))
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!cond()) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (t1.tv_sec - t0.tv_sec > 3)
			return 0;
		ck_assert_int_eq(loop_run_once(w.loop, 50), 0);
	}
	return 1;
}

static int both_up(void)
{
	return w.init.up && w.resp.up;
}

static int init_down(void)
{
	return w.init.down > 0;
}

static int resp_down(void)
{
	return w.resp.down > 0;
}

static int both_down(void)
{
	return w.init.down > 0 && w.resp.down > 0;
}

static int resp_got_frame(void)
{
	return w.resp.frames > 0;
}

static int init_got_frame(void)
{
	return w.init.frames > 0;
}

static void dial(const uint8_t *expect, int via_relay)
{
	struct conn_cb cb = {&w.init, on_verify, on_up, on_frame, on_down};
	w.init.c = conn_new_outgoing(w.loop, via_relay ? &w.raddr : &w.addr, &w.ik.id, expect, &cb);
	ck_assert_ptr_nonnull(w.init.c);
}

START_TEST(handshake_succeeds_and_each_side_learns_the_other_identity)
{
	dial(w.rk.id.id_pub, 0);
	ck_assert(run_until(both_up));
	ck_assert_mem_eq(w.init.peer, w.rk.id.id_pub, 32);
	ck_assert_mem_eq(w.resp.peer, w.ik.id.id_pub, 32);
	ck_assert_mem_eq(conn_peer_id(w.init.c), w.rk.id.id_pub, 32);
	ck_assert(conn_is_initiator(w.init.c));
	ck_assert(!conn_is_initiator(w.resp.c));
}
END_TEST

START_TEST(frames_flow_both_ways_after_the_handshake)
{
	dial(NULL, 0);
	ck_assert(run_until(both_up));
	ck_assert_int_eq(conn_send(w.init.c, 0x42, "ping", 4), 0);
	ck_assert(run_until(resp_got_frame));
	ck_assert_uint_eq(w.resp.last_type, 0x42);
	ck_assert_uint_eq(w.resp.last_len, 4);
	ck_assert_mem_eq(w.resp.last, "ping", 4);
	ck_assert_int_eq(conn_send(w.resp.c, 0x43, "pong!", 5), 0);
	ck_assert(run_until(init_got_frame));
	ck_assert_mem_eq(w.init.last, "pong!", 5);
}
END_TEST

START_TEST(push_writes_queued_frames_without_waiting_for_the_loop)
{
	dial(NULL, 0);
	conn_push(w.init.c); /* not up yet: nothing to do, nothing breaks */
	ck_assert(run_until(both_up));
	ck_assert_int_eq(conn_send(w.init.c, 0x42, "ping", 4), 0);
	ck_assert_uint_gt(conn_pending_bytes(w.init.c), 0);
	conn_push(w.init.c);
	ck_assert_uint_eq(conn_pending_bytes(w.init.c), 0);
	ck_assert(run_until(resp_got_frame));
	ck_assert_mem_eq(w.resp.last, "ping", 4);
}
END_TEST

START_TEST(sending_before_the_session_is_up_is_refused)
{
	dial(NULL, 0);
	ck_assert_int_eq(conn_send(w.init.c, 0x42, "x", 1), NERR_AGAIN);
}
END_TEST

START_TEST(orderly_close_reaches_the_peer_as_end_of_stream)
{
	dial(NULL, 0);
	ck_assert(run_until(both_up));
	conn_close(w.init.c, 1, NERR_EOF);
	ck_assert(run_until(resp_down));
	ck_assert_int_eq(w.resp.down_err, NERR_EOF);
}
END_TEST

START_TEST(a_peer_that_vanishes_without_bye_is_a_lost_connection)
{
	dial(NULL, 0);
	ck_assert(run_until(both_up));
	conn_close(w.init.c, 0, NERR_EOF); /* no BYE on the wire */
	ck_assert(run_until(resp_down));
	ck_assert_int_eq(w.resp.down_err, NERR_RESET);
}
END_TEST

/* A man in the middle answering with its own static key is not the peer the
 * initiator meant to reach: it aborts before message 3, so the impostor never
 * learns who called. */
START_TEST(initiator_expecting_another_key_aborts_before_message_3)
{
	struct keys other;
	make_keys(&other);
	dial(other.id.id_pub, 0);
	ck_assert(run_until(both_down));
	ck_assert_int_eq(w.init.down_err, NERR_PEERKEY);
	ck_assert_int_eq(w.init.up, 0);
	ck_assert_int_eq(w.resp.verified, 0);
	ck_assert_int_eq(w.resp.up, 0);
}
END_TEST

START_TEST(a_certificate_for_another_static_key_is_refused)
{
	uint8_t wrong_s[32], wrong_pub[32];
	ncrypto_random(wrong_s, 32);
	ncrypto_dh_pub(wrong_pub, wrong_s);
	ck_assert_int_eq(ncrypto_sign_ctx(w.rk.id.cert, CONN_CERT_CTX, wrong_pub, 32, w.rk.sk), 0);
	dial(NULL, 0);
	ck_assert(run_until(init_down));
	ck_assert_int_eq(w.init.down_err, NERR_CRYPTO);
	ck_assert_int_eq(w.init.verified, 0);
	ck_assert_int_eq(w.resp.verified, 0);
}
END_TEST

START_TEST(connecting_to_ourselves_is_refused)
{
	w.rk = w.ik;
	w.rk.id.id_sk = w.rk.sk;
	w.rk.id.s_priv = w.rk.s;
	dial(NULL, 0);
	ck_assert(run_until(init_down));
	ck_assert_int_eq(w.init.down_err, NERR_PEERKEY);
}
END_TEST

static int relay_saw_session(void)
{
	/* 2+40 (msg 1) + 2+160 (msg 3) + 24 (stream header) from the initiator */
	return both_up() && w.relay.rec_len >= 228;
}

/* Messages 1 and 3 recorded from a real session and played to the responder
 * again: message 2 now carries a fresh ephemeral, so the old message 3 cannot
 * decrypt and no session (or identity) results. */
START_TEST(replayed_handshake_messages_fail)
{
	uint8_t msg2[2 + 197], junk[64];
	dial(NULL, 1);
	ck_assert(run_until(relay_saw_session));
	ck_assert_int_eq(w.resp.verified, 1);
	conn_close(w.init.c, 0, NERR_EOF);
	ck_assert(run_until(resp_down));
	memset(&w.resp, 0, sizeof w.resp);

	int fd = dial_raw(&w.addr);
	ck_assert_int_eq(write(fd, w.relay.rec, 42), 42);
	size_t got = 0;
	while (got < sizeof msg2) {
		ck_assert_int_eq(loop_run_once(w.loop, 50), 0);
		ssize_t n = recv(fd, msg2 + got, sizeof msg2 - got, MSG_DONTWAIT);
		if (n > 0)
			got += (size_t)n;
	}
	ck_assert_mem_ne(msg2, w.relay.rec + 42, 16); /* not a transcript of its own */
	ck_assert_int_eq(write(fd, w.relay.rec + 42, 162), 162);
	ck_assert(run_until(resp_down));
	ck_assert_int_eq(w.resp.down_err, NERR_CRYPTO);
	ck_assert_int_eq(w.resp.verified, 0);
	ck_assert_int_eq(w.resp.up, 0);
	ck_assert_int_le(recv(fd, junk, sizeof junk, 0), 0); /* closed without a reply */
	close(fd);
}
END_TEST

static int resp_down_or_frame(void)
{
	return w.resp.down > 0 || w.resp.frames > 0;
}

/* One flipped bit in a frame on the wire closes the connection; nothing of
 * the frame is delivered. Offsets: 228 is the first frame byte. */
START_TEST(a_flipped_bit_in_a_frame_closes_the_connection)
{
	w.relay.flip_at = 228 + _i;
	dial(NULL, 1);
	ck_assert(run_until(both_up));
	ck_assert_int_eq(conn_send(w.init.c, 0x42, "secret", 6), 0);
	ck_assert(run_until(resp_down_or_frame));
	ck_assert_int_eq(w.resp.frames, 0);
	ck_assert_int_eq(w.resp.down_err, NERR_CRYPTO);
}
END_TEST

START_TEST(a_flipped_bit_in_any_handshake_message_fails_the_handshake)
{
	w.relay.flip_at = _i;
	dial(NULL, 1);
	ck_assert(run_until(resp_down));
	ck_assert_int_eq(w.resp.up, 0);
	ck_assert_int_eq(w.init.up, 0);
}
END_TEST

static int raw_then_resp_down(const uint8_t *bytes, size_t n)
{
	int fd = dial_raw(&w.addr);
	ck_assert_int_eq(write(fd, bytes, n), (ssize_t)n);
	int ok = run_until(resp_down);
	close(fd);
	return ok;
}

START_TEST(a_handshake_message_of_the_wrong_size_is_refused)
{
	uint8_t msg[2 + 41] = {0, 41};
	ncrypto_random(msg + 2, 32);
	ck_assert(raw_then_resp_down(msg, sizeof msg));
	ck_assert_int_eq(w.resp.down_err, NERR_FORMAT);
}
END_TEST

START_TEST(an_initiator_without_a_common_version_is_refused)
{
	uint8_t msg[2 + 40] = {0, 40};
	uint8_t sk[32];
	ncrypto_random(sk, 32);
	ncrypto_dh_pub(msg + 2, sk);
	msg[2 + 32 + 3] = 0x02; /* versions bitmap: only version 2 */
	ck_assert(raw_then_resp_down(msg, sizeof msg));
	ck_assert_int_eq(w.resp.down_err, NERR_VERSION);
}
END_TEST

static int64_t fake_clock(void *ctx)
{
	(void)ctx;
	return w.fake_now;
}

START_TEST(a_silent_peer_is_dropped_at_the_handshake_deadline)
{
	loop_set_clock(w.loop, fake_clock, NULL);
	int fd = dial_raw(&w.addr);
	for (int i = 0; i < 20 && !w.resp.c; i++)
		ck_assert_int_eq(loop_run_once(w.loop, 50), 0);
	ck_assert_ptr_nonnull(w.resp.c);
	w.fake_now += CONN_HS_TIMEOUT_MS - 1;
	ck_assert_int_eq(loop_run_once(w.loop, 0), 0);
	ck_assert_int_eq(w.resp.down, 0);
	w.fake_now += 2;
	ck_assert_int_eq(loop_run_once(w.loop, 0), 0);
	ck_assert_int_eq(w.resp.down, 1);
	ck_assert_int_eq(w.resp.down_err, NERR_TIMEOUT);
	close(fd);
}
END_TEST

Suite *conn_suite(void);
Suite *conn_suite(void)
{
	Suite *s = suite_create("conn");
	TCase *tc = tcase_create("handshake");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, handshake_succeeds_and_each_side_learns_the_other_identity);
	tcase_add_test(tc, frames_flow_both_ways_after_the_handshake);
	tcase_add_test(tc, push_writes_queued_frames_without_waiting_for_the_loop);
	tcase_add_test(tc, sending_before_the_session_is_up_is_refused);
	tcase_add_test(tc, orderly_close_reaches_the_peer_as_end_of_stream);
	tcase_add_test(tc, a_peer_that_vanishes_without_bye_is_a_lost_connection);
	tcase_add_test(tc, initiator_expecting_another_key_aborts_before_message_3);
	tcase_add_test(tc, a_certificate_for_another_static_key_is_refused);
	tcase_add_test(tc, connecting_to_ourselves_is_refused);
	tcase_add_test(tc, replayed_handshake_messages_fail);
	tcase_add_loop_test(tc, a_flipped_bit_in_a_frame_closes_the_connection, 0, 19 + 16 + 17);
	tcase_add_loop_test(tc, a_flipped_bit_in_any_handshake_message_fails_the_handshake, 0, 204);
	tcase_add_test(tc, a_handshake_message_of_the_wrong_size_is_refused);
	tcase_add_test(tc, an_initiator_without_a_common_version_is_refused);
	tcase_add_test(tc, a_silent_peer_is_dropped_at_the_handshake_deadline);
	suite_add_tcase(s, tc);
	return s;
}
