/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ed25519 signatures (RFC 8032, pure Ed25519: no context, no prehash).
 *
 * The secret is the 32-byte seed and nothing else: signing derives the
 * scalar, the nonce prefix and the public key from it on every call, so a
 * caller cannot pair a seed with the wrong public key (that mistake leaks
 * the key in APIs that take both).  Signing is deterministic and runs in
 * time independent of the seed; its time depends on the message length.
 *
 * Verification is strict; docs/CRYPTO.md (section 3) states the rules.  In
 * short it returns VX_E_AUTH unless S < L, R and A are canonical
 * encodings of points that are not of small order, and the cofactorless
 * equation [S]B = R + [k]A holds with k = SHA-512(R || A || M) mod L.
 */
#ifndef VX_CRYPTO_ED25519_H
#define VX_CRYPTO_ED25519_H

#include <stddef.h>
#include <stdint.h>

#define VX_ED25519_SEED_BYTES	32
#define VX_ED25519_PUBLIC_BYTES 32
#define VX_ED25519_SIG_BYTES	64

/* pk = the public key of seed (RFC 8032 5.1.5).  Returns VX_OK. */
int vx_ed25519_public_key(uint8_t pk[32], const uint8_t seed[32]);

/*
 * sig = R || S, the signature of msg[0..len) under seed (RFC 8032 5.1.6).
 * Returns VX_OK, or VX_E_INVAL when msg is NULL with len > 0.
 */
int vx_ed25519_sign(uint8_t sig[64], const uint8_t seed[32], const void *msg, size_t len);

/*
 * Check sig over msg[0..len) against pk (RFC 8032 5.1.7, strict rules).
 * Returns VX_OK for a valid signature, VX_E_AUTH for any invalid one, and
 * VX_E_INVAL when a pointer is NULL (msg may be NULL only if len == 0).
 * Variable time: all inputs are public.
 */
int vx_ed25519_verify(const uint8_t sig[64], const void *msg, size_t len, const uint8_t pk[32]);

#endif
