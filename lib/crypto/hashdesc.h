/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internal: a hash function described by a constant table, so that HMAC,
 * HKDF and PBKDF2 are written once and serve both SHA-256 and SHA-512.
 *
 * A descriptor gives the block and digest sizes and the incremental
 * functions of crypto/sha2.h over an untyped context pointer.  Generic code
 * keeps its contexts in union vx_hash_ctx, which fits every hash here, and
 * sizes its buffers with VX_HASH_MAX_BLOCK and VX_HASH_MAX_BYTES.
 */
#ifndef VX_CRYPTO_HASHDESC_H
#define VX_CRYPTO_HASHDESC_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/sha2.h"

#define VX_HASH_MAX_BLOCK VX_SHA512_BLOCK
#define VX_HASH_MAX_BYTES VX_SHA512_BYTES

union vx_hash_ctx {
	struct vx_sha256 sha256;
	struct vx_sha512 sha512;
};

struct vx_hash_desc {
	size_t block; /* input block size in bytes */
	size_t bytes; /* digest size in bytes (HashLen) */
	/* c points to the hash's own context (struct vx_sha256 or vx_sha512). */
	void (*init)(void *c);
	void (*update)(void *c, const void *p, size_t n);
	void (*final)(void *c, uint8_t *out);
};

extern const struct vx_hash_desc vx_hash_sha256;
extern const struct vx_hash_desc vx_hash_sha512;

#endif
