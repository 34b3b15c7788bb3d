/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Sockets: TCP connections, listeners and UDP sockets of netd, for any
 * Task holding a "net" connection (vectra/proto/net.h, SOCKETS).  Built
 * for VectraOS only (sock.c, libvxclient.a).
 *
 * A socket is a control half, on the caller's "net" connection (open,
 * accept, close), and a data half, two Rings bound in the caller's
 * address space: tx (the caller writes) and rx (netd writes).  The caller
 * gives each socket VX_SOCK_SPAN bytes of free address space at va and a
 * wake bit of its own mask; both Rings raise that bit.  Several sockets
 * may share one bit (a loop that serves many waits on it once).
 *
 * Every call takes an absolute deadline (vx_clock() ns).  Sending and
 * receiving wait only while the Ring is full or empty: back-pressure, not
 * loss.  Errors, besides the transport's and netd's (proto/net.h):
 *
 *   VX_E_TIMEOUT   the deadline passed first (send: after a short count
 *                  already taken, which the call returns instead)
 *   VX_E_HANGUP    netd went away (it stopped, or revoked the socket):
 *                  the socket is dead, close it and open a new one
 *   VX_E_RESET, VX_E_TIMEOUT, VX_E_UNREACH, VX_E_CORRUPT  what netd said
 *                  ended the connection (NET_SEG_ERROR)
 *   VX_E_CORRUPT   netd's Ring or a slot in it failed validation
 *   VX_E_STATE     send after vx_sock_shutdown; a stream call on a UDP
 *                  socket or the reverse; any call on a listener but accept
 *                  and close
 *
 * An error from the data half is sticky: every later send and receive
 * returns it (after the bytes that came before it have been read).
 */
#ifndef VX_CLIENT_SOCK_H
#define VX_CLIENT_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "rt/svc.h"
#include "vectra/proto/net.h"

/* Address space a socket's two Rings take: tx at va, rx at va +
 * VX_SOCK_RX_OFF. */
#define VX_SOCK_SPAN   0x20000ull
#define VX_SOCK_RX_OFF 0x10000ull

struct vx_sock {
	struct vx_client *net; /* the connection it was opened on */
	struct net_sock info;  /* ids, addresses and ports, as netd said */
	struct vx_ring tx, rx;
	vx_handle_t tx_h, rx_h;
	bool open;     /* until vx_sock_close */
	bool bound;    /* a data half (not a listener) */
	bool shut;     /* vx_sock_shutdown sent EOF */
	bool rx_done;  /* EOF or an error came: nothing more will */
	int err;       /* sticky data-half error, VX_OK while none */
	uint32_t bit;  /* the wake bit */
	uint32_t have; /* bytes of cur not yet read (a TCP slot read in part) */
	uint32_t off;  /* where those start in cur.data */
	struct net_seg cur;
};

/* Connects to addr:port, waiting for the handshake up to timeout_ms
 * (1..NET_CONNECT_TIMEOUT_MAX_MS) and the deadline. */
int vx_sock_connect(struct vx_sock *s, struct vx_client *net, const uint8_t addr[4], uint16_t port,
		    uint32_t timeout_ms, uint64_t va, uint32_t bit, uint64_t deadline);

/* vx_sock_connect for a caller whose person may give up: stop(ctx) is
 * asked every step_ns while the handshake runs, and once it says true,
 * netd is told to cancel the connect (NET_CANCEL), and the call returns
 * VX_E_TIMEOUT as soon as netd answers, leaving no socket open (one whose
 * handshake beat the cancel is reset).  The request goes with
 * vx_client_send: while it waits, nothing else may use net's
 * vx_client_send (VX_E_BUSY if something does already). */
int vx_sock_connect_stop(struct vx_sock *s, struct vx_client *net, const uint8_t addr[4],
			 uint16_t port, uint32_t timeout_ms, uint64_t va, uint32_t bit,
			 uint64_t deadline, uint64_t step_ns, bool (*stop)(void *ctx), void *ctx);

/* Listens on port (any local address) with backlog 1..NET_BACKLOG_MAX.  A
 * listener's rx Ring carries netd's notice that a connection waits, so it
 * takes address space and a bit like a socket: a loop serving a listener
 * and its connections waits on one bit for all of them, and calls
 * vx_sock_accept with a deadline of VX_DEADLINE_NONE when
 * vx_sock_readable(l) says a connection may wait. */
int vx_sock_listen(struct vx_sock *l, struct vx_client *net, uint16_t port, unsigned backlog,
		   uint64_t va, uint32_t bit, uint64_t deadline);

/* The next connection of listener l into *s (bound at va, waking bit),
 * waiting for one up to the deadline (VX_E_TIMEOUT). */
int vx_sock_accept(struct vx_sock *l, struct vx_sock *s, uint64_t va, uint32_t bit,
		   uint64_t deadline);

/* A UDP socket on port (0: any free one).  peer, when not NULL and not
 * 0.0.0.0, is the default destination and the only sender received. */
int vx_sock_udp(struct vx_sock *s, struct vx_client *net, uint16_t port, const uint8_t peer[4],
		uint16_t peer_port, uint64_t va, uint32_t bit, uint64_t deadline);

/* Stream: queues all n bytes, waiting while the tx Ring is full.  Returns
 * n, the count queued when the deadline passed (VX_E_TIMEOUT if none), or
 * an error. */
long vx_sock_send(struct vx_sock *s, const void *p, size_t n, uint64_t deadline);

/* Stream: up to n bytes, waiting for the first.  Returns the count, 0 at
 * the end of the stream (the peer's FIN), or an error. */
long vx_sock_recv(struct vx_sock *s, void *p, size_t n, uint64_t deadline);

/* Stream: reads exactly n bytes; VX_E_CORRUPT if the stream ends first. */
int vx_sock_recv_all(struct vx_sock *s, void *p, size_t n, uint64_t deadline);

/* UDP: one datagram of at most NET_SEG_DATA_MAX bytes (VX_E_TOOBIG) to
 * addr:port, or to the default peer when addr is NULL. */
int vx_sock_sendto(struct vx_sock *s, const void *p, size_t n, const uint8_t addr[4], uint16_t port,
		   uint64_t deadline);

/* UDP: the next datagram, cut to n bytes; returns its full length; from
 * and from_port (either may be NULL) say who sent it. */
long vx_sock_recvfrom(struct vx_sock *s, void *p, size_t n, uint8_t from[4], uint16_t *from_port,
		      uint64_t deadline);

/* Stream: the caller sends no more (TCP FIN once the queued data is out). */
int vx_sock_shutdown(struct vx_sock *s, uint64_t deadline);

/* Would vx_sock_recv or recvfrom return at once (data, EOF or an error),
 * or, on a listener, may a connection wait? */
bool vx_sock_readable(struct vx_sock *s);

/* Unbinds the data half and asks netd to close the socket: gracefully
 * (what was queued is still sent, then FIN) or, with abort, with a reset.
 * The struct may be reused afterwards.  Closing a socket whose netd is
 * gone is not an error. */
int vx_sock_close(struct vx_sock *s, bool abort, uint64_t deadline);

#endif
