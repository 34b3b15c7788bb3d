/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one small HTTP/1.0 server behind `log serve` and `log witness
 * --serve`: bind (127.0.0.1 unless --addr), write --port-file, then answer
 * one connection at a time until SIGTERM or SIGINT.  A request is read with
 * a size bound (REQ_MAX) and a 5 s timeout; the handler fills a struct resp.
 */
#define _DEFAULT_SOURCE /* sockets, sigaction under -std=c11 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "vectra.h"

#define REQ_MAX (HTTP_BODY_MAX + 8192)

void resp_out(struct resp *r, const void *p, size_t n)
{
	if (r->n + n + 1 > r->cap) {
		size_t c = r->cap ? r->cap : 4096;
		while (c < r->n + n + 1)
			c *= 2;
		char *q = realloc(r->body, c);
		if (!q) {
			r->status = 500;
			return;
		}
		r->body = q;
		r->cap = c;
	}
	memcpy(r->body + r->n, p, n);
	r->n += n;
}

void resp_outs(struct resp *r, const char *s)
{
	resp_out(r, s, strlen(s));
}

/* Read one request (bounded), answer it, close. */
static void serve_one(int c, http_handler *h, void *ctx)
{
	static uint8_t req[REQ_MAX + 1];
	struct timeval tv = {.tv_sec = 5};
	struct resp r = {0};
	size_t n = 0, need = 0, hlen = 0;
	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	for (;;) {
		if (n == REQ_MAX)
			goto done;
		ssize_t got = recv(c, req + n, REQ_MAX - n, 0);
		if (got <= 0)
			goto done;
		n += (size_t)got;
		req[n] = 0;
		if (!hlen) {
			char *e = strstr((char *)req, "\r\n\r\n");
			if (!e)
				continue;
			hlen = (size_t)(e + 4 - (char *)req);
			char *cl = strstr((char *)req, "Content-Length:");
			unsigned long v = 0;
			if (cl && cl < e)
				v = strtoul(cl + 15, NULL, 10);
			if (v > HTTP_BODY_MAX)
				goto done;
			need = hlen + v;
		}
		if (n >= need)
			break;
	}
	char method[8], path[512];
	if (sscanf((char *)req, "%7s %511s HTTP/1.", method, path) != 2)
		goto done;
	r.status = 200;
	h(ctx, method, path, req + hlen, need - hlen, &r);
	char head[160];
	int hn = snprintf(head, sizeof(head),
			  "HTTP/1.0 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
			  "Connection: close\r\n\r\n",
			  r.status, r.status == 200 ? "OK" : "Error", r.n);
	send(c, head, (size_t)hn, MSG_NOSIGNAL);
	if (r.n)
		send(c, r.body, r.n, MSG_NOSIGNAL);
done:
	free(r.body);
	close(c);
}

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

int http_serve(const struct args *a, const char *what, http_handler *h, void *ctx)
{
	const char *addr = opt(a, "--addr") ? opt(a, "--addr") : "127.0.0.1";
	const char *portf = opt(a, "--port-file");
	unsigned port = opt(a, "--port") ? (unsigned)atoi(opt(a, "--port")) : 0;
	struct sockaddr_in sa = {.sin_family = AF_INET};
	int rc;
	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
		return usage("... --addr IPV4");
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	socklen_t sl = sizeof(sa);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(s, 64) != 0 ||
	    getsockname(s, (struct sockaddr *)&sa, &sl) != 0) {
		fprintf(stderr, "vectra: %s: %s\n", what, strerror(errno));
		return EXIT_IO;
	}
	char pbuf[16];
	int pn = snprintf(pbuf, sizeof(pbuf), "%u\n", ntohs(sa.sin_port));
	fprintf(stderr, "vectra: %s serving on %s:%s", what, addr, pbuf);
	if (portf && (rc = save(portf, pbuf, (size_t)pn, 0644)))
		return rc;
	struct sigaction act = {.sa_handler = on_term};
	sigaction(SIGTERM, &act, NULL);
	sigaction(SIGINT, &act, NULL);
	while (!stop) {
		int c = accept(s, NULL, NULL);
		if (c >= 0)
			serve_one(c, h, ctx);
	}
	close(s);
	return 0;
}
