/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Keep (lib/fs/keep.h), one operation and one named limit or error at a
 * time, on an in-memory device: format and mount, files and directories,
 * sparse files, truncate, rename over a file, snapshots and the space
 * they hold, content-addressed files sharing blocks, hostile uberblocks
 * and root blocks, ditto repair, a torn newest uberblock, the full disk,
 * a device that fails, and vx_keep_check finding planted damage by name.
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
#include "fs/keep_int.h"
#include "../support/keepdev.h"

#define WORK (512u * 1024)

static struct memdev md;
static struct vx_blkdev dev;
static struct vx_keep vol;
static struct vx_keep *v = &vol;

static long violations;
static enum vx_keep_violation last_violation;

static void on_violation(void *ctx, enum vx_keep_violation what, uint64_t ino, uint64_t block,
			 const char *detail)
{
	(void)ctx;
	violations++;
	last_violation = what;
	fprintf(stderr, "# violation %s ino %llu block %llu: %s\n", vx_keep_violation_str(what),
		(unsigned long long)ino, (unsigned long long)block, detail);
}

static long check(void)
{
	violations = 0;
	long n = vx_keep_check(v, on_violation, NULL);
	return n;
}

static void fresh(uint64_t mib)
{
	memdev_free(&md);
	memdev_init(&md, mib << 20);
	dev = memdev_blk(&md);
	assert_int_equal(vx_keep_format(&dev, "test", keep_work(WORK), WORK), 0);
	assert_int_equal(vx_keep_mount(v, &dev, keep_work(WORK), WORK, 0), 0);
}

static int reset(void **state)
{
	(void)state;
	fresh(16);
	return 0;
}

static void remount(void)
{
	assert_int_equal(vx_keep_mount(v, &dev, keep_work(WORK), WORK, 0), 0);
}

static void put(const char *path, const void *buf, size_t len)
{
	struct vx_keep_node n;
	assert_int_equal(vx_keep_create(v, path, 0, &n), 0);
	assert_int_equal(vx_keep_write(v, &n, 0, buf, (uint32_t)len), (long)len);
}

static void expect(const char *path, const void *buf, size_t len)
{
	struct vx_keep_node n;
	static uint8_t got[1 << 20];
	assert_int_equal(vx_keep_lookup(v, path, &n), 0);
	assert_int_equal(n.size, len);
	assert_int_equal(vx_keep_read(v, &n, 0, got, (uint32_t)len), (long)len);
	assert_memory_equal(got, buf, len);
}

static void fill(uint8_t *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed * 131 + i * 7 + (i >> 9));
}

/* --- format and mount ---------------------------------------------------- */

static void test_format_mount_empty(void **state)
{
	(void)state;
	struct vx_keep_node root;
	struct vx_keep_statfs st;
	assert_int_equal(vx_keep_root(v, &root), 0);
	assert_int_equal(root.type, VX_KEEP_DIR);
	assert_int_equal(vx_keep_statfs(v, &st), 0);
	assert_string_equal(st.label, "test");
	assert_int_equal(st.total, 16u << 20);
	assert_true(st.free > st.total / 2);
	assert_int_equal(st.files, 1);
	assert_int_equal(check(), 0);
}

static void test_format_limits(void **state)
{
	(void)state;
	struct memdev small;
	memdev_init(&small, 2u << 20);
	struct vx_blkdev d = memdev_blk(&small);
	assert_int_equal(vx_keep_format(&d, "x", keep_work(WORK), WORK), VX_E_RANGE);
	assert_int_equal(vx_keep_format(&dev, "x", keep_work(WORK), 1024), VX_E_INVAL);
	char label[80];
	memset(label, 'a', sizeof(label) - 1);
	label[79] = 0;
	assert_int_equal(vx_keep_format(&dev, label, keep_work(WORK), WORK), VX_E_INVAL);
	assert_int_equal(vx_keep_mount(v, &d, keep_work(WORK), WORK, 0), VX_E_RANGE);
	memdev_free(&small);
}

static void test_mount_garbage(void **state)
{
	(void)state;
	memset(md.img, 0xA5, md.sectors * 512);
	assert_int_equal(vx_keep_mount(v, &dev, keep_work(WORK), WORK, 0), VX_E_CORRUPT);
	assert_int_equal(v->why, VX_KEEP_NO_UBER);
	assert_string_equal(vx_keep_why_str(v->why), "no uberblock with a valid checksum");
}

static void test_mount_smaller_device(void **state)
{
	(void)state;
	dev.sectors /= 2;
	assert_int_equal(vx_keep_mount(v, &dev, keep_work(WORK), WORK, 0), VX_E_RANGE);
	assert_int_equal(v->why, VX_KEEP_TOO_BIG);
}

/* --- files --------------------------------------------------------------- */

static void test_write_read_remount(void **state)
{
	(void)state;
	static uint8_t big[300000];
	fill(big, sizeof(big), 1);
	put("small", "hello", 5);
	put("big", big, sizeof(big));
	expect("small", "hello", 5);
	expect("big", big, sizeof(big));
	assert_int_equal(vx_keep_sync(v), 0);
	remount();
	expect("small", "hello", 5);
	expect("big", big, sizeof(big));
	assert_int_equal(check(), 0);
}

static void test_unsynced_lost(void **state)
{
	(void)state;
	put("a", "one", 3);
	assert_int_equal(vx_keep_sync(v), 0);
	put("b", "two", 3);
	remount();
	expect("a", "one", 3);
	struct vx_keep_node n;
	assert_int_equal(vx_keep_lookup(v, "b", &n), VX_E_NOTFOUND);
}

static void test_sparse_and_overwrite(void **state)
{
	(void)state;
	struct vx_keep_node n;
	static uint8_t buf[20000], want[20000];
	assert_int_equal(vx_keep_create(v, "s", 0, &n), 0);
	assert_int_equal(vx_keep_write(v, &n, 1u << 30, "end", 3), 3);
	assert_int_equal(n.size, (1u << 30) + 3);
	assert_int_equal(vx_keep_read(v, &n, 12345, buf, sizeof(buf)), (long)sizeof(buf));
	memset(want, 0, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	assert_int_equal(vx_keep_read(v, &n, 1u << 30, buf, 10), 3);
	assert_memory_equal(buf, "end", 3);
	assert_int_equal(vx_keep_write(v, &n, 4090, "0123456789", 10), 10);
	assert_int_equal(vx_keep_read(v, &n, 4088, buf, 14), 14);
	assert_memory_equal(buf,
			    "\0\0"
			    "0123456789\0\0",
			    14);
	assert_int_equal(vx_keep_sync(v), 0);
	struct vx_keep_statfs st;
	vx_keep_statfs(v, &st);
	assert_true(st.used < (4u << 20)); /* the hole takes no space */
	assert_int_equal(check(), 0);
}

static void test_truncate(void **state)
{
	(void)state;
	static uint8_t big[200000], got[200000];
	fill(big, sizeof(big), 2);
	put("t", big, sizeof(big));
	assert_int_equal(vx_keep_sync(v), 0);
	struct vx_keep_node n;
	assert_int_equal(vx_keep_lookup(v, "t", &n), 0);
	assert_int_equal(vx_keep_truncate(v, &n, 5000), 0);
	expect("t", big, 5000);
	assert_int_equal(vx_keep_truncate(v, &n, 9000), 0);
	assert_int_equal(vx_keep_read(v, &n, 0, got, 9000), 9000);
	assert_memory_equal(got, big, 5000);
	for (int i = 5000; i < 9000; i++)
		assert_int_equal(got[i], 0);
	assert_int_equal(vx_keep_truncate(v, &n, 0), 0);
	assert_int_equal(vx_keep_read(v, &n, 0, got, 10), 0);
	assert_int_equal(vx_keep_truncate(v, &n, VX_KEEP_FILE_MAX + 1), VX_E_TOOBIG);
	assert_int_equal(vx_keep_sync(v), 0);
	assert_int_equal(check(), 0);
}

static void test_space_returns(void **state)
{
	(void)state;
	static uint8_t big[1 << 20];
	struct vx_keep_statfs a, b;
	fill(big, sizeof(big), 3);
	assert_int_equal(vx_keep_sync(v), 0);
	vx_keep_statfs(v, &a);
	put("f", big, sizeof(big));
	assert_int_equal(vx_keep_unlink(v, "f"), 0);
	for (int i = 0; i < VX_KEEP_DEFER + 2; i++)
		assert_int_equal(vx_keep_sync(v), 0);
	vx_keep_statfs(v, &b);
	assert_true(b.used <= a.used + 64 * 4096);
	/* The same after the blocks were committed first. */
	put("g", big, sizeof(big));
	assert_int_equal(vx_keep_sync(v), 0);
	assert_int_equal(vx_keep_unlink(v, "g"), 0);
	for (int i = 0; i < VX_KEEP_DEFER + 2; i++)
		assert_int_equal(vx_keep_sync(v), 0);
	vx_keep_statfs(v, &b);
	assert_true(b.used <= a.used + 64 * 4096);
	assert_int_equal(check(), 0);
}

/* --- the name space ------------------------------------------------------ */

static void test_dirs(void **state)
{
	(void)state;
	struct vx_keep_node n, d;
	assert_int_equal(vx_keep_mkdir(v, "a"), 0);
	assert_int_equal(vx_keep_mkdir(v, "a/b"), 0);
	put("a/b/c", "x", 1);
	assert_int_equal(vx_keep_lookup(v, "/a//b/c/", &n), 0);
	assert_int_equal(vx_keep_lookup(v, "a/b/c/d", &n), VX_E_TYPE);
	assert_int_equal(vx_keep_create(v, "a/b/c/d", 0, &n), VX_E_TYPE);
	assert_int_equal(vx_keep_lookup(v, "a/x/c", &n), VX_E_NOTFOUND);
	assert_int_equal(vx_keep_mkdir(v, "a"), VX_E_EXISTS);
	assert_int_equal(vx_keep_unlink(v, "a"), VX_E_BUSY);
	assert_int_equal(vx_keep_unlink(v, "/"), VX_E_INVAL);
	assert_int_equal(vx_keep_lookup(v, "a", &d), 0);
	assert_int_equal(vx_keep_read(v, &d, 0, &n, 1), VX_E_TYPE);
	assert_int_equal(vx_keep_unlink(v, "a/b/c"), 0);
	assert_int_equal(vx_keep_unlink(v, "a/b"), 0);
	assert_int_equal(vx_keep_unlink(v, "a"), 0);
	assert_int_equal(vx_keep_sync(v), 0);
	assert_int_equal(check(), 0);
}

static void test_readdir(void **state)
{
	(void)state;
	char name[32];
	int seen[40] = {0};
	assert_int_equal(vx_keep_mkdir(v, "d"), 0);
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "d/f%02d", i);
		put(name, name, strlen(name));
	}
	assert_int_equal(vx_keep_unlink(v, "d/f07"), 0);
	struct vx_keep_node d;
	struct vx_keep_dircur cur = {0};
	static struct vx_keep_dirent e;
	assert_int_equal(vx_keep_lookup(v, "d", &d), 0);
	assert_int_equal(d.entries, 39);
	int count = 0, rc;
	while ((rc = vx_keep_readdir(v, &d, &cur, &e)) == 1) {
		int i = atoi(e.name + 1);
		assert_true(i >= 0 && i < 40 && !seen[i]);
		seen[i] = 1;
		assert_int_equal(e.node.size, strlen(e.name) + 2);
		count++;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(count, 39);
	assert_false(seen[7]);
	struct vx_keep_node f;
	assert_int_equal(vx_keep_lookup(v, "d/f01", &f), 0);
	assert_int_equal(vx_keep_readdir(v, &f, &cur, &e), VX_E_TYPE);
}

/* Names in a directory after a rename in it, a rename over a name and a
 * create into the slot a rename freed: each name once (the shell's `ls`
 * listed a renamed file twice). */
static void test_readdir_after_rename(void **state)
{
	(void)state;
	struct vx_keep_node d;
	static struct vx_keep_dirent e;
	const char *want[] = {"b.txt", "e.txt", "z"};
	put("a.txt", "hello\n", 6);
	assert_int_equal(vx_keep_rename(v, "a.txt", "b.txt"), 0);
	put("c.txt", "y\n", 2);
	assert_int_equal(vx_keep_rename(v, "c.txt", "e.txt"), 0);
	put("y", "y", 1);
	put("z", "z", 1);
	assert_int_equal(vx_keep_rename(v, "y", "z"), 0);
	for (int pass = 0; pass < 2; pass++) {
		int seen[3] = {0}, count = 0, rc;
		struct vx_keep_dircur cur = {0};
		assert_int_equal(vx_keep_root(v, &d), 0);
		assert_int_equal(d.entries, 3);
		while ((rc = vx_keep_readdir(v, &d, &cur, &e)) == 1) {
			int i = 0;
			while (i < 3 && strcmp(e.name, want[i]) != 0)
				i++;
			assert_true(i < 3);
			assert_false(seen[i]);
			seen[i] = 1;
			count++;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(count, 3);
		assert_int_equal(vx_keep_sync(v), 0);
		remount();
	}
	assert_int_equal(check(), 0);
}

static void test_names_and_limits(void **state)
{
	(void)state;
	char name[300], path[5000];
	struct vx_keep_node n;
	memset(name, 'n', 255);
	name[255] = 0;
	assert_int_equal(vx_keep_create(v, name, 0, &n), 0);
	assert_int_equal(vx_keep_lookup(v, name, &n), 0);
	name[255] = 'n', name[256] = 0;
	assert_int_equal(vx_keep_create(v, name, 0, &n), VX_E_TOOBIG);
	assert_int_equal(vx_keep_create(v, "..", 0, &n), VX_E_INVAL);
	assert_int_equal(vx_keep_create(v, "a/./b", 0, &n), VX_E_INVAL);
	assert_int_equal(vx_keep_create(v, "", 0, &n), VX_E_EXISTS);
	assert_int_equal(vx_keep_create(v, "bad", 0x80, &n), VX_E_INVAL);
	memset(path, 'p', sizeof(path) - 1);
	path[sizeof(path) - 1] = 0;
	assert_int_equal(vx_keep_lookup(v, path, &n), VX_E_TOOBIG);
	path[0] = 0;
	for (int i = 0; i < 65; i++)
		strcat(path, "d/");
	assert_int_equal(vx_keep_lookup(v, path, &n), VX_E_DEPTH);
	put("f", "x", 1);
	assert_int_equal(vx_keep_lookup(v, "f", &n), 0);
	assert_int_equal(vx_keep_write(v, &n, VX_KEEP_FILE_MAX, "x", 1), VX_E_TOOBIG);
	assert_int_equal(vx_keep_write(v, &n, VX_KEEP_FILE_MAX - 1, "x", 1), 1);
	assert_int_equal(vx_keep_unlink(v, "f"), 0);
	assert_int_equal(vx_keep_stat(v, &n), VX_E_STALE);
	assert_int_equal(vx_keep_read(v, &n, 0, name, 1), VX_E_STALE);
}

static void test_rename(void **state)
{
	(void)state;
	struct vx_keep_node n, keep;
	put("a", "AAAA", 4);
	put("b", "BB", 2);
	assert_int_equal(vx_keep_lookup(v, "a", &keep), 0);
	assert_int_equal(vx_keep_sync(v), 0);
	assert_int_equal(vx_keep_rename(v, "a", "b"), 0);
	expect("b", "AAAA", 4);
	assert_int_equal(vx_keep_lookup(v, "a", &n), VX_E_NOTFOUND);
	assert_int_equal(vx_keep_stat(v, &keep), 0); /* a node survives its rename */
	assert_int_equal(vx_keep_mkdir(v, "d"), 0);
	assert_int_equal(vx_keep_mkdir(v, "d/e"), 0);
	assert_int_equal(vx_keep_rename(v, "b", "d/e/c"), 0);
	expect("d/e/c", "AAAA", 4);
	assert_int_equal(vx_keep_rename(v, "d", "d/e/x"), VX_E_INVAL);
	assert_int_equal(vx_keep_rename(v, "d/e/c", "d/e"), VX_E_TYPE);
	assert_int_equal(vx_keep_rename(v, "d", "zz/d"), VX_E_NOTFOUND);
	assert_int_equal(vx_keep_mkdir(v, "empty"), 0);
	assert_int_equal(vx_keep_rename(v, "d", "empty"), 0);
	expect("empty/e/c", "AAAA", 4);
	assert_int_equal(vx_keep_mkdir(v, "full"), 0);
	put("full/x", "x", 1);
	assert_int_equal(vx_keep_mkdir(v, "d2"), 0);
	assert_int_equal(vx_keep_rename(v, "d2", "full"), VX_E_BUSY);
	assert_int_equal(vx_keep_rename(v, "empty/e/c", "empty/e/c"), 0);
	assert_int_equal(vx_keep_sync(v), 0);
	remount();
	expect("empty/e/c", "AAAA", 4);
	char path[64];
	assert_int_equal(vx_keep_lookup(v, "empty/e/c", &n), 0);
	assert_int_equal(vx_keep_path_of(v, n.ino, path, sizeof(path)), 0);
	assert_string_equal(path, "empty/e/c");
	assert_int_equal(check(), 0);
}

static void test_directory_full(void **state)
{
	(void)state;
	/* 65536 creates would take minutes of linear name search: plant the
	 * count one short of the limit instead, and fill the last entry. */
	struct vx_keep_node n, d;
	int s;
	uint8_t *p;
	assert_int_equal(vx_keep_mkdir(v, "d"), 0);
	assert_int_equal(vx_keep_lookup(v, "d", &d), 0);
	assert_int_equal(kp_inode(v, 0, d.ino, &s, &p), 0);
	assert_int_equal(kp_dirty(v, s), 0);
	p = kp_data(v, s) + (d.ino % KP_INO_PER) * KP_INO_SIZE;
	kp_st64(p + KP_I_ENTRIES, VX_KEEP_DIR_MAX - 1);
	kp_put(v, s);
	assert_int_equal(vx_keep_create(v, "d/last", 0, &n), 0);
	assert_int_equal(vx_keep_create(v, "d/one-more", 0, &n), VX_E_FULL);
	assert_int_equal(vx_keep_mkdir(v, "d/dir"), VX_E_FULL);
	assert_int_equal(vx_keep_rename(v, "d/last", "d/renamed"), 0);
	put("x", "x", 1);
	assert_int_equal(vx_keep_rename(v, "x", "d/x"), VX_E_FULL);
}

static void test_disk_full(void **state)
{
	(void)state;
	static uint8_t big[1 << 20];
	char name[32];
	struct vx_keep_node n;
	long rc = 0;
	int i;
	fill(big, sizeof(big), 4);
	for (i = 0; i < 64; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		assert_int_equal(vx_keep_create(v, name, 0, &n), 0);
		rc = vx_keep_write(v, &n, 0, big, sizeof(big));
		if (rc < 0)
			break;
	}
	assert_int_equal(rc, VX_E_NOMEM);
	assert_int_equal(n.size, 0); /* nothing written */
	assert_int_equal(vx_keep_sync(v), 0);
	/* Deleting still works on a full disk, and frees the space. */
	for (int k = 0; k < i; k++) {
		snprintf(name, sizeof(name), "f%d", k);
		assert_int_equal(vx_keep_unlink(v, name), 0);
	}
	for (int k = 0; k < VX_KEEP_DEFER + 1; k++)
		assert_int_equal(vx_keep_sync(v), 0);
	assert_int_equal(vx_keep_create(v, "after", 0, &n), 0);
	assert_int_equal(vx_keep_write(v, &n, 0, big, sizeof(big)), (long)sizeof(big));
	assert_int_equal(vx_keep_sync(v), 0);
	assert_int_equal(check(), 0);
}

/* --- snapshots ----------------------------------------------------------- */

static void test_snapshots(void **state)
{
	(void)state;
	static uint8_t big[400000];
	struct vx_keep_statfs a, b, c;
	struct vx_keep_node n;
	fill(big, sizeof(big), 5);
	put("f", big, sizeof(big));
	assert_int_equal(vx_keep_snap_create(v, "one"), 0);
	assert_int_equal(vx_keep_snap_create(v, "one"), VX_E_EXISTS);
	assert_int_equal(vx_keep_snap_create(v, ""), VX_E_INVAL);
	char longname[64];
	memset(longname, 's', 56);
	longname[56] = 0;
	assert_int_equal(vx_keep_snap_create(v, longname), VX_E_TOOBIG);
	vx_keep_statfs(v, &a);
	/* Change the live file: the snapshot still reads the old bytes. */
	assert_int_equal(vx_keep_lookup(v, "f", &n), 0);
	assert_int_equal(vx_keep_write(v, &n, 0, "new", 3), 3);
	assert_int_equal(vx_keep_unlink(v, "f"), 0);
	put("g", "gee", 3);
	for (int i = 0; i < VX_KEEP_DEFER + 1; i++)
		assert_int_equal(vx_keep_sync(v), 0);
	vx_keep_statfs(v, &b);
	assert_true(b.used + 8 * 4096 >= a.used); /* the snapshot holds the blocks */
	uint64_t view;
	assert_int_equal(vx_keep_snap_open(v, "one", &view), 0);
	static uint8_t got[400000];
	assert_int_equal(vx_keep_lookup_at(v, view, "f", &n), 0);
	assert_int_equal(vx_keep_read(v, &n, 0, got, sizeof(got)), (long)sizeof(got));
	assert_memory_equal(got, big, sizeof(big));
	assert_int_equal(vx_keep_write(v, &n, 0, "x", 1), VX_E_RIGHTS);
	assert_int_equal(vx_keep_lookup_at(v, view, "g", &n), VX_E_NOTFOUND);
	struct vx_keep_snapinfo info;
	assert_int_equal(vx_keep_snap_list(v, 0, &info), 1);
	assert_string_equal(info.name, "one");
	assert_int_equal(vx_keep_snap_list(v, 1, &info), 0);
	assert_int_equal(check(), 0);
	remount();
	assert_int_equal(vx_keep_lookup_at(v, view, "f", &n), 0);
	assert_int_equal(vx_keep_snap_delete(v, "one"), 0);
	assert_int_equal(vx_keep_snap_delete(v, "one"), VX_E_NOTFOUND);
	assert_int_equal(vx_keep_lookup_at(v, view, "f", &n), VX_E_STALE);
	for (int i = 0; i < VX_KEEP_DEFER + 1; i++)
		assert_int_equal(vx_keep_sync(v), 0);
	vx_keep_statfs(v, &c);
	assert_true(c.used + sizeof(big) / 2 < b.used); /* the space came back */
	assert_int_equal(check(), 0);
}

static void test_snapshot_chain(void **state)
{
	(void)state;
	static uint8_t buf[50000];
	char name[16];
	uint64_t views[6];
	struct vx_keep_node n;
	assert_int_equal(vx_keep_create(v, "f", 0, &n), 0);
	for (int i = 0; i < 6; i++) {
		fill(buf, sizeof(buf), 10 + (unsigned)i);
		assert_int_equal(vx_keep_write(v, &n, (uint64_t)i * 8192, buf, sizeof(buf)),
				 (long)sizeof(buf));
		snprintf(name, sizeof(name), "s%d", i);
		assert_int_equal(vx_keep_snap_create(v, name), 0);
		assert_int_equal(vx_keep_snap_open(v, name, &views[i]), 0);
	}
	assert_int_equal(vx_keep_snap_delete(v, "s2"), 0);
	assert_int_equal(vx_keep_snap_delete(v, "s4"), 0);
	assert_int_equal(check(), 0);
	for (int i = 0; i < 6; i++) {
		if (i == 2 || i == 4)
			continue;
		static uint8_t got[50000];
		fill(buf, sizeof(buf), 10 + (unsigned)i);
		assert_int_equal(vx_keep_lookup_at(v, views[i], "f", &n), 0);
		assert_int_equal(vx_keep_read(v, &n, (uint64_t)i * 8192, got, sizeof(got)),
				 (long)sizeof(got));
		assert_memory_equal(got, buf, sizeof(buf));
	}
	assert_int_equal(vx_keep_snap_delete(v, "s0"), 0);
	assert_int_equal(vx_keep_snap_delete(v, "s5"), 0);
	assert_int_equal(vx_keep_snap_delete(v, "s1"), 0);
	assert_int_equal(vx_keep_snap_delete(v, "s3"), 0);
	assert_int_equal(check(), 0);
}

/* --- content addressing -------------------------------------------------- */

static void test_dedup(void **state)
{
	(void)state;
	static uint8_t blob[256 * 1024];
	struct vx_keep_statfs a, b, c;
	struct vx_keep_node n;
	char name[32];
	fill(blob, sizeof(blob), 6);
	assert_int_equal(vx_keep_sync(v), 0);
	vx_keep_statfs(v, &a);
	for (int i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "pkg%d", i);
		assert_int_equal(vx_keep_create(v, name, VX_KEEP_F_DEDUP, &n), 0);
		assert_int_equal(vx_keep_write(v, &n, 0, blob, sizeof(blob)), (long)sizeof(blob));
	}
	assert_int_equal(vx_keep_sync(v), 0);
	vx_keep_statfs(v, &b);
	/* Eight copies, stored about once (plus metadata). */
	assert_true(b.used - a.used < 2 * sizeof(blob));
	expect("pkg3", blob, sizeof(blob));
	assert_int_equal(check(), 0);
	/* A partial overwrite of one copy leaves the others alone. */
	assert_int_equal(vx_keep_lookup(v, "pkg5", &n), 0);
	assert_int_equal(vx_keep_write(v, &n, 100, "changed", 7), 7);
	memcpy(blob + 100, "changed", 7);
	expect("pkg5", blob, sizeof(blob));
	memcpy(blob + 100, (uint8_t[7]){0}, 0);
	fill(blob, sizeof(blob), 6);
	expect("pkg4", blob, sizeof(blob));
	remount();
	expect("pkg4", blob, sizeof(blob));
	/* Removing every copy and reclaiming gives the space back. */
	for (int i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "pkg%d", i);
		assert_int_equal(vx_keep_unlink(v, name), 0);
	}
	assert_int_equal(check(), 0);
	assert_true(vx_keep_reclaim(v) > 0);
	assert_int_equal(check(), 0);
	for (int i = 0; i < VX_KEEP_DEFER + 1; i++) {
		int rc = vx_keep_sync(v);
		if (rc)
			fprintf(stderr, "sync %d why %d block %llu\n", i, v->why,
				(unsigned long long)v->bad_block);
		assert_int_equal(rc, 0);
	}
	vx_keep_statfs(v, &c);
	assert_true(c.used <= a.used + 64 * 4096);
	assert_int_equal(check(), 0);
}

/* --- damage -------------------------------------------------------------- */

static uint64_t repairs_seen;
static void on_repair(void *ctx, uint64_t block, uint64_t ino)
{
	(void)ctx, (void)block, (void)ino;
	repairs_seen++;
}

/* The block a live file's inode points at, via the library's view. */
static uint64_t file_block(const char *path, int copy)
{
	struct vx_keep_node n;
	int s;
	uint8_t *p;
	assert_int_equal(vx_keep_lookup(v, path, &n), 0);
	assert_int_equal(kp_inode(v, 0, n.ino, &s, &p), 0);
	uint64_t a = kp_ld64(p + KP_I_BP + (copy ? KP_BP_ADDR1 : KP_BP_ADDR0));
	kp_put(v, s);
	return a;
}

static void test_data_corruption_named(void **state)
{
	(void)state;
	static uint8_t buf[4096];
	fill(buf, sizeof(buf), 7);
	assert_int_equal(vx_keep_mkdir(v, "dir"), 0);
	put("dir/victim", buf, sizeof(buf));
	assert_int_equal(vx_keep_sync(v), 0);
	uint64_t a = file_block("dir/victim", 0);
	md.img[a * 4096 + 100] ^= 0x10;
	remount();
	struct vx_keep_node n;
	assert_int_equal(vx_keep_lookup(v, "dir/victim", &n), 0);
	uint8_t got[4096];
	assert_int_equal(vx_keep_read(v, &n, 0, got, sizeof(got)), VX_E_CORRUPT);
	assert_int_equal(v->why, VX_KEEP_BAD_DATA);
	assert_int_equal(v->bad_ino, n.ino);
	char path[64];
	assert_int_equal(vx_keep_path_of(v, v->bad_ino, path, sizeof(path)), 0);
	assert_string_equal(path, "dir/victim");
	assert_true(check() > 0);
	assert_int_equal(last_violation, VX_KEEP_V_CHECKSUM);
}

static void test_ditto_repair(void **state)
{
	(void)state;
	assert_int_equal(vx_keep_mkdir(v, "d"), 0);
	put("d/f", "data", 4);
	assert_int_equal(vx_keep_sync(v), 0);
	uint64_t a0 = file_block("d", 0), a1 = file_block("d", 1);
	assert_true(a0 && a1 && a0 != a1);
	uint8_t good[4096];
	memcpy(good, md.img + a0 * 4096, 4096);
	memset(md.img + a0 * 4096, 0, 4096);
	remount();
	v->on_repair = on_repair;
	repairs_seen = 0;
	expect("d/f", "data", 4);
	assert_int_equal(v->repairs, 1);
	assert_int_equal(repairs_seen, 1);
	assert_memory_equal(md.img + a0 * 4096, good, 4096); /* rewritten */
	/* The second copy, found by the check. */
	md.img[a1 * 4096 + 7] ^= 1;
	remount();
	assert_int_equal(check(), 0);
	assert_int_equal(v->repairs, 1);
	assert_memory_equal(md.img + a1 * 4096, good, 4096);
	/* Both copies bad: a named error. */
	md.img[a0 * 4096] ^= 1;
	md.img[a1 * 4096] ^= 1;
	remount();
	struct vx_keep_node n;
	assert_int_equal(vx_keep_lookup(v, "d/f", &n), VX_E_CORRUPT);
	assert_int_equal(v->why, VX_KEEP_BAD_META);
}

static void test_torn_newest_uberblock(void **state)
{
	(void)state;
	put("a", "first", 5);
	assert_int_equal(vx_keep_sync(v), 0);
	uint64_t t = v->txg - 1;
	put("b", "second", 6);
	assert_int_equal(vx_keep_sync(v), 0);
	/* Tear the newest uberblock in both rings: mount takes the one
	 * before, whose tree the deferral kept whole. */
	uint64_t slot = (t + 1) % 128;
	md.img[(8 + slot) * 512 + 20] ^= 1;
	md.img[((md.sectors / 8 - 16) * 8 + slot) * 512 + 20] ^= 1;
	remount();
	assert_int_equal(v->txg, t + 1);
	expect("a", "first", 5);
	struct vx_keep_node n;
	assert_int_equal(vx_keep_lookup(v, "b", &n), VX_E_NOTFOUND);
	assert_int_equal(check(), 0);
	/* One ring torn only: nothing lost. */
	put("c", "third", 5);
	assert_int_equal(vx_keep_sync(v), 0);
	slot = v->txg - 1;
	slot %= 128;
	md.img[(8 + slot) * 512 + 3] ^= 1;
	remount();
	expect("c", "third", 5);
}

static void test_bad_root_block_falls_back(void **state)
{
	(void)state;
	put("a", "first", 5);
	assert_int_equal(vx_keep_sync(v), 0);
	put("b", "second", 6);
	assert_int_equal(vx_keep_sync(v), 0);
	uint64_t r0 = kp_ld64(v->root_bp), r1 = kp_ld64(v->root_bp + 8);
	memset(md.img + r0 * 4096, 0, 4096);
	memset(md.img + r1 * 4096, 0, 4096);
	remount();
	expect("a", "first", 5);
	struct vx_keep_node n;
	assert_int_equal(vx_keep_lookup(v, "b", &n), VX_E_NOTFOUND);
}

static void test_device_error_breaks(void **state)
{
	(void)state;
	put("a", "x", 1);
	md.fail_after = 2;
	assert_int_equal(vx_keep_sync(v), VX_E_FAULT);
	struct vx_keep_node n;
	assert_int_equal(vx_keep_lookup(v, "a", &n), VX_E_STATE);
	assert_int_equal(vx_keep_create(v, "b", 0, &n), VX_E_STATE);
	md.fail_after = 0;
	remount();
	assert_int_equal(vx_keep_lookup(v, "a", &n), VX_E_NOTFOUND);
	assert_int_equal(check(), 0);
}

static void test_readonly(void **state)
{
	(void)state;
	put("a", "x", 1);
	assert_int_equal(vx_keep_sync(v), 0);
	assert_int_equal(vx_keep_mount(v, &dev, keep_work(WORK), WORK, VX_KEEP_RDONLY), 0);
	struct vx_keep_node n;
	assert_int_equal(vx_keep_lookup(v, "a", &n), 0);
	assert_int_equal(vx_keep_write(v, &n, 0, "y", 1), VX_E_RIGHTS);
	assert_int_equal(vx_keep_mkdir(v, "d"), VX_E_RIGHTS);
	uint64_t w = md.writes;
	assert_int_equal(check(), 0);
	assert_int_equal(md.writes, w);
}

static void test_check_finds_leak(void **state)
{
	(void)state;
	put("a", "x", 1);
	assert_int_equal(vx_keep_sync(v), 0);
	/* Mark a free block used behind the library's back. */
	assert_int_equal(kp_bit_set(v, 1000, true), 0);
	assert_int_equal(vx_keep_sync(v), 0);
	assert_int_equal(check(), 1);
	assert_int_equal(last_violation, VX_KEEP_V_LEAK);
	/* reclaim gives it back. */
	assert_int_equal(vx_keep_reclaim(v), 1);
	assert_int_equal(check(), 0);
}

static void test_check_finds_bad_entry_count(void **state)
{
	(void)state;
	assert_int_equal(vx_keep_mkdir(v, "d"), 0);
	assert_int_equal(vx_keep_sync(v), 0);
	struct vx_keep_node n;
	int s;
	uint8_t *p;
	assert_int_equal(vx_keep_lookup(v, "d", &n), 0);
	assert_int_equal(kp_inode(v, 0, n.ino, &s, &p), 0);
	assert_int_equal(kp_dirty(v, s), 0);
	p = kp_data(v, s) + (n.ino % KP_INO_PER) * KP_INO_SIZE;
	kp_st64(p + KP_I_ENTRIES, 3);
	kp_put(v, s);
	assert_int_equal(check(), 1);
	assert_int_equal(last_violation, VX_KEEP_V_ENTRIES);
}

static void test_snapshot_limit(void **state)
{
	(void)state;
	char name[16];
	for (int i = 0; i < VX_KEEP_SNAP_MAX; i++) {
		snprintf(name, sizeof(name), "s%d", i);
		assert_int_equal(vx_keep_snap_create(v, name), 0);
	}
	assert_int_equal(vx_keep_snap_create(v, "one-more"), VX_E_FULL);
	struct vx_keep_snapinfo info;
	assert_int_equal(vx_keep_snap_list(v, VX_KEEP_SNAP_MAX - 1, &info), 1);
	assert_string_equal(info.name, "s255");
	assert_int_equal(vx_keep_snap_delete(v, "s100"), 0);
	assert_int_equal(vx_keep_snap_list(v, 100, &info), 1);
	assert_string_equal(info.name, "s101");
	assert_int_equal(vx_keep_snap_create(v, "again"), 0);
	remount();
	assert_int_equal(check(), 0);
}

/* Rewrites the newest uberblock's root block with one field changed and
 * every checksum recomputed: a tree that passes its checksums but not its
 * checks.  Mount must fall back to the commit before. */
static void test_hostile_root_fields_fall_back(void **state)
{
	(void)state;
	put("a", "first", 5);
	assert_int_equal(vx_keep_sync(v), 0);
	put("b", "second", 6);
	assert_int_equal(vx_keep_sync(v), 0);
	uint64_t txg = v->txg - 1;
	uint8_t bp[64];
	memcpy(bp, v->root_bp, 64);
	uint64_t r0 = kp_ld64(bp), r1 = kp_ld64(bp + 8);
	uint8_t *root = md.img + r0 * 4096;
	kp_st64(root + KP_R_INO_NEXT, 0); /* no inodes at all */
	memcpy(md.img + r1 * 4096, root, 4096);
	kp_hash(root, 4096, bp + KP_BP_SUM);
	for (int ring = 0; ring < 2; ring++) {
		uint64_t sec = ring ? (md.sectors / 8 - 16) * 8 + txg % 128 : 8 + txg % 128;
		uint8_t *u = md.img + sec * 512;
		memcpy(u + KP_U_ROOT, bp, 64);
		kp_hash(u, KP_U_SUM, u + KP_U_SUM);
	}
	remount();
	assert_int_equal(v->txg, txg);
	expect("a", "first", 5);
	struct vx_keep_node n;
	assert_int_equal(vx_keep_lookup(v, "b", &n), VX_E_NOTFOUND);
	assert_int_equal(check(), 0);
}

static void test_path_of_too_long(void **state)
{
	(void)state;
	assert_int_equal(vx_keep_mkdir(v, "directory"), 0);
	put("directory/file", "x", 1);
	struct vx_keep_node n;
	char small[8];
	assert_int_equal(vx_keep_lookup(v, "directory/file", &n), 0);
	assert_int_equal(vx_keep_path_of(v, n.ino, small, sizeof(small)), VX_E_TOOBIG);
	assert_int_equal(vx_keep_path_of(v, 999, small, sizeof(small)), VX_E_NOTFOUND);
}

static void test_check_finds_duplicate_name(void **state)
{
	(void)state;
	put("same", "1", 1);
	put("other", "2", 1);
	assert_int_equal(vx_keep_sync(v), 0);
	/* Rename the second entry's bytes to the first's name, in place. */
	struct vx_keep_node root;
	int s;
	assert_int_equal(vx_keep_root(v, &root), 0);
	assert_int_equal(kp_get(v, 0, root.ino, 0, 0, 0, &s), 0);
	assert_int_equal(kp_dirty(v, s), 0);
	uint8_t *e = kp_data(v, s) + KP_DE_SIZE;
	assert_memory_equal(e + KP_DE_NAME, "other", 5);
	memset(e + KP_DE_NAME, 0, 256);
	memcpy(e + KP_DE_NAME, "same", 4);
	e[KP_DE_LEN] = 4;
	kp_put(v, s);
	assert_int_equal(check(), 1);
	assert_int_equal(last_violation, VX_KEEP_V_DUPNAME);
}

static void test_small_work_area_big_file(void **state)
{
	(void)state;
	/* A file many times the cache, written and read through it. */
	static uint8_t chunk[65536], got[65536];
	fresh(64);
	assert_int_equal(vx_keep_mount(v, &dev, keep_work(VX_KEEP_WORK_MIN), VX_KEEP_WORK_MIN, 0),
			 0);
	struct vx_keep_node n;
	assert_int_equal(vx_keep_create(v, "big", 0, &n), 0);
	for (unsigned i = 0; i < 320; i++) {
		fill(chunk, sizeof(chunk), i);
		assert_int_equal(
		    vx_keep_write(v, &n, (uint64_t)i * sizeof(chunk), chunk, sizeof(chunk)),
		    (long)sizeof(chunk));
	}
	assert_int_equal(vx_keep_sync(v), 0);
	for (unsigned i = 0; i < 320; i += 7) {
		fill(chunk, sizeof(chunk), i);
		assert_int_equal(vx_keep_read(v, &n, (uint64_t)i * sizeof(chunk), got, sizeof(got)),
				 (long)sizeof(got));
		assert_memory_equal(got, chunk, sizeof(chunk));
	}
	violations = 0;
	assert_int_equal(vx_keep_check(v, on_violation, NULL), 0);
}

/* --- the intent log ------------------------------------------------------ */

/* A committed file of three blocks of 'A', then block 1 rewritten with 'B'
 * and fsynced through the log: the image a power cut right then leaves.
 * *head is the log block's address. */
static uint64_t log_setup(void)
{
	static uint8_t a[3 * 4096], b[4096];
	memset(a, 'A', sizeof(a));
	memset(b, 'B', sizeof(b));
	put("f", a, sizeof(a));
	assert_int_equal(vx_keep_sync(v), 0);
	struct vx_keep_node n;
	assert_int_equal(vx_keep_lookup(v, "f", &n), 0);
	assert_int_equal(vx_keep_write(v, &n, 4096, b, sizeof(b)), 4096);
	uint64_t head = v->il_head, fsyncs = v->il_fsyncs;
	assert_int_equal(vx_keep_fsync(v, &n), 0);
	assert_int_equal(v->il_fsyncs, fsyncs + 1);
	assert_int_equal(v->il_nchain, 1);
	return head;
}

static uint8_t *log_block(uint64_t at)
{
	return md.img + at * 4096;
}

static uint8_t *log_rec(uint64_t at, unsigned i)
{
	return log_block(at) + KP_IL_REC + i * KP_IL_RSIZE;
}

/* Recomputes a log block's checksum after a planted change. */
static void reseal(uint64_t at)
{
	uint8_t *b = log_block(at);
	size_t n = (size_t)(b[KP_IL_NREC] | b[KP_IL_NREC + 1] << 8);
	vx_blake3(b, KP_IL_REC + n * KP_IL_RSIZE, b + KP_IL_REC + n * KP_IL_RSIZE, 32);
}

/* File f holds block 1 of 'B' (replayed) or 'A' (not). */
static void expect_f(bool replayed)
{
	static uint8_t want[3 * 4096];
	memset(want, 'A', sizeof(want));
	if (replayed)
		memset(want + 4096, 'B', 4096);
	expect("f", want, sizeof(want));
}

/* Mounts the crashed image read-only, replaying its log in memory: the
 * replay stops with `why` having applied `records`, and the mount neither
 * writes nor flushes nor changes a byte of the image.  A check of that
 * mount refuses (it is no image) if anything was replayed. */
static void ro_replay(enum vx_keep_ilstop why, uint64_t records)
{
	size_t bytes = md.sectors * 512;
	uint8_t *img = malloc(bytes);
	assert_non_null(img);
	memcpy(img, md.img, bytes);
	uint64_t writes = md.writes, flushes = md.flushes;
	assert_int_equal(vx_keep_mount(v, &dev, keep_work(WORK), WORK, VX_KEEP_RDONLY), 0);
	fprintf(stderr, "# read-only replay: %llu records, stopped: %s\n",
		(unsigned long long)v->il_replayed, vx_keep_ilstop_str(v->il_stop));
	assert_int_equal(v->il_stop, why);
	assert_int_equal(v->il_replayed, records);
	if (records)
		assert_int_equal(check(), VX_E_STATE);
	assert_int_equal(md.writes, writes);
	assert_int_equal(md.flushes, flushes);
	assert_memory_equal(md.img, img, bytes);
	free(img);
}

/* Mounts the crashed image read-only without replay (the committed state;
 * a check validates the log, reporting `violations`), read-only with
 * replay (stopping with `why`, f as `replayed` says, the image untouched),
 * then read-write: the same stop, the same f, a check finds nothing. */
static void crash_mount(enum vx_keep_ilstop why, bool replayed, long ro_violations)
{
	assert_int_equal(
	    vx_keep_mount(v, &dev, keep_work(WORK), WORK, VX_KEEP_RDONLY | VX_KEEP_NOREPLAY), 0);
	assert_int_equal(v->il_stop, VX_KEEP_IL_NONE);
	expect_f(false);
	assert_int_equal(check(), ro_violations);
	if (ro_violations)
		assert_int_equal(last_violation, VX_KEEP_V_ILOG);
	ro_replay(why, replayed ? 1 : 0);
	expect_f(replayed);
	remount();
	fprintf(stderr, "# replay: %llu records, stopped: %s\n", (unsigned long long)v->il_replayed,
		vx_keep_ilstop_str(v->il_stop));
	assert_int_equal(v->il_stop, why);
	assert_int_equal(v->il_replayed, replayed ? 1 : 0);
	expect_f(replayed);
	assert_int_equal(check(), 0);
	remount();
	expect_f(replayed);
}

static void test_log_replay(void **state)
{
	(void)state;
	log_setup();
	crash_mount(VX_KEEP_IL_END, true, 0);
}

static void test_log_bad_checksum(void **state)
{
	(void)state;
	uint64_t h = log_setup();
	log_rec(h, 0)[KP_ILR_BLKID] ^= 2; /* block 3 instead of 1, not resealed */
	crash_mount(VX_KEEP_IL_BAD_SUM, false, 0);
}

static void test_log_next_outside_volume(void **state)
{
	(void)state;
	uint64_t h = log_setup();
	kp_st64(log_block(h) + KP_IL_NEXT, v->blocks + 100);
	reseal(h);
	crash_mount(VX_KEEP_IL_BAD_NEXT, false, 1);
}

static void test_log_record_outside_data_area(void **state)
{
	(void)state;
	uint64_t h = log_setup();
	uint8_t *img = malloc(md.sectors * 512);
	assert_non_null(img);
	memcpy(img, md.img, md.sectors * 512);
	kp_st64(log_rec(h, 0) + KP_ILR_ADDR, 3); /* uberblock ring A */
	reseal(h);
	crash_mount(VX_KEEP_IL_BAD_ADDR, false, 1);
	memcpy(md.img, img, md.sectors * 512);
	kp_st64(log_rec(h, 0) + KP_ILR_ADDR, md.sectors / 8 + 5); /* past the end */
	reseal(h);
	crash_mount(VX_KEEP_IL_BAD_ADDR, false, 1);
	free(img);
}

static void test_log_record_names_metadata(void **state)
{
	(void)state;
	uint64_t h = log_setup();
	uint8_t *img = malloc(md.sectors * 512);
	assert_non_null(img);
	memcpy(img, md.img, md.sectors * 512);
	/* The committed root block (read back from the uberblock). */
	assert_int_equal(
	    vx_keep_mount(v, &dev, keep_work(WORK), WORK, VX_KEEP_RDONLY | VX_KEEP_NOREPLAY), 0);
	uint64_t root = kp_ld64(v->root_bp + KP_BP_ADDR0);
	memcpy(md.img, img, md.sectors * 512);
	kp_st64(log_rec(h, 0) + KP_ILR_ADDR, root);
	reseal(h);
	crash_mount(VX_KEEP_IL_IN_USE, false, 1);
	/* The log block itself. */
	memcpy(md.img, img, md.sectors * 512);
	kp_st64(log_rec(h, 0) + KP_ILR_ADDR, h);
	reseal(h);
	crash_mount(VX_KEEP_IL_IN_USE, false, 1);
	free(img);
}

static void test_log_record_offset_past_limit(void **state)
{
	(void)state;
	uint64_t h = log_setup();
	uint8_t *img = malloc(md.sectors * 512);
	assert_non_null(img);
	memcpy(img, md.img, md.sectors * 512);
	kp_st64(log_rec(h, 0) + KP_ILR_BLKID, VX_KEEP_FILE_MAX / 4096);
	kp_st64(log_rec(h, 0) + KP_ILR_SIZE, VX_KEEP_FILE_MAX);
	reseal(h);
	crash_mount(VX_KEEP_IL_BAD_OFFSET, false, 1);
	memcpy(md.img, img, md.sectors * 512);
	kp_st64(log_rec(h, 0) + KP_ILR_SIZE, VX_KEEP_FILE_MAX + 1);
	reseal(h);
	crash_mount(VX_KEEP_IL_BAD_OFFSET, false, 1);
	memcpy(md.img, img, md.sectors * 512);
	kp_st64(log_rec(h, 0) + KP_ILR_SIZE, 4096); /* block 1 past the size */
	reseal(h);
	crash_mount(VX_KEEP_IL_BAD_OFFSET, false, 1);
	free(img);
}

static void test_log_record_bad_inode(void **state)
{
	(void)state;
	uint64_t h = log_setup();
	uint8_t *img = malloc(md.sectors * 512);
	assert_non_null(img);
	memcpy(img, md.img, md.sectors * 512);
	kp_st64(log_rec(h, 0) + KP_ILR_INO, 1); /* the root directory */
	reseal(h);
	crash_mount(VX_KEEP_IL_BAD_INODE, false, 1);
	memcpy(md.img, img, md.sectors * 512);
	kp_st64(log_rec(h, 0) + KP_ILR_GEN, kp_ld64(log_rec(h, 0) + KP_ILR_GEN) + 1);
	reseal(h);
	crash_mount(VX_KEEP_IL_BAD_INODE, false, 0); /* known only as it applies */
	memcpy(md.img, img, md.sectors * 512);
	kp_st32(log_rec(h, 0) + KP_ILR_OP, 77);
	reseal(h);
	crash_mount(VX_KEEP_IL_BAD_RECORD, false, 1);
	free(img);
}

static void test_log_loop(void **state)
{
	(void)state;
	uint64_t h = log_setup();
	kp_st64(log_block(h) + KP_IL_NEXT, h); /* the block names itself next */
	reseal(h);
	/* Its own fsync is whole and applies; the chain stops at the loop. */
	assert_int_equal(
	    vx_keep_mount(v, &dev, keep_work(WORK), WORK, VX_KEEP_RDONLY | VX_KEEP_NOREPLAY), 0);
	assert_int_equal(check(), 1);
	assert_int_equal(last_violation, VX_KEEP_V_ILOG);
	ro_replay(VX_KEEP_IL_LOOP, 1);
	expect_f(true);
	remount();
	assert_int_equal(v->il_stop, VX_KEEP_IL_LOOP);
	assert_int_equal(v->il_replayed, 1);
	expect_f(true);
	assert_int_equal(check(), 0);
}

static void test_log_missing_data(void **state)
{
	(void)state;
	uint64_t h = log_setup();
	memset(md.img + kp_ld64(log_rec(h, 0) + KP_ILR_ADDR) * 4096, 0, 4096);
	crash_mount(VX_KEEP_IL_NO_DATA, false, 0);
}

/* A whole log block of an older txg at the head: the binding (txg and
 * chain id) says it is not this chain's, even resealed with this txg. */
static void test_log_from_older_txg(void **state)
{
	(void)state;
	uint64_t h = log_setup();
	static uint8_t old[4096];
	memcpy(old, log_block(h), 4096);
	assert_int_equal(vx_keep_sync(v), 0); /* 'B' committed; a new head */
	uint64_t h2 = v->il_head;
	assert_true(h2 != h);
	memcpy(log_block(h2), old, 4096);
	ro_replay(VX_KEEP_IL_STALE, 0);
	expect_f(true);
	remount();
	assert_int_equal(v->il_stop, VX_KEEP_IL_STALE);
	assert_int_equal(v->il_replayed, 0);
	expect_f(true);
	assert_int_equal(check(), 0);
	/* The same block claiming the current txg: its chain id is wrong. */
	memcpy(log_block(v->il_head), old, 4096);
	kp_st64(log_block(v->il_head) + KP_IL_TXG, v->txg);
	reseal(v->il_head);
	ro_replay(VX_KEEP_IL_STALE, 0);
	expect_f(true);
	remount();
	assert_int_equal(v->il_stop, VX_KEEP_IL_STALE);
	assert_int_equal(v->il_replayed, 0);
	expect_f(true);
	assert_int_equal(check(), 0);
}

/* A block written again after its fsync moves: the logged copy stays
 * whole until the commit, and replay applies both fsyncs in order. */
static void test_log_block_not_reused(void **state)
{
	(void)state;
	uint64_t h = log_setup();
	uint64_t first = kp_ld64(log_rec(h, 0) + KP_ILR_ADDR);
	static uint8_t c[4096], b[4096];
	memset(c, 'C', sizeof(c));
	memset(b, 'B', sizeof(b));
	struct vx_keep_node n;
	assert_int_equal(vx_keep_lookup(v, "f", &n), 0);
	assert_int_equal(vx_keep_write(v, &n, 4096, c, sizeof(c)), 4096);
	assert_int_equal(vx_keep_fsync(v, &n), 0);
	assert_int_equal(v->il_nchain, 2);
	uint64_t second = kp_ld64(log_rec(((uint64_t *)(void *)v->il_list)[1], 0) + KP_ILR_ADDR);
	assert_true(second != first);
	assert_memory_equal(md.img + first * 4096, b, 4096);
	static uint8_t want[3 * 4096];
	memset(want, 'A', sizeof(want));
	memset(want + 4096, 'C', 4096);
	ro_replay(VX_KEEP_IL_END, 2);
	expect("f", want, sizeof(want));
	remount();
	assert_int_equal(v->il_replayed, 2);
	expect("f", want, sizeof(want));
	assert_int_equal(check(), 0);
}

/* A change the log cannot say (a content-addressed file's truncate)
 * makes fsync commit. */
static void test_log_falls_back_to_commit(void **state)
{
	(void)state;
	struct vx_keep_node n;
	assert_int_equal(vx_keep_create(v, "g", VX_KEEP_F_DEDUP, &n), 0);
	assert_int_equal(vx_keep_write(v, &n, 0, "xyz", 3), 3);
	assert_int_equal(vx_keep_sync(v), 0);
	log_setup();
	uint64_t txg = v->txg, fsyncs = v->il_fsyncs;
	assert_int_equal(vx_keep_truncate(v, &n, 1), 0);
	assert_int_equal(vx_keep_fsync(v, NULL), 0);
	assert_int_equal(v->txg, txg + 1);
	assert_int_equal(v->il_fsyncs, fsyncs);
	remount();
	assert_int_equal(v->il_replayed, 0);
	expect("g", "x", 1);
	expect_f(true);
	assert_int_equal(check(), 0);
}

/* Truncate goes through the log, in order with the writes: shrink into a
 * block then rewrite that block, shrink to nothing then append, grow
 * (a hole); replayed read-only and read-write to the same bytes. */
static void test_log_truncate(void **state)
{
	(void)state;
	static uint8_t a[20000], b[3000], want[20000];
	memset(a, 'a', sizeof(a));
	memset(b, 'b', sizeof(b));
	put("s", a, sizeof(a));
	put("z", a, 9000);
	put("g", "g", 1);
	assert_int_equal(vx_keep_sync(v), 0);
	uint64_t txg = v->txg;
	struct vx_keep_node s, z, g;
	assert_int_equal(vx_keep_lookup(v, "s", &s), 0);
	assert_int_equal(vx_keep_lookup(v, "z", &z), 0);
	assert_int_equal(vx_keep_lookup(v, "g", &g), 0);
	assert_int_equal(vx_keep_truncate(v, &s, 6000), 0); /* into block 1 */
	assert_int_equal(vx_keep_fsync(v, NULL), 0);
	assert_int_equal(vx_keep_write(v, &s, 7000, b, 100), 100); /* block 1 again, a gap */
	assert_int_equal(vx_keep_truncate(v, &z, 0), 0);
	assert_int_equal(vx_keep_write(v, &z, 0, b, sizeof(b)), (long)sizeof(b));
	assert_int_equal(vx_keep_truncate(v, &g, 50000), 0); /* a hole */
	assert_int_equal(vx_keep_fsync(v, NULL), 0);
	assert_int_equal(v->txg, txg); /* no commit */
	assert_int_equal(v->il_fsyncs, 2);
	memset(want, 0, sizeof(want));
	memset(want, 'a', 6000);
	memset(want + 7000, 'b', 100);
	static uint8_t gw[50000];
	memset(gw, 0, sizeof(gw));
	gw[0] = 'g';
	for (int rw = 0; rw < 2; rw++) {
		if (rw)
			remount();
		else
			ro_replay(VX_KEEP_IL_END, 5); /* 1; 2 truncates, 2 blocks */
		assert_int_equal(v->il_replayed, 5);
		expect("s", want, 7100);
		expect("z", b, sizeof(b));
		expect("g", gw, sizeof(gw));
	}
	assert_int_equal(check(), 0);
	remount();
	expect("s", want, 7100);
}

/* Truncate records that lie: another generation (found as it applies), a
 * size past the limit, the root directory; each stops replay by name. */
static void test_log_truncate_lies(void **state)
{
	(void)state;
	put("t", "0123456789", 10);
	assert_int_equal(vx_keep_sync(v), 0);
	struct vx_keep_node t;
	assert_int_equal(vx_keep_lookup(v, "t", &t), 0);
	assert_int_equal(vx_keep_truncate(v, &t, 4), 0);
	assert_int_equal(vx_keep_fsync(v, NULL), 0);
	assert_int_equal(vx_keep_truncate(v, &t, 2), 0);
	uint64_t second = v->il_next;
	assert_int_equal(vx_keep_fsync(v, NULL), 0);
	uint8_t *img = malloc(md.sectors * 512);
	assert_non_null(img);
	memcpy(img, md.img, md.sectors * 512);
	static const enum vx_keep_ilstop why[3] = {VX_KEEP_IL_BAD_INODE, VX_KEEP_IL_BAD_OFFSET,
						   VX_KEEP_IL_BAD_INODE};
	for (int lie = 0; lie < 3; lie++) {
		memcpy(md.img, img, md.sectors * 512);
		uint8_t *r = log_rec(second, 0);
		assert_int_equal(kp_ld32(r + KP_ILR_OP), KP_ILOP_TRUNC);
		if (lie == 0)
			kp_st64(r + KP_ILR_GEN, kp_ld64(r + KP_ILR_GEN) + 1);
		else if (lie == 1)
			kp_st64(r + KP_ILR_SIZE, VX_KEEP_FILE_MAX + 1);
		else
			kp_st64(r + KP_ILR_INO, 1);
		reseal(second);
		for (int rw = 0; rw < 2; rw++) {
			if (rw)
				remount();
			else
				ro_replay(why[lie], 1);
			assert_int_equal(v->il_stop, why[lie]);
			assert_int_equal(v->il_replayed, 1);
			expect("t", "0123", 4);
		}
		assert_int_equal(check(), 0);
	}
	free(img);
}

/* Rename goes through the log: a new file renamed over an old one (the
 * ALICE pattern), a file moved into a directory, a directory renamed;
 * replayed read-only and read-write to the same state. */
static void test_log_rename(void **state)
{
	(void)state;
	static uint8_t a[6000], b[3000];
	memset(a, 'o', sizeof(a));
	memset(b, 'n', sizeof(b));
	put("conf", a, sizeof(a));
	assert_int_equal(vx_keep_mkdir(v, "d"), 0);
	put("d/x", "x", 1);
	assert_int_equal(vx_keep_sync(v), 0);
	uint64_t txg = v->txg;
	struct vx_keep_node old;
	assert_int_equal(vx_keep_lookup(v, "conf", &old), 0);
	put("conf.tmp", b, sizeof(b));
	assert_int_equal(vx_keep_fsync(v, NULL), 0);
	assert_int_equal(vx_keep_rename(v, "conf.tmp", "conf"), 0);
	assert_int_equal(vx_keep_fsync(v, NULL), 0);
	assert_int_equal(vx_keep_rename(v, "d/x", "y"), 0);
	assert_int_equal(
	    vx_keep_rename(v, "d", "e-a-directory-name-longer-than-forty-bytes-two-slots"), 0);
	assert_int_equal(vx_keep_fsync(v, NULL), 0);
	assert_int_equal(v->txg, txg); /* no commit */
	assert_int_equal(v->il_fsyncs, 3);
	for (int rw = 0; rw < 2; rw++) {
		if (rw)
			remount();
		else
			ro_replay(VX_KEEP_IL_END, 5);
		assert_int_equal(v->il_replayed, 5); /* create, block; rename; two renames */
		expect("conf", b, sizeof(b));
		expect("y", "x", 1);
		struct vx_keep_node n;
		assert_int_equal(vx_keep_lookup(v, "conf.tmp", &n), VX_E_NOTFOUND);
		assert_int_equal(vx_keep_lookup(v, "d", &n), VX_E_NOTFOUND);
		assert_int_equal(
		    vx_keep_lookup(v, "e-a-directory-name-longer-than-forty-bytes-two-slots", &n),
		    0);
		assert_int_equal(n.type, VX_KEEP_DIR);
		assert_int_equal(n.entries, 0);
		/* The old conf's inode was freed by the rename. */
		assert_int_equal(vx_keep_stat(v, &old), VX_E_STALE);
	}
	assert_int_equal(check(), 0);
}

/* Rename records that do not apply: the source name not there, another
 * inode under it, a rename onto a name of another type; each stops
 * replay by name (read-only and read-write alike), keeping the fsyncs
 * before it. */
static void test_log_rename_lies(void **state)
{
	(void)state;
	put("a", "a", 1);
	put("b", "b", 1);
	assert_int_equal(vx_keep_mkdir(v, "dir"), 0);
	assert_int_equal(vx_keep_sync(v), 0);
	put("c", "c", 1); /* fsync 1: create c, its block */
	assert_int_equal(vx_keep_fsync(v, NULL), 0);
	uint64_t second = v->il_next;
	assert_int_equal(vx_keep_rename(v, "a", "b"), 0); /* fsync 2: a over b */
	assert_int_equal(vx_keep_fsync(v, NULL), 0);
	uint8_t *img = malloc(md.sectors * 512);
	assert_non_null(img);
	memcpy(img, md.img, md.sectors * 512);
	for (int lie = 0; lie < 3; lie++) {
		memcpy(md.img, img, md.sectors * 512);
		uint8_t *r = log_rec(second, 0);
		assert_int_equal(kp_ld32(r + KP_ILR_OP), KP_ILOP_RENAME);
		if (lie == 0)
			r[KP_ILR_NAME] = 'z'; /* from "z": not there */
		else if (lie == 1)
			kp_st64(r + KP_ILR_INO, kp_ld64(r + KP_ILR_INO) + 1);
		else
			memcpy(r + KP_ILR_NAME + 1, "dir", 3), r[KP_ILR_NTYPE + 1] = 3;
		reseal(second);
		struct vx_keep_node n;
		for (int rw = 0; rw < 2; rw++) {
			if (rw)
				remount();
			else
				ro_replay(VX_KEEP_IL_BAD_NAME, 2);
			assert_int_equal(v->il_stop, VX_KEEP_IL_BAD_NAME);
			assert_int_equal(v->il_replayed, 2);
			expect("a", "a", 1);
			expect("b", "b", 1);
			expect("c", "c", 1);
			assert_int_equal(vx_keep_lookup(v, "dir", &n), 0);
		}
		assert_int_equal(check(), 0);
	}
	free(img);
}

/* Creates, mkdirs and unlinks go through the log with the writes after
 * them: create, write, fsync, unlink, create (the inode again), write,
 * fsync, then a power cut. */
static void test_log_create_unlink(void **state)
{
	(void)state;
	static uint8_t a[5000], b[4096];
	memset(a, 'a', sizeof(a));
	memset(b, 'b', sizeof(b));
	assert_int_equal(vx_keep_mkdir(v, "d"), 0);
	assert_int_equal(vx_keep_sync(v), 0);
	uint64_t txg = v->txg;
	put("d/one", a, sizeof(a));
	assert_int_equal(vx_keep_fsync(v, NULL), 0);
	assert_int_equal(vx_keep_unlink(v, "d/one"), 0);
	put("d/two", b, sizeof(b));
	assert_int_equal(vx_keep_mkdir(v, "d/sub"), 0);
	put("d/sub/three-with-a-name-longer-than-forty-bytes-to-take-two-slots", "3", 1);
	assert_int_equal(vx_keep_fsync(v, NULL), 0);
	assert_int_equal(v->txg, txg); /* no commit */
	assert_int_equal(v->il_fsyncs, 2);
	struct vx_keep_node two;
	assert_int_equal(vx_keep_lookup(v, "d/two", &two), 0);
	for (int rw = 0; rw < 2; rw++) {
		if (rw)
			remount();
		else
			ro_replay(VX_KEEP_IL_END, 9); /* 4 names and 2 blocks, 1 name, ... */
		assert_int_equal(v->il_stop, VX_KEEP_IL_END);
		assert_int_equal(v->il_replayed, 9);
		struct vx_keep_node n;
		assert_int_equal(vx_keep_lookup(v, "d/one", &n), VX_E_NOTFOUND);
		assert_int_equal(vx_keep_lookup(v, "d/two", &n), 0);
		assert_int_equal(n.ino, two.ino);
		assert_int_equal(n.gen, two.gen);
		expect("d/two", b, sizeof(b));
		expect("d/sub/three-with-a-name-longer-than-forty-bytes-to-take-two-slots", "3", 1);
	}
	assert_int_equal(check(), 0);
}

/* A name record that does not apply (an unlink of a name that is not
 * there, a create whose inode differs): replay keeps the fsyncs before
 * it, stops with its reason, and the state is whole. */
static void test_log_name_record_lies(void **state)
{
	(void)state;
	static uint8_t a[4096];
	memset(a, 'a', sizeof(a));
	put("keep", a, 10);
	assert_int_equal(vx_keep_sync(v), 0);
	uint64_t head = v->il_head;
	put("x", a, sizeof(a)); /* fsync 1: create x, its block */
	assert_int_equal(vx_keep_fsync(v, NULL), 0);
	uint64_t second = v->il_next;
	put("y", a, 100); /* fsync 2: create y, its block */
	assert_int_equal(vx_keep_fsync(v, NULL), 0);
	uint8_t *img = malloc(md.sectors * 512);
	assert_non_null(img);
	memcpy(img, md.img, md.sectors * 512);
	/* fsync 2's create names another inode */
	kp_st64(log_rec(second, 0) + KP_ILR_INO, kp_ld64(log_rec(second, 0) + KP_ILR_INO) + 7);
	reseal(second);
	struct vx_keep_node n;
	ro_replay(VX_KEEP_IL_BAD_NAME, 2);
	expect("x", a, sizeof(a));
	assert_int_equal(vx_keep_lookup(v, "y", &n), VX_E_NOTFOUND);
	remount();
	assert_int_equal(v->il_stop, VX_KEEP_IL_BAD_NAME);
	assert_int_equal(v->il_replayed, 2);
	expect("x", a, sizeof(a));
	assert_int_equal(vx_keep_lookup(v, "y", &n), VX_E_NOTFOUND);
	assert_int_equal(check(), 0);
	/* fsync 1's create turned into an unlink of a name not there */
	memcpy(md.img, img, md.sectors * 512);
	kp_st32(log_rec(head, 0) + KP_ILR_OP, KP_ILOP_UNLINK);
	reseal(head);
	ro_replay(VX_KEEP_IL_BAD_NAME, 0);
	assert_int_equal(vx_keep_lookup(v, "x", &n), VX_E_NOTFOUND);
	expect("keep", a, 10);
	remount();
	assert_int_equal(v->il_stop, VX_KEEP_IL_BAD_NAME);
	assert_int_equal(v->il_replayed, 0);
	assert_int_equal(vx_keep_lookup(v, "x", &n), VX_E_NOTFOUND);
	expect("keep", a, 10);
	assert_int_equal(check(), 0);
	/* ... a create of a name with a slash */
	memcpy(md.img, img, md.sectors * 512);
	log_rec(head, 0)[KP_ILR_NAME] = '/';
	reseal(head);
	ro_replay(VX_KEEP_IL_BAD_NAME, 0);
	assert_int_equal(vx_keep_lookup(v, "x", &n), VX_E_NOTFOUND);
	remount();
	assert_int_equal(v->il_stop, VX_KEEP_IL_BAD_NAME);
	assert_int_equal(vx_keep_lookup(v, "x", &n), VX_E_NOTFOUND);
	assert_int_equal(check(), 0);
	free(img);
}

/* A read-only replay keeps what it changed in the cache: a log that
 * changes more blocks than the smallest work area can hold (and leave
 * room to read) fails the mount by name, never shows the older state, and
 * writes nothing; a bigger area replays it, VX_KEEP_NOREPLAY shows the
 * last commit, and a read-write mount with the small area replays it by
 * writing blocks out. */
static void test_log_ro_no_room(void **state)
{
	(void)state;
	static uint8_t b[4096], got[4096];
	struct vx_keep_node n;
	assert_int_equal(vx_keep_create(v, "sparse", 0, &n), 0);
	memset(b, 's', sizeof(b));
	for (uint64_t i = 0; i < 40; i++) /* one block under each of 40 indirect blocks */
		assert_int_equal(vx_keep_write(v, &n, i * 64 * 4096, b, 4096), 4096);
	assert_int_equal(vx_keep_sync(v), 0);
	uint64_t txg = v->txg, fsyncs = v->il_fsyncs;
	memset(b, 't', sizeof(b));
	for (uint64_t i = 0; i < 40; i++)
		assert_int_equal(vx_keep_write(v, &n, i * 64 * 4096, b, 4096), 4096);
	assert_int_equal(vx_keep_fsync(v, &n), 0);
	assert_int_equal(v->il_fsyncs, fsyncs + 1);
	assert_int_equal(v->txg, txg);
	size_t bytes = md.sectors * 512;
	uint8_t *img = malloc(bytes);
	assert_non_null(img);
	memcpy(img, md.img, bytes);
	uint64_t writes = md.writes;
	assert_int_equal(
	    vx_keep_mount(v, &dev, keep_work(VX_KEEP_WORK_MIN), VX_KEEP_WORK_MIN, VX_KEEP_RDONLY),
	    VX_E_NOMEM);
	assert_int_equal(v->why, VX_KEEP_CACHE);
	assert_int_equal(v->il_stop, VX_KEEP_IL_NO_ROOM);
	assert_int_equal(md.writes, writes);
	assert_memory_equal(md.img, img, bytes);
	/* Knowingly the last commit. */
	assert_int_equal(vx_keep_mount(v, &dev, keep_work(VX_KEEP_WORK_MIN), VX_KEEP_WORK_MIN,
				       VX_KEEP_RDONLY | VX_KEEP_NOREPLAY),
			 0);
	assert_int_equal(vx_keep_lookup(v, "sparse", &n), 0);
	assert_int_equal(vx_keep_read(v, &n, 39 * 64 * 4096, got, 4096), 4096);
	assert_int_equal(got[0], 's');
	/* A bigger work area holds the replay. */
	ro_replay(VX_KEEP_IL_END, 40);
	assert_int_equal(vx_keep_lookup(v, "sparse", &n), 0);
	for (uint64_t i = 0; i < 40; i++) {
		assert_int_equal(vx_keep_read(v, &n, i * 64 * 4096, got, 4096), 4096);
		assert_memory_equal(got, b, 4096);
	}
	assert_memory_equal(md.img, img, bytes);
	free(img);
	/* A read-write mount with the small area writes blocks out as it goes. */
	assert_int_equal(vx_keep_mount(v, &dev, keep_work(VX_KEEP_WORK_MIN), VX_KEEP_WORK_MIN, 0),
			 0);
	assert_int_equal(v->il_replayed, 40);
	assert_int_equal(vx_keep_lookup(v, "sparse", &n), 0);
	assert_int_equal(vx_keep_read(v, &n, 39 * 64 * 4096, got, 4096), 4096);
	assert_memory_equal(got, b, 4096);
	remount();
	assert_int_equal(check(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_format_mount_empty, reset),
	    cmocka_unit_test_setup(test_format_limits, reset),
	    cmocka_unit_test_setup(test_mount_garbage, reset),
	    cmocka_unit_test_setup(test_mount_smaller_device, reset),
	    cmocka_unit_test_setup(test_write_read_remount, reset),
	    cmocka_unit_test_setup(test_unsynced_lost, reset),
	    cmocka_unit_test_setup(test_sparse_and_overwrite, reset),
	    cmocka_unit_test_setup(test_truncate, reset),
	    cmocka_unit_test_setup(test_space_returns, reset),
	    cmocka_unit_test_setup(test_dirs, reset),
	    cmocka_unit_test_setup(test_readdir, reset),
	    cmocka_unit_test_setup(test_readdir_after_rename, reset),
	    cmocka_unit_test_setup(test_names_and_limits, reset),
	    cmocka_unit_test_setup(test_rename, reset),
	    cmocka_unit_test_setup(test_directory_full, reset),
	    cmocka_unit_test_setup(test_disk_full, reset),
	    cmocka_unit_test_setup(test_snapshots, reset),
	    cmocka_unit_test_setup(test_snapshot_chain, reset),
	    cmocka_unit_test_setup(test_dedup, reset),
	    cmocka_unit_test_setup(test_data_corruption_named, reset),
	    cmocka_unit_test_setup(test_ditto_repair, reset),
	    cmocka_unit_test_setup(test_torn_newest_uberblock, reset),
	    cmocka_unit_test_setup(test_bad_root_block_falls_back, reset),
	    cmocka_unit_test_setup(test_device_error_breaks, reset),
	    cmocka_unit_test_setup(test_readonly, reset),
	    cmocka_unit_test_setup(test_check_finds_leak, reset),
	    cmocka_unit_test_setup(test_check_finds_bad_entry_count, reset),
	    cmocka_unit_test_setup(test_snapshot_limit, reset),
	    cmocka_unit_test_setup(test_hostile_root_fields_fall_back, reset),
	    cmocka_unit_test_setup(test_path_of_too_long, reset),
	    cmocka_unit_test_setup(test_check_finds_duplicate_name, reset),
	    cmocka_unit_test_setup(test_small_work_area_big_file, reset),
	    cmocka_unit_test_setup(test_log_replay, reset),
	    cmocka_unit_test_setup(test_log_bad_checksum, reset),
	    cmocka_unit_test_setup(test_log_next_outside_volume, reset),
	    cmocka_unit_test_setup(test_log_record_outside_data_area, reset),
	    cmocka_unit_test_setup(test_log_record_names_metadata, reset),
	    cmocka_unit_test_setup(test_log_record_offset_past_limit, reset),
	    cmocka_unit_test_setup(test_log_record_bad_inode, reset),
	    cmocka_unit_test_setup(test_log_loop, reset),
	    cmocka_unit_test_setup(test_log_missing_data, reset),
	    cmocka_unit_test_setup(test_log_from_older_txg, reset),
	    cmocka_unit_test_setup(test_log_block_not_reused, reset),
	    cmocka_unit_test_setup(test_log_falls_back_to_commit, reset),
	    cmocka_unit_test_setup(test_log_create_unlink, reset),
	    cmocka_unit_test_setup(test_log_name_record_lies, reset),
	    cmocka_unit_test_setup(test_log_ro_no_room, reset),
	    cmocka_unit_test_setup(test_log_rename, reset),
	    cmocka_unit_test_setup(test_log_rename_lies, reset),
	    cmocka_unit_test_setup(test_log_truncate, reset),
	    cmocka_unit_test_setup(test_log_truncate_lies, reset),
	};
	if (getenv("KEEP_TEST"))
		cmocka_set_test_filter(getenv("KEEP_TEST"));
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	memdev_free(&md);
	return rc;
}
