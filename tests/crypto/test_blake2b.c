/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * BLAKE2b: RFC 7693 appendix A ("abc"), the hashes/blake2/blake2b.txt
 * file of python3-cryptography-vectors, 10,000 random cases against
 * libsodium's crypto_generichash with and without a key (digest lengths
 * 1..64), incremental splits, and parameter rejection.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>

#include "vectra/abi.h"
#include "crypto/blake2b.h"
#include "symmetric_vectors.h"

static void fill(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rand();
}

static void test_rfc7693_abc(void **state)
{
	uint8_t out[64], want[64];

	(void)state;
	tv_hex("ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
	       "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923",
	       want, 64);
	assert_int_equal(vx_blake2b(out, 64, "abc", 3, NULL, 0), VX_OK);
	assert_memory_equal(out, want, 64);
}

static void test_vectors_file(void **state)
{
	FILE *fp = fopen(VECTORS_DIR "hashes/blake2/blake2b.txt", "r");
	static struct tv_record r;
	uint8_t out[64];
	int n = 0;

	(void)state;
	assert_non_null(fp);
	while (tv_next(fp, &r)) {
		const struct tv_field *len = tv_get(&r, "Len"), *m = tv_get(&r, "Msg"),
				      *md = tv_get(&r, "MD");
		size_t bytes;

		assert_true(len && m && md && md->len == 64);
		bytes = strtoul(len->text, NULL, 10) / 8;
		assert_int_equal(vx_blake2b(out, 64, m->val, bytes, NULL, 0), VX_OK);
		assert_memory_equal(out, md->val, 64);
		n++;
	}
	fclose(fp);
	assert_true(n >= 5);
}

static void test_differential(void **state)
{
	static uint8_t msg[700];
	uint8_t key[64], out[64], ref[64];

	(void)state;
	srand(7693);
	for (int i = 0; i < 10000; i++) {
		size_t len = tv_len(650, 128), outlen = 1 + (size_t)rand() % 64;
		size_t keylen = (i % 2) ? 1 + (size_t)rand() % 64 : 0;

		fill(msg, len);
		fill(key, keylen);
		assert_int_equal(vx_blake2b(out, outlen, msg, len, keylen ? key : NULL, keylen),
				 VX_OK);
		assert_int_equal(
		    crypto_generichash(ref, outlen, msg, len, keylen ? key : NULL, keylen), 0);
		assert_memory_equal(out, ref, outlen);
	}
}

static void test_incremental(void **state)
{
	uint8_t msg[520], key[40], one[64], inc[64];

	(void)state;
	fill(msg, sizeof msg);
	fill(key, sizeof key);
	vx_blake2b(one, 64, msg, sizeof msg, key, sizeof key);
	for (size_t a = 0; a <= sizeof msg; a += 3) {
		struct vx_blake2b st;
		size_t b = a + (sizeof msg - a) / 2;

		assert_int_equal(vx_blake2b_init(&st, 64, key, sizeof key), VX_OK);
		vx_blake2b_update(&st, msg, a);
		vx_blake2b_update(&st, msg + a, b - a);
		vx_blake2b_update(&st, msg + b, sizeof msg - b);
		vx_blake2b_final(&st, inc);
		assert_memory_equal(one, inc, 64);
	}
}

static void test_params(void **state)
{
	uint8_t out[65], key[65] = {0};

	(void)state;
	assert_int_equal(vx_blake2b(out, 0, "", 0, NULL, 0), VX_E_INVAL);
	assert_int_equal(vx_blake2b(out, 65, "", 0, NULL, 0), VX_E_INVAL);
	assert_int_equal(vx_blake2b(out, 32, "", 0, key, 65), VX_E_INVAL);
	assert_int_equal(vx_blake2b(out, 32, "", 0, NULL, 1), VX_E_INVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc7693_abc),	 cmocka_unit_test(test_vectors_file),
	    cmocka_unit_test(test_differential), cmocka_unit_test(test_incremental),
	    cmocka_unit_test(test_params),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("blake2b", tests, NULL, NULL);
}
