/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Client of the frame protocol (vectra/proto/netif.h): a network card,
 * reached through a connection devd makes (DEV_OPEN "netif"), for netd.
 * Built for VectraOS only (netif.c, libvxclient.a).
 *
 * The caller brings its two pools: MemCaps of its own of at least count *
 * NETIF_BUF_SIZE bytes, which it maps for itself wherever it likes; the
 * connection sends them narrowed (RX: VX_R_WRITE, TX: VX_R_READ), and the
 * caller keeps its handles and mappings.  A frame received is at
 * rx_base + buf * NETIF_BUF_SIZE + NETIF_FRAME_OFF of the caller's mapping;
 * a frame to send is written at the same place of the TX pool.
 *
 * A struct vx_netif remembers which RX buffers the caller holds (handed
 * over by vx_netif_recv, not yet given back with vx_netif_return), so that
 * when the driver stops and the connection dies with its life, the next
 * call opens a new one through devd, hands the pools over again naming
 * those buffers, and sends its request again.  Frames the old life had
 * received but not yet told are lost, as on a wire.  One request is in
 * flight at a time, besides one NETIF_RECV posted to be answered later.
 *
 * Every call takes an absolute deadline (vx_clock() ns) and returns VX_OK
 * or an error of netif.h's list, devd's (DEV_OPEN), or the transport's.
 */
#ifndef VX_CLIENT_NETIF_H
#define VX_CLIENT_NETIF_H

#include <stdbool.h>
#include <stdint.h>
#include "rt/svc.h"
#include "vectra/proto/devices.h"
#include "vectra/proto/netif.h"

struct vx_netif {
	struct vx_client c;
	struct vx_client *devd; /* the devices connection it reopens through */
	struct dev_open open;
	struct dev_opened opened;
	struct netif_info info; /* from NETIF_INFO at each connection */
	vx_handle_t rx_mem, tx_mem;
	uint32_t rx_count, tx_count;
	bool held[NETIF_RX_MAX]; /* RX buffers the caller holds */
	uint64_t va;		 /* where its two Ring ends are bound */
	uint32_t bit;
	uint32_t reopens; /* connections made after the first */
	bool bound;
	bool posted; /* a NETIF_RECV sent by vx_netif_recv_post awaits its answer */
};

/* Opens the unit-th network card and makes this connection its holder
 * with the caller's pools (rx_count and tx_count buffers), binding the
 * connection at va (a VX_SVC_CONN_SPAN of free address space) with wake bit
 * `bit`; fills n->info.  devd must outlive n. */
int vx_netif_open(struct vx_netif *n, struct vx_client *devd, uint32_t unit, vx_handle_t rx_mem,
		  uint32_t rx_count, vx_handle_t tx_mem, uint32_t tx_count, uint64_t va,
		  uint32_t bit, uint64_t deadline);

/* NETIF_RECV: frames received (each RX buffer named is the caller's until
 * vx_netif_return) and the link, waiting up to wait_ms for the first. */
int vx_netif_recv(struct vx_netif *n, struct netif_frames *out, uint32_t wait_ms,
		  uint64_t deadline);

/*
 * The same without waiting, for a caller with other work (netd): post a
 * NETIF_RECV (reconnecting first if the driver's life ended), sleep on
 * the connection's bit (and whatever else) with vx_netif_recv_arm(n,
 * true) before and vx_netif_recv_arm(n, false) after, and take the answer
 * with vx_netif_recv_take: VX_OK with the frames, VX_E_EMPTY not yet,
 * VX_E_AGAIN the connection died (post again).  Calls made meanwhile
 * (TX, RETURN) keep the answer aside if it comes during them.  arm(true)
 * returns true when there may be an answer already: do not sleep then.
 * One posted NETIF_RECV at a time (VX_E_BUSY).
 */
int vx_netif_recv_post(struct vx_netif *n, uint32_t wait_ms, uint64_t deadline);
bool vx_netif_recv_arm(struct vx_netif *n, bool on);
int vx_netif_recv_take(struct vx_netif *n, struct netif_frames *out);

/* NETIF_RETURN of count (1..NETIF_RETURN_MAX) RX buffers. */
int vx_netif_return(struct vx_netif *n, const uint16_t *buf, uint32_t count, uint64_t deadline);

/* NETIF_TX of the frame the caller wrote in TX buffer t->buf; returns once
 * the device has read it (the buffer is the caller's again). */
int vx_netif_tx(struct vx_netif *n, const struct netif_tx *t, uint64_t deadline);

/* NETIF_INFO again (the link, say), into n->info. */
int vx_netif_info(struct vx_netif *n, uint64_t deadline);

/* Lets go of the card: the driver resets it and frees the pools. */
void vx_netif_close(struct vx_netif *n);

#endif
