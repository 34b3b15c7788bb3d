/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The file protocol, served by vfsd over connections named "fs" (see
 * rt/svc.h).  vfsd is a RAM file system: files live for the life of the
 * boot; if vfsd itself is restarted they are lost (documented in
 * docs/userland/vfsd.md).
 *
 * Paths are relative to the connection's root and follow rt/path.h: '/'
 * separated components of 1..FS_NAME_MAX bytes, no "." or "..", no empty
 * component, no NUL or control bytes; at most FS_PATH_MAX bytes.  A bad path
 * is VX_E_INVAL.  "" names the root directory.
 *
 * Request layout (data): struct fs_args at offset 0, then the path as a
 * NUL-terminated string, then for writes args.count bytes right after the
 * NUL, or for FS_RENAME the second NUL-terminated path.  Everything after
 * the args must fit in FS_REQ_ROOM bytes, so a write carries at most
 * min(FS_INLINE_MAX, FS_REQ_ROOM - strlen(path) - 1) bytes, and the two
 * names of a rename at most FS_RENAME_MAX bytes together (client/fs.h loops and
 * checks).  A message whose fields do not fit is VX_E_INVAL.
 *
 *   FS_STAT    path            -> struct fs_stat
 *   FS_LIST    path, index     -> struct fs_dirent of the index-th entry
 *                                 (byte-wise name order), VX_E_NOTFOUND
 *                                 past the end
 *   FS_CREATE  path, count = flags -> creates an empty file; VX_E_EXISTS.
 *                                 FS_CREATE_DEDUP: its contents are stored
 *                                 by content (HOME:: a block identical to
 *                                 one stored before is stored once; the
 *                                 package store's files); VX_E_NOSYS on a
 *                                 root that cannot; other bits VX_E_INVAL
 *   FS_MKDIR   path            -> creates a directory; VX_E_EXISTS
 *   FS_WRITE   path, offset, count, bytes -> writes at offset (a hole reads
 *                                 as zeros), creating the file if absent
 *   FS_APPEND  path, count, bytes -> appends, creating the file if absent
 *   FS_TRUNCATE path, offset   -> sets the size to offset
 *   FS_READ    path, offset, count (<= FS_INLINE_MAX) -> the bytes (len is
 *                                 short at the end of the file, 0 past it)
 *   FS_READ_MEM path           -> one read-only MemCap (ncaps = 1) holding
 *                                 the file from offset 0, and struct fs_stat:
 *                                 a view of a snapshot vfsd copied once and
 *                                 shares until the file changes.  An empty
 *                                 file has no backing: ncaps = 0.  The view
 *                                 is valid until the file next changes or
 *                                 goes away, or vfsd needs the room for
 *                                 newer snapshots; then vfsd revokes it (the
 *                                 cap goes stale, the mapping vanishes; one
 *                                 still queued arrives as VX_E_REVOKED).
 *   FS_REMOVE  path            -> a file, or an empty directory
 *                                 (VX_E_STATE if not empty)
 *   FS_RENAME  path, then the new path after its NUL; the new path must
 *                                 not exist (VX_E_EXISTS; on FAT32 a new
 *                                 name that differs in case alone is the
 *                                 entry itself, and takes the new case);
 *                                 a directory cannot move into itself
 *                                 (VX_E_INVAL)
 *   FS_INFO    ""              -> struct fs_info (the RAM file system;
 *                                 "NAME:" for a mounted root's)
 *   FS_SYNC    "" or "NAME:"   -> commits every mounted root, or that one:
 *                                 when it returns VX_OK, everything written
 *                                 before survives a power cut (fsync)
 *   FS_MOUNTS  "", index       -> struct fs_mount_info of the index-th
 *                                 root vfsd knows, VX_E_NOTFOUND past the
 *                                 last (mounted or not: state says)
 *   FS_SNAP    "HOME:NAME", args.count = FS_SNAP_CREATE | FS_SNAP_DELETE
 *                                 (a snapshot reads as "HOME:@NAME/path",
 *                                 through every read op; a change there is
 *                                 VX_E_RIGHTS)
 *                                 -> makes or deletes snapshot NAME of the
 *                              root; "HOME:", FS_SNAP_LIST and index ->
 *                                 struct fs_snap_info of the index-th,
 *                                 VX_E_NOTFOUND past the last; VX_E_NOSYS
 *                                 on a root without snapshots
 *
 *   FS_WRITE_MEM path, offset, count (<= FS_XFER_MAX), ncaps 1: a MemCap
 *                                 with VX_R_READ holding the bytes from its
 *                                 start -> writes them at offset, creating
 *                                 the file if absent (bulk FS_WRITE)
 *   FS_READ_INTO path, offset, count (<= FS_XFER_MAX), ncaps 1: a MemCap
 *                                 with VX_R_READ | VX_R_WRITE (no CPU maps
 *                                 memory write-only) -> the bytes land at its
 *                                 start; the reply is the u64 count read
 *                                 (short at the end, 0 past it)
 *                                 For both: VX_E_INVAL without exactly one
 *                                 capability (or one that did not arrive),
 *                                 VX_E_TYPE for one that is not a MemCap,
 *                                 VX_E_RIGHTS without the rights, VX_E_RANGE
 *                                 for count past its size, VX_E_TOOBIG past
 *                                 FS_XFER_MAX or for a MemCap over 2 MiB.  vfsd maps the MemCap for
 *                                 the request alone and deletes its copy
 *                                 before it replies.  Any other op sent
 *                                 with capabilities is VX_E_INVAL.
 *
 * ROOTS.  A path may start with a root name, "NAME:rest" (rt/path.h):
 * "HOME:" is the person's files on the native file system, "EXT:" an
 * exchange volume in FAT32, both on disks (docs/STORAGE.md); "RAM:" and a
 * path without a root name are the RAM file system, whose files live as
 * long as vfsd.  On a mounted root the ops mean what this comment says,
 * with the file system's own limits, except: FS_LIST in the directory's
 * order; FS_READ_MEM is VX_E_NOSYS; FS_RENAME stays inside one root
 * (VX_E_INVAL across roots).  A root that is not mounted is
 * VX_E_NOTFOUND; FS_MOUNTS says why.  A damaged volume answers
 * VX_E_CORRUPT, never wrong bytes.
 *
 * GRANTS.  vfsd's port is attached (rt/svc.h): init writes each
 * connection's grant beside its pair ("fs.GRANT" to INIT_CONNECT; "fs" is
 * the whole tree, read and write).  "read": the ops that change nothing
 * (FS_STAT, FS_LIST, FS_READ, FS_READ_MEM, FS_READ_INTO, FS_INFO,
 * FS_MOUNTS), every other op VX_E_RIGHTS.  "read:PATH": the same inside
 * PATH alone, without FS_INFO and FS_MOUNTS: PATH (rt/path.h, a root name
 * allowed) is the connection's root, a path naming a root is VX_E_RIGHTS,
 * and one that does not fit a message after PATH is VX_E_TOOBIG.  A grant
 * vfsd does not know closes the connection.
 *
 * Errors: VX_E_NOTFOUND (no such path or parent), VX_E_EXISTS,
 * VX_E_TYPE (a file where a directory is needed, or the reverse),
 * VX_E_TOOBIG (over FS_FILE_MAX, or a read count over FS_INLINE_MAX),
 * VX_E_FULL (FS_ENTRIES_MAX entries, or out of storage), VX_E_INVAL (a
 * bad path or a malformed message), VX_E_STATE (removing a directory that
 * is not empty), VX_E_NOSYS (an unknown op, 0xffffffff
 * included: rt/svc.h).
 */
#ifndef VECTRA_PROTO_FS_H
#define VECTRA_PROTO_FS_H

#include <stdint.h>

#define FS_NAME_MAX    63u
#define FS_PATH_MAX    200u
#define FS_FILE_MAX    (1u << 20) /* 1 MiB per file */
#define FS_ENTRIES_MAX 512u	  /* files and directories in all */
#define FS_INLINE_MAX  192u	  /* bytes of data carried in one message */

enum fs_op {
	FS_STAT = 1,
	FS_LIST = 2,
	FS_CREATE = 3,
	FS_MKDIR = 4,
	FS_WRITE = 5,
	FS_APPEND = 6,
	FS_TRUNCATE = 7,
	FS_READ = 8,
	FS_READ_MEM = 9,
	FS_REMOVE = 10,
	FS_RENAME = 11,
	FS_INFO = 12,
	FS_SYNC = 13,
	FS_MOUNTS = 14,
	FS_SNAP = 15,
	FS_WRITE_MEM = 16,
	FS_READ_INTO = 17,
};

#define FS_XFER_MAX (1u << 20) /* bytes per FS_WRITE_MEM or FS_READ_INTO */

/* FS_CREATE's args.count */
#define FS_CREATE_DEDUP (1u << 0)

/* FS_SNAP's args.count */
enum fs_snap_op { FS_SNAP_CREATE = 1, FS_SNAP_DELETE = 2, FS_SNAP_LIST = 3 };

/* Bytes of a request after struct fs_args: VX_MSG_DATA (rt/svc.h) - 16. */
#define FS_REQ_ROOM   224u
#define FS_RENAME_MAX (FS_REQ_ROOM - 2u) /* strlen(from) + strlen(to) */

struct fs_args {
	uint64_t offset; /* FS_WRITE, FS_TRUNCATE, FS_READ */
	uint32_t count;	 /* FS_WRITE, FS_APPEND, FS_READ: bytes */
	uint32_t index;	 /* FS_LIST */
};
_Static_assert(sizeof(struct fs_args) == 16, "fs_args layout");

enum fs_type { FS_FILE = 1, FS_DIR = 2 };

struct fs_stat {
	uint32_t type;	  /* enum fs_type */
	uint32_t entries; /* directories: number of entries */
	uint64_t size;	  /* files: bytes */
};

struct fs_dirent {
	struct fs_stat st;
	char name[FS_NAME_MAX + 1];
};

struct fs_info {
	uint32_t entries, entries_max;
	uint64_t bytes, bytes_max;
};

/* FS_MOUNTS' reply. */
struct fs_mount_info {
	char name[8];		/* "HOME" */
	uint32_t kind;		/* 0 nothing mounted, 1 FAT32, 2 Keep */
	int32_t state;		/* VX_OK: mounted; else why the last attempt failed */
	uint64_t bytes;		/* in use */
	uint64_t bytes_max;	/* the volume's size */
	uint64_t commits;	/* since it was mounted */
	char where[24];		/* the device: "disk0p1" */
	char why[72];		/* the last mount attempt, in words */
	uint64_t mount_ns;	/* how long the mount took (guest ns) */
	uint64_t mount_busy_ns; /* ... less the time every CPU idled */
};
_Static_assert(sizeof(struct fs_mount_info) == 152, "fs_mount_info layout");

/* FS_SNAP FS_SNAP_LIST's reply. */
struct fs_snap_info {
	char name[64];
	uint64_t txg;	/* the commit it was taken at */
	uint64_t bytes; /* what only it holds, if known; else 0 */
};
_Static_assert(sizeof(struct fs_snap_info) == 80, "fs_snap_info layout");

#endif
