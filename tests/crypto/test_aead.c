/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ChaCha20-Poly1305 and XChaCha20-Poly1305: RFC 8439 section 2.8.2 and
 * appendix A.5, the draft-irtf-cfrg-xchacha-03 A.3.1 vector, the
 * BoringSSL and OpenSSL vector files of python3-cryptography-vectors
 * (including their forgeries), 10,000 random cases per construction
 * against libsodium (crypto_aead_[x]chacha20poly1305_ietf_*), and one
 * named rejection test per tampered input, each demanding exactly
 * VX_E_AUTH and an all-zero plaintext buffer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>

#include "vectra/abi.h"
#include "crypto/aead.h"
#include "symmetric_vectors.h"

static void fill(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rand();
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static const char sunscreen[] = "Ladies and Gentlemen of the class of '99: If I could offer you "
				"only one tip for the future, sunscreen would be it.";

static void test_rfc8439_2_8_2(void **state)
{
	uint8_t key[32], nonce[12], ad[12], c[114 + 16], want[114 + 16], m[114];

	(void)state;
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)(0x80 + i);
	tv_hex("070000004041424344454647", nonce, 12);
	tv_hex("50515253c0c1c2c3c4c5c6c7", ad, 12);
	tv_hex("d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
	       "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
	       "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
	       "3ff4def08e4b7a9de576d26586cec64b6116"
	       "1ae10b594f09e26a7e902ecbd0600691",
	       want, sizeof want);
	assert_int_equal(vx_aead_chacha20poly1305_encrypt(c, (const uint8_t *)sunscreen, 114, ad,
							  12, nonce, key),
			 VX_OK);
	assert_memory_equal(c, want, sizeof want);
	assert_int_equal(vx_aead_chacha20poly1305_decrypt(m, c, sizeof c, ad, 12, nonce, key),
			 VX_OK);
	assert_memory_equal(m, sunscreen, 114);
}

static void test_xchacha_draft_a31(void **state)
{
	uint8_t key[32], nonce[24], ad[12], c[114], tag[16], want[114], wtag[16], m[114];

	(void)state;
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)(0x80 + i);
	for (int i = 0; i < 24; i++)
		nonce[i] = (uint8_t)(0x40 + i);
	tv_hex("50515253c0c1c2c3c4c5c6c7", ad, 12);
	tv_hex("bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb"
	       "731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452"
	       "2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9"
	       "21f9664c97637da9768812f615c68b13b52e",
	       want, 114);
	tv_hex("c0875924c1c7987947deafd8780acf49", wtag, 16);
	assert_int_equal(vx_aead_xchacha20poly1305_encrypt_detached(
			     c, tag, (const uint8_t *)sunscreen, 114, ad, 12, nonce, key),
			 VX_OK);
	assert_memory_equal(c, want, 114);
	assert_memory_equal(tag, wtag, 16);
	assert_int_equal(
	    vx_aead_xchacha20poly1305_decrypt_detached(m, c, 114, tag, ad, 12, nonce, key), VX_OK);
	assert_memory_equal(m, sunscreen, 114);
}

/* Run one file: fields named by the caller; a "Result" field marks a
 * vector that must be rejected. */
static int run_file(const char *path, const char *fk, const char *fn, const char *fm,
		    const char *fa, const char *fc, const char *ft)
{
	FILE *fp = fopen(path, "r");
	static struct tv_record r;
	static uint8_t c[TV_MAX_BYTES], tag[16], m[TV_MAX_BYTES];
	int n = 0;

	assert_non_null(fp);
	while (tv_next(fp, &r)) {
		const struct tv_field *k = tv_get(&r, fk), *iv = tv_get(&r, fn),
				      *pt = tv_get(&r, fm), *ad = tv_get(&r, fa),
				      *ct = tv_get(&r, fc), *t = tv_get(&r, ft);
		bool bad = tv_get(&r, "Result") != NULL;
		int rc;

		assert_true(k && iv && pt && ad && ct && t);
		if (k->len != 32 || iv->len != 12 || t->len != 16)
			continue; /* other nonce or tag sizes are not this AEAD */
		if (!bad) {
			assert_int_equal(
			    vx_aead_chacha20poly1305_encrypt_detached(
				c, tag, pt->val, pt->len, ad->val, ad->len, iv->val, k->val),
			    VX_OK);
			assert_memory_equal(c, ct->val, ct->len);
			assert_memory_equal(tag, t->val, 16);
		}
		memset(m, 0x5a, ct->len);
		rc = vx_aead_chacha20poly1305_decrypt_detached(m, ct->val, ct->len, t->val, ad->val,
							       ad->len, iv->val, k->val);
		if (bad) {
			assert_int_equal(rc, VX_E_AUTH);
			assert_true(all_zero(m, ct->len));
		} else {
			assert_int_equal(rc, VX_OK);
			assert_memory_equal(m, pt->val, pt->len);
		}
		n++;
	}
	fclose(fp);
	return n;
}

static void test_vector_files(void **state)
{
	(void)state;
	assert_true(run_file(VECTORS_DIR "ciphers/ChaCha20Poly1305/boringssl.txt", "KEY", "NONCE",
			     "IN", "AD", "CT", "TAG") >= 60);
	assert_true(run_file(VECTORS_DIR "ciphers/ChaCha20Poly1305/openssl.txt", "Key", "IV",
			     "Plaintext", "AAD", "Ciphertext", "Tag") >= 4);
}

static void test_differential_ietf(void **state)
{
	static uint8_t m[1100], c[1120], ref[1120], back[1100];
	uint8_t key[32], nonce[12], ad[80];
	unsigned long long rl;

	(void)state;
	srand(88);
	for (int i = 0; i < 10000; i++) {
		size_t len = tv_len(1050, 64), adlen = tv_len(70, 16);

		fill(key, 32);
		fill(nonce, 12);
		fill(m, len);
		fill(ad, adlen);
		assert_int_equal(vx_aead_chacha20poly1305_encrypt(c, m, len, ad, adlen, nonce, key),
				 VX_OK);
		crypto_aead_chacha20poly1305_ietf_encrypt(ref, &rl, m, len, ad, adlen, NULL, nonce,
							  key);
		assert_int_equal(rl, len + 16);
		assert_memory_equal(c, ref, len + 16);
		assert_int_equal(
		    vx_aead_chacha20poly1305_decrypt(back, c, len + 16, ad, adlen, nonce, key),
		    VX_OK);
		assert_memory_equal(back, m, len);
	}
}

static void test_differential_xchacha(void **state)
{
	static uint8_t m[1100], c[1120], ref[1120], back[1100];
	uint8_t key[32], nonce[24], ad[80];
	unsigned long long rl;

	(void)state;
	srand(24);
	for (int i = 0; i < 10000; i++) {
		size_t len = tv_len(1050, 64), adlen = tv_len(70, 16);

		fill(key, 32);
		fill(nonce, 24);
		fill(m, len);
		fill(ad, adlen);
		assert_int_equal(
		    vx_aead_xchacha20poly1305_encrypt(c, m, len, ad, adlen, nonce, key), VX_OK);
		crypto_aead_xchacha20poly1305_ietf_encrypt(ref, &rl, m, len, ad, adlen, NULL, nonce,
							   key);
		assert_memory_equal(c, ref, len + 16);
		assert_int_equal(
		    vx_aead_xchacha20poly1305_decrypt(back, c, len + 16, ad, adlen, nonce, key),
		    VX_OK);
		assert_memory_equal(back, m, len);
	}
}

/* ---- rejection: one named test per tampered input ---------------------- */

struct sealed {
	uint8_t key[32], nonce[24], ad[21], m[100], c[116];
};

static void seal(struct sealed *s, bool x)
{
	fill(s->key, 32);
	fill(s->nonce, 24);
	fill(s->ad, sizeof s->ad);
	fill(s->m, sizeof s->m);
	if (x)
		vx_aead_xchacha20poly1305_encrypt(s->c, s->m, 100, s->ad, sizeof s->ad, s->nonce,
						  s->key);
	else
		vx_aead_chacha20poly1305_encrypt(s->c, s->m, 100, s->ad, sizeof s->ad, s->nonce,
						 s->key);
}

/* Open s (after tampering) into a 0x5a-filled buffer; demand VX_E_AUTH and
 * an all-zero result for both constructions. */
static void expect_reject(struct sealed *s, bool x)
{
	uint8_t out[100];
	int rc;

	memset(out, 0x5a, sizeof out);
	if (x)
		rc = vx_aead_xchacha20poly1305_decrypt(out, s->c, sizeof s->c, s->ad, sizeof s->ad,
						       s->nonce, s->key);
	else
		rc = vx_aead_chacha20poly1305_decrypt(out, s->c, sizeof s->c, s->ad, sizeof s->ad,
						      s->nonce, s->key);
	assert_int_equal(rc, VX_E_AUTH);
	assert_true(all_zero(out, sizeof out));
}

static void test_reject_tampered_ciphertext(void **state)
{
	struct sealed s;

	(void)state;
	for (int x = 0; x < 2; x++)
		for (int i = 0; i < 100; i += 7) {
			seal(&s, x);
			s.c[i] ^= 0x01;
			expect_reject(&s, x);
		}
}

static void test_reject_tampered_tag(void **state)
{
	struct sealed s;

	(void)state;
	for (int x = 0; x < 2; x++)
		for (int i = 0; i < 16; i++) {
			seal(&s, x);
			s.c[100 + i] ^= 0x80;
			expect_reject(&s, x);
		}
}

static void test_reject_tampered_nonce(void **state)
{
	struct sealed s;

	(void)state;
	for (int x = 0; x < 2; x++)
		for (int i = 0; i < (x ? 24 : 12); i++) {
			seal(&s, x);
			s.nonce[i] ^= 0x10;
			expect_reject(&s, x);
		}
}

static void test_reject_tampered_ad(void **state)
{
	struct sealed s;
	uint8_t out[100];

	(void)state;
	for (int x = 0; x < 2; x++)
		for (size_t i = 0; i < sizeof s.ad; i++) {
			seal(&s, x);
			s.ad[i] ^= 0x04;
			expect_reject(&s, x);
		}
	/* a dropped byte of associated data */
	seal(&s, false);
	memset(out, 0x5a, sizeof out);
	assert_int_equal(vx_aead_chacha20poly1305_decrypt(out, s.c, sizeof s.c, s.ad,
							  sizeof s.ad - 1, s.nonce, s.key),
			 VX_E_AUTH);
	assert_true(all_zero(out, sizeof out));
}

static void test_reject_in_place_and_short(void **state)
{
	struct sealed s;
	uint8_t out[16];

	(void)state;
	seal(&s, false);
	s.c[3] ^= 1;
	assert_int_equal(vx_aead_chacha20poly1305_decrypt(s.c, s.c, sizeof s.c, s.ad, sizeof s.ad,
							  s.nonce, s.key),
			 VX_E_AUTH);
	assert_true(all_zero(s.c, 100));
	assert_int_equal(vx_aead_chacha20poly1305_decrypt(out, s.c, 15, s.ad, 0, s.nonce, s.key),
			 VX_E_INVAL);
	/* empty message, empty ad: only the tag; a zero tag is a forgery */
	memset(s.c, 0, 16);
	assert_int_equal(vx_aead_chacha20poly1305_decrypt(out, s.c, 16, NULL, 0, s.nonce, s.key),
			 VX_E_AUTH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc8439_2_8_2),
	    cmocka_unit_test(test_xchacha_draft_a31),
	    cmocka_unit_test(test_vector_files),
	    cmocka_unit_test(test_differential_ietf),
	    cmocka_unit_test(test_differential_xchacha),
	    cmocka_unit_test(test_reject_tampered_ciphertext),
	    cmocka_unit_test(test_reject_tampered_tag),
	    cmocka_unit_test(test_reject_tampered_nonce),
	    cmocka_unit_test(test_reject_tampered_ad),
	    cmocka_unit_test(test_reject_in_place_and_short),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("aead", tests, NULL, NULL);
}
