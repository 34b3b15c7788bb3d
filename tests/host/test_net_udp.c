/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP and UDP (lib/net/icmp.c, lib/net/udp.c).
 *
 * ICMP: echo is answered but not to broadcast; pings report their round
 * trip, their timeout and errors about them; errors are delivered to the
 * UDP socket or the TCP hook they concern, and never sent about errors,
 * to broadcasts, or faster than the rate limit.  UDP: the socket table's
 * binding rules, the checksum (bad, absent, always sent), length lies,
 * port unreachable, the bounded receive queue, and broadcast sending.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "net_pkt.h"

static const uint8_t lim_bc[4] = {255, 255, 255, 255};
static const uint8_t sub_bc[4] = {10, 0, 2, 255};

static struct vx_net net;
static struct wire w;
static uint8_t f[2048];

#define C(name) net.count[VX_NETC_##name]

static struct {
	int calls, status;
	uint16_t id, seq;
	uint64_t rtt;
	struct vx_net_icmp_err err;
} ping;
static struct {
	int calls;
	struct vx_net_icmp_err err;
	uint8_t seg[64];
	size_t len;
} tcp_err;
static int tcp_in_calls, ready_calls, ready_sock;

static void on_ping(void *ctx, const uint8_t from[4], uint16_t id, uint16_t seq, int status,
		    uint64_t rtt, const struct vx_net_icmp_err *err)
{
	(void)ctx, (void)from;
	ping.calls++;
	ping.status = status;
	ping.id = id;
	ping.seq = seq;
	ping.rtt = rtt;
	if (err)
		ping.err = *err;
}

static void on_tcp_error(void *ctx, const struct vx_net_icmp_err *err, const uint8_t *seg,
			 size_t len)
{
	(void)ctx;
	tcp_err.calls++;
	tcp_err.err = *err;
	tcp_err.len = len < sizeof(tcp_err.seg) ? len : sizeof(tcp_err.seg);
	memcpy(tcp_err.seg, seg, tcp_err.len);
}

static void on_tcp_input(void *ctx, const uint8_t src[4], const uint8_t dst[4], const uint8_t *seg,
			 size_t len, uint64_t now)
{
	(void)ctx, (void)src, (void)dst, (void)seg, (void)len, (void)now;
	tcp_in_calls++;
}

static void on_ready(void *ctx, int sock)
{
	(void)ctx;
	ready_calls++;
	ready_sock = sock;
}

static int setup(void **state)
{
	struct vx_net_ops ops = {.tx = wire_tx,
				 .ping = on_ping,
				 .tcp_error = on_tcp_error,
				 .tcp_input = on_tcp_input,
				 .udp_ready = on_ready};

	(void)state;
	memset(&w, 0, sizeof(w));
	memset(&ping, 0, sizeof(ping));
	memset(&tcp_err, 0, sizeof(tcp_err));
	tcp_in_calls = ready_calls = 0;
	assert_int_equal(vx_net_init(&net, our_mac, 1500, 3, &ops, &w), VX_OK);
	assert_int_equal(vx_net_set_ipv4(&net, our_ip, mask, gw), VX_OK);
	size_t n = frame_arp(f, bcast_mac, 1, peer_mac, peer_ip, zero_mac, our_ip);

	vx_net_input(&net, f, n, 0);
	w.n = 0;
	return 0;
}

/* An echo request with id, seq and len bytes of data, into msg. */
static size_t echo_msg(uint8_t *msg, uint8_t type, uint16_t id, uint16_t seq, size_t len)
{
	msg[0] = type;
	msg[1] = 0;
	wr16(msg + 4, id);
	wr16(msg + 6, seq);
	for (size_t i = 0; i < len; i++)
		msg[8 + i] = (uint8_t)(i + 1);
	return 8 + len;
}

/* ------------------------------------------------------------------ ICMP */

static void test_echo_reply(void **state)
{
	(void)state;
	uint8_t msg[128];
	size_t m = echo_msg(msg, 8, 0xbeef, 9, 56);

	vx_net_input(&net, f, frame_icmp(f, our_mac, peer_mac, peer_ip, our_ip, msg, m), 0);
	assert_int_equal(C(ICMP_ECHO_IN), 1);
	assert_int_equal(w.n, 1);
	const uint8_t *ip = w.f[0] + 14, *r = ip + 20;

	assert_memory_equal(w.f[0], peer_mac, 6);
	assert_memory_equal(ip + 12, our_ip, 4);
	assert_memory_equal(ip + 16, peer_ip, 4);
	assert_int_equal(rd16(ip + 2), 20 + m);
	assert_int_equal(r[0], 0);
	assert_int_equal(rd16(r + 4), 0xbeef);
	assert_int_equal(rd16(r + 6), 9);
	assert_memory_equal(r + 8, msg + 8, 56);
	assert_int_equal(vx_cksum(r, m), 0);
}

static void test_echo_hostile(void **state)
{
	(void)state;
	uint8_t msg[64];
	size_t m = echo_msg(msg, 8, 1, 1, 8), n;

	/* to the subnet broadcast, to the limited broadcast, to a link broadcast */
	vx_net_input(&net, f, frame_icmp(f, bcast_mac, peer_mac, peer_ip, sub_bc, msg, m), 0);
	vx_net_input(&net, f, frame_icmp(f, bcast_mac, peer_mac, peer_ip, lim_bc, msg, m), 0);
	vx_net_input(&net, f, frame_icmp(f, bcast_mac, peer_mac, peer_ip, our_ip, msg, m), 0);
	assert_int_equal(C(ICMP_BCAST_ECHO), 3);
	n = frame_icmp(f, our_mac, peer_mac, peer_ip, our_ip, msg, m);
	f[14 + 20 + 9] ^= 0xff; /* bad checksum */
	vx_net_input(&net, f, n, 0);
	assert_int_equal(C(ICMP_BAD_CKSUM), 1);
	n = frame_icmp(f, our_mac, peer_mac, peer_ip, our_ip, msg, 7); /* truncated */
	vx_net_input(&net, f, n, 0);
	assert_int_equal(C(ICMP_TRUNCATED), 1);
	msg[0] = 4; /* source quench */
	vx_net_input(&net, f, frame_icmp(f, our_mac, peer_mac, peer_ip, our_ip, msg, m), 0);
	msg[0] = 13; /* timestamp */
	vx_net_input(&net, f, frame_icmp(f, our_mac, peer_mac, peer_ip, our_ip, msg, m), 0);
	assert_int_equal(C(ICMP_UNKNOWN_TYPE), 2);
	msg[0] = 0; /* echo reply to no ping */
	vx_net_input(&net, f, frame_icmp(f, our_mac, peer_mac, peer_ip, our_ip, msg, m), 0);
	assert_int_equal(C(ICMP_ECHO_UNMATCHED), 1);
	assert_int_equal(w.n, 0);
}

static void test_ping_reply_rtt(void **state)
{
	(void)state;
	uint8_t msg[128];

	assert_int_equal(vx_net_ping(&net, peer_ip, 0x77, 3, 32, 1000), VX_OK);
	assert_int_equal(w.n, 1);
	const uint8_t *r = w.f[0] + 34;

	assert_int_equal(r[0], 8);
	assert_int_equal(rd16(r + 4), 0x77);
	assert_int_equal(rd16(r + 6), 3);
	assert_int_equal(vx_cksum(r, 40), 0);
	/* a reply from another host does not match */
	static const uint8_t other[4] = {10, 0, 2, 9};
	size_t m = echo_msg(msg, 0, 0x77, 3, 32);

	vx_net_input(&net, f, frame_icmp(f, our_mac, peer_mac, other, our_ip, msg, m), 5000);
	assert_int_equal(ping.calls, 0);
	vx_net_input(&net, f, frame_icmp(f, our_mac, peer_mac, peer_ip, our_ip, msg, m), 5000);
	assert_int_equal(ping.calls, 1);
	assert_int_equal(ping.status, VX_OK);
	assert_int_equal(ping.rtt, 4000);
	assert_int_equal(ping.id, 0x77);
	assert_int_equal(ping.seq, 3);
	/* the same reply again matches nothing */
	vx_net_input(&net, f, frame_icmp(f, our_mac, peer_mac, peer_ip, our_ip, msg, m), 6000);
	assert_int_equal(C(ICMP_ECHO_UNMATCHED), 2);
}

static void test_ping_timeout_and_eviction(void **state)
{
	(void)state;
	assert_int_equal(vx_net_ping(&net, peer_ip, 1, 1, 0, SEC), VX_OK);
	assert_int_equal(vx_net_tick(&net, SEC), SEC + VX_PING_TIMEOUT_NS);
	vx_net_tick(&net, SEC + VX_PING_TIMEOUT_NS);
	assert_int_equal(ping.calls, 1);
	assert_int_equal(ping.status, VX_E_TIMEOUT);
	assert_int_equal(C(PING_TIMEOUT), 1);
	for (int i = 0; i < VX_PING_PENDING + 2; i++)
		assert_int_equal(vx_net_ping(&net, peer_ip, 2, (uint16_t)i, 0, 20 * SEC + i),
				 VX_OK);
	assert_int_equal(C(PING_EVICTED), 2);
	assert_int_equal(vx_net_ping(&net, peer_ip, 2, 1, VX_IP_MAX_PAYLOAD, 0), VX_E_TOOBIG);
}

/* An ICMP error from the router about a datagram we sent (quoting its
 * IP header and first 8 bytes of `t`, of protocol proto). */
static size_t error_frame(uint8_t type, uint8_t code, uint16_t mtu, uint8_t proto,
			  const uint8_t dst[4], const uint8_t *t)
{
	uint8_t msg[64] = {type, code};

	wr16(msg + 6, mtu);
	pkt_ip(msg + 8, our_ip, dst, proto, 99, 0, 8);
	memcpy(msg + 28, t, 8);
	return frame_icmp(f, our_mac, peer_mac, peer_ip, our_ip, msg, 36);
}

static void test_error_to_udp_socket(void **state)
{
	(void)state;
	static const uint8_t far[4] = {8, 8, 8, 8};
	int s = vx_net_udp_open(&net, 40000);
	struct vx_net_icmp_err e;
	uint8_t t[8] = {0x9c, 0x40, 0, 53, 0, 8, 0, 0}; /* 40000 -> 53 */

	vx_net_input(&net, f, error_frame(3, 3, 0, 17, far, t), 0);
	assert_int_equal(C(ICMP_ERR_IN), 1);
	assert_int_equal(vx_net_udp_error(&net, s, &e), VX_OK);
	assert_int_equal(e.type, 3);
	assert_int_equal(e.code, 3);
	assert_memory_equal(e.from, peer_ip, 4);
	assert_memory_equal(e.dst, far, 4);
	assert_int_equal(vx_net_udp_error(&net, s, &e), VX_E_EMPTY);
	t[1] = 0x41; /* port 40001: no socket */
	vx_net_input(&net, f, error_frame(3, 3, 0, 17, far, t), 0);
	assert_int_equal(C(ICMP_ERR_UNMATCHED), 1);
	assert_int_equal(w.n, 0); /* never an error about an error */
}

static void test_error_to_tcp_and_ping(void **state)
{
	(void)state;
	static const uint8_t far[4] = {8, 8, 8, 8};
	uint8_t t[8] = {0xc0, 0x00, 0x00, 0x50, 1, 2, 3, 4};

	vx_net_input(&net, f, error_frame(3, 4, 1400, 6, far, t), 0);
	assert_int_equal(tcp_err.calls, 1);
	assert_int_equal(tcp_err.err.mtu, 1400);
	assert_int_equal(tcp_err.err.code, 4);
	assert_int_equal(tcp_err.len, 8);
	assert_memory_equal(tcp_err.seg, t, 8);

	assert_int_equal(vx_net_ping(&net, far, 5, 6, 0, 0), VX_OK);
	uint8_t e[8] = {8, 0, 0, 0, 0, 5, 0, 6};

	vx_net_input(&net, f, error_frame(11, 0, 0, 1, far, e), 0);
	assert_int_equal(ping.calls, 1);
	assert_int_equal(ping.status, VX_E_NOTFOUND);
	assert_int_equal(ping.err.type, 11);
}

static void test_error_hostile(void **state)
{
	(void)state;
	static const uint8_t far[4] = {8, 8, 8, 8}, not_us[4] = {10, 0, 2, 44};
	uint8_t t[8] = {0};
	size_t n;

	n = error_frame(3, 3, 0, 17, far, t);
	memcpy(f + 14 + 28 + 12, not_us, 4); /* quotes someone else's datagram */
	wr16(f + 14 + 22, 0);
	wr16(f + 14 + 22, vx_cksum(f + 34, 36));
	vx_net_input(&net, f, n, 0);
	/* quotes too little */
	uint8_t msg[40] = {3, 3};

	pkt_ip(msg + 8, our_ip, far, 17, 1, 0, 8);
	vx_net_input(&net, f, frame_icmp(f, our_mac, peer_mac, peer_ip, our_ip, msg, 8 + 20 + 7),
		     0);
	msg[8] = 0x44; /* quoted IHL < 5 */
	vx_net_input(&net, f, frame_icmp(f, our_mac, peer_mac, peer_ip, our_ip, msg, 36), 0);
	assert_int_equal(C(ICMP_ERR_BAD), 3);
	assert_int_equal(C(ICMP_ERR_IN), 0);
}

static void test_tcp_hook(void **state)
{
	(void)state;
	uint8_t *ip = pkt_eth(f, our_mac, peer_mac, 0x0800);

	memset(ip + 20, 0, 20);
	pkt_ip(ip, peer_ip, our_ip, 6, 1, 0, 20);
	vx_net_input(&net, f, 54, 0);
	assert_int_equal(tcp_in_calls, 1);
	ip = pkt_eth(f, bcast_mac, peer_mac, 0x0800);
	pkt_ip(ip, peer_ip, lim_bc, 6, 1, 0, 20); /* TCP to broadcast: never */
	vx_net_input(&net, f, 54, 0);
	assert_int_equal(tcp_in_calls, 1);
}

static void test_error_rate_limit(void **state)
{
	(void)state;
	for (int i = 0; i < 3 * VX_ICMP_ERR_BURST; i++)
		vx_net_input(&net, f,
			     frame_udp(f, our_mac, peer_mac, peer_ip, our_ip, 1, 9, "x", 1), 0);
	assert_int_equal(C(ICMP_ERR_OUT), VX_ICMP_ERR_BURST);
	assert_int_equal(C(ICMP_ERR_RATELIMITED), 2 * VX_ICMP_ERR_BURST);
	assert_int_equal(w.n, VX_ICMP_ERR_BURST);
	/* one token comes back per VX_ICMP_ERR_EVERY_NS */
	vx_net_input(&net, f, frame_udp(f, our_mac, peer_mac, peer_ip, our_ip, 1, 9, "x", 1),
		     VX_ICMP_ERR_EVERY_NS);
	vx_net_input(&net, f, frame_udp(f, our_mac, peer_mac, peer_ip, our_ip, 1, 9, "x", 1),
		     VX_ICMP_ERR_EVERY_NS);
	assert_int_equal(C(ICMP_ERR_OUT), VX_ICMP_ERR_BURST + 1);
	vx_net_input(&net, f, frame_udp(f, our_mac, peer_mac, peer_ip, our_ip, 1, 9, "x", 1),
		     100 * SEC);
	assert_int_equal(C(ICMP_ERR_OUT), VX_ICMP_ERR_BURST + 2);
}

/* ------------------------------------------------------------------- UDP */

static void test_port_unreachable(void **state)
{
	(void)state;
	size_t n = frame_udp(f, our_mac, peer_mac, peer_ip, our_ip, 3333, 9, "hello", 5);

	vx_net_input(&net, f, n, 0);
	assert_int_equal(C(UDP_NO_PORT), 1);
	assert_int_equal(w.n, 1);
	const uint8_t *r = w.f[0] + 34;

	assert_int_equal(r[0], 3);
	assert_int_equal(r[1], 3);
	assert_memory_equal(r + 8, f + 14, 28); /* the header and 8 bytes */
	assert_int_equal(rd16(w.f[0] + 16), 20 + 8 + 28);
	/* to a broadcast: silence */
	vx_net_input(&net, f, frame_udp(f, bcast_mac, peer_mac, peer_ip, sub_bc, 3, 9, "h", 1), 0);
	vx_net_input(&net, f, frame_udp(f, bcast_mac, peer_mac, peer_ip, our_ip, 3, 9, "h", 1), 0);
	assert_int_equal(C(UDP_NO_PORT), 3);
	assert_int_equal(C(ICMP_ERR_SUPPRESSED), 2);
	assert_int_equal(w.n, 1);
}

static void test_udp_checksum_and_length(void **state)
{
	(void)state;
	int s = vx_net_udp_open(&net, 7);
	char buf[64];
	size_t n;

	n = frame_udp(f, our_mac, peer_mac, peer_ip, our_ip, 1, 7, "data", 4);
	f[14 + 20 + 8] ^= 1;
	vx_net_input(&net, f, n, 0);
	assert_int_equal(C(UDP_BAD_CKSUM), 1);

	n = frame_udp(f, our_mac, peer_mac, peer_ip, our_ip, 1, 7, "data", 4);
	wr16(f + 14 + 20 + 6, 0); /* no checksum: accepted */
	vx_net_input(&net, f, n, 0);
	assert_int_equal(C(UDP_NO_CKSUM), 1);
	assert_int_equal(vx_net_udp_recvfrom(&net, s, buf, sizeof(buf), NULL, NULL), 4);

	n = frame_udp(f, our_mac, peer_mac, peer_ip, our_ip, 1, 7, "data", 4);
	wr16(f + 14 + 20 + 4, 13); /* UDP length past the datagram */
	vx_net_input(&net, f, n, 0);
	wr16(f + 14 + 20 + 4, 7); /* shorter than the header */
	vx_net_input(&net, f, n, 0);
	assert_int_equal(C(UDP_BAD_LENGTH), 2);

	uint8_t *ip = pkt_eth(f, our_mac, peer_mac, 0x0800);

	pkt_ip(ip, peer_ip, our_ip, 17, 1, 0, 7); /* 7 bytes of UDP */
	vx_net_input(&net, f, 14 + 27, 0);
	assert_int_equal(C(UDP_TRUNCATED), 1);

	/* UDP length shorter than IP's: the rest is cut */
	ip = pkt_eth(f, our_mac, peer_mac, 0x0800);
	pkt_udp(ip + 20, peer_ip, our_ip, 1, 7, "abc", 3);
	memset(ip + 31, 0xee, 5);
	pkt_ip(ip, peer_ip, our_ip, 17, 1, 0, 16);
	vx_net_input(&net, f, 14 + 36, 0);
	assert_int_equal(vx_net_udp_recvfrom(&net, s, buf, sizeof(buf), NULL, NULL), 3);
	assert_int_equal(w.n, 0);
}

static void test_udp_sockets(void **state)
{
	(void)state;
	int s[VX_UDP_SOCKETS];

	assert_int_equal(vx_net_udp_open(&net, 53), 0);
	assert_int_equal(vx_net_udp_open(&net, 53), VX_E_EXISTS);
	s[0] = 0;
	for (int i = 1; i < VX_UDP_SOCKETS; i++) {
		s[i] = vx_net_udp_open(&net, 0);
		assert_true(s[i] > 0);
		int p = vx_net_udp_port(&net, s[i]);

		assert_true(p >= VX_UDP_EPHEMERAL_LO && p <= VX_UDP_EPHEMERAL_HI);
		for (int j = 1; j < i; j++)
			assert_int_not_equal(p, vx_net_udp_port(&net, s[j]));
	}
	assert_int_equal(vx_net_udp_open(&net, 0), VX_E_FULL);
	assert_int_equal(vx_net_udp_close(&net, s[3]), VX_OK);
	assert_int_equal(vx_net_udp_close(&net, s[3]), VX_E_INVAL);
	assert_int_equal(vx_net_udp_port(&net, s[3]), VX_E_INVAL);
	assert_int_equal(vx_net_udp_open(&net, 1234), s[3]);
	assert_int_equal(vx_net_udp_sendto(&net, -1, peer_ip, 1, "x", 1), VX_E_INVAL);
	assert_int_equal(vx_net_udp_sendto(&net, VX_UDP_SOCKETS, peer_ip, 1, "x", 1), VX_E_INVAL);
	assert_int_equal(vx_net_udp_sendto(&net, 0, peer_ip, 0, "x", 1), VX_E_INVAL);
	assert_int_equal(vx_net_udp_recvfrom(&net, 0, NULL, 0, NULL, NULL), VX_E_EMPTY);
}

static void test_udp_queue_bounds(void **state)
{
	(void)state;
	int s = vx_net_udp_open(&net, 7);
	static uint8_t data[1400], buf[1400];
	uint8_t src[4];
	uint16_t sport;

	for (int i = 0; i < VX_UDP_RXQ_DGRAMS + 3; i++) {
		memset(data, i, 10);
		vx_net_input(&net, f,
			     frame_udp(f, our_mac, peer_mac, peer_ip, our_ip, (uint16_t)(100 + i),
				       7, data, 10),
			     0);
	}
	assert_int_equal(C(UDP_QUEUED), VX_UDP_RXQ_DGRAMS);
	assert_int_equal(C(UDP_RXQ_FULL), 3);
	assert_int_equal(ready_calls, VX_UDP_RXQ_DGRAMS);
	assert_int_equal(ready_sock, s);
	assert_int_equal(vx_net_udp_recvfrom(&net, s, buf, 9, src, &sport), VX_E_TOOBIG);
	for (int i = 0; i < VX_UDP_RXQ_DGRAMS; i++) { /* oldest first, none lost */
		assert_int_equal(vx_net_udp_recvfrom(&net, s, buf, sizeof(buf), src, &sport), 10);
		assert_int_equal(buf[0], i);
		assert_int_equal(sport, 100 + i);
		assert_memory_equal(src, peer_ip, 4);
	}
	assert_int_equal(vx_net_udp_recvfrom(&net, s, buf, sizeof(buf), src, &sport), VX_E_EMPTY);
	/* bytes bound: 1400-byte datagrams fill VX_UDP_RXQ_BYTES first */
	for (int i = 0; i < 15; i++)
		vx_net_input(&net, f,
			     frame_udp(f, our_mac, peer_mac, peer_ip, our_ip, 1, 7, data, 1400), 0);
	assert_int_equal(C(UDP_QUEUED), VX_UDP_RXQ_DGRAMS + VX_UDP_RXQ_BYTES / 1400);
	assert_true(net.udp[s].qbytes <= VX_UDP_RXQ_BYTES);
}

static void test_udp_send(void **state)
{
	(void)state;
	int s = vx_net_udp_open(&net, 5000);
	const uint8_t *u;

	assert_int_equal(vx_net_udp_sendto(&net, s, peer_ip, 53, "query", 5), 5);
	assert_int_equal(w.n, 1);
	u = w.f[0] + 34;
	assert_int_equal(rd16(u), 5000);
	assert_int_equal(rd16(u + 2), 53);
	assert_int_equal(rd16(u + 4), 13);
	assert_int_not_equal(rd16(u + 6), 0);
	assert_int_equal(
	    vx_cksum_fold(vx_cksum_add(vx_cksum_pseudo4(our_ip, peer_ip, 17, 13), u, 13)), 0);
	assert_int_equal(vx_net_udp_sendto(&net, s, lim_bc, 67, "b", 1), 1);
	assert_memory_equal(w.f[1], bcast_mac, 6);
	assert_memory_equal(w.f[1] + 14 + 16, lim_bc, 4);
	assert_int_equal(vx_net_udp_sendto(&net, s, sub_bc, 67, "b", 1), 1);
	assert_memory_equal(w.f[2], bcast_mac, 6);
	assert_int_equal(vx_net_udp_sendto(&net, s, peer_ip, 53, NULL, 0), 0);
	static uint8_t huge[VX_IP_MAX_PAYLOAD];

	assert_int_equal(vx_net_udp_sendto(&net, s, peer_ip, 53, huge, sizeof(huge) - 7),
			 VX_E_TOOBIG);
	assert_int_equal(vx_net_set_ipv4(&net, NULL, NULL, NULL), VX_OK);
	assert_int_equal(vx_net_udp_sendto(&net, s, lim_bc, 67, "b", 1), VX_E_STATE);
	/* nothing but DHCP is taken before we have an address */
	vx_net_input(&net, f, frame_udp(f, bcast_mac, peer_mac, peer_ip, lim_bc, 1, 5000, "h", 1),
		     0);
	assert_int_equal(C(UDP_UNCONFIGURED), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_echo_reply, setup),
	    cmocka_unit_test_setup(test_echo_hostile, setup),
	    cmocka_unit_test_setup(test_ping_reply_rtt, setup),
	    cmocka_unit_test_setup(test_ping_timeout_and_eviction, setup),
	    cmocka_unit_test_setup(test_error_to_udp_socket, setup),
	    cmocka_unit_test_setup(test_error_to_tcp_and_ping, setup),
	    cmocka_unit_test_setup(test_error_hostile, setup),
	    cmocka_unit_test_setup(test_tcp_hook, setup),
	    cmocka_unit_test_setup(test_error_rate_limit, setup),
	    cmocka_unit_test_setup(test_port_unreachable, setup),
	    cmocka_unit_test_setup(test_udp_checksum_and_length, setup),
	    cmocka_unit_test_setup(test_udp_sockets, setup),
	    cmocka_unit_test_setup(test_udp_queue_bounds, setup),
	    cmocka_unit_test_setup(test_udp_send, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
