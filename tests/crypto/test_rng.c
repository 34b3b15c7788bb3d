/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RNG levels and sources: the DRBG known answer (checked against
 * libsodium's crypto_stream_chacha20_ietf), the High rules (one source is
 * never enough, two sources under 256 bits are not enough, then success;
 * credit is consumed), Standard seeding and reseeding, Sloppy, and the
 * real sources (getrandom, RDSEED/RDRAND when the CPU has them, jitter).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "vectra/abi.h"
#include "crypto/rng.h"
#include "crypto/rng_host.h"

/* A test source: counter-derived bytes, with a read counter. */
struct fake {
	uint8_t tag;
	uint32_t reads;
};

static int fake_read(void *ctx, uint8_t *buf, size_t n)
{
	struct fake *f = ctx;

	f->reads++;
	for (size_t i = 0; i < n; i++)
		buf[i] = (uint8_t)(f->tag * 31 + f->reads * 7 + i);
	return VX_OK;
}

static int failing_read(void *ctx, uint8_t *buf, size_t n)
{
	(void)ctx;
	(void)buf;
	(void)n;
	return VX_E_AGAIN;
}

#define FAKE(nm, idv, ctxp, mb)                                                                    \
	{                                                                                          \
		.name = nm, .id = idv, .read = fake_read, .ctx = ctxp, .credit_mbits = mb          \
	}

/*
 * Known answer: seed = 00 01 .. 1f.  The first 48 bytes are bytes 32..80
 * of the IETF ChaCha20 keystream (key = seed, nonce = 0, counter 0):
 *   2b23cce7a26023ab3f0eef693ac87f64 258235eab1f7a32dc22762a0485b410c
 *   18b84231ade6a6d113615c61af434e27
 * then the key becomes bytes 0..32 of that stream.
 */
static void test_drbg_known_answer(void **state)
{
	static const char *want_hex = "2b23cce7a26023ab3f0eef693ac87f64258235eab1f7a32dc22762a0485b"
				      "410c18b84231ade6a6d113615c61af434e27";
	uint8_t seed[32], nonce[12] = {0}, out[48], ref[80], ref2[80], want[48], out2[100];
	struct vx_drbg d;

	(void)state;
	for (int i = 0; i < 32; i++)
		seed[i] = (uint8_t)i;
	for (int i = 0; i < 48; i++)
		sscanf(want_hex + 2 * i, "%2hhx", &want[i]);
	vx_drbg_init(&d, seed);
	vx_drbg_generate(&d, out, 48);
	crypto_stream_chacha20_ietf(ref, 80, nonce, seed);
	assert_memory_equal(out, ref + 32, 48);
	assert_memory_equal(out, want, 48);
	assert_memory_equal(d.key, ref, 32); /* fast key erasure */
	vx_drbg_generate(&d, out2, 48);
	crypto_stream_chacha20_ietf(ref2, 80, nonce, ref);
	assert_memory_equal(out2, ref2 + 32, 48);
	/* a multi-block request is the same stream */
	{
		static uint8_t big[5000], bref[5032];
		vx_drbg_init(&d, seed);
		vx_drbg_generate(&d, big, sizeof big);
		crypto_stream_chacha20_ietf(bref, sizeof bref, nonce, seed);
		assert_memory_equal(big, bref + 32, sizeof big);
	}
}

static void test_high_one_source_refused(void **state)
{
	struct fake f = {1, 0};
	const struct vx_rng_source s = FAKE("one", VX_RNG_ID_USER, &f, 8000); /* 512 bits/poll */
	struct vx_rng rng;
	uint8_t out[32];

	(void)state;
	vx_rng_init(&rng);
	assert_int_equal(vx_rng_add_source(&rng, &s), VX_OK);
	for (int i = 0; i < 5; i++) {
		memset(out, 0x77, sizeof out);
		assert_int_equal(vx_rng_get(&rng, VX_RNG_HIGH, out, 32), VX_E_AGAIN);
		for (int j = 0; j < 32; j++)
			assert_int_equal(out[j], 0x77); /* untouched */
	}
	/* explicitly added entropy under the same id does not help either */
	vx_rng_add_entropy(&rng, VX_RNG_ID_USER, out, 32, 256);
	assert_false(vx_rng_high_ready(&rng));
	/* two sources sharing an id are one source */
	{
		struct fake g = {2, 0};
		const struct vx_rng_source s2 = FAKE("same-id", VX_RNG_ID_USER, &g, 8000);
		assert_int_equal(vx_rng_add_source(&rng, &s2), VX_OK);
		assert_int_equal(vx_rng_get(&rng, VX_RNG_HIGH, out, 32), VX_E_AGAIN);
	}
	vx_rng_wipe(&rng);
}

static void test_high_two_sources(void **state)
{
	struct fake fa = {3, 0}, fb = {4, 0};
	/* 64 bytes per poll: 1.0 + 1.0 bits/byte = 128 bits per poll */
	const struct vx_rng_source a = FAKE("a", VX_RNG_ID_USER, &fa, 1000);
	const struct vx_rng_source b = FAKE("b", VX_RNG_ID_USER + 1, &fb, 1000);
	struct vx_rng rng;
	uint8_t out[64], out2[64];

	(void)state;
	vx_rng_init(&rng);
	assert_int_equal(vx_rng_add_source(&rng, &a), VX_OK);
	assert_int_equal(vx_rng_add_source(&rng, &b), VX_OK);
	assert_int_equal(vx_rng_add_source(&rng, &b), VX_E_EXISTS);
	/* the call polls once: 128 < 256 bits */
	assert_int_equal(vx_rng_get(&rng, VX_RNG_HIGH, out, 64), VX_E_AGAIN);
	assert_false(vx_rng_high_ready(&rng));
	/* second call: another poll, 256 bits from 2 sources of 128 each */
	assert_int_equal(vx_rng_get(&rng, VX_RNG_HIGH, out, 64), VX_OK);
	/* the credit was consumed */
	assert_false(vx_rng_high_ready(&rng));
	assert_int_equal(vx_rng_get(&rng, VX_RNG_HIGH, out2, 64), VX_E_AGAIN);
	assert_int_equal(vx_rng_get(&rng, VX_RNG_HIGH, out2, 64), VX_OK);
	assert_memory_not_equal(out, out2, 64);
	vx_rng_wipe(&rng);
}

/* 2 sources, >= 256 bits in total, but one is credited under 64 bits. */
static void test_high_lopsided_refused(void **state)
{
	struct vx_rng rng;
	uint8_t buf[64] = {1}, out[32];

	(void)state;
	vx_rng_init(&rng);
	vx_rng_add_entropy(&rng, 100, buf, 64, 400);
	vx_rng_add_entropy(&rng, 101, buf, 8, 63);
	assert_int_equal(vx_rng_get(&rng, VX_RNG_HIGH, out, 32), VX_E_AGAIN);
	vx_rng_add_entropy(&rng, 101, buf, 1, 1); /* now 64 bits */
	assert_int_equal(vx_rng_get(&rng, VX_RNG_HIGH, out, 32), VX_OK);
	/* credit is capped at 8 bits per byte */
	vx_rng_add_entropy(&rng, 100, buf, 8, 1000);
	vx_rng_add_entropy(&rng, 101, buf, 8, 1000);
	assert_false(vx_rng_high_ready(&rng));
	vx_rng_wipe(&rng);
}

static void test_standard_needs_seed(void **state)
{
	struct vx_rng rng;
	struct fake f = {5, 0};
	const struct vx_rng_source weak = FAKE("weak", VX_RNG_ID_USER, &f, 500); /* 32 bits/poll */
	const struct vx_rng_source dead = {.name = "dead", .id = 99, .read = failing_read};
	uint8_t out[32];
	int tries = 0;

	(void)state;
	vx_rng_init(&rng);
	assert_int_equal(vx_rng_get(&rng, VX_RNG_STANDARD, out, 32), VX_E_AGAIN);
	assert_int_equal(vx_rng_add_source(&rng, &dead), VX_OK);
	assert_int_equal(vx_rng_poll(&rng), VX_E_AGAIN);
	assert_int_equal(vx_rng_add_source(&rng, &weak), VX_OK);
	while (vx_rng_get(&rng, VX_RNG_STANDARD, out, 32) == VX_E_AGAIN)
		tries++;
	assert_int_equal(tries, 3); /* 4 polls x 32 bits = 128 */
	assert_int_equal(vx_rng_get(&rng, (enum vx_rng_level)7, out, 1), VX_E_INVAL);
	vx_rng_wipe(&rng);
}

static void test_standard_reseeds(void **state)
{
	struct fake f = {6, 0};
	const struct vx_rng_source s = FAKE("s", VX_RNG_ID_USER, &f, 8000);
	struct vx_rng a, b;
	uint8_t x[32], y[32];
	uint32_t reads;

	(void)state;
	vx_rng_init(&a);
	assert_int_equal(vx_rng_add_source(&a, &s), VX_OK);
	assert_int_equal(vx_rng_get(&a, VX_RNG_STANDARD, x, 32), VX_OK);
	/* a copy produces the same stream until one side reseeds */
	b = a;
	assert_int_equal(vx_rng_get(&a, VX_RNG_STANDARD, x, 32), VX_OK);
	assert_int_equal(vx_rng_get(&b, VX_RNG_STANDARD, y, 32), VX_OK);
	assert_memory_equal(x, y, 32);
	assert_int_equal(vx_rng_reseed(&a), VX_OK);
	assert_int_equal(a.reseeds, b.reseeds + 1);
	assert_int_equal(vx_rng_get(&a, VX_RNG_STANDARD, x, 32), VX_OK);
	assert_int_equal(vx_rng_get(&b, VX_RNG_STANDARD, y, 32), VX_OK);
	assert_memory_not_equal(x, y, 32);
	/* automatic reseed after reseed_after bytes */
	a.reseed_after = 100;
	reads = f.reads;
	for (int i = 0; i < 10; i++)
		assert_int_equal(vx_rng_get(&a, VX_RNG_STANDARD, x, 32), VX_OK);
	assert_int_equal(f.reads - reads, 2); /* at 128 bytes, then 128 again */
	vx_rng_wipe(&a);
	vx_rng_wipe(&b);
}

static void test_sloppy(void **state)
{
	struct vx_rng rng;
	uint8_t x[64], y[64], zero[64] = {0};

	(void)state;
	vx_rng_init(&rng); /* no sources at all: still instant */
	assert_int_equal(vx_rng_get(&rng, VX_RNG_SLOPPY, x, 64), VX_OK);
	assert_int_equal(vx_rng_get(&rng, VX_RNG_SLOPPY, y, 64), VX_OK);
	assert_memory_not_equal(x, y, 64);
	assert_memory_not_equal(x, zero, 64);
	assert_int_equal(vx_rng_get(&rng, VX_RNG_SLOPPY, x, 3), VX_OK);
	vx_rng_wipe(&rng);
}

static void test_real_sources(void **state)
{
	struct vx_rng rng;
	uint8_t a[32], b[32];
	int tries = 0;

	(void)state;
	vx_rng_init(&rng);
	assert_int_equal(vx_rng_add_source(&rng, &vx_rng_source_getrandom), VX_OK);
	assert_int_equal(vx_rng_add_source(&rng, &vx_rng_source_jitter), VX_OK);
	assert_int_equal(vx_rng_add_source(&rng, &vx_rng_source_rdseed), VX_OK);
	assert_int_equal(vx_rng_add_source(&rng, &vx_rng_source_rdrand), VX_OK);
	assert_int_equal(vx_rng_source_jitter.read(NULL, a, 32), VX_OK);
	assert_int_equal(vx_rng_source_jitter.read(NULL, b, 32), VX_OK);
	assert_memory_not_equal(a, b, 32);
	if (vx_rng_cpu_has_rdseed()) {
		assert_int_equal(vx_rng_source_rdseed.read(NULL, a, 32), VX_OK);
		assert_int_equal(vx_rng_source_rdrand.read(NULL, b, 32), VX_OK);
		assert_memory_not_equal(a, b, 32);
	}
	assert_int_equal(vx_rng_get(&rng, VX_RNG_STANDARD, a, 32), VX_OK);
	while (vx_rng_get(&rng, VX_RNG_HIGH, b, 32) == VX_E_AGAIN)
		assert_true(++tries < 100);
	assert_memory_not_equal(a, b, 32);
	vx_rng_wipe(&rng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_drbg_known_answer),
	    cmocka_unit_test(test_high_one_source_refused),
	    cmocka_unit_test(test_high_two_sources),
	    cmocka_unit_test(test_high_lopsided_refused),
	    cmocka_unit_test(test_standard_needs_seed),
	    cmocka_unit_test(test_standard_reseeds),
	    cmocka_unit_test(test_sloppy),
	    cmocka_unit_test(test_real_sources),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("rng", tests, NULL, NULL);
}
