/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The network stack below TCP: Ethernet II, ARP, IPv4 with fragmentation
 * and reassembly, ICMP, UDP and a DHCP client, as one object, struct
 * vx_net, that the caller owns.  docs/NET.md describes each protocol, every
 * limit and every counter; this comment is the contract.
 *
 * SHAPE
 *
 * The stack is pure logic.  It never allocates, never blocks and never
 * reads a clock: every piece of state lives in struct vx_net, whose tables
 * have the fixed sizes named VX_* below, and the time comes in as an
 * argument (now, in nanoseconds from any fixed origin).  The caller (netd)
 * does three things:
 *
 *   1. vx_net_init, then vx_net_set_ipv4 (static) or vx_net_dhcp_start.
 *   2. Each received Ethernet frame goes to vx_net_input.
 *   3. vx_net_tick runs the timers (ARP retries and expiry, reassembly
 *      timeouts, DHCP, pings); it returns the next deadline, so the
 *      caller knows how long it may sleep.  Calling it early or late is
 *      harmless: each timer acts when it finds its deadline passed.
 *      Input and sends can make earlier deadlines (an ARP request's
 *      retry), so the caller ticks after each batch of them and sleeps
 *      until what that tick returns.
 *
 * Output leaves through the callback tx, one whole Ethernet frame (without
 * FCS) per call, during any of the calls above.  Events leave through the
 * other callbacks in struct vx_net_ops; a NULL callback is skipped.
 *
 * Reentry: tx must not call into the stack at all (the frame it is given
 * lives in the stack's transmit buffer).  The other callbacks may call the
 * sending and socket functions (vx_net_ip_output, vx_net_ping,
 * vx_net_udp_*, vx_net_set_ipv4, vx_net_dhcp_stop): TCP answers a segment
 * from inside tcp_input.  None may call vx_net_input, vx_net_tick or
 * vx_net_init.
 *
 * TRUST
 *
 * Every frame is hostile.  Each is either consumed or dropped, and each
 * drop increments exactly one counter naming the reason (enum vx_netc).
 * Nothing an attacker sends grows memory: a full table evicts or refuses,
 * and that too is counted.
 *
 * ERRORS (the VX_E_* codes of include/vectra/abi.h, as used here)
 *
 *   VX_E_INVAL     an argument's value: a NULL pointer; a destination
 *                  in 0/8, 127/8 or 224/4 (multicast), or our own address
 *                  (there is no loopback); an MTU outside
 *                  VX_NET_MTU_MIN..MAX; a bad socket number
 *   VX_E_STATE     no IPv4 address yet (only broadcast may be sent), or
 *                  the DHCP client is not in a state that allows the call
 *   VX_E_NOTFOUND  no route: the destination is off-link and there is no
 *                  gateway
 *   VX_E_TOOBIG    a datagram longer than VX_IP_MAX_PAYLOAD, a payload
 *                  laid by vx_net_ip_payload sent longer than one frame,
 *                  or a receive buffer shorter than the waiting datagram
 *   VX_E_FULL      no free UDP socket, or no free ephemeral port; every
 *                  ARP entry is waiting for a reply, so none can be made
 *   VX_E_EXISTS    the UDP port is already bound
 *   VX_E_EMPTY     no datagram is waiting
 *   any error the tx callback returns, passed through
 *
 * Byte order: addresses are uint8_t[4] / uint8_t[6] in network order, as
 * they appear on the wire; ports and other numbers in the API are host
 * integers.
 */
#ifndef VX_NET_NET_H
#define VX_NET_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vectra/abi.h"

#define VX_NS_PER_SEC 1000000000ull

/* ---------------------------------------------------------------- limits */

#define VX_ETH_HDR	  14
#define VX_NET_MTU_MAX	  1500 /* largest IP datagram in one frame */
#define VX_NET_MTU_MIN	  576  /* RFC 1122: every host takes 576 */
#define VX_ETH_FRAME_MAX  (VX_ETH_HDR + VX_NET_MTU_MAX)
#define VX_IP_HDR	  20
#define VX_IP_MAX	  65535 /* total length field */
#define VX_IP_MAX_PAYLOAD (VX_IP_MAX - VX_IP_HDR)
#define VX_IP_TTL	  64 /* TTL of datagrams we send */

#define VX_ARP_ENTRIES	      16		   /* the cache: complete and incomplete entries */
#define VX_ARP_TTL_NS	      (60 * VX_NS_PER_SEC) /* a complete entry's life */
#define VX_ARP_TRIES	      3			   /* requests before giving up */
#define VX_ARP_RETRY_NS	      (1 * VX_NS_PER_SEC)  /* between requests */
#define VX_ARP_REFRESH_NS     (10 * VX_NS_PER_SEC) /* an entry in use is asked again this early */
#define VX_ARP_HOLD_PER_ENTRY 4			   /* datagrams waiting on one incomplete entry */
#define VX_ARP_HOLD_SLOTS     8			   /* datagrams waiting, all entries together */

#define VX_REASM_SLOTS	    4		 /* datagrams being reassembled at once */
#define VX_REASM_BYTES	    (128 * 1024) /* fragment bytes held, all slots */
#define VX_REASM_TIMEOUT_NS (30 * VX_NS_PER_SEC)

#define VX_ICMP_ERR_BURST    10		       /* ICMP errors sent back to back */
#define VX_ICMP_ERR_EVERY_NS (50 * 1000000ull) /* one more allowed per 50 ms */
#define VX_PING_PENDING	     8		       /* echo requests awaiting reply */
#define VX_PING_TIMEOUT_NS   (10 * VX_NS_PER_SEC)

#define VX_UDP_SOCKETS	    32
#define VX_UDP_RXQ_DGRAMS   16	  /* datagrams queued per socket */
#define VX_UDP_RXQ_BYTES    16384 /* payload bytes queued per socket */
#define VX_UDP_EPHEMERAL_LO 49152
#define VX_UDP_EPHEMERAL_HI 65535

#define VX_DHCP_DNS_MAX	      3
#define VX_DHCP_HOSTNAME_MAX  63
#define VX_DHCP_RETRY_MIN_NS  (4 * VX_NS_PER_SEC)  /* first retransmission */
#define VX_DHCP_RETRY_MAX_NS  (64 * VX_NS_PER_SEC) /* backoff stops doubling */
#define VX_DHCP_REQUEST_TRIES 4			   /* REQUESTs in REQUESTING before INIT again */
#define VX_DHCP_RENEW_MIN_NS  (60 * VX_NS_PER_SEC) /* RFC 2131 4.4.5 */
#define VX_DHCP_MSG_MAX	      576		   /* the longest DHCP message we build */

/* -------------------------------------------------------------- counters */

/*
 * Every counter, in one list so that the names table cannot drift from
 * the enum.  Drop counters say why a frame or datagram went no further.
 */
#define VX_NET_COUNTERS(X)                                                                         \
	X(ETH_IN)		/* frames given to vx_net_input */                                 \
	X(ETH_OUT)		/* frames handed to tx */                                          \
	X(ETH_TX_FAIL)		/* tx returned an error */                                         \
	X(ETH_RUNT)		/* drop: shorter than the Ethernet header */                       \
	X(ETH_OVERSIZE)		/* drop: longer than VX_ETH_FRAME_MAX */                           \
	X(ETH_NOT_US)		/* drop: unicast to another MAC */                                 \
	X(ETH_MULTICAST)	/* drop: multicast (no group is joined) */                         \
	X(ETH_BAD_SRC)		/* drop: source MAC multicast, broadcast or ours */                \
	X(ETH_VLAN)		/* drop: 802.1Q / 802.1ad tag */                                   \
	X(ETH_UNKNOWN_TYPE)	/* drop: not IPv4 or ARP */                                        \
	X(ARP_IN)		/* ARP packets that passed Ethernet */                             \
	X(ARP_TRUNCATED)	/* drop: shorter than 28 bytes */                                  \
	X(ARP_BAD_FORMAT)	/* drop: not Ethernet/IPv4 sizes, or bad op */                     \
	X(ARP_BAD_SENDER)	/* drop: sender MAC multicast, or IP not unicast */                \
	X(ARP_CONFLICT)		/* drop: another MAC claims our address */                         \
	X(ARP_REQUESTS_IN)	/* requests for our address, answered */                           \
	X(ARP_REPLIES_IN)	/* replies that completed or refreshed an entry */                 \
	X(ARP_GRATUITOUS)	/* gratuitous ARPs seen */                                         \
	X(ARP_IGNORED)		/* valid, but neither for us nor about a known host */             \
	X(ARP_REQUESTS_OUT)	/* requests sent */                                                \
	X(ARP_EVICTED)		/* complete entries evicted to make room */                        \
	X(ARP_TABLE_FULL)	/* no entry could be made; the datagram dropped */                 \
	X(ARP_HOLD_DROPPED)	/* waiting datagrams dropped: queue full, oldest out */            \
	X(ARP_UNRESOLVED)	/* waiting datagrams dropped: no reply after all tries */          \
	X(IP_IN)		/* IPv4 datagrams that passed Ethernet */                          \
	X(IP_TRUNCATED)		/* drop: shorter than the header (IHL) says */                     \
	X(IP_BAD_VERSION)	/* drop: version is not 4 */                                       \
	X(IP_BAD_IHL)		/* drop: IHL < 5 */                                                \
	X(IP_BAD_LENGTH)	/* drop: total length < IHL or > the frame */                      \
	X(IP_BAD_CKSUM)		/* drop: header checksum */                                        \
	X(IP_BAD_FLAGS)		/* drop: the reserved flag bit is set */                           \
	X(IP_BAD_OPTIONS)	/* drop: an option runs past the header, or its length is < 2 */   \
	X(IP_TTL_ZERO)		/* drop: arrived with TTL 0 */                                     \
	X(IP_BAD_SRC)		/* drop: source 0, broadcast, multicast, loopback or ours */       \
	X(IP_NOT_US)		/* drop: destination is not ours or a broadcast */                 \
	X(IP_UNKNOWN_PROTO)	/* drop: no handler for the protocol */                            \
	X(IP_DELIVERED)		/* datagrams given to ICMP, UDP or TCP */                          \
	X(IP_OUT)		/* datagrams sent (before fragmentation) */                        \
	X(IP_NO_ROUTE)		/* output refused: off-link and no gateway */                      \
	X(IP_FRAGS_OUT)		/* fragments sent */                                               \
	X(FRAG_IN)		/* fragments received */                                           \
	X(FRAG_BAD)		/* drop: non-last fragment not a multiple of 8, or past 65535 */   \
	X(FRAG_OVERLAP)		/* drop: overlapping fragment; the whole datagram dropped */       \
	X(FRAG_MISMATCH)	/* drop: a second last fragment that disagrees on the length */    \
	X(FRAG_NO_SLOT)		/* a datagram evicted (the oldest) to make a slot */               \
	X(FRAG_NO_BYTES)	/* a datagram evicted (the oldest) to stay in VX_REASM_BYTES */    \
	X(FRAG_TIMEOUT)		/* datagrams dropped after VX_REASM_TIMEOUT_NS */                  \
	X(FRAG_REASSEMBLED)	/* datagrams reassembled */                                        \
	X(ICMP_IN)		/* ICMP messages delivered to ICMP */                              \
	X(ICMP_TRUNCATED)	/* drop: shorter than 8 bytes */                                   \
	X(ICMP_BAD_CKSUM)	/* drop: checksum */                                               \
	X(ICMP_BCAST_ECHO)	/* drop: echo request to a broadcast address */                    \
	X(ICMP_ECHO_IN)		/* echo requests answered */                                       \
	X(ICMP_ECHO_REPLY_IN)	/* echo replies matched to a ping */                               \
	X(ICMP_ECHO_UNMATCHED)	/* drop: echo reply to no ping of ours */                          \
	X(ICMP_ERR_IN)		/* errors (3, 11, 12) delivered to UDP, TCP or ping */             \
	X(ICMP_ERR_BAD)		/* drop: error quoting a datagram that is not ours or is short */  \
	X(ICMP_ERR_UNMATCHED)	/* drop: error about no socket or ping of ours */                  \
	X(ICMP_UNKNOWN_TYPE)	/* drop: other types, including source quench */                   \
	X(ICMP_ERR_OUT)		/* errors sent */                                                  \
	X(ICMP_ERR_SUPPRESSED)	/* not sent: RFC 1122 forbids (broadcast, fragment, error) */      \
	X(ICMP_ERR_RATELIMITED) /* not sent: over the rate limit */                                \
	X(ICMP_ECHO_OUT)	/* echo requests sent by vx_net_ping */                            \
	X(PING_TIMEOUT)		/* pings that got no reply in VX_PING_TIMEOUT_NS */                \
	X(PING_EVICTED)		/* pings forgotten because VX_PING_PENDING were waiting */         \
	X(UDP_IN)		/* UDP datagrams delivered to UDP */                               \
	X(UDP_TRUNCATED)	/* drop: shorter than 8 bytes */                                   \
	X(UDP_BAD_LENGTH)	/* drop: length field < 8 or > the datagram */                     \
	X(UDP_BAD_CKSUM)	/* drop: nonzero checksum that does not verify */                  \
	X(UDP_NO_CKSUM)		/* accepted without a checksum (field 0) */                        \
	X(UDP_NO_PORT)		/* drop: no socket on the port (port unreachable sent) */          \
	X(UDP_UNCONFIGURED)	/* drop: arrived before we have an address, not DHCP */            \
	X(UDP_RXQ_FULL)		/* drop: the socket's queue is full */                             \
	X(UDP_QUEUED)		/* datagrams queued to a socket */                                 \
	X(UDP_OUT)		/* datagrams sent */                                               \
	X(DHCP_IN)		/* DHCP messages that passed UDP */                                \
	X(DHCP_BAD)		/* drop: malformed (header, cookie, option lengths) */             \
	X(DHCP_NOT_OURS)	/* drop: wrong xid or hardware address, or unexpected */           \
	X(DHCP_OUT)		/* DISCOVERs and REQUESTs sent */                                  \
	X(DHCP_NAK)		/* NAKs that sent us back to INIT */                               \
	X(DHCP_BOUND)		/* leases taken or renewed */                                      \
	X(DHCP_EXPIRED)		/* leases that ran out */                                          \
	X(SOCK_OPENED)		/* netd: sockets and listeners opened */                           \
	X(SOCK_CLOSED)		/* netd: sockets and listeners closed */                           \
	X(SOCK_HANGUP)		/* netd: closed because the client went away */                    \
	X(SOCK_BAD_SEG)		/* netd: aborted for a tx slot it refused (proto/net.h) */         \
	X(SOCK_TX_BYTES)	/* netd: stream and datagram bytes taken from tx Rings */          \
	X(SOCK_RX_BYTES)	/* netd: bytes put into rx Rings */                                \
	X(SOCK_UDP_FOREIGN)	/* netd: datagrams dropped: not from the default peer */           \
	X(SOCK_UDP_TOOBIG)	/* netd: datagrams dropped: longer than a slot holds */

enum vx_netc {
#define VX_NETC_ENUM(name) VX_NETC_##name,
	VX_NET_COUNTERS(VX_NETC_ENUM)
#undef VX_NETC_ENUM
	    VX_NETC_COUNT
};

/* The counter's name as in the list ("ETH_IN"), or NULL when i is out of range. */
const char *vx_net_counter_name(unsigned i);

/* ------------------------------------------------------------ callbacks */

/* An ICMP error about a datagram we sent, as delivered upward. */
struct vx_net_icmp_err {
	uint8_t type, code; /* 3 unreachable, 11 time exceeded, 12 parameter */
	uint16_t mtu;	    /* next-hop MTU of type 3 code 4, else 0 */
	uint8_t from[4];    /* who sent the error (us, for a failed ARP) */
	uint8_t dst[4];	    /* destination of the datagram it is about */
};

/* The lease vx_net_dhcp reports. */
struct vx_dhcp_lease {
	uint8_t addr[4], mask[4], router[4], server[4];
	uint8_t dns[VX_DHCP_DNS_MAX][4];
	uint8_t ndns;
	char hostname[VX_DHCP_HOSTNAME_MAX + 1]; /* option 12 from the server, or "" */
	uint32_t lease_s, t1_s, t2_s;		 /* as granted (T1, T2 derived if absent) */
};

enum vx_dhcp_event {
	VX_DHCP_EV_BOUND,   /* a lease was taken; the address is configured */
	VX_DHCP_EV_RENEWED, /* the lease was extended (maybe with new values) */
	VX_DHCP_EV_EXPIRED, /* the lease ran out; the address is removed */
	VX_DHCP_EV_NAK,	    /* the server refused; back to INIT */
};

struct vx_net_ops {
	/* Send one Ethernet frame.  Returns VX_OK or a VX_E_* code (counted). */
	int (*tx)(void *ctx, const uint8_t *frame, size_t len);
	/* Optional: where to build the next frame, VX_ETH_FRAME_MAX bytes the
	 * link can send from as they are (a card's TX buffer), so that tx is
	 * handed that memory and need not copy it; NULL (or a NULL ops.frame)
	 * for the stack's own.  Asked once per frame begun, and a frame begun
	 * may never be sent (ARP holds it, or a newer one is begun first): the
	 * memory stays the link's. */
	uint8_t *(*frame)(void *ctx);
	/* A TCP segment for us, checksum not yet verified. */
	void (*tcp_input)(void *ctx, const uint8_t src[4], const uint8_t dst[4], const uint8_t *seg,
			  size_t len, uint64_t now);
	/* An ICMP error about a TCP segment we sent: seg is the quoted start of
	 * that segment (at least 8 bytes: ports and sequence number). */
	void (*tcp_error)(void *ctx, const struct vx_net_icmp_err *err, const uint8_t *seg,
			  size_t len);
	/* A datagram was queued on UDP socket sock. */
	void (*udp_ready)(void *ctx, int sock);
	/* A ping ended: status VX_OK (rtt_ns is the round trip), VX_E_TIMEOUT
	 * (no reply in VX_PING_TIMEOUT_NS) or VX_E_NOTFOUND (an ICMP error,
	 * or ARP failed; err says which). */
	void (*ping)(void *ctx, const uint8_t from[4], uint16_t id, uint16_t seq, int status,
		     uint64_t rtt_ns, const struct vx_net_icmp_err *err);
	/* The DHCP client took, renewed or lost a lease. */
	void (*dhcp)(void *ctx, enum vx_dhcp_event ev, const struct vx_dhcp_lease *lease);
};

/* ---------------------------------------------------------- the tables */

/* An ARP cache entry.  state FREE, INCOMPLETE (requests going out,
 * datagrams may wait in the hold pool) or COMPLETE. */
struct vx_arp_entry {
	uint8_t state;
	uint8_t tries; /* requests sent while INCOMPLETE */
	uint8_t nheld; /* hold slots owned */
	uint8_t ip[4];
	uint8_t mac[6];
	uint64_t deadline; /* INCOMPLETE: next request; COMPLETE: expiry */
	uint64_t used;	   /* last made or refreshed, for eviction */
};

/* A datagram (IP header included) waiting for its next hop's MAC. */
struct vx_arp_hold {
	int8_t entry; /* owning entry index, or -1 when free */
	uint16_t len;
	uint32_t seq; /* arrival order: the lowest is the oldest */
	uint8_t dgram[VX_NET_MTU_MAX];
};

/* A datagram being reassembled: its key, what has arrived (one bit per
 * 8-byte unit of payload), and the payload laid out at its offsets. */
struct vx_reasm {
	bool used;
	uint8_t src[4], dst[4], proto;
	uint16_t id;
	uint32_t total; /* payload length, known once the last fragment came; 0 before */
	uint32_t have;	/* payload bytes received */
	uint32_t end;	/* the furthest byte any fragment reached */
	bool bcast;	/* some fragment came to a broadcast address */
	uint64_t expires;
	uint16_t hlen; /* the first fragment's header, kept for ICMP errors */
	uint8_t hdr[60];
	uint8_t map[VX_IP_MAX_PAYLOAD / 8 / 8 + 1];
	uint8_t data[VX_IP_MAX_PAYLOAD];
};

/* An echo request sent by vx_net_ping and not yet answered. */
struct vx_ping {
	bool used;
	uint8_t dst[4];
	uint16_t id, seq;
	uint64_t sent;
};

/* One queued UDP datagram; its payload is in the socket's buf at off. */
struct vx_udp_dgram {
	uint8_t src[4];
	uint16_t sport;
	uint16_t len;
	uint16_t off;
};

struct vx_udp_sock {
	bool used;
	uint16_t port;
	bool has_err;
	struct vx_net_icmp_err err; /* the last ICMP error, until read */
	uint8_t nq;		    /* queued datagrams, q[0] the oldest */
	uint16_t qbytes;	    /* payload bytes in buf, packed from 0 */
	struct vx_udp_dgram q[VX_UDP_RXQ_DGRAMS];
	uint8_t buf[VX_UDP_RXQ_BYTES];
};

enum vx_dhcp_state {
	VX_DHCP_OFF,	    /* not running: static address or none */
	VX_DHCP_SELECTING,  /* DISCOVER sent, waiting for an OFFER */
	VX_DHCP_REQUESTING, /* REQUEST sent for an offer, waiting for ACK */
	VX_DHCP_BOUND,	    /* address in use until T1 */
	VX_DHCP_RENEWING,   /* T1 passed: unicast REQUESTs to the server */
	VX_DHCP_REBINDING,  /* T2 passed: broadcast REQUESTs to anyone */
	VX_DHCP_STATE_COUNT
};

/* The state's name ("selecting"), or "?" out of range. */
const char *vx_dhcp_state_name(enum vx_dhcp_state s);

struct vx_dhcp {
	enum vx_dhcp_state state;
	uint32_t xid;
	uint32_t tries;	    /* messages sent in this state */
	uint64_t deadline;  /* next retransmission or state change */
	uint64_t started;   /* when the exchange began (secs field) */
	uint64_t bound_at;  /* when the ACK came: T1, T2 and expiry count from it */
	uint8_t offered[4]; /* SELECTING -> REQUESTING: the address asked for */
	struct vx_dhcp_lease lease;
	char hostname[VX_DHCP_HOSTNAME_MAX + 1]; /* ours, sent as option 12 if set */
};

/* ------------------------------------------------------------ the stack */

struct vx_net {
	struct vx_net_ops ops;
	void *ctx; /* passed to every callback */

	uint8_t mac[6];
	uint8_t ip[4], mask[4], gw[4]; /* 0.0.0.0: none */
	uint16_t mtu;
	uint16_t ip_id; /* the next datagram's ID */
	uint16_t next_ephemeral;
	uint32_t rng; /* xorshift state: DHCP xid, ephemeral ports */
	uint64_t now; /* the latest time any call passed in */

	uint64_t count[VX_NETC_COUNT];

	struct vx_arp_entry arp[VX_ARP_ENTRIES];
	struct vx_arp_hold hold[VX_ARP_HOLD_SLOTS];
	uint32_t hold_seq;

	struct vx_reasm reasm[VX_REASM_SLOTS];
	uint32_t reasm_bytes; /* the sum of every slot's have */

	uint32_t icmp_tokens;
	uint64_t icmp_refill; /* when the last token was added */
	struct vx_ping ping[VX_PING_PENDING];

	struct vx_udp_sock udp[VX_UDP_SOCKETS];
	struct vx_dhcp dhcp;

	uint8_t *txbuf;	 /* the frame being built: own_tx, or ops.frame's */
	uint8_t *placed; /* vx_net_ip_payload's answer while it is still good */
	uint8_t own_tx[VX_ETH_FRAME_MAX];
	uint8_t dgram[VX_IP_MAX]; /* a datagram being built before fragmenting */
};

/* ------------------------------------------------------------ the calls */

/* Make net an unconfigured stack with this MAC and MTU (VX_NET_MTU_MIN..
 * VX_NET_MTU_MAX).  seed varies the DHCP xid, IP IDs and ephemeral ports
 * (pass randomness).  ops and ctx are copied.  VX_E_INVAL on a bad MTU,
 * a multicast or zero MAC, or a NULL tx. */
int vx_net_init(struct vx_net *net, const uint8_t mac[6], uint16_t mtu, uint32_t seed,
		const struct vx_net_ops *ops, void *ctx);

/* Configure the address statically (stops DHCP).  gw may be NULL or
 * 0.0.0.0 for none; it must be on the subnet.  addr NULL unconfigures.
 * VX_E_INVAL on a non-unicast address, a non-contiguous mask, or a gateway
 * off the subnet. */
int vx_net_set_ipv4(struct vx_net *net, const uint8_t addr[4], const uint8_t mask[4],
		    const uint8_t gw[4]);

/* One received Ethernet frame (no FCS).  Never fails: what is not used is
 * counted as a drop. */
void vx_net_input(struct vx_net *net, const uint8_t *frame, size_t len, uint64_t now);

/* Run the timers due at now.  Returns the next deadline (UINT64_MAX: none). */
uint64_t vx_net_tick(struct vx_net *net, uint64_t now);

/* May a connection go to dst: one host (not 0/8, loopback 127/8,
 * multicast or reserved), not our subnet's broadcast and not our own
 * address (there is no loopback)?  The test ip output makes of every
 * unicast destination, for a caller that must refuse before it builds
 * anything (a TCP connect, whose SYN goes out later). */
bool vx_net_unicast_ok(const struct vx_net *net, const uint8_t dst[4]);

/* Send len bytes of payload as one IPv4 datagram (fragmented if it
 * exceeds the MTU) from our address to dst, protocol proto.  VX_OK also
 * when the datagram waits for ARP.  Errors: see above.  ARP's timers
 * count from net->now, the latest time passed to any call. */
int vx_net_ip_output(struct vx_net *net, const uint8_t dst[4], uint8_t proto,
		     const uint8_t *payload, size_t len);

/* Where to lay a payload of up to len bytes so that vx_net_ip_output
 * sends it from there, without copying it: in a frame begun in the
 * link's memory (ops.frame, else the stack's own), behind the room for
 * the Ethernet and IP headers.  NULL when len is more than one frame
 * carries (mtu - VX_IP_HDR): lay it elsewhere, to be fragmented.  The
 * memory is good until the next call into the stack, the callbacks'
 * included; vx_net_ip_output with that pointer (and at most len) sends
 * it, and any other call that begins a frame takes it back.  TCP's way
 * to build a segment in place (struct vx_tcp_config, segment). */
uint8_t *vx_net_ip_payload(struct vx_net *net, size_t len);

/* Send an ICMP echo request (len bytes of pattern data) and remember it:
 * the ping callback reports the reply, an error or the timeout. */
int vx_net_ping(struct vx_net *net, const uint8_t dst[4], uint16_t id, uint16_t seq, size_t len,
		uint64_t now);

/* UDP sockets: a socket number >= 0, or an error. port 0 picks an
 * ephemeral port in VX_UDP_EPHEMERAL_LO..HI. */
int vx_net_udp_open(struct vx_net *net, uint16_t port);
/* The socket's local port, or VX_E_INVAL. */
int vx_net_udp_port(const struct vx_net *net, int sock);
/* Drop the socket and everything queued on it. */
int vx_net_udp_close(struct vx_net *net, int sock);
/* Send one datagram; 255.255.255.255 and the subnet broadcast go to every
 * host.  Returns len or an error. */
int vx_net_udp_sendto(struct vx_net *net, int sock, const uint8_t dst[4], uint16_t dport,
		      const void *buf, size_t len);
/* Take the oldest datagram: its length, VX_E_EMPTY, or VX_E_TOOBIG when
 * cap is shorter (it stays queued). src and sport may be NULL. */
int vx_net_udp_recvfrom(struct vx_net *net, int sock, void *buf, size_t cap, uint8_t src[4],
			uint16_t *sport);
/* Take the last ICMP error about the socket's datagrams: VX_OK with *err
 * filled, or VX_E_EMPTY. */
int vx_net_udp_error(struct vx_net *net, int sock, struct vx_net_icmp_err *err);

/* Start the DHCP client (INIT -> SELECTING): the address is dropped and a
 * DISCOVER goes out now.  hostname may be NULL. */
int vx_net_dhcp_start(struct vx_net *net, const char *hostname, uint64_t now);
/* Stop the client; the address stays as it is. */
void vx_net_dhcp_stop(struct vx_net *net);

#endif
