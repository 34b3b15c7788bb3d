/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The file system of vfsd without its syscalls: the node table, path
 * walking, name order, the rename rules, size accounting, and the decoding
 * of fs.h requests.  Host-tested (tests/host/test_vfs.c).
 *
 * NODES
 *
 * A fixed table: node[0] is the root directory, the other FS_ENTRIES_MAX
 * slots hold files and directories.  Each directory keeps its children in
 * a list sorted by name (byte-wise), so FS_LIST's index is a walk.
 *
 * BACKINGS
 *
 * A file's bytes live in one backing (in vfsd a mapped Mem object) of a
 * power-of-two number of pages, 1..FS_CLASS_PAGES_MAX, at least enough
 * for its size; an empty file has none.  The store (struct fs_store) hands
 * backings out and takes them back.  The rules both sides keep:
 *
 *   - get returns a backing whose every byte is zero, of at least the pages
 *     asked (more is allowed), or VX_E_FULL;
 *   - bytes of a backing at or beyond the file's size are always zero, and
 *     a backing given back through put is all zero again;
 *   - changed(b) is called before the bytes or size of a file backed by b
 *     change, or the file is renamed or removed, and before put(b): the
 *     store ends every outstanding view of b there (vfsd revokes);
 *   - every check comes first: an operation that fails changes nothing and
 *     calls no callback (except that a failed get may have been tried);
 *   - inside get the store may move the bytes of backings (vfsd compacts
 *     its heap) and says where with fs_rebase; callers of get read a
 *     file's backing only after get returns.
 */
#ifndef VFSD_PURE_FS_H
#define VFSD_PURE_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vectra/abi.h>
#include "vectra/proto/fs.h"
#include "rt/svc.h"
#include "rt/path.h"

#define FS_PAGE		   4096u
#define FS_CLASS_PAGES_MAX (FS_FILE_MAX / FS_PAGE) /* 256 */
#define FS_CLASSES	   9u			   /* 1, 2, 4, ... 256 pages */
#define FS_NIL		   0xffffu
#define FS_ROOT		   0u

struct fs_backing {
	uint8_t *base;	/* where the bytes are (mapped in vfsd) */
	uint32_t pages; /* 0: no backing */
	uint32_t id;	/* the store's own name for it */
};

struct fs_store {
	int (*get)(void *ctx, uint32_t pages, struct fs_backing *out);
	void (*put)(void *ctx, const struct fs_backing *b);
	void (*changed)(void *ctx, const struct fs_backing *b);
	void *ctx;
	uint64_t bytes_max; /* reported by FS_INFO */
};

struct fs_node {
	uint8_t type;		      /* 0: free, FS_FILE, FS_DIR */
	uint16_t parent, child, next; /* table indices or FS_NIL */
	uint32_t entries;	      /* directories: children */
	uint64_t size;		      /* files: bytes */
	struct fs_backing mem;	      /* files */
	char name[FS_NAME_MAX + 1];
};

struct fs_mounts;

struct fs {
	struct fs_node node[FS_ENTRIES_MAX + 1];
	uint32_t entries; /* nodes in use, the root not counted */
	uint64_t bytes;	  /* bytes of the backings files hold */
	struct fs_store store;
	struct fs_mounts *mounts; /* the roots on disks (pure_mount.h), or NULL */
	uint64_t now;		  /* ns, set by vfsd before each fs_serve */
	/* FS_WRITE_MEM / FS_READ_INTO: the client's MemCap as vfsd mapped it
	 * for this request (NULL: none came), its size, and whether it may be
	 * read (VX_R_READ) and written (VX_R_WRITE); or xfer_rc, why it could
	 * not be (VX_E_INVAL, VX_E_TYPE...). */
	uint8_t *xfer;
	uint64_t xfer_size;
	uint32_t xfer_rights;
	int xfer_rc;
};

/* Pages of the smallest class that holds size bytes (0 for 0 bytes). */
uint32_t fs_class_pages(uint64_t size);

/* An empty file system: the root directory alone. */
void fs_init(struct fs *fs, const struct fs_store *store);

/*
 * The operations of vectra/proto/fs.h.  Each path is path[0..len) (it need not be
 * NUL-terminated; a NUL inside len is VX_E_INVAL).  A path that breaks a rule
 * of rt/path.h, overlong ones included, is VX_E_INVAL and nothing is touched.
 */
int fs_stat(const struct fs *fs, const char *path, size_t len, struct fs_stat *st);
int fs_list(const struct fs *fs, const char *path, size_t len, uint32_t index,
	    struct fs_dirent *ent);
int fs_create(struct fs *fs, const char *path, size_t len);
int fs_mkdir(struct fs *fs, const char *path, size_t len);
int fs_write(struct fs *fs, const char *path, size_t len, uint64_t offset, const void *buf,
	     size_t n);
int fs_append(struct fs *fs, const char *path, size_t len, const void *buf, size_t n);
int fs_truncate(struct fs *fs, const char *path, size_t len, uint64_t size);
/* Up to n (<= FS_INLINE_MAX, else VX_E_TOOBIG) bytes from offset; *got. */
int fs_read(const struct fs *fs, const char *path, size_t len, uint64_t offset, void *buf, size_t n,
	    size_t *got);
/* The file's backing (pages 0 when empty) and its stat, for FS_READ_MEM. */
int fs_view(const struct fs *fs, const char *path, size_t len, struct fs_backing *b,
	    struct fs_stat *st);
int fs_remove(struct fs *fs, const char *path, size_t len);
int fs_rename(struct fs *fs, const char *from, size_t flen, const char *to, size_t tlen);
void fs_info(const struct fs *fs, struct fs_info *info);

/* The store moved the bytes of backing id (compaction, pure_heap.h): the
 * file that holds it finds them at base from now on.  Nothing else
 * changes (its views are copies: vfsd's main.c). */
void fs_rebase(struct fs *fs, uint32_t id, uint8_t *base);

/*
 * Decodes the request in m (layout in vectra/proto/fs.h), carries it out, and
 * writes the reply into m (status, len, data; ncaps 0).  A path that names
 * a mounted root goes to pure_mount.h; "RAM:" and no root name stay here.
 * For a successful
 * FS_READ_MEM *view is the backing to hand out (pages 0: nothing to send);
 * otherwise view->pages is 0.
 */
void fs_serve(struct fs *fs, struct vx_msg *m, struct fs_backing *view);

/*
 * A connection's grant (vectra/proto/fs.h, GRANTS), from the record init
 * writes beside its pair.  The whole tree, read and write: all zero.
 */
struct fs_grant {
	bool read_only;			 /* only the ops that change nothing */
	bool rooted;			 /* paths are inside root, and may not name a root */
	char root[VX_PATH_FULL_MAX + 1]; /* "", "NAME:", "dir/sub" or "NAME:dir" */
};

/* Parses a grant record of len bytes: VX_OK, VX_E_TOOBIG for a path too
 * long, VX_E_INVAL for anything else fs.h does not name. */
int fs_grant_parse(const char *rec, size_t len, struct fs_grant *g);

/* Checks request m against g before fs_serve sees it, and rewrites the
 * path of a rooted grant to the path vfsd serves: VX_OK, or the error to
 * answer (VX_E_RIGHTS for what the grant does not allow, VX_E_TOOBIG when
 * the root and the path do not fit one message, VX_E_INVAL for a request
 * fs_serve would refuse too). */
int fs_grant_apply(const struct fs_grant *g, struct vx_msg *m);

#endif
