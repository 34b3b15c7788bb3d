/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * keep: Keep volumes (lib/fs/keep.h, docs/FS.md) from Linux, built from
 * the same sources VectraOS runs.  The volume is an image file, or a byte
 * range of one (--offset BYTES --size BYTES: a GPT partition).
 *
 *   keep mkfs IMAGE [SIZE] [LABEL]     format (SIZE: bytes, or with K/M/G;
 *                                      creates or grows the file)
 *   keep put IMAGE HOSTFILE PATH [--dedup]
 *   keep put-tree IMAGE HOSTDIR PATH [--dedup]
 *                                      HOSTDIR's files and directories
 *                                      under PATH ("" or / for the root),
 *                                      in name order, in one commit
 *   keep get IMAGE PATH HOSTFILE
 *   keep ls IMAGE [PATH] [--snap NAME]
 *   keep mkdir IMAGE PATH
 *   keep rm IMAGE PATH                 a file or an empty directory
 *   keep mv IMAGE FROM TO
 *   keep snap IMAGE create|list|delete [NAME]
 *   keep df IMAGE
 *   keep gc IMAGE                      reclaim unreferenced blocks
 *   keep fsck IMAGE                    every checksum and invariant, and
 *                                      the intent log a mount would replay
 *   keep fsync-write IMAGE PATH OFFSET HOSTFILE
 *                                      writes HOSTFILE's bytes at OFFSET of
 *                                      the existing file PATH and fsyncs
 *                                      without a commit: the image a power
 *                                      cut after an fsync leaves (the next
 *                                      writable mount replays the log)
 *
 * ls and get open the image read-only and never write it; fsck too.  A
 * mount replays the intent log a power cut left (docs/FS.md) and says so
 * on stderr: a writable one commits it, ls and get replay it in memory
 * (they show every fsynced byte; the image stays as it is), and fsck
 * checks the image as it is: the last commit, and the log validated.
 * Exit status: 0 success; 1 the operation failed, or fsck found
 * violations (each printed with its name); 2 bad usage or an image that
 * does not mount.
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vectra/abi.h"
#include "fs/keep.h"
#include "rt/errstr.h"

#define WORK (4u << 20)

static int fd = -1;
static uint64_t base_off;
static struct vx_keep vol;
static _Alignas(64) uint8_t work[WORK];

static int f_read(void *ctx, uint64_t lba, uint32_t n, void *buf)
{
	(void)ctx;
	size_t len = (size_t)n * 512;
	ssize_t got = pread(fd, buf, len, (off_t)(base_off + lba * 512));
	if (got < 0)
		return VX_E_FAULT;
	if ((size_t)got < len)
		memset((uint8_t *)buf + got, 0, len - (size_t)got);
	return 0;
}

static int f_write(void *ctx, uint64_t lba, uint32_t n, const void *buf)
{
	(void)ctx;
	size_t len = (size_t)n * 512;
	return pwrite(fd, buf, len, (off_t)(base_off + lba * 512)) == (ssize_t)len ? 0 : VX_E_FAULT;
}

static int f_flush(void *ctx)
{
	(void)ctx;
	return fsync(fd) == 0 ? 0 : VX_E_FAULT;
}

static int usage(void)
{
	fprintf(
	    stderr,
	    "usage: keep mkfs|put|put-tree|get|ls|mkdir|rm|mv|snap|df|gc|fsck|fsync-write IMAGE "
	    "... "
	    "[--offset BYTES --size BYTES] (see tools/keep.c)\n");
	return 2;
}

static int fail(int rc, const char *what)
{
	fprintf(stderr, "keep: %s: %s", what, vx_errname(rc));
	if (rc == VX_E_CORRUPT || vol.why)
		fprintf(stderr, " (%s)", vx_keep_why_str(vol.why));
	if (rc == VX_E_CORRUPT && vol.bad_ino) {
		char path[4200];
		if (vx_keep_path_of(&vol, vol.bad_ino, path, sizeof(path)) == 0)
			fprintf(stderr, " in \"%s\"", path);
	}
	fprintf(stderr, "\n");
	return 1;
}

static uint64_t parse_size(const char *s)
{
	char *end;
	unsigned long long x = strtoull(s, &end, 0);
	if (*end == 'K' || *end == 'k')
		x <<= 10;
	else if (*end == 'M' || *end == 'm')
		x <<= 20;
	else if (*end == 'G' || *end == 'g')
		x <<= 30;
	else if (*end)
		return 0;
	return x;
}

/* The device over the open image: its range, in sectors. */
static struct vx_blkdev device(uint64_t size)
{
	struct vx_blkdev d = {NULL, f_read, f_write, f_flush, size / 512};
	return d;
}

static void report(void *ctx, enum vx_keep_violation what, uint64_t ino, uint64_t block,
		   const char *detail)
{
	(void)ctx;
	char path[4200] = "";
	if (ino && vx_keep_path_of(&vol, ino, path, sizeof(path)) != 0)
		snprintf(path, sizeof(path), "inode %llu", (unsigned long long)ino);
	printf("violation: %s: %s%s%s (block %llu)\n", vx_keep_violation_str(what), detail,
	       *path ? " in " : "", path, (unsigned long long)block);
}

static int do_ls(uint64_t view, const char *path)
{
	struct vx_keep_node d;
	int rc = vx_keep_lookup_at(&vol, view, path, &d);
	if (rc < 0)
		return fail(rc, path);
	if (d.type == VX_KEEP_FILE) {
		printf("%12llu  %s\n", (unsigned long long)d.size, path);
		return 0;
	}
	struct vx_keep_dircur cur = {0};
	static struct vx_keep_dirent e;
	while ((rc = vx_keep_readdir(&vol, &d, &cur, &e)) == 1)
		printf("%12llu  %s%s\n", (unsigned long long)e.node.size, e.name,
		       e.node.type == VX_KEEP_DIR ? "/" : "");
	return rc < 0 ? fail(rc, path) : 0;
}

/* HOSTFILE's bytes as PATH, created or truncated; not yet committed. */
static int put_file(const char *host, const char *path, uint32_t flags)
{
	FILE *f = fopen(host, "rb");
	if (!f) {
		fprintf(stderr, "keep: %s: %s\n", host, strerror(errno));
		return 1;
	}
	struct vx_keep_node n;
	int rc = vx_keep_lookup(&vol, path, &n);
	if (rc == VX_E_NOTFOUND)
		rc = vx_keep_create(&vol, path, flags, &n);
	else if (rc == 0)
		rc = vx_keep_truncate(&vol, &n, 0);
	static uint8_t buf[1 << 20];
	uint64_t off = 0;
	size_t got;
	while (rc == 0 && (got = fread(buf, 1, sizeof(buf), f)) > 0) {
		long w = vx_keep_write(&vol, &n, off, buf, (uint32_t)got);
		if (w < 0)
			rc = (int)w;
		off += got;
	}
	fclose(f);
	return rc < 0 ? fail(rc, path) : 0;
}

static int do_put(const char *host, const char *path, uint32_t flags)
{
	int rc = put_file(host, path, flags);
	if (rc == 0 && (rc = vx_keep_sync(&vol)) < 0)
		return fail(rc, path);
	return rc;
}

/* Writes HOST's bytes at off of file PATH and fsyncs (no commit). */
static int fsync_write(const char *path, const char *off_s, const char *host)
{
	struct vx_keep_node n;
	int rc = vx_keep_lookup(&vol, path, &n);
	if (rc < 0)
		return fail(rc, path);
	FILE *f = fopen(host, "rb");
	if (!f) {
		fprintf(stderr, "keep: %s: %s\n", host, strerror(errno));
		return 1;
	}
	static uint8_t buf[1 << 20];
	uint64_t off = strtoull(off_s, NULL, 0);
	size_t got;
	while (rc == 0 && (got = fread(buf, 1, sizeof(buf), f)) > 0) {
		long w = vx_keep_write(&vol, &n, off, buf, (uint32_t)got);
		if (w < 0)
			rc = (int)w;
		off += got;
	}
	fclose(f);
	uint64_t logged = vol.il_fsyncs;
	if (rc == 0)
		rc = vx_keep_fsync(&vol, &n);
	if (rc < 0)
		return fail(rc, path);
	printf("keep: fsynced %s\n",
	       vol.il_fsyncs > logged ? "through the intent log" : "by a commit");
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* HOSTDIR's tree under PATH (made if missing), entries in bytewise name
 * order so that the same tree gives the same volume; not yet committed. */
static int put_tree(const char *host, const char *path, uint32_t flags)
{
	struct vx_keep_node n;
	int rc = vx_keep_lookup(&vol, path, &n);
	if (rc == VX_E_NOTFOUND)
		rc = vx_keep_mkdir(&vol, path);
	if (rc < 0)
		return fail(rc, *path ? path : "/");
	struct dirent **ents;
	int nents = scandir(host, &ents, NULL, by_name);
	if (nents < 0) {
		fprintf(stderr, "keep: %s: %s\n", host, strerror(errno));
		return 1;
	}
	rc = 0;
	for (int i = 0; i < nents; i++) {
		const char *name = ents[i]->d_name;
		char hsub[4200], sub[4200];
		struct stat st;
		if (rc || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			goto next;
		snprintf(hsub, sizeof(hsub), "%s/%s", host, name);
		snprintf(sub, sizeof(sub), "%s/%s", path, name);
		if (lstat(hsub, &st) != 0) {
			fprintf(stderr, "keep: %s: %s\n", hsub, strerror(errno));
			rc = 1;
		} else if (S_ISDIR(st.st_mode)) {
			rc = put_tree(hsub, sub, flags);
		} else if (S_ISREG(st.st_mode)) {
			rc = put_file(hsub, sub, flags);
		} else {
			fprintf(stderr, "keep: %s: not a file or directory, skipped\n", hsub);
		}
	next:
		free(ents[i]);
	}
	free(ents);
	return rc;
}

static int do_get(const char *path, const char *host)
{
	struct vx_keep_node n;
	int rc = vx_keep_lookup(&vol, path, &n);
	if (rc < 0)
		return fail(rc, path);
	FILE *f = fopen(host, "wb");
	if (!f) {
		fprintf(stderr, "keep: %s: %s\n", host, strerror(errno));
		return 1;
	}
	static uint8_t buf[1 << 20];
	for (uint64_t off = 0; off < n.size;) {
		long got = vx_keep_read(&vol, &n, off, buf, sizeof(buf));
		if (got <= 0) {
			fclose(f);
			unlink(host);
			return fail(got < 0 ? (int)got : VX_E_CORRUPT, path);
		}
		fwrite(buf, 1, (size_t)got, f);
		off += (uint64_t)got;
	}
	return fclose(f) == 0 ? 0 : 1;
}

static int do_snap(char **pos, int npos)
{
	if (npos < 2)
		return usage();
	int rc;
	if (strcmp(pos[1], "list") == 0) {
		struct vx_keep_snapinfo info;
		for (uint32_t i = 0; (rc = vx_keep_snap_list(&vol, i, &info)) == 1; i++)
			printf("%s\ttxg %llu\n", info.name, (unsigned long long)info.txg);
		return rc < 0 ? fail(rc, "snap list") : 0;
	}
	if (npos < 3)
		return usage();
	if (strcmp(pos[1], "create") == 0)
		rc = vx_keep_snap_create(&vol, pos[2]);
	else if (strcmp(pos[1], "delete") == 0)
		rc = vx_keep_snap_delete(&vol, pos[2]);
	else
		return usage();
	return rc < 0 ? fail(rc, pos[2]) : 0;
}

int main(int argc, char **argv)
{
	char *pos[8];
	int npos = 0;
	const char *off_s = NULL, *size_s = NULL, *snap = NULL;
	uint32_t flags = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--offset") == 0 && i + 1 < argc)
			off_s = argv[++i];
		else if (strcmp(argv[i], "--size") == 0 && i + 1 < argc)
			size_s = argv[++i];
		else if (strcmp(argv[i], "--snap") == 0 && i + 1 < argc)
			snap = argv[++i];
		else if (strcmp(argv[i], "--dedup") == 0)
			flags |= VX_KEEP_F_DEDUP;
		else if (npos < 8)
			pos[npos++] = argv[i];
		else
			return usage();
	}
	if (npos < 2)
		return usage();
	const char *cmd = pos[0], *image = pos[1];
	bool mkfs = strcmp(cmd, "mkfs") == 0;
	base_off = off_s ? parse_size(off_s) : 0;
	bool fsck = strcmp(cmd, "fsck") == 0;
	bool rdonly = fsck || strcmp(cmd, "ls") == 0 || strcmp(cmd, "get") == 0;
	fd = open(image, mkfs ? O_RDWR | O_CREAT : (rdonly ? O_RDONLY : O_RDWR), 0644);
	if (fd < 0) {
		fprintf(stderr, "keep: %s: %s\n", image, strerror(errno));
		return 2;
	}
	struct stat st;
	fstat(fd, &st);
	uint64_t size = size_s ? parse_size(size_s) : 0;
	if (mkfs && !size_s && npos >= 3 && parse_size(pos[2])) {
		size = parse_size(pos[2]);
		if ((uint64_t)st.st_size < base_off + size &&
		    ftruncate(fd, (off_t)(base_off + size)) != 0) {
			fprintf(stderr, "keep: %s: %s\n", image, strerror(errno));
			return 2;
		}
		pos[2] = npos >= 4 ? pos[3] : NULL;
		npos = npos >= 4 ? 3 : 2;
	}
	if (!size)
		size = (uint64_t)st.st_size > base_off ? (uint64_t)st.st_size - base_off : 0;
	struct vx_blkdev dev = device(size);
	if (mkfs) {
		int rc = vx_keep_format(&dev, npos >= 3 ? pos[2] : NULL, work, WORK);
		if (rc < 0)
			return fail(rc, "mkfs");
		printf("keep: formatted %llu bytes\n", (unsigned long long)(size & ~4095ull));
		return 0;
	}
	uint32_t mflags = fsck ? VX_KEEP_RDONLY | VX_KEEP_NOREPLAY : rdonly ? VX_KEEP_RDONLY : 0;
	int rc = vx_keep_mount(&vol, &dev, work, WORK, mflags);
	if (rc < 0) {
		fail(rc, "mount");
		if (vol.il_stop == VX_KEEP_IL_NO_ROOM)
			fprintf(stderr, "keep: %s\n", vx_keep_ilstop_str(vol.il_stop));
		return 2;
	}
	if (vol.il_replayed)
		fprintf(stderr, "keep: replayed %llu intent log records%s (%s)\n",
			(unsigned long long)vol.il_replayed,
			rdonly ? " in memory, the image unchanged" : "",
			vx_keep_ilstop_str(vol.il_stop));
	if (fsck) {
		long n = vx_keep_check(&vol, report, NULL);
		if (n < 0)
			return fail((int)n, "fsck");
		if (vol.il_replayable)
			printf(
			    "keep: an intent log of %llu records (a writable mount replays it)\n",
			    (unsigned long long)vol.il_replayable);
		if (vol.repairs)
			printf("keep: %llu damaged copies found (a writable mount repairs them)\n",
			       (unsigned long long)vol.repairs);
		printf("keep: %ld violation%s\n", n, n == 1 ? "" : "s");
		return n ? 1 : 0;
	}
	if (strcmp(cmd, "ls") == 0) {
		uint64_t view = 0;
		if (snap && (rc = vx_keep_snap_open(&vol, snap, &view)) < 0)
			return fail(rc, snap);
		return do_ls(view, npos >= 3 ? pos[2] : "");
	}
	if (strcmp(cmd, "put") == 0 && npos == 4)
		return do_put(pos[2], pos[3], flags);
	if (strcmp(cmd, "put-tree") == 0 && npos == 4) {
		if ((rc = put_tree(pos[2], pos[3], flags)) != 0)
			return rc;
		return (rc = vx_keep_sync(&vol)) < 0 ? fail(rc, pos[3]) : 0;
	}
	if (strcmp(cmd, "fsync-write") == 0 && npos == 5)
		return fsync_write(pos[2], pos[3], pos[4]);
	if (strcmp(cmd, "get") == 0 && npos == 4)
		return do_get(pos[2], pos[3]);
	if (strcmp(cmd, "snap") == 0)
		return do_snap(pos + 1, npos - 1);
	if (strcmp(cmd, "df") == 0) {
		struct vx_keep_statfs s;
		vx_keep_statfs(&vol, &s);
		printf("label %s\ntotal %llu\nused %llu\nfree %llu\npending %llu\nfiles %llu\n"
		       "snapshots %u\ntxg %llu\n",
		       s.label, (unsigned long long)s.total, (unsigned long long)s.used,
		       (unsigned long long)s.free, (unsigned long long)s.pending,
		       (unsigned long long)s.files, s.snaps, (unsigned long long)s.txg);
		return 0;
	}
	if (strcmp(cmd, "gc") == 0) {
		long n = vx_keep_reclaim(&vol);
		if (n < 0)
			return fail((int)n, "gc");
		printf("keep: %ld blocks reclaimed\n", n);
		return 0;
	}
	if (strcmp(cmd, "mkdir") == 0 && npos == 3)
		rc = vx_keep_mkdir(&vol, pos[2]);
	else if (strcmp(cmd, "rm") == 0 && npos == 3)
		rc = vx_keep_unlink(&vol, pos[2]);
	else if (strcmp(cmd, "mv") == 0 && npos == 4)
		rc = vx_keep_rename(&vol, pos[2], pos[3]);
	else
		return usage();
	if (rc == 0)
		rc = vx_keep_sync(&vol);
	return rc < 0 ? fail(rc, pos[2]) : 0;
}
