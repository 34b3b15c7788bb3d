/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PBKDF2 (RFC 8018 section 5.2) with HMAC-SHA-256 or HMAC-SHA-512 as PRF.
 *
 * Derives outlen bytes from a password and salt with the given iteration
 * count.  Returns VX_OK, VX_E_INVAL if iterations is 0, or VX_E_TOOBIG if
 * outlen exceeds (2^32 - 1) * HashLen (RFC 8018's "derived key too long").
 * outlen = 0 is allowed and writes nothing.  NULL is accepted for any
 * pointer whose length is 0.
 */
#ifndef VX_CRYPTO_PBKDF2_H
#define VX_CRYPTO_PBKDF2_H

#include <stddef.h>
#include <stdint.h>

int vx_pbkdf2_hmac_sha256(uint8_t *out, size_t outlen, const void *pw, size_t pwlen,
			  const void *salt, size_t saltlen, uint32_t iterations);
int vx_pbkdf2_hmac_sha512(uint8_t *out, size_t outlen, const void *pw, size_t pwlen,
			  const void *salt, size_t saltlen, uint32_t iterations);
/*
 * The same with the salt given in two pieces, salt || salt2, so callers such
 * as BIP39 ("mnemonic" || passphrase) need no buffer of their own.
 */
int vx_pbkdf2_hmac_sha512_split(uint8_t *out, size_t outlen, const void *pw, size_t pwlen,
				const void *salt, size_t saltlen, const void *salt2,
				size_t salt2len, uint32_t iterations);

#endif
