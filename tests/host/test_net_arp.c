/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ethernet framing and ARP (lib/net/net.c, lib/net/arp.c).
 *
 * Each Ethernet drop reason gets a frame that breaks just that rule.  ARP
 * is driven through its life: a request for us is answered, output to an
 * unknown host waits and asks VX_ARP_TRIES times before failing its
 * datagrams back to the sender, entries expire after VX_ARP_TTL_NS, and a
 * flood of requests from random addresses never holds more than
 * VX_ARP_ENTRIES entries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "net_pkt.h"

static const uint8_t other_ip[4] = {10, 0, 2, 77};

static struct vx_net net;
static struct wire w;
static uint8_t f[2048];
static struct vx_net_icmp_err last_ping_err;
static int ping_status, ping_calls;

#define C(name) net.count[VX_NETC_##name]

static int reping; /* pings to send again from the callback */

static void on_ping(void *ctx, const uint8_t from[4], uint16_t id, uint16_t seq, int status,
		    uint64_t rtt, const struct vx_net_icmp_err *err)
{
	(void)ctx, (void)id, (void)rtt;
	ping_calls++;
	if (reping > 0) {
		reping--;
		assert_int_equal(vx_net_ping(&net, from, 9, (uint16_t)(seq + 1), 8, net.now),
				 VX_OK);
	}
	ping_status = status;
	if (err)
		last_ping_err = *err;
}

static int setup(void **state)
{
	struct vx_net_ops ops = {.tx = wire_tx, .ping = on_ping};

	(void)state;
	memset(&w, 0, sizeof(w));
	ping_calls = 0;
	reping = 0;
	assert_int_equal(vx_net_init(&net, our_mac, 1500, 1, &ops, &w), VX_OK);
	assert_int_equal(vx_net_set_ipv4(&net, our_ip, mask, gw), VX_OK);
	return 0;
}

static int arp_entries(void)
{
	int n = 0;

	for (int i = 0; i < VX_ARP_ENTRIES; i++)
		n += net.arp[i].state != 0;
	return n;
}

/* ------------------------------------------------------------- Ethernet */

static void test_eth_drops(void **state)
{
	(void)state;
	vx_net_input(&net, f, 13, 1);
	assert_int_equal(C(ETH_RUNT), 1);

	frame_arp(f, bcast_mac, 1, peer_mac, peer_ip, zero_mac, our_ip);
	vx_net_input(&net, f, VX_ETH_FRAME_MAX + 1, 1);
	assert_int_equal(C(ETH_OVERSIZE), 1);

	f[0] = 0x01, f[1] = 0x00, f[2] = 0x5e; /* IPv4 multicast MAC */
	vx_net_input(&net, f, 60, 1);
	assert_int_equal(C(ETH_MULTICAST), 1);

	memcpy(f, peer_mac, 6); /* unicast to someone else */
	vx_net_input(&net, f, 60, 1);
	assert_int_equal(C(ETH_NOT_US), 1);

	memcpy(f, our_mac, 6);
	memcpy(f + 6, our_mac, 6); /* our own frame looped back */
	vx_net_input(&net, f, 60, 1);
	f[6] = 0x01; /* multicast source */
	vx_net_input(&net, f, 60, 1);
	assert_int_equal(C(ETH_BAD_SRC), 2);

	memcpy(f + 6, peer_mac, 6);
	wr16(f + 12, 0x8100);
	vx_net_input(&net, f, 60, 1);
	assert_int_equal(C(ETH_VLAN), 1);
	wr16(f + 12, 0x86dd);
	vx_net_input(&net, f, 60, 1);
	assert_int_equal(C(ETH_UNKNOWN_TYPE), 1);
	assert_int_equal(C(ETH_IN), 8);
	assert_int_equal(C(ARP_IN) + C(IP_IN), 0);
	assert_int_equal(w.n, 0);
}

static void test_init_rejects(void **state)
{
	struct vx_net_ops ops = {.tx = wire_tx};
	static struct vx_net n2;
	const uint8_t mcast[6] = {1, 2, 3, 4, 5, 6};
	const uint8_t bad_mask[4] = {255, 0, 255, 0};
	const uint8_t net_addr[4] = {10, 0, 2, 0};
	const uint8_t off_gw[4] = {10, 0, 3, 1};

	(void)state;
	assert_int_equal(vx_net_init(&n2, our_mac, 575, 1, &ops, NULL), VX_E_INVAL);
	assert_int_equal(vx_net_init(&n2, our_mac, 1501, 1, &ops, NULL), VX_E_INVAL);
	assert_int_equal(vx_net_init(&n2, mcast, 1500, 1, &ops, NULL), VX_E_INVAL);
	assert_int_equal(vx_net_init(&n2, zero_mac, 1500, 1, &ops, NULL), VX_E_INVAL);
	ops.tx = NULL;
	assert_int_equal(vx_net_init(&n2, our_mac, 1500, 1, &ops, NULL), VX_E_INVAL);
	ops.tx = wire_tx;
	assert_int_equal(vx_net_init(&n2, our_mac, 1500, 1, &ops, NULL), VX_OK);
	assert_int_equal(vx_net_set_ipv4(&n2, our_ip, bad_mask, NULL), VX_E_INVAL);
	assert_int_equal(vx_net_set_ipv4(&n2, net_addr, mask, NULL), VX_E_INVAL);
	assert_int_equal(vx_net_set_ipv4(&n2, our_ip, mask, off_gw), VX_E_INVAL);
	assert_int_equal(vx_net_set_ipv4(&n2, our_ip, mask, our_ip), VX_E_INVAL);
	const uint8_t this_net[4] = {0, 0, 2, 15};

	const uint8_t mask0[4] = {0}, mask32[4] = {255, 255, 255, 255};

	assert_int_equal(vx_net_set_ipv4(&n2, this_net, mask, NULL), VX_E_INVAL);
	assert_int_equal(vx_net_set_ipv4(&n2, our_ip, mask0, NULL), VX_E_INVAL);
	assert_int_equal(vx_net_set_ipv4(&n2, our_ip, mask32, NULL), VX_E_INVAL);
	assert_int_equal(vx_net_set_ipv4(&n2, our_ip, mask, NULL), VX_OK);
}

/* ------------------------------------------------------------------ ARP */

static void test_arp_request_for_us_is_answered(void **state)
{
	(void)state;
	size_t n = frame_arp(f, bcast_mac, 1, peer_mac, peer_ip, zero_mac, our_ip);

	vx_net_input(&net, f, n, 1);
	assert_int_equal(C(ARP_REQUESTS_IN), 1);
	assert_int_equal(w.n, 1);
	const uint8_t *r = w.f[0];

	assert_int_equal(w.len[0], 60); /* padded to the Ethernet minimum */
	assert_memory_equal(r, peer_mac, 6);
	assert_memory_equal(r + 6, our_mac, 6);
	assert_int_equal(rd16(r + 12), 0x0806);
	assert_int_equal(rd16(r + 14 + 6), 2);
	assert_memory_equal(r + 14 + 8, our_mac, 6);
	assert_memory_equal(r + 14 + 14, our_ip, 4);
	assert_memory_equal(r + 14 + 18, peer_mac, 6);
	assert_memory_equal(r + 14 + 24, peer_ip, 4);
	assert_int_equal(arp_entries(), 1); /* the asker was cached */
}

static void test_arp_request_for_other_ignored(void **state)
{
	(void)state;
	size_t n = frame_arp(f, bcast_mac, 1, peer_mac, peer_ip, zero_mac, other_ip);

	vx_net_input(&net, f, n, 1);
	assert_int_equal(C(ARP_IGNORED), 1);
	assert_int_equal(w.n, 0);
	assert_int_equal(arp_entries(), 0);
}

static void test_arp_hostile(void **state)
{
	(void)state;
	size_t n = frame_arp(f, bcast_mac, 1, peer_mac, peer_ip, zero_mac, our_ip);

	vx_net_input(&net, f, 14 + 27, 1); /* truncated */
	assert_int_equal(C(ARP_TRUNCATED), 1);
	f[14 + 4] = 8; /* hardware length */
	vx_net_input(&net, f, n, 1);
	f[14 + 4] = 6;
	wr16(f + 14 + 6, 3); /* op */
	vx_net_input(&net, f, n, 1);
	wr16(f + 14 + 6, 1);
	wr16(f + 14 + 2, 0x86dd); /* protocol type */
	vx_net_input(&net, f, n, 1);
	assert_int_equal(C(ARP_BAD_FORMAT), 3);
	wr16(f + 14 + 2, 0x0800);

	const uint8_t mc_ip[4] = {224, 0, 0, 1}, sub_bc[4] = {10, 0, 2, 255};
	const uint8_t lo_ip[4] = {127, 0, 0, 1};

	n = frame_arp(f, bcast_mac, 1, peer_mac, mc_ip, zero_mac, our_ip);
	vx_net_input(&net, f, n, 1);
	n = frame_arp(f, bcast_mac, 1, peer_mac, sub_bc, zero_mac, our_ip);
	vx_net_input(&net, f, n, 1);
	n = frame_arp(f, bcast_mac, 1, peer_mac, lo_ip, zero_mac, our_ip);
	vx_net_input(&net, f, n, 1);
	n = frame_arp(f, bcast_mac, 1, peer_mac, peer_ip, zero_mac, our_ip);
	f[14 + 8] |= 1; /* sender MAC multicast (the Ethernet source is fine) */
	vx_net_input(&net, f, n, 1);
	assert_int_equal(C(ARP_BAD_SENDER), 4);

	n = frame_arp(f, bcast_mac, 2, peer_mac, our_ip, zero_mac, our_ip);
	vx_net_input(&net, f, n, 1);
	assert_int_equal(C(ARP_CONFLICT), 1);
	assert_int_equal(w.n, 0);
	assert_int_equal(arp_entries(), 0);
}

/* Random senders asking for us recycle entries; random senders asking for
 * others create none.  Memory never grows past the table. */
static void test_arp_flood_bounded(void **state)
{
	(void)state;
	uint32_t x = 12345;

	for (int i = 0; i < 5000; i++) {
		uint8_t ip[4], mac[6] = {0x02, 0, 0, 0, 0, 0};

		x = x * 1103515245u + 12345u;
		wr32(ip, 0x0a000000u | ((x >> 8) & 0xffffff));
		if (ip[3] == 0 || ip[3] == 255 || ip[3] == 15)
			ip[3] = 9;
		memcpy(mac + 2, &x, 4);
		size_t n =
		    frame_arp(f, bcast_mac, 1, mac, ip, zero_mac, (i & 1) ? our_ip : other_ip);

		w.n = 0;
		vx_net_input(&net, f, n, (uint64_t)i);
		assert_true(arp_entries() <= VX_ARP_ENTRIES);
	}
	assert_int_equal(C(ARP_IGNORED), 2500);
	assert_int_equal(C(ARP_REQUESTS_IN), 2500);
	assert_int_equal(C(ARP_EVICTED), 2500 - VX_ARP_ENTRIES);
}

static void test_arp_resolve_hold_release(void **state)
{
	(void)state;
	int s = vx_net_udp_open(&net, 5000);
	uint8_t msg[4] = {1, 2, 3, 4};

	for (int i = 0; i < VX_ARP_HOLD_PER_ENTRY + 2; i++) {
		msg[0] = (uint8_t)i;
		assert_int_equal(vx_net_udp_sendto(&net, s, peer_ip, 7, msg, 4), 4);
	}
	assert_int_equal(w.n, 1); /* one request only */
	assert_int_equal(rd16(w.f[0] + 12), 0x0806);
	assert_memory_equal(w.f[0], bcast_mac, 6);
	assert_memory_equal(w.f[0] + 14 + 24, peer_ip, 4);
	assert_int_equal(C(ARP_HOLD_DROPPED), 2);

	size_t n = frame_arp(f, our_mac, 2, peer_mac, peer_ip, our_mac, our_ip);

	vx_net_input(&net, f, n, 5);
	assert_int_equal(C(ARP_REPLIES_IN), 1);
	assert_int_equal(w.n, 1 + VX_ARP_HOLD_PER_ENTRY);
	for (int i = 0; i < VX_ARP_HOLD_PER_ENTRY; i++) { /* the oldest two went */
		assert_memory_equal(w.f[1 + i], peer_mac, 6);
		assert_int_equal(w.f[1 + i][14 + 28], 2 + i);
	}
	/* Now cached: straight out. */
	assert_int_equal(vx_net_udp_sendto(&net, s, peer_ip, 7, msg, 4), 4);
	assert_int_equal(w.n, 2 + VX_ARP_HOLD_PER_ENTRY);
	assert_memory_equal(w.f[w.n - 1], peer_mac, 6);
}

static void test_arp_hold_pool_shared(void **state)
{
	(void)state;
	int s = vx_net_udp_open(&net, 5000);
	uint8_t ip[4] = {10, 0, 2, 100};

	for (int i = 0; i < VX_ARP_HOLD_SLOTS + 3; i++) {
		ip[3] = (uint8_t)(100 + i);
		assert_int_equal(vx_net_udp_sendto(&net, s, ip, 7, "x", 1), 1);
	}
	assert_int_equal(C(ARP_HOLD_DROPPED), 3);
	assert_int_equal(C(ARP_REQUESTS_OUT), VX_ARP_HOLD_SLOTS + 3);
}

static void test_arp_retries_then_fail(void **state)
{
	(void)state;
	int s = vx_net_udp_open(&net, 5000);
	struct vx_net_icmp_err err;

	net.now = 0;
	assert_int_equal(vx_net_udp_sendto(&net, s, other_ip, 7, "hi", 2), 2);
	assert_int_equal(vx_net_ping(&net, other_ip, 1, 1, 8, 0), VX_OK);
	assert_int_equal(w.n, 1);
	assert_int_equal(vx_net_tick(&net, SEC / 2), SEC);
	assert_int_equal(w.n, 1);
	vx_net_tick(&net, SEC);
	vx_net_tick(&net, 2 * SEC);
	assert_int_equal(C(ARP_REQUESTS_OUT), VX_ARP_TRIES);
	assert_int_equal(w.n, VX_ARP_TRIES);
	assert_int_equal(vx_net_udp_error(&net, s, &err), VX_E_EMPTY);
	vx_net_tick(&net, 3 * SEC);
	assert_int_equal(w.n, VX_ARP_TRIES); /* no fourth request */
	assert_int_equal(C(ARP_UNRESOLVED), 2);
	assert_int_equal(arp_entries(), 0);
	assert_int_equal(vx_net_udp_error(&net, s, &err), VX_OK);
	assert_int_equal(err.type, 3);
	assert_int_equal(err.code, 1);
	assert_memory_equal(err.dst, other_ip, 4);
	assert_memory_equal(err.from, our_ip, 4);
	assert_int_equal(ping_calls, 1);
	assert_int_equal(ping_status, VX_E_NOTFOUND);
	assert_int_equal(last_ping_err.code, 1);
}

/* A ping callback that pings the unreachable host again, from inside the
 * failure report: a new entry, new requests, and the old report finishes. */
static void test_arp_fail_callback_sends_again(void **state)
{
	(void)state;
	reping = 2;
	for (uint16_t s = 0; s < VX_ARP_HOLD_PER_ENTRY; s++)
		assert_int_equal(vx_net_ping(&net, other_ip, 1, (uint16_t)(10 * s), 8, 0), VX_OK);
	for (uint64_t t = 1; t <= 12; t++)
		vx_net_tick(&net, t * SEC);
	assert_int_equal(ping_calls, VX_ARP_HOLD_PER_ENTRY + 2);
	assert_int_equal(ping_status, VX_E_NOTFOUND);
	assert_int_equal(C(ARP_UNRESOLVED), VX_ARP_HOLD_PER_ENTRY + 2);
	assert_int_equal(arp_entries(), 0);
	for (int i = 0; i < VX_ARP_HOLD_SLOTS; i++)
		assert_int_equal(net.hold[i].entry, -1);
}

static void test_arp_expiry_and_gratuitous(void **state)
{
	(void)state;
	const uint8_t new_mac[6] = {0x52, 0x55, 0x0a, 0, 0, 0x99};
	int s = vx_net_udp_open(&net, 5000);
	size_t n = frame_arp(f, bcast_mac, 1, peer_mac, peer_ip, zero_mac, our_ip);

	vx_net_input(&net, f, n, 0);
	assert_int_equal(arp_entries(), 1);
	/* Gratuitous ARP from the peer with a new MAC updates the entry. */
	n = frame_arp(f, bcast_mac, 1, new_mac, peer_ip, zero_mac, peer_ip);
	vx_net_input(&net, f, n, SEC);
	assert_int_equal(C(ARP_GRATUITOUS), 1);
	w.n = 0;
	assert_int_equal(vx_net_udp_sendto(&net, s, peer_ip, 7, "a", 1), 1);
	assert_memory_equal(w.f[0], new_mac, 6);
	/* A gratuitous ARP for an unknown host makes no entry. */
	n = frame_arp(f, bcast_mac, 1, peer_mac, other_ip, zero_mac, other_ip);
	vx_net_input(&net, f, n, SEC);
	assert_int_equal(arp_entries(), 1);
	/* After VX_ARP_TTL_NS the entry is gone and output asks again. */
	vx_net_tick(&net, SEC + VX_ARP_TTL_NS);
	assert_int_equal(arp_entries(), 0);
	w.n = 0;
	assert_int_equal(vx_net_udp_sendto(&net, s, peer_ip, 7, "a", 1), 1);
	assert_int_equal(rd16(w.f[0] + 12), 0x0806);
}

/* An entry in use is asked again before it expires, by unicast, at most
 * VX_ARP_TRIES times a VX_ARP_RETRY_NS apart; a reply keeps it, so output
 * never waits on a broadcast round trip while it flows. */
static void test_arp_refresh_in_use(void **state)
{
	(void)state;
	int s = vx_net_udp_open(&net, 5000);
	size_t n = frame_arp(f, bcast_mac, 1, peer_mac, peer_ip, zero_mac, our_ip);

	vx_net_input(&net, f, n, 0); /* the peer asks for us: cached, expires at TTL */
	/* Early in its life: output goes out and asks nothing. */
	vx_net_tick(&net, VX_ARP_TTL_NS - VX_ARP_REFRESH_NS - 1);
	w.n = 0;
	assert_int_equal(vx_net_udp_sendto(&net, s, peer_ip, 7, "a", 1), 1);
	assert_int_equal(w.n, 1);
	/* In its last VX_ARP_REFRESH_NS: the datagram, then a request to the
	 * peer's own MAC; sent again at once, no second request. */
	vx_net_tick(&net, VX_ARP_TTL_NS - VX_ARP_REFRESH_NS);
	w.n = 0;
	assert_int_equal(vx_net_udp_sendto(&net, s, peer_ip, 7, "b", 1), 1);
	assert_int_equal(w.n, 2);
	assert_int_equal(rd16(w.f[0] + 12), 0x0800);
	assert_int_equal(rd16(w.f[1] + 12), 0x0806);
	assert_memory_equal(w.f[1], peer_mac, 6);	   /* unicast */
	assert_int_equal(rd16(w.f[1] + 14 + 6), 1);	   /* a request */
	assert_memory_equal(w.f[1] + 14 + 24, peer_ip, 4); /* for the peer */
	assert_int_equal(vx_net_udp_sendto(&net, s, peer_ip, 7, "c", 1), 1);
	assert_int_equal(w.n, 3);
	/* No answer: again a VX_ARP_RETRY_NS later, VX_ARP_TRIES in all. */
	for (int i = 1; i < VX_ARP_TRIES + 2; i++) {
		vx_net_tick(&net,
			    VX_ARP_TTL_NS - VX_ARP_REFRESH_NS + (uint64_t)i * VX_ARP_RETRY_NS);
		w.n = 0;
		assert_int_equal(vx_net_udp_sendto(&net, s, peer_ip, 7, "d", 1), 1);
		assert_int_equal(w.n, i < VX_ARP_TRIES ? 2 : 1);
	}
	/* The reply: the entry lives a whole VX_ARP_TTL_NS more. */
	uint64_t t = VX_ARP_TTL_NS - 2 * VX_NS_PER_SEC;
	n = frame_arp(f, our_mac, 2, peer_mac, peer_ip, our_mac, our_ip);
	vx_net_input(&net, f, n, t);
	vx_net_tick(&net, VX_ARP_TTL_NS + 1);
	w.n = 0;
	assert_int_equal(vx_net_udp_sendto(&net, s, peer_ip, 7, "e", 1), 1);
	assert_int_equal(w.n, 1);
	assert_int_equal(rd16(w.f[0] + 12), 0x0800); /* straight out, no hold */
	assert_int_equal(C(ARP_HOLD_DROPPED), 0);
}

static void test_arp_probe_not_cached(void **state)
{
	(void)state;
	const uint8_t zero_ip[4] = {0};
	size_t n = frame_arp(f, bcast_mac, 1, peer_mac, zero_ip, zero_mac, our_ip);

	vx_net_input(&net, f, n, 0);
	assert_int_equal(arp_entries(), 0);
	assert_int_equal(w.n, 1); /* a probe for our address is answered: we hold it */
}

static void test_counter_names(void **state)
{
	(void)state;
	assert_string_equal(vx_net_counter_name(VX_NETC_ETH_IN), "ETH_IN");
	assert_string_equal(vx_net_counter_name(VX_NETC_COUNT - 1), "SOCK_UDP_TOOBIG");
	assert_null(vx_net_counter_name(VX_NETC_COUNT));
}

/* A link that offers its own memory for frames (ops.frame): three
 * buffers in turn, each poisoned when handed out. */
static uint8_t link_mem[3][VX_ETH_FRAME_MAX];
static uint8_t *link_last;
static int link_begun, link_sent;

static uint8_t *link_frame(void *ctx)
{
	(void)ctx;
	link_last = link_mem[link_begun++ % 3];
	memset(link_last, 0xee, VX_ETH_FRAME_MAX);
	return link_last;
}

/* Every frame must come from the buffer handed out last. */
static int link_tx(void *ctx, const uint8_t *frame, size_t len)
{
	assert_ptr_equal(frame, link_last);
	link_sent++;
	return wire_tx(ctx, frame, len);
}

static int setup_link(void **state)
{
	struct vx_net_ops ops = {.tx = link_tx, .frame = link_frame};

	(void)state;
	memset(&w, 0, sizeof(w));
	link_begun = link_sent = 0;
	assert_int_equal(vx_net_init(&net, our_mac, 1500, 1, &ops, &w), VX_OK);
	assert_int_equal(vx_net_set_ipv4(&net, our_ip, mask, gw), VX_OK);
	return 0;
}

/* Held datagrams, the ARP request, their release and a fragmented
 * datagram, all built in the link's memory: the same frames as in the
 * stack's own, padding included. */
static void test_frames_in_link_memory(void **state)
{
	static uint8_t big[3000];
	(void)state;
	int s = vx_net_udp_open(&net, 5000);
	uint8_t msg[4] = {1, 2, 3, 4};

	for (int i = 0; i < 2; i++) {
		msg[0] = (uint8_t)i;
		assert_int_equal(vx_net_udp_sendto(&net, s, peer_ip, 7, msg, 4), 4);
	}
	assert_int_equal(w.n, 1); /* the request, begun after the datagram was held */
	assert_int_equal(rd16(w.f[0] + 12), 0x0806);
	assert_memory_equal(w.f[0] + 14 + 24, peer_ip, 4);
	size_t n = frame_arp(f, our_mac, 2, peer_mac, peer_ip, our_mac, our_ip);
	vx_net_input(&net, f, n, 5);
	assert_int_equal(w.n, 3);
	for (int i = 0; i < 2; i++) {
		assert_memory_equal(w.f[1 + i], peer_mac, 6);
		assert_int_equal(rd16(w.f[1 + i] + 12), 0x0800);
		assert_int_equal(w.f[1 + i][14 + 28], i);
		assert_int_equal(w.len[1 + i], 60);
		for (size_t b = 14 + 28 + 4; b < 60; b++) /* padded in the link's memory */
			assert_int_equal(w.f[1 + i][b], 0);
	}
	/* cached now: three fragments, each begun on its own */
	assert_int_equal(vx_net_udp_sendto(&net, s, peer_ip, 7, big, sizeof(big)),
			 (int)sizeof(big));
	assert_int_equal(w.n, 6);
	for (int i = 3; i < 6; i++)
		assert_int_equal(rd16(w.f[i] + 12), 0x0800);
	assert_int_equal(link_sent, 6);
	assert_true(link_begun >= link_sent);
}

/* A payload laid in place (vx_net_ip_payload) goes out from the frame
 * it was laid in, its bytes never copied: the frame is the link's buffer
 * handed out for it, its IP header right in front.  A payload over one
 * frame gets no place; one placed and then sent longer than a frame is
 * VX_E_TOOBIG; held for ARP, it is copied to the hold and sent whole when
 * the reply comes; any other frame begun ends the place. */
static void test_payload_in_place(void **state)
{
	uint8_t *p;
	(void)state;

	assert_null(vx_net_ip_payload(&net, 1481));
	p = vx_net_ip_payload(&net, 1480);
	assert_ptr_equal(p, link_last + 14 + 20);
	assert_null(vx_net_ip_payload(NULL, 10));
	p = vx_net_ip_payload(&net, 1480);
	assert_int_equal(vx_net_ip_output(&net, peer_ip, 6, p, 1481), VX_E_TOOBIG);
	assert_int_equal(w.n, 0);

	/* unresolved: held (copied), the request begun over it, then sent */
	p = vx_net_ip_payload(&net, 1480);
	for (int i = 0; i < 1480; i++)
		p[i] = (uint8_t)(i * 7);
	assert_int_equal(vx_net_ip_output(&net, peer_ip, 6, p, 1480), VX_OK);
	assert_int_equal(w.n, 1);
	assert_int_equal(rd16(w.f[0] + 12), 0x0806);
	size_t n = frame_arp(f, our_mac, 2, peer_mac, peer_ip, our_mac, our_ip);
	vx_net_input(&net, f, n, 5);
	assert_int_equal(w.n, 2);
	assert_int_equal(w.len[1], 1514);
	for (int i = 0; i < 1480; i++)
		assert_int_equal(w.f[1][34 + i], (uint8_t)(i * 7));

	/* resolved: sent from where it was laid, the header written in front */
	int sent = link_sent;
	p = vx_net_ip_payload(&net, 100);
	uint8_t *frame = link_last;
	for (int i = 0; i < 100; i++)
		p[i] = (uint8_t)(255 - i);
	assert_int_equal(vx_net_ip_output(&net, peer_ip, 6, p, 100), VX_OK);
	assert_int_equal(link_sent, sent + 1);
	assert_ptr_equal(link_last, frame); /* no frame begun for it but its own */
	assert_int_equal(w.len[2], 134);
	assert_memory_equal(w.f[2], peer_mac, 6);
	assert_int_equal(w.f[2][14], 0x45);
	assert_int_equal(rd16(w.f[2] + 16), 120);
	assert_int_equal(w.f[2][23], 6);
	assert_int_equal(vx_cksum(w.f[2] + 14, 20), 0);
	assert_memory_equal(w.f[2] + 14 + 16, peer_ip, 4);
	for (int i = 0; i < 100; i++)
		assert_int_equal(w.f[2][34 + i], (uint8_t)(255 - i));

	/* taken back: a frame begun for anything else ends the place */
	p = vx_net_ip_payload(&net, 8);
	assert_ptr_equal(net.placed, p);
	assert_int_equal(vx_net_udp_sendto(&net, vx_net_udp_open(&net, 0), other_ip, 9, "x", 1), 1);
	assert_null(net.placed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_eth_drops, setup),
	    cmocka_unit_test_setup(test_init_rejects, setup),
	    cmocka_unit_test_setup(test_arp_request_for_us_is_answered, setup),
	    cmocka_unit_test_setup(test_arp_request_for_other_ignored, setup),
	    cmocka_unit_test_setup(test_arp_hostile, setup),
	    cmocka_unit_test_setup(test_arp_flood_bounded, setup),
	    cmocka_unit_test_setup(test_arp_resolve_hold_release, setup),
	    cmocka_unit_test_setup(test_arp_hold_pool_shared, setup),
	    cmocka_unit_test_setup(test_arp_retries_then_fail, setup),
	    cmocka_unit_test_setup(test_arp_fail_callback_sends_again, setup),
	    cmocka_unit_test_setup(test_arp_expiry_and_gratuitous, setup),
	    cmocka_unit_test_setup(test_arp_refresh_in_use, setup),
	    cmocka_unit_test_setup(test_arp_probe_not_cached, setup),
	    cmocka_unit_test_setup(test_counter_names, setup),
	    cmocka_unit_test_setup(test_frames_in_link_memory, setup_link),
	    cmocka_unit_test_setup(test_payload_in_place, setup_link),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
