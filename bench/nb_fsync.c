/* SPDX-License-Identifier: MIT */
/* nb_fsync: the latency of making one write durable, in DIR (the file system
 * the bench's natter homes live on).
 *
 *   nb_fsync DIR N
 *     fsync_*      pwrite 4 KiB appended to a growing file, then fsync
 *     fdatasync_*  pwrite 4 KiB over a preallocated 1 MiB file, then fdatasync
 *                  (what a WAL commit into an already grown WAL costs) */
#define _GNU_SOURCE
#include "nb_common.h"

#include <fcntl.h>
#include <unistd.h>

static void run(const char *dir, long n, int data_only, int64_t *lat)
{
	char path[4096], page[4096];
	snprintf(path, sizeof path, "%s/nb-fsync-%d.dat", dir, data_only);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		nb_die("cannot create %s: %s", path, strerror(errno));
	memset(page, 'f', sizeof page);
	if (data_only) {
		for (int i = 0; i < 256; i++)
			if (pwrite(fd, page, sizeof page, (off_t)i * 4096) != (ssize_t)sizeof page)
				nb_die("pwrite: %s", strerror(errno));
		if (fsync(fd) != 0)
			nb_die("fsync: %s", strerror(errno));
	}
	for (long i = 0; i < n; i++) {
		off_t off = data_only ? (off_t)(i % 256) * 4096 : (off_t)i * 4096;
		int64_t t0 = nb_mono_ns();
		if (pwrite(fd, page, sizeof page, off) != (ssize_t)sizeof page)
			nb_die("pwrite: %s", strerror(errno));
		if ((data_only ? fdatasync(fd) : fsync(fd)) != 0)
			nb_die("sync: %s", strerror(errno));
		lat[i] = (nb_mono_ns() - t0) / 1000;
	}
	close(fd);
	unlink(path);
}

int main(int argc, char **argv)
{
	if (argc != 3)
		nb_die("usage: nb_fsync DIR N");
	long n = nb_atol(argv[2], "N");
	if (n < 1 || n > 1000000)
		nb_die("bad N");
	int64_t *lat = calloc((size_t)n, sizeof *lat);
	if (!lat)
		nb_die("out of memory");
	run(argv[1], n, 0, lat);
	printf("fsync_p50_us=%lld\n", (long long)nb_pct(lat, (size_t)n, 50));
	printf("fsync_p99_us=%lld\n", (long long)nb_pct(lat, (size_t)n, 99));
	run(argv[1], n, 1, lat);
	printf("fdatasync_p50_us=%lld\n", (long long)nb_pct(lat, (size_t)n, 50));
	printf("fdatasync_p99_us=%lld\n", (long long)nb_pct(lat, (size_t)n, 99));
	free(lat);
	return 0;
}
