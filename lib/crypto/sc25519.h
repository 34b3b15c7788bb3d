/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Scalars modulo the prime order of the Ed25519 base point,
 *     L = 2^252 + 27742317777372353535851937790883648493   (RFC 8032 5.1).
 * Scalars are 32-byte little-endian strings.  Internal to lib/crypto.
 * All three calls run in time independent of the values.
 */
#ifndef VX_CRYPTO_SC25519_H
#define VX_CRYPTO_SC25519_H

#include <stdint.h>

/* out = in mod L for a 64-byte little-endian in (a SHA-512 digest). */
void vx_sc_reduce(uint8_t out[32], const uint8_t in[64]);
/* out = (a * b + c) mod L; a, b and c may be any values below 2^255. */
void vx_sc_muladd(uint8_t out[32], const uint8_t a[32], const uint8_t b[32], const uint8_t c[32]);
/* 1 if s < L (the canonical encoding of a scalar), else 0. */
int vx_sc_is_canonical(const uint8_t s[32]);

#endif
