/* SPDX-License-Identifier: MIT */
/* Test tool: open COUNT TCP connections from SRC to DST:PORT and hold them
 * silent for SECONDS (a handshake flood from one address). Loopback only:
 * both addresses must be in 127.0.0.0/8. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in src = {.sin_family = AF_INET}, dst = {.sin_family = AF_INET};
	if (argc != 6 || inet_pton(AF_INET, argv[1], &src.sin_addr) != 1 ||
	    inet_pton(AF_INET, argv[2], &dst.sin_addr) != 1) {
		fprintf(stderr, "usage: tcpflood SRC DST PORT COUNT SECONDS\n");
		return 64;
	}
	if ((ntohl(src.sin_addr.s_addr) >> 24) != 127 || (ntohl(dst.sin_addr.s_addr) >> 24) != 127) {
		fprintf(stderr, "tcpflood: loopback addresses only\n");
		return 64;
	}
	dst.sin_port = htons((unsigned short)atoi(argv[3]));
	int count = atoi(argv[4]), seconds = atoi(argv[5]), opened = 0;
	if (count < 1 || count > 1000 || seconds < 1 || seconds > 60)
		return 64;
	for (int i = 0; i < count; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0 || bind(fd, (struct sockaddr *)&src, sizeof src) != 0 ||
		    connect(fd, (struct sockaddr *)&dst, sizeof dst) != 0) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		opened++;
	}
	printf("%d\n", opened);
	fflush(stdout);
	sleep((unsigned)seconds);
	return 0;
}
