/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Curve25519 throughput against libsodium in the same process: Ed25519
 * sign (64-byte message), Ed25519 verify (64-byte message), X25519 with a
 * variable point and with the base point.  Each figure is the median of
 * seven runs of about 0.1 s, ours and libsodium's runs interleaved.  One
 * line per row:
 *   bench-crypto NAME ours=N ref=N unit=ops/s ratio=R target=T ref_name=libsodium
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

#include "crypto/ed25519.h"
#include "crypto/x25519.h"

#define RUNS 7

static uint8_t seed[32], pk[32], sk[64], sig[64], msg[64], scalar[32], point[32], out[32];
static volatile int sink;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void ours_sign(void)
{
	sink += vx_ed25519_sign(sig, seed, msg, sizeof msg);
}
static void ref_sign(void)
{
	sink += crypto_sign_detached(sig, NULL, msg, sizeof msg, sk);
}
static void ours_verify(void)
{
	sink += vx_ed25519_verify(sig, msg, sizeof msg, pk);
}
static void ref_verify(void)
{
	sink += crypto_sign_verify_detached(sig, msg, sizeof msg, pk);
}
static void ours_x25519(void)
{
	sink += vx_x25519(out, scalar, point);
}
static void ref_x25519(void)
{
	sink += crypto_scalarmult(out, scalar, point);
}
static void ours_x25519_base(void)
{
	sink += vx_x25519_base(out, scalar);
}
static void ref_x25519_base(void)
{
	sink += crypto_scalarmult_base(out, scalar);
}

/* Operations per second over one run of about 0.1 s. */
static double rate(void (*fn)(void))
{
	long n = 0;
	double t0 = now(), t;

	do {
		for (int i = 0; i < 16; i++)
			fn();
		n += 16;
		t = now() - t0;
	} while (t < 0.1);
	return (double)n / t;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void row(const char *name, void (*ours)(void), void (*ref)(void), double target)
{
	double a[RUNS], b[RUNS];

	for (int i = 0; i < RUNS; i++) {
		a[i] = rate(ours);
		b[i] = rate(ref);
	}
	qsort(a, RUNS, sizeof a[0], cmp_double);
	qsort(b, RUNS, sizeof b[0], cmp_double);
	printf("bench-crypto %s ours=%.0f ref=%.0f unit=ops/s ratio=%.2f target=%.2f "
	       "ref_name=libsodium\n",
	       name, a[RUNS / 2], b[RUNS / 2], a[RUNS / 2] / b[RUNS / 2], target);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	randombytes_buf(seed, sizeof seed);
	randombytes_buf(msg, sizeof msg);
	randombytes_buf(scalar, sizeof scalar);
	crypto_sign_seed_keypair(pk, sk, seed);
	crypto_scalarmult_base(point, seed);

	row("ed25519-sign", ours_sign, ref_sign, 0.50);
	crypto_sign_detached(sig, NULL, msg, sizeof msg, sk);
	if (vx_ed25519_verify(sig, msg, sizeof msg, pk) != 0)
		return 1;
	row("ed25519-verify", ours_verify, ref_verify, 0.50);
	row("x25519", ours_x25519, ref_x25519, 0.50);
	row("x25519-base", ours_x25519_base, ref_x25519_base, 0.50);
	return 0;
}
