/* SPDX-License-Identifier: MIT */
/* Identity key file: created under umask 077 with O_CREAT|O_EXCL|O_NOFOLLOW,
 * fsynced, then linked into place so a racing process never clobbers it. */
#include "ident.h"
#include "nbuf.h"
#include "ncrypto.h"
#include "nerr.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC "NTRK"
#define FILE_VERSION 1

void ident_fp(char fp[static IDENT_FP_LEN + 1], const uint8_t key[static 32])
{
	ncrypto_hex(fp, key, 32);
}

void ident_free(struct ident *id)
{
	if (!id)
		return;
	ncrypto_free(id->secrets);
	free(id);
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return NERR_IO;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void fsync_dir(const char *home)
{
	int fd = open(home, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

/* Write a fresh key file under a unique temporary name, then link(2) it to
 * the final name: link fails with EEXIST if another process got there first,
 * and then that process's key is the one everybody loads. */
static int create_file(const char *home, const char *path)
{
	char tmp[PATH_MAX];
	uint8_t *buf = ncrypto_malloc(IDENT_FILE_LEN);
	uint8_t pk[32];
	int fd = -1, r = NERR_INTERNAL;
	if (!buf)
		return NERR_NOMEM;
	if (snprintf(tmp, sizeof tmp, "%s/.%s.%ld.tmp", home, IDENT_FILE, (long)getpid()) >=
	    (int)sizeof tmp) {
		r = NERR_TOOLONG;
		goto out;
	}
	memcpy(buf, MAGIC, 4);
	buf[4] = FILE_VERSION;
	buf[5] = 0; /* flags: bit 0 will mean passphrase-encrypted */
	buf[6] = buf[7] = 0;
	ncrypto_sign_keypair(pk, buf + 8);
	ncrypto_random(buf + 72, 32);
	mode_t old = umask(077);
	(void)unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	umask(old);
	if (fd < 0) {
		r = NERR_SYSTEM;
		goto out;
	}
	if ((r = write_all(fd, buf, IDENT_FILE_LEN)) != 0)
		goto out;
	if (fsync(fd) != 0) {
		r = NERR_IO;
		goto out;
	}
	if (link(tmp, path) != 0 && errno != EEXIST) {
		r = NERR_SYSTEM;
		goto out;
	}
	fsync_dir(home);
	r = 0;
out:
	if (fd >= 0) {
		close(fd);
		(void)unlink(tmp);
	}
	ncrypto_free(buf);
	return r;
}

static int read_file(const char *path, uint8_t *buf, size_t *len)
{
	struct stat st;
	int r = NERR_INTERNAL;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? NERR_NOTFOUND : errno == ELOOP ? NERR_PERM : NERR_SYSTEM;
	if (fstat(fd, &st) != 0) {
		r = NERR_SYSTEM;
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
		r = NERR_PERM;
		goto out;
	}
	if (st.st_size != IDENT_FILE_LEN && st.st_size != IDENT_FILE_LEN_ENC) {
		r = NERR_FORMAT;
		goto out;
	}
	size_t got = 0, want = (size_t)st.st_size;
	while (got < want) {
		ssize_t n = read(fd, buf + got, want - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = NERR_IO;
			goto out;
		}
		got += (size_t)n;
	}
	*len = want;
	r = 0;
out:
	close(fd);
	return r;
}

static uint64_t get_u64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

static void put_u64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

/* Decrypt an encrypted key file's 96 secret bytes into plain (guarded). */
static int unlock(const uint8_t *buf, uint8_t *plain, const struct ident_pass *pass)
{
	char *pw = ncrypto_malloc(IDENT_PASS_MAX);
	uint8_t *key = ncrypto_malloc(NCRYPTO_KEY);
	int r = NERR_NOMEM;
	if (!pw || !key)
		goto out;
	int n = pass && pass->get ? pass->get(pass->ctx, pw, IDENT_PASS_MAX) : -1;
	if (n < 0) {
		r = NERR_LOCKED;
		goto out;
	}
	if ((r = ncrypto_pwhash(key, pw, (size_t)n, buf + 8, get_u64(buf + 24), get_u64(buf + 32))) !=
	    0)
		goto out;
	r = ncrypto_xaead_decrypt(plain, key, buf + 40, buf, 64, buf + 64, 96 + NCRYPTO_TAG);
out:
	if (pw)
		ncrypto_memzero(pw, IDENT_PASS_MAX);
	ncrypto_free(pw);
	ncrypto_free(key);
	return r;
}

static int parse_file(struct ident *id, uint8_t *buf, size_t len, const struct ident_pass *pass)
{
	uint8_t s_pub[32];
	int r;
	if (memcmp(buf, MAGIC, 4) != 0)
		return NERR_MAGIC;
	if (buf[4] != FILE_VERSION || (buf[5] & ~1) != 0)
		return NERR_VERSION;
	if (len != (buf[5] ? IDENT_FILE_LEN_ENC : IDENT_FILE_LEN))
		return NERR_FORMAT;
	if (buf[5]) {
		/* Decrypted in place of the plain layout, so what follows is shared. */
		if ((r = unlock(buf, id->secrets, pass)) != 0)
			return r;
		memcpy(buf + 8, id->secrets, 96);
	}
	if (ncrypto_sign_sk_check(buf + 8) != 0)
		return NERR_FORMAT;
	memcpy(id->secrets, buf + 8, 96);
	id->conn.id_sk = id->secrets;
	id->conn.s_priv = id->secrets + 64;
	ncrypto_sign_sk_to_pk(id->conn.id_pub, id->conn.id_sk);
	ncrypto_dh_pub(s_pub, id->conn.s_priv);
	if (ncrypto_sign_ctx(id->conn.cert, CONN_CERT_CTX, s_pub, 32, id->conn.id_sk) != 0)
		return NERR_INTERNAL;
	ident_fp(id->fp, id->conn.id_pub);
	return 0;
}

int ident_load(struct ident **out, const char *home, const struct ident_pass *pass)
{
	char path[PATH_MAX];
	struct ident *id = NULL;
	uint8_t *buf = NULL;
	int r = NERR_INTERNAL;

	if (snprintf(path, sizeof path, "%s/%s", home, IDENT_FILE) >= (int)sizeof path)
		return NERR_TOOLONG;
	id = calloc(1, sizeof *id);
	size_t len = 0;
	buf = ncrypto_malloc(IDENT_FILE_LEN_ENC);
	if (!id || !buf || !(id->secrets = ncrypto_malloc(96))) {
		r = NERR_NOMEM;
		goto out;
	}
	r = read_file(path, buf, &len);
	if (r == NERR_NOTFOUND) {
		if ((r = create_file(home, path)) != 0)
			goto out;
		r = read_file(path, buf, &len);
	}
	if (r != 0)
		goto out;
	if ((r = parse_file(id, buf, len, pass)) != 0)
		goto out;
	*out = id;
	id = NULL;
	r = 0;
out:
	ncrypto_free(buf);
	ident_free(id);
	return r;
}

/* Write the 96 secrets as a key file, encrypted when newlen > 0, to a
 * temporary name, then rename it over the old one. */
int ident_set_passphrase(const char *home, const struct ident_pass *pass, const char *newpass,
			 size_t newlen)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	struct ident *id = NULL;
	uint8_t *buf = ncrypto_malloc(IDENT_FILE_LEN_ENC), *key = ncrypto_malloc(NCRYPTO_KEY);
	int fd = -1, r = NERR_NOMEM;
	size_t len;
	if (!buf || !key)
		goto out;
	if ((r = ident_load(&id, home, pass)) != 0)
		goto out;
	snprintf(path, sizeof path, "%s/%s", home, IDENT_FILE);
	if (snprintf(tmp, sizeof tmp, "%s/.%s.%ld.new", home, IDENT_FILE, (long)getpid()) >=
	    (int)sizeof tmp) {
		r = NERR_TOOLONG;
		goto out;
	}
	memcpy(buf, MAGIC, 4);
	buf[4] = FILE_VERSION;
	buf[5] = newlen > 0;
	buf[6] = buf[7] = 0;
	if (newlen == 0) {
		memcpy(buf + 8, id->secrets, 96);
		len = IDENT_FILE_LEN;
	} else {
		uint64_t ops, mem;
		ncrypto_pwhash_defaults(&ops, &mem);
		ncrypto_random(buf + 8, NCRYPTO_SALT);
		put_u64(buf + 24, ops);
		put_u64(buf + 32, mem);
		ncrypto_random(buf + 40, NCRYPTO_XNONCE);
		if ((r = ncrypto_pwhash(key, newpass, newlen, buf + 8, ops, mem)) != 0)
			goto out;
		ncrypto_xaead_encrypt(buf + 64, key, buf + 40, buf, 64, id->secrets, 96);
		len = IDENT_FILE_LEN_ENC;
	}
	mode_t old = umask(077);
	(void)unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	umask(old);
	if (fd < 0) {
		r = NERR_SYSTEM;
		goto out;
	}
	if ((r = write_all(fd, buf, len)) != 0 || (r = fsync(fd) == 0 ? 0 : NERR_IO) != 0 ||
	    (r = rename(tmp, path) == 0 ? 0 : NERR_SYSTEM) != 0)
		goto out;
	fsync_dir(home);
	r = 0;
out:
	if (fd >= 0) {
		close(fd);
		(void)unlink(tmp);
	}
	ident_free(id);
	ncrypto_free(buf);
	ncrypto_free(key);
	return r;
}
