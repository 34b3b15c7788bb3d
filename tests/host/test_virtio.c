/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio 1.x (lib/dev/virtio.h) against a simulated device.
 *
 * The device is a plain C model in this file.  Its queue side reads the
 * avail ring and descriptors from the queue memory, finds buffers by IO
 * address (the DMA arena's IO addresses are not its virtual addresses, as
 * under an IOMMU), fills device-writable buffers, updates the used ring,
 * and counts notifications and interrupts by the rules of EVENT_IDX or the
 * flags.  Its register side is a common-configuration block in a "BAR"
 * buffer that reacts to every write through the library's test seam
 * (struct vx_virtio.wrote), as real registers would.  The hostile tests
 * then make the device lie, one lie per test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "dev/virtio.h"

/* ---- DMA arena: vaddr != ioaddr ------------------------------------ */

#define ARENA_SIZE (1u << 20)
#define IOBASE	   0x7f000000ull

static uint8_t arena[ARENA_SIZE] __attribute__((aligned(4096)));

/* The device's view: IO address to pointer, NULL outside the arena. */
static uint8_t *io2va(uint64_t io, uint64_t len)
{
	if (io < IOBASE || io - IOBASE > ARENA_SIZE || len > ARENA_SIZE - (io - IOBASE))
		return NULL;
	return arena + (io - IOBASE);
}

static uint64_t va2io(const void *va)
{
	return IOBASE + (uint64_t)((const uint8_t *)va - arena);
}

/* ---- the device's side of one queue --------------------------------- */

struct simq {
	uint8_t *desc, *avail, *used;
	uint16_t n;
	int event_idx;
	uint16_t last_avail; /* avail entries consumed */
	uint16_t used_idx;   /* used entries published */
	uint32_t reply_max;  /* bytes written per chain at most */
	unsigned interrupts;
	unsigned processed;
};

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void simq_attach(struct simq *s, uint64_t desc, uint64_t drv, uint64_t dev, uint16_t n,
			int event_idx)
{
	memset(s, 0, sizeof(*s));
	s->desc = io2va(desc, 16u * n);
	s->avail = io2va(drv, 6u + 2u * n);
	s->used = io2va(dev, 6u + 8u * n);
	assert_non_null(s->desc);
	assert_non_null(s->avail);
	assert_non_null(s->used);
	s->n = n;
	s->event_idx = event_idx;
	s->reply_max = UINT32_MAX;
}

static void simq_from(struct simq *s, const struct vx_virtq *q)
{
	simq_attach(s, q->ioaddr, q->ioaddr + vx_virtq_avail_off(q->size),
		    q->ioaddr + vx_virtq_used_off(q->size), q->size, q->event_idx);
}

/* Walks the chain at head (following the descriptors, as a device does),
 * fills writable buffers with the byte (uint8_t)head, returns bytes written. */
static uint32_t serve(struct simq *s, uint16_t head)
{
	uint32_t written = 0;
	uint16_t d = head;

	for (unsigned steps = 0; steps < s->n; steps++) {
		uint8_t *e = s->desc + 16u * d;
		uint64_t addr;
		uint32_t len;
		uint16_t flags = rd16(e + 12);
		uint8_t *buf;

		memcpy(&addr, e, 8);
		memcpy(&len, e + 8, 4);
		buf = io2va(addr, len);
		assert_non_null(buf);
		if (flags & VX_VIRTQ_DESC_F_WRITE) {
			uint32_t k = len;

			if (k > s->reply_max - written)
				k = s->reply_max - written;
			memset(buf, (uint8_t)head, k);
			written += k;
		}
		if (!(flags & VX_VIRTQ_DESC_F_NEXT))
			return written;
		d = rd16(e + 14);
	}
	fail_msg("descriptor chain longer than the queue");
	return 0;
}

/* Publishes one used element and decides whether to interrupt. */
static void push_used(struct simq *s, uint32_t id, uint32_t len)
{
	uint8_t *e = s->used + 4u + 8u * (s->used_idx % s->n);
	uint16_t old = s->used_idx;

	memcpy(e, &id, 4);
	memcpy(e + 4, &len, 4);
	s->used_idx++;
	__atomic_store_n((uint16_t *)(s->used + 2), s->used_idx, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (s->event_idx) {
		uint16_t ev = rd16(s->avail + 4u + 2u * s->n);

		if ((uint16_t)(s->used_idx - ev - 1u) < (uint16_t)(s->used_idx - old))
			s->interrupts++;
	} else if (!(rd16(s->avail) & VX_VIRTQ_AVAIL_F_NO_INTERRUPT)) {
		s->interrupts++;
	}
}

/* Serves up to max available chains, in order. */
static unsigned simq_run(struct simq *s, unsigned max)
{
	unsigned done = 0;

	while (done < max) {
		uint16_t avail_idx = __atomic_load_n((uint16_t *)(s->avail + 2), __ATOMIC_ACQUIRE);
		uint16_t head;

		if (avail_idx == s->last_avail)
			break;
		head = rd16(s->avail + 4u + 2u * (s->last_avail % s->n));
		s->last_avail++;
		push_used(s, head, serve(s, head));
		done++;
	}
	s->processed += done;
	/* EVENT_IDX: notify me when the driver makes the next one available. */
	if (s->event_idx)
		wr16(s->used + 4u + 8u * s->n, s->last_avail);
	return done;
}

/* Takes the next available head without completing it. */
static uint16_t simq_take(struct simq *s)
{
	uint16_t head = rd16(s->avail + 4u + 2u * (s->last_avail % s->n));

	s->last_avail++;
	return head;
}

/* ---- a queue in the arena ------------------------------------------- */

static struct vx_virtq_slot slots[VX_VIRTQ_MAX];

static void qinit(struct vx_virtq *q, struct simq *s, uint32_t n, int event_idx)
{
	assert_int_equal(vx_virtq_init(q, n, arena, va2io(arena), slots, event_idx), VX_OK);
	simq_from(s, q);
}

/* A data buffer i of 256 bytes, past the queue memory. */
static uint64_t buf_io(unsigned i)
{
	return IOBASE + ARENA_SIZE / 2 + 256ull * (i % 1024u);
}

static int add1(struct vx_virtq *q, unsigned i, uint64_t token)
{
	struct vx_virtq_seg seg[2] = {
	    {buf_io(2 * i), 16, 0},
	    {buf_io(2 * i + 1), 64, 1},
	};

	return vx_virtq_add(q, seg, 2, token);
}

/* ---- layout and init ------------------------------------------------- */

static void test_layout(void **state)
{
	assert_int_equal(vx_virtq_bytes(256), 6670);
	assert_int_equal(vx_virtq_avail_off(256), 4096);
	assert_int_equal(vx_virtq_used_off(256), 4616);
	assert_int_equal(vx_virtq_used_off(1), 16 + 8);
	assert_int_equal(vx_virtq_bytes(1), 24 + 14);
	assert_int_equal(vx_virtq_bytes(3), 0);
	assert_int_equal(vx_virtq_bytes(0), 0);
	assert_int_equal(vx_virtq_bytes(65536), 0);
	assert_true(vx_virtq_bytes(VX_VIRTQ_MAX) > 0);
}

static void test_init_rejects(void **state)
{
	struct vx_virtq q;

	assert_int_equal(vx_virtq_init(&q, 3, arena, va2io(arena), slots, 0), VX_E_INVAL);
	assert_int_equal(vx_virtq_init(&q, 65536, arena, va2io(arena), slots, 0), VX_E_INVAL);
	assert_int_equal(vx_virtq_init(&q, 8, arena + 8, va2io(arena + 8), slots, 0), VX_E_ALIGN);
	assert_int_equal(vx_virtq_init(&q, 8, arena, va2io(arena) + 4, slots, 0), VX_E_ALIGN);
}

/* ---- round trips ----------------------------------------------------- */

static void test_round_trip(void **state)
{
	struct vx_virtq q;
	struct simq s;
	uint64_t tok;
	uint32_t len;
	int head;

	qinit(&q, &s, 8, 1);
	assert_int_equal(vx_virtq_get(&q, &tok, &len), VX_E_EMPTY);
	head = add1(&q, 0, 0xdeadbeef);
	assert_true(head >= 0 && head < 8);
	assert_int_equal(vx_virtq_kick(&q), 1);
	assert_int_equal(simq_run(&s, 8), 1);
	assert_int_equal(vx_virtq_get(&q, &tok, &len), VX_OK);
	assert_int_equal(tok, 0xdeadbeef);
	assert_int_equal(len, 64);
	assert_int_equal(io2va(buf_io(1), 64)[63], (uint8_t)head);
	assert_int_equal(vx_virtq_get(&q, &tok, &len), VX_E_EMPTY);
	assert_int_equal(q.num_free, 8);
	assert_int_equal(q.inflight, 0);
}

static void test_queue_full(void **state)
{
	struct vx_virtq q;
	struct simq s;
	struct vx_virtq_seg seg[3] = {{buf_io(0), 8, 0}, {buf_io(1), 8, 0}, {buf_io(2), 8, 1}};
	uint64_t tok;
	uint32_t len;

	qinit(&q, &s, 8, 0);
	for (unsigned i = 0; i < 3; i++)
		assert_true(vx_virtq_add(&q, seg, 2, i) >= 0);
	assert_int_equal(vx_virtq_add(&q, seg, 3, 9), VX_E_FULL); /* 2 left */
	assert_true(vx_virtq_add(&q, seg, 2, 3) >= 0);
	assert_int_equal(vx_virtq_add(&q, seg, 1, 9), VX_E_FULL);
	assert_int_equal(q.num_free, 0);
	simq_run(&s, 1);
	assert_int_equal(vx_virtq_get(&q, &tok, &len), VX_OK);
	assert_int_equal(tok, 0);
	assert_true(vx_virtq_add(&q, seg, 1, 4) >= 0);
}

static void test_add_rejects(void **state)
{
	struct vx_virtq q;
	struct simq s;
	struct vx_virtq_seg seg[9];

	qinit(&q, &s, 8, 0);
	for (unsigned i = 0; i < 9; i++)
		seg[i] = (struct vx_virtq_seg){buf_io(i), 8, 0};
	assert_int_equal(vx_virtq_add(&q, seg, 0, 0), VX_E_INVAL);
	assert_int_equal(vx_virtq_add(&q, seg, 9, 0), VX_E_TOOBIG);
	seg[1].len = 0;
	assert_int_equal(vx_virtq_add(&q, seg, 2, 0), VX_E_INVAL);
	seg[1].len = 8;
	seg[0].writable = 1; /* readable after writable */
	assert_int_equal(vx_virtq_add(&q, seg, 2, 0), VX_E_INVAL);
	assert_int_equal(q.num_free, 8);
	assert_int_equal(q.avail_idx, 0);
}

/* Chains of 1..4 descriptors, completed in reverse order: the free list
 * stays whole and every token comes back with its own length. */
static void test_chains_out_of_order(void **state)
{
	struct vx_virtq q;
	struct simq s;
	int heads[4];
	uint64_t tok;
	uint32_t len;

	qinit(&q, &s, 16, 1);
	for (unsigned c = 0; c < 4; c++) {
		struct vx_virtq_seg seg[4];

		for (unsigned i = 0; i <= c; i++)
			seg[i] = (struct vx_virtq_seg){buf_io(4 * c + i), 32, i == c};
		heads[c] = vx_virtq_add(&q, seg, c + 1, 100 + c);
		assert_true(heads[c] >= 0);
	}
	assert_int_equal(q.num_free, 16 - 10);
	for (unsigned c = 0; c < 4; c++)
		assert_int_equal(simq_take(&s), heads[c]);
	for (int c = 3; c >= 0; c--)
		push_used(&s, (uint32_t)heads[c], serve(&s, (uint16_t)heads[c]));
	for (int c = 3; c >= 0; c--) {
		assert_int_equal(vx_virtq_get(&q, &tok, &len), VX_OK);
		assert_int_equal(tok, 100 + c);
		assert_int_equal(len, 32);
	}
	assert_int_equal(q.num_free, 16);
	for (unsigned i = 0; i < 16; i++) {
		struct vx_virtq_seg one = {buf_io(i), 8, 1};

		assert_true(vx_virtq_add(&q, &one, 1, i) >= 0);
	}
}

/* 70000 requests through an 8-entry queue in batches of 3: both 16-bit
 * indices wrap, and every token comes back once, in order. */
static void test_index_wraparound(void **state)
{
	struct vx_virtq q;
	struct simq s;
	uint64_t next_tok = 0, want = 0, tok;
	uint32_t len;

	qinit(&q, &s, 8, 1);
	while (want < 70000) {
		for (unsigned b = 0; b < 3; b++)
			assert_true(add1(&q, b, next_tok++) >= 0);
		vx_virtq_kick(&q);
		simq_run(&s, 4);
		while (vx_virtq_get(&q, &tok, &len) == VX_OK)
			assert_int_equal(tok, want++);
	}
	assert_int_equal(want, next_tok);
	assert_int_equal(q.avail_idx, (uint16_t)next_tok);
	assert_int_equal(q.last_used, (uint16_t)want);
	assert_int_equal(q.inflight, 0);
}

/* ---- notification and interrupt suppression ------------------------ */

static void test_event_idx_kicks(void **state)
{
	struct vx_virtq q;
	struct simq s;
	uint64_t tok;
	uint32_t len;
	unsigned kicks = 0;

	qinit(&q, &s, 32, 1);
	/* The device has asked for avail_event 0: the first add wakes it. */
	add1(&q, 0, 0);
	assert_int_equal(vx_virtq_kick(&q), 1);
	/* Not yet served: it has not asked again, so no second kick. */
	add1(&q, 1, 1);
	assert_int_equal(vx_virtq_kick(&q), 0);
	add1(&q, 2, 2);
	assert_int_equal(vx_virtq_kick(&q), 0);
	/* It serves all three and asks for avail_event 3. */
	assert_int_equal(simq_run(&s, 8), 3);
	add1(&q, 3, 3);
	add1(&q, 4, 4);
	assert_int_equal(vx_virtq_kick(&q), 1); /* 3 crossed once, for two adds */
	assert_int_equal(vx_virtq_kick(&q), 0); /* nothing new */
	simq_run(&s, 32);
	while (vx_virtq_get(&q, &tok, &len) == VX_OK)
		;
	/* 100 requests, each served before the next: one kick each. */
	for (unsigned i = 0; i < 100; i++) {
		add1(&q, i, i);
		kicks += (unsigned)vx_virtq_kick(&q);
		simq_run(&s, 8);
		assert_int_equal(vx_virtq_get(&q, &tok, &len), VX_OK);
	}
	assert_int_equal(kicks, 100);
	/* 8 requests added in a row, kicked each time: one kick only. */
	kicks = 0;
	for (unsigned i = 0; i < 8; i++) {
		add1(&q, i, i);
		kicks += (unsigned)vx_virtq_kick(&q);
	}
	assert_int_equal(kicks, 1);
}

static void test_event_idx_interrupts(void **state)
{
	struct vx_virtq q;
	struct simq s;
	uint64_t tok;
	uint32_t len;

	qinit(&q, &s, 32, 1);
	vx_virtq_irq_disable(&q);
	assert_int_equal(*(volatile uint16_t *)q.avail, 0); /* flags stay 0 */
	for (unsigned i = 0; i < 5; i++)
		add1(&q, i, i);
	simq_run(&s, 8);
	assert_int_equal(s.interrupts, 0);
	/* Completions are waiting: enabling says "poll, don't sleep". */
	assert_int_equal(vx_virtq_irq_enable(&q), 1);
	while (vx_virtq_get(&q, &tok, &len) == VX_OK)
		;
	assert_int_equal(vx_virtq_irq_enable(&q), 0);
	add1(&q, 0, 0);
	add1(&q, 1, 1);
	simq_run(&s, 1);
	assert_int_equal(s.interrupts, 1); /* the first completion interrupts */
	simq_run(&s, 1);
	assert_int_equal(s.interrupts, 1); /* used_event not moved: no second */
	while (vx_virtq_get(&q, &tok, &len) == VX_OK)
		;
	assert_int_equal(vx_virtq_irq_enable(&q), 0);
	add1(&q, 2, 2);
	simq_run(&s, 1);
	assert_int_equal(s.interrupts, 2);
}

static void test_flags_without_event_idx(void **state)
{
	struct vx_virtq q;
	struct simq s;
	uint64_t tok;
	uint32_t len;

	qinit(&q, &s, 8, 0);
	add1(&q, 0, 0);
	assert_int_equal(vx_virtq_kick(&q), 1);
	assert_int_equal(vx_virtq_kick(&q), 0); /* nothing new */
	wr16(s.used, VX_VIRTQ_USED_F_NO_NOTIFY);
	add1(&q, 1, 1);
	assert_int_equal(vx_virtq_kick(&q), 0);
	wr16(s.used, 0);
	add1(&q, 2, 2);
	assert_int_equal(vx_virtq_kick(&q), 1);
	vx_virtq_irq_disable(&q);
	simq_run(&s, 8);
	assert_int_equal(s.interrupts, 0);
	assert_int_equal(vx_virtq_irq_enable(&q), 1);
	while (vx_virtq_get(&q, &tok, &len) == VX_OK)
		;
	add1(&q, 3, 3);
	simq_run(&s, 8);
	assert_int_equal(s.interrupts, 1);
}

/* ---- the garbage device ----------------------------------------------- */

/* The queue is broken: every call but init refuses. */
static void assert_broken(struct vx_virtq *q)
{
	uint64_t tok;
	uint32_t len;

	assert_int_equal(vx_virtq_get(q, &tok, &len), VX_E_STATE);
	assert_int_equal(add1(q, 0, 0), VX_E_STATE);
	assert_int_equal(vx_virtq_kick(q), VX_E_STATE);
	assert_int_equal(vx_virtq_irq_enable(q), VX_E_STATE);
}

static void test_hostile_used_idx_out_of_range(void **state)
{
	struct vx_virtq q;
	struct simq s;
	uint64_t tok;
	uint32_t len;

	qinit(&q, &s, 8, 1);
	add1(&q, 0, 0);
	wr16(s.used + 2, 9); /* more than the queue holds */
	assert_int_equal(vx_virtq_get(&q, &tok, &len), VX_E_CORRUPT);
	assert_broken(&q);
	/* Re-init (after the device is reset) makes it usable again. */
	qinit(&q, &s, 8, 1);
	add1(&q, 0, 7);
	wr16(s.used + 2, 2); /* fewer than the queue holds, more than in flight */
	assert_int_equal(vx_virtq_get(&q, &tok, &len), VX_E_CORRUPT);
	assert_broken(&q);
}

static void test_hostile_used_id_out_of_range(void **state)
{
	struct vx_virtq q;
	struct simq s;
	uint64_t tok;
	uint32_t len;

	qinit(&q, &s, 8, 1);
	add1(&q, 0, 0);
	simq_take(&s);
	push_used(&s, 8, 0);
	assert_int_equal(vx_virtq_get(&q, &tok, &len), VX_E_CORRUPT);
	assert_broken(&q);
	qinit(&q, &s, 8, 1);
	add1(&q, 0, 0);
	simq_take(&s);
	push_used(&s, 0xffffffffu, 0);
	assert_int_equal(vx_virtq_get(&q, &tok, &len), VX_E_CORRUPT);
}

static void test_hostile_used_id_not_in_flight(void **state)
{
	struct vx_virtq q;
	struct simq s;
	uint64_t tok;
	uint32_t len;
	int head;

	/* A descriptor that was never added. */
	qinit(&q, &s, 8, 1);
	head = add1(&q, 0, 0);
	simq_take(&s);
	push_used(&s, (uint32_t)head + 5u, 0);
	assert_int_equal(vx_virtq_get(&q, &tok, &len), VX_E_CORRUPT);
	/* The middle of a chain. */
	qinit(&q, &s, 8, 1);
	head = add1(&q, 0, 0);
	simq_take(&s);
	push_used(&s, slots[head].next, 0);
	assert_int_equal(vx_virtq_get(&q, &tok, &len), VX_E_CORRUPT);
	/* The same chain completed twice: its token is returned once. */
	qinit(&q, &s, 8, 1);
	add1(&q, 0, 10);
	add1(&q, 1, 11);
	head = simq_take(&s);
	push_used(&s, (uint32_t)head, 0);
	push_used(&s, (uint32_t)head, 0);
	assert_int_equal(vx_virtq_get(&q, &tok, &len), VX_OK);
	assert_int_equal(tok, 10);
	assert_int_equal(vx_virtq_get(&q, &tok, &len), VX_E_CORRUPT);
	assert_broken(&q);
}

static void test_hostile_len_beyond_buffer(void **state)
{
	struct vx_virtq q;
	struct simq s;
	uint64_t tok;
	uint32_t len;
	int head;
	struct vx_virtq_seg ro = {buf_io(0), 64, 0};

	qinit(&q, &s, 8, 1);
	head = add1(&q, 0, 0); /* 64 writable bytes */
	simq_take(&s);
	push_used(&s, (uint32_t)head, 65);
	assert_int_equal(vx_virtq_get(&q, &tok, &len), VX_E_CORRUPT);
	/* A chain with nothing writable: any length is a lie. */
	qinit(&q, &s, 8, 1);
	head = vx_virtq_add(&q, &ro, 1, 0);
	simq_take(&s);
	push_used(&s, (uint32_t)head, 1);
	assert_int_equal(vx_virtq_get(&q, &tok, &len), VX_E_CORRUPT);
	assert_broken(&q);
}

/* The device rewrites descriptor next fields into a loop before it
 * completes the chain.  The driver never reads them: the chain is freed
 * by its shadow, and all 8 descriptors are usable afterwards. */
static void test_hostile_descriptor_loop(void **state)
{
	struct vx_virtq q;
	struct simq s;
	uint64_t tok;
	uint32_t len;
	struct vx_virtq_seg seg[3] = {{buf_io(0), 8, 0}, {buf_io(1), 8, 0}, {buf_io(2), 8, 1}};
	int head;

	qinit(&q, &s, 8, 1);
	head = vx_virtq_add(&q, seg, 3, 42);
	simq_take(&s);
	for (unsigned d = 0; d < 8; d++) {
		uint8_t *e = s.desc + 16u * d;

		wr16(e + 12, VX_VIRTQ_DESC_F_NEXT);
		wr16(e + 14, (uint16_t)d); /* each points at itself */
	}
	push_used(&s, (uint32_t)head, 8);
	assert_int_equal(vx_virtq_get(&q, &tok, &len), VX_OK);
	assert_int_equal(tok, 42);
	assert_int_equal(q.num_free, 8);
	for (unsigned i = 0; i < 8; i++) {
		struct vx_virtq_seg one = {buf_io(i), 8, 1};

		assert_true(vx_virtq_add(&q, &one, 1, i) >= 0);
	}
	assert_int_equal(q.num_free, 0);
	simq_run(&s, 8);
	for (unsigned i = 0; i < 8; i++) {
		assert_int_equal(vx_virtq_get(&q, &tok, &len), VX_OK);
		assert_int_equal(tok, i);
	}
}

/* ---- the transport against a register model ------------------------- */

#define BAR_SIZE    0x4000u
#define COMMON_AT   0x0000u
#define ISR_AT	    0x1000u
#define DEVICE_AT   0x2000u
#define NOTIFY_AT   0x3000u
#define NOTIFY_MULT 4u
#define NQUEUES	    2u

static uint8_t bar4[BAR_SIZE] __attribute__((aligned(4096)));
static uint32_t cfgpage[VX_PCI_CFG_SIZE / 4];

/* The device's registers and what it was told. */
struct model {
	uint64_t offered, accepted;
	uint32_t dfsel, gfsel;
	int refuse_features, hung_reset, refuse_vector;
	uint16_t qsel;
	struct {
		uint16_t max, size, vector, enabled, noff;
		uint64_t desc, drv, dev;
	} q[NQUEUES];
	unsigned resets;
};

static struct model M;

static uint8_t *C(uint32_t off)
{
	return bar4 + COMMON_AT + off;
}

static uint16_t creg16(uint32_t off)
{
	return rd16(C(off));
}

static uint32_t creg32(uint32_t off)
{
	uint32_t v;

	memcpy(&v, C(off), 4);
	return v;
}

static void set32(uint32_t off, uint32_t v)
{
	memcpy(C(off), &v, 4);
}

/* Loads the selected queue's registers. */
static void load_queue(void)
{
	int ok = M.qsel < NQUEUES;

	wr16(C(VX_VIRTIO_C_Q_SIZE), ok ? M.q[M.qsel].max : 0);
	wr16(C(VX_VIRTIO_C_Q_MSIX), ok ? M.q[M.qsel].vector : VX_VIRTIO_MSI_NO_VECTOR);
	wr16(C(VX_VIRTIO_C_Q_ENABLE), ok ? M.q[M.qsel].enabled : 0);
	wr16(C(VX_VIRTIO_C_Q_NOFF), ok ? M.q[M.qsel].noff : 0);
}

/* The device reacting to a register write. */
static void on_write(void *arg, uint32_t off)
{
	uint8_t st;
	uint64_t half;

	switch (off) {
	case VX_VIRTIO_C_DFSELECT:
		M.dfsel = creg32(off);
		set32(VX_VIRTIO_C_DF, M.dfsel == 0   ? (uint32_t)M.offered
				      : M.dfsel == 1 ? (uint32_t)(M.offered >> 32)
						     : 0);
		break;
	case VX_VIRTIO_C_GFSELECT:
		M.gfsel = creg32(off);
		break;
	case VX_VIRTIO_C_GF:
		half = creg32(off);
		if (M.gfsel == 0)
			M.accepted = (M.accepted & ~0xffffffffull) | half;
		else if (M.gfsel == 1)
			M.accepted = (M.accepted & 0xffffffffull) | half << 32;
		break;
	case VX_VIRTIO_C_STATUS:
		st = *C(off);
		if (st == 0) {
			M.resets++;
			for (unsigned i = 0; i < NQUEUES; i++)
				M.q[i].enabled = 0, M.q[i].vector = VX_VIRTIO_MSI_NO_VECTOR;
			if (M.hung_reset)
				*C(off) = VX_VIRTIO_S_ACKNOWLEDGE;
		}
		if ((st & VX_VIRTIO_S_FEATURES_OK) &&
		    (M.refuse_features || (M.accepted & ~M.offered)))
			*C(off) = st & (uint8_t)~VX_VIRTIO_S_FEATURES_OK;
		break;
	case VX_VIRTIO_C_MSIX:
		if (M.refuse_vector)
			wr16(C(off), VX_VIRTIO_MSI_NO_VECTOR);
		break;
	case VX_VIRTIO_C_Q_SELECT:
		M.qsel = creg16(off);
		load_queue();
		break;
	case VX_VIRTIO_C_Q_SIZE:
		M.q[M.qsel].size = creg16(off);
		break;
	case VX_VIRTIO_C_Q_MSIX:
		M.q[M.qsel].vector = M.refuse_vector ? VX_VIRTIO_MSI_NO_VECTOR : creg16(off);
		wr16(C(off), M.q[M.qsel].vector);
		break;
	case VX_VIRTIO_C_Q_ENABLE:
		M.q[M.qsel].enabled = creg16(off);
		memcpy(&M.q[M.qsel].desc, C(VX_VIRTIO_C_Q_DESC), 8);
		memcpy(&M.q[M.qsel].drv, C(VX_VIRTIO_C_Q_DRIVER), 8);
		memcpy(&M.q[M.qsel].dev, C(VX_VIRTIO_C_Q_DEVICE), 8);
		break;
	default:
		break;
	}
}

/* A vendor capability at pos in the config page. */
static void vcap(uint32_t pos, uint8_t next, uint8_t type, uint8_t bar, uint32_t off, uint32_t len)
{
	uint8_t *p = (uint8_t *)cfgpage + pos;

	p[0] = VX_PCI_CAP_VENDOR;
	p[1] = next;
	p[2] = type == VX_VIRTIO_CAP_NOTIFY ? 20 : 16;
	p[3] = type;
	p[4] = bar;
	memcpy(p + 8, &off, 4);
	memcpy(p + 12, &len, 4);
	if (type == VX_VIRTIO_CAP_NOTIFY) {
		uint32_t mult = NOTIFY_MULT;

		memcpy(p + 16, &mult, 4);
	}
}

/* A virtio-net-like function: four structures in BAR4, two queues. */
static void build_device(void)
{
	uint8_t *p = (uint8_t *)cfgpage;

	memset(cfgpage, 0, sizeof(cfgpage));
	memset(bar4, 0, sizeof(bar4));
	memset(&M, 0, sizeof(M));
	p[0] = 0xf4, p[1] = 0x1a, p[2] = 0x41, p[3] = 0x10;
	p[VX_PCI_STATUS] = VX_PCI_STATUS_CAPLIST;
	p[VX_PCI_CAP_PTR] = 0x40;
	vcap(0x40, 0x50, VX_VIRTIO_CAP_COMMON, 4, COMMON_AT, 0x38);
	vcap(0x50, 0x60, VX_VIRTIO_CAP_ISR, 4, ISR_AT, 4);
	vcap(0x60, 0x70, 9 /* shared memory: ignored */, 4, 0, 0x10000);
	vcap(0x70, 0x84, VX_VIRTIO_CAP_DEVICE, 4, DEVICE_AT, 0x10);
	vcap(0x84, 0x98, VX_VIRTIO_CAP_NOTIFY, 4, NOTIFY_AT, 0x1000);
	vcap(0x98, 0x00, VX_VIRTIO_CAP_COMMON, 7 /* reserved BAR: ignored */, 0, 0x38);
	M.offered = (1ull << VX_VIRTIO_F_VERSION_1) | (1ull << VX_VIRTIO_F_EVENT_IDX) |
		    (1ull << VX_VIRTIO_F_RING_PACKED) | (1ull << 5) | (1ull << 7);
	for (unsigned i = 0; i < NQUEUES; i++) {
		M.q[i].max = 256;
		M.q[i].noff = (uint16_t)i;
		M.q[i].vector = VX_VIRTIO_MSI_NO_VECTOR;
	}
	wr16(C(VX_VIRTIO_C_NUMQ), NQUEUES);
	wr16(C(VX_VIRTIO_C_MSIX), VX_VIRTIO_MSI_NO_VECTOR);
	memcpy(bar4 + DEVICE_AT, "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c", 12);
}

static void probe(struct vx_virtio *d)
{
	struct vx_pci_map map[VX_PCI_NBARS] = {{0}};

	map[4].va = bar4;
	map[4].size = BAR_SIZE;
	assert_int_equal(vx_virtio_probe(d, (volatile uint8_t *)cfgpage, map), VX_OK);
	d->wrote = on_write;
}

static void test_probe(void **state)
{
	struct vx_virtio d;

	build_device();
	probe(&d);
	assert_ptr_equal(d.common, bar4 + COMMON_AT);
	assert_ptr_equal(d.isr, bar4 + ISR_AT);
	assert_ptr_equal(d.notify, bar4 + NOTIFY_AT);
	assert_int_equal(d.notify_mult, NOTIFY_MULT);
	assert_ptr_equal(d.device, bar4 + DEVICE_AT);
	assert_int_equal(d.device_len, 0x10);
	assert_int_equal(vx_virtio_num_queues(&d), NQUEUES);
}

static void test_probe_structure_outside_bar(void **state)
{
	struct vx_virtio d;
	struct vx_pci_map map[VX_PCI_NBARS] = {{0}};

	map[4].va = bar4;
	map[4].size = BAR_SIZE;
	build_device();
	vcap(0x84, 0x98, VX_VIRTIO_CAP_NOTIFY, 4, NOTIFY_AT, 0x1001);
	assert_int_equal(vx_virtio_probe(&d, (volatile uint8_t *)cfgpage, map), VX_E_CORRUPT);
	build_device();
	vcap(0x50, 0x60, VX_VIRTIO_CAP_ISR, 4, 0xffffffffu, 2); /* offset + length wraps */
	assert_int_equal(vx_virtio_probe(&d, (volatile uint8_t *)cfgpage, map), VX_E_CORRUPT);
	build_device();
	vcap(0x40, 0x50, VX_VIRTIO_CAP_COMMON, 4, COMMON_AT, 0x20); /* too short */
	assert_int_equal(vx_virtio_probe(&d, (volatile uint8_t *)cfgpage, map), VX_E_CORRUPT);
	build_device();
	((uint8_t *)cfgpage)[0x86] = 12; /* notify cap shorter than 20 */
	assert_int_equal(vx_virtio_probe(&d, (volatile uint8_t *)cfgpage, map), VX_E_CORRUPT);
	build_device();
	((uint8_t *)cfgpage)[0x99] = 0x40; /* a loop in the list */
	assert_int_equal(vx_virtio_probe(&d, (volatile uint8_t *)cfgpage, map), VX_E_CORRUPT);
}

static void test_probe_missing_structure(void **state)
{
	struct vx_virtio d;
	struct vx_pci_map map[VX_PCI_NBARS] = {{0}};

	map[4].va = bar4;
	map[4].size = BAR_SIZE;
	build_device();
	((uint8_t *)cfgpage)[0x43] = 0x0a; /* the common cap becomes an unknown type */
	assert_int_equal(vx_virtio_probe(&d, (volatile uint8_t *)cfgpage, map), VX_E_NOTFOUND);
	build_device();
	map[4].va = NULL; /* the BAR is not mapped */
	assert_int_equal(vx_virtio_probe(&d, (volatile uint8_t *)cfgpage, map), VX_E_NOTFOUND);
}

/* A device without a device-configuration structure: every access to it
 * is out of range, and nothing is computed from the missing pointer. */
static void test_cfg_without_device_structure(void **state)
{
	struct vx_virtio d;
	uint64_t v = 0;

	build_device();
	((uint8_t *)cfgpage)[0x73] = 0x0a; /* the device cap becomes an unknown type */
	probe(&d);
	assert_null(d.device);
	assert_int_equal(vx_virtio_cfg_read(&d, 0, 4, &v), VX_E_RANGE);
	assert_int_equal(vx_virtio_cfg_write(&d, 0, 1, 1), VX_E_RANGE);
}

/* The whole sequence, then requests through the queue the device was told
 * about (its addresses, found by IO address). */
static void test_init_sequence(void **state)
{
	struct vx_virtio d;
	struct vx_virtq q;
	struct simq s;
	uint64_t tok, v;
	uint32_t len;
	uint16_t max;

	build_device();
	probe(&d);
	assert_int_equal(vx_virtio_begin(&d), VX_OK);
	assert_int_equal(M.resets, 1);
	assert_int_equal(vx_virtio_status(&d), VX_VIRTIO_S_ACKNOWLEDGE | VX_VIRTIO_S_DRIVER);
	assert_int_equal(
	    vx_virtio_negotiate(&d, (1ull << 5) | (1ull << 9) | (1ull << VX_VIRTIO_F_RING_PACKED)),
	    VX_OK);
	assert_int_equal(M.accepted, (1ull << VX_VIRTIO_F_VERSION_1) |
					 (1ull << VX_VIRTIO_F_EVENT_IDX) | (1ull << 5));
	assert_int_equal(d.features, M.accepted);
	assert_true(vx_virtio_has(&d, VX_VIRTIO_F_EVENT_IDX));
	assert_false(vx_virtio_has(&d, 7));
	max = vx_virtio_queue_max(&d, 1);
	assert_int_equal(max, 256);
	assert_int_equal(vx_virtio_queue_max(&d, 2), 0);
	assert_int_equal(vx_virtq_init(&q, 64, arena, va2io(arena), slots,
				       vx_virtio_has(&d, VX_VIRTIO_F_EVENT_IDX)),
			 VX_OK);
	assert_int_equal(vx_virtio_queue_setup(&d, 1, &q, 3), VX_OK);
	assert_int_equal(M.q[1].enabled, 1);
	assert_int_equal(M.q[1].size, 64);
	assert_int_equal(M.q[1].vector, 3);
	assert_int_equal(M.q[1].desc, va2io(arena));
	assert_int_equal(M.q[1].drv, va2io(arena) + vx_virtq_avail_off(64));
	assert_int_equal(M.q[1].dev, va2io(arena) + vx_virtq_used_off(64));
	assert_ptr_equal(q.notify, bar4 + NOTIFY_AT + 1 * NOTIFY_MULT);
	assert_int_equal(vx_virtio_queue_setup(&d, 1, &q, 3), VX_E_STATE); /* enabled */
	assert_int_equal(vx_virtio_config_vector(&d, 0), VX_OK);
	vx_virtio_ready(&d);
	assert_int_equal(vx_virtio_status(&d), VX_VIRTIO_S_ACKNOWLEDGE | VX_VIRTIO_S_DRIVER |
						   VX_VIRTIO_S_FEATURES_OK | VX_VIRTIO_S_DRIVER_OK);

	simq_attach(&s, M.q[1].desc, M.q[1].drv, M.q[1].dev, M.q[1].size, 1);
	wr16(bar4 + NOTIFY_AT + NOTIFY_MULT, 0xffff);
	add1(&q, 0, 77);
	assert_int_equal(vx_virtq_kick(&q), 1);
	assert_int_equal(rd16(bar4 + NOTIFY_AT + NOTIFY_MULT), 1); /* the queue index */
	simq_run(&s, 64);
	assert_int_equal(vx_virtq_get(&q, &tok, &len), VX_OK);
	assert_int_equal(tok, 77);

	bar4[ISR_AT] = 1;
	assert_int_equal(vx_virtio_isr(&d), 1);
	assert_int_equal(vx_virtio_cfg_read(&d, 6, 2, &v), VX_OK);
	assert_int_equal(v, 0x0807);
	assert_int_equal(vx_virtio_cfg_read(&d, 8, 8, &v), VX_OK);
	assert_int_equal(v, 0x000000000c0b0a09ull);
	assert_int_equal(vx_virtio_cfg_read(&d, 1, 1, &v), VX_OK);
	assert_int_equal(v, 2);
	assert_int_equal(vx_virtio_cfg_read(&d, 1, 2, &v), VX_E_ALIGN);
	assert_int_equal(vx_virtio_cfg_read(&d, 12, 8, &v), VX_E_RANGE);
	assert_int_equal(vx_virtio_cfg_read(&d, 0xfffffffcu, 4, &v), VX_E_RANGE);
	assert_int_equal(vx_virtio_cfg_read(&d, 0, 3, &v), VX_E_INVAL);
	assert_int_equal(vx_virtio_cfg_write(&d, 4, 4, 0xa5a5a5a5u), VX_OK);
	assert_int_equal(vx_virtio_cfg_read(&d, 4, 4, &v), VX_OK);
	assert_int_equal(v, 0xa5a5a5a5u);

	/* Reset takes the queues away. */
	assert_int_equal(vx_virtio_begin(&d), VX_OK);
	assert_int_equal(M.q[1].enabled, 0);
}

static void test_no_version_1(void **state)
{
	struct vx_virtio d;

	build_device();
	M.offered &= ~(1ull << VX_VIRTIO_F_VERSION_1);
	probe(&d);
	assert_int_equal(vx_virtio_begin(&d), VX_OK);
	assert_int_equal(vx_virtio_negotiate(&d, ~0ull), VX_E_INVAL);
	assert_true(vx_virtio_status(&d) & VX_VIRTIO_S_FAILED);
}

static void test_features_ok_refused(void **state)
{
	struct vx_virtio d;

	build_device();
	M.refuse_features = 1;
	probe(&d);
	assert_int_equal(vx_virtio_begin(&d), VX_OK);
	assert_int_equal(vx_virtio_negotiate(&d, 0), VX_E_STATE);
	assert_true(vx_virtio_status(&d) & VX_VIRTIO_S_FAILED);
	assert_false(vx_virtio_status(&d) & VX_VIRTIO_S_FEATURES_OK);
	assert_int_equal(d.features, 0);
}

static void test_reset_never_completes(void **state)
{
	struct vx_virtio d;

	build_device();
	M.hung_reset = 1;
	probe(&d);
	d.reset_polls = 1000;
	assert_int_equal(vx_virtio_begin(&d), VX_E_TIMEOUT);
	assert_int_equal(vx_virtio_reset(&d), VX_E_TIMEOUT);
	assert_int_equal(M.resets, 2);
}

static void test_queue_setup_errors(void **state)
{
	struct vx_virtio d;
	struct vx_virtq q;

	build_device();
	probe(&d);
	assert_int_equal(vx_virtio_begin(&d), VX_OK);
	assert_int_equal(vx_virtio_negotiate(&d, 0), VX_OK);
	assert_int_equal(vx_virtq_init(&q, 512, arena, va2io(arena), slots, 1), VX_OK);
	assert_int_equal(vx_virtio_queue_setup(&d, 0, &q, 0), VX_E_RANGE); /* max 256 */
	assert_int_equal(vx_virtio_queue_setup(&d, 5, &q, 0), VX_E_NOTFOUND);
	assert_int_equal(vx_virtq_init(&q, 256, arena, va2io(arena), slots, 1), VX_OK);
	M.q[0].noff = 0x400; /* 0x400 * 4 = 0x1000: past the notify structure */
	assert_int_equal(vx_virtio_queue_setup(&d, 0, &q, 0), VX_E_CORRUPT);
	M.q[0].noff = 0x3ff; /* the last 4 bytes: fits */
	assert_int_equal(vx_virtio_queue_setup(&d, 0, &q, VX_VIRTIO_MSI_NO_VECTOR), VX_OK);
	assert_int_equal(M.q[0].enabled, 1);
}

static void test_vector_refused(void **state)
{
	struct vx_virtio d;
	struct vx_virtq q;

	build_device();
	probe(&d);
	assert_int_equal(vx_virtio_begin(&d), VX_OK);
	assert_int_equal(vx_virtio_negotiate(&d, 0), VX_OK);
	M.refuse_vector = 1;
	assert_int_equal(vx_virtq_init(&q, 16, arena, va2io(arena), slots, 1), VX_OK);
	assert_int_equal(vx_virtio_queue_setup(&d, 0, &q, 2), VX_E_FULL);
	assert_int_equal(M.q[0].enabled, 0);
	assert_int_equal(vx_virtio_config_vector(&d, 1), VX_E_FULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_layout),
	    cmocka_unit_test(test_init_rejects),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_queue_full),
	    cmocka_unit_test(test_add_rejects),
	    cmocka_unit_test(test_chains_out_of_order),
	    cmocka_unit_test(test_index_wraparound),
	    cmocka_unit_test(test_event_idx_kicks),
	    cmocka_unit_test(test_event_idx_interrupts),
	    cmocka_unit_test(test_flags_without_event_idx),
	    cmocka_unit_test(test_hostile_used_idx_out_of_range),
	    cmocka_unit_test(test_hostile_used_id_out_of_range),
	    cmocka_unit_test(test_hostile_used_id_not_in_flight),
	    cmocka_unit_test(test_hostile_len_beyond_buffer),
	    cmocka_unit_test(test_hostile_descriptor_loop),
	    cmocka_unit_test(test_probe),
	    cmocka_unit_test(test_probe_structure_outside_bar),
	    cmocka_unit_test(test_probe_missing_structure),
	    cmocka_unit_test(test_cfg_without_device_structure),
	    cmocka_unit_test(test_init_sequence),
	    cmocka_unit_test(test_no_version_1),
	    cmocka_unit_test(test_features_ok_refused),
	    cmocka_unit_test(test_reset_never_completes),
	    cmocka_unit_test(test_queue_setup_errors),
	    cmocka_unit_test(test_vector_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
