/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Two stacks on one wire: struct vx_net A (10.0.0.1) and B (10.0.0.2),
 * each one's tx queueing frames for the other, a pump delivering them
 * until both queues are empty.  (The queue is needed because a stack is
 * not reentrant: a tx callback must not call back into a stack.)
 *
 * End to end, with nothing hand-built: ARP resolution, ping with its
 * round trip, a UDP exchange both ways, an 8000-byte UDP datagram
 * fragmented over MTU 1500 and reassembled, a 4000-byte ping both ways,
 * re-resolution after the ARP entry expires, and what happens to a
 * fragmented datagram sent before ARP has resolved (the hold queue keeps
 * VX_ARP_HOLD_PER_ENTRY fragments and counts the rest).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "net_pkt.h"

#define QLEN 128

struct side {
	struct vx_net net;
	struct side *peer;
	int n; /* frames waiting to be delivered to this side */
	size_t len[QLEN];
	uint8_t q[QLEN][VX_ETH_FRAME_MAX];
	int pings, ping_status;
	uint64_t rtt;
};

static struct side a, b;
static const uint8_t mac_a[6] = {0x02, 0, 0, 0, 0, 0x0a}, mac_b[6] = {0x02, 0, 0, 0, 0, 0x0b};
static const uint8_t ip_a[4] = {10, 0, 0, 1}, ip_b[4] = {10, 0, 0, 2};
static uint64_t now;
static uint8_t buf[70000], out[70000];

static int side_tx(void *ctx, const uint8_t *frame, size_t len)
{
	struct side *s = ((struct side *)ctx)->peer;

	assert_true(s->n < QLEN);
	memcpy(s->q[s->n], frame, len);
	s->len[s->n++] = len;
	return VX_OK;
}

static void side_ping(void *ctx, const uint8_t from[4], uint16_t id, uint16_t seq, int status,
		      uint64_t rtt, const struct vx_net_icmp_err *err)
{
	struct side *s = ctx;

	(void)from, (void)id, (void)seq, (void)err;
	s->pings++;
	s->ping_status = status;
	s->rtt = rtt;
}

/* Deliver one side's queue (taking a copy: delivery may queue more). */
static int deliver(struct side *s)
{
	static uint8_t frame[VX_ETH_FRAME_MAX];
	int done = 0;

	while (s->n > 0) {
		size_t len = s->len[0];

		memcpy(frame, s->q[0], len);
		memmove(s->q[0], s->q[1], sizeof(s->q[0]) * (size_t)(s->n - 1));
		memmove(s->len, s->len + 1, sizeof(s->len[0]) * (size_t)(s->n - 1));
		s->n--;
		now += 50000; /* 50 us a frame */
		vx_net_input(&s->net, frame, len, now);
		done++;
	}
	return done;
}

static void pump(void)
{
	while (deliver(&a) + deliver(&b) > 0)
		;
}

static int setup(void **state)
{
	struct vx_net_ops ops = {.tx = side_tx, .ping = side_ping};

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.peer = &b;
	b.peer = &a;
	now = SEC;
	assert_int_equal(vx_net_init(&a.net, mac_a, 1500, 1, &ops, &a), VX_OK);
	assert_int_equal(vx_net_init(&b.net, mac_b, 1500, 2, &ops, &b), VX_OK);
	assert_int_equal(vx_net_set_ipv4(&a.net, ip_a, mask, NULL), VX_OK);
	assert_int_equal(vx_net_set_ipv4(&b.net, ip_b, mask, NULL), VX_OK);
	return 0;
}

static void test_arp_and_ping(void **state)
{
	(void)state;
	assert_int_equal(vx_net_ping(&a.net, ip_b, 1, 1, 56, now), VX_OK);
	pump();
	assert_int_equal(a.pings, 1);
	assert_int_equal(a.ping_status, VX_OK);
	assert_true(a.rtt > 0 && a.rtt < SEC);
	assert_int_equal(a.net.count[VX_NETC_ARP_REQUESTS_OUT], 1);
	assert_int_equal(b.net.count[VX_NETC_ARP_REQUESTS_IN], 1);
	assert_int_equal(b.net.count[VX_NETC_ICMP_ECHO_IN], 1);
	/* B learnt A from the request: its ping needs no ARP */
	assert_int_equal(vx_net_ping(&b.net, ip_a, 2, 1, 0, now), VX_OK);
	pump();
	assert_int_equal(b.pings, 1);
	assert_int_equal(b.net.count[VX_NETC_ARP_REQUESTS_OUT], 0);
}

static void test_udp_exchange(void **state)
{
	(void)state;
	int sa = vx_net_udp_open(&a.net, 0), sb = vx_net_udp_open(&b.net, 7);
	uint8_t src[4];
	uint16_t sport;

	assert_true(sa >= 0 && sb >= 0);
	assert_int_equal(vx_net_udp_sendto(&a.net, sa, ip_b, 7, "hello", 5), 5);
	pump();
	assert_int_equal(vx_net_udp_recvfrom(&b.net, sb, buf, sizeof(buf), src, &sport), 5);
	assert_memory_equal(buf, "hello", 5);
	assert_memory_equal(src, ip_a, 4);
	assert_int_equal(sport, vx_net_udp_port(&a.net, sa));
	assert_int_equal(vx_net_udp_sendto(&b.net, sb, src, sport, "world", 5), 5);
	pump();
	assert_int_equal(vx_net_udp_recvfrom(&a.net, sa, buf, sizeof(buf), src, &sport), 5);
	assert_memory_equal(buf, "world", 5);
	assert_int_equal(sport, 7);
	/* a closed port answers with port unreachable, which reaches A's socket */
	struct vx_net_icmp_err e;

	assert_int_equal(vx_net_udp_sendto(&a.net, sa, ip_b, 9, "x", 1), 1);
	pump();
	assert_int_equal(vx_net_udp_error(&a.net, sa, &e), VX_OK);
	assert_int_equal(e.type, 3);
	assert_int_equal(e.code, 3);
	assert_memory_equal(e.from, ip_b, 4);
}

static void test_fragmented_udp(void **state)
{
	(void)state;
	int sa = vx_net_udp_open(&a.net, 1000), sb = vx_net_udp_open(&b.net, 2000);

	/* warm ARP first, so every fragment goes straight out */
	assert_int_equal(vx_net_udp_sendto(&a.net, sa, ip_b, 2000, "x", 1), 1);
	pump();
	assert_int_equal(vx_net_udp_recvfrom(&b.net, sb, out, sizeof(out), NULL, NULL), 1);
	for (size_t i = 0; i < 8000; i++)
		buf[i] = (uint8_t)(i * 13 + 5);
	assert_int_equal(vx_net_udp_sendto(&a.net, sa, ip_b, 2000, buf, 8000), 8000);
	assert_int_equal(a.net.count[VX_NETC_IP_FRAGS_OUT], 6); /* 8008 bytes / 1480 */
	pump();
	assert_int_equal(b.net.count[VX_NETC_FRAG_REASSEMBLED], 1);
	assert_int_equal(vx_net_udp_recvfrom(&b.net, sb, out, sizeof(out), NULL, NULL), 8000);
	assert_memory_equal(out, buf, 8000);
	/* and back */
	assert_int_equal(vx_net_udp_sendto(&b.net, sb, ip_a, 1000, out, 8000), 8000);
	pump();
	assert_int_equal(vx_net_udp_recvfrom(&a.net, sa, out, sizeof(out), NULL, NULL), 8000);
	assert_memory_equal(out, buf, 8000);
	assert_int_equal(a.net.reasm_bytes + b.net.reasm_bytes, 0);
}

static void test_fragmented_ping(void **state)
{
	(void)state;
	assert_int_equal(vx_net_ping(&a.net, ip_b, 3, 3, 0, now), VX_OK);
	pump();
	assert_int_equal(vx_net_ping(&a.net, ip_b, 3, 4, 4000, now), VX_OK);
	pump();
	assert_int_equal(a.pings, 2);
	assert_int_equal(a.ping_status, VX_OK);
	assert_int_equal(b.net.count[VX_NETC_FRAG_REASSEMBLED], 1);
	assert_int_equal(a.net.count[VX_NETC_FRAG_REASSEMBLED], 1);
}

static void test_rearp_after_expiry(void **state)
{
	(void)state;
	assert_int_equal(vx_net_ping(&a.net, ip_b, 1, 1, 0, now), VX_OK);
	pump();
	now += VX_ARP_TTL_NS + SEC;
	vx_net_tick(&a.net, now);
	vx_net_tick(&b.net, now);
	assert_int_equal(vx_net_ping(&a.net, ip_b, 1, 2, 0, now), VX_OK);
	pump();
	assert_int_equal(a.pings, 2);
	assert_int_equal(a.ping_status, VX_OK);
	assert_int_equal(a.net.count[VX_NETC_ARP_REQUESTS_OUT], 2);
}

/* A cold cache: the 6 fragments wait on one entry that holds 4.  The two
 * oldest are dropped and counted, and B's partial datagram times out. */
static void test_fragments_before_arp(void **state)
{
	(void)state;
	int sa = vx_net_udp_open(&a.net, 1000), sb = vx_net_udp_open(&b.net, 2000);

	assert_int_equal(vx_net_udp_sendto(&a.net, sa, ip_b, 2000, buf, 8000), 8000);
	assert_int_equal(a.net.count[VX_NETC_ARP_HOLD_DROPPED], 6 - VX_ARP_HOLD_PER_ENTRY);
	pump();
	assert_int_equal(vx_net_udp_recvfrom(&b.net, sb, out, sizeof(out), NULL, NULL), VX_E_EMPTY);
	assert_true(b.net.reasm_bytes > 0);
	vx_net_tick(&b.net, now + VX_REASM_TIMEOUT_NS);
	assert_int_equal(b.net.count[VX_NETC_FRAG_TIMEOUT], 1);
	assert_int_equal(b.net.reasm_bytes, 0);
	/* no time exceeded: the first fragment never came */
	assert_int_equal(b.net.count[VX_NETC_ICMP_ERR_OUT], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_arp_and_ping, setup),
	    cmocka_unit_test_setup(test_udp_exchange, setup),
	    cmocka_unit_test_setup(test_fragmented_udp, setup),
	    cmocka_unit_test_setup(test_fragmented_ping, setup),
	    cmocka_unit_test_setup(test_rearp_after_expiry, setup),
	    cmocka_unit_test_setup(test_fragments_before_arp, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
