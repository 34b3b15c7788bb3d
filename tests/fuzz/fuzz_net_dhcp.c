/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the DHCP client (lib/net/dhcp.c): its message and
 * option parser in every state, and its timers.
 *
 * Input:
 *
 *   byte 0      the state to fuzz from (mod 5): SELECTING, REQUESTING,
 *               BOUND, RENEWING, REBINDING, reached by a scripted
 *               slirp-like server (OFFER, ACK, then the clock)
 *   then        records: a control byte (bit 0: write the client's xid
 *               and MAC into the message, so mutations reach the options;
 *               bits 4-7: advance the clock by 2^n seconds and run the
 *               timers), a length (2 bytes, little endian), and the
 *               message: the UDP payload from 10.0.2.2:67 to
 *               255.255.255.255:68 (UDP checksum 0)
 *
 * Invariants after each record: the state is in range; in SELECTING and
 * REQUESTING there is no address; in BOUND, RENEWING and REBINDING the
 * address is the lease's, the mask contiguous, T1 <= T2 <= lease, at most
 * VX_DHCP_DNS_MAX servers and a NUL-terminated host name; every frame
 * sent fits VX_ETH_FRAME_MAX.
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

#define SEC 1000000000ull

static struct vx_net net;
static uint8_t frame[VX_ETH_FRAME_MAX];
static const uint8_t our_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t srv_mac[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};
static uint64_t now;

static int tx(void *ctx, const uint8_t *f, size_t len)
{
	(void)ctx, (void)f;
	CHECK(len >= 60 && len <= VX_ETH_FRAME_MAX);
	return VX_OK;
}

/* Deliver msg as a broadcast UDP datagram from the server. */
static void deliver(const uint8_t *msg, size_t len)
{
	uint8_t *ip = frame + 14, *u = ip + 20;
	const size_t room = sizeof(frame) - 14 - 28;

	if (len > room)
		len = room;
	memset(frame, 0xff, 6);
	memcpy(frame + 6, srv_mac, 6);
	frame[12] = 0x08, frame[13] = 0x00;
	memset(ip, 0, 28);
	ip[0] = 0x45;
	ip[2] = (uint8_t)((28 + len) >> 8), ip[3] = (uint8_t)(28 + len);
	ip[8] = 64, ip[9] = 17;
	ip[12] = 10, ip[13] = 0, ip[14] = 2, ip[15] = 2;
	memset(ip + 16, 0xff, 4);
	uint16_t c = vx_cksum(ip, 20);

	ip[10] = (uint8_t)(c >> 8), ip[11] = (uint8_t)c;
	u[1] = 67, u[3] = 68;
	u[4] = (uint8_t)((8 + len) >> 8), u[5] = (uint8_t)(8 + len);
	memcpy(u + 8, msg, len);
	vx_net_input(&net, frame, 14 + 28 + len, now);
}

/* The slirp-like server's OFFER (2) or ACK (5) for the current xid. */
static void server(uint8_t type)
{
	uint8_t m[300] = {2, 1, 6};
	const uint8_t opts[] = {53, 1,	  type, 54, 4, 10,  0,	 2,   2, 51, 4, 0,
				1,  0x51, 0x80, 1,  4, 255, 255, 255, 0, 3,  4, 10,
				0,  2,	  2,	6,  4, 10,  0,	 2,   3, 255};

	m[4] = (uint8_t)(net.dhcp.xid >> 24), m[5] = (uint8_t)(net.dhcp.xid >> 16);
	m[6] = (uint8_t)(net.dhcp.xid >> 8), m[7] = (uint8_t)net.dhcp.xid;
	m[16] = 10, m[17] = 0, m[18] = 2, m[19] = 15;
	memcpy(m + 28, our_mac, 6);
	m[236] = 99, m[237] = 130, m[238] = 83, m[239] = 99;
	memcpy(m + 240, opts, sizeof(opts));
	deliver(m, 240 + sizeof(opts));
}

static void check_state(void)
{
	const struct vx_dhcp *d = &net.dhcp;
	const struct vx_dhcp_lease *l = &d->lease;

	CHECK(d->state < VX_DHCP_STATE_COUNT);
	if (d->state == VX_DHCP_SELECTING || d->state == VX_DHCP_REQUESTING)
		CHECK(net.ip[0] == 0 && net.ip[3] == 0);
	if (d->state >= VX_DHCP_BOUND) {
		uint32_t m = (uint32_t)net.mask[0] << 24 | net.mask[1] << 16 | net.mask[2] << 8 |
			     net.mask[3];

		CHECK(memcmp(net.ip, l->addr, 4) == 0 && net.ip[0] != 0);
		CHECK((~m & (~m + 1)) == 0);
		CHECK(l->t1_s <= l->t2_s && l->t2_s <= l->lease_s && l->lease_s > 0);
		CHECK(l->ndns <= VX_DHCP_DNS_MAX);
		CHECK(memchr(l->hostname, 0, sizeof(l->hostname)) != NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vx_net_ops ops = {.tx = tx};
	static uint8_t msg[VX_ETH_FRAME_MAX];

	if (size < 1)
		return 0;
	now = SEC;
	CHECK(vx_net_init(&net, our_mac, 1500, 5, &ops, NULL) == VX_OK);
	CHECK(vx_net_dhcp_start(&net, "fuzz", now) == VX_OK);
	unsigned target = data[0] % 5;

	if (target >= 1)
		server(2);
	if (target >= 2)
		server(5);
	if (target >= 3) {
		now += 43200 * SEC;
		vx_net_tick(&net, now);
	}
	if (target >= 4) {
		now += 32400 * SEC;
		vx_net_tick(&net, now);
	}
	CHECK(net.dhcp.state == (enum vx_dhcp_state)(target + 1));
	data++, size--;
	while (size >= 3) {
		uint8_t c = data[0];
		size_t len = (size_t)(data[1] | data[2] << 8);

		data += 3, size -= 3;
		if (len > size)
			len = size;
		if (len > sizeof(msg))
			len = sizeof(msg);
		memcpy(msg, data, len);
		data += len, size -= len;
		if ((c & 1) && len >= 34) {
			msg[4] = (uint8_t)(net.dhcp.xid >> 24),
			msg[5] = (uint8_t)(net.dhcp.xid >> 16);
			msg[6] = (uint8_t)(net.dhcp.xid >> 8), msg[7] = (uint8_t)net.dhcp.xid;
			memcpy(msg + 28, our_mac, 6);
		}
		deliver(msg, len);
		check_state();
		if (c >> 4) {
			now += (1ull << (c >> 4)) * SEC;
			vx_net_tick(&net, now);
			check_state();
		}
	}
	return 0;
}
