/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * BLAKE3, from the BLAKE3 specification (O'Connor, Aumasson, Neves,
 * Wilcox-O'Hearn, 2020; sections 2.1-2.6).
 *
 *   Compression: 16-word state = cv[0..7], IV[0..3], counter (lo, hi),
 *   block length, flags; 7 rounds of the BLAKE2s G function with a fixed
 *   message permutation between rounds; IV is SHA-256's.
 *   Chunks: 1024 bytes = 16 blocks of 64, chained; the first block carries
 *   CHUNK_START, the last CHUNK_END; the counter is the chunk index.
 *   Tree: chunk chaining values are combined pairwise by PARENT nodes
 *   (message = left cv || right cv, counter 0) into a binary tree whose left
 *   subtrees are complete and as large as possible.
 *   Root: the last compression also carries ROOT; output block i (64 bytes)
 *   is that compression redone with counter i, which gives the XOF.
 *   Modes: hash (key = IV), keyed hash (key = 32 bytes, KEYED_HASH), derive
 *   key (context hashed with DERIVE_KEY_CONTEXT gives the key; the material
 *   is hashed with it under DERIVE_KEY_MATERIAL).
 *
 * The hasher keeps the last block of the current chunk and the current chunk
 * uncompressed until more input arrives, because only then is it known
 * whether they need CHUNK_END or ROOT.  Complete subtrees live on a stack of
 * chaining values; after chunk number t (1-based) is finished, one merge
 * happens per trailing zero bit of t, so the stack never exceeds 54 entries.
 */
#include <stddef.h>
#include <stdint.h>

#include "vx_string.h"
#include "crypto/blake3.h"
#include "crypto/cpufeat.h"
#include "crypto/ct.h"

/* SSE2, which every x86_64 CPU has; not in the kernel, which runs without it. */
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__) && !defined(VX_KERNEL)
#define VX_B3_SSE2 1
#if !__STDC_HOSTED__
/* GCC's xmmintrin.h pulls in mm_malloc.h, which needs <stdlib.h>; the
 * freestanding build has none and needs no _mm_malloc, so skip that header. */
#define _MM_MALLOC_H_INCLUDED
#endif
#include <emmintrin.h>
#endif

enum {
	CHUNK_START = 1 << 0,
	CHUNK_END = 1 << 1,
	PARENT = 1 << 2,
	ROOT = 1 << 3,
	KEYED_HASH = 1 << 4,
	DERIVE_KEY_CONTEXT = 1 << 5,
	DERIVE_KEY_MATERIAL = 1 << 6,
};

static const uint32_t IV[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

/*
 * The 7 rounds as R(G, s0, ..., s15), s being the round's message word
 * order: the message permutation applied r times in round r.  Spelled out
 * so that every index is a constant and each word an operand from memory.
 */
#define ROUNDS(R, G)                                                                               \
	do {                                                                                       \
		R(G, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);                        \
		R(G, 2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8);                        \
		R(G, 3, 4, 10, 12, 13, 2, 7, 14, 6, 5, 9, 0, 11, 15, 8, 1);                        \
		R(G, 10, 7, 12, 9, 14, 3, 13, 15, 4, 0, 11, 2, 5, 8, 1, 6);                        \
		R(G, 12, 13, 9, 11, 15, 10, 14, 8, 7, 2, 5, 3, 0, 1, 6, 4);                        \
		R(G, 9, 14, 11, 5, 8, 12, 15, 1, 13, 3, 0, 10, 2, 6, 4, 7);                        \
		R(G, 11, 15, 5, 0, 1, 9, 8, 6, 14, 10, 2, 12, 3, 4, 7, 13);                        \
	} while (0)

/* One round of G on the state v and message m: columns, then diagonals. */
#define ROUND(G, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, s15)             \
	do {                                                                                       \
		G(0, 4, 8, 12, m[s0], m[s1]);                                                      \
		G(1, 5, 9, 13, m[s2], m[s3]);                                                      \
		G(2, 6, 10, 14, m[s4], m[s5]);                                                     \
		G(3, 7, 11, 15, m[s6], m[s7]);                                                     \
		G(0, 5, 10, 15, m[s8], m[s9]);                                                     \
		G(1, 6, 11, 12, m[s10], m[s11]);                                                   \
		G(2, 7, 8, 13, m[s12], m[s13]);                                                    \
		G(3, 4, 9, 14, m[s14], m[s15]);                                                    \
	} while (0)

/* The input of one compression, kept so it can be redone as root/XOF. */
struct node {
	uint32_t cv[8];
	uint32_t m[16];
	uint64_t counter;
	uint32_t len;
	uint32_t flags;
};

static uint32_t load32_le(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void store32_le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void load_block(uint32_t m[16], const uint8_t *p)
{
	for (int i = 0; i < 16; i++)
		m[i] = load32_le(p + 4 * i);
}

#ifndef VX_B3_SSE2
static uint32_t ror32(uint32_t x, int n)
{
	return x >> n | x << (32 - n);
}

#define G(a, b, c, d, x, y)                                                                        \
	do {                                                                                       \
		v[a] += v[b] + (x);                                                                \
		v[d] = ror32(v[d] ^ v[a], 16);                                                     \
		v[c] += v[d];                                                                      \
		v[b] = ror32(v[b] ^ v[c], 12);                                                     \
		v[a] += v[b] + (y);                                                                \
		v[d] = ror32(v[d] ^ v[a], 8);                                                      \
		v[c] += v[d];                                                                      \
		v[b] = ror32(v[b] ^ v[c], 7);                                                      \
	} while (0)

/* The full 16-word output of compressing m into cv; out[0..7] is the new cv. */
static void compress(const uint32_t cv[8], const uint32_t m[16], uint64_t counter, uint32_t len,
		     uint32_t flags, uint32_t out[16])
{
	uint32_t v[16];

	memcpy(v, cv, 32);
	memcpy(v + 8, IV, 16);
	v[12] = (uint32_t)counter;
	v[13] = (uint32_t)(counter >> 32);
	v[14] = len;
	v[15] = flags;
	ROUNDS(ROUND, G);
	for (int i = 0; i < 8; i++) {
		out[i] = v[i] ^ v[i + 8];
		out[i + 8] = v[i + 8] ^ cv[i];
	}
}
#else
/*
 * The same with SSE2, one row of the state per register: a = v[0..3],
 * b = v[4..7], c = v[8..11], d = v[12..15].  The four G of the column step
 * are then lane-wise operations on the rows.  Turning rows b, c and d left
 * by 1, 2 and 3 lanes lines up the diagonals (v[0], v[5], v[10], v[15] in
 * lane 0, and so on) for the diagonal step; turning them back restores the
 * columns.
 *
 * The message of a round lives in four registers, one per operand of a
 * step, lane i holding the word of the i-th G: mx = words 0, 2, 4, 6 of
 * the round's message (the x of the columns), my = 1, 3, 5, 7, dx = 8, 10,
 * 12, 14, dy = 9, 11, 13, 15.  Every round permutes the message the same
 * way, so the next round's four registers are a fixed rearrangement of
 * these: about four shuffles each (PERMUTE_MSG), where gathering each
 * round's words from memory took seven instructions per register.
 */
#define ROTX(x, n) _mm_or_si128(_mm_srli_epi32(x, n), _mm_slli_epi32(x, 32 - (n)))
/* A rotation by 16 swaps the 16-bit halves of each lane: two word shuffles. */
#define ROTX16(x)  _mm_shufflehi_epi16(_mm_shufflelo_epi16(x, 0xb1), 0xb1)
#define GX(x, y)                                                                                   \
	do {                                                                                       \
		ra = _mm_add_epi32(_mm_add_epi32(ra, rb), x);                                      \
		rd = ROTX16(_mm_xor_si128(rd, ra));                                                \
		rc = _mm_add_epi32(rc, rd);                                                        \
		rb = ROTX(_mm_xor_si128(rb, rc), 12);                                              \
		ra = _mm_add_epi32(_mm_add_epi32(ra, rb), y);                                      \
		rd = ROTX(_mm_xor_si128(rd, ra), 8);                                               \
		rc = _mm_add_epi32(rc, rd);                                                        \
		rb = ROTX(_mm_xor_si128(rb, rc), 7);                                               \
	} while (0)
/* (p[i], p[j], q[k], q[l]): shufps, one instruction for two sources. */
#define SHUF2(p, q, i, j, k, l)                                                                    \
	_mm_castps_si128(                                                                          \
	    _mm_shuffle_ps(_mm_castsi128_ps(p), _mm_castsi128_ps(q), _MM_SHUFFLE(l, k, j, i)))
/* (p[i], p[j], p[k], p[l]) */
#define SHUF1(p, i, j, k, l) _mm_shuffle_epi32(p, _MM_SHUFFLE(l, k, j, i))
/* _mm_shuffle_epi32(x, 0x39) turns x left by one lane. */
#define ROUND_ROWS()                                                                               \
	do {                                                                                       \
		GX(mx, my);                                                                        \
		rb = _mm_shuffle_epi32(rb, 0x39);                                                  \
		rc = _mm_shuffle_epi32(rc, 0x4e);                                                  \
		rd = _mm_shuffle_epi32(rd, 0x93);                                                  \
		GX(dx, dy);                                                                        \
		rb = _mm_shuffle_epi32(rb, 0x93);                                                  \
		rc = _mm_shuffle_epi32(rc, 0x4e);                                                  \
		rd = _mm_shuffle_epi32(rd, 0x39);                                                  \
	} while (0)
/*
 * The next round's message: word i of it is word P[i] of this one, P being
 * 2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8.  In lanes:
 *   mx' = words 2, 3, 7, 4    = mx[1], my[1], my[3], mx[2]
 *   my' = words 6, 10, 0, 13  = mx[3], dx[1], mx[0], dy[2]
 *   dx' = words 1, 12, 9, 15  = my[0], dx[2], dy[0], dy[3]
 *   dy' = words 11, 5, 14, 8  = dy[1], my[2], dx[3], dx[0]
 */
#define PERMUTE_MSG()                                                                              \
	do {                                                                                       \
		__m128i nmx = SHUF1(SHUF2(mx, my, 1, 2, 1, 3), 0, 2, 3, 1);                        \
		__m128i nmy =                                                                      \
		    SHUF2(SHUF2(mx, dx, 3, 3, 1, 1), SHUF2(mx, dy, 0, 0, 2, 2), 0, 2, 0, 2);       \
		__m128i ndx = SHUF2(SHUF1(SHUF2(my, dx, 0, 0, 2, 2), 0, 2, 0, 2), dy, 0, 1, 0, 3); \
		__m128i ndy = SHUF2(SHUF1(SHUF2(dy, my, 1, 1, 2, 2), 0, 2, 0, 2), dx, 0, 1, 3, 0); \
		mx = nmx;                                                                          \
		my = nmy;                                                                          \
		dx = ndx;                                                                          \
		dy = ndy;                                                                          \
	} while (0)

static void compress(const uint32_t cv[8], const uint32_t m[16], uint64_t counter, uint32_t len,
		     uint32_t flags, uint32_t out[16])
{
	__m128i c0 = _mm_loadu_si128((const __m128i *)cv);
	__m128i c1 = _mm_loadu_si128((const __m128i *)(cv + 4));
	__m128i ra = c0, rb = c1;
	__m128i rc = _mm_loadu_si128((const __m128i *)IV);
	__m128i rd = _mm_set_epi32((int)flags, (int)len, (int)(uint32_t)(counter >> 32),
				   (int)(uint32_t)counter);
	__m128i m0 = _mm_loadu_si128((const __m128i *)m);
	__m128i m1 = _mm_loadu_si128((const __m128i *)(m + 4));
	__m128i m2 = _mm_loadu_si128((const __m128i *)(m + 8));
	__m128i m3 = _mm_loadu_si128((const __m128i *)(m + 12));
	__m128i mx = SHUF2(m0, m1, 0, 2, 0, 2), my = SHUF2(m0, m1, 1, 3, 1, 3);
	__m128i dx = SHUF2(m2, m3, 0, 2, 0, 2), dy = SHUF2(m2, m3, 1, 3, 1, 3);

	ROUND_ROWS();
	PERMUTE_MSG();
	ROUND_ROWS();
	PERMUTE_MSG();
	ROUND_ROWS();
	PERMUTE_MSG();
	ROUND_ROWS();
	PERMUTE_MSG();
	ROUND_ROWS();
	PERMUTE_MSG();
	ROUND_ROWS();
	PERMUTE_MSG();
	ROUND_ROWS();
	_mm_storeu_si128((__m128i *)out, _mm_xor_si128(ra, rc));
	_mm_storeu_si128((__m128i *)(out + 4), _mm_xor_si128(rb, rd));
	_mm_storeu_si128((__m128i *)(out + 8), _mm_xor_si128(rc, c0));
	_mm_storeu_si128((__m128i *)(out + 12), _mm_xor_si128(rd, c1));
}
#endif

/* Compress one 64-byte block into cv in place (a non-final chunk block). */
static void compress_cv(uint32_t cv[8], const uint8_t *block, uint64_t counter, uint32_t flags)
{
	uint32_t m[16], out[16];

	load_block(m, block);
	compress(cv, m, counter, 64, flags, out);
	memcpy(cv, out, 32);
}

static void node_cv(const struct node *n, uint32_t cv[8])
{
	uint32_t out[16];

	compress(n->cv, n->m, n->counter, n->len, n->flags, out);
	memcpy(cv, out, 32);
}

static void parent_node(struct node *n, const uint32_t left[8], const uint32_t right[8],
			const uint32_t key[8], uint32_t flags)
{
	memcpy(n->cv, key, 32);
	memcpy(n->m, left, 32);
	memcpy(n->m + 8, right, 32);
	n->counter = 0;
	n->len = 64;
	n->flags = flags | PARENT;
}

/*
 * Many chunks at once: lane l of every vector belongs to chunk l, so one
 * pass of the rounds compresses the same block of LANES whole chunks.
 * Written with the compiler's generic vectors and instantiated twice on
 * x86_64: 4 lanes with SSE2 (which every x86_64 CPU has) and 8 with AVX2,
 * chosen through CPUID.  Macros, not functions, so nothing passes a vector
 * across a call.
 *
 * Instruction count matters more than anything here (the file system
 * checksums every 4 KiB block this way), so:
 *  - the 7 rounds are unrolled with the message word order of each round
 *    as literal indexes (ROUNDS), so no index is computed at run time and
 *    each message word is an operand straight from memory;
 *  - a rotation by 16 is B3_ROT16, which the SSE2 instance does with two
 *    word shuffles (pshuflw, pshufhw) instead of two shifts, a copy and
 *    an or;
 *  - B3_LOAD_MSG fills m[j] with word j of the block of every lane.  The
 *    SSE2 instance loads 16 bytes (4 words) of each of the 4 chunks and
 *    transposes that 4x4 square of words with unpacks, and B3_STORE_CVS
 *    transposes the 8 chaining-value vectors back the same way (8 unpacks
 *    and 8 stores, where extracting the 32 words one by one took ~90);
 *  - the state is 16 named variables v0..v15 (GV pastes the index), which
 *    the compiler keeps in the 16 xmm registers as far as it can.  An
 *    array compiles the same at -O2, but clang -fsanitize=undefined checks
 *    every access to it, and the fuzz build then takes minutes.
 *
 * What remains is about 24 instructions per G: 6 adds, 4 xors, 2 word
 * shuffles and 3 rotations of 4 (copy, two shifts, or), SSE2 having no
 * rotate and no byte shuffle, plus a few spills.
 */
#if (defined(__GNUC__) || defined(__clang__)) && !defined(VX_KERNEL)
#define VX_B3_VECTORS 1

#define ROTV(x, n) (((x) >> (n)) | ((x) << (32 - (n))))
#define GV(a, b, c, d, x, y)                                                                       \
	do {                                                                                       \
		v##a += v##b + (x);                                                                \
		v##d = B3_ROT16(v##d ^ v##a);                                                      \
		v##c += v##d;                                                                      \
		v##b = ROTV(v##b ^ v##c, 12);                                                      \
		v##a += v##b + (y);                                                                \
		v##d = ROTV(v##d ^ v##a, 8);                                                       \
		v##c += v##d;                                                                      \
		v##b = ROTV(v##b ^ v##c, 7);                                                       \
	} while (0)

/* Word j of block b of every chunk, by scalar loads: the portable way. */
#define LOAD_MSG_SCALAR(VT, LANES, m, in, b)                                                       \
	do {                                                                                       \
		uint32_t t[16][LANES];                                                             \
		for (int j = 0; j < 16; j++)                                                       \
			for (int l = 0; l < LANES; l++)                                            \
				t[j][l] = load32_le(in + l * VX_BLAKE3_CHUNK + b * 64 + 4 * j);    \
		memcpy(m, t, sizeof(t));                                                           \
	} while (0)

/*
 * The 16 blocks of LANES chunks.  v0..v7 carry the chaining values from
 * block to block; the per-block steps are statements, not loops, because
 * gcc -O2 leaves 8-step loops rolled and the state then goes through memory.
 */
#define HASH_CHUNKS_BODY(VT, LANES)                                                                \
	VT v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15;                   \
	VT m[16], lo, hi;                                                                          \
	uint32_t clo[LANES], chi[LANES];                                                           \
	for (int l = 0; l < LANES; l++) {                                                          \
		clo[l] = (uint32_t)(counter + (uint64_t)l);                                        \
		chi[l] = (uint32_t)((counter + (uint64_t)l) >> 32);                                \
	}                                                                                          \
	memcpy(&lo, clo, sizeof(lo));                                                              \
	memcpy(&hi, chi, sizeof(hi));                                                              \
	v0 = (VT){0} + key[0];                                                                     \
	v1 = (VT){0} + key[1];                                                                     \
	v2 = (VT){0} + key[2];                                                                     \
	v3 = (VT){0} + key[3];                                                                     \
	v4 = (VT){0} + key[4];                                                                     \
	v5 = (VT){0} + key[5];                                                                     \
	v6 = (VT){0} + key[6];                                                                     \
	v7 = (VT){0} + key[7];                                                                     \
	for (int b = 0; b < 16; b++) {                                                             \
		uint32_t fl = flags | (b == 0 ? CHUNK_START : 0) | (b == 15 ? CHUNK_END : 0);      \
		B3_LOAD_MSG(m, in, b);                                                             \
		v8 = (VT){0} + IV[0];                                                              \
		v9 = (VT){0} + IV[1];                                                              \
		v10 = (VT){0} + IV[2];                                                             \
		v11 = (VT){0} + IV[3];                                                             \
		v12 = lo;                                                                          \
		v13 = hi;                                                                          \
		v14 = (VT){0} + 64u;                                                               \
		v15 = (VT){0} + fl;                                                                \
		ROUNDS(ROUND, GV);                                                                 \
		v0 ^= v8;                                                                          \
		v1 ^= v9;                                                                          \
		v2 ^= v10;                                                                         \
		v3 ^= v11;                                                                         \
		v4 ^= v12;                                                                         \
		v5 ^= v13;                                                                         \
		v6 ^= v14;                                                                         \
		v7 ^= v15;                                                                         \
	}                                                                                          \
	B3_STORE_CVS(VT, LANES);

/* cvs[l] = lane l of v0..v7, word by word: the portable way. */
#define STORE_CVS_SCALAR(VT, LANES)                                                                \
	do {                                                                                       \
		VT h[8] = {v0, v1, v2, v3, v4, v5, v6, v7};                                        \
		for (int i = 0; i < 8; i++)                                                        \
			for (int l = 0; l < LANES; l++)                                            \
				cvs[l][i] = h[i][l];                                               \
	} while (0)

typedef uint32_t v4u __attribute__((vector_size(16)));

#ifdef VX_B3_SSE2
#define B3_ROT16(x) ((v4u)ROTX16((__m128i)(x)))

/*
 * m[0..3] = words 0..3 at p of the 4 chunks (x86_64 is little-endian):
 * r_l holds the 4 words of chunk l, and m[j] gets word j of each r_l.
 */
static inline void transpose4(v4u m[4], const uint8_t *p)
{
	__m128i r0 = _mm_loadu_si128((const __m128i *)(p + 0 * VX_BLAKE3_CHUNK));
	__m128i r1 = _mm_loadu_si128((const __m128i *)(p + 1 * VX_BLAKE3_CHUNK));
	__m128i r2 = _mm_loadu_si128((const __m128i *)(p + 2 * VX_BLAKE3_CHUNK));
	__m128i r3 = _mm_loadu_si128((const __m128i *)(p + 3 * VX_BLAKE3_CHUNK));
	__m128i t0 = _mm_unpacklo_epi32(r0, r1); /* r0[0] r1[0] r0[1] r1[1] */
	__m128i t1 = _mm_unpackhi_epi32(r0, r1); /* r0[2] r1[2] r0[3] r1[3] */
	__m128i t2 = _mm_unpacklo_epi32(r2, r3); /* r2[0] r3[0] r2[1] r3[1] */
	__m128i t3 = _mm_unpackhi_epi32(r2, r3); /* r2[2] r3[2] r2[3] r3[3] */

	m[0] = (v4u)_mm_unpacklo_epi64(t0, t2);
	m[1] = (v4u)_mm_unpackhi_epi64(t0, t2);
	m[2] = (v4u)_mm_unpacklo_epi64(t1, t3);
	m[3] = (v4u)_mm_unpackhi_epi64(t1, t3);
}

/* The other way: lane l of w0..w3 to cv[l][k..k+3], for the 4 chunks' cvs. */
static inline void store_cvs4(uint32_t (*cv)[8], int k, v4u w0, v4u w1, v4u w2, v4u w3)
{
	__m128i t0 = _mm_unpacklo_epi32((__m128i)w0, (__m128i)w1); /* w0[0] w1[0] w0[1] w1[1] */
	__m128i t1 = _mm_unpackhi_epi32((__m128i)w0, (__m128i)w1); /* w0[2] w1[2] w0[3] w1[3] */
	__m128i t2 = _mm_unpacklo_epi32((__m128i)w2, (__m128i)w3);
	__m128i t3 = _mm_unpackhi_epi32((__m128i)w2, (__m128i)w3);

	_mm_storeu_si128((__m128i *)(cv[0] + k), _mm_unpacklo_epi64(t0, t2));
	_mm_storeu_si128((__m128i *)(cv[1] + k), _mm_unpackhi_epi64(t0, t2));
	_mm_storeu_si128((__m128i *)(cv[2] + k), _mm_unpacklo_epi64(t1, t3));
	_mm_storeu_si128((__m128i *)(cv[3] + k), _mm_unpackhi_epi64(t1, t3));
}
#define B3_STORE_CVS(VT, LANES)                                                                    \
	do {                                                                                       \
		store_cvs4(cvs, 0, v0, v1, v2, v3);                                                \
		store_cvs4(cvs, 4, v4, v5, v6, v7);                                                \
	} while (0)

/* m[j] = word j of block b of the 4 chunks at in; gcc -O2 would not unroll a loop. */
static inline void load_msg4(v4u m[16], const uint8_t *in, int b)
{
	const uint8_t *p = in + 64 * b;

	transpose4(m, p);
	transpose4(m + 4, p + 16);
	transpose4(m + 8, p + 32);
	transpose4(m + 12, p + 48);
}
#define B3_LOAD_MSG(m, in, b) load_msg4(m, in, b)
#else
#define B3_ROT16(x)		ROTV(x, 16)
#define B3_LOAD_MSG(m, in, b)	LOAD_MSG_SCALAR(v4u, 4, m, in, b)
#define B3_STORE_CVS(VT, LANES) STORE_CVS_SCALAR(VT, LANES)
#endif

/* Chaining values of the 4 whole chunks at in, numbered counter.. */
static void hash_chunks4(const uint8_t *in, const uint32_t key[8], uint64_t counter, uint32_t flags,
			 uint32_t cvs[][8])
{
	HASH_CHUNKS_BODY(v4u, 4)
}
#undef B3_ROT16
#undef B3_LOAD_MSG
#undef B3_STORE_CVS

#if defined(__x86_64__)
typedef uint32_t v8u __attribute__((vector_size(32)));

#define B3_ROT16(x)		ROTV(x, 16)
#define B3_LOAD_MSG(m, in, b)	LOAD_MSG_SCALAR(v8u, 8, m, in, b)
#define B3_STORE_CVS(VT, LANES) STORE_CVS_SCALAR(VT, LANES)

/* The same for 8 chunks with AVX2; call only if VX_CPU_AVX2. */
__attribute__((target("avx2"))) static void hash_chunks8(const uint8_t *in, const uint32_t key[8],
							 uint64_t counter, uint32_t flags,
							 uint32_t cvs[][8])
{
	HASH_CHUNKS_BODY(v8u, 8)
}
#undef B3_ROT16
#undef B3_LOAD_MSG
#undef B3_STORE_CVS
#endif

/* Hash as many whole chunks as one vector pass takes (up to n); returns it. */
static size_t hash_chunks(const uint8_t *in, size_t n, const uint32_t key[8], uint64_t counter,
			  uint32_t flags, uint32_t cvs[8][8])
{
#if defined(__x86_64__)
	if (n >= 8 && (vx_cpu_features() & VX_CPU_AVX2)) {
		hash_chunks8(in, key, counter, flags, cvs);
		return 8;
	}
#endif
	if (n >= 4) {
		hash_chunks4(in, key, counter, flags, cvs);
		return 4;
	}
	return 0;
}
#endif

/* The last block of the current chunk as a node, ready to finish the chunk. */
static void chunk_node(const struct vx_blake3 *h, struct node *n)
{
	uint8_t block[64];

	memset(block, 0, sizeof(block));
	memcpy(block, h->buf, h->buf_len);
	memcpy(n->cv, h->cv, 32);
	load_block(n->m, block);
	n->counter = h->chunk;
	n->len = h->buf_len;
	n->flags = h->flags | CHUNK_END | (h->blocks == 0 ? CHUNK_START : 0);
}

/* Push the cv of finished chunk number total (1-based), merging subtrees. */
static void push_chunk_cv(struct vx_blake3 *h, uint32_t cv[8], uint64_t total)
{
	struct node n;

	while ((total & 1) == 0) {
		h->stack_len--;
		parent_node(&n, h->stack[h->stack_len], cv, h->key, h->flags);
		node_cv(&n, cv);
		total >>= 1;
	}
	memcpy(h->stack[h->stack_len++], cv, 32);
}

static void start_chunk(struct vx_blake3 *h, uint64_t index)
{
	memcpy(h->cv, h->key, 32);
	h->chunk = index;
	h->buf_len = 0;
	h->blocks = 0;
}

static void init_with(struct vx_blake3 *h, const uint32_t key[8], uint32_t flags)
{
	memcpy(h->key, key, 32);
	h->flags = flags;
	h->stack_len = 0;
	start_chunk(h, 0);
}

void vx_blake3_init(struct vx_blake3 *h)
{
	init_with(h, IV, 0);
}

void vx_blake3_init_keyed(struct vx_blake3 *h, const uint8_t key[32])
{
	uint32_t k[8];

	for (int i = 0; i < 8; i++)
		k[i] = load32_le(key + 4 * i);
	init_with(h, k, KEYED_HASH);
	vx_wipe(k, sizeof(k));
}

void vx_blake3_init_derive_key(struct vx_blake3 *h, const char *context)
{
	uint8_t ck[32];
	uint32_t k[8];

	init_with(h, IV, DERIVE_KEY_CONTEXT);
	vx_blake3_update(h, context, strlen(context));
	vx_blake3_final(h, ck, sizeof(ck));
	for (int i = 0; i < 8; i++)
		k[i] = load32_le(ck + 4 * i);
	init_with(h, k, DERIVE_KEY_MATERIAL);
	vx_wipe(k, sizeof(k));
	vx_wipe(ck, sizeof(ck));
}

void vx_blake3_update(struct vx_blake3 *h, const void *in, size_t n)
{
	const uint8_t *p = in;

	while (n > 0) {
		/* The chunk in progress is full and more input follows: finish it. */
		if (h->blocks == 15 && h->buf_len == 64) {
			struct node nd;
			uint32_t cv[8];
			chunk_node(h, &nd);
			node_cv(&nd, cv);
			push_chunk_cv(h, cv, h->chunk + 1);
			start_chunk(h, h->chunk + 1);
		}
#ifdef VX_B3_VECTORS
		/* Groups of whole chunks in parallel, again keeping the last one back. */
		while (h->blocks == 0 && h->buf_len == 0 && n > 4 * VX_BLAKE3_CHUNK) {
			uint32_t cvs[8][8];
			size_t k = hash_chunks(p, (n - 1) / VX_BLAKE3_CHUNK, h->key, h->chunk,
					       h->flags, cvs);
			for (size_t i = 0; i < k; i++) {
				push_chunk_cv(h, cvs[i], h->chunk + 1);
				h->chunk++;
			}
			start_chunk(h, h->chunk);
			p += k * VX_BLAKE3_CHUNK;
			n -= k * VX_BLAKE3_CHUNK;
		}
#endif
		/* Whole chunks straight from the input, keeping the last one back. */
		while (h->blocks == 0 && h->buf_len == 0 && n > VX_BLAKE3_CHUNK) {
			uint32_t cv[8];
			memcpy(cv, h->key, 32);
			compress_cv(cv, p, h->chunk, h->flags | CHUNK_START);
			for (int b = 1; b < 15; b++)
				compress_cv(cv, p + 64 * b, h->chunk, h->flags);
			compress_cv(cv, p + 960, h->chunk, h->flags | CHUNK_END);
			push_chunk_cv(h, cv, h->chunk + 1);
			start_chunk(h, h->chunk + 1);
			p += VX_BLAKE3_CHUNK;
			n -= VX_BLAKE3_CHUNK;
		}
		if (h->buf_len == 64) {
			compress_cv(h->cv, h->buf, h->chunk,
				    h->flags | (h->blocks == 0 ? CHUNK_START : 0));
			h->blocks++;
			h->buf_len = 0;
		}
		/* Whole blocks straight from the input, keeping the last one back. */
		while (h->buf_len == 0 && h->blocks < 15 && n > 64) {
			compress_cv(h->cv, p, h->chunk,
				    h->flags | (h->blocks == 0 ? CHUNK_START : 0));
			h->blocks++;
			p += 64;
			n -= 64;
		}
		size_t take = 64 - h->buf_len;
		take = take < n ? take : n;
		memcpy(h->buf + h->buf_len, p, take);
		h->buf_len += (uint32_t)take;
		p += take;
		n -= take;
	}
}

/*
 * The root node: the chunk in progress, or the finished last chunk whose
 * chaining value is last_cv (the one-shot path), merged with every
 * subtree on the stack, right to left.
 */
static void root_node(const struct vx_blake3 *h, const uint32_t *last_cv, struct node *nd)
{
	uint32_t cv[8];
	uint32_t i = h->stack_len;

	if (last_cv) {
		memcpy(cv, last_cv, 32);
		i--;
		parent_node(nd, h->stack[i], cv, h->key, h->flags);
	} else {
		chunk_node(h, nd);
	}
	for (; i > 0; i--) {
		node_cv(nd, cv);
		parent_node(nd, h->stack[i - 1], cv, h->key, h->flags);
	}
}

/* outlen bytes of the root's output stream, from byte offset on. */
static void root_output(const struct node *nd, uint64_t offset, uint8_t *out, size_t outlen)
{
	uint32_t w[16];
	uint8_t block[64];
	uint64_t counter = offset / 64;
	size_t skip = (size_t)(offset % 64);

	while (outlen > 0) {
		size_t take = 64 - skip;
		take = take < outlen ? take : outlen;
		compress(nd->cv, nd->m, counter++, nd->len, nd->flags | ROOT, w);
		for (int i = 0; i < 16; i++)
			store32_le(block + 4 * i, w[i]);
		memcpy(out, block + skip, take);
		out += take;
		outlen -= take;
		skip = 0;
	}
}

void vx_blake3_final_seek(const struct vx_blake3 *h, uint64_t offset, uint8_t *out, size_t outlen)
{
	struct node nd;

	root_node(h, NULL, &nd);
	root_output(&nd, offset, out, outlen);
}

void vx_blake3_final(const struct vx_blake3 *h, uint8_t *out, size_t outlen)
{
	vx_blake3_final_seek(h, 0, out, outlen);
}

/*
 * Hash all of p at once into the initialised h.  Knowing the whole input
 * settles what the incremental hasher must wait for: when p is longer
 * than one chunk, no chunk is the root, so every whole chunk, the last
 * included, can go through the vector paths.  A 4 KiB block (Keep's
 * checksum) is then one 4-way pass and three parent nodes, where
 * vx_blake3_update, keeping its last chunk back, would compress all 64
 * blocks one at a time.
 */
static void oneshot(struct vx_blake3 *h, const uint8_t *p, size_t n, uint8_t *out, size_t outlen)
{
#ifdef VX_B3_VECTORS
	if (n > VX_BLAKE3_CHUNK) {
		size_t last = (n - 1) / VX_BLAKE3_CHUNK; /* index of the final chunk */
		size_t whole = n / VX_BLAKE3_CHUNK;
		size_t i = 0;
		uint32_t cvs[8][8];

		while (i < whole) {
			size_t k = hash_chunks(p + i * VX_BLAKE3_CHUNK, whole - i, h->key, i,
					       h->flags, cvs);
			if (k == 0)
				break;
			for (size_t j = 0; j < k; j++, i++) {
				if (i == last) {
					struct node nd;
					root_node(h, cvs[j], &nd);
					root_output(&nd, 0, out, outlen);
					vx_wipe(cvs, sizeof(cvs));
					return;
				}
				push_chunk_cv(h, cvs[j], i + 1);
			}
		}
		vx_wipe(cvs, sizeof(cvs));
		start_chunk(h, i);
		p += i * VX_BLAKE3_CHUNK;
		n -= i * VX_BLAKE3_CHUNK;
	}
#endif
	vx_blake3_update(h, p, n);
	vx_blake3_final(h, out, outlen);
}

void vx_blake3(const void *p, size_t n, uint8_t *out, size_t outlen)
{
	struct vx_blake3 h;

	vx_blake3_init(&h);
	oneshot(&h, p, n, out, outlen);
}

void vx_blake3_keyed(const uint8_t key[32], const void *p, size_t n, uint8_t *out, size_t outlen)
{
	struct vx_blake3 h;

	vx_blake3_init_keyed(&h, key);
	oneshot(&h, p, n, out, outlen);
	vx_wipe(&h, sizeof(h));
}

void vx_blake3_derive_key(const char *context, const void *material, size_t n, uint8_t *out,
			  size_t outlen)
{
	struct vx_blake3 h;

	vx_blake3_init_derive_key(&h, context);
	oneshot(&h, material, n, out, outlen);
	vx_wipe(&h, sizeof(h));
}
