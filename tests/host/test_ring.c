/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ring protocol tests: both sides run in one process on one buffer sized
 * exactly to the kernel-reported geometry, so ASan catches any access
 * outside it.  Each scribble case a hostile peer can produce is named.
 */
#define _POSIX_C_SOURCE 200112L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rt/ring.h"

struct fixture {
	uint8_t *mem;
	struct vx_ring_info pinfo, cinfo;
	struct vx_ring prod, cons;
};

/* Allocates a ring with 2^slot_log2-byte slots and 2^count_log2 slots, counters at start. */
static struct fixture *make_ring(unsigned slot_log2, unsigned count_log2, uint32_t start)
{
	struct fixture *f = calloc(1, sizeof(*f));
	uint32_t slot = 1u << slot_log2, count = 1u << count_log2;
	size_t bytes = VX_RING_SLOTS_OFFSET + (size_t)slot * count;
	struct vx_ring_ctl *ctl;

	assert_non_null(f);
	assert_int_equal(posix_memalign((void **)&f->mem, 4096, bytes), 0);
	memset(f->mem, 0xa5, bytes);
	ctl = (struct vx_ring_ctl *)f->mem;
	memset(ctl, 0, sizeof(*ctl));
	ctl->magic = VX_RING_MAGIC;
	ctl->slot_size = slot;
	ctl->slot_count = count;
	ctl->head = start;
	ctl->tail = start;
	f->pinfo = (struct vx_ring_info){
	    (uint64_t)(uintptr_t)f->mem, slot, count, VX_RING_PRODUCER, 3, bytes};
	f->cinfo = f->pinfo;
	f->cinfo.role = VX_RING_CONSUMER;
	f->cinfo.wake_bit = 5;
	assert_int_equal(vx_ring_init(&f->prod, &f->pinfo, 0x101), VX_OK);
	assert_int_equal(vx_ring_init(&f->cons, &f->cinfo, 0x102), VX_OK);
	return f;
}

static void free_ring(struct fixture *f)
{
	free(f->mem);
	free(f);
}

static struct vx_ring_ctl *ctl_of(struct fixture *f)
{
	return (struct vx_ring_ctl *)f->mem;
}

/* Sends a 64-byte message whose bytes all equal v. */
static int send_byte(struct vx_ring *r, uint8_t v)
{
	uint8_t msg[64];

	memset(msg, v, sizeof(msg));
	return vx_ring_try_send(r, msg, sizeof(msg));
}

/* Receives one slot and returns its first byte, or the (negative) error. */
static int recv_byte(struct vx_ring *r)
{
	uint8_t buf[4096];
	size_t len = 0;
	int rc = vx_ring_try_recv(r, buf, sizeof(buf), &len);

	if (rc != VX_OK)
		return rc;
	assert_int_equal(len, r->slot_size);
	return buf[0];
}

static void test_init_rejects_bad_info(void **state)
{
	struct fixture *f = make_ring(6, 3, 0);
	struct vx_ring r;
	struct vx_ring_info bad;

	(void)state;
	bad = f->pinfo, bad.slot_size = 32;
	assert_int_equal(vx_ring_init(&r, &bad, 1), VX_E_INVAL);
	bad = f->pinfo, bad.slot_size = 96;
	assert_int_equal(vx_ring_init(&r, &bad, 1), VX_E_INVAL);
	bad = f->pinfo, bad.slot_size = 8192;
	assert_int_equal(vx_ring_init(&r, &bad, 1), VX_E_INVAL);
	bad = f->pinfo, bad.slot_count = 0;
	assert_int_equal(vx_ring_init(&r, &bad, 1), VX_E_INVAL);
	bad = f->pinfo, bad.slot_count = 6;
	assert_int_equal(vx_ring_init(&r, &bad, 1), VX_E_INVAL);
	bad = f->pinfo, bad.slot_count = 8192;
	assert_int_equal(vx_ring_init(&r, &bad, 1), VX_E_INVAL);
	bad = f->pinfo, bad.role = 3;
	assert_int_equal(vx_ring_init(&r, &bad, 1), VX_E_INVAL);
	bad = f->pinfo, bad.wake_bit = 64;
	assert_int_equal(vx_ring_init(&r, &bad, 1), VX_E_INVAL);
	bad = f->pinfo, bad.bytes -= 1;
	assert_int_equal(vx_ring_init(&r, &bad, 1), VX_E_INVAL);
	bad = f->pinfo, bad.vaddr += 8;
	assert_int_equal(vx_ring_init(&r, &bad, 1), VX_E_INVAL);
	bad = f->pinfo, bad.vaddr = 0;
	assert_int_equal(vx_ring_init(&r, &bad, 1), VX_E_INVAL);
	/* A failed init leaves a ring that refuses everything. */
	assert_int_equal(send_byte(&r, 1), VX_E_CORRUPT);
	free_ring(f);
}

static void test_geometry_rewritten_before_init(void **state)
{
	struct fixture *f = make_ring(6, 3, 0);
	struct vx_ring r;

	(void)state;
	ctl_of(f)->slot_count = 4096;
	assert_int_equal(vx_ring_init(&r, &f->pinfo, 1), VX_E_CORRUPT);
	ctl_of(f)->slot_count = 8;
	ctl_of(f)->slot_size = 4096;
	assert_int_equal(vx_ring_init(&r, &f->cinfo, 1), VX_E_CORRUPT);
	ctl_of(f)->slot_size = 64;
	ctl_of(f)->magic = 0;
	assert_int_equal(vx_ring_init(&r, &f->cinfo, 1), VX_E_CORRUPT);
	ctl_of(f)->magic = VX_RING_MAGIC;
	ctl_of(f)->head = 100; /* used = 100 > 8 */
	assert_int_equal(vx_ring_init(&r, &f->cinfo, 1), VX_E_CORRUPT);
	free_ring(f);
}

/* A connection a hostile client scribbled over (issue 7, route c) is made
 * whole by its owner's reset, so the next client can bind it. */
static void test_reset_recovers_scribbled_ring(void **state)
{
	struct fixture *f = make_ring(6, 3, 0);
	struct vx_ring r;
	uint8_t msg[64] = {1}, out[64];
	size_t len;

	(void)state;
	assert_int_equal(vx_ring_try_send(&f->prod, msg, sizeof(msg)), VX_OK);
	ctl_of(f)->head = 0xdeadbeefu;
	ctl_of(f)->magic = 0;
	ctl_of(f)->slot_count = 4096;
	ctl_of(f)->consumer_waiting = 7;
	assert_int_equal(vx_ring_init(&r, &f->pinfo, 1), VX_E_CORRUPT);
	assert_int_equal(vx_ring_reset(&f->cinfo), VX_OK);
	assert_int_equal(vx_ring_init(&f->prod, &f->pinfo, 1), VX_OK);
	assert_int_equal(vx_ring_init(&f->cons, &f->cinfo, 2), VX_OK);
	assert_int_equal(vx_ring_try_recv(&f->cons, out, sizeof(out), &len), VX_E_EMPTY);
	assert_false(vx_ring_consumer_waiting(&f->prod));
	assert_int_equal(vx_ring_try_send(&f->prod, msg, sizeof(msg)), VX_OK);
	assert_int_equal(vx_ring_try_recv(&f->cons, out, sizeof(out), &len), VX_OK);
	assert_memory_equal(out, msg, sizeof(msg));
	f->cinfo.slot_count = 6;
	assert_int_equal(vx_ring_reset(&f->cinfo), VX_E_INVAL);
	free_ring(f);
}

/* After init the geometry words are never used: rewriting them changes nothing. */
static void test_geometry_rewritten_after_init_ignored(void **state)
{
	struct fixture *f = make_ring(6, 2, 0);

	(void)state;
	ctl_of(f)->slot_size = 0xffffffffu;
	ctl_of(f)->slot_count = 0x80000000u;
	ctl_of(f)->magic = 0xdeadbeef;
	for (int i = 0; i < 4; i++)
		assert_int_equal(send_byte(&f->prod, (uint8_t)i), VX_OK);
	assert_int_equal(send_byte(&f->prod, 9), VX_E_FULL);
	for (int i = 0; i < 4; i++)
		assert_int_equal(recv_byte(&f->cons), i);
	assert_int_equal(recv_byte(&f->cons), VX_E_EMPTY);
	free_ring(f);
}

static void test_empty(void **state)
{
	struct fixture *f = make_ring(6, 3, 0);

	(void)state;
	assert_int_equal(recv_byte(&f->cons), VX_E_EMPTY);
	assert_int_equal(vx_ring_poll(&f->cons), 0);
	assert_int_equal(vx_ring_poll(&f->prod), 8);
	free_ring(f);
}

static void test_full_then_one_free(void **state)
{
	struct fixture *f = make_ring(6, 3, 0);

	(void)state;
	for (int i = 0; i < 8; i++)
		assert_int_equal(send_byte(&f->prod, (uint8_t)i), VX_OK);
	assert_int_equal(send_byte(&f->prod, 99), VX_E_FULL);
	assert_int_equal(vx_ring_poll(&f->prod), 0);
	assert_int_equal(vx_ring_poll(&f->cons), 8);
	assert_int_equal(recv_byte(&f->cons), 0);
	assert_int_equal(send_byte(&f->prod, 8), VX_OK);
	assert_int_equal(send_byte(&f->prod, 99), VX_E_FULL);
	for (int i = 1; i <= 8; i++)
		assert_int_equal(recv_byte(&f->cons), i);
	assert_int_equal(recv_byte(&f->cons), VX_E_EMPTY);
	free_ring(f);
}

/* Many laps of the slot array, interleaved, keep FIFO order and content. */
static void test_fifo_many_laps(void **state)
{
	struct fixture *f = make_ring(7, 2, 0);
	uint8_t next_send = 0, next_recv = 0;

	(void)state;
	for (int round = 0; round < 1000; round++) {
		int k = round % 5;

		for (int i = 0; i < k && send_byte(&f->prod, next_send) == VX_OK; i++)
			next_send++;
		for (int i = 0; i < (round % 3) + 1; i++) {
			int v = recv_byte(&f->cons);

			if (v == VX_E_EMPTY)
				break;
			assert_int_equal(v, next_recv);
			next_recv++;
		}
	}
	free_ring(f);
}

/* The free-running 32-bit counters wrap through 2^32 without a hiccup. */
static void test_counter_wrap(void **state)
{
	struct fixture *f = make_ring(6, 3, 0xfffffff3u);

	(void)state;
	for (int i = 0; i < 40; i++) {
		assert_int_equal(send_byte(&f->prod, (uint8_t)i), VX_OK);
		assert_int_equal(send_byte(&f->prod, (uint8_t)(i + 100)), VX_OK);
		assert_int_equal(recv_byte(&f->cons), i);
		assert_int_equal(recv_byte(&f->cons), i + 100);
	}
	assert_true(ctl_of(f)->head < 0x100);
	assert_int_equal(ctl_of(f)->head, ctl_of(f)->tail);
	/* Full across the wrap point. */
	for (int i = 0; i < 8; i++)
		assert_int_equal(send_byte(&f->prod, (uint8_t)i), VX_OK);
	assert_int_equal(send_byte(&f->prod, 1), VX_E_FULL);
	free_ring(f);
}

static void test_one_slot_ring(void **state)
{
	struct fixture *f = make_ring(12, 0, 7);

	(void)state;
	for (int i = 0; i < 10; i++) {
		assert_int_equal(recv_byte(&f->cons), VX_E_EMPTY);
		assert_int_equal(send_byte(&f->prod, (uint8_t)i), VX_OK);
		assert_int_equal(send_byte(&f->prod, 0), VX_E_FULL);
		assert_int_equal(recv_byte(&f->cons), i);
	}
	free_ring(f);
}

static void test_message_sizes(void **state)
{
	struct fixture *f = make_ring(6, 2, 0);
	uint8_t big[65], buf[64], small[3] = {1, 2, 3};
	size_t len;

	(void)state;
	memset(big, 7, sizeof(big));
	assert_int_equal(vx_ring_try_send(&f->prod, big, 65), VX_E_TOOBIG);
	assert_int_equal(vx_ring_try_send(&f->prod, small, 3), VX_OK);
	assert_int_equal(vx_ring_try_recv(&f->cons, buf, 63, &len), VX_E_TOOBIG);
	assert_int_equal(vx_ring_poll(&f->cons), 1); /* nothing consumed */
	assert_int_equal(vx_ring_try_recv(&f->cons, buf, 64, &len), VX_OK);
	assert_int_equal(len, 64);
	assert_memory_equal(buf, small, 3);
	for (int i = 3; i < 64; i++)
		assert_int_equal(buf[i], 0); /* the rest of the slot is zero-filled */
	assert_int_equal(vx_ring_try_send(&f->prod, NULL, 0), VX_OK);
	free_ring(f);
}

/* A message built in place: claimed, written, published; read in place:
 * peeked, released.  The same bytes and order as the copying calls, the
 * rest of a published slot zero-filled, across the counters' wrap. */
static void test_in_place(void **state)
{
	struct fixture *f = make_ring(6, 2, 0xfffffffeu);
	uint8_t *w;
	const uint8_t *rd;

	(void)state;
	assert_null(vx_ring_peek(&f->cons));
	assert_int_equal(vx_ring_release(&f->cons), VX_E_EMPTY);
	for (int lap = 0; lap < 3; lap++) {
		for (int i = 0; i < 4; i++) {
			w = vx_ring_claim(&f->prod);
			assert_non_null(w);
			memset(w, 0xee, 64); /* a claim not published changes nothing */
			assert_ptr_equal(vx_ring_claim(&f->prod), w);
			w[0] = (uint8_t)(lap * 4 + i);
			w[1] = 9;
			assert_int_equal(vx_ring_publish(&f->prod, 65), VX_E_TOOBIG);
			assert_int_equal(vx_ring_publish(&f->prod, 2), VX_OK);
		}
		assert_null(vx_ring_claim(&f->prod)); /* full */
		assert_int_equal(vx_ring_publish(&f->prod, 2), VX_E_FULL);
		for (int i = 0; i < 4; i++) {
			rd = vx_ring_peek(&f->cons);
			assert_non_null(rd);
			assert_ptr_equal(vx_ring_peek(&f->cons), rd); /* not taken yet */
			assert_int_equal(rd[0], lap * 4 + i);
			assert_int_equal(rd[1], 9);
			for (int k = 2; k < 64; k++)
				assert_int_equal(rd[k], 0);
			assert_int_equal(vx_ring_release(&f->cons), VX_OK);
		}
		assert_null(vx_ring_peek(&f->cons));
	}
	assert_int_equal(ctl_of(f)->head, 0xfffffffeu + 12);
	assert_int_equal(ctl_of(f)->tail, ctl_of(f)->head);
	/* Wrong roles, and a scribbled head, as for the copying calls. */
	assert_null(vx_ring_claim(&f->cons));
	assert_null(vx_ring_peek(&f->prod));
	assert_int_equal(vx_ring_publish(&f->cons, 1), VX_E_STATE);
	assert_int_equal(vx_ring_release(&f->prod), VX_E_STATE);
	ctl_of(f)->head += 100;
	assert_null(vx_ring_peek(&f->cons));
	assert_int_equal(vx_ring_release(&f->cons), VX_E_CORRUPT);
	free_ring(f);
}

static void test_wrong_role(void **state)
{
	struct fixture *f = make_ring(6, 2, 0);
	uint8_t buf[64] = {0};

	(void)state;
	assert_int_equal(vx_ring_try_send(&f->cons, buf, 64), VX_E_STATE);
	assert_int_equal(vx_ring_try_recv(&f->prod, buf, 64, NULL), VX_E_STATE);
	assert_int_equal(vx_ring_send_batch(&f->cons, buf, 64, 1), VX_E_STATE);
	assert_int_equal(vx_ring_recv_batch(&f->prod, buf, 64, 1), VX_E_STATE);
	free_ring(f);
}

/* A struct vx_ring that vx_ring_init never filled (all zero: no role,
 * no control page, as a closed connection leaves it) is no ring: every
 * call refuses it by name, and none reads or writes through its NULL
 * control page (ASan would stop the test). */
static void test_zeroed_struct_is_no_ring(void **state)
{
	struct vx_ring r;
	uint8_t buf[64] = {0};
	size_t len = 7;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(vx_ring_try_send(&r, buf, 64), VX_E_STATE);
	assert_int_equal(vx_ring_try_send(&r, buf, 0), VX_E_STATE);
	assert_int_equal(vx_ring_try_recv(&r, buf, 64, &len), VX_E_STATE);
	assert_int_equal(len, 7);
	assert_int_equal(vx_ring_send_batch(&r, buf, 64, 1), VX_E_STATE);
	assert_int_equal(vx_ring_recv_batch(&r, buf, 64, 1), VX_E_STATE);
	assert_null(vx_ring_claim(&r));
	assert_int_equal(vx_ring_publish(&r, 0), VX_E_STATE);
	assert_null(vx_ring_peek(&r));
	assert_int_equal(vx_ring_release(&r), VX_E_STATE);
	assert_int_equal(vx_ring_poll(&r), VX_E_STATE);
	vx_ring_set_waiting(&r, true);
	vx_ring_set_waiting(&r, false);
	assert_false(vx_ring_consumer_waiting(&r));
	assert_false(vx_ring_producer_waiting(&r));
	assert_false(vx_ring_peer_waiting(&r));
	/* A failed init leaves the same: refused, sticky corrupt. */
	struct vx_ring_info bad = {0};
	assert_int_equal(vx_ring_init(&r, &bad, 1), VX_E_INVAL);
	assert_int_equal(vx_ring_poll(&r), VX_E_CORRUPT);
	assert_false(vx_ring_peer_waiting(&r));
	vx_ring_set_waiting(&r, true);
}

/* A batch publishes with one head store; it sends what fits and reports the count. */
static void test_batch(void **state)
{
	struct fixture *f = make_ring(6, 3, 0xfffffffeu);
	uint8_t msgs[10 * 32], out[8 * 64];

	(void)state;
	for (int i = 0; i < 10; i++)
		memset(msgs + i * 32, i + 1, 32);
	assert_int_equal(vx_ring_send_batch(&f->prod, msgs, 32, 0), VX_E_INVAL);
	assert_int_equal(vx_ring_send_batch(&f->prod, msgs, 65, 1), VX_E_TOOBIG);
	assert_int_equal(vx_ring_send_batch(&f->prod, msgs, 32, 3), 3);
	assert_int_equal(ctl_of(f)->head, 0xfffffffeu + 3);
	assert_int_equal(vx_ring_send_batch(&f->prod, msgs + 3 * 32, 32, 7), 5); /* 5 left */
	assert_int_equal(vx_ring_send_batch(&f->prod, msgs, 32, 1), VX_E_FULL);

	assert_int_equal(vx_ring_recv_batch(&f->cons, out, 63, 8), VX_E_TOOBIG);
	assert_int_equal(vx_ring_recv_batch(&f->cons, out, 64 * 2 + 10, 8), 2); /* buffer-bound */
	assert_int_equal(out[0], 1);
	assert_int_equal(out[64], 2);
	assert_int_equal(out[32], 0);
	assert_int_equal(vx_ring_recv_batch(&f->cons, out, sizeof(out), 4), 4); /* max-bound */
	assert_int_equal(out[0], 3);
	assert_int_equal(out[3 * 64], 6);
	assert_int_equal(vx_ring_recv_batch(&f->cons, out, sizeof(out), 8), 2);
	assert_int_equal(out[64], 8);
	assert_int_equal(vx_ring_recv_batch(&f->cons, out, sizeof(out), 8), VX_E_EMPTY);
	assert_int_equal(ctl_of(f)->tail, ctl_of(f)->head);
	free_ring(f);
}

/* Scribble: the producer's head jumps far ahead; the consumer must not read. */
static void test_scribble_head_far_ahead(void **state)
{
	struct fixture *f = make_ring(6, 3, 0);
	uint8_t buf[64];

	(void)state;
	assert_int_equal(send_byte(&f->prod, 1), VX_OK);
	ctl_of(f)->head = ctl_of(f)->tail + 9; /* used 9 > 8 */
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(vx_ring_try_recv(&f->cons, buf, sizeof(buf), NULL), VX_E_CORRUPT);
	assert_int_equal(buf[0], 0xee); /* touched no slot */
	assert_int_equal(ctl_of(f)->tail, 0);
	/* Sticky, even once head looks sane again. */
	ctl_of(f)->head = 1;
	assert_int_equal(recv_byte(&f->cons), VX_E_CORRUPT);
	assert_int_equal(vx_ring_poll(&f->cons), VX_E_CORRUPT);
	assert_int_equal(vx_ring_recv_batch(&f->cons, buf, sizeof(buf), 1), VX_E_CORRUPT);
	free_ring(f);
}

static void test_scribble_head_huge(void **state)
{
	struct fixture *f = make_ring(6, 3, 0);

	(void)state;
	ctl_of(f)->head = 0x80000000u;
	assert_int_equal(recv_byte(&f->cons), VX_E_CORRUPT);
	free_ring(f);
}

/* Scribble: head moves backwards (the producer "unpublishes"). */
static void test_scribble_head_backwards(void **state)
{
	struct fixture *f = make_ring(6, 3, 0);

	(void)state;
	for (int i = 0; i < 4; i++)
		assert_int_equal(send_byte(&f->prod, (uint8_t)i), VX_OK);
	assert_int_equal(recv_byte(&f->cons), 0); /* consumer saw head = 4 */
	ctl_of(f)->head = 3;
	assert_int_equal(recv_byte(&f->cons), VX_E_CORRUPT);
	free_ring(f);
}

/* Scribble: the consumer's tail jumps past head; the producer must not write. */
static void test_scribble_tail_past_head(void **state)
{
	struct fixture *f = make_ring(6, 3, 0);

	(void)state;
	assert_int_equal(send_byte(&f->prod, 1), VX_OK);
	ctl_of(f)->tail = 2; /* head is 1 */
	assert_int_equal(send_byte(&f->prod, 2), VX_E_CORRUPT);
	assert_int_equal(ctl_of(f)->head, 1);
	ctl_of(f)->tail = 1;
	assert_int_equal(send_byte(&f->prod, 2), VX_E_CORRUPT); /* sticky */
	assert_int_equal(vx_ring_poll(&f->prod), VX_E_CORRUPT);
	free_ring(f);
}

/* Scribble: the consumer's tail moves backwards. */
static void test_scribble_tail_backwards(void **state)
{
	struct fixture *f = make_ring(6, 3, 100);

	(void)state;
	for (int i = 0; i < 4; i++)
		assert_int_equal(send_byte(&f->prod, (uint8_t)i), VX_OK);
	assert_int_equal(recv_byte(&f->cons), 0);
	assert_int_equal(recv_byte(&f->cons), 1);
	assert_int_equal(send_byte(&f->prod, 4), VX_OK); /* producer saw tail = 102 */
	ctl_of(f)->tail = 101;
	assert_int_equal(send_byte(&f->prod, 5), VX_E_CORRUPT);
	free_ring(f);
}

/* Scribble: tail far behind (used would exceed count) is corrupt too. */
static void test_scribble_tail_far_behind(void **state)
{
	struct fixture *f = make_ring(6, 3, 1000);
	uint8_t m[64] = {0};

	(void)state;
	ctl_of(f)->tail = 5;
	assert_int_equal(vx_ring_send_batch(&f->prod, m, 64, 1), VX_E_CORRUPT);
	free_ring(f);
}

/* Scribble: garbage in the waiting flags is read as "set" and nothing worse. */
static void test_scribble_flags(void **state)
{
	struct fixture *f = make_ring(6, 3, 0);

	(void)state;
	ctl_of(f)->consumer_waiting = 0xdeadbeef;
	ctl_of(f)->producer_waiting = 0x12345678;
	assert_true(vx_ring_peer_waiting(&f->prod));
	assert_true(vx_ring_peer_waiting(&f->cons));
	assert_int_equal(send_byte(&f->prod, 1), VX_OK);
	assert_int_equal(recv_byte(&f->cons), 1);
	free_ring(f);
}

/* The doorbell flags: each side sets its own and sees the other's. */
static void test_waiting_flags(void **state)
{
	struct fixture *f = make_ring(6, 3, 0);

	(void)state;
	assert_false(vx_ring_consumer_waiting(&f->prod));
	vx_ring_set_waiting(&f->cons, true);
	assert_int_equal(ctl_of(f)->consumer_waiting, 1);
	assert_true(vx_ring_peer_waiting(&f->prod));
	assert_false(vx_ring_peer_waiting(&f->cons));
	vx_ring_set_waiting(&f->cons, false);
	assert_false(vx_ring_peer_waiting(&f->prod));
	vx_ring_set_waiting(&f->prod, true);
	assert_true(vx_ring_producer_waiting(&f->cons));
	assert_true(vx_ring_peer_waiting(&f->cons));
	free_ring(f);
}

/*
 * The inline fast path against the _full functions, as a model: two
 * identical rings (A, B) get the same random operations, sends and
 * receives of every length around the slot size (constant 64-byte ones,
 * which take the inline copy, and others), and the same random scribbles
 * of the shared counters, including the values next to the legal ones.
 * A goes through vx_ring_try_send/try_recv, B through the _full functions:
 * every result, every received byte, both private states and the shared
 * pages must stay equal.
 */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)rng_state;
}

/* A counter value a hostile peer might write: near v, far off, or any. */
static uint32_t scribble_near(uint32_t v, uint32_t count)
{
	switch (rnd() % 4) {
	case 0:
		return v + (rnd() % 5) - 2;
	case 1:
		return v + count + (rnd() % 3) - 1;
	case 2:
		return v - count - (rnd() % 3);
	default:
		return rnd();
	}
}

static void assert_same(const struct fixture *a, const struct fixture *b, size_t bytes)
{
	const struct vx_ring *ra[2] = {&a->prod, &a->cons}, *rb[2] = {&b->prod, &b->cons};

	for (int i = 0; i < 2; i++) {
		assert_int_equal(ra[i]->mine, rb[i]->mine);
		assert_int_equal(ra[i]->seen, rb[i]->seen);
		assert_int_equal(ra[i]->corrupt, rb[i]->corrupt);
	}
	assert_memory_equal(a->mem, b->mem, bytes);
}

static void test_fast_path_matches_full(void **state)
{
	(void)state;
	for (int round = 0; round < 300; round++) {
		unsigned count_log2 = rnd() % 4, slot_log2 = VX_RING_SLOT_LOG2_MIN + rnd() % 3;
		uint32_t start = rnd() % 3 ? rnd() % 8 : 0xfffffffcu;
		uint32_t slot = 1u << slot_log2, count = 1u << count_log2;
		size_t bytes = VX_RING_SLOTS_OFFSET + (size_t)slot * count;
		struct fixture *a = make_ring(slot_log2, count_log2, start);
		struct fixture *b = make_ring(slot_log2, count_log2, start);

		memset(a->mem + VX_RING_SLOTS_OFFSET, 0, bytes - VX_RING_SLOTS_OFFSET);
		memset(b->mem + VX_RING_SLOTS_OFFSET, 0, bytes - VX_RING_SLOTS_OFFSET);
		for (int step = 0; step < 400; step++) {
			uint8_t msg[272], bufa[272], bufb[272];
			size_t la = 0, lb = 0, len;
			uint32_t op = rnd() % 16;
			int ra, rb;

			for (size_t i = 0; i < sizeof(msg); i++)
				msg[i] = (uint8_t)rnd();
			memset(bufa, 0x5a, sizeof(bufa));
			memset(bufb, 0x5a, sizeof(bufb));
			if (op < 5) { /* a whole 64-byte slot's message: the inline copy */
				ra = vx_ring_try_send(&a->prod, msg, 64);
				rb = vx_ring_try_send_full(&b->prod, msg, 64);
			} else if (op < 8) { /* any length, around the slot size */
				len = rnd() % 3 ? slot : rnd() % (slot + 2);
				ra = vx_ring_try_send(&a->prod, msg, len);
				rb = vx_ring_try_send_full(&b->prod, msg, len);
			} else if (op < 12) {
				ra = vx_ring_try_recv(&a->cons, bufa, 64, &la);
				rb = vx_ring_try_recv_full(&b->cons, bufb, 64, &lb);
			} else if (op < 14) {
				len = rnd() % 2 ? slot : slot - 1 + rnd() % 3;
				ra = vx_ring_try_recv(&a->cons, bufa, len, &la);
				rb = vx_ring_try_recv_full(&b->cons, bufb, len, &lb);
			} else if (op == 14) { /* the wrong roles */
				ra = vx_ring_try_send(&a->cons, msg, slot) * 2 +
				     vx_ring_try_recv(&a->prod, bufa, slot, &la);
				rb = vx_ring_try_send_full(&b->cons, msg, slot) * 2 +
				     vx_ring_try_recv_full(&b->prod, bufb, slot, &lb);
			} else { /* the hostile peer moves a shared counter */
				uint32_t v;
				if (rnd() % 2) {
					v = scribble_near(ctl_of(a)->head, count);
					ctl_of(a)->head = ctl_of(b)->head = v;
				} else {
					v = scribble_near(ctl_of(a)->tail, count);
					ctl_of(a)->tail = ctl_of(b)->tail = v;
				}
				ra = rb = 0;
			}
			assert_int_equal(ra, rb);
			assert_int_equal(la, lb);
			assert_memory_equal(bufa, bufb, sizeof(bufa));
			assert_same(a, b, bytes);
		}
		free_ring(a);
		free_ring(b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_init_rejects_bad_info),
	    cmocka_unit_test(test_geometry_rewritten_before_init),
	    cmocka_unit_test(test_geometry_rewritten_after_init_ignored),
	    cmocka_unit_test(test_reset_recovers_scribbled_ring),
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_full_then_one_free),
	    cmocka_unit_test(test_fifo_many_laps),
	    cmocka_unit_test(test_counter_wrap),
	    cmocka_unit_test(test_one_slot_ring),
	    cmocka_unit_test(test_message_sizes),
	    cmocka_unit_test(test_in_place),
	    cmocka_unit_test(test_wrong_role),
	    cmocka_unit_test(test_zeroed_struct_is_no_ring),
	    cmocka_unit_test(test_batch),
	    cmocka_unit_test(test_scribble_head_far_ahead),
	    cmocka_unit_test(test_scribble_head_huge),
	    cmocka_unit_test(test_scribble_head_backwards),
	    cmocka_unit_test(test_scribble_tail_past_head),
	    cmocka_unit_test(test_scribble_tail_backwards),
	    cmocka_unit_test(test_scribble_tail_far_behind),
	    cmocka_unit_test(test_scribble_flags),
	    cmocka_unit_test(test_waiting_flags),
	    cmocka_unit_test(test_fast_path_matches_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
