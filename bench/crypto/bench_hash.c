/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hash throughput: lib/crypto against OpenSSL in the same process.
 *
 *   sha256-*   vx_sha256 vs OpenSSL EVP SHA-256 (context reused, the digest
 *              fetched once: OpenSSL's best case).  Target ratio 0.70.
 *   sha512-*   vx_sha512 vs OpenSSL EVP SHA-512; no target was set (0.00).
 *   blake3-*   vx_blake3 vs OpenSSL SHA-256: neither OpenSSL nor libsodium
 *              has BLAKE3, and b3sum cannot be timed in-process, so the
 *              reference is only a yardstick; no target (printed as 0.00).
 *
 * Each figure is the median of 9 runs, each run hashing the input
 * repeatedly for about 20 ms.  Sizes: 64 B, 1 KiB, 1 MiB.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/evp.h>

#include "crypto/blake3.h"
#include "crypto/sha2.h"

#define RUNS 9

static EVP_MD_CTX *ossl_ctx;
static EVP_MD *ossl_sha256, *ossl_sha512;
static volatile uint8_t sink;

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

typedef void (*hash_fn)(const uint8_t *p, size_t n, uint8_t *out);

static void ours_sha256(const uint8_t *p, size_t n, uint8_t *out)
{
	vx_sha256(p, n, out);
}

static void ours_sha512(const uint8_t *p, size_t n, uint8_t *out)
{
	vx_sha512(p, n, out);
}

static void ours_blake3(const uint8_t *p, size_t n, uint8_t *out)
{
	vx_blake3(p, n, out, 32);
}

static void ossl_digest(EVP_MD *md, const uint8_t *p, size_t n, uint8_t *out)
{
	unsigned int len;

	if (EVP_DigestInit_ex(ossl_ctx, md, NULL) != 1 || EVP_DigestUpdate(ossl_ctx, p, n) != 1 ||
	    EVP_DigestFinal_ex(ossl_ctx, out, &len) != 1)
		abort();
}

static void ref_sha256(const uint8_t *p, size_t n, uint8_t *out)
{
	ossl_digest(ossl_sha256, p, n, out);
}

static void ref_sha512(const uint8_t *p, size_t n, uint8_t *out)
{
	ossl_digest(ossl_sha512, p, n, out);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Median throughput of fn over n-byte inputs, in MB/s (10^6 bytes). */
static double measure(hash_fn fn, const uint8_t *p, size_t n)
{
	double rate[RUNS];
	uint8_t out[64];
	long iters = 1;

	/* calibrate to about 20 ms per run */
	for (;;) {
		double t0 = now();
		for (long i = 0; i < iters; i++)
			fn(p, n, out);
		if (now() - t0 > 0.02)
			break;
		iters *= 2;
	}
	for (int r = 0; r < RUNS; r++) {
		double t0 = now(), dt;
		for (long i = 0; i < iters; i++)
			fn(p, n, out);
		dt = now() - t0;
		rate[r] = (double)n * (double)iters / dt / 1e6;
		sink ^= out[0];
	}
	qsort(rate, RUNS, sizeof(rate[0]), cmp_double);
	return rate[RUNS / 2];
}

static void row(const char *name, const char *size, hash_fn ours, hash_fn ref, const uint8_t *p,
		size_t n, double target, const char *ref_name)
{
	double a = measure(ours, p, n), b = measure(ref, p, n);

	printf("bench-crypto %s-%s ours=%.1f ref=%.1f unit=MB/s ratio=%.2f target=%.2f "
	       "ref_name=%s\n",
	       name, size, a, b, a / b, target, ref_name);
	fflush(stdout);
}

int main(void)
{
	static const struct {
		const char *name;
		size_t n;
	} sizes[] = {{"64B", 64}, {"1KiB", 1024}, {"1MiB", 1 << 20}};
	uint8_t *buf = malloc(1 << 20);

	ossl_ctx = EVP_MD_CTX_new();
	ossl_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	ossl_sha512 = EVP_MD_fetch(NULL, "SHA512", NULL);
	if (!buf || !ossl_ctx || !ossl_sha256 || !ossl_sha512)
		return 1;
	for (size_t i = 0; i < (1 << 20); i++)
		buf[i] = (uint8_t)(i * 131 + 7);
	for (int i = 0; i < 3; i++)
		row("sha256", sizes[i].name, ours_sha256, ref_sha256, buf, sizes[i].n, 0.70,
		    "openssl");
	for (int i = 0; i < 3; i++)
		row("sha512", sizes[i].name, ours_sha512, ref_sha512, buf, sizes[i].n, 0.00,
		    "openssl");
	for (int i = 0; i < 3; i++)
		row("blake3", sizes[i].name, ours_blake3, ref_sha256, buf, sizes[i].n, 0.00,
		    "openssl-sha256");
	EVP_MD_free(ossl_sha256);
	EVP_MD_free(ossl_sha512);
	EVP_MD_CTX_free(ossl_ctx);
	free(buf);
	return 0;
}
