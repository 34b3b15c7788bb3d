/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A block device as a file system library sees it: 512-byte sectors
 * reached through three callbacks the caller brings, and the device's
 * size.  Callbacks return 0 or a negative VX_E_* that the library passes
 * back unchanged; read and write move `count` whole sectors starting at
 * `lba`; flush returns once every write that returned before it is
 * durable (a write cache may reorder writes between two flushes).
 *
 * It has the shape of struct vx_fat_dev (lib/fs/fat32.h), so one adapter
 * serves both FAT32 and Keep.
 */
#ifndef VX_FS_BLKDEV_H
#define VX_FS_BLKDEV_H

#include <stdint.h>

#define VX_BLKDEV_SECTOR 512

struct vx_blkdev {
	void *ctx;
	int (*read)(void *ctx, uint64_t lba, uint32_t count, void *buf);
	int (*write)(void *ctx, uint64_t lba, uint32_t count, const void *buf);
	int (*flush)(void *ctx);
	uint64_t sectors; /* the device's size in 512-byte sectors */
};

#endif
