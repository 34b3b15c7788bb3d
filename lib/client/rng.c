/* SPDX-License-Identifier: BSD-3-Clause */
#include "client/rng.h"
#include "rt/syscall.h"
#include "crypto/ct.h"
#include "vx_string.h"

int vx_rng_client_get(struct vx_client *c, uint32_t level, void *out, size_t n, uint64_t deadline)
{
	struct vx_msg m = {.op = RNG_GET, .len = sizeof(struct rng_get)};
	struct rng_get g = {.level = level, .n = (uint32_t)n};
	int rc;

	if (level != RNG_LEVEL_STANDARD && level != RNG_LEVEL_HIGH)
		return VX_E_INVAL;
	if (n == 0)
		return VX_E_INVAL;
	if (n > RNG_GET_MAX)
		return VX_E_TOOBIG;
	memcpy(m.data, &g, sizeof(g));
	if ((rc = vx_client_call(c, &m, deadline)) < 0)
		return rc;
	if (m.len != n)
		return VX_E_CORRUPT;
	memcpy(out, m.data, n);
	vx_wipe(m.data, sizeof(m.data));
	return VX_OK;
}

/* A reply that carries a struct rng_fed, into *out if asked for. */
static int fed_reply(const struct vx_msg *m, struct rng_fed *out)
{
	if (m->len != sizeof(*out))
		return VX_E_CORRUPT;
	if (out)
		memcpy(out, m->data, sizeof(*out));
	return VX_OK;
}

int vx_rng_client_feed(struct vx_client *c, const void *buf, size_t n, struct rng_fed *fed,
		       uint64_t deadline)
{
	struct vx_msg m = {.op = RNG_FEED};
	int rc;

	if (n == 0)
		return VX_E_INVAL;
	if (n > RNG_FEED_MAX)
		return VX_E_TOOBIG;
	memcpy(m.data, buf, n);
	m.len = (uint16_t)n;
	rc = vx_client_call(c, &m, deadline);
	if (rc >= 0)
		rc = fed_reply(&m, fed); /* the reply replaced the bytes sent */
	vx_wipe(m.data, sizeof(m.data));
	return rc;
}

int vx_rng_client_source(struct vx_client *c, vx_handle_t device, uint32_t *id, uint64_t deadline)
{
	struct vx_msg m = {.op = RNG_SOURCE, .ncaps = 1};
	struct rng_fed reg;
	int64_t sent = vx_ring_send_cap(c->req_h, device, 0);
	int rc;

	if (sent < 0)
		return (int)sent;
	if ((rc = vx_client_call(c, &m, deadline)) < 0)
		return rc;
	if ((rc = fed_reply(&m, &reg)) < 0)
		return rc;
	if (id)
		*id = reg.id;
	return VX_OK;
}

int vx_rng_client_status(struct vx_client *c, struct rng_status *st, uint64_t deadline)
{
	struct vx_msg m = {.op = RNG_STATUS};
	int rc = vx_client_call(c, &m, deadline);

	if (rc < 0)
		return rc;
	if (m.len != sizeof(*st))
		return VX_E_CORRUPT;
	memcpy(st, m.data, sizeof(*st));
	if (st->nsources > RNG_STATUS_SOURCES)
		return VX_E_CORRUPT;
	return VX_OK;
}
