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

#include "crypto/hashdesc.h"
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

/*
 * Internal: HMAC over any hash of crypto/hashdesc.h, which the functions
 * above wrap and HKDF and PBKDF2 use.  inner and outer are two contexts of
 * hash h (struct vx_hmac_state holds a pair for generic callers).
 * vx_hmac_key sets them up for the key (a copy of both may be kept to reuse
 * the key); feed the message to inner with h->update; vx_hmac_finish writes
 * h->bytes of tag and wipes both.  vx_hmac is the one-shot form.
 */
struct vx_hmac_state {
	union vx_hash_ctx inner, outer;
};

void vx_hmac_key(const struct vx_hash_desc *h, void *inner, void *outer, const void *key,
		 size_t keylen);
void vx_hmac_finish(const struct vx_hash_desc *h, void *inner, void *outer, uint8_t *out);
void vx_hmac(const struct vx_hash_desc *h, const void *key, size_t keylen, const void *p, size_t n,
	     uint8_t *out);

#endif
