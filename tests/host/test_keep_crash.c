/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Crash consistency of Keep (lib/fs/keep.h), exhaustively, in the manner
 * of ALICE and CrashMonkey.  Each workload runs on a recording device that
 * logs every write and flush in dm-log-writes format (tests/support/
 * logwrites.h); the log is then replayed through the same parser a log
 * from a real guest would go through.  For every flush point, and for
 * subsets of the writes between two flushes (a volatile cache may keep or
 * lose each of them: the empty set, every singleton, 64 random subsets,
 * and torn versions where a multi-sector write lands only in part), the
 * image a power cut would leave is mounted, vx_keep_check must report no
 * violation (no repair by a checker is allowed; mount's own fallback is),
 * and the state must be exactly the last committed one or the one whose
 * commit was under way: every fsynced byte present, nothing half-done.
 *
 * The workloads: create then fsync; rename over an existing file then
 * fsync; write and append then fsync; delete then fsync; mkdir and a file
 * in it then fsync; many small files; a snapshot made and deleted; a
 * content-addressed file; a large file truncated; files larger than the
 * smallest work area's cache, so dirty blocks are written before the
 * commit; and seven that fsync through the intent log (random whole and
 * partial overwrites, appends to two files, an fsync of several log
 * blocks followed by one that must commit (a content-addressed file),
 * log fsyncs with the smallest cache, create/write/fsync/unlink with a
 * mkdir), ALICE's write, fsync, rename over, fsync through the log, and
 * truncates through the log.  A durable state is
 * one a commit or an fsync returned with; a crash image must mount
 * (replaying the log), check clean and show the last durable state
 * before its flush or the next.  Every crash image is mounted read-only
 * first: that mount replays the log in memory and must show exactly what
 * the read-write mount after it shows (the same il_stop and count), with
 * no write, no flush and not one byte of the image changed.  The total of
 * crash states checked is printed ("crash states checked: N"), with how
 * many replayed a log.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vectra/abi.h"
#include "crypto/blake3.h"
#include "fs/keep.h"
#include "../support/keepdev.h"
#include "../support/logwrites.h"

#define DISK	       (8u << 20)
#define WORK	       (512u * 1024)
#define LOGCAP	       (256u << 20)
#define RANDOM_SUBSETS 64
#define MAX_STATES     64

static struct memdev md;
static struct vx_blkdev dev;
static struct vx_keep vol, *v = &vol;
static uint8_t *base;
static uint8_t *logbuf;
static size_t loglen;
static uint64_t logentries;
static bool recording;

/* The committed states: their signatures, and how many flushes the log
 * held when each commit returned. */
static uint8_t states[MAX_STATES][32];
static uint64_t state_flushes[MAX_STATES];
static int nstates;
static uint64_t flushes_logged;
static unsigned long crash_states;
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void hook(void *ctx, int flush, uint64_t lba, uint32_t count, const void *buf)
{
	(void)ctx;
	if (!recording)
		return;
	long n = lw_append(logbuf, LOGCAP, loglen, 512, flush ? 0 : lba, flush ? 0 : count,
			   flush ? LW_FLUSH : 0, buf, flush ? 0 : (size_t)count * 512);
	assert_true(n > 0);
	loglen = (size_t)n;
	logentries++;
	flushes_logged += flush;
}

/* --- the state of a volume, as one hash ---------------------------------- */

struct line {
	char text[600];
};

static struct line lines[4096];
static int nlines;

static int cmp_line(const void *a, const void *b)
{
	return strcmp(((const struct line *)a)->text, ((const struct line *)b)->text);
}

/* Adds one line per entry under dir (path prefix) and recurses. */
static void sig_dir(const struct vx_keep_node *dir, const char *prefix, int depth)
{
	struct vx_keep_dircur cur = {0};
	static struct vx_keep_dirent e[8];
	static uint8_t buf[65536];
	int rc;
	assert_true(depth < 8);
	while ((rc = vx_keep_readdir(v, dir, &cur, &e[depth])) == 1) {
		char path[400];
		uint8_t h[32];
		snprintf(path, sizeof(path), "%s/%s", prefix, e[depth].name);
		struct vx_blake3 b;
		vx_blake3_init(&b);
		if (e[depth].node.type == VX_KEEP_FILE) {
			for (uint64_t off = 0; off < e[depth].node.size;) {
				long n = vx_keep_read(v, &e[depth].node, off, buf, sizeof(buf));
				assert_true(n > 0);
				vx_blake3_update(&b, buf, (size_t)n);
				off += (uint64_t)n;
			}
		}
		vx_blake3_final(&b, h, 32);
		assert_true(nlines < 4096);
		snprintf(lines[nlines++].text, sizeof(lines[0].text),
			 "%s %d %llu %02x%02x%02x%02x%02x%02x%02x%02x", path, e[depth].node.type,
			 (unsigned long long)e[depth].node.size, h[0], h[1], h[2], h[3], h[4], h[5],
			 h[6], h[7]);
		if (e[depth].node.type == VX_KEEP_DIR) {
			struct vx_keep_node sub = e[depth].node;
			sig_dir(&sub, path, depth + 1);
		}
	}
	assert_int_equal(rc, 0);
}

static void signature(uint8_t out[32])
{
	struct vx_keep_node root;
	nlines = 0;
	assert_int_equal(vx_keep_root(v, &root), 0);
	sig_dir(&root, "", 0);
	qsort(lines, (size_t)nlines, sizeof(lines[0]), cmp_line);
	struct vx_blake3 b;
	vx_blake3_init(&b);
	for (int i = 0; i < nlines; i++)
		vx_blake3_update(&b, lines[i].text, strlen(lines[i].text) + 1);
	vx_blake3_final(&b, out, 32);
}

/* Commits and records the committed state. */
static void commit(void)
{
	assert_int_equal(vx_keep_sync(v), 0);
	assert_true(nstates < MAX_STATES);
	signature(states[nstates]);
	state_flushes[nstates++] = flushes_logged;
}

/* Fsyncs (through the intent log when log is set) and records the state
 * it made durable. */
static unsigned long log_fsyncs;

static void fsync_all(bool log)
{
	uint64_t before = v->il_fsyncs;
	assert_int_equal(vx_keep_fsync(v, NULL), 0);
	if (log)
		assert_int_equal(v->il_fsyncs, before + 1);
	log_fsyncs += v->il_fsyncs - before;
	assert_true(nstates < MAX_STATES);
	signature(states[nstates]);
	state_flushes[nstates++] = flushes_logged;
}

/* --- replay -------------------------------------------------------------- */

static void on_violation(void *ctx, enum vx_keep_violation what, uint64_t ino, uint64_t block,
			 const char *detail)
{
	(void)ctx;
	fprintf(stderr, "# violation %s ino %llu block %llu: %s\n", vx_keep_violation_str(what),
		(unsigned long long)ino, (unsigned long long)block, detail);
}

static uint8_t *crash, *pristine;
static unsigned long replayed_states, ro_states;

static void on_ro_write(void *ctx, int flush, uint64_t lba, uint32_t count, const void *buf)
{
	(void)ctx, (void)lba, (void)count, (void)buf;
	fprintf(stderr, "# a read-only mount %s\n", flush ? "flushed" : "wrote");
	fail();
}

/* Mounts the crash image read-only first: it must replay the log in
 * memory to the very state the read-write mount after it shows (same
 * files, bytes and listings, same il_stop and count), and leave every
 * byte of the image as it was, without one write or flush.  The device's
 * hook fails the test at any write or flush; every 16th state the whole
 * image is also compared with a copy taken before (two 8 MiB passes a
 * state were a third of the test's time). */
static void verify_ro(uint8_t ro_sig[32], enum vx_keep_ilstop *stop, uint64_t *replayed)
{
	struct memdev cm = {.img = crash, .sectors = DISK / 512, .hook = on_ro_write};
	struct vx_blkdev cd = memdev_blk(&cm);
	bool compare = ro_states % 16 == 0;
	if (compare)
		memcpy(pristine, crash, DISK);
	int rc = vx_keep_mount(v, &cd, keep_work(WORK), WORK, VX_KEEP_RDONLY);
	if (rc != 0)
		fprintf(stderr, "# read-only mount: %d (%s; %s)\n", rc, vx_keep_why_str(v->why),
			vx_keep_ilstop_str(v->il_stop));
	assert_int_equal(rc, 0);
	signature(ro_sig);
	*stop = v->il_stop;
	*replayed = v->il_replayed;
	if (compare)
		assert_memory_equal(crash, pristine, DISK);
	ro_states++;
}

/* Mounts the crash image, checks it, and compares its state with the
 * states allowed after `flushes` flushes; the read-only mount before it
 * must show the same. */
static void verify_crash(uint64_t flushes)
{
	uint8_t ro_sig[32];
	enum vx_keep_ilstop ro_stop;
	uint64_t ro_replayed;
	verify_ro(ro_sig, &ro_stop, &ro_replayed);
	struct memdev cm = {.img = crash, .sectors = DISK / 512};
	struct vx_blkdev cd = memdev_blk(&cm);
	int rc = vx_keep_mount(v, &cd, keep_work(WORK), WORK, 0);
	if (rc != 0)
		fprintf(stderr, "# mount: %d (%s)\n", rc, vx_keep_why_str(v->why));
	assert_int_equal(rc, 0);
	replayed_states += v->il_replayed > 0;
	uint8_t sig[32];
	signature(sig);
	if (memcmp(sig, ro_sig, 32) != 0 || v->il_stop != ro_stop || v->il_replayed != ro_replayed)
		fprintf(stderr, "# read-only: %s, %llu records; read-write: %s, %llu records%s\n",
			vx_keep_ilstop_str(ro_stop), (unsigned long long)ro_replayed,
			vx_keep_ilstop_str(v->il_stop), (unsigned long long)v->il_replayed,
			memcmp(sig, ro_sig, 32) ? "; the trees differ" : "");
	assert_memory_equal(sig, ro_sig, 32);
	assert_int_equal(v->il_stop, ro_stop);
	assert_int_equal(v->il_replayed, ro_replayed);
	/* The last commit that had returned, or the one after it. */
	int last = 0;
	while (last + 1 < nstates && state_flushes[last + 1] <= flushes)
		last++;
	bool ok = memcmp(sig, states[last], 32) == 0 ||
		  (last + 1 < nstates && memcmp(sig, states[last + 1], 32) == 0);
	if (!ok)
		fprintf(stderr, "# state after %llu flushes is none of states %d, %d\n",
			(unsigned long long)flushes, last, last + 1);
	assert_true(ok);
	long n = vx_keep_check(v, on_violation, NULL);
	assert_int_equal(n, 0);
	crash_states++;
}

struct pend {
	uint64_t sector, count;
	const uint8_t *data;
};

static struct pend pend[8192];

static void apply(uint8_t *img, const struct pend *p, uint64_t sectors)
{
	memcpy(img + p->sector * 512, p->data, sectors * 512);
}

/* The crash images of one epoch: writes p[0..n) after `flushes` flushes
 * on top of img. */
static void epoch(const uint8_t *img, const struct pend *p, int n, uint64_t flushes)
{
	memcpy(crash, img, DISK);
	verify_crash(flushes); /* none of them */
	for (int i = 0; i < n; i++) {
		memcpy(crash, img, DISK);
		apply(crash, &p[i], p[i].count);
		verify_crash(flushes);
	}
	if (n < 2)
		return;
	for (int k = 0; k < RANDOM_SUBSETS; k++) {
		memcpy(crash, img, DISK);
		for (int i = 0; i < n; i++) {
			if (rnd() & 1)
				continue;
			uint64_t sectors = p[i].count;
			if (k % 4 == 3 && sectors > 1 && (rnd() & 3) == 0)
				sectors = 1 + rnd() % (sectors - 1); /* torn */
			apply(crash, &p[i], sectors);
		}
		verify_crash(flushes);
	}
}

/* Replays the recorded log over the base image, epoch by epoch. */
static void replay(void)
{
	struct lw_log l;
	struct lw_entry e;
	static uint8_t *img;
	if (!img)
		img = malloc(DISK);
	assert_non_null(img);
	memcpy(img, base, DISK);
	lw_finish(logbuf, logentries);
	assert_int_equal(lw_open(&l, logbuf, loglen), 0);
	int n = 0;
	uint64_t flushes = 0;
	int rc;
	while ((rc = lw_next(&l, &e)) == 1) {
		if (e.flags & LW_FLUSH) {
			epoch(img, pend, n, flushes);
			for (int i = 0; i < n; i++)
				apply(img, &pend[i], pend[i].count);
			n = 0;
			flushes++;
			continue;
		}
		assert_true(n < 8192);
		assert_true(e.sector + e.nr_sectors <= DISK / 512);
		pend[n++] = (struct pend){e.sector, e.nr_sectors, e.data};
	}
	assert_int_equal(rc, 0);
	epoch(img, pend, n, flushes);
}

/* --- workloads ------------------------------------------------------------ */

static void put(const char *path, unsigned seed, size_t len)
{
	static uint8_t buf[200000];
	struct vx_keep_node n;
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(seed + i * 31 + (i >> 8));
	int rc = vx_keep_lookup(v, path, &n);
	if (rc == VX_E_NOTFOUND)
		rc = vx_keep_create(v, path, 0, &n);
	assert_int_equal(rc, 0);
	assert_int_equal(vx_keep_write(v, &n, 0, buf, (uint32_t)len), (long)len);
}

/* Formats, lays down a starting tree, commits it as state 0 and starts
 * recording. */
static void start(void)
{
	memdev_free(&md);
	memdev_init(&md, DISK);
	md.hook = hook;
	dev = memdev_blk(&md);
	assert_int_equal(vx_keep_format(&dev, "crash", keep_work(WORK), WORK), 0);
	assert_int_equal(vx_keep_mount(v, &dev, keep_work(WORK), WORK, 0), 0);
	assert_int_equal(vx_keep_mkdir(v, "etc"), 0);
	put("etc/config", 1, 3000);
	put("old", 2, 9000);
	put("log", 3, 5000);
	nstates = 0;
	flushes_logged = 0;
	recording = false;
	commit();
	memcpy(base, md.img, DISK);
	long n = lw_begin(logbuf, LOGCAP, 512);
	assert_true(n > 0);
	loglen = (size_t)n;
	logentries = 0;
	flushes_logged = 0;
	state_flushes[0] = 0;
	recording = true;
}

static void finish(void)
{
	recording = false;
	unsigned long before = crash_states;
	replay();
	printf("# %lu crash states\n", crash_states - before);
}

static void test_create_fsync(void **state)
{
	(void)state;
	start();
	put("new", 4, 10000);
	commit();
	put("new2", 5, 100);
	commit();
	finish();
}

static void test_rename_over_fsync(void **state)
{
	(void)state;
	start();
	put("old.tmp", 6, 12000);
	commit();
	assert_int_equal(vx_keep_rename(v, "old.tmp", "old"), 0);
	commit();
	finish();
}

static void test_write_append_fsync(void **state)
{
	(void)state;
	start();
	struct vx_keep_node n;
	assert_int_equal(vx_keep_lookup(v, "log", &n), 0);
	assert_int_equal(vx_keep_write(v, &n, 1000, "middle", 6), 6);
	assert_int_equal(vx_keep_write(v, &n, n.size, "appended line\n", 14), 14);
	commit();
	assert_int_equal(vx_keep_write(v, &n, n.size, "second line\n", 12), 12);
	commit();
	finish();
}

static void test_delete_fsync(void **state)
{
	(void)state;
	start();
	assert_int_equal(vx_keep_unlink(v, "old"), 0);
	commit();
	assert_int_equal(vx_keep_unlink(v, "etc/config"), 0);
	assert_int_equal(vx_keep_unlink(v, "etc"), 0);
	commit();
	finish();
}

static void test_mkdir_fsync(void **state)
{
	(void)state;
	start();
	assert_int_equal(vx_keep_mkdir(v, "d"), 0);
	commit();
	put("d/f", 7, 5000);
	assert_int_equal(vx_keep_mkdir(v, "d/e"), 0);
	commit();
	finish();
}

static void test_many_small_files(void **state)
{
	(void)state;
	start();
	char name[32];
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "small%02d", i);
		put(name, (unsigned)i, 100 + (size_t)i);
		if (i % 10 == 9)
			commit();
	}
	finish();
}

static void test_snapshot_and_truncate(void **state)
{
	(void)state;
	start();
	put("big", 8, 150000);
	assert_int_equal(vx_keep_snap_create(v, "s"), 0);
	state_flushes[nstates] = flushes_logged; /* the snapshot's commits */
	signature(states[nstates++]);
	struct vx_keep_node n;
	assert_int_equal(vx_keep_lookup(v, "big", &n), 0);
	assert_int_equal(vx_keep_truncate(v, &n, 7000), 0);
	commit();
	assert_int_equal(vx_keep_snap_delete(v, "s"), 0);
	signature(states[nstates]);
	state_flushes[nstates++] = flushes_logged;
	finish();
}

static void test_dedup_file(void **state)
{
	(void)state;
	start();
	static uint8_t blob[40000];
	memset(blob, 0x5a, sizeof(blob));
	struct vx_keep_node n;
	assert_int_equal(vx_keep_create(v, "pkg-a", VX_KEEP_F_DEDUP, &n), 0);
	assert_int_equal(vx_keep_write(v, &n, 0, blob, sizeof(blob)), (long)sizeof(blob));
	commit();
	assert_int_equal(vx_keep_create(v, "pkg-b", VX_KEEP_F_DEDUP, &n), 0);
	assert_int_equal(vx_keep_write(v, &n, 0, blob, sizeof(blob)), (long)sizeof(blob));
	assert_int_equal(vx_keep_unlink(v, "pkg-a"), 0);
	commit();
	finish();
}

/* A file larger than the cache of the smallest work area: dirty blocks
 * are written out early, before the commit, and must not be seen. */
static void test_evicting_writes(void **state)
{
	(void)state;
	start();
	assert_int_equal(vx_keep_mount(v, &dev, keep_work(VX_KEEP_WORK_MIN), VX_KEEP_WORK_MIN, 0),
			 0);
	put("old", 9, 200000);
	put("log", 10, 200000);
	put("grown", 11, 200000);
	commit();
	assert_int_equal(vx_keep_unlink(v, "grown"), 0);
	commit();
	finish();
}

/* Random whole and partial overwrites of a larger file, each fsynced
 * through the log; a commit; more. */
static void test_log_overwrites(void **state)
{
	(void)state;
	start();
	put("big", 12, 200000);
	commit();
	static uint8_t blk[4096];
	struct vx_keep_node n;
	assert_int_equal(vx_keep_lookup(v, "big", &n), 0);
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 6; i++) {
			uint64_t off = (rnd() % 48) * 4096;
			uint32_t len = 4096;
			if (i % 3 == 2) { /* a partial block */
				off += rnd() % 2000;
				len = 1 + (uint32_t)(rnd() % 3000);
			}
			memset(blk, 'a' + i + round * 8, len);
			assert_int_equal(vx_keep_write(v, &n, off, blk, len), (long)len);
			fsync_all(true);
		}
		commit();
	}
	finish();
}

/* Appends (the size changes) to two files, fsynced alone and together. */
static void test_log_appends(void **state)
{
	(void)state;
	start();
	struct vx_keep_node a, b;
	assert_int_equal(vx_keep_lookup(v, "log", &a), 0);
	assert_int_equal(vx_keep_lookup(v, "old", &b), 0);
	char line[64];
	for (int i = 0; i < 10; i++) {
		int len = snprintf(line, sizeof(line), "line %d of the log\n", i);
		assert_int_equal(vx_keep_write(v, &a, a.size, line, (uint32_t)len), len);
		if (i % 3 == 1)
			assert_int_equal(vx_keep_write(v, &b, b.size + 5000, line, (uint32_t)len),
					 len); /* past the end: a hole, then the line */
		fsync_all(true);
		if (i == 5)
			commit();
	}
	finish();
}

/* One fsync of more blocks than a log block holds (several log blocks,
 * the last flagged), then an fsync after a name change (a commit). */
static void test_log_big_fsync(void **state)
{
	(void)state;
	start();
	put("big", 13, 190000);
	commit();
	static uint8_t buf[300000];
	struct vx_keep_node n;
	assert_int_equal(vx_keep_lookup(v, "big", &n), 0);
	memset(buf, 'z', sizeof(buf));
	assert_int_equal(vx_keep_write(v, &n, 4096 * 3, buf, sizeof(buf)), (long)sizeof(buf));
	fsync_all(true);
	assert_int_equal(vx_keep_write(v, &n, 100, "tail", 4), 4);
	fsync_all(true);
	struct vx_keep_node o;
	assert_int_equal(vx_keep_create(v, "pkg", VX_KEEP_F_DEDUP, &o), 0);
	assert_int_equal(vx_keep_write(v, &o, 0, "content", 7), 7);
	assert_int_equal(vx_keep_write(v, &n, 200, "after", 5), 5);
	fsync_all(false);
	assert_int_equal(vx_keep_write(v, &n, 300, "again", 5), 5);
	fsync_all(true);
	finish();
}

/* Log writes with the smallest work area: the cache writes dirty blocks
 * before the fsync, and logged blocks are evicted and read back. */
static void test_log_evicting(void **state)
{
	(void)state;
	start();
	assert_int_equal(vx_keep_mount(v, &dev, keep_work(VX_KEEP_WORK_MIN), VX_KEEP_WORK_MIN, 0),
			 0);
	put("big", 14, 190000);
	put("big2", 15, 190000);
	commit();
	static uint8_t buf[120000];
	struct vx_keep_node n, m;
	assert_int_equal(vx_keep_lookup(v, "big", &n), 0);
	assert_int_equal(vx_keep_lookup(v, "big2", &m), 0);
	for (int i = 0; i < 4; i++) {
		memset(buf, 'k' + i, sizeof(buf));
		assert_int_equal(vx_keep_write(v, &n, (uint64_t)i * 20000, buf, sizeof(buf)),
				 (long)sizeof(buf));
		assert_int_equal(vx_keep_write(v, &m, (uint64_t)i * 7000, buf, 50000), 50000);
		fsync_all(true);
	}
	finish();
}

/* The benchmark's create, write, fsync, unlink, and a mkdir: name
 * records in the log, the inode made again, a commit in the middle. */
static void test_log_create_unlink(void **state)
{
	(void)state;
	start();
	char name[32];
	for (int i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "etc/f%d", i);
		put(name, 20 + (unsigned)i, 4096);
		fsync_all(true);
		if (i == 3) {
			assert_int_equal(vx_keep_mkdir(v, "etc/sub"), 0);
			put("etc/sub/x", 30, 100);
			fsync_all(true);
			commit();
		}
		assert_int_equal(vx_keep_unlink(v, name), 0);
	}
	assert_int_equal(vx_keep_unlink(v, "log"), 0);
	fsync_all(true);
	finish();
}

/* ALICE's atomic replace through the log: write a new file, fsync it,
 * rename it over the old one, fsync; a rename into a directory and of a
 * directory; a commit between; each rename fsynced without a commit. */
static void test_log_rename_over(void **state)
{
	(void)state;
	start();
	for (int i = 0; i < 3; i++) {
		put("etc/config.tmp", 40 + (unsigned)i, 2000 + (size_t)i * 3000);
		fsync_all(true);
		assert_int_equal(vx_keep_rename(v, "etc/config.tmp", "etc/config"), 0);
		fsync_all(true);
		if (i == 1)
			commit();
	}
	assert_int_equal(vx_keep_mkdir(v, "d"), 0);
	assert_int_equal(vx_keep_rename(v, "log", "d/log"), 0);
	fsync_all(true);
	assert_int_equal(vx_keep_rename(v, "d", "moved"), 0);
	put("old", 50, 7000);
	fsync_all(true);
	finish();
}

/* Truncates through the log, in order with the writes: into a block
 * then that block written again, to nothing then appended, grown past the
 * end (a hole), a truncate alone; a commit between. */
static void test_log_truncate(void **state)
{
	(void)state;
	start();
	put("big", 60, 60000);
	commit();
	struct vx_keep_node b, l, o;
	assert_int_equal(vx_keep_lookup(v, "big", &b), 0);
	assert_int_equal(vx_keep_lookup(v, "log", &l), 0);
	assert_int_equal(vx_keep_lookup(v, "old", &o), 0);
	assert_int_equal(vx_keep_truncate(v, &b, 30000), 0);
	fsync_all(true);
	assert_int_equal(vx_keep_write(v, &b, 29000, "rewritten", 9), 9);
	assert_int_equal(vx_keep_truncate(v, &l, 0), 0);
	assert_int_equal(vx_keep_write(v, &l, 0, "fresh log\n", 10), 10);
	fsync_all(true);
	assert_int_equal(vx_keep_truncate(v, &o, 100000), 0);
	fsync_all(true);
	commit();
	assert_int_equal(vx_keep_truncate(v, &b, 5), 0);
	fsync_all(true);
	assert_int_equal(vx_keep_write(v, &b, 8192, "past a hole", 11), 11);
	assert_int_equal(vx_keep_truncate(v, &l, 4), 0);
	fsync_all(true);
	finish();
}

static void test_total(void **state)
{
	(void)state;
	printf("# crash states checked: %lu (%lu replayed a log; %lu log fsyncs); "
	       "%lu mounted read-only too, the same view, the image unchanged\n",
	       crash_states, replayed_states, log_fsyncs, ro_states);
	assert_true(replayed_states > 100);
	assert_int_equal(ro_states, crash_states);
	assert_true(crash_states > 1000);
}

int main(void)
{
	base = malloc(DISK);
	crash = malloc(DISK);
	pristine = malloc(DISK);
	logbuf = malloc(LOGCAP);
	if (!base || !crash || !pristine || !logbuf)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_create_fsync),
	    cmocka_unit_test(test_rename_over_fsync),
	    cmocka_unit_test(test_write_append_fsync),
	    cmocka_unit_test(test_delete_fsync),
	    cmocka_unit_test(test_mkdir_fsync),
	    cmocka_unit_test(test_many_small_files),
	    cmocka_unit_test(test_snapshot_and_truncate),
	    cmocka_unit_test(test_dedup_file),
	    cmocka_unit_test(test_evicting_writes),
	    cmocka_unit_test(test_log_overwrites),
	    cmocka_unit_test(test_log_appends),
	    cmocka_unit_test(test_log_big_fsync),
	    cmocka_unit_test(test_log_evicting),
	    cmocka_unit_test(test_log_create_unlink),
	    cmocka_unit_test(test_log_rename_over),
	    cmocka_unit_test(test_log_truncate),
	    cmocka_unit_test(test_total),
	};
	if (getenv("KEEP_TEST"))
		cmocka_set_test_filter(getenv("KEEP_TEST"));
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	memdev_free(&md);
	free(base);
	free(crash);
	free(pristine);
	free(logbuf);
	return rc;
}
