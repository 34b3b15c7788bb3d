/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * socktest: netd's sockets (vectra/proto/net.h, SOCKETS), used and then
 * misused, for tests/qemu/sock_test.py.  It runs as the service
 * "socktest" of sock.img with connections to the console and to netd,
 * on QEMU's user-mode network (restricted), whose forwards the test sets
 * up on the host's loopback:
 *
 *   10.0.2.100:7 (guestfwd)   the test's echo server on 127.0.0.1
 *   hostfwd tcp -> 7000       this program's listener
 *   hostfwd udp -> 7001       this program's UDP echo
 *
 * Every step prints one line "socktest: STEP: RESULT"; the test matches
 * them and drives the host side between them.  The steps, in order:
 *
 *   echo       256 KiB to the echo server and back through one connection,
 *              sending and reading in turn (neither side's buffers hold it
 *              all), then shutdown and the echo's end of stream; FNV-1a of
 *              both directions compared
 *   listen     listen on 7000; the host connects through hostfwd and sends
 *              128 KiB, which goes back to it; then the host closes
 *   udp        a UDP socket on 7001 answers five datagrams from the host,
 *              then sends a burst of 12 to it and closes at once
 *   misuse     each bad request by name, with the error netd must answer;
 *              a slot netd must refuse (bad kind, data after EOF, a length
 *              past the slot, a scribbled index) ends its socket with
 *              NET_SEG_ERROR VX_E_CORRUPT; a client that lets go of its
 *              Rings without NET_CLOSE is closed for it
 *   limits     NET_SOCK_PER_CONN sockets, then one more: VX_E_FULL
 *   grants     the narrowed connections netc (net.connect), netl
 *              (net.listen.7300) and netu (net.udp) may do what their
 *              grant names and get VX_E_RIGHTS for everything else
 *   crash      a connection to the echo server is held while the test
 *              crashes netd: the next receive says VX_E_HANGUP (not a
 *              fault); once netd is back, a new connection echoes again,
 *              and the narrowed connections are still narrowed (init
 *              hands the new netd each grant again)
 */
#include "rt/vx.h"
#include "rt/svc.h"
#include "rt/errstr.h"
#include "client/sock.h"
#include "hostile.h"
#include "vectra/proto/net.h"
#include "vx_string.h"

#define VA_NETC	  0x10500000ull
#define VA_NARROW 0x10600000ull /* netc, netl, netu: VX_SVC_CONN_SPAN each */
#define VA_SOCK	  0x40000000ull /* socket i at VA_SOCK + i * VX_SOCK_SPAN */
#define BIT_NETC  2u
#define BIT_SOCK  3u
#define SECOND	  1000000000ull
#define ECHO_LEN  (256u * 1024u)
#define BACK_LEN  (128u * 1024u)

static const uint8_t echo_ip[4] = {10, 0, 2, 100};

static struct vx_client net, netc, netl, netu;
static struct vx_sock S[NET_SOCK_PER_CONN + 1];
static uint8_t buf[8192];

static uint64_t later(uint64_t ns)
{
	return (uint64_t)vx_clock() + ns;
}

static uint64_t va(int i)
{
	return VA_SOCK + (uint64_t)i * VX_SOCK_SPAN;
}

static uint32_t fnv(uint32_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/* The byte at offset i of the stream this program sends. */
static uint8_t pattern(uint32_t i)
{
	return (uint8_t)(i * 7u + (i >> 10));
}

/* A raw request, for the misuse cases. */
static int call(uint32_t op, const void *data, uint16_t len)
{
	struct vx_msg m = {.op = op, .len = len};

	memcpy(m.data, data, len);
	int rc = vx_client_call(&net, &m, later(5 * SECOND));
	if (rc == VX_OK && m.ncaps) { /* not expected: drop what came */
		for (uint32_t i = 0; i < m.ncaps; i++) {
			int64_t h = vx_ring_recv_cap(net.rep_h);
			if (h >= 0)
				vx_cap_delete((vx_handle_t)h);
		}
	}
	return rc;
}

static void expect(const char *what, int got, int want)
{
	say("socktest: misuse: %s: %s%s\n", what, vx_errname(got), got == want ? "" : " (WRONG)");
}

/* ------------------------------------------------------------ the echo */

/* Sends len bytes of the pattern and reads the echo in turn; returns
 * VX_OK when both hashes agree. */
static int echo_run(struct vx_sock *s, uint32_t len)
{
	uint32_t sent = 0, got = 0, hs = 2166136261u, hr = 2166136261u;
	uint64_t end = later(60 * SECOND);

	while (got < len) {
		if (vx_clock() > (int64_t)end)
			return VX_E_TIMEOUT;
		if (sent < len) {
			uint32_t k = len - sent < 4096 ? len - sent : 4096;
			for (uint32_t i = 0; i < k; i++)
				buf[i] = pattern(sent + i);
			long n = vx_sock_send(s, buf, k, later(SECOND / 20));
			if (n < 0 && n != VX_E_TIMEOUT)
				return (int)n;
			if (n > 0) {
				hs = fnv(hs, buf, (size_t)n);
				sent += (uint32_t)n;
			}
			if (sent == len && vx_sock_shutdown(s, later(5 * SECOND)) != VX_OK)
				return VX_E_STATE;
		}
		long n = vx_sock_recv(s, buf, sizeof(buf),
				      sent < len ? (uint64_t)VX_DEADLINE_NONE : later(5 * SECOND));
		if (n == 0)
			return VX_E_CORRUPT; /* the echo ended early */
		if (n < 0 && n != VX_E_TIMEOUT)
			return (int)n;
		if (n > 0) {
			hr = fnv(hr, buf, (size_t)n);
			got += (uint32_t)n;
		}
	}
	long n = vx_sock_recv(s, buf, sizeof(buf), later(10 * SECOND));
	if (n != 0)
		return n < 0 ? (int)n : VX_E_TOOBIG; /* more than was sent */
	return hs == hr ? VX_OK : VX_E_AUTH;
}

static void do_echo(void)
{
	int rc =
	    vx_sock_connect(&S[0], &net, echo_ip, 7, 10000, va(0), BIT_SOCK, later(15 * SECOND));

	if (rc != VX_OK) {
		say("socktest: echo: connect: %s\n", vx_errname(rc));
		return;
	}
	rc = echo_run(&S[0], ECHO_LEN);
	say("socktest: echo: %u bytes: %s\n", ECHO_LEN, vx_errname(rc));
	vx_sock_close(&S[0], false, later(5 * SECOND));
}

/* ------------------------------------------------------- the listener */

static void do_listen(void)
{
	struct vx_sock *l = &S[1], *c = &S[2];
	int rc = vx_sock_listen(l, &net, 7000, 4, va(1), BIT_SOCK, later(5 * SECOND));

	say("socktest: listen: 7000: %s\n", vx_errname(rc));
	if (rc != VX_OK)
		return;
	rc = vx_sock_accept(l, c, va(2), BIT_SOCK, later(60 * SECOND));
	if (rc != VX_OK) {
		say("socktest: listen: accept: %s\n", vx_errname(rc));
		vx_sock_close(l, false, later(5 * SECOND));
		return;
	}
	say("socktest: listen: accepted %u.%u.%u.%u\n", c->info.raddr[0], c->info.raddr[1],
	    c->info.raddr[2], c->info.raddr[3]);
	uint32_t total = 0;
	long n;
	while ((n = vx_sock_recv(c, buf, sizeof(buf), later(30 * SECOND))) > 0) {
		long w = vx_sock_send(c, buf, (size_t)n, later(30 * SECOND));
		if (w != n) {
			n = w < 0 ? w : VX_E_TIMEOUT;
			break;
		}
		total += (uint32_t)n;
	}
	say("socktest: listen: echoed %u bytes, then %s\n", total,
	    n == 0 ? "end of stream" : vx_errname((int)n));
	vx_sock_close(c, false, later(5 * SECOND));
	vx_sock_close(l, false, later(5 * SECOND));
}

/* ---------------------------------------------------------------- udp */

#define UDP_BURST 12

static void do_udp(void)
{
	struct vx_sock *u = &S[3];
	int rc = vx_sock_udp(u, &net, 7001, NULL, 0, va(3), BIT_SOCK, later(5 * SECOND));
	uint8_t from[4];
	uint16_t port;
	int answered = 0;

	say("socktest: udp: 7001: %s\n", vx_errname(rc));
	if (rc != VX_OK)
		return;
	for (int i = 0; i < 5; i++) {
		long n = vx_sock_recvfrom(u, buf, sizeof(buf), from, &port, later(30 * SECOND));
		if (n < 0) {
			say("socktest: udp: recvfrom: %s\n", vx_errname((int)n));
			break;
		}
		if (vx_sock_sendto(u, buf, (size_t)n, from, port, later(5 * SECOND)) == VX_OK)
			answered++;
	}
	say("socktest: udp: answered %d\n", answered);
	/* A burst, then the close at once: a graceful close sends what tx
	 * still holds (each sendto said VX_OK), before netd lets go. */
	int burst = 0;
	for (int i = 0; answered == 5 && i < UDP_BURST; i++) {
		int k = vx_snprintf((char *)buf, sizeof(buf), "burst %d", i);
		if (vx_sock_sendto(u, buf, (size_t)k, from, port, later(5 * SECOND)) == VX_OK)
			burst++;
	}
	rc = vx_sock_close(u, false, later(5 * SECOND));
	say("socktest: udp: burst of %d, then close: %s\n", burst, vx_errname(rc));
}

/* ------------------------------------------------------------- misuse */

/* Connects S[i] to the echo server. */
static int echo_connect(int i)
{
	return vx_sock_connect(&S[i], &net, echo_ip, 7, 10000, va(i), BIT_SOCK, later(15 * SECOND));
}

/* Writes one raw slot into S[i]'s tx Ring, then waits for what netd
 * puts in rx: its NET_SEG_ERROR's error, or the receive's error. */
static int bad_slot(int i, const struct net_seg *g, size_t len)
{
	struct vx_sock *s = &S[i];

	if (vx_ring_try_send(&s->tx, g, len) != VX_OK)
		return VX_E_FULL;
	vx_ring_kick(&s->tx);
	for (;;) {
		long n = vx_sock_recv(s, buf, sizeof(buf), later(10 * SECOND));
		if (n <= 0)
			return n == 0 ? VX_OK : (int)n;
	}
}

static void do_misuse(void)
{
	struct net_socket_req q;
	struct net_accept_req a = {.id = 0xdead, .timeout_ms = 0};
	struct net_close_req c = {.id = 0x77};
	static struct net_seg g;

	expect("accept of no socket", call(NET_ACCEPT, &a, sizeof(a)), VX_E_BADHANDLE);
	expect("close of no socket", call(NET_CLOSE, &c, sizeof(c)), VX_E_BADHANDLE);
	c.how = 2;
	expect("close how 2", call(NET_CLOSE, &c, sizeof(c)), VX_E_INVAL);
	expect("socket short", call(NET_SOCKET, &q, 8), VX_E_INVAL);
	memset(&q, 0, sizeof(q));
	q.kind = 9;
	expect("socket kind 9", call(NET_SOCKET, &q, sizeof(q)), VX_E_INVAL);
	q = (struct net_socket_req){.kind = NET_SOCK_TCP, .port = 7, .timeout_ms = 1000};
	expect("connect to 0.0.0.0", call(NET_SOCKET, &q, sizeof(q)), VX_E_INVAL);
	memset(q.addr, 255, 4);
	expect("connect to broadcast", call(NET_SOCKET, &q, sizeof(q)), VX_E_INVAL);
	memcpy(q.addr, echo_ip, 4);
	q.reserved0 = 1;
	expect("connect reserved", call(NET_SOCKET, &q, sizeof(q)), VX_E_INVAL);
	q.reserved0 = 0;
	q.timeout_ms = 0;
	expect("connect timeout 0", call(NET_SOCKET, &q, sizeof(q)), VX_E_INVAL);
	q = (struct net_socket_req){.kind = NET_SOCK_LISTEN, .port = 7100};
	expect("listen backlog 0", call(NET_SOCKET, &q, sizeof(q)), VX_E_INVAL);
	int rc = vx_sock_listen(&S[4], &net, 7100, 2, va(4), BIT_SOCK, later(5 * SECOND));
	expect("listen 7100", rc, VX_OK);
	rc = vx_sock_listen(&S[5], &net, 7100, 2, va(5), BIT_SOCK, later(5 * SECOND));
	expect("listen 7100 again", rc, VX_E_EXISTS);
	a.id = S[4].info.id;
	a.timeout_ms = 0;
	expect("accept with none waiting", call(NET_ACCEPT, &a, sizeof(a)), VX_E_EMPTY);
	a.timeout_ms = NET_ACCEPT_TIMEOUT_MAX_MS + 1;
	expect("accept timeout too long", call(NET_ACCEPT, &a, sizeof(a)), VX_E_INVAL);
	vx_sock_close(&S[4], false, later(5 * SECOND));
	a.timeout_ms = 0;
	expect("accept after close", call(NET_ACCEPT, &a, sizeof(a)), VX_E_BADHANDLE);
	rc = vx_sock_udp(&S[4], &net, 7200, NULL, 0, va(4), BIT_SOCK, later(5 * SECOND));
	expect("udp 7200", rc, VX_OK);
	rc = vx_sock_udp(&S[5], &net, 7200, NULL, 0, va(5), BIT_SOCK, later(5 * SECOND));
	expect("udp 7200 again", rc, VX_E_EXISTS);
	expect("sendto without a peer", vx_sock_sendto(&S[4], "x", 1, NULL, 0, later(SECOND)),
	       VX_E_INVAL);
	/* A datagram to 0.0.0.0 written raw: netd refuses the slot. */
	long n = VX_E_STATE;
	if (S[4].bound) {
		memset(&g, 0, NET_SEG_HDR);
		g.kind = NET_SEG_DATA;
		g.len = 1;
		vx_ring_try_send(&S[4].tx, &g, NET_SEG_HDR + 1);
		vx_ring_kick(&S[4].tx);
		n = vx_sock_recvfrom(&S[4], buf, sizeof(buf), NULL, NULL, later(10 * SECOND));
	}
	expect("udp datagram to nowhere", (int)n, VX_E_CORRUPT);
	vx_sock_close(&S[4], false, later(5 * SECOND));
	vx_sock_close(&S[5], false, later(5 * SECOND));

	/* Slots netd must refuse, each on a fresh connection. */
	struct {
		const char *name;
		uint16_t kind, len;
		int32_t error;
		bool eof_first;
	} bad[] = {
	    {"slot kind 7", 7, 0, 0, false},
	    {"slot kind ERROR in tx", NET_SEG_ERROR, 0, VX_E_INVAL, false},
	    {"slot len past the slot", NET_SEG_DATA, NET_SEG_DATA_MAX + 1, 0, false},
	    {"slot EOF with data", NET_SEG_EOF, 5, 0, false},
	    {"data after EOF", NET_SEG_DATA, 3, 0, true},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if ((rc = echo_connect(6)) != VX_OK) {
			expect(bad[i].name, rc, VX_E_CORRUPT);
			continue;
		}
		if (bad[i].eof_first) {
			/* The EOF and the slot after it in one kick: with a kick
			 * between them, netd could send the FIN, and the echo's
			 * own EOF come back and end rx, before the slot came,
			 * leaving no room to say why (bad_seg). */
			static const struct net_seg eof = {.kind = NET_SEG_EOF};
			vx_ring_try_send(&S[6].tx, &eof, NET_SEG_HDR);
		}
		memset(&g, 0, NET_SEG_HDR);
		g.kind = bad[i].kind;
		g.len = bad[i].len;
		g.error = bad[i].error;
		expect(bad[i].name, bad_slot(6, &g, NET_SEG_SLOT), VX_E_CORRUPT);
		vx_sock_close(&S[6], false, later(5 * SECOND));
	}
	/* A tx index moved past what was written. */
	if ((rc = echo_connect(6)) == VX_OK) {
		__atomic_store_n(&S[6].tx.ctl->head, S[6].tx.ctl->head + 1000, __ATOMIC_RELEASE);
		vx_ring_notify(S[6].tx_h);
		long k = vx_sock_recv(&S[6], buf, sizeof(buf), later(10 * SECOND));
		expect("tx head scribbled", (int)k, VX_E_CORRUPT);
		vx_sock_close(&S[6], false, later(5 * SECOND));
	}
	/* Let go of a connection's Rings without NET_CLOSE: netd closes it. */
	if ((rc = echo_connect(6)) == VX_OK) {
		vx_ring_unbind(S[6].tx_h);
		vx_ring_unbind(S[6].rx_h);
		vx_cap_delete(S[6].tx_h);
		vx_cap_delete(S[6].rx_h);
		vx_sig_wait(0, later(SECOND / 2));
		c.id = S[6].info.id;
		c.how = NET_CLOSE_GRACEFUL;
		expect("close after letting go", call(NET_CLOSE, &c, sizeof(c)), VX_E_BADHANDLE);
		memset(&S[6], 0, sizeof(S[6]));
	}
	say("socktest: misuse: done\n");
}

/* ------------------------------------------------------------- limits */

static void do_limits(void)
{
	int n = 0, rc = VX_OK;

	for (; n <= (int)NET_SOCK_PER_CONN; n++) {
		rc = vx_sock_udp(&S[n], &net, 0, NULL, 0, va(n), BIT_SOCK, later(5 * SECOND));
		if (rc != VX_OK)
			break;
	}
	say("socktest: limits: %d sockets, then %s\n", n, vx_errname(rc));
	for (int i = 0; i < n; i++)
		vx_sock_close(&S[i], false, later(5 * SECOND));
	rc = vx_sock_udp(&S[0], &net, 0, NULL, 0, va(0), BIT_SOCK, later(5 * SECOND));
	say("socktest: limits: after closing them: %s\n", vx_errname(rc));
	if (rc == VX_OK)
		vx_sock_close(&S[0], false, later(5 * SECOND));
}

/* ------------------------------------------------------------- grants */

/* A NET_SOCKET of kind on connection n: the call's result, the socket
 * closed again if it opened. */
static int try_socket(struct vx_client *n, uint8_t kind, uint16_t port)
{
	struct vx_sock s;
	int rc;

	if (kind == NET_SOCK_TCP)
		rc = vx_sock_connect(&s, n, echo_ip, 7, 10000, va(7), BIT_SOCK, later(15 * SECOND));
	else if (kind == NET_SOCK_LISTEN)
		rc = vx_sock_listen(&s, n, port, 2, va(7), BIT_SOCK, later(5 * SECOND));
	else
		rc = vx_sock_udp(&s, n, port, NULL, 0, va(7), BIT_SOCK, later(5 * SECOND));
	if (rc == VX_OK)
		vx_sock_close(&s, false, later(5 * SECOND));
	return rc;
}

static void grant(const char *what, int got, int want)
{
	say("socktest: grants: %s: %s%s\n", what, vx_errname(got), got == want ? "" : " (WRONG)");
}

static void do_grants(const char *when)
{
	uint32_t first[2] = {0, 0};
	char w[64];

	vx_snprintf(w, sizeof(w), "%s: netc connect", when);
	grant(w, try_socket(&netc, NET_SOCK_TCP, 0), VX_OK);
	vx_snprintf(w, sizeof(w), "%s: netc listen", when);
	grant(w, try_socket(&netc, NET_SOCK_LISTEN, 7301), VX_E_RIGHTS);
	vx_snprintf(w, sizeof(w), "%s: netc udp", when);
	grant(w, try_socket(&netc, NET_SOCK_UDP, 0), VX_E_RIGHTS);
	struct vx_msg m = {.op = NET_COUNTERS, .len = sizeof(first)};
	memcpy(m.data, first, sizeof(first));
	vx_snprintf(w, sizeof(w), "%s: netc counters", when);
	grant(w, vx_client_call(&netc, &m, later(5 * SECOND)), VX_E_RIGHTS);
	m = (struct vx_msg){.op = NET_INFO};
	vx_snprintf(w, sizeof(w), "%s: netc info", when);
	grant(w, vx_client_call(&netc, &m, later(5 * SECOND)), VX_OK);
	vx_snprintf(w, sizeof(w), "%s: netl listen 7300", when);
	grant(w, try_socket(&netl, NET_SOCK_LISTEN, 7300), VX_OK);
	vx_snprintf(w, sizeof(w), "%s: netl listen 7301", when);
	grant(w, try_socket(&netl, NET_SOCK_LISTEN, 7301), VX_E_RIGHTS);
	vx_snprintf(w, sizeof(w), "%s: netl connect", when);
	grant(w, try_socket(&netl, NET_SOCK_TCP, 0), VX_E_RIGHTS);
	vx_snprintf(w, sizeof(w), "%s: netu udp", when);
	grant(w, try_socket(&netu, NET_SOCK_UDP, 0), VX_OK);
	vx_snprintf(w, sizeof(w), "%s: netu udp 7400", when);
	grant(w, try_socket(&netu, NET_SOCK_UDP, 7400), VX_OK);
	vx_snprintf(w, sizeof(w), "%s: netu udp 53", when);
	grant(w, try_socket(&netu, NET_SOCK_UDP, 53), VX_E_RIGHTS);
	vx_snprintf(w, sizeof(w), "%s: netu connect", when);
	grant(w, try_socket(&netu, NET_SOCK_TCP, 0), VX_E_RIGHTS);
}

/* -------------------------------------------------------------- crash */

static void do_crash(void)
{
	int rc = echo_connect(0);

	if (rc != VX_OK) {
		say("socktest: crash: connect: %s\n", vx_errname(rc));
		return;
	}
	say("socktest: crash: holding a connection\n");
	long n = vx_sock_recv(&S[0], buf, sizeof(buf), later(60 * SECOND));
	say("socktest: crash: receive: %s\n", vx_errname((int)n));
	n = vx_sock_send(&S[0], "x", 1, later(SECOND));
	say("socktest: crash: send: %s\n", vx_errname((int)n));
	vx_sock_close(&S[0], false, later(SECOND));
	/* netd restarts: connect again until it answers. */
	uint64_t end = later(60 * SECOND);
	do {
		vx_sig_wait(0, later(SECOND / 2));
		rc = echo_connect(0);
	} while (rc != VX_OK && vx_clock() < (int64_t)end);
	if (rc == VX_OK)
		rc = echo_run(&S[0], 16384);
	say("socktest: crash: after the restart: %s\n", vx_errname(rc));
	if (S[0].open)
		vx_sock_close(&S[0], false, later(5 * SECOND));
	do_grants("after the restart");
}

int do_sock(const struct vx_bundle_page *b)
{
	int rc = vx_client_open(&net, b, "net", VA_NETC, BIT_NETC);

	if (rc == VX_OK)
		rc = vx_client_open(&netc, b, "netc", VA_NARROW, BIT_NETC);
	if (rc == VX_OK)
		rc = vx_client_open(&netl, b, "netl", VA_NARROW + VX_SVC_CONN_SPAN, BIT_NETC);
	if (rc == VX_OK)
		rc = vx_client_open(&netu, b, "netu", VA_NARROW + 2 * VX_SVC_CONN_SPAN, BIT_NETC);
	if (rc != VX_OK) {
		say("socktest: no net connection: %s\n", vx_errname(rc));
		return 2;
	}
	/* netd needs its address first (DHCP): wait for the echo to connect. */
	uint64_t end = later(60 * SECOND);
	while ((rc = echo_connect(0)) != VX_OK && vx_clock() < (int64_t)end)
		vx_sig_wait(0, later(SECOND / 2));
	if (rc == VX_OK)
		vx_sock_close(&S[0], true, later(5 * SECOND));
	say("socktest: ready: %s\n", vx_errname(rc));
	do_echo();
	do_listen();
	do_udp();
	do_misuse();
	do_limits();
	do_grants("first");
	do_crash();
	say("socktest: done\n");
	return 0;
}
