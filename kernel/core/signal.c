/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Signal Mask: 64 sticky bits per Task and one way to wait on them.
 *
 * wait(mask, deadline) returns the pending bits of mask and clears them in
 * one step; if none are pending it blocks until one is raised or the
 * deadline passes (then it returns 0).  Raising needs a Signal capability
 * that names the target Task and the bits it may raise.  IRQs, ring
 * doorbells, supervision and timers all arrive this way.
 */
#include "core/kernel.h"

static struct task *sleepers;  /* Tasks waiting with a finite deadline */
static uint32_t sleepers_lock; /* a shared holder's signal_unsleep (wake_shared) */
/* No deadline on sleepers is earlier than this (UINT64_MAX: none).  Written
 * under the lock, read without it by the tick (signal_timeout_due).  A
 * sleeper woken early leaves it too early, which costs one locked tick that
 * finds nothing due and sets it right. */
static uint64_t sleep_earliest = UINT64_MAX;

/* Takes t off the sleep list, O(1): a reset that destroys many sleepers
 * stays linear in them. */
void signal_unsleep(struct task *t)
{
	if (!t->sleeping)
		return;
	KASSERT(*t->sl_pprev == t); /* the list is whole */
	*t->sl_pprev = t->sl_next;
	if (t->sl_next)
		t->sl_next->sl_pprev = t->sl_pprev;
	t->sl_next = NULL;
	t->sl_pprev = NULL;
	t->sleeping = 0;
}

/* Ends t's wait with result in its rax and makes it runnable: with
 * handoff, on this CPU at once if the scheduler would choose it
 * (sched_handoff), else on a run queue. */
static void wake(struct task *t, uint64_t result, bool handoff)
{
	if (__builtin_expect(t->sleeping, 0)) /* here, not only in the call: most waits have none */
		signal_unsleep(t);
	t->regs.rax = result;
	t->state = VX_TASK_RUNNABLE;
	if (!handoff || !sched_handoff(t))
		sched_make_runnable(t);
}

/* Sets bits in t's mask and wakes t if it waits for one of them. */
static void deliver(struct task *t, uint64_t bits, bool handoff)
{
	t->pending |= bits;
	if (t->state == VX_TASK_WAITING && (t->pending & t->wait_mask)) {
		uint64_t got = t->pending & t->wait_mask;
		t->pending &= ~got;
		wake(t, got, handoff && t->running_on < 0);
	}
}

/* Raises bits in t's mask and wakes t, onto a run queue, if it waits for
 * one of them.  Under the lock, exclusive. */
void signal_deliver(struct task *t, uint64_t bits)
{
	deliver(t, bits, false);
}

/* signal_deliver from the running Task, which has just stopped (a fault,
 * a foreign syscall, an exit): if t wakes and the scheduler would choose
 * it, it takes this CPU straight away (sched_handoff), with no queue and
 * no scheduler pass: the fault's half of a supervisor's round trip. */
void signal_deliver_handoff(struct task *t, uint64_t bits)
{
	deliver(t, bits, true);
}

/* The end of a shared wake-up of t, whose wake_lock is held and which is
 * off the sleep list: its result, its state, a run queue. */
static void wake_unlisted_shared(struct task *t, uint64_t result)
{
	t->regs.rax = result;
	__atomic_store_n(&t->state, VX_TASK_RUNNABLE, __ATOMIC_RELAXED);
	sched_make_runnable_shared(t);
}

/* wake for a shared holder, which holds t's wake_lock: the sleep list
 * and the run queue are behind locks of their own. */
static void wake_shared(struct task *t, uint64_t result)
{
	if (t->sleeping) {
		spin_hold(&sleepers_lock);
		signal_unsleep(t);
		spin_release(&sleepers_lock);
	}
	wake_unlisted_shared(t, result);
}

/*
 * signal_deliver under the kernel lock held shared (SIG_RAISE,
 * RING_NOTIFY).  Other shared holders may deliver to t at the same time,
 * and t itself may be taking its own bits (sys_sig_wait_shared) or
 * blocking (block_shared), so the bits go in with one atomic
 * operation, and the wake-up, which only one of them may do, is decided
 * under t's own wake_lock.  A t seen not waiting is left alone, with no
 * lock: a block under the exclusive hold cannot start before this shared
 * hold ends, and a shared block marks t waiting before it looks at its
 * bits, so either this sees it waiting or its look sees the bits (both
 * sides sequentially consistent: tests/model/block.pml, LOOK_FIRST).
 */
void signal_deliver_shared(struct task *t, uint64_t bits)
{
	uint64_t pend = __atomic_or_fetch(&t->pending, bits, __ATOMIC_SEQ_CST);

	if (__atomic_load_n(&t->state, __ATOMIC_SEQ_CST) != VX_TASK_WAITING ||
	    !(pend & __atomic_load_n(&t->wait_mask, __ATOMIC_RELAXED)))
		return;
	spin_hold(&t->wake_lock);
	if (t->state == VX_TASK_WAITING) {
		uint64_t got = __atomic_load_n(&t->pending, __ATOMIC_RELAXED) & t->wait_mask;
		if (got) {
			__atomic_and_fetch(&t->pending, ~got, __ATOMIC_RELAXED);
			wake_shared(t, got);
		}
	}
	spin_release(&t->wake_lock);
}

/* Raises bits through a Signal cap (the caller checked bits <= narrow). */
void signal_raise_cap(struct cap *sig, uint64_t bits)
{
	signal_deliver(task_of(sig->obj), bits);
}

/* Has the earliest deadline of a sleeping Task passed at now?  Without the
 * lock: a hint for the tick (sched_tick_quick), never late. */
bool signal_timeout_due(uint64_t now)
{
	return __atomic_load_n(&sleep_earliest, __ATOMIC_RELAXED) <= now;
}

/* Puts t, which has just blocked until t->wait_deadline, on the sleep
 * list, so that the timer ends its wait.  Under the lock, exclusive, or
 * shared with the list's own lock held (block_shared). */
void signal_sleep(struct task *t)
{
	t->sl_next = sleepers;
	if (sleepers)
		sleepers->sl_pprev = &t->sl_next;
	sleepers = t;
	t->sl_pprev = &sleepers;
	t->sleeping = 1;
	if (t->wait_deadline < sleep_earliest)
		__atomic_store_n(&sleep_earliest, t->wait_deadline, __ATOMIC_RELAXED);
}

/* Timer tick: wake every sleeper whose deadline has passed. */
void signal_timeouts(uint64_t now)
{
	uint64_t earliest = UINT64_MAX;

	for (struct task *t = sleepers, *next; t; t = next) {
		KASSERT(t->sleeping && t->state == VX_TASK_WAITING);
		next = t->sl_next;
		if (t->wait_deadline <= now) {
			wake(t, 0, false); /* takes it off the list */
		} else if (t->wait_deadline < earliest) {
			earliest = t->wait_deadline;
		}
	}
	__atomic_store_n(&sleep_earliest, earliest, __ATOMIC_RELAXED);
}

/*
 * signal_timeouts under the lock held shared, from the boot CPU's tick
 * (sched_tick_quick): every sleeper whose deadline has passed is woken, as
 * a shared raiser wakes (wake_shared), with result 0.  The walk holds the
 * sleep list's lock, which comes after a Task's wake_lock in the lock
 * order, so each Task's wake_lock is only tried: one held this moment (by
 * a raiser, which takes the Task off the list itself once it has this
 * lock) stays on the list, and sleep_earliest stays due, so the next tick
 * looks again.  Runs under the lock held shared.
 */
void signal_timeouts_shared(uint64_t now)
{
	uint64_t earliest = UINT64_MAX;

	spin_hold(&sleepers_lock);
	for (struct task *t = sleepers, *next; t; t = next) {
		next = t->sl_next;
		if (t->wait_deadline > now) {
			if (t->wait_deadline < earliest)
				earliest = t->wait_deadline;
		} else if (__atomic_exchange_n(&t->wake_lock, 1, __ATOMIC_ACQUIRE)) {
			earliest = now;
		} else {
			KASSERT(t->sleeping && t->state == VX_TASK_WAITING);
			signal_unsleep(t);
			wake_unlisted_shared(t, 0);
			spin_release(&t->wake_lock);
		}
	}
	__atomic_store_n(&sleep_earliest, earliest, __ATOMIC_RELAXED);
	spin_release(&sleepers_lock);
}

/* The body of every wait: either answers now (*result) or blocks t.
 * Inlined into SIG_WAIT, the signal ping-pong's hot path, whatever the
 * compiler's budget for this file says (a call costs it 30 instructions a
 * round trip); other files call signal_wait_common. */
/* Does a wait for mask until deadline end at once: a bit is pending (got:
 * the pending bits of mask), or it only polls, or its deadline passed? */
static inline __attribute__((always_inline)) bool
wait_answers_now(const struct task *t, uint64_t mask, uint64_t deadline, uint64_t *got)
{
	*got = __atomic_load_n(&t->pending, __ATOMIC_RELAXED) & mask; /* shared raisers */
	return *got || deadline == VX_DEADLINE_NONE ||
	       (deadline != VX_DEADLINE_NEVER && deadline <= timer_now_ns());
}

static inline __attribute__((always_inline)) int wait_common(struct task *t, uint64_t mask,
							     uint64_t deadline, int64_t *result)
{
	uint64_t got;

	if (wait_answers_now(t, mask, deadline, &got)) {
		t->pending &= ~got;
		*result = (int64_t)got;
		return 0;
	}
	sched_block(t, mask, deadline);
	if (deadline != VX_DEADLINE_NEVER)
		signal_sleep(t);
	*result = SYS_BLOCKED;
	return 1;
}

/* wait_common for the callers outside this file (RING_NOTIFY_WAIT's
 * slow path): 0 with *result, or 1 when t blocked.  Under the lock,
 * exclusive. */
int signal_wait_common(struct task *t, uint64_t mask, uint64_t deadline, int64_t *result)
{
	return wait_common(t, mask, deadline, result);
}

/* VX_SYS_SIG_WAIT(mask, deadline) -> fired bits (0: deadline passed). */
int64_t sys_sig_wait(struct trapframe *tf)
{
	int64_t r;
	int err;

	if ((err = signal_wait_check(tf->rdi, tf->rsi)))
		return err;
	wait_common(current_task(), tf->rdi, tf->rsi, &r);
	return r;
}

/*
 * A wait's block under the lock held shared (tests/model/block.pml):
 * under t's own wake_lock, t is marked waiting first and only then looks
 * at its pending bits, which a shared waker may have put in just before
 * (signal_deliver_shared, whose fast exit leaves a t it sees running).
 * Returns the bits of mask found pending, which t takes and runs on with,
 * or 0 with t waiting (on the sleep list if its deadline is finite): its
 * CPU then leaves it (sched_leave_shared), and from the release of the
 * wake_lock a waker may queue it.  t is the caller's own Task.  First,
 * what happens under the wake_lock: the mark, then the look.
 */
static inline __attribute__((always_inline)) uint64_t mark_waiting(struct task *t, uint64_t mask,
								   uint64_t deadline)
{
	uint64_t got;

	__atomic_store_n(&t->wait_mask, mask, __ATOMIC_RELAXED);
	t->wait_deadline = deadline;
	__atomic_store_n(&t->state, VX_TASK_WAITING, __ATOMIC_SEQ_CST);
	got = __atomic_load_n(&t->pending, __ATOMIC_SEQ_CST) & mask;
	if (got) {
		__atomic_and_fetch(&t->pending, ~got, __ATOMIC_RELAXED);
		__atomic_store_n(&t->state, VX_TASK_RUNNABLE, __ATOMIC_RELAXED);
	}
	return got;
}

/* The block itself: t's wake_lock, then mark_waiting, and for a finite
 * deadline the sleep list. */
static inline __attribute__((always_inline)) uint64_t block_shared(struct task *t, uint64_t mask,
								   uint64_t deadline)
{
	uint64_t got;

	spin_hold(&t->wake_lock);
	got = mark_waiting(t, mask, deadline);
	if (!got && deadline != VX_DEADLINE_NEVER) {
		spin_hold(&sleepers_lock);
		signal_sleep(t);
		spin_release(&sleepers_lock);
	}
	spin_release(&t->wake_lock);
	return got;
}

/* A wait under the lock held shared: the pending bits of mask, taken
 * with one atomic operation (shared raisers may be adding others at the
 * same time), if it ends at once; else t blocks (block_shared), and
 * SYS_BLOCKED, or the bits it found after all.  t is the caller's own. */
static inline __attribute__((always_inline)) int64_t wait_shared(struct task *t, uint64_t mask,
								 uint64_t deadline)
{
	uint64_t got;

	if (!wait_answers_now(t, mask, deadline, &got)) {
		got = block_shared(t, mask, deadline);
		return got ? (int64_t)got : SYS_BLOCKED;
	}
	__atomic_and_fetch(&t->pending, ~got, __ATOMIC_RELAXED);
	return (int64_t)got;
}

/* wait_shared for RING_NOTIFY_WAIT's shared form (ring.c). */
int64_t signal_wait_shared(struct task *t, uint64_t mask, uint64_t deadline)
{
	return wait_shared(t, mask, deadline);
}

/* RING_NOTIFY_WAIT under the lock held shared for a peer p that cannot
 * take this CPU (ring.c): its bit goes in as RING_NOTIFY's shared form
 * puts it, then the caller waits as SIG_WAIT's shared form does (its
 * bits, or SYS_BLOCKED). */
int64_t signal_notify_wait_shared(struct task *p, uint64_t bit, uint64_t mask, uint64_t deadline)
{
	signal_deliver_shared(p, bit);
	return wait_shared(current_task(), mask, deadline);
}

/* signal_call_shared's way out when the wait ended at once with got:
 * p is rung the ordinary way.  Apart, so that signal_call_shared calls
 * nothing and needs no frame. */
static __attribute__((noinline)) int64_t call_answered(struct task *p, uint64_t bit, uint64_t got)
{
	signal_deliver_shared(p, bit);
	return (int64_t)got;
}

/*
 * RING_NOTIFY_WAIT under the lock held shared when the peer end's Task p
 * waits for the doorbell's bit and may run on this CPU (ring.c): the
 * caller, the running Task, waits for mask until deadline as
 * signal_wait_shared does, and only then rings p, so that once it has
 * blocked p can take its CPU at once (sched_direct_shared: SYS_SWITCHED,
 * or SYS_BLOCKED with p woken the ordinary way).  A wait that ends at
 * once rings p the ordinary way and returns the bits.  The order makes
 * no difference to either: p cannot answer a bit it has not had.
 */
int64_t signal_call_shared_until(struct task *p, uint64_t bit, uint64_t mask, uint64_t deadline)
{
	int64_t r = wait_shared(current_task(), mask, deadline);

	if (r != SYS_BLOCKED)
		return call_answered(p, bit, (uint64_t)r);
	return sched_direct_shared(p, bit);
}

/* The same with no deadline, the common case, kept to tail calls: a bit
 * of mask already pending, or the caller's wake_lock held by a raiser
 * this moment, goes the way above. */
int64_t signal_call_shared(struct task *p, uint64_t bit, uint64_t mask)
{
	struct task *t = current_task();
	uint64_t got;

	if ((__atomic_load_n(&t->pending, __ATOMIC_RELAXED) & mask) ||
	    __atomic_exchange_n(&t->wake_lock, 1, __ATOMIC_ACQUIRE))
		return signal_call_shared_until(p, bit, mask, VX_DEADLINE_NEVER);
	got = mark_waiting(t, mask, VX_DEADLINE_NEVER);
	spin_release(&t->wake_lock);
	if (got)
		return call_answered(p, bit, got);
	return sched_direct_shared(p, bit);
}

/* VX_SYS_SIG_WAIT under the lock held shared (syscall.c).  The wait that
 * ends at once takes only the caller's own pending bits, with one atomic
 * operation: shared raisers (signal_deliver_shared) may be adding others
 * at the same time.  One that would block blocks under t's wake_lock
 * (block_shared): SYS_BLOCKED, and dispatch_shared leaves it. */
int64_t sys_sig_wait_shared(struct trapframe *tf)
{
	int err;

	if ((err = signal_wait_check(tf->rdi, tf->rsi)))
		return err;
	return wait_shared(current_task(), tf->rdi, tf->rsi);
}

/* SIG_RAISE's decode: the Signal cap, and bits it may raise (not none). */
static inline __attribute__((always_inline)) int raise_decode(const struct trapframe *tf,
							      struct cap **s)
{
	int err;

	if ((err = cap_lookup(current_task(), tf->rdi, VX_OBJ_SIGNAL, 0, s)))
		return err;
	if (tf->rsi == 0)
		return VX_E_INVAL;
	if (tf->rsi & ~(*s)->narrow)
		return VX_E_RIGHTS;
	return VX_OK;
}

/* VX_SYS_SIG_RAISE(signal, bits) */
int64_t sys_sig_raise(struct trapframe *tf)
{
	struct cap *s;
	int err;

	if ((err = raise_decode(tf, &s)))
		return err;
	signal_raise_cap(s, tf->rsi);
	return VX_OK;
}

/* VX_SYS_SIG_RAISE under the lock held shared (syscall.c): the same
 * decode, which only reads caps (only exclusive holders change them), and
 * the shared delivery. */
int64_t sys_sig_raise_shared(struct trapframe *tf)
{
	struct cap *s;
	int err;

	if ((err = raise_decode(tf, &s)))
		return err;
	signal_deliver_shared(task_of(s->obj), tf->rsi);
	return VX_OK;
}

/* VX_SYS_SIG_MINT(task, bits) -> a Signal cap for those bits of task.
 * Runs under the lock held shared too (syscall.c), as CAP_DERIVE does: it
 * writes the caller's own table, and the Task's forest under its lock
 * (cap_install_child). */
int64_t sys_sig_mint(struct trapframe *tf)
{
	struct task *t = current_task();
	struct cap *tc;
	uint32_t idx;
	int err;

	if ((err = cap_lookup(t, tf->rdi, VX_OBJ_TASK, VX_R_CONTROL, &tc)))
		return err;
	if (tf->rsi == 0 || (tf->rsi & ~VX_SIG_ALL))
		return VX_E_INVAL; /* no bits, or the reserved bit 63 */
	if ((err = cap_find_slot(t, &idx)))
		return err;
	/* The Signal cap carries no right the Task cap lacks. */
	uint32_t rights = tc->rights & (VX_R_GRANT | VX_R_CONTROL);
	return cap_install_child(t, idx, tc, VX_OBJ_SIGNAL, rights, tf->rsi);
}
