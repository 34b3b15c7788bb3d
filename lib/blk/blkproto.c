/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The block protocol's decoder; the contract is in blkproto.h, the order
 * of the errors in vectra/proto/blk.h.
 */
#include "blk/blkproto.h"

#include <vx_string.h>

/* See blkproto.h. */
int vx_blk_confine(const struct vx_blk_grant *g, uint64_t lba, uint64_t count, uint64_t *dev)
{
	if (count == 0)
		return VX_E_INVAL;
	/* the grant's last block, first + nblocks - 1, must exist */
	if (g->nblocks > UINT64_MAX - g->first)
		return VX_E_RANGE;
	if (count > g->nblocks || lba > g->nblocks - count)
		return VX_E_RANGE;
	if (dev != NULL)
		*dev = g->first + lba;
	return VX_OK;
}

/* The checks of a READ, WRITE or DISCARD after the message's shape:
 * alignment, the capability's type and rights, the size limits, the
 * grant and the MemCap's bounds.  Fills cmd->lba, bytes. */
static int decode_io(uint32_t op, const struct blk_req *r, const struct vx_cap_info *cap,
		     const struct vx_blk_grant *g, struct vx_blk_cmd *cmd)
{
	int data = op != BLK_DISCARD;
	int rc;

	if (r->count == 0 || r->mem_offset % BLK_MEM_ALIGN != 0 || (!data && r->mem_offset != 0))
		return VX_E_INVAL;
	if (data && cap->type != VX_OBJ_MEM)
		return VX_E_TYPE;
	if (op != BLK_READ && g->read_only)
		return VX_E_RIGHTS;
	/* the device writes the client's memory on READ, reads it on WRITE */
	if (data && !(cap->rights & (op == BLK_READ ? VX_R_WRITE : VX_R_READ)))
		return VX_E_RIGHTS;
	if (data ? r->count > BLK_XFER_MAX / g->block_size || cap->size > BLK_MEM_MAX
		 : r->count > BLK_DISCARD_MAX)
		return VX_E_TOOBIG;
	if ((rc = vx_blk_confine(g, r->lba, r->count, &cmd->lba)) < 0)
		return rc;
	if (data) {
		cmd->bytes = (uint64_t)r->count * g->block_size; /* <= BLK_XFER_MAX */
		if (r->mem_offset > cap->size || cmd->bytes > cap->size - r->mem_offset)
			return VX_E_RANGE;
	}
	return VX_OK;
}

/* See blkproto.h.  Only reads its inputs; *cmd is written last. */
int vx_blk_decode(uint32_t op, const void *data, size_t len, uint32_t ncaps,
		  const struct vx_cap_info *cap, const struct vx_blk_grant *g,
		  struct vx_blk_cmd *cmd)
{
	struct vx_blk_cmd c = {.op = op};
	struct blk_req r;
	int io = op == BLK_READ || op == BLK_WRITE;
	int rc;

	memset(cmd, 0, sizeof(*cmd));
	if (g == NULL || (g->block_size != 512 && g->block_size != 4096))
		return VX_E_INVAL;
	if (op < BLK_INFO || op > BLK_PART ||
	    (op == BLK_DISCARD && !(g->features & BLK_FEAT_DISCARD)))
		return VX_E_NOSYS;
	if (op == BLK_INFO) {
		if (len != 0 || ncaps != 0)
			return VX_E_INVAL;
		*cmd = c;
		return VX_OK;
	}
	if (op == BLK_PART) {
		uint32_t index;
		if (len != sizeof(index) || data == NULL || ncaps != 0)
			return VX_E_INVAL;
		if (!g->whole)
			return VX_E_RIGHTS;
		memcpy(&index, data, sizeof(index));
		c.lba = index;
		*cmd = c;
		return VX_OK;
	}
	if (len != sizeof(r) || data == NULL || ncaps != (io ? 1u : 0u) || (io && cap == NULL))
		return VX_E_INVAL;
	memcpy(&r, data, sizeof(r));
	if (r.reserved != 0 || (r.flags & ~BLK_F_KNOWN) != 0)
		return VX_E_INVAL;
	if ((r.flags & BLK_F_FUA) && (op != BLK_WRITE || !(g->features & BLK_FEAT_FUA)))
		return VX_E_INVAL;
	if (op == BLK_FLUSH) {
		if (r.lba != 0 || r.count != 0 || r.mem_offset != 0)
			return VX_E_INVAL;
	} else if ((rc = decode_io(op, &r, cap, g, &c)) < 0) {
		return rc;
	}
	c.id = r.id;
	c.flags = r.flags;
	c.count = r.count;
	c.mem_offset = r.mem_offset;
	*cmd = c;
	return VX_OK;
}

/* See blkproto.h; g is valid. */
void vx_blk_info(const struct vx_blk_grant *g, struct blk_info *out)
{
	memset(out, 0, sizeof(*out));
	out->block_size = g->block_size;
	out->flags = g->read_only ? BLK_INFO_READONLY : 0;
	out->features = g->features & (BLK_FEAT_FUA | BLK_FEAT_DISCARD);
	out->xfer_max = BLK_XFER_MAX;
	out->nblocks = g->nblocks;
	out->discard_max = (g->features & BLK_FEAT_DISCARD) ? BLK_DISCARD_MAX : 0;
}
