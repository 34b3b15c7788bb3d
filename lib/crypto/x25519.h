/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * X25519 Diffie-Hellman (RFC 7748).
 *
 * Keys and shared secrets are 32 bytes.  A private key is any 32 random
 * bytes; it is clamped on every use, so callers never clamp.  The peer's
 * u-coordinate is taken as RFC 7748 says: bit 255 is ignored and values
 * at or above p are accepted and reduced.
 *
 * Both calls run in time independent of the scalar and of the point.
 */
#ifndef VX_CRYPTO_X25519_H
#define VX_CRYPTO_X25519_H

#include <stdint.h>

#define VX_X25519_BYTES 32

/*
 * out = X25519(scalar, point).  Returns VX_OK, or VX_E_AUTH when the result
 * is all zeros, which happens exactly when the peer sent a point of small
 * order (a contributory-behaviour failure).  Either way out is written;
 * on VX_E_AUTH it holds the 32 zero bytes and must not be used as a key.
 */
int vx_x25519(uint8_t out[32], const uint8_t scalar[32], const uint8_t point[32]);

/* out = X25519(scalar, 9): the public key of scalar.  Returns VX_OK. */
int vx_x25519_base(uint8_t out[32], const uint8_t scalar[32]);

#endif
