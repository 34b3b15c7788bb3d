/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Keep's whole-volume walks (lib/fs/keep.h): vx_keep_reclaim, the mark and
 * sweep that frees what no tree references, and vx_keep_check, which
 * verifies every checksum and invariant.  Both run in passes over ranges
 * of the disk: a pass marks, in the work area's mark bitmap, every block
 * in its range that a tree reaches, then compares the marks with the free
 * map.  Memory is the mark bitmap, whatever the disk's size; the cost is
 * one walk of the metadata per pass.
 */
#include <stddef.h>
#include <stdint.h>

#include "vectra/abi.h"
#include "vx_string.h"
#include "fs/keep_int.h"

enum { RECLAIM, CHECK };

struct walk {
	struct vx_keep *v;
	int mode;
	bool first;  /* the first pass: content checks run once */
	bool dup;    /* report a block reached twice (the live tree) */
	uint64_t lo; /* the pass covers blocks lo .. lo + n - 1 */
	uint64_t n;
	uint64_t skip; /* subtrees born at or before this are covered already */
	uint64_t inos; /* the inode count of the tree walked */
	uint64_t tree_txg;
	vx_keep_report_fn report;
	void *ctx;
	long count;
};

static const char *const vstr[VX_KEEP_V_COUNT_MAX] = {
    [VX_KEEP_V_CHECKSUM] = "checksum mismatch",
    [VX_KEEP_V_BP] = "malformed block pointer",
    [VX_KEEP_V_BIRTH] = "birth txg out of order",
    [VX_KEEP_V_DOUBLE] = "block used twice",
    [VX_KEEP_V_LEAK] = "allocated block unreferenced",
    [VX_KEEP_V_FREE_USED] = "referenced block marked free",
    [VX_KEEP_V_COUNT] = "used-block count wrong",
    [VX_KEEP_V_INODE] = "malformed inode",
    [VX_KEEP_V_SIZE] = "data beyond file size",
    [VX_KEEP_V_DIRENT] = "malformed directory entry",
    [VX_KEEP_V_DANGLING] = "entry names a free inode or the wrong type",
    [VX_KEEP_V_PARENT] = "inode parent mismatch",
    [VX_KEEP_V_ENTRIES] = "directory entry count wrong",
    [VX_KEEP_V_ORPHAN] = "inode in use but unreachable",
    [VX_KEEP_V_DUPNAME] = "name twice in a directory",
    [VX_KEEP_V_LOG] = "malformed deferred-free log",
    [VX_KEEP_V_SNAPTAB] = "malformed snapshot table",
    [VX_KEEP_V_DDT] = "malformed dedup entry",
    [VX_KEEP_V_ILOG] = "malformed intent log",
};

const char *vx_keep_violation_str(enum vx_keep_violation what)
{
	return (unsigned)what < VX_KEEP_V_COUNT_MAX && vstr[what] ? vstr[what] : "unknown";
}

static void report(struct walk *w, enum vx_keep_violation what, uint64_t ino, uint64_t block,
		   const char *detail)
{
	w->count++;
	if (w->report)
		w->report(w->ctx, what, ino, block, detail ? detail : vx_keep_violation_str(what));
}

static void mark(struct walk *w, uint64_t a, bool shared_ok, uint64_t ino)
{
	if (a < w->lo || a - w->lo >= w->n)
		return;
	uint64_t i = a - w->lo;
	uint8_t m = (uint8_t)(1u << (i % 8));
	if ((w->v->mark[i / 8] & m) && w->dup && !shared_ok)
		report(w, VX_KEEP_V_DOUBLE, ino, a, NULL);
	w->v->mark[i / 8] |= m;
}

static void mark_run(struct walk *w, uint64_t a, uint64_t len)
{
	for (uint64_t k = 0; k < len; k++)
		mark(w, a + k, true, 0);
}

/* Checks each copy of bp's block on its own (first pass of a check):
 * rewrites a bad metadata copy from the good one; false if none is good. */
static bool verify_copies(struct walk *w, const uint8_t *bp, uint64_t ino)
{
	struct vx_keep *v = w->v;
	uint8_t sum[32];
	bool good[2] = {false, false};
	int ncopies = kp_ld64(bp + KP_BP_ADDR1) ? 2 : 1;
	for (int c = 0; c < ncopies; c++) {
		uint64_t a = kp_ld64(bp + (c ? KP_BP_ADDR1 : KP_BP_ADDR0));
		if (kp_dev_read(v, a, v->scratch) < 0)
			continue;
		kp_hash(v->scratch, KP_BLOCK, sum);
		good[c] = memcmp(sum, bp + KP_BP_SUM, 32) == 0;
	}
	if (ncopies == 2 && good[0] != good[1]) {
		uint64_t from = kp_ld64(bp + (good[0] ? KP_BP_ADDR0 : KP_BP_ADDR1));
		uint64_t to = kp_ld64(bp + (good[0] ? KP_BP_ADDR1 : KP_BP_ADDR0));
		if (kp_dev_read(v, from, v->scratch) == 0 && !(v->flags & VX_KEEP_RDONLY))
			(void)kp_dev_write(v, to, v->scratch);
		v->repairs++;
		if (v->on_repair)
			v->on_repair(v->repair_ctx, to, ino);
	}
	if (!good[0] && !(ncopies == 2 && good[1])) {
		report(w, VX_KEEP_V_CHECKSUM, ino, kp_ld64(bp + KP_BP_ADDR0),
		       kp_meta(bp[KP_BP_TYPE]) ? "both copies of a metadata block are bad"
					       : "a data block failed its checksum");
		return false;
	}
	return true;
}

static int walk_file(struct walk *w, uint64_t view, uint64_t ino, const uint8_t *ip);

/* Walks the subtree under bp, block (obj, level, blkid) of view; parent
 * is the birth of the pointer's holder (a child is never newer). */
static int walk_bp(struct walk *w, uint64_t view, uint64_t obj, unsigned level, uint64_t blkid,
		   const uint8_t *bp, uint64_t parent, uint64_t size)
{
	struct vx_keep *v = w->v;
	uint64_t ino = obj < KP_OBJ_INO ? obj : 0;
	uint64_t a0 = kp_ld64(bp + KP_BP_ADDR0), birth = kp_ld64(bp + KP_BP_BIRTH);
	if (a0 == 0)
		return 0;
	unsigned ftype = bp[KP_BP_TYPE] == KP_T_DIR ? VX_KEEP_DIR : VX_KEEP_FILE;
	if (kp_bp_check(v, bp, kp_type_of(obj, level, ftype), level) < 0) {
		if (w->first)
			report(w, VX_KEEP_V_BP, ino, a0, NULL);
		return 0;
	}
	bool dedup = bp[KP_BP_FLAGS] & KP_BPF_DEDUP;
	if (w->first && w->mode == CHECK && birth > parent && !dedup)
		report(w, VX_KEEP_V_BIRTH, ino, a0, NULL);
	if (w->first && w->mode == CHECK && obj < KP_OBJ_INO && level == 0 &&
	    blkid * KP_BLOCK >= size)
		report(w, VX_KEEP_V_SIZE, ino, a0, NULL);
	mark(w, a0, dedup, ino);
	if (kp_ld64(bp + KP_BP_ADDR1))
		mark(w, kp_ld64(bp + KP_BP_ADDR1), false, ino);
	if (birth <= w->skip)
		return 0;
	if (w->first && w->mode == CHECK && !verify_copies(w, bp, ino))
		return 0;
	if (level == 0 && obj != KP_OBJ_INO)
		return 0;
	int s;
	int rc = kp_get(v, view, obj, level, blkid, 0, &s);
	if (rc == VX_E_CORRUPT && w->mode == CHECK)
		return 0; /* reported by verify_copies */
	if (rc < 0)
		return rc;
	for (unsigned c = 0; c < (level ? KP_FANOUT : KP_INO_PER) && rc == 0; c++) {
		const uint8_t *d = kp_data(v, s);
		if (level)
			rc = walk_bp(w, view, obj, level - 1, blkid * KP_FANOUT + c,
				     d + c * KP_BP_SIZE, birth, size);
		else
			rc = walk_file(w, view, blkid * KP_INO_PER + c, d + c * KP_INO_SIZE);
	}
	kp_put(v, s);
	return rc;
}

/* Walks one inode's tree, checking the inode on the first pass. */
static int walk_file(struct walk *w, uint64_t view, uint64_t ino, const uint8_t *ip)
{
	if (ino == 0 || ino >= w->inos)
		return 0;
	unsigned t = ip[KP_I_TYPE];
	uint64_t size = kp_ld64(ip + KP_I_SIZE);
	bool ok = (t == VX_KEEP_FILE || t == VX_KEEP_DIR) && ip[KP_I_HEIGHT] <= KP_HMAX &&
		  !(ip[KP_I_FLAGS] & ~VX_KEEP_F_DEDUP) && size <= VX_KEEP_FILE_MAX &&
		  kp_ld64(ip + KP_I_PARENT) && kp_ld64(ip + KP_I_PARENT) < w->inos &&
		  (t != VX_KEEP_DIR || size % KP_BLOCK == 0);
	if (t == 0) {
		if (kp_ld64(ip + KP_I_BP) && w->first && w->mode == CHECK)
			report(w, VX_KEEP_V_INODE, ino, 0, "a free inode holds blocks");
		return 0;
	}
	if (!ok) {
		if (w->first && w->mode == CHECK)
			report(w, VX_KEEP_V_INODE, ino, 0, NULL);
		return 0;
	}
	return walk_bp(w, view, ino, ip[KP_I_HEIGHT], 0, ip + KP_I_BP, w->tree_txg, size);
}

/* Walks a meta tree of the root block (its leaves hold no pointers). */
static int walk_meta(struct walk *w, uint64_t obj)
{
	const uint8_t *r = kp_data(w->v, (int)w->v->root);
	const uint8_t *t = r + KP_R_TREES + (obj - KP_OBJ_INO) * KP_TREE_SIZE;
	return walk_bp(w, 0, obj, t[KP_TREE_HEIGHT], 0, t, w->v->txg, 0);
}

/* Marks one log chain: its blocks and the blocks they free. */
static int walk_log(struct walk *w, const uint8_t *head_bp, const uint8_t *open)
{
	struct vx_keep *v = w->v;
	uint8_t bp[KP_BP_SIZE];
	if (open) {
		uint32_t n = kp_ld32(open + KP_L_COUNT);
		for (uint32_t i = 0; i < n && i < KP_LOG_CAP; i++) {
			uint64_t x = kp_ld64(open + KP_L_ENTRIES + i * 8);
			mark_run(w, x >> 16, (x & 0xffff) + 1);
		}
		memcpy(bp, open + KP_L_PREV, KP_BP_SIZE);
	} else {
		memcpy(bp, head_bp, KP_BP_SIZE);
	}
	for (uint64_t guard = 0; kp_ld64(bp + KP_BP_ADDR0); guard++) {
		int rc = kp_bp_check(v, bp, KP_T_LOG, 0);
		if (rc == 0 && guard > v->blocks)
			rc = VX_E_CORRUPT;
		if (rc == 0)
			rc = kp_read_bp(v, bp, v->scratch2, 0);
		uint32_t n = kp_ld32(v->scratch2 + KP_L_COUNT);
		if (rc == 0 &&
		    (kp_ld32(v->scratch2 + KP_L_MAGIC) != KP_LOG_MAGIC || n > KP_LOG_CAP))
			rc = VX_E_CORRUPT;
		if (rc == VX_E_CORRUPT && w->mode == CHECK) {
			if (w->first)
				report(w, VX_KEEP_V_LOG, 0, kp_ld64(bp), NULL);
			return 0;
		}
		if (rc < 0)
			return rc;
		mark(w, kp_ld64(bp + KP_BP_ADDR0), false, 0);
		mark(w, kp_ld64(bp + KP_BP_ADDR1), false, 0);
		for (uint32_t i = 0; i < n; i++) {
			uint64_t x = kp_ld64(v->scratch2 + KP_L_ENTRIES + i * 8);
			uint64_t a = x >> 16, len = (x & 0xffff) + 1;
			if (!kp_addr_ok(v, a) || !kp_addr_ok(v, a + len - 1)) {
				if (w->first && w->mode == CHECK)
					report(w, VX_KEEP_V_LOG, 0, a,
					       "a log entry is out of range");
				continue;
			}
			mark_run(w, a, len);
		}
		memcpy(bp, v->scratch2 + KP_L_PREV, KP_BP_SIZE);
	}
	return 0;
}

/* Checks the snapshot table and walks every snapshot, oldest first, each
 * skipping what the one before it covered; returns the newest's txg. */
static int walk_snaps(struct walk *w, uint64_t *newest)
{
	struct vx_keep *v = w->v;
	uint32_t n = kp_ld32(kp_data(v, (int)v->root) + KP_R_NSNAPS);
	uint64_t prev = 0;
	*newest = 0;
	if (n > VX_KEEP_SNAP_MAX) {
		if (w->first)
			report(w, VX_KEEP_V_SNAPTAB, 0, 0, "too many snapshots");
		n = VX_KEEP_SNAP_MAX;
	}
	for (uint32_t i = 0; i < n; i++) {
		int s;
		int rc = kp_get(v, 0, KP_OBJ_SNAP, 0, i / KP_SNAP_PER, 0, &s);
		if (rc < 0)
			return rc;
		uint8_t e[KP_SNAP_SIZE];
		memcpy(e, kp_data(v, s) + (i % KP_SNAP_PER) * KP_SNAP_SIZE, KP_SNAP_SIZE);
		kp_put(v, s);
		uint64_t txg = kp_ld64(e + KP_S_TXG), inos = kp_ld64(e + KP_S_INOS);
		bool ok = e[KP_S_NAME] && kp_has(e + KP_S_NAME, VX_KEEP_SNAP_NAME + 1, 0) &&
			  txg > prev && txg < v->txg && e[KP_S_HEIGHT] <= KP_HMAX && inos >= 2 &&
			  inos <= VX_KEEP_INO_MAX + 1;
		if (!ok) {
			if (w->first)
				report(w, VX_KEEP_V_SNAPTAB, 0, 0, NULL);
			continue;
		}
		w->skip = prev;
		w->dup = false;
		w->inos = inos;
		w->tree_txg = txg;
		rc = walk_bp(w, txg, KP_OBJ_INO, e[KP_S_HEIGHT], 0, e + KP_S_BP, txg, 0);
		if (rc < 0)
			return rc;
		prev = txg;
	}
	if (w->first && w->mode == CHECK && prev != v->last_snap)
		report(w, VX_KEEP_V_SNAPTAB, 0, 0, "the newest snapshot is not the root's");
	*newest = prev;
	return 0;
}

/* Checks the dedup table's entries; with mark, marks what they name. */
static int walk_ddt_entries(struct walk *w, bool marks)
{
	struct vx_keep *v = w->v;
	uint64_t buckets = 1ull << kp_ld32(kp_data(v, (int)v->root) + KP_R_DDT_SHIFT);
	for (uint64_t b = 0; b < buckets; b++) {
		uint8_t *bp;
		int ps;
		struct kp_key pk;
		int rc = kp_parent(v, 0, KP_OBJ_DDT, 0, b, &bp, &ps, &pk);
		if (rc < 0)
			return rc;
		bool hole = !bp || kp_ld64(bp + KP_BP_ADDR0) == 0;
		kp_put(v, ps);
		if (hole)
			continue;
		int s;
		rc = kp_get(v, 0, KP_OBJ_DDT, 0, b, 0, &s);
		if (rc == VX_E_CORRUPT && w->mode == CHECK)
			continue;
		if (rc < 0)
			return rc;
		const uint8_t *d = kp_data(v, s);
		uint32_t n = kp_ld32(d + KP_DDT_COUNT);
		if (n > KP_DDT_CAP) {
			if (w->first)
				report(w, VX_KEEP_V_DDT, 0, 0, "a bucket overflows");
			n = 0;
		}
		for (uint32_t i = 0; i < n; i++) {
			const uint8_t *e = d + KP_DDT_ENTRIES + i * KP_DDT_SIZE;
			uint64_t a = kp_ld64(e + 32), birth = kp_ld64(e + 40);
			if (!kp_addr_ok(v, a) || !birth || birth >= v->txg) {
				if (w->first)
					report(w, VX_KEEP_V_DDT, 0, a, NULL);
				continue;
			}
			if (marks)
				mark(w, a, true, 0);
		}
		kp_put(v, s);
	}
	return 0;
}

/* Marks everything reachable in [w->lo, w->lo + w->n). */
static int mark_pass(struct walk *w)
{
	struct vx_keep *v = w->v;
	const uint8_t *r = kp_data(v, (int)v->root);
	memset(v->mark, 0, (w->n + 7) / 8);
	for (uint64_t b = 0; b < KP_DATA_START; b++)
		mark(w, b, true, 0);
	for (uint64_t b = v->blocks - KP_RING_BLOCKS; b < v->blocks; b++)
		mark(w, b, true, 0);
	w->dup = true;
	/* The intent log: where its next block goes, the data block reserved
	 * beside it, and the blocks it has written this txg. */
	if (v->il_next)
		mark(w, v->il_next, false, 0);
	if (v->il_spare)
		mark(w, v->il_spare, false, 0);
	for (uint32_t i = 0; i < v->il_nchain; i++)
		mark(w, ((const uint64_t *)(const void *)v->il_list)[i], false, 0);
	mark(w, kp_ld64(v->root_bp + KP_BP_ADDR0), false, 0);
	mark(w, kp_ld64(v->root_bp + KP_BP_ADDR1), false, 0);
	int rc = 0;
	w->skip = 0;
	w->tree_txg = v->txg;
	for (uint64_t obj = KP_OBJ_BITMAP; obj <= KP_OBJ_DDT && rc == 0; obj++)
		rc = walk_meta(w, obj);
	for (unsigned i = 0; i < VX_KEEP_DEFER && rc == 0; i++)
		rc = walk_log(w, r + KP_R_DEFER + i * KP_DEFER_SIZE, NULL);
	if (rc == 0)
		rc = walk_log(w, NULL, v->log);
	/* A check walks the live tree whole first (to catch a block used
	 * twice); reclaim walks it last, skipping what the newest snapshot
	 * covered. */
	uint64_t newest = 0;
	if (w->mode == CHECK && rc == 0) {
		w->inos = v->ino_next;
		rc = walk_meta(w, KP_OBJ_INO);
		if (rc == 0)
			rc = walk_ddt_entries(w, true);
	}
	if (rc == 0)
		rc = walk_snaps(w, &newest);
	if (w->mode == RECLAIM && rc == 0) {
		w->skip = newest;
		w->dup = false;
		w->inos = v->ino_next;
		w->tree_txg = v->txg;
		rc = walk_meta(w, KP_OBJ_INO);
	}
	return rc;
}

/* Compares the marks with the free map: a check reports, reclaim leaves in
 * v->mark exactly the blocks to free.  *used counts the map's used bits. */
static int compare_pass(struct walk *w, uint64_t *used)
{
	struct vx_keep *v = w->v;
	uint64_t end = w->lo + w->n < v->blocks ? w->lo + w->n : v->blocks;
	for (uint64_t b = w->lo; b < end;) {
		int s;
		int rc = kp_get(v, 0, KP_OBJ_BITMAP, 0, b / KP_BITS_PER, 0, &s);
		if (rc < 0)
			return rc;
		const uint8_t *d = kp_data(v, s);
		uint64_t leaf_end = (b / KP_BITS_PER + 1) * KP_BITS_PER;
		for (; b < end && b < leaf_end; b++) {
			uint64_t i = b % KP_BITS_PER, k = b - w->lo;
			bool u = d[i / 8] & (1u << (i % 8));
			bool m = v->mark[k / 8] & (1u << (k % 8));
			*used += u;
			if (w->mode == CHECK && u && !m)
				report(w, VX_KEEP_V_LEAK, 0, b, NULL);
			if (w->mode == CHECK && !u && m)
				report(w, VX_KEEP_V_FREE_USED, 0, b, NULL);
			if (u && !m)
				v->mark[k / 8] |= (uint8_t)(1u << (k % 8));
			else
				v->mark[k / 8] &= (uint8_t) ~(1u << (k % 8));
		}
		kp_put(v, s);
	}
	return 0;
}

/* Drops dedup entries naming blocks this pass frees (marked in v->mark). */
static int ddt_sweep(struct walk *w)
{
	struct vx_keep *v = w->v;
	uint64_t buckets = 1ull << kp_ld32(kp_data(v, (int)v->root) + KP_R_DDT_SHIFT);
	for (uint64_t b = 0; b < buckets; b++) {
		uint8_t *bp;
		int ps;
		struct kp_key pk;
		int rc = kp_parent(v, 0, KP_OBJ_DDT, 0, b, &bp, &ps, &pk);
		if (rc < 0)
			return rc;
		bool hole = !bp || kp_ld64(bp + KP_BP_ADDR0) == 0;
		kp_put(v, ps);
		if (hole)
			continue;
		int s;
		rc = kp_get(v, 0, KP_OBJ_DDT, 0, b, 0, &s);
		if (rc < 0)
			return rc;
		uint8_t *d = kp_data(v, s);
		uint32_t n = kp_ld32(d + KP_DDT_COUNT);
		for (uint32_t i = 0; i < n && i < KP_DDT_CAP && rc == 0;) {
			uint8_t *e = d + KP_DDT_ENTRIES + i * KP_DDT_SIZE;
			uint64_t a = kp_ld64(e + 32), k = a - w->lo;
			if (a >= w->lo && k < w->n && (v->mark[k / 8] & (1u << (k % 8)))) {
				rc = kp_dirty(v, s);
				d = kp_data(v, s);
				e = d + KP_DDT_ENTRIES + i * KP_DDT_SIZE;
				memmove(e, e + KP_DDT_SIZE, (size_t)(n - 1 - i) * KP_DDT_SIZE);
				memset(d + KP_DDT_ENTRIES + (n - 1) * KP_DDT_SIZE, 0, KP_DDT_SIZE);
				kp_st32(d + KP_DDT_COUNT, --n);
				continue;
			}
			i++;
		}
		kp_put(v, s);
		if (rc < 0)
			return rc;
	}
	return 0;
}

long vx_keep_reclaim(struct vx_keep *v)
{
	if (v->broken)
		return VX_E_STATE;
	if (v->flags & VX_KEEP_RDONLY)
		return VX_E_RIGHTS;
	kp_il_off(v);
	/* No commit first: the walk reads the open txg through the cache, so
	 * what the caller changed (a snapshot deleted) and what this frees
	 * commit together. */
	int rc = 0;
	struct walk w = {.v = v, .mode = RECLAIM, .first = true};
	long freed = 0;
	for (w.lo = 0; w.lo < v->blocks && rc == 0; w.lo += v->mark_bits) {
		uint64_t used = 0;
		w.n = v->mark_bits;
		rc = mark_pass(&w);
		if (rc == 0)
			rc = compare_pass(&w, &used);
		if (rc == 0)
			rc = ddt_sweep(&w);
		uint64_t end = w.lo + w.n < v->blocks ? w.lo + w.n : v->blocks;
		for (uint64_t b = w.lo; b < end && rc == 0; b++) {
			uint64_t k = b - w.lo;
			if ((v->mark[k / 8] & (1u << (k % 8))) && kp_addr_ok(v, b)) {
				rc = kp_defer(v, b);
				freed++;
			}
		}
		w.first = false;
	}
	if (rc < 0)
		return kp_fail(v, rc, v->why);
	rc = vx_keep_sync(v);
	return rc < 0 ? rc : freed;
}

/* Directories up to this many slots are searched for a name given twice
 * (the search is quadratic; larger ones are not). */
#define DUP_SCAN_MAX 1024

/* 1 if a live entry of directory dir before slot `before` has e's name. */
static int dup_before(struct vx_keep *v, uint64_t dir, uint64_t before, const uint8_t *e)
{
	for (uint64_t i = 0; i < before; i++) {
		int s;
		int rc = kp_get(v, 0, dir, 0, i / KP_DE_PER, 0, &s);
		if (rc < 0)
			return rc == VX_E_CORRUPT ? 0 : rc;
		const uint8_t *x = kp_data(v, s) + (i % KP_DE_PER) * KP_DE_SIZE;
		bool same = kp_ld64(x + KP_DE_INO) && x[KP_DE_LEN] == e[KP_DE_LEN] &&
			    x[KP_DE_LEN + 1] == e[KP_DE_LEN + 1] &&
			    memcmp(x + KP_DE_NAME, e + KP_DE_NAME,
				   (size_t)(e[KP_DE_LEN] | e[KP_DE_LEN + 1] << 8)) == 0;
		kp_put(v, s);
		if (same)
			return 1;
	}
	return 0;
}

/* The name space of the live tree, depth first from the root: entries
 * well formed, each naming an inode of its type whose parent is the
 * directory, counts right, and every inode in use reached once. */
static int check_names(struct walk *w)
{
	struct vx_keep *v = w->v;
	uint64_t dir[VX_KEEP_DEPTH_MAX + 1], idx[VX_KEEP_DEPTH_MAX + 1],
	    live[VX_KEEP_DEPTH_MAX + 1];
	uint64_t reached = 1, inuse = 0;
	int depth = 0;
	dir[0] = 1, idx[0] = 0, live[0] = 0;
	while (depth >= 0) {
		int s;
		uint8_t *p;
		int rc = kp_inode(v, 0, dir[depth], &s, &p);
		if (rc < 0)
			return rc;
		uint64_t size = kp_ld64(p + KP_I_SIZE), entries = kp_ld64(p + KP_I_ENTRIES);
		kp_put(v, s);
		if (idx[depth] >= size / KP_BLOCK * KP_DE_PER) {
			if (live[depth] != entries)
				report(w, VX_KEEP_V_ENTRIES, dir[depth], 0, NULL);
			depth--;
			continue;
		}
		uint64_t i = idx[depth]++;
		rc = kp_get(v, 0, dir[depth], 0, i / KP_DE_PER, 0, &s);
		if (rc == VX_E_CORRUPT)
			continue; /* the tree walk reports it */
		if (rc < 0)
			return rc;
		uint8_t e[KP_DE_SIZE];
		memcpy(e, kp_data(v, s) + (i % KP_DE_PER) * KP_DE_SIZE, KP_DE_SIZE);
		kp_put(v, s);
		uint64_t ino = kp_ld64(e + KP_DE_INO);
		if (!ino)
			continue;
		unsigned len = e[KP_DE_LEN] | (unsigned)e[KP_DE_LEN + 1] << 8;
		bool ok = ino < v->ino_next && ino != 1 && len >= 1 && len <= VX_KEEP_NAME_MAX &&
			  (e[KP_DE_TYPE] == VX_KEEP_FILE || e[KP_DE_TYPE] == VX_KEEP_DIR) &&
			  !kp_has(e + KP_DE_NAME, len, '/') && !kp_has(e + KP_DE_NAME, len, 0) &&
			  !(len == 1 && e[KP_DE_NAME] == '.') &&
			  !(len == 2 && e[KP_DE_NAME] == '.' && e[KP_DE_NAME + 1] == '.');
		if (!ok) {
			report(w, VX_KEEP_V_DIRENT, dir[depth], 0, NULL);
			continue;
		}
		live[depth]++;
		if (size / KP_BLOCK * KP_DE_PER <= DUP_SCAN_MAX) {
			rc = dup_before(v, dir[depth], i, e);
			if (rc < 0)
				return rc;
			if (rc)
				report(w, VX_KEEP_V_DUPNAME, dir[depth], 0, NULL);
		}
		rc = kp_inode(v, 0, ino, &s, &p);
		if (rc < 0)
			return rc;
		unsigned t = p[KP_I_TYPE];
		uint64_t parent = kp_ld64(p + KP_I_PARENT);
		kp_put(v, s);
		if (t != e[KP_DE_TYPE]) {
			report(w, VX_KEEP_V_DANGLING, ino, 0, NULL);
			continue;
		}
		if (parent != dir[depth])
			report(w, VX_KEEP_V_PARENT, ino, 0, NULL);
		reached++;
		if (t == VX_KEEP_DIR) {
			if (depth + 1 > VX_KEEP_DEPTH_MAX) {
				report(w, VX_KEEP_V_DIRENT, ino, 0, "directories nested too deep");
				continue;
			}
			depth++;
			dir[depth] = ino, idx[depth] = 0, live[depth] = 0;
		}
	}
	for (uint64_t ino = 1; ino < v->ino_next; ino++) {
		int s;
		uint8_t *p;
		int rc = kp_inode(v, 0, ino, &s, &p);
		if (rc < 0)
			return rc;
		inuse += p[KP_I_TYPE] != 0;
		kp_put(v, s);
	}
	if (reached != inuse)
		report(w, VX_KEEP_V_ORPHAN, 0, 0,
		       reached < inuse ? "inodes in use that no directory reaches"
				       : "an inode reached twice");
	if (inuse != v->files)
		report(w, VX_KEEP_V_COUNT, 0, 0, "the file count disagrees with the inodes");
	return 0;
}

long vx_keep_check(struct vx_keep *v, vx_keep_report_fn fn, void *ctx)
{
	if (v->broken)
		return VX_E_STATE;
	/* A replay held in memory is no image to check: its deferred frees
	 * were never recorded, and the chain it claimed is in its free map. */
	if ((v->flags & VX_KEEP_RDONLY) && v->il_replayed)
		return VX_E_STATE;
	int rc = (v->flags & VX_KEEP_RDONLY) ? 0 : vx_keep_sync(v);
	if (rc < 0)
		return rc;
	struct walk w = {.v = v, .mode = CHECK, .first = true, .report = fn, .ctx = ctx};
	uint64_t used = 0;
	/* The log a mount would replay (after a read-write mount and the
	 * commit above, an empty one). */
	long il = kp_il_check(v, fn, ctx);
	if (il < 0)
		return il;
	w.count += il;
	for (w.lo = 0; w.lo < v->blocks && rc == 0; w.lo += v->mark_bits) {
		w.n = v->mark_bits;
		rc = mark_pass(&w);
		if (rc == 0)
			rc = compare_pass(&w, &used);
		if (rc == 0 && w.first)
			rc = check_names(&w);
		w.first = false;
	}
	if (rc < 0)
		return rc;
	if (used != v->used)
		report(&w, VX_KEEP_V_COUNT, 0, 0, "the used-block count disagrees with the map");
	return w.count;
}
