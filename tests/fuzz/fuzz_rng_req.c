/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for rngd's request decoder and ledger
 * (services/rngd/pure_rng.c).  For any message: only the documented errors
 * come back (vectra/proto/rng.h, "ERRORS"); a decoded GET asks for a level
 * rngd serves and 1..RNG_GET_MAX bytes; a decoded FEED points inside the
 * message with 1..RNG_FEED_MAX bytes; capabilities are accepted on SOURCE
 * only.  Then the same bytes drive the ledger as a sequence of SOURCE,
 * FEED and drop events from a few connections: no FEED is ever credited
 * above RNG_FEED_CREDIT_MAX, nor at all from a connection that is not a
 * source, there are never more than RNG_SOURCES_MAX sources, and the
 * status always fits its entries.
 *
 * Input: op (4 bytes), ncaps (1), len (2, clamped to 0..VX_MSG_DATA + 1),
 * then the message data.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../services/rngd/pure_rng.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			__builtin_trap();                                                          \
	} while (0)

static void decode(const struct vx_msg *m)
{
	struct rng_req r;
	int rc = rng_decode(m, &r);

	CHECK(rc == VX_OK || rc == VX_E_NOSYS || rc == VX_E_INVAL || rc == VX_E_TOOBIG);
	if (rc != VX_OK) {
		CHECK(r.op == 0 && r.data == NULL && r.len == 0 && r.n == 0);
		return;
	}
	CHECK(r.op == m->op);
	CHECK(m->ncaps == (r.op == RNG_SOURCE ? 1 : 0));
	switch (r.op) {
	case RNG_GET:
		CHECK(m->len == sizeof(struct rng_get));
		CHECK(r.level == RNG_LEVEL_STANDARD || r.level == RNG_LEVEL_HIGH);
		CHECK(r.n >= 1 && r.n <= RNG_GET_MAX);
		break;
	case RNG_FEED:
		CHECK(r.data == m->data && r.len == m->len);
		CHECK(r.len >= 1 && r.len <= RNG_FEED_MAX);
		break;
	case RNG_STATUS:
	case RNG_SOURCE:
		CHECK(m->len == 0);
		break;
	default:
		CHECK(0);
	}
}

/* Two bits of each byte pick an event, the rest a connection (0..7). */
static void ledger(const uint8_t *data, size_t size)
{
	struct rng_ledger l;
	struct rng_status st;
	struct rng_fed f;

	rng_ledger_init(&l);
	for (size_t i = 0; i < size; i++) {
		uint32_t conn = (data[i] >> 2) & 7, id = 0;
		int was = rng_source_slot(&l, conn), rc;
		switch (data[i] & 3) {
		case 0:
			rc = rng_source_add(&l, conn, &id);
			CHECK(rc == VX_OK || rc == VX_E_EXISTS || rc == VX_E_FULL);
			CHECK((rc == VX_E_EXISTS) == (was >= 0));
			if (rc == VX_OK)
				CHECK(id >= RNG_ID_DEVICE0 &&
				      id < RNG_ID_DEVICE0 + RNG_SOURCES_MAX);
			break;
		case 1:
		case 2:
			rng_feed(&l, conn, 1 + (uint32_t)(data[i] >> 5) * 18, &f);
			CHECK(f.credited_bits <= RNG_FEED_CREDIT_MAX);
			CHECK(was >= 0 || (f.credited_bits == 0 && f.id == RNG_ID_FEED));
			break;
		default:
			rng_source_drop(&l, conn);
			CHECK(rng_source_slot(&l, conn) < 0);
			break;
		}
		uint32_t used = 0;
		for (uint32_t s = 0; s < RNG_SOURCES_MAX; s++)
			used += l.dev[s].used;
		CHECK(used <= RNG_SOURCES_MAX);
	}
	rng_status_fill(&l, NULL, 0, false, true, 0, &st);
	CHECK(st.nsources >= 3 && st.nsources <= RNG_STATUS_SOURCES);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vx_msg m;
	uint16_t len = 0;

	memset(&m, 0, sizeof(m));
	if (size >= 4)
		memcpy(&m.op, data, 4);
	if (size >= 5)
		m.ncaps = data[4] % 4;
	if (size >= 7)
		memcpy(&len, data + 5, 2);
	m.len = len % (VX_MSG_DATA + 2);
	if (size > 7)
		memcpy(m.data, data + 7, size - 7 < VX_MSG_DATA ? size - 7 : VX_MSG_DATA);
	decode(&m);
	ledger(data, size);
	return 0;
}
