/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the files of lib/net say to each other and to nobody else.
 *
 * A frame climbs: net.c (Ethernet) -> arp.c or ip4.c -> reasm.c for
 * fragments -> icmp.c, udp.c (-> dhcp.c for port 68) or the TCP hook.
 * A datagram descends: udp.c, icmp.c, dhcp.c or TCP -> ip4.c (route,
 * header, fragments) -> arp.c (next hop's MAC, or wait) -> net.c (tx).
 *
 * On the way up, one struct ip4_rx describes a datagram that passed IPv4:
 * its payload may point into the frame or into a reassembly slot, and is
 * valid only until the handler returns.
 */
#ifndef VX_NET_NETPRIV_H
#define VX_NET_NETPRIV_H

#include "net/net.h"

#define ETH_TYPE_IP4	 0x0800
#define ETH_TYPE_ARP	 0x0806
#define IP_PROTO_ICMP	 1
#define IP_PROTO_TCP	 6
#define IP_PROTO_UDP	 17
#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68

#define NETC(net, name) ((net)->count[VX_NETC_##name]++)

struct ip4_rx {
	const uint8_t *hdr; /* the IP header (of the first fragment) */
	size_t hlen;
	uint8_t src[4], dst[4];
	uint8_t proto;
	bool bcast; /* to a link or IP broadcast: never answered with an error */
	bool frag;  /* reassembled from fragments */
	const uint8_t *data;
	size_t len;
};

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static inline bool ip_eq(const uint8_t a[4], const uint8_t b[4])
{
	return get32(a) == get32(b);
}

/* An address that can name one host: not in 0/8 ("this network"),
 * 127/8 (loopback), 224/4 (multicast) or 240/4 (reserved, broadcast). */
static inline bool ip_host_ok(uint32_t a)
{
	return (a >> 24) != 0 && (a >> 24) != 127 && (a >> 28) < 14;
}

static inline bool ip_zero(const uint8_t a[4])
{
	return get32(a) == 0;
}

/* net.c */
bool net_configured(const struct vx_net *net);
bool net_is_bcast(const struct vx_net *net, const uint8_t ip[4]);
int net_set_addr(struct vx_net *net, const uint8_t addr[4], const uint8_t mask[4],
		 const uint8_t gw[4]);
int net_tx(struct vx_net *net, const uint8_t dst_mac[6], uint16_t type, size_t payload_len);
/* Begins a frame: points net->txbuf where it is to be built (ops.frame's
 * memory, or the stack's own) and returns it. */
uint8_t *net_frame(struct vx_net *net);
uint32_t net_random(struct vx_net *net);

/* arp.c */
void arp_input(struct vx_net *net, const uint8_t *p, size_t len, uint64_t now);
int arp_output(struct vx_net *net, const uint8_t nexthop[4], const uint8_t *dgram, size_t len,
	       uint64_t now);
uint64_t arp_tick(struct vx_net *net, uint64_t now);
void arp_flush(struct vx_net *net);

/* ip4.c */
void ip4_input(struct vx_net *net, const uint8_t *p, size_t len, bool link_bcast, uint64_t now);
void ip4_deliver(struct vx_net *net, const struct ip4_rx *rx, uint64_t now);
int ip4_output_src(struct vx_net *net, const uint8_t src[4], const uint8_t dst[4], uint8_t proto,
		   const uint8_t *payload, size_t len);

/* reasm.c */
void reasm_input(struct vx_net *net, const uint8_t *p, size_t hlen, size_t tlen, bool link_bcast,
		 uint64_t now);
uint64_t reasm_tick(struct vx_net *net, uint64_t now);

/* icmp.c */
void icmp_input(struct vx_net *net, const struct ip4_rx *rx, uint64_t now);
void icmp_error(struct vx_net *net, const struct ip4_rx *rx, uint8_t type, uint8_t code,
		uint64_t now);
void icmp_local_error(struct vx_net *net, const uint8_t *dgram, size_t len, uint8_t type,
		      uint8_t code, uint64_t now);
uint64_t icmp_tick(struct vx_net *net, uint64_t now);

/* udp.c */
void udp_input(struct vx_net *net, const struct ip4_rx *rx, uint64_t now);
bool udp_error(struct vx_net *net, const struct vx_net_icmp_err *err, const uint8_t *quoted,
	       size_t len);
int udp_send(struct vx_net *net, const uint8_t src[4], uint16_t sport, const uint8_t dst[4],
	     uint16_t dport, const void *buf, size_t len);

/* dhcp.c */
void dhcp_input(struct vx_net *net, const uint8_t *p, size_t len, uint64_t now);
uint64_t dhcp_tick(struct vx_net *net, uint64_t now);

#endif
