/* SPDX-License-Identifier: BSD-3-Clause */
/* The Internet checksum (RFC 1071); see cksum.h. */
#include "net/cksum.h"

uint32_t vx_cksum_add(uint32_t sum, const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t s = sum;

	while (n >= 2) {
		s += (uint32_t)b[0] << 8 | b[1];
		b += 2;
		n -= 2;
	}
	if (n)
		s += (uint32_t)b[0] << 8;
	while (s >> 32)
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
