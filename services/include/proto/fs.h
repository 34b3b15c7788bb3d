/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The file protocol, served by vfsd over connections named "fs" (see
 * rt/svc.h).  vfsd is a RAM file system: files live for the life of the
 * boot; if vfsd itself is restarted they are lost (documented in
 * docs/USERLAND.md).
 *
 * Paths are relative to the connection's root and follow rt/path.h: '/'
 * separated components of 1..FS_NAME_MAX bytes, no "." or "..", no empty
 * component, no NUL or control bytes; at most FS_PATH_MAX bytes.  A bad path
 * is VX_E_INVAL.
 *
 * Request layout (data): the path as a NUL-terminated string, then the
 * operation's other fields at the next 8-byte boundary (struct fs_args), then
 * for writes the bytes themselves (up to FS_INLINE_MAX).
 *
 *   FS_STAT    path            -> struct fs_stat
 *   FS_LIST    path, index     -> struct fs_dirent of the index-th entry
 *                                 (name order), VX_E_NOTFOUND past the end
 *   FS_CREATE  path            -> creates an empty file; VX_E_EXISTS
 *   FS_MKDIR   path            -> creates a directory; VX_E_EXISTS
 *   FS_WRITE   path, offset, bytes -> writes at offset (a hole reads as
 *                                 zeros), creating the file if absent
 *   FS_APPEND  path, bytes     -> appends, creating the file if absent
 *   FS_TRUNCATE path, offset   -> sets the size
 *   FS_READ    path, offset, count (<= FS_INLINE_MAX) -> the bytes
 *   FS_READ_MEM path           -> one read-only MemCap (ncaps = 1) holding
 *                                 the file from offset 0, and struct fs_stat;
 *                                 zero copy.  The view is revoked when the
 *                                 file changes or goes away.
 *   FS_REMOVE  path            -> a file, or an empty directory
 *                                 (VX_E_STATE if not empty)
 *   FS_RENAME  path, then a second NUL-terminated path in args.name2
 *   FS_INFO    ""              -> struct fs_info
 *
 * Errors: VX_E_NOTFOUND (no such path or parent), VX_E_EXISTS,
 * VX_E_TYPE (a file where a directory is needed, or the reverse),
 * VX_E_TOOBIG (over FS_FILE_MAX, or a read count over FS_INLINE_MAX),
 * VX_E_FULL (FS_ENTRIES_MAX entries, or out of storage), VX_E_INVAL.
 */
#ifndef PROTO_FS_H
#define PROTO_FS_H

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
};

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

#endif
