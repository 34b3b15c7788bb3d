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
 *
 * The construction is written once, over a hash descriptor
 * (crypto/hashdesc.h); the SHA-256 and SHA-512 functions are thin wrappers.
 * Test vectors: RFC 4231.  Every stack copy of key material is wiped.
 */
#include <stddef.h>
#include <stdint.h>

#include "vx_string.h"
#include "crypto/ct.h"
#include "crypto/hashdesc.h"
#include "crypto/hmac.h"

void vx_hmac_key(const struct vx_hash_desc *h, void *inner, void *outer, const void *key,
		 size_t keylen)
{
	uint8_t k[VX_HASH_MAX_BLOCK];

	memset(k, 0, h->block);
	if (keylen > h->block) {
		/* K0 = H(K); inner is free until it is initialised below. */
		h->init(inner);
		h->update(inner, key, keylen);
		h->final(inner, k);
	} else if (keylen > 0) {
		memcpy(k, key, keylen);
	}
	/* Blocks are whole multiples of 64 bytes; a fixed inner count vectorises. */
	for (size_t i = 0; i < h->block; i += 64)
		for (size_t j = 0; j < 64; j++)
			k[i + j] ^= 0x36;
	h->init(inner);
	h->update(inner, k, h->block);
	for (size_t i = 0; i < h->block; i += 64)
		for (size_t j = 0; j < 64; j++)
			k[i + j] ^= 0x36 ^ 0x5c;
	h->init(outer);
	h->update(outer, k, h->block);
	vx_wipe(k, h->block);
}

void vx_hmac_finish(const struct vx_hash_desc *h, void *inner, void *outer, uint8_t *out)
{
	uint8_t ih[VX_HASH_MAX_BYTES];

	h->final(inner, ih);
	h->update(outer, ih, h->bytes);
	h->final(outer, out);
	vx_wipe(ih, sizeof(ih));
}

void vx_hmac(const struct vx_hash_desc *h, const void *key, size_t keylen, const void *p, size_t n,
	     uint8_t *out)
{
	struct vx_hmac_state c;

	vx_hmac_key(h, &c.inner, &c.outer, key, keylen);
	h->update(&c.inner, p, n);
	vx_hmac_finish(h, &c.inner, &c.outer, out);
}

void vx_hmac_sha256_init(struct vx_hmac_sha256 *c, const void *key, size_t keylen)
{
	vx_hmac_key(&vx_hash_sha256, &c->inner, &c->outer, key, keylen);
}

void vx_hmac_sha256_update(struct vx_hmac_sha256 *c, const void *p, size_t n)
{
	vx_sha256_update(&c->inner, p, n);
}

void vx_hmac_sha256_final(struct vx_hmac_sha256 *c, uint8_t out[32])
{
	vx_hmac_finish(&vx_hash_sha256, &c->inner, &c->outer, out);
}

void vx_hmac_sha256(const void *key, size_t keylen, const void *p, size_t n, uint8_t out[32])
{
	vx_hmac(&vx_hash_sha256, key, keylen, p, n, out);
}

void vx_hmac_sha512_init(struct vx_hmac_sha512 *c, const void *key, size_t keylen)
{
	vx_hmac_key(&vx_hash_sha512, &c->inner, &c->outer, key, keylen);
}

void vx_hmac_sha512_update(struct vx_hmac_sha512 *c, const void *p, size_t n)
{
	vx_sha512_update(&c->inner, p, n);
}

void vx_hmac_sha512_final(struct vx_hmac_sha512 *c, uint8_t out[64])
{
	vx_hmac_finish(&vx_hash_sha512, &c->inner, &c->outer, out);
}

void vx_hmac_sha512(const void *key, size_t keylen, const void *p, size_t n, uint8_t out[64])
{
	vx_hmac(&vx_hash_sha512, key, keylen, p, n, out);
}
