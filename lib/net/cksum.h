/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Internet checksum (RFC 1071): the ones' complement of the ones'
 * complement sum of the data as big-endian 16-bit words, an odd last byte
 * padded with zero.  IPv4 headers, ICMP, UDP and TCP all use it; UDP and
 * TCP also sum a pseudo-header (RFC 768, RFC 9293 section 3.1).
 *
 * Sums are carried as uint32_t partial sums so that pieces can be added
 * up (header, pseudo-header, payload) and folded once at the end.  A piece
 * of odd length may only be the last one.  A partial sum is the sum
 * modulo 2^16 - 1 carried in 32 bits, so only its fold is a checksum: do
 * not compare partial sums with each other.
 */
#ifndef VX_NET_CKSUM_H
#define VX_NET_CKSUM_H

#include <stddef.h>
#include <stdint.h>

/* Add the n bytes at p to the partial sum. */
uint32_t vx_cksum_add(uint32_t sum, const void *p, size_t n);
/* Fold a partial sum to 16 bits and complement it: the checksum field. */
uint16_t vx_cksum_fold(uint32_t sum);
/* The partial sum of the IPv4 pseudo-header: addresses in network order
 * as stored in the packet, protocol number, and the segment's length. */
uint32_t vx_cksum_pseudo4(const uint8_t src[4], const uint8_t dst[4], uint8_t proto, uint16_t len);
/* The checksum of n bytes at p: vx_cksum_fold(vx_cksum_add(0, p, n)).
 * Over data that carries a correct checksum field it is 0. */
uint16_t vx_cksum(const void *p, size_t n);

#endif
