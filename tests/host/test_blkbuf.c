/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/fs/blkbuf.h, the write-combining, read-ahead layer, against a model.
 *
 * The device below is an array with its own copy of the region, so the
 * test sees exactly what reached it and when.  The model is the array a
 * plain device would hold after each call.  The random test mixes writes
 * (joined, rewriting the run, overlapping it from below, larger than the
 * write area), reads (sequential runs and random ones, larger than the
 * read area) and flushes, and checks after every call that a read returns
 * the model's bytes, and after every flush that the device holds the
 * model exactly and has been flushed after the last write it saw.  Every
 * request to the device must stay inside the disk and its region half.
 * Then by name: the counts of requests that make the layer worth having,
 * range errors, and a device write error surfacing at the call that
 * sends the run, with the read area dropped.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vectra/abi.h"
#include "fs/blkbuf.h"

#define SECTORS 4096u	     /* a 2 MiB disk */
#define WB	(512u * 512) /* four windows of 128 sectors */
#define RB	(32u * 512)

static struct dev {
	uint8_t disk[SECTORS * 512];
	uint8_t *region;
	int fail_write; /* the next write fails with VX_E_CORRUPT */
	uint64_t writes_since_flush;
} d;
static uint8_t model[SECTORS * 512];
static _Alignas(64) uint8_t region[WB + RB];

static int dev_read(void *ctx, uint64_t lba, uint32_t count, size_t off)
{
	(void)ctx;
	assert_true(count > 0 && lba + count <= SECTORS);
	assert_true(off == WB && off + (size_t)count * 512 <= WB + RB); /* the read area */
	memcpy(region + off, d.disk + lba * 512, (size_t)count * 512);
	return VX_OK;
}

static int dev_write(void *ctx, uint64_t lba, uint32_t count, size_t off)
{
	(void)ctx;
	assert_true(count > 0 && lba + count <= SECTORS);
	assert_true(off % 512 == 0 && off + (size_t)count * 512 <= WB); /* the write area */
	if (d.fail_write) {
		d.fail_write = 0;
		return VX_E_CORRUPT;
	}
	memcpy(d.disk + lba * 512, region + off, (size_t)count * 512);
	d.writes_since_flush++;
	return VX_OK;
}

static int dev_flush(void *ctx)
{
	(void)ctx;
	d.writes_since_flush = 0;
	return VX_OK;
}

static void setup(struct vx_blkbuf *b, struct vx_blkdev *fs)
{
	struct vx_blkbuf_dev dv = {.ctx = &d,
				   .read = dev_read,
				   .write = dev_write,
				   .flush = dev_flush,
				   .sectors = SECTORS};
	memset(&d, 0, sizeof(d));
	for (size_t i = 0; i < sizeof(d.disk); i++)
		d.disk[i] = (uint8_t)(i * 31 + 7);
	memcpy(model, d.disk, sizeof(model));
	assert_int_equal(vx_blkbuf_init(b, &dv, region, WB, RB), VX_OK);
	*fs = vx_blkbuf_blkdev(b);
	assert_int_equal(fs->sectors, SECTORS);
}

static uint64_t rng_state;
static uint32_t rnd(uint32_t n)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng_state >> 33) % n;
}

static void check_read(struct vx_blkdev *fs, uint64_t lba, uint32_t count)
{
	static uint8_t got[SECTORS * 512];
	assert_int_equal(fs->read(fs->ctx, lba, count, got), VX_OK);
	if (memcmp(got, model + lba * 512, (size_t)count * 512) != 0)
		fail_msg("read of %u sectors at %llu differs from the model", count,
			 (unsigned long long)lba);
}

static void test_blkbuf_random_against_model(void **state)
{
	(void)state;
	static struct vx_blkbuf b;
	struct vx_blkdev fs;
	static uint8_t data[SECTORS * 512];

	for (uint64_t seed = 1; seed <= 20; seed++) {
		setup(&b, &fs);
		rng_state = seed;
		uint64_t seq = rnd(SECTORS), wseq = rnd(SECTORS);
		for (int op = 0; op < 3000; op++) {
			uint32_t kind = rnd(100);
			uint32_t count = rnd(8) == 0 ? 1 + rnd(300) : 1 + rnd(16);
			uint64_t lba;
			if (kind < 45) {
				/* writes: continuing a run, near the last one, anywhere */
				uint32_t where = rnd(4);
				lba = where == 0 ? rnd(SECTORS) : wseq;
				if (where == 1) /* around the last write, either side */
					lba = wseq + rnd(160) - rnd(160);
				if (lba >= SECTORS)
					lba = SECTORS - 1;
				if (lba + count > SECTORS)
					count = (uint32_t)(SECTORS - lba);
				for (uint32_t i = 0; i < count * 512; i++)
					data[i] = (uint8_t)rnd(256);
				assert_int_equal(fs.write(fs.ctx, lba, count, data), VX_OK);
				memcpy(model + lba * 512, data, (size_t)count * 512);
				wseq = (lba + count) % SECTORS;
			} else if (kind < 90) {
				lba = rnd(2) ? seq : rnd(SECTORS);
				if (lba + count > SECTORS)
					count = (uint32_t)(SECTORS - lba);
				check_read(&fs, lba, count);
				seq = (lba + count) % SECTORS;
			} else {
				assert_int_equal(fs.flush(fs.ctx), VX_OK);
				assert_memory_equal(d.disk, model, sizeof(model));
				assert_int_equal(d.writes_since_flush, 0);
			}
		}
		assert_int_equal(fs.flush(fs.ctx), VX_OK);
		assert_memory_equal(d.disk, model, sizeof(model));
		check_read(&fs, 0, SECTORS);
	}
}

/* What it is for: 1 MiB written as 4 KiB blocks in order is one request
 * per window's span, and read back in order one per read area's worth. */
static void test_blkbuf_sequential_counts(void **state)
{
	(void)state;
	static struct vx_blkbuf b;
	struct vx_blkdev fs;
	static uint8_t blk[4096];

	setup(&b, &fs);
	for (uint64_t i = 0; i < 256; i++) {
		memset(blk, (int)i, sizeof(blk));
		assert_int_equal(fs.write(fs.ctx, 64 + i * 8, 8, blk), VX_OK);
		memcpy(model + (64 + i * 8) * 512, blk, sizeof(blk));
	}
	assert_int_equal(fs.flush(fs.ctx), VX_OK);
	assert_int_equal(b.span, 128);
	assert_int_equal(b.st.dev_writes, 2048 / 128);
	assert_int_equal(b.st.joined, 256 - 2048 / 128);
	assert_memory_equal(d.disk, model, sizeof(model));
	for (uint64_t i = 0; i < 256; i++)
		check_read(&fs, 64 + i * 8, 8);
	/* the first read fetches its own 8 sectors; the rest come by 32 */
	assert_int_equal(b.st.dev_reads, 1 + (2048 - 8 + 31) / 32);
	assert_int_equal(b.st.read_hits, 256 - b.st.dev_reads);
}

/* One Keep commit as recorded on the host: the blocks of a 64 MiB file's
 * tree, each written twice, the copies far apart and neither in order.
 * Two windows take them, and the flush sends each as one request. */
static void test_blkbuf_scattered_commit(void **state)
{
	(void)state;
	static const uint64_t order[] = {1504, 3632, 1448, 3584, 1440, 3568, 1496,
					 1432, 3576, 1488, 3624, 1480, 3616, 1472,
					 3608, 1464, 3600, 1456, 3592, 1512, 3640};
	static struct vx_blkbuf b;
	struct vx_blkdev fs;
	uint8_t blk[4096];

	setup(&b, &fs);
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		memset(blk, (int)i + 1, sizeof(blk));
		assert_int_equal(fs.write(fs.ctx, order[i], 8, blk), VX_OK);
		memcpy(model + order[i] * 512, blk, sizeof(blk));
	}
	assert_int_equal(b.st.dev_writes, 0);
	assert_int_equal(fs.flush(fs.ctx), VX_OK);
	assert_int_equal(b.st.dev_writes, 2);
	assert_int_equal(b.st.dev_write_sectors, 21 * 8);
	assert_memory_equal(d.disk, model, sizeof(model));
}

static void test_blkbuf_range_errors(void **state)
{
	(void)state;
	static struct vx_blkbuf b;
	struct vx_blkdev fs;
	uint8_t blk[512] = {0};

	setup(&b, &fs);
	assert_int_equal(fs.read(fs.ctx, SECTORS, 1, blk), VX_E_RANGE);
	assert_int_equal(fs.write(fs.ctx, SECTORS - 1, 2, blk), VX_E_RANGE);
	assert_int_equal(fs.write(fs.ctx, UINT64_MAX, 1, blk), VX_E_RANGE);
	assert_int_equal(fs.read(fs.ctx, 1, UINT32_MAX, blk), VX_E_RANGE);
	assert_int_equal(b.st.dev_reads + b.st.dev_writes, 0);
	struct vx_blkbuf_dev dv = {.ctx = &d,
				   .read = dev_read,
				   .write = dev_write,
				   .flush = dev_flush,
				   .sectors = SECTORS};
	assert_int_equal(vx_blkbuf_init(&b, &dv, region, 100, RB), VX_E_INVAL);
	assert_int_equal(vx_blkbuf_init(&b, &dv, region, 3 * 512, RB), VX_E_INVAL);
	assert_int_equal(vx_blkbuf_init(&b, &dv, region, WB, 0), VX_E_INVAL);
}

/* A device error for a joined write comes back from the call that sends
 * the run, the run is dropped and the read area with it. */
static void test_blkbuf_write_error_surfaces(void **state)
{
	(void)state;
	static struct vx_blkbuf b;
	struct vx_blkdev fs;
	uint8_t blk[4096], got[4096];

	setup(&b, &fs);
	check_read(&fs, 100, 8);
	check_read(&fs, 108, 8); /* sequential: the read area holds 108.. */
	memset(blk, 0xab, sizeof(blk));
	assert_int_equal(fs.write(fs.ctx, 108, 8, blk), VX_OK);
	assert_int_equal(fs.read(fs.ctx, 108, 8, got), VX_OK);
	assert_memory_equal(got, blk, sizeof(blk)); /* the overlay */
	d.fail_write = 1;
	assert_int_equal(fs.flush(fs.ctx), VX_E_CORRUPT);
	for (int i = 0; i < VX_BLKBUF_WINDOWS; i++)
		assert_true(b.win[i].lo == b.win[i].hi);
	assert_int_equal(b.rn, 0);
	/* the device never took it: a read now sees the disk's bytes */
	check_read(&fs, 108, 8);
	/* four windows in use; the fifth far write sends the oldest, which fails */
	d.fail_write = 1;
	for (uint64_t i = 0; i < VX_BLKBUF_WINDOWS; i++)
		assert_int_equal(fs.write(fs.ctx, 200 + i * 1000, 1, blk), VX_OK);
	assert_int_equal(fs.write(fs.ctx, 4000, 1, blk), VX_E_CORRUPT);
	assert_int_equal(fs.flush(fs.ctx), VX_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_blkbuf_random_against_model),
	    cmocka_unit_test(test_blkbuf_sequential_counts),
	    cmocka_unit_test(test_blkbuf_scattered_commit),
	    cmocka_unit_test(test_blkbuf_range_errors),
	    cmocka_unit_test(test_blkbuf_write_error_surfaces),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
