/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Arithmetic in GF(p), p = 2^255 - 19: the field under X25519 and Ed25519.
 *
 * An element is five unsigned 64-bit limbs in radix 2^51,
 *     value = v[0] + v[1]*2^51 + v[2]*2^102 + v[3]*2^153 + v[4]*2^204,
 * and is not kept fully reduced: only vx_fe_tobytes produces the canonical
 * value.  Limb bounds are the invariant every caller keeps:
 *
 *   - vx_fe_mul, vx_fe_sq, vx_fe_mul_small, vx_fe_frombytes and vx_fe_sub
 *     return "reduced" limbs, each below 2^52;
 *   - vx_fe_add of two reduced elements gives limbs below 2^53;
 *   - vx_fe_sub's second operand must have limbs below 2^53 (it adds 4p);
 *   - vx_fe_mul and vx_fe_sq accept limbs below 2^54, which keeps their
 *     column sums below 2^115; vx_fe_mul_small accepts the same.
 *
 * Everything here runs in time independent of the values: there is no
 * branch and no memory index that depends on a limb.
 */
#ifndef VX_CRYPTO_FE25519_H
#define VX_CRYPTO_FE25519_H

#include <stdint.h>

__extension__ typedef unsigned __int128 vx_u128;

struct vx_fe {
	uint64_t v[5];
};

#define VX_FE_MASK51 ((uint64_t)0x7ffffffffffff)

/* h = f + g, without carrying (see the bounds above). */
static inline void vx_fe_add(struct vx_fe *h, const struct vx_fe *f, const struct vx_fe *g)
{
	for (int i = 0; i < 5; i++)
		h->v[i] = f->v[i] + g->v[i];
}

/* Propagate carries so every limb is below 2^51 + 2^18. */
static inline void vx_fe_carry(struct vx_fe *h)
{
	uint64_t c;

	c = h->v[0] >> 51;
	h->v[0] &= VX_FE_MASK51;
	h->v[1] += c;
	c = h->v[1] >> 51;
	h->v[1] &= VX_FE_MASK51;
	h->v[2] += c;
	c = h->v[2] >> 51;
	h->v[2] &= VX_FE_MASK51;
	h->v[3] += c;
	c = h->v[3] >> 51;
	h->v[3] &= VX_FE_MASK51;
	h->v[4] += c;
	c = h->v[4] >> 51;
	h->v[4] &= VX_FE_MASK51;
	h->v[0] += c * 19;
}

/* h = f - g + 4p, carried; g's limbs must be below 2^53. */
static inline void vx_fe_sub(struct vx_fe *h, const struct vx_fe *f, const struct vx_fe *g)
{
	h->v[0] = f->v[0] + 0x1fffffffffffb4 - g->v[0];
	h->v[1] = f->v[1] + 0x1ffffffffffffc - g->v[1];
	h->v[2] = f->v[2] + 0x1ffffffffffffc - g->v[2];
	h->v[3] = f->v[3] + 0x1ffffffffffffc - g->v[3];
	h->v[4] = f->v[4] + 0x1ffffffffffffc - g->v[4];
	vx_fe_carry(h);
}

/* h = -f */
static inline void vx_fe_neg(struct vx_fe *h, const struct vx_fe *f)
{
	static const struct vx_fe zero = {{0, 0, 0, 0, 0}};

	vx_fe_sub(h, &zero, f);
}

/*
 * Reduce five 128-bit column sums, each below 2^115, into h (limbs below
 * 2^51 + 2^18).  The bound keeps every carry within 64 bits.
 */
static inline void vx_fe_reduce128(struct vx_fe *h, vx_u128 r0, vx_u128 r1, vx_u128 r2, vx_u128 r3,
				   vx_u128 r4)
{
	uint64_t l0, l1, l2, l3, l4;

	r1 += (uint64_t)(r0 >> 51);
	l0 = (uint64_t)r0 & VX_FE_MASK51;
	r2 += (uint64_t)(r1 >> 51);
	l1 = (uint64_t)r1 & VX_FE_MASK51;
	r3 += (uint64_t)(r2 >> 51);
	l2 = (uint64_t)r2 & VX_FE_MASK51;
	r4 += (uint64_t)(r3 >> 51);
	l3 = (uint64_t)r3 & VX_FE_MASK51;
	/* The carry out of r4 can exceed 64 bits; it wraps to limb 0 times 19. */
	vx_u128 c = (r4 >> 51) * 19 + l0;
	l4 = (uint64_t)r4 & VX_FE_MASK51;
	l0 = (uint64_t)c & VX_FE_MASK51;
	l1 += (uint64_t)(c >> 51);
	h->v[0] = l0;
	h->v[1] = l1;
	h->v[2] = l2;
	h->v[3] = l3;
	h->v[4] = l4;
}

/* h = f * g.  Limbs of f and g below 2^54. */
static inline void vx_fe_mul(struct vx_fe *h, const struct vx_fe *f, const struct vx_fe *g)
{
	uint64_t f0 = f->v[0], f1 = f->v[1], f2 = f->v[2], f3 = f->v[3], f4 = f->v[4];
	uint64_t g0 = g->v[0], g1 = g->v[1], g2 = g->v[2], g3 = g->v[3], g4 = g->v[4];
	/* 2^255 = 19 (mod p): limbs that wrap past 2^255 come back times 19. */
	uint64_t g1_19 = g1 * 19, g2_19 = g2 * 19, g3_19 = g3 * 19, g4_19 = g4 * 19;
	vx_u128 r0, r1, r2, r3, r4;

	r0 = (vx_u128)f0 * g0 + (vx_u128)f1 * g4_19 + (vx_u128)f2 * g3_19 + (vx_u128)f3 * g2_19 +
	     (vx_u128)f4 * g1_19;
	r1 = (vx_u128)f0 * g1 + (vx_u128)f1 * g0 + (vx_u128)f2 * g4_19 + (vx_u128)f3 * g3_19 +
	     (vx_u128)f4 * g2_19;
	r2 = (vx_u128)f0 * g2 + (vx_u128)f1 * g1 + (vx_u128)f2 * g0 + (vx_u128)f3 * g4_19 +
	     (vx_u128)f4 * g3_19;
	r3 = (vx_u128)f0 * g3 + (vx_u128)f1 * g2 + (vx_u128)f2 * g1 + (vx_u128)f3 * g0 +
	     (vx_u128)f4 * g4_19;
	r4 = (vx_u128)f0 * g4 + (vx_u128)f1 * g3 + (vx_u128)f2 * g2 + (vx_u128)f3 * g1 +
	     (vx_u128)f4 * g0;
	vx_fe_reduce128(h, r0, r1, r2, r3, r4);
}

/* h = f^2.  Limbs of f below 2^54. */
static inline void vx_fe_sq(struct vx_fe *h, const struct vx_fe *f)
{
	uint64_t f0 = f->v[0], f1 = f->v[1], f2 = f->v[2], f3 = f->v[3], f4 = f->v[4];
	uint64_t f0_2 = f0 * 2, f1_2 = f1 * 2;
	uint64_t f3_19 = f3 * 19, f4_19 = f4 * 19;
	vx_u128 r0, r1, r2, r3, r4;

	r0 = (vx_u128)f0 * f0 + (vx_u128)(f1_2)*f4_19 + (vx_u128)(f2 * 2) * f3_19;
	r1 = (vx_u128)f0_2 * f1 + (vx_u128)(f2 * 2) * f4_19 + (vx_u128)f3 * f3_19;
	r2 = (vx_u128)f0_2 * f2 + (vx_u128)f1 * f1 + (vx_u128)(f3 * 2) * f4_19;
	r3 = (vx_u128)f0_2 * f3 + (vx_u128)f1_2 * f2 + (vx_u128)f4 * f4_19;
	r4 = (vx_u128)f0_2 * f4 + (vx_u128)f1_2 * f3 + (vx_u128)f2 * f2;
	vx_fe_reduce128(h, r0, r1, r2, r3, r4);
}

/* h = f * k for a small constant k < 2^20.  Limbs of f below 2^54. */
static inline void vx_fe_mul_small(struct vx_fe *h, const struct vx_fe *f, uint32_t k)
{
	vx_fe_reduce128(h, (vx_u128)f->v[0] * k, (vx_u128)f->v[1] * k, (vx_u128)f->v[2] * k,
			(vx_u128)f->v[3] * k, (vx_u128)f->v[4] * k);
}

/* Swap f and g when bit == 1, leave them when bit == 0, in constant time. */
static inline void vx_fe_cswap(struct vx_fe *f, struct vx_fe *g, uint64_t bit)
{
	uint64_t mask = 0 - bit;

	for (int i = 0; i < 5; i++) {
		uint64_t t = mask & (f->v[i] ^ g->v[i]);
		f->v[i] ^= t;
		g->v[i] ^= t;
	}
}

/* f = g when bit == 1, unchanged when bit == 0, in constant time. */
static inline void vx_fe_cmov(struct vx_fe *f, const struct vx_fe *g, uint64_t bit)
{
	uint64_t mask = 0 - bit;

	for (int i = 0; i < 5; i++)
		f->v[i] ^= mask & (f->v[i] ^ g->v[i]);
}

/* The lower 255 bits of s, little-endian; bit 255 is ignored. */
void vx_fe_frombytes(struct vx_fe *h, const uint8_t s[32]);
/* The canonical (fully reduced) little-endian encoding of f. */
void vx_fe_tobytes(uint8_t s[32], const struct vx_fe *f);
/* h = f^(2^n) (n >= 1 squarings). */
void vx_fe_sqn(struct vx_fe *h, const struct vx_fe *f, int n);
/* h = 1/f = f^(p-2); 1/0 gives 0. */
void vx_fe_invert(struct vx_fe *h, const struct vx_fe *f);
/* h = f^((p-5)/8), the core of a square root in GF(p). */
void vx_fe_pow22523(struct vx_fe *h, const struct vx_fe *f);
/* 1 if f = 0 (mod p), else 0. */
int vx_fe_iszero(const struct vx_fe *f);
/* The low bit of the canonical value of f ("negative" in RFC 8032). */
int vx_fe_isodd(const struct vx_fe *f);

#endif
