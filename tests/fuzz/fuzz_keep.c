/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for Keep (lib/fs/keep.h): hostile images.
 *
 * At start a real volume is built in memory (4 MiB: directories, plain,
 * sparse and content-addressed files, a snapshot, some history), and a
 * copy of it after three fsyncs through the intent log that no commit
 * followed (writes, creates, an unlink, a mkdir, renames, truncates) (flag bit 5 starts from that
 * one: its mount replays a log).  An input is a byte of flags, then patches: {u16 block, u16
 * offset, u8 len, len bytes} written over that image, so mutations land on live structures rather
 * than on empty space. Flag bit 0 mounts with VX_KEEP_NOVERIFY, under which a checksum mismatch is
 * ignored: the patched bytes then reach the parsers of every structure behind the checksum gate
 * (uberblock, root block, block pointers, inodes, entries, free map, logs, snapshot and dedup
 * tables).  Without it, the gate itself is fuzzed.
 *
 * After a mount: every directory is walked (depth 8, 4096 entries) and
 * every file read, live and in each snapshot; then vx_keep_check; then a
 * file is created, written, renamed over another, truncated and removed,
 * a directory made and removed, a snapshot made and deleted, reclaim run
 * and the volume synced, so the writing paths meet the hostile metadata
 * too.  Hashing every block read dominates a run, so the flag byte also
 * picks the phases: bit 1 the check, bit 2 the writes, bit 3 the
 * snapshot and reclaim, bit 4 writes fsynced through the log and a
 * remount that replays them (the walks always run), bit 6 a read-only mount first (it replays the
 * log in memory; walked, and checked with bit 1) that must not write or flush the device.
 * Invariants: no access outside the device or
 * the work area (ASan), every call returns, every error is a VX_E_*, no read returns more than
 * asked.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vectra/abi.h"
#include "fs/keep.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			__builtin_trap();                                                          \
	} while (0)

#define BLOCKS 1024
#define DISK   (BLOCKS * 4096u)
#define WORK   (256u * 1024)

static uint8_t *base, *base_log, *disk, *work;
static struct vx_keep vol;
static uint8_t buf[65536];
static int budget;

static int dev_read(void *ctx, uint64_t lba, uint32_t n, void *out)
{
	(void)ctx;
	CHECK(lba < DISK / 512 && n <= DISK / 512 - lba);
	memcpy(out, disk + lba * 512, (size_t)n * 512);
	return 0;
}

static bool rdonly; /* a read-only mount is up: no write, no flush */

static int dev_write(void *ctx, uint64_t lba, uint32_t n, const void *in)
{
	(void)ctx;
	CHECK(!rdonly);
	CHECK(lba < DISK / 512 && n <= DISK / 512 - lba);
	memcpy(disk + lba * 512, in, (size_t)n * 512);
	return 0;
}

static int dev_flush(void *ctx)
{
	(void)ctx;
	CHECK(!rdonly);
	return 0;
}

static const struct vx_blkdev dev = {NULL, dev_read, dev_write, dev_flush, DISK / 512};

static void check_err(long rc)
{
	CHECK(rc >= VX_E_LAST);
}

static void put(const char *path, uint32_t flags, uint64_t off, uint32_t len, uint8_t fill)
{
	struct vx_keep_node n;
	memset(buf, fill, sizeof(buf));
	if (vx_keep_create(&vol, path, flags, &n) == 0)
		vx_keep_write(&vol, &n, off, buf, len);
}

/* The starting volume. */
static void build(void)
{
	base = calloc(1, DISK);
	base_log = calloc(1, DISK);
	disk = calloc(1, DISK);
	work = aligned_alloc(64, WORK);
	CHECK(base && base_log && disk && work);
	CHECK(vx_keep_format(&dev, "fuzz", work, WORK) == 0);
	CHECK(vx_keep_mount(&vol, &dev, work, WORK, 0) == 0);
	vx_keep_mkdir(&vol, "etc");
	vx_keep_mkdir(&vol, "etc/deep");
	put("etc/conf", 0, 0, 3000, 'c');
	put("etc/deep/data", 0, 0, 40000, 'd');
	put("sparse", 0, 300000, 100, 's');
	put("pkg-1", VX_KEEP_F_DEDUP, 0, 20000, 'p');
	put("pkg-2", VX_KEEP_F_DEDUP, 0, 20000, 'p');
	vx_keep_snap_create(&vol, "snap");
	vx_keep_unlink(&vol, "pkg-1");
	vx_keep_rename(&vol, "etc/conf", "conf");
	put("late", 0, 0, 5000, 'l');
	CHECK(vx_keep_sync(&vol) == 0);
	memcpy(base, disk, DISK);
	/* Two fsyncs through the intent log, then the "power cut". */
	struct vx_keep_node n;
	memset(buf, 'L', sizeof(buf));
	CHECK(vx_keep_lookup(&vol, "late", &n) == 0);
	CHECK(vx_keep_write(&vol, &n, 1000, buf, 9000) == 9000);
	put("etc/logged", 0, 0, 6000, 'n');
	CHECK(vx_keep_fsync(&vol, &n) == 0);
	CHECK(vx_keep_lookup(&vol, "sparse", &n) == 0);
	CHECK(vx_keep_write(&vol, &n, 8192, buf, 100) == 100);
	CHECK(vx_keep_unlink(&vol, "conf") == 0);
	CHECK(vx_keep_mkdir(&vol, "etc/deep/logged-directory-with-a-name-of-two-slots") == 0);
	CHECK(vx_keep_fsync(&vol, &n) == 0);
	/* A third, of renames and truncates (its own log block: the first
	 * two stay where the seeds aim): a rename into a directory, one over
	 * a file, a file cut short, one grown. */
	CHECK(vx_keep_rename(&vol, "etc/logged", "etc/deep/moved") == 0);
	put("tmp", 0, 0, 700, 't');
	CHECK(vx_keep_rename(&vol, "tmp", "etc/deep/data") == 0);
	CHECK(vx_keep_lookup(&vol, "late", &n) == 0);
	CHECK(vx_keep_truncate(&vol, &n, 3000) == 0);
	CHECK(vx_keep_lookup(&vol, "sparse", &n) == 0);
	CHECK(vx_keep_truncate(&vol, &n, 400000) == 0);
	CHECK(vx_keep_fsync(&vol, &n) == 0);
	CHECK(vol.il_fsyncs == 3);
	memcpy(base_log, disk, DISK);
	/* FUZZ_KEEP_IMAGE=file saves the starting image (to aim seeds at the
	 * log blocks: tests/fuzz/corpus/fuzz_keep/log-*). */
	const char *save = getenv("FUZZ_KEEP_IMAGE");
	FILE *f = save ? fopen(save, "wb") : NULL;
	if (f) {
		CHECK(fwrite(base_log, 1, DISK, f) == DISK);
		fclose(f);
	}
}

static void read_all(const struct vx_keep_node *n)
{
	for (uint64_t off = 0; off < n->size && budget > 0; off += sizeof(buf), budget -= 16) {
		long got = vx_keep_read(&vol, n, off, buf, sizeof(buf));
		check_err(got);
		if (got <= 0)
			return;
		CHECK(got <= (long)sizeof(buf));
	}
}

static void walk(const struct vx_keep_node *d, int depth)
{
	struct vx_keep_dircur cur = {0};
	struct vx_keep_dirent e;
	int rc;
	while (budget-- > 0 && (rc = vx_keep_readdir(&vol, d, &cur, &e)) == 1) {
		CHECK(memchr(e.name, 0, sizeof(e.name)) != NULL);
		if (e.node.type == VX_KEEP_DIR) {
			if (depth < 8)
				walk(&e.node, depth + 1);
		} else {
			read_all(&e.node);
		}
	}
}

static void report(void *ctx, enum vx_keep_violation what, uint64_t ino, uint64_t block,
		   const char *detail)
{
	(void)ctx, (void)ino, (void)block;
	CHECK(what > 0 && what < VX_KEEP_V_COUNT_MAX && detail);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!base)
		build();
	memcpy(disk, size && (data[0] & 32) ? base_log : base, DISK);
	uint32_t flags = size && (data[0] & 1) ? VX_KEEP_NOVERIFY : 0;
	for (size_t at = 1; at + 5 <= size;) {
		uint32_t blk = (data[at] | (uint32_t)data[at + 1] << 8) % BLOCKS;
		uint32_t off = (data[at + 2] | (uint32_t)data[at + 3] << 8) % 4096;
		size_t len = data[at + 4];
		at += 5;
		if (len > size - at)
			len = size - at;
		if (len > 4096 - off)
			len = 4096 - off;
		memcpy(disk + (size_t)blk * 4096 + off, data + at, len);
		at += len;
	}
	budget = 4096;
	uint8_t phases = size ? data[0] : 0;
	if (phases & 64) {
		/* Read-only first: the log replayed in memory, nothing written. */
		rdonly = true;
		int ro = vx_keep_mount(&vol, &dev, work, WORK, flags | VX_KEEP_RDONLY);
		check_err(ro);
		CHECK(vol.why < VX_KEEP_WHY_COUNT && vol.il_stop < VX_KEEP_IL_COUNT);
		struct vx_keep_node r;
		if (ro == 0 && vx_keep_root(&vol, &r) == 0)
			walk(&r, 0);
		if (ro == 0 && (phases & 2))
			check_err(vx_keep_check(&vol, report, NULL));
		rdonly = false;
		budget = 4096;
	}
	int rc = vx_keep_mount(&vol, &dev, work, WORK, flags);
	if (rc != 0) {
		check_err(rc);
		CHECK(vol.why < VX_KEEP_WHY_COUNT);
		return 0;
	}
	struct vx_keep_node root, n;
	if (vx_keep_root(&vol, &root) == 0)
		walk(&root, 0);
	struct vx_keep_snapinfo info;
	for (uint32_t i = 0; i < 4 && vx_keep_snap_list(&vol, i, &info) == 1; i++) {
		uint64_t view;
		if (vx_keep_snap_open(&vol, info.name, &view) == 0 &&
		    vx_keep_lookup_at(&vol, view, "", &root) == 0)
			walk(&root, 0);
	}
	if (phases & 2)
		check_err(vx_keep_check(&vol, report, NULL));
	struct vx_keep_statfs st;
	check_err(vx_keep_statfs(&vol, &st));
	if ((phases & 4) && vx_keep_create(&vol, "fuzzed", 0, &n) == 0) {
		check_err(vx_keep_write(&vol, &n, 5000, data, size < 9000 ? (uint32_t)size : 9000));
		check_err(vx_keep_rename(&vol, "fuzzed", "late"));
		check_err(vx_keep_truncate(&vol, &n, 10));
		check_err(vx_keep_unlink(&vol, "late"));
	}
	if (phases & 4) {
		check_err(vx_keep_mkdir(&vol, "etc/new"));
		check_err(vx_keep_unlink(&vol, "etc/new"));
	}
	if ((phases & 16) && vx_keep_lookup(&vol, "late", &n) == 0) {
		check_err(vx_keep_write(&vol, &n, 3000, data, size < 5000 ? (uint32_t)size : 5000));
		check_err(vx_keep_unlink(&vol, "etc/conf"));
		if (vx_keep_create(&vol, "etc/made", 0, &n) == 0)
			check_err(
			    vx_keep_write(&vol, &n, 0, data, size < 300 ? (uint32_t)size : 300));
		check_err(vx_keep_fsync(&vol, &n));
		rc = vx_keep_mount(&vol, &dev, work, WORK, flags);
		if (rc != 0) {
			check_err(rc);
			return 0;
		}
		CHECK(vol.il_stop < VX_KEEP_IL_COUNT);
		if (vx_keep_root(&vol, &root) == 0)
			walk(&root, 0);
	}
	if (phases & 8) {
		check_err(vx_keep_snap_create(&vol, "fz"));
		check_err(vx_keep_snap_delete(&vol, "fz"));
		check_err(vx_keep_reclaim(&vol));
	}
	check_err(vx_keep_sync(&vol));
	return 0;
}
