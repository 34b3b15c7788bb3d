/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The block protocol's request decoder (vectra/proto/blk.h), for the
 * driver that serves it.  The driver hands over what arrived (the op, the
 * message's data and ncaps, and what VX_SYS_CAP_INSPECT said of the
 * capability sent with it) and what the connection was granted;
 * vx_blk_decode checks everything blk.h lists, in its order, and either
 * refuses with that error or fills a struct vx_blk_cmd whose device
 * blocks and memory range are known to lie inside the grant and the
 * MemCap.  It only reads: the decode half of a decode/invoke pair, so the
 * driver touches the device only with a command that passed.
 *
 * Pure logic, no syscalls: host-tested (tests/host/test_blkproto.c) and
 * fuzzed (tests/fuzz/fuzz_blkproto.c).
 */
#ifndef VX_BLK_BLKPROTO_H
#define VX_BLK_BLKPROTO_H

#include <stddef.h>
#include <stdint.h>

#include "vectra/abi.h"
#include "vectra/proto/blk.h"

/* What a connection may reach: blocks [first, first + nblocks) of the
 * device.  The driver builds it from the grant (a GPT partition is
 * first_lba, last_lba - first_lba + 1). */
struct vx_blk_grant {
	uint64_t first;	     /* the device block that is the client's block 0 */
	uint64_t nblocks;    /* the grant's size */
	uint32_t block_size; /* the device's logical block: 512 or 4096 */
	uint32_t read_only;  /* 1: WRITE and DISCARD are VX_E_RIGHTS */
	uint32_t features;   /* BLK_FEAT_* the device offers */
	uint32_t whole;	     /* 1: the whole disk (BLK_PART is served) */
};

/* A request that passed, in device terms. */
struct vx_blk_cmd {
	uint32_t op;	     /* enum blk_op */
	uint32_t id;	     /* blk_req.id, for the reply (0 for INFO) */
	uint32_t flags;	     /* BLK_F_* */
	uint32_t count;	     /* blocks (0 for INFO and FLUSH) */
	uint64_t lba;	     /* the device's block: grant.first + blk_req.lba;
			      * BLK_PART: the index asked for */
	uint64_t mem_offset; /* READ/WRITE: the first byte in the MemCap */
	uint64_t bytes;	     /* READ/WRITE: count * block_size; else 0 */
};

/* Confines blocks [lba, lba + count) of a grant, counted from the grant's
 * start, to the device: VX_OK with *dev = g->first + lba when every block
 * lies inside [0, g->nblocks); VX_E_INVAL for count 0; VX_E_RANGE
 * otherwise, including every case where a sum would wrap (and a grant
 * whose own end wraps).  No sum is formed before it is known not to wrap.
 * dev may be NULL. */
int vx_blk_confine(const struct vx_blk_grant *g, uint64_t lba, uint64_t count, uint64_t *dev);

/* Decodes one request: op and data[0..len) from the message, ncaps its
 * count, cap what VX_SYS_CAP_INSPECT said of the capability that came
 * with it (NULL if none was received), g the connection's grant.  Returns
 * VX_OK with *cmd filled, or the first error of proto/blk.h's list (then
 * *cmd is zero).  data may be NULL when len is 0; it need not be aligned. */
int vx_blk_decode(uint32_t op, const void *data, size_t len, uint32_t ncaps,
		  const struct vx_cap_info *cap, const struct vx_blk_grant *g,
		  struct vx_blk_cmd *cmd);

/* The BLK_INFO reply for grant g. */
void vx_blk_info(const struct vx_blk_grant *g, struct blk_info *out);

#endif
