/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The stack object and Ethernet II (see net.h, docs/NET.md).
 *
 * A frame is 6 bytes destination MAC, 6 bytes source MAC, a 16-bit type
 * and the payload; the device has stripped the FCS.  Input keeps frames
 * addressed to our MAC or to broadcast; no multicast group is joined, so
 * multicast frames are dropped, as are VLAN-tagged ones (this stack has
 * one untagged interface).  Output builds the header in front of the
 * payload already laid in net->txbuf and hands the frame to ops.tx; a
 * frame shorter than 60 bytes is padded with zeros, as 802.3 asks.  Each
 * frame is begun with net_frame, which lays it where the link offers
 * (ops.frame: netd's TX buffer), so that the link need not copy it.
 */
#include "net/netpriv.h"
#include "vx_string.h"

static const uint8_t bcast_mac[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static const char *const counter_names[VX_NETC_COUNT] = {
#define VX_NETC_NAME(name) #name,
    VX_NET_COUNTERS(VX_NETC_NAME)
#undef VX_NETC_NAME
};

const char *vx_net_counter_name(unsigned i)
{
	return i < VX_NETC_COUNT ? counter_names[i] : NULL;
}

/* A 32-bit xorshift: not secret, only varied (xids, IP IDs, ports). */
uint32_t net_random(struct vx_net *net)
{
	uint32_t x = net->rng;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	net->rng = x;
	return x;
}

int vx_net_init(struct vx_net *net, const uint8_t mac[6], uint16_t mtu, uint32_t seed,
		const struct vx_net_ops *ops, void *ctx)
{
	static const uint8_t zero[6];

	if (!net || !mac || !ops || !ops->tx)
		return VX_E_INVAL;
	if (mtu < VX_NET_MTU_MIN || mtu > VX_NET_MTU_MAX)
		return VX_E_INVAL;
	if ((mac[0] & 1) || memcmp(mac, zero, 6) == 0)
		return VX_E_INVAL;
	memset(net, 0, sizeof(*net));
	net->ops = *ops;
	net->txbuf = net->own_tx;
	net->ctx = ctx;
	memcpy(net->mac, mac, 6);
	net->mtu = mtu;
	net->rng = seed ? seed : 0x9e3779b9u;
	net->ip_id = (uint16_t)net_random(net);
	net->next_ephemeral =
	    (uint16_t)(VX_UDP_EPHEMERAL_LO +
		       net_random(net) % (VX_UDP_EPHEMERAL_HI - VX_UDP_EPHEMERAL_LO + 1));
	net->icmp_tokens = VX_ICMP_ERR_BURST;
	for (int i = 0; i < VX_ARP_HOLD_SLOTS; i++)
		net->hold[i].entry = -1;
	return VX_OK;
}

/* A netmask is contiguous ones, then zeros. */
static bool mask_ok(uint32_t m)
{
	return (~m & (~m + 1)) == 0;
}

/* Check and set the address, mask and gateway (addr NULL: none).  The
 * ARP cache is flushed when the address or subnet changes. */
int net_set_addr(struct vx_net *net, const uint8_t addr[4], const uint8_t mask[4],
		 const uint8_t gw[4])
{
	if (!addr) {
		memset(net->ip, 0, 4);
		memset(net->mask, 0, 4);
		memset(net->gw, 0, 4);
		arp_flush(net);
		return VX_OK;
	}
	if (!mask)
		return VX_E_INVAL;
	uint32_t a = get32(addr), m = get32(mask), g = gw ? get32(gw) : 0;

	if (!mask_ok(m) || m == 0 || m == 0xffffffffu || !ip_host_ok(a))
		return VX_E_INVAL;
	if ((a & ~m) == 0 || (a & ~m) == ~m)
		return VX_E_INVAL; /* the subnet's own or broadcast address */
	if (g && ((g & m) != (a & m) || g == a || (g & ~m) == ~m))
		return VX_E_INVAL;
	if (get32(net->ip) != a || get32(net->mask) != m)
		arp_flush(net);
	memcpy(net->ip, addr, 4);
	memcpy(net->mask, mask, 4);
	put32(net->gw, g);
	return VX_OK;
}

int vx_net_set_ipv4(struct vx_net *net, const uint8_t addr[4], const uint8_t mask[4],
		    const uint8_t gw[4])
{
	if (!net)
		return VX_E_INVAL;
	vx_net_dhcp_stop(net);
	return net_set_addr(net, addr, mask, gw);
}

bool net_configured(const struct vx_net *net)
{
	return !ip_zero(net->ip);
}

/* 255.255.255.255, or our subnet's broadcast address. */
bool net_is_bcast(const struct vx_net *net, const uint8_t ip[4])
{
	uint32_t a = get32(ip), m = get32(net->mask);

	if (a == 0xffffffffu)
		return true;
	return net_configured(net) && (a & m) == (get32(net->ip) & m) && (a & ~m) == ~m;
}

uint8_t *net_frame(struct vx_net *net)
{
	uint8_t *f = net->ops.frame ? net->ops.frame(net->ctx) : NULL;

	net->txbuf = f ? f : net->own_tx;
	net->placed = NULL; /* a payload laid in the frame before is gone */
	return net->txbuf;
}

/* Send the payload_len bytes at net->txbuf + VX_ETH_HDR as one frame. */
int net_tx(struct vx_net *net, const uint8_t dst_mac[6], uint16_t type, size_t payload_len)
{
	size_t len = VX_ETH_HDR + payload_len;
	int rc;

	memcpy(net->txbuf, dst_mac, 6);
	memcpy(net->txbuf + 6, net->mac, 6);
	put16(net->txbuf + 12, type);
	if (len < 60) {
		memset(net->txbuf + len, 0, 60 - len);
		len = 60;
	}
	rc = net->ops.tx(net->ctx, net->txbuf, len);
	if (rc < 0) {
		NETC(net, ETH_TX_FAIL);
		return rc;
	}
	NETC(net, ETH_OUT);
	return VX_OK;
}

void vx_net_input(struct vx_net *net, const uint8_t *frame, size_t len, uint64_t now)
{
	net->now = now;
	NETC(net, ETH_IN);
	if (len < VX_ETH_HDR) {
		NETC(net, ETH_RUNT);
		return;
	}
	if (len > VX_ETH_FRAME_MAX) {
		NETC(net, ETH_OVERSIZE);
		return;
	}
	bool link_bcast = memcmp(frame, bcast_mac, 6) == 0;

	if (!link_bcast && (frame[0] & 1)) {
		NETC(net, ETH_MULTICAST);
		return;
	}
	if (!link_bcast && memcmp(frame, net->mac, 6) != 0) {
		NETC(net, ETH_NOT_US);
		return;
	}
	if ((frame[6] & 1) || memcmp(frame + 6, net->mac, 6) == 0) {
		NETC(net, ETH_BAD_SRC);
		return;
	}
	uint16_t type = get16(frame + 12);

	if (type == ETH_TYPE_IP4)
		ip4_input(net, frame + VX_ETH_HDR, len - VX_ETH_HDR, link_bcast, now);
	else if (type == ETH_TYPE_ARP)
		arp_input(net, frame + VX_ETH_HDR, len - VX_ETH_HDR, now);
	else if (type == 0x8100 || type == 0x88a8)
		NETC(net, ETH_VLAN);
	else
		NETC(net, ETH_UNKNOWN_TYPE);
}

static uint64_t earliest(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

uint64_t vx_net_tick(struct vx_net *net, uint64_t now)
{
	uint64_t next;

	net->now = now;
	next = arp_tick(net, now);

	next = earliest(next, reasm_tick(net, now));
	next = earliest(next, icmp_tick(net, now));
	return earliest(next, dhcp_tick(net, now));
}
