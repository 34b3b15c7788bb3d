/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Keep's name space (lib/fs/keep.h): inodes, directories, file data, and
 * the snapshot table, on the block layer of keep.c.  Each operation checks
 * everything it can (names, limits, space) before it changes anything;
 * what it changes lands in the open txg, which vx_keep_sync commits.
 */
#include <stddef.h>
#include <stdint.h>

#include "vectra/abi.h"
#include "vx_string.h"
#include "crypto/blake3.h"
#include "fs/keep_int.h"

#define DIR_BLOCKS ((VX_KEEP_DIR_MAX + KP_DE_PER - 1) / KP_DE_PER + 1)

static uint64_t view_inos(struct vx_keep *v, uint64_t view, int *rc)
{
	uint8_t *bp;
	unsigned h;
	uint64_t inos = v->ino_next;
	*rc = view ? kp_view(v, view, &bp, &h, &inos) : 0;
	return inos;
}

/* Checks an inode's fields (the parts every user relies on). */
static bool inode_ok(const uint8_t *p, uint64_t inos)
{
	unsigned t = p[KP_I_TYPE];
	uint64_t size = kp_ld64(p + KP_I_SIZE);
	if ((t != VX_KEEP_FILE && t != VX_KEEP_DIR) || p[KP_I_HEIGHT] > KP_HMAX ||
	    (p[KP_I_FLAGS] & ~VX_KEEP_F_DEDUP) || size > VX_KEEP_FILE_MAX ||
	    kp_ld64(p + KP_I_PARENT) == 0 || kp_ld64(p + KP_I_PARENT) >= inos)
		return false;
	if (t == VX_KEEP_DIR)
		return size % KP_BLOCK == 0 && size / KP_BLOCK <= DIR_BLOCKS &&
		       kp_ld64(p + KP_I_ENTRIES) <= VX_KEEP_DIR_MAX;
	return true;
}

/* Fills *n from inode ino of view; VX_E_STALE if it is free (or gen, if
 * nonzero, differs), VX_E_CORRUPT if malformed. */
static int node_load(struct vx_keep *v, uint64_t view, uint64_t ino, uint64_t gen,
		     struct vx_keep_node *n)
{
	int rc, s;
	uint8_t *p;
	uint64_t inos = view_inos(v, view, &rc);
	if (rc < 0)
		return rc;
	if (ino == 0 || ino >= inos)
		return VX_E_STALE;
	rc = kp_inode(v, view, ino, &s, &p);
	if (rc < 0)
		return rc;
	if (p[KP_I_TYPE] == 0 || (gen && kp_ld64(p + KP_I_GEN) != gen)) {
		kp_put(v, s);
		return VX_E_STALE;
	}
	if (!inode_ok(p, inos)) {
		kp_put(v, s);
		v->why = VX_KEEP_BAD_INODE;
		v->bad_ino = ino;
		return VX_E_CORRUPT;
	}
	n->view = view;
	n->ino = ino;
	n->gen = kp_ld64(p + KP_I_GEN);
	n->size = kp_ld64(p + KP_I_SIZE);
	n->parent = kp_ld64(p + KP_I_PARENT);
	n->entries = kp_ld64(p + KP_I_ENTRIES);
	n->mtxg = kp_ld64(p + KP_I_MTXG);
	n->type = p[KP_I_TYPE];
	n->flags = p[KP_I_FLAGS];
	kp_put(v, s);
	return 0;
}

int vx_keep_root(struct vx_keep *v, struct vx_keep_node *n)
{
	int rc = node_load(v, 0, 1, 0, n);
	if (rc == 0 && n->type != VX_KEEP_DIR) {
		v->why = VX_KEEP_BAD_INODE;
		rc = VX_E_CORRUPT;
	}
	return rc == VX_E_STALE ? VX_E_CORRUPT : rc;
}

int vx_keep_stat(struct vx_keep *v, struct vx_keep_node *n)
{
	if (v->broken)
		return VX_E_STATE;
	return node_load(v, n->view, n->ino, n->gen, n);
}

/* The inode of a live node, pinned and dirty for a change. */
static int inode_w(struct vx_keep *v, uint64_t ino, int *s, uint8_t **p)
{
	int rc = kp_inode(v, 0, ino, s, p);
	if (rc < 0)
		return rc;
	rc = kp_dirty(v, *s);
	if (rc < 0) {
		kp_put(v, *s);
		return rc;
	}
	*p = kp_data(v, *s) + (ino % KP_INO_PER) * KP_INO_SIZE;
	return 0;
}

/* --- paths and directories ----------------------------------------------- */

/* The next component of *path: its start and length (0 at the end). */
static int component(const char **path, const char **name, size_t *len)
{
	const char *p = *path;
	while (*p == '/')
		p++;
	const char *s = p;
	while (*p && *p != '/')
		p++;
	*name = s;
	*len = (size_t)(p - s);
	*path = p;
	if (*len > VX_KEEP_NAME_MAX)
		return VX_E_TOOBIG;
	if ((*len == 1 && s[0] == '.') || (*len == 2 && s[0] == '.' && s[1] == '.'))
		return VX_E_INVAL;
	return 0;
}

/* Checks a whole path's length and depth. */
static int path_ok(const char *path)
{
	if (!path)
		return VX_E_INVAL;
	size_t n = kp_strnlen(path, VX_KEEP_PATH_MAX + 1);
	if (n > VX_KEEP_PATH_MAX)
		return VX_E_TOOBIG;
	unsigned depth = 0;
	const char *p = path, *name;
	size_t len;
	for (;;) {
		int rc = component(&p, &name, &len);
		if (rc < 0)
			return rc;
		if (!len)
			break;
		if (++depth > VX_KEEP_DEPTH_MAX)
			return VX_E_DEPTH;
	}
	return 0;
}

/* Checks entry e of a directory of view (inode count inos): 0 for a free
 * slot, 1 for a live one, VX_E_CORRUPT. */
static int dirent_check(struct vx_keep *v, const uint8_t *e, uint64_t inos)
{
	uint64_t ino = kp_ld64(e + KP_DE_INO);
	if (!ino)
		return 0;
	unsigned len = (unsigned)e[KP_DE_LEN] | (unsigned)e[KP_DE_LEN + 1] << 8;
	bool ok = ino < inos && ino != 1 && len >= 1 && len <= VX_KEEP_NAME_MAX &&
		  (e[KP_DE_TYPE] == VX_KEEP_FILE || e[KP_DE_TYPE] == VX_KEEP_DIR) &&
		  !(len == 1 && e[KP_DE_NAME] == '.') &&
		  !(len == 2 && e[KP_DE_NAME] == '.' && e[KP_DE_NAME + 1] == '.');
	for (unsigned i = 0; ok && i < len; i++)
		ok = e[KP_DE_NAME + i] != '/' && e[KP_DE_NAME + i] != 0;
	if (!ok) {
		v->why = VX_KEEP_BAD_DIRENT;
		return VX_E_CORRUPT;
	}
	return 1;
}

struct hit {
	uint64_t ino, index;
	unsigned type;
};

/* Finds name in directory dir; 1 with *h filled, 0 if absent (h->index
 * then is the first free slot, or UINT64_MAX), or an error. */
static int dir_find(struct vx_keep *v, const struct vx_keep_node *dir, const char *name, size_t len,
		    struct hit *h)
{
	int rc;
	uint64_t inos = view_inos(v, dir->view, &rc);
	if (rc < 0)
		return rc;
	h->index = UINT64_MAX;
	for (uint64_t b = 0; b < dir->size / KP_BLOCK; b++) {
		int s;
		rc = kp_get(v, dir->view, dir->ino, 0, b, 0, &s);
		if (rc < 0)
			return rc;
		const uint8_t *d = kp_data(v, s);
		for (unsigned i = 0; i < KP_DE_PER; i++) {
			const uint8_t *e = d + i * KP_DE_SIZE;
			rc = dirent_check(v, e, inos);
			if (rc < 0) {
				v->bad_ino = dir->ino;
				kp_put(v, s);
				return rc;
			}
			if (rc == 0) {
				if (h->index == UINT64_MAX)
					h->index = b * KP_DE_PER + i;
				continue;
			}
			if (e[KP_DE_LEN] + (e[KP_DE_LEN + 1] << 8) == (int)len &&
			    memcmp(e + KP_DE_NAME, name, len) == 0) {
				h->ino = kp_ld64(e + KP_DE_INO);
				h->type = e[KP_DE_TYPE];
				h->index = b * KP_DE_PER + i;
				kp_put(v, s);
				return 1;
			}
		}
		kp_put(v, s);
	}
	return 0;
}

/* Walks path in view to its last component: *dir the directory holding
 * it, *name and *len the last name (len 0: the path is the root). */
static int walk_parent(struct vx_keep *v, uint64_t view, const char *path, struct vx_keep_node *dir,
		       const char **name, size_t *len)
{
	int rc = path_ok(path);
	if (rc < 0)
		return rc;
	view_inos(v, view, &rc);
	if (rc < 0)
		return rc;
	rc = node_load(v, view, 1, 0, dir);
	if (rc < 0)
		return rc == VX_E_STALE ? VX_E_CORRUPT : rc;
	const char *p = path;
	rc = component(&p, name, len);
	while (rc == 0 && *len) {
		const char *next_name;
		size_t next_len;
		const char *q = p;
		rc = component(&q, &next_name, &next_len);
		if (rc < 0 || next_len == 0)
			break;
		if (dir->type != VX_KEEP_DIR)
			return VX_E_TYPE;
		struct hit h;
		rc = dir_find(v, dir, *name, *len, &h);
		if (rc < 0)
			return rc;
		if (rc == 0)
			return VX_E_NOTFOUND;
		rc = node_load(v, view, h.ino, 0, dir);
		if (rc == VX_E_STALE) {
			v->why = VX_KEEP_BAD_DIRENT;
			return VX_E_CORRUPT;
		}
		if (rc < 0)
			return rc;
		if (dir->type != VX_KEEP_DIR)
			return VX_E_TYPE;
		p = q;
		*name = next_name;
		*len = next_len;
	}
	return rc;
}

int vx_keep_lookup_at(struct vx_keep *v, uint64_t view, const char *path, struct vx_keep_node *n)
{
	struct vx_keep_node dir;
	const char *name;
	size_t len;
	if (v->broken)
		return VX_E_STATE;
	int rc = walk_parent(v, view, path, &dir, &name, &len);
	if (rc < 0)
		return rc;
	if (len == 0) {
		*n = dir;
		return 0;
	}
	if (dir.type != VX_KEEP_DIR)
		return VX_E_TYPE;
	struct hit h;
	rc = dir_find(v, &dir, name, len, &h);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return VX_E_NOTFOUND;
	rc = node_load(v, view, h.ino, 0, n);
	if (rc == 0 && n->type != h.type)
		rc = VX_E_STALE;
	if (rc == VX_E_STALE) {
		v->why = VX_KEEP_BAD_DIRENT;
		rc = VX_E_CORRUPT;
	}
	return rc;
}

int vx_keep_lookup(struct vx_keep *v, const char *path, struct vx_keep_node *n)
{
	return vx_keep_lookup_at(v, 0, path, n);
}

int vx_keep_readdir(struct vx_keep *v, const struct vx_keep_node *dir, struct vx_keep_dircur *cur,
		    struct vx_keep_dirent *e)
{
	struct vx_keep_node d;
	if (v->broken)
		return VX_E_STATE;
	int rc = node_load(v, dir->view, dir->ino, dir->gen, &d);
	if (rc < 0)
		return rc;
	if (d.type != VX_KEEP_DIR)
		return VX_E_TYPE;
	uint64_t inos = view_inos(v, d.view, &rc);
	for (; cur->index < d.size / KP_BLOCK * KP_DE_PER; cur->index++) {
		int s;
		rc = kp_get(v, d.view, d.ino, 0, cur->index / KP_DE_PER, 0, &s);
		if (rc < 0)
			return rc;
		const uint8_t *x = kp_data(v, s) + (cur->index % KP_DE_PER) * KP_DE_SIZE;
		rc = dirent_check(v, x, inos);
		if (rc == 1) {
			size_t len = x[KP_DE_LEN] | (size_t)x[KP_DE_LEN + 1] << 8;
			memcpy(e->name, x + KP_DE_NAME, len);
			e->name[len] = 0;
			uint64_t ino = kp_ld64(x + KP_DE_INO);
			unsigned type = x[KP_DE_TYPE];
			kp_put(v, s);
			rc = node_load(v, d.view, ino, 0, &e->node);
			if (rc == 0 && e->node.type != type)
				rc = VX_E_STALE;
			if (rc == VX_E_STALE) {
				v->why = VX_KEEP_BAD_DIRENT;
				rc = VX_E_CORRUPT;
			}
			if (rc < 0)
				return rc;
			cur->index++;
			return 1;
		}
		kp_put(v, s);
		if (rc < 0) {
			v->bad_ino = d.ino;
			return rc;
		}
	}
	return 0;
}

/* --- file data ----------------------------------------------------------- */

long vx_keep_read(struct vx_keep *v, const struct vx_keep_node *n, uint64_t off, void *buf,
		  uint32_t len)
{
	struct vx_keep_node f;
	if (v->broken)
		return VX_E_STATE;
	int rc = node_load(v, n->view, n->ino, n->gen, &f);
	if (rc < 0)
		return rc;
	if (f.type != VX_KEEP_FILE)
		return VX_E_TYPE;
	if (off >= f.size)
		return 0;
	if (len > f.size - off)
		len = (uint32_t)(f.size - off);
	uint32_t done = 0;
	while (done < len) {
		uint64_t at = off + done;
		uint32_t in = (uint32_t)(at % KP_BLOCK);
		uint32_t chunk = KP_BLOCK - in < len - done ? KP_BLOCK - in : len - done;
		int s;
		rc = kp_get(v, f.view, f.ino, 0, at / KP_BLOCK, 0, &s);
		if (rc < 0) {
			v->bad_ino = f.ino;
			return rc;
		}
		memcpy((uint8_t *)buf + done, kp_data(v, s) + in, chunk);
		kp_put(v, s);
		done += chunk;
	}
	return (long)done;
}

/* Checks a live file node for a change. */
static int live_file(struct vx_keep *v, const struct vx_keep_node *n, struct vx_keep_node *f)
{
	if (v->broken)
		return VX_E_STATE;
	if (n->view || (v->flags & VX_KEEP_RDONLY))
		return VX_E_RIGHTS;
	int rc = node_load(v, 0, n->ino, n->gen, f);
	if (rc == 0 && f->type != VX_KEEP_FILE)
		rc = VX_E_TYPE;
	return rc;
}

/* Is there room for `blocks` new blocks beyond the reserve? */
static int room(struct vx_keep *v, uint64_t blocks)
{
	uint64_t meta = 2 * (blocks / 32 + 16);
	if (v->used + blocks + meta + VX_KEEP_RESERVE > v->blocks)
		return VX_E_NOMEM;
	return 0;
}

/* Stores whole block content buf (in v->scratch) as leaf bi of dedup file
 * ino: by reference if the dedup table has it, else written and entered. */
static int dedup_leaf(struct vx_keep *v, uint64_t ino, uint64_t bi)
{
	uint8_t sum[32], nbp[KP_BP_SIZE];
	const uint8_t *r = kp_data(v, (int)v->root);
	kp_hash(v->scratch, KP_BLOCK, sum);
	uint64_t bucket = kp_ld64(sum) & ((1ull << kp_ld32(r + KP_R_DDT_SHIFT)) - 1);
	int s;
	int rc = kp_get(v, 0, KP_OBJ_DDT, 0, bucket, 0, &s);
	if (rc < 0)
		return rc;
	uint8_t *d = kp_data(v, s);
	uint32_t n = kp_ld32(d + KP_DDT_COUNT);
	if (n > KP_DDT_CAP) {
		kp_put(v, s);
		return kp_fail(v, VX_E_CORRUPT, VX_KEEP_BAD_BP);
	}
	bool found = false;
	for (uint32_t i = 0; i < n && !found; i++) {
		const uint8_t *e = d + KP_DDT_ENTRIES + i * KP_DDT_SIZE;
		uint64_t a = kp_ld64(e + 32), birth = kp_ld64(e + 40);
		if (memcmp(e, sum, 32) == 0 && kp_addr_ok(v, a) && birth && birth <= v->txg) {
			kp_bp_set(nbp, a, 0, birth, KP_T_DATA, 0);
			found = true;
		}
	}
	if (!found) {
		uint64_t a[2];
		rc = kp_alloc(v, false, a);
		if (rc == 0)
			rc = kp_dev_write(v, a[0], v->scratch);
		if (rc == 0 && n < KP_DDT_CAP)
			rc = kp_dirty(v, s);
		if (rc < 0) {
			kp_put(v, s);
			return kp_fail(v, rc, v->why);
		}
		kp_bp_set(nbp, a[0], 0, v->txg, KP_T_DATA, 0);
		if (n < KP_DDT_CAP) {
			uint8_t *e = d + KP_DDT_ENTRIES + n * KP_DDT_SIZE;
			memcpy(e, sum, 32);
			kp_st64(e + 32, a[0]);
			kp_st64(e + 40, v->txg);
			kp_st32(d + KP_DDT_COUNT, n + 1);
			found = true;
		}
	}
	kp_put(v, s);
	if (found)
		nbp[KP_BP_FLAGS] = KP_BPF_DEDUP;
	memcpy(nbp + KP_BP_SUM, sum, 32);
	uint8_t *bp;
	int ps;
	struct kp_key pk;
	kp_drop(v, 0, ino, 0, bi);
	rc = kp_parent(v, 0, ino, 0, bi, &bp, &ps, &pk);
	if (rc == 0 && (!bp || ps < 0))
		rc = VX_E_STATE;
	if (rc == 0)
		rc = kp_dirty(v, ps);
	if (rc == 0) {
		uint8_t old[KP_BP_SIZE];
		memcpy(old, bp, KP_BP_SIZE);
		memcpy(bp, nbp, KP_BP_SIZE);
		rc = kp_free_bp(v, old, true);
	}
	kp_put(v, ps);
	return rc < 0 ? kp_fail(v, rc, v->why) : 0;
}

/* Writes one piece (within one block) of file f. */
static int write_piece(struct vx_keep *v, const struct vx_keep_node *f, uint64_t at,
		       const uint8_t *src, uint32_t chunk)
{
	uint64_t bi = at / KP_BLOCK;
	uint32_t in = (uint32_t)(at % KP_BLOCK);
	int s, rc;
	int cached = kp_find(v, 0, f->ino, 0, bi);
	if ((f->flags & VX_KEEP_F_DEDUP) && (cached < 0 || !v->slots[cached].dirty)) {
		if (chunk < KP_BLOCK) {
			rc = kp_get(v, 0, f->ino, 0, bi, 0, &s);
			if (rc < 0)
				return rc;
			memcpy(v->scratch, kp_data(v, s), KP_BLOCK);
			kp_put(v, s);
			/* Bytes past the end are zero (a shrink zeroed them). */
		}
		memcpy(v->scratch + in, src, chunk);
		return dedup_leaf(v, f->ino, bi);
	}
	rc = kp_get(v, 0, f->ino, 0, bi, chunk == KP_BLOCK ? KP_GET_NOREAD : 0, &s);
	if (rc < 0)
		return rc;
	rc = kp_dirty(v, s);
	if (rc == 0)
		memcpy(kp_data(v, s) + in, src, chunk);
	kp_put(v, s);
	return rc;
}

long vx_keep_write(struct vx_keep *v, struct vx_keep_node *n, uint64_t off, const void *buf,
		   uint32_t len)
{
	struct vx_keep_node f;
	int rc = live_file(v, n, &f);
	if (rc < 0)
		return rc;
	if (off > VX_KEEP_FILE_MAX || len > VX_KEEP_FILE_MAX - off)
		return VX_E_TOOBIG;
	if (len == 0)
		return 0;
	if (room(v, len / KP_BLOCK + 2) < 0)
		return VX_E_NOMEM;
	if (f.flags & VX_KEEP_F_DEDUP)
		kp_il_off(v); /* the dedup table changes too */
	rc = kp_grow(v, f.ino, kp_need_height((off + len - 1) / KP_BLOCK));
	uint32_t done = 0;
	while (rc == 0 && done < len) {
		uint64_t at = off + done;
		uint32_t in = (uint32_t)(at % KP_BLOCK);
		uint32_t chunk = KP_BLOCK - in < len - done ? KP_BLOCK - in : len - done;
		rc = write_piece(v, &f, at, (const uint8_t *)buf + done, chunk);
		if (rc == 0)
			kp_il_note(v, f.ino, at / KP_BLOCK);
		done += chunk;
	}
	int s;
	uint8_t *p;
	if (rc == 0)
		rc = inode_w(v, f.ino, &s, &p);
	if (rc < 0)
		return kp_fail(v, rc, v->why);
	if (off + len > kp_ld64(p + KP_I_SIZE))
		kp_st64(p + KP_I_SIZE, off + len);
	kp_st64(p + KP_I_MTXG, v->txg);
	kp_put(v, s);
	n->size = off + len > f.size ? off + len : f.size;
	return (long)len;
}

/* Frees the subtree under bp, the pointer to block (level, blkid) of file
 * ino, which is still in place (the cache reads through it). */
static int free_sub(struct vx_keep *v, uint64_t ino, unsigned level, uint64_t blkid,
		    const uint8_t *bp)
{
	if (kp_ld64(bp + KP_BP_ADDR0) == 0)
		return 0;
	uint64_t birth = kp_ld64(bp + KP_BP_BIRTH);
	bool held = birth <= v->last_snap && birth != v->txg;
	if (level > 0 && !held) {
		int s;
		int rc = kp_get(v, 0, ino, level, blkid, 0, &s);
		if (rc < 0)
			return rc;
		for (unsigned c = 0; c < KP_FANOUT && rc == 0; c++)
			rc = free_sub(v, ino, level - 1, blkid * KP_FANOUT + c,
				      kp_data(v, s) + c * KP_BP_SIZE);
		kp_put(v, s);
		if (rc < 0)
			return rc;
	}
	return kp_free_bp(v, bp, true);
}

/* Frees the leaves of file ino from leaf `keep` on, inside block (level,
 * blkid) of its tree. */
static int trim_rec(struct vx_keep *v, uint64_t ino, unsigned level, uint64_t blkid, uint64_t keep)
{
	uint64_t span = 1ull << (6 * (level - 1));
	int s = -1;
	int rc = kp_get(v, 0, ino, level, blkid, 0, &s);
	for (unsigned c = 0; c < KP_FANOUT && rc == 0; c++) {
		uint64_t cb = blkid * KP_FANOUT + c, first = cb * span;
		uint8_t *bp = kp_data(v, s) + c * KP_BP_SIZE;
		if (kp_ld64(bp + KP_BP_ADDR0) == 0 || first + span <= keep)
			continue;
		if (first >= keep) {
			rc = kp_dirty(v, s);
			if (rc == 0)
				rc = free_sub(v, ino, level - 1, cb, bp);
			if (rc == 0)
				memset(kp_data(v, s) + c * KP_BP_SIZE, 0, KP_BP_SIZE);
		} else if (level > 1) {
			rc = trim_rec(v, ino, level - 1, cb, keep);
		}
	}
	kp_put(v, s);
	return rc;
}

/* Writes out every dirty block of file ino, so its tree on the device is
 * whole and its cached blocks may be dropped.  A read-only mount (a
 * replay of an unlink or truncate) writes nothing: the blocks stay in the
 * cache, where the walk that frees them reads them, and set_size discards
 * the ones freed. */
static int flush_obj(struct vx_keep *v, uint64_t ino)
{
	if (v->flags & VX_KEEP_RDONLY)
		return 0;
	for (bool again = true; again;) {
		again = false;
		for (uint32_t i = 0; i < v->nslots; i++) {
			struct vx_keep_slot *s = &v->slots[i];
			if (s->valid && s->dirty && !s->ndirty && s->view == 0 && s->obj == ino) {
				int rc = kp_writeout(v, (int)i);
				if (rc < 0)
					return rc;
				again = true;
			}
		}
	}
	return 0;
}

/* Shrinks or grows file ino (inode pinned dirty at p) to size. */
static int set_size(struct vx_keep *v, uint64_t ino, uint64_t size)
{
	int is;
	uint8_t *p;
	int rc = inode_w(v, ino, &is, &p);
	if (rc < 0)
		return rc;
	uint64_t old = kp_ld64(p + KP_I_SIZE);
	unsigned h = p[KP_I_HEIGHT];
	kp_put(v, is);
	if (size < old) {
		uint64_t keep = (size + KP_BLOCK - 1) / KP_BLOCK;
		bool ro = v->flags & VX_KEEP_RDONLY;
		rc = flush_obj(v, ino);
		if (rc == 0 && keep == 0) {
			uint8_t *bp;
			int ps;
			struct kp_key pk;
			rc = kp_parent(v, 0, ino, h, 0, &bp, &ps, &pk);
			if (rc == 0 && bp && ps >= 0)
				rc = kp_dirty(v, ps);
			if (rc == 0 && bp && ps >= 0) {
				rc = free_sub(v, ino, h, 0, bp);
				if (rc == 0) {
					/* free_sub may have moved things: find it again. */
					bp = kp_data(v, ps) + pk.off;
					memset(bp, 0, KP_BP_SIZE);
					bp[KP_I_HEIGHT - KP_I_BP] = 0;
				}
			}
			kp_put(v, ps);
		} else if (rc == 0 && h > 0) {
			rc = trim_rec(v, ino, h, 0, keep);
		}
		if (ro)
			kp_discard_obj(v, ino, keep);
		else
			kp_drop_obj(v, 0, ino);
		if (rc == 0 && size % KP_BLOCK) {
			int s;
			rc = kp_get(v, 0, ino, 0, size / KP_BLOCK, 0, &s);
			if (rc == 0) {
				uint8_t *d = kp_data(v, s);
				bool nonzero = false;
				for (uint32_t i = size % KP_BLOCK; i < KP_BLOCK && !nonzero; i++)
					nonzero = d[i] != 0;
				if (nonzero)
					rc = kp_dirty(v, s);
				if (rc == 0 && nonzero)
					memset(kp_data(v, s) + size % KP_BLOCK, 0,
					       KP_BLOCK - size % KP_BLOCK);
				kp_put(v, s);
			}
		}
	}
	if (rc == 0)
		rc = inode_w(v, ino, &is, &p);
	if (rc < 0)
		return rc;
	kp_st64(p + KP_I_SIZE, size);
	kp_st64(p + KP_I_MTXG, v->txg);
	kp_put(v, is);
	return 0;
}

int vx_keep_truncate(struct vx_keep *v, struct vx_keep_node *n, uint64_t size)
{
	struct vx_keep_node f;
	int rc = live_file(v, n, &f);
	if (rc < 0)
		return rc;
	if (size > VX_KEEP_FILE_MAX)
		return VX_E_TOOBIG;
	if (room(v, 4) < 0 && size > f.size)
		return VX_E_NOMEM;
	rc = set_size(v, f.ino, size);
	if (rc < 0) {
		kp_il_off(v);
		return kp_fail(v, rc, v->why);
	}
	if (f.flags & VX_KEEP_F_DEDUP)
		kp_il_off(v); /* its blocks are the dedup table's */
	else
		kp_il_truncate(v, f.ino, f.gen, size);
	n->size = size;
	return 0;
}

/* Replay of a truncate record: inode ino must be a live plain file of
 * generation gen, not content-addressed. */
int kp_ns_truncate(struct vx_keep *v, uint64_t ino, uint64_t gen, uint64_t size)
{
	struct vx_keep_node f;
	int rc = node_load(v, 0, ino, gen, &f);
	if (rc == 0 && (f.type != VX_KEEP_FILE || (f.flags & VX_KEEP_F_DEDUP)))
		rc = VX_E_TYPE;
	if (rc == 0 && size > VX_KEEP_FILE_MAX)
		rc = VX_E_TOOBIG;
	return rc < 0 ? rc : set_size(v, ino, size);
}

/* --- creating and removing ----------------------------------------------- */

/* A free inode number (grown into the inode file if needed). */
static int ino_alloc(struct vx_keep *v, uint64_t *ino)
{
	uint64_t i = v->ino_hint < 2 ? 2 : v->ino_hint;
	for (unsigned tries = 0; i < v->ino_next && tries < 64; i++, tries++) {
		int s;
		uint8_t *p;
		int rc = kp_inode(v, 0, i, &s, &p);
		if (rc < 0)
			return rc;
		bool free = p[KP_I_TYPE] == 0;
		kp_put(v, s);
		if (free) {
			*ino = i;
			v->ino_hint = i + 1;
			return 0;
		}
	}
	if (v->ino_next > VX_KEEP_INO_MAX)
		return VX_E_FULL;
	int rc = kp_grow(v, KP_OBJ_INO, kp_need_height(v->ino_next / KP_INO_PER));
	if (rc < 0)
		return rc;
	*ino = v->ino_next++;
	v->ino_hint = v->ino_next;
	return 0;
}

/* Writes entry index of directory dir (pinned dirty). */
static int ent_set(struct vx_keep *v, uint64_t dir, uint64_t index, uint64_t ino, unsigned type,
		   const char *name, size_t len)
{
	int s;
	uint64_t b = index / KP_DE_PER;
	int rc = kp_grow(v, dir, kp_need_height(b));
	if (rc == 0)
		rc = kp_get(v, 0, dir, 0, b, 0, &s);
	if (rc < 0)
		return rc;
	rc = kp_dirty(v, s);
	if (rc == 0) {
		uint8_t *e = kp_data(v, s) + (index % KP_DE_PER) * KP_DE_SIZE;
		if (name) {
			memset(e, 0, KP_DE_SIZE);
			e[KP_DE_LEN] = (uint8_t)len;
			e[KP_DE_LEN + 1] = (uint8_t)(len >> 8);
			memcpy(e + KP_DE_NAME, name, len);
		}
		if (ino) {
			kp_st64(e + KP_DE_INO, ino);
			e[KP_DE_TYPE] = (uint8_t)type;
		} else {
			memset(e, 0, KP_DE_SIZE);
		}
	}
	kp_put(v, s);
	return rc;
}

/* Adds an entry to dir at h->index (or a new block), counting it. */
static int dir_add(struct vx_keep *v, uint64_t dir, const struct hit *h, uint64_t ino,
		   unsigned type, const char *name, size_t len)
{
	int s;
	uint8_t *p;
	int rc = inode_w(v, dir, &s, &p);
	if (rc < 0)
		return rc;
	uint64_t size = kp_ld64(p + KP_I_SIZE);
	uint64_t index = h->index;
	if (index == UINT64_MAX) {
		index = size / KP_BLOCK * KP_DE_PER;
		kp_st64(p + KP_I_SIZE, size + KP_BLOCK);
	}
	kp_st64(p + KP_I_ENTRIES, kp_ld64(p + KP_I_ENTRIES) + 1);
	kp_st64(p + KP_I_MTXG, v->txg);
	kp_put(v, s);
	return ent_set(v, dir, index, ino, type, name, len);
}

/* Clears entry index of dir, uncounting it. */
static int dir_del(struct vx_keep *v, uint64_t dir, uint64_t index)
{
	int s;
	uint8_t *p;
	int rc = inode_w(v, dir, &s, &p);
	if (rc < 0)
		return rc;
	kp_st64(p + KP_I_ENTRIES, kp_ld64(p + KP_I_ENTRIES) - 1);
	kp_st64(p + KP_I_MTXG, v->txg);
	kp_put(v, s);
	return ent_set(v, dir, index, 0, 0, NULL, 0);
}

/* Frees inode ino and everything its tree holds. */
static int ino_free(struct vx_keep *v, uint64_t ino)
{
	int rc = set_size(v, ino, 0);
	int s;
	uint8_t *p;
	if (rc == 0)
		rc = inode_w(v, ino, &s, &p);
	if (rc < 0)
		return rc;
	memset(p, 0, KP_INO_SIZE);
	kp_put(v, s);
	kp_drop_obj(v, 0, ino);
	v->files--;
	if (ino < v->ino_hint)
		v->ino_hint = ino;
	return 0;
}

/* Checks that a change may start: live, writable, path well formed. */
static int change_ok(struct vx_keep *v)
{
	if (v->broken)
		return VX_E_STATE;
	if (v->flags & VX_KEEP_RDONLY)
		return VX_E_RIGHTS;
	return 0;
}

/* Creates name in directory dir (loaded, live): *ino the new inode.  An
 * error after the first change is returned as it is (callers kp_fail).
 * Replay does not check for room: the log's blocks, all claimed before
 * it starts, could make it refuse what the create it repeats did. */
static int make_in(struct vx_keep *v, const struct vx_keep_node *dir, const char *name, size_t len,
		   unsigned type, uint32_t flags, bool replay, uint64_t *ino_out)
{
	if (dir->type != VX_KEEP_DIR)
		return VX_E_TYPE;
	if (flags & ~(uint32_t)VX_KEEP_F_DEDUP)
		return VX_E_INVAL;
	struct hit h;
	int rc = dir_find(v, dir, name, len, &h);
	if (rc < 0)
		return rc;
	if (rc == 1)
		return VX_E_EXISTS;
	if (dir->entries >= VX_KEEP_DIR_MAX)
		return VX_E_FULL;
	if (!replay && room(v, 8) < 0)
		return VX_E_NOMEM;
	uint64_t ino = 0;
	rc = ino_alloc(v, &ino);
	if (rc == VX_E_FULL)
		return rc;
	int s;
	uint8_t *p;
	if (rc == 0)
		rc = inode_w(v, ino, &s, &p);
	if (rc == 0) {
		kp_drop_obj(v, 0, ino);
		memset(p, 0, KP_INO_SIZE);
		p[KP_I_TYPE] = (uint8_t)type;
		p[KP_I_FLAGS] = (uint8_t)flags;
		kp_st64(p + KP_I_GEN, v->gen_next++);
		kp_st64(p + KP_I_PARENT, dir->ino);
		kp_st64(p + KP_I_MTXG, v->txg);
		kp_put(v, s);
		v->files++;
		rc = dir_add(v, dir->ino, &h, ino, type, name, len);
	}
	*ino_out = ino;
	return rc;
}

static int make(struct vx_keep *v, const char *path, unsigned type, uint32_t flags,
		struct vx_keep_node *n)
{
	struct vx_keep_node dir, made;
	const char *name;
	size_t len;
	uint64_t ino = 0;
	int rc = change_ok(v);
	if (rc == 0)
		rc = walk_parent(v, 0, path, &dir, &name, &len);
	if (rc < 0)
		return rc;
	if (len == 0)
		return VX_E_EXISTS; /* the root */
	uint64_t gen = v->gen_next, files = v->files;
	rc = make_in(v, &dir, name, len, type, flags, false, &ino);
	if (rc < 0 && v->gen_next == gen && v->files == files && !v->broken) {
		kp_il_off(v); /* refused before the inode: ino_alloc may have grown the file */
		return rc;
	}
	if (rc == 0)
		rc = node_load(v, 0, ino, 0, &made);
	if (rc == 0 && n)
		*n = made;
	if (rc == 0 && (flags & VX_KEEP_F_DEDUP))
		kp_il_off(v);
	else if (rc == 0)
		kp_il_name(v, KP_ILOP_CREATE, dir.ino, ino, made.gen, type, flags, name, len);
	else
		kp_il_off(v);
	return rc < 0 ? kp_fail(v, rc, v->why) : 0;
}

int vx_keep_create(struct vx_keep *v, const char *path, uint32_t flags, struct vx_keep_node *n)
{
	return make(v, path, VX_KEEP_FILE, flags, n);
}

int vx_keep_mkdir(struct vx_keep *v, const char *path)
{
	return make(v, path, VX_KEEP_DIR, 0, NULL);
}

/* Resolves path's last component for a change: its directory and entry. */
static int resolve(struct vx_keep *v, const char *path, struct vx_keep_node *dir, struct hit *h,
		   const char **name, size_t *len)
{
	int rc = change_ok(v);
	if (rc == 0)
		rc = walk_parent(v, 0, path, dir, name, len);
	if (rc < 0)
		return rc;
	if (*len == 0)
		return VX_E_INVAL; /* the root */
	if (dir->type != VX_KEEP_DIR)
		return VX_E_TYPE;
	rc = dir_find(v, dir, *name, *len, h);
	return rc < 0 ? rc : rc;
}

int vx_keep_unlink(struct vx_keep *v, const char *path)
{
	struct vx_keep_node dir, n;
	struct hit h;
	const char *name;
	size_t len;
	int rc = resolve(v, path, &dir, &h, &name, &len);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return VX_E_NOTFOUND;
	rc = node_load(v, 0, h.ino, 0, &n);
	if (rc < 0)
		return rc == VX_E_STALE ? VX_E_CORRUPT : rc;
	if (n.type == VX_KEEP_DIR && n.entries)
		return VX_E_BUSY;
	rc = dir_del(v, dir.ino, h.index);
	if (rc == 0)
		rc = ino_free(v, h.ino);
	if (rc == 0)
		kp_il_name(v, KP_ILOP_UNLINK, dir.ino, n.ino, n.gen, n.type, n.flags, name, len);
	else
		kp_il_off(v);
	return rc < 0 ? kp_fail(v, rc, v->why) : 0;
}

/* Replay of the intent log: name changes by directory inode. */
static int name_ok(const char *name, size_t len)
{
	if (len == 0 || len > VX_KEEP_NAME_MAX || kp_has((const uint8_t *)name, len, '/') ||
	    kp_has((const uint8_t *)name, len, 0) || (len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return VX_E_INVAL;
	return 0;
}

int kp_ns_create(struct vx_keep *v, uint64_t dir, const char *name, size_t len, unsigned type,
		 uint32_t flags, uint64_t *ino)
{
	struct vx_keep_node d;
	int rc = name_ok(name, len);
	if (rc == 0)
		rc = node_load(v, 0, dir, 0, &d);
	if (rc == 0 && type != VX_KEEP_FILE && type != VX_KEEP_DIR)
		rc = VX_E_INVAL;
	if (rc == 0)
		rc = make_in(v, &d, name, len, type, flags, true, ino);
	return rc;
}

int kp_ns_unlink(struct vx_keep *v, uint64_t dir, const char *name, size_t len, uint64_t ino,
		 uint64_t gen)
{
	struct vx_keep_node d, n;
	struct hit h;
	int rc = name_ok(name, len);
	if (rc == 0)
		rc = node_load(v, 0, dir, 0, &d);
	if (rc == 0 && d.type != VX_KEEP_DIR)
		rc = VX_E_TYPE;
	if (rc == 0)
		rc = dir_find(v, &d, name, len, &h);
	if (rc == 0)
		rc = VX_E_NOTFOUND;
	if (rc == 1)
		rc = h.ino == ino ? node_load(v, 0, ino, gen, &n) : VX_E_STALE;
	if (rc == 0 && n.type == VX_KEEP_DIR && n.entries)
		rc = VX_E_BUSY;
	if (rc == 0)
		rc = dir_del(v, d.ino, h.index);
	if (rc == 0)
		rc = ino_free(v, ino);
	return rc;
}

/* Checks that fnode, named at fh in directory fd, may move to the name
 * found at th in directory td (exists: a node of the same type is
 * replaced); changes nothing.  0, 1 if it is there already, or an error.
 * Replay does not check for room, as make_in. */
static int rename_check(struct vx_keep *v, const struct vx_keep_node *fd, const struct hit *fh,
			const struct vx_keep_node *fnode, const struct vx_keep_node *td,
			const struct hit *th, int exists, bool replay)
{
	struct vx_keep_node tnode;
	int rc;
	if (exists) {
		if (th->ino == fh->ino)
			return 1;
		rc = node_load(v, 0, th->ino, 0, &tnode);
		if (rc < 0)
			return rc == VX_E_STALE ? VX_E_CORRUPT : rc;
		if (tnode.type != fnode->type)
			return VX_E_TYPE;
		if (tnode.type == VX_KEEP_DIR && tnode.entries)
			return VX_E_BUSY;
	} else if (td->ino != fd->ino && td->entries >= VX_KEEP_DIR_MAX) {
		return VX_E_FULL;
	}
	if (fnode->type == VX_KEEP_DIR) {
		/* The target directory must not lie inside the one moved. */
		uint64_t x = td->ino;
		for (unsigned d = 0;; d++) {
			if (x == fnode->ino)
				return VX_E_INVAL;
			if (x == 1)
				break;
			struct vx_keep_node up;
			rc = node_load(v, 0, x, 0, &up);
			if (rc < 0 || d > VX_KEEP_DEPTH_MAX + 1) {
				v->why = VX_KEEP_BAD_INODE;
				return VX_E_CORRUPT;
			}
			x = up.parent;
		}
	}
	if (!replay && room(v, 8) < 0)
		return VX_E_NOMEM;
	return 0;
}

/* The move rename_check allowed.  An error is returned as it is (callers
 * kp_fail: a change may have started). */
static int rename_do(struct vx_keep *v, const struct vx_keep_node *fd, const struct hit *fh,
		     const struct vx_keep_node *fnode, const struct vx_keep_node *td,
		     const struct hit *th, int exists, const char *tname, size_t tlen)
{
	int rc;
	if (exists)
		rc = ent_set(v, td->ino, th->index, fh->ino, fnode->type, NULL, 0);
	else
		rc = dir_add(v, td->ino, th, fh->ino, fnode->type, tname, tlen);
	if (rc == 0)
		rc = dir_del(v, fd->ino, fh->index);
	if (rc == 0 && exists)
		rc = ino_free(v, th->ino);
	int s;
	uint8_t *p;
	if (rc == 0)
		rc = inode_w(v, fh->ino, &s, &p);
	if (rc == 0) {
		kp_st64(p + KP_I_PARENT, td->ino);
		kp_put(v, s);
	}
	return rc;
}

int vx_keep_rename(struct vx_keep *v, const char *from, const char *to)
{
	struct vx_keep_node fd, td, fnode;
	struct hit fh, th;
	const char *fname, *tname;
	size_t flen, tlen;
	int rc = resolve(v, from, &fd, &fh, &fname, &flen);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return VX_E_NOTFOUND;
	rc = node_load(v, 0, fh.ino, 0, &fnode);
	if (rc < 0)
		return rc == VX_E_STALE ? VX_E_CORRUPT : rc;
	int exists = resolve(v, to, &td, &th, &tname, &tlen);
	if (exists < 0)
		return exists;
	rc = rename_check(v, &fd, &fh, &fnode, &td, &th, exists, false);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	rc = rename_do(v, &fd, &fh, &fnode, &td, &th, exists, tname, tlen);
	if (rc == 0)
		kp_il_rename(v, fd.ino, fname, flen, td.ino, tname, tlen, fnode.ino, fnode.gen,
			     fnode.type);
	else
		kp_il_off(v);
	return rc < 0 ? kp_fail(v, rc, v->why) : 0;
}

/* Replay of a rename record: the node named fname in directory fdir must
 * be inode ino of generation gen. */
int kp_ns_rename(struct vx_keep *v, uint64_t fdir, const char *fname, size_t flen, uint64_t tdir,
		 const char *tname, size_t tlen, uint64_t ino, uint64_t gen)
{
	struct vx_keep_node fd, td, fnode;
	struct hit fh, th;
	int rc = name_ok(fname, flen);
	if (rc == 0)
		rc = name_ok(tname, tlen);
	if (rc == 0)
		rc = node_load(v, 0, fdir, 0, &fd);
	if (rc == 0)
		rc = node_load(v, 0, tdir, 0, &td);
	if (rc == 0 && (fd.type != VX_KEEP_DIR || td.type != VX_KEEP_DIR))
		rc = VX_E_TYPE;
	if (rc == 0)
		rc = dir_find(v, &fd, fname, flen, &fh);
	if (rc == 0)
		rc = VX_E_NOTFOUND;
	if (rc == 1)
		rc = fh.ino == ino ? node_load(v, 0, ino, gen, &fnode) : VX_E_STALE;
	int exists = 0;
	if (rc == 0)
		exists = rc = dir_find(v, &td, tname, tlen, &th);
	if (rc >= 0)
		rc = rename_check(v, &fd, &fh, &fnode, &td, &th, exists, true);
	if (rc == 1)
		return VX_E_STALE; /* a rename onto itself is never logged */
	if (rc == 0)
		rc = rename_do(v, &fd, &fh, &fnode, &td, &th, exists, tname, tlen);
	return rc;
}

int vx_keep_statfs(struct vx_keep *v, struct vx_keep_statfs *st)
{
	memset(st, 0, sizeof(*st));
	st->total = v->blocks * KP_BLOCK;
	st->used = v->used * KP_BLOCK;
	st->free = (v->blocks - v->used) * KP_BLOCK;
	st->pending = v->pending * KP_BLOCK;
	st->txg = v->txg - 1;
	st->snaps = kp_ld32(kp_data(v, (int)v->root) + KP_R_NSNAPS);
	st->files = v->files;
	memcpy(st->label, v->label, sizeof(st->label));
	return 0;
}

int vx_keep_path_of(struct vx_keep *v, uint64_t ino, char *buf, size_t len)
{
	size_t at = len; /* built from the end */
	if (len == 0)
		return VX_E_TOOBIG;
	buf[--at] = 0;
	for (unsigned depth = 0; ino != 1; depth++) {
		struct vx_keep_node n, dir;
		int rc = node_load(v, 0, ino, 0, &n);
		if (rc < 0 || depth > VX_KEEP_DEPTH_MAX)
			return rc < 0 ? (rc == VX_E_STALE ? VX_E_NOTFOUND : rc) : VX_E_CORRUPT;
		rc = node_load(v, 0, n.parent, 0, &dir);
		if (rc < 0)
			return rc == VX_E_STALE ? VX_E_NOTFOUND : rc;
		bool found = false;
		for (uint64_t b = 0; b < dir.size / KP_BLOCK && !found; b++) {
			int s;
			rc = kp_get(v, 0, dir.ino, 0, b, 0, &s);
			if (rc < 0)
				return rc;
			const uint8_t *d = kp_data(v, s);
			for (unsigned i = 0; i < KP_DE_PER && !found; i++) {
				const uint8_t *e = d + i * KP_DE_SIZE;
				if (kp_ld64(e + KP_DE_INO) != ino)
					continue;
				size_t nl = e[KP_DE_LEN] | (size_t)e[KP_DE_LEN + 1] << 8;
				if (nl > VX_KEEP_NAME_MAX || nl + 1 > at) {
					kp_put(v, s);
					return VX_E_TOOBIG;
				}
				if (at != len - 1)
					buf[--at] = '/';
				at -= nl;
				memcpy(buf + at, e + KP_DE_NAME, nl);
				found = true;
			}
			kp_put(v, s);
		}
		if (!found)
			return VX_E_NOTFOUND;
		ino = dir.ino;
	}
	memmove(buf, buf + at, len - at);
	return 0;
}

/* --- snapshots ----------------------------------------------------------- */

static int snap_name_ok(const char *name, size_t *len)
{
	if (!name)
		return VX_E_INVAL;
	*len = kp_strnlen(name, VX_KEEP_SNAP_NAME + 1);
	if (*len > VX_KEEP_SNAP_NAME)
		return VX_E_TOOBIG;
	if (*len == 0 || kp_has((const uint8_t *)name, *len, '/'))
		return VX_E_INVAL;
	return 0;
}

/* Snapshot entry i, pinned (dirty if w). */
static int snap_entry(struct vx_keep *v, uint32_t i, bool w, int *s, uint8_t **e)
{
	int rc = kp_get(v, 0, KP_OBJ_SNAP, 0, i / KP_SNAP_PER, 0, s);
	if (rc == 0 && w)
		rc = kp_dirty(v, *s);
	if (rc < 0) {
		kp_put(v, *s);
		return rc;
	}
	*e = kp_data(v, *s) + (i % KP_SNAP_PER) * KP_SNAP_SIZE;
	return 0;
}

static uint32_t nsnaps(struct vx_keep *v)
{
	uint32_t n = kp_ld32(kp_data(v, (int)v->root) + KP_R_NSNAPS);
	return n > VX_KEEP_SNAP_MAX ? VX_KEEP_SNAP_MAX : n;
}

/* The index of snapshot name: 1 with *idx, 0 if absent, or an error. */
static int snap_find(struct vx_keep *v, const char *name, size_t len, uint32_t *idx)
{
	for (uint32_t i = 0; i < nsnaps(v); i++) {
		int s;
		uint8_t *e;
		int rc = snap_entry(v, i, false, &s, &e);
		if (rc < 0)
			return rc;
		bool hit = memcmp(e + KP_S_NAME, name, len) == 0 && e[KP_S_NAME + len] == 0;
		kp_put(v, s);
		if (hit) {
			*idx = i;
			return 1;
		}
	}
	return 0;
}

int vx_keep_snap_create(struct vx_keep *v, const char *name)
{
	size_t len;
	uint32_t idx;
	int rc = change_ok(v);
	if (rc == 0)
		rc = snap_name_ok(name, &len);
	if (rc == 0)
		rc = snap_find(v, name, len, &idx);
	if (rc < 0)
		return rc;
	if (rc == 1)
		return VX_E_EXISTS;
	uint32_t n = nsnaps(v);
	if (n >= VX_KEEP_SNAP_MAX)
		return VX_E_FULL;
	rc = vx_keep_sync(v);
	if (rc < 0)
		return rc;
	/* The committed tree: the root block as just written. */
	const uint8_t *r = kp_data(v, (int)v->root);
	uint8_t ibp[KP_BP_SIZE];
	memcpy(ibp, r + KP_R_TREES, KP_BP_SIZE);
	unsigned h = r[KP_R_TREES + KP_TREE_HEIGHT];
	int s;
	uint8_t *e;
	kp_il_off(v);
	rc = snap_entry(v, n, true, &s, &e);
	if (rc < 0)
		return kp_fail(v, rc, v->why);
	memset(e, 0, KP_SNAP_SIZE);
	memcpy(e + KP_S_NAME, name, len);
	kp_st64(e + KP_S_TXG, v->txg - 1);
	kp_st64(e + KP_S_INOS, v->ino_next);
	e[KP_S_HEIGHT] = (uint8_t)h;
	memcpy(e + KP_S_BP, ibp, KP_BP_SIZE);
	kp_put(v, s);
	kp_st32(kp_data(v, (int)v->root) + KP_R_NSNAPS, n + 1);
	v->last_snap = v->txg - 1;
	return vx_keep_sync(v);
}

int vx_keep_snap_list(struct vx_keep *v, uint32_t index, struct vx_keep_snapinfo *info)
{
	if (v->broken)
		return VX_E_STATE;
	if (index >= nsnaps(v))
		return 0;
	int s;
	uint8_t *e;
	int rc = snap_entry(v, index, false, &s, &e);
	if (rc < 0)
		return rc;
	memcpy(info->name, e + KP_S_NAME, VX_KEEP_SNAP_NAME);
	info->name[VX_KEEP_SNAP_NAME] = 0;
	info->txg = kp_ld64(e + KP_S_TXG);
	kp_put(v, s);
	return 1;
}

int vx_keep_snap_open(struct vx_keep *v, const char *name, uint64_t *view)
{
	size_t len;
	uint32_t idx;
	if (v->broken)
		return VX_E_STATE;
	int rc = snap_name_ok(name, &len);
	if (rc == 0)
		rc = snap_find(v, name, len, &idx);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return VX_E_NOTFOUND;
	struct vx_keep_snapinfo info;
	rc = vx_keep_snap_list(v, idx, &info);
	if (rc < 0)
		return rc;
	*view = info.txg;
	uint8_t *bp;
	unsigned h;
	uint64_t inos;
	return kp_view(v, *view, &bp, &h, &inos);
}

int vx_keep_snap_delete(struct vx_keep *v, const char *name)
{
	size_t len;
	uint32_t idx;
	int rc = change_ok(v);
	if (rc == 0)
		rc = snap_name_ok(name, &len);
	if (rc == 0)
		rc = snap_find(v, name, len, &idx);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return VX_E_NOTFOUND;
	uint32_t n = nsnaps(v);
	uint64_t gone = 0;
	kp_il_off(v);
	/* Close the gap: every later entry moves down by one. */
	for (uint32_t i = idx; i < n && rc >= 0; i++) {
		int s, t;
		uint8_t *e, *f;
		rc = snap_entry(v, i, true, &s, &e);
		if (rc < 0)
			break;
		if (i == idx)
			gone = kp_ld64(e + KP_S_TXG);
		if (i + 1 < n) {
			rc = snap_entry(v, i + 1, false, &t, &f);
			if (rc == 0) {
				memcpy(v->scratch, f, KP_SNAP_SIZE);
				kp_put(v, t);
				memcpy(e, v->scratch, KP_SNAP_SIZE);
			}
		} else {
			memset(e, 0, KP_SNAP_SIZE);
		}
		kp_put(v, s);
	}
	if (rc < 0)
		return kp_fail(v, rc, v->why);
	int s;
	uint8_t *e;
	v->last_snap = 0;
	if (n > 1 && (rc = snap_entry(v, n - 2, false, &s, &e)) == 0) {
		v->last_snap = kp_ld64(e + KP_S_TXG);
		kp_put(v, s);
	}
	if (rc < 0)
		return kp_fail(v, rc, v->why);
	rc = kp_dirty(v, (int)v->root);
	if (rc < 0)
		return rc;
	kp_st32(kp_data(v, (int)v->root) + KP_R_NSNAPS, n - 1);
	for (int i = 0; i < 4; i++)
		if (v->views[i].txg == gone)
			v->views[i].txg = 0;
	kp_drop_obj(v, gone, KP_OBJ_ANY);
	/* The table change and the frees it allows commit together. */
	long freed = vx_keep_reclaim(v);
	return freed < 0 ? (int)freed : 0;
}
