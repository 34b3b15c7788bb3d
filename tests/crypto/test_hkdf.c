/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HKDF-SHA-256/512: RFC 5869 appendix A and the 1200-byte pyca vector
 * (python3-cryptography-vectors, parsed at run time), 10,000 random
 * salt/IKM/info/L tuples each against OpenSSL's EVP_KDF "HKDF", and the
 * 255 * HashLen limit.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "vectra/abi.h"
#include "crypto/hkdf.h"
#include "hash_vectors.h"

static void check_file(const char *path)
{
	struct kv_file k;
	int n = 0;

	assert_int_equal(kv_open(&k, path, "OKM"), 0);
	while (kv_next(&k)) {
		struct kv_field *ikm = kv_get(&k, "IKM"), *salt = kv_get(&k, "salt");
		struct kv_field *info = kv_get(&k, "info"), *okm = kv_get(&k, "OKM");
		struct kv_field *prk = kv_get(&k, "PRK");
		size_t L = (size_t)strtoul(kv_get(&k, "L")->text, NULL, 10);
		uint8_t out[1200], p[32];

		assert_true(L <= sizeof(out) && (long)L == okm->len);
		assert_int_equal(vx_hkdf_sha256(out, L, salt->bin, (size_t)salt->len, ikm->bin,
						(size_t)ikm->len, info->bin, (size_t)info->len),
				 VX_OK);
		assert_memory_equal(out, okm->bin, L);
		if (prk) {
			vx_hkdf_sha256_extract(p, salt->bin, (size_t)salt->len, ikm->bin,
					       (size_t)ikm->len);
			assert_memory_equal(p, prk->bin, 32);
		}
		n++;
	}
	kv_close(&k);
	assert_true(n >= 1);
}

static void test_hkdf_vectors(void **state)
{
	check_file(VECTORS_DIR "KDF/rfc-5869-HKDF-SHA256.txt");
	check_file(VECTORS_DIR "KDF/hkdf-generated.txt");
}

static void openssl_hkdf(const char *md, uint8_t *out, size_t L, const uint8_t *salt, size_t sl,
			 const uint8_t *ikm, size_t il, const uint8_t *info, size_t nl)
{
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	EVP_KDF_CTX *c = EVP_KDF_CTX_new(kdf);
	OSSL_PARAM p[5], *q = p;

	*q++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)md, 0);
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)ikm, il);
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, sl);
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, nl);
	*q = OSSL_PARAM_construct_end();
	assert_int_equal(EVP_KDF_derive(c, out, L, p), 1);
	EVP_KDF_CTX_free(c);
	EVP_KDF_free(kdf);
}

static void hkdf_diff(int is512)
{
	static uint8_t salt[200], ikm[200], info[200], a[2200], b[2200];
	uint64_t s = is512 ? 0x4bdf512 : 0x4bdf256;

	for (int i = 0; i < 10000; i++) {
		size_t sl = rng_len(&s, sizeof(salt)), il = rng_len(&s, sizeof(ikm));
		size_t nl = rng_len(&s, sizeof(info)), L = rng_len(&s, sizeof(a));
		int r;

		L = L ? L : 1; /* OpenSSL refuses L = 0 */
		rng_fill(&s, salt, sl);
		rng_fill(&s, ikm, il);
		rng_fill(&s, info, nl);
		openssl_hkdf(is512 ? "SHA512" : "SHA256", b, L, salt, sl, ikm, il, info, nl);
		if (is512)
			r = vx_hkdf_sha512(a, L, salt, sl, ikm, il, info, nl);
		else
			r = vx_hkdf_sha256(a, L, salt, sl, ikm, il, info, nl);
		assert_int_equal(r, VX_OK);
		assert_memory_equal(a, b, L);
	}
}

static void test_hkdf_sha256_vs_openssl(void **state)
{
	hkdf_diff(0);
}

static void test_hkdf_sha512_vs_openssl(void **state)
{
	hkdf_diff(1);
}

/* L = 255 * HashLen works and matches OpenSSL; one byte more is VX_E_TOOBIG. */
static void test_hkdf_limits(void **state)
{
	static uint8_t a[255 * 64 + 1], b[255 * 64];
	uint8_t prk[64] = {1};

	memset(a, 0xee, sizeof(a));
	assert_int_equal(vx_hkdf_sha256_expand(a, 255 * 32 + 1, prk, 32, NULL, 0), VX_E_TOOBIG);
	assert_int_equal(a[0], 0xee); /* nothing written */
	assert_int_equal(vx_hkdf_sha256(a, 255 * 32 + 1, NULL, 0, "x", 1, NULL, 0), VX_E_TOOBIG);
	assert_int_equal(vx_hkdf_sha512_expand(a, 255 * 64 + 1, prk, 64, NULL, 0), VX_E_TOOBIG);
	assert_int_equal(vx_hkdf_sha512(a, 255 * 64 + 1, NULL, 0, "x", 1, NULL, 0), VX_E_TOOBIG);
	assert_int_equal(a[0], 0xee);
	assert_int_equal(vx_hkdf_sha512(a, 255 * 64, NULL, 0, (const uint8_t *)"x", 1, NULL, 0),
			 VX_OK);
	openssl_hkdf("SHA512", b, 255 * 64, (const uint8_t *)"", 0, (const uint8_t *)"x", 1, NULL,
		     0);
	assert_memory_equal(a, b, 255 * 64);
	assert_int_equal(vx_hkdf_sha256(a, 255 * 32, NULL, 0, (const uint8_t *)"x", 1, NULL, 0),
			 VX_OK);
	openssl_hkdf("SHA256", b, 255 * 32, (const uint8_t *)"", 0, (const uint8_t *)"x", 1, NULL,
		     0);
	assert_memory_equal(a, b, 255 * 32);
	assert_int_equal(vx_hkdf_sha256_expand(NULL, 0, prk, 32, NULL, 0), VX_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hkdf_vectors),
	    cmocka_unit_test(test_hkdf_sha256_vs_openssl),
	    cmocka_unit_test(test_hkdf_sha512_vs_openssl),
	    cmocka_unit_test(test_hkdf_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
