/* SPDX-License-Identifier: MIT */
/* This node's identity: an Ed25519 key (what peers pin, what signs beacons)
 * and an X25519 static key certified by it, kept in HOME/identity. */
#ifndef NATTER_IDENT_H
#define NATTER_IDENT_H

#include <stdint.h>

#include "conn.h"

#define IDENT_FILE "identity"
#define IDENT_FILE_LEN 104 /* "NTRK" | ver | flags | reserved[2] | id_sk[64] | s_priv[32] */
#define IDENT_FP_LEN 64	   /* fingerprint: lowercase hex of id_pub */

struct ident {
	struct conn_identity conn; /* id_pub, cert and borrowed secret pointers */
	uint8_t *secrets;	   /* guarded memory: id_sk[64] | s_priv[32] */
	char fp[IDENT_FP_LEN + 1];
};

/* Load HOME/identity, or create it atomically if it does not exist (two
 * processes starting together end up with the same key). Refuses a key file
 * that is a symlink, not a regular file, not owned by us or readable by group
 * or others (NERR_PERM), or malformed (NERR_FORMAT / NERR_VERSION).
 * The caller frees *out with ident_free. */
int ident_load(struct ident **out, const char *home) __attribute__((warn_unused_result));
void ident_free(struct ident *id);

/* The fingerprint text of a 32-byte key into fp[IDENT_FP_LEN + 1]. */
void ident_fp(char fp[static IDENT_FP_LEN + 1], const uint8_t key[static 32]);

#endif
