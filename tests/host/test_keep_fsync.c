/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What an fsync costs Keep (lib/fs/keep.h), the host twin of the
 * fs_rand_write_4k_fsync benchmark (bench/fsbench): a 64 MiB file, then
 * 200 writes of 4 KiB at random 4 KiB offsets, each followed by
 * vx_keep_fsync, on an in-memory device behind lib/fs/blkbuf (vfsd's
 * write-combining layer, with vfsd's area sizes and work area).  Every
 * FSYNC_COMMIT_EVERY fsyncs a commit stands in for vfsd's 2 s timer.
 * It prints, per fsync and per timer commit: Keep's device writes, the
 * requests blkbuf sent, sectors, flushes and BLAKE3 calls and bytes; and
 * the same for create, write 4 KiB, fsync, unlink.  The assertions hold
 * the log path to its promise: per fsync of one block at most two device
 * writes joined into one request, one flush, two hashes.
 *
 * Built standalone with -DFSYNC_STANDALONE (no cmocka; the hash count
 * through -Wl,--wrap=vx_blake3) it also measures a tree without the log:
 * see docs/FS.md, "The intent log", for the numbers and how they were
 * taken (valgrind --tool=callgrind --toggle-collect=measure_fsync).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vectra/abi.h"
#include "crypto/blake3.h"
#include "fs/blkbuf.h"
#include "fs/keep.h"
#include "../support/keepdev.h"

#ifdef FSYNC_STANDALONE
#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x)) {                                                                        \
			fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #x);                    \
			abort();                                                                   \
		}                                                                                  \
	} while (0)
uint64_t hash_calls, hash_bytes;
void __real_vx_blake3(const void *p, size_t n, uint8_t *out, size_t outlen);
void __wrap_vx_blake3(const void *p, size_t n, uint8_t *out, size_t outlen);
void __wrap_vx_blake3(const void *p, size_t n, uint8_t *out, size_t outlen)
{
	hash_calls++;
	hash_bytes += n;
	__real_vx_blake3(p, n, out, outlen);
}
#else
#include <setjmp.h>
#include <stdarg.h>
#include <cmocka.h>
#define CHECK(x)   assert_true(x)
extern uint64_t kp_hash_calls, kp_hash_bytes;
#define hash_calls kp_hash_calls
#define hash_bytes kp_hash_bytes
#endif

#define DISK		   (512ull << 20) /* the benchmark's volume (bench/fsimg-keep.sh) */
#define FILE_BYTES	   (64ull << 20)
#define WORK		   (1u << 20)
#define OPS		   200
#define FSYNC_COMMIT_EVERY 50
#define WAREA		   (256u << 10)
#define RAREA		   (256u << 10)

static struct memdev md;
static struct vx_blkbuf bb;
static uint8_t *region;
static struct vx_keep vol, *v = &vol;
static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* blkbuf's device: the memdev, through the region. */
static int r_read(void *ctx, uint64_t lba, uint32_t count, size_t off)
{
	(void)ctx;
	return memdev_blk(&md).read(&md, lba, count, region + off);
}

static int r_write(void *ctx, uint64_t lba, uint32_t count, size_t off)
{
	(void)ctx;
	return memdev_blk(&md).write(&md, lba, count, region + off);
}

static int r_flush(void *ctx)
{
	(void)ctx;
	return memdev_blk(&md).flush(&md);
}

struct count {
	uint64_t calls, reqs, sectors, flushes, hashes, hbytes;
};

static struct count now(void)
{
	struct count c = {bb.st.writes, bb.st.dev_writes, bb.st.dev_write_sectors,
			  md.flushes,	hash_calls,	  hash_bytes};
	return c;
}

static void add(struct count *sum, struct count a, struct count b)
{
	sum->calls += b.calls - a.calls;
	sum->reqs += b.reqs - a.reqs;
	sum->sectors += b.sectors - a.sectors;
	sum->flushes += b.flushes - a.flushes;
	sum->hashes += b.hashes - a.hashes;
	sum->hbytes += b.hbytes - a.hbytes;
}

static void show(const char *what, const struct count *c, unsigned n)
{
	printf("# %-28s per op: %5.2f writes, %5.2f requests, %6.1f sectors, %4.2f flushes, "
	       "%5.2f hashes (%7.0f bytes)\n",
	       what, (double)c->calls / n, (double)c->reqs / n, (double)c->sectors / n,
	       (double)c->flushes / n, (double)c->hashes / n, (double)c->hbytes / n);
}

/* The measured calls, each its own function for callgrind's
 * --toggle-collect=measure_write (or measure_fsync, measure_commit). */
__attribute__((noinline)) static long measure_write(struct vx_keep_node *n, uint64_t off,
						    const void *buf)
{
	return vx_keep_write(v, n, off, buf, 4096);
}

__attribute__((noinline)) static int measure_fsync(struct vx_keep_node *n)
{
	return vx_keep_fsync(v, n);
}

__attribute__((noinline)) static int measure_commit(void)
{
	return vx_keep_sync(v);
}

static void setup_volume(void)
{
	memdev_init(&md, DISK);
	region = malloc(WAREA + RAREA);
	CHECK(region != NULL);
	struct vx_blkbuf_dev below = {NULL, r_read, r_write, r_flush, md.sectors};
	CHECK(vx_blkbuf_init(&bb, &below, region, WAREA, RAREA) == 0);
	struct vx_blkdev dev = vx_blkbuf_blkdev(&bb);
	CHECK(vx_keep_format(&dev, "fsync", keep_work(WORK), WORK) == 0);
	CHECK(vx_keep_mount(v, &dev, keep_work(WORK), WORK, 0) == 0);
}

static void rand_write_fsync(void)
{
	static uint8_t buf[1 << 20];
	struct vx_keep_node n;
	CHECK(vx_keep_create(v, "rand", 0, &n) == 0);
	for (uint64_t off = 0; off < FILE_BYTES; off += sizeof(buf)) {
		memset(buf, (int)(off >> 20), sizeof(buf));
		CHECK(vx_keep_write(v, &n, off, buf, sizeof(buf)) == (long)sizeof(buf));
	}
	CHECK(vx_keep_sync(v) == 0);
	struct count fs = {0}, wr = {0}, cm = {0};
	unsigned commits = 0;
	for (unsigned i = 0; i < OPS; i++) {
		uint64_t off = (rnd() % (FILE_BYTES / 4096)) * 4096;
		memset(buf, (int)i, 4096);
		struct count a = now();
		CHECK(measure_write(&n, off, buf) == 4096);
		struct count b = now();
		CHECK(measure_fsync(&n) == 0);
		struct count c = now();
		add(&wr, a, b);
		add(&fs, b, c);
		if (i % FSYNC_COMMIT_EVERY == FSYNC_COMMIT_EVERY - 1) {
			CHECK(measure_commit() == 0);
			add(&cm, c, now());
			commits++;
		}
	}
	printf("# rand 4 KiB write + fsync, %u ops, a commit every %u:\n", OPS, FSYNC_COMMIT_EVERY);
	show("write", &wr, OPS);
	show("fsync", &fs, OPS);
	show("timer commit", &cm, commits);
#ifndef FSYNC_STANDALONE
	/* The log path: the data block and the log block, joined. */
	CHECK(fs.flushes == OPS);
	CHECK(fs.calls <= 2 * OPS);
	CHECK(fs.reqs <= OPS + OPS / 10);
	CHECK(fs.hashes <= 2 * OPS);
	CHECK(v->il_fsyncs >= OPS);
#endif
	CHECK(vx_keep_unlink(v, "rand") == 0);
	CHECK(vx_keep_sync(v) == 0);
}

__attribute__((noinline)) static void measure_cwfu(const char *name)
{
	static uint8_t buf[4096];
	struct vx_keep_node n;
	CHECK(vx_keep_create(v, name, 0, &n) == 0);
	CHECK(vx_keep_write(v, &n, 0, buf, sizeof(buf)) == (long)sizeof(buf));
	CHECK(vx_keep_fsync(v, &n) == 0);
	CHECK(vx_keep_unlink(v, name) == 0);
}

static void create_write_fsync_unlink(void)
{
	struct count c = {0};
	for (unsigned i = 0; i < OPS; i++) {
		char name[32];
		snprintf(name, sizeof(name), "fsbench-f%u", i);
		struct count a = now();
		measure_cwfu(name);
		add(&c, a, now());
		if (i % FSYNC_COMMIT_EVERY == FSYNC_COMMIT_EVERY - 1)
			CHECK(measure_commit() == 0);
	}
	printf("# create, write 4 KiB, fsync, unlink, %u ops, a commit every %u:\n", OPS,
	       FSYNC_COMMIT_EVERY);
	show("create/write/fsync/unlink", &c, OPS);
#ifndef FSYNC_STANDALONE
	CHECK(c.flushes == OPS);
	CHECK(c.reqs <= OPS + OPS / 10);
#endif
}

#ifdef FSYNC_STANDALONE
/* "rand" or "create" runs one half (for callgrind), nothing both. */
int main(int argc, char **argv)
{
	setup_volume();
	if (argc < 2 || strcmp(argv[1], "create") != 0)
		rand_write_fsync();
	if (argc < 2 || strcmp(argv[1], "rand") != 0)
		create_write_fsync_unlink();
	memdev_free(&md);
	free(region);
	return 0;
}
#else
static void test_rand_write_fsync(void **state)
{
	(void)state;
	setup_volume();
	rand_write_fsync();
}

static void test_create_write_fsync_unlink(void **state)
{
	(void)state;
	create_write_fsync_unlink();
	CHECK(vx_keep_check(v, NULL, NULL) == 0);
	memdev_free(&md);
	free(region);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rand_write_fsync),
	    cmocka_unit_test(test_create_write_fsync_unlink),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
#endif
