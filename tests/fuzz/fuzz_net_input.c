/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the whole receive path of lib/net: Ethernet, ARP,
 * IPv4, reassembly, ICMP, UDP and DHCP, one frame after another into one
 * struct vx_net.
 *
 * Input:
 *
 *   byte 0      bit 0: configured statically as 10.0.2.15/24 gw 10.0.2.2,
 *               else the DHCP client is running; bit 1: a TCP hook is set;
 *               bit 2: a UDP socket is bound to port 7 (and to 68 never)
 *   then        records, each:
 *     control   bits 0-1: destination MAC 0 ours, 1 broadcast, 2-3 as
 *               given; bit 2: make an IPv4 header's length and checksum
 *               right; bit 3: also the UDP or ICMP checksum; bits 4-7:
 *               advance the clock by that many 2^(n) ms and run the timers
 *     length    2 bytes, little endian (cut to what is left)
 *     frame     the frame (its first 6 bytes replaced per bits 0-1)
 *
 * The fix-ups let mutations reach the layers behind the checksums.
 *
 * Invariants after every frame: every frame sent is 60..VX_ETH_FRAME_MAX
 * bytes and, if IPv4, has a valid header checksum; the ARP table, hold
 * pool, reassembly slots and byte count, and UDP queues agree with
 * themselves and stay in their limits; ETH_IN counts the frames given.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "net/cksum.h"
#include "net/net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			__builtin_trap();                                                          \
	} while (0)

static struct vx_net net;
static uint8_t frame[VX_ETH_FRAME_MAX + 64];
static const uint8_t our_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t our_ip[4] = {10, 0, 2, 15}, mask[4] = {255, 255, 255, 0};
static const uint8_t gw[4] = {10, 0, 2, 2};

static uint8_t sink;
static unsigned txs;
static uint8_t rbuf[VX_UDP_RXQ_BYTES];

static int tx(void *ctx, const uint8_t *f, size_t len)
{
	(void)ctx;
	CHECK(len >= 60 && len <= VX_ETH_FRAME_MAX);
	if (f[12] == 0x08 && f[13] == 0x00) {
		size_t hl = (size_t)(f[14] & 15) * 4;

		CHECK(hl == 20 && (size_t)(f[16] << 8 | f[17]) + 14 <= len);
		CHECK(vx_cksum(f + 14, hl) == 0);
	}
	return ++txs % 7 == 0 ? VX_E_FULL : VX_OK; /* the device may refuse */
}

static void tcp_in(void *ctx, const uint8_t s[4], const uint8_t d[4], const uint8_t *seg,
		   size_t len, uint64_t now)
{
	(void)ctx, (void)s, (void)d, (void)now;
	for (size_t i = 0; i < len; i++) /* ASan: the whole segment is readable */
		sink ^= seg[i];
}

static void tcp_err(void *ctx, const struct vx_net_icmp_err *e, const uint8_t *seg, size_t len)
{
	(void)ctx, (void)e;
	CHECK(len >= 8);
	sink ^= seg[0] ^ seg[len - 1];
}

static void fix_ip(uint8_t *ip, size_t len, bool l4)
{
	size_t hl = (size_t)(ip[0] & 15) * 4;

	if (len < 20 || hl < 20 || hl > len)
		return;
	ip[2] = (uint8_t)(len >> 8);
	ip[3] = (uint8_t)len;
	if (l4 && ip[9] == 17 && len >= hl + 8) {
		size_t ul = len - hl;
		uint32_t s;
		uint16_t c;

		ip[hl + 4] = (uint8_t)(ul >> 8);
		ip[hl + 5] = (uint8_t)ul;
		ip[hl + 6] = ip[hl + 7] = 0;
		s = vx_cksum_pseudo4(ip + 12, ip + 16, 17, (uint16_t)ul);
		c = vx_cksum_fold(vx_cksum_add(s, ip + hl, ul));
		ip[hl + 6] = (uint8_t)(c >> 8);
		ip[hl + 7] = (uint8_t)c;
	} else if (l4 && ip[9] == 1 && len >= hl + 4) {
		uint16_t c;

		ip[hl + 2] = ip[hl + 3] = 0;
		c = vx_cksum(ip + hl, len - hl);
		ip[hl + 2] = (uint8_t)(c >> 8);
		ip[hl + 3] = (uint8_t)c;
	}
	ip[10] = ip[11] = 0;
	uint16_t c = vx_cksum(ip, hl);

	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
}

static void check_state(void)
{
	uint32_t held = 0, sum = 0;

	for (int i = 0; i < VX_ARP_ENTRIES; i++) {
		const struct vx_arp_entry *e = &net.arp[i];

		CHECK(e->state <= 2);
		CHECK(e->nheld <= VX_ARP_HOLD_PER_ENTRY);
		if (e->state == 1)
			held += e->nheld;
	}
	for (int i = 0; i < VX_ARP_HOLD_SLOTS; i++) {
		const struct vx_arp_hold *h = &net.hold[i];

		if (h->entry < 0)
			continue;
		CHECK(h->entry < VX_ARP_ENTRIES && net.arp[h->entry].state == 1);
		CHECK(h->len >= 20 && h->len <= VX_NET_MTU_MAX);
		held--;
	}
	CHECK(held == 0);
	for (int i = 0; i < VX_REASM_SLOTS; i++) {
		const struct vx_reasm *r = &net.reasm[i];

		if (!r->used)
			continue;
		CHECK(r->have <= VX_IP_MAX_PAYLOAD && r->end <= VX_IP_MAX_PAYLOAD);
		CHECK(r->total == 0 || (r->have < r->total && r->end <= r->total));
		sum += r->have;
	}
	CHECK(sum == net.reasm_bytes && sum <= VX_REASM_BYTES);
	for (int i = 0; i < VX_UDP_SOCKETS; i++) {
		const struct vx_udp_sock *s = &net.udp[i];
		uint32_t b = 0;

		if (!s->used)
			continue;
		CHECK(s->nq <= VX_UDP_RXQ_DGRAMS && s->qbytes <= VX_UDP_RXQ_BYTES);
		for (int k = 0; k < s->nq; k++) {
			CHECK(s->q[k].off == b);
			b += s->q[k].len;
		}
		CHECK(b == s->qbytes);
	}
	CHECK(net.dhcp.state < VX_DHCP_STATE_COUNT);
	CHECK(net.icmp_tokens <= VX_ICMP_ERR_BURST);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vx_net_ops ops = {.tx = tx};
	uint64_t now = 1000000000ull, frames = 0;

	if (size < 1)
		return 0;
	txs = 0;
	if (data[0] & 2) {
		ops.tcp_input = tcp_in;
		ops.tcp_error = tcp_err;
	}
	CHECK(vx_net_init(&net, our_mac, 1500, 1, &ops, NULL) == VX_OK);
	if (data[0] & 1)
		CHECK(vx_net_set_ipv4(&net, our_ip, mask, gw) == VX_OK);
	else
		CHECK(vx_net_dhcp_start(&net, "fuzz", now) == VX_OK);
	int sock = (data[0] & 4) ? vx_net_udp_open(&net, 7) : -1;

	data++, size--;
	while (size >= 3) {
		uint8_t c = data[0];
		size_t len = (size_t)(data[1] | data[2] << 8);

		data += 3, size -= 3;
		if (len > size)
			len = size;
		if (len > sizeof(frame))
			len = sizeof(frame);
		memcpy(frame, data, len);
		data += len, size -= len;
		if ((c & 3) < 2 && len >= 6)
			memcpy(frame,
			       (c & 3) == 0
				   ? our_mac
				   : (const uint8_t[6]){0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
			       6);
		if ((c & 4) && len > 14 && frame[12] == 0x08 && frame[13] == 0x00)
			fix_ip(frame + 14, len - 14, c & 8);
		vx_net_input(&net, frame, len, now);
		frames++;
		check_state();
		if (c >> 4) {
			now += (1000000ull << (c >> 4));
			vx_net_tick(&net, now);
			check_state();
		}
		if (sock >= 0)
			while (vx_net_udp_recvfrom(&net, sock, rbuf, sizeof(rbuf), NULL, NULL) >= 0)
				;
	}
	CHECK(net.count[VX_NETC_ETH_IN] == frames);
	return 0;
}
