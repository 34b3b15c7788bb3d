/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Ed25519 group: points of the twisted Edwards curve
 *     -x^2 + y^2 = 1 + d x^2 y^2  over GF(2^255 - 19)   (RFC 8032 5.1).
 *
 * Internal to lib/crypto (Ed25519 and the X25519 base-point shortcut).
 * Points are kept in extended coordinates (X:Y:Z:T) with x = X/Z,
 * y = Y/Z and x*y = T/Z; the addition and doubling formulas are the ones
 * RFC 8032 section 5.1.4 gives, which are complete for this curve.
 *
 * Functions named *_vartime run in time that depends on their inputs and
 * must only see public data (verification).  Everything else is constant
 * time in the scalar and the point.
 */
#ifndef VX_CRYPTO_GE25519_H
#define VX_CRYPTO_GE25519_H

#include <stdint.h>

#include "crypto/fe25519.h"

struct vx_ge {
	struct vx_fe X, Y, Z, T;
};

/* An affine point prepared for addition: (y+x, y-x, 2*d*x*y). */
struct vx_ge_precomp {
	struct vx_fe ypx, ymx, xy2d;
};

/* A projective point prepared for addition: (Y+X, Y-X, Z, 2*d*T). */
struct vx_ge_cached {
	struct vx_fe ypx, ymx, Z, T2d;
};

void vx_ge_identity(struct vx_ge *p);
/* The canonical 32-byte encoding of p (RFC 8032 5.1.2). */
void vx_ge_tobytes(uint8_t s[32], const struct vx_ge *p);
/* s1 = encoding of p1 and s2 = encoding of p2, sharing one inversion. */
void vx_ge_tobytes2(uint8_t s1[32], const struct vx_ge *p1, uint8_t s2[32], const struct vx_ge *p2);
/*
 * Decode s (RFC 8032 5.1.3) for verification, in variable time.  Returns 0,
 * or -1 when y >= p, when no x exists, or when x = 0 with the sign bit set.
 */
int vx_ge_frombytes_vartime(struct vx_ge *p, const uint8_t s[32]);
/* 1 if the y encoded in s (sign bit ignored) is below p, else 0. */
int vx_ge_has_canonical_y(const uint8_t s[32]);
/* 1 if s (sign bit ignored) is the canonical y of a point of order 1..8. */
int vx_ge_is_small_order_y(const uint8_t s[32]);

/* r = a * B for the base point B.  Needs a[31] <= 127.  Constant time. */
void vx_ge_scalarmult_base(struct vx_ge *r, const uint8_t a[32]);
/* r = a * A + b * B in variable time; a and b below 2^253. */
void vx_ge_double_scalarmult_vartime(struct vx_ge *r, const uint8_t a[32], const struct vx_ge *A,
				     const uint8_t b[32]);

#endif
