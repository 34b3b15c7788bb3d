/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A write-combining, read-ahead layer between a file system and a block
 * device whose data moves through one memory region (vfsd's MemCap, which
 * the driver maps for the device's DMA).
 *
 * A file system asks for a few sectors at a time: Keep for one 4 KiB
 * block, and every request to a driver Task costs a round trip through
 * the kernel, the IOMMU and an interrupt whatever its size.  So:
 *
 *   writes   Writes are kept in a few windows of the write area, each
 *            holding any sectors that fit in a span of `span` sectors
 *            (a quarter of the area, rounded down to a power of two): a run written in order, or
 * the scattered blocks of one commit, which Keep allocates close together (its two copies of
 * metadata far apart, one window each).  A write that fits no window takes an empty one or sends
 * the one written least recently to the device, one request per run of consecutive sectors it
 * holds.  A write of sectors a window holds replaces them, and no sector is ever held twice.  A
 * flush, or a read that needs the device's copy of held sectors, sends the windows involved first.
 *   reads    A read that starts where the previous one ended is
 *            sequential: it fills the whole read area from there, and
 *            the reads after it are copied out of the area.  Any other
 *            read fetches just its own sectors.  Writes update what the
 *            read area holds of the sectors they change, so it is never
 *            stale.
 *   flush    Sends the windows, then flushes the device.
 *
 * The file system's contract (lib/fs/blkdev.h) holds: a flush returns
 * once every write that returned before it is durable, and a read returns
 * the last bytes written.  What changes is when a write error is seen: a
 * write held in a window has not reached the device, so the device's
 * error for it is returned by the call that sends the window (a later
 * write that needs the window, a read that needs it, or the flush), and
 * that window is dropped.  Every caller of this layer treats a
 * failed write or flush as the loss of everything since its last flush
 * (Keep remounts at the last commit; FAT32 reports the error).
 *
 * Pure logic over the caller's callbacks, for vfsd and for the host tests
 * (tests/host/test_blkbuf.c, a model-based test).
 */
#ifndef VX_FS_BLKBUF_H
#define VX_FS_BLKBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fs/blkdev.h"

/* The device below: I/O between sectors and the region at byte offset off. */
struct vx_blkbuf_dev {
	void *ctx;
	int (*read)(void *ctx, uint64_t lba, uint32_t count, size_t off);
	int (*write)(void *ctx, uint64_t lba, uint32_t count, size_t off);
	int (*flush)(void *ctx);
	uint64_t sectors;
};

struct vx_blkbuf_stats {
	uint64_t reads, writes, flushes; /* calls from the file system */
	uint64_t dev_reads, dev_writes;	 /* requests sent to the device */
	uint64_t read_hits;		 /* reads that needed no device request */
	uint64_t joined;		 /* writes that went into a window already in use */
	uint64_t dev_read_sectors, dev_write_sectors;
};

#define VX_BLKBUF_WINDOWS  4
#define VX_BLKBUF_SPAN_MAX 256u /* sectors a window spans at most (a power of two) */

/*
 * A window: the sectors it holds lie in [lo, hi), hi - lo <= span, and
 * are marked in map; sector s is kept in slot (s - anchor) mod span of
 * the window's part of the write area, so a run written in order from
 * anchor lies in order in memory.
 */
struct vx_blkbuf_win {
	uint64_t anchor, lo, hi; /* lo == hi: empty */
	uint32_t used;		 /* the write tick of its last write */
	bool settled;		 /* its anchor is final (blkbuf.c, settle) */
	uint8_t map[VX_BLKBUF_SPAN_MAX / 8];
};

struct vx_blkbuf {
	struct vx_blkbuf_dev dev;
	uint8_t *mem;  /* the region: write area, then read area */
	uint32_t wmax; /* sectors of the write area, at mem */
	uint32_t rmax; /* sectors of the read area, at mem + wmax * 512 */
	uint32_t span; /* sectors per window: wmax / VX_BLKBUF_WINDOWS, at most SPAN_MAX */
	uint32_t tick;
	struct vx_blkbuf_win win[VX_BLKBUF_WINDOWS];
	uint64_t rlba; /* the read area holds rn sectors from rlba */
	uint32_t rn;
	uint64_t next; /* where the previous read ended */
	struct vx_blkbuf_stats st;
};

/*
 * Sets b up over dev with the region mem: the first wbytes for the write
 * area, the next rbytes for the read area (each a multiple of 512; the
 * write area at least one sector per window, and used up to
 * VX_BLKBUF_SPAN_MAX sectors per window).  VX_OK or VX_E_INVAL.
 */
int vx_blkbuf_init(struct vx_blkbuf *b, const struct vx_blkbuf_dev *dev, void *mem, size_t wbytes,
		   size_t rbytes);
/* The block device a file system is given: its calls go through b. */
struct vx_blkdev vx_blkbuf_blkdev(struct vx_blkbuf *b);
/* Sends every window to the device, without a flush: VX_OK or the first
 * error (the windows are empty either way). */
int vx_blkbuf_push(struct vx_blkbuf *b);
/* Forgets the windows and the read area (the device was replaced). */
void vx_blkbuf_reset(struct vx_blkbuf *b);

#endif
