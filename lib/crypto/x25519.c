/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * X25519 (RFC 7748 section 5): scalar clamping and the Montgomery ladder
 * on u-coordinates, with a masked conditional swap per bit so the running
 * time and memory addresses do not depend on the scalar.
 *
 * The base-point variant does not run the ladder.  It multiplies the
 * Ed25519 base point, which is birationally equivalent to u = 9, with the
 * constant-time fixed-base table and maps the result with
 * u = (1 + y) / (1 - y) = (Z + Y) / (Z - Y) (RFC 7748 section 4.1).
 * Z - Y is never 0: a clamped scalar is a non-zero multiple of 8 below
 * 8 * L, so the product is never the identity.
 */
#include "crypto/x25519.h"
#include "crypto/ct.h"
#include "crypto/fe25519.h"
#include "crypto/ge25519.h"
#include "vectra/abi.h"
#include "vx_string.h"

/* RFC 7748 decodeScalar25519. */
static void clamp(uint8_t k[32], const uint8_t scalar[32])
{
	memcpy(k, scalar, 32);
	k[0] &= 248;
	k[31] &= 127;
	k[31] |= 64;
}

/* VX_E_AUTH if out is all zeros, else VX_OK, without a branch on out. */
static int zero_check(const uint8_t out[32])
{
	uint32_t acc = 0;

	for (int i = 0; i < 32; i++)
		acc |= out[i];
	return (int)(-(int32_t)((acc - 1) >> 31)) & VX_E_AUTH;
}

int vx_x25519(uint8_t out[32], const uint8_t scalar[32], const uint8_t point[32])
{
	uint8_t k[32];
	struct vx_fe x1, x2, z2, x3, z3, a, aa, b, bb, e, c, d, da, cb;
	uint64_t swap = 0;

	clamp(k, scalar);
	vx_fe_frombytes(&x1, point); /* masks bit 255 */
	memset(&x2, 0, sizeof x2);
	x2.v[0] = 1;
	memset(&z2, 0, sizeof z2);
	x3 = x1;
	z3 = x2;

	for (int t = 254; t >= 0; t--) {
		uint64_t bit = (k[t >> 3] >> (t & 7)) & 1;

		swap ^= bit;
		vx_fe_cswap(&x2, &x3, swap);
		vx_fe_cswap(&z2, &z3, swap);
		swap = bit;

		vx_fe_add(&a, &x2, &z2);
		vx_fe_sq(&aa, &a);
		vx_fe_sub(&b, &x2, &z2);
		vx_fe_sq(&bb, &b);
		vx_fe_sub(&e, &aa, &bb);
		vx_fe_add(&c, &x3, &z3);
		vx_fe_sub(&d, &x3, &z3);
		vx_fe_mul(&da, &d, &a);
		vx_fe_mul(&cb, &c, &b);
		vx_fe_add(&x3, &da, &cb);
		vx_fe_sq(&x3, &x3);
		vx_fe_sub(&z3, &da, &cb);
		vx_fe_sq(&z3, &z3);
		vx_fe_mul(&z3, &z3, &x1);
		vx_fe_mul(&x2, &aa, &bb);
		vx_fe_mul_small(&z2, &e, 121665); /* a24 = (486662 - 2) / 4 */
		vx_fe_add(&z2, &z2, &aa);
		vx_fe_mul(&z2, &z2, &e);
	}
	vx_fe_cswap(&x2, &x3, swap);
	vx_fe_cswap(&z2, &z3, swap);

	vx_fe_invert(&z2, &z2);
	vx_fe_mul(&x2, &x2, &z2);
	vx_fe_tobytes(out, &x2);

	vx_wipe(k, sizeof k);
	vx_wipe(&x2, sizeof x2);
	vx_wipe(&z2, sizeof z2);
	vx_wipe(&x3, sizeof x3);
	vx_wipe(&z3, sizeof z3);
	return zero_check(out);
}

int vx_x25519_base(uint8_t out[32], const uint8_t scalar[32])
{
	uint8_t k[32];
	struct vx_ge p;
	struct vx_fe n, d;

	clamp(k, scalar);
	vx_ge_scalarmult_base(&p, k);
	vx_fe_add(&n, &p.Z, &p.Y);
	vx_fe_sub(&d, &p.Z, &p.Y);
	vx_fe_invert(&d, &d);
	vx_fe_mul(&n, &n, &d);
	vx_fe_tobytes(out, &n);

	vx_wipe(k, sizeof k);
	vx_wipe(&p, sizeof p);
	vx_wipe(&n, sizeof n);
	return VX_OK;
}
