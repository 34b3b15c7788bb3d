/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for lib/blk/blkproto.h.  The input is, in order:
 *
 *   4 bytes   op
 *   1 byte    ncaps; bit 7 of it: a capability arrived
 *   4+4+8     the capability: type, rights, size
 *   8+8       the grant: first, nblocks
 *   1 byte    the grant: bit 0 4096-byte blocks, bit 1 read-only,
 *             bits 2-3 features
 *   1 byte    the message's len
 *   the rest  the message's data (len bytes of it, zero-padded)
 *
 * Invariants: the result is VX_OK or an error proto/blk.h lists; a
 * refusal leaves the command zero; a command that passed names blocks
 * inside the grant (computed without wrapping), a READ or WRITE moves
 * count * block_size <= BLK_XFER_MAX bytes from an aligned offset inside
 * a MemCap with the right its direction needs, and nothing writes a
 * read-only grant.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "blk/blkproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			__builtin_trap();                                                          \
	} while (0)

#define PREFIX 39u

static uint64_t take(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* The invariants of a command that passed. */
static void check_cmd(const struct vx_blk_cmd *c, const struct vx_blk_grant *g,
		      const struct vx_cap_info *cap)
{
	if (c->op == BLK_INFO || c->op == BLK_FLUSH) {
		CHECK(c->count == 0 && c->lba == 0 && c->bytes == 0);
		return;
	}
	if (c->op == BLK_PART) { /* an index into the table, only on a whole disk */
		CHECK(g->whole && c->count == 0 && c->bytes == 0 && c->lba <= UINT32_MAX);
		return;
	}
	CHECK(c->count > 0 && c->lba >= g->first);
	CHECK(c->lba - g->first < g->nblocks && c->count <= g->nblocks - (c->lba - g->first));
	CHECK(c->op == BLK_READ || !g->read_only);
	CHECK(c->mem_offset % BLK_MEM_ALIGN == 0);
	if (c->op == BLK_DISCARD) {
		CHECK(c->count <= BLK_DISCARD_MAX && c->bytes == 0 && c->mem_offset == 0);
		CHECK(g->features & BLK_FEAT_DISCARD);
		return;
	}
	CHECK(cap != NULL && cap->type == VX_OBJ_MEM);
	CHECK(cap->rights & (c->op == BLK_READ ? VX_R_WRITE : VX_R_READ));
	CHECK(c->bytes == (uint64_t)c->count * g->block_size && c->bytes <= BLK_XFER_MAX);
	CHECK(c->mem_offset <= cap->size && c->bytes <= cap->size - c->mem_offset);
	CHECK(!(c->flags & BLK_F_FUA) || (c->op == BLK_WRITE && (g->features & BLK_FEAT_FUA)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct vx_blk_cmd zero;
	uint8_t msg[64] = {0};
	struct vx_cap_info cap = {0};
	struct vx_blk_grant g;
	struct vx_blk_cmd cmd;
	uint32_t op, ncaps;
	size_t len;
	int rc;

	if (size < PREFIX)
		return 0;
	op = (uint32_t)take(data, 4);
	ncaps = data[4] & 0x7f;
	cap.type = (uint32_t)take(data + 5, 4);
	cap.rights = (uint32_t)take(data + 9, 4);
	cap.size = take(data + 13, 8);
	g.first = take(data + 21, 8);
	g.nblocks = take(data + 29, 8);
	g.block_size = (data[37] & 1) ? 4096 : 512;
	g.read_only = (data[37] >> 1) & 1;
	g.features = (data[37] >> 2) & 3;
	g.whole = (data[37] >> 4) & 1;
	len = data[38] % sizeof(msg);
	memcpy(msg, data + PREFIX, size - PREFIX < len ? size - PREFIX : len);

	rc = vx_blk_decode(op, msg, len, ncaps, (data[4] & 0x80) ? &cap : NULL, &g, &cmd);
	CHECK(rc == VX_OK || rc == VX_E_NOSYS || rc == VX_E_INVAL || rc == VX_E_TYPE ||
	      rc == VX_E_RIGHTS || rc == VX_E_TOOBIG || rc == VX_E_RANGE);
	if (rc != VX_OK)
		CHECK(memcmp(&cmd, &zero, sizeof(cmd)) == 0);
	else
		check_cmd(&cmd, &g, (data[4] & 0x80) ? &cap : NULL);
	return 0;
}
