/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The network protocol, served by netd over connections named "net"
 * (rt/svc.h shape).  netd is the IP stack (lib/net: Ethernet, ARP, IPv4,
 * ICMP, UDP, TCP, the DHCP client) on the first network card devd serves
 * (proto/netif.h).  A Task without a "net" connection has no network at
 * all.  docs/NET.md tells the story; this is the contract.
 *
 * Every request is decoded whole before anything happens
 * (services/netd/pure_netmsg.c, host-tested in tests/host/test_netmsg.c
 * and fuzzed by tests/fuzz/fuzz_netmsg.c).
 *
 *   NET_INFO      no data -> struct net_info: the card, the address and
 *                 how it was configured, the lease, the link.
 *   NET_COUNTERS  struct net_counters_req {first} -> struct net_counters:
 *                 up to NET_COUNTERS_BATCH of the stack's counters from
 *                 index first (lib/net/net.h's list, enum vx_netc;
 *                 net_counters.total in all).  Names travel as indexes:
 *                 vx_net_counter_name names them.
 *   NET_ARP       struct net_arp_req {first} -> struct net_arp: up to
 *                 NET_ARP_BATCH entries of the ARP cache from slot first;
 *                 count 0 past the last.
 *   NET_PING      struct net_ping_req -> struct net_ping, when the echo
 *                 reply comes, an ICMP error says why not, or timeout_ms
 *                 passes.  The reply's status is VX_OK and net_ping.result
 *                 says how the ping ended: VX_OK (rtt_ns set),
 *                 VX_E_TIMEOUT, or VX_E_NOTFOUND (unreachable: no ARP
 *                 answer, or an ICMP error, whose type and code it
 *                 carries).  (In the status, VX_E_TIMEOUT would read as
 *                 netd not answering.)  At most NET_PING_MAX pings wait
 *                 at once, over all connections (VX_E_FULL).
 *   NET_TCP       struct net_tcp_req {first} -> struct net_tcp: up to
 *                 NET_TCP_BATCH TCP connections and listeners from slot
 *                 first, count 0 past the last.
 *
 * ERRORS
 *
 *   VX_E_NOSYS    an unknown op
 *   VX_E_INVAL    data of the wrong length for the op; capabilities sent
 *                 (no op takes any); a reserved field not 0; a ping to
 *                 0.0.0.0, a broadcast or multicast address; a ping of
 *                 more than NET_PING_DATA_MAX bytes or timeout_ms out of
 *                 1..NET_PING_TIMEOUT_MAX_MS
 *   VX_E_STATE    NET_PING before netd has an address
 *   VX_E_NOTFOUND NET_INFO and the rest when netd has no network card
 *                 (net_info is still filled: card 0)
 *   VX_E_FULL     NET_PING_MAX pings already wait
 */
#ifndef VECTRA_PROTO_NET_H
#define VECTRA_PROTO_NET_H

#include <stdint.h>

enum net_op {
	NET_INFO = 1,
	NET_COUNTERS = 2,
	NET_ARP = 3,
	NET_PING = 4,
	NET_TCP = 5,
};

#define NET_COUNTERS_BATCH	28u
#define NET_ARP_BATCH		11u
#define NET_TCP_BATCH		7u
#define NET_PING_MAX		8u
#define NET_PING_DATA_MAX	1472u /* one frame's worth: 1500 - 20 - 8 */
#define NET_PING_TIMEOUT_MAX_MS 60000u

/* net_info.how */
#define NET_HOW_NONE   0u /* no address */
#define NET_HOW_DHCP   1u /* leased */
#define NET_HOW_STATIC 2u /* from netd's args */

struct net_info {
	uint8_t card; /* 1: a card is open; 0: none (the rest is zero) */
	uint8_t link; /* 1 up, 0 down */
	uint8_t how;  /* NET_HOW_* */
	uint8_t dhcp; /* lib/net's enum vx_dhcp_state */
	uint8_t mac[6];
	uint16_t mtu;
	uint8_t addr[4], mask[4], gw[4];
	uint8_t dns[3][4];
	uint8_t ndns;
	uint8_t features; /* the card's NETIF_FEAT_* */
	uint16_t reserved;
	uint32_t lease_s;      /* the lease as granted (DHCP) */
	uint32_t lease_left_s; /* seconds until it runs out */
	uint32_t reopens;      /* times the card's driver restarted under netd */
	uint32_t reserved2;
	uint64_t rx_frames, tx_frames; /* frames through the card */
	uint64_t uptime_ns;	       /* since netd opened the card */
};
_Static_assert(sizeof(struct net_info) == 80, "net_info layout");

struct net_counters_req {
	uint32_t first;
	uint32_t reserved;
};
_Static_assert(sizeof(struct net_counters_req) == 8, "net_counters_req layout");

struct net_counters {
	uint32_t first, count, total, reserved;
	uint64_t v[NET_COUNTERS_BATCH];
};
_Static_assert(sizeof(struct net_counters) == 240, "net_counters layout");

struct net_arp_req {
	uint32_t first;
	uint32_t reserved;
};
_Static_assert(sizeof(struct net_arp_req) == 8, "net_arp_req layout");

/* net_arp_entry.state */
#define NET_ARP_INCOMPLETE 1u
#define NET_ARP_COMPLETE   2u

struct net_arp_entry {
	uint8_t ip[4];
	uint8_t mac[6];
	uint8_t state; /* NET_ARP_* */
	uint8_t tries;
	uint32_t ttl_s; /* COMPLETE: seconds left; INCOMPLETE: 0 */
	uint32_t slot;
};
_Static_assert(sizeof(struct net_arp_entry) == 20, "net_arp_entry layout");

struct net_arp {
	uint32_t count, next; /* next: the slot to ask from */
	struct net_arp_entry e[NET_ARP_BATCH];
	uint8_t pad[12];
};
_Static_assert(sizeof(struct net_arp) == 240, "net_arp layout");

struct net_ping_req {
	uint8_t addr[4];
	uint16_t seq;	     /* echoed in the ICMP sequence field */
	uint16_t len;	     /* data bytes, 0..NET_PING_DATA_MAX */
	uint32_t timeout_ms; /* 1..NET_PING_TIMEOUT_MAX_MS */
	uint32_t reserved;
};
_Static_assert(sizeof(struct net_ping_req) == 16, "net_ping_req layout");

struct net_ping {
	int32_t result;	    /* VX_OK, VX_E_TIMEOUT or VX_E_NOTFOUND */
	uint8_t from[4];    /* who answered (or sent the error) */
	uint8_t type, code; /* the ICMP error, for VX_E_NOTFOUND */
	uint16_t seq;
	uint32_t reserved;
	uint64_t rtt_ns;
};
_Static_assert(sizeof(struct net_ping) == 24, "net_ping layout");

struct net_tcp_req {
	uint32_t first;
	uint32_t reserved;
};
_Static_assert(sizeof(struct net_tcp_req) == 8, "net_tcp_req layout");

struct net_tcp_entry {
	uint8_t local[4], remote[4];
	uint16_t lport, rport;
	uint8_t state; /* lib/net/tcp.h's enum vx_tcp_state */
	uint8_t listener;
	uint16_t reserved;
	uint32_t slot;
	uint32_t unacked, readable; /* bytes in the send and receive rings */
	uint32_t reserved2;
};
_Static_assert(sizeof(struct net_tcp_entry) == 32, "net_tcp_entry layout");

struct net_tcp {
	uint32_t count, next;
	struct net_tcp_entry e[NET_TCP_BATCH];
	uint8_t pad[8];
};
_Static_assert(sizeof(struct net_tcp) == 240, "net_tcp layout");

#endif
