/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet building and capture for the tests of lib/net (test_net_*.c).
 *
 * The tests build frames by hand, byte by byte, so that each hostile case
 * can break exactly one field.  A "wire" captures what a stack sends: its
 * tx callback copies each frame into a bounded array the test inspects.
 * Everything is static inline so that each test includes what it uses.
 */
#ifndef TESTS_NET_PKT_H
#define TESTS_NET_PKT_H

#include <stdint.h>
#include <string.h>

#include "net/cksum.h"
#include "net/net.h"

#define WIRE_FRAMES 64
#define SEC	    VX_NS_PER_SEC

/* The link most tests put the stack on, shaped like QEMU's user-mode
 * network: we are 10.0.2.15/24, the peer (and gateway) 10.0.2.2. */
static const uint8_t our_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t peer_mac[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};
static const uint8_t bcast_mac[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t zero_mac[6];
static const uint8_t our_ip[4] = {10, 0, 2, 15};
static const uint8_t mask[4] = {255, 255, 255, 0};
static const uint8_t gw[4] = {10, 0, 2, 2};
static const uint8_t peer_ip[4] = {10, 0, 2, 2};

/* Where the tested stack's frames land. */
struct wire {
	int n; /* frames captured (those past WIRE_FRAMES are counted only) */
	size_t len[WIRE_FRAMES];
	uint8_t f[WIRE_FRAMES][VX_ETH_FRAME_MAX];
};

static inline int wire_tx(void *ctx, const uint8_t *frame, size_t len)
{
	struct wire *w = ctx;

	if (w->n < WIRE_FRAMES) {
		memcpy(w->f[w->n], frame, len);
		w->len[w->n] = len;
	}
	w->n++;
	return VX_OK;
}

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)rd16(p) << 16 | rd16(p + 2);
}

static inline void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)(v >> 16));
	wr16(p + 2, (uint16_t)v);
}

/* Ethernet header at f; returns the payload's start. */
static inline uint8_t *pkt_eth(uint8_t *f, const uint8_t dst[6], const uint8_t src[6],
			       uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	wr16(f + 12, type);
	return f + 14;
}

/* A 20-byte IPv4 header at p with a correct checksum. */
static inline void pkt_ip(uint8_t *p, const uint8_t src[4], const uint8_t dst[4], uint8_t proto,
			  uint16_t id, uint16_t frag, size_t payload_len)
{
	p[0] = 0x45;
	p[1] = 0;
	wr16(p + 2, (uint16_t)(20 + payload_len));
	wr16(p + 4, id);
	wr16(p + 6, frag);
	p[8] = 64;
	p[9] = proto;
	wr16(p + 10, 0);
	memcpy(p + 12, src, 4);
	memcpy(p + 16, dst, 4);
	wr16(p + 10, vx_cksum(p, 20));
}

/* Refresh the IP header checksum after a test changed a field. */
static inline void pkt_ip_resum(uint8_t *p)
{
	wr16(p + 10, 0);
	wr16(p + 10, vx_cksum(p, (size_t)(p[0] & 15) * 4));
}

/* A UDP header and data at u, checksummed for src -> dst. */
static inline size_t pkt_udp(uint8_t *u, const uint8_t src[4], const uint8_t dst[4], uint16_t sport,
			     uint16_t dport, const void *data, size_t len)
{
	uint16_t s;

	wr16(u, sport);
	wr16(u + 2, dport);
	wr16(u + 4, (uint16_t)(8 + len));
	wr16(u + 6, 0);
	memcpy(u + 8, data, len);
	s = vx_cksum_fold(
	    vx_cksum_add(vx_cksum_pseudo4(src, dst, 17, (uint16_t)(8 + len)), u, 8 + len));
	wr16(u + 6, s ? s : 0xffff);
	return 8 + len;
}

/* A whole Ethernet+IPv4+UDP frame; returns its length. */
static inline size_t frame_udp(uint8_t *f, const uint8_t dmac[6], const uint8_t smac[6],
			       const uint8_t src[4], const uint8_t dst[4], uint16_t sport,
			       uint16_t dport, const void *data, size_t len)
{
	uint8_t *ip = pkt_eth(f, dmac, smac, 0x0800);
	size_t ul = pkt_udp(ip + 20, src, dst, sport, dport, data, len);

	pkt_ip(ip, src, dst, 17, 1, 0, ul);
	return 14 + 20 + ul;
}

/* A whole Ethernet+IPv4+ICMP frame; the message's checksum is set. */
static inline size_t frame_icmp(uint8_t *f, const uint8_t dmac[6], const uint8_t smac[6],
				const uint8_t src[4], const uint8_t dst[4], const uint8_t *msg,
				size_t len)
{
	uint8_t *ip = pkt_eth(f, dmac, smac, 0x0800);

	memcpy(ip + 20, msg, len);
	wr16(ip + 22, 0);
	wr16(ip + 22, vx_cksum(ip + 20, len));
	pkt_ip(ip, src, dst, 1, 7, 0, len);
	return 14 + 20 + len;
}

/* An ARP frame (op 1 request, 2 reply). */
static inline size_t frame_arp(uint8_t *f, const uint8_t dmac[6], uint16_t op, const uint8_t sha[6],
			       const uint8_t spa[4], const uint8_t tha[6], const uint8_t tpa[4])
{
	uint8_t *a = pkt_eth(f, dmac, sha, 0x0806);

	wr16(a, 1);
	wr16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	wr16(a + 6, op);
	memcpy(a + 8, sha, 6);
	memcpy(a + 14, spa, 4);
	memcpy(a + 18, tha, 6);
	memcpy(a + 24, tpa, 4);
	return 14 + 28;
}

#endif
