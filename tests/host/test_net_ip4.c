/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 input, output, fragmentation and reassembly (lib/net/ip4.c,
 * lib/net/reasm.c).
 *
 * Header validation gets one frame per rule, each checked by its counter.
 * Output is checked for routing (on-link, gateway, none, broadcast) and
 * for fragmentation: offsets, MF, one ID, valid checksums.  Reassembly is
 * driven in order, out of order, at the largest size, and through each
 * hostile case: overlap, duplicate, bad length, past 65535, disagreeing
 * last fragments, a fragment bomb over the slot and byte limits, and the
 * timeout.  The oracle (tests/host/net_oracle.py) computes checksums in
 * Python: the stack must accept every datagram it builds, and every
 * datagram the stack sends must check out there.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "net_pkt.h"

#define ORACLE "tests/host/net_oracle.py"

static const uint8_t far_ip[4] = {93, 184, 216, 34};

static struct vx_net net;
static struct wire w;
static uint8_t f[2048];
static uint8_t big[70000];
static uint8_t got[70000];

#define C(name) net.count[VX_NETC_##name]

static int setup(void **state)
{
	struct vx_net_ops ops = {.tx = wire_tx};

	(void)state;
	memset(&w, 0, sizeof(w));
	assert_int_equal(vx_net_init(&net, our_mac, 1500, 7, &ops, &w), VX_OK);
	assert_int_equal(vx_net_set_ipv4(&net, our_ip, mask, gw), VX_OK);
	return 0;
}

/* Teach the stack the peer's MAC (it asks for us). */
static void learn_peer(void)
{
	size_t n = frame_arp(f, bcast_mac, 1, peer_mac, peer_ip, zero_mac, our_ip);

	vx_net_input(&net, f, n, 0);
	w.n = 0;
}

/* A UDP frame from the peer to us on port 7777, 4 bytes of payload. */
static size_t good_udp(void)
{
	return frame_udp(f, our_mac, peer_mac, peer_ip, our_ip, 1234, 7777, "abcd", 4);
}

/* ----------------------------------------------------- header validation */

/* Inserts olen (a multiple of 4) bytes of options after the IPv4 header of
 * the n-byte frame in f; returns the new length. */
static size_t with_options(size_t n, const uint8_t *opts, size_t olen)
{
	uint8_t *ip = f + 14;

	memmove(ip + 20 + olen, ip + 20, n - 14 - 20);
	memcpy(ip + 20, opts, olen);
	ip[0] = (uint8_t)(0x40 | (20 + olen) / 4);
	wr16(ip + 2, (uint16_t)(rd16(ip + 2) + olen));
	pkt_ip_resum(ip);
	return n + olen;
}

/* Options are checked for form, then skipped: well-formed ones pass,
 * any that runs past the header or has a length under 2 is dropped. */
static void test_ip_options(void **state)
{
	(void)state;
	static const struct {
		uint8_t o[8];
		size_t n;
		bool ok;
	} cases[] = {
	    {{1, 1, 1, 0}, 4, true},			/* NOP NOP NOP EOL */
	    {{0, 0x28, 0x99, 0x99}, 4, true},		/* EOL: the rest is ignored */
	    {{7, 7, 4, 0, 0, 0, 0, 1}, 8, true},	/* record route, 7 bytes, NOP */
	    {{7, 0x28, 4, 0}, 4, false},		/* length 40 past the 4 bytes */
	    {{7, 0, 4, 0}, 4, false},			/* length 0 */
	    {{7, 1, 4, 0}, 4, false},			/* length 1 */
	    {{1, 1, 1, 7}, 4, false},			/* a type with no length byte */
	    {{1, 1, 7, 3}, 4, false},			/* length 3, 2 bytes left */
	    {{0x44, 4, 1, 1, 0x44, 5, 0, 0}, 8, false}, /* second runs past */
	};
	int s = vx_net_udp_open(&net, 7777);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t q = C(UDP_QUEUED), bad = C(IP_BAD_OPTIONS);
		size_t n = with_options(good_udp(), cases[i].o, cases[i].n);
		vx_net_input(&net, f, n, 0);
		assert_int_equal(C(UDP_QUEUED), q + cases[i].ok);
		assert_int_equal(C(IP_BAD_OPTIONS), bad + !cases[i].ok);
	}
	vx_net_udp_close(&net, s);
}

static void test_ip_hostile_headers(void **state)
{
	(void)state;
	int s = vx_net_udp_open(&net, 7777);
	uint8_t *ip = f + 14;
	size_t n;

	n = good_udp();
	vx_net_input(&net, f, n, 0);
	assert_int_equal(C(UDP_QUEUED), 1);

	vx_net_input(&net, f, 14 + 19, 0);
	assert_int_equal(C(IP_TRUNCATED), 1);

	n = good_udp();
	ip[0] = 0x65; /* version 6 */
	vx_net_input(&net, f, n, 0);
	assert_int_equal(C(IP_BAD_VERSION), 1);

	n = good_udp();
	ip[0] = 0x44; /* IHL 4 */
	vx_net_input(&net, f, n, 0);
	assert_int_equal(C(IP_BAD_IHL), 1);

	n = good_udp();
	ip[0] = 0x4f; /* IHL 15: 60 bytes, more than the 32 there are */
	pkt_ip_resum(ip);
	vx_net_input(&net, f, 14 + 32, 0);
	assert_int_equal(C(IP_TRUNCATED), 2);

	n = good_udp();
	wr16(ip + 2, (uint16_t)(n - 14 + 1)); /* total length lies: longer */
	pkt_ip_resum(ip);
	vx_net_input(&net, f, n, 0);
	wr16(ip + 2, 19); /* shorter than the header */
	pkt_ip_resum(ip);
	vx_net_input(&net, f, n, 0);
	assert_int_equal(C(IP_BAD_LENGTH), 2);

	n = good_udp();
	ip[10] ^= 1; /* header checksum */
	vx_net_input(&net, f, n, 0);
	assert_int_equal(C(IP_BAD_CKSUM), 1);

	n = good_udp();
	ip[6] |= 0x80; /* the reserved ("evil") bit */
	pkt_ip_resum(ip);
	vx_net_input(&net, f, n, 0);
	assert_int_equal(C(IP_BAD_FLAGS), 1);

	n = good_udp();
	ip[8] = 0;
	pkt_ip_resum(ip);
	vx_net_input(&net, f, n, 0);
	assert_int_equal(C(IP_TTL_ZERO), 1);

	static const uint8_t bad_src[][4] = {
	    {0, 0, 0, 0},    {255, 255, 255, 255}, {224, 0, 0, 1}, {127, 0, 0, 1},
	    {10, 0, 2, 255}, {10, 0, 2, 15},	   {240, 1, 2, 3}, {0, 1, 2, 3},
	};
	for (size_t i = 0; i < sizeof(bad_src) / 4; i++) {
		n = frame_udp(f, our_mac, peer_mac, bad_src[i], our_ip, 1, 7777, "x", 1);
		vx_net_input(&net, f, n, 0);
	}
	assert_int_equal(C(IP_BAD_SRC), sizeof(bad_src) / 4);

	static const uint8_t other[4] = {10, 0, 2, 99}, mc[4] = {224, 0, 0, 251};

	n = frame_udp(f, our_mac, peer_mac, peer_ip, other, 1, 7777, "x", 1);
	vx_net_input(&net, f, n, 0);
	n = frame_udp(f, our_mac, peer_mac, peer_ip, mc, 1, 7777, "x", 1);
	vx_net_input(&net, f, n, 0);
	assert_int_equal(C(IP_NOT_US), 2);

	/* Link padding after the datagram is cut, not refused. */
	n = good_udp();
	memset(f + n, 0xee, 20);
	vx_net_input(&net, f, n + 20, 0);
	assert_int_equal(C(UDP_QUEUED), 2);
	char buf[16];

	assert_int_equal(vx_net_udp_recvfrom(&net, s, buf, sizeof(buf), NULL, NULL), 4);
	assert_int_equal(w.n, 0); /* no hostile case was answered */
}

static void test_ip_options_skipped(void **state)
{
	(void)state;
	int s = vx_net_udp_open(&net, 7777);
	uint8_t *ip = pkt_eth(f, our_mac, peer_mac, 0x0800);
	size_t ul = pkt_udp(ip + 24, peer_ip, our_ip, 1, 7777, "opt", 3);
	char buf[8];

	pkt_ip(ip, peer_ip, our_ip, 17, 1, 0, 4 + ul);
	ip[0] = 0x46;
	memset(ip + 20, 1, 4); /* four NOP options */
	pkt_ip_resum(ip);
	vx_net_input(&net, f, 14 + 24 + ul, 0);
	assert_int_equal(vx_net_udp_recvfrom(&net, s, buf, sizeof(buf), NULL, NULL), 3);
	assert_memory_equal(buf, "opt", 3);
}

static void test_ip_unknown_proto(void **state)
{
	(void)state;
	uint8_t *ip;

	learn_peer();
	ip = pkt_eth(f, our_mac, peer_mac, 0x0800);
	memset(ip + 20, 0, 16);
	pkt_ip(ip, peer_ip, our_ip, 47, 1, 0, 16); /* GRE */
	vx_net_input(&net, f, 14 + 36, 0);
	pkt_ip(ip, peer_ip, our_ip, 6, 1, 0, 16); /* TCP with no handler */
	vx_net_input(&net, f, 14 + 36, 0);
	assert_int_equal(C(IP_UNKNOWN_PROTO), 2);
	assert_int_equal(w.n, 2);
	const uint8_t *r = w.f[0] + 14;

	assert_int_equal(r[9], 1);
	assert_int_equal(r[20], 3);	 /* unreachable */
	assert_int_equal(r[21], 2);	 /* protocol */
	assert_int_equal(r[28 + 9], 47); /* it quotes the GRE datagram */
	assert_int_equal(w.f[1][14 + 28 + 9], 6);
}

/* ---------------------------------------------------------------- output */

static void test_ip_routing(void **state)
{
	(void)state;
	static const uint8_t onlink[4] = {10, 0, 2, 3}, mc[4] = {239, 1, 1, 1};
	static const uint8_t zero[4] = {0}, lo[4] = {127, 0, 0, 1};
	static const uint8_t sub_bc[4] = {10, 0, 2, 255}, lim_bc[4] = {255, 255, 255, 255};
	uint8_t p[8] = {0};

	assert_int_equal(vx_net_ip_output(&net, onlink, 253, p, 8), VX_OK);
	assert_memory_equal(w.f[0] + 14 + 24, onlink, 4); /* ARP asks for it */
	assert_int_equal(vx_net_ip_output(&net, far_ip, 253, p, 8), VX_OK);
	assert_memory_equal(w.f[1] + 14 + 24, gw, 4); /* ARP asks for the gateway */
	assert_int_equal(vx_net_ip_output(&net, sub_bc, 253, p, 8), VX_OK);
	assert_memory_equal(w.f[2], bcast_mac, 6);
	assert_int_equal(rd16(w.f[2] + 12), 0x0800);
	assert_int_equal(vx_net_ip_output(&net, lim_bc, 253, p, 8), VX_OK);
	assert_memory_equal(w.f[3], bcast_mac, 6);

	assert_int_equal(vx_net_ip_output(&net, mc, 253, p, 8), VX_E_INVAL);
	assert_int_equal(vx_net_ip_output(&net, zero, 253, p, 8), VX_E_INVAL);
	assert_int_equal(vx_net_ip_output(&net, lo, 253, p, 8), VX_E_INVAL);
	assert_int_equal(vx_net_ip_output(&net, our_ip, 253, p, 8), VX_E_INVAL);
	assert_int_equal(vx_net_ip_output(&net, onlink, 253, big, VX_IP_MAX_PAYLOAD + 1),
			 VX_E_TOOBIG);
	assert_int_equal(vx_net_set_ipv4(&net, our_ip, mask, NULL), VX_OK);
	assert_int_equal(vx_net_ip_output(&net, far_ip, 253, p, 8), VX_E_NOTFOUND);
	assert_int_equal(C(IP_NO_ROUTE), 1);
	assert_int_equal(vx_net_set_ipv4(&net, NULL, NULL, NULL), VX_OK);
	assert_int_equal(vx_net_ip_output(&net, onlink, 253, p, 8), VX_E_STATE);
}

/* The destinations a TCP connect is refused for before its SYN exists
 * (netd's open_tcp): exactly those ip output refuses as unicast, and the
 * broadcasts, which a connection cannot go to. */
static void test_unicast_ok(void **state)
{
	(void)state;
	static const uint8_t onlink[4] = {10, 0, 2, 3}, mc[4] = {239, 1, 1, 1};
	static const uint8_t zero[4] = {0}, lo[4] = {127, 0, 0, 1}, lo_far[4] = {127, 9, 9, 9};
	static const uint8_t this_net[4] = {0, 1, 2, 3}, reserved[4] = {240, 0, 0, 1};
	static const uint8_t sub_bc[4] = {10, 0, 2, 255}, lim_bc[4] = {255, 255, 255, 255};

	assert_true(vx_net_unicast_ok(&net, onlink));
	assert_true(vx_net_unicast_ok(&net, far_ip));
	assert_true(vx_net_unicast_ok(&net, gw));
	assert_false(vx_net_unicast_ok(&net, lo));
	assert_false(vx_net_unicast_ok(&net, lo_far));
	assert_false(vx_net_unicast_ok(&net, zero));
	assert_false(vx_net_unicast_ok(&net, this_net));
	assert_false(vx_net_unicast_ok(&net, mc));
	assert_false(vx_net_unicast_ok(&net, reserved));
	assert_false(vx_net_unicast_ok(&net, sub_bc));
	assert_false(vx_net_unicast_ok(&net, lim_bc));
	assert_false(vx_net_unicast_ok(&net, our_ip));
}

static void test_ip_header_out_and_ids(void **state)
{
	(void)state;
	uint8_t p[3] = {1, 2, 3};

	learn_peer();
	assert_int_equal(vx_net_ip_output(&net, peer_ip, 253, p, 3), VX_OK);
	assert_int_equal(vx_net_ip_output(&net, peer_ip, 253, p, 3), VX_OK);
	const uint8_t *a = w.f[0] + 14, *b = w.f[1] + 14;

	assert_memory_equal(w.f[0], peer_mac, 6);
	assert_int_equal(a[0], 0x45);
	assert_int_equal(rd16(a + 2), 23);
	assert_int_equal(rd16(a + 6), 0); /* DF clear: we fragment ourselves */
	assert_int_equal(a[8], VX_IP_TTL);
	assert_int_equal(a[9], 253);
	assert_memory_equal(a + 12, our_ip, 4);
	assert_memory_equal(a + 16, peer_ip, 4);
	assert_int_equal(vx_cksum(a, 20), 0);
	assert_int_equal((uint16_t)(rd16(b + 4) - rd16(a + 4)), 1);
	assert_memory_equal(a + 20, p, 3);
	assert_int_equal(w.len[0], 60);
}

static void test_ip_fragment_output(void **state)
{
	(void)state;
	learn_peer();
	for (size_t i = 0; i < 4000; i++)
		big[i] = (uint8_t)(i * 7);
	assert_int_equal(vx_net_ip_output(&net, peer_ip, 253, big, 4000), VX_OK);
	assert_int_equal(w.n, 3);
	assert_int_equal(C(IP_FRAGS_OUT), 3);
	size_t sizes[3] = {1480, 1480, 1040};

	for (int i = 0; i < 3; i++) {
		const uint8_t *h = w.f[i] + 14;

		assert_int_equal(rd16(h + 2), 20 + sizes[i]);
		assert_int_equal(rd16(h + 4), rd16(w.f[0] + 14 + 4));
		assert_int_equal(rd16(h + 6) & 0x1fff, i * 185);
		assert_int_equal(!!(rd16(h + 6) & 0x2000), i < 2);
		assert_int_equal(vx_cksum(h, 20), 0);
		assert_memory_equal(h + 20, big + i * 1480, sizes[i]);
	}
}

static void test_ip_fragment_output_small_mtu(void **state)
{
	struct vx_net_ops ops = {.tx = wire_tx};

	(void)state;
	assert_int_equal(vx_net_init(&net, our_mac, 576, 7, &ops, &w), VX_OK);
	assert_int_equal(vx_net_set_ipv4(&net, our_ip, mask, gw), VX_OK);
	learn_peer();
	assert_int_equal(vx_net_ip_output(&net, peer_ip, 253, big, 1000), VX_OK);
	assert_int_equal(w.n, 2);
	assert_int_equal(rd16(w.f[0] + 14 + 2), 20 + 552); /* 556 rounded down to 8s */
	assert_int_equal(rd16(w.f[1] + 14 + 2), 20 + 448);
	assert_int_equal(rd16(w.f[1] + 14 + 6), 552 / 8);
}

/* ------------------------------------------------------------ reassembly */

/* Send one fragment of `data` (the whole datagram's payload) from the peer. */
static void frag_in(uint16_t id, uint8_t proto, const uint8_t *data, size_t off, size_t len,
		    bool more, uint64_t now)
{
	uint8_t *ip = pkt_eth(f, our_mac, peer_mac, 0x0800);

	memcpy(ip + 20, data + off, len);
	pkt_ip(ip, peer_ip, our_ip, proto, id, (uint16_t)(off / 8 | (more ? 0x2000 : 0)), len);
	vx_net_input(&net, f, 14 + 20 + len, now);
}

/* A UDP datagram to port 7777 with len bytes of payload, in big. */
static size_t make_udp(size_t len)
{
	uint8_t data[4096];

	for (size_t i = 0; i < len; i++)
		data[i] = (uint8_t)(i ^ 0x5a);
	return pkt_udp(big, peer_ip, our_ip, 4444, 7777, data, len);
}

static void check_udp_got(int s, size_t len)
{
	uint8_t src[4];
	uint16_t sport;

	assert_int_equal(vx_net_udp_recvfrom(&net, s, got, sizeof(got), src, &sport), (int)len);
	assert_memory_equal(src, peer_ip, 4);
	assert_int_equal(sport, 4444);
	for (size_t i = 0; i < len; i++)
		assert_int_equal(got[i], (uint8_t)(i ^ 0x5a));
}

static void test_reasm_in_order_and_reversed(void **state)
{
	(void)state;
	int s = vx_net_udp_open(&net, 7777);
	size_t n = make_udp(3000);

	frag_in(1, 17, big, 0, 1480, true, 0);
	frag_in(1, 17, big, 1480, 1480, true, 0);
	assert_int_equal(C(UDP_QUEUED), 0);
	frag_in(1, 17, big, 2960, n - 2960, false, 0);
	assert_int_equal(C(FRAG_REASSEMBLED), 1);
	check_udp_got(s, 3000);

	frag_in(2, 17, big, 2960, n - 2960, false, 0);
	frag_in(2, 17, big, 1480, 1480, true, 0);
	frag_in(2, 17, big, 0, 1480, true, 0);
	assert_int_equal(C(FRAG_REASSEMBLED), 2);
	check_udp_got(s, 3000);
	assert_int_equal(net.reasm_bytes, 0);
}

static void test_reasm_overlap_drops_datagram(void **state)
{
	(void)state;
	int s = vx_net_udp_open(&net, 7777);
	size_t n = make_udp(3000);

	frag_in(3, 17, big, 0, 1480, true, 0);
	frag_in(3, 17, big, 1472, 1480, true, 0); /* overlaps the first by 8 */
	assert_int_equal(C(FRAG_OVERLAP), 1);
	frag_in(3, 17, big, 2952, n - 2952, false, 0); /* starts a fresh datagram */
	assert_int_equal(C(FRAG_REASSEMBLED), 0);
	/* an exact duplicate is an overlap too */
	frag_in(4, 17, big, 0, 1480, true, 0);
	frag_in(4, 17, big, 0, 1480, true, 0);
	assert_int_equal(C(FRAG_OVERLAP), 2);
	frag_in(4, 17, big, 1480, 1480, true, 0);
	frag_in(4, 17, big, 2960, n - 2960, false, 0);
	assert_int_equal(C(FRAG_REASSEMBLED), 0);
	assert_int_equal(vx_net_udp_recvfrom(&net, s, got, sizeof(got), NULL, NULL), VX_E_EMPTY);
}

static void test_reasm_bad_fragments(void **state)
{
	(void)state;
	make_udp(3000);
	frag_in(5, 17, big, 0, 1001, true, 0); /* not a multiple of 8, MF set */
	frag_in(5, 17, big, 0, 0, true, 0);    /* empty, MF set */
	assert_int_equal(C(FRAG_BAD), 2);

	uint8_t *ip = pkt_eth(f, our_mac, peer_mac, 0x0800);

	memset(ip + 20, 0, 16);
	pkt_ip(ip, peer_ip, our_ip, 17, 6, 8190, 16); /* 65520 + 16 > 65515 */
	vx_net_input(&net, f, 14 + 36, 0);
	assert_int_equal(C(FRAG_BAD), 3);

	/* two last fragments that disagree; data past the end */
	frag_in(7, 17, big, 1480, 100, false, 0);
	frag_in(7, 17, big, 2960, 100, false, 0);
	assert_int_equal(C(FRAG_MISMATCH), 1);
	frag_in(8, 17, big, 0, 1480, true, 0);
	frag_in(8, 17, big, 1480, 1480, true, 0);
	frag_in(8, 17, big, 1480, 8, false, 0); /* ends before data already held */
	assert_int_equal(C(FRAG_MISMATCH), 2);
	frag_in(9, 17, big, 0, 80, false, 0); /* offset 0, MF clear: not a fragment */
	assert_int_equal(C(FRAG_IN), 8);
	assert_int_equal(net.reasm_bytes, 0);
}

static int slots_used(void)
{
	int n = 0;

	for (int i = 0; i < VX_REASM_SLOTS; i++)
		n += net.reasm[i].used;
	return n;
}

static void test_reasm_bomb_slots(void **state)
{
	(void)state;
	int s = vx_net_udp_open(&net, 7777);
	size_t n = make_udp(3000);

	for (uint16_t id = 100; id < 1100; id++) {
		frag_in(id, 17, big, 0, 1480, true, id);
		assert_true(slots_used() <= VX_REASM_SLOTS);
		assert_true(net.reasm_bytes <= VX_REASM_BYTES);
	}
	assert_int_equal(C(FRAG_NO_SLOT), 1000 - VX_REASM_SLOTS);
	/* A real datagram still gets through the flood. */
	frag_in(1, 17, big, 0, 1480, true, 2000);
	frag_in(1, 17, big, 1480, 1480, true, 2000);
	frag_in(1, 17, big, 2960, n - 2960, false, 2000);
	check_udp_got(s, 3000);
}

static void test_reasm_bomb_bytes(void **state)
{
	(void)state;
	memset(big, 0, 65536);
	/* Four datagrams of 40 KiB each would hold 160 KiB. */
	for (uint16_t id = 1; id <= VX_REASM_SLOTS; id++)
		for (size_t off = 0; off < 40960; off += 1480)
			frag_in(id, 17, big, off, 1480, true, id);
	assert_true(C(FRAG_NO_BYTES) >= 1);
	assert_true(net.reasm_bytes <= VX_REASM_BYTES);
	uint32_t sum = 0;

	for (int i = 0; i < VX_REASM_SLOTS; i++)
		if (net.reasm[i].used)
			sum += net.reasm[i].have;
	assert_int_equal(sum, net.reasm_bytes);
}

static void test_reasm_timeout(void **state)
{
	(void)state;
	make_udp(3000);
	learn_peer();
	frag_in(11, 17, big, 0, 1480, true, SEC);
	frag_in(12, 17, big, 1480, 1480, true, SEC); /* no first fragment */
	assert_int_equal(vx_net_tick(&net, 2 * SEC), SEC + VX_REASM_TIMEOUT_NS);
	vx_net_tick(&net, SEC + VX_REASM_TIMEOUT_NS);
	assert_int_equal(C(FRAG_TIMEOUT), 2);
	assert_int_equal(net.reasm_bytes, 0);
	assert_int_equal(w.n, 1); /* time exceeded, for the one whose start came */
	const uint8_t *r = w.f[0] + 14;

	assert_int_equal(r[20], 11);
	assert_int_equal(r[21], 1);
	assert_int_equal(rd16(r + 28 + 4), 11);
}

/* A ping of the largest size: 45 fragments in, reassembled, answered
 * with 45 fragments out. */
static void test_reasm_largest_ping(void **state)
{
	(void)state;
	size_t len = VX_IP_MAX_PAYLOAD;

	learn_peer();
	memset(big, 0x61, len);
	big[0] = 8;
	big[1] = 0;
	wr16(big + 2, 0);
	wr16(big + 4, 0x1234);
	wr16(big + 6, 1);
	wr16(big + 2, vx_cksum(big, len));
	for (size_t off = 0; off < len; off += 1480)
		frag_in(77, 1, big, off, len - off < 1480 ? len - off : 1480, off + 1480 < len, 0);
	assert_int_equal(C(FRAG_REASSEMBLED), 1);
	assert_int_equal(C(ICMP_ECHO_IN), 1);
	assert_int_equal(w.n, (int)((len + 1479) / 1480));
}

/* ---------------------------------------------------------------- oracle */

static bool have_oracle(void)
{
	return access(ORACLE, R_OK) == 0 && system("python3 -c 'import struct' 2>/dev/null") == 0;
}

static void test_oracle_accepts_python_datagrams(void **state)
{
	(void)state;
	int s = vx_net_udp_open(&net, 7777);
	FILE *p;
	static char line[8192];
	int count = 0, flips = 0;

	if (!have_oracle())
		skip();
	p = popen("python3 " ORACLE " build 42 300", "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		size_t hl = strcspn(line, "\n") / 2;
		uint8_t *ip = pkt_eth(f, our_mac, peer_mac, 0x0800);

		for (size_t i = 0; i < hl; i++)
			sscanf(line + 2 * i, "%2hhx", &ip[i]);
		vx_net_input(&net, f, 14 + hl, 0);
		assert_int_equal(C(UDP_QUEUED), count + 1);
		assert_int_equal(vx_net_udp_recvfrom(&net, s, got, sizeof(got), NULL, NULL),
				 (int)(hl - 28));
		assert_memory_equal(got, ip + 28, hl - 28);
		/* One flipped payload bit must fail the UDP checksum. */
		if (hl > 28) {
			ip[hl - 1] ^= 0x10;
			vx_net_input(&net, f, 14 + hl, 0);
			flips++;
			assert_int_equal(C(UDP_BAD_CKSUM), flips);
		}
		count++;
	}
	assert_int_equal(pclose(p), 0);
	assert_int_equal(count, 300);
	assert_int_equal(C(IP_BAD_CKSUM), 0);
}

/* Hand the datagrams (IP parts) of captured frames first..first+n-1 to
 * the oracle: one whole datagram ("check"), or fragments of one ("frags"). */
static void oracle_frames(int first, int n)
{
	static char cmd[2 * 70000 + 256];
	char out[64] = "";
	int k = snprintf(cmd, sizeof(cmd), "python3 " ORACLE " %s", n > 1 ? "frags" : "check");
	FILE *p;

	for (int f_ = first; f_ < first + n; f_++) {
		const uint8_t *ip = w.f[f_] + 14;

		k += snprintf(cmd + k, sizeof(cmd) - (size_t)k, " ");
		for (size_t i = 0; i < rd16(ip + 2); i++)
			k += snprintf(cmd + k, sizeof(cmd) - (size_t)k, "%02x", ip[i]);
	}
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(out, sizeof(out), p));
	pclose(p);
	assert_string_equal(out, "ok\n");
}

static void test_oracle_checks_our_datagrams(void **state)
{
	(void)state;
	int s = vx_net_udp_open(&net, 5555);
	size_t lens[] = {0, 1, 2, 3, 255, 1471, 1472};
	uint8_t ping_req[64];

	if (!have_oracle())
		skip();
	learn_peer();
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		for (size_t j = 0; j < lens[i]; j++)
			big[j] = (uint8_t)(j * 31 + i);
		w.n = 0;
		assert_int_equal(vx_net_udp_sendto(&net, s, peer_ip, 9, big, lens[i]),
				 (int)lens[i]);
		assert_int_equal(w.n, 1);
		oracle_frames(0, 1);
	}
	/* an echo reply */
	memset(ping_req, 0x33, sizeof(ping_req));
	ping_req[0] = 8;
	ping_req[1] = 0;
	w.n = 0;
	vx_net_input(&net, f, frame_icmp(f, our_mac, peer_mac, peer_ip, our_ip, ping_req, 37), 0);
	assert_int_equal(w.n, 1);
	oracle_frames(0, 1);
	/* a datagram fragmented at MTU 1500: 4008 bytes in three */
	for (size_t j = 0; j < 4000; j++)
		big[j] = (uint8_t)(j * 7 + 1);
	w.n = 0;
	assert_int_equal(vx_net_udp_sendto(&net, s, peer_ip, 9, big, 4000), 4000);
	assert_int_equal(w.n, 3);
	oracle_frames(0, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_ip_hostile_headers, setup),
	    cmocka_unit_test_setup(test_ip_options, setup),
	    cmocka_unit_test_setup(test_ip_options_skipped, setup),
	    cmocka_unit_test_setup(test_ip_unknown_proto, setup),
	    cmocka_unit_test_setup(test_ip_routing, setup),
	    cmocka_unit_test_setup(test_unicast_ok, setup),
	    cmocka_unit_test_setup(test_ip_header_out_and_ids, setup),
	    cmocka_unit_test_setup(test_ip_fragment_output, setup),
	    cmocka_unit_test_setup(test_ip_fragment_output_small_mtu, setup),
	    cmocka_unit_test_setup(test_reasm_in_order_and_reversed, setup),
	    cmocka_unit_test_setup(test_reasm_overlap_drops_datagram, setup),
	    cmocka_unit_test_setup(test_reasm_bad_fragments, setup),
	    cmocka_unit_test_setup(test_reasm_bomb_slots, setup),
	    cmocka_unit_test_setup(test_reasm_bomb_bytes, setup),
	    cmocka_unit_test_setup(test_reasm_timeout, setup),
	    cmocka_unit_test_setup(test_reasm_largest_ping, setup),
	    cmocka_unit_test_setup(test_oracle_accepts_python_datagrams, setup),
	    cmocka_unit_test_setup(test_oracle_checks_our_datagrams, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
