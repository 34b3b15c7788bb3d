/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The smallest HTTP/1.0 client the log commands need: one request per
 * connection, "Connection: close", to an IPv4 literal or localhost.  Every
 * read is bounded in size and time.
 */
#define _DEFAULT_SOURCE /* fsync, O_DIRECTORY, sockets under -std=c11 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "vectra.h"

#define RESP_MAX (16u << 20)

/* "http://HOST:PORT" into addr; -1 if it is not that shape. */
static int parse_url(const char *url, struct sockaddr_in *sa)
{
	char host[64];
	unsigned port;
	if (strncmp(url, "http://", 7) != 0 || sscanf(url + 7, "%63[^:/]:%u", host, &port) != 2 ||
	    port == 0 || port > 65535)
		return -1;
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (strcmp(host, "localhost") == 0)
		strcpy(host, "127.0.0.1");
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

static int send_all(int fd, const void *p, size_t n)
{
	const uint8_t *b = p;
	while (n) {
		ssize_t w = send(fd, b, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

int http_call(const char *url, const char *method, const char *path, const void *body, size_t blen,
	      int *status, uint8_t **resp, size_t *rlen)
{
	struct sockaddr_in sa;
	struct timeval tv = {.tv_sec = 30};
	char head[512];
	if (parse_url(url, &sa)) {
		fprintf(stderr, "vectra: %s: want http://127.0.0.1:PORT\n", url);
		return EXIT_USAGE;
	}
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return EXIT_IO;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	int hn = snprintf(head, sizeof(head),
			  "%s %s HTTP/1.0\r\nHost: log\r\nContent-Length: %zu\r\n"
			  "Connection: close\r\n\r\n",
			  method, path, blen);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    send_all(fd, head, (size_t)hn) != 0 || (blen && send_all(fd, body, blen) != 0)) {
		fprintf(stderr, "vectra: %s: %s\n", url, strerror(errno));
		close(fd);
		return EXIT_IO;
	}
	size_t cap = 65536, n = 0;
	uint8_t *b = malloc(cap + 1);
	ssize_t r;
	while (b && (r = recv(fd, b + n, cap - n, 0)) > 0) {
		n += (size_t)r;
		if (n == cap) {
			uint8_t *q = cap < RESP_MAX ? realloc(b, 2 * cap + 1) : NULL;
			if (!q) {
				free(b);
				b = NULL;
				break;
			}
			b = q;
			cap *= 2;
		}
	}
	close(fd);
	if (!b)
		return EXIT_IO;
	b[n] = 0;
	char *end = strstr((char *)b, "\r\n\r\n");
	if (!end || sscanf((char *)b, "HTTP/1.%*d %d", status) != 1) {
		fprintf(stderr, "vectra: %s: malformed response\n", url);
		free(b);
		return EXIT_IO;
	}
	size_t off = (size_t)(end + 4 - (char *)b);
	memmove(b, b + off, n - off + 1);
	*rlen = n - off;
	*resp = b;
	return 0;
}
