/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Constants of the Ed25519 curve and precomputed multiples of its base
 * point B.  The values live in ed25519_table.c, which
 * tools/gen-ed25519-table.py generates; see that script for their meaning.
 */
#ifndef VX_CRYPTO_ED25519_TABLE_H
#define VX_CRYPTO_ED25519_TABLE_H

#include <stdint.h>

#include "crypto/fe25519.h"
#include "crypto/ge25519.h"

extern const struct vx_fe vx_ed25519_d;
extern const struct vx_fe vx_ed25519_d2;
extern const struct vx_fe vx_ed25519_sqrtm1;
extern const uint8_t vx_ed25519_small_order_y[5][32];
/* [j][k] = (k+1) * 256^j * B: constant-time fixed-base multiplication. */
extern const struct vx_ge_precomp vx_ed25519_base_comb[32][8];
/* [i] = (2i+1) * B: the wNAF table for verification. */
extern const struct vx_ge_precomp vx_ed25519_base_odd[64];

#endif
