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
 * over by vx_netif_recv, not yet given back with vx_netif_return or in a
 * NETIF_RECV, vx_netif_give_back), so that when the driver stops and the
 * connection dies with its life, the next call opens a new one through devd, hands the pools over
 * again naming those buffers, and sends its request again.  Frames the old life had received but
 * not yet told are lost, as on a wire.  When devd itself is not running
 * (killed; its drivers died with it) a call that needs a new connection is
 * VX_E_HANGUP at once, and the next one after devd is back reconnects.
 *
 * IN FLIGHT
 *
 * Up to VX_NETIF_TX_WINDOW frames go out without waiting
 * (vx_netif_tx_buf, vx_netif_tx_post): the frames posted between two
 * flushes go together, NETIF_TX_BATCH to a NETIF_TXV message, when the
 * driver is woken for them (vx_netif_flush), or sooner when
 * vx_netif_tx_buf must wait for room; each message's one answer is taken
 * as it comes (vx_netif_tx_reap, and any other call that meets it).  Each
 * frame goes with NETIF_TX_LAZY but the one that fills the window: the
 * driver answers the others whenever it wakes anyway, and only the
 * message the caller may have to wait for costs an interrupt.  Every
 * message holds at least one frame, so with them one NETIF_RECV posted to
 * be answered later and one call at a time make no more than the 16
 * replies the rep Ring holds, and the driver never has to drop one.  A frame stays in flight until
 * the driver answers it: when the driver's queue is full (VX_E_AGAIN) it is sent again once another
 * has gone, and when the driver's life ends, every frame in flight is sent again on the next
 * connection (one the old life had already given the device goes out twice, as a wire may
 * duplicate).
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

/* Frames in flight at once: the rep Ring's 16 replies, less one for the
 * posted NETIF_RECV and one for a call (NETIF_RETURN, NETIF_INFO). */
#define VX_NETIF_TX_WINDOW 14u

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
	/* TX buffers in flight (posted, not yet answered): each one's request,
	 * to send again, and its seq on this connection. */
	bool tx_busy[NETIF_TX_MAX];
	bool tx_unsent[NETIF_TX_MAX]; /* this connection has not taken it yet */
	bool tx_resend;		      /* some tx_unsent is set */
	struct netif_tx tx_req[NETIF_TX_MAX];
	uint32_t tx_seq[NETIF_TX_MAX];
	uint32_t tx_inflight, tx_next;
	uint64_t tx_posted;	      /* frames posted so far: the last one's number */
	uint64_t tx_no[NETIF_TX_MAX]; /* the number of the frame in each buffer */
	bool tx_prompt;		      /* post without NETIF_TX_LAZY (vx_netif_tx_gone) */
	bool unflushed;		      /* posted since the driver was last woken */
	/* RX buffers given back with vx_netif_give_back: queued (still held)
	 * for the next NETIF_RECV, then given back in the one posted. */
	uint16_t back[NETIF_RX_MAX];
	bool queued[NETIF_RX_MAX];
	uint32_t nback;
	uint16_t back_sent[NETIF_RETURN_MAX];
	uint32_t nback_sent;
	uint64_t tx_errors; /* frames the driver refused: lost, as on a wire */
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

/* The same without a message of its own: the buffers go back with the next
 * vx_netif_recv_post, in its NETIF_RECV (until then they are still the
 * caller's to the driver, and to a new connection).  VX_E_STATE, and
 * nothing queued, when one is not held or already queued. */
int vx_netif_give_back(struct vx_netif *n, const uint16_t *buf, uint32_t count);

/* NETIF_TX of the frame the caller wrote in TX buffer t->buf; returns once
 * the device has read it (the buffer is the caller's again).  Not for a
 * buffer vx_netif_tx_post has in flight. */
int vx_netif_tx(struct vx_netif *n, const struct netif_tx *t, uint64_t deadline);

/*
 * Frames without waiting for each (IN FLIGHT above).  vx_netif_tx_buf
 * returns a TX buffer free to write (its index), first waiting, up to the
 * deadline, for an answer when VX_NETIF_TX_WINDOW frames are in flight;
 * the caller writes its frame there and posts it with vx_netif_tx_post,
 * which returns VX_OK once the frame is in flight (the buffer is the
 * driver's until it is answered; VX_E_BUSY if it already was, VX_E_FULL
 * past the window).  vx_netif_flush sends what was posted and wakes the
 * driver for it: call it before sleeping, as nothing posted goes before.  vx_netif_tx_reap takes
 * the answers that came, never waiting, and sends again what must go again; it returns the frames
 * still in flight, or VX_E_AGAIN when the driver's life ended (the next post, or
 * vx_netif_recv_post, connects again).
 */
int vx_netif_tx_buf(struct vx_netif *n, uint64_t deadline);
int vx_netif_tx_post(struct vx_netif *n, const struct netif_tx *t, uint64_t deadline);
void vx_netif_flush(struct vx_netif *n);
int vx_netif_tx_reap(struct vx_netif *n, uint64_t deadline);

/*
 * Has the device read every frame up to number `upto`?  Frames are
 * numbered from 1 as vx_netif_tx_post takes them (n->tx_posted is the
 * last one's); a frame is gone once the driver has answered it, that is
 * once the device has read it.  A caller that will wait for a frame sets
 * n->tx_prompt while it posts it, so that the driver is asked for an
 * interrupt when it goes, not an answer whenever it next wakes.
 */
bool vx_netif_tx_gone(const struct vx_netif *n, uint64_t upto);
/* Wake the driver at the next vx_netif_flush even if nothing was posted:
 * it then answers the lazy frames the device has read. */
void vx_netif_poke(struct vx_netif *n);

/* NETIF_INFO again (the link, say), into n->info. */
int vx_netif_info(struct vx_netif *n, uint64_t deadline);

/* Lets go of the card: the driver resets it and frees the pools. */
void vx_netif_close(struct vx_netif *n);

#endif
