/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Poly1305 one-time authenticator (RFC 8439 section 2.5).
 *
 * A key authenticates exactly one message: reusing it lets a forger solve
 * for r.  The incremental interface accepts any split of the message; the
 * state holds key material and is wiped by vx_poly1305_final.
 */
#ifndef VX_CRYPTO_POLY1305_H
#define VX_CRYPTO_POLY1305_H

#include <stddef.h>
#include <stdint.h>

#define VX_POLY1305_KEY_BYTES 32
#define VX_POLY1305_TAG_BYTES 16

struct vx_poly1305 {
	uint64_t r[4][3];    /* r, r^2, r^3, r^4 mod p in radix 2^44 (r clamped) */
	uint64_t h[3];	     /* accumulator, radix 2^44, partially reduced */
	uint64_t pad0, pad1; /* s, the second key half */
	uint8_t buf[16];     /* partial block */
	size_t buflen;
};

void vx_poly1305_init(struct vx_poly1305 *st, const uint8_t key[VX_POLY1305_KEY_BYTES]);
void vx_poly1305_update(struct vx_poly1305 *st, const uint8_t *msg, size_t len);
/* Write the tag and wipe the state. */
void vx_poly1305_final(struct vx_poly1305 *st, uint8_t tag[VX_POLY1305_TAG_BYTES]);

/* One-shot: tag = Poly1305(key, msg). */
void vx_poly1305(uint8_t tag[VX_POLY1305_TAG_BYTES], const uint8_t *msg, size_t len,
		 const uint8_t key[VX_POLY1305_KEY_BYTES]);

/*
 * Compare two tags in constant time (no branch or index depends on their
 * contents).  Returns VX_OK if equal, VX_E_AUTH otherwise.
 */
int vx_poly1305_verify(const uint8_t a[VX_POLY1305_TAG_BYTES],
		       const uint8_t b[VX_POLY1305_TAG_BYTES]);

#endif
