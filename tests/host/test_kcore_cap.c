/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host tests of kernel/core/cap.c, compiled from the kernel's own source:
 * handle decoding and generations, derivation limits, cap lists, moves,
 * mappings, deletion, the zombie queue and revoke.  Objects are carved from
 * a Reticle over a page-aligned host buffer (host pointers stand in for
 * physical addresses); what cap.c calls outside itself is a recording stub
 * (tests/support/kcore_stubs.c).
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

#define RAM_BYTES (1u << 20)

static struct {
	uint8_t *ram;
	struct kobj root; /* boot-like (fixed) RAM Reticle over ram */
	struct task *t;	  /* cpus[0].current */
	struct task *t2;  /* another Task (mappings, moves) */
} fx;

static int setup(void **state)
{
	kstub_reset();
	memset(&fx, 0, sizeof(fx));
	fx.ram = aligned_alloc(PAGE_SIZE, RAM_BYTES);
	assert_non_null(fx.ram);
	memset(fx.ram, 0xa5, RAM_BYTES);
	reticle_init_root(&fx.root, (uint64_t)(uintptr_t)fx.ram, RAM_BYTES, NULL);
	fx.t = kt_task_new();
	fx.t2 = kt_task_new();
	cpus[0].current = fx.t;
	fx.t->running_on = 0;
	return 0;
}

static int teardown(void **state)
{
	reap(); /* nothing may stay queued into the next test */
	kt_task_free(fx.t);
	kt_task_free(fx.t2);
	free(fx.ram);
	return 0;
}

/* Carves an object from the root Reticle the way retype does. */
static struct kobj *carve(uint32_t type, uint64_t arg)
{
	uint64_t bytes = 0;

	assert_int_equal(reticle_check_retype(&fx.root, type, arg, &bytes), VX_OK);
	return reticle_carve(&fx.root, type, bytes, 0);
}

static uint64_t mem_handle(struct kobj **out, uint32_t rights)
{
	struct kobj *o = carve(VX_OBJ_MEM, 1);

	if (out)
		*out = o;
	return kt_install(fx.t, o, VX_OBJ_MEM, rights, 0, NULL);
}

/* The cap after x in a preorder walk of its object's derivation forest. */
static const struct cap *forest_next(const struct cap *x)
{
	if (x->child)
		return x->child;
	while (x && !x->next)
		x = x->parent;
	return x ? x->next : NULL;
}

static bool on_list(const struct kobj *o, const struct cap *c)
{
	for (const struct cap *x = o->caps; x; x = forest_next(x))
		if (x == c)
			return true;
	return false;
}

/* Walks o's derivation forest: sibling links agree both ways, every child
 * names its parent, every cap names o, and the count equals ncaps. */
static void check_cap_list(const struct kobj *o)
{
	uint32_t n = 0;

	for (const struct cap *x = o->caps; x; x = forest_next(x)) {
		assert_ptr_equal(x->obj, o);
		if (x->prev)
			assert_ptr_equal(x->prev->next, x);
		else if (x->parent)
			assert_ptr_equal(x->parent->child, x);
		else
			assert_ptr_equal(o->caps, x);
		if (x->next)
			assert_ptr_equal(x->next->prev, x);
		for (const struct cap *k = x->child; k; k = k->next)
			assert_ptr_equal(k->parent, x);
		n++;
		assert_true(n <= 2 * VX_HANDLE_SLOTS);
	}
	assert_int_equal(n, o->ncaps);
}

/* Same for t's list of caps mapped into it; returns its length. */
static unsigned check_map_list(const struct task *t)
{
	unsigned n = 0;
	const struct cap *last = NULL;

	for (const struct cap *x = t->mappings; x; x = x->mnext) {
		assert_ptr_equal(x->map_task, t);
		assert_ptr_equal(x->mprev, last);
		assert_true(x->flags != 0);
		last = x;
		n++;
		assert_true(n <= 2 * VX_HANDLE_SLOTS);
	}
	return n;
}

/* ---------------------------------------------------------------- handles */

static void test_handle_malformed(void **state)
{
	struct cap *c = NULL;
	uint64_t h = mem_handle(NULL, VX_R_ALL);
	uint32_t idx = VX_HANDLE_INDEX(h), gen = VX_HANDLE_GEN(h);

	assert_int_equal(cap_lookup_any(fx.t, h, &c), VX_OK);
	assert_ptr_equal(c, &fx.t->table[idx]);
	assert_int_equal(cap_lookup_any(fx.t, VX_NO_HANDLE, &c), VX_E_BADHANDLE);
	assert_int_equal(cap_lookup_any(fx.t, VX_HANDLE_MAKE(0, gen), &c), VX_E_BADHANDLE);
	assert_int_equal(cap_lookup_any(fx.t, VX_HANDLE_MAKE(idx, 0), &c), VX_E_BADHANDLE);
	/* A valid 32-bit handle with anything above bit 31 is not a handle. */
	assert_int_equal(cap_lookup_any(fx.t, h | (1ull << 32), &c), VX_E_BADHANDLE);
	assert_int_equal(cap_lookup_any(fx.t, h | (1ull << 63), &c), VX_E_BADHANDLE);
	assert_int_equal(cap_lookup_any(fx.t, UINT64_MAX, &c), VX_E_BADHANDLE);
	/* Well formed, but beyond every slot ever handed out: never issued. */
	assert_int_equal(cap_lookup_any(fx.t, VX_HANDLE_MAKE(idx + 1, 1), &c), VX_E_STALE);
	assert_int_equal(cap_lookup_any(fx.t, VX_HANDLE_MAKE(VX_HANDLE_SLOTS - 1, 1), &c),
			 VX_E_STALE);
	/* Right slot, wrong generation. */
	assert_int_equal(cap_lookup_any(fx.t, VX_HANDLE_MAKE(idx, gen + 1), &c), VX_E_STALE);
	assert_int_equal(cap_lookup_any(fx.t, VX_HANDLE_MAKE(idx, VX_HANDLE_GEN_MAX), &c),
			 VX_E_STALE);
}

static void test_handle_deleted_is_stale(void **state)
{
	struct cap *c = NULL;
	uint64_t h = mem_handle(NULL, VX_R_ALL);

	assert_int_equal(kt_syscall(sys_cap_delete, h, 0, 0), VX_OK);
	assert_int_equal(cap_lookup_any(fx.t, h, &c), VX_E_STALE);
	assert_int_equal(kt_syscall(sys_cap_delete, h, 0, 0), VX_E_STALE);
	assert_int_equal(fx.t->used_slots, 0);
}

static void test_handle_reuse_new_generation(void **state)
{
	struct cap *c = NULL;
	struct kobj *o;
	uint64_t h1 = mem_handle(&o, VX_R_ALL);
	uint64_t keep = kt_install(fx.t, o, VX_OBJ_MEM, VX_R_READ, 0, NULL); /* o stays live */

	cap_remove(kt_slot(fx.t, h1));
	uint64_t h2 = kt_install(fx.t, o, VX_OBJ_MEM, VX_R_READ, 0, NULL);

	assert_int_equal(VX_HANDLE_INDEX(h2), VX_HANDLE_INDEX(h1)); /* lowest free slot */
	assert_int_equal(VX_HANDLE_GEN(h2), VX_HANDLE_GEN(h1) + 1);
	assert_int_not_equal(h1, h2);
	assert_int_equal(cap_lookup_any(fx.t, h1, &c), VX_E_STALE);
	assert_int_equal(cap_lookup_any(fx.t, h2, &c), VX_OK);
	assert_int_equal(c->rights, VX_R_READ);
	assert_int_equal(cap_lookup_any(fx.t, keep, &c), VX_OK);
}

static void test_handle_wrong_type(void **state)
{
	struct cap *c = NULL;
	uint64_t h = mem_handle(NULL, VX_R_ALL);

	assert_int_equal(cap_lookup(fx.t, h, VX_OBJ_RING, 0, &c), VX_E_TYPE);
	assert_int_equal(cap_lookup(fx.t, h, VX_OBJ_RETICLE, 0, &c), VX_E_TYPE);
	assert_null(c); /* nothing handed out on failure */
	assert_int_equal(cap_lookup(fx.t, h, VX_OBJ_MEM, 0, &c), VX_OK);
	assert_int_equal(cap_lookup(fx.t, h, 0, 0, &c), VX_OK); /* 0: any type */
}

static void test_handle_missing_rights(void **state)
{
	struct cap *c = NULL;
	uint64_t h = mem_handle(NULL, VX_R_READ | VX_R_GRANT);

	assert_int_equal(cap_lookup(fx.t, h, VX_OBJ_MEM, VX_R_READ | VX_R_WRITE, &c), VX_E_RIGHTS);
	assert_int_equal(cap_lookup(fx.t, h, VX_OBJ_MEM, VX_R_CONTROL, &c), VX_E_RIGHTS);
	assert_null(c);
	assert_int_equal(cap_lookup(fx.t, h, VX_OBJ_MEM, VX_R_READ | VX_R_GRANT, &c), VX_OK);
	/* A wrong type is reported before missing rights. */
	assert_int_equal(cap_lookup(fx.t, h, VX_OBJ_RING, VX_R_CONTROL, &c), VX_E_TYPE);
}

static void test_handle_gen_max_retired(void **state)
{
	struct cap *c = NULL;
	struct kobj *o;
	uint64_t keep = mem_handle(&o, VX_R_ALL);
	uint32_t idx;

	assert_int_equal(cap_find_slot(fx.t, &idx), VX_OK);
	cap_claim_slot(fx.t, idx);
	fx.t->table[idx].gen = VX_HANDLE_GEN_MAX - 1; /* one issue left */
	uint64_t h = cap_install(fx.t, idx, o, VX_OBJ_MEM, VX_R_ALL, 0, NULL);
	assert_int_equal(VX_HANDLE_GEN(h), VX_HANDLE_GEN_MAX);
	assert_int_equal(cap_lookup_any(fx.t, h, &c), VX_OK);
	cap_remove(c);
	assert_int_equal(fx.t->table[idx].gen, VX_HANDLE_GEN_MAX);
	assert_int_equal(cap_lookup_any(fx.t, h, &c), VX_E_STALE);

	/* The slot is retired: never handed out again, not even as the
	 * lowest-numbered empty slot. */
	uint32_t next;
	assert_int_equal(cap_find_slot(fx.t, &next), VX_OK);
	assert_int_not_equal(next, idx);
	/* Fill the table: one slot fewer than usual is available. */
	unsigned n = 0;
	while (cap_find_slot(fx.t, &next) == VX_OK) {
		assert_int_not_equal(next, idx);
		cap_install(fx.t, next, o, VX_OBJ_MEM, VX_R_READ, 0, NULL);
		n++;
	}
	/* 255 usable slots, one holds keep, one is retired. */
	assert_int_equal(n, VX_HANDLE_SLOTS - 3);
	assert_false(cap_have_slots(fx.t, 1));
	assert_int_equal(cap_lookup_any(fx.t, keep, &c), VX_OK);
	assert_null(fx.t->table[idx].obj);
}

static void test_table_full(void **state)
{
	struct cap *c = NULL;
	struct kobj *o;
	uint64_t first = mem_handle(&o, VX_R_ALL);
	uint64_t h = first;
	uint32_t idx;

	assert_true(cap_have_slots(fx.t, VX_HANDLE_SLOTS - 2));
	assert_false(cap_have_slots(fx.t, VX_HANDLE_SLOTS - 1));
	for (unsigned i = 2; i < VX_HANDLE_SLOTS; i++)
		h = kt_install(fx.t, o, VX_OBJ_MEM, VX_R_ALL, 0, NULL);
	assert_int_equal(VX_HANDLE_INDEX(h), VX_HANDLE_SLOTS - 1);
	assert_int_equal(fx.t->used_slots, VX_HANDLE_SLOTS - 1);
	assert_int_equal(cap_find_slot(fx.t, &idx), VX_E_FULL);
	assert_false(cap_have_slots(fx.t, 1));
	assert_true(cap_have_slots(fx.t, 0));
	assert_int_equal(kt_syscall(sys_cap_derive, first, VX_R_READ, 0), VX_E_FULL);
	assert_int_equal(o->ncaps, VX_HANDLE_SLOTS - 1);

	/* Freeing any slot makes exactly that one available again. */
	assert_int_equal(cap_lookup_any(fx.t, VX_HANDLE_MAKE(100, 1), &c), VX_OK);
	cap_remove(c);
	assert_true(cap_have_slots(fx.t, 1));
	assert_false(cap_have_slots(fx.t, 2));
	assert_int_equal(cap_find_slot(fx.t, &idx), VX_OK);
	assert_int_equal(idx, 100);
}

/* ------------------------------------------------------------- derivation */

static struct cap fake_cap(uint32_t type, uint32_t rights, uint64_t narrow)
{
	struct cap c;

	memset(&c, 0, sizeof(c));
	c.type = (uint8_t)type;
	c.rights = (uint8_t)rights;
	c.narrow = narrow;
	return c;
}

#define RANGE(base, count) (((uint64_t)(count) << 32) | (uint64_t)(base))

static void test_narrow_rights_subset(void **state)
{
	struct cap c = fake_cap(VX_OBJ_MEM, VX_R_READ | VX_R_WRITE | VX_R_GRANT, 0);

	assert_int_equal(cap_narrow_ok(&c, VX_R_READ | VX_R_WRITE | VX_R_GRANT, 0), VX_OK);
	assert_int_equal(cap_narrow_ok(&c, VX_R_READ, 0), VX_OK);
	assert_int_equal(cap_narrow_ok(&c, 0, 0), VX_OK);
	assert_int_equal(cap_narrow_ok(&c, VX_R_READ | VX_R_EXEC, 0), VX_E_RIGHTS);
	assert_int_equal(cap_narrow_ok(&c, VX_R_CONTROL, 0), VX_E_RIGHTS);
	assert_int_equal(cap_narrow_ok(&c, 0x80, 0), VX_E_RIGHTS);
	assert_int_equal(cap_narrow_ok(&c, 0x100 | VX_R_READ, 0), VX_E_RIGHTS);
}

static void test_narrow_signal_bits(void **state)
{
	struct cap c = fake_cap(VX_OBJ_SIGNAL, VX_R_ALL, 0xf0);

	assert_int_equal(cap_narrow_ok(&c, VX_R_ALL, 0), VX_OK); /* keeps 0xf0 */
	assert_int_equal(cap_narrow_ok(&c, VX_R_ALL, 0xf0), VX_OK);
	assert_int_equal(cap_narrow_ok(&c, VX_R_ALL, 0x30), VX_OK);
	assert_int_equal(cap_narrow_ok(&c, VX_R_ALL, 0x1f0), VX_E_RIGHTS);
	assert_int_equal(cap_narrow_ok(&c, VX_R_ALL, 0x01), VX_E_RIGHTS);
	assert_int_equal(cap_narrow_ok(&c, VX_R_ALL, 1ull << 63), VX_E_RIGHTS);
	/* Rights are checked as well. */
	c.rights = VX_R_GRANT;
	assert_int_equal(cap_narrow_ok(&c, VX_R_WRITE, 0x10), VX_E_RIGHTS);
}

static void check_range_narrowing(uint32_t type)
{
	struct cap c = fake_cap(type, VX_R_ALL, RANGE(0x3f8, 8));

	assert_int_equal(cap_narrow_ok(&c, VX_R_READ, 0), VX_OK);
	assert_int_equal(cap_narrow_ok(&c, VX_R_READ, RANGE(0x3f8, 8)), VX_OK);
	assert_int_equal(cap_narrow_ok(&c, VX_R_READ, RANGE(0x3f9, 7)), VX_OK);
	assert_int_equal(cap_narrow_ok(&c, VX_R_READ, RANGE(0x3ff, 1)), VX_OK);
	assert_int_equal(cap_narrow_ok(&c, VX_R_READ, RANGE(0x3f9, 8)), VX_E_RIGHTS);
	assert_int_equal(cap_narrow_ok(&c, VX_R_READ, RANGE(0x3f7, 1)), VX_E_RIGHTS);
	assert_int_equal(cap_narrow_ok(&c, VX_R_READ, RANGE(0x400, 1)), VX_E_RIGHTS);
	assert_int_equal(cap_narrow_ok(&c, VX_R_READ, RANGE(0x3f8, 0)), VX_E_INVAL);
	assert_int_equal(cap_narrow_ok(&c, VX_R_READ, RANGE(0x3f9, 0)), VX_E_INVAL);
	/* Attempts to wrap the end around 2^32 (or 2^64) back into range. */
	assert_int_equal(cap_narrow_ok(&c, VX_R_READ, RANGE(0xffffffffu, 0x3fa)), VX_E_RIGHTS);
	assert_int_equal(cap_narrow_ok(&c, VX_R_READ, RANGE(0x3f8, 0xffffffffu)), VX_E_RIGHTS);
	assert_int_equal(cap_narrow_ok(&c, VX_R_READ, RANGE(0xffffffffu, 0xffffffffu)),
			 VX_E_RIGHTS);
	assert_int_equal(cap_narrow_ok(&c, VX_R_READ, RANGE(0xfffffc08u, 0x3f8 + 8)), VX_E_RIGHTS);

	/* A parent that ends exactly at 2^32. */
	c.narrow = RANGE(0xfffffff0u, 0x10);
	assert_int_equal(cap_narrow_ok(&c, VX_R_READ, RANGE(0xfffffff8u, 8)), VX_OK);
	assert_int_equal(cap_narrow_ok(&c, VX_R_READ, RANGE(0xffffffffu, 1)), VX_OK);
	assert_int_equal(cap_narrow_ok(&c, VX_R_READ, RANGE(0xffffffffu, 2)), VX_E_RIGHTS);
	assert_int_equal(cap_narrow_ok(&c, VX_R_READ, RANGE(0xfffffff8u, 0x20)), VX_E_RIGHTS);
	assert_int_equal(cap_narrow_ok(&c, VX_R_READ, RANGE(0, 1)), VX_E_RIGHTS);
	assert_int_equal(cap_narrow_ok(&c, VX_R_READ, RANGE(0xffffffffu, 0xffffffffu)),
			 VX_E_RIGHTS);
	/* Rights still checked first. */
	c.rights = VX_R_READ;
	assert_int_equal(cap_narrow_ok(&c, VX_R_WRITE, RANGE(0xfffffff8u, 8)), VX_E_RIGHTS);
}

static void test_narrow_ioport_range(void **state)
{
	check_range_narrowing(VX_OBJ_IOPORT);
}

static void test_narrow_irq_range(void **state)
{
	check_range_narrowing(VX_OBJ_IRQ);
}

static void test_narrow_other_types(void **state)
{
	static const uint32_t types[] = {VX_OBJ_RETICLE, VX_OBJ_TASK, VX_OBJ_MEM, VX_OBJ_RING,
					 VX_OBJ_BUNDLE};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct cap c = fake_cap(types[i], VX_R_ALL, 0);
		assert_int_equal(cap_narrow_ok(&c, VX_R_READ, 0), VX_OK);
		assert_int_equal(cap_narrow_ok(&c, VX_R_READ, 1), VX_E_INVAL);
		assert_int_equal(cap_narrow_ok(&c, VX_R_READ, RANGE(0, 1)), VX_E_INVAL);
	}
}

static void test_derive_syscall(void **state)
{
	struct cap *c = NULL;
	struct kobj *sig = carve(VX_OBJ_MEM, 1);
	uint64_t h = kt_install(fx.t, sig, VX_OBJ_SIGNAL, VX_R_WRITE | VX_R_GRANT, 0xff, NULL);
	struct cap *pc = kt_slot(fx.t, h);

	assert_int_equal(kt_syscall(sys_cap_derive, h, VX_R_ALL + 1, 0), VX_E_RIGHTS);
	assert_int_equal(kt_syscall(sys_cap_derive, h, 1ull << 32 | VX_R_WRITE, 0), VX_E_RIGHTS);
	assert_int_equal(kt_syscall(sys_cap_derive, h, VX_R_READ, 0), VX_E_RIGHTS);
	assert_int_equal(kt_syscall(sys_cap_derive, h, VX_R_WRITE, 0x100), VX_E_RIGHTS);
	assert_int_equal(kt_syscall(sys_cap_derive, h + 1, VX_R_WRITE, 0), VX_E_STALE);
	assert_int_equal(sig->ncaps, 1);

	int64_t d1 = kt_syscall(sys_cap_derive, h, VX_R_WRITE, 0);
	assert_true(d1 > 0);
	assert_int_equal(cap_lookup(fx.t, (uint64_t)d1, VX_OBJ_SIGNAL, VX_R_WRITE, &c), VX_OK);
	assert_int_equal(c->narrow, 0xff); /* narrow 0 keeps the range */
	assert_int_equal(c->rights, VX_R_WRITE);
	assert_ptr_equal(c->parent, pc);
	assert_ptr_equal(c->obj, sig);

	int64_t d2 = kt_syscall(sys_cap_derive, (uint64_t)d1, VX_R_WRITE, 0x0c);
	assert_true(d2 > 0);
	assert_int_equal(cap_lookup_any(fx.t, (uint64_t)d2, &c), VX_OK);
	assert_int_equal(c->narrow, 0x0c);
	assert_ptr_equal(c->parent, kt_slot(fx.t, (uint64_t)d1));
	/* A derived cap cannot widen back. */
	assert_int_equal(kt_syscall(sys_cap_derive, (uint64_t)d2, VX_R_WRITE, 0x0f), VX_E_RIGHTS);
	assert_int_equal(kt_syscall(sys_cap_derive, (uint64_t)d2, VX_R_GRANT, 0), VX_E_RIGHTS);
	assert_int_equal(sig->ncaps, 3);
	check_cap_list(sig);
}

/* -------------------------------------------------------------- cap lists */

static void test_ncaps_counts(void **state)
{
	struct kobj *o;
	uint64_t h1 = mem_handle(&o, VX_R_ALL);
	struct cap held, bundle_slot;

	memset(&held, 0, sizeof(held));
	memset(&bundle_slot, 0, sizeof(bundle_slot));
	assert_int_equal(o->ncaps, 1);
	kt_install(fx.t2, o, VX_OBJ_MEM, VX_R_READ, 0, NULL);
	cap_hold(&held, o, VX_OBJ_MEM, VX_R_READ, 0);
	cap_copy_into(&bundle_slot, NULL, kt_slot(fx.t, h1), VX_R_READ, 0, kt_slot(fx.t, h1));
	assert_int_equal(o->ncaps, 4);
	check_cap_list(o);
	assert_true(on_list(o, &held));
	assert_true(on_list(o, &bundle_slot));
	assert_null(held.owner);
	assert_int_equal(fx.t->used_slots, 1); /* kernel-held caps use no slot */
	assert_int_equal(fx.t2->used_slots, 1);

	cap_remove(&held);
	assert_int_equal(o->ncaps, 3);
	assert_false(on_list(o, &held));
	assert_null(held.obj);
	check_cap_list(o);
	cap_remove(&held); /* removing an empty slot does nothing */
	assert_int_equal(o->ncaps, 3);
	cap_remove(kt_slot(fx.t, h1));
	assert_int_equal(o->ncaps, 2);
	assert_int_equal(fx.t->used_slots, 0);
	assert_ptr_equal(bundle_slot.parent, NULL); /* reparented to h1's parent */
	check_cap_list(o);
	assert_int_equal(o->state, KOBJ_LIVE);
}

static void test_remove_reparents_children(void **state)
{
	struct kobj *o;
	uint64_t ha = mem_handle(&o, VX_R_ALL);
	struct cap *a = kt_slot(fx.t, ha);
	struct cap *b = kt_slot(fx.t, kt_install(fx.t, o, VX_OBJ_MEM, VX_R_ALL, 0, a));
	struct cap *c = kt_slot(fx.t, kt_install(fx.t, o, VX_OBJ_MEM, VX_R_READ, 0, b));
	struct cap *d = kt_slot(fx.t2, kt_install(fx.t2, o, VX_OBJ_MEM, VX_R_READ, 0, b));
	struct cap *e = kt_slot(fx.t, kt_install(fx.t, o, VX_OBJ_MEM, VX_R_READ, 0, c));
	struct cap *other = kt_slot(fx.t, kt_install(fx.t, o, VX_OBJ_MEM, VX_R_READ, 0, a));

	cap_remove(b);
	assert_ptr_equal(c->parent, a);
	assert_ptr_equal(d->parent, a);
	assert_ptr_equal(e->parent, c); /* grandchildren keep their own parent */
	assert_ptr_equal(other->parent, a);
	assert_int_equal(o->ncaps, 5);

	/* Removing an original hands its children no parent at all. */
	cap_remove(a);
	assert_null(c->parent);
	assert_null(d->parent);
	assert_null(other->parent);
	assert_ptr_equal(e->parent, c);
	for (const struct cap *x = o->caps; x; x = forest_next(x))
		assert_true(x->parent == NULL || x->parent->obj == o);
	check_cap_list(o);
}

/* Each type's destroy hook, as cap.c's destroy() dispatches it. */
static unsigned destroy_calls(uint32_t type)
{
	switch (type) {
	case VX_OBJ_TASK:
		return kstub.task_destroy;
	case VX_OBJ_RING:
		return kstub.ring_destroy;
	case VX_OBJ_BUNDLE:
		return kstub.bundle_destroy;
	default:
		return kstub.ndestroyed;
	}
}

static void test_last_cap_queues_and_reap_destroys(void **state)
{
	static const struct {
		uint32_t type;
		uint64_t arg;
	} objs[] = {
	    {VX_OBJ_MEM, 2},
	    {VX_OBJ_RING, VX_RING_ARG(6, 4)},
	    {VX_OBJ_BUNDLE, 0},
	    {VX_OBJ_TASK, 0},
	};
	uint64_t free0 = reticle_free_bytes(&fx.root);

	for (size_t i = 0; i < sizeof(objs) / sizeof(objs[0]); i++) {
		struct kobj *o = carve(objs[i].type, objs[i].arg);
		uint64_t h1 = kt_install(fx.t, o, objs[i].type, VX_R_ALL, 0, NULL);
		uint64_t h2 = kt_install(fx.t2, o, objs[i].type, VX_R_ALL, 0, NULL);
		unsigned before = destroy_calls(objs[i].type), nd = kstub.ndestroyed;

		assert_int_equal(fx.root.u.ret.nlive, 1);
		cap_remove(kt_slot(fx.t, h1));
		assert_int_equal(o->state, KOBJ_LIVE); /* one cap left */
		cap_remove(kt_slot(fx.t2, h2));
		assert_int_equal(o->ncaps, 0);
		assert_int_equal(o->state, KOBJ_ZOMBIE); /* queued, not yet destroyed */
		assert_int_equal(destroy_calls(objs[i].type), before);
		assert_int_equal(fx.root.u.ret.nrec, 1);

		reap();
		assert_int_equal(o->state, KOBJ_DEAD);
		if (objs[i].type == VX_OBJ_MEM) {
			assert_int_equal(kstub.ndestroyed, nd); /* Mem has no destroy hook */
		} else {
			assert_int_equal(destroy_calls(objs[i].type), before + 1);
			assert_int_equal(kstub.ndestroyed, nd + 1);
			assert_ptr_equal(kstub.destroyed[nd], o);
		}
		/* kobj_release gave the record and body back (it was the newest). */
		assert_int_equal(fx.root.u.ret.nrec, 0);
		assert_int_equal(fx.root.u.ret.nlive, 0);
		assert_int_equal(reticle_free_bytes(&fx.root), free0);
		reap(); /* the queue is empty: nothing is destroyed twice */
		assert_int_equal(kstub.ndestroyed, objs[i].type == VX_OBJ_MEM ? nd : nd + 1);
	}
	assert_int_equal(kstub.task_destroy, 1);
	assert_int_equal(kstub.ring_destroy, 1);
	assert_int_equal(kstub.bundle_destroy, 1);
}

static void test_reap_many_queued(void **state)
{
	struct kobj *o[3];
	uint64_t h[3];

	for (int i = 0; i < 3; i++) {
		o[i] = carve(VX_OBJ_RING, VX_RING_ARG(6, 0));
		h[i] = kt_install(fx.t, o[i], VX_OBJ_RING, VX_R_ALL, 0, NULL);
	}
	for (int i = 0; i < 3; i++)
		cap_remove(kt_slot(fx.t, h[i]));
	reap();
	assert_int_equal(kstub.ring_destroy, 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(o[i]->state, KOBJ_DEAD);
	assert_int_equal(fx.root.u.ret.nrec, 0);
	assert_int_equal(reticle_free_bytes(&fx.root), RAM_BYTES);
}

static void test_fixed_never_destroyed(void **state)
{
	struct kobj fixed_ring;
	uint64_t h = kt_install(fx.t, &fx.root, VX_OBJ_RETICLE, VX_R_ALL, 0, NULL);

	/* The boot Reticle (fixed) loses its last cap: nothing happens. */
	cap_remove(kt_slot(fx.t, h));
	assert_int_equal(fx.root.ncaps, 0);
	assert_int_equal(fx.root.state, KOBJ_LIVE);
	reap();
	assert_int_equal(fx.root.state, KOBJ_LIVE);

	/* Same for any other boot-made object. */
	memset(&fixed_ring, 0, sizeof(fixed_ring));
	fixed_ring.type = VX_OBJ_RING;
	fixed_ring.state = KOBJ_LIVE;
	fixed_ring.fixed = 1;
	h = kt_install(fx.t, &fixed_ring, VX_OBJ_RING, VX_R_ALL, 0, NULL);
	cap_remove(kt_slot(fx.t, h));
	zombify(&fixed_ring);
	reap();
	assert_int_equal(fixed_ring.state, KOBJ_LIVE);
	assert_int_equal(kstub.ring_destroy, 0);
	assert_int_equal(kstub.ndestroyed, 0);
}

static void test_zombify_only_live(void **state)
{
	struct kobj *o = carve(VX_OBJ_RING, VX_RING_ARG(6, 0));

	zombify(o);
	zombify(o); /* already queued: not queued twice */
	assert_int_equal(o->state, KOBJ_ZOMBIE);
	reap();
	assert_int_equal(kstub.ring_destroy, 1);
	assert_int_equal(o->state, KOBJ_DEAD);
	zombify(o); /* dead: ignored */
	reap();
	assert_int_equal(kstub.ring_destroy, 1);
}

/* ---------------------------------------------------- mappings and moves */

static void test_delete_mapped_memcap_unmaps(void **state)
{
	struct kobj *o = carve(VX_OBJ_MEM, 3);
	uint64_t h = kt_install(fx.t, o, VX_OBJ_MEM, VX_R_ALL, 0, NULL);
	uint64_t h2 = kt_install(fx.t, o, VX_OBJ_MEM, VX_R_ALL, 0, NULL);
	struct kobj *o2 = carve(VX_OBJ_MEM, 1);
	uint64_t hother = kt_install(fx.t, o2, VX_OBJ_MEM, VX_R_ALL, 0, NULL);

	cap_note_mapping(kt_slot(fx.t, hother), fx.t2, 0x500000, CAP_F_MAPPED);
	cap_note_mapping(kt_slot(fx.t, h), fx.t2, 0x400000, CAP_F_MAPPED);
	cap_note_mapping(kt_slot(fx.t, h2), fx.t2, 0x600000, CAP_F_MAPPED);
	assert_int_equal(check_map_list(fx.t2), 3);

	/* h sits in the middle of t2's mapping list. */
	assert_int_equal(kt_syscall(sys_cap_delete, h, 0, 0), VX_OK);
	assert_int_equal(kstub.nunmap, 1);
	assert_ptr_equal(kstub.unmap[0].task, fx.t2);
	assert_int_equal(kstub.unmap[0].va, 0x400000);
	assert_int_equal(kstub.unmap[0].bytes, 3 * PAGE_SIZE);
	assert_int_equal(kstub.nunbound, 0);
	assert_int_equal(check_map_list(fx.t2), 2);
	assert_int_equal(o->state, KOBJ_LIVE); /* h2 still names it */

	/* An unmapped cap deletes without touching page tables. */
	uint64_t h3 = kt_install(fx.t, o, VX_OBJ_MEM, VX_R_ALL, 0, NULL);
	cap_remove(kt_slot(fx.t, h3));
	assert_int_equal(kstub.nunmap, 1);

	/* The last (mapped) cap: unmapped, then the object dies. */
	cap_remove(kt_slot(fx.t, h2));
	assert_int_equal(kstub.nunmap, 2);
	assert_int_equal(kstub.unmap[1].va, 0x600000);
	assert_int_equal(kstub.unmap[1].bytes, 3 * PAGE_SIZE);
	assert_int_equal(check_map_list(fx.t2), 1);
	assert_ptr_equal(fx.t2->mappings, kt_slot(fx.t, hother));
	assert_int_equal(o->state, KOBJ_ZOMBIE);
	reap();
	assert_int_equal(o->state, KOBJ_DEAD);
}

static void test_delete_bound_ringcap_unbinds(void **state)
{
	struct kobj *r = carve(VX_OBJ_RING, VX_RING_ARG(6, 2));
	uint64_t hp = kt_install(fx.t, r, VX_OBJ_RING, VX_R_ALL, 0, NULL);
	uint64_t hc = kt_install(fx.t2, r, VX_OBJ_RING, VX_R_ALL, 0, NULL);
	struct cap *p = kt_slot(fx.t, hp), *c = kt_slot(fx.t2, hc);

	kstub.on_unbind = cap_forget_mapping; /* what ring_unbind_cap ends with */
	cap_note_mapping(p, fx.t, 0x700000, CAP_F_BOUND);
	cap_note_mapping(c, fx.t2, 0x800000, CAP_F_BOUND);

	cap_remove(p);
	assert_int_equal(kstub.nunbound, 1);
	assert_ptr_equal(kstub.unbound[0], p);
	assert_int_equal(kstub.nunmap, 0); /* a Ring unmaps itself in ring_unbind_cap */
	assert_null(fx.t->mappings);
	assert_int_equal(check_map_list(fx.t2), 1);
	assert_int_equal(r->ncaps, 1);

	cap_remove(c);
	assert_int_equal(kstub.nunbound, 2);
	assert_null(fx.t2->mappings);
	reap();
	assert_int_equal(kstub.ring_destroy, 1);
}

static void test_cap_move_keeps_links(void **state)
{
	struct kobj *o = carve(VX_OBJ_MEM, 2);
	uint64_t ha = kt_install(fx.t, o, VX_OBJ_MEM, VX_R_ALL, 0, NULL);
	struct cap *a = kt_slot(fx.t, ha);
	/* src: a cap in the middle of o's list, with a parent and children,
	 * mapped in the middle of t2's mapping list. */
	struct cap *src = kt_slot(fx.t, kt_install(fx.t, o, VX_OBJ_MEM, VX_R_READ, 0, a));
	struct cap *child1 = kt_slot(fx.t, kt_install(fx.t, o, VX_OBJ_MEM, VX_R_READ, 0, src));
	struct cap *child2 = kt_slot(fx.t2, kt_install(fx.t2, o, VX_OBJ_MEM, VX_R_READ, 0, src));
	struct kobj *o2 = carve(VX_OBJ_MEM, 1);
	struct cap *m1 = kt_slot(fx.t, kt_install(fx.t, o2, VX_OBJ_MEM, VX_R_ALL, 0, NULL));
	struct cap *m2 = kt_slot(fx.t, kt_install(fx.t, o2, VX_OBJ_MEM, VX_R_ALL, 0, NULL));
	uint32_t src_gen = src->gen, used1 = fx.t->used_slots, used2 = fx.t2->used_slots;

	cap_note_mapping(m1, fx.t2, 0x100000, CAP_F_MAPPED);
	cap_note_mapping(src, fx.t2, 0x200000, CAP_F_MAPPED);
	cap_note_mapping(m2, fx.t2, 0x300000, CAP_F_MAPPED);
	assert_ptr_not_equal(o->caps, src);
	assert_ptr_equal(src->parent, a);
	assert_non_null(src->child);

	/* Into a kernel-held slot (e.g. a Bundle's). */
	struct cap held;
	memset(&held, 0, sizeof(held));
	held.gen = 77;
	cap_move(&held, NULL, src);
	assert_null(src->obj);
	assert_int_equal(src->gen, src_gen); /* the emptied slot keeps its generation */
	assert_int_equal(src->flags, 0);
	assert_int_equal(held.gen, 77); /* kernel slots have no generation to bump */
	assert_null(held.owner);
	assert_ptr_equal(held.parent, a);
	assert_ptr_equal(child1->parent, &held);
	assert_ptr_equal(child2->parent, &held);
	assert_true(on_list(o, &held));
	assert_false(on_list(o, src));
	assert_int_equal(o->ncaps, 4);
	check_cap_list(o);
	assert_int_equal(check_map_list(fx.t2), 3);
	assert_int_equal(held.map_va, 0x200000);
	assert_int_equal(fx.t->used_slots, used1 - 1);
	assert_int_equal(fx.t2->used_slots, used2);

	/* On into a table slot of t2: a fresh generation, t2's slot count. */
	uint32_t idx;
	assert_int_equal(cap_find_slot(fx.t2, &idx), VX_OK);
	struct cap *dst = cap_claim_slot(fx.t2, idx);
	uint32_t old_gen = dst->gen;
	cap_move(dst, fx.t2, &held);
	assert_int_equal(dst->gen, old_gen + 1);
	assert_ptr_equal(dst->owner, fx.t2);
	assert_int_equal(fx.t2->used_slots, used2 + 1);
	assert_ptr_equal(child1->parent, dst);
	assert_ptr_equal(child2->parent, dst);
	assert_null(held.obj);
	check_cap_list(o);
	assert_int_equal(check_map_list(fx.t2), 3);
	struct cap *cap_out = NULL;
	assert_int_equal(cap_lookup_any(fx.t2, VX_HANDLE_MAKE(idx, dst->gen), &cap_out), VX_OK);
	assert_ptr_equal(cap_out, dst);

	/* Deleting the moved cap unmaps at the recorded place. */
	cap_remove(dst);
	assert_int_equal(kstub.nunmap, 1);
	assert_ptr_equal(kstub.unmap[0].task, fx.t2);
	assert_int_equal(kstub.unmap[0].va, 0x200000);
	assert_int_equal(kstub.unmap[0].bytes, 2 * PAGE_SIZE);
	assert_int_equal(check_map_list(fx.t2), 2);
	assert_ptr_equal(child1->parent, a);
	assert_ptr_equal(child2->parent, a);
	check_cap_list(o);
}

static void test_cap_move_list_head(void **state)
{
	struct kobj *o = carve(VX_OBJ_MEM, 1);
	uint64_t h1 = kt_install(fx.t, o, VX_OBJ_MEM, VX_R_ALL, 0, NULL);
	uint64_t h2 = kt_install(fx.t, o, VX_OBJ_MEM, VX_R_ALL, 0, NULL);
	struct cap *head = kt_slot(fx.t, h2);
	struct cap held;

	assert_ptr_equal(o->caps, head);		      /* newest first */
	cap_note_mapping(head, fx.t2, 0x10000, CAP_F_MAPPED); /* head of t2's list */
	memset(&held, 0, sizeof(held));
	cap_move(&held, NULL, head);
	assert_ptr_equal(o->caps, &held);
	assert_ptr_equal(fx.t2->mappings, &held);
	check_cap_list(o);
	assert_int_equal(check_map_list(fx.t2), 1);
	cap_remove(&held);
	assert_null(fx.t2->mappings);
	assert_ptr_equal(o->caps, kt_slot(fx.t, h1));
	check_cap_list(o);
}

static void test_forget_mapping(void **state)
{
	struct kobj *o = carve(VX_OBJ_MEM, 1);
	struct cap *c = kt_slot(fx.t, kt_install(fx.t, o, VX_OBJ_MEM, VX_R_ALL, 0, NULL));

	cap_forget_mapping(c); /* not mapped: nothing to do */
	assert_null(fx.t2->mappings);
	cap_note_mapping(c, fx.t2, 0x20000, CAP_F_MAPPED);
	assert_int_equal(c->flags, CAP_F_MAPPED);
	cap_forget_mapping(c);
	assert_int_equal(c->flags, 0);
	assert_null(c->map_task);
	assert_null(fx.t2->mappings);
	cap_remove(c);
	assert_int_equal(kstub.nunmap, 0);
}

/* ---------------------------------------------------------------- revoke */

static void test_revoke_deletes_descendants_only(void **state)
{
	struct cap *x = NULL;
	struct kobj *o;
	uint64_t ha = mem_handle(&o, VX_R_ALL);
	uint64_t hb = (uint64_t)kt_syscall(sys_cap_derive, ha, VX_R_ALL, 0);
	uint64_t hc = (uint64_t)kt_syscall(sys_cap_derive, hb, VX_R_READ, 0);
	uint64_t hd = (uint64_t)kt_syscall(sys_cap_derive, ha, VX_R_READ, 0);
	uint64_t he = kt_install(fx.t, o, VX_OBJ_MEM, VX_R_ALL, 0, NULL); /* unrelated */
	uint64_t hf = (uint64_t)kt_syscall(sys_cap_derive, hc, VX_R_READ, 0);
	struct cap held; /* kernel-held copy derived from b (e.g. in a Bundle) */

	memset(&held, 0, sizeof(held));
	cap_copy_into(&held, NULL, kt_slot(fx.t, hb), VX_R_READ, 0, kt_slot(fx.t, hb));
	uint64_t hg = kt_install(fx.t2, o, VX_OBJ_MEM, VX_R_READ, 0, kt_slot(fx.t, hc));
	cap_note_mapping(kt_slot(fx.t, hf), fx.t2, 0x40000, CAP_F_MAPPED);
	assert_int_equal(o->ncaps, 8);

	/* revoke(b): c, f (c's child), g (c's child in t2) and held go. */
	assert_int_equal(kt_syscall(sys_cap_revoke, hb, 0, 0), 4);
	assert_int_equal(o->ncaps, 4);
	assert_int_equal(cap_lookup_any(fx.t, ha, &x), VX_OK);
	assert_int_equal(cap_lookup_any(fx.t, hb, &x), VX_OK); /* h itself stays */
	assert_int_equal(cap_lookup_any(fx.t, hd, &x), VX_OK);
	assert_int_equal(cap_lookup_any(fx.t, he, &x), VX_OK);
	assert_int_equal(cap_lookup_any(fx.t, hc, &x), VX_E_STALE);
	assert_int_equal(cap_lookup_any(fx.t, hf, &x), VX_E_STALE);
	assert_int_equal(cap_lookup_any(fx.t2, hg, &x), VX_E_STALE);
	assert_null(held.obj);
	assert_int_equal(fx.t2->used_slots, 0);
	assert_int_equal(kstub.nunmap, 1); /* f was mapped */
	assert_int_equal(kstub.unmap[0].va, 0x40000);
	assert_null(fx.t2->mappings);
	check_cap_list(o);

	/* Nothing left below b. */
	assert_int_equal(kt_syscall(sys_cap_revoke, hb, 0, 0), 0);
	/* revoke(a): b and d. e (no parent) survives, and the object lives. */
	assert_int_equal(kt_syscall(sys_cap_revoke, ha, 0, 0), 2);
	assert_int_equal(o->ncaps, 2);
	assert_int_equal(cap_lookup_any(fx.t, he, &x), VX_OK);
	assert_int_equal(o->state, KOBJ_LIVE);
}

static void test_revoke_bad_handle(void **state)
{
	uint64_t h = mem_handle(NULL, VX_R_ALL);

	assert_int_equal(kt_syscall(sys_cap_revoke, 0, 0, 0), VX_E_BADHANDLE);
	assert_int_equal(kt_syscall(sys_cap_revoke, h | (1ull << 40), 0, 0), VX_E_BADHANDLE);
	assert_int_equal(kt_syscall(sys_cap_revoke, h + 0x100, 0, 0), VX_E_STALE);
	assert_int_equal(kt_syscall(sys_cap_revoke, h, 0, 0), 0);
}

static void test_revoke_deep_chain(void **state)
{
	struct kobj *o;
	uint64_t root = mem_handle(&o, VX_R_ALL), h = root;

	for (int i = 0; i < 100; i++)
		h = (uint64_t)kt_syscall(sys_cap_derive, h, VX_R_ALL, 0);
	assert_int_equal(o->ncaps, 101);
	assert_int_equal(kt_syscall(sys_cap_revoke, root, 0, 0), 100);
	assert_int_equal(o->ncaps, 1);
	assert_int_equal(fx.t->used_slots, 1);
	check_cap_list(o);
}

/* ---------------------------------------------------------------- inspect */

static void test_inspect(void **state)
{
	struct vx_cap_info info;
	struct kobj *m = carve(VX_OBJ_MEM, 3);
	struct kobj *r = carve(VX_OBJ_RING, VX_RING_ARG(6, 6));
	uint64_t hm = kt_install(fx.t, m, VX_OBJ_MEM, VX_R_READ | VX_R_WRITE, 0, NULL);
	uint64_t hr = kt_install(fx.t, r, VX_OBJ_RING, VX_R_PRODUCE, 0, NULL);
	uint64_t hs = kt_install(fx.t, m, VX_OBJ_SIGNAL, VX_R_WRITE, 0x30, NULL);

	kstub.ring_ends = 3;
	memset(&info, 0xee, sizeof(info));
	assert_int_equal(kt_syscall(sys_cap_inspect, hm, (uint64_t)(uintptr_t)&info, 0), VX_OK);
	assert_int_equal(info.type, VX_OBJ_MEM);
	assert_int_equal(info.rights, VX_R_READ | VX_R_WRITE);
	assert_int_equal(info.size, 3 * PAGE_SIZE);
	assert_int_equal(info.paddr, m->pa);
	assert_int_equal(info.narrow, 0);

	assert_int_equal(kt_syscall(sys_cap_inspect, hr, (uint64_t)(uintptr_t)&info, 0), VX_OK);
	assert_int_equal(info.type, VX_OBJ_RING);
	assert_int_equal(info.size, r->size - PAGE_SIZE);
	assert_int_equal(info.paddr, 0);
	assert_int_equal(info.narrow, kstub.ring_ends); /* which ends are bound */
	assert_int_equal(kstub.ring_inspect_state, 1);

	assert_int_equal(kt_syscall(sys_cap_inspect, hs, (uint64_t)(uintptr_t)&info, 0), VX_OK);
	assert_int_equal(info.type, VX_OBJ_SIGNAL);
	assert_int_equal(info.narrow, 0x30);
	assert_int_equal(info.size, 0);

	kstub.copy_out_fault = 1;
	assert_int_equal(kt_syscall(sys_cap_inspect, hm, 0, 0), VX_E_FAULT);
	assert_int_equal(kt_syscall(sys_cap_inspect, hm + 0x100, 0, 0), VX_E_STALE);
	assert_int_equal(kstub.copy_out, 4);
}

/* Revoke is linear in what it deletes and preemptible: with the budget
 * spent at every check it restarts after each deletion, and the count it
 * returns still covers them all.  A chain 200 deep and a fan of 50 wide. */
static void test_revoke_restarts_and_counts(void **state)
{
	struct kobj *o;
	uint64_t h = mem_handle(&o, VX_R_ALL);
	struct cap *parent = kt_slot(fx.t, h);
	struct cap chain[200], fan[50];

	memset(chain, 0, sizeof(chain));
	memset(fan, 0, sizeof(fan));
	for (int i = 0; i < 200; i++) {
		cap_copy_into(&chain[i], NULL, parent, VX_R_READ, 0, parent);
		parent = &chain[i];
	}
	for (int i = 0; i < 50; i++)
		cap_copy_into(&fan[i], NULL, kt_slot(fx.t, h), VX_R_READ, 0, kt_slot(fx.t, h));
	check_cap_list(o);
	kstub.preempt_always = 1;
	assert_int_equal(kt_syscall(sys_cap_revoke, h, 0, 0), 250);
	kstub.preempt_always = 0;
	assert_int_equal(o->ncaps, 1);
	assert_int_equal(fx.t->restart_acc, 0);
	for (int i = 0; i < 200; i++)
		assert_null(chain[i].obj);
	check_cap_list(o);
	/* A revoke that fails (stale handle) leaves no count behind. */
	fx.t->restart_acc = 7;
	assert_int_equal(kt_syscall(sys_cap_revoke, h + 1, 0, 0), VX_E_STALE);
	assert_int_equal(fx.t->restart_acc, 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_revoke_restarts_and_counts),
	    T(test_handle_malformed),
	    T(test_handle_deleted_is_stale),
	    T(test_handle_reuse_new_generation),
	    T(test_handle_wrong_type),
	    T(test_handle_missing_rights),
	    T(test_handle_gen_max_retired),
	    T(test_table_full),
	    T(test_narrow_rights_subset),
	    T(test_narrow_signal_bits),
	    T(test_narrow_ioport_range),
	    T(test_narrow_irq_range),
	    T(test_narrow_other_types),
	    T(test_derive_syscall),
	    T(test_ncaps_counts),
	    T(test_remove_reparents_children),
	    T(test_last_cap_queues_and_reap_destroys),
	    T(test_reap_many_queued),
	    T(test_fixed_never_destroyed),
	    T(test_zombify_only_live),
	    T(test_delete_mapped_memcap_unmaps),
	    T(test_delete_bound_ringcap_unbinds),
	    T(test_cap_move_keeps_links),
	    T(test_cap_move_list_head),
	    T(test_forget_mapping),
	    T(test_revoke_deletes_descendants_only),
	    T(test_revoke_bad_handle),
	    T(test_revoke_deep_chain),
	    T(test_inspect),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
