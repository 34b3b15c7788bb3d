/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Keep's insides, shared by keep.c (blocks, cache, commit), keep_ops.c
 * (the name space) and keep_check.c (reclaim and check).  The offsets are
 * the on-disk format of docs/FS.md; every multi-byte field is little
 * endian.
 */
#ifndef VX_FS_KEEP_INT_H
#define VX_FS_KEEP_INT_H

#include "fs/keep.h"

#define KP_BLOCK       4096
#define KP_SECTOR      512
#define KP_SPB	       8  /* sectors per block */
#define KP_VERSION     3  /* 3: rename records in the intent log; 2: the log (1, 2 still mount) */
#define KP_FANOUT      64 /* pointers per indirect block */
#define KP_HMAX	       6  /* tree height limit: 4096 * 64^6 bytes */
#define KP_DEPTH_GUARD 40 /* nested cache misses: a walk needs at most 14 */
#define KP_ALLOC_GUARD 64 /* nesting of the allocator's copy-on-write cascade */
#define KP_RO_ROOM     16 /* slots a read-only replay leaves to reads (a walk: 14) */

/* The layout: block 0 unused, ring A in blocks 1..16, the data area,
 * ring B in the last 16 blocks.  Slot i of a ring is its sector i. */
#define KP_RING_A      1
#define KP_RING_BLOCKS 16
#define KP_RING_SLOTS  128
#define KP_DATA_START  (KP_RING_A + KP_RING_BLOCKS)

/* Block pointer, 64 bytes.  addr0 == 0 is a hole. */
#define KP_BP_SIZE    64
#define KP_BP_ADDR0   0
#define KP_BP_ADDR1   8 /* the second copy (metadata), else 0 */
#define KP_BP_BIRTH   16
#define KP_BP_TYPE    24
#define KP_BP_LEVEL   25
#define KP_BP_FLAGS   26
#define KP_BP_SUM     32 /* BLAKE3 of the 4096-byte block */
#define KP_BPF_DEDUP  0x01
#define KP_BPF_LOGGED 0x02 /* data written by the intent log in its birth txg */

/* Block types. */
#define KP_T_DATA   1
#define KP_T_DIR    2
#define KP_T_IND    3
#define KP_T_INODES 4
#define KP_T_BITMAP 5
#define KP_T_SNAPS  6
#define KP_T_DDT    7
#define KP_T_ROOT   8
#define KP_T_LOG    9

/* Uberblock, one sector. */
#define KP_UBER_MAGIC "KEEPUBER"
#define KP_U_MAGIC    0
#define KP_U_VERSION  8
#define KP_U_SHIFT    12
#define KP_U_TXG      16
#define KP_U_BLOCKS   24
#define KP_U_GUID     32
#define KP_U_LABEL    48
#define KP_U_ROOT     112
#define KP_U_SUM      480 /* BLAKE3 of bytes 0..479 */

/* Root block. */
#define KP_ROOT_MAGIC  "KEEPROOT"
#define KP_R_MAGIC     0
#define KP_R_TXG       8
#define KP_R_BLOCKS    16
#define KP_R_USED      24
#define KP_R_INO_NEXT  32
#define KP_R_GEN_NEXT  40
#define KP_R_INO_HINT  48
#define KP_R_LAST_SNAP 56
#define KP_R_NSNAPS    64
#define KP_R_DDT_SHIFT 68
#define KP_R_FILES     72
#define KP_R_PENDING   80
#define KP_R_TREES     128 /* inode file, free map, snapshots, dedup table */
#define KP_TREE_SIZE   128
#define KP_TREE_HEIGHT 64
#define KP_R_DEFER     640
#define KP_DEFER_SIZE  96   /* pointer, then the blocks it frees (u64) */
#define KP_R_IL_HEAD   1024 /* the next txg's intent log: its first block */
#define KP_R_IL_SPARE  1032 /* ... a data block reserved beside it (0: none) */
#define KP_R_IL_ID     1040 /* ... and its chain id (16 bytes) */

/* Inode, 128 bytes, 32 per block of the inode file. */
#define KP_INO_SIZE  128
#define KP_INO_PER   32
#define KP_I_TYPE    0
#define KP_I_FLAGS   1
#define KP_I_HEIGHT  2
#define KP_I_GEN     8
#define KP_I_SIZE    16
#define KP_I_PARENT  24
#define KP_I_ENTRIES 32
#define KP_I_MTXG    40
#define KP_I_BP	     64

/* Directory entry, 272 bytes, 15 per block. */
#define KP_DE_SIZE 272
#define KP_DE_PER  15
#define KP_DE_INO  0
#define KP_DE_LEN  8
#define KP_DE_TYPE 10
#define KP_DE_NAME 16

/* Free map: bit i of leaf L is block L * 32768 + i. */
#define KP_BITS_PER (KP_BLOCK * 8)

/* Snapshot entry, 144 bytes, 28 per block. */
#define KP_SNAP_SIZE 144
#define KP_SNAP_PER  28
#define KP_S_NAME    0
#define KP_S_TXG     56
#define KP_S_INOS    64
#define KP_S_HEIGHT  72
#define KP_S_BP	     80

/* Dedup bucket: a count, then entries of hash, address, birth. */
#define KP_DDT_COUNT   0
#define KP_DDT_ENTRIES 16
#define KP_DDT_SIZE    48
#define KP_DDT_CAP     85

/* Deferred-free log block. */
#define KP_LOG_MAGIC 0x474f4c4bu /* "KLOG" */
#define KP_L_MAGIC   0
#define KP_L_COUNT   4
#define KP_L_TXG     8
#define KP_L_PREV    64 /* the txg's previous log block */
#define KP_L_ENTRIES 128
#define KP_LOG_CAP   496 /* entries: address << 16 | (run length - 1) */
#define KP_LOG_SEAL  400 /* seal here: the rest is headroom */

/* Intent log block (docs/FS.md, "The intent log"): a header, records,
 * then the BLAKE3 of everything before it; only that much is written. */
#define KP_IL_MAGIC	"KEEPILOG"
#define KP_IL_TXG	8
#define KP_IL_SEQ	16
#define KP_IL_NEXT	24
#define KP_IL_ID	32
#define KP_IL_NREC	48 /* u16 */
#define KP_IL_FLAGS	50 /* u16 */
#define KP_IL_REC	64
#define KP_IL_RSIZE	80
#define KP_IL_RPER	50     /* records a block holds */
#define KP_ILF_LAST	0x0001 /* the last block an fsync wrote */
#define KP_ILR_OP	0      /* u32: KP_ILOP_WRITE */
#define KP_ILR_INO	8
#define KP_ILR_GEN	16
#define KP_ILR_BLKID	24
#define KP_ILR_SIZE	32
#define KP_ILR_ADDR	40
#define KP_ILR_SUM	48
#define KP_ILOP_WRITE	1
#define KP_ILOP_CREATE	2 /* then the name: 40 bytes here, 80 per slot after */
#define KP_ILOP_UNLINK	3
#define KP_ILOP_RENAME	4  /* the old name, then the new one (its length at byte 5) */
#define KP_ILOP_TRUNC	5  /* inode, generation, the new size at KP_ILR_SIZE */
#define KP_ILR_TODIR	32 /* a rename record: the directory moved to */
#define KP_ILR_NTYPE	4  /* a name record: node type (1), file flags (1), name length (2) */
#define KP_ILR_DIR	24 /* ... the directory */
#define KP_ILR_NAME	40
#define KP_IL_NS_MAX	48		      /* slots of name records one fsync holds */
#define KP_IL_CHAIN_MAX 128		      /* log blocks per txg */
#define KP_IL_PEND_MAX	192		      /* blocks one fsync logs */
#define KP_IL_ADDR_MAX	2048		      /* log blocks plus records per txg */
#define KP_IL_PEND_OFF	(KP_IL_CHAIN_MAX * 8) /* in v->il_list: chain, then pending */

/* Objects of the cache: files by inode number, then the meta trees. */
#define KP_OBJ_INO    (1ull << 40)
#define KP_OBJ_BITMAP (KP_OBJ_INO + 1)
#define KP_OBJ_SNAP   (KP_OBJ_INO + 2)
#define KP_OBJ_DDT    (KP_OBJ_INO + 3)
#define KP_OBJ_ROOT   (KP_OBJ_INO + 4)
#define KP_OBJ_ANY    UINT64_MAX

#define KP_GET_NOREAD 0x01

struct vx_keep_slot {
	uint64_t view, obj, blkid;
	uint64_t pobj, pblkid; /* a dirty block's parent */
	uint16_t pin;
	uint16_t ndirty; /* dirty children */
	uint16_t poff;	 /* where its pointer sits in the parent */
	uint8_t level, plevel;
	uint8_t valid, dirty;
	uint8_t used;  /* used since the clock hand last passed */
	int32_t hnext; /* the next slot in its index chain, or -1 */
};

struct kp_key {
	uint64_t obj, blkid;
	uint8_t level;
	uint16_t off;
};

size_t kp_strnlen(const char *s, size_t max);
bool kp_has(const uint8_t *p, size_t n, uint8_t c);
uint64_t kp_ld64(const uint8_t *p);
uint32_t kp_ld32(const uint8_t *p);
void kp_st64(uint8_t *p, uint64_t x);
void kp_st32(uint8_t *p, uint32_t x);
void kp_hash(const void *p, size_t n, uint8_t out[32]);
int kp_fail(struct vx_keep *v, int rc, enum vx_keep_why why);
int kp_break(struct vx_keep *v, int rc);
int kp_dev_read(struct vx_keep *v, uint64_t blk, void *buf);
int kp_dev_write(struct vx_keep *v, uint64_t blk, const void *buf);
bool kp_meta(unsigned type);
bool kp_addr_ok(const struct vx_keep *v, uint64_t a);
int kp_bp_check(struct vx_keep *v, const uint8_t *bp, unsigned type, unsigned level);
void kp_bp_set(uint8_t *bp, uint64_t a0, uint64_t a1, uint64_t birth, unsigned type,
	       unsigned level);
int kp_read_bp(struct vx_keep *v, const uint8_t *bp, void *buf, uint64_t ino);
uint8_t *kp_data(struct vx_keep *v, int s);
int kp_find(struct vx_keep *v, uint64_t view, uint64_t obj, unsigned level, uint64_t blkid);
int kp_get(struct vx_keep *v, uint64_t view, uint64_t obj, unsigned level, uint64_t blkid,
	   unsigned flags, int *slot);
void kp_put(struct vx_keep *v, int s);
int kp_writeout(struct vx_keep *v, int s);
void kp_drop(struct vx_keep *v, uint64_t view, uint64_t obj, unsigned level, uint64_t blkid);
void kp_drop_obj(struct vx_keep *v, uint64_t view, uint64_t obj);
void kp_discard(struct vx_keep *v, uint64_t obj, uint64_t blkid);
void kp_discard_obj(struct vx_keep *v, uint64_t obj, uint64_t from);
unsigned kp_type_of(uint64_t obj, unsigned level, unsigned ftype);
int kp_inode(struct vx_keep *v, uint64_t view, uint64_t ino, int *slot, uint8_t **p);
int kp_view(struct vx_keep *v, uint64_t view, uint8_t **bp, unsigned *height, uint64_t *inos);
int kp_height(struct vx_keep *v, uint64_t view, uint64_t obj, unsigned *h);
int kp_parent(struct vx_keep *v, uint64_t view, uint64_t obj, unsigned level, uint64_t blkid,
	      uint8_t **bp, int *ps, struct kp_key *pkey);
int kp_claim(struct vx_keep *v, uint64_t blk);
int kp_bit_clear(struct vx_keep *v, uint64_t blk);
int kp_bit_set(struct vx_keep *v, uint64_t blk, bool count);
int kp_alloc(struct vx_keep *v, bool meta, uint64_t a[2]);
int kp_defer(struct vx_keep *v, uint64_t blk);
int kp_free_bp(struct vx_keep *v, const uint8_t *bp, bool snap);
int kp_dirty(struct vx_keep *v, int s);
int kp_grow(struct vx_keep *v, uint64_t obj, unsigned h);
unsigned kp_need_height(uint64_t blkid);

/* The intent log (keep_ilog.c). */
extern uint64_t kp_hash_calls, kp_hash_bytes;
void kp_il_note(struct vx_keep *v, uint64_t ino, uint64_t blkid);
void kp_il_off(struct vx_keep *v);
void kp_il_name(struct vx_keep *v, unsigned op, uint64_t dir, uint64_t ino, uint64_t gen,
		unsigned type, unsigned flags, const char *name, size_t len);
int kp_ns_create(struct vx_keep *v, uint64_t dir, const char *name, size_t len, unsigned type,
		 uint32_t flags, uint64_t *ino);
int kp_ns_unlink(struct vx_keep *v, uint64_t dir, const char *name, size_t len, uint64_t ino,
		 uint64_t gen);
void kp_il_rename(struct vx_keep *v, uint64_t fdir, const char *fname, size_t flen, uint64_t tdir,
		  const char *tname, size_t tlen, uint64_t ino, uint64_t gen, unsigned type);
int kp_ns_rename(struct vx_keep *v, uint64_t fdir, const char *fname, size_t flen, uint64_t tdir,
		 const char *tname, size_t tlen, uint64_t ino, uint64_t gen);
void kp_il_truncate(struct vx_keep *v, uint64_t ino, uint64_t gen, uint64_t size);
int kp_ns_truncate(struct vx_keep *v, uint64_t ino, uint64_t gen, uint64_t size);
bool kp_il_avoid(const struct vx_keep *v, uint64_t blk);
int kp_il_commit(struct vx_keep *v, uint8_t *root);
void kp_il_committed(struct vx_keep *v);
void kp_il_load(struct vx_keep *v, const uint8_t *root);
bool kp_il_root_ok(const struct vx_keep *v, const uint8_t *root);
int kp_il_replay(struct vx_keep *v);
#define KP_IL_RETRY 1 /* kp_il_replay: mount again, applying v->il_limit fsyncs */
long kp_il_check(struct vx_keep *v, vx_keep_report_fn report, void *ctx);

#endif
