/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * X25519: RFC 7748 vectors (sections 5.2 and 6.1, the 1- and 1,000-
 * iteration chains, and the python3-cryptography-vectors transcription
 * parsed at run time), small-order rejection, and 10,000 random inputs
 * each against libsodium's crypto_scalarmult and crypto_scalarmult_base.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sodium.h>

#include "crypto/x25519.h"
#include "vectra/abi.h"

#define VEC_FILE "/usr/lib/python3/dist-packages/cryptography_vectors/asymmetric/X25519/rfc7748.txt"

static void unhex(uint8_t *out, const char *hex, size_t n)
{
	assert_int_equal(strlen(hex), 2 * n);
	for (size_t i = 0; i < n; i++) {
		unsigned int b;
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &b), 1);
		out[i] = (uint8_t)b;
	}
}

/* A fixed-seed generator so that a failure reproduces. */
static void rng(uint8_t *out, size_t n, uint64_t *state)
{
	uint8_t seed[randombytes_SEEDBYTES] = {0};

	memcpy(seed, state, sizeof *state);
	(*state)++;
	randombytes_buf_deterministic(out, n, seed);
}

static void check_vector(const char *k, const char *u, const char *want)
{
	uint8_t sk[32], pt[32], exp[32], out[32];

	unhex(sk, k, 32);
	unhex(pt, u, 32);
	unhex(exp, want, 32);
	assert_int_equal(vx_x25519(out, sk, pt), VX_OK);
	assert_memory_equal(out, exp, 32);
}

static void test_x25519_rfc7748_section5(void **state)
{
	check_vector("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
		     "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
		     "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
	/* The u here has bit 255 set, which must be ignored. */
	check_vector("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
		     "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
		     "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957");
}

/* Parse "KEY = hex" records from the Debian vectors file. */
static void test_x25519_cryptography_vectors(void **state)
{
	FILE *f = fopen(VEC_FILE, "r");
	char line[512], k[80] = "", u[80] = "";
	int n = 0;

	assert_non_null(f);
	while (fgets(line, sizeof line, f)) {
		char val[80];
		line[strcspn(line, "\r\n")] = 0;
		if (sscanf(line, "INPUT_SCALAR = %79s", val) == 1)
			strcpy(k, val);
		else if (sscanf(line, "INPUT_U = %79s", val) == 1)
			strcpy(u, val);
		else if (sscanf(line, "OUTPUT_U = %79s", val) == 1) {
			check_vector(k, u, val);
			n++;
		}
	}
	fclose(f);
	assert_true(n >= 3);
}

static void test_x25519_rfc7748_iterations(void **state)
{
	uint8_t k[32] = {9}, u[32] = {9}, r[32], want1[32], want1000[32];

	unhex(want1, "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079", 32);
	unhex(want1000, "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51", 32);
	for (int i = 1; i <= 1000; i++) {
		assert_int_equal(vx_x25519(r, k, u), VX_OK);
		memcpy(u, k, 32);
		memcpy(k, r, 32);
		if (i == 1)
			assert_memory_equal(k, want1, 32);
	}
	assert_memory_equal(k, want1000, 32);
}

static void test_x25519_rfc7748_dh(void **state)
{
	uint8_t a[32], b[32], apub[32], bpub[32], want_a[32], want_b[32], want_s[32], s1[32],
	    s2[32];

	unhex(a, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a", 32);
	unhex(want_a, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", 32);
	unhex(b, "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb", 32);
	unhex(want_b, "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", 32);
	unhex(want_s, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742", 32);
	assert_int_equal(vx_x25519_base(apub, a), VX_OK);
	assert_memory_equal(apub, want_a, 32);
	assert_int_equal(vx_x25519_base(bpub, b), VX_OK);
	assert_memory_equal(bpub, want_b, 32);
	assert_int_equal(vx_x25519(s1, a, bpub), VX_OK);
	assert_int_equal(vx_x25519(s2, b, apub), VX_OK);
	assert_memory_equal(s1, want_s, 32);
	assert_memory_equal(s2, want_s, 32);
}

/*
 * Every u of small order on the curve or its twist, plus the non-canonical
 * encodings of 0 and 1: the result is all zeros and the call says so.
 */
static void test_x25519_small_order_rejected(void **state)
{
	static const char *const bad[] = {
	    "0000000000000000000000000000000000000000000000000000000000000000",
	    "0100000000000000000000000000000000000000000000000000000000000000",
	    "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
	    "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
	    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	};
	uint8_t sk[32], pt[32], out[32], zero[32] = {0}, ref[32];
	uint64_t s = 77;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		for (int j = 0; j < 20; j++) {
			rng(sk, 32, &s);
			unhex(pt, bad[i], 32);
			pt[31] |= (uint8_t)((j & 1) << 7);
			memset(out, 0xaa, 32);
			assert_int_equal(vx_x25519(out, sk, pt), VX_E_AUTH);
			assert_memory_equal(out, zero, 32);
			assert_int_equal(crypto_scalarmult(ref, sk, pt), -1);
		}
	}
}

static void test_x25519_vs_libsodium(void **state)
{
	uint64_t s = 1;

	for (int i = 0; i < 10000; i++) {
		uint8_t sk[32], pt[32], ours[32], ref[32];
		int rc, rrc;

		rng(sk, 32, &s);
		rng(pt, 32, &s);
		if (i % 100 == 0) /* u in [p, 2^255): non-canonical, reduced */
			memset(pt + 1, 0xff, 31), pt[0] |= 0xed;
		rc = vx_x25519(ours, sk, pt);
		rrc = crypto_scalarmult(ref, sk, pt);
		assert_int_equal(rc, rrc == 0 ? VX_OK : VX_E_AUTH);
		assert_memory_equal(ours, ref, 32);
	}
}

static void test_x25519_base_vs_libsodium(void **state)
{
	uint64_t s = 2;

	for (int i = 0; i < 10000; i++) {
		uint8_t sk[32], ours[32], ref[32], nine[32] = {9}, ladder[32];

		rng(sk, 32, &s);
		assert_int_equal(vx_x25519_base(ours, sk), VX_OK);
		assert_int_equal(crypto_scalarmult_base(ref, sk), 0);
		assert_memory_equal(ours, ref, 32);
		if (i % 50 == 0) {
			assert_int_equal(vx_x25519(ladder, sk, nine), VX_OK);
			assert_memory_equal(ladder, ours, 32);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_x25519_rfc7748_section5),
	    cmocka_unit_test(test_x25519_cryptography_vectors),
	    cmocka_unit_test(test_x25519_rfc7748_iterations),
	    cmocka_unit_test(test_x25519_rfc7748_dh),
	    cmocka_unit_test(test_x25519_small_order_rejected),
	    cmocka_unit_test(test_x25519_vs_libsodium),
	    cmocka_unit_test(test_x25519_base_vs_libsodium),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
