/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * BLAKE2b (RFC 7693): 1..64-byte digests, optional 0..64-byte key.
 * Argon2 (argon2.c) builds its H and H' on this interface.
 */
#ifndef VX_CRYPTO_BLAKE2B_H
#define VX_CRYPTO_BLAKE2B_H

#include <stddef.h>
#include <stdint.h>

#define VX_BLAKE2B_OUT_MAX 64
#define VX_BLAKE2B_KEY_MAX 64
#define VX_BLAKE2B_BLOCK   128

struct vx_blake2b {
	uint64_t h[8];
	uint64_t t[2];	  /* bytes compressed so far, 128-bit */
	uint8_t buf[128]; /* last block is held until final */
	size_t buflen;
	size_t outlen;
};

/*
 * Start a hash with outlen 1..64 and key of keylen 0..64 (key may be NULL
 * when keylen is 0).  Returns VX_OK or VX_E_INVAL.
 */
int vx_blake2b_init(struct vx_blake2b *st, size_t outlen, const uint8_t *key, size_t keylen);
void vx_blake2b_update(struct vx_blake2b *st, const void *in, size_t len);
/* Write st->outlen bytes and wipe the state. */
void vx_blake2b_final(struct vx_blake2b *st, uint8_t *out);
/* One-shot; returns VX_OK or VX_E_INVAL (bad outlen or keylen). */
int vx_blake2b(uint8_t *out, size_t outlen, const void *in, size_t inlen, const uint8_t *key,
	       size_t keylen);

#endif
