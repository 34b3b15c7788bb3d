/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 addresses as people write them, for netd's arguments and the
 * shell's commands.  Pure; tests/host/test_netmsg.c checks them.
 */
#ifndef VX_NET_ADDR_H
#define VX_NET_ADDR_H

#include <stdbool.h>
#include <stdint.h>

/* Is a a host's unicast address (not 0.0.0.0/8, not multicast 224/4,
 * not the reserved 240/4 or 255.255.255.255)?  Subnet broadcasts are the
 * stack's to refuse: it knows the mask. */
bool vx_ip_unicast(const uint8_t a[4]);

/* "A.B.C.D" -> a: true only for exactly four decimal numbers of at most
 * 255 (three digits each) separated by dots. */
bool vx_ip_parse(const char *s, uint8_t a[4]);

/* "A.B.C.D/N" -> the address and the mask of N bits (0..32). */
bool vx_cidr_parse(const char *s, uint8_t a[4], uint8_t mask[4]);

#endif
