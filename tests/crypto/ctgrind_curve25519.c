/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Constant-time evidence for Ed25519 signing and X25519 (the ctgrind
 * technique): the secret inputs are marked undefined for valgrind
 * memcheck, which then reports every branch or memory index that depends
 * on them.  Run under "valgrind -q --error-exitcode=99"; each case also
 * compares valgrind's error count before and after and prints TAP.
 * Outputs are marked defined again before the harness looks at them.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <valgrind/memcheck.h>

#include "crypto/ed25519.h"
#include "crypto/x25519.h"
#include "vectra/abi.h"

static int n_test;
static int n_fail;

static void report(const char *name, unsigned long before, int ok)
{
	unsigned long after = VALGRIND_COUNT_ERRORS;

	n_test++;
	if (after != before || !ok) {
		n_fail++;
		printf("not ok %d - %s (%lu new valgrind errors)\n", n_test, name, after - before);
	} else {
		printf("ok %d - %s\n", n_test, name);
	}
}

static void fill(uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(v + 37 * i);
}

static void ed25519_sign_case(size_t mlen)
{
	uint8_t seed[32], pk[32], sig[64], msg[200];
	unsigned long before = VALGRIND_COUNT_ERRORS;
	char name[80];
	int rc;

	fill(seed, 32, (uint8_t)mlen);
	fill(msg, sizeof msg, 7);
	VALGRIND_MAKE_MEM_UNDEFINED(seed, 32);
	vx_ed25519_public_key(pk, seed);
	rc = vx_ed25519_sign(sig, seed, msg, mlen);
	VALGRIND_MAKE_MEM_DEFINED(&rc, sizeof rc);
	VALGRIND_MAKE_MEM_DEFINED(pk, 32);
	VALGRIND_MAKE_MEM_DEFINED(sig, 64);
	snprintf(name, sizeof name, "ed25519 keygen+sign, undefined seed, %zu-byte message", mlen);
	report(name, before, rc == VX_OK && vx_ed25519_verify(sig, msg, mlen, pk) == VX_OK);
}

static void x25519_case(uint8_t tag)
{
	uint8_t sk[32], pub[32], peer[32], out1[32], out2[32], psk[32];
	unsigned long before = VALGRIND_COUNT_ERRORS;
	char name[80];
	int rc1, rc2, rc3;

	fill(sk, 32, tag);
	fill(psk, 32, (uint8_t)(tag + 1));
	vx_x25519_base(peer, psk);
	VALGRIND_MAKE_MEM_UNDEFINED(sk, 32);
	rc1 = vx_x25519_base(pub, sk);
	rc2 = vx_x25519(out1, sk, peer);
	VALGRIND_MAKE_MEM_DEFINED(&rc1, sizeof rc1);
	VALGRIND_MAKE_MEM_DEFINED(&rc2, sizeof rc2);
	VALGRIND_MAKE_MEM_DEFINED(pub, 32);
	VALGRIND_MAKE_MEM_DEFINED(out1, 32);
	rc3 = vx_x25519(out2, psk, pub);
	snprintf(name, sizeof name, "x25519 and x25519_base, undefined scalar %u", tag);
	report(name, before,
	       rc1 == VX_OK && rc2 == VX_OK && rc3 == VX_OK && memcmp(out1, out2, 32) == 0);
}

/* A secret peer point too: the ladder must not branch on the u-coordinate. */
static void x25519_secret_point_case(void)
{
	uint8_t sk[32], peer[32], out[32];
	unsigned long before = VALGRIND_COUNT_ERRORS;
	int rc;

	fill(sk, 32, 3);
	fill(peer, 32, 9);
	VALGRIND_MAKE_MEM_UNDEFINED(sk, 32);
	VALGRIND_MAKE_MEM_UNDEFINED(peer, 32);
	rc = vx_x25519(out, sk, peer);
	VALGRIND_MAKE_MEM_DEFINED(&rc, sizeof rc);
	report("x25519, undefined scalar and point", before, rc == VX_OK || rc == VX_E_AUTH);
}

int main(void)
{
	printf("1..6\n");
	ed25519_sign_case(0);
	ed25519_sign_case(33);
	ed25519_sign_case(200);
	x25519_case(1);
	x25519_case(200);
	x25519_secret_point_case();
	if (!RUNNING_ON_VALGRIND)
		printf("# not under valgrind: only correctness was checked\n");
	return n_fail ? 1 : 0;
}
