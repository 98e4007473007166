/* SPDX-License-Identifier: MIT */
/* The XX handshake: the published Noise_XX_25519_ChaChaPoly_SHA512 vector in both roles,
 * agreement with random keys, tampering, truncation, turn order and prologue binding. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ncrypto.h"
#include "nerr.h"
#include "noise.h"

Suite *noise_suite(void);

#define VEC_PATH      "vectors/noise-xx-25519-chachapoly.json"
#define VEC_NAME      "\"Noise_XX_25519_ChaChaPoly_SHA512\""
#define VEC_FILE_MAX  65536
#define VEC_MSGS      6
#define VEC_BYTES_MAX 256

/* The vector's lengths: payloads of 16, 15 and 11 bytes in the three handshake messages. */
#define VEC_LEN0 (32 + 16)
#define VEC_LEN1 (32 + 48 + 15 + 16)
#define VEC_LEN2 (48 + 11 + 16)

struct vec_msg {
	uint8_t payload[VEC_BYTES_MAX];
	size_t plen;
	uint8_t ct[VEC_BYTES_MAX];
	size_t ctlen;
};

struct vec {
	uint8_t init_prologue[NOISE_PROLOGUE_MAX];
	size_t init_prologue_len;
	uint8_t resp_prologue[NOISE_PROLOGUE_MAX];
	size_t resp_prologue_len;
	uint8_t init_static[NOISE_DH];
	uint8_t init_ephemeral[NOISE_DH];
	uint8_t resp_static[NOISE_DH];
	uint8_t resp_ephemeral[NOISE_DH];
	struct vec_msg msg[VEC_MSGS];
};

/* The first needle in [p, end), or NULL. */
static const char *scan_find(const char *p, const char *end, const char *needle)
{
	size_t n = strlen(needle);

	for (; p < end && (size_t)(end - p) >= n; p++)
		if (memcmp(p, needle, n) == 0)
			return p;
	return NULL;
}

/* The string value after a key (": \"...\""): its start and length; returns the position
 * after the closing quote, or NULL. */
static const char *scan_string(const char *p, const char *end, const char **val, size_t *vlen)
{
	const char *q;

	while (p < end && strchr(" \t\r\n:", *p) != NULL)
		p++;
	if (p >= end || *p != '"')
		return NULL;
	for (q = ++p; q < end && *q != '"'; q++)
		;
	if (q >= end)
		return NULL;
	*val = p;
	*vlen = (size_t)(q - p);
	return q + 1;
}

/* Find "key" in [p, end) and decode its hex value into out (cap bytes, length *len).
 * Returns the position after the value, or NULL. */
static const char *scan_hex(const char *p, const char *end, const char *key, uint8_t *out,
			    size_t cap, size_t *len)
{
	char quoted[32];
	char hex[2 * VEC_BYTES_MAX + 1];
	const char *val;
	size_t vlen;

	snprintf(quoted, sizeof quoted, "\"%s\"", key);
	if ((p = scan_find(p, end, quoted)) == NULL)
		return NULL;
	if ((p = scan_string(p + strlen(quoted), end, &val, &vlen)) == NULL)
		return NULL;
	if (vlen % 2 != 0 || vlen / 2 > cap || vlen >= sizeof hex)
		return NULL;
	memcpy(hex, val, vlen);
	hex[vlen] = '\0';
	if (ncrypto_unhex(out, vlen / 2, hex) != 0)
		return NULL;
	*len = vlen / 2;
	return p;
}

static void scan_key(const char *p, const char *end, const char *key, uint8_t out[static 32])
{
	size_t len = 0;

	ck_assert_msg(scan_hex(p, end, key, out, 32, &len) != NULL, "no %s in the vector", key);
	ck_assert_uint_eq(len, 32);
}

/* Load the Noise_XX_25519_ChaChaPoly_SHA512 vector from $NATTER_VECTORS or VEC_PATH. */
static void vec_load(struct vec *v)
{
	static char file[VEC_FILE_MAX];
	const char *path = getenv("NATTER_VECTORS");
	const char *obj, *end, *p;
	size_t len;
	FILE *f;

	if (path == NULL)
		path = VEC_PATH;
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	len = fread(file, 1, sizeof file, f);
	fclose(f);
	ck_assert_msg(len < sizeof file, "%s is over %d bytes", path, VEC_FILE_MAX);

	memset(v, 0, sizeof *v);
	obj = scan_find(file, file + len, VEC_NAME);
	ck_assert_msg(obj != NULL, "no %s in %s", VEC_NAME, path);
	/* The vector's object ends where the next one names itself. */
	end = scan_find(obj + strlen(VEC_NAME), file + len, "\"name\"");
	if (end == NULL)
		end = file + len;

	ck_assert_ptr_nonnull(scan_hex(obj, end, "init_prologue", v->init_prologue,
				       sizeof v->init_prologue, &v->init_prologue_len));
	ck_assert_ptr_nonnull(scan_hex(obj, end, "resp_prologue", v->resp_prologue,
				       sizeof v->resp_prologue, &v->resp_prologue_len));
	scan_key(obj, end, "init_static", v->init_static);
	scan_key(obj, end, "init_ephemeral", v->init_ephemeral);
	scan_key(obj, end, "resp_static", v->resp_static);
	scan_key(obj, end, "resp_ephemeral", v->resp_ephemeral);
	p = scan_find(obj, end, "\"messages\"");
	ck_assert_ptr_nonnull(p);
	for (int i = 0; i < VEC_MSGS; i++) {
		struct vec_msg *m = &v->msg[i];
		p = scan_hex(p, end, "payload", m->payload, sizeof m->payload, &m->plen);
		ck_assert_msg(p != NULL, "no payload %d", i);
		p = scan_hex(p, end, "ciphertext", m->ct, sizeof m->ct, &m->ctlen);
		ck_assert_msg(p != NULL, "no ciphertext %d", i);
	}
	ck_assert_uint_eq(v->msg[0].ctlen, VEC_LEN0);
	ck_assert_uint_eq(v->msg[1].ctlen, VEC_LEN1);
	ck_assert_uint_eq(v->msg[2].ctlen, VEC_LEN2);
}

/* A handshake with the vector's keys for one role. */
static struct noise_hs *vec_hs(const struct vec *v, int initiator)
{
	struct noise_hs *hs;

	if (initiator) {
		hs = noise_hs_new(1, v->init_prologue, v->init_prologue_len, v->init_static);
		ck_assert_ptr_nonnull(hs);
		ck_assert_int_eq(noise_hs_set_ephemeral(hs, v->init_ephemeral), 0);
	} else {
		hs = noise_hs_new(0, v->resp_prologue, v->resp_prologue_len, v->resp_static);
		ck_assert_ptr_nonnull(hs);
		ck_assert_int_eq(noise_hs_set_ephemeral(hs, v->resp_ephemeral), 0);
	}
	return hs;
}

/* Write handshake message i of the vector and check it byte for byte. */
static void vec_write(struct noise_hs *hs, const struct vec *v, int i)
{
	uint8_t out[VEC_BYTES_MAX];
	size_t n = 0;

	ck_assert_int_eq(noise_hs_write(hs, v->msg[i].payload, v->msg[i].plen, out, sizeof out, &n),
			 0);
	ck_assert_uint_eq(n, v->msg[i].ctlen);
	ck_assert_uint_eq(n, noise_hs_msg_len(i, v->msg[i].plen));
	ck_assert_mem_eq(out, v->msg[i].ct, n);
}

/* Read handshake message i of the vector and check the payload. */
static void vec_read(struct noise_hs *hs, const struct vec *v, int i)
{
	uint8_t payload[VEC_BYTES_MAX];
	size_t n = 0;

	ck_assert_int_eq(
	    noise_hs_read(hs, v->msg[i].ct, v->msg[i].ctlen, payload, sizeof payload, &n), 0);
	ck_assert_uint_eq(n, v->msg[i].plen);
	ck_assert_mem_eq(payload, v->msg[i].payload, n);
}

/* The transport messages 3..5 alternate R->I, I->R, R->I, each direction's nonce counting
 * from 0, with empty associated data. */
static void vec_check_transport(const struct vec *v, const uint8_t k_i2r[static NOISE_KEY],
				const uint8_t k_r2i[static NOISE_KEY])
{
	uint64_t n_i2r = 0, n_r2i = 0;

	for (int i = 3; i < VEC_MSGS; i++) {
		const struct vec_msg *m = &v->msg[i];
		int r2i = i % 2 == 1;
		uint8_t ct[VEC_BYTES_MAX];
		uint8_t pt[VEC_BYTES_MAX];

		ck_assert_uint_eq(m->ctlen, m->plen + NOISE_TAG);
		ncrypto_aead_encrypt(ct, r2i ? k_r2i : k_i2r, r2i ? n_r2i : n_i2r, NULL, 0,
				     m->payload, m->plen);
		ck_assert_mem_eq(ct, m->ct, m->ctlen);
		ck_assert_int_eq(ncrypto_aead_decrypt(pt, r2i ? k_r2i : k_i2r, r2i ? n_r2i : n_i2r,
						      NULL, 0, m->ct, m->ctlen),
				 0);
		ck_assert_mem_eq(pt, m->payload, m->plen);
		if (r2i)
			n_r2i++;
		else
			n_i2r++;
	}
}

/* Drive one role against the vector; its split outputs go to the caller. */
static void vec_run_role(const struct vec *v, int initiator, uint8_t k_i2r[static NOISE_KEY],
			 uint8_t k_r2i[static NOISE_KEY], uint8_t hash[static NOISE_HASH])
{
	struct noise_hs *hs = vec_hs(v, initiator);
	uint8_t rs[NOISE_DH];
	uint8_t want_rs[NOISE_DH];

	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(noise_hs_is_done(hs), 0);
		if ((i % 2 == 0) == (initiator != 0))
			vec_write(hs, v, i);
		else
			vec_read(hs, v, i);
	}
	ck_assert_int_eq(noise_hs_is_done(hs), 1);
	ck_assert_int_eq(noise_hs_split(hs, k_i2r, k_r2i, hash), 0);
	ck_assert_int_eq(noise_hs_remote_static(hs, rs), 0);
	ncrypto_dh_pub(want_rs, initiator ? v->resp_static : v->init_static);
	ck_assert_mem_eq(rs, want_rs, sizeof rs);
	noise_hs_free(hs);
}

START_TEST(initiator_reproduces_every_message_of_the_published_vector)
{
	struct vec v;
	uint8_t k_i2r[NOISE_KEY], k_r2i[NOISE_KEY], hash[NOISE_HASH];

	vec_load(&v);
	vec_run_role(&v, 1, k_i2r, k_r2i, hash);
	vec_check_transport(&v, k_i2r, k_r2i);
}
END_TEST

START_TEST(responder_reproduces_every_message_of_the_published_vector)
{
	struct vec v;
	uint8_t k_i2r[NOISE_KEY], k_r2i[NOISE_KEY], hash[NOISE_HASH];

	vec_load(&v);
	vec_run_role(&v, 0, k_i2r, k_r2i, hash);
	vec_check_transport(&v, k_i2r, k_r2i);
}
END_TEST

START_TEST(both_roles_of_the_vector_agree_on_keys_and_handshake_hash)
{
	struct vec v;
	uint8_t ki_i2r[NOISE_KEY], ki_r2i[NOISE_KEY], hi[NOISE_HASH];
	uint8_t kr_i2r[NOISE_KEY], kr_r2i[NOISE_KEY], hr[NOISE_HASH];

	vec_load(&v);
	vec_run_role(&v, 1, ki_i2r, ki_r2i, hi);
	vec_run_role(&v, 0, kr_i2r, kr_r2i, hr);
	ck_assert_mem_eq(hi, hr, sizeof hi);
	ck_assert_mem_eq(ki_i2r, kr_i2r, sizeof ki_i2r);
	ck_assert_mem_eq(ki_r2i, kr_r2i, sizeof ki_r2i);
	ck_assert_int_ne(memcmp(ki_i2r, ki_r2i, sizeof ki_i2r), 0);
}
END_TEST

/* Move one message from writer to reader, checking its payload arrives. */
static void pump(struct noise_hs *from, struct noise_hs *to, int index, const char *payload)
{
	uint8_t msg[256], got[256];
	size_t plen = strlen(payload), n = 0, m = 0;

	ck_assert_int_eq(noise_hs_write(from, (const uint8_t *)payload, plen, msg, sizeof msg, &n),
			 0);
	ck_assert_uint_eq(n, noise_hs_msg_len(index, plen));
	ck_assert_int_eq(noise_hs_read(to, msg, n, got, sizeof got, &m), 0);
	ck_assert_uint_eq(m, plen);
	ck_assert_mem_eq(got, payload, plen);
}

struct split {
	uint8_t k_i2r[NOISE_KEY];
	uint8_t k_r2i[NOISE_KEY];
	uint8_t hash[NOISE_HASH];
};

/* A full handshake between fresh instances with the given statics. */
static void random_handshake(const uint8_t si[static NOISE_DH], const uint8_t sr[static NOISE_DH],
			     struct split *ri, struct split *rr)
{
	static const uint8_t prologue[] = "natter\x01";
	uint8_t si_pub[NOISE_DH], sr_pub[NOISE_DH], rs[NOISE_DH];
	struct noise_hs *i = noise_hs_new(1, prologue, sizeof prologue - 1, si);
	struct noise_hs *r = noise_hs_new(0, prologue, sizeof prologue - 1, sr);

	ck_assert_ptr_nonnull(i);
	ck_assert_ptr_nonnull(r);
	pump(i, r, 0, "versions 1");
	pump(r, i, 1, "id_R cert_R 1");
	pump(i, r, 2, "id_I cert_I");
	ck_assert_int_eq(noise_hs_is_done(i), 1);
	ck_assert_int_eq(noise_hs_is_done(r), 1);
	ck_assert_int_eq(noise_hs_split(i, ri->k_i2r, ri->k_r2i, ri->hash), 0);
	ck_assert_int_eq(noise_hs_split(r, rr->k_i2r, rr->k_r2i, rr->hash), 0);

	ncrypto_dh_pub(si_pub, si);
	ncrypto_dh_pub(sr_pub, sr);
	ck_assert_int_eq(noise_hs_remote_static(i, rs), 0);
	ck_assert_mem_eq(rs, sr_pub, sizeof rs);
	ck_assert_int_eq(noise_hs_remote_static(r, rs), 0);
	ck_assert_mem_eq(rs, si_pub, sizeof rs);
	noise_hs_free(i);
	noise_hs_free(r);
}

START_TEST(random_keys_agree_on_transport_keys_hash_and_remote_statics)
{
	uint8_t si[NOISE_DH], sr[NOISE_DH], pub[NOISE_DH];
	struct split a_i, a_r, b_i, b_r;

	ncrypto_dh_keypair(pub, si);
	ncrypto_dh_keypair(pub, sr);
	random_handshake(si, sr, &a_i, &a_r);
	ck_assert_mem_eq(&a_i, &a_r, sizeof a_i);
	ck_assert_int_ne(memcmp(a_i.k_i2r, a_i.k_r2i, NOISE_KEY), 0);
	/* Fresh ephemerals: the same statics never give the same keys twice. */
	random_handshake(si, sr, &b_i, &b_r);
	ck_assert_mem_eq(&b_i, &b_r, sizeof b_i);
	ck_assert_int_ne(memcmp(a_i.k_i2r, b_i.k_i2r, NOISE_KEY), 0);
	ck_assert_int_ne(memcmp(a_i.hash, b_i.hash, NOISE_HASH), 0);
}
END_TEST

START_TEST(empty_payloads_and_null_buffers_complete_a_handshake)
{
	uint8_t si[NOISE_DH], sr[NOISE_DH], pub[NOISE_DH], msg[128];
	struct split a, b;
	size_t n = 0, m = 1;
	struct noise_hs *i, *r;

	ncrypto_dh_keypair(pub, si);
	ncrypto_dh_keypair(pub, sr);
	i = noise_hs_new(1, NULL, 0, si);
	r = noise_hs_new(0, NULL, 0, sr);
	ck_assert_ptr_nonnull(i);
	ck_assert_ptr_nonnull(r);
	for (int k = 0; k < 3; k++) {
		struct noise_hs *from = k % 2 == 0 ? i : r, *to = k % 2 == 0 ? r : i;
		ck_assert_int_eq(noise_hs_write(from, NULL, 0, msg, sizeof msg, &n), 0);
		ck_assert_uint_eq(n, noise_hs_msg_len(k, 0));
		ck_assert_int_eq(noise_hs_read(to, msg, n, NULL, 0, &m), 0);
		ck_assert_uint_eq(m, 0);
	}
	ck_assert_int_eq(noise_hs_split(i, a.k_i2r, a.k_r2i, a.hash), 0);
	ck_assert_int_eq(noise_hs_split(r, b.k_i2r, b.k_r2i, b.hash), 0);
	ck_assert_mem_eq(&a, &b, sizeof a);
	noise_hs_free(i);
	noise_hs_free(r);
}
END_TEST

/* After a fatal failure nothing works any more. */
static void assert_dead(struct noise_hs *hs, const struct vec *v, int next)
{
	uint8_t buf[VEC_BYTES_MAX], k1[NOISE_KEY], k2[NOISE_KEY], h[NOISE_HASH];
	size_t n = 7;

	ck_assert_int_eq(noise_hs_is_done(hs), 0);
	ck_assert_int_eq(
	    noise_hs_read(hs, v->msg[next].ct, v->msg[next].ctlen, buf, sizeof buf, &n),
	    NERR_INTERNAL);
	ck_assert_int_eq(
	    noise_hs_write(hs, v->msg[next].payload, v->msg[next].plen, buf, sizeof buf, &n),
	    NERR_INTERNAL);
	ck_assert_uint_eq(n, 7);
	ck_assert_int_eq(noise_hs_remote_static(hs, buf), NERR_INTERNAL);
	ck_assert_int_eq(noise_hs_split(hs, k1, k2, h), NERR_INTERNAL);
	ck_assert_int_eq(noise_hs_set_ephemeral(hs, v->init_ephemeral), NERR_INTERNAL);
}

/* Message 1 (index 0) is plaintext: a flip is only caught when message 2 comes back. */
START_TEST(a_flipped_bit_in_message_1_makes_message_2_fail)
{
	struct vec v;
	uint8_t msg[VEC_LEN0], reply[VEC_BYTES_MAX], buf[VEC_BYTES_MAX];
	size_t n = 0, m = 7;
	struct noise_hs *i, *r;

	vec_load(&v);
	i = vec_hs(&v, 1);
	r = vec_hs(&v, 0);
	vec_write(i, &v, 0);
	memcpy(msg, v.msg[0].ct, sizeof msg);
	msg[_i] ^= (uint8_t)(1u << (_i % 8));
	ck_assert_int_eq(noise_hs_read(r, msg, sizeof msg, buf, sizeof buf, &n), 0);
	ck_assert_int_eq(
	    noise_hs_write(r, v.msg[1].payload, v.msg[1].plen, reply, sizeof reply, &n), 0);
	ck_assert_int_eq(noise_hs_read(i, reply, n, buf, sizeof buf, &m), NERR_CRYPTO);
	ck_assert_uint_eq(m, 7);
	assert_dead(i, &v, 1);
	noise_hs_free(i);
	noise_hs_free(r);
}
END_TEST

START_TEST(a_flipped_bit_in_message_2_fails_with_a_crypto_error)
{
	struct vec v;
	uint8_t msg[VEC_LEN1], buf[VEC_BYTES_MAX];
	size_t m = 7;
	struct noise_hs *i;

	vec_load(&v);
	i = vec_hs(&v, 1);
	vec_write(i, &v, 0);
	memcpy(msg, v.msg[1].ct, sizeof msg);
	msg[_i] ^= (uint8_t)(1u << (_i % 8));
	ck_assert_int_eq(noise_hs_read(i, msg, sizeof msg, buf, sizeof buf, &m), NERR_CRYPTO);
	ck_assert_uint_eq(m, 7);
	assert_dead(i, &v, 1);
	noise_hs_free(i);
}
END_TEST

START_TEST(a_flipped_bit_in_message_3_fails_with_a_crypto_error)
{
	struct vec v;
	uint8_t msg[VEC_LEN2], buf[VEC_BYTES_MAX];
	size_t m = 7;
	struct noise_hs *r;

	vec_load(&v);
	r = vec_hs(&v, 0);
	vec_read(r, &v, 0);
	vec_write(r, &v, 1);
	memcpy(msg, v.msg[2].ct, sizeof msg);
	msg[_i] ^= (uint8_t)(1u << (_i % 8));
	ck_assert_int_eq(noise_hs_read(r, msg, sizeof msg, buf, sizeof buf, &m), NERR_CRYPTO);
	ck_assert_uint_eq(m, 7);
	assert_dead(r, &v, 2);
	noise_hs_free(r);
}
END_TEST

/* Message 1's payload is not framed: a cut past the key reads as a shorter payload, which
 * the responder's message 2 then fails to authenticate. */
START_TEST(message_1_truncated_at_any_length_fails)
{
	struct vec v;
	uint8_t reply[VEC_BYTES_MAX], buf[VEC_BYTES_MAX];
	size_t len = (size_t)_i, n = 0, m = 7;
	struct noise_hs *i, *r;

	vec_load(&v);
	i = vec_hs(&v, 1);
	r = vec_hs(&v, 0);
	vec_write(i, &v, 0);
	if (len < NOISE_DH) {
		ck_assert_int_eq(noise_hs_read(r, v.msg[0].ct, len, buf, sizeof buf, &m),
				 NERR_SHORT);
		ck_assert_uint_eq(m, 7);
		/* Nothing was consumed: the whole message still goes through. */
		vec_read(r, &v, 0);
		vec_write(r, &v, 1);
	} else {
		ck_assert_int_eq(noise_hs_read(r, v.msg[0].ct, len, buf, sizeof buf, &m), 0);
		ck_assert_uint_eq(m, len - NOISE_DH);
		ck_assert_int_eq(
		    noise_hs_write(r, v.msg[1].payload, v.msg[1].plen, reply, sizeof reply, &n), 0);
		ck_assert_int_eq(noise_hs_read(i, reply, n, buf, sizeof buf, &m), NERR_CRYPTO);
	}
	noise_hs_free(i);
	noise_hs_free(r);
}
END_TEST

START_TEST(message_2_truncated_at_any_length_fails)
{
	struct vec v;
	uint8_t buf[VEC_BYTES_MAX];
	size_t len = (size_t)_i, m = 7;
	size_t fixed = noise_hs_msg_len(1, 0);
	struct noise_hs *i;

	vec_load(&v);
	i = vec_hs(&v, 1);
	vec_write(i, &v, 0);
	if (len < fixed) {
		ck_assert_int_eq(noise_hs_read(i, v.msg[1].ct, len, buf, sizeof buf, &m),
				 NERR_SHORT);
		ck_assert_uint_eq(m, 7);
		vec_read(i, &v, 1);
		vec_write(i, &v, 2);
	} else {
		ck_assert_int_eq(noise_hs_read(i, v.msg[1].ct, len, buf, sizeof buf, &m),
				 NERR_CRYPTO);
		ck_assert_uint_eq(m, 7);
		assert_dead(i, &v, 1);
	}
	noise_hs_free(i);
}
END_TEST

START_TEST(message_3_truncated_at_any_length_fails)
{
	struct vec v;
	uint8_t buf[VEC_BYTES_MAX];
	size_t len = (size_t)_i, m = 7;
	size_t fixed = noise_hs_msg_len(2, 0);
	struct noise_hs *r;

	vec_load(&v);
	r = vec_hs(&v, 0);
	vec_read(r, &v, 0);
	vec_write(r, &v, 1);
	if (len < fixed) {
		ck_assert_int_eq(noise_hs_read(r, v.msg[2].ct, len, buf, sizeof buf, &m),
				 NERR_SHORT);
		ck_assert_uint_eq(m, 7);
		vec_read(r, &v, 2);
		ck_assert_int_eq(noise_hs_is_done(r), 1);
	} else {
		ck_assert_int_eq(noise_hs_read(r, v.msg[2].ct, len, buf, sizeof buf, &m),
				 NERR_CRYPTO);
		ck_assert_uint_eq(m, 7);
		assert_dead(r, &v, 2);
	}
	noise_hs_free(r);
}
END_TEST

START_TEST(calls_out_of_turn_fail_and_change_nothing)
{
	struct vec v;
	uint8_t buf[VEC_BYTES_MAX];
	size_t n = 7;
	struct noise_hs *i, *r;

	vec_load(&v);
	i = vec_hs(&v, 1);
	r = vec_hs(&v, 0);
	/* Each side tries the other's move at every step, then makes its own. */
	ck_assert_int_eq(noise_hs_read(i, v.msg[0].ct, v.msg[0].ctlen, buf, sizeof buf, &n),
			 NERR_INTERNAL);
	ck_assert_int_eq(noise_hs_write(r, NULL, 0, buf, sizeof buf, &n), NERR_INTERNAL);
	vec_write(i, &v, 0);
	ck_assert_int_eq(noise_hs_write(i, NULL, 0, buf, sizeof buf, &n), NERR_INTERNAL);
	vec_read(r, &v, 0);
	ck_assert_int_eq(noise_hs_read(r, v.msg[0].ct, v.msg[0].ctlen, buf, sizeof buf, &n),
			 NERR_INTERNAL);
	vec_write(r, &v, 1);
	ck_assert_int_eq(noise_hs_write(r, NULL, 0, buf, sizeof buf, &n), NERR_INTERNAL);
	ck_assert_int_eq(noise_hs_write(i, NULL, 0, buf, sizeof buf, &n), NERR_INTERNAL);
	vec_read(i, &v, 1);
	ck_assert_int_eq(noise_hs_read(i, v.msg[1].ct, v.msg[1].ctlen, buf, sizeof buf, &n),
			 NERR_INTERNAL);
	vec_write(i, &v, 2);
	vec_read(r, &v, 2);
	/* Once done, neither side has a move left. */
	ck_assert_int_eq(noise_hs_write(i, NULL, 0, buf, sizeof buf, &n), NERR_INTERNAL);
	ck_assert_int_eq(noise_hs_write(r, NULL, 0, buf, sizeof buf, &n), NERR_INTERNAL);
	ck_assert_int_eq(noise_hs_read(r, v.msg[2].ct, v.msg[2].ctlen, buf, sizeof buf, &n),
			 NERR_INTERNAL);
	ck_assert_int_eq(noise_hs_read(i, v.msg[2].ct, v.msg[2].ctlen, buf, sizeof buf, &n),
			 NERR_INTERNAL);
	ck_assert_uint_eq(n, 7);
	ck_assert_int_eq(noise_hs_is_done(i), 1);
	ck_assert_int_eq(noise_hs_is_done(r), 1);
	noise_hs_free(i);
	noise_hs_free(r);
}
END_TEST

static void assert_split_fails(struct noise_hs *hs)
{
	uint8_t k1[NOISE_KEY], k2[NOISE_KEY], h[NOISE_HASH];

	memset(k1, 0xa5, sizeof k1);
	ck_assert_int_eq(noise_hs_split(hs, k1, k2, h), NERR_INTERNAL);
	ck_assert_uint_eq(k1[0], 0xa5);
	ck_assert_uint_eq(k1[NOISE_KEY - 1], 0xa5);
}

START_TEST(split_before_the_handshake_is_done_fails)
{
	struct vec v;
	uint8_t k1[NOISE_KEY], k2[NOISE_KEY], h[NOISE_HASH];
	struct noise_hs *i, *r;

	vec_load(&v);
	i = vec_hs(&v, 1);
	r = vec_hs(&v, 0);
	assert_split_fails(i);
	assert_split_fails(r);
	vec_write(i, &v, 0);
	vec_read(r, &v, 0);
	assert_split_fails(i);
	assert_split_fails(r);
	vec_write(r, &v, 1);
	vec_read(i, &v, 1);
	assert_split_fails(i);
	assert_split_fails(r);
	vec_write(i, &v, 2);
	assert_split_fails(r);
	ck_assert_int_eq(noise_hs_split(i, k1, k2, h), 0);
	/* A second split would have to come from zeroed secrets. */
	assert_split_fails(i);
	ck_assert_int_eq(noise_hs_is_done(i), 1);
	noise_hs_free(i);
	noise_hs_free(r);
}
END_TEST

START_TEST(remote_static_is_unknown_until_authenticated)
{
	struct vec v;
	uint8_t rs[NOISE_DH];
	struct noise_hs *i, *r;

	vec_load(&v);
	i = vec_hs(&v, 1);
	r = vec_hs(&v, 0);
	vec_write(i, &v, 0);
	vec_read(r, &v, 0);
	vec_write(r, &v, 1);
	ck_assert_int_eq(noise_hs_remote_static(i, rs), NERR_INTERNAL);
	vec_read(i, &v, 1);
	ck_assert_int_eq(noise_hs_remote_static(i, rs), 0);
	vec_write(i, &v, 2);
	ck_assert_int_eq(noise_hs_remote_static(r, rs), NERR_INTERNAL);
	vec_read(r, &v, 2);
	ck_assert_int_eq(noise_hs_remote_static(r, rs), 0);
	noise_hs_free(i);
	noise_hs_free(r);
}
END_TEST

START_TEST(a_fixed_ephemeral_is_refused_once_one_is_in_use)
{
	struct vec v;
	struct noise_hs *i, *r;

	vec_load(&v);
	i = vec_hs(&v, 1);
	r = vec_hs(&v, 0);
	ck_assert_int_eq(noise_hs_set_ephemeral(i, v.init_ephemeral), NERR_INTERNAL);
	noise_hs_free(i);
	noise_hs_free(r);

	i = noise_hs_new(1, NULL, 0, v.init_static);
	ck_assert_ptr_nonnull(i);
	uint8_t msg[64];
	size_t n;
	ck_assert_int_eq(noise_hs_write(i, NULL, 0, msg, sizeof msg, &n), 0);
	ck_assert_int_eq(noise_hs_set_ephemeral(i, v.init_ephemeral), NERR_INTERNAL);
	noise_hs_free(i);
}
END_TEST

START_TEST(different_prologues_make_message_2_fail)
{
	static const uint8_t p1[] = "natter\x01", p2[] = "natter\x02";
	uint8_t si[NOISE_DH], sr[NOISE_DH], pub[NOISE_DH], msg[128], buf[128];
	size_t n = 0, m = 7;
	struct noise_hs *i, *r;

	ncrypto_dh_keypair(pub, si);
	ncrypto_dh_keypair(pub, sr);
	i = noise_hs_new(1, p1, sizeof p1 - 1, si);
	r = noise_hs_new(0, p2, sizeof p2 - 1, sr);
	ck_assert_ptr_nonnull(i);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(noise_hs_write(i, NULL, 0, msg, sizeof msg, &n), 0);
	ck_assert_int_eq(noise_hs_read(r, msg, n, buf, sizeof buf, &m), 0);
	ck_assert_int_eq(noise_hs_write(r, NULL, 0, msg, sizeof msg, &n), 0);
	m = 7;
	ck_assert_int_eq(noise_hs_read(i, msg, n, buf, sizeof buf, &m), NERR_CRYPTO);
	ck_assert_uint_eq(m, 7);
	noise_hs_free(i);
	noise_hs_free(r);
}
END_TEST

/* Points of small order on Curve25519 (u = 0, u = 1, and one of order 8). */
static const char *const low_order[] = {
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0100000000000000000000000000000000000000000000000000000000000000",
    "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
};

START_TEST(a_low_order_ephemeral_in_message_1_aborts_before_message_2_is_written)
{
	struct vec v;
	uint8_t msg[NOISE_DH], out[VEC_BYTES_MAX], buf[8];
	size_t n = 7;
	struct noise_hs *r;

	vec_load(&v);
	ck_assert_int_eq(ncrypto_unhex(msg, sizeof msg, low_order[_i]), 0);
	r = vec_hs(&v, 0);
	ck_assert_int_eq(noise_hs_read(r, msg, sizeof msg, buf, sizeof buf, &n), 0);
	n = 7;
	memset(out, 0xa5, sizeof out);
	ck_assert_int_eq(noise_hs_write(r, NULL, 0, out, sizeof out, &n), NERR_CRYPTO);
	ck_assert_uint_eq(n, 7);
	for (size_t k = 0; k < sizeof out; k++)
		ck_assert_uint_eq(out[k], 0xa5);
	assert_dead(r, &v, 1);
	noise_hs_free(r);
}
END_TEST

START_TEST(a_low_order_ephemeral_in_message_2_fails_the_read)
{
	struct vec v;
	uint8_t msg[VEC_LEN1], buf[VEC_BYTES_MAX];
	size_t m = 7;
	struct noise_hs *i;

	vec_load(&v);
	memcpy(msg, v.msg[1].ct, sizeof msg);
	ck_assert_int_eq(ncrypto_unhex(msg, NOISE_DH, low_order[_i]), 0);
	i = vec_hs(&v, 1);
	vec_write(i, &v, 0);
	ck_assert_int_eq(noise_hs_read(i, msg, sizeof msg, buf, sizeof buf, &m), NERR_CRYPTO);
	ck_assert_uint_eq(m, 7);
	assert_dead(i, &v, 1);
	noise_hs_free(i);
}
END_TEST

START_TEST(message_lengths_follow_the_xx_pattern)
{
	ck_assert_uint_eq(noise_hs_msg_len(0, 5), 32 + 5);
	ck_assert_uint_eq(noise_hs_msg_len(1, 5), 32 + 48 + 5 + 16);
	ck_assert_uint_eq(noise_hs_msg_len(2, 5), 48 + 5 + 16);
	ck_assert_uint_eq(noise_hs_msg_len(3, 0), SIZE_MAX);
	ck_assert_uint_eq(noise_hs_msg_len(-1, 0), SIZE_MAX);
	ck_assert_uint_eq(noise_hs_msg_len(1, SIZE_MAX - 10), SIZE_MAX);
}
END_TEST

START_TEST(a_buffer_too_small_is_refused_and_changes_nothing)
{
	struct vec v;
	uint8_t out[VEC_BYTES_MAX], buf[VEC_BYTES_MAX];
	size_t n = 7;
	struct noise_hs *i, *r;

	vec_load(&v);
	i = vec_hs(&v, 1);
	r = vec_hs(&v, 0);
	ck_assert_int_eq(
	    noise_hs_write(i, v.msg[0].payload, v.msg[0].plen, out, v.msg[0].ctlen - 1, &n),
	    NERR_TOOLONG);
	ck_assert_uint_eq(n, 7);
	vec_write(i, &v, 0);
	ck_assert_int_eq(noise_hs_read(r, v.msg[0].ct, v.msg[0].ctlen, buf, v.msg[0].plen - 1, &n),
			 NERR_TOOLONG);
	ck_assert_uint_eq(n, 7);
	vec_read(r, &v, 0);
	vec_write(r, &v, 1);
	ck_assert_int_eq(noise_hs_read(i, v.msg[1].ct, v.msg[1].ctlen, buf, v.msg[1].plen - 1, &n),
			 NERR_TOOLONG);
	ck_assert_uint_eq(n, 7);
	vec_read(i, &v, 1);
	noise_hs_free(i);
	noise_hs_free(r);
}
END_TEST

START_TEST(a_message_over_the_noise_limit_is_refused)
{
	static uint8_t big[NOISE_MSG_MAX + 1], out[NOISE_MSG_MAX + 1];
	struct vec v;
	size_t n = 7;
	struct noise_hs *i, *r;

	vec_load(&v);
	i = vec_hs(&v, 1);
	r = vec_hs(&v, 0);
	ck_assert_int_eq(noise_hs_write(i, big, NOISE_MSG_MAX - NOISE_DH + 1, out, sizeof out, &n),
			 NERR_TOOLONG);
	ck_assert_int_eq(noise_hs_read(r, big, sizeof big, out, sizeof out, &n), NERR_TOOLONG);
	ck_assert_uint_eq(n, 7);
	/* The largest message that fits still goes through. */
	ck_assert_int_eq(noise_hs_write(i, big, NOISE_MSG_MAX - NOISE_DH, out, sizeof out, &n), 0);
	ck_assert_uint_eq(n, NOISE_MSG_MAX);
	ck_assert_int_eq(noise_hs_read(r, out, n, big, sizeof big, &n), 0);
	ck_assert_uint_eq(n, NOISE_MSG_MAX - NOISE_DH);
	noise_hs_free(i);
	noise_hs_free(r);
}
END_TEST

START_TEST(a_prologue_over_the_limit_is_refused)
{
	uint8_t prologue[NOISE_PROLOGUE_MAX + 1] = {0}, s[NOISE_DH] = {1};
	struct noise_hs *hs;

	ck_assert_ptr_null(noise_hs_new(1, prologue, sizeof prologue, s));
	hs = noise_hs_new(1, prologue, NOISE_PROLOGUE_MAX, s);
	ck_assert_ptr_nonnull(hs);
	noise_hs_free(hs);
}
END_TEST

START_TEST(free_of_null_does_nothing)
{
	noise_hs_free(NULL);
}
END_TEST

/* One TCase per behaviour, named after its test. */
static void add(Suite *s, const TTest *t)
{
	TCase *tc = tcase_create(t->name);
	tcase_add_test(tc, t);
	suite_add_tcase(s, tc);
}

static void add_loop(Suite *s, const TTest *t, int start, int end)
{
	TCase *tc = tcase_create(t->name);
	tcase_add_loop_test(tc, t, start, end);
	suite_add_tcase(s, tc);
}

Suite *noise_suite(void)
{
	Suite *s = suite_create("noise");
	int nlow = (int)(sizeof low_order / sizeof low_order[0]);

	add(s, initiator_reproduces_every_message_of_the_published_vector);
	add(s, responder_reproduces_every_message_of_the_published_vector);
	add(s, both_roles_of_the_vector_agree_on_keys_and_handshake_hash);
	add(s, random_keys_agree_on_transport_keys_hash_and_remote_statics);
	add(s, empty_payloads_and_null_buffers_complete_a_handshake);
	add_loop(s, a_flipped_bit_in_message_1_makes_message_2_fail, 0, VEC_LEN0);
	add_loop(s, a_flipped_bit_in_message_2_fails_with_a_crypto_error, 0, VEC_LEN1);
	add_loop(s, a_flipped_bit_in_message_3_fails_with_a_crypto_error, 0, VEC_LEN2);
	add_loop(s, message_1_truncated_at_any_length_fails, 0, VEC_LEN0);
	add_loop(s, message_2_truncated_at_any_length_fails, 0, VEC_LEN1);
	add_loop(s, message_3_truncated_at_any_length_fails, 0, VEC_LEN2);
	add(s, calls_out_of_turn_fail_and_change_nothing);
	add(s, split_before_the_handshake_is_done_fails);
	add(s, remote_static_is_unknown_until_authenticated);
	add(s, a_fixed_ephemeral_is_refused_once_one_is_in_use);
	add(s, different_prologues_make_message_2_fail);
	add_loop(s, a_low_order_ephemeral_in_message_1_aborts_before_message_2_is_written, 0, nlow);
	add_loop(s, a_low_order_ephemeral_in_message_2_fails_the_read, 0, nlow);
	add(s, message_lengths_follow_the_xx_pattern);
	add(s, a_buffer_too_small_is_refused_and_changes_nothing);
	add(s, a_message_over_the_noise_limit_is_refused);
	add(s, a_prologue_over_the_limit_is_refused);
	add(s, free_of_null_does_nothing);
	return s;
}
