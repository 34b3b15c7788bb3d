/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ChaCha20 and HChaCha20.
 *
 * Implements: the ChaCha20 block function and stream cipher of RFC 8439
 * section 2.3-2.4 (256-bit key, 96-bit nonce, 32-bit little-endian block
 * counter in state word 12), and HChaCha20 from draft-irtf-cfrg-xchacha-03
 * section 2.2 (20 rounds over key and a 128-bit nonce, no feed-forward,
 * output state words 0-3 and 12-15).
 *
 * Long inputs are processed four blocks at a time: each state word is a
 * vector holding that word for four consecutive counters, so the rounds are
 * plain SIMD adds, xors and rotates (SSE2 on x86_64, via the compiler's
 * vector extension; no intrinsics headers).  The lanes are transposed back
 * to block order before the xor with the input.  The partial last block and
 * single blocks use the scalar function.  Timing depends only on lengths.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vectra/abi.h"
#include "vx_string.h"
#include "crypto/chacha20.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "chacha20.c assumes a little-endian target"
#endif

typedef uint32_t vx_u32x4 __attribute__((vector_size(16)));

static uint32_t load32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void store32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

#define ROTL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))

/* The quarter round of RFC 8439 section 2.1; works on scalars and vectors. */
#define QR(a, b, c, d)                                                                             \
	do {                                                                                       \
		a += b;                                                                            \
		d ^= a;                                                                            \
		d = ROTL(d, 16);                                                                   \
		c += d;                                                                            \
		b ^= c;                                                                            \
		b = ROTL(b, 12);                                                                   \
		a += b;                                                                            \
		d ^= a;                                                                            \
		d = ROTL(d, 8);                                                                    \
		c += d;                                                                            \
		b ^= c;                                                                            \
		b = ROTL(b, 7);                                                                    \
	} while (0)

/* Ten double rounds (column round, then diagonal round) over x[0..15]. */
#define ROUNDS20(x)                                                                                \
	do {                                                                                       \
		for (int r_ = 0; r_ < 10; r_++) {                                                  \
			QR(x[0], x[4], x[8], x[12]);                                               \
			QR(x[1], x[5], x[9], x[13]);                                               \
			QR(x[2], x[6], x[10], x[14]);                                              \
			QR(x[3], x[7], x[11], x[15]);                                              \
			QR(x[0], x[5], x[10], x[15]);                                              \
			QR(x[1], x[6], x[11], x[12]);                                              \
			QR(x[2], x[7], x[8], x[13]);                                               \
			QR(x[3], x[4], x[9], x[14]);                                               \
		}                                                                                  \
	} while (0)

/* Fill the initial state: constants, key, then words 12..15 from `tail`. */
static void init_state(uint32_t s[16], const uint8_t key[32], const uint8_t tail[16])
{
	s[0] = 0x61707865; /* "expand 32-byte k" */
	s[1] = 0x3320646e;
	s[2] = 0x79622d32;
	s[3] = 0x6b206574;
	for (int i = 0; i < 8; i++)
		s[4 + i] = load32(key + 4 * i);
	for (int i = 0; i < 4; i++)
		s[12 + i] = load32(tail + 4 * i);
}

/* One keystream block from a ready state (word 12 is the counter). */
static void block_words(uint32_t out[16], const uint32_t s[16])
{
	uint32_t x[16];

	for (int i = 0; i < 16; i++)
		x[i] = s[i];
	ROUNDS20(x);
	for (int i = 0; i < 16; i++)
		out[i] = x[i] + s[i];
}

void vx_chacha20_block(uint8_t out[64], const uint8_t key[32], uint32_t counter,
		       const uint8_t nonce[12])
{
	uint8_t tail[16];
	uint32_t s[16], w[16];

	store32(tail, counter);
	memcpy(tail + 4, nonce, 12);
	init_state(s, key, tail);
	block_words(w, s);
	for (int i = 0; i < 16; i++)
		store32(out + 4 * i, w[i]);
	memset(s, 0, sizeof s);
	memset(w, 0, sizeof w);
	__asm__ __volatile__("" : : "r"(s), "r"(w) : "memory");
}

/* Transpose four vectors: r[j] lane i = v[i] lane j. */
static void transpose4(vx_u32x4 r[4], vx_u32x4 a, vx_u32x4 b, vx_u32x4 c, vx_u32x4 d)
{
	vx_u32x4 t0 = __builtin_shufflevector(a, b, 0, 4, 1, 5);
	vx_u32x4 t1 = __builtin_shufflevector(a, b, 2, 6, 3, 7);
	vx_u32x4 t2 = __builtin_shufflevector(c, d, 0, 4, 1, 5);
	vx_u32x4 t3 = __builtin_shufflevector(c, d, 2, 6, 3, 7);

	r[0] = __builtin_shufflevector(t0, t2, 0, 1, 4, 5);
	r[1] = __builtin_shufflevector(t0, t2, 2, 3, 6, 7);
	r[2] = __builtin_shufflevector(t1, t3, 0, 1, 4, 5);
	r[3] = __builtin_shufflevector(t1, t3, 2, 3, 6, 7);
}

/*
 * Four blocks (counters s[12] .. s[12] + 3) xored into out from in (or bare
 * keystream when in is NULL).  The caller guarantees no counter wrap.
 */
static void blocks4(uint8_t *out, const uint8_t *in, const uint32_t s[16])
{
	vx_u32x4 x[16], st[16];

	for (int i = 0; i < 16; i++)
		st[i] = (vx_u32x4){s[i], s[i], s[i], s[i]};
	st[12] += (vx_u32x4){0, 1, 2, 3};
	for (int i = 0; i < 16; i++)
		x[i] = st[i];
	ROUNDS20(x);
	for (int i = 0; i < 16; i++)
		x[i] += st[i];
	for (int g = 0; g < 4; g++) {
		vx_u32x4 r[4];

		transpose4(r, x[4 * g], x[4 * g + 1], x[4 * g + 2], x[4 * g + 3]);
		for (int j = 0; j < 4; j++) {
			uint8_t *o = out + 64 * j + 16 * g;

			if (in) {
				vx_u32x4 m;

				memcpy(&m, in + 64 * j + 16 * g, 16);
				r[j] ^= m;
			}
			memcpy(o, &r[j], 16);
		}
	}
}

int vx_chacha20_xor(uint8_t *out, const uint8_t *in, size_t len, const uint8_t key[32],
		    const uint8_t nonce[12], uint32_t counter)
{
	uint8_t tail[16];
	uint32_t s[16], w[16];
	uint64_t blocks = ((uint64_t)len + 63) / 64;

	if (len > ((uint64_t)1 << 38) || blocks > ((uint64_t)1 << 32) - counter)
		return VX_E_TOOBIG;
	store32(tail, counter);
	memcpy(tail + 4, nonce, 12);
	init_state(s, key, tail);
	while (len >= 256) {
		blocks4(out, in, s);
		s[12] += 4;
		out += 256;
		in = in ? in + 256 : NULL;
		len -= 256;
	}
	while (len > 0) {
		size_t n = len < 64 ? len : 64;

		block_words(w, s);
		s[12]++;
		for (size_t i = 0; i < n; i++) {
			uint8_t k = (uint8_t)(w[i / 4] >> (8 * (i % 4)));
			out[i] = in ? (uint8_t)(in[i] ^ k) : k;
		}
		out += n;
		in = in ? in + n : NULL;
		len -= n;
	}
	memset(s, 0, sizeof s);
	memset(w, 0, sizeof w);
	__asm__ __volatile__("" : : "r"(s), "r"(w) : "memory");
	return VX_OK;
}

void vx_hchacha20(uint8_t out[32], const uint8_t key[32], const uint8_t nonce[16])
{
	uint32_t x[16];

	init_state(x, key, nonce);
	ROUNDS20(x);
	for (int i = 0; i < 4; i++) {
		store32(out + 4 * i, x[i]);
		store32(out + 16 + 4 * i, x[12 + i]);
	}
	memset(x, 0, sizeof x);
	__asm__ __volatile__("" : : "r"(x) : "memory");
}
