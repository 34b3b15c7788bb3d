/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * init's broker back-pressure (services/init/pure_broker.c): a connection's
 * pair of ends goes to a server's port only when both fit in its transfer
 * queue, whose count CAP_INSPECT reports in ring_state >> 8 beside the
 * bound-end bits.  The QEMU half (a port really filled, init deferring and
 * then delivering) is the hostile scenario's "back-pressure" checks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <cmocka.h>

#include <vectra/ring.h>
#include "../../services/init/pure_broker.h"

#define STATE(queued, bound) (((uint64_t)(queued) << 8) | (bound))

static void test_queued_count_decoded(void **state)
{
	(void)state;
	assert_int_equal(broker_queued(0), 0);
	assert_int_equal(broker_queued(STATE(5, VX_RING_BOUND_CONSUMER)), 5);
	assert_int_equal(broker_queued(STATE(VX_RING_XFER_MAX, 0)), VX_RING_XFER_MAX);
	/* the bound-end bits never read as a count */
	assert_int_equal(broker_queued(0xffu), 0);
}

static void test_pair_fits_until_two_short_of_full(void **state)
{
	(void)state;
	for (uint32_t n = 0; n + 2 <= VX_RING_XFER_MAX; n++)
		assert_true(broker_pair_fits(STATE(n, VX_RING_BOUND_CONSUMER)));
	/* one free entry: req would go and rep would not, splitting the pair */
	assert_false(broker_pair_fits(STATE(VX_RING_XFER_MAX - 1, VX_RING_BOUND_CONSUMER)));
	assert_false(broker_pair_fits(STATE(VX_RING_XFER_MAX, VX_RING_BOUND_CONSUMER)));
	assert_false(broker_pair_fits(STATE(VX_RING_XFER_MAX, 0)));
}

static void test_bound_bits_do_not_matter(void **state)
{
	(void)state;
	assert_true(broker_pair_fits(STATE(14, 0xffu)));
	assert_false(broker_pair_fits(STATE(15, 0)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_queued_count_decoded),
	    cmocka_unit_test(test_pair_fits_until_two_short_of_full),
	    cmocka_unit_test(test_bound_bits_do_not_matter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
