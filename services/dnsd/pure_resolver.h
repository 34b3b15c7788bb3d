/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dnsd's resolver: everything it decides, with the socket, the clients
 * and the randomness behind callbacks, so the host tests
 * (tests/host/test_dnsd.c) drive it through whole exchanges: hosts file,
 * cache, queries and their retransmits, replies from spoofers and from the
 * server, clients joining a query and leaving.  Pure: no syscalls, the
 * time comes in as now (ns).
 *
 * A DNS_RESOLVE (decoded by pure_dnsmsg.c) is answered at once from the
 * name itself, the hosts table or the cache, or becomes a waiter on a
 * query: one per name being asked, DNS_QUERIES_MAX at most, with a
 * random id that no other query uses.  The query is sent at once and
 * again DNS_RETRY_MS later, then twice as long each time, DNS_TRIES sends
 * in all; then its waiters get VX_E_TIMEOUT, or VX_E_CORRUPT if only
 * malformed replies came.  A reply counts only from the server's address
 * and port 53, with the id of a query waiting, and when vx_dns_parse takes
 * it as an answer to that query's question; a malformed one is counted and
 * the query keeps waiting.  Answers and negative answers go into the
 * cache for their TTL; the server's errors (TC, SERVFAIL, REFUSED, other
 * RCODEs) are passed on and not cached.
 */
#ifndef DNSD_PURE_RESOLVER_H
#define DNSD_PURE_RESOLVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "net/dns.h"
#include "pure_dnsmsg.h"
#include "vectra/proto/dns.h"

struct dns_ops {
	/* The server to ask into out; false when none is known (yet). */
	bool (*server)(void *ctx, uint8_t out[4]);
	/* Sends one query to the server's port 53: VX_OK or the socket's
	 * error (which ends the query with it). */
	int (*send)(void *ctx, const uint8_t *msg, size_t len);
	/* Waiter w's answer (it is free again afterwards). */
	void (*answer)(void *ctx, uint32_t w, const struct dns_answer *a);
	/* n random bytes. */
	void (*random)(void *ctx, uint8_t *out, uint32_t n);
};

struct dns_query {
	bool used;
	uint16_t id;
	uint32_t tries; /* sends so far */
	uint64_t next;	/* the next send, or the end after the last */
	int bad;	/* VX_E_CORRUPT once a malformed reply came */
	uint8_t why;	/* its reason */
	char name[VX_DNS_NAME_MAX + 1];
};

struct dns_core {
	struct dns_ops ops;
	void *ctx;
	uint8_t server[4]; /* the last the server callback gave */
	struct vx_dns_cache cache;
	struct vx_hosts hosts;
	uint64_t count[DNSC_COUNT];
	struct dns_query q[DNS_QUERIES_MAX];
	struct {
		bool used;
		uint32_t q;
	} w[DNS_WAIT_MAX];
	uint8_t buf[VX_DNS_QUERY_MAX];
};

#define DNS_CORE_WAIT 1 /* dns_core_resolve: the answer comes later */

void dns_core_init(struct dns_core *d, const struct dns_ops *ops, void *ctx);

/* A decoded DNS_RESOLVE (r->op == DNS_RESOLVE): VX_OK with *a to answer
 * now; DNS_CORE_WAIT with *w, the waiter ops.answer will name; or
 * VX_E_FULL (nothing changed). */
int dns_core_resolve(struct dns_core *d, const struct dns_req *r, uint64_t now,
		     struct dns_answer *a, uint32_t *w);

/* One datagram from the socket, from from:port. */
void dns_core_reply(struct dns_core *d, const uint8_t *msg, size_t len, const uint8_t from[4],
		    uint16_t port, uint64_t now);

/* Resends and ends the queries whose time came; returns the next
 * deadline (UINT64_MAX: none). */
uint64_t dns_core_tick(struct dns_core *d, uint64_t now);

/* Waiter w's client went away: it is forgotten (its query goes on, and
 * its answer still fills the cache). */
void dns_core_drop(struct dns_core *d, uint32_t w);

/* Requests waiting. */
uint32_t dns_core_waiting(const struct dns_core *d);

#endif
