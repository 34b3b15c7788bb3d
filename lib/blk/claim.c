/* SPDX-License-Identifier: BSD-3-Clause */
/* Exclusive writers per block range: see claim.h. */
#include "blk/claim.h"
#include "vectra/abi.h"

bool vx_blk_overlap(uint64_t a, uint64_t an, uint64_t b, uint64_t bn)
{
	/* Both non-empty, and the later start inside the earlier range: a
	 * difference, never a sum. */
	if (an == 0 || bn == 0)
		return false;
	if (a <= b)
		return b - a < an;
	return a - b < bn;
}

/* The index of owner's claim, or VX_BLK_CLAIMS_MAX. */
static uint32_t index_of(const struct vx_blk_claims *t, uint32_t owner)
{
	uint32_t i;

	for (i = 0; i < VX_BLK_CLAIMS_MAX; i++)
		if (t->c[i].count != 0 && t->c[i].owner == owner)
			break;
	return i;
}

/* The index of the first free entry, or VX_BLK_CLAIMS_MAX. */
static uint32_t free_index(const struct vx_blk_claims *t)
{
	uint32_t i;

	for (i = 0; i < VX_BLK_CLAIMS_MAX; i++)
		if (t->c[i].count == 0)
			break;
	return i;
}

const struct vx_blk_claim *vx_blk_claim_of(const struct vx_blk_claims *t, uint32_t owner)
{
	uint32_t i = index_of(t, owner);

	return i < VX_BLK_CLAIMS_MAX ? &t->c[i] : 0;
}

int vx_blk_claim_check(const struct vx_blk_claims *t, uint32_t owner, uint64_t first,
		       uint64_t count, const struct vx_blk_claim **holder)
{
	if (holder)
		*holder = 0;
	if (count == 0)
		return VX_E_INVAL;
	if (count - 1 > UINT64_MAX - first)
		return VX_E_RANGE; /* its last block would be past UINT64_MAX */
	if (vx_blk_claim_of(t, owner))
		return VX_E_EXISTS;
	for (uint32_t i = 0; i < VX_BLK_CLAIMS_MAX; i++) {
		const struct vx_blk_claim *c = &t->c[i];
		if (c->count != 0 && vx_blk_overlap(first, count, c->first, c->count)) {
			if (holder)
				*holder = c;
			return VX_E_BUSY;
		}
	}
	if (free_index(t) == VX_BLK_CLAIMS_MAX)
		return VX_E_FULL;
	return VX_OK;
}

void vx_blk_claim_take(struct vx_blk_claims *t, uint32_t owner, uint64_t first, uint64_t count)
{
	struct vx_blk_claim *c = &t->c[free_index(t)];

	c->first = first;
	c->count = count;
	c->owner = owner;
}

int vx_blk_claim(struct vx_blk_claims *t, uint32_t owner, uint64_t first, uint64_t count,
		 const struct vx_blk_claim **holder)
{
	int rc = vx_blk_claim_check(t, owner, first, count, holder);

	if (rc == VX_OK)
		vx_blk_claim_take(t, owner, first, count);
	return rc;
}

int vx_blk_release(struct vx_blk_claims *t, uint32_t owner)
{
	uint32_t i = index_of(t, owner);

	if (i == VX_BLK_CLAIMS_MAX)
		return VX_E_NOTFOUND;
	t->c[i] = (struct vx_blk_claim){0};
	return VX_OK;
}
