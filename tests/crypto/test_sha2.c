/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SHA-256 and SHA-512: NIST CAVS vectors (ShortMsg, LongMsg, Monte) parsed
 * from python3-cryptography-vectors at run time, a differential run against
 * OpenSSL's EVP digests over 10,000 random inputs each (random lengths with
 * block edges, random update splits), and SHA-NI against the portable path.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <openssl/evp.h>

#include "crypto/sha2.h"
#include "hash_vectors.h"

#define SHA2_DIR VECTORS_DIR "hashes/SHA2/"

typedef void (*oneshot_fn)(const void *, size_t, uint8_t *);

static void ours256(const void *p, size_t n, uint8_t *out)
{
	vx_sha256(p, n, out);
}

static void ours512(const void *p, size_t n, uint8_t *out)
{
	vx_sha512(p, n, out);
}

/* Check every record of a ShortMsg/LongMsg file; returns the count. */
static int run_msg_file(const char *path, oneshot_fn fn, size_t hlen)
{
	struct kv_file k;
	int n = 0;
	uint8_t out[64];

	assert_int_equal(kv_open(&k, path, "MD"), 0);
	while (kv_next(&k)) {
		long bits = strtol(kv_get(&k, "Len")->text, NULL, 10);
		struct kv_field *msg = kv_get(&k, "Msg"), *md = kv_get(&k, "MD");
		assert_int_equal(md->len, (long)hlen);
		fn(msg->bin, (size_t)bits / 8, out);
		assert_memory_equal(out, md->bin, hlen);
		n++;
	}
	kv_close(&k);
	return n;
}

/* NIST Monte Carlo test: 100 checkpoints of 1000 chained hashes. */
static int run_monte(const char *path, oneshot_fn fn, size_t hlen)
{
	struct kv_file k;
	uint8_t md[4][64], m[3 * 64], seed[64];
	int n = 0;

	assert_int_equal(kv_open(&k, path, "Seed"), 0);
	assert_int_equal(kv_next(&k), 1);
	memcpy(seed, kv_get(&k, "Seed")->bin, hlen);
	k.last = "MD";
	while (kv_next(&k)) {
		memcpy(md[0], seed, hlen);
		memcpy(md[1], seed, hlen);
		memcpy(md[2], seed, hlen);
		for (int i = 0; i < 1000; i++) {
			memcpy(m, md[0], hlen);
			memcpy(m + hlen, md[1], hlen);
			memcpy(m + 2 * hlen, md[2], hlen);
			fn(m, 3 * hlen, md[3]);
			memmove(md[0], md[1], 3 * 64);
		}
		assert_memory_equal(md[2], kv_get(&k, "MD")->bin, hlen);
		memcpy(seed, md[2], hlen);
		n++;
	}
	kv_close(&k);
	return n;
}

static void test_sha256_nist(void **state)
{
	int n = run_msg_file(SHA2_DIR "SHA256ShortMsg.rsp", ours256, 32);
	n += run_msg_file(SHA2_DIR "SHA256LongMsg.rsp", ours256, 32);
	assert_true(n >= 128);
	assert_int_equal(run_monte(SHA2_DIR "SHA256Monte.rsp", ours256, 32), 100);
}

static void test_sha512_nist(void **state)
{
	int n = run_msg_file(SHA2_DIR "SHA512ShortMsg.rsp", ours512, 64);
	n += run_msg_file(SHA2_DIR "SHA512LongMsg.rsp", ours512, 64);
	assert_true(n >= 256);
	assert_int_equal(run_monte(SHA2_DIR "SHA512Monte.rsp", ours512, 64), 100);
}

static void openssl_digest(const EVP_MD *md, const uint8_t *p, size_t n, uint8_t *out)
{
	unsigned int olen = 0;
	assert_int_equal(EVP_Digest(p, n, out, &olen, md, NULL), 1);
	assert_int_equal(olen, EVP_MD_get_size(md));
}

#define DIFF_N	 10000
#define DIFF_MAX 4200

static void test_sha256_vs_openssl(void **state)
{
	static uint8_t msg[DIFF_MAX];
	uint64_t s = 0x5ea256;

	for (int i = 0; i < DIFF_N; i++) {
		size_t n = i < 300 ? (size_t)i : rng_len(&s, DIFF_MAX), off = 0;
		uint8_t a[32], b[32], c[32];
		struct vx_sha256 ctx;

		rng_fill(&s, msg, n);
		vx_sha256(msg, n, a);
		openssl_digest(EVP_sha256(), msg, n, b);
		assert_memory_equal(a, b, 32);
		/* the same message in random pieces */
		vx_sha256_init(&ctx);
		while (off < n) {
			size_t take = (size_t)(rng_next(&s) % 150);
			take = take > n - off ? n - off : take;
			vx_sha256_update(&ctx, msg + off, take);
			off += take;
		}
		vx_sha256_final(&ctx, c);
		assert_memory_equal(c, b, 32);
	}
}

static void test_sha512_vs_openssl(void **state)
{
	static uint8_t msg[DIFF_MAX];
	uint64_t s = 0x5ea512;

	for (int i = 0; i < DIFF_N; i++) {
		size_t n = i < 300 ? (size_t)i : rng_len(&s, DIFF_MAX), off = 0;
		uint8_t a[64], b[64], c[64];
		struct vx_sha512 ctx;

		rng_fill(&s, msg, n);
		vx_sha512(msg, n, a);
		openssl_digest(EVP_sha512(), msg, n, b);
		assert_memory_equal(a, b, 64);
		vx_sha512_init(&ctx);
		while (off < n) {
			size_t take = (size_t)(rng_next(&s) % 300);
			take = take > n - off ? n - off : take;
			vx_sha512_update(&ctx, msg + off, take);
			off += take;
		}
		vx_sha512_final(&ctx, c);
		assert_memory_equal(c, b, 64);
	}
}

/* The run-time selected path (SHA-NI where present) equals the portable one. */
static void test_sha256_paths_agree(void **state)
{
	static uint8_t msg[64 * 40];
	uint64_t s = 0xa9ee;

	for (int i = 0; i < 500; i++) {
		size_t blocks = (size_t)(rng_next(&s) % 40) + 1;
		struct vx_sha256 c;
		uint32_t h[8];

		rng_fill(&s, msg, blocks * 64);
		vx_sha256_init(&c);
		memcpy(h, c.h, sizeof(h));
		vx_sha256_update(&c, msg, blocks * 64);
		vx_sha256_blocks_portable(h, msg, blocks);
		assert_memory_equal(h, c.h, sizeof(h));
	}
}

/* Empty inputs with NULL pointers, and final() wiping the context. */
static void test_sha2_edges(void **state)
{
	static const uint8_t e256[4] = {0xe3, 0xb0, 0xc4, 0x42};
	static const uint8_t e512[4] = {0xcf, 0x83, 0xe1, 0x35};
	uint8_t out[64], zero[sizeof(struct vx_sha512)];
	struct vx_sha512 c;

	vx_sha256(NULL, 0, out);
	assert_memory_equal(out, e256, 4);
	vx_sha512(NULL, 0, out);
	assert_memory_equal(out, e512, 4);
	vx_sha512_init(&c);
	vx_sha512_update(&c, "abc", 3);
	vx_sha512_final(&c, out);
	memset(zero, 0, sizeof(zero));
	assert_memory_equal(&c, zero, sizeof(c));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sha256_nist),	       cmocka_unit_test(test_sha512_nist),
	    cmocka_unit_test(test_sha256_vs_openssl),  cmocka_unit_test(test_sha512_vs_openssl),
	    cmocka_unit_test(test_sha256_paths_agree), cmocka_unit_test(test_sha2_edges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
