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
 *
 * A long piece (a received TCP segment: netd checks every one) is summed
 * in the other byte order instead, its words read little-endian: swapping
 * the two bytes of a 16-bit word multiplies it by 2^8 modulo 2^16 - 1, so
 * the little-endian sum is the big-endian one times 2^8, and swapping the
 * folded 16-bit result back gives the big-endian sum (RFC 1071 section
 * 2(B)).  Read that way a word needs no byte swap, and on x86-64 eight
 * words go into one chain of add-with-carry instructions: about a fifth
 * of the instructions a byte costs in the loop below.  The swap maps 0 to
 * 0 and 0xffff to 0xffff, and the end-around carry keeps a nonzero sum
 * nonzero, so the fold of the result is the one the other order gives.
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

/* The eight bytes at b as a little-endian number (one load on x86-64). */
static inline uint64_t load_le64(const uint8_t *b)
{
	return (uint64_t)b[7] << 56 | (uint64_t)b[6] << 48 | (uint64_t)b[5] << 40 |
	       (uint64_t)b[4] << 32 | (uint64_t)b[3] << 24 | (uint64_t)b[2] << 16 |
	       (uint64_t)b[1] << 8 | (uint64_t)b[0];
}

/* s modulo 2^16 - 1 in 16 bits, end-around: 0 only when s is 0. */
static inline uint32_t fold16(uint64_t s)
{
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffu) + (s >> 16);
	s = (s & 0xffffu) + (s >> 16);
	return (uint32_t)s;
}

static inline uint32_t swap16(uint32_t x)
{
	return (x >> 8 | x << 8) & 0xffffu;
}

/* A long piece, its words little-endian (above): the big-endian partial
 * sum into that order, and the result back. */
static uint32_t cksum_add_long(uint32_t sum, const uint8_t *b, size_t n)
{
	uint64_t s = swap16(fold16(sum));

#if defined(__x86_64__)
	/* Sixty-four bytes a turn in one carry chain; its last adc brings
	 * the chain's carry back in at bit 0. */
	while (n >= 64) {
		__asm__("addq 0(%[b]), %[s]\n\t"
			"adcq 8(%[b]), %[s]\n\t"
			"adcq 16(%[b]), %[s]\n\t"
			"adcq 24(%[b]), %[s]\n\t"
			"adcq 32(%[b]), %[s]\n\t"
			"adcq 40(%[b]), %[s]\n\t"
			"adcq 48(%[b]), %[s]\n\t"
			"adcq 56(%[b]), %[s]\n\t"
			"adcq $0, %[s]"
			: [s] "+r"(s)
			: [b] "r"(b), "m"(*(const uint8_t(*)[64])b)
			: "cc");
		b += 64;
		n -= 64;
	}
#endif
	while (n >= 8) {
		s = add_carry(s, load_le64(b));
		b += 8;
		n -= 8;
	}
	if (n) {
		uint64_t w = 0;
		for (size_t i = 0; i < n; i++)
			w |= (uint64_t)b[i] << (8 * i);
		s = add_carry(s, w);
	}
	return swap16(fold16(s));
}

uint32_t vx_cksum_add(uint32_t sum, const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t s = sum;

	if (n >= 128)
		return cksum_add_long(sum, b, n);

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
		unsigned at = 56; /* where the next byte's bits go */
		if (n & 4) {
			w = (uint64_t)b[0] << 56 | (uint64_t)b[1] << 48 | (uint64_t)b[2] << 40 |
			    (uint64_t)b[3] << 32;
			b += 4;
			at = 24;
		}
		if (n & 2) {
			w |= ((uint64_t)b[0] << 8 | b[1]) << (at - 8);
			b += 2;
			at -= 16;
		}
		if (n & 1)
			w |= (uint64_t)b[0] << at;
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
	/* The six 16-bit words added at once: at most 6 * 0xffff, and 0 only
	 * when every byte is, as the byte loop's sum would be. */
	return ((uint32_t)src[0] << 8 | src[1]) + ((uint32_t)src[2] << 8 | src[3]) +
	       ((uint32_t)dst[0] << 8 | dst[1]) + ((uint32_t)dst[2] << 8 | dst[3]) + proto + len;
}

uint16_t vx_cksum(const void *p, size_t n)
{
	return vx_cksum_fold(vx_cksum_add(0, p, n));
}
