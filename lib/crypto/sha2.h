/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SHA-256 and SHA-512 (FIPS 180-4).
 *
 * Each hash has an incremental form (init, any number of updates, final) and
 * a one-shot form.  A context holds no pointers, so it may be copied to fork
 * a hash state (HMAC uses this).  final() wipes the context; reuse it only
 * after another init().  Inputs of any length are accepted; the message
 * length counter wraps only beyond 2^64 bytes.
 */
#ifndef VX_CRYPTO_SHA2_H
#define VX_CRYPTO_SHA2_H

#include <stddef.h>
#include <stdint.h>

#define VX_SHA256_BYTES 32
#define VX_SHA256_BLOCK 64
#define VX_SHA512_BYTES 64
#define VX_SHA512_BLOCK 128

struct vx_sha256 {
	uint32_t h[8];
	uint64_t len; /* message bytes hashed so far */
	uint8_t buf[64];
	uint32_t fill; /* bytes waiting in buf, always < 64 */
};

struct vx_sha512 {
	uint64_t h[8];
	uint64_t len; /* message bytes hashed so far */
	uint8_t buf[128];
	uint32_t fill; /* bytes waiting in buf, always < 128 */
};

void vx_sha256_init(struct vx_sha256 *c);
void vx_sha256_update(struct vx_sha256 *c, const void *p, size_t n);
void vx_sha256_final(struct vx_sha256 *c, uint8_t out[32]);
void vx_sha256(const void *p, size_t n, uint8_t out[32]);

void vx_sha512_init(struct vx_sha512 *c);
void vx_sha512_update(struct vx_sha512 *c, const void *p, size_t n);
void vx_sha512_final(struct vx_sha512 *c, uint8_t out[64]);
void vx_sha512(const void *p, size_t n, uint8_t out[64]);

/*
 * Internal: the portable SHA-256 compression of n whole blocks, bypassing the
 * run-time choice of the SHA-NI path, so tests can check both paths agree.
 */
void vx_sha256_blocks_portable(uint32_t st[8], const uint8_t *p, size_t n);

#endif
