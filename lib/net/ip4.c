/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 (RFC 791, RFC 1122 section 3) for a host with one interface.
 *
 * Input checks the header in a fixed order, each failure its own counter:
 * length >= 20, version 4, IHL >= 5, IHL within the frame, total length
 * between IHL and the frame (bytes after it are link padding and are cut),
 * header checksum, reserved flag clear, TTL not 0, a source that can be a
 * unique host, and a destination that is ours: our address, the limited
 * broadcast 255.255.255.255 or our subnet's broadcast.  Before we have an
 * address, any unicast destination is let through to UDP, which passes
 * only DHCP (a server may unicast the OFFER to the address it offers).
 * Options are skipped, not obeyed (RFC 1122 3.2.1.8 lets a host ignore
 * source routes it does not originate).  A fragment goes to reasm.c; a
 * whole datagram is dispatched by protocol: ICMP and UDP here, TCP to
 * ops.tcp_input, anything else answered with protocol unreachable.
 *
 * Output routes: broadcast destinations go to the Ethernet broadcast
 * address, destinations on our subnet to themselves, the rest to the
 * gateway (VX_E_NOTFOUND without one).  Each datagram gets the next ID;
 * one longer than the MTU is cut into fragments whose data are multiples
 * of 8 bytes.  Every fragment goes to ARP on its own, so each may wait
 * for the next hop's address.  There is no loopback: sending to our own
 * address is VX_E_INVAL.
 */
#include "net/cksum.h"
#include "net/netpriv.h"
#include "vx_string.h"

static const uint8_t bcast_mac[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* A source address that can name one host (ip_host_ok), not our subnet's
 * broadcast, and not ours. */
static bool src_ok(const struct vx_net *net, const uint8_t ip[4])
{
	uint32_t a = get32(ip);

	if (!ip_host_ok(a))
		return false;
	return !net_is_bcast(net, ip) && !ip_eq(ip, net->ip);
}

/* Are the n bytes of options well formed?  End of list (0) ends them; a
 * no-op (1) is one byte; every other option has a length byte of at least
 * 2 that stays inside the header.  Their meaning is not obeyed. */
static bool options_ok(const uint8_t *o, size_t n)
{
	size_t i = 0;

	while (i < n && o[i] != 0) {
		if (o[i] == 1) {
			i++;
			continue;
		}
		if (n - i < 2 || o[i + 1] < 2 || o[i + 1] > n - i)
			return false;
		i += o[i + 1];
	}
	return true;
}

void ip4_input(struct vx_net *net, const uint8_t *p, size_t len, bool link_bcast, uint64_t now)
{
	NETC(net, IP_IN);
	if (len < VX_IP_HDR) {
		NETC(net, IP_TRUNCATED);
		return;
	}
	if (p[0] >> 4 != 4) {
		NETC(net, IP_BAD_VERSION);
		return;
	}
	size_t hlen = (size_t)(p[0] & 15) * 4, tlen = get16(p + 2);

	if (hlen < VX_IP_HDR) {
		NETC(net, IP_BAD_IHL);
		return;
	}
	if (hlen > len) {
		NETC(net, IP_TRUNCATED);
		return;
	}
	if (tlen < hlen || tlen > len) {
		NETC(net, IP_BAD_LENGTH);
		return;
	}
	if (vx_cksum(p, hlen) != 0) {
		NETC(net, IP_BAD_CKSUM);
		return;
	}
	if (p[6] & 0x80) {
		NETC(net, IP_BAD_FLAGS);
		return;
	}
	if (!options_ok(p + VX_IP_HDR, hlen - VX_IP_HDR)) {
		NETC(net, IP_BAD_OPTIONS);
		return;
	}
	if (p[8] == 0) {
		NETC(net, IP_TTL_ZERO);
		return;
	}
	if (!src_ok(net, p + 12)) {
		NETC(net, IP_BAD_SRC);
		return;
	}
	bool bcast = net_is_bcast(net, p + 16);

	bool ours = net_configured(net) ? ip_eq(p + 16, net->ip)
					: p[9] == IP_PROTO_UDP && (p[16] >> 4) < 14;

	if (!bcast && !ours) {
		NETC(net, IP_NOT_US);
		return;
	}
	if ((get16(p + 6) & 0x3fff) != 0) { /* MF, or an offset */
		reasm_input(net, p, hlen, tlen, bcast || link_bcast, now);
		return;
	}
	struct ip4_rx rx = {
	    .hdr = p,
	    .hlen = hlen,
	    .proto = p[9],
	    .bcast = bcast || link_bcast,
	    .data = p + hlen,
	    .len = tlen - hlen,
	};

	memcpy(rx.src, p + 12, 4);
	memcpy(rx.dst, p + 16, 4);
	ip4_deliver(net, &rx, now);
}

/* A whole datagram, from input or reassembly, to its protocol. */
void ip4_deliver(struct vx_net *net, const struct ip4_rx *rx, uint64_t now)
{
	switch (rx->proto) {
	case IP_PROTO_ICMP:
		NETC(net, IP_DELIVERED);
		icmp_input(net, rx, now);
		return;
	case IP_PROTO_UDP:
		NETC(net, IP_DELIVERED);
		udp_input(net, rx, now);
		return;
	case IP_PROTO_TCP:
		if (net->ops.tcp_input && net_configured(net) && !rx->bcast) {
			NETC(net, IP_DELIVERED);
			net->ops.tcp_input(net->ctx, rx->src, rx->dst, rx->data, rx->len, now);
			return;
		}
		break;
	}
	NETC(net, IP_UNKNOWN_PROTO);
	icmp_error(net, rx, 3, 2, now); /* protocol unreachable */
}

/* Lay one datagram or fragment in txbuf and hand it to ARP or, for a
 * broadcast, straight to the link.  A placed payload (vx_net_ip_payload)
 * already lies in the frame begun, behind the header's room: only the
 * header is written. */
static int ip4_emit(struct vx_net *net, const uint8_t src[4], const uint8_t dst[4],
		    const uint8_t nexthop[4], uint8_t proto, uint16_t id, uint16_t frag,
		    const uint8_t *data, size_t len, bool placed)
{
	uint8_t *h = (placed ? net->txbuf : net_frame(net)) + VX_ETH_HDR;
	size_t tlen = VX_IP_HDR + len;

	h[0] = 0x45;
	h[1] = 0;
	put16(h + 2, (uint16_t)tlen);
	put16(h + 4, id);
	put16(h + 6, frag);
	h[8] = VX_IP_TTL;
	h[9] = proto;
	put16(h + 10, 0);
	memcpy(h + 12, src, 4);
	memcpy(h + 16, dst, 4);
	put16(h + 10, vx_cksum(h, VX_IP_HDR));
	if (!placed)
		memcpy(h + VX_IP_HDR, data, len);
	if (!nexthop)
		return net_tx(net, bcast_mac, ETH_TYPE_IP4, tlen);
	return arp_output(net, nexthop, h, tlen, net->now);
}

/* Send payload as a datagram from src (ours, or 0.0.0.0 for DHCP).  A
 * payload vx_net_ip_payload placed is sent from where it lies; it is
 * placed no longer, whatever the outcome. */
int ip4_output_src(struct vx_net *net, const uint8_t src[4], const uint8_t dst[4], uint8_t proto,
		   const uint8_t *payload, size_t len)
{
	uint32_t d = get32(dst);
	bool bcast = net_is_bcast(net, dst);
	const uint8_t *nexthop = NULL;
	bool placed = payload && payload == net->placed;

	net->placed = NULL;
	if (len > VX_IP_MAX_PAYLOAD || (placed && len > (size_t)net->mtu - VX_IP_HDR))
		return VX_E_TOOBIG;
	if (!bcast && !ip_host_ok(d))
		return VX_E_INVAL;
	if (!net_configured(net) && !bcast)
		return VX_E_STATE;
	if (net_configured(net) && ip_eq(dst, net->ip))
		return VX_E_INVAL;
	if (!bcast) {
		uint32_t m = get32(net->mask);

		if ((d & m) == (get32(net->ip) & m)) {
			nexthop = dst;
		} else if (!ip_zero(net->gw)) {
			nexthop = net->gw;
		} else {
			NETC(net, IP_NO_ROUTE);
			return VX_E_NOTFOUND;
		}
	}
	uint16_t id = net->ip_id++;
	size_t room = net->mtu - VX_IP_HDR;

	NETC(net, IP_OUT);
	if (len <= room)
		return ip4_emit(net, src, dst, nexthop, proto, id, 0, payload, len, placed);

	size_t step = room & ~(size_t)7;
	int first_err = VX_OK;

	for (size_t off = 0; off < len; off += step) {
		size_t n = len - off < step ? len - off : step;
		uint16_t frag = (uint16_t)((off / 8) | (off + n < len ? 0x2000 : 0));
		int rc = ip4_emit(net, src, dst, nexthop, proto, id, frag, payload + off, n, false);

		NETC(net, IP_FRAGS_OUT);
		if (rc < 0 && first_err == VX_OK)
			first_err = rc;
	}
	return first_err;
}

uint8_t *vx_net_ip_payload(struct vx_net *net, size_t len)
{
	if (!net || len > (size_t)net->mtu - VX_IP_HDR)
		return NULL;
	net->placed = net_frame(net) + VX_ETH_HDR + VX_IP_HDR;
	return net->placed;
}

bool vx_net_unicast_ok(const struct vx_net *net, const uint8_t dst[4])
{
	return ip_host_ok(get32(dst)) && !net_is_bcast(net, dst) && !ip_eq(dst, net->ip);
}

int vx_net_ip_output(struct vx_net *net, const uint8_t dst[4], uint8_t proto,
		     const uint8_t *payload, size_t len)
{
	if (!net || !dst || (!payload && len))
		return VX_E_INVAL;
	if (!net_configured(net))
		return VX_E_STATE;
	return ip4_output_src(net, net->ip, dst, proto, payload, len);
}
