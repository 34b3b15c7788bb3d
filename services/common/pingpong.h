/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ping/pong demo protocol: one 64-byte message per Ring slot.
 * ping sends PP_PING (and once PP_MEM, with a MemCap passed alongside
 * through the Ring's transfer queue); pong answers each with PP_PONG and the
 * same sequence number.  ping re-sends after a timeout, so a pong that dies
 * and is restarted by init loses nothing.
 */
#ifndef SERVICES_PINGPONG_H
#define SERVICES_PINGPONG_H

#include <stdint.h>

enum { PP_PING = 1, PP_PONG = 2, PP_MEM = 3 };

struct pp_msg {
	uint32_t kind;
	uint32_t seq;
	uint64_t xfer; /* PP_MEM: transfer sequence number of the MemCap */
	char text[48];
};
_Static_assert(sizeof(struct pp_msg) == 64, "one ring slot");

#define PP_REQ_VA  0x30000000ull
#define PP_REP_VA  0x30100000ull
#define PP_MEM_VA  0x30200000ull
#define PP_BIT_REQ 1
#define PP_BIT_REP 2

#endif
