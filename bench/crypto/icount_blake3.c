/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Instructions per BLAKE3 one-call hash, as Keep runs it in a VectraOS
 * guest: bench/crypto/icount_blake3.sh runs this under callgrind and
 * counts what hash_4k and hash_64k execute (exact "Ir", one per repetition
 * of a rep-prefixed instruction, as QEMU's -icount counts them).
 *
 * Linked from the user-land objects of lib/crypto/blake3.c, ct.c and
 * lib/base/string.c (the guest's own code and memcpy), and with the
 * vx_cpu_features below in place of cpufeat.c: it reports no AVX2, like
 * QEMU's default CPU model, so the 4-way SSE2 path runs whatever the host
 * has.  Prints the two digests, and with an argument writes the input to
 * that file, so that the script can check the digests against b3sum.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "crypto/blake3.h"
#include "crypto/cpufeat.h"

static uint8_t input[64 * 1024];

uint32_t vx_cpu_features(void)
{
	return 0; /* SSE2 only: x86_64's baseline */
}

__attribute__((noinline)) void hash_4k(uint8_t out[32]);
__attribute__((noinline)) void hash_64k(uint8_t out[32]);

/* Keep's checksum of one block (lib/fs/keep.c). */
__attribute__((noinline)) void hash_4k(uint8_t out[32])
{
	vx_blake3(input, 4096, out, 32);
}

__attribute__((noinline)) void hash_64k(uint8_t out[32])
{
	vx_blake3(input, sizeof(input), out, 32);
}

static void put(const uint8_t d[32], const char *what)
{
	for (int i = 0; i < 32; i++)
		printf("%02x", d[i]);
	printf("  %s\n", what);
}

int main(int argc, char **argv)
{
	uint8_t d4[32], d64[32];
	uint32_t x = 0x12345678;

	/* A 32-bit xorshift stream: not all zero, and the same every run. */
	for (size_t i = 0; i < sizeof(input); i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		input[i] = (uint8_t)x;
	}
	if (argc > 1) {
		FILE *f = fopen(argv[1], "wb");
		if (!f || fwrite(input, 1, sizeof(input), f) != sizeof(input) || fclose(f) != 0)
			return 1;
	}
	hash_4k(d4);
	hash_64k(d64);
	put(d4, "4k");
	put(d64, "64k");
	return 0;
}
