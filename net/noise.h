/* SPDX-License-Identifier: MIT */
/* The Noise (revision 34) handshake Noise_XX_25519_ChaChaPoly_SHA512 as a pure state
 * machine: the caller moves the three messages, this module only turns bytes into bytes
 * and, at the end, into a pair of transport keys. No I/O and no allocation sized by input. */
#ifndef NATTER_NOISE_H
#define NATTER_NOISE_H

#include <stddef.h>
#include <stdint.h>

#define NOISE_WUR __attribute__((warn_unused_result))

#define NOISE_DH	   32	 /* X25519 key and shared-secret size */
#define NOISE_KEY	   32	 /* a transport (cipher) key */
#define NOISE_HASH	   64	 /* the handshake hash, SHA-512 */
#define NOISE_TAG	   16	 /* the ChaChaPoly tag */
#define NOISE_PROLOGUE_MAX 64	 /* longest prologue noise_hs_new accepts */
#define NOISE_MSG_MAX	   65535 /* Noise's limit on one handshake message */

/* One side of one handshake: roles, keys, the symmetric state and which message is next.
 * Lives in guarded memory; noise_hs_free zeroes it. Not thread-safe. */
struct noise_hs;

/* A handshake for one role (initiator nonzero: this side sends message 1) bound to the
 * prologue (both sides must pass the same bytes, up to NOISE_PROLOGUE_MAX; NULL when
 * prologue_len is 0) with the local X25519 static secret s_priv, which is copied.
 * Returns NULL when the allocation fails or the prologue is too long. */
struct noise_hs *noise_hs_new(int initiator, const uint8_t *prologue, size_t prologue_len,
			      const uint8_t s_priv[static NOISE_DH]);

/* Use e_priv (copied) as this side's ephemeral secret instead of a random one, which is
 * otherwise drawn when the first message carrying it is written. For test vectors only.
 * 0, or NERR_INTERNAL once the ephemeral is in use or the handshake is over. */
int noise_hs_set_ephemeral(struct noise_hs *hs, const uint8_t e_priv[static NOISE_DH]) NOISE_WUR;

/* Write this side's next handshake message, carrying payload (plen bytes; NULL when plen
 * is 0; encrypted in messages 2 and 3, plaintext but authenticated later in message 1)
 * into out (cap bytes, not overlapping payload) and set *outlen to its length,
 * noise_hs_msg_len(index, plen). Returns 0; NERR_INTERNAL when it is not this side's turn
 * to write or the handshake is dead or split; NERR_TOOLONG when the message would not fit
 * cap or NOISE_MSG_MAX (the state is unchanged after these); NERR_CRYPTO when a DH
 * meets a low-order key, which kills the handshake. out and *outlen are written only on
 * success. */
int noise_hs_write(struct noise_hs *hs, const uint8_t *payload, size_t plen, uint8_t *out,
		   size_t cap, size_t *outlen) NOISE_WUR;

/* Read the peer's next handshake message msg (len bytes) and put its payload into payload
 * (cap bytes, not overlapping msg; may be NULL when cap is 0), setting *plen to the
 * payload length. Returns 0; NERR_INTERNAL out of
 * turn or when dead or split; NERR_SHORT when msg is shorter than the message's fixed part
 * (keys and tags); NERR_TOOLONG when len is over NOISE_MSG_MAX or the payload would not
 * fit cap (the state is unchanged after these); NERR_CRYPTO when a tag does not verify or a
 * DH meets a low-order key, after which the handshake is dead and every later call fails.
 * *plen is written only on success; on NERR_CRYPTO payload holds no plaintext (libsodium
 * may have cleared it). A message 2 read successfully has authenticated the responder's
 * static key: check it with noise_hs_remote_static before writing message 3. */
int noise_hs_read(struct noise_hs *hs, const uint8_t *msg, size_t len, uint8_t *payload, size_t cap,
		  size_t *plen) NOISE_WUR;

/* The length of handshake message index (0, 1 or 2, in sending order) with a payload of
 * payload_len bytes: 32 + p; 32 + 48 + p + 16; 48 + p + 16. SIZE_MAX for any other index
 * or when the sum overflows. */
size_t noise_hs_msg_len(int index, size_t payload_len);

/* Copy the peer's static public key to out once it is authenticated (the initiator after
 * reading message 2, the responder after reading message 3). 0, or NERR_INTERNAL before
 * then or when the handshake is dead. Still available after noise_hs_split. */
int noise_hs_remote_static(const struct noise_hs *hs, uint8_t out[static NOISE_DH]) NOISE_WUR;

/* 1 when all three messages have been written or read (also after the split), else 0. */
int noise_hs_is_done(const struct noise_hs *hs);

/* Noise's Split, once the handshake is done: k_i2r encrypts initiator-to-responder
 * traffic (Noise's c1), k_r2i responder-to-initiator (c2), each with its own nonce
 * counting from 0; hash is the handshake hash h, for channel binding. Then zeroes every
 * handshake secret (ck, k, both ephemerals and the local static). Returns 0, or
 * NERR_INTERNAL (nothing written) when not done, dead or already split. */
int noise_hs_split(struct noise_hs *hs, uint8_t k_i2r[static NOISE_KEY],
		   uint8_t k_r2i[static NOISE_KEY], uint8_t hash[static NOISE_HASH]) NOISE_WUR;

/* Zero and free hs. NULL is a no-op. */
void noise_hs_free(struct noise_hs *hs);

#endif
