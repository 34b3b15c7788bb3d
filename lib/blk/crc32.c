/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CRC-32 (IEEE 802.3, reflected), four bits a step; see crc32.h.
 */
#include "blk/crc32.h"

/* nibble[i] is the register after shifting the four bits of i out of it:
 * four steps of "shift right, and xor 0xEDB88320 if a one fell out". */
static const uint32_t nibble[16] = {
    0x00000000u, 0x1db71064u, 0x3b6e20c8u, 0x26d930acu, 0x76dc4190u, 0x6b6b51f4u,
    0x4db26158u, 0x5005713cu, 0xedb88320u, 0xf00f9344u, 0xd6d6a3e8u, 0xcb61b38cu,
    0x9b64c2b0u, 0x86d3d2d4u, 0xa00ae278u, 0xbdbdf21cu,
};

/* Any crc and n; reads exactly n bytes of p. */
uint32_t vx_crc32(uint32_t crc, const void *p, size_t n)
{
	const uint8_t *b = p;

	crc = ~crc;
	for (size_t i = 0; i < n; i++) {
		crc ^= b[i];
		crc = (crc >> 4) ^ nibble[crc & 0xfu];
		crc = (crc >> 4) ^ nibble[crc & 0xfu];
	}
	return ~crc;
}
