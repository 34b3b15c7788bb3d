/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GF(2^255 - 19): encoding, decoding, inversion and the square-root
 * exponent.  The per-operation arithmetic is inline in fe25519.h.
 *
 * References: RFC 7748 section 5 (field, decoding rules), RFC 8032
 * section 5.1 (encoding, square roots).  Exponentiation uses a fixed
 * addition chain, so its running time does not depend on the input.
 */
#include "crypto/fe25519.h"

static uint64_t load64_le(const uint8_t *p)
{
	uint64_t r = 0;

	for (int i = 7; i >= 0; i--)
		r = (r << 8) | p[i];
	return r;
}

static void store64_le(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Decode 255 bits; values in [p, 2^255) are accepted unreduced. */
void vx_fe_frombytes(struct vx_fe *h, const uint8_t s[32])
{
	uint64_t w0 = load64_le(s), w1 = load64_le(s + 8), w2 = load64_le(s + 16),
		 w3 = load64_le(s + 24);

	h->v[0] = w0 & VX_FE_MASK51;
	h->v[1] = ((w0 >> 51) | (w1 << 13)) & VX_FE_MASK51;
	h->v[2] = ((w1 >> 38) | (w2 << 26)) & VX_FE_MASK51;
	h->v[3] = ((w2 >> 25) | (w3 << 39)) & VX_FE_MASK51;
	h->v[4] = (w3 >> 12) & VX_FE_MASK51;
}

/*
 * Fully reduce: after two carry passes the value is below 2^255 + 19 < 2p,
 * so at most one p has to go.  q = 1 exactly when value + 19 >= 2^255,
 * i.e. value >= p; then value + 19 - 2^255 = value - p.
 */
void vx_fe_tobytes(uint8_t s[32], const struct vx_fe *f)
{
	struct vx_fe h = *f;
	uint64_t q, c;

	vx_fe_carry(&h);
	vx_fe_carry(&h);
	q = (h.v[0] + 19) >> 51;
	q = (h.v[1] + q) >> 51;
	q = (h.v[2] + q) >> 51;
	q = (h.v[3] + q) >> 51;
	q = (h.v[4] + q) >> 51;
	h.v[0] += 19 * q;
	c = h.v[0] >> 51;
	h.v[0] &= VX_FE_MASK51;
	h.v[1] += c;
	c = h.v[1] >> 51;
	h.v[1] &= VX_FE_MASK51;
	h.v[2] += c;
	c = h.v[2] >> 51;
	h.v[2] &= VX_FE_MASK51;
	h.v[3] += c;
	c = h.v[3] >> 51;
	h.v[3] &= VX_FE_MASK51;
	h.v[4] = (h.v[4] + c) & VX_FE_MASK51; /* drops the 2^255 of q */

	store64_le(s, h.v[0] | (h.v[1] << 51));
	store64_le(s + 8, (h.v[1] >> 13) | (h.v[2] << 38));
	store64_le(s + 16, (h.v[2] >> 26) | (h.v[3] << 25));
	store64_le(s + 24, (h.v[3] >> 39) | (h.v[4] << 12));
}

void vx_fe_sqn(struct vx_fe *h, const struct vx_fe *f, int n)
{
	vx_fe_sq(h, f);
	for (int i = 1; i < n; i++)
		vx_fe_sq(h, h);
}

/*
 * The shared prefix of both exponent chains: *z250 = z^(2^250 - 1) and
 * *z11 = z^11.  Each line names the exponent it reaches.
 */
static void fe_pow_2_250_1(struct vx_fe *z250, struct vx_fe *z11, const struct vx_fe *z)
{
	struct vx_fe z2, z9, a, b, t;

	vx_fe_sq(&z2, z);	  /* 2 */
	vx_fe_sqn(&t, &z2, 2);	  /* 8 */
	vx_fe_mul(&z9, &t, z);	  /* 9 */
	vx_fe_mul(z11, &z9, &z2); /* 11 */
	vx_fe_sq(&t, z11);	  /* 22 */
	vx_fe_mul(&a, &t, &z9);	  /* 31 = 2^5 - 1 */
	vx_fe_sqn(&t, &a, 5);	  /* 2^10 - 2^5 */
	vx_fe_mul(&a, &t, &a);	  /* 2^10 - 1 */
	vx_fe_sqn(&t, &a, 10);	  /* 2^20 - 2^10 */
	vx_fe_mul(&b, &t, &a);	  /* 2^20 - 1 */
	vx_fe_sqn(&t, &b, 20);	  /* 2^40 - 2^20 */
	vx_fe_mul(&t, &t, &b);	  /* 2^40 - 1 */
	vx_fe_sqn(&t, &t, 10);	  /* 2^50 - 2^10 */
	vx_fe_mul(&a, &t, &a);	  /* 2^50 - 1 */
	vx_fe_sqn(&t, &a, 50);	  /* 2^100 - 2^50 */
	vx_fe_mul(&b, &t, &a);	  /* 2^100 - 1 */
	vx_fe_sqn(&t, &b, 100);	  /* 2^200 - 2^100 */
	vx_fe_mul(&t, &t, &b);	  /* 2^200 - 1 */
	vx_fe_sqn(&t, &t, 50);	  /* 2^250 - 2^50 */
	vx_fe_mul(z250, &t, &a);  /* 2^250 - 1 */
}

void vx_fe_invert(struct vx_fe *h, const struct vx_fe *f)
{
	struct vx_fe z250, z11;

	fe_pow_2_250_1(&z250, &z11, f);
	vx_fe_sqn(&z250, &z250, 5); /* 2^255 - 2^5 */
	vx_fe_mul(h, &z250, &z11);  /* 2^255 - 21 = p - 2 */
}

void vx_fe_pow22523(struct vx_fe *h, const struct vx_fe *f)
{
	struct vx_fe z250, z11;

	fe_pow_2_250_1(&z250, &z11, f);
	vx_fe_sqn(&z250, &z250, 2); /* 2^252 - 4 */
	vx_fe_mul(h, &z250, f);	    /* 2^252 - 3 = (p - 5) / 8 */
}

int vx_fe_iszero(const struct vx_fe *f)
{
	uint8_t s[32];
	uint32_t acc = 0;

	vx_fe_tobytes(s, f);
	for (int i = 0; i < 32; i++)
		acc |= s[i];
	return (int)((acc - 1) >> 31);
}

int vx_fe_isodd(const struct vx_fe *f)
{
	uint8_t s[32];

	vx_fe_tobytes(s, f);
	return s[0] & 1;
}
