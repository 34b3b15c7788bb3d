/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Client helpers for the name-resolution protocol (vectra/proto/dns.h),
 * served by dnsd over connections named "dns".  Built for VectraOS only
 * (dns.c, libvxclient.a).
 */
#ifndef VX_CLIENT_DNS_H
#define VX_CLIENT_DNS_H

#include <stdbool.h>
#include <stdint.h>
#include "vectra/proto/dns.h"
#include "rt/svc.h"

/*
 * Resolves name to IPv4 addresses.  A dotted quad (A.B.C.D, each at most
 * 255) is its own answer, without asking dnsd (c may then be NULL):
 * source DNS_SRC_LITERAL, ttl_s 0.  Anything else goes to dnsd as
 * DNS_RESOLVE, waiting up to the deadline (give it DNS_RESOLVE_MAX_MS
 * and some).
 *
 * Returns the status: VX_OK when *out holds dnsd's answer, whose result
 * says how the resolution ended (VX_OK with out->naddr addresses,
 * VX_E_NOTFOUND, VX_E_TIMEOUT...: proto/dns.h); else dnsd's error for
 * the request (VX_E_INVAL, VX_E_TOOBIG, VX_E_FULL), VX_E_TOOBIG for a
 * name over DNS_REQ_NAME_MAX bytes (nothing sent), VX_E_CORRUPT for a
 * reply that is not a struct dns_answer with a result and count it may
 * have, or the transport's (rt/svc.h: VX_E_AGAIN while dnsd is not
 * running, VX_E_TIMEOUT, VX_E_NOTFOUND without a connection).
 */
int vx_dns_resolve(struct vx_client *c, const char *name, struct dns_answer *out,
		   uint64_t deadline);

/* vx_dns_resolve for a caller whose person may give up: stop(ctx) is
 * asked every step_ns while dnsd works, and once it says true (or the
 * deadline passes) the call returns VX_E_TIMEOUT at once; dnsd's answer,
 * when it comes, is dropped as stale.  The request goes with
 * vx_client_send: nothing else may use c's meanwhile (VX_E_BUSY). */
int vx_dns_resolve_stop(struct vx_client *c, const char *name, struct dns_answer *out,
			uint64_t deadline, uint64_t step_ns, bool (*stop)(void *ctx), void *ctx);

/* Is s a dotted quad (into a)? */
bool vx_dns_literal(const char *s, uint8_t a[4]);

/* The name of dnsd's counter i (enum dns_counter), NULL past the last. */
const char *vx_dns_counter_name(uint32_t i);

/* The name of a DNS_SRC_* value ("hosts", "cache", "server", ...). */
const char *vx_dns_source_name(uint32_t source);

#endif
