/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Keep: the block layer of the file system (lib/fs/keep.h, docs/FS.md).
 * This file has the on-disk encodings, the checked read of a block
 * through its pointer (with ditto repair), the block cache with its
 * copy-on-write dirtying, the allocator over the free map, the
 * deferred-free log, the commit, format and mount.  keep_ops.c builds the
 * name space on it; keep_check.c the walks (reclaim and check).
 *
 * The cache holds blocks by logical name: (view, object, level, index).
 * A dirty block has already been given its new address (recorded in its
 * parent's pointer) and its parent is dirty and resident too: a parent
 * with dirty children (ndirty > 0) is never evicted, so writing a block
 * out can always find the pointer that must take its checksum.
 */
#include <stddef.h>
#include <stdint.h>

#include "vectra/abi.h"
#include "vx_string.h"
#include "crypto/blake3.h"
#include "fs/keep_int.h"

/* --- little-endian fields ---------------------------------------------- */

size_t kp_strnlen(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

bool kp_has(const uint8_t *p, size_t n, uint8_t c)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] == c)
			return true;
	return false;
}

uint64_t kp_ld64(const uint8_t *p)
{
	uint64_t x = 0;
	for (int i = 7; i >= 0; i--)
		x = x << 8 | p[i];
	return x;
}

uint32_t kp_ld32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void kp_st64(uint8_t *p, uint64_t x)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(x >> (8 * i));
}

void kp_st32(uint8_t *p, uint32_t x)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(x >> (8 * i));
}

/* Statistics for the host harnesses: every hash Keep computes. */
uint64_t kp_hash_calls, kp_hash_bytes;

void kp_hash(const void *p, size_t n, uint8_t out[32])
{
	kp_hash_calls++;
	kp_hash_bytes += n;
	vx_blake3(p, n, out, 32);
}

/* Fails the volume: every later call returns VX_E_STATE until a remount. */
int kp_fail(struct vx_keep *v, int rc, enum vx_keep_why why)
{
	v->why = why;
	if (rc != VX_E_CORRUPT && rc != VX_E_NOMEM)
		v->broken = true;
	return rc;
}

/* Breaks the volume whatever the error: a change was half made in memory
 * (a block marked dirty without its new address, a commit cut short), so
 * nothing more may be written until a remount finds the last commit. */
int kp_break(struct vx_keep *v, int rc)
{
	v->broken = true;
	return rc;
}

/* --- the device ---------------------------------------------------------- */

int kp_dev_read(struct vx_keep *v, uint64_t blk, void *buf)
{
	int rc = v->dev.read(v->dev.ctx, blk * KP_SPB, KP_SPB, buf);
	if (rc < 0)
		v->why = VX_KEEP_IO;
	return rc;
}

/* Writes one block; never on a read-only mount (the one place that
 * keeps that promise for every path that writes a block). */
int kp_dev_write(struct vx_keep *v, uint64_t blk, const void *buf)
{
	if (v->flags & VX_KEEP_RDONLY)
		return kp_fail(v, VX_E_STATE, VX_KEEP_CACHE);
	int rc = v->dev.write(v->dev.ctx, blk * KP_SPB, KP_SPB, buf);
	if (rc < 0) {
		v->why = VX_KEEP_IO;
		v->broken = true;
	}
	return rc;
}

/* --- block pointers ------------------------------------------------------ */

bool kp_meta(unsigned type)
{
	return type != KP_T_DATA;
}

/* Is addr a block the data area may hold? */
bool kp_addr_ok(const struct vx_keep *v, uint64_t a)
{
	return a >= KP_DATA_START && a < v->blocks - KP_RING_BLOCKS;
}

/* Checks bp's fields before anything follows it: 0 or VX_E_CORRUPT. */
int kp_bp_check(struct vx_keep *v, const uint8_t *bp, unsigned type, unsigned level)
{
	uint64_t a0 = kp_ld64(bp + KP_BP_ADDR0), a1 = kp_ld64(bp + KP_BP_ADDR1);
	if (a0 == 0)
		return 0; /* a hole */
	bool ok = kp_addr_ok(v, a0) && bp[KP_BP_TYPE] == type && bp[KP_BP_LEVEL] == level &&
		  kp_ld64(bp + KP_BP_BIRTH) < v->txg + 1 && kp_ld64(bp + KP_BP_BIRTH) != 0 &&
		  (bp[KP_BP_FLAGS] & ~(KP_BPF_DEDUP | KP_BPF_LOGGED)) == 0;
	if (kp_meta(type))
		ok = ok && kp_addr_ok(v, a1) && a1 != a0 && !(bp[KP_BP_FLAGS] & KP_BPF_LOGGED);
	else
		ok = ok && a1 == 0;
	if (!ok) {
		v->why = VX_KEEP_BAD_BP;
		v->bad_block = a0;
		return VX_E_CORRUPT;
	}
	return 0;
}

void kp_bp_set(uint8_t *bp, uint64_t a0, uint64_t a1, uint64_t birth, unsigned type, unsigned level)
{
	memset(bp, 0, KP_BP_SIZE);
	kp_st64(bp + KP_BP_ADDR0, a0);
	kp_st64(bp + KP_BP_ADDR1, a1);
	kp_st64(bp + KP_BP_BIRTH, birth);
	bp[KP_BP_TYPE] = (uint8_t)type;
	bp[KP_BP_LEVEL] = (uint8_t)level;
}

static void repaired(struct vx_keep *v, uint64_t blk, uint64_t ino)
{
	v->repairs++;
	if (v->on_repair)
		v->on_repair(v->repair_ctx, blk, ino);
}

/* Reads the block bp points at into buf and checks it against bp's
 * checksum.  Metadata with a bad first copy is read from the second and
 * the first rewritten with the good bytes (counted in v->repairs).  0,
 * VX_E_CORRUPT (v->why, v->bad_ino = ino, v->bad_block) or a device
 * error.  The caller has checked bp with kp_bp_check. */
int kp_read_bp(struct vx_keep *v, const uint8_t *bp, void *buf, uint64_t ino)
{
	uint8_t sum[32];
	uint64_t a0 = kp_ld64(bp + KP_BP_ADDR0), a1 = kp_ld64(bp + KP_BP_ADDR1);
	int rc = kp_dev_read(v, a0, buf);
	if (rc < 0)
		return rc;
	kp_hash(buf, KP_BLOCK, sum);
	if (memcmp(sum, bp + KP_BP_SUM, 32) == 0 || (v->flags & VX_KEEP_NOVERIFY))
		return 0;
	if (kp_meta(bp[KP_BP_TYPE])) {
		rc = kp_dev_read(v, a1, buf);
		if (rc < 0)
			return rc;
		kp_hash(buf, KP_BLOCK, sum);
		if (memcmp(sum, bp + KP_BP_SUM, 32) == 0) {
			if (!(v->flags & VX_KEEP_RDONLY) && !v->broken) {
				rc = kp_dev_write(v, a0, buf);
				if (rc < 0)
					return rc;
			}
			repaired(v, a0, ino);
			return 0;
		}
	}
	v->why = kp_meta(bp[KP_BP_TYPE]) ? VX_KEEP_BAD_META : VX_KEEP_BAD_DATA;
	v->bad_ino = ino;
	v->bad_block = a0;
	return VX_E_CORRUPT;
}

/* --- the cache ----------------------------------------------------------- */

uint8_t *kp_data(struct vx_keep *v, int s)
{
	return v->data + (size_t)s * KP_BLOCK;
}

/*
 * The cache's index: a hash table of nbuckets chains (a power of two, at
 * least nslots) through the slots' hnext, holding exactly the valid
 * slots, each in the chain of its key.  A slot's key never changes while
 * it is valid; kp_slot_fill and kp_slot_empty are the only ways in and
 * out.
 */
static uint32_t bucket_of(const struct vx_keep *v, uint64_t view, uint64_t obj, unsigned level,
			  uint64_t blkid)
{
	uint64_t h =
	    obj * 0x9e3779b97f4a7c15ull ^ blkid * 0xc2b2ae3d27d4eb4full ^ view << 17 ^ level;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	return (uint32_t)(h >> 40) & (v->nbuckets - 1);
}

static void index_clear(struct vx_keep *v)
{
	memset(v->slots, 0, v->nslots * sizeof(struct vx_keep_slot));
	memset(v->bucket, 0xff, v->nbuckets * sizeof(int32_t)); /* every chain empty: -1 */
}

/* Makes slot s (not valid) hold (view, obj, level, blkid), unpinned,
 * clean, every other field zero. */
static void kp_slot_fill(struct vx_keep *v, int s, uint64_t view, uint64_t obj, unsigned level,
			 uint64_t blkid)
{
	struct vx_keep_slot *sl = &v->slots[s];
	uint32_t b = bucket_of(v, view, obj, level, blkid);

	memset(sl, 0, sizeof(*sl));
	sl->view = view;
	sl->obj = obj;
	sl->level = (uint8_t)level;
	sl->blkid = blkid;
	sl->valid = 1;
	sl->hnext = v->bucket[b];
	v->bucket[b] = s;
}

/* Slot s no longer holds anything. */
static void kp_slot_empty(struct vx_keep *v, int s)
{
	struct vx_keep_slot *sl = &v->slots[s];
	if (!sl->valid)
		return;
	int32_t *p = &v->bucket[bucket_of(v, sl->view, sl->obj, sl->level, sl->blkid)];
	while (*p >= 0 && *p != s)
		p = &v->slots[*p].hnext;
	if (*p == s)
		*p = sl->hnext;
	sl->valid = 0;
}

int kp_find(struct vx_keep *v, uint64_t view, uint64_t obj, unsigned level, uint64_t blkid)
{
	for (int32_t i = v->bucket[bucket_of(v, view, obj, level, blkid)]; i >= 0;
	     i = v->slots[i].hnext) {
		struct vx_keep_slot *s = &v->slots[i];
		if (s->obj == obj && s->blkid == blkid && s->level == level && s->view == view)
			return (int)i;
	}
	return -1;
}

void kp_put(struct vx_keep *v, int s)
{
	if (s >= 0 && v->slots[s].pin > 0)
		v->slots[s].pin--;
}

/* Writes dirty slot s (no dirty children) to the address its parent's
 * pointer holds, and records its checksum there. */
int kp_writeout(struct vx_keep *v, int s)
{
	struct vx_keep_slot *sl = &v->slots[s];
	uint8_t *bp;
	int ps = -1;
	if (sl->obj == KP_OBJ_ROOT) {
		bp = v->root_bp;
	} else {
		ps = kp_find(v, 0, sl->pobj, sl->plevel, sl->pblkid);
		if (ps < 0)
			return kp_fail(v, VX_E_STATE, VX_KEEP_CACHE);
		bp = kp_data(v, ps) + sl->poff;
	}
	uint8_t *d = kp_data(v, s);
	kp_hash(d, KP_BLOCK, bp + KP_BP_SUM);
	int rc = kp_dev_write(v, kp_ld64(bp + KP_BP_ADDR0), d);
	if (rc == 0 && kp_ld64(bp + KP_BP_ADDR1))
		rc = kp_dev_write(v, kp_ld64(bp + KP_BP_ADDR1), d);
	if (rc < 0)
		return rc;
	sl->dirty = 0;
	if (ps >= 0)
		v->slots[ps].ndirty--;
	return 0;
}

/*
 * A slot to fill, chosen by the clock (second chance, an approximation of
 * least recently used that costs no scan of the whole cache): the hand
 * passes over pinned slots and parents of dirty blocks, takes an empty
 * slot, clears the mark of a slot used since the hand last passed it, and
 * takes the first unmarked one (written out if dirty).  Two turns find
 * every slot unmarked, so a cache with nothing to give fails after them.
 * On a read-only mount a dirty block (a replay of the intent log) exists
 * only here: it is never written, so never taken.
 */
static int slot_take(struct vx_keep *v)
{
	int best = -1;
	for (uint32_t n = 0; n <= 2 * v->nslots && best < 0; n++) {
		uint32_t i = v->hand;
		v->hand = i + 1 == v->nslots ? 0 : i + 1;
		struct vx_keep_slot *s = &v->slots[i];
		if (!s->valid)
			return (int)i;
		if (s->pin || s->ndirty || (s->dirty && (v->flags & VX_KEEP_RDONLY)))
			continue;
		if (s->used)
			s->used = 0;
		else
			best = (int)i;
	}
	if (best < 0)
		return kp_fail(v, VX_E_NOMEM, VX_KEEP_CACHE);
	if (v->slots[best].dirty) {
		int rc = kp_writeout(v, best);
		if (rc < 0)
			return rc;
	}
	kp_slot_empty(v, best);
	return best;
}

/* Drops the clean cached copy of a block, if any. */
void kp_drop(struct vx_keep *v, uint64_t view, uint64_t obj, unsigned level, uint64_t blkid)
{
	int s = kp_find(v, view, obj, level, blkid);
	if (s >= 0 && !v->slots[s].pin && !v->slots[s].dirty && !v->slots[s].ndirty)
		kp_slot_empty(v, s);
}

/* Forgets dirty slot s without writing it: its parent no longer counts it
 * (the pointer it would have written through is gone or replaced). */
static void forget(struct vx_keep *v, int s)
{
	struct vx_keep_slot *sl = &v->slots[s];
	if (sl->dirty) {
		int ps =
		    sl->obj == KP_OBJ_ROOT ? -1 : kp_find(v, 0, sl->pobj, sl->plevel, sl->pblkid);
		if (ps >= 0 && v->slots[ps].ndirty)
			v->slots[ps].ndirty--;
		sl->dirty = 0;
	}
}

/* Replay of a write record: leaf blkid of file obj becomes the logged
 * block, so a cached copy (dirty after a replayed truncate zeroed its
 * tail) is obsolete and must never be written over it. */
void kp_discard(struct vx_keep *v, uint64_t obj, uint64_t blkid)
{
	int s = kp_find(v, 0, obj, 0, blkid);
	if (s >= 0 && !v->slots[s].pin && !v->slots[s].ndirty) {
		forget(v, s);
		kp_slot_empty(v, s);
	}
}

/* Read-only replay of an unlink or truncate: forgets every cached block
 * of file obj whose first leaf is `from` or past it, dirty ones too (they
 * were never written and that part of the tree was just freed; a
 * read-write mount writes them out first, then frees them), so the file
 * grown again or an inode made again does not find them. */
void kp_discard_obj(struct vx_keep *v, uint64_t obj, uint64_t from)
{
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t i = 0; i < v->nslots; i++) {
			struct vx_keep_slot *s = &v->slots[i];
			if (!s->valid || s->view || s->obj != obj ||
			    (s->blkid << (6 * s->level)) < from)
				continue;
			if (pass == 0)
				forget(v, (int)i);
			else if (!s->pin)
				kp_slot_empty(v, (int)i);
		}
	}
}

/* Drops every clean cached block of an object (or of a view if obj is
 * KP_OBJ_ANY). */
void kp_drop_obj(struct vx_keep *v, uint64_t view, uint64_t obj)
{
	for (uint32_t i = 0; i < v->nslots; i++) {
		struct vx_keep_slot *s = &v->slots[i];
		if (s->valid && s->view == view && (obj == KP_OBJ_ANY || s->obj == obj) &&
		    !s->pin && !s->dirty && !s->ndirty && s->obj != KP_OBJ_ROOT)
			kp_slot_empty(v, (int)i);
	}
}

/* The block type of (obj, level). */
unsigned kp_type_of(uint64_t obj, unsigned level, unsigned ftype)
{
	if (level > 0)
		return KP_T_IND;
	switch (obj) {
	case KP_OBJ_INO:
		return KP_T_INODES;
	case KP_OBJ_BITMAP:
		return KP_T_BITMAP;
	case KP_OBJ_SNAP:
		return KP_T_SNAPS;
	case KP_OBJ_DDT:
		return KP_T_DDT;
	case KP_OBJ_ROOT:
		return KP_T_ROOT;
	default:
		return ftype == VX_KEEP_DIR ? KP_T_DIR : KP_T_DATA;
	}
}

/* Where a meta tree's descriptor sits in the root block. */
static size_t tree_off(uint64_t obj)
{
	return KP_R_TREES + (size_t)(obj - KP_OBJ_INO) * KP_TREE_SIZE;
}

/* The inode of ino in view as a pinned slot and a pointer to its 128
 * bytes; the caller checked ino against the view's inode count. */
int kp_inode(struct vx_keep *v, uint64_t view, uint64_t ino, int *slot, uint8_t **p)
{
	int rc = kp_get(v, view, KP_OBJ_INO, 0, ino / KP_INO_PER, 0, slot);
	if (rc < 0)
		return rc;
	*p = kp_data(v, *slot) + (ino % KP_INO_PER) * KP_INO_SIZE;
	return 0;
}

/* The snapshot view with this txg: its inode-file pointer, height and
 * inode count; VX_E_STALE if no snapshot has it. */
int kp_view(struct vx_keep *v, uint64_t view, uint8_t **bp, unsigned *height, uint64_t *inos)
{
	for (int i = 0; i < 4; i++) {
		if (v->views[i].txg == view && view) {
			*bp = v->views[i].bp;
			*height = v->views[i].height;
			*inos = v->views[i].inos;
			return 0;
		}
	}
	uint32_t n = kp_ld32(kp_data(v, (int)v->root) + KP_R_NSNAPS);
	for (uint32_t i = 0; i < n; i++) {
		int s;
		int rc = kp_get(v, 0, KP_OBJ_SNAP, 0, i / KP_SNAP_PER, 0, &s);
		if (rc < 0)
			return rc;
		const uint8_t *e = kp_data(v, s) + (i % KP_SNAP_PER) * KP_SNAP_SIZE;
		if (kp_ld64(e + KP_S_TXG) == view) {
			uint32_t k = v->view_next++ % 4;
			v->views[k].txg = view;
			v->views[k].inos = kp_ld64(e + KP_S_INOS);
			v->views[k].height = e[KP_S_HEIGHT];
			memcpy(v->views[k].bp, e + KP_S_BP, KP_BP_SIZE);
			kp_put(v, s);
			if (v->views[k].height > KP_HMAX ||
			    v->views[k].inos > VX_KEEP_INO_MAX + 1) {
				v->views[k].txg = 0;
				v->why = VX_KEEP_BAD_SNAPTAB;
				return VX_E_CORRUPT;
			}
			*bp = v->views[k].bp;
			*height = v->views[k].height;
			*inos = v->views[k].inos;
			return 0;
		}
		kp_put(v, s);
	}
	return VX_E_STALE;
}

/* The height of obj's tree in view. */
int kp_height(struct vx_keep *v, uint64_t view, uint64_t obj, unsigned *h)
{
	if (obj == KP_OBJ_ROOT) {
		*h = 0;
		return 0;
	}
	if (obj >= KP_OBJ_INO) {
		if (view && obj == KP_OBJ_INO) {
			uint8_t *bp;
			uint64_t inos;
			return kp_view(v, view, &bp, h, &inos);
		}
		*h = kp_data(v, (int)v->root)[tree_off(obj) + KP_TREE_HEIGHT];
		return 0;
	}
	int s;
	uint8_t *p;
	int rc = kp_inode(v, view, obj, &s, &p);
	if (rc < 0)
		return rc;
	*h = p[KP_I_HEIGHT];
	kp_put(v, s);
	if (*h > KP_HMAX) {
		v->why = VX_KEEP_BAD_INODE;
		v->bad_ino = obj;
		return VX_E_CORRUPT;
	}
	return 0;
}

/* Finds the pointer to block (obj, level, blkid) of view: *bp points into
 * pinned slot *ps (-1: v->root_bp or a view's pointer, nothing pinned), or
 * is NULL if the block lies beyond the tree (a hole).  *pkey names the
 * parent block for a dirty child's bookkeeping. */
int kp_parent(struct vx_keep *v, uint64_t view, uint64_t obj, unsigned level, uint64_t blkid,
	      uint8_t **bp, int *ps, struct kp_key *pkey)
{
	unsigned h;
	*ps = -1;
	*bp = NULL;
	if (obj == KP_OBJ_ROOT) {
		*bp = v->root_bp;
		return 0;
	}
	int rc = kp_height(v, view, obj, &h);
	if (rc < 0)
		return rc;
	if (level > h || (level == h && blkid != 0))
		return 0;
	if (level < h) {
		pkey->obj = obj;
		pkey->level = level + 1;
		pkey->blkid = blkid / KP_FANOUT;
		pkey->off = (uint16_t)((blkid % KP_FANOUT) * KP_BP_SIZE);
	} else if (obj < KP_OBJ_INO) {
		pkey->obj = KP_OBJ_INO;
		pkey->level = 0;
		pkey->blkid = obj / KP_INO_PER;
		pkey->off = (uint16_t)((obj % KP_INO_PER) * KP_INO_SIZE + KP_I_BP);
	} else if (view) {
		uint64_t inos;
		return kp_view(v, view, bp, &h, &inos);
	} else {
		pkey->obj = KP_OBJ_ROOT;
		pkey->level = 0;
		pkey->blkid = 0;
		pkey->off = (uint16_t)tree_off(obj);
	}
	rc = kp_get(v, view, pkey->obj, pkey->level, pkey->blkid, 0, ps);
	if (rc < 0)
		return rc;
	*bp = kp_data(v, *ps) + pkey->off;
	return 0;
}

/* Pins block (obj, level, blkid) of view in the cache, reading and
 * checking it if it is not there (a hole reads as zeros); with
 * KP_GET_NOREAD a block not cached is not read (the caller overwrites it
 * whole).  0 with *slot pinned, or an error. */
int kp_get(struct vx_keep *v, uint64_t view, uint64_t obj, unsigned level, uint64_t blkid,
	   unsigned flags, int *slot)
{
	int s = kp_find(v, view, obj, level, blkid);
	*slot = -1; /* a caller may kp_put it whatever happens */
	if (s >= 0) {
		v->slots[s].pin++;
		v->slots[s].used = 1;
		*slot = s;
		return 0;
	}
	if (++v->depth > KP_DEPTH_GUARD) {
		v->depth--;
		return kp_fail(v, VX_E_CORRUPT, VX_KEEP_BAD_BP);
	}
	uint8_t *bp;
	int ps;
	struct kp_key pk;
	int rc = kp_parent(v, view, obj, level, blkid, &bp, &ps, &pk);
	if (rc < 0)
		goto out;
	unsigned ftype = 0;
	if (obj < KP_OBJ_INO && level == 0 && bp && kp_ld64(bp + KP_BP_ADDR0))
		ftype = bp[KP_BP_TYPE] == KP_T_DIR ? VX_KEEP_DIR : VX_KEEP_FILE;
	if (bp && (rc = kp_bp_check(v, bp, kp_type_of(obj, level, ftype), level)) < 0) {
		v->bad_ino = obj < KP_OBJ_INO ? obj : 0;
		kp_put(v, ps);
		goto out;
	}
	s = slot_take(v);
	if (s < 0) {
		rc = s;
		kp_put(v, ps);
		goto out;
	}
	uint8_t *d = kp_data(v, s);
	if (!bp || kp_ld64(bp + KP_BP_ADDR0) == 0 || (flags & KP_GET_NOREAD))
		memset(d, 0, KP_BLOCK);
	else if ((rc = kp_read_bp(v, bp, d, obj < KP_OBJ_INO ? obj : 0)) < 0) {
		kp_put(v, ps);
		goto out;
	}
	kp_put(v, ps);
	kp_slot_fill(v, s, view, obj, level, blkid);
	struct vx_keep_slot *sl = &v->slots[s];
	sl->pin = 1;
	sl->used = 1;
	*slot = s;
out:
	v->depth--;
	return rc;
}

/* --- the free map -------------------------------------------------------- */

static int bit_get(struct vx_keep *v, uint64_t blk, int *slot, uint8_t **byte, uint8_t *mask)
{
	int rc = kp_get(v, 0, KP_OBJ_BITMAP, 0, blk / KP_BITS_PER, 0, slot);
	if (rc < 0)
		return rc;
	*byte = kp_data(v, *slot) + (blk % KP_BITS_PER) / 8;
	*mask = (uint8_t)(1u << (blk % 8));
	return 0;
}

/* Marks blk free now (it was born in the open txg, or its deferral ran
 * out). */
int kp_bit_clear(struct vx_keep *v, uint64_t blk)
{
	int s;
	uint8_t *b, m;
	if (!kp_addr_ok(v, blk))
		return kp_fail(v, VX_E_CORRUPT, VX_KEEP_BAD_BITMAP);
	int rc = bit_get(v, blk, &s, &b, &m);
	if (rc == 0)
		rc = kp_dirty(v, s);
	if (rc == 0 && !(*b & m)) {
		v->bad_block = blk;
		rc = kp_fail(v, VX_E_CORRUPT, VX_KEEP_BAD_BITMAP);
	}
	if (rc == 0) {
		*b &= (uint8_t)~m;
		if (v->used) /* a hostile count stays in range */
			v->used--;
		uint64_t lo = KP_DATA_START, hi = v->blocks - KP_RING_BLOCKS;
		v->full &= blk < lo + (hi - lo) / 2 ? (uint8_t)~1u : (uint8_t)~2u;
	}
	kp_put(v, s);
	return rc;
}

/* Marks blk used if it is free: 1, or 0 if it was in use (or is not in
 * the data area). */
int kp_claim(struct vx_keep *v, uint64_t blk)
{
	int s;
	uint8_t *b, m;
	if (!kp_addr_ok(v, blk))
		return 0;
	int rc = bit_get(v, blk, &s, &b, &m);
	if (rc == 0 && !(*b & m))
		rc = kp_dirty(v, s); /* may allocate from this leaf too */
	if (rc == 0) {
		b = kp_data(v, s) + (blk % KP_BITS_PER) / 8;
		rc = (*b & m) ? 0 : 1;
		if (rc) {
			*b |= m;
			v->used++;
		}
	}
	kp_put(v, s);
	return rc;
}

/* Marks blk used (format marks the rings and the tail this way). */
int kp_bit_set(struct vx_keep *v, uint64_t blk, bool count)
{
	int s;
	uint8_t *b, m;
	int rc = bit_get(v, blk, &s, &b, &m);
	if (rc == 0)
		rc = kp_dirty(v, s);
	if (rc == 0) {
		if (count && !(*b & m))
			v->used++;
		*b |= m;
	}
	kp_put(v, s);
	return rc;
}

/* One free block in [lo, hi) from *cursor, not avoid, marked used. */
static int alloc_in(struct vx_keep *v, uint64_t lo, uint64_t hi, uint64_t *cursor, uint64_t avoid,
		    uint64_t *out)
{
	uint64_t at = *cursor < lo || *cursor >= hi ? lo : *cursor;
	uint64_t n = hi - lo;
	for (uint64_t seen = 0; seen < n;) {
		int s;
		uint8_t *b, m;
		int rc = bit_get(v, at, &s, &b, &m);
		if (rc < 0)
			return rc;
		uint64_t leaf_end = (at / KP_BITS_PER + 1) * KP_BITS_PER;
		for (; at < leaf_end && at < hi && seen < n; at++, seen++) {
			uint64_t i = at % KP_BITS_PER;
			uint8_t *d = kp_data(v, s);
			if (d[i / 8] == 0xff && i % 8 == 0 && at + 8 <= hi && seen + 8 <= n) {
				at += 7, seen += 7;
				continue;
			}
			if ((d[i / 8] & (1u << (i % 8))) || at == avoid ||
			    (v->il_navoid && kp_il_avoid(v, at)))
				continue;
			rc = kp_dirty(v, s); /* may allocate from this leaf too */
			if (rc < 0) {
				kp_put(v, s);
				return rc;
			}
			d = kp_data(v, s);
			if (d[i / 8] & (1u << (i % 8)))
				continue;
			d[i / 8] |= (uint8_t)(1u << (i % 8));
			v->used++;
			kp_put(v, s);
			*cursor = at + 1;
			*out = at;
			return 0;
		}
		kp_put(v, s);
		if (at >= hi)
			at = lo;
	}
	return VX_E_NOMEM;
}

/* Allocates one block (data) or two far apart (metadata: one in each half
 * of the disk when it can) into a[0..1]. */
int kp_alloc(struct vx_keep *v, bool meta, uint64_t a[2])
{
	uint64_t lo = KP_DATA_START, hi = v->blocks - KP_RING_BLOCKS, mid = lo + (hi - lo) / 2;
	a[0] = a[1] = 0;
	if (v->used + (meta ? 2 : 1) > v->blocks)
		return kp_fail(v, VX_E_NOMEM, VX_KEEP_NOSPACE);
	if (++v->depth > KP_ALLOC_GUARD) {
		v->depth--;
		return kp_fail(v, VX_E_NOMEM, VX_KEEP_NOSPACE);
	}
	/* A half found full is not scanned again until a block in it is
	 * freed (kp_bit_clear): a full lower half cost a whole scan per
	 * block allocated. */
	int rc = (v->full & 1) ? VX_E_NOMEM : alloc_in(v, lo, mid, &v->cursor[0], 0, &a[0]);
	if (rc == VX_E_NOMEM && !v->il_navoid)
		v->full |= 1;
	if (rc == VX_E_NOMEM)
		rc = alloc_in(v, lo, hi, &v->cursor[1], 0, &a[0]);
	if (rc == 0 && meta) {
		rc = (v->full & 2) ? VX_E_NOMEM : alloc_in(v, mid, hi, &v->cursor[1], a[0], &a[1]);
		if (rc == VX_E_NOMEM && !v->il_navoid && a[0] < mid)
			v->full |= 2;
		if (rc == VX_E_NOMEM)
			rc = alloc_in(v, lo, hi, &v->cursor[0], a[0], &a[1]);
	}
	v->depth--;
	if (rc == VX_E_NOMEM)
		v->why = VX_KEEP_NOSPACE;
	return rc;
}

/* --- deferred frees ------------------------------------------------------ */

/* Writes the open log block out and starts a new one pointing at it. */
static int log_seal(struct vx_keep *v)
{
	uint64_t a[2];
	v->sealing = true;
	memcpy(v->seal, v->log, KP_BLOCK);
	memset(v->log, 0, KP_BLOCK);
	kp_st32(v->log + KP_L_MAGIC, KP_LOG_MAGIC);
	kp_st64(v->log + KP_L_TXG, v->txg);
	int rc = kp_alloc(v, true, a);
	if (rc == 0) {
		uint8_t *bp = v->log + KP_L_PREV;
		kp_bp_set(bp, a[0], a[1], v->txg, KP_T_LOG, 0);
		kp_hash(v->seal, KP_BLOCK, bp + KP_BP_SUM);
		rc = kp_dev_write(v, a[0], v->seal);
		if (rc == 0)
			rc = kp_dev_write(v, a[1], v->seal);
	}
	v->sealing = false;
	if (rc < 0)
		v->why = VX_KEEP_NOSPACE;
	return rc < 0 ? kp_break(v, rc) : 0;
}

/* Records blk as freed in the open txg: reusable after VX_KEEP_DEFER
 * more commits. */
int kp_defer(struct vx_keep *v, uint64_t blk)
{
	uint32_t n = kp_ld32(v->log + KP_L_COUNT);
	v->pending++;
	v->log_blocks++;
	if (v->flags & VX_KEEP_RDONLY)
		return 0; /* a replay in memory: nothing is committed, nothing freed */
	if (n > 0) {
		uint8_t *e = v->log + KP_L_ENTRIES + (n - 1) * 8;
		uint64_t x = kp_ld64(e), a = x >> 16, len = (x & 0xffff) + 1;
		if (a + len == blk && len < 65536) {
			kp_st64(e, x + 1);
			return 0;
		}
	}
	if (n >= KP_LOG_CAP)
		return kp_fail(v, VX_E_FULL, VX_KEEP_NOSPACE);
	kp_st64(v->log + KP_L_ENTRIES + n * 8, blk << 16);
	kp_st32(v->log + KP_L_COUNT, n + 1);
	if (n + 1 >= KP_LOG_SEAL && !v->sealing)
		return log_seal(v);
	return 0;
}

/* Frees the block(s) bp points at: now if born in the open txg (and no
 * intent log record names it), not at all if a snapshot still holds it
 * (snap: the pointer is in the snapshotted tree) or it is deduplicated
 * (reclaim frees those), else deferred. */
int kp_free_bp(struct vx_keep *v, const uint8_t *bp, bool snap)
{
	uint64_t birth = kp_ld64(bp + KP_BP_BIRTH);
	if (kp_ld64(bp + KP_BP_ADDR0) == 0 || (bp[KP_BP_FLAGS] & KP_BPF_DEDUP))
		return 0;
	if (snap && birth <= v->last_snap && birth != v->txg)
		return 0;
	for (int i = 0; i < 2; i++) {
		uint64_t a = kp_ld64(bp + (i ? KP_BP_ADDR1 : KP_BP_ADDR0));
		if (!a)
			continue;
		bool now = birth == v->txg && !(bp[KP_BP_FLAGS] & KP_BPF_LOGGED);
		int rc = now ? kp_bit_clear(v, a) : kp_defer(v, a);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* --- dirtying ------------------------------------------------------------ */

/* Makes pinned slot s writable in the open txg: its parent first, then, if
 * a committed tree holds its current address, a new address (the old one
 * freed).  Its parent keeps it in ndirty until it is written out. */
int kp_dirty(struct vx_keep *v, int s)
{
	struct vx_keep_slot *sl = &v->slots[s];
	uint64_t a[2];
	int rc;
	if (sl->dirty)
		return 0;
	if (v->broken)
		return VX_E_STATE;
	if (sl->view)
		return VX_E_RIGHTS;
	sl->dirty = 1;
	if (sl->obj == KP_OBJ_ROOT) {
		if (kp_ld64(v->root_bp + KP_BP_BIRTH) == v->txg)
			return 0;
		uint8_t old[KP_BP_SIZE];
		memcpy(old, v->root_bp, KP_BP_SIZE);
		rc = kp_alloc(v, true, a);
		if (rc == 0)
			rc = kp_free_bp(v, old, false);
		if (rc < 0)
			return kp_break(v, rc);
		kp_bp_set(v->root_bp, a[0], a[1], v->txg, KP_T_ROOT, 0);
		return 0;
	}
	uint8_t *bp;
	int ps;
	struct kp_key pk;
	rc = kp_parent(v, 0, sl->obj, sl->level, sl->blkid, &bp, &ps, &pk);
	if (rc == 0 && (!bp || ps < 0))
		rc = VX_E_STATE; /* beyond the tree: the caller grows it first */
	if (rc == 0)
		rc = kp_dirty(v, ps);
	if (rc < 0) {
		sl->dirty = 0;
		kp_put(v, ps);
		return kp_break(v, rc);
	}
	sl->pobj = pk.obj;
	sl->plevel = pk.level;
	sl->pblkid = pk.blkid;
	sl->poff = pk.off;
	v->slots[ps].ndirty++;
	/* A block a log record names is as good as committed: moved too. */
	if (kp_ld64(bp + KP_BP_BIRTH) != v->txg || kp_ld64(bp + KP_BP_ADDR0) == 0 ||
	    (bp[KP_BP_FLAGS] & KP_BPF_LOGGED)) {
		uint8_t old[KP_BP_SIZE];
		unsigned ftype = 0;
		memcpy(old, bp, KP_BP_SIZE);
		if (sl->obj < KP_OBJ_INO && sl->level == 0) {
			int is;
			uint8_t *ip;
			rc = kp_inode(v, 0, sl->obj, &is, &ip);
			if (rc == 0)
				ftype = ip[KP_I_TYPE], kp_put(v, is);
		}
		unsigned type = kp_type_of(sl->obj, sl->level, ftype);
		if (rc == 0 && !kp_meta(type) && v->il_spare) {
			/* The block reserved beside the log's next block. */
			a[0] = v->il_spare, a[1] = 0;
			v->il_spare = 0;
		} else if (rc == 0) {
			rc = kp_alloc(v, kp_meta(type), a);
		}
		if (rc == 0)
			rc = kp_free_bp(v, old, sl->obj <= KP_OBJ_INO);
		if (rc < 0) {
			kp_put(v, ps);
			return kp_break(v, rc);
		}
		kp_bp_set(bp, a[0], a[1], v->txg, type, sl->level);
	}
	kp_put(v, ps);
	return 0;
}

/* Grows obj's tree (live) to height h: each new top holds the old one as
 * its first child. */
int kp_grow(struct vx_keep *v, uint64_t obj, unsigned h)
{
	unsigned cur;
	int rc = kp_height(v, 0, obj, &cur);
	while (rc == 0 && cur < h) {
		uint8_t *bp;
		int ps, ns = -1;
		struct kp_key pk;
		rc = kp_parent(v, 0, obj, cur, 0, &bp, &ps, &pk);
		if (rc == 0 && (!bp || ps < 0))
			rc = VX_E_STATE;
		if (rc == 0)
			rc = kp_dirty(v, ps);
		if (rc == 0) {
			kp_drop(v, 0, obj, cur + 1, 0);
			ns = slot_take(v);
			if (ns < 0)
				rc = ns;
		}
		if (rc < 0) {
			kp_put(v, ps);
			break;
		}
		kp_slot_fill(v, ns, 0, obj, cur + 1, 0);
		struct vx_keep_slot *nsl = &v->slots[ns];
		nsl->pin = 1;
		nsl->used = 1;
		memset(kp_data(v, ns), 0, KP_BLOCK);
		memcpy(kp_data(v, ns), bp, KP_BP_SIZE);
		memset(bp, 0, KP_BP_SIZE);
		uint8_t *hp = pk.obj == KP_OBJ_ROOT
				  ? kp_data(v, ps) + tree_off(obj) + KP_TREE_HEIGHT
				  : bp - KP_I_BP + KP_I_HEIGHT;
		*hp = (uint8_t)(cur + 1);
		int old = kp_find(v, 0, obj, cur, 0);
		if (old >= 0 && v->slots[old].dirty) {
			v->slots[ps].ndirty--;
			nsl->ndirty++;
			v->slots[old].pobj = obj;
			v->slots[old].plevel = (uint8_t)(cur + 1);
			v->slots[old].pblkid = 0;
			v->slots[old].poff = 0;
		}
		kp_put(v, ps);
		rc = kp_dirty(v, ns);
		kp_put(v, ns);
		cur++;
	}
	return rc;
}

/* The height a tree needs to hold leaf blkid. */
unsigned kp_need_height(uint64_t blkid)
{
	unsigned h = 0;
	while (h < KP_HMAX && (blkid >> (6 * h)) >= KP_FANOUT)
		h++;
	return (blkid >> (6 * h)) ? h + 1 : h;
}

/* --- commit -------------------------------------------------------------- */

static void uber_encode(struct vx_keep *v, uint8_t *u, uint64_t txg)
{
	memset(u, 0, KP_SECTOR);
	memcpy(u + KP_U_MAGIC, KP_UBER_MAGIC, 8);
	kp_st32(u + KP_U_VERSION, KP_VERSION);
	kp_st32(u + KP_U_SHIFT, 12);
	kp_st64(u + KP_U_TXG, txg);
	kp_st64(u + KP_U_BLOCKS, v->blocks);
	memcpy(u + KP_U_GUID, v->guid, 16);
	memcpy(u + KP_U_LABEL, v->label, VX_KEEP_LABEL_MAX + 1);
	memcpy(u + KP_U_ROOT, v->root_bp, KP_BP_SIZE);
	kp_hash(u, KP_U_SUM, u + KP_U_SUM);
}

/* Frees for good the blocks the log of txg - VX_KEEP_DEFER recorded, and
 * defers its own blocks. */
static int release(struct vx_keep *v, uint8_t *root)
{
	uint8_t *d = root + KP_R_DEFER + (v->txg % VX_KEEP_DEFER) * KP_DEFER_SIZE;
	uint8_t bp[KP_BP_SIZE];
	memcpy(bp, d, KP_BP_SIZE);
	memset(d, 0, KP_DEFER_SIZE);
	for (uint64_t guard = 0; kp_ld64(bp + KP_BP_ADDR0); guard++) {
		int rc = kp_bp_check(v, bp, KP_T_LOG, 0);
		if (rc == 0 && guard > v->blocks)
			rc = VX_E_CORRUPT;
		if (rc == 0)
			rc = kp_read_bp(v, bp, v->scratch2, 0);
		if (rc < 0)
			return kp_fail(v, rc, VX_KEEP_BAD_LOG);
		uint32_t n = kp_ld32(v->scratch2 + KP_L_COUNT);
		if (kp_ld32(v->scratch2 + KP_L_MAGIC) != KP_LOG_MAGIC || n > KP_LOG_CAP)
			return kp_fail(v, VX_E_CORRUPT, VX_KEEP_BAD_LOG);
		for (uint32_t i = 0; i < n; i++) {
			uint64_t x = kp_ld64(v->scratch2 + KP_L_ENTRIES + i * 8);
			uint64_t a = x >> 16, len = (x & 0xffff) + 1;
			for (uint64_t k = 0; k < len; k++) {
				rc = kp_bit_clear(v, a + k);
				if (rc < 0)
					return kp_fail(v, rc, VX_KEEP_BAD_LOG);
				if (v->pending)
					v->pending--;
			}
		}
		uint8_t prev[KP_BP_SIZE];
		memcpy(prev, v->scratch2 + KP_L_PREV, KP_BP_SIZE);
		rc = kp_free_bp(v, bp, false);
		if (rc < 0)
			return rc;
		memcpy(bp, prev, KP_BP_SIZE);
	}
	return 0;
}

/* See DURABILITY in keep.h. */
int vx_keep_sync(struct vx_keep *v)
{
	if (v->broken)
		return VX_E_STATE;
	if (v->flags & VX_KEEP_RDONLY)
		return 0;
	int root = (int)v->root;
	int rc = kp_dirty(v, root);
	uint8_t *r = kp_data(v, root);
	if (rc == 0)
		rc = release(v, r);
	if (rc == 0)
		rc = kp_il_commit(v, r);
	/* The open log becomes this txg's: give it its address first, so
	 * that the frees that allocation causes land in it. */
	uint8_t *d = r + KP_R_DEFER + (v->txg % VX_KEEP_DEFER) * KP_DEFER_SIZE;
	if (rc == 0 && (kp_ld32(v->log + KP_L_COUNT) || kp_ld64(v->log + KP_L_PREV))) {
		uint64_t a[2];
		rc = kp_alloc(v, true, a);
		if (rc == 0) {
			kp_bp_set(d, a[0], a[1], v->txg, KP_T_LOG, 0);
			kp_hash(v->log, KP_BLOCK, d + KP_BP_SUM);
			rc = kp_dev_write(v, a[0], v->log);
			if (rc == 0)
				rc = kp_dev_write(v, a[1], v->log);
			kp_st64(d + KP_BP_SIZE, v->log_blocks);
		}
	}
	if (rc < 0)
		return kp_break(v, rc);
	memcpy(r + KP_R_MAGIC, KP_ROOT_MAGIC, 8);
	kp_st64(r + KP_R_TXG, v->txg);
	kp_st64(r + KP_R_BLOCKS, v->blocks);
	kp_st64(r + KP_R_USED, v->used);
	kp_st64(r + KP_R_INO_NEXT, v->ino_next);
	kp_st64(r + KP_R_GEN_NEXT, v->gen_next);
	kp_st64(r + KP_R_INO_HINT, v->ino_hint);
	kp_st64(r + KP_R_LAST_SNAP, v->last_snap);
	kp_st64(r + KP_R_FILES, v->files);
	kp_st64(r + KP_R_PENDING, v->pending);
	/* Children before parents: a dirty block with no dirty children. */
	for (bool again = true; again && rc == 0;) {
		again = false;
		for (uint32_t i = 0; i < v->nslots && rc == 0; i++) {
			struct vx_keep_slot *s = &v->slots[i];
			if (s->valid && s->dirty && !s->ndirty && (int)i != root) {
				rc = kp_writeout(v, (int)i);
				again = true;
			}
		}
	}
	if (rc == 0 && v->slots[root].ndirty)
		rc = kp_break(v, VX_E_STATE), v->why = VX_KEEP_CACHE;
	if (rc == 0)
		rc = kp_writeout(v, root);
	if (rc == 0)
		rc = v->dev.flush(v->dev.ctx);
	if (rc == 0) {
		uint8_t u[KP_SECTOR];
		uber_encode(v, u, v->txg);
		uint64_t slot = v->txg % KP_RING_SLOTS;
		rc = v->dev.write(v->dev.ctx, KP_RING_A * KP_SPB + slot, 1, u);
		if (rc == 0)
			rc = v->dev.write(v->dev.ctx, (v->blocks - KP_RING_BLOCKS) * KP_SPB + slot,
					  1, u);
	}
	if (rc == 0)
		rc = v->dev.flush(v->dev.ctx);
	if (rc < 0)
		return kp_break(v, rc);
	v->txg++;
	kp_il_committed(v);
	v->log_blocks = 0;
	memset(v->log, 0, KP_BLOCK);
	kp_st32(v->log + KP_L_MAGIC, KP_LOG_MAGIC);
	kp_st64(v->log + KP_L_TXG, v->txg);
	return 0;
}

/* --- the work area ------------------------------------------------------- */

static int setup(struct vx_keep *v, const struct vx_blkdev *dev, void *work, size_t len,
		 uint32_t flags)
{
	memset(v, 0, sizeof(*v));
	if (!dev || !dev->read || !dev->write || !dev->flush || !work || len < VX_KEEP_WORK_MIN ||
	    ((uintptr_t)work & 7))
		return VX_E_INVAL;
	v->dev = *dev;
	v->flags = flags;
	uint8_t *w = work;
	size_t mark = (len / 8) & ~(size_t)(KP_BLOCK - 1);
	v->mark = w;
	v->mark_bits = mark * 8;
	w += mark;
	v->log = w, w += KP_BLOCK;
	v->seal = w, w += KP_BLOCK;
	v->scratch = w, w += KP_BLOCK;
	v->scratch2 = w, w += KP_BLOCK;
	v->il_buf = w, w += KP_BLOCK;
	v->il_list = w, w += KP_BLOCK;
	v->il_ns = w, w += KP_BLOCK;
	size_t left = len - (size_t)(w - (uint8_t *)work);
	v->nbuckets = 1;
	while (v->nbuckets < left / KP_BLOCK)
		v->nbuckets *= 2;
	v->bucket = (int32_t *)w;
	w += v->nbuckets * sizeof(int32_t);
	left -= v->nbuckets * sizeof(int32_t);
	v->nslots = (uint32_t)(left / (KP_BLOCK + sizeof(struct vx_keep_slot)));
	v->slots = (struct vx_keep_slot *)w;
	v->data = w + ((v->nslots * sizeof(struct vx_keep_slot) + 63) & ~(size_t)63);
	while (v->data + (size_t)v->nslots * KP_BLOCK > (uint8_t *)work + len)
		v->nslots--;
	index_clear(v);
	memset(v->log, 0, KP_BLOCK);
	kp_st32(v->log + KP_L_MAGIC, KP_LOG_MAGIC);
	return 0;
}

/* Puts the root block in its permanent slot (zeros: a new volume). */
static int root_slot(struct vx_keep *v, bool fresh)
{
	int s = slot_take(v);
	if (s < 0)
		return s;
	kp_slot_fill(v, s, 0, KP_OBJ_ROOT, 0, 0);
	struct vx_keep_slot *sl = &v->slots[s];
	sl->pin = 1;
	v->root = (uint32_t)s;
	if (fresh) {
		memset(kp_data(v, s), 0, KP_BLOCK);
		return 0;
	}
	int rc = kp_bp_check(v, v->root_bp, KP_T_ROOT, 0);
	if (rc == 0)
		rc = kp_read_bp(v, v->root_bp, kp_data(v, s), 0);
	return rc;
}

static unsigned tree_height_for(uint64_t leaves)
{
	return leaves <= 1 ? 0 : kp_need_height(leaves - 1);
}

int vx_keep_format(const struct vx_blkdev *dev, const char *label, void *work, size_t len)
{
	struct vx_keep vol, *v = &vol;
	int rc = setup(v, dev, work, len, 0);
	if (rc < 0)
		return rc;
	size_t ll = label ? kp_strnlen(label, VX_KEEP_LABEL_MAX + 1) : 0;
	if (ll > VX_KEEP_LABEL_MAX)
		return VX_E_INVAL;
	v->blocks = dev->sectors / KP_SPB;
	if (v->blocks < VX_KEEP_DISK_MIN || v->blocks > VX_KEEP_DISK_MAX)
		return VX_E_RANGE;
	if (ll)
		memcpy(v->label, label, ll);
	/* A volume id from the label, the size and the old ring's bytes. */
	rc = dev->read(dev->ctx, KP_RING_A * KP_SPB, KP_SPB, v->scratch);
	if (rc < 0)
		return rc;
	struct vx_blake3 h;
	vx_blake3_init(&h);
	vx_blake3_update(&h, v->scratch, KP_BLOCK);
	vx_blake3_update(&h, v->label, sizeof(v->label));
	vx_blake3_update(&h, &v->blocks, sizeof(v->blocks));
	vx_blake3_final(&h, v->guid, 16);
	memset(v->scratch, 0, KP_BLOCK);
	for (uint64_t i = 0; i < KP_RING_BLOCKS; i++) {
		rc = kp_dev_write(v, KP_RING_A + i, v->scratch);
		if (rc == 0)
			rc = kp_dev_write(v, v->blocks - KP_RING_BLOCKS + i, v->scratch);
		if (rc < 0)
			return rc;
	}
	v->txg = 1;
	v->ino_next = 2;
	v->gen_next = 1;
	v->ino_hint = 2;
	rc = root_slot(v, true);
	if (rc < 0)
		return rc;
	uint8_t *r = kp_data(v, (int)v->root);
	uint64_t leaves = (v->blocks + KP_BITS_PER - 1) / KP_BITS_PER;
	unsigned shift = 4;
	while (shift < 20 && (1ull << shift) < v->blocks / 512)
		shift++;
	kp_st32(r + KP_R_DDT_SHIFT, shift);
	r[tree_off(KP_OBJ_BITMAP) + KP_TREE_HEIGHT] = (uint8_t)tree_height_for(leaves);
	r[tree_off(KP_OBJ_DDT) + KP_TREE_HEIGHT] = (uint8_t)tree_height_for(1ull << shift);
	r[tree_off(KP_OBJ_SNAP) + KP_TREE_HEIGHT] =
	    (uint8_t)tree_height_for((VX_KEEP_SNAP_MAX + KP_SNAP_PER - 1) / KP_SNAP_PER);
	/* The rings and the bits past the end are used for good. */
	for (uint64_t b = 0; b < KP_DATA_START && rc == 0; b++)
		rc = kp_bit_set(v, b, true);
	for (uint64_t b = v->blocks - KP_RING_BLOCKS; b < leaves * KP_BITS_PER && rc == 0; b++)
		rc = kp_bit_set(v, b, b < v->blocks);
	/* The root directory, inode 1. */
	int s;
	uint8_t *ip;
	if (rc == 0)
		rc = kp_inode(v, 0, 1, &s, &ip);
	if (rc == 0) {
		rc = kp_dirty(v, s);
		ip = kp_data(v, s) + KP_INO_SIZE;
		if (rc == 0) {
			ip[KP_I_TYPE] = VX_KEEP_DIR;
			kp_st64(ip + KP_I_GEN, v->gen_next++);
			kp_st64(ip + KP_I_PARENT, 1);
			kp_st64(ip + KP_I_MTXG, v->txg);
			v->files = 1;
		}
		kp_put(v, s);
	}
	if (rc == 0)
		rc = vx_keep_sync(v);
	return rc;
}

/* --- mount --------------------------------------------------------------- */

/* Decodes and checks one uberblock sector: its txg, or 0 if not valid. */
static uint64_t uber_ok(struct vx_keep *v, const uint8_t *u, uint64_t dev_blocks)
{
	uint8_t sum[32];
	if (memcmp(u + KP_U_MAGIC, KP_UBER_MAGIC, 8) != 0)
		return 0;
	kp_hash(u, KP_U_SUM, sum);
	if (memcmp(sum, u + KP_U_SUM, 32) != 0 && !(v->flags & VX_KEEP_NOVERIFY))
		return 0;
	uint64_t blocks = kp_ld64(u + KP_U_BLOCKS);
	if (kp_ld32(u + KP_U_VERSION) < 1 || kp_ld32(u + KP_U_VERSION) > KP_VERSION ||
	    kp_ld32(u + KP_U_SHIFT) != 12 || blocks < VX_KEEP_DISK_MIN ||
	    blocks > VX_KEEP_DISK_MAX || u[KP_U_LABEL + 63] != 0) {
		v->why = VX_KEEP_BAD_UBER;
		return 0;
	}
	if (blocks > dev_blocks) {
		v->why = VX_KEEP_TOO_BIG;
		return 0;
	}
	return kp_ld64(u + KP_U_TXG);
}

/* The newest valid uberblock below txg `below` in either ring into u. */
static int uber_best(struct vx_keep *v, uint64_t dev_blocks, uint64_t below, uint8_t *u)
{
	uint64_t best = 0;
	uint8_t sec[KP_SECTOR];
	uint64_t bases[2] = {KP_RING_A, dev_blocks - KP_RING_BLOCKS};
	for (int r = 0; r < 2; r++) {
		for (uint64_t i = 0; i < KP_RING_SLOTS; i++) {
			int rc = v->dev.read(v->dev.ctx, bases[r] * KP_SPB + i, 1, sec);
			if (rc < 0) {
				v->why = VX_KEEP_IO;
				return rc;
			}
			uint64_t t = uber_ok(v, sec, dev_blocks);
			if (t && t < below && t > best && t % KP_RING_SLOTS == i &&
			    (r == 0 || kp_ld64(sec + KP_U_BLOCKS) == dev_blocks)) {
				best = t;
				memcpy(u, sec, KP_SECTOR);
			}
		}
	}
	return best ? 0 : VX_E_CORRUPT;
}

/* Checks the root block's fields and loads the counters from it. */
static int root_load(struct vx_keep *v)
{
	const uint8_t *r = kp_data(v, (int)v->root);
	bool ok = memcmp(r + KP_R_MAGIC, KP_ROOT_MAGIC, 8) == 0 &&
		  kp_ld64(r + KP_R_TXG) == v->txg - 1 && kp_ld64(r + KP_R_BLOCKS) == v->blocks;
	v->used = kp_ld64(r + KP_R_USED);
	v->ino_next = kp_ld64(r + KP_R_INO_NEXT);
	v->gen_next = kp_ld64(r + KP_R_GEN_NEXT);
	v->ino_hint = kp_ld64(r + KP_R_INO_HINT);
	v->last_snap = kp_ld64(r + KP_R_LAST_SNAP);
	v->files = kp_ld64(r + KP_R_FILES);
	v->pending = kp_ld64(r + KP_R_PENDING);
	ok = ok && v->used <= v->blocks && v->ino_next >= 2 && v->ino_next <= VX_KEEP_INO_MAX + 1 &&
	     v->files < v->ino_next && v->last_snap < v->txg && v->pending <= v->blocks &&
	     kp_ld32(r + KP_R_NSNAPS) <= VX_KEEP_SNAP_MAX && kp_ld32(r + KP_R_DDT_SHIFT) >= 4 &&
	     kp_ld32(r + KP_R_DDT_SHIFT) <= 20;
	uint64_t leaves = (v->blocks + KP_BITS_PER - 1) / KP_BITS_PER;
	ok = ok && r[tree_off(KP_OBJ_BITMAP) + KP_TREE_HEIGHT] == tree_height_for(leaves) &&
	     r[tree_off(KP_OBJ_DDT) + KP_TREE_HEIGHT] ==
		 tree_height_for(1ull << kp_ld32(r + KP_R_DDT_SHIFT)) &&
	     r[tree_off(KP_OBJ_SNAP) + KP_TREE_HEIGHT] == 1 &&
	     r[tree_off(KP_OBJ_INO) + KP_TREE_HEIGHT] <= KP_HMAX && kp_il_root_ok(v, r);
	if (ok)
		kp_il_load(v, r);
	if (ok && v->ino_hint >= v->ino_next)
		v->ino_hint = v->ino_next - 1;
	if (!ok)
		v->why = VX_KEEP_BAD_ROOT;
	return ok ? 0 : VX_E_CORRUPT;
}

/* A read-only mount after its replay: the blocks replay changed stay in
 * the cache (slot_take never takes them), and a read still needs slots
 * for its walk down a tree.  0, or VX_E_NOMEM (VX_KEEP_CACHE). */
static int ro_room(struct vx_keep *v)
{
	uint32_t held = 0;
	for (uint32_t i = 0; i < v->nslots; i++)
		held += v->slots[i].valid && (v->slots[i].dirty || v->slots[i].ndirty);
	if (held + KP_RO_ROOM > v->nslots)
		return kp_fail(v, VX_E_NOMEM, VX_KEEP_CACHE);
	return 0;
}

int vx_keep_mount(struct vx_keep *v, const struct vx_blkdev *dev, void *work, size_t len,
		  uint32_t flags)
{
	int rc = setup(v, dev, work, len, flags);
	if (rc < 0)
		return rc;
	uint64_t dev_blocks = dev->sectors / KP_SPB;
	if (dev_blocks < VX_KEEP_DISK_MIN) {
		v->why = VX_KEEP_TOO_BIG;
		return VX_E_RANGE;
	}
	uint8_t u[KP_SECTOR];
	uint64_t below = UINT64_MAX;
	enum vx_keep_why first = VX_KEEP_OK;
	v->il_limit = UINT32_MAX;
	v->il_why = VX_KEEP_IL_NONE;
	for (int tries = 0; tries < 2 * KP_RING_SLOTS + KP_IL_CHAIN_MAX; tries++) {
		v->why = VX_KEEP_OK;
		rc = uber_best(v, dev_blocks, below, u);
		if (rc < 0) {
			if (rc == VX_E_CORRUPT && v->why == VX_KEEP_OK)
				v->why = first ? first : VX_KEEP_NO_UBER;
			if (v->why == VX_KEEP_TOO_BIG)
				return VX_E_RANGE;
			return rc;
		}
		uint64_t txg = kp_ld64(u + KP_U_TXG);
		below = txg;
		index_clear(v);
		v->full = 0;
		v->log_blocks = 0;
		memset(v->log, 0, KP_BLOCK);
		kp_st32(v->log + KP_L_MAGIC, KP_LOG_MAGIC);
		v->blocks = kp_ld64(u + KP_U_BLOCKS);
		v->txg = txg + 1;
		memcpy(v->guid, u + KP_U_GUID, 16);
		memcpy(v->label, u + KP_U_LABEL, VX_KEEP_LABEL_MAX + 1);
		memcpy(v->root_bp, u + KP_U_ROOT, KP_BP_SIZE);
		v->broken = false;
		rc = root_slot(v, false);
		if (rc == 0)
			rc = root_load(v);
		/* The tree's tops must verify too: the root directory's inode. */
		struct vx_keep_node n;
		if (rc == 0)
			rc = vx_keep_root(v, &n);
		if (rc == 0 && !(flags & VX_KEEP_NOVERIFY)) {
			int s;
			rc = kp_get(v, 0, KP_OBJ_BITMAP, 0, 0, 0, &s);
			kp_put(v, s);
		}
		if (rc == 0) {
			uint64_t lo = KP_DATA_START, hi = v->blocks - KP_RING_BLOCKS;
			v->cursor[0] = lo;
			v->cursor[1] = lo + (hi - lo) / 2;
			v->why = VX_KEEP_OK;
			v->bad_ino = 0;
			/* Fsyncs since this commit: apply them and commit
			 * (read-only: keep them in the cache). */
			if (!(flags & VX_KEEP_RDONLY) || !(flags & VX_KEEP_NOREPLAY))
				rc = kp_il_replay(v);
			if ((flags & VX_KEEP_RDONLY) && rc >= 0 && rc != KP_IL_RETRY)
				rc = ro_room(v);
			if ((flags & VX_KEEP_RDONLY) && rc == VX_E_NOMEM &&
			    v->why == VX_KEEP_CACHE) {
				v->il_stop = VX_KEEP_IL_NO_ROOM;
				return rc;
			}
			if (rc == KP_IL_RETRY) {
				/* An fsync's records did not apply: forget
				 * what replay did and take fewer. */
				below = txg + 1;
				continue;
			}
			v->il_limit = UINT32_MAX;
			if (rc == 0 && v->il_replayed)
				rc = vx_keep_sync(v);
			if (rc == 0)
				return 0;
		}
		if (rc != VX_E_CORRUPT)
			return rc;
		v->il_limit = UINT32_MAX; /* an older root: its own log */
		if (!first)
			first = v->why == VX_KEEP_OK ? VX_KEEP_BAD_ROOT : v->why;
	}
	v->why = first ? first : VX_KEEP_NO_UBER;
	return VX_E_CORRUPT;
}

static const char *const why_str[VX_KEEP_WHY_COUNT] = {
    [VX_KEEP_OK] = "ok",
    [VX_KEEP_IO] = "the device returned an error",
    [VX_KEEP_NO_UBER] = "no uberblock with a valid checksum",
    [VX_KEEP_BAD_UBER] = "an uberblock's fields are out of range",
    [VX_KEEP_TOO_BIG] = "the volume is larger than the device",
    [VX_KEEP_BAD_ROOT] = "no uberblock's root block verifies",
    [VX_KEEP_BAD_DATA] = "a file's data block failed its checksum",
    [VX_KEEP_BAD_META] = "both copies of a metadata block failed their checksum",
    [VX_KEEP_BAD_BP] = "a block pointer is out of range",
    [VX_KEEP_BAD_INODE] = "an inode's fields are out of range",
    [VX_KEEP_BAD_DIRENT] = "a directory entry is malformed",
    [VX_KEEP_BAD_BITMAP] = "the free map contradicts itself",
    [VX_KEEP_BAD_LOG] = "a deferred-free log block is malformed",
    [VX_KEEP_BAD_SNAPTAB] = "the snapshot table is malformed",
    [VX_KEEP_CACHE] = "the work area is too small for this tree",
    [VX_KEEP_NOSPACE] = "the commit ran out of blocks",
};

const char *vx_keep_why_str(enum vx_keep_why why)
{
	return (unsigned)why < VX_KEEP_WHY_COUNT && why_str[why] ? why_str[why] : "unknown";
}
