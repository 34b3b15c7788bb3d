/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HKDF (RFC 5869) over HMAC-SHA-256 and HMAC-SHA-512.
 *
 * extract(salt, ikm) gives a pseudorandom key of HashLen bytes (an empty or
 * NULL salt means HashLen zero bytes, which HMAC makes equivalent).
 * expand(prk, info, L) gives L bytes of output keying material; L may be at
 * most 255 * HashLen (8160 bytes for SHA-256, 16320 for SHA-512), beyond
 * which expand returns VX_E_TOOBIG and writes nothing.  L = 0 is allowed.
 * NULL pointers are accepted whenever the matching length is 0.
 */
#ifndef VX_CRYPTO_HKDF_H
#define VX_CRYPTO_HKDF_H

#include <stddef.h>
#include <stdint.h>

#define VX_HKDF_SHA256_MAX (255 * 32)
#define VX_HKDF_SHA512_MAX (255 * 64)

void vx_hkdf_sha256_extract(uint8_t prk[32], const void *salt, size_t saltlen, const void *ikm,
			    size_t ikmlen);
int vx_hkdf_sha256_expand(uint8_t *out, size_t outlen, const void *prk, size_t prklen,
			  const void *info, size_t infolen);
/* extract then expand; same limits and results as expand. */
int vx_hkdf_sha256(uint8_t *out, size_t outlen, const void *salt, size_t saltlen, const void *ikm,
		   size_t ikmlen, const void *info, size_t infolen);

void vx_hkdf_sha512_extract(uint8_t prk[64], const void *salt, size_t saltlen, const void *ikm,
			    size_t ikmlen);
int vx_hkdf_sha512_expand(uint8_t *out, size_t outlen, const void *prk, size_t prklen,
			  const void *info, size_t infolen);
int vx_hkdf_sha512(uint8_t *out, size_t outlen, const void *salt, size_t saltlen, const void *ikm,
		   size_t ikmlen, const void *info, size_t infolen);

#endif
