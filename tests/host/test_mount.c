/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfsd's mounted roots (services/vfsd/pure_mount.h), through the same
 * fs_serve that answers clients: routing of "NAME:" paths, the FAT32 root
 * over an image mkfs.fat made (checked afterwards by fsck.fat -n and
 * mtype, so that what vfsd wrote is what a Linux tool reads), the commit
 * rule, and the refusals: an unmounted root, a rename across roots, a
 * volume that is not FAT32.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vectra/abi.h"
#include "../../services/vfsd/pure_fs.h"
#include "../../services/vfsd/pure_mount.h"

#define ENV	"PATH=\"$PATH:/usr/sbin:/sbin\" LC_ALL=C.UTF-8 "
#define IMG_KIB 40960

static char dir[64];
static char path[128];
static uint8_t *img;
static size_t img_len;
static int flushes;

static struct fs fs;
static struct fs_mounts mounts;

/* The two images the devices are: EXT:'s FAT32 (img) and HOME:'s Keep
 * (kimg), each reached through a struct image_ref as the device's ctx. */
static uint8_t *kimg;
static const size_t kimg_len = 16u << 20;
struct image_ref {
	uint8_t **buf;
	const size_t *len;
};
static struct image_ref fat_ref = {&img, &img_len}, keep_ref = {&kimg, &kimg_len};

static int mem_read(void *ctx, uint64_t lba, uint32_t n, void *buf)
{
	const struct image_ref *r = ctx;

	if ((lba + n) * 512 > *r->len)
		return VX_E_RANGE;
	memcpy(buf, *r->buf + lba * 512, (size_t)n * 512);
	return 0;
}

static int mem_write(void *ctx, uint64_t lba, uint32_t n, const void *buf)
{
	const struct image_ref *r = ctx;

	if ((lba + n) * 512 > *r->len)
		return VX_E_RANGE;
	memcpy(*r->buf + lba * 512, buf, (size_t)n * 512);
	return 0;
}

static int mem_flush(void *ctx)
{
	(void)ctx;
	flushes++;
	return 0;
}

static const struct vx_blkdev dev = {&fat_ref, mem_read, mem_write, mem_flush, 0};

static int sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static void load(void)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	img_len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	free(img);
	img = malloc(img_len);
	assert_non_null(img);
	assert_int_equal(fread(img, 1, img_len, f), img_len);
	fclose(f);
}

static void save(void)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(img, 1, img_len, f), img_len);
	fclose(f);
}

static void no_put(void *ctx, const struct fs_backing *b)
{
	(void)ctx, (void)b;
}

static int no_get(void *ctx, uint32_t pages, struct fs_backing *out)
{
	(void)ctx, (void)pages, (void)out;
	return VX_E_FULL;
}

/* A fresh mkfs.fat volume mounted as EXT:, and an empty HOME: root. */
static int setup(void **state)
{
	struct fs_store st = {.get = no_get, .put = no_put, .changed = no_put};
	struct vx_blkdev d = dev;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/vx-mount-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/ext.img", dir);
	if (sh(ENV "mkfs.fat -F 32 -C %s %d >/dev/null", path, IMG_KIB) != 0) {
		fprintf(stderr, "# mkfs.fat is missing or failed: run scripts/install-deps.sh\n");
		return -1;
	}
	load();
	fs_init(&fs, &st);
	memset(&mounts, 0, sizeof(mounts));
	fs.mounts = &mounts;
	assert_int_equal(fs_mount_add(&mounts, "HOME", FS_KIND_KEEP), VX_OK);
	assert_int_equal(fs_mount_add(&mounts, "EXT", FS_KIND_FAT32), VX_OK);
	d.sectors = img_len / 512;
	assert_int_equal(fs_mount_try(&mounts.m[1], &d, "disk0p2"), VX_OK);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sh("rm -rf %s", dir);
	free(img);
	img = NULL;
	return 0;
}

/* One request through fs_serve: op, args, a path and what follows it. */
static struct vx_msg req(uint32_t op, struct fs_args a, const char *p, const void *more, size_t n)
{
	struct vx_msg m;
	struct fs_backing v;
	size_t plen = strlen(p);

	memset(&m, 0, sizeof(m));
	m.op = op;
	memcpy(m.data, &a, sizeof(a));
	memcpy(m.data + sizeof(a), p, plen + 1);
	if (n)
		memcpy(m.data + sizeof(a) + plen + 1, more, n);
	m.len = (uint16_t)(sizeof(a) + plen + 1 + n);
	fs.now += 1000;
	fs_serve(&fs, &m, &v);
	assert_int_equal(v.pages, 0);
	return m;
}

static int put(const char *p, const char *text)
{
	struct fs_args a = {.count = (uint32_t)strlen(text)};
	return req(FS_WRITE, a, p, text, strlen(text)).status;
}

static void test_route(void **state)
{
	struct fs_mount *m;
	const char *rest;

	(void)state;
	assert_int_equal(fs_mount_route(&mounts, "EXT:a/b", &m, &rest), VX_OK);
	assert_ptr_equal(m, &mounts.m[1]);
	assert_string_equal(rest, "a/b");
	assert_int_equal(fs_mount_route(&mounts, "HOME:", &m, &rest), VX_OK);
	assert_ptr_equal(m, &mounts.m[0]);
	assert_string_equal(rest, "");
	assert_int_equal(fs_mount_route(&mounts, "RAM:x", &m, &rest), VX_OK);
	assert_null(m);
	assert_string_equal(rest, "x");
	assert_int_equal(fs_mount_route(&mounts, "x/y", &m, &rest), VX_OK);
	assert_null(m);
	assert_string_equal(rest, "x/y");
	/* a ':' after the first '/' is part of a name, not a root */
	assert_int_equal(fs_mount_route(&mounts, "x/y:z", &m, &rest), VX_OK);
	assert_null(m);
	assert_int_equal(fs_mount_route(&mounts, "NOPE:x", &m, &rest), VX_E_NOTFOUND);
	assert_int_equal(fs_mount_route(&mounts, ":x", &m, &rest), VX_E_INVAL);
	assert_int_equal(fs_mount_route(&mounts, "EXT:a//b", &m, &rest), VX_E_INVAL);
	assert_int_equal(fs_mount_route(&mounts, "EXT:../x", &m, &rest), VX_E_INVAL);
}

/* Writes through vfsd's protocol land in the image where a Linux tool
 * finds them, once committed. */
static void test_fat_round_trip(void **state)
{
	struct fs_args a = {0};
	struct vx_msg m;
	struct fs_stat st;
	struct fs_dirent e;

	(void)state;
	assert_int_equal(req(FS_MKDIR, a, "EXT:notes", NULL, 0).status, VX_OK);
	assert_int_equal(put("EXT:notes/today.txt", "hello from vfsd\n"), VX_OK);
	a.count = 6;
	assert_int_equal(req(FS_APPEND, a, "EXT:notes/today.txt", "again\n", 6).status, VX_OK);
	a = (struct fs_args){0};
	m = req(FS_STAT, a, "EXT:notes/today.txt", NULL, 0);
	assert_int_equal(m.status, VX_OK);
	memcpy(&st, m.data, sizeof(st));
	assert_int_equal(st.type, FS_FILE);
	assert_int_equal(st.size, 22);
	a.count = 100;
	m = req(FS_READ, a, "EXT:notes/today.txt", NULL, 0);
	assert_int_equal(m.status, VX_OK);
	assert_int_equal(m.len, 22);
	assert_memory_equal(m.data, "hello from vfsd\nagain\n", 22);
	a = (struct fs_args){.index = 0};
	m = req(FS_LIST, a, "EXT:notes", NULL, 0);
	assert_int_equal(m.status, VX_OK);
	memcpy(&e, m.data, sizeof(e));
	assert_string_equal(e.name, "today.txt");
	a.index = 1;
	assert_int_equal(req(FS_LIST, a, "EXT:notes", NULL, 0).status, VX_E_NOTFOUND);
	/* rename in place, truncate, remove */
	a = (struct fs_args){0};
	assert_int_equal(req(FS_RENAME, a, "EXT:notes/today.txt", "EXT:notes/kept.txt", 19).status,
			 VX_OK);
	assert_int_equal(put("EXT:gone.txt", "x"), VX_OK);
	assert_int_equal(req(FS_REMOVE, a, "EXT:gone.txt", NULL, 0).status, VX_OK);
	assert_int_equal(req(FS_REMOVE, a, "EXT:notes", NULL, 0).status, VX_E_STATE);
	assert_true(mounts.m[1].dirty);
	flushes = 0;
	/* RAM: is on no disk: its sync is refused, and commits nothing of EXT:'s. */
	assert_int_equal(req(FS_SYNC, a, "RAM:", NULL, 0).status, VX_E_NOSYS);
	assert_int_equal(flushes, 0);
	assert_true(mounts.m[1].dirty);
	assert_int_equal(req(FS_SYNC, a, "EXT:", NULL, 0).status, VX_OK);
	assert_int_equal(flushes, 1);
	assert_false(mounts.m[1].dirty);
	save();
	assert_int_equal(sh(ENV "fsck.fat -n %s >/dev/null", path), 0);
	char out[160], got[64] = {0};
	snprintf(out, sizeof(out), "%s/kept.txt", dir);
	assert_int_equal(sh(ENV "mcopy -n -i %s ::/notes/kept.txt %s", path, out), 0);
	FILE *f = fopen(out, "rb");
	assert_non_null(f);
	assert_int_equal(fread(got, 1, sizeof(got), f), 22);
	fclose(f);
	assert_memory_equal(got, "hello from vfsd\nagain\n", 22);
}

/* A file written, then its neighbour in the same directory sector
 * removed: the removal must not write back a stale copy of the sector. */
static void test_neighbour_remove(void **state)
{
	struct fs_args a = {0};
	char out[160], got[32] = {0};

	(void)state;
	assert_int_equal(put("EXT:overflow.bin", "0123456789"), VX_OK);
	assert_int_equal(req(FS_CREATE, a, "EXT:small.txt", NULL, 0).status, VX_OK);
	assert_int_equal(put("EXT:small.txt", "still here\n"), VX_OK);
	assert_int_equal(req(FS_REMOVE, a, "EXT:overflow.bin", NULL, 0).status, VX_OK);
	assert_int_equal(req(FS_SYNC, a, "", NULL, 0).status, VX_OK);
	save();
	snprintf(out, sizeof(out), "%s/small.txt", dir);
	assert_int_equal(sh(ENV "mcopy -n -i %s ::/small.txt %s", path, out), 0);
	FILE *f = fopen(out, "rb");
	assert_non_null(f);
	assert_int_equal(fread(got, 1, sizeof(got), f), 11);
	fclose(f);
	assert_memory_equal(got, "still here\n", 11);
}

/* A copy that runs into a full volume, then a small file, then the
 * failed copy removed: the small file is on the disk, whole. */
static void test_full_then_neighbour(void **state)
{
	struct fs_args a = {0};
	struct vx_blkdev d = dev;
	char out[160], got[32] = {0};
	uint8_t chunk[FS_INLINE_MAX];
	int rc = VX_OK;

	(void)state;
	snprintf(out, sizeof(out), "%s/filler", dir);
	assert_int_equal(sh(ENV "head -c %d /dev/zero >%s && mcopy -i %s %s ::/filler",
			    (IMG_KIB - 2048) << 10, out, path, out),
			 0);
	load();
	d.sectors = img_len / 512;
	fs_mount_drop(&mounts.m[1]);
	assert_int_equal(fs_mount_try(&mounts.m[1], &d, "disk0p2"), VX_OK);
	memset(chunk, 'x', sizeof(chunk));
	a.count = sizeof(chunk);
	for (uint64_t off = 0; rc == VX_OK; off += sizeof(chunk)) {
		a.offset = off;
		rc = req(FS_WRITE, a, "EXT:overflow.bin", chunk, sizeof(chunk)).status;
	}
	assert_int_equal(rc, VX_E_FULL);
	/* full: even a small file finds no cluster, by name */
	assert_int_equal(put("EXT:small.txt", "still here\n"), VX_E_FULL);
	a = (struct fs_args){0};
	assert_int_equal(req(FS_REMOVE, a, "EXT:overflow.bin", NULL, 0).status, VX_OK);
	assert_int_equal(req(FS_TRUNCATE, a, "EXT:small.txt", NULL, 0).status, VX_OK);
	assert_int_equal(put("EXT:small.txt", "still here\n"), VX_OK);
	assert_int_equal(req(FS_SYNC, a, "", NULL, 0).status, VX_OK);
	save();
	assert_int_equal(sh(ENV "fsck.fat -n %s >/dev/null", path), 0);
	snprintf(out, sizeof(out), "%s/small.txt", dir);
	assert_int_equal(sh(ENV "mcopy -n -i %s ::/small.txt %s", path, out), 0);
	FILE *f = fopen(out, "rb");
	assert_non_null(f);
	assert_int_equal(fread(got, 1, sizeof(got), f), 11);
	fclose(f);
	assert_memory_equal(got, "still here\n", 11);
}

/* FS_WRITE_MEM and FS_READ_INTO, on a root on a disk and on RAM:, with
 * the client's MemCap as vfsd would have mapped it. */
static void test_bulk(void **state)
{
	static uint8_t mem[256 << 10], back[256 << 10];
	struct fs_args a = {.offset = 0, .count = sizeof(mem)};
	struct vx_msg m;
	uint64_t got;

	(void)state;
	for (size_t i = 0; i < sizeof(mem); i++)
		mem[i] = (uint8_t)(i * 7 + (i >> 9));
	fs.xfer = mem;
	fs.xfer_size = sizeof(mem);
	fs.xfer_rights = VX_R_READ;
	assert_int_equal(req(FS_WRITE_MEM, a, "EXT:bulk.bin", NULL, 0).status, VX_OK);
	a.count = 1000;
	/* RAM: is reached (this test's RAM store has no room: its refusal) */
	assert_int_equal(req(FS_WRITE_MEM, a, "RAM:bulk.bin", NULL, 0).status, VX_E_FULL);
	/* reading needs the write right */
	fs.xfer = back;
	a.count = sizeof(back);
	assert_int_equal(req(FS_READ_INTO, a, "EXT:bulk.bin", NULL, 0).status, VX_E_RIGHTS);
	fs.xfer_rights = VX_R_READ | VX_R_WRITE;
	m = req(FS_READ_INTO, a, "EXT:bulk.bin", NULL, 0);
	assert_int_equal(m.status, VX_OK);
	memcpy(&got, m.data, sizeof(got));
	assert_int_equal(got, sizeof(mem));
	assert_memory_equal(back, mem, sizeof(mem));
	a.offset = sizeof(mem) - 10; /* short at the end */
	m = req(FS_READ_INTO, a, "EXT:bulk.bin", NULL, 0);
	memcpy(&got, m.data, sizeof(got));
	assert_int_equal(got, 10);
	a.offset = 0;
	assert_int_equal(req(FS_READ_INTO, a, "bulk.bin", NULL, 0).status, VX_E_NOTFOUND);
	/* the refusals */
	a.count = sizeof(back) + 1;
	assert_int_equal(req(FS_READ_INTO, a, "EXT:bulk.bin", NULL, 0).status, VX_E_RANGE);
	fs.xfer_size = 4u << 20;
	a.count = FS_XFER_MAX + 1;
	assert_int_equal(req(FS_READ_INTO, a, "EXT:bulk.bin", NULL, 0).status, VX_E_TOOBIG);
	a.count = 1;
	assert_int_equal(req(FS_STAT, a, "EXT:bulk.bin", NULL, 0).status, VX_E_INVAL);
	fs.xfer = NULL;
	fs.xfer_rc = VX_E_TYPE; /* what came was not a MemCap */
	assert_int_equal(req(FS_READ_INTO, a, "EXT:bulk.bin", NULL, 0).status, VX_E_TYPE);
	assert_int_equal(req(FS_STAT, a, "EXT:bulk.bin", NULL, 0).status, VX_E_INVAL);
	fs.xfer_rc = VX_OK;
	assert_int_equal(req(FS_READ_INTO, a, "EXT:bulk.bin", NULL, 0).status, VX_E_INVAL);
	assert_int_equal(req(FS_READ_INTO, a, "HOME:bulk.bin", NULL, 0).status, VX_E_NOTFOUND);
	assert_int_equal(req(FS_STAT, a, "EXT:bulk.bin", NULL, 0).status, VX_OK);
}

/* Within FS_MOUNT_COMMIT_NS of the first change nothing is committed;
 * after it the tick commits. */
static void test_commit_timer(void **state)
{
	(void)state;
	fs.now = 5000;
	assert_int_equal(put("EXT:t.txt", "tick"), VX_OK);
	assert_true(mounts.m[1].dirty);
	uint64_t at = mounts.m[1].dirty_at;
	flushes = 0;
	assert_int_equal(fs_mount_tick(&mounts, at + FS_MOUNT_COMMIT_NS - 1),
			 at + FS_MOUNT_COMMIT_NS);
	assert_int_equal(flushes, 0);
	assert_int_equal(fs_mount_tick(&mounts, at + FS_MOUNT_COMMIT_NS), UINT64_MAX);
	assert_int_equal(flushes, 1);
	assert_false(mounts.m[1].dirty);
	assert_int_equal(mounts.m[1].commits, 1);
}

static void test_refusals(void **state)
{
	struct fs_args a = {0};
	struct fs_mount_info mi;
	struct vx_msg m;

	(void)state;
	/* HOME: is known but not mounted */
	assert_int_equal(req(FS_STAT, a, "HOME:x", NULL, 0).status, VX_E_NOTFOUND);
	assert_int_equal(req(FS_SYNC, a, "HOME:", NULL, 0).status, VX_E_NOTFOUND);
	assert_int_equal(req(FS_STAT, a, "NOPE:x", NULL, 0).status, VX_E_NOTFOUND);
	/* across roots */
	assert_int_equal(put("EXT:a.txt", "a"), VX_OK);
	assert_int_equal(req(FS_RENAME, a, "EXT:a.txt", "RAM:a.txt", 10).status, VX_E_INVAL);
	assert_int_equal(req(FS_RENAME, a, "EXT:a.txt", "HOME:a.txt", 11).status, VX_E_INVAL);
	/* FAT32 renames within a directory only, and never over a name */
	assert_int_equal(req(FS_MKDIR, a, "EXT:d", NULL, 0).status, VX_OK);
	assert_int_equal(req(FS_RENAME, a, "EXT:a.txt", "EXT:d/a.txt", 12).status, VX_E_INVAL);
	assert_int_equal(put("EXT:b.txt", "b"), VX_OK);
	assert_int_equal(req(FS_RENAME, a, "EXT:a.txt", "EXT:b.txt", 10).status, VX_E_EXISTS);
	/* ...but a name that differs in case alone is the entry itself: the
	 * rename stores the new case (it was refused as "already exists") */
	assert_int_equal(req(FS_RENAME, a, "EXT:a.txt", "EXT:B.TXT", 10).status, VX_E_EXISTS);
	assert_int_equal(req(FS_RENAME, a, "EXT:a.txt", "EXT:A.txt", 10).status, VX_OK);
	a = (struct fs_args){.index = 0};
	struct fs_dirent e;
	bool seen = false;
	for (a.index = 0; (m = req(FS_LIST, a, "EXT:", NULL, 0)).status == VX_OK; a.index++) {
		memcpy(&e, m.data, sizeof(e));
		assert_string_not_equal(e.name, "a.txt");
		seen = seen || strcmp(e.name, "A.txt") == 0;
	}
	assert_true(seen);
	a = (struct fs_args){.count = 10};
	m = req(FS_READ, a, "EXT:a.txt", NULL, 0);
	assert_int_equal(m.status, VX_OK);
	assert_int_equal(m.len, 1);
	assert_memory_equal(m.data, "a", 1);
	a = (struct fs_args){0};
	assert_int_equal(req(FS_RENAME, a, "EXT:d", "EXT:D", 6).status, VX_OK);
	assert_int_equal(put("EXT:D/in.txt", "in"), VX_OK);
	assert_int_equal(put("EXT:d/in2.txt", "in"), VX_OK);
	assert_int_equal(req(FS_MKDIR, a, "EXT:e", NULL, 0).status, VX_OK);
	assert_int_equal(req(FS_RENAME, a, "EXT:e", "EXT:f", 6).status, VX_OK);
	assert_int_equal(put("EXT:f/in.txt", "in"), VX_OK);
	assert_int_equal(req(FS_MKDIR, a, "EXT:Dir1", NULL, 0).status, VX_OK);
	assert_int_equal(req(FS_RENAME, a, "EXT:Dir1", "EXT:DIR1", 9).status, VX_OK);
	assert_int_equal(put("EXT:DIR1/a.txt", "in"), VX_OK);
	assert_int_equal(req(FS_RENAME, a, "EXT:DIR1", "EXT:Dir1", 9).status, VX_OK);
	assert_int_equal(put("EXT:Dir1/f", "in"), VX_OK);
	assert_int_equal(req(FS_RENAME, a, "EXT:A.txt", "EXT:d/A.txt", 12).status, VX_E_INVAL);
	/* no views of a volume's files, no snapshots of FAT32 */
	assert_int_equal(req(FS_READ_MEM, a, "EXT:a.txt", NULL, 0).status, VX_E_NOSYS);
	a.count = FS_SNAP_CREATE;
	assert_int_equal(req(FS_SNAP, a, "EXT:s1", NULL, 0).status, VX_E_NOSYS);
	assert_int_equal(req(FS_SNAP, a, "s1", NULL, 0).status, VX_E_NOSYS);
	/* a read count over the inline limit */
	a = (struct fs_args){.count = FS_INLINE_MAX + 1};
	assert_int_equal(req(FS_READ, a, "EXT:a.txt", NULL, 0).status, VX_E_TOOBIG);
	/* FS_MOUNTS says what each root is */
	a = (struct fs_args){.index = 0};
	m = req(FS_MOUNTS, a, "", NULL, 0);
	assert_int_equal(m.status, VX_OK);
	memcpy(&mi, m.data, sizeof(mi));
	assert_string_equal(mi.name, "HOME");
	assert_int_equal(mi.kind, FS_KIND_NONE);
	assert_int_equal(mi.state, VX_E_NOTFOUND);
	a.index = 1;
	m = req(FS_MOUNTS, a, "", NULL, 0);
	memcpy(&mi, m.data, sizeof(mi));
	assert_int_equal(mi.kind, FS_KIND_FAT32);
	assert_string_equal(mi.where, "disk0p2");
	assert_true(mi.bytes_max > 30u << 20);
	a.index = 2;
	assert_int_equal(req(FS_MOUNTS, a, "", NULL, 0).status, VX_E_NOTFOUND);
	assert_int_equal(req(FS_MOUNTS, a, "x", NULL, 0).status, VX_E_INVAL);
	/* the RAM file system is untouched by all this */
	a = (struct fs_args){0};
	assert_int_equal(req(FS_STAT, a, "a.txt", NULL, 0).status, VX_E_NOTFOUND);
}

/* A volume that is not FAT32 is refused with the rule it broke, and the
 * root stays unmounted. */
static void test_hostile_volume(void **state)
{
	struct vx_blkdev d = dev;
	struct fs_mount *m = &mounts.m[1];

	(void)state;
	memset(img, 0, 4096); /* no boot sector */
	d.sectors = img_len / 512;
	fs_mount_drop(m);
	assert_int_equal(fs_mount_try(m, &d, "disk1"), VX_E_CORRUPT);
	assert_int_equal(m->kind, FS_KIND_NONE);
	assert_non_null(strstr(m->why, "disk1: "));
	struct fs_args a = {0};
	assert_int_equal(req(FS_STAT, a, "EXT:", NULL, 0).status, VX_E_NOTFOUND);
	/* HOME: without a work area for Keep: a named refusal */
	assert_int_equal(fs_mount_try(&mounts.m[0], &d, "disk1"), VX_E_NOSYS);
	assert_non_null(strstr(mounts.m[0].why, "no work area"));
	/* with one, a volume that is not Keep is refused by Keep's rule */
	static uint64_t work[(VX_KEEP_WORK_MIN) / 8];
	mounts.m[0].work = work;
	mounts.m[0].work_len = sizeof(work);
	assert_int_equal(fs_mount_try(&mounts.m[0], &d, "disk1"), VX_E_CORRUPT);
	assert_non_null(strstr(mounts.m[0].why, "disk1: "));
	assert_int_equal(mounts.m[0].kind, FS_KIND_NONE);
}

/* ---- HOME: on Keep, in memory -------------------------------------------- */

static uint64_t kwork[(1u << 20) / 8];
static const struct vx_blkdev kdev = {&keep_ref, mem_read, mem_write, mem_flush, (16u << 20) / 512};

/* A fresh Keep volume mounted as HOME: */
static int setup_keep(void **state)
{
	int rc = setup(state);

	if (rc)
		return rc;
	kimg = calloc(1, kimg_len);
	if (!kimg || vx_keep_format(&kdev, "home", kwork, sizeof(kwork)) != VX_OK)
		return -1;
	mounts.m[0].work = kwork;
	mounts.m[0].work_len = sizeof(kwork);
	return fs_mount_try(&mounts.m[0], &kdev, "disk0p1") == VX_OK ? 0 : -1;
}

static int teardown_keep(void **state)
{
	free(kimg);
	kimg = NULL;
	return teardown(state);
}

static void no_report(void *ctx, enum vx_keep_violation what, uint64_t ino, uint64_t block,
		      const char *detail)
{
	(void)ctx, (void)ino, (void)block;
	fprintf(stderr, "# violation %s: %s\n", vx_keep_violation_str(what), detail);
}

/* Every entry of root:d by FS_LIST index, 0 up to VX_E_NOTFOUND: seen[i]
 * counts how often name "n<i>" came; returns how many came in all. */
static int list_all(const char *root, int *seen, int nnames)
{
	char d[16];
	int total = 0;

	snprintf(d, sizeof(d), "%s:d", root);
	memset(seen, 0, sizeof(int) * (size_t)nnames);
	for (uint32_t i = 0; i < 4 * (uint32_t)nnames; i++) {
		struct fs_args a = {.index = i};
		struct fs_dirent e;
		struct vx_msg m = req(FS_LIST, a, d, NULL, 0);
		if (m.status == VX_E_NOTFOUND)
			return total;
		assert_int_equal(m.status, VX_OK);
		memcpy(&e, m.data, sizeof(e));
		int k = atoi(e.name + 1);
		assert_true(e.name[0] == 'n' && k >= 0 && k < nnames);
		seen[k]++;
		total++;
	}
	fail_msg("%s: FS_LIST never ended", d);
	return -1;
}

/* FS_LIST against a model, on HOME: (Keep) and EXT: (FAT32): random
 * creates, removes and renames in one directory, and after each every
 * name the model holds comes exactly once (Keep's listing gave a renamed
 * file twice: its index was a slot, and a freed slot before a live one
 * answered two indices).  Now and then a listing is broken off and a
 * change made before the next, which must not confuse the one after. */
static void test_list_model(void **state)
{
	enum { NAMES = 12, STEPS = 400 };
	const char *roots[] = {"HOME", "EXT"};
	uint64_t x = 0x9e3779b97f4a7c15ull;

	(void)state;
	for (int r = 0; r < 2; r++) {
		bool have[NAMES] = {0};
		int seen[NAMES];
		char p[32], q[32];
		struct fs_args a = {0};

		snprintf(p, sizeof(p), "%s:d", roots[r]);
		assert_int_equal(req(FS_MKDIR, a, p, NULL, 0).status, VX_OK);
		for (int step = 0; step < STEPS; step++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			int i = (int)(x % NAMES), j = (int)((x >> 8) % NAMES),
			    what = (int)((x >> 16) % 4);
			snprintf(p, sizeof(p), "%s:d/n%d", roots[r], i);
			snprintf(q, sizeof(q), "%s:d/n%d", roots[r], j);
			if (what <= 1 && !have[i]) {
				assert_int_equal(put(p, "x"), VX_OK);
				have[i] = true;
			} else if (what == 2 && have[i]) {
				assert_int_equal(req(FS_REMOVE, a, p, NULL, 0).status, VX_OK);
				have[i] = false;
			} else if (have[i] && i != j && (!have[j] || r == 0)) {
				/* Keep replaces a name that exists; FAT32 is asked only
				 * for free ones */
				assert_int_equal(req(FS_RENAME, a, p, q, strlen(q) + 1).status,
						 VX_OK);
				have[i] = false;
				have[j] = true;
			}
			if (step % 7 == 3) { /* a listing broken off, then a change */
				struct fs_args l = {.index = 1};
				(void)req(FS_LIST, l, p, NULL, 0);
				continue;
			}
			int want = 0;
			for (int k = 0; k < NAMES; k++)
				want += have[k];
			assert_int_equal(list_all(roots[r], seen, NAMES), want);
			for (int k = 0; k < NAMES; k++)
				if (seen[k] != (int)have[k])
					fail_msg("%s step %d: n%d listed %d times, want %d",
						 roots[r], step, k, seen[k], (int)have[k]);
		}
	}
}

/* The file operations on HOME:, each committed volume clean by Keep's own
 * check, and what a remount finds. */
static void test_keep_round_trip(void **state)
{
	struct fs_args a = {0};
	struct fs_stat st;
	struct fs_dirent e;
	struct vx_msg m;

	(void)state;
	assert_int_equal(req(FS_MKDIR, a, "HOME:notes", NULL, 0).status, VX_OK);
	assert_int_equal(put("HOME:notes/today", "hi\n"), VX_OK);
	a.count = 4;
	assert_int_equal(req(FS_APPEND, a, "HOME:notes/today", "more", 4).status, VX_OK);
	a = (struct fs_args){.count = 64};
	m = req(FS_READ, a, "HOME:notes/today", NULL, 0);
	assert_int_equal(m.status, VX_OK);
	assert_int_equal(m.len, 7);
	assert_memory_equal(m.data, "hi\nmore", 7);
	a = (struct fs_args){0};
	m = req(FS_STAT, a, "HOME:notes", NULL, 0);
	memcpy(&st, m.data, sizeof(st));
	assert_int_equal(st.type, FS_DIR);
	assert_int_equal(st.entries, 1);
	m = req(FS_LIST, a, "HOME:notes", NULL, 0);
	assert_int_equal(m.status, VX_OK);
	memcpy(&e, m.data, sizeof(e));
	assert_string_equal(e.name, "today");
	/* rename over an existing file replaces it, across directories */
	assert_int_equal(put("HOME:new", "fresh"), VX_OK);
	assert_int_equal(req(FS_RENAME, a, "HOME:new", "HOME:notes/today", 17).status, VX_OK);
	assert_int_equal(req(FS_STAT, a, "HOME:new", NULL, 0).status, VX_E_NOTFOUND);
	assert_int_equal(req(FS_REMOVE, a, "HOME:notes", NULL, 0).status, VX_E_STATE);
	assert_int_equal(req(FS_SYNC, a, "HOME:", NULL, 0).status, VX_OK);
	assert_int_equal(vx_keep_check(&mounts.m[0].u.keep, no_report, NULL), 0);
	/* what a fresh mount of the committed volume holds */
	fs_mount_drop(&mounts.m[0]);
	assert_int_equal(fs_mount_try(&mounts.m[0], &kdev, "disk0p1"), VX_OK);
	a = (struct fs_args){.count = 64};
	m = req(FS_READ, a, "HOME:notes/today", NULL, 0);
	assert_int_equal(m.status, VX_OK);
	assert_int_equal(m.len, 5);
	assert_memory_equal(m.data, "fresh", 5);
	/* df's figures */
	a = (struct fs_args){0};
	m = req(FS_INFO, a, "HOME:", NULL, 0);
	assert_int_equal(m.status, VX_OK);
	struct fs_info info;
	memcpy(&info, m.data, sizeof(info));
	assert_int_equal(info.bytes_max, 16u << 20);
	assert_true(info.bytes > 0 && info.bytes < info.bytes_max);
}

/* Snapshots through FS_SNAP: made, listed, deleted; a name twice is
 * VX_E_EXISTS, an unknown one VX_E_NOTFOUND. */
static void test_keep_snapshots(void **state)
{
	struct fs_args a = {.count = FS_SNAP_CREATE};
	struct fs_snap_info si;
	struct vx_msg m;

	(void)state;
	assert_int_equal(put("HOME:f", "one"), VX_OK);
	assert_int_equal(req(FS_SNAP, a, "HOME:before", NULL, 0).status, VX_OK);
	assert_int_equal(req(FS_SNAP, a, "HOME:before", NULL, 0).status, VX_E_EXISTS);
	assert_int_equal(req(FS_SNAP, a, "HOME:", NULL, 0).status, VX_E_INVAL);
	a.count = FS_SNAP_LIST;
	a.index = 0;
	m = req(FS_SNAP, a, "HOME:", NULL, 0);
	assert_int_equal(m.status, VX_OK);
	memcpy(&si, m.data, sizeof(si));
	assert_string_equal(si.name, "before");
	assert_true(si.txg > 0);
	a.index = 1;
	assert_int_equal(req(FS_SNAP, a, "HOME:", NULL, 0).status, VX_E_NOTFOUND);
	/* the snapshot reads as it was, through "@NAME", and takes no change */
	assert_int_equal(put("HOME:f", "two"), VX_OK);
	struct fs_args r = {.count = 16};
	m = req(FS_READ, r, "HOME:@before/f", NULL, 0);
	assert_int_equal(m.status, VX_OK);
	assert_int_equal(m.len, 3);
	assert_memory_equal(m.data, "one", 3);
	m = req(FS_READ, r, "HOME:f", NULL, 0);
	assert_memory_equal(m.data, "two", 3);
	r = (struct fs_args){0};
	m = req(FS_LIST, r, "HOME:@before", NULL, 0);
	assert_int_equal(m.status, VX_OK);
	assert_int_equal(put("HOME:@before/f", "x"), VX_E_RIGHTS);
	assert_int_equal(req(FS_REMOVE, r, "HOME:@before/f", NULL, 0).status, VX_E_RIGHTS);
	assert_int_equal(req(FS_MKDIR, r, "HOME:@new", NULL, 0).status, VX_E_RIGHTS);
	assert_int_equal(req(FS_RENAME, r, "HOME:f", "HOME:@before/g", 15).status, VX_E_RIGHTS);
	assert_int_equal(req(FS_STAT, r, "HOME:@nosuch/f", NULL, 0).status, VX_E_NOTFOUND);
	a.count = FS_SNAP_DELETE;
	assert_int_equal(req(FS_SNAP, a, "HOME:nope", NULL, 0).status, VX_E_NOTFOUND);
	assert_int_equal(req(FS_SNAP, a, "HOME:before", NULL, 0).status, VX_OK);
	a.count = 9;
	assert_int_equal(req(FS_SNAP, a, "HOME:x", NULL, 0).status, VX_E_INVAL);
	assert_int_equal(vx_keep_check(&mounts.m[0].u.keep, no_report, NULL), 0);
}

/* FS_CREATE_DEDUP on HOME:: a second file of the same blocks takes no
 * room for its data; on EXT: and RAM: it is VX_E_NOSYS. */
static void test_keep_dedup(void **state)
{
	static uint8_t mem[256 << 10];
	struct fs_args a = {.count = FS_CREATE_DEDUP};
	struct fs_info before, after;
	struct vx_msg m;

	(void)state;
	for (size_t i = 0; i < sizeof(mem); i++)
		mem[i] = (uint8_t)(i * 31 + (i >> 12));
	assert_int_equal(req(FS_CREATE, a, "HOME:pkg1", NULL, 0).status, VX_OK);
	assert_int_equal(req(FS_CREATE, a, "HOME:pkg2", NULL, 0).status, VX_OK);
	assert_int_equal(req(FS_CREATE, a, "EXT:pkg", NULL, 0).status, VX_E_NOSYS);
	assert_int_equal(req(FS_CREATE, a, "RAM:pkg", NULL, 0).status, VX_E_NOSYS);
	a.count = 2;
	assert_int_equal(req(FS_CREATE, a, "HOME:bad", NULL, 0).status, VX_E_INVAL);
	fs.xfer = mem;
	fs.xfer_size = sizeof(mem);
	fs.xfer_rights = VX_R_READ;
	a = (struct fs_args){.count = sizeof(mem)};
	assert_int_equal(req(FS_WRITE_MEM, a, "HOME:pkg1", NULL, 0).status, VX_OK);
	fs.xfer = NULL;
	struct fs_args z = {0};
	assert_int_equal(req(FS_SYNC, z, "HOME:", NULL, 0).status, VX_OK);
	m = req(FS_INFO, z, "HOME:", NULL, 0);
	memcpy(&before, m.data, sizeof(before));
	fs.xfer = mem;
	assert_int_equal(req(FS_WRITE_MEM, a, "HOME:pkg2", NULL, 0).status, VX_OK);
	fs.xfer = NULL;
	assert_int_equal(req(FS_SYNC, z, "HOME:", NULL, 0).status, VX_OK);
	m = req(FS_INFO, z, "HOME:", NULL, 0);
	memcpy(&after, m.data, sizeof(after));
	/* 64 blocks of data stored once: the second file costs its metadata */
	assert_true(after.bytes - before.bytes < sizeof(mem) / 2);
	assert_int_equal(vx_keep_check(&mounts.m[0].u.keep, no_report, NULL), 0);
}

/* A data block flipped on the disk: the read is VX_E_CORRUPT, no byte of
 * it comes back, and the mount names the file. */
static void test_keep_corrupt_named(void **state)
{
	static uint8_t mem[64 << 10], back[64 << 10];
	struct fs_args a = {.count = sizeof(mem)};
	uint8_t *before;

	(void)state;
	memset(mem, 0x5a, sizeof(mem));
	fs.xfer = mem;
	fs.xfer_size = sizeof(mem);
	fs.xfer_rights = VX_R_READ | VX_R_WRITE;
	assert_int_equal(req(FS_WRITE_MEM, a, "HOME:docs.bin", NULL, 0).status, VX_OK);
	fs.xfer = NULL;
	struct fs_args z = {0};
	assert_int_equal(req(FS_SYNC, z, "HOME:", NULL, 0).status, VX_OK);
	/* the tick's commit: the block is in the tree, not only in the log
	 * (a damaged block only the log names ends the log: the fsync is lost) */
	assert_int_equal(fs_mount_sync(&mounts.m[0]), VX_OK);
	/* find a block of the file's bytes on the disk and flip one bit */
	before = memmem(kimg, kimg_len, mem, 4096);
	assert_non_null(before);
	before[100] ^= 0x10;
	fs_mount_drop(&mounts.m[0]);
	assert_int_equal(fs_mount_try(&mounts.m[0], &kdev, "disk0p1"), VX_OK);
	memset(back, 0, sizeof(back));
	fs.xfer = back;
	fs.xfer_size = sizeof(back);
	struct vx_msg m = req(FS_READ_INTO, a, "HOME:docs.bin", NULL, 0);
	fs.xfer = NULL;
	assert_int_equal(m.status, VX_E_CORRUPT);
	assert_int_equal(mounts.m[0].ncorrupt, 1);
	assert_non_null(strstr(mounts.m[0].corrupt, "HOME:docs.bin"));
	for (size_t i = 0; i < sizeof(back); i++)
		if (back[i] != 0 && back[i] != 0x5a)
			fail_msg("a wrong byte at %zu", i);
}

/* FS_SYNC after a create and writes goes through Keep's intent log: one
 * flush, no commit (the volume stays dirty for the tick), and a power cut
 * right after it keeps every byte (the next mount replays). */
static void test_keep_sync_through_log(void **state)
{
	(void)state;
	fs.now = 1000;
	assert_int_equal(put("HOME:log.txt", "first line\n"), VX_OK);
	struct fs_args z = {0};
	assert_int_equal(req(FS_SYNC, z, "HOME:", NULL, 0).status, VX_OK);
	uint64_t commits = mounts.m[0].commits, logged = mounts.m[0].u.keep.il_fsyncs;
	struct fs_args a = {.offset = 6, .count = 4};
	assert_int_equal(req(FS_WRITE, a, "HOME:log.txt", "LINE", 4).status, VX_OK);
	flushes = 0;
	assert_int_equal(req(FS_SYNC, z, "HOME:", NULL, 0).status, VX_OK);
	assert_int_equal(flushes, 1);
	assert_int_equal(mounts.m[0].commits, commits);
	assert_true(mounts.m[0].dirty);
	assert_int_equal(mounts.m[0].u.keep.il_fsyncs, logged + 1);
	/* the power cut: mount the disk as it is */
	fs_mount_drop(&mounts.m[0]);
	assert_int_equal(fs_mount_try(&mounts.m[0], &kdev, "disk0p1"), VX_OK);
	assert_int_equal(mounts.m[0].u.keep.il_replayed, 3); /* create, block; block */
	a = (struct fs_args){.count = 64};
	struct vx_msg m = req(FS_READ, a, "HOME:log.txt", NULL, 0);
	assert_int_equal(m.status, VX_OK);
	assert_int_equal(m.len, 11);
	assert_memory_equal(m.data, "first LINE\n", 11);
	assert_int_equal(vx_keep_check(&mounts.m[0].u.keep, no_report, NULL), 0);
}

/* A volume filled, committed, then emptied by FS_REMOVE takes a new file
 * at once: the removed blocks wait VX_KEEP_DEFER commits to be reused,
 * and a write refused for room commits until they are free (it once
 * stayed VX_E_FULL until five more changes had committed). */
static void test_keep_full_rm_reuse(void **state)
{
	static uint8_t chunk[64 << 10];
	struct fs_args z = {0};
	uint64_t off = 0;
	int rc;

	(void)state;
	memset(chunk, 0x5a, sizeof(chunk));
	while ((rc = fs_mount_write(&mounts.m[0], "big", off, chunk, sizeof(chunk), 0)) == VX_OK)
		off += sizeof(chunk);
	assert_int_equal(rc, VX_E_FULL);
	assert_true(off > (8u << 20));
	assert_int_equal(fs_mount_sync(&mounts.m[0]), VX_OK);
	assert_int_equal(req(FS_REMOVE, z, "HOME:big", NULL, 0).status, VX_OK);
	assert_int_equal(fs_mount_write(&mounts.m[0], "again", 0, chunk, sizeof(chunk), 0), VX_OK);
	assert_int_equal(put("HOME:small", "fits\n"), VX_OK);
	for (off = sizeof(chunk); off < (8u << 20); off += sizeof(chunk))
		assert_int_equal(
		    fs_mount_write(&mounts.m[0], "again", off, chunk, sizeof(chunk), 0), VX_OK);
	assert_int_equal(fs_mount_sync(&mounts.m[0]), VX_OK);
	assert_int_equal(vx_keep_check(&mounts.m[0].u.keep, no_report, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_route, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fat_round_trip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_neighbour_remove, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_full_then_neighbour, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bulk, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_commit_timer, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hostile_volume, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_keep_round_trip, setup_keep, teardown_keep),
	    cmocka_unit_test_setup_teardown(test_keep_snapshots, setup_keep, teardown_keep),
	    cmocka_unit_test_setup_teardown(test_keep_corrupt_named, setup_keep, teardown_keep),
	    cmocka_unit_test_setup_teardown(test_keep_dedup, setup_keep, teardown_keep),
	    cmocka_unit_test_setup_teardown(test_keep_sync_through_log, setup_keep, teardown_keep),
	    cmocka_unit_test_setup_teardown(test_list_model, setup_keep, teardown_keep),
	    cmocka_unit_test_setup_teardown(test_keep_full_rm_reuse, setup_keep, teardown_keep),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
