/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HMAC (RFC 2104) over SHA-256 and SHA-512:
 *
 *   HMAC(K, m) = H((K0 ^ opad) || H((K0 ^ ipad) || m))
 *
 * where K0 is K, or H(K) if K is longer than the block (64 bytes for
 * SHA-256, 128 for SHA-512), zero-padded to one block; ipad is 0x36 and
 * opad 0x5c repeated.  init() absorbs both padded key blocks up front, so
 * final() costs one inner finish and one short outer hash.
 * Test vectors: RFC 4231.  Every stack copy of key material is wiped.
 */
#include <stddef.h>
#include <stdint.h>

#include "vx_string.h"
#include "crypto/ct.h"
#include "crypto/hmac.h"

void vx_hmac_sha256_init(struct vx_hmac_sha256 *c, const void *key, size_t keylen)
{
	uint8_t k[VX_SHA256_BLOCK];

	memset(k, 0, sizeof(k));
	if (keylen > sizeof(k))
		vx_sha256(key, keylen, k);
	else if (keylen > 0)
		memcpy(k, key, keylen);
	for (size_t i = 0; i < sizeof(k); i++)
		k[i] ^= 0x36;
	vx_sha256_init(&c->inner);
	vx_sha256_update(&c->inner, k, sizeof(k));
	for (size_t i = 0; i < sizeof(k); i++)
		k[i] ^= 0x36 ^ 0x5c;
	vx_sha256_init(&c->outer);
	vx_sha256_update(&c->outer, k, sizeof(k));
	vx_wipe(k, sizeof(k));
}

void vx_hmac_sha256_update(struct vx_hmac_sha256 *c, const void *p, size_t n)
{
	vx_sha256_update(&c->inner, p, n);
}

void vx_hmac_sha256_final(struct vx_hmac_sha256 *c, uint8_t out[32])
{
	uint8_t ih[VX_SHA256_BYTES];

	vx_sha256_final(&c->inner, ih);
	vx_sha256_update(&c->outer, ih, sizeof(ih));
	vx_sha256_final(&c->outer, out);
	vx_wipe(ih, sizeof(ih));
}

void vx_hmac_sha256(const void *key, size_t keylen, const void *p, size_t n, uint8_t out[32])
{
	struct vx_hmac_sha256 c;

	vx_hmac_sha256_init(&c, key, keylen);
	vx_hmac_sha256_update(&c, p, n);
	vx_hmac_sha256_final(&c, out);
}

void vx_hmac_sha512_init(struct vx_hmac_sha512 *c, const void *key, size_t keylen)
{
	uint8_t k[VX_SHA512_BLOCK];

	memset(k, 0, sizeof(k));
	if (keylen > sizeof(k))
		vx_sha512(key, keylen, k);
	else if (keylen > 0)
		memcpy(k, key, keylen);
	for (size_t i = 0; i < sizeof(k); i++)
		k[i] ^= 0x36;
	vx_sha512_init(&c->inner);
	vx_sha512_update(&c->inner, k, sizeof(k));
	for (size_t i = 0; i < sizeof(k); i++)
		k[i] ^= 0x36 ^ 0x5c;
	vx_sha512_init(&c->outer);
	vx_sha512_update(&c->outer, k, sizeof(k));
	vx_wipe(k, sizeof(k));
}

void vx_hmac_sha512_update(struct vx_hmac_sha512 *c, const void *p, size_t n)
{
	vx_sha512_update(&c->inner, p, n);
}

void vx_hmac_sha512_final(struct vx_hmac_sha512 *c, uint8_t out[64])
{
	uint8_t ih[VX_SHA512_BYTES];

	vx_sha512_final(&c->inner, ih);
	vx_sha512_update(&c->outer, ih, sizeof(ih));
	vx_sha512_final(&c->outer, out);
	vx_wipe(ih, sizeof(ih));
}

void vx_hmac_sha512(const void *key, size_t keylen, const void *p, size_t n, uint8_t out[64])
{
	struct vx_hmac_sha512 c;

	vx_hmac_sha512_init(&c, key, keylen);
	vx_hmac_sha512_update(&c, p, n);
	vx_hmac_sha512_final(&c, out);
}
