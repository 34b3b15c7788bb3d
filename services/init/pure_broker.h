/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The broker's back-pressure, pure.  init hands a server a connection as
 * two capabilities sent to the server's port, req then rep, and the server
 * takes them in that order as one pair.  The port's transfer queue holds
 * VX_RING_XFER_MAX capabilities; a send to a full queue fails.  If only
 * req fitted, the server would take it with the next pair's req as its
 * rep, and every pair after would be off by one.  So init sends a pair only
 * when both fit, and otherwise leaves the connection waiting and looks
 * again later (broker.c).  CAP_INSPECT of the port tells how many wait:
 * vx_cap_info.ring_state >> 8.
 */
#ifndef INIT_PURE_BROKER_H
#define INIT_PURE_BROKER_H

#include <stdbool.h>
#include <stdint.h>

/* How many capabilities wait in a Ring's transfer queue, from its
 * vx_cap_info.ring_state. */
uint32_t broker_queued(uint64_t ring_state);

/* Whether a pair (two capabilities) fits in the transfer queue of a port
 * whose vx_cap_info.ring_state is given. */
bool broker_pair_fits(uint64_t port_ring_state);

#endif
