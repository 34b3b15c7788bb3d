/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * init's choice of boot RAM Reticle (services/init/pure_ram.c): a split
 * is taken from the first of ram0, ram1, ... whose free bytes hold it and
 * its record, and fails with VX_E_NOMEM only when none does.  The QEMU
 * half (a 6 GiB machine whose ram0 cannot hold linuxd, which then runs
 * from above 4 GiB) is tests/qemu/scenario_ram.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <cmocka.h>

#include <vectra/abi.h>
#include "../../services/init/pure_ram.h"

#define MIB (1ull << 20)
#define GIB (1ull << 30)

static void test_fits_counts_the_record(void **state)
{
	(void)state;
	assert_true(ram_fits(4 * MIB + VX_OBJ_META_BYTES, 4 * MIB));
	assert_false(ram_fits(4 * MIB + VX_OBJ_META_BYTES - 1, 4 * MIB));
	assert_false(ram_fits(4 * MIB, 4 * MIB)); /* the bytes alone are not enough */
	assert_false(ram_fits(0, 0));
	assert_false(ram_fits(VX_OBJ_META_BYTES - 1, 0));
}

static void test_fits_never_wraps(void **state)
{
	(void)state;
	/* bytes + record would wrap to a small number: still no fit */
	assert_false(ram_fits(UINT64_MAX, UINT64_MAX));
	assert_false(ram_fits(UINT64_MAX, UINT64_MAX - VX_OBJ_META_BYTES / 2));
	assert_false(ram_fits(64 * MIB, UINT64_MAX - 8));
	assert_true(ram_fits(UINT64_MAX, UINT64_MAX - VX_OBJ_META_BYTES));
}

static void test_ram0_first_while_it_fits(void **state)
{
	const uint64_t avail[] = {100 * MIB, 6 * GIB};

	(void)state;
	assert_int_equal(ram_pick(avail, 2, 2 * MIB), 0);
	assert_int_equal(ram_pick(avail, 2, 100 * MIB - VX_OBJ_META_BYTES), 0);
}

static void test_next_range_when_ram0_cannot_hold_it(void **state)
{
	const uint64_t avail[] = {100 * MIB, 6 * GIB};

	(void)state;
	assert_int_equal(ram_pick(avail, 2, 100 * MIB), 1);
	assert_int_equal(ram_pick(avail, 2, 132 * MIB), 1);
}

static void test_skips_every_full_range(void **state)
{
	const uint64_t avail[] = {1 * MIB, 0, VX_OBJ_META_BYTES, 3 * MIB, 64 * MIB};

	(void)state;
	assert_int_equal(ram_pick(avail, 5, 2 * MIB), 3);
	assert_int_equal(ram_pick(avail, 5, 4 * MIB), 4);
	/* only the first n count */
	assert_int_equal(ram_pick(avail, 4, 4 * MIB), VX_E_NOMEM);
}

static void test_larger_than_every_range_is_nomem(void **state)
{
	const uint64_t avail[] = {2 * GIB, 4 * GIB};

	(void)state;
	/* together they would hold it, but a split is one contiguous piece */
	assert_int_equal(ram_pick(avail, 2, 5 * GIB), VX_E_NOMEM);
	assert_int_equal(ram_pick(avail, 2, UINT64_MAX), VX_E_NOMEM);
	assert_int_equal(ram_pick(avail, 0, 4096), VX_E_NOMEM);
	assert_int_equal(ram_largest(avail, 2), 4 * GIB);
	assert_int_equal(ram_largest(avail, 0), 0);
}

/* init's boot on a machine with a small ram0: the pools and the small
 * services stay in ram0, the one that does not fit goes above 4 GiB, and
 * the ones after it come back to ram0 while it has room. */
static void test_a_boot_in_order(void **state)
{
	static const uint64_t asks[] = {4 * MIB, 5 * MIB, 2 * MIB, 26 * MIB, 132 * MIB, 10 * MIB};
	static const int want[] = {0, 0, 0, 0, 1, 0};
	uint64_t avail[] = {104 * MIB, 6016 * MIB};

	(void)state;
	for (unsigned i = 0; i < sizeof(asks) / sizeof(asks[0]); i++) {
		int r = ram_pick(avail, 2, asks[i]);
		assert_int_equal(r, want[i]);
		avail[r] -= asks[i] + VX_OBJ_META_BYTES;
	}
	assert_int_equal(avail[1], 6016 * MIB - 132 * MIB - VX_OBJ_META_BYTES);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fits_counts_the_record),
	    cmocka_unit_test(test_fits_never_wraps),
	    cmocka_unit_test(test_ram0_first_while_it_fits),
	    cmocka_unit_test(test_next_range_when_ram0_cannot_hold_it),
	    cmocka_unit_test(test_skips_every_full_range),
	    cmocka_unit_test(test_larger_than_every_range_is_nomem),
	    cmocka_unit_test(test_a_boot_in_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
