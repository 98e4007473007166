/* SPDX-License-Identifier: MIT */
/* libsodium wrappers: every call into libsodium in natter goes through here. */
#include "ncrypto.h"
#include "nerr.h"

#include <sodium.h>
#include <string.h>

int ncrypto_init(void)
{
	return sodium_init() < 0 ? NERR_INTERNAL : 0;
}

void ncrypto_random(void *buf, size_t n)
{
	randombytes_buf(buf, n);
}

uint32_t ncrypto_random_uniform(uint32_t upper)
{
	return randombytes_uniform(upper);
}

void *ncrypto_malloc(size_t n)
{
	return sodium_malloc(n);
}

void ncrypto_free(void *p)
{
	if (p)
		sodium_free(p);
}

void ncrypto_memzero(void *p, size_t n)
{
	sodium_memzero(p, n);
}

int ncrypto_equal(const void *a, const void *b, size_t n)
{
	return sodium_memcmp(a, b, n) == 0;
}

void ncrypto_sign_keypair(uint8_t pk[static NCRYPTO_SIGN_PK], uint8_t sk[static NCRYPTO_SIGN_SK])
{
	crypto_sign_keypair(pk, sk);
}

int ncrypto_sign_sk_check(const uint8_t sk[static NCRYPTO_SIGN_SK])
{
	uint8_t pk[crypto_sign_PUBLICKEYBYTES], sk2[crypto_sign_SECRETKEYBYTES];
	crypto_sign_seed_keypair(pk, sk2, sk);
	int ok = sodium_memcmp(pk, sk + 32, 32) == 0;
	sodium_memzero(sk2, sizeof sk2);
	return ok ? 0 : NERR_CRYPTO;
}

void ncrypto_sign_sk_to_pk(uint8_t pk[static NCRYPTO_SIGN_PK],
			   const uint8_t sk[static NCRYPTO_SIGN_SK])
{
	crypto_sign_ed25519_sk_to_pk(pk, sk);
}

void ncrypto_sign(uint8_t sig[static NCRYPTO_SIG], const void *msg, size_t len,
		  const uint8_t sk[static NCRYPTO_SIGN_SK])
{
	crypto_sign_detached(sig, NULL, msg, len, sk);
}

int ncrypto_verify(const uint8_t sig[static NCRYPTO_SIG], const void *msg, size_t len,
		   const uint8_t pk[static NCRYPTO_SIGN_PK])
{
	return crypto_sign_verify_detached(sig, msg, len, pk) == 0 ? 0 : NERR_CRYPTO;
}

/* Domain-separated signatures sign ctx || msg; the copy is bounded so a
 * caller cannot make us allocate without limit. */
#define CTX_MSG_MAX 1024

static int concat_ctx(uint8_t *buf, size_t *n, const char *ctx, const void *msg, size_t len)
{
	size_t clen = strlen(ctx);
	if (clen > CTX_MSG_MAX || len > CTX_MSG_MAX - clen)
		return NERR_TOOLONG;
	memcpy(buf, ctx, clen);
	if (len > 0)
		memcpy(buf + clen, msg, len);
	*n = clen + len;
	return 0;
}

int ncrypto_sign_ctx(uint8_t sig[static NCRYPTO_SIG], const char *ctx, const void *msg,
		     size_t len, const uint8_t sk[static NCRYPTO_SIGN_SK])
{
	uint8_t buf[CTX_MSG_MAX];
	size_t n;
	int e = concat_ctx(buf, &n, ctx, msg, len);
	if (e == 0)
		ncrypto_sign(sig, buf, n, sk);
	return e;
}

int ncrypto_verify_ctx(const uint8_t sig[static NCRYPTO_SIG], const char *ctx, const void *msg,
		       size_t len, const uint8_t pk[static NCRYPTO_SIGN_PK])
{
	uint8_t buf[CTX_MSG_MAX];
	size_t n;
	int e = concat_ctx(buf, &n, ctx, msg, len);
	if (e == 0)
		e = ncrypto_verify(sig, buf, n, pk);
	return e;
}

void ncrypto_dh_keypair(uint8_t pk[static NCRYPTO_DH], uint8_t sk[static NCRYPTO_DH])
{
	crypto_box_keypair(pk, sk);
}

void ncrypto_dh_pub(uint8_t pk[static NCRYPTO_DH], const uint8_t sk[static NCRYPTO_DH])
{
	crypto_scalarmult_base(pk, sk);
}

int ncrypto_dh(uint8_t out[static NCRYPTO_DH], const uint8_t sk[static NCRYPTO_DH],
	       const uint8_t pk[static NCRYPTO_DH])
{
	return crypto_scalarmult(out, sk, pk) == 0 ? 0 : NERR_CRYPTO;
}

static void aead_nonce(uint8_t nonce[12], uint64_t n)
{
	memset(nonce, 0, 4);
	for (int i = 0; i < 8; i++)
		nonce[4 + i] = (uint8_t)(n >> (8 * i));
}

void ncrypto_aead_encrypt(uint8_t *out, const uint8_t key[static NCRYPTO_KEY], uint64_t n,
			  const void *ad, size_t adlen, const void *pt, size_t ptlen)
{
	uint8_t nonce[12];
	aead_nonce(nonce, n);
	crypto_aead_chacha20poly1305_ietf_encrypt(out, NULL, pt, ptlen, ad, adlen, NULL, nonce,
						  key);
}

int ncrypto_aead_decrypt(uint8_t *out, const uint8_t key[static NCRYPTO_KEY], uint64_t n,
			 const void *ad, size_t adlen, const void *ct, size_t ctlen)
{
	uint8_t nonce[12];
	if (ctlen < NCRYPTO_TAG)
		return NERR_SHORT;
	aead_nonce(nonce, n);
	if (crypto_aead_chacha20poly1305_ietf_decrypt(out, NULL, NULL, ct, ctlen, ad, adlen, nonce,
						      key) != 0)
		return NERR_CRYPTO;
	return 0;
}

void ncrypto_sha512(uint8_t out[static NCRYPTO_HASH], const void *a, size_t alen, const void *b,
		    size_t blen)
{
	crypto_hash_sha512_state st;
	crypto_hash_sha512_init(&st);
	if (alen > 0)
		crypto_hash_sha512_update(&st, a, alen);
	if (blen > 0)
		crypto_hash_sha512_update(&st, b, blen);
	crypto_hash_sha512_final(&st, out);
	sodium_memzero(&st, sizeof st);
}

void ncrypto_hmac_sha512(uint8_t out[static NCRYPTO_HASH], const void *key, size_t keylen,
			 const void *data, size_t len)
{
	crypto_auth_hmacsha512_state st;
	crypto_auth_hmacsha512_init(&st, key, keylen);
	if (len > 0)
		crypto_auth_hmacsha512_update(&st, data, len);
	crypto_auth_hmacsha512_final(&st, out);
	sodium_memzero(&st, sizeof st);
}

void ncrypto_kdf(uint8_t out[static NCRYPTO_KEY], uint64_t id, const char ctx[static 8],
		 const uint8_t key[static NCRYPTO_KEY])
{
	crypto_kdf_derive_from_key(out, NCRYPTO_KEY, id, ctx, key);
}

struct ncrypto_ss {
	crypto_secretstream_xchacha20poly1305_state st;
};

struct ncrypto_ss *ncrypto_ss_new_push(uint8_t header[static NCRYPTO_SS_HEADER],
				       const uint8_t key[static NCRYPTO_KEY])
{
	struct ncrypto_ss *ss = sodium_malloc(sizeof *ss);
	if (!ss)
		return NULL;
	crypto_secretstream_xchacha20poly1305_init_push(&ss->st, header, key);
	return ss;
}

struct ncrypto_ss *ncrypto_ss_new_pull(const uint8_t header[static NCRYPTO_SS_HEADER],
				       const uint8_t key[static NCRYPTO_KEY])
{
	struct ncrypto_ss *ss = sodium_malloc(sizeof *ss);
	if (!ss)
		return NULL;
	if (crypto_secretstream_xchacha20poly1305_init_pull(&ss->st, header, key) != 0) {
		ncrypto_ss_free(ss);
		return NULL;
	}
	return ss;
}

void ncrypto_ss_free(struct ncrypto_ss *ss)
{
	if (!ss)
		return;
	sodium_memzero(ss, sizeof *ss);
	sodium_free(ss);
}

static unsigned char tag_to_sodium(enum ncrypto_ss_tag tag)
{
	switch (tag) {
	case NCRYPTO_SS_PUSH: return crypto_secretstream_xchacha20poly1305_TAG_PUSH;
	case NCRYPTO_SS_REKEY: return crypto_secretstream_xchacha20poly1305_TAG_REKEY;
	case NCRYPTO_SS_FINAL: return crypto_secretstream_xchacha20poly1305_TAG_FINAL;
	case NCRYPTO_SS_MESSAGE: break;
	}
	return crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
}

int ncrypto_ss_push(struct ncrypto_ss *ss, uint8_t *out, const void *pt, size_t len,
		    enum ncrypto_ss_tag tag)
{
	if (crypto_secretstream_xchacha20poly1305_push(&ss->st, out, NULL, pt, len, NULL, 0,
						       tag_to_sodium(tag)) != 0)
		return NERR_CRYPTO;
	return 0;
}

int ncrypto_ss_pull(struct ncrypto_ss *ss, uint8_t *out, const void *ct, size_t ctlen,
		    enum ncrypto_ss_tag *tag)
{
	unsigned char t;
	if (ctlen < NCRYPTO_SS_ABYTES)
		return NERR_SHORT;
	if (crypto_secretstream_xchacha20poly1305_pull(&ss->st, out, NULL, &t, ct, ctlen, NULL,
						       0) != 0)
		return NERR_CRYPTO;
	if (t == crypto_secretstream_xchacha20poly1305_TAG_PUSH)
		*tag = NCRYPTO_SS_PUSH;
	else if (t == crypto_secretstream_xchacha20poly1305_TAG_REKEY)
		*tag = NCRYPTO_SS_REKEY;
	else if (t == crypto_secretstream_xchacha20poly1305_TAG_FINAL)
		*tag = NCRYPTO_SS_FINAL;
	else if (t == crypto_secretstream_xchacha20poly1305_TAG_MESSAGE)
		*tag = NCRYPTO_SS_MESSAGE;
	else
		return NERR_FORMAT; /* authentic, but no tag we know: refuse */
	return 0;
}

void ncrypto_ss_rekey(struct ncrypto_ss *ss)
{
	crypto_secretstream_xchacha20poly1305_rekey(&ss->st);
}

void ncrypto_pwhash_defaults(uint64_t *ops, uint64_t *mem)
{
	*ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
	*mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
}

int ncrypto_pwhash(uint8_t key[static NCRYPTO_KEY], const char *pass, size_t passlen,
		   const uint8_t salt[static NCRYPTO_SALT], uint64_t ops, uint64_t mem)
{
	/* Bounds from a file are checked: a forged header must not ask for
	 * terabytes or years. */
	if (ops < crypto_pwhash_OPSLIMIT_MIN || ops > 64 || mem < crypto_pwhash_MEMLIMIT_MIN ||
	    mem > ((uint64_t)1 << 32))
		return NERR_FORMAT;
	if (crypto_pwhash(key, NCRYPTO_KEY, pass, passlen, salt, ops, (size_t)mem,
			  crypto_pwhash_ALG_ARGON2ID13) != 0)
		return NERR_NOMEM;
	return 0;
}

void ncrypto_xaead_encrypt(uint8_t *out, const uint8_t key[static NCRYPTO_KEY],
			   const uint8_t nonce[static NCRYPTO_XNONCE], const void *ad, size_t adlen,
			   const void *pt, size_t len)
{
	crypto_aead_xchacha20poly1305_ietf_encrypt(out, NULL, pt, len, ad, adlen, NULL, nonce, key);
}

int ncrypto_xaead_decrypt(uint8_t *out, const uint8_t key[static NCRYPTO_KEY],
			  const uint8_t nonce[static NCRYPTO_XNONCE], const void *ad, size_t adlen,
			  const void *ct, size_t ctlen)
{
	if (ctlen < NCRYPTO_TAG)
		return NERR_SHORT;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(out, NULL, NULL, ct, ctlen, ad, adlen,
						       nonce, key) != 0)
		return NERR_CRYPTO;
	return 0;
}

int ncrypto_pad(size_t *padded, uint8_t *buf, size_t len, size_t blocksize, size_t max)
{
	size_t out;
	if (sodium_pad(&out, buf, len, blocksize, max) != 0)
		return NERR_TOOLONG;
	*padded = out;
	return 0;
}

int ncrypto_unpad(size_t *len, const uint8_t *buf, size_t padded, size_t blocksize)
{
	size_t out;
	if (sodium_unpad(&out, buf, padded, blocksize) != 0)
		return NERR_FORMAT;
	*len = out;
	return 0;
}

void ncrypto_hex(char *hex, const uint8_t *bin, size_t len)
{
	sodium_bin2hex(hex, 2 * len + 1, bin, len);
}

/* The value of one hex digit, or -1. */
static int ncrypto_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20; /* ASCII lower case */
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Why not sodium_hex2bin: it runs in constant time, which costs a stream
 * of messages (their texts travel in hex over ctl.sock) 3 % of the
 * sender's CPU, and nothing parsed here is secret: ids, public keys, texts
 * from the local user. bin is written even when the result is NERR_FORMAT. */
int ncrypto_unhex(uint8_t *bin, size_t len, const char *hex)
{
	for (size_t i = 0; i < len; i++) {
		int hi = ncrypto_hexval((unsigned char)hex[2 * i]);
		int lo = hi < 0 ? -1 : ncrypto_hexval((unsigned char)hex[2 * i + 1]);
		if (lo < 0)
			return NERR_FORMAT;
		bin[i] = (uint8_t)(hi << 4 | lo);
	}
	return hex[2 * len] == '\0' ? 0 : NERR_FORMAT;
}
