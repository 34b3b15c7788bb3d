/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Constant-time evidence for the symmetric primitives (the ctgrind
 * technique): secrets are marked undefined with VALGRIND_MAKE_MEM_UNDEFINED,
 * so memcheck reports any branch or memory index that depends on them.
 * Each check prints "ok" only if memcheck counted no new error while it
 * ran; results are declared defined (VALGRIND_MAKE_MEM_DEFINED) before
 * anything looks at them.
 *
 *   1  ChaCha20 keystream, key and nonce undefined (4-block and tail paths)
 *   2  HChaCha20 with an undefined key
 *   3  Poly1305 tag with an undefined key
 *   4  Poly1305 tag comparison, both tags undefined (equal and unequal)
 *   5  keyed BLAKE2b with an undefined key and message
 *
 * Run: valgrind -q --error-exitcode=99 build/bench/ctgrind_symmetric
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <valgrind/memcheck.h>

#include "vectra/abi.h"
#include "crypto/blake2b.h"
#include "crypto/chacha20.h"
#include "crypto/poly1305.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

static int n_test;

static void report(const char *name, unsigned long before)
{
	unsigned long after = VALGRIND_COUNT_ERRORS;

	printf("%s %d - %s\n", after == before ? "ok" : "not ok", ++n_test, name);
}

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + 37 * i);
}

static void check_chacha20(void)
{
	static uint8_t buf[1000];
	uint8_t key[32], nonce[12];
	unsigned long before = VALGRIND_COUNT_ERRORS;
	int rc;

	fill(key, 32, 1);
	fill(nonce, 12, 2);
	fill(buf, sizeof buf, 3);
	SECRET(key, 32);
	SECRET(nonce, 12);
	SECRET(buf, sizeof buf);
	rc = vx_chacha20_xor(buf, buf, sizeof buf, key, nonce, 7);
	rc |= vx_chacha20_xor(buf, NULL, 77, key, nonce, 0);
	PUBLIC(buf, sizeof buf);
	PUBLIC(&rc, sizeof rc);
	report(rc == VX_OK ? "chacha20 keystream, undefined key" : "chacha20 failed", before);
}

static void check_hchacha20(void)
{
	uint8_t key[32], nonce[16], out[32];
	unsigned long before = VALGRIND_COUNT_ERRORS;

	fill(key, 32, 4);
	fill(nonce, 16, 5);
	SECRET(key, 32);
	vx_hchacha20(out, key, nonce);
	PUBLIC(out, 32);
	report("hchacha20, undefined key", before);
}

static void check_poly1305_tag(void)
{
	static uint8_t msg[333];
	uint8_t key[32], tag[16];
	unsigned long before = VALGRIND_COUNT_ERRORS;

	fill(key, 32, 6);
	fill(msg, sizeof msg, 7);
	SECRET(key, 32);
	SECRET(msg, sizeof msg);
	vx_poly1305(tag, msg, sizeof msg, key);
	PUBLIC(tag, 16);
	report("poly1305 tag, undefined key", before);
}

static void check_poly1305_verify(void)
{
	uint8_t a[16], b[16];
	unsigned long before = VALGRIND_COUNT_ERRORS;
	int eq, ne;

	fill(a, 16, 8);
	memcpy(b, a, 16);
	SECRET(a, 16);
	SECRET(b, 16);
	eq = vx_poly1305_verify(a, b);
	b[15] ^= 1;
	ne = vx_poly1305_verify(a, b);
	PUBLIC(&eq, sizeof eq);
	PUBLIC(&ne, sizeof ne);
	report(eq == VX_OK && ne == VX_E_AUTH ? "poly1305 tag comparison, undefined tags"
					      : "poly1305 tag comparison gave a wrong answer",
	       before);
}

static void check_blake2b(void)
{
	uint8_t key[64], msg[300], out[64];
	unsigned long before = VALGRIND_COUNT_ERRORS;

	fill(key, 64, 9);
	fill(msg, sizeof msg, 10);
	SECRET(key, 64);
	SECRET(msg, sizeof msg);
	vx_blake2b(out, 64, msg, sizeof msg, key, 64);
	PUBLIC(out, 64);
	report("blake2b keyed, undefined key and message", before);
}

int main(void)
{
	printf("1..5\n");
	check_chacha20();
	check_hchacha20();
	check_poly1305_tag();
	check_poly1305_verify();
	check_blake2b();
	return 0;
}
