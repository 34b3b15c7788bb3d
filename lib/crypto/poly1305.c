/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Poly1305 (RFC 8439 section 2.5).
 *
 * Implements: the one-time authenticator over the prime p = 2^130 - 5 with
 * r clamped as in section 2.5.1 and the tag (acc + s) mod 2^128.
 *
 * Representation: the accumulator h is h0 + h1*2^64 + h2*2^128 with 64-bit
 * limbs; products use the compiler's unsigned __int128 (a single MUL on
 * x86_64, which takes the same time for every operand).  Clamping makes r1 a
 * multiple of 4, so h1*r1*2^128 = h1*(r1/4)*2^130 == h1*5*(r1/4) (mod p);
 * s1 = 5*(r1 >> 2) folds the high products back without a division.  h is
 * kept below 2^131 between blocks and fully reduced only in final, with a
 * mask select instead of a branch.  The tag comparison is branch-free.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vectra/abi.h"
#include "vx_string.h"
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "this file assumes a little-endian target"
#endif

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

void vx_poly1305_init(struct vx_poly1305 *st, const uint8_t key[32])
{
	st->r0 = load64(key) & 0x0ffffffc0fffffffull;
	st->r1 = load64(key + 8) & 0x0ffffffc0ffffffcull;
	st->s1 = 5 * (st->r1 >> 2);
	st->h0 = st->h1 = st->h2 = 0;
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
	const uint64_t r0 = st->r0, r1 = st->r1, s1 = st->s1;
	uint64_t h0 = st->h0, h1 = st->h1, h2 = st->h2;

	while (len >= 16) {
		vx_u128 d0, d1;
		uint64_t c, d2;

		/* h += m */
		d0 = (vx_u128)h0 + load64(m);
		h0 = (uint64_t)d0;
		d1 = (vx_u128)h1 + load64(m + 8) + (uint64_t)(d0 >> 64);
		h1 = (uint64_t)d1;
		h2 += (uint64_t)(d1 >> 64) + hibit;

		/* h *= r (mod p), partially reduced */
		d0 = (vx_u128)h0 * r0 + (vx_u128)h1 * s1;
		d1 = (vx_u128)h0 * r1 + (vx_u128)h1 * r0 + (vx_u128)h2 * s1;
		d2 = h2 * r0;
		h0 = (uint64_t)d0;
		d1 += (uint64_t)(d0 >> 64);
		h1 = (uint64_t)d1;
		d2 += (uint64_t)(d1 >> 64);
		/* fold bits >= 130 back: 2^130 == 5 */
		c = (d2 >> 2) + (d2 & ~(uint64_t)3);
		h2 = d2 & 3;
		d0 = (vx_u128)h0 + c;
		h0 = (uint64_t)d0;
		d1 = (vx_u128)h1 + (uint64_t)(d0 >> 64);
		h1 = (uint64_t)d1;
		h2 += (uint64_t)(d1 >> 64);

		m += 16;
		len -= 16;
	}
	st->h0 = h0;
	st->h1 = h1;
	st->h2 = h2;
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
	uint64_t h0, h1, h2, g0, g1, g2, mask;
	vx_u128 t;

	if (st->buflen) {
		st->buf[st->buflen] = 1;
		for (size_t i = st->buflen + 1; i < 16; i++)
			st->buf[i] = 0;
		blocks(st, st->buf, 16, 0);
	}
	h0 = st->h0;
	h1 = st->h1;
	h2 = st->h2;
	/* g = h + 5 - 2^130; use g when it is non-negative (h >= p) */
	t = (vx_u128)h0 + 5;
	g0 = (uint64_t)t;
	t = (vx_u128)h1 + (uint64_t)(t >> 64);
	g1 = (uint64_t)t;
	g2 = h2 + (uint64_t)(t >> 64);
	mask = (uint64_t)0 - (g2 >> 2); /* all ones if h + 5 >= 2^130 */
	h0 = (h0 & ~mask) | (g0 & mask);
	h1 = (h1 & ~mask) | (g1 & mask);
	/* tag = (h + s) mod 2^128 */
	t = (vx_u128)h0 + st->pad0;
	h0 = (uint64_t)t;
	h1 = h1 + st->pad1 + (uint64_t)(t >> 64);
	store64(tag, h0);
	store64(tag + 8, h1);
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
	const volatile uint8_t *va = a, *vb = b;
	uint32_t diff = 0;

	for (int i = 0; i < 16; i++)
		diff |= (uint32_t)(va[i] ^ vb[i]);
	/* diff in 0..255: (diff + 255) >> 8 is 1 exactly when diff != 0 */
	return (int)(0u - ((diff + 255) >> 8)) & VX_E_AUTH;
}
