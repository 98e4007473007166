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

static int read_file(const char *path, uint8_t *buf)
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
	if (st.st_size != IDENT_FILE_LEN) {
		r = NERR_FORMAT;
		goto out;
	}
	size_t got = 0;
	while (got < IDENT_FILE_LEN) {
		ssize_t n = read(fd, buf + got, IDENT_FILE_LEN - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = NERR_IO;
			goto out;
		}
		got += (size_t)n;
	}
	r = 0;
out:
	close(fd);
	return r;
}

static int parse_file(struct ident *id, const uint8_t *buf)
{
	uint8_t s_pub[32];
	if (memcmp(buf, MAGIC, 4) != 0)
		return NERR_MAGIC;
	if (buf[4] != FILE_VERSION)
		return NERR_VERSION;
	if (buf[5] != 0)
		return NERR_VERSION; /* encrypted key files come with the passphrase feature */
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

int ident_load(struct ident **out, const char *home)
{
	char path[PATH_MAX];
	struct ident *id = NULL;
	uint8_t *buf = NULL;
	int r = NERR_INTERNAL;

	if (snprintf(path, sizeof path, "%s/%s", home, IDENT_FILE) >= (int)sizeof path)
		return NERR_TOOLONG;
	id = calloc(1, sizeof *id);
	buf = ncrypto_malloc(IDENT_FILE_LEN);
	if (!id || !buf || !(id->secrets = ncrypto_malloc(96))) {
		r = NERR_NOMEM;
		goto out;
	}
	r = read_file(path, buf);
	if (r == NERR_NOTFOUND) {
		if ((r = create_file(home, path)) != 0)
			goto out;
		r = read_file(path, buf);
	}
	if (r != 0)
		goto out;
	if ((r = parse_file(id, buf)) != 0)
		goto out;
	*out = id;
	id = NULL;
	r = 0;
out:
	ncrypto_free(buf);
	ident_free(id);
	return r;
}
