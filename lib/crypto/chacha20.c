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
 * Long inputs run on SIMD paths chosen at run time from the cached
 * vx_cpu_features() (crypto/cpufeat.h; no CPUID per call): eight blocks at a
 * time with AVX2 (target attribute; only called when the CPU and OS support
 * it), then four at a time with SSE2 (the x86_64 baseline), then a partial
 * tail of more than one block through the 4-block path into a stack buffer.
 * Each state word is a vector holding that word for 4 or 8 consecutive
 * counters, so the rounds are plain SIMD adds, xors and rotates; the lanes
 * are transposed back to block order before the xor with the input.  Other
 * targets, and the last block, use the scalar function.  Timing and memory
 * addresses depend only on lengths and the CPU, never on key or data.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vectra/abi.h"
#include "vx_string.h"
#include "crypto/chacha20.h"
#include "crypto/cpufeat.h"

#if defined(__x86_64__)
#if !__STDC_HOSTED__
/* GCC's xmmintrin.h pulls in mm_malloc.h, which needs <stdlib.h>; the
 * freestanding build has none and needs no _mm_malloc, so skip that header. */
#define _MM_MALLOC_H_INCLUDED
#endif
#include <immintrin.h>
#endif

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "chacha20.c assumes a little-endian target"
#endif

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

/*
 * SIMD paths (x86_64).  A state word becomes a vector that holds the word
 * for 4 (SSE2) or 8 (AVX2) consecutive counters, so the rounds are plain
 * vector adds, xors and rotates; the lanes are transposed back to block
 * order before the xor with the input.  Rotations by 16 and 8 are byte
 * shuffles where the ISA has them (pshufb in AVX2; pshuflw/pshufhw for 16
 * in SSE2), the others are shift pairs.
 */
#if defined(__x86_64__)
#define VEC_QR(a, b, c, d, ADD, XOR, R16, R12, R8, R7)                                             \
	do {                                                                                       \
		a = ADD(a, b);                                                                     \
		d = R16(XOR(d, a));                                                                \
		c = ADD(c, d);                                                                     \
		b = R12(XOR(b, c));                                                                \
		a = ADD(a, b);                                                                     \
		d = R8(XOR(d, a));                                                                 \
		c = ADD(c, d);                                                                     \
		b = R7(XOR(b, c));                                                                 \
	} while (0)

#define VEC_ROUNDS20(x, ADD, XOR, R16, R12, R8, R7)                                                \
	do {                                                                                       \
		for (int r_ = 0; r_ < 10; r_++) {                                                  \
			VEC_QR(x[0], x[4], x[8], x[12], ADD, XOR, R16, R12, R8, R7);               \
			VEC_QR(x[1], x[5], x[9], x[13], ADD, XOR, R16, R12, R8, R7);               \
			VEC_QR(x[2], x[6], x[10], x[14], ADD, XOR, R16, R12, R8, R7);              \
			VEC_QR(x[3], x[7], x[11], x[15], ADD, XOR, R16, R12, R8, R7);              \
			VEC_QR(x[0], x[5], x[10], x[15], ADD, XOR, R16, R12, R8, R7);              \
			VEC_QR(x[1], x[6], x[11], x[12], ADD, XOR, R16, R12, R8, R7);              \
			VEC_QR(x[2], x[7], x[8], x[13], ADD, XOR, R16, R12, R8, R7);               \
			VEC_QR(x[3], x[4], x[9], x[14], ADD, XOR, R16, R12, R8, R7);               \
		}                                                                                  \
	} while (0)

/* SSE2 (x86_64 baseline). */
#define S_ADD(a, b) _mm_add_epi32(a, b)
#define S_XOR(a, b) _mm_xor_si128(a, b)
#define S_ROT(x, n) _mm_or_si128(_mm_slli_epi32(x, n), _mm_srli_epi32(x, 32 - (n)))
#define S_R16(x)    _mm_shufflehi_epi16(_mm_shufflelo_epi16(x, 0xb1), 0xb1)
#define S_R12(x)    S_ROT(x, 12)
#define S_R8(x)	    S_ROT(x, 8)
#define S_R7(x)	    S_ROT(x, 7)

/*
 * Four blocks (counters s[12] .. s[12] + 3) xored into out from in (or bare
 * keystream when in is NULL).  The caller guarantees no counter wrap.
 */
static void blocks4_sse2(uint8_t *out, const uint8_t *in, const uint32_t s[16])
{
	__m128i x[16], st[16];

	for (int i = 0; i < 16; i++)
		st[i] = _mm_set1_epi32((int)s[i]);
	st[12] = _mm_add_epi32(st[12], _mm_set_epi32(3, 2, 1, 0));
	for (int i = 0; i < 16; i++)
		x[i] = st[i];
	VEC_ROUNDS20(x, S_ADD, S_XOR, S_R16, S_R12, S_R8, S_R7);
	for (int g = 0; g < 4; g++) {
		/* words 4g .. 4g+3 of the four blocks: a 4x4 transpose */
		__m128i a = _mm_add_epi32(x[4 * g], st[4 * g]);
		__m128i b = _mm_add_epi32(x[4 * g + 1], st[4 * g + 1]);
		__m128i c = _mm_add_epi32(x[4 * g + 2], st[4 * g + 2]);
		__m128i d = _mm_add_epi32(x[4 * g + 3], st[4 * g + 3]);
		__m128i t0 = _mm_unpacklo_epi32(a, b), t1 = _mm_unpackhi_epi32(a, b);
		__m128i t2 = _mm_unpacklo_epi32(c, d), t3 = _mm_unpackhi_epi32(c, d);
		__m128i r[4];

		r[0] = _mm_unpacklo_epi64(t0, t2);
		r[1] = _mm_unpackhi_epi64(t0, t2);
		r[2] = _mm_unpacklo_epi64(t1, t3);
		r[3] = _mm_unpackhi_epi64(t1, t3);
		for (int j = 0; j < 4; j++) {
			__m128i *o = (__m128i *)(out + 64 * j + 16 * g);

			if (in)
				r[j] = _mm_xor_si128(
				    r[j], _mm_loadu_si128((const __m128i *)(in + 64 * j + 16 * g)));
			_mm_storeu_si128(o, r[j]);
		}
	}
}

/* AVX2: eight blocks, counters s[12] .. s[12] + 7. */
#define A_ADD(a, b) _mm256_add_epi32(a, b)
#define A_XOR(a, b) _mm256_xor_si256(a, b)
#define A_ROT(x, n) _mm256_or_si256(_mm256_slli_epi32(x, n), _mm256_srli_epi32(x, 32 - (n)))
#define A_R16(x)    _mm256_shuffle_epi8(x, rot16)
#define A_R12(x)    A_ROT(x, 12)
#define A_R8(x)	    _mm256_shuffle_epi8(x, rot8)
#define A_R7(x)	    A_ROT(x, 7)

__attribute__((target("avx2"))) static void blocks8_avx2(uint8_t *out, const uint8_t *in,
							 const uint32_t s[16])
{
	const __m256i rot16 = _mm256_set_epi8(13, 12, 15, 14, 9, 8, 11, 10, 5, 4, 7, 6, 1, 0, 3, 2,
					      13, 12, 15, 14, 9, 8, 11, 10, 5, 4, 7, 6, 1, 0, 3, 2);
	const __m256i rot8 = _mm256_set_epi8(14, 13, 12, 15, 10, 9, 8, 11, 6, 5, 4, 7, 2, 1, 0, 3,
					     14, 13, 12, 15, 10, 9, 8, 11, 6, 5, 4, 7, 2, 1, 0, 3);
	__m256i x[16];

	for (int i = 0; i < 16; i++)
		x[i] = _mm256_set1_epi32((int)s[i]);
	x[12] = _mm256_add_epi32(x[12], _mm256_set_epi32(7, 6, 5, 4, 3, 2, 1, 0));
	VEC_ROUNDS20(x, A_ADD, A_XOR, A_R16, A_R12, A_R8, A_R7);
	for (int i = 0; i < 16; i++)
		x[i] = _mm256_add_epi32(x[i], _mm256_set1_epi32((int)s[i]));
	x[12] = _mm256_add_epi32(x[12], _mm256_set_epi32(7, 6, 5, 4, 3, 2, 1, 0));
	for (int g = 0; g < 2; g++) {
		/* words 8g .. 8g+7 of the eight blocks: an 8x8 transpose */
		const __m256i *a = &x[8 * g];
		__m256i t[8], u[8], r[8];

		for (int k = 0; k < 4; k++) {
			t[2 * k] = _mm256_unpacklo_epi32(a[2 * k], a[2 * k + 1]);
			t[2 * k + 1] = _mm256_unpackhi_epi32(a[2 * k], a[2 * k + 1]);
		}
		for (int k = 0; k < 2; k++) {
			u[4 * k] = _mm256_unpacklo_epi64(t[4 * k], t[4 * k + 2]);
			u[4 * k + 1] = _mm256_unpackhi_epi64(t[4 * k], t[4 * k + 2]);
			u[4 * k + 2] = _mm256_unpacklo_epi64(t[4 * k + 1], t[4 * k + 3]);
			u[4 * k + 3] = _mm256_unpackhi_epi64(t[4 * k + 1], t[4 * k + 3]);
		}
		for (int j = 0; j < 4; j++) {
			r[j] = _mm256_permute2x128_si256(u[j], u[j + 4], 0x20);
			r[j + 4] = _mm256_permute2x128_si256(u[j], u[j + 4], 0x31);
		}
		for (int j = 0; j < 8; j++) {
			__m256i *o = (__m256i *)(out + 64 * j + 32 * g);

			if (in)
				r[j] = _mm256_xor_si256(
				    r[j],
				    _mm256_loadu_si256((const __m256i *)(in + 64 * j + 32 * g)));
			_mm256_storeu_si256(o, r[j]);
		}
	}
}
#endif

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
#if defined(__x86_64__)
	if (vx_cpu_features() & VX_CPU_AVX2) {
		while (len >= 512) {
			blocks8_avx2(out, in, s);
			s[12] += 8;
			out += 512;
			in = in ? in + 512 : NULL;
			len -= 512;
		}
	}
	while (len >= 256) {
		blocks4_sse2(out, in, s);
		s[12] += 4;
		out += 256;
		in = in ? in + 256 : NULL;
		len -= 256;
	}
	if (len > 64) {
		/* 65..255 bytes: four blocks of keystream, the unused lanes dropped */
		uint8_t ks[256];

		blocks4_sse2(ks, NULL, s);
		for (size_t i = 0; i < len; i++)
			out[i] = in ? (uint8_t)(in[i] ^ ks[i]) : ks[i];
		memset(ks, 0, sizeof ks);
		__asm__ __volatile__("" : : "r"(ks) : "memory");
		len = 0;
	}
#endif
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
