/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Ed25519 group: point encoding and decoding, addition, doubling,
 * constant-time fixed-base multiplication and variable-time double-scalar
 * multiplication for verification.
 *
 * References: RFC 8032 section 5.1 (curve, encoding, decoding, addition
 * and doubling formulas in extended coordinates); Hisil, Wong, Carter and
 * Dawson, "Twisted Edwards Curves Revisited" (ASIACRYPT 2008) for the
 * coordinate system.  Fixed-base multiplication writes the scalar in 64
 * signed radix-16 digits and reads a 32 x 8 table of multiples of B
 * (ed25519_table.c) with a masked scan of each row, so neither branches
 * nor memory addresses depend on the scalar.  Verification uses width-5
 * wNAF for the point and width-8 wNAF with a static table for B.
 */
#include <stdbool.h>

#include "crypto/ge25519.h"
#include "crypto/ct.h"
#include "crypto/ed25519_table.h"
#include "vx_string.h"

static const struct vx_fe fe_one = {{1, 0, 0, 0, 0}};

void vx_ge_identity(struct vx_ge *p)
{
	static const struct vx_fe zero = {{0, 0, 0, 0, 0}};

	p->X = zero;
	p->Y = fe_one;
	p->Z = fe_one;
	p->T = zero;
}

/*
 * The tail every formula shares: from E, F, G, H set X = EF, Y = GH,
 * Z = FG and, when the next operation is an addition, T = EH.  Doublings
 * never read T, so chains of them skip it.
 */
static void ge_finish(struct vx_ge *r, const struct vx_fe *e, const struct vx_fe *f,
		      const struct vx_fe *g, const struct vx_fe *h, bool want_t)
{
	vx_fe_mul(&r->X, e, f);
	vx_fe_mul(&r->Y, g, h);
	vx_fe_mul(&r->Z, f, g);
	if (want_t)
		vx_fe_mul(&r->T, e, h);
}

/* r = 2p (RFC 8032 5.1.4 doubling; does not read p->T). */
static void ge_dbl(struct vx_ge *r, const struct vx_ge *p, bool want_t)
{
	struct vx_fe a, b, c, e, f, g, h, t;

	vx_fe_sq(&a, &p->X);
	vx_fe_sq(&b, &p->Y);
	vx_fe_sq(&c, &p->Z);
	vx_fe_add(&c, &c, &c);
	vx_fe_add(&h, &a, &b);
	vx_fe_add(&t, &p->X, &p->Y);
	vx_fe_sq(&t, &t);
	vx_fe_sub(&e, &h, &t);
	vx_fe_sub(&g, &a, &b);
	vx_fe_add(&f, &c, &g);
	ge_finish(r, &e, &f, &g, &h, want_t);
}

/*
 * r = p + q or p - q (neg = true) for an affine q.  Negating q swaps y+x
 * with y-x and negates 2dxy; neg is public wherever it is a branch.
 */
static void ge_add_precomp(struct vx_ge *r, const struct vx_ge *p, const struct vx_ge_precomp *q,
			   bool neg, bool want_t)
{
	struct vx_fe a, b, c, d, e, f, g, h, t;

	vx_fe_sub(&t, &p->Y, &p->X);
	vx_fe_mul(&a, &t, neg ? &q->ypx : &q->ymx);
	vx_fe_add(&t, &p->Y, &p->X);
	vx_fe_mul(&b, &t, neg ? &q->ymx : &q->ypx);
	vx_fe_mul(&c, &p->T, &q->xy2d);
	vx_fe_add(&d, &p->Z, &p->Z);
	vx_fe_sub(&e, &b, &a);
	vx_fe_add(&h, &b, &a);
	if (neg) {
		vx_fe_add(&f, &d, &c);
		vx_fe_sub(&g, &d, &c);
	} else {
		vx_fe_sub(&f, &d, &c);
		vx_fe_add(&g, &d, &c);
	}
	ge_finish(r, &e, &f, &g, &h, want_t);
}

/* r = p + q or p - q for a projective q; the same shape with Z2 != 1. */
static void ge_add_cached(struct vx_ge *r, const struct vx_ge *p, const struct vx_ge_cached *q,
			  bool neg, bool want_t)
{
	struct vx_fe a, b, c, d, e, f, g, h, t;

	vx_fe_sub(&t, &p->Y, &p->X);
	vx_fe_mul(&a, &t, neg ? &q->ypx : &q->ymx);
	vx_fe_add(&t, &p->Y, &p->X);
	vx_fe_mul(&b, &t, neg ? &q->ymx : &q->ypx);
	vx_fe_mul(&c, &p->T, &q->T2d);
	vx_fe_mul(&d, &p->Z, &q->Z);
	vx_fe_add(&d, &d, &d);
	vx_fe_sub(&e, &b, &a);
	vx_fe_add(&h, &b, &a);
	if (neg) {
		vx_fe_add(&f, &d, &c);
		vx_fe_sub(&g, &d, &c);
	} else {
		vx_fe_sub(&f, &d, &c);
		vx_fe_add(&g, &d, &c);
	}
	ge_finish(r, &e, &f, &g, &h, want_t);
}

static void ge_to_cached(struct vx_ge_cached *c, const struct vx_ge *p)
{
	vx_fe_add(&c->ypx, &p->Y, &p->X);
	vx_fe_sub(&c->ymx, &p->Y, &p->X);
	c->Z = p->Z;
	vx_fe_mul(&c->T2d, &p->T, &vx_ed25519_d2);
}

void vx_ge_tobytes(uint8_t s[32], const struct vx_ge *p)
{
	struct vx_fe zi, x, y;

	vx_fe_invert(&zi, &p->Z);
	vx_fe_mul(&x, &p->X, &zi);
	vx_fe_mul(&y, &p->Y, &zi);
	vx_fe_tobytes(s, &y);
	s[31] |= (uint8_t)(vx_fe_isodd(&x) << 7);
}

/* Both encodings with one inversion: 1/Z1 = Z2/(Z1 Z2), 1/Z2 = Z1/(Z1 Z2). */
void vx_ge_tobytes2(uint8_t s1[32], const struct vx_ge *p1, uint8_t s2[32], const struct vx_ge *p2)
{
	struct vx_fe inv, zi, x, y;

	vx_fe_mul(&inv, &p1->Z, &p2->Z);
	vx_fe_invert(&inv, &inv);
	vx_fe_mul(&zi, &inv, &p2->Z);
	vx_fe_mul(&x, &p1->X, &zi);
	vx_fe_mul(&y, &p1->Y, &zi);
	vx_fe_tobytes(s1, &y);
	s1[31] |= (uint8_t)(vx_fe_isodd(&x) << 7);
	vx_fe_mul(&zi, &inv, &p1->Z);
	vx_fe_mul(&x, &p2->X, &zi);
	vx_fe_mul(&y, &p2->Y, &zi);
	vx_fe_tobytes(s2, &y);
	s2[31] |= (uint8_t)(vx_fe_isodd(&x) << 7);
}

/*
 * RFC 8032 5.1.3: x^2 = u/v with u = y^2 - 1, v = d y^2 + 1; the candidate
 * root is x = u v^3 (u v^7)^((p-5)/8), fixed up by sqrt(-1) when v x^2 = -u.
 */
int vx_ge_frombytes_vartime(struct vx_ge *p, const uint8_t s[32])
{
	struct vx_fe u, v, v3, x, t, chk;
	int sign = s[31] >> 7;

	if (!vx_ge_has_canonical_y(s))
		return -1;
	vx_fe_frombytes(&p->Y, s);

	vx_fe_sq(&u, &p->Y);
	vx_fe_mul(&v, &u, &vx_ed25519_d);
	vx_fe_sub(&u, &u, &fe_one);
	vx_fe_add(&v, &v, &fe_one);

	vx_fe_sq(&v3, &v);
	vx_fe_mul(&v3, &v3, &v); /* v^3 */
	vx_fe_sq(&x, &v3);
	vx_fe_mul(&x, &x, &v);
	vx_fe_mul(&x, &x, &u); /* u v^7 */
	vx_fe_pow22523(&x, &x);
	vx_fe_mul(&x, &x, &v3);
	vx_fe_mul(&x, &x, &u);

	vx_fe_sq(&t, &x);
	vx_fe_mul(&t, &t, &v); /* v x^2 */
	vx_fe_sub(&chk, &t, &u);
	if (!vx_fe_iszero(&chk)) {
		vx_fe_add(&chk, &t, &u);
		if (!vx_fe_iszero(&chk))
			return -1; /* u/v is not a square: not on the curve */
		vx_fe_mul(&x, &x, &vx_ed25519_sqrtm1);
	}
	if (vx_fe_iszero(&x) && sign)
		return -1;
	if (vx_fe_isodd(&x) != sign)
		vx_fe_neg(&x, &x);

	p->X = x;
	p->Z = fe_one;
	vx_fe_mul(&p->T, &x, &p->Y);
	return 0;
}

int vx_ge_has_canonical_y(const uint8_t s[32])
{
	struct vx_fe y;
	uint8_t enc[32];

	vx_fe_frombytes(&y, s);
	vx_fe_tobytes(enc, &y);
	return memcmp(enc, s, 31) == 0 && enc[31] == (s[31] & 0x7f);
}

int vx_ge_is_small_order_y(const uint8_t s[32])
{
	for (int i = 0; i < 5; i++) {
		const uint8_t *y = vx_ed25519_small_order_y[i];

		if (memcmp(y, s, 31) == 0 && y[31] == (s[31] & 0x7f))
			return 1;
	}
	return 0;
}

/* 1 if a == b, else 0, for small non-negative values; no branch. */
static uint64_t ct_eq(uint32_t a, uint32_t b)
{
	return (uint64_t)(((a ^ b) - 1) >> 31);
}

/* t = digit * 256^row * B for digit in [-8, 8], reading all of the row. */
static void select_comb(struct vx_ge_precomp *t, int row, int8_t digit)
{
	uint32_t neg = (uint32_t)((uint8_t)digit >> 7);
	uint32_t mag = (uint32_t)((digit ^ -(int32_t)neg) + (int32_t)neg);
	struct vx_fe nxy;

	t->ypx = fe_one;
	t->ymx = fe_one;
	memset(&t->xy2d, 0, sizeof t->xy2d);
	for (uint32_t k = 0; k < 8; k++) {
		const struct vx_ge_precomp *e = &vx_ed25519_base_comb[row][k];
		uint64_t hit = ct_eq(mag, k + 1);

		vx_fe_cmov(&t->ypx, &e->ypx, hit);
		vx_fe_cmov(&t->ymx, &e->ymx, hit);
		vx_fe_cmov(&t->xy2d, &e->xy2d, hit);
	}
	vx_fe_cswap(&t->ypx, &t->ymx, neg);
	vx_fe_neg(&nxy, &t->xy2d);
	vx_fe_cmov(&t->xy2d, &nxy, neg);
}

/*
 * a = sum e[i] 16^i with e[i] in [-8, 8); the top digit absorbs the last
 * carry and stays <= 8 because a[31] <= 127.  Then
 *   a*B = 16 * sum_{i odd} e[i] 256^((i-1)/2) B + sum_{i even} e[i] 256^(i/2) B,
 * one table row per pair of digits.
 */
void vx_ge_scalarmult_base(struct vx_ge *r, const uint8_t a[32])
{
	int8_t e[64];
	int8_t carry = 0;
	struct vx_ge_precomp t;

	for (int i = 0; i < 32; i++) {
		e[2 * i] = (int8_t)(a[i] & 15);
		e[2 * i + 1] = (int8_t)(a[i] >> 4);
	}
	for (int i = 0; i < 63; i++) {
		e[i] = (int8_t)(e[i] + carry);
		carry = (int8_t)((e[i] + 8) >> 4);
		e[i] = (int8_t)(e[i] - carry * 16);
	}
	e[63] = (int8_t)(e[63] + carry);

	vx_ge_identity(r);
	for (int i = 1; i < 64; i += 2) {
		select_comb(&t, i / 2, e[i]);
		ge_add_precomp(r, r, &t, false, true);
	}
	ge_dbl(r, r, false);
	ge_dbl(r, r, false);
	ge_dbl(r, r, false);
	ge_dbl(r, r, true);
	for (int i = 0; i < 64; i += 2) {
		select_comb(&t, i / 2, e[i]);
		ge_add_precomp(r, r, &t, false, true);
	}
	vx_wipe(e, sizeof e);
	vx_wipe(&t, sizeof t);
}

/*
 * Width-w NAF of a 256-bit scalar below 2^255: naf[i] is zero or odd with
 * |naf[i]| < 2^(w-1), and sum naf[i] 2^i equals the scalar.  Variable time.
 */
static void wnaf(int8_t naf[257], const uint8_t s[32], int w)
{
	uint64_t k[5] = {0};
	const int64_t full = (int64_t)1 << w, half = full >> 1;

	for (int i = 0; i < 32; i++)
		k[i / 8] |= (uint64_t)s[i] << (8 * (i % 8));
	for (int i = 0; i < 257; i++) {
		int64_t d = 0;

		if (k[0] & 1) {
			d = (int64_t)(k[0] & (uint64_t)(full - 1));
			if (d >= half)
				d -= full;
			/* k -= d, across limbs */
			if (d > 0) {
				uint64_t b = k[0] < (uint64_t)d;
				k[0] -= (uint64_t)d;
				for (int j = 1; j < 5 && b; j++)
					b = k[j]-- == 0;
			} else {
				uint64_t c = (k[0] += (uint64_t)-d) < (uint64_t)-d;
				for (int j = 1; j < 5 && c; j++)
					c = ++k[j] == 0;
			}
		}
		naf[i] = (int8_t)d;
		for (int j = 0; j < 4; j++)
			k[j] = (k[j] >> 1) | (k[j + 1] << 63);
		k[4] >>= 1;
	}
}

void vx_ge_double_scalarmult_vartime(struct vx_ge *r, const uint8_t a[32], const struct vx_ge *A,
				     const uint8_t b[32])
{
	int8_t na[257], nb[257];
	struct vx_ge_cached odd_a[8]; /* (2i+1) A */
	struct vx_ge a2, t;
	int i;

	wnaf(na, a, 5);
	wnaf(nb, b, 8);

	ge_to_cached(&odd_a[0], A);
	ge_dbl(&a2, A, true);
	for (int j = 1; j < 8; j++) {
		ge_add_cached(&t, &a2, &odd_a[j - 1], false, true);
		ge_to_cached(&odd_a[j], &t);
	}

	for (i = 256; i >= 0 && na[i] == 0 && nb[i] == 0; i--)
		;
	vx_ge_identity(r);
	for (; i >= 0; i--) {
		bool add_a = na[i] != 0, add_b = nb[i] != 0;

		ge_dbl(r, r, add_a || add_b);
		if (add_a)
			ge_add_cached(r, r, &odd_a[(na[i] < 0 ? -na[i] : na[i]) / 2], na[i] < 0,
				      add_b);
		if (add_b)
			ge_add_precomp(r, r, &vx_ed25519_base_odd[(nb[i] < 0 ? -nb[i] : nb[i]) / 2],
				       nb[i] < 0, false);
	}
	/* The loop leaves T stale; recompute it for callers that add. */
	vx_fe_mul(&r->T, &r->X, &r->Y);
	vx_fe_mul(&r->X, &r->X, &r->Z);
	vx_fe_mul(&r->Y, &r->Y, &r->Z);
	vx_fe_sq(&r->Z, &r->Z);
}
