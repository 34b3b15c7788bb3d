/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the split virtqueue (lib/dev/virtio.h): the input
 * plays the device.  Its first byte picks the queue size (1..64) and
 * EVENT_IDX; then each byte is an operation: the driver adds a chain,
 * kicks, takes a completion or flips interrupts, or the device serves
 * honestly, or writes anything it likes into the used ring, the avail ring
 * or the descriptor table.  The queue memory and the private shadow are
 * exact-size heap buffers, so ASan reports any access outside them.
 *
 * Invariants: the chains in flight are never more than the queue size nor
 * "negative" (num_free + descriptors in flight == size); every token the
 * driver gets back was added and not yet returned, and comes back once,
 * with a length no greater than its chain's writable bytes; an honest
 * device is never reported as VX_E_CORRUPT; after VX_E_CORRUPT every call
 * is VX_E_STATE until the queue is initialised again.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dev/virtio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			__builtin_trap();                                                          \
	} while (0)

#define MAXQ	64u
#define NTOKENS 4096u

struct world {
	struct vx_virtq q;
	uint8_t *mem;
	struct vx_virtq_slot *slot;
	uint32_t n;
	uint64_t bytes;
	int event_idx;
	int lied;	      /* the device wrote something of its own choosing */
	uint16_t dev_avail;   /* the honest device's avail position */
	uint16_t dev_used;    /* ... and its used idx */
	uint32_t next_token;  /* tokens are 0..NTOKENS-1 */
	uint8_t out[NTOKENS]; /* 1 while the token is in flight */
	uint32_t wlen[NTOKENS];
	uint32_t descs[NTOKENS];
	uint32_t inflight, descs_inflight;
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

static void start(struct world *w)
{
	CHECK(vx_virtq_init(&w->q, w->n, w->mem, 0x10000000, w->slot, w->event_idx) == VX_OK);
	memset(w->out, 0, sizeof(w->out));
	w->inflight = w->descs_inflight = 0;
	w->dev_avail = w->dev_used = 0;
	w->lied = 0;
}

static void check_counts(const struct world *w)
{
	if (w->q.broken)
		return;
	CHECK(w->q.inflight == w->inflight);
	CHECK(w->q.inflight <= w->n);
	CHECK(w->q.num_free + w->descs_inflight == w->n);
}

static void op_add(struct world *w, const uint8_t **d, size_t *n)
{
	struct vx_virtq_seg seg[5];
	uint8_t b = next(d, n);
	uint32_t nseg = (b & 3u) + 1u, wl = 0, tok = w->next_token % NTOKENS;
	int rc;

	for (uint32_t i = 0; i < nseg; i++) {
		seg[i].ioaddr = 0x20000000ull + 0x1000ull * i;
		seg[i].len = (uint32_t)next(d, n) + 1u;
		seg[i].writable = i >= ((b >> 2) & 3u);
		wl += seg[i].writable ? seg[i].len : 0;
	}
	if (w->out[tok])
		return; /* tokens wrapped onto one in flight: skip */
	rc = vx_virtq_add(&w->q, seg, nseg, tok);
	if (w->q.broken && rc == VX_E_STATE)
		return;
	if (rc == VX_E_FULL || rc == VX_E_TOOBIG) {
		CHECK(nseg > w->q.num_free);
		return;
	}
	CHECK(rc >= 0 && (uint32_t)rc < w->n);
	w->out[tok] = 1;
	w->wlen[tok] = wl;
	w->descs[tok] = nseg;
	w->inflight++;
	w->descs_inflight += nseg;
	w->next_token++;
}

static void op_get(struct world *w)
{
	uint64_t tok;
	uint32_t len;
	int was_broken = w->q.broken;
	int rc = vx_virtq_get(&w->q, &tok, &len);

	if (was_broken) {
		CHECK(rc == VX_E_STATE);
		return;
	}
	if (rc == VX_E_CORRUPT) {
		CHECK(w->lied);
		return;
	}
	CHECK(rc == VX_OK || rc == VX_E_EMPTY);
	if (rc != VX_OK)
		return;
	CHECK(tok < NTOKENS && w->out[tok]);
	CHECK(len <= w->wlen[tok]);
	w->out[tok] = 0;
	w->inflight--;
	w->descs_inflight -= w->descs[tok];
}

/* The honest device: completes the next available chain, writing 0 bytes. */
static void op_serve(struct world *w)
{
	volatile uint8_t *avail = w->mem + vx_virtq_avail_off(w->n);
	volatile uint8_t *used = w->mem + vx_virtq_used_off(w->n);
	uint16_t aidx = *(volatile uint16_t *)(avail + 2);
	uint16_t head;
	volatile uint8_t *e;

	if (aidx == w->dev_avail)
		return;
	head = *(volatile uint16_t *)(avail + 4 + 2 * (w->dev_avail % w->n));
	w->dev_avail++;
	e = used + 4 + 8 * (w->dev_used % w->n);
	*(volatile uint32_t *)e = head;
	*(volatile uint32_t *)(e + 4) = 0;
	w->dev_used++;
	*(volatile uint16_t *)(used + 2) = w->dev_used;
}

/* The lying device: a 16-bit value into the used ring's idx, or a used
 * element, or any byte of the region. */
static void op_lie(struct world *w, uint8_t kind, const uint8_t **d, size_t *n)
{
	volatile uint8_t *used = w->mem + vx_virtq_used_off(w->n);
	uint16_t lo = next(d, n), v = (uint16_t)(lo | next(d, n) << 8);

	w->lied = 1;
	if (kind == 0) {
		*(volatile uint16_t *)(used + 2) = v;
		w->dev_used = v;
	} else if (kind == 1) {
		volatile uint8_t *e = used + 4 + 8 * (v % w->n);
		uint32_t id = next(d, n), len = next(d, n);

		id |= (uint32_t)next(d, n) << 8;
		len <<= next(d, n) % 32u;
		*(volatile uint32_t *)e = id;
		*(volatile uint32_t *)(e + 4) = len;
	} else {
		w->mem[v % w->bytes] = next(d, n);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct world w;
	uint8_t first = next(&data, &size);

	w.n = 1u << (first % 7u);
	w.event_idx = (first >> 3) & 1u;
	w.bytes = vx_virtq_bytes(w.n);
	w.mem = aligned_alloc(16, (w.bytes + 15u) & ~15ull);
	w.slot = malloc(sizeof(*w.slot) * w.n);
	CHECK(w.mem && w.slot);
	w.next_token = 0;
	start(&w);
	while (size) {
		uint8_t op = next(&data, &size);
		int rc;

		switch (op % 10u) {
		case 0:
		case 1:
			op_add(&w, &data, &size);
			break;
		case 2:
			rc = vx_virtq_kick(&w.q);
			CHECK(w.q.broken ? rc == VX_E_STATE : rc == 0 || rc == 1);
			break;
		case 3:
			op_get(&w);
			break;
		case 4:
			op_serve(&w);
			break;
		case 5:
			rc = vx_virtq_irq_enable(&w.q);
			CHECK(w.q.broken ? rc == VX_E_STATE : rc == 0 || rc == 1);
			break;
		case 6:
			vx_virtq_irq_disable(&w.q);
			break;
		case 7:
		case 8:
			op_lie(&w, (uint8_t)(op / 10u % 3u), &data, &size);
			break;
		case 9:
			if (w.q.broken)
				start(&w); /* the device was reset */
			break;
		}
		check_counts(&w);
	}
	free(w.mem);
	free(w.slot);
	return 0;
}
