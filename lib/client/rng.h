/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Client helpers for the randomness protocol (vectra/proto/rng.h), served
 * by rngd over connections named "rng".  Built for VectraOS only (rng.c,
 * libvxclient.a).  Every call takes an absolute deadline (vx_clock()
 * nanoseconds) and returns VX_OK, rngd's error for the request
 * (vectra/proto/rng.h, "ERRORS") or the transport's (rt/svc.h:
 * VX_E_AGAIN when rngd is not running, VX_E_TIMEOUT, VX_E_CORRUPT).  A
 * reply that does not have the documented shape is VX_E_CORRUPT.
 *
 * A driver that feeds rngd calls vx_rng_client_source once with one of its
 * device capabilities (an IoPort or Irq), then vx_rng_client_feed with
 * what it reads from the device, RNG_FEED_MAX bytes at a time.  When a
 * FEED comes back with fed.id == RNG_ID_FEED (rngd was restarted and
 * forgot the source), it calls vx_rng_client_source again.
 */
#ifndef VX_CLIENT_RNG_H
#define VX_CLIENT_RNG_H

#include <stddef.h>
#include <stdint.h>
#include "vectra/proto/rng.h"
#include "rt/svc.h"

/*
 * RNG_GET: n bytes (1..RNG_GET_MAX) at level RNG_LEVEL_STANDARD or
 * RNG_LEVEL_HIGH into out.  VX_E_AGAIN from rngd means High lacks credit
 * (ask again later; out is untouched), but is also the transport's word
 * for "rngd is down": tell them apart with vx_client_server_up.  A bad
 * level or n is refused here with rngd's own error (VX_E_INVAL,
 * VX_E_TOOBIG) without sending anything.
 */
int vx_rng_client_get(struct vx_client *c, uint32_t level, void *out, size_t n, uint64_t deadline);

/*
 * RNG_FEED of buf[0..n), 1..RNG_FEED_MAX bytes (VX_E_INVAL for 0,
 * VX_E_TOOBIG beyond, without sending).  *fed (may be NULL) says what
 * rngd credited and to which source id: 0 bits unless this connection was
 * made a source with vx_rng_client_source.
 */
int vx_rng_client_feed(struct vx_client *c, const void *buf, size_t n, struct rng_fed *fed,
		       uint64_t deadline);

/*
 * RNG_SOURCE: proves this connection belongs to a device driver by sending
 * a child of device (an IoPort or Irq capability with VX_R_GRANT) that has
 * no rights at all; rngd inspects its type and deletes it.  *id (may be
 * NULL) is the connection's source id.  VX_E_TYPE for another kind of
 * capability, VX_E_EXISTS if already a source, VX_E_FULL if
 * RNG_SOURCES_MAX are taken; the kernel's error if device cannot be sent
 * (VX_E_RIGHTS without VX_R_GRANT).
 */
int vx_rng_client_source(struct vx_client *c, vx_handle_t device, uint32_t *id, uint64_t deadline);

/* RNG_STATUS into *st. */
int vx_rng_client_status(struct vx_client *c, struct rng_status *st, uint64_t deadline);

#endif
