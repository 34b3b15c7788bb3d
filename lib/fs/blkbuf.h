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
 *   writes   A write that continues the pending run (its first sector is
 *            the run's end) is copied onto the run's end in the write
 *            area; any other write, a full area, a read of sectors the
 *            run holds, or a flush sends the run to the device as one
 *            request.  A write inside the run replaces those bytes.
 *   reads    A read that starts where the previous one ended is
 *            sequential: it fills the whole read area from there, and
 *            the reads after it are copied out of the area.  Any other
 *            read fetches just its own sectors.  Writes update what the
 *            read area holds of the sectors they change, so it is never
 *            stale.
 *   flush    Sends the run, then flushes the device.
 *
 * The file system's contract (lib/fs/blkdev.h) holds: a flush returns
 * once every write that returned before it is durable, and a read returns
 * the last bytes written.  What changes is when a write error is seen: a
 * write that only joined the run has not reached the device, so the
 * device's error for it is returned by the call that sends the run (the
 * next write that does not continue it, a read that needs it, or the
 * flush), and that run is dropped.  Every caller of this layer treats a
 * failed write or flush as the loss of everything since its last flush
 * (Keep remounts at the last commit; FAT32 reports the error).
 *
 * Pure logic over the caller's callbacks, for vfsd and for the host tests
 * (tests/host/test_blkbuf.c, a model-based test).
 */
#ifndef VX_FS_BLKBUF_H
#define VX_FS_BLKBUF_H

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
	uint64_t read_hits;		 /* reads served from the read area */
	uint64_t joined;		 /* writes that joined the run */
	uint64_t dev_read_sectors, dev_write_sectors;
};

struct vx_blkbuf {
	struct vx_blkbuf_dev dev;
	uint8_t *mem;  /* the region: write area, then read area */
	uint32_t wmax; /* sectors of the write area, at mem */
	uint32_t rmax; /* sectors of the read area, at mem + wmax * 512 */
	uint64_t wlba; /* the pending run: wn sectors from wlba */
	uint32_t wn;
	uint64_t rlba; /* the read area holds rn sectors from rlba */
	uint32_t rn;
	uint64_t next; /* where the previous read ended */
	struct vx_blkbuf_stats st;
};

/*
 * Sets b up over dev with the region mem: the first wbytes for the write
 * area, the next rbytes for the read area (each a multiple of 512, at
 * least 512).  VX_OK or VX_E_INVAL.
 */
int vx_blkbuf_init(struct vx_blkbuf *b, const struct vx_blkbuf_dev *dev, void *mem, size_t wbytes,
		   size_t rbytes);
/* The block device a file system is given: its calls go through b. */
struct vx_blkdev vx_blkbuf_blkdev(struct vx_blkbuf *b);
/* Sends the pending run, if any, without a flush: VX_OK or its error. */
int vx_blkbuf_push(struct vx_blkbuf *b);
/* Forgets the pending run and the read area (the device was replaced). */
void vx_blkbuf_reset(struct vx_blkbuf *b);

#endif
