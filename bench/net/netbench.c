/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * netbench: the network benchmarks of issue 12 inside VectraOS, the twin
 * of bench/linux/lnetbench.c (docs/BENCHMARKS.md, "1.4 Network").  Two
 * machines on one link, each running this program as a service of its
 * image (bench/etc/netbench, mk/netbench.mk): "args server" on 10.5.0.1,
 * "args client 10.5.0.1" on 10.5.0.2.  They talk through netd's sockets
 * (client/sock.h) like any program, in four phases, always in this order
 * and with the counts of the NB_* constants below (the Linux twin uses
 * the same):
 *
 *   net_tcp_bulk_per_mib    one TCP connection to port NB_PORT: the
 *                           client sends NB_BULK_WARM_MIB, then
 *                           NB_BULK_RUNS runs of NB_BULK_MIB; after each
 *                           the server sends one byte back, which ends
 *                           the run on both sides
 *   net_tcp_rr_64b          a second connection: 64 bytes to the server,
 *                           the same 64 back, NB_RR_WARM untimed, then
 *                           NB_BATCHES batches of NB_RR_N
 *   net_udp_rr_64b          the same with 64-byte UDP datagrams to the
 *                           server's UDP port NB_PORT
 *   net_tcp_connect_close   per connection: the client connects, shuts
 *                           its side down and reads the server's end of
 *                           stream, then closes; the server accepts,
 *                           reads the client's end of stream, closes.
 *                           NB_CONN_WARM untimed, NB_BATCHES batches of
 *                           NB_CONN_N
 *
 * Each machine measures its own side: for each run or batch, the guest
 * time less the time the CPU spent halted (under -icount shift=0 the
 * instructions it executed, every Task's and the kernel's), per MiB or
 * per operation, and prints the median over the runs or batches:
 *
 *     bench <name> median_ns=<n> iters=<n> elapsed_ns=<n>
 *
 * bench/run.sh adds the two machines' figures: the cost of one operation
 * is what both ends executed for it.  Then "netbench: done", and the run
 * ends through QEMU's debug exit (the "exit" grant, port 0xf4), code 0
 * when every figure was measured.  Every wait has a deadline; a phase
 * that fails is reported and the rest are skipped.
 */
#include <stdint.h>
#include "rt/vx.h"
#include "rt/svc.h"
#include "rt/errstr.h"
#include "client/console.h"
#include "client/sock.h"
#include "net/addr.h"
#include "vx_string.h"

#define NET_VA	 0x10000000ull
#define CON_VA	 0x10010000ull
#define SOCK_VA	 0x40000000ull /* socket slot i at SOCK_VA + i * VX_SOCK_SPAN */
#define NET_BIT	 1u
#define CON_BIT	 2u
#define SOCK_BIT 3u

#define MS     1000000ull
#define SECOND (1000 * MS)
#define MIB    (1u << 20)

/* The benchmark's shape: the same in bench/linux/lnetbench.c. */
#define NB_PORT		 5201u
#define NB_MSG		 64u
#define NB_BULK_WARM_MIB 1u
#define NB_BULK_MIB	 4u
#define NB_BULK_RUNS	 3u
#define NB_BATCHES	 5u
#define NB_RR_WARM	 50u
#define NB_RR_N		 200u
#define NB_CONN_WARM	 2u
#define NB_CONN_N	 8u
#define NB_WAIT_NS	 (60 * SECOND)	 /* any one step */
#define NB_START_NS	 (3600 * SECOND) /* the peer's boot, for the first step */

static struct {
	struct vx_client net, con;
	bool have_con, server;
	vx_handle_t exit_port;
	uint8_t peer[4];
	int failed;
} N;

static struct vx_sock lis, sock;
static uint8_t buf[16384];

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (N.have_con)
		vx_con_vprintf(&N.con, (uint64_t)vx_clock() + 2 * SECOND, fmt, ap);
	else
		vx_vprintf(fmt, ap);
	va_end(ap);
}

static uint64_t later(uint64_t ns)
{
	return (uint64_t)vx_clock() + ns;
}

static uint64_t slot(int i)
{
	return SOCK_VA + (uint64_t)i * VX_SOCK_SPAN;
}

/* False, with the reason said once, when rc is not VX_OK. */
static bool ok(const char *what, long rc)
{
	if (rc >= 0)
		return true;
	say("netbench: %s: %s\n", what, vx_errname((int)rc));
	N.failed = 1;
	return false;
}

/* ------------------------------------------------------- the measurement */

/* A point in time: guest time and the time every CPU spent halted. */
struct mark {
	uint64_t t, idle;
};

static struct mark mark_now(void)
{
	struct mark m = {.idle = vx_clock_idle_all()};

	m.t = (uint64_t)vx_clock();
	return m;
}

/* The runs or batches of one benchmark: busy and elapsed ns, per unit. */
struct series {
	uint64_t busy[NB_BATCHES], el[NB_BATCHES];
	uint32_t n;
};

/* Records the span from *m to now, divided by div, and moves *m to now. */
static void record(struct series *s, struct mark *m, uint64_t div)
{
	struct mark e = mark_now();
	uint64_t t = e.t - m->t, idle = e.idle - m->idle;

	if (s->n < NB_BATCHES) {
		s->el[s->n] = t / div;
		s->busy[s->n] = (t > idle ? t - idle : 0) / div;
		s->n++;
	}
	*m = e;
}

static uint64_t median(uint64_t *v, uint32_t n)
{
	for (uint32_t i = 1; i < n; i++)
		for (uint32_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

static void report(const char *name, struct series *s, uint32_t iters)
{
	if (s->n == 0)
		return;
	say("bench %s median_ns=%lu iters=%u elapsed_ns=%lu\n", name,
	    (unsigned long)median(s->busy, s->n), iters, (unsigned long)median(s->el, s->n));
}

/* --------------------------------------------------------------- helpers */

/* The client's connection to the server, retried every 100 ms while the
 * server is not there yet (its netd has no address, or nothing listens)
 * until the deadline. */
static int dial(struct vx_sock *s, uint64_t deadline)
{
	int rc;

	do {
		rc = vx_sock_connect(s, &N.net, N.peer, NB_PORT, 5000, slot(1), SOCK_BIT, deadline);
		if (rc == VX_OK || (uint64_t)vx_clock() >= deadline)
			return rc;
		vx_sig_wait(0, later(100 * MS));
	} while ((uint64_t)vx_clock() < deadline);
	return rc;
}

/* Sends n bytes of buf, over and over. */
static int send_bytes(struct vx_sock *s, uint64_t n)
{
	while (n) {
		size_t k = n < sizeof(buf) ? (size_t)n : sizeof(buf);
		long w = vx_sock_send(s, buf, k, later(NB_WAIT_NS));
		if (w != (long)k)
			return w < 0 ? (int)w : VX_E_TIMEOUT;
		n -= k;
	}
	return VX_OK;
}

/* Reads n bytes into buf, over and over. */
static int recv_bytes(struct vx_sock *s, uint64_t n)
{
	while (n) {
		long r = vx_sock_recv(s, buf, n < sizeof(buf) ? (size_t)n : sizeof(buf),
				      later(NB_WAIT_NS));
		if (r <= 0)
			return r == 0 ? VX_E_CORRUPT : (int)r;
		n -= (uint64_t)r;
	}
	return VX_OK;
}

/* The end of the stream: the peer's FIN, and nothing before it. */
static int expect_eof(struct vx_sock *s)
{
	long r = vx_sock_recv(s, buf, sizeof(buf), later(NB_WAIT_NS));

	return r == 0 ? VX_OK : r < 0 ? (int)r : VX_E_TOOBIG;
}

/* ---------------------------------------------------------------- client */

static bool client_bulk(void)
{
	struct series s = {0};
	struct mark m;

	if (!ok("bulk: connect", dial(&sock, later(NB_START_NS))))
		return false;
	for (uint32_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7u + (i >> 8));
	int rc = send_bytes(&sock, (uint64_t)NB_BULK_WARM_MIB * MIB);
	if (rc == VX_OK)
		rc = recv_bytes(&sock, 1);
	for (uint32_t r = 0; r < NB_BULK_RUNS && rc == VX_OK; r++) {
		m = mark_now();
		rc = send_bytes(&sock, (uint64_t)NB_BULK_MIB * MIB);
		if (rc == VX_OK)
			rc = recv_bytes(&sock, 1);
		record(&s, &m, NB_BULK_MIB);
	}
	if (rc == VX_OK)
		rc = vx_sock_shutdown(&sock, later(NB_WAIT_NS));
	if (rc == VX_OK)
		rc = expect_eof(&sock);
	vx_sock_close(&sock, rc != VX_OK, later(NB_WAIT_NS));
	if (!ok("bulk", rc))
		return false;
	report("net_tcp_bulk_per_mib", &s, NB_BULK_MIB);
	return true;
}

static bool client_tcp_rr(void)
{
	struct series s = {0};
	struct mark m = {0};
	int rc;

	if (!ok("tcp rr: connect", dial(&sock, later(NB_WAIT_NS))))
		return false;
	memset(buf, 0x5a, NB_MSG);
	rc = VX_OK;
	for (uint32_t i = 0; i < NB_RR_WARM + NB_BATCHES * NB_RR_N && rc == VX_OK; i++) {
		if (i == NB_RR_WARM)
			m = mark_now();
		long w = vx_sock_send(&sock, buf, NB_MSG, later(NB_WAIT_NS));
		rc = w == NB_MSG ? VX_OK : w < 0 ? (int)w : VX_E_TIMEOUT;
		if (rc == VX_OK)
			rc = recv_bytes(&sock, NB_MSG);
		if (rc == VX_OK && i >= NB_RR_WARM && (i + 1 - NB_RR_WARM) % NB_RR_N == 0)
			record(&s, &m, NB_RR_N);
	}
	if (rc == VX_OK)
		rc = vx_sock_shutdown(&sock, later(NB_WAIT_NS));
	if (rc == VX_OK)
		rc = expect_eof(&sock);
	vx_sock_close(&sock, rc != VX_OK, later(NB_WAIT_NS));
	if (!ok("tcp rr", rc))
		return false;
	report("net_tcp_rr_64b", &s, NB_RR_N);
	return true;
}

static bool client_udp_rr(void)
{
	struct series s = {0};
	struct mark m = {0};
	int rc =
	    vx_sock_udp(&sock, &N.net, 0, N.peer, NB_PORT, slot(1), SOCK_BIT, later(NB_WAIT_NS));

	if (!ok("udp rr: socket", rc))
		return false;
	memset(buf, 0xa5, NB_MSG);
	for (uint32_t i = 0; i < NB_RR_WARM + NB_BATCHES * NB_RR_N && rc == VX_OK; i++) {
		if (i == NB_RR_WARM)
			m = mark_now();
		rc = vx_sock_sendto(&sock, buf, NB_MSG, NULL, 0, later(NB_WAIT_NS));
		if (rc == VX_OK) {
			/* No datagram is lost on this link; one that were would
			 * end the benchmark here, after NB_WAIT_NS. */
			long r = vx_sock_recvfrom(&sock, buf, sizeof(buf), NULL, NULL,
						  later(NB_WAIT_NS));
			rc = r == NB_MSG ? VX_OK : r < 0 ? (int)r : VX_E_CORRUPT;
		}
		if (rc == VX_OK && i >= NB_RR_WARM && (i + 1 - NB_RR_WARM) % NB_RR_N == 0)
			record(&s, &m, NB_RR_N);
	}
	vx_sock_close(&sock, false, later(NB_WAIT_NS));
	if (!ok("udp rr", rc))
		return false;
	report("net_udp_rr_64b", &s, NB_RR_N);
	return true;
}

static bool client_connect(void)
{
	struct series s = {0};
	struct mark m = {0};
	int rc = VX_OK;

	for (uint32_t i = 0; i < NB_CONN_WARM + NB_BATCHES * NB_CONN_N && rc == VX_OK; i++) {
		if (i == NB_CONN_WARM)
			m = mark_now();
		rc = vx_sock_connect(&sock, &N.net, N.peer, NB_PORT, 5000, slot(1), SOCK_BIT,
				     later(NB_WAIT_NS));
		if (rc != VX_OK)
			break;
		rc = vx_sock_shutdown(&sock, later(NB_WAIT_NS));
		if (rc == VX_OK)
			rc = expect_eof(&sock);
		vx_sock_close(&sock, rc != VX_OK, later(NB_WAIT_NS));
		if (rc == VX_OK && i >= NB_CONN_WARM && (i + 1 - NB_CONN_WARM) % NB_CONN_N == 0)
			record(&s, &m, NB_CONN_N);
	}
	if (!ok("connect/close", rc))
		return false;
	report("net_tcp_connect_close", &s, NB_CONN_N);
	return true;
}

/* ---------------------------------------------------------------- server */

/* The next connection on the listener. */
static int take(uint64_t deadline)
{
	return vx_sock_accept(&lis, &sock, slot(1), SOCK_BIT, deadline);
}

static bool server_bulk(void)
{
	struct series s = {0};
	struct mark m;
	int rc = take(later(NB_START_NS));

	if (!ok("bulk: accept", rc))
		return false;
	rc = recv_bytes(&sock, (uint64_t)NB_BULK_WARM_MIB * MIB);
	m = mark_now();
	for (uint32_t r = 0; r <= NB_BULK_RUNS && rc == VX_OK; r++) {
		long w = vx_sock_send(&sock, "k", 1, later(NB_WAIT_NS));
		rc = w == 1 ? VX_OK : w < 0 ? (int)w : VX_E_TIMEOUT;
		if (r > 0)
			record(&s, &m, NB_BULK_MIB);
		if (rc == VX_OK && r < NB_BULK_RUNS)
			rc = recv_bytes(&sock, (uint64_t)NB_BULK_MIB * MIB);
	}
	if (rc == VX_OK)
		rc = expect_eof(&sock);
	vx_sock_close(&sock, rc != VX_OK, later(NB_WAIT_NS));
	if (!ok("bulk", rc))
		return false;
	report("net_tcp_bulk_per_mib", &s, NB_BULK_MIB);
	return true;
}

static bool server_tcp_rr(void)
{
	struct series s = {0};
	struct mark m = {0};
	int rc = take(later(NB_WAIT_NS));

	if (!ok("tcp rr: accept", rc))
		return false;
	for (uint32_t i = 0; i < NB_RR_WARM + NB_BATCHES * NB_RR_N && rc == VX_OK; i++) {
		rc = recv_bytes(&sock, NB_MSG);
		if (rc == VX_OK) {
			long w = vx_sock_send(&sock, buf, NB_MSG, later(NB_WAIT_NS));
			rc = w == NB_MSG ? VX_OK : w < 0 ? (int)w : VX_E_TIMEOUT;
		}
		/* Batches run from one reply to the N-th after it. */
		if (i + 1 == NB_RR_WARM)
			m = mark_now();
		else if (rc == VX_OK && i >= NB_RR_WARM && (i + 1 - NB_RR_WARM) % NB_RR_N == 0)
			record(&s, &m, NB_RR_N);
	}
	if (rc == VX_OK)
		rc = expect_eof(&sock);
	vx_sock_close(&sock, rc != VX_OK, later(NB_WAIT_NS));
	if (!ok("tcp rr", rc))
		return false;
	report("net_tcp_rr_64b", &s, NB_RR_N);
	return true;
}

static bool server_udp_rr(struct vx_sock *u)
{
	struct series s = {0};
	struct mark m = {0};
	int rc = VX_OK;

	for (uint32_t i = 0; i < NB_RR_WARM + NB_BATCHES * NB_RR_N && rc == VX_OK; i++) {
		uint8_t from[4];
		uint16_t port;
		long r = vx_sock_recvfrom(u, buf, sizeof(buf), from, &port, later(NB_WAIT_NS));
		rc = r == NB_MSG ? VX_OK : r < 0 ? (int)r : VX_E_CORRUPT;
		if (rc == VX_OK)
			rc = vx_sock_sendto(u, buf, NB_MSG, from, port, later(NB_WAIT_NS));
		if (i + 1 == NB_RR_WARM)
			m = mark_now();
		else if (rc == VX_OK && i >= NB_RR_WARM && (i + 1 - NB_RR_WARM) % NB_RR_N == 0)
			record(&s, &m, NB_RR_N);
	}
	if (!ok("udp rr", rc))
		return false;
	report("net_udp_rr_64b", &s, NB_RR_N);
	return true;
}

static bool server_connect(void)
{
	struct series s = {0};
	struct mark m = {0};
	int rc = VX_OK;

	for (uint32_t i = 0; i < NB_CONN_WARM + NB_BATCHES * NB_CONN_N && rc == VX_OK; i++) {
		rc = take(later(NB_WAIT_NS));
		if (rc != VX_OK)
			break;
		rc = expect_eof(&sock);
		vx_sock_close(&sock, rc != VX_OK, later(NB_WAIT_NS));
		if (i + 1 == NB_CONN_WARM)
			m = mark_now();
		else if (rc == VX_OK && i >= NB_CONN_WARM &&
			 (i + 1 - NB_CONN_WARM) % NB_CONN_N == 0)
			record(&s, &m, NB_CONN_N);
	}
	if (!ok("connect/close", rc))
		return false;
	report("net_tcp_connect_close", &s, NB_CONN_N);
	return true;
}

/* The UDP socket first, then the listener: once the client has a TCP
 * connection, the UDP port is open too. */
static void server(void)
{
	static struct vx_sock udp;
	int rc = VX_E_STATE;

	/* netd may not have its card and address yet: ask again until it has. */
	for (uint32_t i = 0; i < 600 && rc != VX_OK; i++) {
		rc = vx_sock_udp(&udp, &N.net, NB_PORT, NULL, 0, slot(2), SOCK_BIT,
				 later(NB_WAIT_NS));
		if (rc != VX_OK)
			vx_sig_wait(0, later(100 * MS));
	}
	if (!ok("udp socket", rc))
		return;
	if (!ok("listen",
		vx_sock_listen(&lis, &N.net, NB_PORT, 4, slot(0), SOCK_BIT, later(NB_WAIT_NS))))
		return;
	say("netbench: server listening on port %u\n", NB_PORT);
	if (server_bulk() && server_tcp_rr() && server_udp_rr(&udp))
		server_connect();
	vx_sock_close(&lis, false, later(NB_WAIT_NS));
	vx_sock_close(&udp, false, later(NB_WAIT_NS));
}

static void client(void)
{
	say("netbench: client of %u.%u.%u.%u port %u\n", N.peer[0], N.peer[1], N.peer[2], N.peer[3],
	    NB_PORT);
	if (client_bulk() && client_tcp_rr() && client_udp_rr())
		client_connect();
}

static _Noreturn void finish(void)
{
	say("netbench: done%s\n", N.failed ? " (some figures are missing)" : "");
	/* The debug exit stops the machine at once.  The last connection's
	 * FIN, which the other machine still waits for, has left: netd
	 * answers a graceful NET_CLOSE only once its card has read the FIN
	 * (docs/NET.md, "Closing"). */
	if (N.exit_port)
		vx_port_out(N.exit_port, 0xf4, 1, N.failed ? 2 : 0); /* QEMU exits (2v + 1) */
	vx_task_exit(N.failed);
}

int main(const struct vx_bundle_page *b, const char *args)
{
	int64_t h;

	N.have_con = vx_client_open(&N.con, b, "console", CON_VA, CON_BIT) == VX_OK;
	if (N.have_con)
		vx_client_wait_up(&N.con, later(10 * SECOND));
	if ((h = vx_bundle_handle(b, "exit", VX_OBJ_IOPORT)) >= 0)
		N.exit_port = (vx_handle_t)h;
	if (args && strcmp(args, "server") == 0)
		N.server = true;
	else if (!args || strncmp(args, "client ", 7) != 0 || !vx_ip_parse(args + 7, N.peer)) {
		say("netbench: args must be \"server\" or \"client A.B.C.D\", not \"%s\"\n",
		    args ? args : "");
		N.failed = 1;
		finish();
	}
	if (!ok("no net connection", vx_client_open(&N.net, b, "net", NET_VA, NET_BIT)))
		finish();
	if (N.server)
		server();
	else
		client();
	finish();
}
