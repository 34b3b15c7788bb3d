/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Benchmarks for part B of lib/crypto against libsodium, same process,
 * same buffers: ChaCha20-Poly1305 (IETF) encryption of 1 KiB and 1 MiB
 * messages (MB/s), and Argon2id at m = 64 MiB, t = 3, p = 1 (ops/s;
 * ratio = reference time / our time).  Each figure is the median of
 * several runs.  Argon2 runs on both sides get freshly allocated memory
 * per call (libsodium allocates internally), so page faults are paid by
 * both.  One line per row:
 *   bench-crypto NAME ours=X ref=Y unit=U ratio=R target=T ref_name=libsodium
 */
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

#include "crypto/aead.h"
#include "crypto/argon2.h"

#define RUNS 7

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp);
	return v[n / 2];
}

static void row(const char *name, double ours, double ref, const char *unit, double ratio,
		double target)
{
	printf("bench-crypto %s ours=%.1f ref=%.1f unit=%s ratio=%.2f target=%.2f "
	       "ref_name=libsodium\n",
	       name, ours, ref, unit, ratio, target);
}

/* MB/s of encrypting len bytes, iters times per run, for both sides. */
static void bench_aead(const char *name, size_t len, int iters)
{
	uint8_t *m = calloc(1, len), *c = malloc(len + 16);
	uint8_t key[32] = {1}, nonce[12] = {2}, ad[16] = {3};
	double ours[RUNS], ref[RUNS], mb = (double)len * iters / 1e6;
	unsigned long long clen;

	if (!m || !c)
		exit(1);
	for (int r = 0; r < RUNS; r++) {
		double t0 = now();

		for (int i = 0; i < iters; i++)
			vx_aead_chacha20poly1305_encrypt(c, m, len, ad, sizeof ad, nonce, key);
		ours[r] = mb / (now() - t0);
		t0 = now();
		for (int i = 0; i < iters; i++)
			crypto_aead_chacha20poly1305_ietf_encrypt(c, &clen, m, len, ad, sizeof ad,
								  NULL, nonce, key);
		ref[r] = mb / (now() - t0);
	}
	{
		double o = median(ours, RUNS), f = median(ref, RUNS);

		row(name, o, f, "MB/s", o / f, 0.70);
	}
	free(m);
	free(c);
}

static void bench_argon2(void)
{
	const uint32_t m_kib = 64 * 1024, t = 3;
	struct vx_argon2id_params p = {t, m_kib, 1, NULL, 0, NULL, 0};
	size_t need = vx_argon2id_mem_bytes(m_kib, 1) + 64;
	uint8_t tag[32], ref_tag[32], salt[16] = {7};
	double ours[5], ref[5];

	for (int r = 0; r < 5; r++) {
		double t0 = now();
		void *mem = malloc(need);

		if (!mem || vx_argon2id(tag, 32, (const uint8_t *)"password", 8, salt, 16, &p, mem,
					need) != 0)
			exit(1);
		free(mem);
		ours[r] = now() - t0;
		t0 = now();
		if (crypto_pwhash_argon2id(ref_tag, 32, "password", 8, salt, t,
					   (size_t)m_kib * 1024, crypto_pwhash_ALG_ARGON2ID13) != 0)
			exit(1);
		ref[r] = now() - t0;
		if (memcmp(tag, ref_tag, 32) != 0) {
			fprintf(stderr, "argon2id: tags differ\n");
			exit(1);
		}
	}
	{
		double o = median(ours, 5), f = median(ref, 5);

		row("argon2id-m64MiB-t3-p1", 1.0 / o, 1.0 / f, "ops/s", f / o, 0.70);
	}
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	bench_aead("aead-chacha20poly1305-1KiB", 1024, 20000);
	bench_aead("aead-chacha20poly1305-1MiB", 1 << 20, 40);
	bench_argon2();
	return 0;
}
