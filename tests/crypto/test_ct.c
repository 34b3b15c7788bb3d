/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vx_ct_equal and vx_wipe.  vx_ct_equal is checked for the right answer on
 * every single-byte difference position and on random pairs; vx_wipe is
 * checked to zero the bytes it is given and nothing around them.  (That the
 * wipe survives optimisation is a property of the code shape - an asm
 * memory clobber - not something a test can observe portably.)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "crypto/ct.h"
#include "hash_vectors.h"

static void test_ct_equal_positions(void **state)
{
	uint8_t a[200], b[200];
	uint64_t s = 0xc7;

	rng_fill(&s, a, sizeof(a));
	memcpy(b, a, sizeof(a));
	assert_int_equal(vx_ct_equal(a, b, sizeof(a)), 1);
	assert_int_equal(vx_ct_equal(a, b, 0), 1);
	assert_int_equal(vx_ct_equal(NULL, NULL, 0), 1);
	for (size_t i = 0; i < sizeof(a); i++)
		for (int bit = 0; bit < 8; bit++) {
			b[i] ^= (uint8_t)(1u << bit);
			assert_int_equal(vx_ct_equal(a, b, sizeof(a)), 0);
			assert_int_equal(vx_ct_equal(a, b, i), 1); /* prefix before the flip */
			b[i] ^= (uint8_t)(1u << bit);
		}
}

static void test_ct_equal_random(void **state)
{
	uint64_t s = 0xc8;

	for (int i = 0; i < 10000; i++) {
		uint8_t a[40], b[40];
		size_t n = (size_t)(rng_next(&s) % 41);
		rng_fill(&s, a, n);
		rng_fill(&s, b, n);
		if (i % 2)
			memcpy(b, a, n / 2 * 2 == n ? n : n - 1);
		assert_int_equal(vx_ct_equal(a, b, n), memcmp(a, b, n) == 0);
	}
}

static void test_wipe(void **state)
{
	uint8_t buf[96];

	for (size_t off = 0; off < 16; off++)
		for (size_t n = 0; n < 64; n += 7) {
			memset(buf, 0xa5, sizeof(buf));
			vx_wipe(buf + off, n);
			for (size_t i = 0; i < sizeof(buf); i++)
				assert_int_equal(buf[i], i >= off && i < off + n ? 0 : 0xa5);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ct_equal_positions),
	    cmocka_unit_test(test_ct_equal_random),
	    cmocka_unit_test(test_wipe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
