/* SPDX-License-Identifier: BSD-3-Clause */
/* The broker's back-pressure, pure (see pure_broker.h). */
#include "pure_broker.h"
#include "vectra/ring.h"

uint32_t broker_queued(uint64_t ring_state)
{
	return (uint32_t)(ring_state >> 8) & 0xffu;
}

bool broker_pair_fits(uint64_t port_ring_state)
{
	return broker_queued(port_ring_state) + 2 <= VX_RING_XFER_MAX;
}
