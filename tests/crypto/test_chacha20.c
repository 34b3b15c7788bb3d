/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ChaCha20 and HChaCha20: RFC 8439 section 2.3.2 / 2.4.2 vectors, the
 * appendix A.2 vectors from python3-cryptography-vectors, the HChaCha20
 * vector of draft-irtf-cfrg-xchacha-03 section 2.2.1, 10,000 random cases
 * against libsodium's crypto_stream_chacha20_ietf_xor_ic, and the
 * counter-overflow refusal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>

#include "vectra/abi.h"
#include "crypto/chacha20.h"
#include "symmetric_vectors.h"

static void fill(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rand();
}

static void test_rfc8439_block(void **state)
{
	uint8_t key[32], nonce[12], out[64], want[64];

	(void)state;
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)i;
	tv_hex("000000090000004a00000000", nonce, 12);
	tv_hex("10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
	       "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e",
	       want, 64);
	vx_chacha20_block(out, key, 1, nonce);
	assert_memory_equal(out, want, 64);
}

static void test_rfc8439_encrypt(void **state)
{
	static const char pt[] = "Ladies and Gentlemen of the class of '99: If I could offer you "
				 "only one tip for the future, sunscreen would be it.";
	uint8_t key[32], nonce[12], out[114], want[114];

	(void)state;
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)i;
	tv_hex("000000000000004a00000000", nonce, 12);
	tv_hex("6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b"
	       "f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8"
	       "07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
	       "5af90bbf74a35be6b40b8eedf2785e42874d",
	       want, 114);
	assert_int_equal(vx_chacha20_xor(out, (const uint8_t *)pt, 114, key, nonce, 1), VX_OK);
	assert_memory_equal(out, want, 114);
	/* in place, and back */
	assert_int_equal(vx_chacha20_xor(out, out, 114, key, nonce, 1), VX_OK);
	assert_memory_equal(out, pt, 114);
}

static void test_vectors_file(void **state)
{
	FILE *fp = fopen(VECTORS_DIR "ciphers/ChaCha20/rfc7539.txt", "r");
	static struct tv_record r;
	uint8_t out[TV_MAX_BYTES];
	int n = 0;

	(void)state;
	assert_non_null(fp);
	while (tv_next(fp, &r)) {
		const struct tv_field *k = tv_get(&r, "KEY"), *iv = tv_get(&r, "NONCE"),
				      *ctr = tv_get(&r, "INITIAL_BLOCK_COUNTER"),
				      *pt = tv_get(&r, "PLAINTEXT"), *ct = tv_get(&r, "CIPHERTEXT");
		uint32_t c;

		assert_true(k && iv && ctr && pt && ct);
		assert_int_equal(iv->len, 12);
		c = (uint32_t)strtoul(ctr->text, NULL, 10);
		assert_int_equal(vx_chacha20_xor(out, pt->val, pt->len, k->val, iv->val, c), VX_OK);
		assert_memory_equal(out, ct->val, ct->len);
		n++;
	}
	fclose(fp);
	assert_true(n >= 3);
}

static void test_hchacha20(void **state)
{
	uint8_t key[32], nonce[16], out[32], want[32], ref[32];

	(void)state;
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)i;
	tv_hex("000000090000004a0000000031415927", nonce, 16);
	tv_hex("82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc", want, 32);
	vx_hchacha20(out, key, nonce);
	assert_memory_equal(out, want, 32);
	for (int i = 0; i < 1000; i++) {
		fill(key, 32);
		fill(nonce, 16);
		vx_hchacha20(out, key, nonce);
		crypto_core_hchacha20(ref, nonce, key, NULL);
		assert_memory_equal(out, ref, 32);
	}
}

/* 10,000 random (key, nonce, counter, length) against libsodium. */
static void test_differential(void **state)
{
	static uint8_t in[2200], out[2200], ref[2200];
	uint8_t key[32], nonce[12];

	(void)state;
	srand(8439);
	for (int i = 0; i < 10000; i++) {
		size_t len = tv_len(2100, 64);
		uint32_t ctr = (uint32_t)rand();

		if (i % 4 == 0)
			ctr = (uint32_t)(rand() % 4);
		else if (ctr > 0xffffffffu - 64) /* libsodium would wrap */
			ctr -= 64;
		fill(key, 32);
		fill(nonce, 12);
		fill(in, len);
		assert_int_equal(vx_chacha20_xor(out, in, len, key, nonce, ctr), VX_OK);
		crypto_stream_chacha20_ietf_xor_ic(ref, in, len, nonce, ctr, key);
		assert_memory_equal(out, ref, len);
		/* bare keystream: in == NULL */
		assert_int_equal(vx_chacha20_xor(out, NULL, len, key, nonce, ctr), VX_OK);
		memset(in, 0, len);
		crypto_stream_chacha20_ietf_xor_ic(ref, in, len, nonce, ctr, key);
		assert_memory_equal(out, ref, len);
	}
}

/* The 32-bit counter never wraps: the last block is fine, one more is not. */
static void test_counter_limit(void **state)
{
	uint8_t key[32] = {1}, nonce[12] = {2}, out[129], ref[64];

	(void)state;
	memset(out, 0xaa, sizeof out);
	assert_int_equal(vx_chacha20_xor(out, NULL, 64, key, nonce, 0xffffffffu), VX_OK);
	vx_chacha20_block(ref, key, 0xffffffffu, nonce);
	assert_memory_equal(out, ref, 64);
	memset(out, 0xaa, sizeof out);
	assert_int_equal(vx_chacha20_xor(out, NULL, 65, key, nonce, 0xffffffffu), VX_E_TOOBIG);
	assert_int_equal(vx_chacha20_xor(out, NULL, 129, key, nonce, 0xfffffffeu), VX_E_TOOBIG);
	for (size_t i = 0; i < sizeof out; i++)
		assert_int_equal(out[i], 0xaa);
	assert_int_equal(vx_chacha20_xor(out, NULL, 0, key, nonce, 0xffffffffu), VX_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc8439_block), cmocka_unit_test(test_rfc8439_encrypt),
	    cmocka_unit_test(test_vectors_file),  cmocka_unit_test(test_hchacha20),
	    cmocka_unit_test(test_differential),  cmocka_unit_test(test_counter_limit),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("chacha20", tests, NULL, NULL);
}
