/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Argon2id, version 0x13 (RFC 9106).
 *
 * Implements: H0 (section 3.2 step 1), the variable-length hash H'
 * (section 3.3), the compression function G built on the BlaMka
 * permutation P (sections 3.5-3.6), the hybrid indexing of Argon2id
 * (data-independent addresses from G(0, G(0, Z)) for the first two slices of
 * pass 0, data-dependent ones otherwise; section 3.4) and the XOR-into-
 * memory rule of version 0x13 for passes after the first.
 *
 * Parameters: t passes, m KiB of memory (rounded down to m' = 4p*floor(m/4p)
 * blocks of 1 KiB), p lanes of m'/p blocks split into 4 slices, tag length
 * T >= 4, salt >= 8 bytes, optional secret K and associated data X.  Lanes
 * are filled one after another within each slice; the result equals a
 * parallel run because a slice only references finished slices of other
 * lanes.
 *
 * Speed: on x86_64, G is written with the compiler's SSE2/AVX2 intrinsics
 * (immintrin.h from the compiler's own include directory).  The SSE2 form
 * (x86_64 baseline) works on 16-byte registers as in the RFC's P; the AVX2
 * form (target attribute) holds a row in four 256-bit vectors, so the
 * diagonal step is a lane rotation.  Both use pmuludq for BlaMka's
 * 32x32->64 multiply and word/byte shuffles for the rotations.  The AVX2
 * form is chosen once per call from the cached vx_cpu_features() (CPUID and
 * XGETBV run once per process; an OS that has not enabled the YMM state
 * never sees AVX code).  Other targets use the compiler's vector extension.
 * All forms compute the same function; tests run whichever the host picks.
 *
 * Side channels: the data-dependent half (as in every Argon2id) makes the
 * memory access pattern of later slices depend on the password.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vectra/abi.h"
#include "vx_string.h"
#include "crypto/ct.h"
#include "crypto/argon2.h"
#include "crypto/blake2b.h"
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
#error "argon2.c assumes a little-endian target"
#endif

#define BLOCK_BYTES 1024
#define BLOCK_WORDS 128
#define ARGON2_ID   2

struct block {
	uint64_t v[BLOCK_WORDS];
} __attribute__((aligned(64)));

typedef void (*fill_fn)(const struct block *prev, const struct block *ref, struct block *next,
			bool xor_next);

struct instance {
	struct block *mem;
	uint32_t passes, lanes, lane_len, seg_len, blocks;
	fill_fn fill;
};

static void store32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* ------------------------------------------------------------------------
 * G and P.  Each form computes next = G(prev, ref) = R ^ P-rows-then-
 * columns(R) with R = prev ^ ref (xor_next: next ^= that instead).  The
 * BlaMka multiply uses the 32x32->64 lane multiply (pmuludq), which is what
 * the RFC's 2 * lo32(x) * lo32(y) is; rotations by 32, 24 and 16 are word or
 * byte shuffles where the ISA has them.
 * ------------------------------------------------------------------------ */
#define M32 ((uint64_t)0xffffffff)

#if defined(__x86_64__)
/*
 * SSE2 (x86_64 baseline), two lanes: each vector is one 16-byte register
 * S_k = (v_2k, v_2k+1) of the RFC's P(S0..S7).  The column step pairs
 * (S0,S2,S4,S6) and (S1,S3,S5,S7); the diagonal step needs (v5,v6),
 * (v7,v4), (v15,v12), (v13,v14), built with HILO(x, y) = (x.hi, y.lo).
 */
#define S_BLAMKA(x, y)                                                                             \
	do {                                                                                       \
		__m128i m_ = _mm_mul_epu32(x, y);                                                  \
		x = _mm_add_epi64(_mm_add_epi64(x, y), _mm_add_epi64(m_, m_));                     \
	} while (0)
#define S_ROR32(x) _mm_shuffle_epi32(x, _MM_SHUFFLE(2, 3, 0, 1))
#define S_ROR24(x) _mm_or_si128(_mm_srli_epi64(x, 24), _mm_slli_epi64(x, 40))
#define S_ROR16(x)                                                                                 \
	_mm_shufflehi_epi16(_mm_shufflelo_epi16(x, _MM_SHUFFLE(0, 3, 2, 1)),                       \
			    _MM_SHUFFLE(0, 3, 2, 1))
#define S_ROR63(x) _mm_xor_si128(_mm_srli_epi64(x, 63), _mm_add_epi64(x, x))
#define S_GB(a, b, c, d)                                                                           \
	do {                                                                                       \
		S_BLAMKA(a, b);                                                                    \
		d = S_ROR32(_mm_xor_si128(d, a));                                                  \
		S_BLAMKA(c, d);                                                                    \
		b = S_ROR24(_mm_xor_si128(b, c));                                                  \
		S_BLAMKA(a, b);                                                                    \
		d = S_ROR16(_mm_xor_si128(d, a));                                                  \
		S_BLAMKA(c, d);                                                                    \
		b = S_ROR63(_mm_xor_si128(b, c));                                                  \
	} while (0)
#define HILO(x, y) __builtin_shufflevector(x, y, 1, 2)
#define S_P(s0, s1, s2, s3, s4, s5, s6, s7)                                                        \
	do {                                                                                       \
		__m128i b0_, b1_, d0_, d1_;                                                        \
		S_GB(s0, s2, s4, s6);                                                              \
		S_GB(s1, s3, s5, s7);                                                              \
		b0_ = HILO(s2, s3);                                                                \
		b1_ = HILO(s3, s2);                                                                \
		d0_ = HILO(s7, s6);                                                                \
		d1_ = HILO(s6, s7);                                                                \
		S_GB(s0, b0_, s5, d0_);                                                            \
		S_GB(s1, b1_, s4, d1_);                                                            \
		s2 = HILO(b1_, b0_);                                                               \
		s3 = HILO(b0_, b1_);                                                               \
		s6 = HILO(d0_, d1_);                                                               \
		s7 = HILO(d1_, d0_);                                                               \
	} while (0)

static void fill_sse2(const struct block *prev, const struct block *ref, struct block *next,
		      bool xor_next)
{
	const __m128i *p = (const __m128i *)prev->v, *f = (const __m128i *)ref->v;
	__m128i *n = (__m128i *)next->v;
	__m128i r[64], t[64];

	for (int i = 0; i < 64; i++) {
		r[i] = _mm_xor_si128(_mm_load_si128(p + i), _mm_load_si128(f + i));
		t[i] = xor_next ? _mm_xor_si128(r[i], _mm_load_si128(n + i)) : r[i];
	}
	for (int i = 0; i < 8; i++) /* rows: registers 8i .. 8i+7 */
		S_P(r[8 * i], r[8 * i + 1], r[8 * i + 2], r[8 * i + 3], r[8 * i + 4], r[8 * i + 5],
		    r[8 * i + 6], r[8 * i + 7]);
	for (int i = 0; i < 8; i++) { /* columns: registers i, i+8, .., i+56 */
		S_P(r[i], r[i + 8], r[i + 16], r[i + 24], r[i + 32], r[i + 40], r[i + 48],
		    r[i + 56]);
	}
	for (int i = 0; i < 64; i++)
		_mm_store_si128(n + i, _mm_xor_si128(t[i], r[i]));
}

/*
 * AVX2, four lanes: a vector is (v_4k .. v_4k+3), so a row is exactly
 * (a, b, c, d) and the diagonal step is a lane rotation (vpermq) of b, c
 * and d.  A column's registers are the 128-bit halves of q[j] = words
 * 4j .. 4j+3; columns 2u and 2u+1 are gathered together with vperm2i128.
 */
#define A_BLAMKA(x, y)                                                                             \
	do {                                                                                       \
		__m256i m_ = _mm256_mul_epu32(x, y);                                               \
		x = _mm256_add_epi64(_mm256_add_epi64(x, y), _mm256_add_epi64(m_, m_));            \
	} while (0)
#define A_GB(a, b, c, d)                                                                           \
	do {                                                                                       \
		A_BLAMKA(a, b);                                                                    \
		d = _mm256_shuffle_epi32(_mm256_xor_si256(d, a), _MM_SHUFFLE(2, 3, 0, 1));         \
		A_BLAMKA(c, d);                                                                    \
		b = _mm256_shuffle_epi8(_mm256_xor_si256(b, c), ror24);                            \
		A_BLAMKA(a, b);                                                                    \
		d = _mm256_shuffle_epi8(_mm256_xor_si256(d, a), ror16);                            \
		A_BLAMKA(c, d);                                                                    \
		b = _mm256_xor_si256(b, c);                                                        \
		b = _mm256_xor_si256(_mm256_srli_epi64(b, 63), _mm256_add_epi64(b, b));            \
	} while (0)
#define A_P(a, b, c, d)                                                                            \
	do {                                                                                       \
		A_GB(a, b, c, d);                                                                  \
		b = _mm256_permute4x64_epi64(b, _MM_SHUFFLE(0, 3, 2, 1));                          \
		c = _mm256_permute4x64_epi64(c, _MM_SHUFFLE(1, 0, 3, 2));                          \
		d = _mm256_permute4x64_epi64(d, _MM_SHUFFLE(2, 1, 0, 3));                          \
		A_GB(a, b, c, d);                                                                  \
		b = _mm256_permute4x64_epi64(b, _MM_SHUFFLE(2, 1, 0, 3));                          \
		c = _mm256_permute4x64_epi64(c, _MM_SHUFFLE(1, 0, 3, 2));                          \
		d = _mm256_permute4x64_epi64(d, _MM_SHUFFLE(0, 3, 2, 1));                          \
	} while (0)
#define LO2(x, y) _mm256_permute2x128_si256(x, y, 0x20)
#define HI2(x, y) _mm256_permute2x128_si256(x, y, 0x31)

__attribute__((target("avx2"))) static void
fill_avx2(const struct block *prev, const struct block *ref, struct block *next, bool xor_next)
{
	const __m256i ror24 =
	    _mm256_setr_epi8(3, 4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10, 3, 4, 5, 6, 7, 0,
			     1, 2, 11, 12, 13, 14, 15, 8, 9, 10);
	const __m256i ror16 =
	    _mm256_setr_epi8(2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9, 2, 3, 4, 5, 6, 7,
			     0, 1, 10, 11, 12, 13, 14, 15, 8, 9);
	const __m256i *p = (const __m256i *)prev->v, *f = (const __m256i *)ref->v;
	__m256i *n = (__m256i *)next->v;
	__m256i q[32], t[32];

	for (int i = 0; i < 32; i++) {
		q[i] = _mm256_xor_si256(_mm256_load_si256(p + i), _mm256_load_si256(f + i));
		t[i] = xor_next ? _mm256_xor_si256(q[i], _mm256_load_si256(n + i)) : q[i];
	}
	for (int i = 0; i < 8; i++)
		A_P(q[4 * i], q[4 * i + 1], q[4 * i + 2], q[4 * i + 3]);
	for (int u = 0; u < 4; u++) {
		__m256i e[4], o[4];

		for (int k = 0; k < 4; k++) {
			e[k] = LO2(q[u + 8 * k], q[u + 8 * k + 4]);
			o[k] = HI2(q[u + 8 * k], q[u + 8 * k + 4]);
		}
		A_P(e[0], e[1], e[2], e[3]);
		A_P(o[0], o[1], o[2], o[3]);
		for (int k = 0; k < 4; k++) {
			q[u + 8 * k] = LO2(e[k], o[k]);
			q[u + 8 * k + 4] = HI2(e[k], o[k]);
		}
	}
	for (int i = 0; i < 32; i++)
		_mm256_store_si256(n + i, _mm256_xor_si256(t[i], q[i]));
}

/* AVX2 when the CPU has it and the OS saves the YMM state (cached probe). */
static fill_fn pick_fill(void)
{
	return (vx_cpu_features() & VX_CPU_AVX2) ? fill_avx2 : fill_sse2;
}
#else
/*
 * GB works on any vector of 64-bit lanes (or a scalar).
 */
#define BLAMKA(x, y) ((x) + (y) + 2 * (((x)&M32) * ((y)&M32)))
#define ROR64(x, n)  (((x) >> (n)) | ((x) << (64 - (n))))
#define GB(a, b, c, d)                                                                             \
	do {                                                                                       \
		a = BLAMKA(a, b);                                                                  \
		d = ROR64(d ^ a, 32);                                                              \
		c = BLAMKA(c, d);                                                                  \
		b = ROR64(b ^ c, 24);                                                              \
		a = BLAMKA(a, b);                                                                  \
		d = ROR64(d ^ a, 16);                                                              \
		c = BLAMKA(c, d);                                                                  \
		b = ROR64(b ^ c, 63);                                                              \
	} while (0)

/*
 * Other targets: the compiler's vector extension in the two-lane layout of
 * the SSE2 form above (one vector per 16-byte register S_k).
 */
typedef uint64_t vx_u64x2 __attribute__((vector_size(16)));
#define HILO(x, y) __builtin_shufflevector(x, y, 1, 2)
#define P2(s0, s1, s2, s3, s4, s5, s6, s7)                                                         \
	do {                                                                                       \
		vx_u64x2 b0_, b1_, d0_, d1_;                                                       \
		GB(s0, s2, s4, s6);                                                                \
		GB(s1, s3, s5, s7);                                                                \
		b0_ = HILO(s2, s3);                                                                \
		b1_ = HILO(s3, s2);                                                                \
		d0_ = HILO(s7, s6);                                                                \
		d1_ = HILO(s6, s7);                                                                \
		GB(s0, b0_, s5, d0_);                                                              \
		GB(s1, b1_, s4, d1_);                                                              \
		s2 = HILO(b1_, b0_);                                                               \
		s3 = HILO(b0_, b1_);                                                               \
		s6 = HILO(d0_, d1_);                                                               \
		s7 = HILO(d1_, d0_);                                                               \
	} while (0)

/* next = G(prev, ref) (xor_next: next ^= G(prev, ref)). */
static void fill_generic(const struct block *prev, const struct block *ref, struct block *next,
			 bool xor_next)
{
	vx_u64x2 r[64], t[64];

	for (int i = 0; i < 64; i++) {
		vx_u64x2 a, b;

		memcpy(&a, &prev->v[2 * i], 16);
		memcpy(&b, &ref->v[2 * i], 16);
		r[i] = a ^ b;
		t[i] = r[i];
		if (xor_next) {
			memcpy(&a, &next->v[2 * i], 16);
			t[i] ^= a;
		}
	}
	for (int i = 0; i < 8; i++) /* rows: registers 8i .. 8i+7 */
		P2(r[8 * i], r[8 * i + 1], r[8 * i + 2], r[8 * i + 3], r[8 * i + 4], r[8 * i + 5],
		   r[8 * i + 6], r[8 * i + 7]);
	for (int i = 0; i < 8; i++) { /* columns: registers i, i+8, .., i+56 */
		P2(r[i], r[i + 8], r[i + 16], r[i + 24], r[i + 32], r[i + 40], r[i + 48],
		   r[i + 56]);
	}
	for (int i = 0; i < 64; i++) {
		t[i] ^= r[i];
		memcpy(&next->v[2 * i], &t[i], 16);
	}
}

static fill_fn pick_fill(void)
{
	return fill_generic;
}
#endif

/* ------------------------------------------------------------------------
 * H' (RFC 9106 section 3.3): out[0..outlen) from in, outlen >= 1.
 * ------------------------------------------------------------------------ */
static void hprime(uint8_t *out, uint32_t outlen, const uint8_t *in, size_t inlen)
{
	struct vx_blake2b st;
	uint8_t len[4], v[64];

	store32(len, outlen);
	vx_blake2b_init(&st, outlen <= 64 ? outlen : 64, NULL, 0);
	vx_blake2b_update(&st, len, 4);
	vx_blake2b_update(&st, in, inlen);
	if (outlen <= 64) {
		vx_blake2b_final(&st, out);
		return;
	}
	vx_blake2b_final(&st, v);
	memcpy(out, v, 32);
	out += 32;
	outlen -= 32;
	while (outlen > 64) {
		vx_blake2b(v, 64, v, 64, NULL, 0);
		memcpy(out, v, 32);
		out += 32;
		outlen -= 32;
	}
	vx_blake2b(out, outlen, v, 64, NULL, 0);
	vx_wipe(v, sizeof v);
}

/* ------------------------------------------------------------------------
 * Memory filling
 * ------------------------------------------------------------------------ */

/* The next 128 data-independent addresses: addr = G(0, G(0, z)), z[6]++. */
static void next_addresses(const struct instance *in, struct block *addr, struct block *z)
{
	static const struct block zero;
	struct block tmp;

	z->v[6]++;
	in->fill(&zero, z, &tmp, false);
	in->fill(&zero, &tmp, addr, false);
}

/* Index within the reference lane for block i of (pass, slice). */
static uint32_t ref_index(const struct instance *in, uint32_t pass, uint32_t slice, uint32_t i,
			  bool same_lane, uint64_t pseudo)
{
	uint64_t area, x, start;

	if (pass == 0)
		area = (uint64_t)slice * in->seg_len;
	else
		area = in->lane_len - in->seg_len;
	if (same_lane)
		area = area + i - 1; /* area >= 1 here: blocks 0, 1 precede i */
	else if (i == 0)
		area -= 1;
	x = pseudo & M32;
	x = (x * x) >> 32;
	x = area - 1 - ((area * x) >> 32);
	start = (pass != 0 && slice != 3) ? (uint64_t)(slice + 1) * in->seg_len : 0;
	return (uint32_t)((start + x) % in->lane_len);
}

static void fill_segment(const struct instance *in, uint32_t pass, uint32_t lane, uint32_t slice)
{
	struct block addr, z;
	bool indep = pass == 0 && slice < 2;
	uint32_t i = (pass == 0 && slice == 0) ? 2 : 0;
	uint32_t base = lane * in->lane_len;
	uint32_t cur = base + slice * in->seg_len + i;
	uint32_t prev = (cur == base) ? base + in->lane_len - 1 : cur - 1;

	if (indep) {
		memset(&z, 0, sizeof z);
		z.v[0] = pass;
		z.v[1] = lane;
		z.v[2] = slice;
		z.v[3] = in->blocks;
		z.v[4] = in->passes;
		z.v[5] = ARGON2_ID;
		next_addresses(in, &addr, &z);
	}
	for (; i < in->seg_len; i++, prev = cur, cur++) {
		uint64_t pseudo;
		uint32_t ref_lane;

		if (indep) {
			if (i % 128 == 0 && i != 0)
				next_addresses(in, &addr, &z);
			pseudo = addr.v[i % 128];
		} else {
			pseudo = in->mem[prev].v[0];
		}
		ref_lane =
		    (pass == 0 && slice == 0) ? lane : (uint32_t)((pseudo >> 32) % in->lanes);
		pseudo = ref_index(in, pass, slice, i, ref_lane == lane, pseudo);
		in->fill(&in->mem[prev], &in->mem[(size_t)ref_lane * in->lane_len + pseudo],
			 &in->mem[cur], pass != 0);
	}
}

/* H0 = H^64(p, T, m, t, v, y, |P|, P, |S|, S, |K|, K, |X|, X). */
static void initial_hash(uint8_t h0[64], uint32_t tag_len, const uint8_t *pwd, size_t pwd_len,
			 const uint8_t *salt, size_t salt_len, const struct vx_argon2id_params *pr)
{
	const uint32_t head[6] = {pr->lanes,  tag_len,		 pr->m_kib,
				  pr->t_cost, VX_ARGON2_VERSION, ARGON2_ID};
	const uint8_t *part[4] = {pwd, salt, pr->secret, pr->ad};
	const size_t plen[4] = {pwd_len, salt_len, pr->secret_len, pr->ad_len};
	struct vx_blake2b st;
	uint8_t w[4];

	vx_blake2b_init(&st, 64, NULL, 0);
	for (int i = 0; i < 6; i++) {
		store32(w, head[i]);
		vx_blake2b_update(&st, w, 4);
	}
	for (int i = 0; i < 4; i++) {
		store32(w, (uint32_t)plen[i]);
		vx_blake2b_update(&st, w, 4);
		if (plen[i])
			vx_blake2b_update(&st, part[i], plen[i]);
	}
	vx_blake2b_final(&st, h0);
}

size_t vx_argon2id_mem_bytes(uint32_t m_kib, uint32_t lanes)
{
	uint64_t blocks;

	if (lanes == 0 || lanes > VX_ARGON2_LANES_MAX || m_kib < 8ull * lanes)
		return 0;
	blocks = (uint64_t)m_kib / (4ull * lanes) * 4ull * lanes;
	if (blocks > SIZE_MAX / BLOCK_BYTES)
		return 0;
	return (size_t)(blocks * BLOCK_BYTES);
}

/* RFC ranges for the inputs; lengths are encoded as 32-bit words. */
static bool params_ok(size_t tag_len, const uint8_t *pwd, size_t pwd_len, const uint8_t *salt,
		      size_t salt_len, const struct vx_argon2id_params *pr)
{
	const uint64_t max = 0xffffffffull;

	if (!pr || pr->t_cost < 1 || !vx_argon2id_mem_bytes(pr->m_kib, pr->lanes))
		return false;
	if (tag_len < VX_ARGON2_TAG_MIN || salt_len < VX_ARGON2_SALT_MIN)
		return false;
	if (tag_len > max || pwd_len > max || salt_len > max || pr->secret_len > max ||
	    pr->ad_len > max)
		return false;
	if ((pwd_len && !pwd) || !salt || (pr->secret_len && !pr->secret) ||
	    (pr->ad_len && !pr->ad))
		return false;
	return true;
}

int vx_argon2id(uint8_t *tag, size_t tag_len, const uint8_t *pwd, size_t pwd_len,
		const uint8_t *salt, size_t salt_len, const struct vx_argon2id_params *params,
		void *mem, size_t mem_bytes)
{
	struct instance in;
	uint8_t h0[72];
	struct block *last;
	uintptr_t p, skew;
	size_t need;

	if (!tag || !params_ok(tag_len, pwd, pwd_len, salt, salt_len, params))
		return VX_E_INVAL;
	need = vx_argon2id_mem_bytes(params->m_kib, params->lanes);
	p = (uintptr_t)mem;
	skew = (64 - (p & 63)) & 63;
	if (!mem || mem_bytes < skew || mem_bytes - skew < need)
		return VX_E_TOOBIG;

	in.mem = (struct block *)(p + skew);
	in.blocks = (uint32_t)(need / BLOCK_BYTES);
	in.passes = params->t_cost;
	in.lanes = params->lanes;
	in.lane_len = in.blocks / in.lanes;
	in.seg_len = in.lane_len / 4;
	in.fill = pick_fill();

	initial_hash(h0, (uint32_t)tag_len, pwd, pwd_len, salt, salt_len, params);
	for (uint32_t l = 0; l < in.lanes; l++) {
		for (uint32_t j = 0; j < 2; j++) {
			store32(h0 + 64, j);
			store32(h0 + 68, l);
			hprime((uint8_t *)&in.mem[(size_t)l * in.lane_len + j], BLOCK_BYTES, h0,
			       72);
		}
	}
	for (uint32_t pass = 0; pass < in.passes; pass++)
		for (uint32_t s = 0; s < 4; s++)
			for (uint32_t l = 0; l < in.lanes; l++)
				fill_segment(&in, pass, l, s);

	last = &in.mem[in.lane_len - 1];
	for (uint32_t l = 1; l < in.lanes; l++)
		for (int w = 0; w < BLOCK_WORDS; w++)
			last->v[w] ^= in.mem[(size_t)l * in.lane_len + in.lane_len - 1].v[w];
	hprime(tag, (uint32_t)tag_len, (const uint8_t *)last, BLOCK_BYTES);

	vx_wipe(in.mem, need);
	vx_wipe(h0, sizeof h0);
	return VX_OK;
}
