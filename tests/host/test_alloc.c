/* SPDX-License-Identifier: BSD-3-Clause */
/* Heap and arena tests: patterns, exhaustion, coalescing, hostile frees. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rt/alloc.h"

#define HEAP_BYTES 65536

static uint8_t mem[HEAP_BYTES] __attribute__((aligned(16)));

/* Checks the heap walk and that nothing is lost: used + free == total. */
static void consistent(const struct vx_heap *h, size_t nalloc)
{
	struct vx_heap_stats st;

	assert_int_equal(vx_heap_stats(h, &st), VX_OK);
	assert_int_equal(st.used + st.free, st.total);
	assert_int_equal(st.nalloc, nalloc);
}

static void test_init(void **state)
{
	struct vx_heap h;
	struct vx_heap_stats st;

	(void)state;
	assert_int_equal(vx_heap_init(&h, NULL, 100), VX_E_INVAL);
	assert_int_equal(vx_heap_init(&h, mem, 16), VX_E_INVAL);
	assert_null(vx_heap_alloc(&h, 1)); /* a failed init hands out nothing */
	assert_int_equal(vx_heap_init(&h, mem + 3, 100), VX_OK); /* misaligned start is fixed up */
	assert_int_equal((uintptr_t)vx_heap_alloc(&h, 1) % 16, 0);
	assert_int_equal(vx_heap_init(&h, mem, HEAP_BYTES), VX_OK);
	assert_int_equal(vx_heap_stats(&h, &st), VX_OK);
	assert_int_equal(st.total, HEAP_BYTES);
	assert_int_equal(st.nfree, 1);
	assert_int_equal(st.largest_free, HEAP_BYTES - 16);
}

static void test_alloc_aligned_and_disjoint(void **state)
{
	struct vx_heap h;
	uint8_t *p[64];

	(void)state;
	assert_int_equal(vx_heap_init(&h, mem, HEAP_BYTES), VX_OK);
	assert_null(vx_heap_alloc(&h, 0));
	for (int i = 0; i < 64; i++) {
		size_t n = (size_t)(i * 37 % 200) + 1;

		p[i] = vx_heap_alloc(&h, n);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % 16, 0);
		assert_true(vx_heap_usable(&h, p[i]) >= n);
		memset(p[i], i, n);
	}
	for (int i = 0; i < 64; i++) {
		size_t n = (size_t)(i * 37 % 200) + 1;

		for (size_t k = 0; k < n; k++)
			assert_int_equal(p[i][k], (uint8_t)i);
	}
	consistent(&h, 64);
	for (int i = 0; i < 64; i += 2)
		assert_int_equal(vx_heap_free(&h, p[i]), VX_OK);
	consistent(&h, 32);
	for (int i = 1; i < 64; i += 2)
		assert_int_equal(vx_heap_free(&h, p[i]), VX_OK);
	consistent(&h, 0);
}

/* Freeing everything, in any order, coalesces back to one block. */
static void test_coalescing(void **state)
{
	struct vx_heap h;
	struct vx_heap_stats st;
	void *p[5];
	const int order[5] = {1, 3, 0, 4, 2};

	(void)state;
	assert_int_equal(vx_heap_init(&h, mem, HEAP_BYTES), VX_OK);
	for (int i = 0; i < 5; i++)
		p[i] = vx_heap_alloc(&h, 1000);
	for (int i = 0; i < 5; i++)
		assert_int_equal(vx_heap_free(&h, p[order[i]]), VX_OK);
	assert_int_equal(vx_heap_stats(&h, &st), VX_OK);
	assert_int_equal(st.nfree, 1);
	assert_int_equal(st.largest_free, HEAP_BYTES - 16);
	/* The whole heap can be handed out again in one piece. */
	assert_non_null(vx_heap_alloc(&h, HEAP_BYTES - 16));
	assert_null(vx_heap_alloc(&h, 1));
}

static void test_exhaustion(void **state)
{
	struct vx_heap h;
	void *p;
	int n = 0;

	(void)state;
	assert_int_equal(vx_heap_init(&h, mem, 4096), VX_OK);
	assert_null(vx_heap_alloc(&h, 4096));
	assert_null(vx_heap_alloc(&h, SIZE_MAX));
	assert_null(vx_heap_alloc(&h, SIZE_MAX - 8));
	while ((p = vx_heap_alloc(&h, 100)) != NULL)
		n++;
	assert_int_equal(n, 4096 / (112 + 16));
	consistent(&h, (size_t)n);
}

/* A hole too small for a request is skipped; a fitting one is reused. */
static void test_first_fit_reuse(void **state)
{
	struct vx_heap h;
	void *a, *b, *c, *d;

	(void)state;
	assert_int_equal(vx_heap_init(&h, mem, HEAP_BYTES), VX_OK);
	a = vx_heap_alloc(&h, 64);
	b = vx_heap_alloc(&h, 64);
	c = vx_heap_alloc(&h, 64);
	assert_int_equal(vx_heap_free(&h, b), VX_OK);
	d = vx_heap_alloc(&h, 200);
	assert_true(d != b);
	assert_ptr_equal(vx_heap_alloc(&h, 64), b);
	consistent(&h, 4);
	(void)a;
	(void)c;
}

static void test_double_free(void **state)
{
	struct vx_heap h;
	void *a, *b, *c;

	(void)state;
	assert_int_equal(vx_heap_init(&h, mem, HEAP_BYTES), VX_OK);
	a = vx_heap_alloc(&h, 64);
	b = vx_heap_alloc(&h, 64);
	c = vx_heap_alloc(&h, 64);
	assert_int_equal(vx_heap_free(&h, b), VX_OK);
	assert_int_equal(vx_heap_free(&h, b), VX_E_INVAL); /* still a separate free block */
	assert_int_equal(vx_heap_free(&h, a), VX_OK);	   /* merges with b */
	assert_int_equal(vx_heap_free(&h, b), VX_E_INVAL); /* b's header is gone */
	assert_int_equal(vx_heap_free(&h, a), VX_E_INVAL);
	consistent(&h, 1);
	assert_int_equal(vx_heap_free(&h, c), VX_OK);
	consistent(&h, 0);
	assert_int_equal(vx_heap_free(&h, NULL), VX_OK);
}

static void test_foreign_pointers(void **state)
{
	struct vx_heap h;
	static uint8_t other[64] __attribute__((aligned(16)));
	uint8_t *a;

	(void)state;
	assert_int_equal(vx_heap_init(&h, mem, HEAP_BYTES), VX_OK);
	a = vx_heap_alloc(&h, 256);
	memset(a, 0, 256);
	assert_int_equal(vx_heap_free(&h, other + 16), VX_E_INVAL); /* outside the heap */
	assert_int_equal(vx_heap_free(&h, a + 1), VX_E_INVAL);	    /* misaligned */
	assert_int_equal(vx_heap_free(&h, a + 32), VX_E_INVAL);	    /* inside a block */
	assert_int_equal(vx_heap_free(&h, mem), VX_E_INVAL);	    /* the header itself */
	assert_int_equal(vx_heap_free(&h, mem + HEAP_BYTES - 16), VX_E_INVAL);
	assert_int_equal(vx_heap_usable(&h, a + 32), 0);
	/* A forged header inside a block does not fool it. */
	memcpy(a + 64, a - 16, 16);
	assert_int_equal(vx_heap_free(&h, a + 80), VX_E_INVAL);
	consistent(&h, 1);
	assert_int_equal(vx_heap_free(&h, a), VX_OK);
	consistent(&h, 0);
}

/* An overflow that smashes the next header is detected, not followed. */
static void test_overflow_detected(void **state)
{
	struct vx_heap h;
	uint8_t *a, *b;

	(void)state;
	assert_int_equal(vx_heap_init(&h, mem, HEAP_BYTES), VX_OK);
	a = vx_heap_alloc(&h, 32);
	b = vx_heap_alloc(&h, 32);
	memset(a, 0x41, 32 + 8); /* runs into b's header */
	assert_int_equal(vx_heap_free(&h, b), VX_E_INVAL);
	assert_int_equal(vx_heap_free(&h, a), VX_E_INVAL); /* its neighbour no longer agrees */
	struct vx_heap_stats st;
	assert_int_equal(vx_heap_stats(&h, &st), VX_E_CORRUPT);
}

/* A pseudo-random workload against a shadow table. */
static void test_random_workload(void **state)
{
	struct vx_heap h;
	uint8_t *p[128] = {0};
	size_t sz[128] = {0};
	uint32_t x = 12345;
	size_t live = 0;

	(void)state;
	assert_int_equal(vx_heap_init(&h, mem, HEAP_BYTES), VX_OK);
	for (int iter = 0; iter < 20000; iter++) {
		unsigned i;

		x = x * 1103515245u + 12345u;
		i = (x >> 8) % 128;
		if (p[i]) {
			for (size_t k = 0; k < sz[i]; k++)
				assert_int_equal(p[i][k], (uint8_t)i);
			assert_int_equal(vx_heap_free(&h, p[i]), VX_OK);
			p[i] = NULL;
			live--;
		} else {
			sz[i] = (x >> 16) % 1500 + 1;
			p[i] = vx_heap_alloc(&h, sz[i]);
			if (p[i]) {
				memset(p[i], (int)i, sz[i]);
				live++;
			}
		}
	}
	consistent(&h, live);
}

static void test_arena(void **state)
{
	struct vx_arena a;
	uint8_t *p, *q;

	(void)state;
	vx_arena_init(&a, mem + 1, 100);
	p = vx_arena_alloc(&a, 10, 0);
	assert_non_null(p);
	assert_int_equal((uintptr_t)p % 16, 0);
	q = vx_arena_alloc(&a, 1, 1);
	assert_ptr_equal(q, p + 10);
	assert_null(vx_arena_alloc(&a, 10, 3)); /* not a power of two */
	assert_null(vx_arena_alloc(&a, 0, 8));
	assert_null(vx_arena_alloc(&a, 1000, 8));
	assert_null(vx_arena_alloc(&a, SIZE_MAX, 8));
	assert_non_null(vx_arena_alloc(&a, 50, 8));
	vx_arena_reset(&a);
	assert_ptr_equal(vx_arena_alloc(&a, 10, 0), p);
	vx_arena_init(&a, NULL, 100);
	assert_null(vx_arena_alloc(&a, 1, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_init),
	    cmocka_unit_test(test_alloc_aligned_and_disjoint),
	    cmocka_unit_test(test_coalescing),
	    cmocka_unit_test(test_exhaustion),
	    cmocka_unit_test(test_first_fit_reuse),
	    cmocka_unit_test(test_double_free),
	    cmocka_unit_test(test_foreign_pointers),
	    cmocka_unit_test(test_overflow_detected),
	    cmocka_unit_test(test_random_workload),
	    cmocka_unit_test(test_arena),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
