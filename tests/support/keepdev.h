/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An in-memory block device for Keep's host tests (lib/fs/keep.h): an
 * image of 512-byte sectors, counting writes and flushes, with an optional
 * hook that sees every write and flush in order (the crash test records
 * them) and an optional failure after a number of writes.
 */
#ifndef VX_TESTS_KEEPDEV_H
#define VX_TESTS_KEEPDEV_H

#include <stddef.h>
#include <stdint.h>

#include "fs/blkdev.h"

struct memdev {
	uint8_t *img;
	uint64_t sectors;
	uint64_t writes, flushes;
	long fail_after; /* > 0: the write that makes it 0 fails */
	void (*hook)(void *ctx, int flush, uint64_t lba, uint32_t count, const void *buf);
	void *hook_ctx;
};

/* A zeroed image of `bytes` (a multiple of 512). */
void memdev_init(struct memdev *m, uint64_t bytes);
void memdev_free(struct memdev *m);
/* The device callbacks over m. */
struct vx_blkdev memdev_blk(struct memdev *m);
/* Keep's work area for the tests (one static buffer of `len` bytes). */
void *keep_work(size_t len);

#endif
