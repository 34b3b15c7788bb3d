/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Exclusive writers per block range: the table a block driver keeps of
 * which connection may write which blocks of its device.
 *
 * THE RULE
 *
 * At most one live connection may hold a given block writable.  A
 * writable attach whose range shares a block with another connection's
 * writable range is refused (VX_E_BUSY), the way Linux refuses an O_EXCL
 * open of a mounted block device: a file system that has mounted a
 * partition must be the only writer under it, or a raw write lands
 * beneath its cache and its checksums and it breaks.  The whole disk
 * overlaps every partition, so a whole-disk writer excludes every
 * partition writer and the reverse; two partitions never overlap (the GPT
 * parser refuses a table whose partitions share a block).
 *
 * Readers take no claim.  A read-only attach is allowed over anything,
 * writable ranges included (Linux lets anyone with the right read a
 * mounted device): it may see a file system between two of its writes,
 * which a reader of raw blocks must expect.
 *
 * A claim lives as long as its connection: the driver releases it when
 * the connection closes (the client unbound its end, exited or died),
 * when the slot is attached anew, and all at once when the driver's life
 * ends (the table is in its memory).
 *
 * Ranges are [first, first + count) in device blocks.  A range of zero
 * blocks, or one whose end would pass 2^64, is refused rather than
 * guessed at; a range that ends exactly at block UINT64_MAX is fine.  No
 * sum is formed, so the overlap test cannot wrap.
 *
 * Pure logic, no syscalls and no allocation: the driver's attach uses it
 * (services/virtio-blk), tests/host/test_blkclaim.c tests it on the host.
 * vx_blk_claim_check and vx_blk_claim_take are a decode/invoke pair: the
 * check only reads and returns every error; the take after a passing
 * check cannot fail.
 */
#ifndef VX_BLK_CLAIM_H
#define VX_BLK_CLAIM_H

#include <stdbool.h>
#include <stdint.h>

/* One claim per connection: a driver serves at most VX_SVC_MAX_CONNS. */
#define VX_BLK_CLAIMS_MAX 16u

struct vx_blk_claim {
	uint64_t first; /* the first device block held writable */
	uint64_t count; /* blocks; 0: the entry is free */
	uint32_t owner; /* the connection that holds it (the driver's slot) */
};

/* Zeroed: empty. */
struct vx_blk_claims {
	struct vx_blk_claim c[VX_BLK_CLAIMS_MAX];
};

/* Do [a, a + an) and [b, b + bn) share a block?  Adjacent ranges do not;
 * an empty range shares nothing.  Wrap-free for any values. */
bool vx_blk_overlap(uint64_t a, uint64_t an, uint64_t b, uint64_t bn);

/* May owner claim [first, first + count) writable?  VX_OK, or the first
 * of:
 *   VX_E_INVAL   count 0
 *   VX_E_RANGE   the range's end passes 2^64
 *   VX_E_EXISTS  owner already holds a claim (one per connection)
 *   VX_E_BUSY    another owner's claim shares a block with it; *holder
 *                (when holder is not NULL) is the first such claim
 *   VX_E_FULL    every entry is in use
 * Only reads. */
int vx_blk_claim_check(const struct vx_blk_claims *t, uint32_t owner, uint64_t first,
		       uint64_t count, const struct vx_blk_claim **holder);

/* Records the claim; only after vx_blk_claim_check passed for the same
 * arguments, on the table as it was then: cannot fail. */
void vx_blk_claim_take(struct vx_blk_claims *t, uint32_t owner, uint64_t first, uint64_t count);

/* Check and take in one: vx_blk_claim_check's result. */
int vx_blk_claim(struct vx_blk_claims *t, uint32_t owner, uint64_t first, uint64_t count,
		 const struct vx_blk_claim **holder);

/* Lets go of owner's claim: VX_OK, or VX_E_NOTFOUND when it holds none
 * (never claimed, or released already). */
int vx_blk_release(struct vx_blk_claims *t, uint32_t owner);

/* owner's claim, or NULL. */
const struct vx_blk_claim *vx_blk_claim_of(const struct vx_blk_claims *t, uint32_t owner);

#endif
