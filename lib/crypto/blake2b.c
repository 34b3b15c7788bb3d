/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * BLAKE2b (RFC 7693).
 *
 * Implements: the BLAKE2b compression function F (section 3.2, 12 rounds,
 * G rotations 32/24/16/63, SIGMA schedule of section 2.7) and the hash of
 * section 3.3 with parameter block word 0x0101kknn (no salt, personal or
 * tree parameters).  The key, if any, is padded to a full first block.
 * The final block is buffered until vx_blake2b_final so that it can be
 * compressed with the last-block flag; a message that is a multiple of
 * 128 bytes therefore ends with a full, flagged block, as the RFC requires.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vectra/abi.h"
#include "vx_string.h"
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "this file assumes a little-endian target"
#endif

#include "crypto/blake2b.h"

static const uint64_t iv[8] = {
    0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull, 0x3c6ef372fe94f82bull, 0xa54ff53a5f1d36f1ull,
    0x510e527fade682d1ull, 0x9b05688c2b3e6c1full, 0x1f83d9abfb41bd6bull, 0x5be0cd19137e2179ull,
};

static const uint8_t sigma[12][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
};

static uint64_t rotr64(uint64_t x, int n)
{
	return (x >> n) | (x << (64 - n));
}

/* Little-endian load (the #error above guards the byte order). */
static uint64_t load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

#define G(a, b, c, d, x, y)                                                                        \
	do {                                                                                       \
		v[a] = v[a] + v[b] + (x);                                                          \
		v[d] = rotr64(v[d] ^ v[a], 32);                                                    \
		v[c] = v[c] + v[d];                                                                \
		v[b] = rotr64(v[b] ^ v[c], 24);                                                    \
		v[a] = v[a] + v[b] + (y);                                                          \
		v[d] = rotr64(v[d] ^ v[a], 16);                                                    \
		v[c] = v[c] + v[d];                                                                \
		v[b] = rotr64(v[b] ^ v[c], 63);                                                    \
	} while (0)

/* F: compress one 128-byte block into h; last is true for the final block. */
static void compress(struct vx_blake2b *st, const uint8_t block[128], bool last)
{
	uint64_t m[16], v[16];

	for (int i = 0; i < 16; i++)
		m[i] = load64(block + 8 * i);
	for (int i = 0; i < 8; i++) {
		v[i] = st->h[i];
		v[8 + i] = iv[i];
	}
	v[12] ^= st->t[0];
	v[13] ^= st->t[1];
	if (last)
		v[14] = ~v[14];
	for (int r = 0; r < 12; r++) {
		const uint8_t *s = sigma[r];

		G(0, 4, 8, 12, m[s[0]], m[s[1]]);
		G(1, 5, 9, 13, m[s[2]], m[s[3]]);
		G(2, 6, 10, 14, m[s[4]], m[s[5]]);
		G(3, 7, 11, 15, m[s[6]], m[s[7]]);
		G(0, 5, 10, 15, m[s[8]], m[s[9]]);
		G(1, 6, 11, 12, m[s[10]], m[s[11]]);
		G(2, 7, 8, 13, m[s[12]], m[s[13]]);
		G(3, 4, 9, 14, m[s[14]], m[s[15]]);
	}
	for (int i = 0; i < 8; i++)
		st->h[i] ^= v[i] ^ v[8 + i];
}

/* Advance the 128-bit byte counter. */
static void count(struct vx_blake2b *st, size_t n)
{
	st->t[0] += n;
	if (st->t[0] < n)
		st->t[1]++;
}

int vx_blake2b_init(struct vx_blake2b *st, size_t outlen, const uint8_t *key, size_t keylen)
{
	if (outlen == 0 || outlen > 64 || keylen > 64 || (keylen && !key))
		return VX_E_INVAL;
	for (int i = 0; i < 8; i++)
		st->h[i] = iv[i];
	st->h[0] ^= 0x01010000ull ^ ((uint64_t)keylen << 8) ^ outlen;
	st->t[0] = st->t[1] = 0;
	st->buflen = 0;
	st->outlen = outlen;
	memset(st->buf, 0, sizeof st->buf);
	if (keylen) {
		memcpy(st->buf, key, keylen);
		st->buflen = 128;
	}
	return VX_OK;
}

void vx_blake2b_update(struct vx_blake2b *st, const void *in, size_t len)
{
	const uint8_t *p = in;

	while (len > 0) {
		size_t n;

		if (st->buflen == 128) { /* more data follows: the block is not last */
			count(st, 128);
			compress(st, st->buf, false);
			st->buflen = 0;
		}
		if (st->buflen == 0) {
			while (len > 128) {
				count(st, 128);
				compress(st, p, false);
				p += 128;
				len -= 128;
			}
		}
		n = 128 - st->buflen;
		if (n > len)
			n = len;
		memcpy(st->buf + st->buflen, p, n);
		st->buflen += n;
		p += n;
		len -= n;
	}
}

void vx_blake2b_final(struct vx_blake2b *st, uint8_t *out)
{
	count(st, st->buflen);
	memset(st->buf + st->buflen, 0, 128 - st->buflen);
	compress(st, st->buf, true);
	for (size_t i = 0; i < st->outlen; i++)
		out[i] = (uint8_t)(st->h[i / 8] >> (8 * (i % 8)));
	memset(st, 0, sizeof *st);
	__asm__ __volatile__("" : : "r"(st) : "memory");
}

int vx_blake2b(uint8_t *out, size_t outlen, const void *in, size_t inlen, const uint8_t *key,
	       size_t keylen)
{
	struct vx_blake2b st;
	int rc = vx_blake2b_init(&st, outlen, key, keylen);

	if (rc != VX_OK)
		return rc;
	vx_blake2b_update(&st, in, inlen);
	vx_blake2b_final(&st, out);
	return VX_OK;
}
