/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HMAC-SHA-256 and HMAC-SHA-512 (RFC 2104, test vectors in RFC 4231).
 *
 * Keys of any length are accepted; keys longer than the hash block are
 * hashed first, as RFC 2104 says.  Incremental use: init with the key, any
 * number of updates, final.  A context may be copied after init to MAC many
 * messages under one key without re-keying.  final() wipes the context.
 * Verify a received tag with vx_ct_equal (crypto/ct.h), never memcmp.
 */
#ifndef VX_CRYPTO_HMAC_H
#define VX_CRYPTO_HMAC_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/sha2.h"

struct vx_hmac_sha256 {
	struct vx_sha256 inner; /* H(K ^ ipad || ...) in progress */
	struct vx_sha256 outer; /* H(K ^ opad) with the key block absorbed */
};

struct vx_hmac_sha512 {
	struct vx_sha512 inner;
	struct vx_sha512 outer;
};

void vx_hmac_sha256_init(struct vx_hmac_sha256 *c, const void *key, size_t keylen);
void vx_hmac_sha256_update(struct vx_hmac_sha256 *c, const void *p, size_t n);
void vx_hmac_sha256_final(struct vx_hmac_sha256 *c, uint8_t out[32]);
void vx_hmac_sha256(const void *key, size_t keylen, const void *p, size_t n, uint8_t out[32]);

void vx_hmac_sha512_init(struct vx_hmac_sha512 *c, const void *key, size_t keylen);
void vx_hmac_sha512_update(struct vx_hmac_sha512 *c, const void *p, size_t n);
void vx_hmac_sha512_final(struct vx_hmac_sha512 *c, uint8_t out[64]);
void vx_hmac_sha512(const void *key, size_t keylen, const void *p, size_t n, uint8_t out[64]);

#endif
