/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfsd's mounted volumes: the naming roots that live on disks, beside the
 * RAM file system.  Pure logic over a block device the caller brings as
 * callbacks (struct vx_fat_dev's shape), so the host tests run it over a
 * file (tests/host/test_mount.c).
 *
 * ROOTS
 *
 * A path whose first component is "NAME:..." (rt/path.h,
 * vx_path_split_volume) names a root: "HOME:notes/today", "EXT:photo.jpg".
 * HOME is the person's files on the native file system (Keep, docs/FS.md),
 * EXT an exchange volume in FAT32 (docs/STORAGE.md).  "RAM:" and a path
 * with no root name the RAM file system, which stays for scratch.  A root
 * that is not mounted answers VX_E_NOTFOUND, and fs_mount_info says why.
 *
 * A damaged block is VX_E_CORRUPT and never its bytes; m->corrupt names
 * the file and the rule (vfsd logs it).  Keep repairs a bad metadata copy
 * from its twin and counts it (fs_mount_repairs).  A failure in the middle
 * of a change (a device error, the disk full inside a commit) leaves a Keep
 * volume broken: it is mounted again at once, which finds the last commit.
 *
 * WHAT EACH OP MEANS ON A VOLUME
 *
 * The same as fs.h says for the RAM file system, with the volume's own
 * limits (a FAT32 file holds 4 GiB - 1 bytes, a name 255 UTF-16 units) and
 * these differences:
 *   FS_LIST     entries in the directory's own order, not by name;
 *   FS_READ_MEM VX_E_NOSYS: read a volume's files with FS_READ;
 *   FS_RENAME   within one root (VX_E_INVAL across roots); FAT32 renames
 *               only within one directory (VX_E_INVAL otherwise); Keep
 *               replaces an existing file at the new name atomically;
 *   FS_INFO     "NAME:" gives that volume's bytes used and its size;
 *   FS_SYNC     when it returns VX_OK everything written to the volume
 *               before survives a power cut (Keep: through its intent
 *               log when only files' bytes, creates and removes
 *               changed, else a commit);
 *   FS_SNAP     Keep's snapshots (VX_E_NOSYS on FAT32); snapshot NAME
 *               reads as "HOME:@NAME/...", and refuses every change
 *               (VX_E_RIGHTS).
 * Errors of the file systems map onto fs.h's: a full disk is VX_E_FULL,
 * a directory that is not empty VX_E_STATE, a damaged volume VX_E_CORRUPT
 * (never wrong bytes), a device that failed the device's own error.
 *
 * DURABILITY
 *
 * Changes are written as they come, but committed (FAT: the FAT cache and
 * FSInfo, then a flush) only by FS_SYNC or by fs_mount_tick once the
 * volume has been dirty for FS_MOUNT_COMMIT_NS.  So a power cut loses at
 * most the last few seconds, and FS_SYNC is the fsync.
 */
#ifndef VFSD_PURE_MOUNT_H
#define VFSD_PURE_MOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "fs/blkdev.h"
#include "fs/fat32.h"
#include "fs/keep.h"
#include "rt/svc.h"
#include "vectra/proto/fs.h"

#define FS_MOUNTS_MAX	   4u
#define FS_MOUNT_COMMIT_NS 2000000000ull /* a dirty volume is committed within 2 s */

enum fs_mount_kind { FS_KIND_NONE = 0, FS_KIND_FAT32 = 1, FS_KIND_KEEP = 2 };

struct fs_mount {
	char name[8];	   /* "HOME", "EXT" */
	uint32_t want;	   /* the enum fs_mount_kind this root takes */
	uint32_t kind;	   /* what is mounted; FS_KIND_NONE if nothing */
	int last_rc;	   /* the last mount attempt's error, VX_OK if mounted */
	char why[72];	   /* the last attempt, in words */
	char where[24];	   /* "disk0p2" */
	bool dirty;	   /* changed since the last commit */
	uint64_t dirty_at; /* when it became dirty (ns) */
	uint64_t commits;
	uint64_t mount_ns, mount_busy_ns; /* the mount's cost, as vfsd measured it */
	struct vx_blkdev dev;
	/* Keep's work area (cache and scratch), the caller's: at least
	 * VX_KEEP_WORK_MIN bytes, set before fs_mount_try. */
	void *work;
	size_t work_len;
	/* The last VX_E_CORRUPT, naming the file ("HOME:notes/a: ..."), and
	 * how many there were; Keep's metadata repairs so far. */
	char corrupt[160];
	uint64_t ncorrupt;
	uint64_t remounts; /* after a failure left the volume broken */
	/* FS_LIST on Keep answers the index-th entry, where Keep's cursor is a
	 * slot (holes where names were removed or renamed away): list_at is
	 * where the last answer stopped, so that the next index goes on from
	 * there instead of walking from the first slot.  Good while
	 * list_epoch, which every change and every mount moves, is the same. */
	uint64_t list_epoch;
	struct {
		uint64_t epoch, view, ino, gen;
		uint32_t next; /* the index answered next... */
		uint64_t slot; /* ...is at this slot or after it */
	} list_at;
	/* Add to the monotonic clock for UTC (rtcd's, fs_mounts_set_wall);
	 * 0 while unknown.  FAT stamps the entries it writes with it. */
	uint64_t wall_offset;
	union {
		struct vx_fat fat;
		struct vx_keep keep;
	} u;
};

struct fs_mounts {
	uint32_t n;
	struct fs_mount m[FS_MOUNTS_MAX];
};

/* A root name (NUL-terminated) and the kind it takes; VX_E_FULL past
 * FS_MOUNTS_MAX. */
int fs_mount_add(struct fs_mounts *t, const char *name, uint32_t want);

/* The wall clock's offset from the monotonic one (ns), once rtcd told it:
 * FAT32 roots stamp what they write with the date and time from then on
 * (until then, and outside 1980..2107, FAT's 1980-01-01). */
void fs_mounts_set_wall(struct fs_mounts *t, uint64_t offset);

/* Tries to mount dev as root m (its kind: want): VX_OK, or the file
 * system's refusal with m->why saying it in words.  where names the
 * device for people. */
int fs_mount_try(struct fs_mount *m, const struct vx_blkdev *dev, const char *where);

/* Metadata copies Keep repaired from their twin since mount (0 for FAT32). */
uint64_t fs_mount_repairs(const struct fs_mount *m);

/* Forgets what is mounted at m (after its device went away). */
void fs_mount_drop(struct fs_mount *m);

/* The root a request's path names: *m the mount (NULL: the RAM file
 * system) and *rest the path inside it.  VX_E_NOTFOUND for a root name
 * that is not one of t's, VX_E_INVAL for a malformed one. */
int fs_mount_route(struct fs_mounts *t, const char *path, struct fs_mount **m, const char **rest);

/* Serves one request (op, args, the path inside the root, and what came
 * after the path's NUL) on a mounted root; out receives the reply's data
 * (at most VX_MSG_DATA bytes) and *len its length.  now is for the commit
 * timer. */
int fs_mount_serve(struct fs_mount *m, uint32_t op, const struct fs_args *a, const char *path,
		   const uint8_t *rest, size_t rlen, void *out, size_t *len, uint64_t now);

/* Bulk transfers (FS_WRITE_MEM, FS_READ_INTO): n bytes at off of file path
 * on root m; a read says in *got how many it read. */
int fs_mount_write(struct fs_mount *m, const char *path, uint64_t off, const void *buf, uint64_t n,
		   uint64_t now);
int fs_mount_read(struct fs_mount *m, const char *path, uint64_t off, void *buf, uint64_t n,
		  uint64_t *got);

/* Commits m if dirty: VX_OK or the device's error. */
int fs_mount_sync(struct fs_mount *m);
/* FS_SYNC: makes everything written to m durable, through Keep's intent
 * log when it can (one log block and one flush; m stays dirty, so the
 * tick still commits), else by fs_mount_sync. */
int fs_mount_fsync(struct fs_mount *m);

/* Commits every volume dirty for FS_MOUNT_COMMIT_NS; returns the next
 * time it wants to run (UINT64_MAX: none dirty). */
uint64_t fs_mount_tick(struct fs_mounts *t, uint64_t now);

/* FS_MOUNTS' reply for root index i. */
int fs_mount_info(struct fs_mounts *t, uint32_t i, struct fs_mount_info *out);

#endif
