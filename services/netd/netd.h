/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * netd's shared state: main.c (the card, the loop, the requests about the
 * stack) and sock.c (sockets) share one struct netd.  One thread: nothing
 * here is locked.
 */
#ifndef NETD_NETD_H
#define NETD_NETD_H

#include <stdbool.h>
#include <stdint.h>
#include "rt/vx.h"
#include "rt/svc.h"
#include "client/netif.h"
#include "net/net.h"
#include "net/tcp.h"
#include "pure_netmsg.h"
#include "vectra/proto/net.h"

#define SRV_VA	  0x30000000ull
#define SRV_BIT	  0u
#define DEVD_VA	  0x31000000ull
#define DEVD_BIT  1u
#define NIC_VA	  0x31100000ull
#define NIC_BIT	  2u
#define CON_VA	  0x31200000ull
#define CON_BIT	  3u
#define RNG_VA	  0x31300000ull
#define RNG_BIT	  4u
#define SOCK_BIT  5u /* every socket's Rings: a client wrote or read */
#define INIT_VA	  0x31400000ull
#define INIT_BIT  6u
#define RX_VA	  0x200000000ull
#define TX_VA	  0x201000000ull
#define PAIR_VA	  0x300000000ull /* pair i's tx Ring at PAIR_VA + i * PAIR_SPAN, rx above */
#define PAIR_SPAN 0x20000ull
#define PAIR_RX	  0x10000ull

#define NRX	64u
#define NTX	16u
#define MS	1000000ull
#define SECOND	1000000000ull
#define CALL_NS (2 * SECOND)
/* The longest a graceful NET_CLOSE's reply waits for the card to have
 * read the connection's FIN; lib/client/sock.c's CLOSE_NS is twice it. */
#define CLOSE_WAIT_NS (500 * MS)

/* A Ring pair from init (INIT_PAIR), kept and reused: netd binds tx as
 * its consumer and rx as its producer, and hands a socket's client the
 * other ends, derived from its own, so that revoking its own takes them
 * back. */
struct npair {
	bool made;
	bool busy; /* a socket has it */
	vx_handle_t tx_h, rx_h;
	struct vx_ring tx, rx;
	struct vx_ring_info tx_info, rx_info;
};

/* A socket or listener of one connection. */
struct nsock {
	bool used;
	uint8_t kind;	  /* NET_SOCK_* */
	uint8_t gen;	  /* bumped at each use of the slot: part of the id */
	bool connected;	  /* TCP: the handshake is done, the client has its Rings */
	bool closing;	  /* the client closed or went: drain tx, then FIN */
	bool dead;	  /* netd ended it (a bad slot): only the client's close remains */
	bool tx_eof;	  /* the client sent NET_SEG_EOF (TCP: shutdown done) */
	bool rx_end;	  /* EOF or an error is in rx: nothing more goes there */
	bool client_seen; /* the client has bound its ends at least once */
	uint32_t binds0;  /* tx's producer binds when the client got its ends */
	int h;		  /* TCP connection or listener handle, UDP socket */
	int pair;	  /* index in N.pair, -1 for a listener */
	struct vx_server_conn *c;
	vx_handle_t c_req; /* the connection's identity when opened */
	uint32_t c_binds;
	struct net_sock info;
	/* A deferred NET_SOCKET (TCP) or NET_ACCEPT (listener): its message. */
	bool waiting;
	struct vx_msg m;
	uint64_t deadline;
	/* The tx slot being fed to TCP: bytes [off, len) of stage.data. */
	uint32_t off, len;
	uint64_t fin_no; /* the card's number of the frame of its latest FIN or RST */
	struct net_seg stage;
};

/* A NET_CLOSE of a TCP socket whose reply waits until the close's last
 * segment (its FIN, or a RST) has left: until the card has read the
 * frame numbered mark (vx_netif_tx_gone), or CLOSE_WAIT_NS.  It names
 * the connection by its addresses and ports, as the TCP handle is given
 * back at the close and the connection finishes on its own. */
struct nclose {
	bool used;
	struct vx_server_conn *c;
	vx_handle_t c_req; /* the connection's identity, as in struct nsock */
	uint32_t c_binds;
	struct vx_msg m;
	uint8_t laddr[4], raddr[4];
	uint16_t lport, rport;
	uint64_t mark; /* the FIN's (or RST's) frame number; 0: not posted yet */
	uint64_t deadline;
};

struct netd {
	struct vx_server srv;
	struct vx_client devd, con, rng, init;
	bool have_devd, have_con, have_rng, have_init;
	vx_handle_t self, pools;
	vx_handle_t rx_mem, tx_mem;
	uint8_t *rx, *tx;
	struct vx_netif nic;
	bool card;
	bool card_away; /* devd is not running: the card's driver died with it */
	uint64_t started, opened_at, next_probe, card_retry;
	uint64_t rx_frames, tx_frames;
	struct net_config cfg;
	struct vx_net net;
	struct vx_tcp tcp;
	/* Pings waiting for their answer, each a deferred request. */
	struct {
		bool used;
		struct vx_server_conn *c;
		struct vx_msg m; /* the request: op and seq for the reply */
		uint16_t id, seq;
		uint64_t deadline;
	} ping[NET_PING_MAX];
	uint16_t ping_id;
	struct net_grant grant[VX_SVC_MAX_CONNS]; /* each connection's, by its id */
	uint32_t refused_grants;		  /* connections whose record meant nothing */
	struct npair pair[NET_SOCK_MAX];
	struct nsock sock[NET_SOCK_MAX];
	struct nclose closing[NET_SOCK_MAX];
};

extern struct netd N;

void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
uint64_t now(void);
void ip_str(char *buf, size_t cap, const uint8_t a[4]);

/* sock.c */
/* NET_SOCKET, NET_ACCEPT, NET_CLOSE, NET_CANCEL from connection c; r
 * decoded. */
enum vx_svc_disp sock_request(struct vx_server_conn *c, struct vx_msg *m, const struct net_req *r);
/* Moves data between the Rings and the stack, finishes connects and
 * accepts, closes what its client left; returns when it wants to run
 * again (UINT64_MAX: when woken). */
uint64_t sock_pump(uint64_t t);
/* The NET_CLOSE waiting for segment seg (to dst) to leave, if it is the
 * FIN or RST that close waits for; NULL otherwise. */
struct nclose *close_watch(const uint8_t dst[4], const uint8_t *seg, size_t len);
/* Segment seg (to dst) went to the card as frame number no: a FIN or RST
 * is noted by its socket, or by the NET_CLOSE waiting for it. */
void close_posted(const uint8_t dst[4], const uint8_t *seg, size_t len, uint64_t no);
/* Answers the NET_CLOSEs whose last segment has left (or whose time ran
 * out); returns when it wants to run again. */
uint64_t close_pump(uint64_t t);

#endif
