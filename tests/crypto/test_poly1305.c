/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Poly1305: RFC 8439 section 2.5.2, the appendix A.3 vectors from
 * python3-cryptography-vectors, hand-picked edge cases of the final
 * reduction, incremental updates split at every offset, 10,000 random
 * cases against libsodium's crypto_onetimeauth_poly1305, and the tag
 * comparison.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>

#include "vectra/abi.h"
#include "crypto/poly1305.h"
#include "symmetric_vectors.h"

static void fill(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rand();
}

static void test_rfc8439(void **state)
{
	static const char msg[] = "Cryptographic Forum Research Group";
	uint8_t key[32], tag[16], want[16];

	(void)state;
	tv_hex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b", key, 32);
	tv_hex("a8061dc1305136c6c22b8baf0c0127a9", want, 16);
	vx_poly1305(tag, (const uint8_t *)msg, 34, key);
	assert_memory_equal(tag, want, 16);
}

static void test_vectors_file(void **state)
{
	FILE *fp = fopen(VECTORS_DIR "poly1305/rfc7539.txt", "r");
	static struct tv_record r;
	uint8_t tag[16];
	int n = 0;

	(void)state;
	assert_non_null(fp);
	while (tv_next(fp, &r)) {
		const struct tv_field *k = tv_get(&r, "KEY"), *m = tv_get(&r, "MSG"),
				      *t = tv_get(&r, "TAG");

		assert_true(k && m && t && k->len == 32 && t->len == 16);
		vx_poly1305(tag, m->val, m->len, k->val);
		assert_memory_equal(tag, t->val, 16);
		n++;
	}
	fclose(fp);
	assert_true(n >= 11);
}

/* Accumulators at and around p = 2^130 - 5 (RFC 8439 A.3 #6-#11 style). */
static void test_reduction_edges(void **state)
{
	uint8_t key[32], msg[64], tag[16], ref[16];

	(void)state;
	for (int i = 0; i < 2000; i++) {
		int pat = i % 4;
		size_t len = 16 * (size_t)(1 + rand() % 4);

		fill(key, 32);
		if (i % 3 == 0)
			memset(key, 0, 16); /* r = 0: tag = s + last partial sums */
		if (i % 5 == 0)
			memset(key, 0xff, 16); /* largest clamped r */
		memset(msg, pat == 0 ? 0xff : pat == 1 ? 0x00 : 0xfb, sizeof msg);
		if (pat == 3)
			fill(msg, sizeof msg);
		vx_poly1305(tag, msg, len, key);
		crypto_onetimeauth_poly1305(ref, msg, len, key);
		assert_memory_equal(tag, ref, 16);
	}
}

static void test_incremental(void **state)
{
	uint8_t key[32], msg[300], one[16], inc[16];

	(void)state;
	fill(key, 32);
	fill(msg, sizeof msg);
	vx_poly1305(one, msg, sizeof msg, key);
	for (size_t a = 0; a <= sizeof msg; a++) {
		struct vx_poly1305 st;
		size_t b = a + (sizeof msg - a) / 3;

		vx_poly1305_init(&st, key);
		vx_poly1305_update(&st, msg, a);
		vx_poly1305_update(&st, msg + a, b - a);
		vx_poly1305_update(&st, msg + b, 0);
		vx_poly1305_update(&st, msg + b, sizeof msg - b);
		vx_poly1305_final(&st, inc);
		assert_memory_equal(one, inc, 16);
	}
}

static void test_differential(void **state)
{
	static uint8_t msg[1100];
	uint8_t key[32], tag[16], ref[16];

	(void)state;
	srand(1305);
	for (int i = 0; i < 10000; i++) {
		size_t len = tv_len(1050, 16);

		fill(key, 32);
		fill(msg, len);
		vx_poly1305(tag, msg, len, key);
		crypto_onetimeauth_poly1305(ref, msg, len, key);
		assert_memory_equal(tag, ref, 16);
	}
}

static void test_verify(void **state)
{
	uint8_t a[16], b[16];

	(void)state;
	fill(a, 16);
	memcpy(b, a, 16);
	assert_int_equal(vx_poly1305_verify(a, b), VX_OK);
	for (int i = 0; i < 16; i++)
		for (int bit = 0; bit < 8; bit++) {
			b[i] ^= (uint8_t)(1u << bit);
			assert_int_equal(vx_poly1305_verify(a, b), VX_E_AUTH);
			b[i] ^= (uint8_t)(1u << bit);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc8439),	    cmocka_unit_test(test_vectors_file),
	    cmocka_unit_test(test_reduction_edges), cmocka_unit_test(test_incremental),
	    cmocka_unit_test(test_differential),    cmocka_unit_test(test_verify),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("poly1305", tests, NULL, NULL);
}
