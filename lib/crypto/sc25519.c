/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Arithmetic modulo L, the order of the Ed25519 base point (RFC 8032 5.1).
 *
 * Reduction is Barrett's (Menezes, van Oorschot, Vanstone, Handbook of
 * Applied Cryptography, algorithm 14.42) with base b = 2^64 and k = 4
 * limbs: for x < b^8, q = floor(floor(x / b^3) * mu / b^5) with
 * mu = floor(b^8 / L) undershoots floor(x / L) by at most 2, so x - q*L
 * lies in [0, 3L) and two masked subtractions of L finish the job.  Every
 * loop bound is fixed, so the running time does not depend on the values.
 */
#include "crypto/sc25519.h"
#include "crypto/ct.h"
#include "crypto/fe25519.h"

/* L, little-endian 64-bit limbs (the fifth is zero). */
static const uint64_t sc_l[5] = {0x5812631a5cf5d3ed, 0x14def9dea2f79cd6, 0, 0x1000000000000000, 0};
/* mu = floor(2^512 / L), a 260-bit number. */
static const uint64_t sc_mu[5] = {0xed9ce5a30a2c131b, 0x2106215d086329a7, 0xffffffffffffffeb,
				  0xffffffffffffffff, 0xf};

static uint64_t load64_le(const uint8_t *p)
{
	uint64_t r = 0;

	for (int i = 7; i >= 0; i--)
		r = (r << 8) | p[i];
	return r;
}

/* out = (a * b) mod 2^(64 * outn), schoolbook. */
static void mul_limbs(uint64_t *out, int outn, const uint64_t *a, int an, const uint64_t *b, int bn)
{
	for (int i = 0; i < outn; i++)
		out[i] = 0;
	for (int i = 0; i < an && i < outn; i++) {
		uint64_t carry = 0;
		int j;

		for (j = 0; j < bn && i + j < outn; j++) {
			vx_u128 t = (vx_u128)a[i] * b[j] + out[i + j] + carry;
			out[i + j] = (uint64_t)t;
			carry = (uint64_t)(t >> 64);
		}
		if (i + j < outn)
			out[i + j] = carry;
	}
}

/* r = r - L if r >= L, by mask (r has 5 limbs). */
static void sub_l_if_ge(uint64_t r[5])
{
	uint64_t t[5], borrow = 0, mask;

	for (int i = 0; i < 5; i++) {
		vx_u128 d = (vx_u128)r[i] - sc_l[i] - borrow;
		t[i] = (uint64_t)d;
		borrow = (uint64_t)(d >> 127);
	}
	mask = borrow - 1; /* all ones when there was no borrow: r >= L */
	for (int i = 0; i < 5; i++)
		r[i] = (t[i] & mask) | (r[i] & ~mask);
}

/* out = x mod L for x < 2^512 in 8 limbs. */
static void barrett(uint8_t out[32], const uint64_t x[8])
{
	uint64_t q2[10], r2[5], r[5], borrow = 0;

	mul_limbs(q2, 10, x + 3, 5, sc_mu, 5);
	mul_limbs(r2, 5, q2 + 5, 5, sc_l, 5);
	for (int i = 0; i < 5; i++) {
		vx_u128 d = (vx_u128)x[i] - r2[i] - borrow;
		r[i] = (uint64_t)d;
		borrow = (uint64_t)(d >> 127);
	}
	sub_l_if_ge(r);
	sub_l_if_ge(r);
	for (int i = 0; i < 32; i++)
		out[i] = (uint8_t)(r[i / 8] >> (8 * (i % 8)));
	vx_wipe(q2, sizeof q2);
	vx_wipe(r, sizeof r);
}

void vx_sc_reduce(uint8_t out[32], const uint8_t in[64])
{
	uint64_t x[8];

	for (int i = 0; i < 8; i++)
		x[i] = load64_le(in + 8 * i);
	barrett(out, x);
	vx_wipe(x, sizeof x);
}

void vx_sc_muladd(uint8_t out[32], const uint8_t a[32], const uint8_t b[32], const uint8_t c[32])
{
	uint64_t al[4], bl[4], x[8], carry = 0;

	for (int i = 0; i < 4; i++) {
		al[i] = load64_le(a + 8 * i);
		bl[i] = load64_le(b + 8 * i);
	}
	mul_limbs(x, 8, al, 4, bl, 4);
	for (int i = 0; i < 8; i++) {
		vx_u128 s = (vx_u128)x[i] + (i < 4 ? load64_le(c + 8 * i) : 0) + carry;
		x[i] = (uint64_t)s;
		carry = (uint64_t)(s >> 64);
	}
	barrett(out, x);
	vx_wipe(al, sizeof al);
	vx_wipe(x, sizeof x);
}

int vx_sc_is_canonical(const uint8_t s[32])
{
	uint64_t borrow = 0;

	for (int i = 0; i < 4; i++) {
		vx_u128 d = (vx_u128)load64_le(s + 8 * i) - sc_l[i] - borrow;
		borrow = (uint64_t)(d >> 127);
	}
	return (int)borrow;
}
