/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rngd: the system's randomness service (vectra/proto/rng.h).  It owns
 * one struct vx_rng (crypto/rng.h) and is the only Task that reads the
 * CPU's generator and the jitter source on the system's behalf; device
 * drivers feed it more (RNG_FEED), credited only once they have shown a
 * device capability (RNG_SOURCE).
 *
 * Bundle (services/init/etc/manifest):
 *   port   Ring: connections named "rng"
 *
 * Polling.  rngd reads its own sources (crypto/rng.h's rdseed, rdrand and
 * jitter, VX_RNG_POLL_BYTES each) itself rather than registering them
 * with the generator, so that it can account every byte and bit per source
 * (RNG_STATUS).  It polls at start until Standard is seeded (at most
 * SEED_POLLS times), then once per POLL_PERIOD while High is not available
 * and some own source has less than VX_RNG_HIGH_BITS towards it (more
 * could not help), and once before a High GET that lacks credit.
 * Whenever the Standard pool holds VX_RNG_STANDARD_BITS of credit it is
 * folded into the DRBG key.
 *
 * The generator's state is secret: nothing but GET's output leaves it.
 */
#include <stdbool.h>
#include <stdint.h>
#include "rt/vx.h"
#include "rt/svc.h"
#include "rt/syscall.h"
#include "crypto/ct.h"
#include "crypto/rng.h"
#include "vectra/proto/rng.h"
#include "pure_rng.h"
#include "vx_string.h"

#define MS	    1000000ull
#define VA_SRV	    0x20000000ull
#define BIT_SRV	    1u
#define POLL_PERIOD (1000 * MS)
#define SEED_POLLS  64

_Static_assert(RNG_ID_CPU == VX_RNG_ID_CPU && RNG_ID_JITTER == VX_RNG_ID_JITTER,
	       "the protocol's ids are the generator's");
_Static_assert(RNG_LEVEL_STANDARD == VX_RNG_STANDARD && RNG_LEVEL_HIGH == VX_RNG_HIGH,
	       "the protocol's levels are the generator's");
_Static_assert(RNG_ID_DEVICE0 + RNG_SOURCES_MAX - 1 < 256 && RNG_ID_DEVICE0 >= VX_RNG_ID_USER,
	       "device ids are caller ids");
_Static_assert(3 + RNG_SOURCES_MAX <= VX_RNG_MAX_SOURCES,
	       "the generator's ledger has room for every id rngd credits");

static struct {
	struct vx_server srv;
	struct vx_rng rng;
	struct rng_ledger led;
	bool cpu_seed, cpu_rand; /* RDSEED / RDRAND present */
} R;

/* Credit the generator holds for id towards the next High request. */
static uint64_t high_mbits(uint32_t id)
{
	for (size_t i = 0; i < R.rng.ncredit; i++)
		if (R.rng.credit[i].id == id)
			return R.rng.credit[i].mbits;
	return 0;
}

/* Folds the Standard pool into the DRBG key once it holds enough credit
 * (vx_rng_reseed does nothing else: rngd registers no sources with it). */
static void fold(void)
{
	if (R.rng.pool_mbits >= 1000ull * VX_RNG_STANDARD_BITS)
		vx_rng_reseed(&R.rng);
}

/* Reads one of rngd's own sources and mixes it in with its credit. */
static void poll_one(const struct vx_rng_source *s, uint32_t kind)
{
	uint8_t buf[VX_RNG_POLL_BYTES];
	uint32_t bits = (uint32_t)((uint64_t)s->credit_mbits * sizeof(buf) / 1000u);

	if (s->read(s->ctx, buf, sizeof(buf)) == VX_OK) {
		vx_rng_add_entropy(&R.rng, s->id, buf, sizeof(buf), bits);
		rng_polled(&R.led, kind, sizeof(buf), 1000ull * bits);
	}
	vx_wipe(buf, sizeof(buf));
}

static void poll_local(void)
{
	if (R.cpu_seed)
		poll_one(&vx_rng_source_rdseed, RNG_KIND_CPU);
	if (R.cpu_rand)
		poll_one(&vx_rng_source_rdrand, RNG_KIND_CPU);
	poll_one(&vx_rng_source_jitter, RNG_KIND_JITTER);
	fold();
}

/* Whether another poll of the own sources could bring High closer. */
static bool poll_useful(void)
{
	const uint64_t enough = 1000ull * VX_RNG_HIGH_BITS;

	if (vx_rng_high_ready(&R.rng))
		return false;
	if ((R.cpu_seed || R.cpu_rand) && high_mbits(RNG_ID_CPU) < enough)
		return true;
	return high_mbits(RNG_ID_JITTER) < enough;
}

static bool seeded(void)
{
	return R.rng.seeded_mbits > 0;
}

/* ------------------------------------------------------------ operations */

static int do_get(const struct rng_req *r, struct vx_msg *m)
{
	int rc;

	if (r->level == RNG_LEVEL_HIGH && !vx_rng_high_ready(&R.rng))
		poll_local();
	for (int i = 0; i < SEED_POLLS && !seeded(); i++)
		poll_local();
	rc = vx_rng_get(&R.rng, (enum vx_rng_level)r->level, m->data, r->n);
	if (rc == VX_OK) {
		m->len = (uint16_t)r->n;
		if (r->level == RNG_LEVEL_HIGH)
			R.led.served_high++;
		else
			R.led.served_standard++;
	} else {
		R.led.refused_high++;
	}
	return rc;
}

static int do_feed(const struct vx_server_conn *c, const struct rng_req *r, struct vx_msg *m)
{
	struct rng_fed fed;

	rng_feed(&R.led, c->id, r->len, &fed);
	vx_rng_add_entropy(&R.rng, fed.id, r->data, r->len, fed.credited_bits);
	fold();
	vx_wipe(m->data, sizeof(m->data));
	memcpy(m->data, &fed, sizeof(fed));
	m->len = sizeof(fed);
	return VX_OK;
}

static int do_source(const struct vx_server_conn *c, struct vx_msg *m)
{
	struct vx_cap_info ci;
	struct rng_fed reg = {0, 0};
	int64_t h = vx_ring_recv_cap(c->req_h);
	int rc;

	if (h < 0)
		return VX_E_INVAL; /* it did not come (or was revoked on the way) */
	rc = (int)vx_cap_inspect((vx_handle_t)h, &ci);
	vx_cap_delete((vx_handle_t)h);
	if (rc < 0)
		return VX_E_INVAL;
	if (ci.type != VX_OBJ_IOPORT && ci.type != VX_OBJ_IRQ)
		return VX_E_TYPE;
	if ((rc = rng_source_add(&R.led, c->id, &reg.id)) < 0)
		return rc;
	memcpy(m->data, &reg, sizeof(reg));
	m->len = sizeof(reg);
	return VX_OK;
}

static void do_status(struct vx_msg *m)
{
	struct rng_credit_view v[VX_RNG_MAX_SOURCES];
	struct rng_status st;
	size_t n = R.rng.ncredit < VX_RNG_MAX_SOURCES ? R.rng.ncredit : VX_RNG_MAX_SOURCES;

	for (size_t i = 0; i < n; i++) {
		v[i].id = R.rng.credit[i].id;
		v[i].mbits = R.rng.credit[i].mbits;
	}
	rng_status_fill(&R.led, v, n, vx_rng_high_ready(&R.rng), seeded(), (uint32_t)R.rng.reseeds,
			&st);
	memcpy(m->data, &st, sizeof(st));
	m->len = sizeof(st);
}

/* Deletes the capabilities a refused request said it sent (at most a
 * transfer queue's worth), so they are not taken for a later request's. */
static void drop_caps(const struct vx_server_conn *c, uint32_t ncaps)
{
	for (uint32_t i = 0; i < ncaps && i < VX_RING_XFER_MAX; i++) {
		int64_t h = vx_ring_recv_cap(c->req_h);
		if (h >= 0)
			vx_cap_delete((vx_handle_t)h);
		else if (h != VX_E_REVOKED)
			break;
	}
}

static enum vx_svc_disp serve(struct vx_server *s, struct vx_server_conn *c, struct vx_msg *m,
			      void *ctx)
{
	struct rng_req r;
	int rc;

	(void)s;
	(void)ctx;
	rc = rng_decode(m, &r);
	if (rc < 0) {
		drop_caps(c, m->ncaps);
		R.led.refused_bad++;
	}
	m->ncaps = 0;
	if (rc == VX_OK) {
		switch (r.op) {
		case RNG_GET:
			rc = do_get(&r, m);
			break;
		case RNG_FEED:
			rc = do_feed(c, &r, m);
			break;
		case RNG_STATUS:
			do_status(m);
			break;
		case RNG_SOURCE:
			if ((rc = do_source(c, m)) < 0)
				R.led.refused_bad++;
			break;
		}
	}
	m->status = rc;
	if (rc < 0) {
		vx_wipe(m->data, sizeof(m->data));
		m->len = 0;
	}
	return VX_SVC_REPLY;
}

/* Frees the source slots of connections that closed in the last poll
 * (vx_server_poll closes at the end of one call and accepts at the start
 * of the next, so a slot is seen closed before it is reused). */
static void drop_closed(void)
{
	for (uint32_t s = 0; s < RNG_SOURCES_MAX; s++)
		if (R.led.dev[s].used && !R.srv.conn[R.led.dev[s].conn].open)
			rng_source_drop(&R.led, R.led.dev[s].conn);
}

int main(const struct vx_bundle_page *b, const char *args)
{
	uint64_t next_poll;

	(void)args;
	vx_rng_init(&R.rng);
	rng_ledger_init(&R.led);
	R.cpu_seed = vx_rng_cpu_has_rdseed();
	R.cpu_rand = vx_rng_cpu_has_rdrand();
	for (int i = 0; i < SEED_POLLS && !seeded(); i++)
		poll_local();
	if (vx_server_init(&R.srv, b, VA_SRV, BIT_SRV) != VX_OK)
		return 5; /* no port: nobody can reach us */
	next_poll = (uint64_t)vx_clock() + POLL_PERIOD;
	for (;;) {
		bool polling = poll_useful() || !seeded();
		vx_server_wait(&R.srv, 0, polling ? next_poll : VX_DEADLINE_NEVER);
		if (polling && (uint64_t)vx_clock() >= next_poll) {
			poll_local();
			next_poll = (uint64_t)vx_clock() + POLL_PERIOD;
		}
		vx_server_poll(&R.srv, serve, NULL);
		drop_closed();
	}
}
