/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rngd's pure logic (no I/O, no secrets): request decoding and the
 * per-source accounting behind RNG_STATUS and the credit policy of
 * vectra/proto/rng.h.  The service acts only on a request rng_decode
 * accepted, and credits a FEED only with what rng_feed says.  Host-tested
 * in tests/host/test_rngd.c, fuzzed by tests/fuzz/fuzz_rng_req.c.
 */
#ifndef RNGD_PURE_RNG_H
#define RNGD_PURE_RNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "rt/svc.h"
#include "vectra/proto/rng.h"

_Static_assert(sizeof(struct rng_status) <= VX_MSG_DATA, "a status fits one message");
_Static_assert(sizeof(struct rng_get) <= VX_MSG_DATA, "a GET fits one message");
_Static_assert(RNG_GET_MAX <= VX_MSG_DATA && RNG_FEED_MAX <= VX_MSG_DATA, "bounds fit a message");

struct rng_req {
	uint32_t op;	     /* enum rng_op */
	uint32_t level;	     /* GET: RNG_LEVEL_* */
	uint32_t n;	     /* GET: bytes asked */
	const uint8_t *data; /* FEED: the bytes (inside the message) */
	uint32_t len;	     /* FEED: bytes at data */
};

/*
 * Decodes m.  VX_OK and *r, or the first error that applies, in this
 * order: VX_E_NOSYS (unknown op); VX_E_INVAL (ncaps wrong for the op, then
 * a len that does not fit it: GET not exactly 8 bytes, FEED empty, STATUS
 * or SOURCE with data); for GET, VX_E_INVAL (level not Standard or High,
 * then n == 0) and VX_E_TOOBIG (n > RNG_GET_MAX); for FEED, VX_E_TOOBIG
 * (len > RNG_FEED_MAX).  m->len <= VX_MSG_DATA is the transport's promise
 * (a longer len is VX_E_INVAL all the same).  *r is zeroed on any error.
 */
int rng_decode(const struct vx_msg *m, struct rng_req *r);

/* One device source: a connection that proved it holds a device. */
struct rng_dev {
	bool used;
	uint32_t conn; /* vx_server_conn.id of its connection */
	uint64_t bytes;
	uint64_t credited_mbits;
};

/* What rngd has mixed in, per source, and what it answered. */
struct rng_ledger {
	struct rng_dev dev[RNG_SOURCES_MAX];
	uint64_t cpu_bytes, cpu_mbits; /* RDSEED + RDRAND */
	uint64_t jitter_bytes, jitter_mbits;
	uint64_t feed_bytes; /* uncredited FEEDs */
	uint32_t served_standard, served_high, refused_high, refused_bad;
};

/* Empties the ledger. */
void rng_ledger_init(struct rng_ledger *l);

/*
 * Makes connection conn a device source.  VX_OK and *id (RNG_ID_DEVICE0 +
 * the lowest free slot); VX_E_EXISTS if conn already is one (nothing
 * changes); VX_E_FULL if all RNG_SOURCES_MAX slots are taken.
 */
int rng_source_add(struct rng_ledger *l, uint32_t conn, uint32_t *id);

/* Frees conn's slot, if it has one (its connection closed).  Its lifetime
 * figures go with it; the credit it gave the generator stays there. */
void rng_source_drop(struct rng_ledger *l, uint32_t conn);

/* The slot of conn, or -1 if it is not a device source. */
int rng_source_slot(const struct rng_ledger *l, uint32_t conn);

/* Credit for len fed bytes from a device source: len * RNG_DEVICE_MBITS
 * thousandths, in whole bits, capped at RNG_FEED_CREDIT_MAX. */
uint32_t rng_device_credit_bits(uint32_t len);

/*
 * Accounts a FEED of len bytes (1..RNG_FEED_MAX, as decoded) from
 * connection conn and says what to credit: *out = {bits, id}, where bits
 * is rng_device_credit_bits(len) for a device source and 0 (id
 * RNG_ID_FEED) for anyone else.  The caller mixes the bytes in with
 * exactly that credit.
 */
void rng_feed(struct rng_ledger *l, uint32_t conn, uint32_t len, struct rng_fed *out);

/* Accounts a poll of rngd's own source kind (RNG_KIND_CPU or
 * RNG_KIND_JITTER) that delivered len bytes credited with mbits. */
void rng_polled(struct rng_ledger *l, uint32_t kind, uint32_t len, uint64_t mbits);

/* The generator's High ledger as rngd reads it: credit (1/1000 bit) per id. */
struct rng_credit_view {
	uint32_t id;
	uint64_t mbits;
};

/*
 * Fills *st from the ledger, the generator's current High credit (n
 * entries of credit, any order; ids not otherwise known are ignored) and
 * its two flags.  Sources appear in a fixed order: CPU, jitter, uncredited
 * feeds, then each used device slot.
 */
void rng_status_fill(const struct rng_ledger *l, const struct rng_credit_view *credit, size_t n,
		     bool high_ready, bool seeded, uint32_t reseeds, struct rng_status *st);

#endif
