/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the ring: the input is a script of sends, receives,
 * batches and scribbles on the shared control page.  The ring memory is an
 * exact-size heap buffer, so ASan reports any access outside it.
 *
 * Invariants: until the first scribble of head or tail, no call reports
 * VX_E_CORRUPT and messages arrive whole and in order; after a side has
 * reported VX_E_CORRUPT it keeps doing so.
 */
#define _POSIX_C_SOURCE 200112L
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rt/ring.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			__builtin_trap();                                                          \
	} while (0)

struct world {
	struct vx_ring prod, cons;
	struct vx_ring_ctl *ctl;
	uint32_t sent, received; /* message sequence numbers */
	int scribbled;		 /* head or tail was overwritten */
	int prod_dead, cons_dead;
	uint8_t buf[8 * 4096];
};

/* Pulls one byte (0 once the input is used up). */
static uint8_t next(const uint8_t **d, size_t *n)
{
	uint8_t b = 0;

	if (*n) {
		b = **d;
		(*d)++;
		(*n)--;
	}
	return b;
}

static uint32_t next32(const uint8_t **d, size_t *n)
{
	uint32_t v = next(d, n);

	v |= (uint32_t)next(d, n) << 8;
	v |= (uint32_t)next(d, n) << 16;
	return v | (uint32_t)next(d, n) << 24;
}

/* Records a producer result and checks it against the model. */
static void after_send(struct world *w, int rc, uint32_t count)
{
	if (w->prod_dead)
		CHECK(rc == VX_E_CORRUPT);
	if (rc == VX_E_CORRUPT) {
		CHECK(w->scribbled);
		w->prod_dead = 1;
	} else if (rc > 0) {
		w->sent += (uint32_t)rc;
	} else if (rc == VX_OK) {
		w->sent += count;
	}
}

/* Checks received messages (n slots in buf) against the model. */
static void after_recv(struct world *w, int rc, uint32_t n)
{
	if (w->cons_dead)
		CHECK(rc == VX_E_CORRUPT);
	if (rc == VX_E_CORRUPT) {
		CHECK(w->scribbled);
		w->cons_dead = 1;
		return;
	}
	if (rc < 0)
		return;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t seq;

		memcpy(&seq, w->buf + (size_t)i * w->cons.slot_size, 4);
		if (!w->scribbled)
			CHECK(seq == w->received);
		w->received++;
	}
}

/* Performs one scripted step. */
static void step(struct world *w, const uint8_t **d, size_t *n)
{
	uint8_t op = next(d, n);
	uint32_t k = (uint32_t)(op >> 4) + 1;
	uint8_t msgs[16 * 64];
	int rc;

	switch (op & 7) {
	case 0: /* send one message of a scripted length */
		memset(msgs, 0, 64);
		memcpy(msgs, &w->sent, 4);
		rc = vx_ring_try_send(&w->prod, msgs, 4 + next(d, n) % 61);
		after_send(w, rc, 1);
		break;
	case 1: /* receive one */
		rc = vx_ring_try_recv(&w->cons, w->buf, sizeof(w->buf), NULL);
		after_recv(w, rc, 1);
		break;
	case 2: /* send a batch of k */
		for (uint32_t i = 0; i < k; i++) {
			uint32_t seq = w->sent + i;

			memcpy(msgs + i * 64, &seq, 4);
		}
		rc = vx_ring_send_batch(&w->prod, msgs, 64, k);
		after_send(w, rc, 0);
		break;
	case 3: /* receive a batch of up to k */
		rc = vx_ring_recv_batch(&w->cons, w->buf, sizeof(w->buf), k);
		after_recv(w, rc, rc > 0 ? (uint32_t)rc : 0);
		break;
	case 4: /* scribble head */
		w->ctl->head = w->ctl->head + (uint32_t)(int8_t)next(d, n);
		w->scribbled = 1;
		break;
	case 5: /* scribble tail */
		w->ctl->tail = next32(d, n);
		w->scribbled = 1;
		break;
	case 6: /* scribble what is informational or boolean: harmless */
		w->ctl->slot_size = next32(d, n);
		w->ctl->slot_count = next32(d, n);
		w->ctl->producer_waiting = next32(d, n);
		w->ctl->consumer_waiting = next32(d, n);
		(void)vx_ring_peer_waiting(&w->prod);
		(void)vx_ring_peer_waiting(&w->cons);
		break;
	default: /* poll both sides */
		rc = vx_ring_poll(&w->prod);
		CHECK(rc == VX_E_CORRUPT || (rc >= 0 && (uint32_t)rc <= w->prod.slot_count));
		after_send(w, rc < 0 ? rc : VX_E_FULL, 0);
		rc = vx_ring_poll(&w->cons);
		CHECK(rc == VX_E_CORRUPT || (rc >= 0 && (uint32_t)rc <= w->cons.slot_count));
		after_recv(w, rc < 0 ? rc : VX_E_EMPTY, 0);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct world w;
	uint8_t g = next(&data, &size);
	uint32_t slot = 64u << (g & 3), count = 1u << ((g >> 2) & 7);
	size_t bytes = VX_RING_SLOTS_OFFSET + (size_t)slot * count;
	uint32_t start = next32(&data, &size);
	struct vx_ring_info info;
	void *mem;

	if (posix_memalign(&mem, 4096, bytes) != 0)
		return 0;
	memset(mem, 0, bytes);
	memset(&w, 0, offsetof(struct world, buf));
	w.ctl = mem;
	w.ctl->magic = VX_RING_MAGIC;
	w.ctl->slot_size = slot;
	w.ctl->slot_count = count;
	w.ctl->head = start;
	w.ctl->tail = start;
	info = (struct vx_ring_info){(uint64_t)(uintptr_t)mem, slot, count,
				     VX_RING_PRODUCER,	       1,    bytes};
	CHECK(vx_ring_init(&w.prod, &info, 1) == VX_OK);
	info.role = VX_RING_CONSUMER;
	CHECK(vx_ring_init(&w.cons, &info, 2) == VX_OK);
	while (size)
		step(&w, &data, &size);
	if (!w.scribbled)
		CHECK(w.sent - w.received == w.ctl->head - w.ctl->tail);
	free(mem);
	return 0;
}
