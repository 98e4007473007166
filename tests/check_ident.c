/* SPDX-License-Identifier: MIT */
/* The identity key file: created once with mode 0600 and loaded the same ever
 * after, a certificate that verifies, refusal of unsafe or malformed files,
 * and two processes creating it at once agreeing on one key. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conn.h"
#include "ident.h"
#include "ncrypto.h"
#include "nerr.h"

/* Set up in the parent before each TCase (one test each, or one loop test)
 * and removed there after it, so a failing test still leaves no directory. */
static char home[PATH_MAX];

static void home_setup(void)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(home, sizeof home, "%s/natter-ident-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(home));
}

/* rm -r without following symlinks; the tree is at most a few levels deep. */
static void remove_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *e;
		while (d && (e = readdir(d)) != NULL) {
			char sub[PATH_MAX];
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			if (snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) < (int)sizeof sub)
				remove_tree(sub);
		}
		if (d)
			closedir(d);
		(void)rmdir(path);
	} else {
		(void)unlink(path);
	}
}

static void home_teardown(void)
{
	if (home[0])
		remove_tree(home);
	home[0] = '\0';
}

static void path_in(char out[static PATH_MAX], const char *dir, const char *name)
{
	ck_assert_int_lt(snprintf(out, PATH_MAX, "%s/%s", dir, name), PATH_MAX);
}

static struct ident *load_ok(const char *dir)
{
	struct ident *id = NULL;
	int r = ident_load(&id, dir, NULL);
	ck_assert_msg(r == 0, "ident_load: %s", nerr_str(r));
	ck_assert_ptr_nonnull(id);
	return id;
}

/* ident_load must fail with err and leave *out alone. */
static void load_fails(const char *dir, int err)
{
	struct ident *const sentinel = (struct ident *)&home;
	struct ident *id = sentinel;
	int r = ident_load(&id, dir, NULL);
	ck_assert_msg(r == err, "ident_load gave %d (%s), want %d (%s)", r, nerr_str(r), err,
		      nerr_str(err));
	ck_assert_ptr_eq(id, sentinel);
}

static void read_key_file(const char *dir, uint8_t out[static IDENT_FILE_LEN])
{
	char path[PATH_MAX];
	path_in(path, dir, IDENT_FILE);
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fread(out, 1, IDENT_FILE_LEN, f), IDENT_FILE_LEN);
	ck_assert_int_eq(fgetc(f), EOF);
	fclose(f);
}

/* Replace the key file with len bytes of data, mode 0600. */
static void write_key_file(const char *dir, const uint8_t *data, size_t len)
{
	char path[PATH_MAX];
	path_in(path, dir, IDENT_FILE);
	(void)unlink(path);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fchmod(fd, 0600), 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	ck_assert_int_eq(close(fd), 0);
}

/* Names in dir other than . and .., joined by spaces. */
static void list_dir(const char *dir, char *out, size_t cap)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	ck_assert_ptr_nonnull(d);
	out[0] = '\0';
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (out[0])
			strncat(out, " ", cap - strlen(out) - 1);
		strncat(out, e->d_name, cap - strlen(out) - 1);
	}
	closedir(d);
}

START_TEST(first_load_creates_a_0600_key_file_of_the_documented_size)
{
	char path[PATH_MAX], names[256];
	struct stat st;
	umask(0); /* the file must be private whatever the umask */
	struct ident *id = load_ok(home);
	path_in(path, home, IDENT_FILE);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	ck_assert_uint_eq(st.st_uid, geteuid());
	ck_assert_int_eq(st.st_size, IDENT_FILE_LEN);
	/* no temporary file is left behind */
	list_dir(home, names, sizeof names);
	ck_assert_str_eq(names, IDENT_FILE);
	ident_free(id);
}
END_TEST

START_TEST(the_key_file_holds_magic_version_and_the_loaded_secrets)
{
	uint8_t file[IDENT_FILE_LEN];
	struct ident *id = load_ok(home);
	read_key_file(home, file);
	ck_assert_mem_eq(file, "NTRK", 4);
	ck_assert_uint_eq(file[4], 1);
	ck_assert_uint_eq(file[5], 0);
	ck_assert_mem_eq(file + 8, id->conn.id_sk, NCRYPTO_SIGN_SK);
	ck_assert_mem_eq(file + 72, id->conn.s_priv, NCRYPTO_DH);
	ident_free(id);
}
END_TEST

START_TEST(loading_again_gives_the_same_identity)
{
	struct ident *a = load_ok(home);
	struct ident *b = load_ok(home);
	ck_assert_mem_eq(a->conn.id_pub, b->conn.id_pub, 32);
	ck_assert_str_eq(a->fp, b->fp);
	ck_assert_mem_eq(a->conn.cert, b->conn.cert, 64);
	ck_assert_mem_eq(a->conn.s_priv, b->conn.s_priv, 32);
	ident_free(a);
	ident_free(b);
}
END_TEST

START_TEST(two_homes_get_different_keys)
{
	char other[PATH_MAX];
	path_in(other, home, "other");
	ck_assert_int_eq(mkdir(other, 0700), 0);
	struct ident *a = load_ok(home);
	struct ident *b = load_ok(other);
	ck_assert_mem_ne(a->conn.id_pub, b->conn.id_pub, 32);
	ck_assert_mem_ne(a->conn.s_priv, b->conn.s_priv, 32);
	ident_free(a);
	ident_free(b);
}
END_TEST

START_TEST(unhex_takes_exactly_its_digits_in_either_case)
{
	uint8_t b[3];
	ck_assert_int_eq(ncrypto_unhex(b, 3, "00aFf9"), 0);
	ck_assert_uint_eq(b[0], 0x00);
	ck_assert_uint_eq(b[1], 0xaf);
	ck_assert_uint_eq(b[2], 0xf9);
	ck_assert_int_eq(ncrypto_unhex(b, 0, ""), 0);
	ck_assert_int_eq(ncrypto_unhex(b, 3, "00aff"), NERR_FORMAT);   /* short */
	ck_assert_int_eq(ncrypto_unhex(b, 3, "00aff9a"), NERR_FORMAT); /* long */
	ck_assert_int_eq(ncrypto_unhex(b, 3, "00agf9"), NERR_FORMAT);
	ck_assert_int_eq(ncrypto_unhex(b, 3, "00 ff9"), NERR_FORMAT);
	ck_assert_int_eq(ncrypto_unhex(b, 1, "0x"), NERR_FORMAT);
	ck_assert_int_eq(ncrypto_unhex(b, 1, "@0"), NERR_FORMAT); /* '@' | 0x20 is '`' */
	ck_assert_int_eq(ncrypto_unhex(b, 1, "G0"), NERR_FORMAT);
	ck_assert_int_eq(ncrypto_unhex(b, 1, "\3010"), NERR_FORMAT); /* 0xc1, '0' */
}
END_TEST

START_TEST(fingerprint_is_64_lowercase_hex_digits_of_id_pub)
{
	struct ident *id = load_ok(home);
	uint8_t back[32];
	char fp[IDENT_FP_LEN + 1];
	ck_assert_uint_eq(strlen(id->fp), IDENT_FP_LEN);
	for (size_t i = 0; i < IDENT_FP_LEN; i++)
		ck_assert_ptr_nonnull(strchr("0123456789abcdef", id->fp[i]));
	ck_assert_int_eq(ncrypto_unhex(back, 32, id->fp), 0);
	ck_assert_mem_eq(back, id->conn.id_pub, 32);
	ident_fp(fp, id->conn.id_pub);
	ck_assert_str_eq(fp, id->fp);
	ident_free(id);
}
END_TEST

START_TEST(fingerprint_of_a_known_key_is_its_hex)
{
	uint8_t key[32];
	char fp[IDENT_FP_LEN + 1];
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)(i * 0x11 + 0x0a);
	ident_fp(fp, key);
	ck_assert_str_eq(fp, "0a1b2c3d4e5f708192a3b4c5d6e7f8091a2b3c4d5e6f8091a2b3c4d5e6f70819");
}
END_TEST

START_TEST(certificate_verifies_over_the_static_public_key)
{
	struct ident *id = load_ok(home);
	uint8_t s_pub[32], sig[64];
	ncrypto_dh_pub(s_pub, id->conn.s_priv);
	ck_assert_int_eq(
	    ncrypto_verify_ctx(id->conn.cert, CONN_CERT_CTX, s_pub, 32, id->conn.id_pub), 0);
	/* and not over another key or in another context */
	s_pub[0] ^= 1;
	ck_assert_int_eq(
	    ncrypto_verify_ctx(id->conn.cert, CONN_CERT_CTX, s_pub, 32, id->conn.id_pub),
	    NERR_CRYPTO);
	s_pub[0] ^= 1;
	ck_assert_int_ne(
	    ncrypto_verify_ctx(id->conn.cert, "natter/other/v1", s_pub, 32, id->conn.id_pub), 0);
	/* id_pub is the public half of id_sk */
	ncrypto_sign(sig, "probe", 5, id->conn.id_sk);
	ck_assert_int_eq(ncrypto_verify(sig, "probe", 5, id->conn.id_pub), 0);
	ident_free(id);
}
END_TEST

START_TEST(a_group_or_world_readable_key_file_is_refused_with_perm)
{
	static const mode_t modes[] = {0640, 0604, 0660, 0644, 0610, 0601};
	char path[PATH_MAX];
	uint8_t before[IDENT_FILE_LEN], after[IDENT_FILE_LEN];
	ident_free(load_ok(home));
	path_in(path, home, IDENT_FILE);
	read_key_file(home, before);
	for (size_t k = 0; k < sizeof modes / sizeof modes[0]; k++) {
		ck_assert_int_eq(chmod(path, modes[k]), 0);
		load_fails(home, NERR_PERM);
	}
	/* refused, not repaired or replaced */
	read_key_file(home, after);
	ck_assert_mem_eq(before, after, IDENT_FILE_LEN);
	ck_assert_int_eq(chmod(path, 0600), 0);
	ident_free(load_ok(home));
}
END_TEST

START_TEST(a_symlink_in_place_of_the_key_file_is_refused_with_perm)
{
	char other[PATH_MAX], target[PATH_MAX], path[PATH_MAX];
	path_in(other, home, "other");
	ck_assert_int_eq(mkdir(other, 0700), 0);
	ident_free(load_ok(other));
	path_in(target, other, IDENT_FILE);
	path_in(path, home, IDENT_FILE);
	ck_assert_int_eq(symlink(target, path), 0);
	load_fails(home, NERR_PERM);
}
END_TEST

START_TEST(a_dangling_symlink_is_refused_and_nothing_is_created_through_it)
{
	char target[PATH_MAX], path[PATH_MAX];
	struct stat st;
	path_in(target, home, "elsewhere");
	path_in(path, home, IDENT_FILE);
	ck_assert_int_eq(symlink(target, path), 0);
	load_fails(home, NERR_PERM);
	ck_assert_int_eq(lstat(target, &st), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(a_directory_in_place_of_the_key_file_is_refused_with_perm)
{
	char path[PATH_MAX];
	path_in(path, home, IDENT_FILE);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	load_fails(home, NERR_PERM);
}
END_TEST

/* _i bytes of a valid key file, for every _i short of the full length. */
START_TEST(a_truncated_key_file_is_refused_with_format)
{
	char sub[PATH_MAX], name[32];
	uint8_t file[IDENT_FILE_LEN];
	snprintf(name, sizeof name, "t%d", _i);
	path_in(sub, home, name);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	ident_free(load_ok(sub));
	read_key_file(sub, file);
	write_key_file(sub, file, (size_t)_i);
	load_fails(sub, NERR_FORMAT);
}
END_TEST

START_TEST(a_key_file_with_a_trailing_byte_is_refused_with_format)
{
	uint8_t file[IDENT_FILE_LEN + 1];
	ident_free(load_ok(home));
	read_key_file(home, file);
	file[IDENT_FILE_LEN] = 0;
	write_key_file(home, file, sizeof file);
	load_fails(home, NERR_FORMAT);
}
END_TEST

START_TEST(a_key_file_with_the_wrong_magic_is_refused_with_magic)
{
	static const char *bad[] = {"NTRL", "ntrk", "\0\0\0\0", "KRTN"};
	uint8_t file[IDENT_FILE_LEN];
	ident_free(load_ok(home));
	read_key_file(home, file);
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		memcpy(file, bad[k], 4);
		write_key_file(home, file, sizeof file);
		load_fails(home, NERR_MAGIC);
	}
}
END_TEST

START_TEST(a_key_file_of_another_version_or_unknown_flags_is_refused)
{
	uint8_t file[IDENT_FILE_LEN];
	ident_free(load_ok(home));
	read_key_file(home, file);
	file[4] = 2;
	write_key_file(home, file, sizeof file);
	load_fails(home, NERR_VERSION);
	file[4] = 0;
	write_key_file(home, file, sizeof file);
	load_fails(home, NERR_VERSION);
	file[4] = 1;
	file[5] = 2; /* a flag this version does not know */
	write_key_file(home, file, sizeof file);
	load_fails(home, NERR_VERSION);
	file[5] = 1; /* "encrypted" but of the plain size */
	write_key_file(home, file, sizeof file);
	load_fails(home, NERR_FORMAT);
}
END_TEST

/* Bytes 40..71 are the public half of id_sk; a flipped bit there used to load
 * and yield a certificate no peer could verify. */
START_TEST(a_key_file_whose_public_half_disagrees_with_its_seed_is_refused_with_format)
{
	uint8_t file[IDENT_FILE_LEN];
	ident_free(load_ok(home));
	read_key_file(home, file);
	for (size_t off = 8 + 32; off < 8 + 64; off += 7) {
		file[off] ^= 0x01;
		write_key_file(home, file, sizeof file);
		load_fails(home, NERR_FORMAT);
		file[off] ^= 0x01;
	}
	write_key_file(home, file, sizeof file);
	ident_free(load_ok(home));
}
END_TEST

START_TEST(a_home_that_does_not_exist_is_an_error_not_a_crash)
{
	char missing[PATH_MAX];
	struct ident *const sentinel = (struct ident *)&home;
	struct ident *id = sentinel;
	path_in(missing, home, "no/such/dir");
	ck_assert_int_lt(ident_load(&id, missing, NULL), 0);
	ck_assert_ptr_eq(id, sentinel);
}
END_TEST

START_TEST(free_of_null_is_a_no_op)
{
	ident_free(NULL);
}
END_TEST

/* One round: two children each wait on their own pipe, then load the same
 * fresh home and report one line "<rc> <fp>". The second is released lag_us
 * after the first: 0 makes them collide head-on, a lag around the length of
 * one creation catches a loser that replaces the winner's file after the
 * winner has read it. */
static void race_once(const char *dir, unsigned lag_us)
{
	int go[2][2], res[2];
	pid_t pid[2];
	ck_assert_int_eq(pipe(go[0]), 0);
	ck_assert_int_eq(pipe(go[1]), 0);
	ck_assert_int_eq(pipe(res), 0);
	for (int c = 0; c < 2; c++) {
		pid[c] = fork();
		ck_assert_int_ge(pid[c], 0);
		if (pid[c] == 0) {
			char b, line[128];
			struct ident *id = NULL;
			close(go[0][1]);
			close(go[1][1]);
			close(res[0]);
			if (read(go[c][0], &b, 1) < 0)
				_exit(2);
			int r = ident_load(&id, dir, NULL);
			int n = snprintf(line, sizeof line, "%3d %s\n", r, r == 0 ? id->fp : "-");
			/* one write under PIPE_BUF: the two lines do not interleave */
			if (write(res[1], line, (size_t)n) != n)
				_exit(3);
			ident_free(id);
			_exit(0);
		}
	}
	close(go[0][0]);
	close(go[1][0]);
	close(res[1]);
	/* EOF releases a child */
	close(go[0][1]);
	if (lag_us > 0)
		usleep(lag_us);
	close(go[1][1]);
	char all[256] = {0};
	size_t got = 0;
	for (;;) {
		ssize_t n = read(res[0], all + got, sizeof all - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(res[0]);
	for (int c = 0; c < 2; c++) {
		int status;
		ck_assert_int_eq(waitpid(pid[c], &status, 0), pid[c]);
		ck_assert(WIFEXITED(status));
		ck_assert_int_eq(WEXITSTATUS(status), 0);
	}
	/* two lines, in whichever order the children finished */
	char *line[2] = {all, NULL};
	char *nl = strchr(all, '\n');
	ck_assert_ptr_nonnull(nl);
	*nl = '\0';
	line[1] = nl + 1;
	nl = strchr(line[1], '\n');
	ck_assert_ptr_nonnull(nl);
	*nl = '\0';
	ck_assert_str_eq(nl + 1, "");
	/* both succeeded with the same key, and it is the one on disk */
	ck_assert_int_eq(atoi(line[0]), 0);
	ck_assert_int_eq(atoi(line[1]), 0);
	ck_assert_str_eq(line[0], line[1]);
	struct ident *id = load_ok(dir);
	ck_assert_str_eq(line[0] + 4, id->fp);
	ident_free(id);
	char names[256];
	list_dir(dir, names, sizeof names);
	ck_assert_str_eq(names, IDENT_FILE);
}

START_TEST(two_processes_creating_at_once_end_with_one_key)
{
	for (unsigned round = 0; round < 60; round++) {
		char sub[PATH_MAX], name[32];
		snprintf(name, sizeof name, "race%u", round);
		path_in(sub, home, name);
		ck_assert_int_eq(mkdir(sub, 0700), 0);
		race_once(sub, round % 2 ? 0 : round * 50);
	}
}
END_TEST

#define ADD(t)                                                                                     \
	do {                                                                                       \
		TCase *tc_ = tcase_create(#t);                                                     \
		tcase_add_unchecked_fixture(tc_, home_setup, home_teardown);                       \
		tcase_add_test(tc_, t);                                                            \
		suite_add_tcase(s, tc_);                                                           \
	} while (0)

static int give_pass(void *ctx, char *buf, size_t cap)
{
	const char *p = ctx;
	if (!p)
		return -1;
	size_t n = strlen(p);
	ck_assert_uint_lt(n, cap);
	memcpy(buf, p, n);
	return (int)n;
}

START_TEST(a_passphrase_protects_the_key_and_can_be_removed)
{
	struct ident *a = load_ok(home), *b = NULL;
	struct ident_pass right = {give_pass, "correct horse"}, wrong = {give_pass, "wrong"};
	struct ident_pass none = {give_pass, NULL};
	uint8_t file[IDENT_FILE_LEN_ENC];
	ck_assert_int_eq(ident_set_passphrase(home, NULL, "correct horse", 13), 0);
	/* The file holds no secret in the clear and has the encrypted size. */
	char path[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/%s", home, IDENT_FILE);
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fread(file, 1, sizeof file, f), IDENT_FILE_LEN_ENC);
	fclose(f);
	ck_assert_int_eq(file[5], 1);
	for (size_t i = 0; i + 32 <= sizeof file; i++)
		ck_assert(memcmp(file + i, a->secrets, 32) != 0);
	ck_assert_int_eq(ident_load(&b, home, NULL), NERR_LOCKED);
	ck_assert_int_eq(ident_load(&b, home, &none), NERR_LOCKED);
	ck_assert_int_eq(ident_load(&b, home, &wrong), NERR_CRYPTO);
	ck_assert_int_eq(ident_set_passphrase(home, &wrong, "x", 1), NERR_CRYPTO);
	ck_assert_int_eq(ident_load(&b, home, &right), 0);
	ck_assert_str_eq(a->fp, b->fp);
	ident_free(b);
	b = NULL;
	/* A flipped bit in the header (the associated data) is refused too. */
	file[30] ^= 1;
	write_key_file(home, file, sizeof file);
	ck_assert_int_ne(ident_load(&b, home, &right), 0);
	file[30] ^= 1;
	write_key_file(home, file, sizeof file);
	ck_assert_int_eq(ident_set_passphrase(home, &right, "", 0), 0);
	ck_assert_int_eq(ident_load(&b, home, NULL), 0);
	ck_assert_str_eq(a->fp, b->fp);
	ident_free(b);
	ident_free(a);
}
END_TEST

Suite *ident_suite(void);
Suite *ident_suite(void)
{
	Suite *s = suite_create("ident");
	ADD(first_load_creates_a_0600_key_file_of_the_documented_size);
	ADD(the_key_file_holds_magic_version_and_the_loaded_secrets);
	ADD(loading_again_gives_the_same_identity);
	ADD(two_homes_get_different_keys);
	ADD(unhex_takes_exactly_its_digits_in_either_case);
	ADD(fingerprint_is_64_lowercase_hex_digits_of_id_pub);
	ADD(fingerprint_of_a_known_key_is_its_hex);
	ADD(certificate_verifies_over_the_static_public_key);
	ADD(a_group_or_world_readable_key_file_is_refused_with_perm);
	ADD(a_symlink_in_place_of_the_key_file_is_refused_with_perm);
	ADD(a_dangling_symlink_is_refused_and_nothing_is_created_through_it);
	ADD(a_directory_in_place_of_the_key_file_is_refused_with_perm);
	TCase *tr = tcase_create("a_truncated_key_file_is_refused_with_format");
	tcase_add_unchecked_fixture(tr, home_setup, home_teardown);
	tcase_add_loop_test(tr, a_truncated_key_file_is_refused_with_format, 0, IDENT_FILE_LEN);
	suite_add_tcase(s, tr);
	ADD(a_key_file_with_a_trailing_byte_is_refused_with_format);
	ADD(a_key_file_with_the_wrong_magic_is_refused_with_magic);
	ADD(a_key_file_of_another_version_or_unknown_flags_is_refused);
	ADD(a_passphrase_protects_the_key_and_can_be_removed);
	ADD(a_key_file_whose_public_half_disagrees_with_its_seed_is_refused_with_format);
	ADD(a_home_that_does_not_exist_is_an_error_not_a_crash);
	ADD(free_of_null_is_a_no_op);
	TCase *race = tcase_create("two_processes_creating_at_once_end_with_one_key");
	tcase_add_unchecked_fixture(race, home_setup, home_teardown);
	tcase_set_timeout(race, 60);
	tcase_add_test(race, two_processes_creating_at_once_end_with_one_key);
	suite_add_tcase(s, race);
	return s;
}
