/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Internet checksum (RFC 1071); see cksum.h.
 *
 * vx_cksum_add sums eight bytes a step instead of two.  Ones' complement
 * addition does not care how the bytes are grouped (RFC 1071 section 2):
 * eight bytes read as one big-endian 64-bit word are four 16-bit words
 * w0..w3 weighted 2^48, 2^32, 2^16 and 1, and since 2^16 = 1 modulo
 * 2^16 - 1, each weight is 1 there.  Adding 64-bit words with the carry
 * out of bit 63 brought back in at bit 0 (the "end-around carry") is
 * addition modulo 2^64 - 1, a multiple of 2^16 - 1, so the folded 16-bit
 * result is the one the 16-bit sum gives.  The end-around carry also keeps
 * a sum 0 only while every byte added is 0, as the 16-bit sum does, so
 * even the two zeros of ones' complement (0x0000, 0xffff) come out alike.
 *
 * Reading each word as big-endian with shifts makes the result the same
 * on any host, whatever its byte order or alignment rules; compilers turn
 * the shifts into one load and a byte swap on x86-64.
 */
#include "net/cksum.h"

/* The eight bytes at b as a big-endian number. */
static inline uint64_t load_be64(const uint8_t *b)
{
	return (uint64_t)b[0] << 56 | (uint64_t)b[1] << 48 | (uint64_t)b[2] << 40 |
	       (uint64_t)b[3] << 32 | (uint64_t)b[4] << 24 | (uint64_t)b[5] << 16 |
	       (uint64_t)b[6] << 8 | (uint64_t)b[7];
}

/* s + w modulo 2^64 - 1: the carry out of the top comes back at the bottom. */
static inline uint64_t add_carry(uint64_t s, uint64_t w)
{
	s += w;
	return s + (s < w);
}

uint32_t vx_cksum_add(uint32_t sum, const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t s = sum;

	/* Four words a turn: a quarter of the loop's own instructions. */
	while (n >= 32) {
		s = add_carry(s, load_be64(b));
		s = add_carry(s, load_be64(b + 8));
		s = add_carry(s, load_be64(b + 16));
		s = add_carry(s, load_be64(b + 24));
		b += 32;
		n -= 32;
	}
	while (n >= 8) {
		s = add_carry(s, load_be64(b));
		b += 8;
		n -= 8;
	}
	/* The last 0..7 bytes as one word padded with zeros on the right: an
	 * odd last byte is then the high half of its 16-bit word, as RFC 1071
	 * pads it. */
	if (n) {
		uint64_t w = 0;
		for (size_t i = 0; i < n; i++)
			w |= (uint64_t)b[i] << (56 - 8 * i);
		s = add_carry(s, w);
	}
	/* To 32 bits, still modulo 2^32 - 1 (a multiple of 2^16 - 1): the
	 * first fold leaves at most 33 bits, the second fits in 32. */
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffffffu) + (s >> 32);
	return (uint32_t)s;
}

uint16_t vx_cksum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint32_t vx_cksum_pseudo4(const uint8_t src[4], const uint8_t dst[4], uint8_t proto, uint16_t len)
{
	uint8_t tail[4] = {0, proto, (uint8_t)(len >> 8), (uint8_t)len};
	uint32_t s = vx_cksum_add(0, src, 4);

	s = vx_cksum_add(s, dst, 4);
	return vx_cksum_add(s, tail, 4);
}

uint16_t vx_cksum(const void *p, size_t n)
{
	return vx_cksum_fold(vx_cksum_add(0, p, n));
}
