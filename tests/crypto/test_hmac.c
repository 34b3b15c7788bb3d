/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HMAC-SHA-256/512: RFC 4231 vectors (python3-cryptography-vectors
 * transcription, parsed at run time) and 10,000 random keys and messages
 * each against OpenSSL's HMAC, one-shot and split incrementally.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "crypto/ct.h"
#include "crypto/hmac.h"
#include "hash_vectors.h"

static void test_hmac_rfc4231(void **state)
{
	const char *files[2] = {VECTORS_DIR "HMAC/rfc-4231-sha256.txt",
				VECTORS_DIR "HMAC/rfc-4231-sha512.txt"};
	int total = 0;

	for (int f = 0; f < 2; f++) {
		struct kv_file k;
		uint8_t out[64];
		assert_int_equal(kv_open(&k, files[f], "MD"), 0);
		while (kv_next(&k)) {
			struct kv_field *key = kv_get(&k, "Key"), *msg = kv_get(&k, "Msg");
			struct kv_field *md = kv_get(&k, "MD");
			if (f == 0)
				vx_hmac_sha256(key->bin, (size_t)key->len, msg->bin,
					       (size_t)msg->len, out);
			else
				vx_hmac_sha512(key->bin, (size_t)key->len, msg->bin,
					       (size_t)msg->len, out);
			assert_int_equal(md->len, f == 0 ? 32 : 64);
			assert_memory_equal(out, md->bin, (size_t)md->len);
			total++;
		}
		kv_close(&k);
	}
	assert_true(total >= 12);
}

static void hmac_diff(int is512)
{
	static uint8_t key[300], msg[2100];
	uint64_t s = is512 ? 0x4ac512 : 0x4ac256;
	const EVP_MD *md = is512 ? EVP_sha512() : EVP_sha256();
	size_t hlen = is512 ? 64 : 32;

	for (int i = 0; i < 10000; i++) {
		size_t kl = i < 300 ? (size_t)i : rng_len(&s, sizeof(key));
		size_t ml = rng_len(&s, sizeof(msg)), cut = ml ? rng_next(&s) % ml : 0;
		uint8_t a[64], b[64], c[64];
		unsigned int blen = 0;

		rng_fill(&s, key, kl);
		rng_fill(&s, msg, ml);
		assert_non_null(HMAC(md, key, (int)kl, msg, ml, b, &blen));
		assert_int_equal(blen, hlen);
		if (is512) {
			struct vx_hmac_sha512 ctx;
			vx_hmac_sha512(key, kl, msg, ml, a);
			vx_hmac_sha512_init(&ctx, key, kl);
			vx_hmac_sha512_update(&ctx, msg, cut);
			vx_hmac_sha512_update(&ctx, msg + cut, ml - cut);
			vx_hmac_sha512_final(&ctx, c);
		} else {
			struct vx_hmac_sha256 ctx;
			vx_hmac_sha256(key, kl, msg, ml, a);
			vx_hmac_sha256_init(&ctx, key, kl);
			vx_hmac_sha256_update(&ctx, msg, cut);
			vx_hmac_sha256_update(&ctx, msg + cut, ml - cut);
			vx_hmac_sha256_final(&ctx, c);
		}
		assert_memory_equal(a, b, hlen);
		assert_memory_equal(c, b, hlen);
	}
}

static void test_hmac_sha256_vs_openssl(void **state)
{
	hmac_diff(0);
}

static void test_hmac_sha512_vs_openssl(void **state)
{
	hmac_diff(1);
}

/* A tag compared with vx_ct_equal: equal, and each single-bit flip rejected. */
static void test_hmac_verify_ct(void **state)
{
	uint8_t t1[32], t2[32];

	vx_hmac_sha256("k", 1, "m", 1, t1);
	vx_hmac_sha256("k", 1, "m", 1, t2);
	assert_int_equal(vx_ct_equal(t1, t2, 32), 1);
	for (int bit = 0; bit < 256; bit++) {
		t2[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(vx_ct_equal(t1, t2, 32), 0);
		t2[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hmac_rfc4231),
	    cmocka_unit_test(test_hmac_sha256_vs_openssl),
	    cmocka_unit_test(test_hmac_sha512_vs_openssl),
	    cmocka_unit_test(test_hmac_verify_ct),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
