/* SPDX-License-Identifier: MIT */
/* Noise_XX_25519_ChaChaPoly_SHA512 after the Noise specification, revision 34: the
 * symmetric state (ck, h, k, n) of section 5.2 and the XX message patterns
 * -> e; <- e, ee, s, es; -> s, se. */
#include "noise.h"
#include "nbuf.h"
#include "ncrypto.h"
#include "nerr.h"

#include <stdbool.h>
#include <string.h>

static const char noise_protocol_name[] = "Noise_XX_25519_ChaChaPoly_SHA512";

_Static_assert(sizeof noise_protocol_name - 1 <= NOISE_HASH, "the name must fit HASHLEN");
_Static_assert(NOISE_KEY <= NOISE_HASH, "a cipher key is a prefix of an HKDF output");

/* What each message adds to its payload: keys, the encrypted static and the tags. */
static const size_t noise_msg_overhead[3] = {
    NOISE_DH,
    NOISE_DH + NOISE_DH + NOISE_TAG + NOISE_TAG,
    NOISE_DH + NOISE_TAG + NOISE_TAG,
};

struct noise_hs {
	uint8_t ck[NOISE_HASH];
	uint8_t h[NOISE_HASH];
	uint8_t k[NOISE_KEY];
	uint64_t n;
	bool has_k;
	uint8_t s_priv[NOISE_DH];
	uint8_t s_pub[NOISE_DH];
	uint8_t e_priv[NOISE_DH];
	uint8_t e_pub[NOISE_DH];
	bool has_e;
	uint8_t re[NOISE_DH];
	uint8_t rs[NOISE_DH];
	bool has_rs;
	bool initiator;
	int step;   /* messages written or read so far, 0..3 */
	bool dead;  /* a DH or a tag failed; every call fails from then on */
	bool split; /* noise_hs_split ran; only rs is left */
};

static void hs_mix_hash(struct noise_hs *hs, const void *data, size_t len)
{
	uint8_t h[NOISE_HASH];
	ncrypto_sha512(h, hs->h, sizeof hs->h, data, len);
	memcpy(hs->h, h, sizeof h);
	ncrypto_memzero(h, sizeof h);
}

/* HKDF with two outputs, HMAC-SHA512 as HMAC-HASH (section 4.3). */
static void hs_hkdf2(const uint8_t ck[static NOISE_HASH], const void *ikm, size_t ikmlen,
		     uint8_t out1[static NOISE_HASH], uint8_t out2[static NOISE_HASH])
{
	static const uint8_t one = 0x01;
	uint8_t temp[NOISE_HASH];
	uint8_t in2[NOISE_HASH + 1];

	ncrypto_hmac_sha512(temp, ck, NOISE_HASH, ikm, ikmlen);
	ncrypto_hmac_sha512(out1, temp, sizeof temp, &one, sizeof one);
	memcpy(in2, out1, NOISE_HASH);
	in2[NOISE_HASH] = 0x02;
	ncrypto_hmac_sha512(out2, temp, sizeof temp, in2, sizeof in2);
	ncrypto_memzero(temp, sizeof temp);
	ncrypto_memzero(in2, sizeof in2);
}

static void hs_mix_key(struct noise_hs *hs, const uint8_t ikm[static NOISE_DH])
{
	uint8_t ck[NOISE_HASH];
	uint8_t temp_k[NOISE_HASH];

	hs_hkdf2(hs->ck, ikm, NOISE_DH, ck, temp_k);
	memcpy(hs->ck, ck, sizeof ck);
	memcpy(hs->k, temp_k, NOISE_KEY);
	hs->n = 0;
	hs->has_k = true;
	ncrypto_memzero(ck, sizeof ck);
	ncrypto_memzero(temp_k, sizeof temp_k);
}

/* MixKey(DH(sk, pk)); NERR_CRYPTO, mixing nothing, for a low-order pk. */
static int hs_mix_dh(struct noise_hs *hs, const uint8_t sk[static NOISE_DH],
		     const uint8_t pk[static NOISE_DH])
{
	uint8_t dh[NOISE_DH];
	int r = NERR_INTERNAL;

	if ((r = ncrypto_dh(dh, sk, pk)) != 0)
		goto out;
	hs_mix_key(hs, dh);
	r = 0;
out:
	ncrypto_memzero(dh, sizeof dh);
	return r;
}

/* Writes len bytes, plus a tag once a key is set, to out. In the handshake n never gets
 * near 2^64 - 1, the nonce Noise reserves. */
static void hs_encrypt_and_hash(struct noise_hs *hs, uint8_t *out, const uint8_t *pt, size_t len)
{
	if (hs->has_k) {
		ncrypto_aead_encrypt(out, hs->k, hs->n, hs->h, sizeof hs->h, pt, len);
		hs->n++;
		len += NOISE_TAG;
	} else if (len > 0) {
		memcpy(out, pt, len);
	}
	hs_mix_hash(hs, out, len);
}

/* Writes len bytes, less the tag once a key is set, to out; NERR_CRYPTO on a bad tag. */
static int hs_decrypt_and_hash(struct noise_hs *hs, uint8_t *out, const uint8_t *ct, size_t len)
{
	int r = NERR_INTERNAL;

	if (hs->has_k) {
		if ((r = ncrypto_aead_decrypt(out, hs->k, hs->n, hs->h, sizeof hs->h, ct, len)) !=
		    0)
			return r;
		hs->n++;
	} else if (len > 0) {
		memcpy(out, ct, len);
	}
	hs_mix_hash(hs, ct, len);
	return 0;
}

static void hs_ensure_ephemeral(struct noise_hs *hs)
{
	if (hs->has_e)
		return;
	ncrypto_dh_keypair(hs->e_pub, hs->e_priv);
	hs->has_e = true;
}

/* Zero every secret and leave only the mark that nothing may be done any more. */
static void hs_kill(struct noise_hs *hs)
{
	ncrypto_memzero(hs, sizeof *hs);
	hs->dead = true;
}

static int hs_check_turn(const struct noise_hs *hs, bool writing)
{
	bool my_turn_to_write = (hs->step % 2 == 0) == hs->initiator;

	if (hs->dead || hs->split || hs->step >= 3 || my_turn_to_write != writing)
		return NERR_INTERNAL;
	return 0;
}

/* The payload goes after the fixed part, straight into out: nbuf_writer has no way to
 * hand out room to encrypt into, and noise_hs_write has checked that out holds the whole
 * message, so &out[w->len] is in bounds for plen + tag bytes. */
static void hs_seal_payload(struct noise_hs *hs, struct nbuf_writer *w, uint8_t *out,
			    const uint8_t *payload, size_t plen)
{
	hs_encrypt_and_hash(hs, &out[w->len], payload, plen);
}

/* -> e */
static int hs_write_msg1(struct noise_hs *hs, const uint8_t *payload, size_t plen, uint8_t *out,
			 size_t cap)
{
	struct nbuf_writer w;
	int r = NERR_INTERNAL;

	hs_ensure_ephemeral(hs);
	nbuf_writer_init(&w, out, cap);
	if ((r = nbuf_put_bytes(&w, hs->e_pub, NOISE_DH)) != 0)
		return r;
	hs_mix_hash(hs, hs->e_pub, NOISE_DH);
	hs_seal_payload(hs, &w, out, payload, plen);
	return 0;
}

/* <- e, ee, s, es. Both DHs come first so that a low-order e from message 1 fails the
 * write before anything reaches out. */
static int hs_write_msg2(struct noise_hs *hs, const uint8_t *payload, size_t plen, uint8_t *out,
			 size_t cap)
{
	uint8_t ee[NOISE_DH];
	uint8_t es[NOISE_DH];
	uint8_t s_ct[NOISE_DH + NOISE_TAG];
	struct nbuf_writer w;
	int r = NERR_INTERNAL;

	hs_ensure_ephemeral(hs);
	if ((r = ncrypto_dh(ee, hs->e_priv, hs->re)) != 0)
		goto out;
	if ((r = ncrypto_dh(es, hs->s_priv, hs->re)) != 0)
		goto out;
	nbuf_writer_init(&w, out, cap);
	if ((r = nbuf_put_bytes(&w, hs->e_pub, NOISE_DH)) != 0)
		goto out;
	hs_mix_hash(hs, hs->e_pub, NOISE_DH);
	hs_mix_key(hs, ee);
	hs_encrypt_and_hash(hs, s_ct, hs->s_pub, NOISE_DH);
	if ((r = nbuf_put_bytes(&w, s_ct, sizeof s_ct)) != 0)
		goto out;
	hs_mix_key(hs, es);
	hs_seal_payload(hs, &w, out, payload, plen);
	r = 0;
out:
	ncrypto_memzero(ee, sizeof ee);
	ncrypto_memzero(es, sizeof es);
	ncrypto_memzero(s_ct, sizeof s_ct);
	return r;
}

/* -> s, se */
static int hs_write_msg3(struct noise_hs *hs, const uint8_t *payload, size_t plen, uint8_t *out,
			 size_t cap)
{
	uint8_t se[NOISE_DH];
	uint8_t s_ct[NOISE_DH + NOISE_TAG];
	struct nbuf_writer w;
	int r = NERR_INTERNAL;

	if ((r = ncrypto_dh(se, hs->s_priv, hs->re)) != 0)
		goto out;
	nbuf_writer_init(&w, out, cap);
	hs_encrypt_and_hash(hs, s_ct, hs->s_pub, NOISE_DH);
	if ((r = nbuf_put_bytes(&w, s_ct, sizeof s_ct)) != 0)
		goto out;
	hs_mix_key(hs, se);
	hs_seal_payload(hs, &w, out, payload, plen);
	r = 0;
out:
	ncrypto_memzero(se, sizeof se);
	ncrypto_memzero(s_ct, sizeof s_ct);
	return r;
}

/* -> e, read by the responder: the payload is plaintext, hashed into h. */
static int hs_read_msg1(struct noise_hs *hs, struct nbuf_reader *rd, uint8_t *payload)
{
	const uint8_t *p;
	size_t plen;
	int r = NERR_INTERNAL;

	if ((r = nbuf_get_bytes(rd, hs->re, NOISE_DH)) != 0)
		return r;
	hs_mix_hash(hs, hs->re, NOISE_DH);
	plen = nbuf_left(rd);
	if ((r = nbuf_get_ref(rd, &p, plen)) != 0)
		return r;
	return hs_decrypt_and_hash(hs, payload, p, plen);
}

/* <- e, ee, s, es, read by the initiator. The responder's static becomes known only
 * when the payload's tag has verified too. */
static int hs_read_msg2(struct noise_hs *hs, struct nbuf_reader *rd, uint8_t *payload)
{
	uint8_t rs[NOISE_DH];
	const uint8_t *s_ct;
	const uint8_t *p_ct;
	size_t clen;
	int r = NERR_INTERNAL;

	if ((r = nbuf_get_bytes(rd, hs->re, NOISE_DH)) != 0)
		goto out;
	hs_mix_hash(hs, hs->re, NOISE_DH);
	if ((r = hs_mix_dh(hs, hs->e_priv, hs->re)) != 0)
		goto out;
	if ((r = nbuf_get_ref(rd, &s_ct, NOISE_DH + NOISE_TAG)) != 0)
		goto out;
	if ((r = hs_decrypt_and_hash(hs, rs, s_ct, NOISE_DH + NOISE_TAG)) != 0)
		goto out;
	if ((r = hs_mix_dh(hs, hs->e_priv, rs)) != 0)
		goto out;
	clen = nbuf_left(rd);
	if ((r = nbuf_get_ref(rd, &p_ct, clen)) != 0)
		goto out;
	if ((r = hs_decrypt_and_hash(hs, payload, p_ct, clen)) != 0)
		goto out;
	memcpy(hs->rs, rs, sizeof rs);
	hs->has_rs = true;
	r = 0;
out:
	ncrypto_memzero(rs, sizeof rs);
	return r;
}

/* -> s, se, read by the responder. */
static int hs_read_msg3(struct noise_hs *hs, struct nbuf_reader *rd, uint8_t *payload)
{
	uint8_t rs[NOISE_DH];
	const uint8_t *s_ct;
	const uint8_t *p_ct;
	size_t clen;
	int r = NERR_INTERNAL;

	if ((r = nbuf_get_ref(rd, &s_ct, NOISE_DH + NOISE_TAG)) != 0)
		goto out;
	if ((r = hs_decrypt_and_hash(hs, rs, s_ct, NOISE_DH + NOISE_TAG)) != 0)
		goto out;
	if ((r = hs_mix_dh(hs, hs->e_priv, rs)) != 0)
		goto out;
	clen = nbuf_left(rd);
	if ((r = nbuf_get_ref(rd, &p_ct, clen)) != 0)
		goto out;
	if ((r = hs_decrypt_and_hash(hs, payload, p_ct, clen)) != 0)
		goto out;
	memcpy(hs->rs, rs, sizeof rs);
	hs->has_rs = true;
	r = 0;
out:
	ncrypto_memzero(rs, sizeof rs);
	return r;
}

struct noise_hs *noise_hs_new(int initiator, const uint8_t *prologue, size_t prologue_len,
			      const uint8_t s_priv[static NOISE_DH])
{
	struct noise_hs *hs;

	if (prologue_len > NOISE_PROLOGUE_MAX)
		return NULL;
	if ((hs = ncrypto_malloc(sizeof *hs)) == NULL)
		return NULL;
	memset(hs, 0, sizeof *hs);
	hs->initiator = initiator != 0;
	memcpy(hs->s_priv, s_priv, NOISE_DH);
	ncrypto_dh_pub(hs->s_pub, hs->s_priv);
	/* InitializeSymmetric: a name no longer than HASHLEN is h, zero-padded; ck = h. */
	memcpy(hs->h, noise_protocol_name, sizeof noise_protocol_name - 1);
	memcpy(hs->ck, hs->h, sizeof hs->h);
	hs_mix_hash(hs, prologue, prologue_len);
	return hs;
}

int noise_hs_set_ephemeral(struct noise_hs *hs, const uint8_t e_priv[static NOISE_DH])
{
	if (hs->dead || hs->split || hs->has_e)
		return NERR_INTERNAL;
	memcpy(hs->e_priv, e_priv, NOISE_DH);
	ncrypto_dh_pub(hs->e_pub, hs->e_priv);
	hs->has_e = true;
	return 0;
}

size_t noise_hs_msg_len(int index, size_t payload_len)
{
	size_t overhead;

	if (index < 0 || index > 2)
		return SIZE_MAX;
	overhead = noise_msg_overhead[index];
	if (payload_len > SIZE_MAX - overhead)
		return SIZE_MAX;
	return overhead + payload_len;
}

int noise_hs_write(struct noise_hs *hs, const uint8_t *payload, size_t plen, uint8_t *out,
		   size_t cap, size_t *outlen)
{
	size_t need;
	int r = NERR_INTERNAL;

	/* Failures before the first state change leave the handshake as it was. */
	if ((r = hs_check_turn(hs, true)) != 0)
		return r;
	need = noise_hs_msg_len(hs->step, plen);
	if (need > NOISE_MSG_MAX || need > cap)
		return NERR_TOOLONG;

	switch (hs->step) {
	case 0: r = hs_write_msg1(hs, payload, plen, out, cap); break;
	case 1: r = hs_write_msg2(hs, payload, plen, out, cap); break;
	case 2: r = hs_write_msg3(hs, payload, plen, out, cap); break;
	default: r = NERR_INTERNAL; break;
	}
	if (r != 0)
		goto out;
	hs->step++;
	*outlen = need;
	r = 0;
out:
	if (r != 0)
		hs_kill(hs);
	return r;
}

int noise_hs_read(struct noise_hs *hs, const uint8_t *msg, size_t len, uint8_t *payload, size_t cap,
		  size_t *plen)
{
	struct nbuf_reader rd;
	size_t fixed;
	int r = NERR_INTERNAL;

	/* Failures before the first state change leave the handshake as it was. */
	if ((r = hs_check_turn(hs, false)) != 0)
		return r;
	if (len > NOISE_MSG_MAX)
		return NERR_TOOLONG;
	fixed = noise_hs_msg_len(hs->step, 0);
	if (len < fixed)
		return NERR_SHORT;
	if (len - fixed > cap)
		return NERR_TOOLONG;

	nbuf_reader_init(&rd, msg, len);
	switch (hs->step) {
	case 0: r = hs_read_msg1(hs, &rd, payload); break;
	case 1: r = hs_read_msg2(hs, &rd, payload); break;
	case 2: r = hs_read_msg3(hs, &rd, payload); break;
	default: r = NERR_INTERNAL; break;
	}
	if (r != 0)
		goto out;
	if ((r = nbuf_expect_end(&rd)) != 0)
		goto out;
	hs->step++;
	*plen = len - fixed;
	r = 0;
out:
	if (r != 0)
		hs_kill(hs);
	return r;
}

int noise_hs_remote_static(const struct noise_hs *hs, uint8_t out[static NOISE_DH])
{
	if (hs->dead || !hs->has_rs)
		return NERR_INTERNAL;
	memcpy(out, hs->rs, NOISE_DH);
	return 0;
}

int noise_hs_is_done(const struct noise_hs *hs)
{
	return !hs->dead && hs->step == 3;
}

int noise_hs_split(struct noise_hs *hs, uint8_t k_i2r[static NOISE_KEY],
		   uint8_t k_r2i[static NOISE_KEY], uint8_t hash[static NOISE_HASH])
{
	uint8_t t1[NOISE_HASH];
	uint8_t t2[NOISE_HASH];

	if (hs->dead || hs->split || hs->step != 3)
		return NERR_INTERNAL;
	hs_hkdf2(hs->ck, NULL, 0, t1, t2);
	memcpy(k_i2r, t1, NOISE_KEY);
	memcpy(k_r2i, t2, NOISE_KEY);
	memcpy(hash, hs->h, NOISE_HASH);
	ncrypto_memzero(t1, sizeof t1);
	ncrypto_memzero(t2, sizeof t2);

	ncrypto_memzero(hs->ck, sizeof hs->ck);
	ncrypto_memzero(hs->h, sizeof hs->h);
	ncrypto_memzero(hs->k, sizeof hs->k);
	hs->n = 0;
	hs->has_k = false;
	ncrypto_memzero(hs->s_priv, sizeof hs->s_priv);
	ncrypto_memzero(hs->s_pub, sizeof hs->s_pub);
	ncrypto_memzero(hs->e_priv, sizeof hs->e_priv);
	ncrypto_memzero(hs->e_pub, sizeof hs->e_pub);
	ncrypto_memzero(hs->re, sizeof hs->re);
	hs->split = true;
	return 0;
}

void noise_hs_free(struct noise_hs *hs)
{
	if (hs == NULL)
		return;
	ncrypto_memzero(hs, sizeof *hs);
	ncrypto_free(hs);
}
