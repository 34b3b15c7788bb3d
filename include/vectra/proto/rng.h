/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The randomness protocol, served by rngd over connections named "rng"
 * (rt/svc.h shape).  rngd keeps the system's one struct vx_rng
 * (crypto/rng.h): it seeds it at start from the sources it can read itself
 * (RDSEED and RDRAND where the CPU has them, time-stamp-counter jitter),
 * keeps polling them once a second until High is available, and mixes in
 * what device drivers feed it.  Every request is decoded whole before
 * anything happens (services/rngd/pure_rng.c, host-tested in
 * tests/host/test_rngd.c and fuzzed by tests/fuzz/fuzz_rng_req.c).
 *
 *   RNG_GET     data: struct rng_get {level, n}.  level is VX_RNG_STANDARD
 *               or VX_RNG_HIGH; 1 <= n <= RNG_GET_MAX.
 *               -> n bytes of data.  VX_E_AGAIN: High's credit is short
 *               (crypto/rng.h: 256 credited bits since the last High
 *               request, from at least 2 source ids with 64 each), or
 *               Standard is not seeded yet; nothing is returned then,
 *               never weaker bytes.  Each High answer uses up the credit.
 *   RNG_FEED    data: 1..RNG_FEED_MAX bytes of entropy from the caller.
 *               -> struct rng_fed.  The bytes are always mixed into both
 *               pools (mixing in cannot weaken them).  They are *credited*
 *               only when this connection is a device source (RNG_SOURCE):
 *               RNG_DEVICE_MBITS per byte, so at most RNG_FEED_CREDIT_MAX
 *               bits per request, to the connection's own source id.  The
 *               caller never names a credit: rngd decides it.  Once the
 *               Standard pool holds 128 credited bits it is folded into
 *               the Standard DRBG's key (a reseed).
 *   RNG_STATUS  no data -> struct rng_status: per source, its bytes, the
 *               bits credited over its life and the bits counting towards
 *               the next High request; whether High would answer now;
 *               requests served and refused.
 *   RNG_SOURCE  no data, ncaps = 1: a device capability (VX_OBJ_IOPORT
 *               or VX_OBJ_IRQ) sent along on the req Ring, with any rights
 *               (0 is enough: rngd only inspects it, then deletes it).
 *               -> struct rng_fed {0, id}: from now on this connection is
 *               device source `id` (RNG_ID_DEVICE0 + slot), and its FEEDs
 *               are credited.  It stays one until the connection closes
 *               or rngd restarts (rngd keeps no state across a restart:
 *               a FEED answered with id RNG_ID_FEED tells a driver to
 *               send RNG_SOURCE again).
 *
 * WHO MAY BE CREDITED
 *
 * Every connection init makes carries the same authority (the manifest
 * cannot narrow a connection today), so "may feed with credit" cannot be
 * a right on the connection.  It is proved instead with a capability only
 * the boot manifest hands out: I/O ports or an interrupt line ("grant ... =
 * ioport" / "irq"), which only drivers hold.  A program the shell runs
 * holds neither, so whatever it feeds is mixed in and credited nothing,
 * and it cannot push High into answering on bytes it chose.  A driver's
 * source slot is freed when its connection closes (a restarted driver
 * registers again); ids are per slot, so a slot's new owner shares the
 * old one's id, which can only merge credit, never split it.
 *
 * ERRORS (every request):
 *   VX_E_NOSYS    any other op, 0xffffffff included
 *   VX_E_INVAL    a len that does not fit the op (a GET whose data is not
 *                 exactly struct rng_get, an empty FEED, data on STATUS or
 *                 SOURCE); a GET level other than Standard or High (Sloppy
 *                 is each Task's own business); n == 0; ncaps other than 1
 *                 on SOURCE or other than 0 on any other op (capabilities
 *                 sent with those are deleted); a SOURCE whose capability
 *                 did not arrive
 *   VX_E_TOOBIG   GET n > RNG_GET_MAX; FEED len > RNG_FEED_MAX
 *   VX_E_TYPE     SOURCE with a capability that is not an IoPort or Irq
 *   VX_E_EXISTS   SOURCE on a connection that already is one
 *   VX_E_FULL     SOURCE when RNG_SOURCES_MAX device sources are taken
 *   VX_E_AGAIN    GET, as above
 */
#ifndef VECTRA_PROTO_RNG_H
#define VECTRA_PROTO_RNG_H

#include <stddef.h>
#include <stdint.h>

enum rng_op {
	RNG_GET = 1,
	RNG_FEED = 2,
	RNG_STATUS = 3,
	RNG_SOURCE = 4,
};

/* Levels are crypto/rng.h's enum vx_rng_level values. */
#define RNG_LEVEL_STANDARD 1u /* VX_RNG_STANDARD */
#define RNG_LEVEL_HIGH	   2u /* VX_RNG_HIGH */

#define RNG_GET_MAX	    128u /* bytes per GET */
#define RNG_FEED_MAX	    128u /* bytes per FEED */
#define RNG_DEVICE_MBITS    500u /* credit per fed byte, 1/1000 bit: 1/2 bit */
#define RNG_FEED_CREDIT_MAX 64u	 /* bits per FEED: RNG_FEED_MAX * RNG_DEVICE_MBITS / 1000 */
#define RNG_SOURCES_MAX	    4u	 /* device sources at once */
#define RNG_STATUS_SOURCES  8u	 /* entries in struct rng_status */
_Static_assert(RNG_FEED_CREDIT_MAX * 1000u == RNG_FEED_MAX * RNG_DEVICE_MBITS,
	       "the per-request credit cap is the rate times the size cap");

/* Source ids (crypto/rng.h's VX_RNG_ID_CPU = 1 and VX_RNG_ID_JITTER = 2
 * are rngd's own sources). */
#define RNG_ID_CPU     1u
#define RNG_ID_JITTER  2u
#define RNG_ID_FEED    0u  /* all uncredited feeds together */
#define RNG_ID_DEVICE0 16u /* device source slot s is RNG_ID_DEVICE0 + s */

enum rng_kind {
	RNG_KIND_CPU = 1,    /* RDSEED / RDRAND, polled by rngd */
	RNG_KIND_JITTER = 2, /* time-stamp-counter jitter, polled by rngd */
	RNG_KIND_FEED = 3,   /* FEEDs from connections that are not sources */
	RNG_KIND_DEVICE = 4, /* FEEDs from a device source */
};

struct rng_get {
	uint32_t level; /* RNG_LEVEL_STANDARD or RNG_LEVEL_HIGH */
	uint32_t n;	/* 1..RNG_GET_MAX */
};
_Static_assert(sizeof(struct rng_get) == 8, "rng_get layout");

struct rng_fed {
	uint32_t credited_bits; /* FEED: what rngd credited (0 if not a source) */
	uint32_t id;		/* the source id the bytes went to */
};
_Static_assert(sizeof(struct rng_fed) == 8, "rng_fed layout");

struct rng_source_info {
	uint32_t id;		/* RNG_ID_* or RNG_ID_DEVICE0 + slot */
	uint32_t kind;		/* enum rng_kind */
	uint32_t high_bits;	/* credit towards the next High request */
	uint32_t credited_bits; /* credited over its life (saturates) */
	uint64_t bytes;		/* bytes mixed in over its life */
};
_Static_assert(sizeof(struct rng_source_info) == 24, "rng_source_info layout");

struct rng_status {
	uint32_t high_ready;	  /* 1: a High GET would answer now */
	uint32_t seeded;	  /* 1: Standard is seeded */
	uint32_t nsources;	  /* entries of src[] in use */
	uint32_t reseeds;	  /* Standard reseeds (pool folds) so far */
	uint32_t served_standard; /* GETs answered, per level */
	uint32_t served_high;
	uint32_t refused_high; /* GETs answered VX_E_AGAIN */
	uint32_t refused_bad;  /* requests refused as malformed or denied */
	struct rng_source_info src[RNG_STATUS_SOURCES];
};
_Static_assert(sizeof(struct rng_status) == 224, "rng_status layout");
_Static_assert(offsetof(struct rng_status, src) == 32, "rng_status layout");

#endif
