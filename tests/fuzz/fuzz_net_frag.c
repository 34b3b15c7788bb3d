/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for IPv4 reassembly (lib/net/reasm.c), with an oracle.
 *
 * Every fragment carries bytes that are a function of where they belong:
 * byte i of datagram `id` is pattern(id, i).  Whatever the fuzzer does
 * with offsets, lengths, MF bits, orders, overlaps and time, a datagram
 * that comes out (to the TCP hook: protocol 6 is delivered unchecked) must
 * hold exactly the pattern, and be as long as its last fragment said.
 *
 * Input: records of 6 bytes:
 *
 *   byte 0      bits 0-1: ID (four datagrams in play); bit 2: MF;
 *               bits 3-7: advance the clock by that many seconds, then
 *               run the timers
 *   bytes 1-2   fragment offset in 8-byte units (13 bits, little endian)
 *   bytes 3-4   data length (little endian, cut to VX_NET_MTU_MAX - 20)
 *   byte 5      source address's last byte: 1 or 2 (others made 1)
 *
 * Invariants: the slot bookkeeping (bytes held equal the sum over slots,
 * within VX_REASM_BYTES; no slot holds data past its end); delivered data
 * match the pattern and the length.
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
static uint8_t frame[VX_ETH_FRAME_MAX];
static const uint8_t our_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t peer_mac[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};
static const uint8_t our_ip[4] = {10, 0, 2, 15}, mask[4] = {255, 255, 255, 0};
static unsigned delivered;

static uint8_t pattern(unsigned id, unsigned src, size_t i)
{
	return (uint8_t)(i * 31 + (i >> 8) * 7 + id * 101 + src * 53);
}

static int tx(void *ctx, const uint8_t *f, size_t len)
{
	(void)ctx, (void)f, (void)len;
	return VX_OK;
}

static void tcp_in(void *ctx, const uint8_t s[4], const uint8_t d[4], const uint8_t *seg,
		   size_t len, uint64_t now)
{
	unsigned id = 0;

	(void)ctx, (void)d, (void)now;
	/* The datagram's ID is not passed up; find which pattern it is. */
	for (id = 0; id < 4; id++)
		if (len == 0 || seg[0] == pattern(id, s[3], 0))
			break;
	CHECK(id < 4);
	for (size_t i = 0; i < len; i++)
		CHECK(seg[i] == pattern(id, s[3], i));
	delivered++;
}

static void check_state(void)
{
	uint32_t sum = 0;

	for (int i = 0; i < VX_REASM_SLOTS; i++) {
		const struct vx_reasm *r = &net.reasm[i];

		if (!r->used)
			continue;
		CHECK(r->end <= VX_IP_MAX_PAYLOAD && r->have <= r->end);
		CHECK(r->total == 0 || r->end <= r->total);
		sum += r->have;
	}
	CHECK(sum == net.reasm_bytes && sum <= VX_REASM_BYTES);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vx_net_ops ops = {.tx = tx, .tcp_input = tcp_in};
	uint64_t now = 1000000000ull;

	CHECK(vx_net_init(&net, our_mac, 1500, 1, &ops, NULL) == VX_OK);
	CHECK(vx_net_set_ipv4(&net, our_ip, mask, NULL) == VX_OK);
	delivered = 0;
	for (; size >= 6; data += 6, size -= 6) {
		unsigned id = data[0] & 3, src = data[5] == 2 ? 2 : 1;
		bool more = data[0] & 4;
		size_t off = (size_t)((data[1] | data[2] << 8) & 0x1fff) * 8;
		size_t len = (size_t)(data[3] | data[4] << 8);
		uint8_t *ip = frame + 14;

		if (len > VX_NET_MTU_MAX - 20)
			len = VX_NET_MTU_MAX - 20;
		memcpy(frame, our_mac, 6);
		memcpy(frame + 6, peer_mac, 6);
		frame[12] = 0x08;
		frame[13] = 0x00;
		memset(ip, 0, 20);
		ip[0] = 0x45;
		ip[2] = (uint8_t)((20 + len) >> 8);
		ip[3] = (uint8_t)(20 + len);
		ip[5] = (uint8_t)id;
		ip[6] = (uint8_t)((more ? 0x20 : 0) | (off / 8) >> 8);
		ip[7] = (uint8_t)(off / 8);
		ip[8] = 64;
		ip[9] = 6;
		ip[12] = 10, ip[13] = 0, ip[14] = 2, ip[15] = (uint8_t)src;
		memcpy(ip + 16, our_ip, 4);
		uint16_t c = vx_cksum(ip, 20);

		ip[10] = (uint8_t)(c >> 8);
		ip[11] = (uint8_t)c;
		for (size_t i = 0; i < len; i++)
			ip[20 + i] = pattern(id, src, off + i);
		vx_net_input(&net, frame, 14 + 20 + len, now);
		check_state();
		if (data[0] >> 3) {
			now += (uint64_t)(data[0] >> 3) * 1000000000ull;
			vx_net_tick(&net, now);
			check_state();
		}
	}
	CHECK(delivered == net.count[VX_NETC_IP_DELIVERED]);
	return 0;
}
