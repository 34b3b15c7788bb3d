/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Client helpers for the file protocol (vectra/proto/fs.h), served by vfsd.
 *
 * Every call takes an attached struct vx_client (see rt/svc.h; open it with
 * vx_client_open(c, bundle, "fs", va, bit)) and an absolute deadline, and
 * returns VX_OK (or a count) or a VX_E_* error: the server's (see the list
 * in vectra/proto/fs.h) or the transport's (VX_E_TIMEOUT, VX_E_AGAIN when vfsd is
 * not running: vx_client_wait_up and ask again).
 *
 * Bytes move FS_INLINE_MAX (or fewer, when the path is long) per message:
 * vx_fs_write, vx_fs_append and vx_fs_read loop.  A multi-message write is
 * not atomic: another client may see or interleave with the first chunks,
 * and an error part-way leaves the chunks before it written.
 *
 * Built for VectraOS only (fs.c, in libvxclient.a).
 */
#ifndef VX_CLIENT_FS_H
#define VX_CLIENT_FS_H

#include <stddef.h>
#include <stdint.h>
#include "vectra/proto/fs.h"
#include "rt/svc.h"

int vx_fs_stat(struct vx_client *c, const char *path, struct fs_stat *st, uint64_t deadline);

/* The index-th entry of directory path, in name order (byte-wise);
 * VX_E_NOTFOUND past the last one.  Iterate index = 0, 1, ... until then. */
int vx_fs_list(struct vx_client *c, const char *path, uint32_t index, struct fs_dirent *ent,
	       uint64_t deadline);

/* An empty file; VX_E_EXISTS if path exists. */
int vx_fs_create(struct vx_client *c, const char *path, uint64_t deadline);
/* The same with FS_CREATE's flags: FS_CREATE_DEDUP stores the file's
 * blocks by content (HOME:), VX_E_NOSYS where the root cannot. */
int vx_fs_create_flags(struct vx_client *c, const char *path, uint32_t flags, uint64_t deadline);

/* An empty directory; VX_E_EXISTS if path exists.  The parent must exist. */
int vx_fs_mkdir(struct vx_client *c, const char *path, uint64_t deadline);

/* Writes buf[0..n) at offset, creating the file if absent and growing it
 * as needed (a gap reads as zeros).  VX_OK once all n bytes are written. */
int vx_fs_write(struct vx_client *c, const char *path, uint64_t offset, const void *buf, size_t n,
		uint64_t deadline);

/* Appends buf[0..n), creating the file if absent. */
int vx_fs_append(struct vx_client *c, const char *path, const void *buf, size_t n,
		 uint64_t deadline);

/* Sets the file's size (growing with zeros, or cutting). */
int vx_fs_truncate(struct vx_client *c, const char *path, uint64_t size, uint64_t deadline);

/* Reads up to n bytes from offset into buf.  Returns the number read (less
 * than n only at the end of the file; 0 at or past it) or a VX_E_* error. */
int64_t vx_fs_read(struct vx_client *c, const char *path, uint64_t offset, void *buf, size_t n,
		   uint64_t deadline);

/*
 * A view: *mem receives a read-only MemCap holding the file from offset
 * 0 and *size its size in bytes.  Map it with vx_task_map(self, *mem, va,
 * VX_PROT_READ); the mapping spans the Mem's whole capacity (find it with
 * vx_cap_inspect: info.size), which is at least *size rounded up to a page.
 * The view is a snapshot valid until the file next changes (write, append,
 * truncate, rename, remove) or vfsd needs its room for newer snapshots:
 * vfsd then revokes it, the capability goes stale and its mapping vanishes
 * (a read through it faults).  Delete it when done.
 * An empty file has no backing: *mem = VX_NO_HANDLE and *size = 0.
 * VX_E_REVOKED: the file changed between vfsd's answer and the receipt of
 * the view (the view was revoked in flight); ask again.
 */
int vx_fs_read_mem(struct vx_client *c, const char *path, vx_handle_t *mem, uint64_t *size,
		   uint64_t deadline);

/* Removes a file, or an empty directory (VX_E_STATE if it is not empty). */
int vx_fs_remove(struct vx_client *c, const char *path, uint64_t deadline);

/* Renames a file or directory; `to` must not exist and its parent must.  A
 * directory cannot move into itself (VX_E_INVAL).  Both paths travel in one
 * message: VX_E_TOOBIG if strlen(from) + strlen(to) > FS_RENAME_MAX. */
int vx_fs_rename(struct vx_client *c, const char *from, const char *to, uint64_t deadline);

/* Entries and bytes in use, and their limits. */
int vx_fs_info(struct vx_client *c, struct fs_info *info, uint64_t deadline);

/* Bulk transfers through a MemCap of the caller's (at most 2 MiB; the
 * caller keeps its handle and mapping): n (<= FS_XFER_MAX) bytes from the
 * MemCap's start are written at offset, or read from offset into it
 * (*got: how many; the MemCap needs VX_R_READ and VX_R_WRITE). */
int vx_fs_write_mem(struct vx_client *c, const char *path, uint64_t offset, vx_handle_t mem,
		    uint32_t n, uint64_t deadline);
int vx_fs_read_into(struct vx_client *c, const char *path, uint64_t offset, vx_handle_t mem,
		    uint32_t n, uint64_t *got, uint64_t deadline);

/* FS_SYNC: commits root ("HOME:"), or every mounted root (""). */
int vx_fs_sync(struct vx_client *c, const char *root, uint64_t deadline);

/* FS_MOUNTS: the index-th root vfsd knows; VX_E_NOTFOUND past the last. */
int vx_fs_mounts(struct vx_client *c, uint32_t index, struct fs_mount_info *out, uint64_t deadline);

/* FS_SNAP: makes (FS_SNAP_CREATE) or deletes (FS_SNAP_DELETE) snapshot
 * "ROOT:NAME"; vx_fs_snap_list reads the index-th of root "ROOT:". */
int vx_fs_snap(struct vx_client *c, const char *path, uint32_t op, uint64_t deadline);
int vx_fs_snap_list(struct vx_client *c, const char *root, uint32_t index, struct fs_snap_info *out,
		    uint64_t deadline);

#endif
