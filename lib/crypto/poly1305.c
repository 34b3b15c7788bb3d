/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Poly1305 (RFC 8439 section 2.5).
 *
 * Implements: the one-time authenticator over the prime p = 2^130 - 5 with
 * r clamped as in section 2.5.1 and the tag (acc + s) mod 2^128.
 *
 * Representation: radix 2^44, h = h0 + h1*2^44 + h2*2^88 (limbs of 44,
 * 44 and 42 bits, kept partially reduced), products in the compiler's
 * unsigned __int128 (MUL on x86_64, whose time does not depend on the
 * operands).  2^130 == 5 (mod p), so a product that lands at 2^132 or above
 * folds back with the factor 20: with s_k = 20*r_k,
 *   d0 = h0 r0 + h1 s2 + h2 s1,  d1 = h0 r1 + h1 r0 + h2 s2,
 *   d2 = h0 r2 + h1 r1 + h2 r0.
 * Unlike a radix-2^64 form this needs no property of r from clamping, so
 * init also stores r^2, r^3 and r^4 and the bulk loop takes four blocks per
 * step: h = (h + m1) r^4 + m2 r^3 + m3 r^2 + m4 r, with a single carry pass.
 * The four products are independent, so the multiplier stays busy instead of
 * waiting on the h -> h dependency of one block at a time.  Bounds: inputs
 * to a product are below 2^45, the s_k below 2^50, so twelve summed products
 * stay below 2^99.  Leftover blocks (fewer than four) go one at a time with
 * r.  h is fully reduced only in final, with a mask select instead of a
 * branch.  The tag comparison is branch-free.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vectra/abi.h"
#include "vx_string.h"
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "this file assumes a little-endian target"
#endif

#include "crypto/ct.h"
#include "crypto/poly1305.h"

typedef unsigned __int128 vx_u128;

/* Little-endian load (the #error above guards the byte order). */
static uint64_t load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static void store64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

#define M44 (((uint64_t)1 << 44) - 1)
#define M42 (((uint64_t)1 << 42) - 1)

/* h = d0 + d1*2^44 + d2*2^88 (mod p), carried to limbs below 2^44 + 2^17. */
static void carry(uint64_t h[3], vx_u128 d0, vx_u128 d1, vx_u128 d2)
{
	uint64_t h0, h1, h2, c;

	h0 = (uint64_t)d0 & M44;
	d1 += (uint64_t)(d0 >> 44);
	h1 = (uint64_t)d1 & M44;
	d2 += (uint64_t)(d1 >> 44);
	h2 = (uint64_t)d2 & M42;
	c = (uint64_t)(d2 >> 42);
	h0 += c * 5;
	c = h0 >> 44;
	h0 &= M44;
	h1 += c;
	h[0] = h0;
	h[1] = h1;
	h[2] = h2;
}

/* d += a * r (mod p, not carried); s_k = 20 r_k folds 2^132 back to 20. */
#define MULADD(d0, d1, d2, a, r)                                                                   \
	do {                                                                                       \
		const uint64_t s1_ = 20 * (r)[1], s2_ = 20 * (r)[2];                               \
		d0 += (vx_u128)(a)[0] * (r)[0] + (vx_u128)(a)[1] * s2_ + (vx_u128)(a)[2] * s1_;    \
		d1 += (vx_u128)(a)[0] * (r)[1] + (vx_u128)(a)[1] * (r)[0] + (vx_u128)(a)[2] * s2_; \
		d2 += (vx_u128)(a)[0] * (r)[2] + (vx_u128)(a)[1] * (r)[1] +                        \
		      (vx_u128)(a)[2] * (r)[0];                                                    \
	} while (0)

static void mul(uint64_t out[3], const uint64_t a[3], const uint64_t r[3])
{
	vx_u128 d0 = 0, d1 = 0, d2 = 0;

	MULADD(d0, d1, d2, a, r);
	carry(out, d0, d1, d2);
}

/* A 16-byte block as radix-2^44 limbs, plus hibit * 2^128. */
static void split(uint64_t l[3], const uint8_t *m, uint64_t hibit)
{
	uint64_t t0 = load64(m), t1 = load64(m + 8);

	l[0] = t0 & M44;
	l[1] = ((t0 >> 44) | (t1 << 20)) & M44;
	l[2] = (t1 >> 24) | (hibit << 40);
}

void vx_poly1305_init(struct vx_poly1305 *st, const uint8_t key[32])
{
	uint64_t t0 = load64(key) & 0x0ffffffc0fffffffull;
	uint64_t t1 = load64(key + 8) & 0x0ffffffc0ffffffcull;

	st->r[0][0] = t0 & M44;
	st->r[0][1] = ((t0 >> 44) | (t1 << 20)) & M44;
	st->r[0][2] = t1 >> 24;
	mul(st->r[1], st->r[0], st->r[0]);
	mul(st->r[2], st->r[1], st->r[0]);
	mul(st->r[3], st->r[1], st->r[1]);
	st->h[0] = st->h[1] = st->h[2] = 0;
	st->pad0 = load64(key + 16);
	st->pad1 = load64(key + 24);
	st->buflen = 0;
}

/*
 * Absorb len/16 full blocks; hibit is 1 for full message blocks, 0 for the
 * final padded block (whose 0x01 byte the caller has already appended).
 */
static void blocks(struct vx_poly1305 *st, const uint8_t *m, size_t len, uint64_t hibit)
{
	uint64_t h[3] = {st->h[0], st->h[1], st->h[2]}, a[3], r[4][3];

	memcpy(r, st->r, sizeof r); /* locals: m may alias st */
	while (len >= 64) {
		vx_u128 d0 = 0, d1 = 0, d2 = 0;

		split(a, m, hibit);
		a[0] += h[0];
		a[1] += h[1];
		a[2] += h[2];
		MULADD(d0, d1, d2, a, r[3]);
		split(a, m + 16, hibit);
		MULADD(d0, d1, d2, a, r[2]);
		split(a, m + 32, hibit);
		MULADD(d0, d1, d2, a, r[1]);
		split(a, m + 48, hibit);
		MULADD(d0, d1, d2, a, r[0]);
		carry(h, d0, d1, d2);
		m += 64;
		len -= 64;
	}
	while (len >= 16) {
		split(a, m, hibit);
		a[0] += h[0];
		a[1] += h[1];
		a[2] += h[2];
		mul(h, a, r[0]);
		m += 16;
		len -= 16;
	}
	st->h[0] = h[0];
	st->h[1] = h[1];
	st->h[2] = h[2];
	memset(r, 0, sizeof r);
	__asm__ __volatile__("" : : "r"(r) : "memory");
}

void vx_poly1305_update(struct vx_poly1305 *st, const uint8_t *msg, size_t len)
{
	if (len == 0)
		return;
	if (st->buflen) {
		size_t want = 16 - st->buflen;

		if (want > len)
			want = len;
		memcpy(st->buf + st->buflen, msg, want);
		st->buflen += want;
		msg += want;
		len -= want;
		if (st->buflen < 16)
			return;
		blocks(st, st->buf, 16, 1);
		st->buflen = 0;
	}
	if (len >= 16) {
		size_t full = len & ~(size_t)15;

		blocks(st, msg, full, 1);
		msg += full;
		len -= full;
	}
	if (len) {
		memcpy(st->buf, msg, len);
		st->buflen = len;
	}
}

void vx_poly1305_final(struct vx_poly1305 *st, uint8_t tag[16])
{
	uint64_t h0, h1, h2, g0, g1, g2, c, mask;
	vx_u128 t;

	if (st->buflen) {
		st->buf[st->buflen] = 1;
		for (size_t i = st->buflen + 1; i < 16; i++)
			st->buf[i] = 0;
		blocks(st, st->buf, 16, 0);
	}
	h0 = st->h[0];
	h1 = st->h[1];
	h2 = st->h[2];
	/* carry twice around: h0, h1 < 2^44, h2 < 2^42, h < 2p */
	for (int i = 0; i < 2; i++) {
		c = h1 >> 44;
		h1 &= M44;
		h2 += c;
		c = h2 >> 42;
		h2 &= M42;
		h0 += c * 5;
		c = h0 >> 44;
		h0 &= M44;
		h1 += c;
	}
	c = h1 >> 44;
	h1 &= M44;
	h2 += c;
	/* g = h + 5 - 2^130; use g when it is non-negative (h >= p) */
	g0 = h0 + 5;
	c = g0 >> 44;
	g0 &= M44;
	g1 = h1 + c;
	c = g1 >> 44;
	g1 &= M44;
	g2 = h2 + c - ((uint64_t)1 << 42);
	mask = (g2 >> 63) - 1; /* all ones if g2 >= 0 */
	h0 = (h0 & ~mask) | (g0 & mask);
	h1 = (h1 & ~mask) | (g1 & mask);
	h2 = (h2 & ~mask) | (g2 & mask);
	/* tag = (h + s) mod 2^128 */
	t = (vx_u128)(h0 | (h1 << 44)) + st->pad0;
	store64(tag, (uint64_t)t);
	t = (vx_u128)((h1 >> 20) | (h2 << 24)) + st->pad1 + (uint64_t)(t >> 64);
	store64(tag + 8, (uint64_t)t);
	memset(st, 0, sizeof *st);
	__asm__ __volatile__("" : : "r"(st) : "memory");
}

void vx_poly1305(uint8_t tag[16], const uint8_t *msg, size_t len, const uint8_t key[32])
{
	struct vx_poly1305 st;

	vx_poly1305_init(&st, key);
	vx_poly1305_update(&st, msg, len);
	vx_poly1305_final(&st, tag);
}

int vx_poly1305_verify(const uint8_t a[16], const uint8_t b[16])
{
	/* No branch on the outcome: 0 when equal, VX_E_AUTH otherwise. */
	return (int)(0u - (uint32_t)(1 - vx_ct_equal(a, b, 16))) & VX_E_AUTH;
}
