/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The index of linuxd's root file system: a POSIX ustar archive in the
 * boot image (SYS:linux/root.tar, made by mk/linux.mk from Debian's
 * packages), read in place.  Pure: no syscalls, no allocation; the caller
 * hands in the entry table and the string arena.  Host-tested and fuzzed
 * (tests/host/test_lxtar.c, tests/fuzz/fuzz_lxtar.c).
 *
 * Every path is kept absolute and normalised ("/bin/busybox"); entry 0 is
 * "/".  A directory an archive names only through its files is made up.
 * Regular files, directories and symbolic links are kept; a hard link
 * becomes a second name for its target's bytes; anything else (devices,
 * FIFOs) is skipped.  An archive that does not hold together is refused
 * whole (VX_E_CORRUPT): a bad checksum or size, data past the end, a name
 * with a "." or ".." component or a control byte, a hard link to nothing.
 */
#ifndef LINUXD_PURE_TAR_H
#define LINUXD_PURE_TAR_H

#include <stddef.h>
#include <stdint.h>

enum tar_kind { TAR_FILE = 1, TAR_DIR = 2, TAR_SYMLINK = 3 };

#define TAR_NONE UINT32_MAX

struct tar_ent {
	uint32_t path;	  /* arena offset of the absolute path */
	uint32_t link;	  /* arena offset of a symlink's target ("" otherwise) */
	uint32_t parent;  /* the directory's entry (TAR_NONE for "/") */
	uint32_t kind;	  /* enum tar_kind */
	uint32_t mode;	  /* permission bits, 0..07777 */
	uint32_t made_up; /* 1: a directory made up, not (yet) named by the archive */
	uint64_t off;	  /* where a file's bytes start in the archive */
	uint64_t size;	  /* a file's size; a symlink's target length */
	uint64_t mtime;
	uint32_t hnext; /* the next entry in its hash bucket, or TAR_NONE */
	uint32_t pad;
};

/* The caller's tables; hash (nhash buckets, a power of two) may be NULL:
 * tar_find then searches every entry, as it would a chain. */
struct tar_index {
	struct tar_ent *ent; /* caller's table of max entries */
	uint32_t n, max;
	char *arena; /* caller's string space of cap bytes */
	uint32_t used, cap;
	uint32_t *hash; /* nhash buckets: the first entry whose path hashes there */
	uint32_t nhash;
};

/* Indexes the archive tar[0..len).  VX_OK, VX_E_CORRUPT, VX_E_FULL
 * (more entries or name bytes than the caller gave room for), or
 * VX_E_INVAL (a hash table whose size is not a power of two). */
int tar_index_build(struct tar_index *ix, const uint8_t *tar, size_t len);

/* The entry named by an absolute, normalised path, or TAR_NONE.  No link
 * is followed.  With a hash table, one bucket's chain is searched (every
 * path lookup of linuxd's goes through here, a component at a time). */
uint32_t tar_find(const struct tar_index *ix, const char *path);

/* The next child of directory dir after *cursor (start with 0): its index,
 * or TAR_NONE when there are no more. */
uint32_t tar_next_child(const struct tar_index *ix, uint32_t dir, uint32_t *cursor);

/* An entry's path and a symlink's target, as strings in the arena. */
const char *tar_path(const struct tar_index *ix, uint32_t e);
const char *tar_link(const struct tar_index *ix, uint32_t e);
/* The last component of an entry's path ("" for "/"). */
const char *tar_base(const struct tar_index *ix, uint32_t e);

#endif
