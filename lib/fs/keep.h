/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Keep, the native file system of VectraOS: copy-on-write, every block
 * checksummed with BLAKE3, metadata stored twice, snapshots, and file
 * contents that may be stored content-addressed (deduplicated).  A pure
 * library like lib/fs/fat32.h: no syscalls, no allocation.  The on-disk
 * format and the reasoning behind it are in docs/FS.md.
 *
 * WHAT THE CALLER BRINGS
 *
 * A block device (struct vx_blkdev, lib/fs/blkdev.h) and a work area: one
 * struct vx_keep plus a buffer of at least VX_KEEP_WORK_MIN (256 KiB)
 * bytes, 8-byte aligned, that holds the block cache (4 KiB blocks), four
 * scratch blocks and the mark bitmap of vx_keep_check and vx_keep_reclaim
 * (one eighth of the buffer: each pass of those covers 8 * (len / 8)
 * blocks of the disk, 1 GiB of disk per pass with 256 KiB).  A larger
 * buffer is a larger cache and fewer passes; nothing else grows with the
 * disk or with a file.  The library is not reentrant: one struct vx_keep
 * is used by one thread at a time.  The stack it needs is bounded: a few
 * KiB normally, about 40 KiB at worst (the allocator's copy-on-write
 * cascade, each level about 0.5 KiB, is cut off at 64 levels; a tree walk
 * nests at most 14 cache misses).
 *
 * FILES
 *
 * Paths are '/'-separated from the root ("a/b/c"; leading, trailing and
 * repeated '/' are ignored).  A name is 1 to 255 bytes, any bytes but '/'
 * and NUL, and neither "." nor "..".  Names are compared bytewise.  A
 * struct vx_keep_node names a file or directory by inode number and
 * generation: it stays valid across renames, and using it after the file
 * was removed is VX_E_STALE.  Files may be sparse: writing past the end
 * leaves a hole that reads as zeros and takes no space.
 *
 * The limits, each with its error:
 *
 *   a name longer than 255 bytes           VX_E_TOOBIG
 *   a path longer than 4096 bytes          VX_E_TOOBIG
 *   a path of more than 64 components      VX_E_DEPTH
 *   a name "." or ".." or empty            VX_E_INVAL
 *   a file beyond 2^40 bytes (1 TiB)       VX_E_TOOBIG
 *   a directory beyond 65536 entries       VX_E_FULL
 *   more than 2^32 - 1 files and dirs      VX_E_FULL
 *   more than 256 snapshots                VX_E_FULL
 *   a snapshot name over 55 bytes          VX_E_TOOBIG
 *   a device over 2^36 blocks (256 TiB),
 *     or under 1024 blocks (4 MiB)         VX_E_RANGE (format and mount)
 *   the disk is full                       VX_E_NOMEM, before anything
 *                                          changes (see SPACE)
 *   the name exists                        VX_E_EXISTS
 *   a path that names nothing              VX_E_NOTFOUND
 *   a file where a directory is needed     VX_E_TYPE (and the reverse)
 *   a directory that is not empty          VX_E_BUSY
 *   a write to a snapshot                  VX_E_RIGHTS
 *   a node whose file was removed, or a
 *     snapshot that was deleted            VX_E_STALE
 *   any block failing its checksum         VX_E_CORRUPT: v->why says what,
 *                                          v->bad_ino which file
 *
 * DURABILITY (the commit protocol)
 *
 * Changes collect in memory and in newly allocated blocks: a block that a
 * committed tree uses is never written.  vx_keep_sync commits: it writes
 * every changed block to its new place (children before parents, each
 * parent recording its child's BLAKE3, birth txg and type), flushes,
 * writes the uberblock of the new transaction group (txg) into slot
 * txg % 128 of both uberblock rings, and flushes again.  When it returns 0
 * everything written before it survives a power cut.  vx_keep_fsync(node)
 * is cheaper when every change since the last commit is a write to a
 * plain file, a create, a mkdir or an unlink: it writes the changed data
 * blocks and one small record of the changes to the intent log, and
 * flushes once; the next commit makes the
 * log obsolete, and a mount after a power cut replays it and commits (see
 * INTENT LOG).  Otherwise it commits.  Either way, when it returns 0 every
 * change made before it is durable (not just that file's).  A power cut at any
 * moment leaves the last committed txg or the one being committed, never a
 * mixture.  A block freed in txg N is reused no earlier than txg N + 4, so
 * the trees of the last four txgs stay whole: if the newest uberblock is
 * torn or its tree does not verify, mount falls back to an older one.
 * The cache may write a changed block before the commit (to its new
 * place); that changes nothing a committed tree can see.
 *
 * INTENT LOG
 *
 * The committed root names the block the next txg's log starts in (and a
 * data block reserved beside it, so an fsync of one block is one device
 * request).  Each log block carries the txg, its place in the chain and a
 * chain id the root holds, the next block's address and its own BLAKE3;
 * a record names a file (inode and generation), a block of it, its new
 * size and the data block's address and BLAKE3, a create, unlink or
 * rename (directories, names, inode and generation), or a truncate (file,
 * generation, size).  Mount follows the chain
 * while every block and every data block verifies, applies the records of
 * each whole fsync, and (read-write) commits; v->il_replayed counts the
 * records applied, v->il_stop says why the chain ended
 * (vx_keep_ilstop_str).  A read-only mount replays the same records into
 * the cache and never commits: it shows what a read-write mount would,
 * writes nothing, and keeps the blocks replay changed in the cache for as
 * long as it is mounted.  If they do not fit (with room left to read),
 * mount fails with VX_E_NOMEM, v->why VX_KEEP_CACHE and v->il_stop
 * VX_KEEP_IL_NO_ROOM: a bigger work area, a read-write mount, or
 * VX_KEEP_NOREPLAY (the last commit, knowingly) mounts it.  A read-only
 * mount with VX_KEEP_NOREPLAY shows the last commit, and vx_keep_check
 * validates the chain instead (a check needs it: it checks the image,
 * not a replay held in memory).  A block a log record names is not reused
 * before the commit after it.  Mount flag VX_KEEP_NOILOG makes every
 * fsync a commit.
 *
 * CHECKSUMS AND REPAIR
 *
 * Every read of a block is checked against the checksum its parent holds,
 * up to the uberblock, which carries its own.  A bad data block is
 * VX_E_CORRUPT (v->why == VX_KEEP_BAD_DATA, v->bad_ino the file) and no
 * byte of it is returned.  Metadata blocks have two copies far apart on
 * the disk; a bad copy is read from the other one and rewritten in place
 * with the good bytes (the checksum says exactly what belongs there), and
 * v->repairs counts it (v->on_repair, if set, hears of each).  With both
 * copies bad the read is VX_E_CORRUPT.
 *
 * CONTENT ADDRESSING
 *
 * A file created with VX_KEEP_F_DEDUP stores every whole block it writes
 * by content: if a block with the same BLAKE3 is already in the dedup
 * table, the file points at it instead of writing a new one.  A package
 * store names such files by their hash and gets each shared block once.
 * Deduplicated blocks are not freed by unlink or overwrite: vx_keep_reclaim
 * (run by snapshot deletion, or by the caller when space is short) frees
 * the ones nothing references any more.
 *
 * SNAPSHOTS AND SPACE
 *
 * vx_keep_snap_create commits and records the committed tree under a name;
 * it costs one table entry.  A snapshot is read through vx_keep_snap_open
 * and the *_at lookups; it cannot be written.  Deleting one removes it
 * from the table and runs vx_keep_reclaim in the same txg (one commit for
 * both, so a power cut never leaves a leak): a mark and sweep that walks, in passes over ranges
 * of the disk, the live tree and every snapshot (skipping subtrees born
 * before the previous snapshot, which that one already covered) and frees
 * every allocated block none of them reaches.  Its cost is one read of
 * the metadata that differs between consecutive snapshots, per pass.
 * Writes check free space first: a write that could leave fewer than
 * 512 blocks free fails with VX_E_NOMEM and changes nothing; the reserve
 * is for the commit and for deleting.
 *
 * HOSTILE IMAGES
 *
 * The image is untrusted.  Mount checks the uberblocks' checksums and every
 * field (VX_E_CORRUPT with v->why, or VX_E_RANGE for a volume larger than
 * the device); every block is checked against its checksum before it is
 * parsed, and every field of it is still range-checked (an address, a
 * height, a count, an inode number, a name length) before use; every walk
 * is bounded by the tree heights and the disk size.  A failure after a
 * change started (a device error, a full disk in the commit) leaves the
 * volume "broken": everything then returns VX_E_STATE until it is mounted
 * again, which finds the last commit.
 */
#ifndef VX_FS_KEEP_H
#define VX_FS_KEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fs/blkdev.h"

#define VX_KEEP_BLOCK	  4096
#define VX_KEEP_WORK_MIN  (256u * 1024)
#define VX_KEEP_NAME_MAX  255 /* bytes of a name */
#define VX_KEEP_PATH_MAX  4096
#define VX_KEEP_DEPTH_MAX 64
#define VX_KEEP_FILE_MAX  (1ull << 40)
#define VX_KEEP_DIR_MAX	  65536
#define VX_KEEP_INO_MAX	  0xFFFFFFFFull
#define VX_KEEP_SNAP_MAX  256
#define VX_KEEP_SNAP_NAME 55
#define VX_KEEP_DISK_MAX  (1ull << 36) /* blocks */
#define VX_KEEP_DISK_MIN  1024	       /* blocks */
#define VX_KEEP_LABEL_MAX 63
#define VX_KEEP_DEFER	  4   /* txgs a freed block waits before reuse */
#define VX_KEEP_RESERVE	  512 /* blocks only commits and deletes may use */

/* Node types and file flags. */
#define VX_KEEP_FILE	1
#define VX_KEEP_DIR	2
#define VX_KEEP_F_DEDUP 0x01

/* Mount flags. */
#define VX_KEEP_RDONLY	 0x01 /* never write (repairs counted; the intent log replayed in memory) */
#define VX_KEEP_NOVERIFY 0x02 /* fuzzing only: a checksum mismatch is ignored */
#define VX_KEEP_NOILOG	 0x04 /* fsync always commits (the log is still replayed) */
#define VX_KEEP_NOREPLAY 0x08 /* with VX_KEEP_RDONLY: the last commit, the log not replayed */

/* What failed (v->why), beside the VX_E_* returned. */
enum vx_keep_why {
	VX_KEEP_OK = 0,
	VX_KEEP_IO,	     /* the device returned an error */
	VX_KEEP_NO_UBER,     /* no uberblock with a valid checksum */
	VX_KEEP_BAD_UBER,    /* an uberblock's fields are out of range */
	VX_KEEP_TOO_BIG,     /* the volume is larger than the device */
	VX_KEEP_BAD_ROOT,    /* no uberblock's root block verifies */
	VX_KEEP_BAD_DATA,    /* a file's data block failed its checksum */
	VX_KEEP_BAD_META,    /* both copies of a metadata block failed */
	VX_KEEP_BAD_BP,	     /* a block pointer is out of range */
	VX_KEEP_BAD_INODE,   /* an inode's fields are out of range */
	VX_KEEP_BAD_DIRENT,  /* a directory entry is malformed */
	VX_KEEP_BAD_BITMAP,  /* the free map contradicts itself */
	VX_KEEP_BAD_LOG,     /* a deferred-free log block is malformed */
	VX_KEEP_BAD_SNAPTAB, /* the snapshot table is malformed */
	VX_KEEP_CACHE,	     /* the work area is too small for this tree */
	VX_KEEP_NOSPACE,     /* the commit ran out of blocks */
	VX_KEEP_WHY_COUNT
};

/* Why replay of the intent log stopped where it did (v->il_stop).  The
 * first three are the normal end of a chain; the rest mean a block that
 * belongs to the chain (its checksum and binding hold) says something
 * impossible, and replay stops before it. */
enum vx_keep_ilstop {
	VX_KEEP_IL_NONE = 0,   /* no log (or VX_KEEP_NOREPLAY: not looked at) */
	VX_KEEP_IL_END,	       /* the next block is not a log block */
	VX_KEEP_IL_STALE,      /* ... is one of another txg or chain */
	VX_KEEP_IL_BAD_SUM,    /* ... fails its checksum (torn or damaged) */
	VX_KEEP_IL_NO_DATA,    /* a record's data block fails its checksum */
	VX_KEEP_IL_PARTIAL,    /* an fsync's blocks end before its last */
	VX_KEEP_IL_BAD_NEXT,   /* a block's next is outside the data area */
	VX_KEEP_IL_LOOP,       /* the chain comes back to one of its blocks */
	VX_KEEP_IL_BAD_ADDR,   /* a record's block is outside the data area */
	VX_KEEP_IL_IN_USE,     /* a record's or log block is in use already */
	VX_KEEP_IL_BAD_INODE,  /* a write or truncate names no live plain file */
	VX_KEEP_IL_BAD_OFFSET, /* a record's offset or size is out of range */
	VX_KEEP_IL_BAD_RECORD, /* an unknown record type or count */
	VX_KEEP_IL_TOO_LONG,   /* more blocks or records than a txg may log */
	VX_KEEP_IL_BAD_NAME,   /* a create, unlink or rename that does not apply */
	VX_KEEP_IL_NO_ROOM,    /* read-only: the replay does not fit in the cache */
	VX_KEEP_IL_COUNT
};

/* A file or directory, live (view 0) or in a snapshot (view = its txg). */
struct vx_keep_node {
	uint64_t view;
	uint64_t ino;
	uint64_t gen;
	uint64_t size;	  /* bytes; a directory: 4096 per block of entries */
	uint64_t parent;  /* the directory holding it (the root: itself) */
	uint64_t entries; /* a directory: its entries */
	uint64_t mtxg;	  /* the txg that last changed it */
	uint8_t type;	  /* VX_KEEP_FILE or VX_KEEP_DIR */
	uint8_t flags;	  /* VX_KEEP_F_* */
};

struct vx_keep_dirent {
	struct vx_keep_node node;
	char name[VX_KEEP_NAME_MAX + 1];
};

/* A position in a directory: zero it to start. */
struct vx_keep_dircur {
	uint64_t index;
};

struct vx_keep_statfs {
	uint64_t total;	  /* bytes of the volume */
	uint64_t used;	  /* bytes allocated (live, snapshots, pending frees) */
	uint64_t free;	  /* bytes allocatable now */
	uint64_t pending; /* bytes freed, waiting VX_KEEP_DEFER txgs */
	uint64_t txg;	  /* the last committed txg */
	uint32_t snaps;	  /* snapshots */
	uint64_t files;	  /* inodes in use */
	char label[VX_KEEP_LABEL_MAX + 1];
};

struct vx_keep_snapinfo {
	char name[VX_KEEP_SNAP_NAME + 1];
	uint64_t txg; /* the committed txg it holds; also its view id */
};

/* A violation vx_keep_check reports. */
enum vx_keep_violation {
	VX_KEEP_V_CHECKSUM = 1, /* a block's copy fails its checksum */
	VX_KEEP_V_BP,		/* a block pointer is malformed or out of range */
	VX_KEEP_V_BIRTH,	/* a child born after its parent or its tree */
	VX_KEEP_V_DOUBLE,	/* a block used twice in the live tree */
	VX_KEEP_V_LEAK,		/* an allocated block nothing references */
	VX_KEEP_V_FREE_USED,	/* a referenced block marked free */
	VX_KEEP_V_COUNT,	/* the used-block count disagrees with the map */
	VX_KEEP_V_INODE,	/* an inode's fields are malformed */
	VX_KEEP_V_SIZE,		/* data beyond a file's size, or a height too small */
	VX_KEEP_V_DIRENT,	/* a malformed directory entry */
	VX_KEEP_V_DANGLING,	/* an entry naming a free inode or the wrong type */
	VX_KEEP_V_PARENT,	/* an inode's parent is not the directory naming it */
	VX_KEEP_V_ENTRIES,	/* a directory's entry count is wrong */
	VX_KEEP_V_ORPHAN,	/* inodes in use that no directory reaches */
	VX_KEEP_V_DUPNAME,	/* one name twice in a directory */
	VX_KEEP_V_LOG,		/* a deferred-free log is malformed */
	VX_KEEP_V_SNAPTAB,	/* the snapshot table is malformed */
	VX_KEEP_V_DDT,		/* a dedup table entry is malformed */
	VX_KEEP_V_ILOG,		/* the intent log says something impossible */
	VX_KEEP_V_COUNT_MAX
};

typedef void (*vx_keep_report_fn)(void *ctx, enum vx_keep_violation what, uint64_t ino,
				  uint64_t block, const char *detail);

struct vx_keep_slot; /* a cache slot, in the work area */

struct vx_keep {
	struct vx_blkdev dev;
	uint32_t flags;
	enum vx_keep_why why; /* the last failure's reason */
	uint64_t bad_ino;     /* the file a VX_E_CORRUPT was met in (0: none) */
	uint64_t bad_block;   /* ... and the block address */
	uint64_t repairs;     /* metadata copies rewritten from the good one */
	void (*on_repair)(void *ctx, uint64_t block, uint64_t ino);
	void *repair_ctx;
	bool broken;  /* a failed change: remount */
	bool sealing; /* inside a log seal */
	/* The volume. */
	uint64_t blocks; /* of the volume */
	uint64_t txg;	 /* the open txg (last committed + 1) */
	uint8_t guid[16];
	char label[VX_KEEP_LABEL_MAX + 1];
	uint8_t root_bp[64]; /* the committed root block (the uberblock's) */
	uint64_t cursor[2];  /* allocation cursors: lower and upper half */
	uint8_t full;	     /* bit i: half i had no free block at the last look */
	uint64_t pending;    /* blocks in deferred-free logs, this txg included */
	uint64_t log_blocks; /* ... of which this txg's log */
	uint64_t used;	     /* blocks marked used in the free map */
	uint64_t ino_next;   /* inodes 1 .. ino_next - 1 exist in the inode file */
	uint64_t gen_next;   /* the next inode generation */
	uint64_t ino_hint;   /* no free inode below this one */
	uint64_t files;	     /* inodes in use */
	uint64_t last_snap;  /* the newest snapshot's txg (0: none) */
	uint32_t depth;	     /* recursion guard of the allocator */
	/* The work area. */
	struct vx_keep_slot *slots;
	uint8_t *data; /* nslots blocks */
	uint32_t nslots;
	int32_t *bucket; /* the slots' index: nbuckets chains (keep.c) */
	uint32_t nbuckets;
	uint32_t root;	  /* the slot of the root block (always pinned) */
	uint32_t hand;	  /* the cache's clock hand: the slot slot_take looks at next */
	uint8_t *log;	  /* this txg's open deferred-free log block */
	uint8_t *seal;	  /* a log block being sealed */
	uint8_t *scratch; /* one block for reads, dedup and names */
	uint8_t *scratch2;
	uint8_t *mark; /* check/reclaim mark bitmap */
	size_t mark_bits;
	/* Snapshot views recently used: txg -> inode file pointer. */
	struct {
		uint64_t txg;
		uint64_t inos;
		uint8_t height;
		uint8_t bp[64];
	} views[4];
	uint32_t view_next;
	/* The intent log (keep_ilog.c). */
	uint64_t il_head;	    /* the committed root's first log block */
	uint64_t il_cspare;	    /* ... and its reserved data block */
	uint64_t il_next;	    /* where the next log block goes */
	uint64_t il_spare;	    /* a data block reserved just before il_next (0: none) */
	uint64_t il_seq;	    /* the next block's place in the chain */
	uint8_t il_id[16];	    /* the open txg's chain id */
	uint8_t il_salt[32];	    /* the committed root's checksum (for the next id) */
	uint32_t il_nchain;	    /* log blocks written in the open txg */
	uint32_t il_npend;	    /* blocks written since the last log block */
	uint32_t il_addrs;	    /* log blocks plus records in the open txg */
	bool il_unlogged;	    /* the open txg holds a change the log cannot say */
	uint8_t *il_buf;	    /* a log block being built or read */
	uint8_t *il_list;	    /* the chain's blocks, then the pending blocks */
	uint8_t *il_ns;		    /* name records since the last log block */
	uint32_t il_nsused;	    /* ... slots of them */
	uint32_t il_limit;	    /* replay: whole fsyncs to apply at most */
	enum vx_keep_ilstop il_why; /* replay: why an fsync did not apply */
	const uint64_t *il_avoid;   /* replay: blocks the allocator must not hand out */
	uint32_t il_navoid;
	enum vx_keep_ilstop il_stop; /* why the last replay stopped */
	uint64_t il_replayed;	     /* records it applied */
	uint64_t il_replayable;	     /* vx_keep_check: records a replay would apply */
	uint64_t il_fsyncs;	     /* fsyncs done by the log (statistics) */
};

/* Formats dev as an empty Keep volume labelled label (at most 63 bytes;
 * NULL: none), using work (as for mount); 0, VX_E_RANGE (size), VX_E_INVAL
 * (label or work area), or a device error. */
int vx_keep_format(const struct vx_blkdev *dev, const char *label, void *work, size_t len);
/* Mounts dev; 0 or VX_E_CORRUPT/RANGE/INVAL with v->why (see HOSTILE
 * IMAGES).  flags: VX_KEEP_RDONLY, VX_KEEP_NOVERIFY. */
int vx_keep_mount(struct vx_keep *v, const struct vx_blkdev *dev, void *work, size_t len,
		  uint32_t flags);
const char *vx_keep_why_str(enum vx_keep_why why);
const char *vx_keep_violation_str(enum vx_keep_violation what);
const char *vx_keep_ilstop_str(enum vx_keep_ilstop why);

/* Fills *n for the root directory. */
int vx_keep_root(struct vx_keep *v, struct vx_keep_node *n);
/* Finds path in the live tree; 0, VX_E_NOTFOUND, VX_E_TYPE, VX_E_INVAL/
 * TOOBIG/DEPTH for a bad path, VX_E_CORRUPT. */
int vx_keep_lookup(struct vx_keep *v, const char *path, struct vx_keep_node *n);
/* The same in a view: 0 (live) or a snapshot's txg from vx_keep_snap_open;
 * VX_E_STALE if the snapshot was deleted. */
int vx_keep_lookup_at(struct vx_keep *v, uint64_t view, const char *path, struct vx_keep_node *n);
/* Refreshes *n from its inode; 0 or VX_E_STALE. */
int vx_keep_stat(struct vx_keep *v, struct vx_keep_node *n);
/* The next entry of dir after *cur; 1 with *e filled, 0 at the end,
 * VX_E_TYPE, VX_E_STALE, VX_E_CORRUPT. */
int vx_keep_readdir(struct vx_keep *v, const struct vx_keep_node *dir, struct vx_keep_dircur *cur,
		    struct vx_keep_dirent *e);
/* Copies up to len bytes at off of file n; the count (0 at or past the
 * end), VX_E_TYPE, VX_E_STALE, VX_E_CORRUPT (v->bad_ino names the file). */
long vx_keep_read(struct vx_keep *v, const struct vx_keep_node *n, uint64_t off, void *buf,
		  uint32_t len);
/* Writes len bytes at off of file n (a gap past the end is a hole); len,
 * VX_E_TOOBIG, VX_E_NOMEM (nothing changed), VX_E_RIGHTS, VX_E_TYPE,
 * VX_E_STALE, VX_E_CORRUPT. */
long vx_keep_write(struct vx_keep *v, struct vx_keep_node *n, uint64_t off, const void *buf,
		   uint32_t len);
/* Sets file n's size (shrinking frees blocks, growing leaves a hole); 0 or
 * the errors of vx_keep_write. */
int vx_keep_truncate(struct vx_keep *v, struct vx_keep_node *n, uint64_t size);
/* Creates an empty file (flags: VX_KEEP_F_DEDUP); 0 with *n filled,
 * VX_E_EXISTS, VX_E_FULL, VX_E_NOMEM, or a lookup error. */
int vx_keep_create(struct vx_keep *v, const char *path, uint32_t flags, struct vx_keep_node *n);
/* Creates a directory; the errors of vx_keep_create. */
int vx_keep_mkdir(struct vx_keep *v, const char *path);
/* Removes a file or an empty directory; 0, VX_E_BUSY, VX_E_INVAL (the
 * root), a lookup error. */
int vx_keep_unlink(struct vx_keep *v, const char *path);
/* Moves from to to, across directories; an existing file at to is
 * replaced (an empty directory by a directory), atomically at the next
 * commit.  0, VX_E_TYPE (file over directory or the reverse), VX_E_BUSY
 * (a non-empty directory at to), VX_E_INVAL (a directory into itself, the
 * root), a lookup error. */
int vx_keep_rename(struct vx_keep *v, const char *from, const char *to);
/* Commits the open txg (see DURABILITY); 0 or a device error. */
int vx_keep_sync(struct vx_keep *v);
/* Makes every change so far durable: through the intent log when each
 * change since the last commit is a write to a plain file, a create, a
 * mkdir or an unlink, else by vx_keep_sync (see DURABILITY).  n may be
 * NULL.  0 or a device error. */
int vx_keep_fsync(struct vx_keep *v, const struct vx_keep_node *n);
int vx_keep_statfs(struct vx_keep *v, struct vx_keep_statfs *st);

/* Commits, then records the committed tree as snapshot name; 0,
 * VX_E_EXISTS, VX_E_FULL, VX_E_TOOBIG/INVAL (name). */
int vx_keep_snap_create(struct vx_keep *v, const char *name);
/* The index-th snapshot (oldest first); 1 with *info filled, 0 past the end. */
int vx_keep_snap_list(struct vx_keep *v, uint32_t index, struct vx_keep_snapinfo *info);
/* Deletes snapshot name and reclaims the space only it held; 0,
 * VX_E_NOTFOUND. */
int vx_keep_snap_delete(struct vx_keep *v, const char *name);
/* The view id of snapshot name for vx_keep_lookup_at; 0 or VX_E_NOTFOUND. */
int vx_keep_snap_open(struct vx_keep *v, const char *name, uint64_t *view);
/* Frees every allocated block no tree references (see SNAPSHOTS AND
 * SPACE), then commits; the number of blocks freed, or an error. */
long vx_keep_reclaim(struct vx_keep *v);
/* Verifies every checksum (both copies of metadata) and every invariant
 * of the live tree, the snapshots and the free map, calling report (may be
 * NULL) for each violation; the number of violations, or a negative
 * VX_E_* if the check could not run (VX_E_STATE on a read-only mount
 * whose replay applied records: mount with VX_KEEP_NOREPLAY to check). */
long vx_keep_check(struct vx_keep *v, vx_keep_report_fn report, void *ctx);
/* The path of live inode ino ("a/b"), for naming a corrupt file; 0,
 * VX_E_NOTFOUND, VX_E_TOOBIG (len). */
int vx_keep_path_of(struct vx_keep *v, uint64_t ino, char *buf, size_t len);

#endif
