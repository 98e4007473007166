/* SPDX-License-Identifier: MIT */
/* conf_load on an arbitrary natter.conf, written to one temporary directory
 * ($TMPDIR, else /dev/shm, else /tmp) that lives as long as the process. Success leaves booleans;
 * failure is NERR_FORMAT with a one-line, terminated reason that names the file. */
#define _GNU_SOURCE /* mkdtemp */
#include "conf.h"
#include "fuzz.h"
#include "nerr.h"

#include <limits.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_dir[PATH_MAX];
static char fuzz_path[PATH_MAX];

static void fuzz_cleanup(void)
{
	unlink(fuzz_path);
	rmdir(fuzz_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	(void)argc;
	(void)argv;
	/* A file written per run: tmpfs makes that ten times faster than a disk. */
	if (!tmp || !*tmp)
		tmp = access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(fuzz_dir, sizeof fuzz_dir, "%s/natter-fuzz-conf.XXXXXX", tmp);
	FUZZ_CHECK(mkdtemp(fuzz_dir) != NULL);
	snprintf(fuzz_path, sizeof fuzz_path, "%s/%s", fuzz_dir, CONF_FILE);
	atexit(fuzz_cleanup);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf c;
	char *err;
	size_t errlen = 200;
	FILE *f = fopen(fuzz_path, "w");
	FUZZ_CHECK(f != NULL);
	FUZZ_CHECK(fwrite(data, 1, size, f) == size);
	FUZZ_CHECK(fclose(f) == 0);

	/* On the heap and exactly errlen, so a reason written past it is caught. */
	FUZZ_CHECK((err = malloc(errlen)) != NULL);
	memset(err, 'X', errlen);
	conf_defaults(&c);
	int r = conf_load(&c, fuzz_dir, err, errlen);
	FUZZ_CHECK(c.read_receipts == 0 || c.read_receipts == 1);
	FUZZ_CHECK(c.bell == 0 || c.bell == 1);
	if (r == 0) {
		/* err untouched on success */
		for (size_t i = 0; i < errlen; i++)
			FUZZ_CHECK(err[i] == 'X');
	} else {
		FUZZ_CHECK(r == NERR_FORMAT);
		size_t n = strnlen(err, errlen);
		FUZZ_CHECK(n < errlen);
		FUZZ_CHECK(strncmp(err, fuzz_path, n < strlen(fuzz_path) ? n : strlen(fuzz_path)) ==
			   0);
		FUZZ_CHECK(memchr(err, '\n', n) == NULL);
	}
	free(err);
	return 0;
}
