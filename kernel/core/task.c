/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Task: an address space, a handle table, a signal mask and a register
 * frame, carved from a Reticle as one 32 KiB object (see kernel.h).
 *
 * A parent builds a child by mapping MemCaps into it (task_map), setting its
 * registers and starting it with a Bundle.  A fault halts the Task, keeps a
 * fault record and raises its supervisor's signal; exit does the same with
 * kind VX_FAULT_EXIT.  Page tables come from the Reticle the Task itself was
 * carved from, and are counted before anything is changed.
 */
#include "core/kernel.h"

/* Sets up a freshly carved Task.  Its body is not zeroed by the carve:
 * the struct is zeroed here, the root table by paging_init_user_root, and
 * handle-table slots one at a time as cap_claim_slot first hands them out. */
void task_init(struct kobj *o)
{
	struct task *t = task_of(o);

	memset(t, 0, sizeof(*t));
	t->obj = o;
	t->table = (struct cap *)((uint8_t *)t + TASK_TABLE_OFF);
	t->root_pa = o->pa + TASK_ROOT_OFF;
	t->table_top = 1; /* slot 0 is never used */
	t->state = VX_TASK_NEW;
	t->running_on = -1;
	/* Never above its creator: scheduling authority only narrows. */
	struct task *creator = current_task();
	t->prio = creator && creator->prio < VX_PRIO_DEFAULT ? creator->prio : VX_PRIO_DEFAULT;
	paging_init_user_root(t->root_pa);
	arch_fpu_init_state(t->fpu);
	arch_frame_init_user(&t->regs, 0, 0, 0);
}

/* Tears a Task down: it leaves the scheduler, every cap it holds is
 * deleted, every mapping into it is forgotten and its page tables die.
 * false, with nothing done but stopping it, while it still runs on another
 * CPU (that CPU is told to switch away; the work queue tries again), or,
 * with part of its table emptied, when a cap with many children ran out
 * the preemption budget handing them up (cap_shed_children): the work
 * queue carries on from there, every step before being done again at no
 * cost. */
bool task_destroy(struct kobj *o)
{
	struct task *t = task_of(o);

	t->state = VX_TASK_EXITED;
	if (!sched_evict(t))
		return false;
	sched_remove(t);
	if (t->running_on >= 0) { /* this CPU's: it never returns to it */
		this_cpu()->current = NULL;
		t->running_on = -1;
	}
	arch_fpu_forget(t);
	/* Caps (t's own or anyone's) that map or bind into t: their pages go
	 * with t's tables, so only the bookkeeping is left to undo.  First,
	 * so that deleting t's own caps below unmaps nothing page by page. */
	while (t->mappings) {
		struct cap *c = t->mappings;
		if (c->flags & CAP_F_BOUND)
			ring_unbind_cap(c);
		else
			cap_forget_mapping(c);
	}
	for (uint32_t i = 1; i < t->table_top; i++) {
		if (t->table[i].child && !cap_shed_children(&t->table[i]))
			return false;
		cap_remove(&t->table[i]);
	}
	cap_remove(&t->fault_sig);
	cap_remove(&t->bundle);
	for (struct kobj *pt = t->pt_list, *next; pt; pt = next) {
		next = pt->pt_next;
		kobj_release(pt);
	}
	t->pt_list = NULL;
	return true;
}

/* Is t on its way out: its own object, or a Reticle it was carved from
 * (at any depth), being destroyed or reset?  Then its memory may already
 * be gone while it still runs on another CPU.  Such objects wait on the
 * work queue (reap, which faults no Task, requeues one it has not
 * finished), so with the queue empty nothing is dying. */
static bool task_dying(const struct task *t)
{
	if (!work_pending())
		return false;
	for (const struct kobj *o = t->obj; o; o = o->origin)
		if (o->state == KOBJ_ZOMBIE || (o->type == VX_OBJ_RETICLE && o->queued))
			return true;
	return false;
}

/* Stops t with a fault record and tells its supervisor.  A Task that is
 * being destroyed is stopped quietly: on another CPU it can fault on memory
 * its Reticle's reset has just taken, and that is not news to anyone.
 * When t is the running Task and nothing else asked this CPU to
 * reschedule, a supervisor that waits for the news takes the CPU at once
 * (signal_deliver_handoff): the caller must then resume the current Task's
 * frame, not t's (every caller does: dispatch, trap_user, TASK_EXIT). */
void task_fault(struct task *t, uint32_t kind, uint32_t code, uint64_t addr)
{
	bool handoff = t == current_task() && !this_cpu_need_resched();

	/* Only a Task that runs or waits can stop.  One that another CPU
	 * halted, faulted or began to destroy while its trap waited for the
	 * kernel lock (trap_user passes debug traps on, whose instruction
	 * has run) stays as it is: nothing happens to a Task after TASK_HALT
	 * returned, and a fault record is never overwritten. */
	if (t->state != VX_TASK_RUNNABLE && t->state != VX_TASK_WAITING)
		return;
	sched_remove(t);
	t->state = kind == VX_FAULT_EXIT ? VX_TASK_EXITED : VX_TASK_FAULTED;
	t->fault.kind = kind;
	t->fault.code = code;
	t->fault.addr = addr;
	t->fault.ip = t->regs.rip;
	if (task_dying(t))
		return;
	if (t->fault_sig.obj && handoff)
		signal_deliver_handoff(task_of(t->fault_sig.obj), t->fault_sig.narrow);
	else if (t->fault_sig.obj)
		signal_raise_cap(&t->fault_sig, t->fault_sig.narrow);
	else if (kind != VX_FAULT_EXIT && kprintf_allowed())
		kprintf(
		    "[kernel] unsupervised task faulted: kind %u code 0x%x addr 0x%lx ip 0x%lx\n",
		    kind, code, (unsigned long)addr, (unsigned long)t->fault.ip);
}

/* Page-table allocator for paging_walk_alloc: one page from t's Reticle. */
static uint64_t pt_alloc(void *ctx)
{
	struct task *t = ctx;
	struct kobj *pt = reticle_carve(t->obj->origin, KOBJ_PAGETABLE, PAGE_SIZE, 0);

	pt->pt_next = t->pt_list;
	t->pt_list = pt;
	return pt->pa;
}

/* Maps [va, va + bytes) to physical pa in t.  The caller has checked with
 * task_check_new_mapping, so this cannot fail.  The lock held exclusive, or
 * shared with t's map_lock and its Reticle's lock held (pt_alloc). */
void task_map_pages(struct task *t, uint64_t va, uint64_t pa, uint64_t bytes, uint32_t prot)
{
	paging_map_range(t->root_pa, va, pa, bytes, prot, pt_alloc, t);
}

/* Clears the PTEs of [va, va + bytes) in t and flushes them; pages that
 * are not mapped are skipped.  Page tables stay (they die with t).  The
 * lock held exclusive, or shared with t's map_lock held. */
void task_unmap_pages(struct task *t, uint64_t va, uint64_t bytes)
{
	paging_unmap_range(t->root_pa, va, bytes);
}

/* Decode for any mapping's range (Mem maps, Ring binds): page-aligned
 * (VX_E_ALIGN), inside the mappable window without wrapping (VX_E_RANGE). */
int task_check_map_range(uint64_t va, uint64_t bytes)
{
	if (va & (PAGE_SIZE - 1))
		return VX_E_ALIGN;
	if (va < VX_USER_MIN || va >= VX_MAP_END || bytes > VX_MAP_END - va)
		return VX_E_RANGE;
	return VX_OK;
}

/* Decode for any new mapping of bytes at va in t (Mem maps, Ring binds,
 * the Bundle page).  The lock held exclusive, or shared with t's map_lock
 * and its Reticle's lock held. */
int task_check_new_mapping(struct task *t, uint64_t va, uint64_t bytes)
{
	struct kobj *r = t->obj->origin;
	uint64_t need;

	if (!paging_range_free(t->root_pa, va, bytes, &need))
		return VX_E_EXISTS;
	if (!need)
		return VX_OK;
	/* t's Reticle pays for the tables. */
	if (!r)
		return VX_E_NOMEM;
	return reticle_free_bytes(r) >= need * (PAGE_SIZE + VX_OBJ_META_BYTES) ? VX_OK : VX_E_NOMEM;
}

/* Maps through cap c and records the mapping in it; a Mem mapping
 * (CAP_F_MAPPED) also records whether it is writable or executable, which
 * the frame's W^X state counts.  The lock held exclusive, or shared with
 * the three locks of sys_task_map_shared held. */
void task_map_cap(struct cap *c, struct task *t, uint64_t va, uint64_t pa, uint64_t bytes,
		  uint32_t prot, uint16_t flag)
{
	if (flag & CAP_F_MAPPED && c->type == VX_OBJ_MEM)
		flag |= ((prot & VX_PROT_WRITE) ? CAP_F_WRITE : 0) |
			((prot & VX_PROT_EXEC) ? CAP_F_EXEC : 0);
	task_map_pages(t, va, pa, bytes, prot);
	cap_note_mapping(c, t, va, flag);
}

/* Decode: the Task a handle of the caller's names, with rights.  Errors:
 * those of cap_lookup. */
static int lookup_task(uint64_t h, uint32_t rights, struct task **out)
{
	struct cap *c;
	int err = cap_lookup(current_task(), h, VX_OBJ_TASK, rights, &c);

	if (!err)
		*out = task_of(c->obj);
	return err;
}

/* A decoded TASK_MAP. */
struct map_args {
	struct task *t; /* mapped into */
	struct cap *m;	/* the Mem cap the mapping will belong to */
	uint64_t va;
	uint32_t prot;
};

/* Decode, the caps and the arguments: reads only the caller's own caps
 * (and their objects' sizes).  Errors: handle errors, VX_E_INVAL (prot),
 * VX_E_RIGHTS, VX_E_EXISTS (m mapped already), VX_E_ALIGN, VX_E_RANGE. */
static inline __attribute__((always_inline)) int decode_map_caps(const struct trapframe *tf,
								 struct map_args *a)
{
	uint64_t prot = tf->r10;
	int err;

	if ((err = lookup_task(tf->rdi, VX_R_CONTROL, &a->t)))
		return err;
	if ((err = cap_lookup(current_task(), tf->rsi, VX_OBJ_MEM, 0, &a->m)))
		return err;
	if (prot & ~(uint64_t)(VX_PROT_READ | VX_PROT_WRITE | VX_PROT_EXEC) ||
	    !(prot & VX_PROT_READ))
		return VX_E_INVAL;
	if ((prot & VX_PROT_WRITE) && (prot & VX_PROT_EXEC))
		return VX_E_INVAL; /* W^X in user land too */
	if ((a->m->rights & prot) != prot)
		return VX_E_RIGHTS;
	if (a->m->flags)
		return VX_E_EXISTS;
	a->va = tf->rdx;
	a->prot = (uint32_t)prot;
	return task_check_map_range(a->va, a->m->obj->size);
}

/* Decode, what other mappings decide: the frame's W^X state, the range in
 * the Task's page tables and the room for new tables in its Reticle.
 * Errors: VX_E_AGAIN (the Mem still being zeroed), VX_E_BUSY (W^X per
 * frame), VX_E_EXISTS (a page in use), VX_E_NOMEM (page tables). */
static inline __attribute__((always_inline)) int decode_map_room(const struct map_args *a)
{
	if (!kobj_zeroed(a->m->obj))
		return VX_E_AGAIN; /* still being zeroed: may hold old bytes */
	/* W^X per frame: no Mem is writable in one mapping and executable in
	 * another, whichever Tasks and caps the mappings belong to. */
	if (((a->prot & VX_PROT_WRITE) && a->m->obj->u.mem.nexec) ||
	    ((a->prot & VX_PROT_EXEC) && a->m->obj->u.mem.nwrite))
		return VX_E_BUSY;
	return task_check_new_mapping(a->t, a->va, a->m->obj->size);
}

/* Invoke: maps; cannot fail.  Device memory (carved from a device
 * Reticle) is mapped uncached.  (The three parts of TASK_MAP are inline
 * in both of its forms: a map is a benchmark.) */
static inline __attribute__((always_inline)) void invoke_map(const struct map_args *a)
{
	const struct kobj *from = a->m->obj->origin;
	uint32_t uc =
	    from && from->type == VX_OBJ_RETICLE && from->u.ret.device ? PROT_UNCACHED : 0;

	task_map_cap(a->m, a->t, a->va, a->m->obj->pa, a->m->obj->size, a->prot | uc, CAP_F_MAPPED);
}

/* VX_SYS_TASK_MAP(task, mem, vaddr, prot).  Errors: those of
 * decode_map_caps, then of decode_map_room. */
int64_t sys_task_map(struct trapframe *tf)
{
	struct map_args a;
	int err;

	if ((err = decode_map_caps(tf, &a)) || (err = decode_map_room(&a)))
		return err;
	invoke_map(&a);
	return VX_OK;
}

/* VX_SYS_TASK_MAP under the lock held shared (syscall.c), with the same
 * decode and result: what another shared map or unmap may change is
 * decoded and changed under these small locks, in this order: the Task's
 * map_lock (its page tables, pt_list and mappings), the forest lock of the
 * Mem (its W^X counts, which every mapping of the frame changes) and the
 * lock of the Reticle the Task's page tables come from (pt_alloc carves
 * from it). */
int64_t sys_task_map_shared(struct trapframe *tf)
{
	struct map_args a;
	int err;

	if ((err = decode_map_caps(tf, &a)))
		return err;
	struct kobj *r = a.t->obj->origin;
	uint32_t *frame = cap_forest_lock(a.m->obj);
	spin_hold(&a.t->map_lock);
	spin_hold(frame);
	if (r)
		spin_hold(&r->u.ret.lock);
	if (!(err = decode_map_room(&a)))
		invoke_map(&a);
	if (r)
		spin_release(&r->u.ret.lock);
	spin_release(frame);
	spin_release(&a.t->map_lock);
	return err;
}

/* VX_SYS_TASK_UNMAP(mem).  Decode: the cap and its mapping.  Errors: handle
 * errors, VX_E_STATE (not mapped). */
int64_t sys_task_unmap(struct trapframe *tf)
{
	struct cap *m;
	int err;

	if ((err = cap_lookup(current_task(), tf->rdi, VX_OBJ_MEM, 0, &m)))
		return err;
	if (m->flags & CAP_F_IOMAP) {
		iospace_unmap_cap(m);
		return VX_OK;
	}
	if (!(m->flags & CAP_F_MAPPED))
		return VX_E_STATE;
	task_unmap_pages(m->map_task, m->map_va, m->obj->size);
	cap_forget_mapping(m);
	return VX_OK;
}

/* VX_SYS_TASK_UNMAP under the lock held shared (syscall.c), with the same
 * decode and result, for a Mem mapped into a Task (an IoSpace mapping goes
 * the exclusive way): the pages go, and are flushed from every CPU, under
 * the Task's map_lock and the frame's forest lock.  Only the caller's own
 * calls map and unmap through its cap; the Task mapped into lives until an
 * exclusive holder destroys it. */
int64_t sys_task_unmap_shared(struct trapframe *tf)
{
	struct cap *m;
	int err;

	if ((err = cap_lookup(current_task(), tf->rdi, VX_OBJ_MEM, 0, &m)))
		return err;
	if (m->flags & CAP_F_IOMAP)
		return SYS_EXCLUSIVE;
	if (!(m->flags & CAP_F_MAPPED))
		return VX_E_STATE;
	struct task *t = m->map_task;
	uint32_t *frame = cap_forest_lock(m->obj);
	spin_hold(&t->map_lock);
	spin_hold(frame);
	task_unmap_pages(t, m->map_va, m->obj->size);
	cap_forget_mapping(m);
	spin_release(frame);
	spin_release(&t->map_lock);
	return VX_OK;
}

static bool user_addr(uint64_t a)
{
	return a < VX_USER_END;
}

/* A decoded TASK_SET_REGS. */
struct regs_args {
	struct task *t;
	uint64_t ip, sp, arg;
};

/* Decode: reads only.  Errors: handle errors, VX_E_STATE (running or
 * exited), VX_E_RANGE (ip or sp outside user space). */
static int decode_set_regs(const struct trapframe *tf, struct regs_args *a)
{
	int err;

	if ((err = lookup_task(tf->rdi, VX_R_CONTROL, &a->t)))
		return err;
	if (a->t->state != VX_TASK_NEW && a->t->state != VX_TASK_HALTED &&
	    a->t->state != VX_TASK_FAULTED)
		return VX_E_STATE;
	if (!user_addr(tf->rsi) || tf->rsi >= VX_MAP_END || !user_addr(tf->rdx))
		return VX_E_RANGE;
	a->ip = tf->rsi;
	a->sp = tf->rdx;
	a->arg = tf->r10;
	return VX_OK;
}

/* t's frame is about to be rewritten: a syscall it was re-issuing no
 * longer stands where it was. */
static void forget_reissue(struct task *t)
{
	t->kwait = 0;
	t->work_seq = 0;
	t->restart_acc = 0;
	t->halting = NULL;
}

/* A halted or faulted t, its frame known good, runs again. */
static void resume_now(struct task *t)
{
	memset(&t->fault, 0, sizeof(t->fault));
	t->state = VX_TASK_RUNNABLE;
	sched_make_runnable(t);
}

/* VX_REGS_RESUME_WAIT's invoke: t resumes, and the caller waits for mask
 * until deadline as SIG_WAIT does.  When the caller blocks and t is what
 * the scheduler would run next, the CPU goes straight to t, with no queue
 * and no scheduler pass (sched_direct: the personality's call/reply
 * fastpath). */
static int64_t resume_and_wait(struct task *t, uint64_t mask, uint64_t deadline)
{
	struct task *cur = current_task();
	int64_t r;

	if (!(cur->pending & mask) && !work_pending() && deadline != VX_DEADLINE_NONE &&
	    (deadline == VX_DEADLINE_NEVER || deadline > timer_now_ns())) {
		memset(&t->fault, 0, sizeof(t->fault));
		if (sched_direct(t, mask, deadline))
			return SYS_BLOCKED; /* t is current: dispatch resumes it */
	}
	resume_now(t);
	signal_wait_common(cur, mask, deadline, &r);
	return r;
}

static void invoke_set_regs(const struct regs_args *a)
{
	struct task *t = a->t;

	forget_reissue(t);
	if (t->state == VX_TASK_NEW) {
		arch_frame_init_user(&t->regs, a->ip, a->sp, a->arg);
	} else {
		t->regs.rip = a->ip;
		t->regs.rsp = a->sp;
		t->regs.rsi = a->arg;
		t->regs.vector = 0; /* leave through iretq: every register restored */
	}
}

/* VX_SYS_TASK_SET_REGS(task, ip, sp, arg) */
int64_t sys_task_set_regs(struct trapframe *tf)
{
	struct regs_args a;
	int err = decode_set_regs(tf, &a);

	if (err)
		return err;
	if (!sched_evict(a.t))
		return SYS_RESTART; /* halted, but its CPU has not let go of it yet */
	invoke_set_regs(&a);
	return VX_OK;
}

/*
 * VX_SYS_TASK_REGS(task, op, struct vx_regs *regs): the whole register
 * state of a stopped Task, read or written (abi.h says what a write may
 * hold), or written and the Task resumed in the same call (a personality's
 * answer to a foreign syscall).  Decode: the Task with VX_R_CONTROL, new,
 * halted or faulted (else VX_E_STATE; VX_REGS_RESUME: not new); op
 * VX_REGS_READ, VX_REGS_WRITE or VX_REGS_RESUME, perhaps with
 * VX_REGS_NOFPU (else VX_E_INVAL); the buffer, whole or its integer part,
 * readable or writable (VX_E_FAULT, VX_E_RANGE); a write's contents
 * (arch_regs_check).  Nothing changes before all of that passed.  A read
 * reports the stop's kind in r.stop.
 */
int64_t sys_task_regs(struct trapframe *tf)
{
	struct vx_regs r;
	struct task *t;
	int err;
	uint64_t op = tf->rsi & ~(uint64_t)VX_REGS_NOFPU;
	bool fpu = !(tf->rsi & VX_REGS_NOFPU);
	size_t n = fpu ? sizeof(r) : VX_REGS_INT_BYTES;

	if ((err = lookup_task(tf->rdi, VX_R_CONTROL, &t)))
		return err;
	if (t->state != VX_TASK_NEW && t->state != VX_TASK_HALTED && t->state != VX_TASK_FAULTED)
		return VX_E_STATE;
	if (op > VX_REGS_RESUME_WAIT)
		return VX_E_INVAL;
	if (op >= VX_REGS_RESUME && t->state == VX_TASK_NEW)
		return VX_E_STATE; /* a new Task is started, not resumed */
	if (op == VX_REGS_RESUME_WAIT && (err = signal_wait_check(tf->r10, tf->r8)))
		return err;
	if (op != VX_REGS_READ) {
		if ((err = copy_in(&r, tf->rdx, n)))
			return err;
		if ((err = arch_regs_check(&r, fpu)))
			return err;
	}
	if (!sched_evict(t))
		return SYS_RESTART; /* stopped, but its CPU has not let go of it yet */
	if (op == VX_REGS_READ) {
		arch_regs_get(t, &r, fpu);
		r.stop = t->state == VX_TASK_FAULTED ? t->fault.kind : VX_FAULT_NONE;
		return copy_out(tf->rdx, &r, n);
	}
	forget_reissue(t);
	arch_regs_set(t, &r, fpu);
	if (op == VX_REGS_RESUME_WAIT)
		return resume_and_wait(t, tf->r10, tf->r8);
	if (op == VX_REGS_RESUME)
		resume_now(t); /* as TASK_RESUME: the frame was checked whole */
	return VX_OK;
}

/* A decoded TASK_START. */
struct start_args {
	struct task *t;
	struct kobj *bundle; /* NULL: none */
};

/* Decode: reads only.  Errors: handle errors, VX_E_STATE (not new, no
 * registers, the Bundle used already), those of bundle_check_attach. */
static int decode_start(const struct trapframe *tf, struct start_args *a)
{
	struct cap *bc = NULL;
	int err;

	if ((err = lookup_task(tf->rdi, VX_R_CONTROL, &a->t)))
		return err;
	if (tf->rsi != VX_NO_HANDLE &&
	    (err = cap_lookup(current_task(), tf->rsi, VX_OBJ_BUNDLE, VX_R_CONTROL, &bc)))
		return err;
	if (a->t->state != VX_TASK_NEW || a->t->regs.rip == 0)
		return VX_E_STATE;
	a->bundle = bc ? bc->obj : NULL;
	return a->bundle ? bundle_check_attach(a->bundle, a->t) : VX_OK;
}

static void invoke_start(const struct start_args *a)
{
	/* rdi is the Bundle page's address when there is one; without one it
	 * stays as the registers were written (a personality's fork child
	 * starts with its parent's). */
	if (a->bundle) {
		bundle_attach(a->bundle, a->t);
		a->t->regs.rdi = VX_BUNDLE_VADDR;
	}
	a->t->state = VX_TASK_RUNNABLE;
	sched_make_runnable(a->t);
}

/* VX_SYS_TASK_START(task, bundle): bundle may be VX_NO_HANDLE. */
int64_t sys_task_start(struct trapframe *tf)
{
	struct start_args a;
	int err = decode_start(tf, &a);

	if (err)
		return err;
	invoke_start(&a);
	return VX_OK;
}

/* VX_SYS_TASK_HALT(task).  Decode: the Task, running or waiting (else
 * VX_E_STATE).  A halted wait reports no bits.  The call returns only once
 * the Task runs on no other CPU: until then that CPU may still be running
 * its user code (the reschedule IPI is on its way), and "once it returns,
 * the Task does nothing more" (docs/ABI.md).  So, as TASK_SET_REGS does,
 * the call is re-issued until that CPU has let go of it; the caller
 * remembers which Task its halt stopped (cur->halting), so that the
 * re-issue answers VX_OK where a halt of a halted Task is VX_E_STATE.  A
 * Task someone else halted, whose CPU has not let go yet, is waited for
 * too before the answer. */
int64_t sys_task_halt(struct trapframe *tf)
{
	struct task *cur = current_task(), *t;
	struct kobj *mine = cur->halting;
	int err;

	cur->halting = NULL;
	if ((err = lookup_task(tf->rdi, VX_R_CONTROL, &t)))
		return err;
	if (t->state == VX_TASK_HALTED) {
		if (!sched_evict(t)) {
			cur->halting = mine;
			return SYS_RESTART; /* a halt still landing on another CPU */
		}
		return mine == t->obj ? VX_OK : VX_E_STATE;
	}
	if (t->state != VX_TASK_RUNNABLE && t->state != VX_TASK_WAITING)
		return VX_E_STATE;

	if (t->state == VX_TASK_WAITING)
		t->regs.rax = 0;
	sched_remove(t);
	t->state = VX_TASK_HALTED;
	if (!sched_evict(t)) {
		cur->halting = t->obj;
		return SYS_RESTART; /* its CPU has been told; wait until it lets go */
	}
	return VX_OK;
}

/* VX_SYS_TASK_RESUME(task): a halted Task continues; a faulted one retries
 * the faulting instruction (or starts where set_regs put it).  Decode: the
 * Task, halted or faulted (else VX_E_STATE), with a frame user mode may
 * return to (else VX_E_RANGE: a fault at a non-canonical or kernel address
 * leaves it in the saved frame, and returning there would fault in kernel
 * mode; set_regs first). */
int64_t sys_task_resume(struct trapframe *tf)
{
	struct task *t;
	int err;

	if ((err = lookup_task(tf->rdi, VX_R_CONTROL, &t)))
		return err;
	if (t->state != VX_TASK_HALTED && t->state != VX_TASK_FAULTED)
		return VX_E_STATE;
	if (!arch_frame_user_ok(&t->regs))
		return VX_E_RANGE;

	resume_now(t);
	return VX_OK;
}

/* VX_SYS_TASK_INSPECT(task, struct vx_task_info *out).  Runs under the
 * lock held shared (syscall.c): it reads only. */
int64_t sys_task_inspect(struct trapframe *tf)
{
	struct task *t;
	struct vx_task_info info;
	int err;

	if ((err = lookup_task(tf->rdi, VX_R_READ, &t)))
		return err;
	memset(&info, 0, sizeof(info));
	info.state = __atomic_load_n(&t->state, __ATOMIC_RELAXED); /* a shared wake-up */
	info.prio = t->prio;
	info.fault = t->fault;
	/* A shared block's CPU may be leaving t (sched_leave_shared), which
	 * adds the slice to cpu_tsc before it clears running_on: read in the
	 * other order, a slice is at worst missed, never counted twice. */
	uint64_t tsc = __atomic_load_n(&t->cpu_tsc, __ATOMIC_ACQUIRE);
	if (__atomic_load_n(&t->running_on, __ATOMIC_ACQUIRE) >= 0)
		tsc += rdtsc() - t->run_since;
	info.cpu_ns = tsc_to_ns(tsc);
	info.cpu = sched_task_cpu(t);
	info.affinity = t->affinity;
	info.pending = __atomic_load_n(&t->pending, __ATOMIC_RELAXED);	  /* SIG_WAIT: shared */
	info.handles = __atomic_load_n(&t->used_slots, __ATOMIC_RELAXED); /* a shared derive */
	return copy_out(tf->rsi, &info, sizeof(info));
}

/* VX_SYS_TASK_SUPERVISE(task, signal): faults and exit of task raise the
 * signal's bits.  signal VX_NO_HANDLE removes the supervisor.  Decode: the
 * Task and the Signal (handle errors only); the kernel's copy is a child
 * of signal. */
int64_t sys_task_supervise(struct trapframe *tf)
{
	struct task *t;
	struct cap *s = NULL;
	int err;

	if ((err = lookup_task(tf->rdi, VX_R_CONTROL, &t)))
		return err;
	if (tf->rsi != VX_NO_HANDLE &&
	    (err = cap_lookup(current_task(), tf->rsi, VX_OBJ_SIGNAL, 0, &s)))
		return err;

	cap_remove(&t->fault_sig);
	if (s)
		cap_copy_into(&t->fault_sig, NULL, s, s->rights, s->narrow, s);
	return VX_OK;
}

/* VX_SYS_TASK_SET_PRIO(task, prio): no higher than the caller's own.
 * Decode: the Task; VX_E_INVAL (over 15), VX_E_RIGHTS (over the caller's). */
int64_t sys_task_set_prio(struct trapframe *tf)
{
	struct task *t;
	int err;

	if ((err = lookup_task(tf->rdi, VX_R_CONTROL, &t)))
		return err;
	if (tf->rsi > VX_PRIO_MAX)
		return VX_E_INVAL;
	if (tf->rsi > current_task()->prio)
		return VX_E_RIGHTS;

	bool queued = t->queued;
	if (queued)
		sched_remove(t);
	t->prio = (uint32_t)tf->rsi;
	if (queued)
		sched_make_runnable(t);
	if (t->running_on >= 0)
		sched_remove(t); /* its CPU looks again: it may have dropped below a ready Task */
	return VX_OK;
}

/* VX_SYS_TASK_SET_AFFINITY(task, cpus): bit n of cpus lets task run on CPU
 * n; 0 lets it run anywhere.  Decode: the Task (CONTROL); VX_E_INVAL if
 * cpus names no CPU that is online.  A Task running on a CPU it may no
 * longer use moves at that CPU's next kernel entry (an IPI asks for one). */
int64_t sys_task_set_affinity(struct trapframe *tf)
{
	struct task *t;
	int err;

	if ((err = lookup_task(tf->rdi, VX_R_CONTROL, &t)))
		return err;
	if (tf->rsi && !(tf->rsi & sched_online_mask()))
		return VX_E_INVAL;

	t->affinity = tf->rsi;
	if (t->queued) {
		sched_remove(t);
		sched_make_runnable(t);
	} else if (t->running_on >= 0) {
		sched_remove(t); /* its CPU looks again, and lets go if it must */
	}
	return VX_OK;
}

/* VX_SYS_TASK_EXIT(code) */
int64_t sys_task_exit(struct trapframe *tf)
{
	struct task *t = current_task();

	t->fault.exit_code = (int64_t)tf->rdi;
	task_fault(t, VX_FAULT_EXIT, 0, 0);
	return SYS_BLOCKED;
}

/* VX_SYS_TASK_YIELD() */
int64_t sys_task_yield(struct trapframe *tf)
{
	(void)tf;
	sched_yield_current();
	return VX_OK;
}

/* The same under the lock held shared: the rest of the quantum is given
 * up (sched_preempt_shared).  VX_OK, the caller running on; or
 * SYS_SWITCHED, another Task of this CPU's queue running in its place,
 * with the caller's VX_OK in its frame, put there first: once queued,
 * the caller may be resumed by a CPU that steals it; or SYS_EXCLUSIVE,
 * nothing changed (the call's number back in its frame), for the
 * exclusive way. */
int64_t sys_task_yield_shared(struct trapframe *tf)
{
	tf->rax = VX_OK;
	struct trapframe *f = sched_preempt_shared();

	if (!f) {
		tf->rax = VX_SYS_TASK_YIELD;
		return SYS_EXCLUSIVE;
	}
	return f == tf ? VX_OK : SYS_SWITCHED;
}
