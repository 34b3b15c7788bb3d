/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The syscall table and the one user-copy path.
 *
 * Every handler decodes first (handles, rights, ranges, user pointers) and
 * returns an error without changing anything; only then does it act.
 * Handlers read their arguments from the caller's trapframe (rdi, rsi, rdx,
 * r10, r8, r9) and return the value for rax.
 */
#include "core/kernel.h"

typedef int64_t (*syscall_fn)(struct trapframe *tf);

static const syscall_fn syscalls[VX_SYS_COUNT] = {
    [VX_SYS_CAP_INSPECT] = sys_cap_inspect,
    [VX_SYS_CAP_DERIVE] = sys_cap_derive,
    [VX_SYS_CAP_DELETE] = sys_cap_delete,
    [VX_SYS_CAP_REVOKE] = sys_cap_revoke,
    [VX_SYS_RETICLE_RETYPE] = sys_reticle_retype,
    [VX_SYS_RETICLE_SPLIT] = sys_reticle_split,
    [VX_SYS_RETICLE_RESET] = sys_reticle_reset,
    [VX_SYS_RETICLE_INFO] = sys_reticle_info,
    [VX_SYS_TASK_MAP] = sys_task_map,
    [VX_SYS_TASK_UNMAP] = sys_task_unmap,
    [VX_SYS_TASK_SET_REGS] = sys_task_set_regs,
    [VX_SYS_TASK_START] = sys_task_start,
    [VX_SYS_TASK_HALT] = sys_task_halt,
    [VX_SYS_TASK_RESUME] = sys_task_resume,
    [VX_SYS_TASK_INSPECT] = sys_task_inspect,
    [VX_SYS_TASK_SUPERVISE] = sys_task_supervise,
    [VX_SYS_TASK_SET_PRIO] = sys_task_set_prio,
    [VX_SYS_TASK_EXIT] = sys_task_exit,
    [VX_SYS_TASK_YIELD] = sys_task_yield,
    [VX_SYS_BUNDLE_ADD] = sys_bundle_add,
    [VX_SYS_RING_BIND] = sys_ring_bind,
    [VX_SYS_RING_UNBIND] = sys_ring_unbind,
    [VX_SYS_RING_NOTIFY] = sys_ring_notify,
    [VX_SYS_RING_NOTIFY_WAIT] = sys_ring_notify_wait,
    [VX_SYS_RING_SEND_CAP] = sys_ring_send_cap,
    [VX_SYS_RING_RECV_CAP] = sys_ring_recv_cap,
    [VX_SYS_SIG_WAIT] = sys_sig_wait,
    [VX_SYS_SIG_RAISE] = sys_sig_raise,
    [VX_SYS_IRQ_BIND] = sys_irq_bind,
    [VX_SYS_IRQ_ACK] = sys_irq_ack,
    [VX_SYS_PORT_IN] = sys_port_in,
    [VX_SYS_PORT_OUT] = sys_port_out,
    [VX_SYS_CONSOLE_WRITE] = sys_console_write,
    [VX_SYS_CLOCK] = sys_clock,
    [VX_SYS_SIG_MINT] = sys_sig_mint,
    [VX_SYS_TASK_SET_AFFINITY] = sys_task_set_affinity,
    [VX_SYS_IOSPACE_CREATE] = sys_iospace_create,
    [VX_SYS_IOSPACE_MAP] = sys_iospace_map,
    [VX_SYS_TASK_REGS] = sys_task_regs,
};

/*
 * The calls that run under the kernel lock held shared, side by side with
 * each other on several CPUs (kernel.h, LOCKING; docs/ARCHITECTURE.md),
 * and their handlers there.  Each reads what only exclusive holders write
 * (caps, objects, who waits for what), and writes only its own Task's
 * fields, a device's registers, or state behind a lock of its own: the
 * console, and a wake-up's Task, sleep list and run queue (the shared
 * forms of SIG_RAISE and RING_NOTIFY, signal_deliver_shared).  Four make
 * caps: CAP_DERIVE and SIG_MINT in the caller's own table, linked under
 * the object's forest lock (cap.c), and RETICLE_RETYPE and RETICLE_SPLIT,
 * which carve under the Reticle's own lock (reticle.c); CAP_DELETE
 * unlinks a cap that maps, binds and parents nothing and is not its
 * object's last, under the forest lock too, and RING_SEND_CAP and
 * RING_RECV_CAP move caps through a Ring's transfer queue under the
 * Ring's lock and the forest lock (ring.c).  TASK_MAP and TASK_UNMAP
 * change a Task's page tables under its map_lock, the frame's W^X counts
 * under its forest lock, and take page tables from a Reticle under its
 * lock (task.c).  Two
 * block: SIG_WAIT with nothing pending and RING_NOTIFY_WAIT's wait, under
 * the Task's own lock (signal.c, block_shared), and its CPU then leaves it
 * under its run queue's (sched_leave_shared), or, for a call/reply whose
 * peer waits to run here, hands it the CPU at once (sched_direct_shared).
 * TASK_YIELD ends the caller's quantum under this CPU's run queue lock
 * (sched_preempt_shared), as a quantum's last tick does.
 * None restarts or queues work: a handler
 * that would returns SYS_EXCLUSIVE having changed nothing, and the call
 * runs again from scratch under the lock held exclusive.
 */
static const syscall_fn shared_syscalls[VX_SYS_COUNT] = {
    [VX_SYS_CAP_INSPECT] = sys_cap_inspect,
    [VX_SYS_CAP_DERIVE] = sys_cap_derive,
    [VX_SYS_CAP_DELETE] = sys_cap_delete_shared,
    [VX_SYS_SIG_MINT] = sys_sig_mint,
    [VX_SYS_RETICLE_RETYPE] = sys_reticle_retype_shared,
    [VX_SYS_RETICLE_SPLIT] = sys_reticle_split_shared,
    [VX_SYS_RETICLE_INFO] = sys_reticle_info,
    [VX_SYS_TASK_INSPECT] = sys_task_inspect,
    [VX_SYS_TASK_MAP] = sys_task_map_shared,
    [VX_SYS_TASK_UNMAP] = sys_task_unmap_shared,
    [VX_SYS_SIG_WAIT] = sys_sig_wait_shared,
    [VX_SYS_SIG_RAISE] = sys_sig_raise_shared,
    [VX_SYS_RING_NOTIFY] = sys_ring_notify_shared,
    [VX_SYS_RING_NOTIFY_WAIT] = sys_ring_notify_wait_shared,
    [VX_SYS_RING_SEND_CAP] = sys_ring_send_cap_shared,
    [VX_SYS_RING_RECV_CAP] = sys_ring_recv_cap_shared,
    [VX_SYS_PORT_IN] = sys_port_in,
    [VX_SYS_PORT_OUT] = sys_port_out,
    [VX_SYS_CONSOLE_WRITE] = sys_console_write,
    [VX_SYS_CLOCK] = sys_clock,
    [VX_SYS_TASK_YIELD] = sys_task_yield_shared,
};
/* The same calls as a bit mask, bit n for call n: one test on entry. */
#define SHARED_CALLS                                                                               \
	(1ull << VX_SYS_CAP_INSPECT | 1ull << VX_SYS_CAP_DERIVE | 1ull << VX_SYS_CAP_DELETE |      \
	 1ull << VX_SYS_SIG_MINT | 1ull << VX_SYS_RETICLE_RETYPE | 1ull << VX_SYS_RETICLE_SPLIT |  \
	 1ull << VX_SYS_RETICLE_INFO | 1ull << VX_SYS_TASK_INSPECT | 1ull << VX_SYS_SIG_WAIT |     \
	 1ull << VX_SYS_SIG_RAISE | 1ull << VX_SYS_RING_NOTIFY | 1ull << VX_SYS_RING_NOTIFY_WAIT | \
	 1ull << VX_SYS_RING_SEND_CAP | 1ull << VX_SYS_RING_RECV_CAP | 1ull << VX_SYS_PORT_IN |    \
	 1ull << VX_SYS_PORT_OUT | 1ull << VX_SYS_CONSOLE_WRITE | 1ull << VX_SYS_CLOCK |           \
	 1ull << VX_SYS_TASK_YIELD | 1ull << VX_SYS_TASK_MAP | 1ull << VX_SYS_TASK_UNMAP)
_Static_assert(VX_SYS_COUNT <= 64, "SHARED_CALLS has a bit for every call");

/* Re-executes the caller's syscall instruction (2 bytes) when it next runs,
 * after the interrupts pending now have been taken. */
static void reissue(struct trapframe *tf)
{
	tf->rip -= 2;
}

/* The frame to resume after a syscall.  One test: whatever stops the
 * running Task (sched_block, sched_remove through a fault, halt, exit or
 * destruction, an affinity that leaves this CPU) or outranks it (a wake-up
 * here, an IPI from another CPU) sets this CPU's need_resched. */
static struct trapframe *next_frame(struct trapframe *tf)
{
	if (this_cpu_need_resched())
		return sched_next_frame();
	return tf;
}

/*
 * The slow end of a syscall: the handler returned SYS_RESTART or left work
 * queued (see reap), or work was queued already, or the caller came back
 * (SYS_KWAIT) to wait for work of its own, r being its parked result.  A
 * call that queued work (t->work_seq, set by work_enqueue) and whose
 * result is ready but whose work is not done when the budget runs out
 * parks the result in kwait_rax and is re-issued as SYS_KWAIT; each
 * re-entry carries on with the work and returns the result once its own
 * work, and the work queued before it, is done (work_done_upto): work
 * other Tasks queue later never holds it.  A call that queued nothing
 * helps for one budget and returns: another Task's work (a large Mem's
 * zeroing, a reset) must not hold its calls.  A restarted call keeps its
 * number across its re-entries (the newest of its parts).  Interrupts are
 * taken between the steps, in user mode, at the syscall instruction.
 */
static struct trapframe *dispatch_slow(struct trapframe *tf, struct task *t, int64_t r)
{
	reap();
	preempt_done();
	/* The caller may have been destroyed by the work: then its frame is
	 * gone too, and is left alone. */
	if (current_task() != t)
		return sched_current_frame();
	if (r == SYS_RESTART) {
		reissue(tf);
	} else if (r == SYS_BLOCKED) {
		t->work_seq = 0; /* blocked or exited: its result comes later */
	} else if (!t->work_seq || work_done_upto(t->work_seq) || t->state != VX_TASK_RUNNABLE) {
		t->kwait = 0;
		t->work_seq = 0;
		tf->rax = (uint64_t)r;
	} else {
		t->kwait = 1;
		t->kwait_rax = (uint64_t)r;
		tf->rax = SYS_KWAIT;
		reissue(tf);
	}
	return sched_current_frame();
}

/* Syscall numbers outside the table: the kernel's own SYS_KWAIT, or none. */
static struct trapframe *dispatch_other(struct trapframe *tf, struct task *t)
{
	if (tf->rax == SYS_KWAIT && t->kwait)
		return dispatch_slow(tf, t, (int64_t)t->kwait_rax);
	tf->rax = (uint64_t)(int64_t)VX_E_NOSYS;
	return next_frame(tf);
}

/* A handler's result r becomes the frame to resume.  SYS_BLOCKED and
 * SYS_RESTART are the two lowest values, far below every error and
 * result, so the common case pays one test. */
static inline __attribute__((always_inline)) struct trapframe *finish(struct trapframe *tf,
								      struct task *t, int64_t r)
{
	int64_t below;

	if (__builtin_sub_overflow(r, 2, &below) || work_head) { /* r <= SYS_RESTART */
		if (r == SYS_RESTART || work_head)
			return dispatch_slow(tf, t, r);
		return sched_current_frame(); /* SYS_BLOCKED */
	}
	tf->rax = (uint64_t)r;
	return next_frame(tf);
}

/*
 * Runs the call, then picks the frame to resume.  Long kernel work is
 * bounded by the preemption budget (preempt_due): a handler that runs out
 * returns SYS_RESTART and the same call is re-issued; queued work keeps the
 * caller waiting (dispatch_slow); finish decides.
 */
static inline __attribute__((always_inline)) struct trapframe *dispatch(struct trapframe *tf)
{
	struct task *t = current_task();
	uint64_t nr = tf->rax;

	if (nr >= VX_SYS_COUNT || t->foreign) {
		if (t->foreign) { /* not ours to serve: its supervisor's (VX_SYS_TASK_REGS) */
			task_fault(t, VX_FAULT_SYSCALL, 0, nr);
			return sched_current_frame(); /* perhaps its supervisor's now */
		}
		return dispatch_other(tf, t);
	}
	return finish(tf, t, syscalls[nr](tf));
}

/* A call the fastpath decoded and ran the ordinary way: its result r, as
 * a handler's, becomes the frame to resume. */
struct trapframe *syscall_finish(struct trapframe *tf, int64_t r)
{
	return finish(tf, current_task(), r);
}

/* A call on a CPU among several: under the kernel lock, dropped just
 * before entry.S restores the chosen frame (no other CPU touches a frame
 * that is running or about to run here). */
static inline __attribute__((always_inline)) struct trapframe *dispatch_locked(struct trapframe *tf)
{
	struct trapframe *next;

	kernel_lock();
	if (__builtin_expect(current_task()->state != VX_TASK_RUNNABLE, 0)) {
		/* Halted or destroyed from another CPU while this call waited
		 * for the lock: to its supervisor the halt came first, so the
		 * call has not happened.  It runs if the Task is resumed (the
		 * halt asked this CPU to switch away). */
		reissue(tf);
		next = sched_current_frame();
	} else {
		next = dispatch(tf);
	}
	kernel_unlock();
	return next;
}

/*
 * A call from SHARED_CALLS on a CPU among several: under the lock held
 * shared.  A call that blocked (SYS_BLOCKED) leaves its Task under the
 * same hold, for the next Task on this CPU's queue, or, if it has none,
 * waits in the idle loop without the lock (sched_leave_shared,
 * sched_idle_shared); one that switched to another Task itself
 * (SYS_SWITCHED) resumes that Task's frame.  Else the call's result goes back at once unless
 * this CPU must choose another Task (need_resched), which takes the lock
 * exclusive.
 * Only this CPU's own shared wake-ups and the exclusive holders set it
 * here; another CPU's shared wake-up may set it just after the test, but
 * sends its IPI after that, which this CPU takes once back in user mode.
 * A Task halted while it waited for the lock, a foreign Task (its
 * supervisor serves its calls) and a handler's SYS_EXCLUSIVE go the
 * ordinary way, exclusive, which decides the call from scratch.
 */
static __attribute__((noinline)) struct trapframe *dispatch_shared(struct trapframe *tf)
{
	struct task *t = current_task();
	syscall_fn fn = shared_syscalls[tf->rax];
	int64_t r = SYS_EXCLUSIVE;

	klock_shared_in();
	if (__builtin_expect(t->state == VX_TASK_RUNNABLE && !t->foreign, 1))
		r = fn(tf);
	if (__builtin_expect(r <= SYS_SWITCHED, 0)) {
		KASSERT(r != SYS_RESTART);
		if (r == SYS_SWITCHED) {
			struct trapframe *next = &current_task()->regs;
			klock_shared_out();
			return next;
		}
		if (r == SYS_BLOCKED) {
			struct trapframe *next = sched_leave_shared();
			klock_shared_out();
			return next ? next : sched_idle_shared();
		}
		klock_shared_out();
		return dispatch_locked(tf);
	}
	tf->rax = (uint64_t)r;
	if (__builtin_expect(!this_cpu_need_resched(), 1)) {
		klock_shared_out();
		return tf;
	}
	klock_shared_out();
	kernel_lock();
	struct trapframe *next = sched_current_frame();
	kernel_unlock();
	return next;
}

/* Entry from syscall_entry.  With one CPU the lock is elided, and tested
 * once here rather than at both ends. */
struct trapframe *syscall_dispatch(struct trapframe *tf)
{
	if (klock.solo)
		return dispatch(tf);
	if (tf->rax < VX_SYS_COUNT && (SHARED_CALLS >> tf->rax) & 1)
		return dispatch_shared(tf);
	return dispatch_locked(tf);
}

/*
 * Entry from syscall_entry for VX_SYS_RING_NOTIFY_WAIT (SYS_NR_CALL_REPLY):
 * the call/reply fastpath (ring_fastpath).  With one CPU the lock is
 * elided and the fast path is a tail call, which returns NULL when it does
 * not apply; entry.S then runs the call the ordinary way
 * (syscall_dispatch), which decides it from scratch.  With several CPUs
 * it never returns NULL: the call runs under the lock held shared
 * (sys_ring_notify_wait_shared), which switches straight to a peer
 * waiting to run on this CPU itself (sched_direct_shared), so a pair on
 * one CPU never takes the lock exclusive; a caller halted while it waited
 * for the lock, or a foreign one, goes the ordinary way, exclusive
 * (dispatch_locked), where the fastpath could not apply anyway.
 */
_Static_assert(SYS_NR_CALL_REPLY == VX_SYS_RING_NOTIFY_WAIT, "entry.h SYS_NR_CALL_REPLY");
_Static_assert((SHARED_CALLS >> VX_SYS_RING_NOTIFY_WAIT) & 1, "RING_NOTIFY_WAIT runs shared");

/* The entry described above.  Called from entry.S with interrupts off,
 * without the lock, which it elides (one CPU) or takes. */
struct trapframe *syscall_call_reply(struct trapframe *tf)
{
	if (__builtin_expect(klock.solo, 1))
		return ring_fastpath(tf);
	return dispatch_shared(tf);
}

/* Is [va, va + n) inside user space?  VX_E_RANGE if it wraps, VX_E_FAULT if
 * it reaches kernel or non-canonical addresses. */
int user_range_ok(uint64_t va, uint64_t n)
{
	if (va + n < va)
		return VX_E_RANGE;
	if (va >= VX_USER_END || va + n > VX_USER_END)
		return VX_E_FAULT;
	return VX_OK;
}

/* Copies n bytes from user address usrc.  A pointer into the kernel, an
 * unmapped page, or a buffer that runs into one: VX_E_FAULT. */
int copy_in(void *dst, uint64_t usrc, size_t n)
{
	int err = user_range_ok(usrc, n);

	if (err || n == 0)
		return err;
	return uaccess_copy(dst, (const void *)(uintptr_t)usrc, n) ? VX_E_FAULT : VX_OK;
}

/* Copies n bytes to user address udst, which must be mapped writable. */
int copy_out(uint64_t udst, const void *src, size_t n)
{
	int err = user_range_ok(udst, n);

	if (err || n == 0)
		return err;
	return uaccess_copy((void *)(uintptr_t)udst, src, n) ? VX_E_FAULT : VX_OK;
}

/* VX_SYS_CLOCK(which): 0 -> nanoseconds since boot; 1 + n -> the
 * nanoseconds CPU n has spent halted in the idle loop (benchmarks count
 * busy time as the difference), VX_E_RANGE for a CPU that is not online.
 * Runs under the lock held shared (above): it reads only. */
int64_t sys_clock(struct trapframe *tf)
{
	if (tf->rdi == 0)
		return (int64_t)timer_now_ns();
	if (tf->rdi - 1 >= ncpus)
		return VX_E_RANGE;
	return (int64_t)tsc_to_ns(__atomic_load_n(&cpus[tf->rdi - 1].idle_tsc, __ATOMIC_RELAXED));
}
