/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio 1.x: the modern PCI transport and the split virtqueue, written
 * from the virtio 1.2 specification.  Read this comment and you can drive
 * a queue by hand, or check that this file does.
 *
 * WHAT THE CALLER BRINGS
 *
 * Pure logic over memory the caller maps, like dev/pci.h: no syscalls, no
 * allocation.  A driver Task has its configuration page mapped (cfg), each
 * BAR it needs mapped (struct vx_pci_map[6]) and DMA memory given as
 * (vaddr, ioaddr) pairs: vaddr is where the driver sees it, ioaddr is what
 * the device is told (they differ under an IOMMU).  The library only ever
 * writes ioaddrs into device-visible structures and only ever dereferences
 * vaddrs.  Everything is little-endian (virtio 1.x), which x86-64 is.
 *
 * THE TRANSPORT (struct vx_virtio)
 *
 * The device describes itself with vendor capabilities (id 0x09) in config
 * space: cfg_type 1 common configuration, 2 notification, 3 ISR status,
 * 4 device configuration; each names a BAR, an offset and a length.
 * vx_virtio_probe takes the first capability of each type whose BAR the
 * caller mapped, and checks that the structure lies wholly inside the BAR
 * (offset + length <= BAR size) or returns VX_E_CORRUPT; the common
 * configuration must be at least 56 bytes.  A driver then runs:
 *
 *   1. vx_virtio_begin      reset (write 0 to device_status and wait, a
 *                           bounded number of reads, until it reads 0;
 *                           VX_E_TIMEOUT otherwise), then ACKNOWLEDGE, DRIVER
 *   2. vx_virtio_negotiate  read the 64 device feature bits through
 *                           device_feature_select 0 and 1; VIRTIO_F_VERSION_1
 *                           missing is VX_E_INVAL (a legacy device); accept
 *                           the device-type bits the driver asked for plus the
 *                           transport bits this library implements (VERSION_1,
 *                           EVENT_IDX, ACCESS_PLATFORM, ORDER_PLATFORM) where
 *                           offered; write them, set FEATURES_OK, and read the
 *                           status back: if the device cleared FEATURES_OK it
 *                           refused the set: FAILED is written, VX_E_STATE
 *   3. vx_virtio_queue_max  how big queue i may be (0: no such queue)
 *      vx_virtq_init        lay out the queue in the caller's memory
 *      vx_virtio_queue_setup queue_select, queue_size, the three ioaddrs,
 *                           queue_msix_vector (read back: the device answers
 *                           VIRTIO_MSI_NO_VECTOR when it cannot, VX_E_FULL),
 *                           the notify address (checked inside the notify
 *                           structure), then queue_enable = 1
 *   4. vx_virtio_config_vector  the same read-back for config changes
 *   5. vx_virtio_ready      DRIVER_OK: the device may now use the queues
 * Any failure after step 1: vx_virtio_fail (status FAILED), and start over
 * with vx_virtio_begin.
 *
 * THE SPLIT VIRTQUEUE (struct vx_virtq)
 *
 * One caller-supplied region of vx_virtq_bytes(n) bytes, 16-byte aligned
 * in both vaddr and ioaddr, holds the three device-visible parts:
 *
 *     +0               descriptor table  n x {le64 addr, le32 len,
 *                                          le16 flags, le16 next}
 *     +16n             available ring    le16 flags, le16 idx, le16 ring[n],
 *                                          le16 used_event
 *     +align4(18n+6)   used ring         le16 flags, le16 idx,
 *                                          {le32 id, le32 len} ring[n],
 *                                          le16 avail_event
 *
 * plus n struct vx_virtq_slot in memory the device cannot see: the
 * driver's shadow of every descriptor.  n is a power of two, 1..32768.
 *
 * Who writes what:
 *   driver  descriptors, avail flags/idx/ring, used_event
 *   device  used flags/idx/ring, avail_event
 * avail idx and used idx are free-running 16-bit counters; entry k of a
 * ring is slot k mod n.  The driver also keeps:
 *   avail_idx   its own copy of avail idx (it never reads avail back)
 *   last_used   how many used entries it has consumed
 *   kicked      avail idx at the last notification decision
 *
 * The six steps of one request:
 *   1. driver takes descriptors off its free list (shadow next fields),
 *      writes addr/len/flags/next of each, device-readable first, chained
 *      with F_NEXT, device-writable ones with F_WRITE;
 *   2. driver writes the head index into avail ring[avail_idx mod n];
 *   3. driver stores avail idx = avail_idx + 1 (release: the descriptors
 *      and ring entry are visible before the index is);
 *   4. kick: full fence (the idx store must be visible before the driver
 *      reads what the device asked for), then notify iff
 *        EVENT_IDX:  (u16)(avail_idx - avail_event - 1) < (u16)(avail_idx - kicked)
 *        otherwise:  avail_idx != kicked && !(used flags & VIRTQ_USED_F_NO_NOTIFY)
 *      by writing the queue index (16 bits) to the queue's notify address,
 *      and set kicked = avail_idx;
 *   5. device processes the chain and writes {id = head, len = bytes it
 *      wrote} into used ring[used idx mod n], then stores used idx + 1;
 *   6. driver loads used idx (acquire: the entry and the written buffers
 *      are visible after it), reads the entry at last_used mod n once,
 *      checks it (below), returns the chain's descriptors to its free list
 *      and gives the caller back the token it passed at step 1.
 *
 * Interrupts.  The driver asks for one after the next completion with
 * vx_virtq_irq_enable: under EVENT_IDX it stores used_event = last_used
 * (avail flags stay 0, as the specification requires), otherwise it clears
 * VIRTQ_AVAIL_F_NO_INTERRUPT; then a full fence and a re-read of used idx:
 * if something completed meanwhile it returns 1, and the caller polls again
 * instead of sleeping, so a completion is never lost between the check and
 * the wait.  Under EVENT_IDX the request is good for one interrupt, so the
 * driver's loop is always: vx_virtq_get until VX_E_EMPTY, then
 * vx_virtq_irq_enable, and round again if it returned 1; the same loop is
 * right without EVENT_IDX.  vx_virtq_irq_disable sets NO_INTERRUPT, or under EVENT_IDX
 * puts used_event just behind last_used, where the device will not cross
 * it for another 65535 completions.  Both are hints: a device may
 * interrupt anyway, and the driver copes with a spurious interrupt by
 * finding nothing new.
 *
 * HOSTILE DEVICES
 *
 * The device can write any byte of the region at any time, so the driver
 * treats everything it reads from it as a claim to check:
 *   used idx moved by more than n, or by more than the chains in flight
 *                                 -> VX_E_CORRUPT
 *   used id >= n                  -> VX_E_CORRUPT
 *   used id not the head of a chain in flight (never added, already
 *   returned, or the middle of a chain)   -> VX_E_CORRUPT
 *   used len > the device-writable bytes of that chain -> VX_E_CORRUPT
 *   avail_event / used flags      only decide whether to notify: a lie
 *                                 costs the device its own notifications
 *   descriptor next fields rewritten (a loop, say): harmless, because the
 *   driver never reads the descriptor table back.  Chains are followed in
 *   the private shadow (slot[i].next, slot[head].count), which the device
 *   cannot reach, so freeing a chain takes exactly as many steps as it
 *   had descriptors.
 * A VX_E_CORRUPT marks the queue broken: every later call returns
 * VX_E_STATE until vx_virtq_init runs again (after a device reset, since
 * the device may still own buffers).  Each token is returned at most once.
 * Every index into the region is masked with n - 1 or checked < n first,
 * so no value the device writes can move an access out of the region.
 *
 * BARRIERS
 *
 * __atomic builtins, so the same code is right freestanding and on the
 * host: release store of avail idx, acquire load of used idx, and a
 * sequentially consistent fence where a store must be visible before a
 * load (steps 4 and the irq re-check).  On x86-64 DMA is cache coherent
 * and these suffice, including under VIRTIO_F_ORDER_PLATFORM.
 */
#ifndef VX_DEV_VIRTIO_H
#define VX_DEV_VIRTIO_H

#include <stdint.h>

#include "vectra/abi.h"
#include "dev/pci.h"

/* Device status bits. */
#define VX_VIRTIO_S_ACKNOWLEDGE	       0x01u
#define VX_VIRTIO_S_DRIVER	       0x02u
#define VX_VIRTIO_S_DRIVER_OK	       0x04u
#define VX_VIRTIO_S_FEATURES_OK	       0x08u
#define VX_VIRTIO_S_DEVICE_NEEDS_RESET 0x40u
#define VX_VIRTIO_S_FAILED	       0x80u

/* Transport feature bits (bit numbers). */
#define VX_VIRTIO_F_INDIRECT_DESC   28
#define VX_VIRTIO_F_EVENT_IDX	    29
#define VX_VIRTIO_F_VERSION_1	    32
#define VX_VIRTIO_F_ACCESS_PLATFORM 33
#define VX_VIRTIO_F_RING_PACKED	    34
#define VX_VIRTIO_F_ORDER_PLATFORM  36
/* Bits a driver may ask for: the device-type ranges 0..23 and 50..63. */
#define VX_VIRTIO_DEVICE_FEATURES (0x00ffffffull | (~0ull << 50))

#define VX_VIRTIO_MSI_NO_VECTOR 0xffffu
#define VX_VIRTIO_RESET_POLLS	1000000u /* device_status reads before VX_E_TIMEOUT */

/* The common configuration structure (byte offsets). */
#define VX_VIRTIO_C_DFSELECT 0x00u
#define VX_VIRTIO_C_DF	     0x04u
#define VX_VIRTIO_C_GFSELECT 0x08u
#define VX_VIRTIO_C_GF	     0x0cu
#define VX_VIRTIO_C_MSIX     0x10u
#define VX_VIRTIO_C_NUMQ     0x12u
#define VX_VIRTIO_C_STATUS   0x14u
#define VX_VIRTIO_C_CFGGEN   0x15u
#define VX_VIRTIO_C_Q_SELECT 0x16u
#define VX_VIRTIO_C_Q_SIZE   0x18u
#define VX_VIRTIO_C_Q_MSIX   0x1au
#define VX_VIRTIO_C_Q_ENABLE 0x1cu
#define VX_VIRTIO_C_Q_NOFF   0x1eu
#define VX_VIRTIO_C_Q_DESC   0x20u
#define VX_VIRTIO_C_Q_DRIVER 0x28u
#define VX_VIRTIO_C_Q_DEVICE 0x30u
#define VX_VIRTIO_COMMON_MIN 0x38u /* 56: the 1.0 layout */

/* vendor capability cfg_type values */
#define VX_VIRTIO_CAP_COMMON 1u
#define VX_VIRTIO_CAP_NOTIFY 2u
#define VX_VIRTIO_CAP_ISR    3u
#define VX_VIRTIO_CAP_DEVICE 4u

struct vx_virtq;

/* One modern virtio PCI function.  Filled by vx_virtio_probe. */
struct vx_virtio {
	volatile uint8_t *common; /* common configuration */
	volatile uint8_t *notify; /* start of the notification structure */
	uint64_t notify_len;
	uint32_t notify_mult; /* notify_off_multiplier */
	volatile uint8_t *isr;
	volatile uint8_t *device; /* device configuration, NULL if none */
	uint64_t device_len;
	uint64_t features; /* accepted by vx_virtio_negotiate */
	uint32_t reset_polls;
	/* Test seam: when set, called after every write to the common
	 * configuration with the offset written, so a host model of the
	 * device can react as real registers would.  Drivers leave it NULL. */
	void (*wrote)(void *arg, uint32_t off);
	void *wrote_arg;
};

/* Finds the four structures (see above) and checks each lies inside its
 * mapped BAR.  VX_E_NOTFOUND if common, notify or ISR is missing (or only
 * in unmapped BARs); VX_E_CORRUPT for a structure outside its BAR, a
 * capability shorter than its type needs, or a bad capability list. */
int vx_virtio_probe(struct vx_virtio *d, const volatile uint8_t *cfg,
		    const struct vx_pci_map map[VX_PCI_NBARS]);

/* Writes 0 to device_status and waits until it reads 0: VX_E_TIMEOUT
 * after reset_polls reads.  Queues set up before are gone after it. */
int vx_virtio_reset(struct vx_virtio *d);
/* Step 1: reset, ACKNOWLEDGE, DRIVER.  Errors of vx_virtio_reset. */
int vx_virtio_begin(struct vx_virtio *d);
/* Step 2: negotiates and sets d->features (see above).  VX_E_INVAL if
 * VERSION_1 is not offered, VX_E_STATE if the device refuses FEATURES_OK;
 * both leave the device FAILED. */
int vx_virtio_negotiate(struct vx_virtio *d, uint64_t want);
/* 1 if feature bit `bit` (0..63) was accepted by vx_virtio_negotiate. */
int vx_virtio_has(const struct vx_virtio *d, unsigned bit);
/* num_queues as the device reports it. */
uint16_t vx_virtio_num_queues(const struct vx_virtio *d);
/* Maximum size of queue idx; 0 if the queue does not exist. */
uint16_t vx_virtio_queue_max(struct vx_virtio *d, uint16_t idx);
/* Step 3: hands q (after vx_virtq_init) to the device as queue idx, with
 * MSI-X vector `vector` (VX_VIRTIO_MSI_NO_VECTOR for none) and enables it.
 * VX_E_NOTFOUND: no such queue; VX_E_RANGE: q->size above the maximum;
 * VX_E_STATE: already enabled; VX_E_FULL: the device refused the vector;
 * VX_E_CORRUPT: its notify address lies outside the notify structure. */
int vx_virtio_queue_setup(struct vx_virtio *d, uint16_t idx, struct vx_virtq *q, uint16_t vector);
/* Step 4: config_msix_vector with read-back; VX_E_FULL if refused. */
int vx_virtio_config_vector(struct vx_virtio *d, uint16_t vector);
/* Step 5: DRIVER_OK. */
void vx_virtio_ready(struct vx_virtio *d);
/* Sets FAILED: the driver gives up on the device until the next reset. */
void vx_virtio_fail(struct vx_virtio *d);
/* device_status as read now (DEVICE_NEEDS_RESET means: reset and redo). */
uint8_t vx_virtio_status(const struct vx_virtio *d);
/* Reads (and so clears) the ISR status: bit 0 queue, bit 1 config.  Only
 * needed with INTx; MSI-X says which vector fired instead. */
uint8_t vx_virtio_isr(const struct vx_virtio *d);

/* Device configuration: one field of width 1, 2, 4 or 8 bytes at off,
 * naturally aligned (VX_E_ALIGN), inside the structure (VX_E_RANGE).
 * 8-byte reads are two 4-byte reads retried while config_generation
 * changes (VX_E_AGAIN if it keeps changing). */
int vx_virtio_cfg_read(const struct vx_virtio *d, uint32_t off, unsigned width, uint64_t *val);
int vx_virtio_cfg_write(const struct vx_virtio *d, uint32_t off, unsigned width, uint64_t val);

/* ---- the split virtqueue ------------------------------------------- */

#define VX_VIRTQ_MAX		      32768u
#define VX_VIRTQ_DESC_F_NEXT	      1u
#define VX_VIRTQ_DESC_F_WRITE	      2u
#define VX_VIRTQ_AVAIL_F_NO_INTERRUPT 1u
#define VX_VIRTQ_USED_F_NO_NOTIFY     1u

/* The driver's private record of one descriptor. */
struct vx_virtq_slot {
	uint64_t token; /* head only: the caller's token */
	uint64_t wlen;	/* head only: device-writable bytes of the chain */
	uint16_t next;	/* next descriptor of the chain, or of the free list */
	uint16_t count; /* head only: descriptors in the chain */
	uint8_t state;	/* free, head in flight, or body in flight */
	uint8_t pad[3];
};

/* One buffer of a chain. */
struct vx_virtq_seg {
	uint64_t ioaddr;
	uint32_t len;	   /* > 0 */
	uint32_t writable; /* 1: the device writes it; must come after readable ones */
};

struct vx_virtq {
	volatile uint8_t *desc, *avail, *used; /* driver's view */
	uint64_t ioaddr;		       /* device's view of desc */
	struct vx_virtq_slot *slot;
	volatile uint16_t *notify; /* set by vx_virtio_queue_setup; NULL: none */
	uint16_t index;		   /* queue number written to notify */
	uint16_t size;
	uint16_t free_head;
	uint16_t num_free;
	uint16_t avail_idx;
	uint16_t kicked;
	uint16_t last_used;
	uint16_t inflight; /* chains */
	uint8_t event_idx;
	uint8_t broken;
};

/* Bytes of device-visible memory a queue of n entries needs (0 if n is
 * not a power of two in 1..32768).  The private shadow is n slots. */
uint64_t vx_virtq_bytes(uint32_t n);
/* Offsets within the region of the avail and used rings. */
uint64_t vx_virtq_avail_off(uint32_t n);
uint64_t vx_virtq_used_off(uint32_t n);

/* Lays out a queue of n entries in the region (vaddr, ioaddr) of
 * vx_virtq_bytes(n) bytes, zeroes it, and puts every descriptor on the
 * free list; slot[] is n entries the device cannot see.  event_idx: 1 iff
 * VIRTIO_F_EVENT_IDX was negotiated.  VX_E_INVAL for a bad n, VX_E_ALIGN
 * if vaddr or ioaddr is not 16-byte aligned. */
int vx_virtq_init(struct vx_virtq *q, uint32_t n, void *vaddr, uint64_t ioaddr,
		  struct vx_virtq_slot *slot, int event_idx);

/* Adds a chain of nseg buffers and makes it available (avail idx is
 * published; vx_virtq_kick decides whether to notify).  Returns the head
 * descriptor.  VX_E_INVAL: nseg 0, a zero length, or a readable segment
 * after a writable one; VX_E_TOOBIG: nseg > queue size; VX_E_FULL: not
 * enough free descriptors now; VX_E_STATE: broken. */
int vx_virtq_add(struct vx_virtq *q, const struct vx_virtq_seg *seg, uint32_t nseg, uint64_t token);

/* Decides whether the device needs a notification for what was added
 * since the last kick (step 4 above) and, if so and q->notify is set,
 * writes it.  Returns 1 if notified (or would be), 0 if not needed,
 * VX_E_STATE if broken. */
int vx_virtq_kick(struct vx_virtq *q);

/* Takes the next completed chain: *token and *len (bytes the device
 * wrote).  VX_OK, VX_E_EMPTY if none, VX_E_CORRUPT for a lying device
 * (see above; the queue is then broken), VX_E_STATE if broken. */
int vx_virtq_get(struct vx_virtq *q, uint64_t *token, uint32_t *len);

/* Asks for an interrupt at the next completion.  Returns 1 if completions
 * are already waiting (poll instead of sleeping), 0 if not, VX_E_STATE if
 * broken. */
int vx_virtq_irq_enable(struct vx_virtq *q);
/* Asks the device not to interrupt (a hint). */
void vx_virtq_irq_disable(struct vx_virtq *q);

#endif
