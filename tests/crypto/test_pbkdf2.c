/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PBKDF2-HMAC-SHA-256/512: RFC 7914 section 11 known answers (SHA-256),
 * 10,000 random password/salt/iterations/length tuples each against
 * OpenSSL's PKCS5_PBKDF2_HMAC, and the argument errors.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <openssl/evp.h>

#include "vectra/abi.h"
#include "crypto/pbkdf2.h"
#include "hash_vectors.h"

/* RFC 7914 section 11, PBKDF2-HMAC-SHA256 test vectors (dkLen = 64). */
static void test_pbkdf2_rfc7914(void **state)
{
	static const char *v1 = "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
				"49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783";
	static const char *v2 = "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
				"a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d";
	uint8_t out[64], want[64];

	assert_int_equal(vx_pbkdf2_hmac_sha256(out, 64, "passwd", 6, "salt", 4, 1), VX_OK);
	assert_int_equal(hex_decode(v1, want, 64), 64);
	assert_memory_equal(out, want, 64);
	assert_int_equal(vx_pbkdf2_hmac_sha256(out, 64, "Password", 8, "NaCl", 4, 80000), VX_OK);
	assert_int_equal(hex_decode(v2, want, 64), 64);
	assert_memory_equal(out, want, 64);
}

static void pbkdf2_diff(int is512)
{
	static uint8_t pw[200], salt[200], a[300], b[300];
	uint64_t s = is512 ? 0xbd2512 : 0xbd2256;

	for (int i = 0; i < 10000; i++) {
		size_t pl = rng_len(&s, sizeof(pw)), sl = rng_len(&s, sizeof(salt));
		size_t L = rng_len(&s, sizeof(a));
		uint32_t it = (uint32_t)(rng_next(&s) % 4) + 1;
		int r;

		L = L ? L : 1;
		if (i % 500 == 0)
			it = 2048; /* the BIP39 count, now and then */
		rng_fill(&s, pw, pl);
		rng_fill(&s, salt, sl);
		assert_int_equal(PKCS5_PBKDF2_HMAC((const char *)pw, (int)pl, salt, (int)sl,
						   (int)it, is512 ? EVP_sha512() : EVP_sha256(),
						   (int)L, b),
				 1);
		if (is512)
			r = vx_pbkdf2_hmac_sha512(a, L, pw, pl, salt, sl, it);
		else
			r = vx_pbkdf2_hmac_sha256(a, L, pw, pl, salt, sl, it);
		assert_int_equal(r, VX_OK);
		assert_memory_equal(a, b, L);
	}
}

static void test_pbkdf2_sha256_vs_openssl(void **state)
{
	pbkdf2_diff(0);
}

static void test_pbkdf2_sha512_vs_openssl(void **state)
{
	pbkdf2_diff(1);
}

static void test_pbkdf2_errors(void **state)
{
	uint8_t out[8] = {7};

	assert_int_equal(vx_pbkdf2_hmac_sha256(out, 8, "p", 1, "s", 1, 0), VX_E_INVAL);
	assert_int_equal(vx_pbkdf2_hmac_sha512(out, 8, "p", 1, "s", 1, 0), VX_E_INVAL);
	assert_int_equal(out[0], 7);
	if (sizeof(size_t) > 4) {
		size_t big = (size_t)0xffffffffu * 64 + 1;
		assert_int_equal(vx_pbkdf2_hmac_sha512(out, big, "p", 1, "s", 1, 1), VX_E_TOOBIG);
		big = (size_t)0xffffffffu * 32 + 1;
		assert_int_equal(vx_pbkdf2_hmac_sha256(out, big, "p", 1, "s", 1, 1), VX_E_TOOBIG);
	}
	assert_int_equal(vx_pbkdf2_hmac_sha512(NULL, 0, NULL, 0, NULL, 0, 1), VX_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pbkdf2_rfc7914),
	    cmocka_unit_test(test_pbkdf2_sha256_vs_openssl),
	    cmocka_unit_test(test_pbkdf2_sha512_vs_openssl),
	    cmocka_unit_test(test_pbkdf2_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
