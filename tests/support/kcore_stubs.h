/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host stand-ins for what kernel/core/cap.c and kernel/core/reticle.c call
 * outside themselves.  Every stub records its calls in kstub so a test can
 * assert on them; panic() prints and aborts, so a kernel assertion failing
 * fails the test loudly.
 *
 * This object is linked into every host test (and the crypto tests), so it
 * must not reference kernel symbols itself: a test that wants the real
 * follow-up of an unbind (cap_forget_mapping) installs it as a hook.
 */
#ifndef TESTS_SUPPORT_KCORE_STUBS_H
#define TESTS_SUPPORT_KCORE_STUBS_H

#include <stdlib.h>

#include "core/kernel.h"

#define KSTUB_LOG_MAX 64

struct kstub_unmap {
	struct task *task;
	uint64_t va, bytes;
};

struct kstub_state {
	unsigned task_init, ring_init, bundle_init;
	unsigned task_destroy, ring_destroy, bundle_destroy;
	uint64_t ring_init_arg;
	/* Objects passed to *_destroy, in call order. */
	struct kobj *destroyed[KSTUB_LOG_MAX];
	unsigned ndestroyed;
	/* task_unmap_pages calls, in order. */
	struct kstub_unmap unmap[KSTUB_LOG_MAX];
	unsigned nunmap;
	/* ring_unbind_cap calls, in order. */
	struct cap *unbound[KSTUB_LOG_MAX];
	unsigned nunbound;
	/* Called by ring_unbind_cap after recording (e.g. cap_forget_mapping). */
	void (*on_unbind)(struct cap *c);
	/* ring_inspect_state: calls, and the value it returns. */
	unsigned ring_inspect_state;
	uint32_t ring_ends;
	/* copy_out: calls, and VX_E_FAULT instead of copying when set. */
	unsigned copy_out;
	int copy_out_fault;
	unsigned kprintf;
	/* preempt_due: calls, and whether it reports the budget spent. */
	unsigned preempt_calls;
	int preempt_always;
};

extern struct kstub_state kstub;

/* Clears every record and hook, and cpu0. */
void kstub_reset(void);

/*
 * Fixture helpers for the kcore tests (static inline: the stubs object does
 * not use them, so it still links without the kernel objects).
 */

/* A Task as task_init leaves it: a calloc'd struct, a table of
 * VX_HANDLE_SLOTS slots, slot 0 never used. */
static inline struct task *kt_task_new(void)
{
	struct task *t = calloc(1, sizeof(*t));

	if (!t || !(t->table = calloc(VX_HANDLE_SLOTS, sizeof(struct cap))))
		panic("kt_task_new: out of memory");
	t->table_top = 1;
	return t;
}

static inline void kt_task_free(struct task *t)
{
	if (t) {
		free(t->table);
		free(t);
	}
}

/* Installs a cap to o in the lowest free slot of t; returns the handle. */
static inline uint64_t kt_install(struct task *t, struct kobj *o, uint32_t type, uint32_t rights,
				  uint64_t narrow, struct cap *parent)
{
	uint32_t idx;

	if (cap_find_slot(t, &idx) != VX_OK)
		panic("kt_install: table full");
	return cap_install(t, idx, o, type, rights, narrow, parent);
}

/* The slot a handle names (whether or not the handle is still valid). */
static inline struct cap *kt_slot(struct task *t, uint64_t h)
{
	return &t->table[VX_HANDLE_INDEX(h)];
}

/* Runs a syscall handler as cpu0.current with three arguments, the way
 * syscall_dispatch does: re-issued while it returns SYS_RESTART, and not
 * finished until the work it queued (see reap) is done. */
static inline int64_t kt_syscall(int64_t (*fn)(struct trapframe *), uint64_t a0, uint64_t a1,
				 uint64_t a2)
{
	struct trapframe tf;
	int64_t r;

	memset(&tf, 0, sizeof(tf));
	tf.rdi = a0;
	tf.rsi = a1;
	tf.rdx = a2;
	do {
		r = fn(&tf);
	} while (r == SYS_RESTART);
	while (!reap())
		;
	return r;
}

#endif
