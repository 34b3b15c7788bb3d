/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lnetbench: the network benchmarks of bench/net/netbench.c with BSD
 * sockets, for two Linux guests on one link (docs/BENCHMARKS.md, "1.4
 * Network"; bench/linux/netinit runs it).  The same four phases, in the
 * same order, with the same counts:
 *
 *   lnetbench server           on 10.5.0.1
 *   lnetbench client 10.5.0.1  on 10.5.0.2
 *
 *   net_tcp_bulk_per_mib    one connection to port NB_PORT: the client
 *                           writes NB_BULK_WARM_MIB, then NB_BULK_RUNS
 *                           runs of NB_BULK_MIB in 16 KiB writes; after
 *                           each the server writes one byte back
 *   net_tcp_rr_64b          a second connection: 64 bytes each way in
 *                           lock step (TCP_NODELAY; netd has no Nagle)
 *   net_udp_rr_64b          the same with 64-byte UDP datagrams
 *   net_tcp_connect_close   the client connects, shuts its side down,
 *                           reads the server's end of stream and closes;
 *                           the server accepts, reads the end of stream
 *                           and closes
 *
 * Each machine measures its own side, as netbench does: per run or batch
 * the guest time (CLOCK_MONOTONIC; under -icount shift=0 one ns is one
 * instruction) less the time CPU 0 spent idle (/proc/timer_list's
 * idle_sleeptime and iowait_sleeptime, read outside the timed spans),
 * and prints the median per MiB or per operation:
 *
 *     bench <name> median_ns=<n> iters=<n> elapsed_ns=<n>
 *
 * then "lnetbench: done".  Every socket has 60 s send and receive
 * timeouts, so no wait is unbounded.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* The benchmark's shape: the same in bench/net/netbench.c. */
#define NB_PORT		 5201
#define NB_MSG		 64
#define NB_BULK_WARM_MIB 1u
#define NB_BULK_MIB	 4u
#define NB_BULK_RUNS	 3u
#define NB_BATCHES	 5u
#define NB_RR_WARM	 50u
#define NB_RR_N		 200u
#define NB_CONN_WARM	 2u
#define NB_CONN_N	 8u
#define NB_WAIT_S	 60   /* any one step */
#define NB_START_S	 3600 /* the peer's boot, for the first step */
#define MIB		 (1u << 20)

static struct sockaddr_in peer;
static int failed;
static char buf[16384];

/* False, with the reason said, when rc is negative. */
static int ok(const char *what, long rc)
{
	if (rc >= 0)
		return 1;
	printf("lnetbench: %s: %s\n", what, strerror(errno));
	fflush(stdout);
	failed = 1;
	return 0;
}

/* ------------------------------------------------------- the measurement */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* CPU 0's idle and iowait time so far (ns), from /proc/timer_list: the
 * NO_HZ accounting, brought up to date whenever the CPU leaves idle, so
 * exact while this runs. */
static uint64_t idle_ns(void)
{
	char line[256];
	uint64_t sum = 0, v;
	int cpu = -1;
	FILE *f = fopen("/proc/timer_list", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "cpu: %d", &cpu) == 1)
			continue;
		if (cpu == 0 && (sscanf(line, " .idle_sleeptime : %" SCNu64, &v) == 1 ||
				 sscanf(line, " .iowait_sleeptime: %" SCNu64, &v) == 1))
			sum += v;
	}
	fclose(f);
	return sum;
}

/* A point in time: guest time and idle time.  The idle time is read first,
 * so the reading's own instructions fall before the span. */
struct mark {
	uint64_t t, idle;
};

static struct mark mark_now(void)
{
	struct mark m;

	m.idle = idle_ns();
	m.t = now_ns();
	return m;
}

struct series {
	uint64_t busy[NB_BATCHES], el[NB_BATCHES];
	unsigned n;
};

/* Records the span from *m to now, divided by div, and starts the next
 * span now: the idle time cannot grow while this reads it. */
static void record(struct series *s, struct mark *m, uint64_t div)
{
	uint64_t t = now_ns(), idle = idle_ns();
	uint64_t el = t - m->t, id = idle - m->idle;

	if (s->n < NB_BATCHES) {
		s->el[s->n] = el / div;
		s->busy[s->n] = (el > id ? el - id : 0) / div;
		s->n++;
	}
	m->idle = idle;
	m->t = now_ns();
}

static uint64_t median(uint64_t *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

static void report(const char *name, struct series *s, unsigned iters)
{
	if (s->n == 0)
		return;
	printf("bench %s median_ns=%" PRIu64 " iters=%u elapsed_ns=%" PRIu64 "\n", name,
	       median(s->busy, s->n), iters, median(s->el, s->n));
	fflush(stdout);
}

/* --------------------------------------------------------------- helpers */

/* A socket of type with NB_WAIT_S send and receive timeouts. */
static int sock(int type)
{
	struct timeval tv = {.tv_sec = NB_WAIT_S};
	int s = socket(AF_INET, type, 0);

	if (s >= 0) {
		setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	return s;
}

static void nodelay(int s)
{
	int one = 1;

	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* A connection to the server, tried again every 100 ms for up to
 * within_s seconds while nothing listens yet.  -1 on failure. */
static int dial(int within_s)
{
	uint64_t end = now_ns() + (uint64_t)within_s * 1000000000u;

	for (;;) {
		int s = sock(SOCK_STREAM);
		if (s < 0)
			return -1;
		if (connect(s, (struct sockaddr *)&peer, sizeof(peer)) == 0)
			return s;
		int e = errno;
		close(s);
		errno = e;
		if (now_ns() >= end)
			return -1;
		usleep(100000);
	}
}

static int send_bytes(int s, uint64_t n)
{
	while (n) {
		size_t k = n < sizeof(buf) ? (size_t)n : sizeof(buf);
		ssize_t w = send(s, buf, k, 0);
		if (w <= 0)
			return -1;
		n -= (uint64_t)w;
	}
	return 0;
}

/* Exactly n bytes; -1 (errno EPROTO at an early end of stream) if not. */
static int recv_bytes(int s, uint64_t n)
{
	while (n) {
		ssize_t r = recv(s, buf, n < sizeof(buf) ? (size_t)n : sizeof(buf), 0);
		if (r <= 0) {
			if (r == 0)
				errno = EPROTO;
			return -1;
		}
		n -= (uint64_t)r;
	}
	return 0;
}

/* The peer's end of stream, with nothing before it. */
static int expect_eof(int s)
{
	ssize_t r = recv(s, buf, sizeof(buf), 0);

	if (r > 0)
		errno = EPROTO;
	return r == 0 ? 0 : -1;
}

/* ---------------------------------------------------------------- client */

static int client_bulk(void)
{
	struct series s = {0};
	struct mark m;
	int c = dial(NB_START_S), rc;

	if (!ok("bulk: connect", c))
		return 0;
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i * 7u + (i >> 8));
	rc = send_bytes(c, (uint64_t)NB_BULK_WARM_MIB * MIB);
	if (rc == 0)
		rc = recv_bytes(c, 1);
	for (unsigned r = 0; r < NB_BULK_RUNS && rc == 0; r++) {
		m = mark_now();
		rc = send_bytes(c, (uint64_t)NB_BULK_MIB * MIB);
		if (rc == 0)
			rc = recv_bytes(c, 1);
		record(&s, &m, NB_BULK_MIB);
	}
	if (rc == 0)
		rc = shutdown(c, SHUT_WR);
	if (rc == 0)
		rc = expect_eof(c);
	close(c);
	if (!ok("bulk", rc))
		return 0;
	report("net_tcp_bulk_per_mib", &s, NB_BULK_MIB);
	return 1;
}

static int client_tcp_rr(void)
{
	struct series s = {0};
	struct mark m = {0};
	int c = dial(NB_WAIT_S), rc = 0;

	if (!ok("tcp rr: connect", c))
		return 0;
	nodelay(c);
	memset(buf, 0x5a, NB_MSG);
	for (unsigned i = 0; i < NB_RR_WARM + NB_BATCHES * NB_RR_N && rc == 0; i++) {
		if (i == NB_RR_WARM)
			m = mark_now();
		rc = send(c, buf, NB_MSG, 0) == NB_MSG ? 0 : -1;
		if (rc == 0)
			rc = recv_bytes(c, NB_MSG);
		if (rc == 0 && i >= NB_RR_WARM && (i + 1 - NB_RR_WARM) % NB_RR_N == 0)
			record(&s, &m, NB_RR_N);
	}
	if (rc == 0)
		rc = shutdown(c, SHUT_WR);
	if (rc == 0)
		rc = expect_eof(c);
	close(c);
	if (!ok("tcp rr", rc))
		return 0;
	report("net_tcp_rr_64b", &s, NB_RR_N);
	return 1;
}

static int client_udp_rr(void)
{
	struct series s = {0};
	struct mark m = {0};
	int u = sock(SOCK_DGRAM), rc;

	if (!ok("udp rr: socket", u))
		return 0;
	rc = connect(u, (struct sockaddr *)&peer, sizeof(peer));
	memset(buf, 0xa5, NB_MSG);
	for (unsigned i = 0; i < NB_RR_WARM + NB_BATCHES * NB_RR_N && rc == 0; i++) {
		if (i == NB_RR_WARM)
			m = mark_now();
		rc = send(u, buf, NB_MSG, 0) == NB_MSG ? 0 : -1;
		/* No datagram is lost on this link; one that were would end
		 * the benchmark here, after NB_WAIT_S. */
		if (rc == 0)
			rc = recv(u, buf, sizeof(buf), 0) == NB_MSG ? 0 : -1;
		if (rc == 0 && i >= NB_RR_WARM && (i + 1 - NB_RR_WARM) % NB_RR_N == 0)
			record(&s, &m, NB_RR_N);
	}
	close(u);
	if (!ok("udp rr", rc))
		return 0;
	report("net_udp_rr_64b", &s, NB_RR_N);
	return 1;
}

static int client_connect(void)
{
	struct series s = {0};
	struct mark m = {0};
	int rc = 0;

	for (unsigned i = 0; i < NB_CONN_WARM + NB_BATCHES * NB_CONN_N && rc == 0; i++) {
		if (i == NB_CONN_WARM)
			m = mark_now();
		int c = sock(SOCK_STREAM);
		if (c < 0 || connect(c, (struct sockaddr *)&peer, sizeof(peer)) < 0) {
			rc = -1;
			break;
		}
		rc = shutdown(c, SHUT_WR);
		if (rc == 0)
			rc = expect_eof(c);
		close(c);
		if (rc == 0 && i >= NB_CONN_WARM && (i + 1 - NB_CONN_WARM) % NB_CONN_N == 0)
			record(&s, &m, NB_CONN_N);
	}
	if (!ok("connect/close", rc))
		return 0;
	report("net_tcp_connect_close", &s, NB_CONN_N);
	return 1;
}

/* ---------------------------------------------------------------- server */

static int server_bulk(int l)
{
	struct series s = {0};
	struct mark m;
	int c = accept(l, NULL, NULL), rc;

	if (!ok("bulk: accept", c))
		return 0;
	rc = recv_bytes(c, (uint64_t)NB_BULK_WARM_MIB * MIB);
	m = mark_now();
	for (unsigned r = 0; r <= NB_BULK_RUNS && rc == 0; r++) {
		rc = send(c, "k", 1, 0) == 1 ? 0 : -1;
		if (r > 0)
			record(&s, &m, NB_BULK_MIB);
		if (rc == 0 && r < NB_BULK_RUNS)
			rc = recv_bytes(c, (uint64_t)NB_BULK_MIB * MIB);
	}
	if (rc == 0)
		rc = expect_eof(c);
	close(c);
	if (!ok("bulk", rc))
		return 0;
	report("net_tcp_bulk_per_mib", &s, NB_BULK_MIB);
	return 1;
}

static int server_tcp_rr(int l)
{
	struct series s = {0};
	struct mark m = {0};
	int c = accept(l, NULL, NULL), rc = 0;

	if (!ok("tcp rr: accept", c))
		return 0;
	nodelay(c);
	for (unsigned i = 0; i < NB_RR_WARM + NB_BATCHES * NB_RR_N && rc == 0; i++) {
		rc = recv_bytes(c, NB_MSG);
		if (rc == 0)
			rc = send(c, buf, NB_MSG, 0) == NB_MSG ? 0 : -1;
		/* Batches run from one reply to the N-th after it. */
		if (i + 1 == NB_RR_WARM)
			m = mark_now();
		else if (rc == 0 && i >= NB_RR_WARM && (i + 1 - NB_RR_WARM) % NB_RR_N == 0)
			record(&s, &m, NB_RR_N);
	}
	if (rc == 0)
		rc = expect_eof(c);
	close(c);
	if (!ok("tcp rr", rc))
		return 0;
	report("net_tcp_rr_64b", &s, NB_RR_N);
	return 1;
}

static int server_udp_rr(int u)
{
	struct series s = {0};
	struct mark m = {0};
	int rc = 0;

	for (unsigned i = 0; i < NB_RR_WARM + NB_BATCHES * NB_RR_N && rc == 0; i++) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t r = recvfrom(u, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		rc = r == NB_MSG ? 0 : -1;
		if (rc == 0)
			rc = sendto(u, buf, NB_MSG, 0, (struct sockaddr *)&from, fl) == NB_MSG ? 0
											       : -1;
		if (i + 1 == NB_RR_WARM)
			m = mark_now();
		else if (rc == 0 && i >= NB_RR_WARM && (i + 1 - NB_RR_WARM) % NB_RR_N == 0)
			record(&s, &m, NB_RR_N);
	}
	if (!ok("udp rr", rc))
		return 0;
	report("net_udp_rr_64b", &s, NB_RR_N);
	return 1;
}

static int server_connect(int l)
{
	struct series s = {0};
	struct mark m = {0};
	int rc = 0;

	for (unsigned i = 0; i < NB_CONN_WARM + NB_BATCHES * NB_CONN_N && rc == 0; i++) {
		int c = accept(l, NULL, NULL);
		if (c < 0) {
			rc = -1;
			break;
		}
		rc = expect_eof(c);
		close(c);
		if (i + 1 == NB_CONN_WARM)
			m = mark_now();
		else if (rc == 0 && i >= NB_CONN_WARM && (i + 1 - NB_CONN_WARM) % NB_CONN_N == 0)
			record(&s, &m, NB_CONN_N);
	}
	if (!ok("connect/close", rc))
		return 0;
	report("net_tcp_connect_close", &s, NB_CONN_N);
	return 1;
}

/* The UDP socket first, then the listener: once the client has a TCP
 * connection, the UDP port is open too.  The first accept waits for the
 * client's boot. */
static void server(void)
{
	struct sockaddr_in any = {.sin_family = AF_INET, .sin_port = htons(NB_PORT)};
	struct timeval boot = {.tv_sec = NB_START_S}, step = {.tv_sec = NB_WAIT_S};
	int one = 1, u = sock(SOCK_DGRAM), l = sock(SOCK_STREAM);

	if (!ok("udp socket", u) || !ok("udp bind", bind(u, (struct sockaddr *)&any, sizeof(any))))
		return;
	if (!ok("listener", l))
		return;
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (!ok("bind", bind(l, (struct sockaddr *)&any, sizeof(any))) ||
	    !ok("listen", listen(l, 4)))
		return;
	printf("lnetbench: server listening on port %d\n", NB_PORT);
	fflush(stdout);
	setsockopt(l, SOL_SOCKET, SO_RCVTIMEO, &boot, sizeof(boot));
	int c = server_bulk(l);
	setsockopt(l, SOL_SOCKET, SO_RCVTIMEO, &step, sizeof(step));
	if (c && server_tcp_rr(l) && server_udp_rr(u))
		server_connect(l);
	close(l);
	close(u);
}

static void client(void)
{
	printf("lnetbench: client of %s port %d\n", inet_ntoa(peer.sin_addr), NB_PORT);
	fflush(stdout);
	if (client_bulk() && client_tcp_rr() && client_udp_rr())
		client_connect();
}

int main(int argc, char **argv)
{
	peer.sin_family = AF_INET;
	peer.sin_port = htons(NB_PORT);
	if (argc == 2 && strcmp(argv[1], "server") == 0) {
		server();
	} else if (argc == 3 && strcmp(argv[1], "client") == 0 &&
		   inet_pton(AF_INET, argv[2], &peer.sin_addr) == 1) {
		client();
	} else {
		printf("lnetbench: usage: lnetbench server | lnetbench client A.B.C.D\n");
		failed = 1;
	}
	printf("lnetbench: done%s\n", failed ? " (some figures are missing)" : "");
	fflush(stdout);
	return failed;
}
