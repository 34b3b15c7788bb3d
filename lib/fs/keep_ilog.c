/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Keep's intent log (lib/fs/keep.h, docs/FS.md "The intent log"): fsync
 * without a commit.  While every change of the open txg is a write to a
 * plain file, a create, a mkdir, an unlink, a rename or a truncate,
 * vx_keep_fsync writes the data blocks those writes changed to the
 * places the cache already gave them, then one log block naming the name
 * changes and truncates in order (directories, names, inode, generation,
 * size) and each block (file, generation, block, size, address, BLAKE3),
 * and flushes once.  The committed root names where the txg's chain
 * starts; each log block names where the next one will go.  The next
 * commit frees the chain (deferred, like any block a committed root can
 * reach) and names a new start.  Mount follows the chain from the root,
 * applies every whole fsync whose blocks all verify, and commits (a
 * read-only mount keeps the result in its cache).
 *
 * Working memory: v->il_buf (one block being built or read), v->il_list
 * (the chain's addresses, then the blocks written since the last fsync)
 * and v->il_ns (the name records since the last fsync).
 * Replay borrows the mark bitmap of check and reclaim for the set of
 * blocks the chain claims.
 */
#include <stddef.h>
#include <stdint.h>

#include "vectra/abi.h"
#include "vx_string.h"
#include "fs/keep_int.h"

static uint64_t *chain(struct vx_keep *v)
{
	return (uint64_t *)(void *)v->il_list;
}

static uint8_t *pend(struct vx_keep *v, uint32_t i)
{
	return v->il_list + KP_IL_PEND_OFF + (size_t)i * 16;
}

static uint16_t ld16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void st16(uint8_t *p, uint16_t x)
{
	p[0] = (uint8_t)x;
	p[1] = (uint8_t)(x >> 8);
}

/* Bytes of a log block with n records that matter (the rest is never
 * written): the header, the records and the checksum after them. */
static size_t il_bytes(uint32_t n)
{
	return KP_IL_REC + (size_t)n * KP_IL_RSIZE + 32;
}

/* --- what the open txg holds ---------------------------------------------- */

/* Block blkid of file ino was written: the next fsync logs it. */
void kp_il_note(struct vx_keep *v, uint64_t ino, uint64_t blkid)
{
	if (v->il_unlogged)
		return;
	for (uint32_t i = v->il_npend; i-- > 0;) {
		const uint8_t *p = pend(v, i);
		if (kp_ld64(p) == ino && kp_ld64(p + 8) == blkid)
			return;
	}
	if (v->il_npend >= KP_IL_PEND_MAX) {
		v->il_unlogged = true; /* too much for one fsync: commit instead */
		return;
	}
	uint8_t *p = pend(v, v->il_npend++);
	kp_st64(p, ino);
	kp_st64(p + 8, blkid);
}

static bool name_op(uint32_t op)
{
	return op == KP_ILOP_CREATE || op == KP_ILOP_UNLINK || op == KP_ILOP_RENAME;
}

/* Bytes of names a name record holds: a rename's two, one after the other. */
static uint32_t rec_names(const uint8_t *rec)
{
	uint32_t len = ld16(rec + KP_ILR_NTYPE + 2);
	if (kp_ld32(rec + KP_ILR_OP) == KP_ILOP_RENAME)
		len += rec[KP_ILR_NTYPE + 1];
	return len;
}

/* Slots a record takes: a name record's names run past its first slot. */
static uint32_t rec_slots(const uint8_t *rec)
{
	uint32_t op = kp_ld32(rec + KP_ILR_OP);
	if (!name_op(op))
		return 1;
	uint32_t len = rec_names(rec);
	return len <= KP_IL_RSIZE - KP_ILR_NAME
		   ? 1
		   : 1 + (len - (KP_IL_RSIZE - KP_ILR_NAME) + KP_IL_RSIZE - 1) / KP_IL_RSIZE;
}

/* Queues name record rec (its first slot) with its names: the next fsync
 * logs it, before the blocks written (its records apply in order, then
 * the blocks'). */
static void name_rec(struct vx_keep *v, const uint8_t *rec, const char *n1, size_t l1,
		     const char *n2, size_t l2)
{
	if (v->il_unlogged)
		return;
	uint32_t n = rec_slots(rec);
	if (v->il_nsused + n > KP_IL_NS_MAX) {
		v->il_unlogged = true;
		return;
	}
	uint8_t *at = v->il_ns + (size_t)v->il_nsused * KP_IL_RSIZE;
	memset(at, 0, (size_t)n * KP_IL_RSIZE);
	memcpy(at, rec, l1 ? KP_ILR_NAME : KP_IL_RSIZE);
	if (l1)
		memcpy(at + KP_ILR_NAME, n1, l1);
	if (l2)
		memcpy(at + KP_ILR_NAME + l1, n2, l2);
	v->il_nsused += n;
}

/* A name-queue record's common head: op on node ino, generation gen. */
static void rec_head(uint8_t rec[KP_IL_RSIZE], unsigned op, uint64_t ino, uint64_t gen)
{
	memset(rec, 0, KP_IL_RSIZE);
	kp_st32(rec + KP_ILR_OP, op);
	kp_st64(rec + KP_ILR_INO, ino);
	kp_st64(rec + KP_ILR_GEN, gen);
}

/* A create or an unlink in directory dir. */
void kp_il_name(struct vx_keep *v, unsigned op, uint64_t dir, uint64_t ino, uint64_t gen,
		unsigned type, unsigned flags, const char *name, size_t len)
{
	uint8_t rec[KP_IL_RSIZE];
	rec_head(rec, op, ino, gen);
	rec[KP_ILR_NTYPE] = (uint8_t)type;
	rec[KP_ILR_NTYPE + 1] = (uint8_t)flags;
	st16(rec + KP_ILR_NTYPE + 2, (uint16_t)len);
	kp_st64(rec + KP_ILR_DIR, dir);
	name_rec(v, rec, name, len, NULL, 0);
}

/* A truncate (or a size set past the end) of file ino, generation gen:
 * queued with the name records, in order (a later write's record holds
 * the block as it is at the fsync). */
void kp_il_truncate(struct vx_keep *v, uint64_t ino, uint64_t gen, uint64_t size)
{
	uint8_t rec[KP_IL_RSIZE];
	rec_head(rec, KP_ILOP_TRUNC, ino, gen);
	kp_st64(rec + KP_ILR_SIZE, size);
	name_rec(v, rec, NULL, 0, NULL, 0);
}

/* A rename of node ino (generation gen) from fname in directory fdir to
 * tname in directory tdir (replacing what that name held). */
void kp_il_rename(struct vx_keep *v, uint64_t fdir, const char *fname, size_t flen, uint64_t tdir,
		  const char *tname, size_t tlen, uint64_t ino, uint64_t gen, unsigned type)
{
	uint8_t rec[KP_IL_RSIZE];
	rec_head(rec, KP_ILOP_RENAME, ino, gen);
	rec[KP_ILR_NTYPE] = (uint8_t)type;
	rec[KP_ILR_NTYPE + 1] = (uint8_t)tlen;
	st16(rec + KP_ILR_NTYPE + 2, (uint16_t)flen);
	kp_st64(rec + KP_ILR_DIR, fdir);
	kp_st64(rec + KP_ILR_TODIR, tdir);
	name_rec(v, rec, fname, flen, tname, tlen);
}

/* The open txg holds a change the log cannot express: fsync commits. */
void kp_il_off(struct vx_keep *v)
{
	v->il_unlogged = true;
}

/* Replay: is blk one the chain claims (the allocator must skip it)? */
bool kp_il_avoid(const struct vx_keep *v, uint64_t blk)
{
	for (uint32_t i = 0; i < v->il_navoid; i++)
		if (v->il_avoid[i] == blk)
			return true;
	return false;
}

/* --- the chain across commits ---------------------------------------------- */

/* The chain id of the txg after the one committing: the committed root's
 * checksum, which no other commit shares and no file's owner can read. */
static void chain_id(struct vx_keep *v, uint8_t out[16])
{
	memcpy(out, v->il_salt, 16);
}

/* Two adjacent free blocks, marked used: the reserved data block and the
 * log block after it (so blkbuf sends both in one request); after a few
 * tries, one block and no reserve. */
static int alloc_pair(struct vx_keep *v, uint64_t *spare, uint64_t *next)
{
	for (int tries = 0;; tries++) {
		uint64_t a[2];
		int rc = kp_alloc(v, false, a);
		if (rc < 0)
			return rc;
		rc = kp_claim(v, a[0] + 1);
		if (rc < 0)
			return rc;
		if (rc == 1) {
			*spare = a[0];
			*next = a[0] + 1;
			return 0;
		}
		if (tries == 7) {
			*spare = 0;
			*next = a[0];
			return 0;
		}
		rc = kp_bit_clear(v, a[0]);
		if (rc < 0)
			return rc;
	}
}

/* Frees a block of the chain's bookkeeping: deferred if the committed root
 * names it (a fallback to that root may read it), else now. */
static int drop(struct vx_keep *v, uint64_t blk, uint64_t named)
{
	if (!blk)
		return 0;
	return blk == named ? kp_defer(v, blk) : kp_bit_clear(v, blk);
}

/* In the commit of the open txg (root dirty, before the free log is
 * placed): frees this txg's chain and names the next txg's start. */
int kp_il_commit(struct vx_keep *v, uint8_t *r)
{
	int rc = 0;
	for (uint32_t i = 0; i < v->il_nchain && rc == 0; i++)
		rc = kp_defer(v, chain(v)[i]);
	bool carry = v->il_nchain == 0 && v->il_next && v->il_next == v->il_head && v->il_spare &&
		     v->il_spare == v->il_cspare;
	if (rc == 0 && !carry) {
		rc = drop(v, v->il_next, v->il_head);
		if (rc == 0)
			rc = drop(v, v->il_spare, v->il_cspare);
		v->il_next = v->il_spare = 0;
		if (rc == 0)
			rc = alloc_pair(v, &v->il_spare, &v->il_next);
	}
	if (rc < 0)
		return rc;
	v->il_nchain = 0;
	kp_st64(r + KP_R_IL_HEAD, v->il_next);
	kp_st64(r + KP_R_IL_SPARE, v->il_spare);
	chain_id(v, r + KP_R_IL_ID);
	return 0;
}

/* After the commit (v->txg is the new open txg). */
void kp_il_committed(struct vx_keep *v)
{
	const uint8_t *r = kp_data(v, (int)v->root);
	v->il_head = v->il_next;
	v->il_cspare = v->il_spare;
	memcpy(v->il_id, r + KP_R_IL_ID, 16);
	memcpy(v->il_salt, v->root_bp + KP_BP_SUM, 32);
	v->il_seq = 0;
	v->il_nchain = v->il_npend = v->il_addrs = v->il_nsused = 0;
	v->il_unlogged = false;
}

bool kp_il_root_ok(const struct vx_keep *v, const uint8_t *r)
{
	uint64_t head = kp_ld64(r + KP_R_IL_HEAD), spare = kp_ld64(r + KP_R_IL_SPARE);
	return (head == 0 || kp_addr_ok(v, head)) && (spare == 0 || kp_addr_ok(v, spare)) &&
	       (spare == 0 || spare != head);
}

/* Mount: the log state of the committed root (checked by kp_il_root_ok). */
void kp_il_load(struct vx_keep *v, const uint8_t *r)
{
	v->il_head = v->il_next = kp_ld64(r + KP_R_IL_HEAD);
	v->il_cspare = v->il_spare = kp_ld64(r + KP_R_IL_SPARE);
	memcpy(v->il_id, r + KP_R_IL_ID, 16);
	memcpy(v->il_salt, v->root_bp + KP_BP_SUM, 32);
	v->il_seq = 0;
	v->il_nchain = v->il_npend = v->il_addrs = v->il_nsused = 0;
	v->il_unlogged = false;
	v->il_avoid = NULL;
	v->il_navoid = 0;
	v->il_stop = VX_KEEP_IL_NONE;
	v->il_replayed = 0;
}

/* --- fsync ------------------------------------------------------------------ */

/* Writes out block blkid of file ino if it is dirty, marks its pointer as
 * named by the log, and fills record rec. */
static int make_record(struct vx_keep *v, uint64_t ino, uint64_t blkid, uint8_t *rec)
{
	int s = kp_find(v, 0, ino, 0, blkid);
	int rc = 0;
	if (s >= 0 && v->slots[s].dirty)
		rc = kp_writeout(v, s);
	uint8_t *bp;
	int ps;
	struct kp_key pk;
	if (rc == 0)
		rc = kp_parent(v, 0, ino, 0, blkid, &bp, &ps, &pk);
	if (rc < 0)
		return rc;
	if (!bp || ps < 0)
		rc = VX_E_STATE;
	if (rc == 0)
		rc = kp_dirty(v, ps);
	if (rc == 0) {
		bp = kp_data(v, ps) + pk.off;
		if (kp_ld64(bp + KP_BP_ADDR0) == 0 || (bp[KP_BP_FLAGS] & KP_BPF_DEDUP))
			rc = VX_E_STATE;
	}
	if (rc == 0) {
		bp[KP_BP_FLAGS] |= KP_BPF_LOGGED;
		memset(rec, 0, KP_IL_RSIZE);
		kp_st32(rec + KP_ILR_OP, KP_ILOP_WRITE);
		kp_st64(rec + KP_ILR_INO, ino);
		kp_st64(rec + KP_ILR_BLKID, blkid);
		kp_st64(rec + KP_ILR_ADDR, kp_ld64(bp + KP_BP_ADDR0));
		memcpy(rec + KP_ILR_SUM, bp + KP_BP_SUM, 32);
	}
	kp_put(v, ps);
	int is;
	uint8_t *ip;
	if (rc == 0)
		rc = kp_inode(v, 0, ino, &is, &ip);
	if (rc == 0) {
		kp_st64(rec + KP_ILR_GEN, kp_ld64(ip + KP_I_GEN));
		kp_st64(rec + KP_ILR_SIZE, kp_ld64(ip + KP_I_SIZE));
		kp_put(v, is);
	}
	return rc;
}

/* Drops pending blocks no file holds now: past their file's end (a write
 * that failed before the size changed), of a file since unlinked, or
 * holes (the inode made again for another file).  Nothing can read them,
 * and a record for one would be a lie that stops replay. */
static int pend_trim(struct vx_keep *v)
{
	uint32_t keep = 0;
	for (uint32_t i = 0; i < v->il_npend; i++) {
		uint8_t *p = pend(v, i);
		uint64_t ino = kp_ld64(p), blkid = kp_ld64(p + 8);
		int s;
		uint8_t *ip;
		int rc = kp_inode(v, 0, ino, &s, &ip);
		if (rc < 0)
			return rc;
		bool live = ip[KP_I_TYPE] == VX_KEEP_FILE &&
			    blkid < kp_ld64(ip + KP_I_SIZE) / KP_BLOCK +
					(kp_ld64(ip + KP_I_SIZE) % KP_BLOCK != 0);
		kp_put(v, s);
		/* A file unlinked and its inode made again: a block the new
		 * file never wrote is a hole. */
		uint8_t *bp;
		int ps;
		struct kp_key pk;
		if (live && (rc = kp_parent(v, 0, ino, 0, blkid, &bp, &ps, &pk)) < 0)
			return rc;
		if (live)
			live = bp && kp_ld64(bp + KP_BP_ADDR0) != 0, kp_put(v, ps);
		if (live)
			memmove(pend(v, keep++), p, 16);
	}
	v->il_npend = keep;
	return 0;
}

/* Writes v->il_buf, holding k record slots, as the chain's next block
 * (the last of this fsync if last). */
static int put_block(struct vx_keep *v, uint32_t k, bool last)
{
	uint8_t *b = v->il_buf;
	uint64_t at = v->il_next, next = 0, spare = 0;
	int rc;
	if (last) {
		/* The last block reserves the next data block beside the next
		 * log block; the reserve left unused is released. */
		rc = drop(v, v->il_spare, v->il_cspare);
		v->il_spare = 0;
		if (rc == 0)
			rc = alloc_pair(v, &spare, &next);
	} else {
		uint64_t a[2];
		rc = kp_alloc(v, false, a);
		next = a[0];
	}
	if (rc < 0)
		return rc;
	memcpy(b, KP_IL_MAGIC, 8);
	kp_st64(b + KP_IL_TXG, v->txg);
	kp_st64(b + KP_IL_SEQ, v->il_seq);
	kp_st64(b + KP_IL_NEXT, next);
	memcpy(b + KP_IL_ID, v->il_id, 16);
	st16(b + KP_IL_NREC, (uint16_t)k);
	st16(b + KP_IL_FLAGS, last ? KP_ILF_LAST : 0);
	memset(b + 52, 0, KP_IL_REC - 52);
	kp_hash(b, il_bytes(k) - 32, b + il_bytes(k) - 32);
	uint32_t sectors = (uint32_t)((il_bytes(k) + KP_SECTOR - 1) / KP_SECTOR);
	rc = v->dev.write(v->dev.ctx, at * KP_SPB, sectors, b);
	if (rc < 0) {
		v->why = VX_KEEP_IO;
		return rc;
	}
	chain(v)[v->il_nchain++] = at;
	v->il_addrs++;
	v->il_seq++;
	v->il_next = next;
	if (last)
		v->il_spare = spare;
	return 0;
}

/* Logs the name records and then every block written since the last log
 * block, in blocks of up to KP_IL_RPER record slots (a record never
 * split), the last flagged; then one flush. */
static int il_write(struct vx_keep *v)
{
	uint8_t *b = v->il_buf;
	int rc = pend_trim(v);
	if (rc < 0 || (v->il_npend == 0 && v->il_nsused == 0))
		return rc;
	uint32_t k = 0;
	for (uint32_t at = 0; at < v->il_nsused && rc == 0;) {
		uint32_t n = rec_slots(v->il_ns + (size_t)at * KP_IL_RSIZE);
		if (k + n > KP_IL_RPER) {
			rc = put_block(v, k, false);
			k = 0;
		}
		memcpy(b + KP_IL_REC + (size_t)k * KP_IL_RSIZE, v->il_ns + (size_t)at * KP_IL_RSIZE,
		       (size_t)n * KP_IL_RSIZE);
		k += n;
		at += n;
	}
	for (uint32_t i = 0; i < v->il_npend && rc == 0; i++) {
		if (k == KP_IL_RPER) {
			rc = put_block(v, k, false);
			k = 0;
		}
		const uint8_t *p = pend(v, i);
		if (rc == 0)
			rc = make_record(v, kp_ld64(p), kp_ld64(p + 8),
					 b + KP_IL_REC + (size_t)k * KP_IL_RSIZE);
		k++;
	}
	if (rc == 0)
		rc = put_block(v, k, true);
	if (rc == 0)
		rc = v->dev.flush(v->dev.ctx);
	if (rc == 0) {
		v->il_addrs += v->il_npend;
		v->il_npend = 0;
		v->il_nsused = 0;
		v->il_fsyncs++;
	}
	return rc;
}

int vx_keep_fsync(struct vx_keep *v, const struct vx_keep_node *n)
{
	(void)n;
	if (v->broken)
		return VX_E_STATE;
	if (v->flags & VX_KEEP_RDONLY)
		return 0;
	uint32_t blocks = (v->il_npend + v->il_nsused + KP_IL_RPER - 1) / KP_IL_RPER + 1;
	if ((v->flags & VX_KEEP_NOILOG) || v->il_unlogged || !v->il_next ||
	    v->il_nchain + blocks > KP_IL_CHAIN_MAX ||
	    v->il_addrs + v->il_npend + blocks > KP_IL_ADDR_MAX)
		return vx_keep_sync(v);
	if (v->il_npend == 0 && v->il_nsused == 0)
		return 0; /* every change is in the log already */
	int rc = il_write(v);
	return rc < 0 ? kp_break(v, rc) : 0;
}

/* --- replay and validation -------------------------------------------------- */

/* The chain as read: where a walk got to. */
struct scan {
	uint64_t *set; /* blocks the chain claims, in order */
	uint32_t nset, cap;
	uint32_t blocks;	/* log blocks read and accepted */
	uint32_t good;		/* ... of which the whole fsyncs */
	uint32_t good_set;	/* set entries of the whole fsyncs */
	uint64_t records;	/* records of the whole fsyncs */
	uint64_t block_records; /* records of every block accepted */
	uint32_t groups;	/* whole fsyncs */
	uint64_t bad;		/* the block a stop names */
	enum vx_keep_ilstop stop;
};

static bool in_set(const struct scan *sc, uint64_t a)
{
	for (uint32_t i = 0; i < sc->nset; i++)
		if (sc->set[i] == a)
			return true;
	return false;
}

/* Is blk free in the committed free map (the one mount loaded)? */
static int map_free(struct vx_keep *v, uint64_t blk, bool *free)
{
	int s;
	int rc = kp_get(v, 0, KP_OBJ_BITMAP, 0, blk / KP_BITS_PER, 0, &s);
	if (rc == 0)
		*free = !(kp_data(v, s)[(blk % KP_BITS_PER) / 8] & (1u << (blk % 8)));
	kp_put(v, s);
	return rc;
}

static bool sum_ok(struct vx_keep *v, const uint8_t *p, size_t n, const uint8_t *want)
{
	uint8_t sum[32];
	kp_hash(p, n, sum);
	return memcmp(sum, want, 32) == 0 || (v->flags & VX_KEEP_NOVERIFY);
}

/* Checks one record of a block the chain accepted; 0, a stop reason, or a
 * negative error (device, or a damaged committed tree). */
static int check_record(struct vx_keep *v, struct scan *sc, const uint8_t *rec)
{
	uint64_t ino = kp_ld64(rec + KP_ILR_INO), blkid = kp_ld64(rec + KP_ILR_BLKID);
	uint64_t size = kp_ld64(rec + KP_ILR_SIZE), a = kp_ld64(rec + KP_ILR_ADDR);
	int rc;
	if (kp_ld32(rec + KP_ILR_OP) != KP_ILOP_WRITE || kp_ld32(rec + 4) != 0)
		return VX_KEEP_IL_BAD_RECORD;
	/* Whether the inode is a live file of that generation depends on the
	 * names the records before it make: apply() checks it. */
	if (ino < 2 || ino > VX_KEEP_INO_MAX)
		return VX_KEEP_IL_BAD_INODE;
	if (size > VX_KEEP_FILE_MAX || blkid >= VX_KEEP_FILE_MAX / KP_BLOCK ||
	    blkid * KP_BLOCK >= size)
		return VX_KEEP_IL_BAD_OFFSET;
	if (!kp_addr_ok(v, a))
		return VX_KEEP_IL_BAD_ADDR;
	bool free = a == v->il_cspare;
	if (!free && (rc = map_free(v, a, &free)) < 0)
		return rc;
	if (!free || in_set(sc, a))
		return VX_KEEP_IL_IN_USE;
	rc = kp_dev_read(v, a, v->scratch2);
	if (rc < 0)
		return rc;
	if (!sum_ok(v, v->scratch2, KP_BLOCK, rec + KP_ILR_SUM))
		return VX_KEEP_IL_NO_DATA;
	return 0;
}

/* Checks a create, unlink or rename record (the names are checked when
 * it applies) with room slots left in its block; 0 or a stop reason. */
static int check_name(const uint8_t *rec, uint32_t room)
{
	uint32_t len = ld16(rec + KP_ILR_NTYPE + 2);
	uint64_t ino = kp_ld64(rec + KP_ILR_INO), to = kp_ld64(rec + KP_ILR_TODIR);
	bool rename = kp_ld32(rec + KP_ILR_OP) == KP_ILOP_RENAME;
	if (rename && (rec[KP_ILR_NTYPE + 1] == 0 || to == 0 || to > VX_KEEP_INO_MAX))
		return VX_KEEP_IL_BAD_RECORD;
	if (len == 0 || len > VX_KEEP_NAME_MAX || rec_slots(rec) > room || (!rename && to != 0) ||
	    ino < 2 || ino > VX_KEEP_INO_MAX || kp_ld64(rec + KP_ILR_DIR) == 0 ||
	    kp_ld64(rec + KP_ILR_DIR) > VX_KEEP_INO_MAX)
		return VX_KEEP_IL_BAD_RECORD;
	return 0;
}

/* Checks a truncate record (whether its inode is a live file depends on
 * the records before it: it is checked as it applies); 0 or a stop
 * reason. */
static int check_trunc(const uint8_t *rec)
{
	uint64_t ino = kp_ld64(rec + KP_ILR_INO);
	if (kp_ld32(rec + 4) != 0 || kp_ld64(rec + KP_ILR_BLKID) != 0)
		return VX_KEEP_IL_BAD_RECORD;
	for (unsigned i = KP_ILR_ADDR; i < KP_IL_RSIZE; i++)
		if (rec[i])
			return VX_KEEP_IL_BAD_RECORD;
	if (ino < 2 || ino > VX_KEEP_INO_MAX)
		return VX_KEEP_IL_BAD_INODE;
	if (kp_ld64(rec + KP_ILR_SIZE) > VX_KEEP_FILE_MAX)
		return VX_KEEP_IL_BAD_OFFSET;
	return 0;
}

/* Reads and checks log block `at`, the chain's block number seq, into
 * v->il_buf; 0, a stop reason, or a negative error. */
static int check_block(struct vx_keep *v, struct scan *sc, uint64_t at, uint64_t seq)
{
	uint8_t *b = v->il_buf;
	if (!kp_addr_ok(v, at))
		return VX_KEEP_IL_BAD_NEXT;
	if (in_set(sc, at))
		return VX_KEEP_IL_LOOP;
	int rc = kp_dev_read(v, at, b);
	if (rc < 0)
		return rc;
	if (memcmp(b, KP_IL_MAGIC, 8) != 0)
		return VX_KEEP_IL_END;
	if (kp_ld64(b + KP_IL_TXG) != v->txg || memcmp(b + KP_IL_ID, v->il_id, 16) != 0 ||
	    kp_ld64(b + KP_IL_SEQ) != seq)
		return VX_KEEP_IL_STALE;
	uint32_t n = ld16(b + KP_IL_NREC);
	if (n == 0 || n > KP_IL_RPER || (ld16(b + KP_IL_FLAGS) & ~KP_ILF_LAST))
		return VX_KEEP_IL_BAD_SUM; /* a header no fsync wrote: damage */
	if (!sum_ok(v, b, il_bytes(n) - 32, b + il_bytes(n) - 32))
		return VX_KEEP_IL_BAD_SUM;
	if (sc->blocks + 1 > KP_IL_CHAIN_MAX || sc->nset + n + 1 > sc->cap)
		return VX_KEEP_IL_TOO_LONG;
	uint64_t next = kp_ld64(b + KP_IL_NEXT);
	if (!kp_addr_ok(v, next))
		return VX_KEEP_IL_BAD_NEXT;
	bool free = at == v->il_head;
	if (!free && (rc = map_free(v, at, &free)) < 0)
		return rc;
	if (!free)
		return VX_KEEP_IL_IN_USE;
	return 0;
}

/* Walks the chain from the committed root's head: every block and record
 * checked, the set of blocks claimed, where the whole fsyncs end.  A
 * check (report non-NULL) reports each impossible thing it meets. */
static int scan(struct vx_keep *v, struct scan *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->set = (uint64_t *)(void *)v->mark;
	sc->cap = (uint32_t)(v->mark_bits / 64);
	if (sc->cap > 2 * KP_IL_ADDR_MAX)
		sc->cap = 2 * KP_IL_ADDR_MAX;
	uint64_t at = v->il_head;
	if (!at)
		return 0;
	if (v->il_limit == 0) {
		sc->stop = v->il_why;
		return 0;
	}
	for (;;) {
		int rc = check_block(v, sc, at, sc->blocks);
		if (rc < 0)
			return rc;
		if (rc > 0) {
			sc->stop = (enum vx_keep_ilstop)rc;
			sc->bad = at;
			break;
		}
		/* il_buf holds the block; check_record reads into scratch2. */
		uint32_t n = ld16(v->il_buf + KP_IL_NREC);
		uint64_t next = kp_ld64(v->il_buf + KP_IL_NEXT);
		bool last = ld16(v->il_buf + KP_IL_FLAGS) & KP_ILF_LAST;
		uint32_t mark = sc->nset;
		sc->set[sc->nset++] = at;
		for (uint32_t i = 0; i < n && rc == 0;) {
			const uint8_t *rec = v->il_buf + KP_IL_REC + i * KP_IL_RSIZE;
			uint32_t op = kp_ld32(rec + KP_ILR_OP);
			if (name_op(op)) {
				rc = check_name(rec, n - i);
				i += rc == 0 ? rec_slots(rec) : 1;
			} else if (op == KP_ILOP_TRUNC) {
				rc = check_trunc(rec);
				i++;
			} else {
				rc = check_record(v, sc, rec);
				if (rc == 0)
					sc->set[sc->nset++] = kp_ld64(rec + KP_ILR_ADDR);
				i++;
			}
			if (rc == 0)
				sc->block_records++;
			else if (rc > 0)
				sc->bad = at;
		}
		if (rc < 0)
			return rc;
		if (rc > 0) {
			sc->stop = (enum vx_keep_ilstop)rc;
			sc->nset = mark;
			break;
		}
		sc->blocks++;
		if (last) {
			sc->good = sc->blocks;
			sc->good_set = sc->nset;
			sc->records = sc->block_records;
			if (++sc->groups >= v->il_limit) {
				sc->stop = v->il_why; /* a retry: this far */
				return 0;
			}
		}
		at = next;
	}
	if (sc->blocks > sc->good && sc->stop <= VX_KEEP_IL_NO_DATA)
		sc->stop = VX_KEEP_IL_PARTIAL;
	return 0;
}

/* Applies a create, unlink or rename record: 0, or a stop reason if it
 * does not apply as it did when it was logged. */
static int apply_name(struct vx_keep *v, const uint8_t *rec)
{
	uint32_t op = kp_ld32(rec + KP_ILR_OP), len = ld16(rec + KP_ILR_NTYPE + 2);
	uint64_t ino = kp_ld64(rec + KP_ILR_INO), gen = kp_ld64(rec + KP_ILR_GEN);
	uint64_t dir = kp_ld64(rec + KP_ILR_DIR), made = 0;
	const char *name = (const char *)rec + KP_ILR_NAME;
	int rc;
	if (op == KP_ILOP_CREATE) {
		rc = kp_ns_create(v, dir, name, len, rec[KP_ILR_NTYPE], rec[KP_ILR_NTYPE + 1],
				  &made);
		int s;
		uint8_t *ip;
		if (rc == 0 && made != ino)
			rc = VX_E_STALE;
		if (rc == 0 && (rc = kp_inode(v, 0, ino, &s, &ip)) == 0) {
			if (kp_ld64(ip + KP_I_GEN) != gen)
				rc = VX_E_STALE;
			kp_put(v, s);
		}
	} else if (op == KP_ILOP_UNLINK) {
		rc = kp_ns_unlink(v, dir, name, len, ino, gen);
	} else {
		rc = kp_ns_rename(v, dir, name, len, kp_ld64(rec + KP_ILR_TODIR), name + len,
				  rec[KP_ILR_NTYPE + 1], ino, gen);
	}
	if (rc == VX_E_CORRUPT || rc == VX_E_STATE || (rc < 0 && v->why == VX_KEEP_IO))
		return rc;
	return rc < 0 ? VX_KEEP_IL_BAD_NAME : 0;
}

/* Applies a truncate record: 0, a negative error, or a stop reason if no
 * live plain file of that generation has that inode now. */
static int apply_trunc(struct vx_keep *v, const uint8_t *rec)
{
	uint64_t ino = kp_ld64(rec + KP_ILR_INO);
	if (ino >= v->ino_next)
		return VX_KEEP_IL_BAD_INODE;
	int rc = kp_ns_truncate(v, ino, kp_ld64(rec + KP_ILR_GEN), kp_ld64(rec + KP_ILR_SIZE));
	if (rc == VX_E_CORRUPT || rc == VX_E_STATE || (rc < 0 && v->why == VX_KEEP_IO))
		return rc;
	return rc < 0 ? VX_KEEP_IL_BAD_INODE : 0;
}

/* Makes block blkid of file ino the logged block rec names (replay): 0, a
 * negative error, or a stop reason if no live plain file of that
 * generation has that inode now. */
static int apply(struct vx_keep *v, const uint8_t *rec)
{
	uint64_t ino = kp_ld64(rec + KP_ILR_INO), blkid = kp_ld64(rec + KP_ILR_BLKID);
	if (ino >= v->ino_next)
		return VX_KEEP_IL_BAD_INODE;
	int is;
	uint8_t *ip;
	int rc = kp_inode(v, 0, ino, &is, &ip);
	if (rc < 0)
		return rc;
	bool live = ip[KP_I_TYPE] == VX_KEEP_FILE && !(ip[KP_I_FLAGS] & VX_KEEP_F_DEDUP) &&
		    kp_ld64(ip + KP_I_GEN) == kp_ld64(rec + KP_ILR_GEN);
	kp_put(v, is);
	if (!live)
		return VX_KEEP_IL_BAD_INODE;
	rc = kp_grow(v, ino, kp_need_height(blkid));
	uint8_t *bp;
	int ps = -1;
	struct kp_key pk;
	kp_discard(v, ino, blkid);
	if (rc == 0)
		rc = kp_parent(v, 0, ino, 0, blkid, &bp, &ps, &pk);
	if (rc == 0 && (!bp || ps < 0))
		rc = VX_E_STATE;
	if (rc == 0)
		rc = kp_dirty(v, ps);
	if (rc == 0) {
		uint8_t old[KP_BP_SIZE];
		bp = kp_data(v, ps) + pk.off;
		memcpy(old, bp, KP_BP_SIZE);
		kp_bp_set(bp, kp_ld64(rec + KP_ILR_ADDR), 0, v->txg, KP_T_DATA, 0);
		bp[KP_BP_FLAGS] = KP_BPF_LOGGED;
		memcpy(bp + KP_BP_SUM, rec + KP_ILR_SUM, 32);
		rc = kp_free_bp(v, old, true);
	}
	kp_put(v, ps);
	if (rc == 0)
		rc = kp_inode(v, 0, ino, &is, &ip);
	if (rc == 0) {
		rc = kp_dirty(v, is);
		ip = kp_data(v, is) + (ino % KP_INO_PER) * KP_INO_SIZE;
		if (rc == 0) {
			kp_st64(ip + KP_I_SIZE, kp_ld64(rec + KP_ILR_SIZE));
			kp_st64(ip + KP_I_MTXG, v->txg);
		}
		kp_put(v, is);
	}
	return rc;
}

int kp_il_replay(struct vx_keep *v)
{
	struct scan sc;
	int rc = scan(v, &sc);
	if (rc < 0)
		return rc;
	v->il_stop = sc.stop;
	if (sc.good == 0)
		return 0;
	/* Claim every block of the whole fsyncs before anything allocates:
	 * the allocator skips the set until the free map has them all. */
	v->il_avoid = sc.set;
	v->il_navoid = sc.good_set;
	bool spare_used = false;
	for (uint32_t i = 0; i < sc.good_set && rc == 0; i++) {
		uint64_t a = sc.set[i];
		if (a == v->il_head || a == v->il_cspare) {
			spare_used |= a == v->il_cspare;
			continue;
		}
		rc = kp_claim(v, a);
		if (rc == 0)
			rc = kp_fail(v, VX_E_CORRUPT, VX_KEEP_BAD_BITMAP);
		else if (rc == 1)
			rc = 0;
	}
	v->il_avoid = NULL;
	v->il_navoid = 0;
	/* Apply the records in order, noting the chain for the commit.  The
	 * root's reserve is no block to hand out now (a truncate's tail
	 * dirties a data block): the log may name it. */
	v->il_spare = 0;
	uint64_t at = v->il_head;
	uint32_t groups = 0;
	for (uint32_t blk = 0; blk < sc.good && rc == 0; blk++) {
		rc = kp_dev_read(v, at, v->il_buf);
		if (rc < 0)
			break;
		chain(v)[v->il_nchain++] = at;
		uint32_t n = ld16(v->il_buf + KP_IL_NREC);
		for (uint32_t i = 0; i < n && rc == 0;) {
			const uint8_t *rec = v->il_buf + KP_IL_REC + i * KP_IL_RSIZE;
			uint32_t op = kp_ld32(rec + KP_ILR_OP);
			if (name_op(op)) {
				rc = apply_name(v, rec); /* il_buf stays as it is */
				i += rec_slots(rec);
			} else if (op == KP_ILOP_TRUNC) {
				rc = apply_trunc(v, rec);
				i++;
			} else {
				rc = apply(v, rec);
				i++;
			}
		}
		if (rc > 0) {
			/* This fsync does not apply: mount again, taking
			 * the whole fsyncs before it only. */
			v->il_limit = groups;
			v->il_why = (enum vx_keep_ilstop)rc;
			return KP_IL_RETRY;
		}
		if (ld16(v->il_buf + KP_IL_FLAGS) & KP_ILF_LAST)
			groups++;
		at = kp_ld64(v->il_buf + KP_IL_NEXT);
	}
	if (rc < 0)
		return rc;
	/* The chain's next block is not ours (the free map never had it);
	 * the commit names a new start. */
	v->il_next = 0;
	v->il_spare = spare_used ? 0 : v->il_cspare;
	v->il_replayed = sc.records;
	return 0;
}

/* --- check and reclaim ------------------------------------------------------- */

static const char *const stop_str[VX_KEEP_IL_COUNT] = {
    [VX_KEEP_IL_NONE] = "no log",
    [VX_KEEP_IL_END] = "the chain ends: the next block is not a log block",
    [VX_KEEP_IL_STALE] = "the chain ends: the next block belongs to another txg or chain",
    [VX_KEEP_IL_BAD_SUM] = "the chain ends: a log block fails its checksum",
    [VX_KEEP_IL_NO_DATA] = "the chain ends: a record's data block fails its checksum",
    [VX_KEEP_IL_PARTIAL] = "the chain ends inside an fsync's blocks",
    [VX_KEEP_IL_BAD_NEXT] = "a log block's next block is outside the data area",
    [VX_KEEP_IL_LOOP] = "the chain loops back to one of its blocks",
    [VX_KEEP_IL_BAD_ADDR] = "a record's block is outside the data area",
    [VX_KEEP_IL_IN_USE] = "a record's or log block is already in use",
    [VX_KEEP_IL_BAD_INODE] = "a record names no live plain file",
    [VX_KEEP_IL_BAD_OFFSET] = "a record's offset or size is past the file size limit",
    [VX_KEEP_IL_BAD_RECORD] = "a record of an unknown type",
    [VX_KEEP_IL_TOO_LONG] = "the chain is longer than a txg may log",
    [VX_KEEP_IL_BAD_NAME] = "a create, unlink or rename record does not apply",
    [VX_KEEP_IL_NO_ROOM] = "read-only: the replayed log does not fit in the work area",
};

const char *vx_keep_ilstop_str(enum vx_keep_ilstop why)
{
	return (unsigned)why < VX_KEEP_IL_COUNT && stop_str[why] ? stop_str[why] : "unknown";
}

/* vx_keep_check: walks the chain the committed root names (as a mount
 * would replay it) and reports a block of the chain that says something
 * impossible.  The normal ends of a chain are not violations.  The set it
 * builds lives in the mark bitmap, which the passes after it reset. */
long kp_il_check(struct vx_keep *v, vx_keep_report_fn report, void *ctx)
{
	struct scan sc;
	int rc = scan(v, &sc);
	if (rc < 0)
		return rc;
	v->il_replayable = sc.records;
	if (sc.stop <= VX_KEEP_IL_PARTIAL)
		return 0;
	if (report)
		report(ctx, VX_KEEP_V_ILOG, 0, sc.bad, vx_keep_ilstop_str(sc.stop));
	return 1;
}
