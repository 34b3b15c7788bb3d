/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Exclusive writers per block range (lib/blk/claim.h): the overlap test
 * at its edges, a whole disk against its partitions, empty and wrapping
 * ranges, a full table, releases of claims that are not there, and a
 * claim freed for the next writer.  Each hostile case is its own test;
 * the last one runs random claims and releases against a plain model.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "blk/claim.h"
#include "vectra/abi.h"

/* A 524288-block disk with two partitions, as make run's disk has. */
#define DISK_BLOCKS 524288u
#define P1_FIRST    2048u
#define P1_BLOCKS   393216u
#define P2_FIRST    (P1_FIRST + P1_BLOCKS)
#define P2_BLOCKS   128991u

static struct vx_blk_claims t;

static int setup(void **state)
{
	(void)state;
	memset(&t, 0, sizeof(t));
	return 0;
}

static void test_overlap_adjacent_ranges_do_not(void **state)
{
	(void)state;
	/* [10, 20) and [20, 30): the first ends where the second starts. */
	assert_false(vx_blk_overlap(10, 10, 20, 10));
	assert_false(vx_blk_overlap(20, 10, 10, 10));
}

static void test_overlap_off_by_one_at_each_edge(void **state)
{
	(void)state;
	/* One block more on either side and they share block 20 or 19. */
	assert_true(vx_blk_overlap(10, 11, 20, 10));
	assert_true(vx_blk_overlap(20, 10, 10, 11));
	assert_true(vx_blk_overlap(19, 1, 10, 10));
	assert_false(vx_blk_overlap(9, 1, 10, 10));
	assert_true(vx_blk_overlap(10, 1, 10, 10));
	assert_true(vx_blk_overlap(10, 10, 10, 10)); /* the same range */
	assert_true(vx_blk_overlap(12, 2, 10, 10));  /* one inside the other */
	assert_true(vx_blk_overlap(10, 10, 12, 2));
}

static void test_overlap_zero_length_shares_nothing(void **state)
{
	(void)state;
	assert_false(vx_blk_overlap(15, 0, 10, 10));
	assert_false(vx_blk_overlap(10, 10, 15, 0));
	assert_false(vx_blk_overlap(10, 0, 10, 0));
	assert_false(vx_blk_overlap(10, 0, 10, 10));
}

static void test_overlap_near_uint64_max_does_not_wrap(void **state)
{
	(void)state;
	/* A sum here would wrap to small numbers and see overlaps that are
	 * not there, or miss ones that are. */
	assert_false(vx_blk_overlap(UINT64_MAX, 1, 0, 10));
	assert_false(vx_blk_overlap(0, 10, UINT64_MAX, 1));
	assert_true(vx_blk_overlap(UINT64_MAX - 1, 2, UINT64_MAX, 1));
	assert_true(vx_blk_overlap(0, UINT64_MAX, UINT64_MAX - 1, 1));
	assert_false(vx_blk_overlap(0, UINT64_MAX, UINT64_MAX, 1));
	assert_true(vx_blk_overlap(5, UINT64_MAX, 1u << 20, 1));
}

static void test_whole_disk_excludes_its_partitions(void **state)
{
	const struct vx_blk_claim *h;

	(void)state;
	assert_int_equal(vx_blk_claim(&t, 3, 0, DISK_BLOCKS, NULL), VX_OK);
	assert_int_equal(vx_blk_claim(&t, 4, P1_FIRST, P1_BLOCKS, &h), VX_E_BUSY);
	assert_non_null(h);
	assert_int_equal(h->owner, 3);
	assert_int_equal(vx_blk_claim(&t, 5, P2_FIRST, P2_BLOCKS, &h), VX_E_BUSY);
	assert_int_equal(h->owner, 3);
	/* The GPT's own blocks before the first partition are the disk's too. */
	assert_int_equal(vx_blk_claim(&t, 6, 0, 1, NULL), VX_E_BUSY);
	assert_int_equal(vx_blk_claim(&t, 6, DISK_BLOCKS - 1, 1, NULL), VX_E_BUSY);
	assert_null(vx_blk_claim_of(&t, 4));
}

static void test_partition_excludes_the_whole_disk(void **state)
{
	const struct vx_blk_claim *h;

	(void)state;
	assert_int_equal(vx_blk_claim(&t, 1, P1_FIRST, P1_BLOCKS, NULL), VX_OK);
	assert_int_equal(vx_blk_claim(&t, 2, 0, DISK_BLOCKS, &h), VX_E_BUSY);
	assert_int_equal(h->owner, 1);
	assert_int_equal(h->first, P1_FIRST);
	assert_int_equal(h->count, P1_BLOCKS);
}

static void test_two_partitions_side_by_side(void **state)
{
	(void)state;
	assert_int_equal(vx_blk_claim(&t, 1, P1_FIRST, P1_BLOCKS, NULL), VX_OK);
	assert_int_equal(vx_blk_claim(&t, 2, P2_FIRST, P2_BLOCKS, NULL), VX_OK);
	/* ...and the gap before the first partition is nobody's. */
	assert_int_equal(vx_blk_claim(&t, 3, 34, P1_FIRST - 34, NULL), VX_OK);
	assert_int_equal(vx_blk_claim(&t, 4, P1_FIRST - 1, 2, NULL), VX_E_BUSY);
}

static void test_same_partition_twice_is_busy(void **state)
{
	const struct vx_blk_claim *h;

	(void)state;
	assert_int_equal(vx_blk_claim(&t, 1, P1_FIRST, P1_BLOCKS, NULL), VX_OK);
	assert_int_equal(vx_blk_claim(&t, 2, P1_FIRST, P1_BLOCKS, &h), VX_E_BUSY);
	assert_int_equal(h->owner, 1);
	assert_int_equal(vx_blk_claim(&t, 2, P1_FIRST + P1_BLOCKS - 1, 1, NULL), VX_E_BUSY);
	assert_int_equal(vx_blk_claim(&t, 2, P1_FIRST + P1_BLOCKS, 1, NULL), VX_OK);
}

static void test_zero_length_is_refused(void **state)
{
	(void)state;
	assert_int_equal(vx_blk_claim(&t, 1, 100, 0, NULL), VX_E_INVAL);
	assert_int_equal(vx_blk_claim(&t, 1, 0, 0, NULL), VX_E_INVAL);
	assert_null(vx_blk_claim_of(&t, 1));
}

static void test_range_wrapping_uint64_is_refused(void **state)
{
	(void)state;
	assert_int_equal(vx_blk_claim(&t, 1, UINT64_MAX, 2, NULL), VX_E_RANGE);
	assert_int_equal(vx_blk_claim(&t, 1, 2, UINT64_MAX, NULL), VX_E_RANGE);
	assert_int_equal(vx_blk_claim(&t, 1, UINT64_MAX - 9, 11, NULL), VX_E_RANGE);
	assert_null(vx_blk_claim_of(&t, 1));
	/* Ending exactly at the last block is not a wrap. */
	assert_int_equal(vx_blk_claim(&t, 1, UINT64_MAX - 9, 10, NULL), VX_OK);
	assert_int_equal(vx_blk_claim(&t, 2, UINT64_MAX, 1, NULL), VX_E_BUSY);
	assert_int_equal(vx_blk_claim(&t, 2, 0, UINT64_MAX, NULL), VX_E_BUSY);
	assert_int_equal(vx_blk_claim(&t, 2, 0, UINT64_MAX - 9, NULL), VX_OK);
}

static void test_whole_uint64_range_from_zero(void **state)
{
	(void)state;
	/* [0, 2^64 - 1): the largest count there is, from block 0. */
	assert_int_equal(vx_blk_claim(&t, 1, 0, UINT64_MAX, NULL), VX_OK);
	assert_int_equal(vx_blk_claim(&t, 2, UINT64_MAX - 1, 1, NULL), VX_E_BUSY);
	assert_int_equal(vx_blk_claim(&t, 2, UINT64_MAX, 1, NULL), VX_OK);
}

static void test_one_claim_per_owner(void **state)
{
	(void)state;
	assert_int_equal(vx_blk_claim(&t, 7, 0, 10, NULL), VX_OK);
	assert_int_equal(vx_blk_claim(&t, 7, 100, 10, NULL), VX_E_EXISTS);
	assert_int_equal(vx_blk_claim_of(&t, 7)->first, 0);
}

static void test_table_full(void **state)
{
	const struct vx_blk_claim *h;

	(void)state;
	for (uint32_t i = 0; i < VX_BLK_CLAIMS_MAX; i++)
		assert_int_equal(vx_blk_claim(&t, i, i * 10, 10, NULL), VX_OK);
	assert_int_equal(vx_blk_claim(&t, 100, 1000, 10, &h), VX_E_FULL);
	assert_null(h);
	/* A conflict is still named as one when the table is full too. */
	assert_int_equal(vx_blk_claim(&t, 100, 5, 1, &h), VX_E_BUSY);
	assert_int_equal(h->owner, 0);
	/* Room again once one is let go. */
	assert_int_equal(vx_blk_release(&t, 3), VX_OK);
	assert_int_equal(vx_blk_claim(&t, 100, 1000, 10, NULL), VX_OK);
	assert_int_equal(vx_blk_claim(&t, 101, 2000, 10, NULL), VX_E_FULL);
}

static void test_release_of_unknown_claim(void **state)
{
	(void)state;
	assert_int_equal(vx_blk_release(&t, 9), VX_E_NOTFOUND);
	assert_int_equal(vx_blk_claim(&t, 1, 0, 10, NULL), VX_OK);
	assert_int_equal(vx_blk_release(&t, 9), VX_E_NOTFOUND);
	assert_non_null(vx_blk_claim_of(&t, 1)); /* someone else's stays */
}

static void test_double_release(void **state)
{
	(void)state;
	assert_int_equal(vx_blk_claim(&t, 1, 0, 10, NULL), VX_OK);
	assert_int_equal(vx_blk_claim(&t, 2, 10, 10, NULL), VX_OK);
	assert_int_equal(vx_blk_release(&t, 1), VX_OK);
	assert_int_equal(vx_blk_release(&t, 1), VX_E_NOTFOUND);
	assert_non_null(vx_blk_claim_of(&t, 2));
	assert_int_equal(vx_blk_claim(&t, 3, 0, 11, NULL), VX_E_BUSY); /* 2 still holds 10 */
}

static void test_release_lets_the_next_writer_in(void **state)
{
	(void)state;
	/* vfsd holds the partition; the shell's whole-disk writer waits. */
	assert_int_equal(vx_blk_claim(&t, 1, P1_FIRST, P1_BLOCKS, NULL), VX_OK);
	assert_int_equal(vx_blk_claim(&t, 2, 0, DISK_BLOCKS, NULL), VX_E_BUSY);
	assert_int_equal(vx_blk_release(&t, 1), VX_OK);
	assert_int_equal(vx_blk_claim(&t, 2, 0, DISK_BLOCKS, NULL), VX_OK);
	/* The slot reused by a new connection starts from nothing. */
	assert_int_equal(vx_blk_release(&t, 2), VX_OK);
	assert_int_equal(vx_blk_claim(&t, 2, P2_FIRST, P2_BLOCKS, NULL), VX_OK);
	assert_int_equal(vx_blk_claim_of(&t, 2)->first, P2_FIRST);
}

static void test_check_only_reads(void **state)
{
	struct vx_blk_claims before;

	(void)state;
	assert_int_equal(vx_blk_claim(&t, 1, 0, 10, NULL), VX_OK);
	memcpy(&before, &t, sizeof(t));
	assert_int_equal(vx_blk_claim_check(&t, 2, 20, 10, NULL), VX_OK);
	assert_int_equal(vx_blk_claim_check(&t, 2, 5, 10, NULL), VX_E_BUSY);
	assert_int_equal(vx_blk_claim_check(&t, 1, 20, 10, NULL), VX_E_EXISTS);
	assert_memory_equal(&before, &t, sizeof(t));
	vx_blk_claim_take(&t, 2, 20, 10);
	assert_int_equal(vx_blk_claim_of(&t, 2)->count, 10);
}

static void test_error_order(void **state)
{
	(void)state;
	/* Bad range before anything about the table. */
	assert_int_equal(vx_blk_claim(&t, 1, 0, 10, NULL), VX_OK);
	assert_int_equal(vx_blk_claim(&t, 1, 5, 0, NULL), VX_E_INVAL);
	assert_int_equal(vx_blk_claim(&t, 1, UINT64_MAX, 5, NULL), VX_E_RANGE);
	assert_int_equal(vx_blk_claim(&t, 1, 5, 1, NULL), VX_E_EXISTS);
}

/* A small deterministic generator (xorshift64), so a failure repeats. */
static uint64_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/*
 * The table against a plain model: who owns each of 256 blocks.  Random
 * claims (empty, short, and to the disk's end) and releases by 24 owners
 * (more than fit, so the table fills); every answer must be the model's,
 * and after each step no two claims share a block.
 */
static void test_random_against_a_model(void **state)
{
	enum { BLOCKS = 256, OWNERS = 24, STEPS = 20000 };
	int owner_of[BLOCKS];
	bool holds[OWNERS] = {false};
	uint64_t x = 0x9e3779b97f4a7c15ull;

	(void)state;
	for (int b = 0; b < BLOCKS; b++)
		owner_of[b] = -1;
	for (int step = 0; step < STEPS; step++) {
		uint32_t who = (uint32_t)(rnd(&x) % OWNERS);
		if (rnd(&x) % 4 == 0) {
			int rc = vx_blk_release(&t, who);
			assert_int_equal(rc, holds[who] ? VX_OK : VX_E_NOTFOUND);
			for (int b = 0; b < BLOCKS; b++)
				if (owner_of[b] == (int)who)
					owner_of[b] = -1;
			holds[who] = false;
			continue;
		}
		uint64_t first = rnd(&x) % BLOCKS, count = rnd(&x) % 5 == 0 ? BLOCKS : rnd(&x) % 9;
		if (first + count > BLOCKS)
			count = BLOCKS - first;
		int want = VX_OK, n = 0;
		for (uint32_t o = 0; o < OWNERS; o++)
			n += holds[o];
		if (count == 0)
			want = VX_E_INVAL;
		else if (holds[who])
			want = VX_E_EXISTS;
		for (uint64_t b = first; want == VX_OK && b < first + count; b++)
			if (owner_of[b] >= 0)
				want = VX_E_BUSY;
		if (want == VX_OK && n == (int)VX_BLK_CLAIMS_MAX)
			want = VX_E_FULL;
		const struct vx_blk_claim *h;
		assert_int_equal(vx_blk_claim(&t, who, first, count, &h), want);
		if (want == VX_E_BUSY)
			assert_true(vx_blk_overlap(first, count, h->first, h->count));
		if (want != VX_OK)
			continue;
		holds[who] = true;
		for (uint64_t b = first; b < first + count; b++)
			owner_of[b] = (int)who;
		for (uint32_t i = 0; i < VX_BLK_CLAIMS_MAX; i++)
			for (uint32_t j = i + 1; j < VX_BLK_CLAIMS_MAX; j++)
				assert_false(vx_blk_overlap(t.c[i].first, t.c[i].count,
							    t.c[j].first, t.c[j].count));
	}
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_overlap_adjacent_ranges_do_not),
	    T(test_overlap_off_by_one_at_each_edge),
	    T(test_overlap_zero_length_shares_nothing),
	    T(test_overlap_near_uint64_max_does_not_wrap),
	    T(test_whole_disk_excludes_its_partitions),
	    T(test_partition_excludes_the_whole_disk),
	    T(test_two_partitions_side_by_side),
	    T(test_same_partition_twice_is_busy),
	    T(test_zero_length_is_refused),
	    T(test_range_wrapping_uint64_is_refused),
	    T(test_whole_uint64_range_from_zero),
	    T(test_one_claim_per_owner),
	    T(test_table_full),
	    T(test_release_of_unknown_claim),
	    T(test_double_release),
	    T(test_release_lets_the_next_writer_in),
	    T(test_check_only_reads),
	    T(test_error_order),
	    T(test_random_against_a_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
