/* SPDX-License-Identifier: MIT */
/* The crypto module: the only code that includes sodium.h. Thin, typed
 * wrappers over libsodium 1.0.18 primitives with NERR_* returns. */
#ifndef NATTER_NCRYPTO_H
#define NATTER_NCRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define NCRYPTO_WUR __attribute__((warn_unused_result))

#define NCRYPTO_SIGN_PK 32
#define NCRYPTO_SIGN_SK 64
#define NCRYPTO_SIG 64
#define NCRYPTO_DH 32	     /* X25519 public, secret and shared sizes */
#define NCRYPTO_KEY 32	     /* symmetric keys */
#define NCRYPTO_TAG 16	     /* AEAD tag */
#define NCRYPTO_HASH 64	     /* SHA-512 */
#define NCRYPTO_SS_HEADER 24 /* secretstream header */
#define NCRYPTO_SS_ABYTES 17 /* secretstream per-message overhead */

/* Initialise libsodium; 0 or NERR_INTERNAL. Call once before anything else. */
int ncrypto_init(void) NCRYPTO_WUR;

void ncrypto_random(void *buf, size_t n);
/* Uniform in [0, upper), upper > 0. */
uint32_t ncrypto_random_uniform(uint32_t upper);

/* Guarded secret memory (sodium_malloc); NULL on failure. Free with ncrypto_free. */
void *ncrypto_malloc(size_t n);
void ncrypto_free(void *p);
void ncrypto_memzero(void *p, size_t n);
/* Constant-time equality: 1 equal, 0 not. */
int ncrypto_equal(const void *a, const void *b, size_t n);

/* Ed25519 */
void ncrypto_sign_keypair(uint8_t pk[static NCRYPTO_SIGN_PK], uint8_t sk[static NCRYPTO_SIGN_SK]);
/* 0 when the public half of an Ed25519 secret key is the one its seed
 * derives, else NERR_CRYPTO (a corrupted key file). */
int ncrypto_sign_sk_check(const uint8_t sk[static NCRYPTO_SIGN_SK]) NCRYPTO_WUR;
/* The public key embedded in an Ed25519 secret key. */
void ncrypto_sign_sk_to_pk(uint8_t pk[static NCRYPTO_SIGN_PK],
			   const uint8_t sk[static NCRYPTO_SIGN_SK]);
void ncrypto_sign(uint8_t sig[static NCRYPTO_SIG], const void *msg, size_t len,
		  const uint8_t sk[static NCRYPTO_SIGN_SK]);
/* 0 when sig is pk's signature of msg, else NERR_CRYPTO. */
int ncrypto_verify(const uint8_t sig[static NCRYPTO_SIG], const void *msg, size_t len,
		   const uint8_t pk[static NCRYPTO_SIGN_PK]) NCRYPTO_WUR;
/* Sign/verify the concatenation of a domain string and msg. */
int ncrypto_sign_ctx(uint8_t sig[static NCRYPTO_SIG], const char *ctx, const void *msg,
		     size_t len, const uint8_t sk[static NCRYPTO_SIGN_SK]) NCRYPTO_WUR;
int ncrypto_verify_ctx(const uint8_t sig[static NCRYPTO_SIG], const char *ctx, const void *msg,
		       size_t len, const uint8_t pk[static NCRYPTO_SIGN_PK]) NCRYPTO_WUR;

/* X25519 */
void ncrypto_dh_keypair(uint8_t pk[static NCRYPTO_DH], uint8_t sk[static NCRYPTO_DH]);
void ncrypto_dh_pub(uint8_t pk[static NCRYPTO_DH], const uint8_t sk[static NCRYPTO_DH]);
/* out = DH(sk, pk); NERR_CRYPTO when the result is all zero (low-order pk). */
int ncrypto_dh(uint8_t out[static NCRYPTO_DH], const uint8_t sk[static NCRYPTO_DH],
	       const uint8_t pk[static NCRYPTO_DH]) NCRYPTO_WUR;

/* ChaCha20-Poly1305 IETF with nonce 0^4 || LE64(n), as Noise's ChaChaPoly.
 * encrypt writes ptlen + NCRYPTO_TAG bytes; decrypt needs ctlen >= NCRYPTO_TAG
 * and writes ctlen - NCRYPTO_TAG bytes, or returns NERR_CRYPTO writing nothing
 * meaningful. */
void ncrypto_aead_encrypt(uint8_t *out, const uint8_t key[static NCRYPTO_KEY], uint64_t n,
			  const void *ad, size_t adlen, const void *pt, size_t ptlen);
int ncrypto_aead_decrypt(uint8_t *out, const uint8_t key[static NCRYPTO_KEY], uint64_t n,
			 const void *ad, size_t adlen, const void *ct, size_t ctlen) NCRYPTO_WUR;

/* SHA-512 of a || b (either may be empty). */
void ncrypto_sha512(uint8_t out[static NCRYPTO_HASH], const void *a, size_t alen, const void *b,
		    size_t blen);
/* HMAC-SHA-512 with a key of any length. */
void ncrypto_hmac_sha512(uint8_t out[static NCRYPTO_HASH], const void *key, size_t keylen,
			 const void *data, size_t len);
/* crypto_kdf: derive NCRYPTO_KEY bytes from key for (id, 8-byte ctx). */
void ncrypto_kdf(uint8_t out[static NCRYPTO_KEY], uint64_t id, const char ctx[static 8],
		 const uint8_t key[static NCRYPTO_KEY]);

/* crypto_secretstream_xchacha20poly1305, one direction each. States live in
 * guarded memory; _free zeroes them. */
enum ncrypto_ss_tag {
	NCRYPTO_SS_MESSAGE = 0,
	NCRYPTO_SS_PUSH = 1,
	NCRYPTO_SS_REKEY = 2,
	NCRYPTO_SS_FINAL = 3,
};
struct ncrypto_ss;
/* A push state; writes the header the reader needs. NULL on allocation failure. */
struct ncrypto_ss *ncrypto_ss_new_push(uint8_t header[static NCRYPTO_SS_HEADER],
				       const uint8_t key[static NCRYPTO_KEY]);
/* A pull state from a header; NULL on a bad header or allocation failure. */
struct ncrypto_ss *ncrypto_ss_new_pull(const uint8_t header[static NCRYPTO_SS_HEADER],
				       const uint8_t key[static NCRYPTO_KEY]);
void ncrypto_ss_free(struct ncrypto_ss *ss);
/* Writes len + NCRYPTO_SS_ABYTES bytes to out. */
int ncrypto_ss_push(struct ncrypto_ss *ss, uint8_t *out, const void *pt, size_t len,
		    enum ncrypto_ss_tag tag) NCRYPTO_WUR;
/* ctlen >= NCRYPTO_SS_ABYTES; writes ctlen - NCRYPTO_SS_ABYTES bytes; NERR_CRYPTO on forgery. */
int ncrypto_ss_pull(struct ncrypto_ss *ss, uint8_t *out, const void *ct, size_t ctlen,
		    enum ncrypto_ss_tag *tag) NCRYPTO_WUR;
/* Explicit rekey of a state (both sides must do it at the same point). */
void ncrypto_ss_rekey(struct ncrypto_ss *ss);

/* Argon2id (crypto_pwhash): derive a key from a passphrase. ops and mem are
 * stored with what they protect; ncrypto_pwhash_defaults gives this build's
 * choice. NERR_NOMEM when the memory cannot be had. */
#define NCRYPTO_SALT 16
void ncrypto_pwhash_defaults(uint64_t *ops, uint64_t *mem);
int ncrypto_pwhash(uint8_t key[static NCRYPTO_KEY], const char *pass, size_t passlen,
		   const uint8_t salt[static NCRYPTO_SALT], uint64_t ops, uint64_t mem) NCRYPTO_WUR;
/* XChaCha20-Poly1305-IETF with a 24-byte nonce: encrypt writes len + 16 bytes;
 * decrypt needs ctlen >= 16, writes ctlen - 16, NERR_CRYPTO on a bad tag. */
#define NCRYPTO_XNONCE 24
void ncrypto_xaead_encrypt(uint8_t *out, const uint8_t key[static NCRYPTO_KEY],
			   const uint8_t nonce[static NCRYPTO_XNONCE], const void *ad, size_t adlen,
			   const void *pt, size_t len);
int ncrypto_xaead_decrypt(uint8_t *out, const uint8_t key[static NCRYPTO_KEY],
			  const uint8_t nonce[static NCRYPTO_XNONCE], const void *ad, size_t adlen,
			  const void *ct, size_t ctlen) NCRYPTO_WUR;

/* ISO/IEC 7816-4 padding to a multiple of blocksize within max bytes:
 * *padded is the new length; NERR_TOOLONG if it does not fit. */
int ncrypto_pad(size_t *padded, uint8_t *buf, size_t len, size_t blocksize, size_t max) NCRYPTO_WUR;
int ncrypto_unpad(size_t *len, const uint8_t *buf, size_t padded, size_t blocksize) NCRYPTO_WUR;

/* Lowercase hex of bin into hex (2 * len + 1 bytes with the NUL). */
void ncrypto_hex(char *hex, const uint8_t *bin, size_t len);
/* Parse exactly 2 * len hex digits (either case), then the end of the
 * string; NERR_FORMAT otherwise. Not constant time: for public data only. */
int ncrypto_unhex(uint8_t *bin, size_t len, const char *hex) NCRYPTO_WUR;

#endif
