/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host tests of kernel/core/reticle.c, compiled from the kernel's own
 * source: object sizes, the two-ended carve (records up, bodies down), LIFO
 * release, reset, exact fits, device Reticles and the split depth limit.
 * A page-aligned host buffer plays RAM (host pointers stand in for physical
 * addresses); syscalls run with a fake trapframe as cpus[0].current.
 */
#define _POSIX_C_SOURCE 200112L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../support/kcore_stubs.h"

#define RAM_BYTES	     (1u << 20)
#define DEV_BASE	     0xa0000ull /* never dereferenced: device bodies are not touched */
#define DEV_BYTES	     0x100000ull
#define DEV_PAGES	     (DEV_BYTES / PAGE_SIZE)
#define DEV_ARG(page, pages) (((uint64_t)(page) << 32) | (uint64_t)(pages))

static struct {
	uint8_t *ram;
	uint64_t base; /* ram as a "physical" address */
	struct kobj root;
	struct kobj dev;
	struct kobj dev_rec[RETICLE_DEVICE_RECORDS]; /* dev's records */
	struct task *t;
	uint64_t rh; /* t's handle to root */
	uint64_t dh; /* t's handle to dev */
} fx;

static int setup(void **state)
{
	kstub_reset();
	memset(&fx, 0, sizeof(fx));
	fx.ram = aligned_alloc(PAGE_SIZE, RAM_BYTES);
	assert_non_null(fx.ram);
	memset(fx.ram, 0xa5, RAM_BYTES);
	fx.base = (uint64_t)(uintptr_t)fx.ram;
	reticle_init_root(&fx.root, fx.base, RAM_BYTES, NULL);
	reticle_init_root(&fx.dev, DEV_BASE, DEV_BYTES, fx.dev_rec);
	fx.t = kt_task_new();
	cpus[0].current = fx.t;
	fx.t->running_on = 0;
	fx.rh = kt_install(fx.t, &fx.root, VX_OBJ_RETICLE, VX_R_ALL, 0, NULL);
	fx.dh = kt_install(fx.t, &fx.dev, VX_OBJ_RETICLE, VX_R_ALL, 0, NULL);
	return 0;
}

static int teardown(void **state)
{
	reap();
	kt_task_free(fx.t);
	free(fx.ram);
	return 0;
}

static int64_t retype(uint64_t ret, uint64_t type, uint64_t arg)
{
	return kt_syscall(sys_reticle_retype, ret, type, arg);
}

static int64_t split(uint64_t ret, uint64_t bytes)
{
	return kt_syscall(sys_reticle_split, ret, bytes, 0);
}

/* The object a handle names. */
static struct kobj *obj_of(int64_t h)
{
	struct cap *c = NULL;

	assert_true(h > 0);
	assert_int_equal(cap_lookup_any(fx.t, (uint64_t)h, &c), VX_OK);
	return c->obj;
}

static bool all_bytes(const void *p, int v, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != (uint8_t)v)
			return false;
	return true;
}

/* Free bytes recomputed from first principles: the gap between the record
 * area and the lowest body. */
static uint64_t gap(const struct kobj *r)
{
	return r->u.ret.body_bottom - (r->pa + (uint64_t)r->u.ret.nrec * VX_OBJ_META_BYTES);
}

/* ------------------------------------------------------------ object_bytes */

static void test_object_bytes_task_bundle(void **state)
{
	assert_int_equal(object_bytes(VX_OBJ_TASK, 0), VX_TASK_OBJ_BYTES);
	assert_int_equal(object_bytes(VX_OBJ_TASK, 0), 8 * PAGE_SIZE);
	assert_int_equal(object_bytes(VX_OBJ_TASK, 1), 0);
	assert_int_equal(object_bytes(VX_OBJ_TASK, 1ull << 63), 0);
	assert_int_equal(object_bytes(VX_OBJ_BUNDLE, 0), VX_BUNDLE_OBJ_BYTES);
	assert_int_equal(object_bytes(VX_OBJ_BUNDLE, 0), 3 * PAGE_SIZE);
	assert_int_equal(object_bytes(VX_OBJ_BUNDLE, 1), 0);
	assert_int_equal(object_bytes(VX_OBJ_BUNDLE, UINT64_MAX), 0);
}

static void test_object_bytes_mem(void **state)
{
	assert_int_equal(object_bytes(VX_OBJ_MEM, 0), 0);
	assert_int_equal(object_bytes(VX_OBJ_MEM, 1), PAGE_SIZE);
	assert_int_equal(object_bytes(VX_OBJ_MEM, 7), 7 * PAGE_SIZE);
	assert_int_equal(object_bytes(VX_OBJ_MEM, VX_MEM_PAGES_MAX),
			 (uint64_t)VX_MEM_PAGES_MAX * PAGE_SIZE);
	assert_int_equal(object_bytes(VX_OBJ_MEM, VX_MEM_PAGES_MAX + 1ull), 0);
	/* Page counts whose byte size would wrap 64 bits. */
	assert_int_equal(object_bytes(VX_OBJ_MEM, 1ull << 52), 0);
	assert_int_equal(object_bytes(VX_OBJ_MEM, UINT64_MAX), 0);
}

static void test_object_bytes_ring(void **state)
{
	/* Two pages (private state, control page) plus the slots, rounded. */
	assert_int_equal(object_bytes(VX_OBJ_RING, VX_RING_ARG(6, 0)), 3 * PAGE_SIZE);
	assert_int_equal(object_bytes(VX_OBJ_RING, VX_RING_ARG(6, 6)), 3 * PAGE_SIZE);
	assert_int_equal(object_bytes(VX_OBJ_RING, VX_RING_ARG(6, 7)), 4 * PAGE_SIZE);
	assert_int_equal(object_bytes(VX_OBJ_RING, VX_RING_ARG(12, 0)), 3 * PAGE_SIZE);
	assert_int_equal(object_bytes(VX_OBJ_RING, VX_RING_ARG(12, 1)), 4 * PAGE_SIZE);
	assert_int_equal(object_bytes(VX_OBJ_RING, VX_RING_ARG(12, 12)),
			 2 * PAGE_SIZE + (1ull << 24));
	assert_int_equal(object_bytes(VX_OBJ_RING, VX_RING_ARG(VX_RING_SLOT_LOG2_MIN, 12)),
			 2 * PAGE_SIZE + (64ull << 12));
	/* Out of range: slot size, count, stray bits. */
	assert_int_equal(object_bytes(VX_OBJ_RING, VX_RING_ARG(5, 0)), 0);
	assert_int_equal(object_bytes(VX_OBJ_RING, VX_RING_ARG(0, 0)), 0);
	assert_int_equal(object_bytes(VX_OBJ_RING, 0), 0);
	assert_int_equal(object_bytes(VX_OBJ_RING, VX_RING_ARG(13, 0)), 0);
	assert_int_equal(object_bytes(VX_OBJ_RING, VX_RING_ARG(255, 0)), 0);
	assert_int_equal(object_bytes(VX_OBJ_RING, VX_RING_ARG(6, 13)), 0);
	assert_int_equal(object_bytes(VX_OBJ_RING, VX_RING_ARG(6, 255)), 0);
	assert_int_equal(object_bytes(VX_OBJ_RING, (1ull << 16) | VX_RING_ARG(6, 0)), 0);
	assert_int_equal(object_bytes(VX_OBJ_RING, (1ull << 63) | VX_RING_ARG(6, 0)), 0);
}

static void test_object_bytes_other_types(void **state)
{
	static const uint32_t types[] = {
	    VX_OBJ_NONE, VX_OBJ_RETICLE, VX_OBJ_SIGNAL, VX_OBJ_IRQ,	VX_OBJ_IOPORT,
	    VX_OBJ_PCI,	 VX_OBJ_IOSPACE, VX_OBJ_COUNT,	KOBJ_PAGETABLE, 0xffffffffu};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		assert_int_equal(object_bytes(types[i], 0), 0);
		assert_int_equal(object_bytes(types[i], 1), 0);
	}
}

/* ------------------------------------------------------------- RAM carve */

static void test_free_bytes_is_gap(void **state)
{
	assert_int_equal(reticle_free_bytes(&fx.root), RAM_BYTES);
	assert_int_equal(gap(&fx.root), RAM_BYTES);

	assert_true(retype(fx.rh, VX_OBJ_MEM, 1) > 0);
	assert_int_equal(reticle_free_bytes(&fx.root), RAM_BYTES - PAGE_SIZE - VX_OBJ_META_BYTES);
	assert_true(retype(fx.rh, VX_OBJ_RING, VX_RING_ARG(6, 0)) > 0);
	assert_true(retype(fx.rh, VX_OBJ_BUNDLE, 0) > 0);
	assert_true(retype(fx.rh, VX_OBJ_TASK, 0) > 0);
	assert_true(split(fx.rh, 4 * PAGE_SIZE) > 0);
	assert_int_equal(fx.root.u.ret.nrec, 5);
	assert_int_equal(fx.root.u.ret.nlive, 5);
	assert_int_equal(reticle_free_bytes(&fx.root), gap(&fx.root));
	assert_int_equal(reticle_free_bytes(&fx.root),
			 RAM_BYTES - (1 + 3 + 3 + 8 + 4) * PAGE_SIZE - 5 * VX_OBJ_META_BYTES);
	assert_int_equal(kstub.ring_init, 1);
	assert_int_equal(kstub.ring_init_arg, VX_RING_ARG(6, 0));
	assert_int_equal(kstub.bundle_init, 1);
	assert_int_equal(kstub.task_init, 1);
}

static void test_carve_top_down_zeroed(void **state)
{
	uint64_t top = fx.base + RAM_BYTES;
	struct kobj *m = obj_of(retype(fx.rh, VX_OBJ_MEM, 2));
	struct kobj *r = obj_of(retype(fx.rh, VX_OBJ_RING, VX_RING_ARG(7, 6)));
	struct kobj *m2 = obj_of(retype(fx.rh, VX_OBJ_MEM, 1));

	/* Records fill up from the base, in creation order. */
	assert_ptr_equal(fx.root.u.ret.rec, fx.ram);
	assert_ptr_equal(m, &fx.root.u.ret.rec[0]);
	assert_ptr_equal(r, &fx.root.u.ret.rec[1]);
	assert_ptr_equal(m2, &fx.root.u.ret.rec[2]);
	assert_ptr_equal(m->origin, &fx.root);
	assert_int_equal(m->type, VX_OBJ_MEM);
	assert_int_equal(m->state, KOBJ_LIVE);
	assert_int_equal(m->fixed, 0);
	assert_int_equal(m->ncaps, 1);

	/* Bodies fill down from the top, page-aligned and contiguous. */
	assert_int_equal(m->pa, top - 2 * PAGE_SIZE);
	assert_int_equal(m->size, 2 * PAGE_SIZE);
	assert_int_equal(r->size, 4 * PAGE_SIZE); /* 128-byte slots x 64 */
	assert_int_equal(r->pa, m->pa - r->size);
	assert_int_equal(m2->pa, r->pa - PAGE_SIZE);
	assert_int_equal(fx.root.u.ret.body_bottom, m2->pa);
	assert_int_equal(m->pa % PAGE_SIZE, 0);
	assert_int_equal(r->pa % PAGE_SIZE, 0);
	assert_int_equal(m2->pa % PAGE_SIZE, 0);

	/* Zeroed bodies; the bytes around them untouched. */
	assert_true(all_bytes((void *)(uintptr_t)m->pa, 0, m->size));
	assert_true(all_bytes((void *)(uintptr_t)r->pa, 0, r->size));
	assert_true(all_bytes((void *)(uintptr_t)m2->pa, 0, m2->size));
	assert_true(all_bytes((void *)(uintptr_t)(m2->pa - PAGE_SIZE), 0xa5, PAGE_SIZE));
	assert_true(all_bytes(fx.ram + 3 * VX_OBJ_META_BYTES, 0xa5, PAGE_SIZE));
}

static void test_task_and_child_reticle_bodies_not_zeroed(void **state)
{
	struct kobj *t = obj_of(retype(fx.rh, VX_OBJ_TASK, 0));
	int64_t ch = split(fx.rh, 4 * PAGE_SIZE);
	struct kobj *c = obj_of(ch);

	/* A Task zeroes what it uses (task_init); a child Reticle's bytes
	 * are zeroed when they are carved again. */
	assert_true(all_bytes((void *)(uintptr_t)t->pa, 0xa5, t->size));
	assert_true(all_bytes((void *)(uintptr_t)c->pa, 0xa5, c->size));
	struct kobj *m = obj_of(retype((uint64_t)ch, VX_OBJ_MEM, 2));
	assert_ptr_equal(m, (struct kobj *)(uintptr_t)c->pa); /* its first record */
	assert_int_equal(m->pa, c->pa + c->size - 2 * PAGE_SIZE);
	assert_true(all_bytes((void *)(uintptr_t)m->pa, 0, m->size));
	assert_true(all_bytes((void *)(uintptr_t)(c->pa + VX_OBJ_META_BYTES), 0xa5,
			      PAGE_SIZE - VX_OBJ_META_BYTES));
	assert_int_equal(reticle_free_bytes(c), 2 * PAGE_SIZE - VX_OBJ_META_BYTES);
}

static void test_lifo_release(void **state)
{
	uint64_t free0 = reticle_free_bytes(&fx.root);
	int64_t ha = retype(fx.rh, VX_OBJ_MEM, 1);
	uint64_t free1 = reticle_free_bytes(&fx.root);
	int64_t hb = retype(fx.rh, VX_OBJ_MEM, 3);
	struct kobj *b = obj_of(hb);

	assert_int_equal(kt_syscall(sys_cap_delete, (uint64_t)hb, 0, 0), VX_OK);
	reap();
	assert_int_equal(b->state, KOBJ_DEAD);
	assert_int_equal(fx.root.u.ret.nrec, 1);
	assert_int_equal(reticle_free_bytes(&fx.root), free1); /* at once */
	assert_int_equal(kt_syscall(sys_cap_delete, (uint64_t)ha, 0, 0), VX_OK);
	reap();
	assert_int_equal(fx.root.u.ret.nrec, 0);
	assert_int_equal(fx.root.u.ret.nlive, 0);
	assert_int_equal(reticle_free_bytes(&fx.root), free0);
	assert_int_equal(fx.root.u.ret.body_bottom, fx.base + RAM_BYTES);

	/* The memory is handed out again from the same place. */
	struct kobj *again = obj_of(retype(fx.rh, VX_OBJ_MEM, 1));
	assert_int_equal(again->pa, fx.base + RAM_BYTES - PAGE_SIZE);
	assert_ptr_equal(again, &fx.root.u.ret.rec[0]);
}

static void test_non_lifo_release_waits_for_reset(void **state)
{
	int64_t ha = retype(fx.rh, VX_OBJ_MEM, 1);
	int64_t hb = retype(fx.rh, VX_OBJ_RING, VX_RING_ARG(6, 0));
	int64_t hc = retype(fx.rh, VX_OBJ_MEM, 2);
	struct kobj *a = obj_of(ha), *b = obj_of(hb);
	uint64_t free3 = reticle_free_bytes(&fx.root);

	/* The oldest and a middle one die: nothing comes back yet. */
	assert_int_equal(kt_syscall(sys_cap_delete, (uint64_t)ha, 0, 0), VX_OK);
	assert_int_equal(kt_syscall(sys_cap_delete, (uint64_t)hb, 0, 0), VX_OK);
	reap();
	assert_int_equal(a->state, KOBJ_DEAD);
	assert_int_equal(b->state, KOBJ_DEAD);
	assert_int_equal(kstub.ring_destroy, 1);
	assert_int_equal(fx.root.u.ret.nrec, 3);
	assert_int_equal(fx.root.u.ret.nlive, 1);
	assert_int_equal(reticle_free_bytes(&fx.root), free3);

	/* Once the newest dies, every dead record behind it goes too. */
	assert_int_equal(kt_syscall(sys_cap_delete, (uint64_t)hc, 0, 0), VX_OK);
	reap();
	assert_int_equal(fx.root.u.ret.nrec, 0);
	assert_int_equal(reticle_free_bytes(&fx.root), RAM_BYTES);

	/* And with a survivor, only reset gives the hole back. */
	ha = retype(fx.rh, VX_OBJ_MEM, 1);
	hb = retype(fx.rh, VX_OBJ_MEM, 1);
	free3 = reticle_free_bytes(&fx.root);
	assert_int_equal(kt_syscall(sys_cap_delete, (uint64_t)ha, 0, 0), VX_OK);
	reap();
	assert_int_equal(reticle_free_bytes(&fx.root), free3);
	assert_int_equal(kt_syscall(sys_reticle_reset, fx.rh, 0, 0), VX_OK);
	assert_int_equal(reticle_free_bytes(&fx.root), RAM_BYTES);
	assert_int_equal(fx.root.u.ret.nrec, 0);
}

static void test_reset_newest_first(void **state)
{
	struct cap *c = NULL;
	int64_t h[5];

	h[0] = retype(fx.rh, VX_OBJ_RING, VX_RING_ARG(6, 0));
	h[1] = retype(fx.rh, VX_OBJ_BUNDLE, 0);
	h[2] = retype(fx.rh, VX_OBJ_MEM, 4);
	h[3] = retype(fx.rh, VX_OBJ_TASK, 0);
	h[4] = retype(fx.rh, VX_OBJ_RING, VX_RING_ARG(8, 3));
	struct kobj *o[5];
	for (int i = 0; i < 5; i++)
		o[i] = obj_of(h[i]);
	/* A second cap to one of them, elsewhere: reset removes it too. */
	struct cap held;
	memset(&held, 0, sizeof(held));
	cap_hold(&held, o[2], VX_OBJ_MEM, VX_R_READ, 0);

	assert_int_equal(kt_syscall(sys_reticle_reset, fx.rh, 0, 0), VX_OK);
	assert_int_equal(kstub.ndestroyed, 4);
	assert_ptr_equal(kstub.destroyed[0], o[4]);
	assert_ptr_equal(kstub.destroyed[1], o[3]);
	assert_ptr_equal(kstub.destroyed[2], o[1]);
	assert_ptr_equal(kstub.destroyed[3], o[0]);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(o[i]->state, KOBJ_DEAD);
		assert_int_equal(cap_lookup_any(fx.t, (uint64_t)h[i], &c), VX_E_STALE);
	}
	assert_null(held.obj);
	assert_int_equal(fx.root.u.ret.nrec, 0);
	assert_int_equal(fx.root.u.ret.nlive, 0);
	assert_int_equal(reticle_free_bytes(&fx.root), RAM_BYTES);
	assert_int_equal(fx.root.u.ret.body_bottom, fx.base + RAM_BYTES);
	/* The Reticle itself and the cap reset was called through remain. */
	assert_int_equal(fx.root.state, KOBJ_LIVE);
	assert_int_equal(cap_lookup_any(fx.t, fx.rh, &c), VX_OK);
	assert_int_equal(fx.t->used_slots, 2);
	/* Resetting an empty Reticle is harmless. */
	assert_int_equal(kt_syscall(sys_reticle_reset, fx.rh, 0, 0), VX_OK);
	assert_int_equal(reticle_free_bytes(&fx.root), RAM_BYTES);
}

static void test_reset_nested(void **state)
{
	struct cap *c = NULL;
	int64_t ch = split(fx.rh, 16 * PAGE_SIZE);
	struct kobj *child = obj_of(ch);
	int64_t cr = retype((uint64_t)ch, VX_OBJ_RING, VX_RING_ARG(6, 0));
	int64_t cb = retype((uint64_t)ch, VX_OBJ_BUNDLE, 0);
	int64_t gh = split((uint64_t)ch, 4 * PAGE_SIZE);
	int64_t gr = retype((uint64_t)gh, VX_OBJ_RING, VX_RING_ARG(6, 0));
	int64_t rr = retype(fx.rh, VX_OBJ_RING, VX_RING_ARG(6, 0));
	struct kobj *o_cr = obj_of(cr), *o_cb = obj_of(cb), *o_gr = obj_of(gr);
	struct kobj *o_rr = obj_of(rr);

	assert_int_equal(child->u.ret.depth, 1);
	assert_int_equal(obj_of(gh)->u.ret.depth, 2);
	assert_int_equal(kt_syscall(sys_reticle_reset, fx.rh, 0, 0), VX_OK);
	/* Newest first at every level. */
	assert_int_equal(kstub.ndestroyed, 4);
	assert_ptr_equal(kstub.destroyed[0], o_rr);
	assert_ptr_equal(kstub.destroyed[1], o_gr);
	assert_ptr_equal(kstub.destroyed[2], o_cb);
	assert_ptr_equal(kstub.destroyed[3], o_cr);
	assert_int_equal(cap_lookup_any(fx.t, (uint64_t)ch, &c), VX_E_STALE);
	assert_int_equal(cap_lookup_any(fx.t, (uint64_t)gh, &c), VX_E_STALE);
	assert_int_equal(child->state, KOBJ_DEAD);
	assert_int_equal(reticle_free_bytes(&fx.root), RAM_BYTES);
	assert_int_equal(fx.t->used_slots, 2);
}

static void test_child_reticle_dies_with_last_cap(void **state)
{
	int64_t ch = split(fx.rh, 8 * PAGE_SIZE);
	struct kobj *child = obj_of(ch);
	int64_t m = retype((uint64_t)ch, VX_OBJ_MEM, 2);
	int64_t r = retype((uint64_t)ch, VX_OBJ_RING, VX_RING_ARG(6, 0));
	struct kobj *o_r = obj_of(r);

	assert_int_equal(child->u.ret.nlive, 2);
	cap_remove(kt_slot(fx.t, (uint64_t)ch));
	assert_int_equal(child->state, KOBJ_ZOMBIE);
	reap();
	assert_int_equal(child->state, KOBJ_DEAD);
	assert_int_equal(kstub.ring_destroy, 1);
	assert_ptr_equal(kstub.destroyed[0], o_r);
	struct cap *c = NULL;
	assert_int_equal(cap_lookup_any(fx.t, (uint64_t)m, &c), VX_E_STALE);
	assert_int_equal(reticle_free_bytes(&fx.root), RAM_BYTES);
	assert_int_equal(fx.root.u.ret.nrec, 0);
}

/* ------------------------------------------------------------ exact fits */

static void test_exact_fit(void **state)
{
	/* A Reticle whose record area is exactly one record: base 128 bytes
	 * below a page boundary, four pages above it. */
	struct kobj r;
	uint64_t base = fx.base + PAGE_SIZE - VX_OBJ_META_BYTES;
	uint64_t size = 4 * PAGE_SIZE + VX_OBJ_META_BYTES;
	uint64_t bytes = 0;

	reticle_init_root(&r, base, size, NULL);
	assert_int_equal(reticle_free_bytes(&r), size);
	assert_int_equal(reticle_check_retype(&r, VX_OBJ_MEM, 5, &bytes), VX_E_NOMEM);
	assert_int_equal(reticle_check_retype(&r, VX_OBJ_MEM, 4, &bytes), VX_OK);
	assert_int_equal(bytes, 4 * PAGE_SIZE);
	struct kobj *o = reticle_carve(&r, VX_OBJ_MEM, bytes, 0);
	assert_int_equal(o->pa, fx.base + PAGE_SIZE);
	assert_int_equal(reticle_free_bytes(&r), 0);
	assert_int_equal(reticle_check_retype(&r, VX_OBJ_MEM, 1, &bytes), VX_E_NOMEM);
	kobj_release(o);
	assert_int_equal(reticle_free_bytes(&r), size);

	/* Three pages leave one page, but not the second record it needs. */
	assert_int_equal(reticle_check_retype(&r, VX_OBJ_MEM, 3, &bytes), VX_OK);
	o = reticle_carve(&r, VX_OBJ_MEM, bytes, 0);
	assert_int_equal(reticle_free_bytes(&r), PAGE_SIZE);
	assert_int_equal(reticle_check_retype(&r, VX_OBJ_MEM, 1, &bytes), VX_E_NOMEM);
	kobj_release(o);

	/* Same through the syscall, with a Task (8 pages) on a fresh fit. */
	reticle_init_root(&r, base, 8 * PAGE_SIZE + VX_OBJ_META_BYTES, false);
	uint64_t h = kt_install(fx.t, &r, VX_OBJ_RETICLE, VX_R_ALL, 0, NULL);
	assert_int_equal(retype(h, VX_OBJ_TASK, 0) > 0, 1);
	assert_int_equal(reticle_free_bytes(&r), 0);
	assert_int_equal(retype(h, VX_OBJ_MEM, 1), VX_E_NOMEM);
	assert_int_equal(kt_syscall(sys_reticle_reset, h, 0, 0), VX_OK);
	assert_int_equal(reticle_free_bytes(&r), 8 * PAGE_SIZE + VX_OBJ_META_BYTES);
	r.size = 8 * PAGE_SIZE + VX_OBJ_META_BYTES - 1;
	r.u.ret.body_bottom = r.pa + r.size; /* one byte short */
	assert_int_equal(retype(h, VX_OBJ_TASK, 0), VX_E_NOMEM);
	assert_int_equal(r.u.ret.nrec, 0);
	cap_remove(kt_slot(fx.t, h));
}

static void test_split_exact_fit(void **state)
{
	/* The whole Reticle less its record, rounded down to pages. */
	assert_int_equal(split(fx.rh, RAM_BYTES), VX_E_NOMEM);
	int64_t ch = split(fx.rh, RAM_BYTES - PAGE_SIZE);
	assert_true(ch > 0);
	struct kobj *c = obj_of(ch);
	assert_int_equal(c->pa, fx.base + PAGE_SIZE);
	assert_int_equal(c->size, RAM_BYTES - PAGE_SIZE);
	assert_int_equal(reticle_free_bytes(c), RAM_BYTES - PAGE_SIZE);
	assert_int_equal(reticle_free_bytes(&fx.root), PAGE_SIZE - VX_OBJ_META_BYTES);
	assert_int_equal(retype(fx.rh, VX_OBJ_MEM, 1), VX_E_NOMEM);
	assert_int_equal(split(fx.rh, 2 * PAGE_SIZE), VX_E_NOMEM);
	/* The child in turn: one page less than it has. */
	assert_int_equal(split((uint64_t)ch, RAM_BYTES - PAGE_SIZE), VX_E_NOMEM);
	assert_true(split((uint64_t)ch, RAM_BYTES - 2 * PAGE_SIZE) > 0);
}

/* ---------------------------------------------------------- syscall decode */

static void test_retype_decode_errors(void **state)
{
	int64_t m = retype(fx.rh, VX_OBJ_MEM, 1);
	uint64_t nrec = fx.root.u.ret.nrec, free0 = reticle_free_bytes(&fx.root);
	uint64_t weak = kt_install(fx.t, &fx.root, VX_OBJ_RETICLE, VX_R_READ | VX_R_GRANT, 0, NULL);

	assert_int_equal(retype((uint64_t)m, VX_OBJ_MEM, 1), VX_E_TYPE);
	assert_int_equal(retype(weak, VX_OBJ_MEM, 1), VX_E_RIGHTS);
	assert_int_equal(split(weak, 2 * PAGE_SIZE), VX_E_RIGHTS);
	assert_int_equal(kt_syscall(sys_reticle_reset, weak, 0, 0), VX_E_RIGHTS);
	assert_int_equal(retype(0, VX_OBJ_MEM, 1), VX_E_BADHANDLE);
	assert_int_equal(retype(fx.rh, (1ull << 32) | VX_OBJ_MEM, 1), VX_E_INVAL);
	assert_int_equal(retype(fx.rh, VX_OBJ_RETICLE, 0), VX_E_INVAL);
	assert_int_equal(retype(fx.rh, VX_OBJ_SIGNAL, 0), VX_E_INVAL);
	assert_int_equal(retype(fx.rh, VX_OBJ_IRQ, 0), VX_E_INVAL);
	assert_int_equal(retype(fx.rh, KOBJ_PAGETABLE, 0), VX_E_INVAL);
	assert_int_equal(retype(fx.rh, VX_OBJ_MEM, 0), VX_E_INVAL);
	assert_int_equal(retype(fx.rh, VX_OBJ_TASK, 1), VX_E_INVAL);
	assert_int_equal(retype(fx.rh, VX_OBJ_RING, VX_RING_ARG(6, 13)), VX_E_INVAL);
	assert_int_equal(retype(fx.rh, VX_OBJ_MEM, VX_MEM_PAGES_MAX), VX_E_NOMEM);
	assert_int_equal(fx.root.u.ret.nrec, nrec);
	assert_int_equal(reticle_free_bytes(&fx.root), free0);
	assert_int_equal(kstub.task_init + kstub.ring_init + kstub.bundle_init, 0);

	/* A full table: refused before anything is carved. */
	while (kt_install(fx.t, &fx.root, VX_OBJ_RETICLE, VX_R_READ, 0, NULL) !=
	       VX_HANDLE_MAKE(VX_HANDLE_SLOTS - 1, 1))
		;
	assert_int_equal(retype(fx.rh, VX_OBJ_RING, VX_RING_ARG(6, 0)), VX_E_FULL);
	assert_int_equal(split(fx.rh, 2 * PAGE_SIZE), VX_E_FULL);
	assert_int_equal(fx.root.u.ret.nrec, nrec);
	assert_int_equal(reticle_free_bytes(&fx.root), free0);
	assert_int_equal(kstub.ring_init, 0);
}

static void test_info(void **state)
{
	struct vx_reticle_info info;
	int64_t ch = split(fx.rh, 8 * PAGE_SIZE);

	assert_true(retype((uint64_t)ch, VX_OBJ_MEM, 1) > 0);
	assert_true(retype((uint64_t)ch, VX_OBJ_MEM, 2) > 0);
	memset(&info, 0xee, sizeof(info));
	assert_int_equal(kt_syscall(sys_reticle_info, (uint64_t)ch, (uint64_t)(uintptr_t)&info, 0),
			 VX_OK);
	assert_int_equal(info.base, obj_of(ch)->pa);
	assert_int_equal(info.size, 8 * PAGE_SIZE);
	assert_int_equal(info.free, 5 * PAGE_SIZE - 2 * VX_OBJ_META_BYTES);
	assert_int_equal(info.objects, 2);
	assert_int_equal(info.depth, 1);
	assert_int_equal(info.device, 0);
	assert_int_equal(info.reserved, 0);

	/* Info needs no rights; it does need a Reticle. */
	uint64_t weak = kt_install(fx.t, &fx.dev, VX_OBJ_RETICLE, 0, 0, NULL);
	assert_int_equal(kt_syscall(sys_reticle_info, weak, (uint64_t)(uintptr_t)&info, 0), VX_OK);
	assert_int_equal(info.base, DEV_BASE);
	assert_int_equal(info.size, DEV_BYTES);
	assert_int_equal(info.free, DEV_BYTES);
	assert_int_equal(info.depth, 0);
	assert_int_equal(info.device, 1);
	int64_t m = retype(fx.rh, VX_OBJ_MEM, 1);
	assert_int_equal(kt_syscall(sys_reticle_info, (uint64_t)m, (uint64_t)(uintptr_t)&info, 0),
			 VX_E_TYPE);
	kstub.copy_out_fault = 1;
	assert_int_equal(kt_syscall(sys_reticle_info, fx.rh, 0, 0), VX_E_FAULT);
}

/* ---------------------------------------------------------- device Reticles */

static void test_device_only_mem(void **state)
{
	uint64_t bytes = 0;

	assert_int_equal(retype(fx.dh, VX_OBJ_TASK, 0), VX_E_TYPE);
	assert_int_equal(retype(fx.dh, VX_OBJ_RING, VX_RING_ARG(6, 0)), VX_E_TYPE);
	assert_int_equal(retype(fx.dh, VX_OBJ_BUNDLE, 0), VX_E_TYPE);
	assert_int_equal(retype(fx.dh, VX_OBJ_RETICLE, DEV_ARG(0, 1)), VX_E_TYPE);
	assert_int_equal(reticle_check_retype(&fx.dev, VX_OBJ_SIGNAL, DEV_ARG(0, 1), &bytes),
			 VX_E_TYPE);
	assert_int_equal(retype(fx.dh, VX_OBJ_MEM, DEV_ARG(0, 0)), VX_E_INVAL);
	assert_int_equal(retype(fx.dh, VX_OBJ_MEM, DEV_ARG(5, 0)), VX_E_INVAL);
	/* Cannot be split. */
	assert_int_equal(split(fx.dh, 2 * PAGE_SIZE), VX_E_INVAL);
	assert_int_equal(fx.dev.u.ret.nrec, 0);
	assert_int_equal(reticle_free_bytes(&fx.dev), DEV_BYTES);
}

static void test_device_carve_by_offset(void **state)
{
	uint8_t before[PAGE_SIZE];

	memcpy(before, fx.ram, sizeof(before));
	int64_t h = retype(fx.dh, VX_OBJ_MEM, DEV_ARG(2, 3));
	struct kobj *o = obj_of(h);
	assert_int_equal(o->type, VX_OBJ_MEM);
	assert_int_equal(o->pa, DEV_BASE + 2 * PAGE_SIZE);
	assert_int_equal(o->size, 3 * PAGE_SIZE);
	assert_ptr_equal(o->origin, &fx.dev);
	assert_int_equal(fx.dev.u.ret.used, 3 * PAGE_SIZE);
	assert_int_equal(reticle_free_bytes(&fx.dev), DEV_BYTES - 3 * PAGE_SIZE);
	assert_int_equal(fx.dev.u.ret.body_bottom, DEV_BASE + DEV_BYTES); /* unused */

	/* Carving by address leaves the order free: below, then above. */
	struct kobj *lo = obj_of(retype(fx.dh, VX_OBJ_MEM, DEV_ARG(0, 1)));
	struct kobj *hi = obj_of(retype(fx.dh, VX_OBJ_MEM, DEV_ARG(DEV_PAGES - 1, 1)));
	assert_int_equal(lo->pa, DEV_BASE);
	assert_int_equal(hi->pa, DEV_BASE + DEV_BYTES - PAGE_SIZE);
	assert_int_equal(reticle_free_bytes(&fx.dev), DEV_BYTES - 5 * PAGE_SIZE);
	assert_int_equal(fx.dev.u.ret.nlive, 3);
	/* Device memory is not RAM: nothing was written anywhere we own. */
	assert_memory_equal(before, fx.ram, sizeof(before));

	/* Inspect reports the physical address drivers need. */
	struct vx_cap_info info;
	assert_int_equal(kt_syscall(sys_cap_inspect, (uint64_t)h, (uint64_t)(uintptr_t)&info, 0),
			 VX_OK);
	assert_int_equal(info.paddr, DEV_BASE + 2 * PAGE_SIZE);
	assert_int_equal(info.size, 3 * PAGE_SIZE);

	/* Deleting gives the range back. */
	assert_int_equal(kt_syscall(sys_cap_delete, (uint64_t)h, 0, 0), VX_OK);
	reap();
	assert_int_equal(fx.dev.u.ret.used, 2 * PAGE_SIZE);
	assert_int_equal(fx.dev.u.ret.nlive, 2);
	assert_true(retype(fx.dh, VX_OBJ_MEM, DEV_ARG(2, 3)) > 0);
}

static void test_device_overlap(void **state)
{
	assert_true(retype(fx.dh, VX_OBJ_MEM, DEV_ARG(4, 4)) > 0); /* pages 4..7 */
	assert_int_equal(retype(fx.dh, VX_OBJ_MEM, DEV_ARG(4, 4)), VX_E_EXISTS);
	assert_int_equal(retype(fx.dh, VX_OBJ_MEM, DEV_ARG(7, 1)), VX_E_EXISTS);
	assert_int_equal(retype(fx.dh, VX_OBJ_MEM, DEV_ARG(3, 2)), VX_E_EXISTS);
	assert_int_equal(retype(fx.dh, VX_OBJ_MEM, DEV_ARG(5, 1)), VX_E_EXISTS);
	assert_int_equal(retype(fx.dh, VX_OBJ_MEM, DEV_ARG(0, 16)), VX_E_EXISTS);
	assert_int_equal(fx.dev.u.ret.nrec, 1);
	/* Adjacent on both sides is fine. */
	assert_true(retype(fx.dh, VX_OBJ_MEM, DEV_ARG(3, 1)) > 0);
	assert_true(retype(fx.dh, VX_OBJ_MEM, DEV_ARG(8, 1)) > 0);
	assert_int_equal(fx.dev.u.ret.used, 6 * PAGE_SIZE);

	/* A dead object's range is free again even while its record waits. */
	int64_t mid = retype(fx.dh, VX_OBJ_MEM, DEV_ARG(20, 2));
	assert_true(retype(fx.dh, VX_OBJ_MEM, DEV_ARG(30, 1)) > 0);
	assert_int_equal(kt_syscall(sys_cap_delete, (uint64_t)mid, 0, 0), VX_OK);
	reap();
	assert_int_equal(fx.dev.u.ret.nrec, 5);
	assert_true(retype(fx.dh, VX_OBJ_MEM, DEV_ARG(21, 1)) > 0);
}

static void test_device_range(void **state)
{
	uint64_t bytes = 0;

	assert_int_equal(retype(fx.dh, VX_OBJ_MEM, DEV_ARG(DEV_PAGES, 1)), VX_E_RANGE);
	assert_int_equal(retype(fx.dh, VX_OBJ_MEM, DEV_ARG(DEV_PAGES - 1, 2)), VX_E_RANGE);
	assert_int_equal(retype(fx.dh, VX_OBJ_MEM, DEV_ARG(0, DEV_PAGES + 1)), VX_E_RANGE);
	assert_int_equal(retype(fx.dh, VX_OBJ_MEM, DEV_ARG(0xffffffffu, 1)), VX_E_RANGE);
	assert_int_equal(retype(fx.dh, VX_OBJ_MEM, DEV_ARG(1, VX_MEM_PAGES_MAX)), VX_E_RANGE);
	/* Past every Mem's bound of 2^20 pages: refused before the range is
	 * looked at (ktest hunt6_device_mem_pages_bounded). */
	assert_int_equal(retype(fx.dh, VX_OBJ_MEM, DEV_ARG(1, 0xffffffffu)), VX_E_INVAL);
	assert_int_equal(retype(fx.dh, VX_OBJ_MEM, DEV_ARG(0xffffffffu, 0xffffffffu)), VX_E_INVAL);
	assert_int_equal(retype(fx.dh, VX_OBJ_MEM, DEV_ARG(0, VX_MEM_PAGES_MAX + 1u)), VX_E_INVAL);
	/* Wrap attempt: offset + size past 2^64 if computed naively. */
	assert_int_equal(
	    reticle_check_retype(&fx.dev, VX_OBJ_MEM, DEV_ARG(0xfffff000u, 0x1000u), &bytes),
	    VX_E_RANGE);
	assert_int_equal(fx.dev.u.ret.nrec, 0);
	/* The whole region exactly. */
	int64_t h = retype(fx.dh, VX_OBJ_MEM, DEV_ARG(0, DEV_PAGES));
	assert_true(h > 0);
	assert_int_equal(reticle_free_bytes(&fx.dev), 0);
	assert_int_equal(retype(fx.dh, VX_OBJ_MEM, DEV_ARG(0, 1)), VX_E_EXISTS);
}

static void test_device_record_capacity(void **state)
{
	uint32_t cap_max = fx.dev.u.ret.nrec_max;
	int64_t h[128];

	assert_int_equal(cap_max, RETICLE_DEVICE_RECORDS);
	for (uint32_t i = 0; i < cap_max; i++) {
		h[i] = retype(fx.dh, VX_OBJ_MEM, DEV_ARG(i, 1));
		assert_true(h[i] > 0);
	}
	assert_int_equal(retype(fx.dh, VX_OBJ_MEM, DEV_ARG(cap_max, 1)), VX_E_FULL);
	assert_int_equal(fx.dev.u.ret.nrec, cap_max);

	/* A middle record is taken again by the next retype (a device
	 * Reticle's objects do not depend on one another), and only 128 live
	 * objects make it full. */
	assert_int_equal(kt_syscall(sys_cap_delete, (uint64_t)h[10], 0, 0), VX_OK);
	reap();
	assert_int_equal(fx.dev.u.ret.nlive, cap_max - 1);
	h[10] = retype(fx.dh, VX_OBJ_MEM, DEV_ARG(cap_max, 1));
	assert_true(h[10] > 0);
	assert_int_equal(fx.dev.u.ret.nrec, cap_max);
	assert_int_equal(fx.dev.u.ret.rec[10].pa, fx.dev.pa + (uint64_t)cap_max * 4096);
	assert_int_equal(retype(fx.dh, VX_OBJ_MEM, DEV_ARG(cap_max + 1, 1)), VX_E_FULL);
	/* The newest one frees its record at once. */
	assert_int_equal(kt_syscall(sys_cap_delete, (uint64_t)h[cap_max - 1], 0, 0), VX_OK);
	reap();
	assert_int_equal(fx.dev.u.ret.nrec, cap_max - 1);
	assert_true(retype(fx.dh, VX_OBJ_MEM, DEV_ARG(cap_max + 1, 1)) > 0);

	/* Reset empties the device Reticle. */
	assert_int_equal(kt_syscall(sys_reticle_reset, fx.dh, 0, 0), VX_OK);
	assert_int_equal(fx.dev.u.ret.nrec, 0);
	assert_int_equal(fx.dev.u.ret.used, 0);
	assert_int_equal(fx.dev.u.ret.nlive, 0);
	assert_int_equal(reticle_free_bytes(&fx.dev), DEV_BYTES);
	assert_int_equal(fx.t->used_slots, 2);
}

/* ------------------------------------------------------------------ split */

static void test_split_checks(void **state)
{
	assert_int_equal(split(fx.rh, 0), VX_E_ALIGN);
	assert_int_equal(split(fx.rh, 1), VX_E_ALIGN);
	assert_int_equal(split(fx.rh, 2 * PAGE_SIZE + 1), VX_E_ALIGN);
	assert_int_equal(split(fx.rh, PAGE_SIZE), VX_E_INVAL);
	assert_int_equal(split(fx.rh, 1ull << 63), VX_E_NOMEM);
	assert_int_equal(split(fx.rh, UINT64_MAX - PAGE_SIZE + 1), VX_E_NOMEM);
	assert_int_equal(fx.root.u.ret.nrec, 0);

	int64_t ch = split(fx.rh, 2 * PAGE_SIZE);
	struct kobj *c = obj_of(ch);
	struct cap *cc = NULL;
	assert_int_equal(c->type, VX_OBJ_RETICLE);
	assert_int_equal(c->u.ret.depth, 1);
	assert_int_equal(c->u.ret.device, 0);
	assert_int_equal(c->u.ret.nrec_max, UINT32_MAX);
	assert_ptr_equal(c->u.ret.rec, (void *)(uintptr_t)c->pa);
	assert_int_equal(c->u.ret.body_bottom, c->pa + 2 * PAGE_SIZE);
	assert_int_equal(c->fixed, 0);
	assert_int_equal(cap_lookup_any(fx.t, (uint64_t)ch, &cc), VX_OK);
	assert_int_equal(cc->rights, VX_R_ALL); /* the parent cap's rights */
	assert_int_equal(cc->type, VX_OBJ_RETICLE);

	/* A child made through a narrower (but controlling) cap gets its rights. */
	uint64_t narrow = kt_install(fx.t, &fx.root, VX_OBJ_RETICLE, VX_R_CONTROL, 0, NULL);
	ch = split(narrow, 2 * PAGE_SIZE);
	assert_int_equal(cap_lookup_any(fx.t, (uint64_t)ch, &cc), VX_OK);
	assert_int_equal(cc->rights, VX_R_CONTROL);
}

static void test_split_depth_limit(void **state)
{
	uint64_t h = fx.rh;
	uint64_t bytes = 32 * PAGE_SIZE; /* each level 3 pages smaller */
	uint64_t hs[VX_RETICLE_DEPTH_MAX + 1];

	hs[0] = fx.rh;
	for (uint32_t d = 1; d <= VX_RETICLE_DEPTH_MAX; d++) {
		int64_t ch = split(h, bytes);
		assert_true(ch > 0);
		assert_int_equal(obj_of(ch)->u.ret.depth, d);
		h = (uint64_t)ch;
		hs[d] = h;
		bytes -= 3 * PAGE_SIZE;
	}
	/* At the limit: no deeper, whatever the size (alignment comes first). */
	assert_int_equal(split(h, 2 * PAGE_SIZE), VX_E_DEPTH);
	assert_int_equal(split(h, PAGE_SIZE), VX_E_DEPTH);
	assert_int_equal(split(h, 1), VX_E_ALIGN);
	/* Objects still come from the deepest Reticle. */
	assert_true(retype(h, VX_OBJ_MEM, 1) > 0);
	/* One level up may still split once more. */
	assert_true(split(hs[VX_RETICLE_DEPTH_MAX - 1], 2 * PAGE_SIZE) > 0);

	struct vx_reticle_info info;
	assert_int_equal(kt_syscall(sys_reticle_info, h, (uint64_t)(uintptr_t)&info, 0), VX_OK);
	assert_int_equal(info.depth, VX_RETICLE_DEPTH_MAX);

	/* Reset from the top unwinds all of it. */
	assert_int_equal(kt_syscall(sys_reticle_reset, fx.rh, 0, 0), VX_OK);
	assert_int_equal(reticle_free_bytes(&fx.root), RAM_BYTES);
	assert_int_equal(fx.t->used_slots, 2);
}

static void test_release_boot_object(void **state)
{
	struct kobj o;

	memset(&o, 0, sizeof(o));
	o.type = VX_OBJ_MEM;
	o.state = KOBJ_LIVE;
	kobj_release(&o); /* no origin: only marked dead */
	assert_int_equal(o.state, KOBJ_DEAD);
	assert_int_equal(reticle_free_bytes(&fx.root), RAM_BYTES);
}

/* Audit finding 6: a Reticle queued for destruction ahead of an object
 * carved from it.  The object is destroyed and released once, after which
 * the Reticle finishes; its live count never wraps. */
static void test_zombie_reticle_ahead_of_its_object(void **state)
{
	int64_t q = split(fx.rh, 16 * PAGE_SIZE);
	struct kobj *qo = obj_of(q);
	int64_t x = retype((uint64_t)q, VX_OBJ_RING, VX_RING_ARG(6, 0));
	struct kobj *xo = obj_of(x);

	cap_remove(kt_slot(fx.t, (uint64_t)q)); /* queued first */
	cap_remove(kt_slot(fx.t, (uint64_t)x)); /* queued behind it */
	assert_int_equal(qo->state, KOBJ_ZOMBIE);
	assert_int_equal(xo->state, KOBJ_ZOMBIE);
	assert_true(reap());
	assert_int_equal(kstub.ring_destroy, 1); /* destroyed, once */
	assert_int_equal(xo->state, KOBJ_DEAD);
	assert_int_equal(qo->state, KOBJ_DEAD);
	assert_int_equal(qo->u.ret.nlive, 0);
	assert_int_equal(fx.root.u.ret.nlive, 0);
	assert_int_equal(reticle_free_bytes(&fx.root), RAM_BYTES);
}

/* With the budget spent at every check, a reset still completes: each
 * step makes progress, the syscall is re-entered until the queue drains. */
static void test_reset_preempted_at_every_step(void **state)
{
	int64_t q = split(fx.rh, 64 * PAGE_SIZE);
	int64_t inner = split((uint64_t)q, 16 * PAGE_SIZE);
	uint64_t free_q = reticle_free_bytes(obj_of(q));

	for (int i = 0; i < 8; i++)
		assert_true(retype((uint64_t)q, VX_OBJ_MEM, 1) > 0);
	for (int i = 0; i < 4; i++)
		assert_true(retype((uint64_t)inner, VX_OBJ_RING, VX_RING_ARG(6, 0)) > 0);
	kstub.preempt_always = 1;
	assert_int_equal(kt_syscall(sys_reticle_reset, (uint64_t)q, 0, 0), VX_OK);
	assert_true(kstub.preempt_calls > 0);
	kstub.preempt_always = 0;
	assert_int_equal(obj_of(q)->u.ret.nlive, 0);
	assert_int_equal(reticle_free_bytes(obj_of(q)),
			 free_q + 16 * PAGE_SIZE + VX_OBJ_META_BYTES);
	assert_int_equal(kstub.ring_destroy, 4);
}

/* A body larger than ZERO_INLINE_BYTES is zeroed as queued work: the
 * first part at once, the rest chunk by chunk, done before the syscall
 * that carved it is over (kt_syscall drains the queue as dispatch does),
 * even when the budget is spent at every check. */
static void test_large_body_zeroed_as_work(void **state)
{
	const uint64_t pages = 64; /* 256 KiB: four chunks beyond the first */

	int64_t m = split(fx.rh, (pages + 2) * PAGE_SIZE);
	struct kobj *q = obj_of(m);
	struct kobj *o = reticle_carve(q, VX_OBJ_MEM, pages * PAGE_SIZE, 0);
	const uint8_t *body = phys_to_virt(o->pa);

	/* Carved directly: the first part is zero, the rest is still 0xa5. */
	assert_int_equal(o->zero_next, ZERO_INLINE_BYTES);
	assert_false(kobj_zeroed(o));
	assert_int_equal(body[0], 0);
	assert_int_equal(body[ZERO_INLINE_BYTES], 0xa5);
	assert_true(o->queued);
	kstub.preempt_always = 1;
	unsigned steps = 0;
	while (!reap())
		steps++;
	kstub.preempt_always = 0;
	/* One chunk a call; the last call finds the queue empty. */
	assert_int_equal(steps, (pages * PAGE_SIZE - ZERO_INLINE_BYTES) / ZERO_CHUNK_BYTES - 1);
	assert_true(kobj_zeroed(o));
	for (uint64_t i = 0; i < pages * PAGE_SIZE; i++)
		if (body[i] != 0)
			fail_msg("byte %lu not zeroed", (unsigned long)i);
	/* Through the syscall the caller sees only the finished object. */
	kobj_release(o);
	int64_t h = retype((uint64_t)m, VX_OBJ_MEM, pages);
	assert_true(kobj_zeroed(obj_of(h)));
}

/* Whose work it is (cap.c, work_done_upto): a call's work is done once
 * its own objects and those queued before it are; objects queued after it
 * never hold it (a parked SYS_KWAIT call returns), and an object reap puts
 * back on the queue (a body still being zeroed) keeps its call's number. */
static void test_work_done_upto_not_held_by_later_work(void **state)
{
	const uint64_t pages = 64;
	struct kobj *q = obj_of(split(fx.rh, 2 * (pages + 2) * PAGE_SIZE));
	struct kobj *a = reticle_carve(q, VX_OBJ_MEM, pages * PAGE_SIZE, 0);
	uint64_t first = fx.t->work_seq;
	struct kobj *b = reticle_carve(q, VX_OBJ_MEM, pages * PAGE_SIZE, 0);
	uint64_t second = fx.t->work_seq;

	assert_true(first != 0 && second > first);
	assert_false(work_done_upto(first));
	kstub.preempt_always = 1;
	reap(); /* one chunk of a, which goes back on the queue behind b */
	assert_true(a->queued && !kobj_zeroed(a));
	assert_false(work_done_upto(first));
	while (!kobj_zeroed(a))
		reap();
	assert_true(b->queued);
	assert_true(work_done_upto(first));
	assert_false(work_done_upto(second));
	while (!reap())
		;
	kstub.preempt_always = 0;
	assert_true(kobj_zeroed(b));
	assert_true(work_done_upto(second));
	kobj_release(b);
	kobj_release(a);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_object_bytes_task_bundle),
	    T(test_object_bytes_mem),
	    T(test_object_bytes_ring),
	    T(test_object_bytes_other_types),
	    T(test_free_bytes_is_gap),
	    T(test_carve_top_down_zeroed),
	    T(test_task_and_child_reticle_bodies_not_zeroed),
	    T(test_lifo_release),
	    T(test_non_lifo_release_waits_for_reset),
	    T(test_reset_newest_first),
	    T(test_reset_nested),
	    T(test_child_reticle_dies_with_last_cap),
	    T(test_exact_fit),
	    T(test_split_exact_fit),
	    T(test_retype_decode_errors),
	    T(test_info),
	    T(test_device_only_mem),
	    T(test_device_carve_by_offset),
	    T(test_device_overlap),
	    T(test_device_range),
	    T(test_device_record_capacity),
	    T(test_split_checks),
	    T(test_split_depth_limit),
	    T(test_release_boot_object),
	    T(test_zombie_reticle_ahead_of_its_object),
	    T(test_reset_preempted_at_every_step),
	    T(test_large_body_zeroed_as_work),
	    T(test_work_done_upto_not_held_by_later_work),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
