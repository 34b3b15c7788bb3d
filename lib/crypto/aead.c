/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ChaCha20-Poly1305 and XChaCha20-Poly1305 AEAD.
 *
 * Implements: RFC 8439 section 2.8 (one-time Poly1305 key = first 32 bytes
 * of ChaCha20 block 0; payload encrypted from block 1; MAC input
 * ad || pad16 || c || pad16 || le64(adlen) || le64(clen)), and
 * draft-irtf-cfrg-xchacha-03 section 2.3 (subkey = HChaCha20(key,
 * nonce[0..15]); inner nonce = 0x00000000 || nonce[16..23]).
 *
 * Decryption authenticates first (vx_poly1305_verify, branch-free) and only
 * then decrypts, so a forged message never produces plaintext bytes.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vectra/abi.h"
#include "vx_string.h"
#include "crypto/ct.h"
#include "crypto/aead.h"
#include "crypto/chacha20.h"
#include "crypto/poly1305.h"

/* True if len bytes fit in blocks 1 .. 2^32 - 1 of the keystream. */
static bool len_ok(size_t len)
{
	return (uint64_t)len <= (((uint64_t)1 << 32) - 1) * 64;
}

/* Tag over ad and c with the one-time key from block 0 of (key, nonce). */
static void compute_tag(uint8_t tag[16], const uint8_t *ad, size_t adlen, const uint8_t *c,
			size_t clen, const uint8_t nonce[12], const uint8_t key[32])
{
	static const uint8_t zeros[16];
	struct vx_poly1305 st;
	uint8_t block0[64], lens[16];

	vx_chacha20_block(block0, key, 0, nonce);
	vx_poly1305_init(&st, block0);
	vx_wipe(block0, sizeof block0);
	vx_poly1305_update(&st, ad, adlen);
	vx_poly1305_update(&st, zeros, (16 - adlen % 16) % 16);
	vx_poly1305_update(&st, c, clen);
	vx_poly1305_update(&st, zeros, (16 - clen % 16) % 16);
	for (int i = 0; i < 8; i++) {
		lens[i] = (uint8_t)((uint64_t)adlen >> (8 * i));
		lens[8 + i] = (uint8_t)((uint64_t)clen >> (8 * i));
	}
	vx_poly1305_update(&st, lens, 16);
	vx_poly1305_final(&st, tag);
}

int vx_aead_chacha20poly1305_encrypt_detached(uint8_t *c, uint8_t tag[16], const uint8_t *m,
					      size_t mlen, const uint8_t *ad, size_t adlen,
					      const uint8_t nonce[12], const uint8_t key[32])
{
	if (!len_ok(mlen))
		return VX_E_TOOBIG;
	vx_chacha20_xor(c, m, mlen, key, nonce, 1);
	compute_tag(tag, ad, adlen, c, mlen, nonce, key);
	return VX_OK;
}

int vx_aead_chacha20poly1305_decrypt_detached(uint8_t *m, const uint8_t *c, size_t clen,
					      const uint8_t tag[16], const uint8_t *ad,
					      size_t adlen, const uint8_t nonce[12],
					      const uint8_t key[32])
{
	uint8_t want[16];
	int rc;

	if (!len_ok(clen))
		return VX_E_TOOBIG;
	compute_tag(want, ad, adlen, c, clen, nonce, key);
	rc = vx_poly1305_verify(want, tag);
	vx_wipe(want, sizeof want);
	if (rc != VX_OK) {
		vx_wipe(m, clen);
		return VX_E_AUTH;
	}
	vx_chacha20_xor(m, c, clen, key, nonce, 1);
	return VX_OK;
}

int vx_aead_chacha20poly1305_encrypt(uint8_t *c, const uint8_t *m, size_t mlen, const uint8_t *ad,
				     size_t adlen, const uint8_t nonce[12], const uint8_t key[32])
{
	uint8_t tag[16];
	int rc = vx_aead_chacha20poly1305_encrypt_detached(c, tag, m, mlen, ad, adlen, nonce, key);

	if (rc == VX_OK)
		memcpy(c + mlen, tag, 16);
	return rc;
}

int vx_aead_chacha20poly1305_decrypt(uint8_t *m, const uint8_t *c, size_t clen, const uint8_t *ad,
				     size_t adlen, const uint8_t nonce[12], const uint8_t key[32])
{
	uint8_t tag[16];

	if (clen < 16)
		return VX_E_INVAL;
	/* copy the tag first: with m == c the plaintext overwrites nothing of it,
	 * but a failed check zeroes m, which may overlap c's tag */
	memcpy(tag, c + clen - 16, 16);
	return vx_aead_chacha20poly1305_decrypt_detached(m, c, clen - 16, tag, ad, adlen, nonce,
							 key);
}

/* XChaCha20: the subkey and 96-bit inner nonce for a 192-bit nonce. */
static void xsetup(uint8_t subkey[32], uint8_t inner[12], const uint8_t nonce[24],
		   const uint8_t key[32])
{
	vx_hchacha20(subkey, key, nonce);
	memset(inner, 0, 4);
	memcpy(inner + 4, nonce + 16, 8);
}

int vx_aead_xchacha20poly1305_encrypt_detached(uint8_t *c, uint8_t tag[16], const uint8_t *m,
					       size_t mlen, const uint8_t *ad, size_t adlen,
					       const uint8_t nonce[24], const uint8_t key[32])
{
	uint8_t subkey[32], inner[12];
	int rc;

	xsetup(subkey, inner, nonce, key);
	rc = vx_aead_chacha20poly1305_encrypt_detached(c, tag, m, mlen, ad, adlen, inner, subkey);
	vx_wipe(subkey, sizeof subkey);
	return rc;
}

int vx_aead_xchacha20poly1305_decrypt_detached(uint8_t *m, const uint8_t *c, size_t clen,
					       const uint8_t tag[16], const uint8_t *ad,
					       size_t adlen, const uint8_t nonce[24],
					       const uint8_t key[32])
{
	uint8_t subkey[32], inner[12];
	int rc;

	xsetup(subkey, inner, nonce, key);
	rc = vx_aead_chacha20poly1305_decrypt_detached(m, c, clen, tag, ad, adlen, inner, subkey);
	vx_wipe(subkey, sizeof subkey);
	return rc;
}

int vx_aead_xchacha20poly1305_encrypt(uint8_t *c, const uint8_t *m, size_t mlen, const uint8_t *ad,
				      size_t adlen, const uint8_t nonce[24], const uint8_t key[32])
{
	uint8_t tag[16];
	int rc = vx_aead_xchacha20poly1305_encrypt_detached(c, tag, m, mlen, ad, adlen, nonce, key);

	if (rc == VX_OK)
		memcpy(c + mlen, tag, 16);
	return rc;
}

int vx_aead_xchacha20poly1305_decrypt(uint8_t *m, const uint8_t *c, size_t clen, const uint8_t *ad,
				      size_t adlen, const uint8_t nonce[24], const uint8_t key[32])
{
	uint8_t tag[16];

	if (clen < 16)
		return VX_E_INVAL;
	memcpy(tag, c + clen - 16, 16);
	return vx_aead_xchacha20poly1305_decrypt_detached(m, c, clen - 16, tag, ad, adlen, nonce,
							  key);
}
