/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: ChaCha20-Poly1305 and XChaCha20-Poly1305 decryption
 * of attacker-controlled input.
 *
 * Input layout: byte 0 selects the construction (bit 0: X variant) and the
 * associated-data length (bits 1..7, capped at what remains); then the
 * 32-byte key, the nonce (12 or 24 bytes), the associated data, and the
 * rest is ciphertext || tag.  Short inputs are zero-padded.
 *
 * Checks: no crash or sanitizer report; decryption agrees with libsodium
 * (crypto_aead_[x]chacha20poly1305_ietf_decrypt) on accept/reject and on
 * the plaintext; a rejected open leaves the output all zero.  Every
 * fifth input is first sealed with our encrypt so that the accept path is
 * exercised too.
 *
 * The fuzz link line carries no libraries, so libsodium is reached with
 * dlopen (glibc 2.34+ has it in libc); without libsodium the target still
 * checks crashes, the zeroed output and round trips of sealed inputs.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <dlfcn.h>

#include "vectra/abi.h"
#include "crypto/aead.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef int (*open_fn)(unsigned char *m, unsigned long long *mlen, unsigned char *nsec,
		       const unsigned char *c, unsigned long long clen, const unsigned char *ad,
		       unsigned long long adlen, const unsigned char *npub, const unsigned char *k);

static open_fn ref_open[2];

/* Resolve libsodium's two decrypt functions, or leave them NULL. */
static void load_reference(void)
{
	void *h = dlopen("libsodium.so.23", RTLD_NOW);
	int (*init)(void);

	if (!h)
		return;
	init = (int (*)(void))dlsym(h, "sodium_init");
	if (!init || init() < 0)
		return;
	ref_open[0] = (open_fn)dlsym(h, "crypto_aead_chacha20poly1305_ietf_decrypt");
	ref_open[1] = (open_fn)dlsym(h, "crypto_aead_xchacha20poly1305_ietf_decrypt");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	uint8_t head[1 + 32 + 24] = {0};
	size_t hl, nl, adlen, clen;
	const uint8_t *ad, *c;
	uint8_t *buf, *ours, *ref;
	unsigned long long rlen;
	int x, rc, rrc;

	if (!ready) {
		load_reference();
		ready = 1;
	}
	memcpy(head, data, size < sizeof head ? size : sizeof head);
	x = head[0] & 1;
	nl = x ? 24 : 12;
	hl = 1 + 32 + nl;
	if (size < hl)
		return 0;
	adlen = (size_t)(head[0] >> 1);
	if (adlen > size - hl)
		adlen = size - hl;
	ad = data + hl;
	c = ad + adlen;
	clen = size - hl - adlen;

	buf = malloc(clen + 16);
	ours = malloc(clen + 1);
	ref = malloc(clen + 1);
	if (!buf || !ours || !ref)
		abort();
	memcpy(buf, c, clen);
	if (clen >= 16 && head[1] % 5 == 0) { /* make it genuine */
		if (x)
			vx_aead_xchacha20poly1305_encrypt(buf, c, clen - 16, ad, adlen, head + 33,
							  head + 1);
		else
			vx_aead_chacha20poly1305_encrypt(buf, c, clen - 16, ad, adlen, head + 33,
							 head + 1);
	}
	memset(ours, 0xa5, clen + 1);
	if (x)
		rc = vx_aead_xchacha20poly1305_decrypt(ours, buf, clen, ad, adlen, head + 33,
						       head + 1);
	else
		rc = vx_aead_chacha20poly1305_decrypt(ours, buf, clen, ad, adlen, head + 33,
						      head + 1);
	if (ref_open[x]) {
		rrc = ref_open[x](ref, &rlen, NULL, buf, clen, ad, adlen, head + 33, head + 1);
	} else { /* no oracle: only what we sealed ourselves is known genuine */
		rrc = (clen >= 16 && head[1] % 5 == 0) ? 0 : 1;
		rlen = clen >= 16 ? clen - 16 : 0;
		memcpy(ref, c, (size_t)rlen);
	}
	if (clen < 16) {
		if (rc != VX_E_INVAL)
			abort();
	} else if (rrc == 0) {
		if (rc != VX_OK || rlen != clen - 16 || memcmp(ours, ref, clen - 16) != 0)
			abort(); /* we rejected what the reference accepts, or differ */
	} else if (ref_open[x] || rc != VX_OK) {
		if (rc != VX_E_AUTH)
			abort(); /* we accepted a forgery the reference rejects */
		for (size_t i = 0; i < clen - 16; i++)
			if (ours[i] != 0)
				abort();
	}
	free(buf);
	free(ours);
	free(ref);
	return 0;
}
