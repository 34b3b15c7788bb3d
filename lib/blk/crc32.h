/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CRC-32 as GPT uses it (UEFI specification, "GPT Header"): the IEEE 802.3
 * polynomial 0x04C11DB7, bits taken least significant first (so the
 * reflected constant 0xEDB88320), register preset to all ones and the
 * result inverted.  It is the CRC of zlib's crc32() and of Ethernet; the
 * check value of "123456789" is 0xCBF43926.
 *
 * A nibble table (16 words) keeps it small; GPT reads at most a header
 * and one entry array per copy, so its speed does not matter.
 */
#ifndef VX_BLK_CRC32_H
#define VX_BLK_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* The CRC of the n bytes at p appended to data whose CRC was crc (0 for
 * nothing yet), so that vx_crc32(vx_crc32(0, a, na), b, nb) is the CRC of
 * a then b.  p may be NULL when n is 0. */
uint32_t vx_crc32(uint32_t crc, const void *p, size_t n);

#endif
