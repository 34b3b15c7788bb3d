/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for lib/fs/fat32.h: the input is the start of a disk
 * image.  The device is 2^20 sectors (512 MiB) long: reads inside the
 * input return its bytes, reads past it zeros, and writes land in a
 * private copy of the input (past its end they are dropped), so the
 * writing paths meet the same hostile metadata as the reading ones.
 *
 * After a mount, every directory is walked (to depth 8, at most 4096
 * entries in all) and every file read whole in 64 KiB pieces; then one
 * file is created, written, renamed and truncated, a directory made and
 * removed, and the volume synced.
 *
 * Invariants: nothing reads or writes outside the device (ASan watches
 * the copy; the device callbacks trap on an out-of-range sector), every
 * call returns (no loop survives the chain bounds), every error is one of
 * the VX_E_* codes, and a read never returns more than it was asked for.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vectra/abi.h"
#include "fs/fat32.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			__builtin_trap();                                                          \
	} while (0)

#define SECTORS (1u << 20)

static uint8_t *disk;
static size_t disk_len;
static struct vx_fat vol;
static uint8_t buf[65536];
static int budget;

static int dev_read(void *ctx, uint64_t lba, uint32_t n, void *out)
{
	(void)ctx;
	CHECK(lba < SECTORS && n <= SECTORS - lba);
	for (uint32_t i = 0; i < n; i++) {
		uint64_t at = (lba + i) * 512;
		uint8_t *o = (uint8_t *)out + (size_t)i * 512;
		if (at + 512 <= disk_len)
			memcpy(o, disk + at, 512);
		else if (at < disk_len)
			memcpy(o, disk + at, disk_len - at),
			    memset(o + disk_len - at, 0, 512 - (disk_len - at));
		else
			memset(o, 0, 512);
	}
	return 0;
}

static int dev_write(void *ctx, uint64_t lba, uint32_t n, const void *in)
{
	(void)ctx;
	CHECK(lba < SECTORS && n <= SECTORS - lba);
	for (uint32_t i = 0; i < n; i++) {
		uint64_t at = (lba + i) * 512;
		if (at + 512 <= disk_len)
			memcpy(disk + at, (const uint8_t *)in + (size_t)i * 512, 512);
	}
	return 0;
}

static int dev_flush(void *ctx)
{
	(void)ctx;
	return 0;
}

static void check_err(long rc)
{
	CHECK(rc >= VX_E_LAST);
}

/* Reads file n whole. */
static void read_all(const struct vx_fat_node *n)
{
	for (uint32_t off = 0; off < n->size && budget > 0; off += sizeof(buf), budget--) {
		long got = vx_fat_read(&vol, n, off, buf, sizeof(buf));
		check_err(got);
		if (got <= 0)
			return;
		CHECK(got <= (long)sizeof(buf));
	}
}

/* Walks directory d and everything below it. */
static void walk(const struct vx_fat_node *d, int depth)
{
	struct vx_fat_dircur cur = {0};
	struct vx_fat_dirent e;
	int rc;

	while (budget-- > 0 && (rc = vx_fat_readdir(&vol, d, &cur, &e)) == 1) {
		CHECK(memchr(e.name, 0, sizeof(e.name)) != NULL);
		if (e.node.attr & VX_FAT_DIR) {
			if (depth < 8)
				walk(&e.node, depth + 1);
		} else {
			read_all(&e.node);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vx_fat_dev dev = {NULL, dev_read, dev_write, dev_flush, SECTORS};
	struct vx_fat_node root, n;
	uint32_t fc;
	uint64_t fb;

	disk = malloc(size ? size : 1);
	memcpy(disk, data, size);
	disk_len = size;
	budget = 4096;
	if (vx_fat_mount(&vol, &dev) == 0) {
		vx_fat_root(&vol, &root);
		walk(&root, 0);
		check_err(vx_fat_free(&vol, &fc, &fb));
		if (vx_fat_create(&vol, "fuzzed file name.txt", &n) == 0) {
			check_err(
			    vx_fat_write(&vol, &n, 700, data, size < 4000 ? (uint32_t)size : 4000));
			check_err(vx_fat_rename(&vol, "fuzzed file name.txt", "F.TXT"));
			check_err(vx_fat_truncate(&vol, &n, 10));
		}
		check_err(vx_fat_mkdir(&vol, "a dir"));
		check_err(vx_fat_unlink(&vol, "a dir"));
		check_err(vx_fat_sync(&vol));
	} else {
		CHECK(vol.why < VX_FAT_WHY_COUNT);
	}
	free(disk);
	return 0;
}
