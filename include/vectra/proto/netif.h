/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The frame protocol between a network driver (virtio-net first) and its
 * one client (netd), over connections named "netif" that devd makes
 * (proto/devices.h, DEV_OPEN with service "netif"; rt/svc.h shape: one
 * struct vx_msg per Ring slot, capabilities beside the messages).
 * docs/DEVICES.md tells the story; this is the contract.
 *
 * THE POOLS: WHOSE MEMORY, AND WHY
 *
 * Frames never travel in messages.  The client owns two pools of
 * NETIF_BUF_SIZE-byte buffers, each one MemCap of its own Reticle, and
 * hands both to the driver once per connection (NETIF_POOLS):
 *
 *   RX pool  sent with VX_R_WRITE: the driver maps it into the device's
 *            IoSpace, device-writable, and the device writes received
 *            frames straight into it.
 *   TX pool  sent with VX_R_READ: mapped device-readable; the device
 *            reads the frames the client wrote there.
 *
 * Buffer i of a pool is the bytes [i * NETIF_BUF_SIZE, (i + 1) *
 * NETIF_BUF_SIZE); its frame (the Ethernet header first, no preamble, no
 * FCS) starts NETIF_FRAME_OFF bytes in, so that an IPv4 header after a
 * 14-byte Ethernet header sits on a 16-byte boundary.  Nothing is copied:
 * the device and the client share the frames, and the driver never maps
 * either pool for itself (the virtio header each frame needs lives in the
 * driver's own memory, so the client can neither read nor forge it).
 *
 * The pools are the client's, not the driver's, so that a driver that
 * crashes (devd resets its Reticle) takes nothing from under the client's
 * mappings: netd may be reading a frame at that moment.  The price, paid
 * by the client alone: a client that revokes a pool while connected makes
 * the device's next access a DMA fault, which stops the driver (devd
 * restarts it; see docs/DEVICES.md).  Only the client's own NIC suffers.
 *
 * WHO OWNS A BUFFER
 *
 *   RX  at NETIF_POOLS every RX buffer belongs to the driver (and the
 *       device), except those the client lists in pools.held (it still
 *       reads them, after a reconnect).  A frame the device writes is
 *       handed to the client in a NETIF_RECV reply: from then on the
 *       buffer is the client's, until it sends it back with NETIF_RETURN.
 *       A client that never returns buffers starves only itself: the
 *       device drops what it has no buffer for.
 *   TX  every TX buffer is the client's, except while a NETIF_TX on it is
 *       in flight (sent, not yet answered): the device may read it then,
 *       and the client must not write it.
 *
 * ONE CLIENT AT A TIME
 *
 * Any connection may ask NETIF_INFO.  The first to send NETIF_POOLS holds
 * the NIC until it hangs up; every other connection's NETIF_POOLS is
 * VX_E_BUSY meanwhile.  When the holder hangs up, the driver resets the
 * device (so it can reach nothing of the old pools), lets the pools go
 * and waits for the next holder.
 *
 * MESSAGES (op, data, ncaps -> reply data)
 *
 *   NETIF_INFO    none, 0 -> struct netif_info.
 *   NETIF_POOLS   struct netif_pools, 2 (RX pool, then TX pool) -> none.
 *   NETIF_RECV    struct netif_recv and its count u16 RX buffer indices
 *                 (len 8 + 2 * count), 0 -> struct netif_frames: frames
 *                 received since the last NETIF_RECV (at most
 *                 NETIF_RX_BATCH; more remain for the next), and the link
 *                 state.  With wait_ms > 0 the reply waits until there is
 *                 a frame, or the link changes, or wait_ms passes (then
 *                 count is 0).  One NETIF_RECV in flight per connection.
 *                 The buffers listed are given back first, as by
 *                 NETIF_RETURN, so that a client that reads its frames
 *                 and asks for more pays one message, not two; a refused
 *                 NETIF_RECV gives back none of them.
 *   NETIF_RETURN  struct netif_return, 0 -> none: RX buffers given back.
 *                 All or nothing: one bad index refuses the whole list.
 *   NETIF_TX      struct netif_tx, 0 -> struct netif_txdone, once the
 *                 device has read the frame (the buffer is the client's
 *                 again).  NETIF_TX_CSUM asks the device to fill in the
 *                 checksum at csum_start + csum_offset: the ones'
 *                 complement sum of the bytes from csum_start to the end,
 *                 added to what the field holds (put the pseudo-header's
 *                 sum there).  Only when NETIF_FEAT_TX_CSUM is offered.
 *                 NETIF_TX_LAZY lets the answer wait: the driver asks the
 *                 device for no interrupt for it, and answers it when it
 *                 next wakes for anything else (a frame received, a
 *                 request, a NETIF_RECV's wait_ms running out, a TX
 *                 without the flag being read).  A client that keeps
 *                 several frames in flight marks all but the one it may
 *                 have to wait for: a batch then costs the driver one
 *                 interrupt, or none when received frames wake it anyway.
 *   NETIF_TXV     struct netif_txv: a count (1..NETIF_TX_BATCH) and that
 *                 many struct netif_tx (len 4 + 12 * count), 0 -> one
 *                 struct netif_txdone for them all (buf: the first
 *                 entry's, count: how many), once the device has read
 *                 every one.  Each entry is checked exactly as a
 *                 NETIF_TX is, and no buffer may appear twice; every
 *                 entry is decoded before any is acted on, and the first
 *                 fault refuses the whole message: no frame of it goes.
 *                 The device's queue must have room for all of them, or
 *                 none goes (VX_E_AGAIN).  The answer may wait (as with
 *                 NETIF_TX_LAZY) only when every entry has
 *                 NETIF_TX_LAZY.  Frames go on the device's queue in the
 *                 message's order.  One message and one answer for up to
 *                 NETIF_TX_BATCH frames is what the op is for: a client
 *                 sending a burst pays two Ring slots, not two a frame.
 *
 * Requests are answered in any order (a TX's reply comes when the device
 * has it); replies echo the message's seq.  A client may have as many
 * requests in flight as its rep Ring has slots (16): a reply that finds
 * the rep Ring full is dropped, not waited for (the driver never blocks on
 * a client), and its buffer is released all the same.
 *
 * ERRORS (every request is decoded whole before anything changes; the
 * answer is the first error the decoder finds, and the driver goes on
 * serving: services/virtio-net/pure_netif.c is the decoder)
 *
 *   VX_E_NOSYS   an unknown op; NETIF_TX_CSUM without NETIF_FEAT_TX_CSUM
 *   VX_E_INVAL   a len that does not fit the op (a truncated message);
 *                capabilities with an op that takes none, or the wrong
 *                number; a reserved field or unknown flag set; a count
 *                of 0 (NETIF_RETURN, NETIF_TXV); a frame shorter than
 *                NETIF_FRAME_MIN; the attach
 *                record was not for this protocol (part and flags are 0)
 *   VX_E_TYPE    a pool that is not a MemCap
 *   VX_E_RIGHTS  a pool without the right its direction needs
 *   VX_E_TOOBIG  more than NETIF_RX_MAX / NETIF_TX_MAX buffers, a pool
 *                larger than NETIF_POOL_MAX, a frame longer than
 *                NETIF_FRAME_MAX, wait_ms over NETIF_WAIT_MAX_MS, a
 *                NETIF_TXV count over NETIF_TX_BATCH
 *   VX_E_RANGE   a buffer index past the pool; a pool smaller than its
 *                buffers; a checksum field outside the frame
 *   VX_E_STATE   RECV, RETURN or TX before this connection's NETIF_POOLS;
 *                a NETIF_RETURN of a buffer the client does not hold (a
 *                double return, or one listed twice)
 *   VX_E_EXISTS  a second NETIF_POOLS on the same connection
 *   VX_E_BUSY    NETIF_POOLS while another connection holds the NIC; a
 *                NETIF_TX on a buffer whose previous TX is in flight (or,
 *                in a NETIF_TXV, named by an earlier entry of the same
 *                message); a second NETIF_RECV while one waits
 *   VX_E_AGAIN   (from the driver) the device's queue is full: send later
 *   VX_E_STATE   (from the driver) the device failed or is being reset
 *
 * HOW A CONNECTION IS MADE, AND UNMADE
 *
 * devd makes it (DEV_OPEN, service "netif", unit = the n-th NIC in bus
 * order, part = flags = 0), with an attach record (op DEV_ATTACH) on the
 * driver's port; the Rings are devd's, so they outlive the driver's life.
 * When the driver stops, its connections stop being served: the client
 * (lib/client/netif.h) asks devd for a new one and sends NETIF_POOLS
 * again, naming the RX buffers it still holds; TX in flight at the crash
 * may or may not have been sent, and the client sends them again.
 */
#ifndef VECTRA_PROTO_NETIF_H
#define VECTRA_PROTO_NETIF_H

#include <stdint.h>

enum netif_op {
	NETIF_INFO = 1,
	NETIF_POOLS = 2,
	NETIF_RECV = 3,
	NETIF_RETURN = 4,
	NETIF_TX = 5,
	NETIF_TXV = 6,
};

/* Limits, and why. */
#define NETIF_BUF_SIZE	  2048u /* one buffer: a 1514-byte frame and room */
#define NETIF_FRAME_OFF	  2u	/* where a buffer's frame starts */
#define NETIF_FRAME_MIN	  14u	/* an Ethernet header */
#define NETIF_FRAME_MAX	  1514u /* 1500 bytes of MTU and the header: no GSO */
#define NETIF_RX_MAX	  128u	/* RX buffers: two descriptors each on a 256 queue */
#define NETIF_TX_MAX	  128u
#define NETIF_POOL_MAX	  (2u << 20) /* one IoSpace window */
#define NETIF_RX_BATCH	  19u	     /* frames one NETIF_RECV reply carries */
#define NETIF_RETURN_MAX  116u	     /* buffers one NETIF_RETURN gives back */
#define NETIF_TX_BATCH	  19u	     /* frames one NETIF_TXV carries: all that fit */
#define NETIF_WAIT_MAX_MS 10000u

/* struct netif_info.features */
#define NETIF_FEAT_TX_CSUM 1u /* NETIF_TX_CSUM works: the device sums */
#define NETIF_FEAT_RX_CSUM 2u /* frames may arrive with NETIF_RX_CSUM_* */
#define NETIF_FEAT_LINK	   4u /* the device reports its link; else always up */

struct netif_info {
	uint8_t mac[6];
	uint16_t mtu;	   /* 1500 */
	uint32_t features; /* NETIF_FEAT_* */
	uint32_t link;	   /* 1 up, 0 down */
	uint16_t rx_max, tx_max;
	uint32_t buf_size;  /* NETIF_BUF_SIZE */
	uint32_t frame_max; /* NETIF_FRAME_MAX */
	uint32_t reserved;
};
_Static_assert(sizeof(struct netif_info) == 32, "netif_info layout");

struct netif_pools {
	uint32_t rx_count, tx_count;	/* buffers in each pool, 1..NETIF_*_MAX */
	uint8_t held[NETIF_RX_MAX / 8]; /* bit i: the client still holds RX buffer i */
};
_Static_assert(sizeof(struct netif_pools) == 24, "netif_pools layout");

struct netif_recv {
	uint32_t wait_ms; /* 0: answer at once; else up to NETIF_WAIT_MAX_MS */
	uint16_t count;	  /* RX buffers given back: 0..NETIF_RETURN_MAX u16 follow */
	uint16_t reserved;
};
_Static_assert(sizeof(struct netif_recv) == 8, "netif_recv layout");

/* netif_rx.flags (only with NETIF_FEAT_RX_CSUM) */
#define NETIF_RX_CSUM_VALID 1u /* the device checked the frame's checksums */
#define NETIF_RX_CSUM_PARTIAL                                                                      \
	2u /* it came from this host with its checksum at                                          \
	    * csum_start + csum_offset not yet summed:                                             \
	    * its data is known good */

struct netif_rx {
	uint16_t buf; /* RX buffer index: the frame is at NETIF_FRAME_OFF in it */
	uint16_t len; /* frame bytes, NETIF_FRAME_MIN..NETIF_BUF_SIZE - NETIF_FRAME_OFF */
	uint16_t flags;
	uint16_t csum_start, csum_offset; /* NETIF_RX_CSUM_PARTIAL only */
	uint16_t reserved;
};
_Static_assert(sizeof(struct netif_rx) == 12, "netif_rx layout");

/* netif_frames.events */
#define NETIF_EV_LINK 1u /* the link changed since this connection last heard */

struct netif_frames {
	uint16_t count;
	uint8_t link; /* 1 up, 0 down, now */
	uint8_t events;
	uint32_t reserved;
	struct netif_rx rx[NETIF_RX_BATCH];
};
_Static_assert(sizeof(struct netif_frames) == 236, "netif_frames layout");

struct netif_return {
	uint16_t count; /* 1..NETIF_RETURN_MAX; len is 4 + 2 * count */
	uint16_t reserved;
	uint16_t buf[NETIF_RETURN_MAX];
};
_Static_assert(sizeof(struct netif_return) == 236, "netif_return layout");

/* netif_tx.flags */
#define NETIF_TX_CSUM 1u
#define NETIF_TX_LAZY 2u /* the answer may wait for the driver's next wake */

struct netif_tx {
	uint16_t buf;			  /* TX buffer index */
	uint16_t len;			  /* NETIF_FRAME_MIN..NETIF_FRAME_MAX */
	uint16_t flags;			  /* NETIF_TX_CSUM, NETIF_TX_LAZY */
	uint16_t csum_start, csum_offset; /* with NETIF_TX_CSUM; else 0 */
	uint16_t reserved;
};
_Static_assert(sizeof(struct netif_tx) == 12, "netif_tx layout");

struct netif_txv {
	uint16_t count; /* 1..NETIF_TX_BATCH; len is 4 + 12 * count */
	uint16_t reserved;
	struct netif_tx tx[NETIF_TX_BATCH];
};
_Static_assert(sizeof(struct netif_txv) == 232, "netif_txv layout");

/* The answer to NETIF_TX and NETIF_TXV, and to their refusal. */
struct netif_txdone {
	uint16_t buf;	/* the (first) entry's buffer */
	uint16_t count; /* frames this answer gives back: 0 in a refusal */
	int32_t status; /* VX_OK: the device has the frames */
};
_Static_assert(sizeof(struct netif_txdone) == 8, "netif_txdone layout");

#endif
