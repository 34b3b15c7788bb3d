/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: Ed25519 verification on attacker-controlled input.
 * The input is pk[32] || sig[64] || msg[rest].  vx_ed25519_verify must
 * return VX_OK or VX_E_AUTH (never crash, never anything else), and must
 * accept exactly when libsodium's crypto_sign_verify_detached accepts.
 *
 * The fuzz link line carries no -lsodium, so libsodium is loaded with
 * dlopen (in glibc's libc since 2.34); a missing libsodium aborts the run
 * rather than silently skipping the comparison.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "crypto/ed25519.h"
#include "vectra/abi.h"

typedef int (*verify_fn)(const unsigned char *, const unsigned char *, unsigned long long,
			 const unsigned char *);

static verify_fn ref_verify;

static void load_libsodium(void)
{
	void *h = dlopen("libsodium.so.23", RTLD_NOW);
	int (*init)(void);

	if (h == NULL)
		h = dlopen("libsodium.so", RTLD_NOW);
	if (h == NULL) {
		fprintf(stderr, "fuzz_ed25519_verify: cannot load libsodium: %s\n", dlerror());
		abort();
	}
	*(void **)&init = dlsym(h, "sodium_init");
	*(void **)&ref_verify = dlsym(h, "crypto_sign_verify_detached");
	if (init == NULL || ref_verify == NULL || init() < 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *pk = data, *sig = data + 32, *msg = data + 96;
	size_t mlen;
	int ours, ref;

	if (ref_verify == NULL)
		load_libsodium();
	if (size < 96)
		return 0;
	mlen = size - 96;
	ours = vx_ed25519_verify(sig, mlen ? msg : NULL, mlen, pk);
	if (ours != VX_OK && ours != VX_E_AUTH)
		abort();
	ref = ref_verify(sig, msg, mlen, pk);
	if ((ours == VX_OK) != (ref == 0)) {
		fprintf(stderr, "decision differs: ours=%d libsodium=%d\n", ours, ref);
		abort();
	}
	return 0;
}
