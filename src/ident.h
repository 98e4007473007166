/* SPDX-License-Identifier: MIT */
/* This node's identity: an Ed25519 key (what peers pin, what signs beacons)
 * and an X25519 static key certified by it, kept in HOME/identity. */
#ifndef NATTER_IDENT_H
#define NATTER_IDENT_H

#include <stdint.h>

#include "conn.h"

#define IDENT_FILE "identity"
#define IDENT_FILE_LEN 104 /* "NTRK" | ver | flags | reserved[2] | id_sk[64] | s_priv[32] */
/* Encrypted (flags bit 0): "NTRK" | ver | flags | reserved[2] | salt[16] |
 * ops u64 | mem u64 | nonce[24] | XChaCha20-Poly1305(id_sk | s_priv) with the
 * 64-byte header as associated data, under Argon2id(passphrase, salt). */
#define IDENT_FILE_LEN_ENC 176
#define IDENT_PASS_MAX 1024

/* Where a passphrase comes from: get writes it to buf (cap bytes) and
 * returns its length, or -1 when there is none to be had. */
struct ident_pass {
	int (*get)(void *ctx, char *buf, size_t cap);
	void *ctx;
};
#define IDENT_FP_LEN 64	   /* fingerprint: lowercase hex of id_pub */

struct ident {
	struct conn_identity conn; /* id_pub, cert and borrowed secret pointers */
	uint8_t *secrets;	   /* guarded memory: id_sk[64] | s_priv[32] */
	char fp[IDENT_FP_LEN + 1];
};

/* Load HOME/identity, or create it atomically if it does not exist (two
 * processes starting together end up with the same key). Refuses a key file
 * that is a symlink, not a regular file, not owned by us or readable by group
 * or others (NERR_PERM), or malformed (NERR_FORMAT / NERR_VERSION). A key
 * file protected by a passphrase asks pass: NERR_LOCKED when it has none,
 * NERR_CRYPTO when it is wrong.
 * The caller frees *out with ident_free. */
int ident_load(struct ident **out, const char *home, const struct ident_pass *pass)
	__attribute__((warn_unused_result));
/* Protect the key of HOME with a new passphrase (newlen > 0) or remove the
 * protection (newlen 0); the old one comes from pass. The file is replaced
 * atomically. NERR_LOCKED / NERR_CRYPTO when the old passphrase is missing
 * or wrong. */
int ident_set_passphrase(const char *home, const struct ident_pass *pass, const char *newpass,
			 size_t newlen) __attribute__((warn_unused_result));
void ident_free(struct ident *id);

/* The fingerprint text of a 32-byte key into fp[IDENT_FP_LEN + 1]. */
void ident_fp(char fp[static IDENT_FP_LEN + 1], const uint8_t key[static 32]);

#endif
