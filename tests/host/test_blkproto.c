/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The block protocol's decoder (lib/blk/blkproto.h) against
 * vectra/proto/blk.h: a good request of each op, then each error of the
 * header's list, including the ones whose order matters (a request wrong
 * in two ways gets the earlier error), and the grant confinement at its
 * edges and where sums would wrap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "blk/blkproto.h"

/* Partition 2 of a 512-byte-block disk: blocks 4096..8191. */
static const struct vx_blk_grant part = {
    .first = 4096,
    .nblocks = 4096,
    .block_size = 512,
    .read_only = 0,
    .features = BLK_FEAT_FUA | BLK_FEAT_DISCARD,
};

/* A 64 KiB MemCap the client may let the device read and write. */
static const struct vx_cap_info mem = {
    .type = VX_OBJ_MEM,
    .rights = VX_R_READ | VX_R_WRITE | VX_R_GRANT,
    .size = 65536,
};

static struct vx_blk_cmd cmd;

static int dec(uint32_t op, const struct blk_req *r, uint32_t ncaps, const struct vx_cap_info *c,
	       const struct vx_blk_grant *g)
{
	return vx_blk_decode(op, r, r ? sizeof(*r) : 0, ncaps, c, g, &cmd);
}

static struct blk_req req(uint64_t lba, uint32_t count, uint64_t off)
{
	struct blk_req r = {.id = 77, .lba = lba, .count = count, .mem_offset = off};
	return r;
}

static void test_read_write(void **state)
{
	struct blk_req r = req(10, 8, 4096);

	(void)state;
	assert_int_equal(dec(BLK_READ, &r, 1, &mem, &part), VX_OK);
	assert_int_equal(cmd.op, BLK_READ);
	assert_int_equal(cmd.id, 77);
	assert_int_equal(cmd.lba, 4106);
	assert_int_equal(cmd.count, 8);
	assert_int_equal(cmd.mem_offset, 4096);
	assert_int_equal(cmd.bytes, 4096);
	r.flags = BLK_F_FUA;
	assert_int_equal(dec(BLK_WRITE, &r, 1, &mem, &part), VX_OK);
	assert_int_equal(cmd.op, BLK_WRITE);
	assert_int_equal(cmd.flags, BLK_F_FUA);
	/* the whole grant's last block, the MemCap's last bytes */
	r = req(4095, 1, 65536 - 512);
	assert_int_equal(dec(BLK_READ, &r, 1, &mem, &part), VX_OK);
	assert_int_equal(cmd.lba, 8191);
}

static void test_info_flush_discard(void **state)
{
	struct blk_req r = req(0, 0, 0);
	struct blk_info info;

	(void)state;
	assert_int_equal(vx_blk_decode(BLK_INFO, NULL, 0, 0, NULL, &part, &cmd), VX_OK);
	assert_int_equal(cmd.op, BLK_INFO);
	assert_int_equal(dec(BLK_INFO, &r, 0, NULL, &part), VX_E_INVAL); /* data on INFO */
	assert_int_equal(vx_blk_decode(BLK_INFO, NULL, 0, 1, &mem, &part, &cmd), VX_E_INVAL);
	assert_int_equal(dec(BLK_FLUSH, &r, 0, NULL, &part), VX_OK);
	assert_int_equal(cmd.op, BLK_FLUSH);
	assert_int_equal(cmd.id, 77);
	r = req(100, 50, 0);
	assert_int_equal(dec(BLK_DISCARD, &r, 0, NULL, &part), VX_OK);
	assert_int_equal(cmd.lba, 4196);
	assert_int_equal(cmd.bytes, 0);
	vx_blk_info(&part, &info);
	assert_int_equal(info.block_size, 512);
	assert_int_equal(info.nblocks, 4096);
	assert_int_equal(info.flags, 0);
	assert_int_equal(info.features, BLK_FEAT_FUA | BLK_FEAT_DISCARD);
	assert_int_equal(info.xfer_max, BLK_XFER_MAX);
	assert_int_equal(info.discard_max, BLK_DISCARD_MAX);
}

static void test_nosys(void **state)
{
	struct blk_req r = req(0, 1, 0);
	struct vx_blk_grant g = part;

	(void)state;
	assert_int_equal(dec(0, &r, 1, &mem, &part), VX_E_NOSYS);
	assert_int_equal(dec(7, &r, 1, &mem, &part), VX_E_NOSYS);
	assert_int_equal(dec(BLK_ATTACH, &r, 0, NULL, &part),
			 VX_E_NOSYS); /* a record, never a request */
	assert_int_equal(dec(0xffffffffu, &r, 1, &mem, &part), VX_E_NOSYS);
	g.features = BLK_FEAT_FUA;
	assert_int_equal(dec(BLK_DISCARD, &r, 0, NULL, &g), VX_E_NOSYS);
}

static void test_inval(void **state)
{
	struct blk_req r = req(0, 1, 0);
	struct vx_blk_grant g = part;

	(void)state;
	/* the message's shape */
	assert_int_equal(vx_blk_decode(BLK_READ, &r, 31, 1, &mem, &part, &cmd), VX_E_INVAL);
	assert_int_equal(vx_blk_decode(BLK_READ, &r, 33, 1, &mem, &part, &cmd), VX_E_INVAL);
	assert_int_equal(vx_blk_decode(BLK_READ, NULL, 32, 1, &mem, &part, &cmd), VX_E_INVAL);
	assert_int_equal(dec(BLK_READ, &r, 0, &mem, &part), VX_E_INVAL);
	assert_int_equal(dec(BLK_READ, &r, 2, &mem, &part), VX_E_INVAL);
	assert_int_equal(dec(BLK_READ, &r, 1, NULL, &part), VX_E_INVAL); /* did not arrive */
	assert_int_equal(dec(BLK_FLUSH, &r, 1, &mem, &part), VX_E_INVAL);
	assert_int_equal(dec(BLK_DISCARD, &r, 1, &mem, &part), VX_E_INVAL);
	/* reserved and flags */
	r.reserved = 1;
	assert_int_equal(dec(BLK_READ, &r, 1, &mem, &part), VX_E_INVAL);
	r = req(0, 1, 0);
	r.flags = 1u << 5;
	assert_int_equal(dec(BLK_WRITE, &r, 1, &mem, &part), VX_E_INVAL);
	r.flags = BLK_F_FUA;
	assert_int_equal(dec(BLK_READ, &r, 1, &mem, &part), VX_E_INVAL);
	g.features = BLK_FEAT_DISCARD;
	assert_int_equal(dec(BLK_WRITE, &r, 1, &mem, &g), VX_E_INVAL); /* FUA not offered */
	/* count 0, FLUSH with a range, misaligned memory */
	r = req(0, 0, 0);
	assert_int_equal(dec(BLK_READ, &r, 1, &mem, &part), VX_E_INVAL);
	assert_int_equal(dec(BLK_DISCARD, &r, 0, NULL, &part), VX_E_INVAL);
	r = req(1, 0, 0);
	assert_int_equal(dec(BLK_FLUSH, &r, 0, NULL, &part), VX_E_INVAL);
	r = req(0, 1, 0);
	assert_int_equal(dec(BLK_FLUSH, &r, 0, NULL, &part), VX_E_INVAL);
	r = req(0, 0, 512);
	assert_int_equal(dec(BLK_FLUSH, &r, 0, NULL, &part), VX_E_INVAL);
	r = req(0, 1, 100);
	assert_int_equal(dec(BLK_READ, &r, 1, &mem, &part), VX_E_INVAL);
	r = req(0, 1, 512);
	assert_int_equal(dec(BLK_DISCARD, &r, 0, NULL, &part), VX_E_INVAL);
	/* a grant the driver got wrong */
	g = part;
	g.block_size = 0;
	r = req(0, 1, 0);
	assert_int_equal(dec(BLK_READ, &r, 1, &mem, &g), VX_E_INVAL);
	assert_int_equal(vx_blk_decode(BLK_READ, &r, sizeof(r), 1, &mem, NULL, &cmd), VX_E_INVAL);
}

static void test_type_and_rights(void **state)
{
	struct blk_req r = req(0, 1, 0);
	struct vx_cap_info c = mem;
	struct vx_blk_grant ro = part;

	(void)state;
	c.type = VX_OBJ_RING;
	assert_int_equal(dec(BLK_READ, &r, 1, &c, &part), VX_E_TYPE);
	c = mem;
	c.rights = VX_R_READ; /* the device could not write into it */
	assert_int_equal(dec(BLK_READ, &r, 1, &c, &part), VX_E_RIGHTS);
	assert_int_equal(dec(BLK_WRITE, &r, 1, &c, &part), VX_OK);
	c.rights = VX_R_WRITE;
	assert_int_equal(dec(BLK_WRITE, &r, 1, &c, &part), VX_E_RIGHTS);
	assert_int_equal(dec(BLK_READ, &r, 1, &c, &part), VX_OK);
	ro.read_only = 1;
	assert_int_equal(dec(BLK_WRITE, &r, 1, &mem, &ro), VX_E_RIGHTS);
	assert_int_equal(dec(BLK_DISCARD, &r, 0, NULL, &ro), VX_E_RIGHTS);
	assert_int_equal(dec(BLK_READ, &r, 1, &mem, &ro), VX_OK);
	r = req(0, 0, 0);
	assert_int_equal(dec(BLK_FLUSH, &r, 0, NULL, &ro), VX_OK);
}

static void test_toobig(void **state)
{
	struct blk_req r = req(0, BLK_XFER_MAX / 512 + 1, 0);
	struct vx_cap_info big = mem;
	struct vx_blk_grant g = part;

	(void)state;
	big.size = BLK_MEM_MAX;
	g.nblocks = 1ull << 40;
	assert_int_equal(dec(BLK_READ, &r, 1, &big, &g), VX_E_TOOBIG);
	r.count--;
	assert_int_equal(dec(BLK_READ, &r, 1, &big, &g), VX_OK);
	assert_int_equal(cmd.bytes, BLK_XFER_MAX);
	g.block_size = 4096;
	assert_int_equal(dec(BLK_READ, &r, 1, &big, &g), VX_E_TOOBIG);
	r.count = BLK_XFER_MAX / 4096;
	assert_int_equal(dec(BLK_WRITE, &r, 1, &big, &g), VX_OK);
	r.count = 0xffffffffu; /* count * block_size would not fit 32 bits */
	assert_int_equal(dec(BLK_WRITE, &r, 1, &big, &g), VX_E_TOOBIG);
	r = req(0, BLK_DISCARD_MAX + 1, 0);
	assert_int_equal(dec(BLK_DISCARD, &r, 0, NULL, &g), VX_E_TOOBIG);
	r.count--;
	assert_int_equal(dec(BLK_DISCARD, &r, 0, NULL, &g), VX_OK);
	/* a MemCap larger than the driver maps for one request, however
	 * little of it the request uses */
	r = req(0, 1, 0);
	big.size = BLK_MEM_MAX + VX_PAGE_SIZE;
	assert_int_equal(dec(BLK_READ, &r, 1, &big, &g), VX_E_TOOBIG);
	assert_int_equal(dec(BLK_WRITE, &r, 1, &big, &g), VX_E_TOOBIG);
}

/* BLK_PART: an index, no capability, and only on a whole disk's grant. */
static void test_part(void **state)
{
	struct vx_blk_grant whole = part;
	uint32_t index = 3;

	(void)state;
	whole.whole = 1;
	assert_int_equal(vx_blk_decode(BLK_PART, &index, sizeof(index), 0, NULL, &whole, &cmd),
			 VX_OK);
	assert_int_equal(cmd.op, BLK_PART);
	assert_int_equal(cmd.lba, 3);
	assert_int_equal(vx_blk_decode(BLK_PART, &index, sizeof(index), 0, NULL, &part, &cmd),
			 VX_E_RIGHTS);
	assert_int_equal(vx_blk_decode(BLK_PART, &index, 2, 0, NULL, &whole, &cmd), VX_E_INVAL);
	assert_int_equal(vx_blk_decode(BLK_PART, NULL, 0, 0, NULL, &whole, &cmd), VX_E_INVAL);
	assert_int_equal(vx_blk_decode(BLK_PART, &index, sizeof(index), 1, &mem, &whole, &cmd),
			 VX_E_INVAL);
}

static void test_range(void **state)
{
	struct blk_req r = req(4096, 1, 0); /* one past the grant */

	(void)state;
	assert_int_equal(dec(BLK_READ, &r, 1, &mem, &part), VX_E_RANGE);
	r = req(4095, 2, 0);
	assert_int_equal(dec(BLK_READ, &r, 1, &mem, &part), VX_E_RANGE);
	r = req(UINT64_MAX, 1, 0); /* lba + count wraps */
	assert_int_equal(dec(BLK_READ, &r, 1, &mem, &part), VX_E_RANGE);
	r = req(UINT64_MAX - 4095, 8, 0); /* first + lba wraps */
	assert_int_equal(dec(BLK_WRITE, &r, 1, &mem, &part), VX_E_RANGE);
	r = req(4000, 200, 0);
	assert_int_equal(dec(BLK_DISCARD, &r, 0, NULL, &part), VX_E_RANGE);
	/* the data's bytes outside the MemCap */
	r = req(0, 2, 65536 - 512);
	assert_int_equal(dec(BLK_READ, &r, 1, &mem, &part), VX_E_RANGE);
	r = req(0, 1, 65536);
	assert_int_equal(dec(BLK_READ, &r, 1, &mem, &part), VX_E_RANGE);
	r = req(0, 1, UINT64_MAX - 511); /* offset + bytes wraps */
	assert_int_equal(dec(BLK_READ, &r, 1, &mem, &part), VX_E_RANGE);
	assert_int_equal(cmd.op, 0); /* a refusal leaves nothing behind */
}

/* Two faults at once: the earlier one in blk.h's list is reported. */
static void test_error_order(void **state)
{
	struct blk_req r = req(1ull << 40, BLK_XFER_MAX, 100);
	struct vx_cap_info c = mem;
	struct vx_blk_grant ro = part;

	(void)state;
	ro.read_only = 1;
	ro.features = 0;
	c.type = VX_OBJ_TASK;
	assert_int_equal(dec(9, &r, 1, &c, &ro), VX_E_NOSYS);
	assert_int_equal(dec(BLK_WRITE, &r, 1, &c, &ro), VX_E_INVAL); /* misaligned */
	r.mem_offset = 0;
	assert_int_equal(dec(BLK_WRITE, &r, 1, &c, &ro), VX_E_TYPE);
	c.type = VX_OBJ_MEM;
	assert_int_equal(dec(BLK_WRITE, &r, 1, &c, &ro), VX_E_RIGHTS);
	assert_int_equal(dec(BLK_WRITE, &r, 1, &c, &part), VX_E_TOOBIG);
	r.count = 1;
	assert_int_equal(dec(BLK_WRITE, &r, 1, &c, &part), VX_E_RANGE);
}

static void test_confine(void **state)
{
	struct vx_blk_grant g = {.first = 100, .nblocks = 10, .block_size = 512};
	uint64_t dev = 0;

	(void)state;
	assert_int_equal(vx_blk_confine(&g, 0, 10, &dev), VX_OK);
	assert_int_equal(dev, 100);
	assert_int_equal(vx_blk_confine(&g, 9, 1, &dev), VX_OK);
	assert_int_equal(dev, 109);
	assert_int_equal(vx_blk_confine(&g, 9, 1, NULL), VX_OK);
	assert_int_equal(vx_blk_confine(&g, 0, 0, &dev), VX_E_INVAL);
	assert_int_equal(vx_blk_confine(&g, 10, 1, &dev), VX_E_RANGE);
	assert_int_equal(vx_blk_confine(&g, 0, 11, &dev), VX_E_RANGE);
	assert_int_equal(vx_blk_confine(&g, 5, UINT64_MAX, &dev), VX_E_RANGE);
	assert_int_equal(vx_blk_confine(&g, UINT64_MAX, 2, &dev), VX_E_RANGE);
	/* a grant to the very end of the LBA space, and one past it */
	g.first = UINT64_MAX - 10;
	g.nblocks = 10;
	assert_int_equal(vx_blk_confine(&g, 9, 1, &dev), VX_OK);
	assert_int_equal(dev, UINT64_MAX - 1);
	g.nblocks = 12;
	assert_int_equal(vx_blk_confine(&g, 0, 1, &dev), VX_E_RANGE);
	/* an empty grant admits nothing */
	g.first = 0;
	g.nblocks = 0;
	assert_int_equal(vx_blk_confine(&g, 0, 1, &dev), VX_E_RANGE);
}

static void test_read_only_info(void **state)
{
	struct vx_blk_grant g = part;
	struct blk_info info;

	(void)state;
	g.read_only = 1;
	g.features = 0;
	g.block_size = 4096;
	vx_blk_info(&g, &info);
	assert_int_equal(info.flags, BLK_INFO_READONLY);
	assert_int_equal(info.features, 0);
	assert_int_equal(info.discard_max, 0);
	assert_int_equal(info.block_size, 4096);
	assert_int_equal(info.reserved, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_read_write),	    cmocka_unit_test(test_info_flush_discard),
	    cmocka_unit_test(test_nosys),	    cmocka_unit_test(test_inval),
	    cmocka_unit_test(test_type_and_rights), cmocka_unit_test(test_toobig),
	    cmocka_unit_test(test_range),	    cmocka_unit_test(test_error_order),
	    cmocka_unit_test(test_confine),	    cmocka_unit_test(test_part),
	    cmocka_unit_test(test_read_only_info),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
