/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for ARP (lib/net/arp.c): packets in, datagrams out
 * waiting for resolution, and time, interleaved.
 *
 * Input: records, each a control byte and then:
 *
 *   control & 3 == 0   an ARP packet: 28 bytes follow (fewer at the end);
 *                      bit 2 set writes the fixed fields (Ethernet/IPv4,
 *                      sizes 6 and 4) so mutations reach the addresses,
 *                      bit 3 set makes the target address ours
 *   control & 3 == 1   a datagram out: 1 byte picks the host 10.0.2.x
 *                      (or, with bit 2, an off-link host via the gateway)
 *                      and 1 byte its length / 8
 *   control & 3 == 2   advance the clock by (control >> 2) * 100 ms and
 *                      run the timers
 *   control & 3 == 3   a ping to 10.0.2.x (1 byte)
 *
 * Invariants after each record: entries are FREE, INCOMPLETE or COMPLETE;
 * a COMPLETE entry has a unicast MAC and never our address; every held
 * datagram belongs to an INCOMPLETE entry whose count matches; sent frames
 * are 60..VX_ETH_FRAME_MAX bytes; requests never exceed VX_ARP_TRIES per
 * entry made.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "net/net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			__builtin_trap();                                                          \
	} while (0)

static struct vx_net net;
static uint8_t frame[64], payload[2048];
static const uint8_t our_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t our_ip[4] = {10, 0, 2, 15}, mask[4] = {255, 255, 255, 0};
static const uint8_t gw[4] = {10, 0, 2, 2};

static int tx(void *ctx, const uint8_t *f, size_t len)
{
	(void)ctx, (void)f;
	CHECK(len >= 60 && len <= VX_ETH_FRAME_MAX);
	return VX_OK;
}

static void check_state(void)
{
	int held[VX_ARP_ENTRIES] = {0};

	for (int i = 0; i < VX_ARP_HOLD_SLOTS; i++) {
		const struct vx_arp_hold *h = &net.hold[i];

		if (h->entry < 0)
			continue;
		CHECK(h->entry < VX_ARP_ENTRIES && net.arp[h->entry].state == 1);
		held[h->entry]++;
	}
	for (int i = 0; i < VX_ARP_ENTRIES; i++) {
		const struct vx_arp_entry *e = &net.arp[i];

		CHECK(e->state <= 2);
		if (e->state == 1)
			CHECK(e->nheld == held[i] && e->nheld <= VX_ARP_HOLD_PER_ENTRY &&
			      e->tries <= VX_ARP_TRIES);
		if (e->state == 2)
			CHECK(!(e->mac[0] & 1) && memcmp(e->ip, our_ip, 4) != 0);
		for (int j = 0; j < i; j++)
			CHECK(e->state == 0 || net.arp[j].state == 0 ||
			      memcmp(e->ip, net.arp[j].ip, 4) != 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vx_net_ops ops = {.tx = tx};
	uint64_t now = 1000000000ull;

	CHECK(vx_net_init(&net, our_mac, 1500, 3, &ops, NULL) == VX_OK);
	CHECK(vx_net_set_ipv4(&net, our_ip, mask, gw) == VX_OK);
	while (size > 0) {
		uint8_t c = data[0];
		size_t n;

		data++, size--;
		switch (c & 3) {
		case 0: {
			size_t flen;

			n = size < 28 ? size : 28;
			memset(frame, 0, sizeof(frame));
			memset(frame, 0xff, 6);
			if (n >= 14)
				memcpy(frame + 6, data + 8, 6); /* the sender MAC as source */
			frame[12] = 0x08, frame[13] = 0x06;
			memcpy(frame + 14, data, n);
			flen = n;
			if (c & 4) {
				const uint8_t fixed[8] = {0, 1, 8, 0,
							  6, 4, 0, (uint8_t)(1 + (c >> 7))};

				memcpy(frame + 14, fixed, 8);
				flen = flen < 8 ? 8 : flen;
			}
			if (c & 8) {
				memcpy(frame + 14 + 24, our_ip, 4);
				flen = 28;
			}
			vx_net_input(&net, frame, 14 + flen, now);
			data += n, size -= n;
			break;
		}
		case 1:
			if (size < 2)
				return 0;
			uint8_t dst[4] = {10, 0, 2, data[0]};

			if (c & 4)
				dst[0] = 93;
			n = (size_t)data[1] * 8;
			if (vx_net_ip_output(&net, dst, 253, payload, n) == VX_E_INVAL)
				CHECK(data[0] == 0 || data[0] == 15 || data[0] == 255);
			data += 2, size -= 2;
			break;
		case 2:
			now += (uint64_t)(c >> 2) * 100000000ull;
			vx_net_tick(&net, now);
			break;
		case 3:
			if (size < 1)
				return 0;
			{
				uint8_t d[4] = {10, 0, 2, data[0]};

				vx_net_ping(&net, d, 1, c, 8, now);
			}
			data++, size--;
			break;
		}
		check_state();
	}
	return 0;
}
