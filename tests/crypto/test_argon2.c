/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Argon2id: the RFC 9106 section 5.3 vector (p = 4, secret and associated
 * data), 200 random small cases against libsodium's crypto_pwhash_argon2id
 * (ALG_ARGON2ID13; libsodium fixes p = 1 and a 16-byte salt and wants
 * tags of at least 16 bytes, so those are what is compared: t 1..3,
 * m 8..512 KiB, tags 16..200 bytes, passwords 0..80 bytes), three larger cases (up to 16 MiB),
 * unaligned working memory, and parameter/memory rejection.  10,000 Argon2 cases would take
 * minutes, hence 200; the 64 MiB case lives in bench/crypto.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include <sodium.h>

#include "vectra/abi.h"
#include "crypto/argon2.h"
#include "symmetric_vectors.h"

static void fill(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rand();
}

static void test_rfc9106(void **state)
{
	uint8_t pw[32], salt[16], k[8], ad[12], tag[32], want[32];
	struct vx_argon2id_params p = {3, 32, 4, k, 8, ad, 12};
	static uint8_t mem[32 * 1024] __attribute__((aligned(64)));

	(void)state;
	memset(pw, 1, 32);
	memset(salt, 2, 16);
	memset(k, 3, 8);
	memset(ad, 4, 12);
	tv_hex("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659", want, 32);
	assert_int_equal(vx_argon2id(tag, 32, pw, 32, salt, 16, &p, mem, sizeof mem), VX_OK);
	assert_memory_equal(tag, want, 32);
}

/* Compare one (t, m, tag length, password length) case with libsodium. */
static void one_case(uint32_t t, uint32_t m, size_t taglen, size_t pwlen, size_t misalign)
{
	static uint8_t tag[256], ref[256];
	uint8_t pw[128], salt[16];
	struct vx_argon2id_params p = {t, m, 1, NULL, 0, NULL, 0};
	size_t need = vx_argon2id_mem_bytes(m, 1) + 64;
	uint8_t *mem = malloc(need + misalign);

	assert_non_null(mem);
	fill(pw, pwlen);
	fill(salt, 16);
	assert_int_equal(vx_argon2id(tag, taglen, pw, pwlen, salt, 16, &p, mem + misalign, need),
			 VX_OK);
	assert_int_equal(crypto_pwhash_argon2id(ref, taglen, (const char *)pw, pwlen, salt, t,
						(size_t)m * 1024, crypto_pwhash_ALG_ARGON2ID13),
			 0);
	assert_memory_equal(tag, ref, taglen);
	free(mem);
}

static void test_differential_small(void **state)
{
	(void)state;
	srand(9106);
	for (int i = 0; i < 200; i++) {
		uint32_t t = 1 + (uint32_t)rand() % 3;
		uint32_t m = 8 + (uint32_t)rand() % 505;
		size_t taglen = 16 + (size_t)rand() % 185;

		if (i % 10 == 0)
			taglen = 60 + (size_t)(i / 10) % 10; /* around H' switching at 64 */
		one_case(t, m, taglen, (size_t)rand() % 81, (size_t)rand() % 64);
	}
}

static void test_differential_large(void **state)
{
	(void)state;
	one_case(1, 16384, 32, 12, 0);
	one_case(2, 4096, 64, 20, 8);
	one_case(3, 2048 + 40, 100, 33, 0); /* m not a multiple of 4: m' rounds down */
}

static void test_params(void **state)
{
	uint8_t tag[32], salt[16] = {0}, mem[64 * 1024 + 64];
	struct vx_argon2id_params p = {1, 64, 1, NULL, 0, NULL, 0}, q;

	(void)state;
	assert_int_equal(vx_argon2id(tag, 32, NULL, 0, salt, 16, &p, mem, sizeof mem), VX_OK);
	assert_int_equal(vx_argon2id(tag, 3, NULL, 0, salt, 16, &p, mem, sizeof mem), VX_E_INVAL);
	assert_int_equal(vx_argon2id(tag, 32, NULL, 0, salt, 7, &p, mem, sizeof mem), VX_E_INVAL);
	assert_int_equal(vx_argon2id(tag, 32, NULL, 1, salt, 16, &p, mem, sizeof mem), VX_E_INVAL);
	q = p;
	q.t_cost = 0;
	assert_int_equal(vx_argon2id(tag, 32, NULL, 0, salt, 16, &q, mem, sizeof mem), VX_E_INVAL);
	q = p;
	q.lanes = 0;
	assert_int_equal(vx_argon2id(tag, 32, NULL, 0, salt, 16, &q, mem, sizeof mem), VX_E_INVAL);
	q = p;
	q.lanes = 9; /* m < 8p */
	assert_int_equal(vx_argon2id(tag, 32, NULL, 0, salt, 16, &q, mem, sizeof mem), VX_E_INVAL);
	q = p;
	q.secret_len = 4; /* NULL secret */
	assert_int_equal(vx_argon2id(tag, 32, NULL, 0, salt, 16, &q, mem, sizeof mem), VX_E_INVAL);
	/* memory: exactly m' blocks when aligned, one byte less is too small */
	assert_int_equal(vx_argon2id_mem_bytes(64, 1), 64 * 1024);
	assert_int_equal(vx_argon2id_mem_bytes(70, 2), 64 * 1024);
	assert_int_equal(vx_argon2id_mem_bytes(15, 2), 0);
	q = p;
	q.m_kib = 65; /* same m' */
	{
		uint8_t *al = mem + ((64 - ((uintptr_t)mem & 63)) & 63);

		assert_int_equal(vx_argon2id(tag, 32, NULL, 0, salt, 16, &q, al, 64 * 1024), VX_OK);
		assert_int_equal(vx_argon2id(tag, 32, NULL, 0, salt, 16, &q, al, 64 * 1024 - 1),
				 VX_E_TOOBIG);
	}
	assert_int_equal(vx_argon2id(tag, 32, NULL, 0, salt, 16, &p, NULL, sizeof mem),
			 VX_E_TOOBIG);
}

/* p > 1 runs sequentially; the result must not depend on the buffer's
 * alignment or earlier contents, and the buffer is wiped afterwards. */
static void test_lanes_and_wipe(void **state)
{
	uint8_t t1[32], t2[32], salt[16] = {9};
	struct vx_argon2id_params p = {2, 256, 4, NULL, 0, NULL, 0};
	size_t need = vx_argon2id_mem_bytes(256, 4);
	uint8_t *mem = malloc(need + 64 + 1);
	uint8_t *al = mem + ((64 - ((uintptr_t)mem & 63)) & 63);

	(void)state;
	memset(mem, 0xee, need + 65);
	assert_int_equal(vx_argon2id(t1, 32, (const uint8_t *)"pw", 2, salt, 16, &p, al, need),
			 VX_OK);
	for (size_t i = 0; i < need; i++)
		assert_int_equal(al[i], 0);
	assert_int_equal(
	    vx_argon2id(t2, 32, (const uint8_t *)"pw", 2, salt, 16, &p, mem + 1, need + 64), VX_OK);
	assert_memory_equal(t1, t2, 32);
	free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc9106),
	    cmocka_unit_test(test_differential_small),
	    cmocka_unit_test(test_differential_large),
	    cmocka_unit_test(test_params),
	    cmocka_unit_test(test_lanes_and_wipe),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("argon2id", tests, NULL, NULL);
}
