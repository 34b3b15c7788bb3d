/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SHA-256 and SHA-512, FIPS 180-4 sections 4.2, 5.1, 5.3 and 6.2-6.4.
 *
 *   SHA-256: 64-byte blocks, 64 rounds on 32-bit words, 32-byte digest.
 *   SHA-512: 128-byte blocks, 80 rounds on 64-bit words, 64-byte digest.
 *
 * Padding (5.1): the message, one 0x80 byte, zeros, then the message length
 * in bits as a big-endian 64-bit (SHA-256) or 128-bit (SHA-512) integer,
 * so that the total is a whole number of blocks.
 *
 * Both hashes share the input buffering and the final padding (sha2_absorb,
 * sha2_pad below), parameterised by block size and compression function.
 *
 * On x86_64 the SHA-256 compression function has a second path that uses
 * the SHA extensions (sha256rnds2/msg1/msg2), written as inline assembly so
 * no intrinsics header is needed.  It is chosen at run time from CPUID
 * (crypto/cpufeat.h).
 */
#include <stddef.h>
#include <stdint.h>

#include "vx_string.h"
#include "crypto/cpufeat.h"
#include "crypto/ct.h"
#include "crypto/sha2.h"

static uint32_t load32_be(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t load64_be(const uint8_t *p)
{
	return (uint64_t)load32_be(p) << 32 | load32_be(p + 4);
}

static void store32_be(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void store64_be(uint8_t *p, uint64_t v)
{
	store32_be(p, (uint32_t)(v >> 32));
	store32_be(p + 4, (uint32_t)v);
}

static uint32_t ror32(uint32_t x, int n)
{
	return x >> n | x << (32 - n);
}

static uint64_t ror64(uint64_t x, int n)
{
	return x >> n | x << (64 - n);
}

/* ------------------------------------------------------ shared buffering */

/* Compresses n whole blocks into the chaining state st. */
typedef void (*sha2_blocks_fn)(void *st, const uint8_t *p, size_t n);

/*
 * Absorbs n > 0 bytes: tops up buf (holding *fill < bs bytes), compresses
 * whole blocks straight from the input, and keeps the tail in buf.  Inlined
 * into each update() with constant bs and blocks, so costs no indirection.
 */
static inline void sha2_absorb(void *st, uint8_t *buf, uint32_t *fill, size_t bs,
			       sha2_blocks_fn blocks, const uint8_t *p, size_t n)
{
	if (*fill > 0) {
		size_t take = bs - *fill;
		if (take > n)
			take = n;
		memcpy(buf + *fill, p, take);
		*fill += (uint32_t)take;
		p += take;
		n -= take;
		if (*fill < bs)
			return;
		blocks(st, buf, 1);
		*fill = 0;
	}
	if (n >= bs) {
		blocks(st, p, n / bs);
		p += n - n % bs;
		n %= bs;
	}
	if (n > 0) {
		memcpy(buf, p, n);
		*fill = (uint32_t)n;
	}
}

/*
 * FIPS 180-4 5.1 padding and the last compression(s): 0x80, zeros, then the
 * message length in bits as a big-endian integer of lenbytes bytes (8 for
 * SHA-256, 16 for SHA-512; len < 2^64 bytes, so a 16-byte count's high half
 * is len >> 61).  buf holds fill < bs bytes.
 */
static inline void sha2_pad(void *st, uint8_t *buf, uint32_t fill, size_t bs, size_t lenbytes,
			    sha2_blocks_fn blocks, uint64_t len)
{
	buf[fill++] = 0x80;
	if (fill > bs - lenbytes) {
		memset(buf + fill, 0, bs - fill);
		blocks(st, buf, 1);
		fill = 0;
	}
	memset(buf + fill, 0, bs - 8 - fill);
	if (lenbytes == 16)
		store64_be(buf + bs - 16, len >> 61);
	store64_be(buf + bs - 8, len << 3);
	blocks(st, buf, 1);
}

/* ---------------------------------------------------------------- SHA-256 */

/* FIPS 180-4 4.2.2: first 32 bits of the cube roots of the first 64 primes. */
static const uint32_t K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* FIPS 180-4 5.3.3 */
static const uint32_t IV256[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

/* One round; the caller rotates the roles of a..h instead of moving data. */
#define R256(a, b, c, d, e, f, g, h, w, k)                                                         \
	do {                                                                                       \
		uint32_t t1_ = (h) + (ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25)) +                 \
			       (((e) & (f)) ^ (~(e) & (g))) + (k) + (w);                           \
		uint32_t t2_ = (ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22)) +                       \
			       (((a) & (b)) ^ ((a) & (c)) ^ ((b) & (c)));                          \
		(d) += t1_;                                                                        \
		(h) = t1_ + t2_;                                                                   \
	} while (0)

/* Schedule word t (t >= 16) in place, in a 16-word ring. */
#define W256(w, t)                                                                                 \
	((w)[(t)&15] += (ror32((w)[((t)-2) & 15], 17) ^ ror32((w)[((t)-2) & 15], 19) ^             \
			 ((w)[((t)-2) & 15] >> 10)) +                                              \
			(w)[((t)-7) & 15] +                                                        \
			(ror32((w)[((t)-15) & 15], 7) ^ ror32((w)[((t)-15) & 15], 18) ^            \
			 ((w)[((t)-15) & 15] >> 3)))

/* Eight rounds starting at round t; words come from w[] as-is when t < 16. */
#define R256x8(t, sched)                                                                           \
	do {                                                                                       \
		for (int j_ = 0; j_ < 8; j_++)                                                     \
			if (sched)                                                                 \
				W256(w, (t) + j_);                                                 \
		R256(a, b, c, d, e, f, g, h, w[((t) + 0) & 15], K256[(t) + 0]);                    \
		R256(h, a, b, c, d, e, f, g, w[((t) + 1) & 15], K256[(t) + 1]);                    \
		R256(g, h, a, b, c, d, e, f, w[((t) + 2) & 15], K256[(t) + 2]);                    \
		R256(f, g, h, a, b, c, d, e, w[((t) + 3) & 15], K256[(t) + 3]);                    \
		R256(e, f, g, h, a, b, c, d, w[((t) + 4) & 15], K256[(t) + 4]);                    \
		R256(d, e, f, g, h, a, b, c, w[((t) + 5) & 15], K256[(t) + 5]);                    \
		R256(c, d, e, f, g, h, a, b, w[((t) + 6) & 15], K256[(t) + 6]);                    \
		R256(b, c, d, e, f, g, h, a, w[((t) + 7) & 15], K256[(t) + 7]);                    \
	} while (0)

/* Portable compression of n 64-byte blocks into st (also exported for tests). */
void vx_sha256_blocks_portable(uint32_t st[8], const uint8_t *p, size_t n)
{
	uint32_t w[16];

	for (; n > 0; n--, p += 64) {
		uint32_t a = st[0], b = st[1], c = st[2], d = st[3];
		uint32_t e = st[4], f = st[5], g = st[6], h = st[7];

		for (int i = 0; i < 16; i++)
			w[i] = load32_be(p + 4 * i);
		R256x8(0, 0);
		R256x8(8, 0);
		for (int t = 16; t < 64; t += 16) {
			R256x8(t, 1);
			R256x8(t + 8, 1);
		}
		st[0] += a;
		st[1] += b;
		st[2] += c;
		st[3] += d;
		st[4] += e;
		st[5] += f;
		st[6] += g;
		st[7] += h;
	}
}

#if defined(__x86_64__) && defined(__SSE2__) && !defined(VX_KERNEL)
#define VX_HAVE_SHA_NI 1

typedef uint32_t v4u __attribute__((vector_size(16)));

/* Each helper is one instruction; the compiler allocates the registers. */
static inline v4u rnds2(v4u cdgh, v4u abef, v4u wk)
{
	__asm__("sha256rnds2 %%xmm0, %1, %0" : "+x"(cdgh) : "x"(abef), "Yz"(wk));
	return cdgh;
}

static inline v4u msg1(v4u a, v4u b)
{
	__asm__("sha256msg1 %1, %0" : "+x"(a) : "x"(b));
	return a;
}

static inline v4u msg2(v4u a, v4u b)
{
	__asm__("sha256msg2 %1, %0" : "+x"(a) : "x"(b));
	return a;
}

/* (hi:lo) >> 32 bits: lo[1], lo[2], lo[3], hi[0]. */
static inline v4u alignr4(v4u hi, v4u lo)
{
	__asm__("palignr $4, %1, %0" : "+x"(hi) : "x"(lo));
	return hi;
}

/* Upper two words moved down (pshufd 0x0e): the second round pair's inputs. */
static inline v4u high2(v4u x)
{
	v4u r;
	__asm__("pshufd $0x0e, %1, %0" : "=x"(r) : "x"(x));
	return r;
}

static inline v4u load_be(const uint8_t *p)
{
	static const uint8_t swap[16] = {3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12};
	v4u v, m;

	memcpy(&v, p, 16);
	memcpy(&m, swap, 16);
	__asm__("pshufb %1, %0" : "+x"(v) : "x"(m));
	return v;
}

static inline v4u kvec(int i)
{
	v4u k;

	memcpy(&k, &K256[4 * i], 16);
	return k;
}

/*
 * SHA-NI compression.  The state lives in two registers in the order the
 * instructions want: abef = {f, e, b, a} and cdgh = {h, g, d, c} (lane 0
 * first).  Each group of four schedule words feeds two rnds2 (four rounds);
 * group g >= 4 is msg2(msg1(g-4, g-3) + alignr(g-1, g-2), g-1).
 */
static void sha256_blocks_ni(uint32_t st[8], const uint8_t *p, size_t n)
{
	v4u abef = {st[5], st[4], st[1], st[0]};
	v4u cdgh = {st[7], st[6], st[3], st[2]};

	for (; n > 0; n--, p += 64) {
		v4u abef0 = abef, cdgh0 = cdgh, w[4], wk;

		for (int i = 0; i < 16; i++) {
			v4u cur;
			if (i < 4) {
				cur = load_be(p + 16 * i);
			} else {
				v4u t = msg1(w[i & 3], w[(i + 1) & 3]);
				t += alignr4(w[(i + 3) & 3], w[(i + 2) & 3]);
				cur = msg2(t, w[(i + 3) & 3]);
			}
			w[i & 3] = cur;
			wk = cur + kvec(i);
			cdgh = rnds2(cdgh, abef, wk);
			abef = rnds2(abef, cdgh, high2(wk));
		}
		abef += abef0;
		cdgh += cdgh0;
	}
	st[0] = abef[3];
	st[1] = abef[2];
	st[4] = abef[1];
	st[5] = abef[0];
	st[2] = cdgh[3];
	st[3] = cdgh[2];
	st[6] = cdgh[1];
	st[7] = cdgh[0];
}

#endif

static void sha256_blocks(void *st, const uint8_t *p, size_t n)
{
#ifdef VX_HAVE_SHA_NI
	if (vx_cpu_features() & VX_CPU_SHA_NI) {
		sha256_blocks_ni(st, p, n);
		return;
	}
#endif
	vx_sha256_blocks_portable(st, p, n);
}

void vx_sha256_init(struct vx_sha256 *c)
{
	memcpy(c->h, IV256, sizeof(c->h));
	c->len = 0;
	c->fill = 0;
}

void vx_sha256_update(struct vx_sha256 *c, const void *p, size_t n)
{
	if (n == 0)
		return; /* p may be NULL */
	c->len += n;
	sha2_absorb(c->h, c->buf, &c->fill, VX_SHA256_BLOCK, sha256_blocks, p, n);
}

void vx_sha256_final(struct vx_sha256 *c, uint8_t out[32])
{
	sha2_pad(c->h, c->buf, c->fill, VX_SHA256_BLOCK, 8, sha256_blocks, c->len);
	for (int i = 0; i < 8; i++)
		store32_be(out + 4 * i, c->h[i]);
	vx_wipe(c, sizeof(*c));
}

void vx_sha256(const void *p, size_t n, uint8_t out[32])
{
	struct vx_sha256 c;

	vx_sha256_init(&c);
	vx_sha256_update(&c, p, n);
	vx_sha256_final(&c, out);
}

/* ---------------------------------------------------------------- SHA-512 */

/* FIPS 180-4 4.2.3: first 64 bits of the cube roots of the first 80 primes. */
static const uint64_t K512[80] = {
    0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc,
    0x3956c25bf348b538, 0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118,
    0xd807aa98a3030242, 0x12835b0145706fbe, 0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2,
    0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235, 0xc19bf174cf692694,
    0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
    0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5,
    0x983e5152ee66dfab, 0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4,
    0xc6e00bf33da88fc2, 0xd5a79147930aa725, 0x06ca6351e003826f, 0x142929670a0e6e70,
    0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed, 0x53380d139d95b3df,
    0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
    0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30,
    0xd192e819d6ef5218, 0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8,
    0x19a4c116b8d2d0c8, 0x1e376c085141ab53, 0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8,
    0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373, 0x682e6ff3d6b2b8a3,
    0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
    0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b,
    0xca273eceea26619c, 0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178,
    0x06f067aa72176fba, 0x0a637dc5a2c898a6, 0x113f9804bef90dae, 0x1b710b35131c471b,
    0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc, 0x431d67c49c100d4c,
    0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
};

/* FIPS 180-4 5.3.5 */
static const uint64_t IV512[8] = {
    0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
    0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
};

#define R512(a, b, c, d, e, f, g, h, w, k)                                                         \
	do {                                                                                       \
		uint64_t t1_ = (h) + (ror64(e, 14) ^ ror64(e, 18) ^ ror64(e, 41)) +                \
			       (((e) & (f)) ^ (~(e) & (g))) + (k) + (w);                           \
		uint64_t t2_ = (ror64(a, 28) ^ ror64(a, 34) ^ ror64(a, 39)) +                      \
			       (((a) & (b)) ^ ((a) & (c)) ^ ((b) & (c)));                          \
		(d) += t1_;                                                                        \
		(h) = t1_ + t2_;                                                                   \
	} while (0)

#define W512(w, t)                                                                                 \
	((w)[(t)&15] += (ror64((w)[((t)-2) & 15], 19) ^ ror64((w)[((t)-2) & 15], 61) ^             \
			 ((w)[((t)-2) & 15] >> 6)) +                                               \
			(w)[((t)-7) & 15] +                                                        \
			(ror64((w)[((t)-15) & 15], 1) ^ ror64((w)[((t)-15) & 15], 8) ^             \
			 ((w)[((t)-15) & 15] >> 7)))

#define R512x8(t, sched)                                                                           \
	do {                                                                                       \
		for (int j_ = 0; j_ < 8; j_++)                                                     \
			if (sched)                                                                 \
				W512(w, (t) + j_);                                                 \
		R512(a, b, c, d, e, f, g, h, w[((t) + 0) & 15], K512[(t) + 0]);                    \
		R512(h, a, b, c, d, e, f, g, w[((t) + 1) & 15], K512[(t) + 1]);                    \
		R512(g, h, a, b, c, d, e, f, w[((t) + 2) & 15], K512[(t) + 2]);                    \
		R512(f, g, h, a, b, c, d, e, w[((t) + 3) & 15], K512[(t) + 3]);                    \
		R512(e, f, g, h, a, b, c, d, w[((t) + 4) & 15], K512[(t) + 4]);                    \
		R512(d, e, f, g, h, a, b, c, w[((t) + 5) & 15], K512[(t) + 5]);                    \
		R512(c, d, e, f, g, h, a, b, w[((t) + 6) & 15], K512[(t) + 6]);                    \
		R512(b, c, d, e, f, g, h, a, w[((t) + 7) & 15], K512[(t) + 7]);                    \
	} while (0)

static void sha512_blocks(void *state, const uint8_t *p, size_t n)
{
	uint64_t *st = state, w[16];

	for (; n > 0; n--, p += 128) {
		uint64_t a = st[0], b = st[1], c = st[2], d = st[3];
		uint64_t e = st[4], f = st[5], g = st[6], h = st[7];

		for (int i = 0; i < 16; i++)
			w[i] = load64_be(p + 8 * i);
		R512x8(0, 0);
		R512x8(8, 0);
		for (int t = 16; t < 80; t += 16) {
			R512x8(t, 1);
			R512x8(t + 8, 1);
		}
		st[0] += a;
		st[1] += b;
		st[2] += c;
		st[3] += d;
		st[4] += e;
		st[5] += f;
		st[6] += g;
		st[7] += h;
	}
}

void vx_sha512_init(struct vx_sha512 *c)
{
	memcpy(c->h, IV512, sizeof(c->h));
	c->len = 0;
	c->fill = 0;
}

void vx_sha512_update(struct vx_sha512 *c, const void *p, size_t n)
{
	if (n == 0)
		return; /* p may be NULL */
	c->len += n;
	sha2_absorb(c->h, c->buf, &c->fill, VX_SHA512_BLOCK, sha512_blocks, p, n);
}

void vx_sha512_final(struct vx_sha512 *c, uint8_t out[64])
{
	sha2_pad(c->h, c->buf, c->fill, VX_SHA512_BLOCK, 16, sha512_blocks, c->len);
	for (int i = 0; i < 8; i++)
		store64_be(out + 8 * i, c->h[i]);
	vx_wipe(c, sizeof(*c));
}

void vx_sha512(const void *p, size_t n, uint8_t out[64])
{
	struct vx_sha512 c;

	vx_sha512_init(&c);
	vx_sha512_update(&c, p, n);
	vx_sha512_final(&c, out);
}
