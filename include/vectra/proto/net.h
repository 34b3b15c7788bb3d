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
 * SOCKETS
 *
 *   NET_SOCKET    struct net_socket_req -> struct net_sock, and for a TCP
 *                 connection, a listener or a UDP socket two capabilities (ncaps 2):
 *                 the socket's "tx" Ring (VX_R_PRODUCE: the client writes)
 *                 and its "rx" Ring (VX_R_CONSUME: netd writes), both of
 *                 2^NET_SEG_COUNT_LOG2 slots of NET_SEG_SLOT bytes, one
 *                 struct net_seg a slot.
 *                   NET_SOCK_TCP     connect to addr:port; answered when the
 *                                    handshake completes or fails
 *                                    (VX_E_REFUSED, VX_E_UNREACH,
 *                                    VX_E_TIMEOUT after timeout_ms)
 *                   NET_SOCK_LISTEN  listen on port (any local address),
 *                                    backlog 1..NET_BACKLOG_MAX; its rx
 *                                    Ring carries NET_SEG_ACCEPT when a
 *                                    connection waits (its tx takes
 *                                    nothing); NET_ACCEPT takes them
 *                   NET_SOCK_UDP     a UDP socket on port (0: a free
 *                                    ephemeral one); addr:peer_port, when
 *                                    not 0, is the default peer, and then
 *                                    only datagrams from it are received
 *   NET_ACCEPT    struct net_accept_req {id, timeout_ms} -> struct net_sock
 *                 and the two Rings of the oldest established connection
 *                 of listener id; answered when one comes, or VX_E_TIMEOUT
 *                 after timeout_ms (0: at once, VX_E_EMPTY when none
 *                 waits).  One NET_ACCEPT may wait per listener
 *                 (VX_E_BUSY).
 *   NET_CLOSE     struct net_close_req {id, how} -> closes socket id:
 *                 NET_CLOSE_GRACEFUL sends what the tx Ring still holds,
 *                 then FIN (TCP); NET_CLOSE_ABORT resets at once.  The
 *                 client's Ring capabilities stop working (netd revokes
 *                 them).  A socket whose client unbinds both Rings, or whose
 *                 connection hangs up, is closed gracefully the same way.
 *                 For a connected TCP socket the reply comes once the
 *                 card has read the FIN (or RST), or after 500 ms if it
 *                 cannot go yet; the connection finishes on its own
 *                 (docs/NET.md, "Closing").
 *   NET_CANCEL    struct net_cancel_req {seq} -> ends this connection's
 *                 NET_SOCKET (TCP) or NET_ACCEPT that still waits, whose
 *                 request carried seq, as if its timeout_ms had passed
 *                 now: its answer comes next, VX_E_TIMEOUT (or, when the
 *                 handshake beat the cancel, the socket, which the client
 *                 then closes).  How a client stops a connect a person
 *                 gave up on (vshell's nc and Ctrl-C) without waiting it
 *                 out and without leaving a socket nobody will close.
 *                 VX_E_NOTFOUND when no such request waits (answered
 *                 already).
 *
 * A connection (one "net" connection) holds at most NET_SOCK_PER_CONN
 * sockets and listeners; netd at most NET_SOCK_MAX in all (VX_E_FULL).
 * Socket ids are netd's and name sockets of this connection only: another
 * connection's id is VX_E_BADHANDLE.
 *
 * THE DATA RINGS
 *
 * Each slot is one struct net_seg: a 16-byte header and up to
 * NET_SEG_DATA_MAX bytes.  On a TCP socket the slots are a byte stream cut
 * anywhere (slot boundaries mean nothing); on a UDP socket each slot is
 * one datagram, with the peer's address (rx: who sent it; tx: where to,
 * 0.0.0.0 for the default peer).
 *
 *   NET_SEG_DATA   len bytes of data
 *   NET_SEG_EOF    tx: the client will send no more (TCP: FIN after the
 *                  data before it; shutdown(SHUT_WR)).  rx: the peer sent
 *                  FIN; nothing follows.
 *   NET_SEG_ERROR  rx only: the connection failed with error (VX_E_RESET,
 *                  VX_E_TIMEOUT, VX_E_UNREACH); nothing follows.
 *   NET_SEG_ACCEPT rx of a listener only: a connection waits for
 *                  NET_ACCEPT.  One at a time: the next comes once the
 *                  client has taken this one from the Ring.
 *
 * Back-pressure: netd takes a tx slot only when TCP's send buffer has room
 * for it, and fills rx slots only while the rx Ring has room, leaving the
 * rest in TCP's receive buffer, whose window then closes: the peer waits
 * and no byte is dropped.  UDP datagrams wait in the stack's queue of the
 * socket while the rx Ring is full; when that fills too, they are dropped
 * and counted (UDP_RXQ_FULL), as UDP allows.
 *
 * Both sides wait with the Ring protocol of vectra/ring.h (the waiting
 * flags and doorbells).  netd checks every slot it takes: a kind it does
 * not know, a len over NET_SEG_DATA_MAX, an rx-only kind in tx, a UDP
 * datagram to 0.0.0.0 without a default peer, or data after EOF aborts the
 * socket (NET_SEG_ERROR VX_E_CORRUPT in rx, counted as SOCK_BAD_SEG); a
 * scribbled index is VX_E_CORRUPT too.  The client library
 * (lib/client/sock.h) checks what netd writes the same way.
 *
 * The Rings are made by init (INIT_PAIR) and outlive both ends: when netd
 * stops, the client finds netd's ends unbound and gets VX_E_HANGUP, never a
 * fault; when the client stops, netd closes the socket.
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
 *   VX_E_FULL     NET_PING_MAX pings already wait; every socket slot of
 *                 the connection or of netd is taken; no ephemeral port
 *   VX_E_EXISTS   NET_SOCK_LISTEN or NET_SOCK_UDP on a port in use
 *   VX_E_BADHANDLE NET_ACCEPT or NET_CLOSE of an id that is not one of
 *                 this connection's sockets (or NET_ACCEPT of a non-listener)
 *   VX_E_BUSY     a second NET_ACCEPT on one listener
 *   VX_E_REFUSED, VX_E_UNREACH, VX_E_TIMEOUT  a NET_SOCK_TCP that failed
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
	NET_SOCKET = 6,
	NET_ACCEPT = 7,
	NET_CLOSE = 8,
	NET_CANCEL = 9,
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

/* ------------------------------------------------------------ sockets */

#define NET_SOCK_TCP	1u
#define NET_SOCK_LISTEN 2u
#define NET_SOCK_UDP	3u

#define NET_SOCK_MAX		   48u /* sockets and listeners, all connections */
#define NET_SOCK_PER_CONN	   16u
#define NET_BACKLOG_MAX		   16u
#define NET_CONNECT_TIMEOUT_MAX_MS 120000u
#define NET_ACCEPT_TIMEOUT_MAX_MS  60000u

struct net_socket_req {
	uint8_t kind; /* NET_SOCK_* */
	uint8_t reserved0;
	uint16_t port;	     /* TCP: the peer's; LISTEN: ours; UDP: ours, 0 for any */
	uint8_t addr[4];     /* TCP: the peer; UDP: the default peer or 0; LISTEN: 0 */
	uint32_t timeout_ms; /* TCP: 1..NET_CONNECT_TIMEOUT_MAX_MS; else 0 */
	uint16_t backlog;    /* LISTEN: 1..NET_BACKLOG_MAX; else 0 */
	uint16_t peer_port;  /* UDP: the default peer's port (with addr); else 0 */
};
_Static_assert(sizeof(struct net_socket_req) == 16, "net_socket_req layout");

struct net_accept_req {
	uint32_t id;
	uint32_t timeout_ms; /* 0..NET_ACCEPT_TIMEOUT_MAX_MS */
};
_Static_assert(sizeof(struct net_accept_req) == 8, "net_accept_req layout");

#define NET_CLOSE_GRACEFUL 0u
#define NET_CLOSE_ABORT	   1u

struct net_close_req {
	uint32_t id;
	uint32_t how; /* NET_CLOSE_* */
};
_Static_assert(sizeof(struct net_close_req) == 8, "net_close_req layout");

struct net_cancel_req {
	uint32_t seq; /* the waiting request's vx_msg.seq */
	uint32_t reserved;
};
_Static_assert(sizeof(struct net_cancel_req) == 8, "net_cancel_req layout");

/* The reply of NET_SOCKET and NET_ACCEPT. */
struct net_sock {
	uint32_t id; /* names it in NET_ACCEPT and NET_CLOSE */
	uint8_t kind;
	uint8_t reserved[3];
	uint8_t laddr[4], raddr[4]; /* raddr 0 for a listener or unconnected UDP */
	uint16_t lport, rport;
	uint32_t reserved2;
};
_Static_assert(sizeof(struct net_sock) == 24, "net_sock layout");

/* The data Rings: 16 slots of 2 KiB. */
#define NET_SEG_SLOT_LOG2  11u
#define NET_SEG_COUNT_LOG2 4u
#define NET_SEG_SLOT	   (1u << NET_SEG_SLOT_LOG2)
#define NET_SEG_HDR	   16u
#define NET_SEG_DATA_MAX   (NET_SEG_SLOT - NET_SEG_HDR)

#define NET_SEG_DATA   1u
#define NET_SEG_EOF    2u
#define NET_SEG_ERROR  3u
#define NET_SEG_ACCEPT 4u

struct net_seg {
	uint16_t kind; /* NET_SEG_* */
	uint16_t len;  /* data bytes, 0..NET_SEG_DATA_MAX */
	int32_t error; /* NET_SEG_ERROR: the VX_E_* error; else 0 */
	uint8_t addr[4];
	uint16_t port; /* UDP: the peer (rx: the sender; tx: 0.0.0.0:0 for the default) */
	uint16_t reserved;
	uint8_t data[NET_SEG_DATA_MAX];
};
_Static_assert(sizeof(struct net_seg) == NET_SEG_SLOT, "one net_seg a slot");

#endif
