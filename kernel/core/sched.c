/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The scheduler: per CPU, sixteen priority run queues, round-robin within
 * a priority and a timer-driven quantum.  The running Task is on no queue;
 * when it stops being the best choice it goes to the tail of its own.
 *
 * Placement.  A Task that becomes ready goes on the queue of the CPU it
 * last ran on, if its affinity allows and that CPU is idle or runs
 * something less urgent; else on an idle CPU it may use; else back where
 * it was (or its first allowed CPU).  A CPU that has nothing to run takes
 * the most urgent Task it may run from another CPU's queue (stealing), so
 * no CPU idles while another has a backlog it could take.  Another CPU is
 * told to look at its queue with an IPI (arch_send_resched).
 *
 * Each CPU keeps nothing on its kernel stack across a return to user
 * mode, so "switching" is choosing which Task's trapframe
 * sched_next_frame hands back to entry.S.  With nothing runnable, the CPU
 * idles inside sched_next_frame with interrupts open and the kernel lock
 * dropped.
 *
 * Locking: everything here runs under the kernel lock (lock.c) held
 * exclusive, which also covers every Task's scheduling fields and every
 * CPU's queues, but for a shared wake-up (sched_make_runnable_shared),
 * which enqueues under the queue's own lock, and a shared block's switch
 * (sched_leave_shared), which picks from this CPU's queue under that lock.
 * An exclusive holder sees every Task running on at most one CPU
 * (t->running_on), or on at most one queue (t->queued, t->rq_cpu), or
 * neither.  Under the shared hold a Task that blocked may be queued by a
 * waker while its CPU still leaves it; no CPU resumes it before that CPU
 * has saved its state and cleared running_on (block.pml's on_cpu rule).
 */
#include "core/kernel.h"

#define QUANTUM_TICKS 10

struct runq {
	struct task *head[VX_PRIO_MAX + 1];
	uint32_t bits;		 /* bit p set: head[p] is not empty */
	uint32_t lock;		 /* a shared holder's enqueue (sched_make_runnable_shared) */
} __attribute__((aligned(256))); /* rq[n] by a shift */
static struct runq rq[MAX_CPUS];
static uint64_t idle_mask; /* bit n: CPU n waits in the idle loop */

static struct runq *here(void)
{
	return &rq[this_cpu()->index];
}

/* A bit for each CPU online.  Fixed once the CPUs are started: no lock. */
uint64_t sched_online_mask(void)
{
	return ncpus >= 64 ? ~0ull : (1ull << ncpus) - 1;
}

/* The CPUs t may run on now: its affinity, among the online ones (all of
 * them if that leaves none, so that no Task is stranded). */
static uint64_t allowed(const struct task *t)
{
	uint64_t m = t->affinity & sched_online_mask();
	return m ? m : sched_online_mask();
}

static int top_prio(const struct runq *q)
{
	return q->bits ? 31 - __builtin_clz(q->bits) : -1;
}

/*
 * The preemption budget of one kernel entry.  Long work (revoke,
 * destruction, resets) calls preempt_due between units of work: the first
 * check starts the budget, later ones report when a quarter of a timer tick
 * has gone, and preempt_done ends it.  So no interrupt waits
 * longer than that plus one unit, and every entry makes progress.
 */
bool preempt_due(void)
{
	struct cpu *c = this_cpu();
	uint64_t now = rdtsc();

	if (!c->preempt_at) {
		c->preempt_at = now + cpuinfo.tsc_per_ms * 1000 / (4 * TIMER_HZ) + 1;
		return false;
	}
	return now >= c->preempt_at;
}

/* This CPU chooses again at the end of this kernel entry.  Under the
 * lock, exclusive. */
void sched_resched_here(void)
{
	this_cpu()->need_resched = 1;
}

static inline __attribute__((always_inline)) void enqueue(unsigned cpu, struct task *t)
{
	struct runq *q = &rq[cpu];
	struct task *h = q->head[t->prio];

	if (!h) {
		t->rq_next = t->rq_prev = t;
		q->head[t->prio] = t;
	} else {
		t->rq_prev = h->rq_prev;
		t->rq_next = h;
		h->rq_prev->rq_next = t;
		h->rq_prev = t;
	}
	t->queued = 1;
	t->rq_cpu = cpu;
	q->bits |= 1u << t->prio;
}

/* Takes t off its run queue, if it is on one.  (Inline: pick runs it on
 * every switch.) */
static inline __attribute__((always_inline)) void dequeue(struct task *t)
{
	if (!t->queued)
		return;
	struct runq *q = &rq[t->rq_cpu];
	if (t->rq_next == t) {
		q->head[t->prio] = NULL;
		q->bits &= ~(1u << t->prio);
	} else {
		t->rq_prev->rq_next = t->rq_next;
		t->rq_next->rq_prev = t->rq_prev;
		if (q->head[t->prio] == t)
			q->head[t->prio] = t->rq_next;
	}
	t->queued = 0;
}

/* How urgent is what cpu runs now: -1 when idle.  Shared holders may be
 * leaving their Task (sched_leave_shared) as it is read: a hint then. */
static int running_prio(unsigned cpu)
{
	struct task *cur = __atomic_load_n(&cpus[cpu].current, __ATOMIC_RELAXED);
	return (__atomic_load_n(&idle_mask, __ATOMIC_RELAXED) >> cpu) & 1 || !cur ? -1
										  : (int)cur->prio;
}

/* The queue a Task that became ready goes on (see the top). */
static inline __attribute__((always_inline)) unsigned place(const struct task *t)
{
	unsigned last = t->last_cpu;
	uint64_t idle = __atomic_load_n(&idle_mask, __ATOMIC_RELAXED);

	if (!idle && !t->affinity)
		return last; /* no idle CPU to spread to, and no restriction */
	uint64_t ok = allowed(t);
	if ((ok >> last) & 1 && running_prio(last) < (int)t->prio)
		return last;
	if (idle & ok)
		return (unsigned)__builtin_ctzll(idle & ok);
	return (ok >> last) & 1 ? last : (unsigned)__builtin_ctzll(ok);
}

/* Puts t on the tail of a priority queue, and tells that queue's CPU if t
 * should run there before what runs now. */
void sched_make_runnable(struct task *t)
{
	if (t->queued || t->running_on >= 0)
		return;
	struct cpu *me = this_cpu();
	unsigned c = place(t);
	enqueue(c, t);
	if (c == me->index) {
		/* The common case: a wake-up on this CPU, which is not idle. */
		if (!me->current || t->prio > me->current->prio)
			me->need_resched = 1;
		return;
	}
	if ((int)t->prio > running_prio(c)) {
		cpus[c].need_resched = 1;
		arch_send_resched(c);
	}
}

/*
 * sched_make_runnable under the kernel lock held shared (a wake-up from
 * SIG_RAISE or RING_NOTIFY, signal_deliver_shared), with t's wake_lock
 * held: t was waiting, so it is on no queue and no CPU.  Shared holders on
 * other CPUs may enqueue on the same queue at the same time, so the
 * enqueue takes that queue's own lock; the rest of what place reads
 * (every CPU's current Task, the idle CPUs) only exclusive holders write,
 * so it stands still.  Another CPU's need_resched is set before its IPI,
 * as exclusive holders do; that CPU may be between its own shared call's
 * test of the flag and its return to user mode, where the IPI finds it.
 */
void sched_make_runnable_shared(struct task *t)
{
	struct cpu *me = this_cpu();
	unsigned c = place(t);

	spin_hold(&rq[c].lock);
	enqueue(c, t);
	spin_release(&rq[c].lock);
	if (c == me->index) {
		/* (No current: this CPU is leaving a Task that blocked, and
		 * looks at its queue next.) */
		struct task *cur = me->current;
		if (cur && t->prio > cur->prio)
			__atomic_store_n(&me->need_resched, 1, __ATOMIC_RELAXED);
		return;
	}
	if ((int)t->prio > running_prio(c)) {
		__atomic_store_n(&cpus[c].need_resched, 1, __ATOMIC_RELAXED);
		arch_send_resched(c);
	}
}

/* Takes t off every scheduler list (run queue, sleep list); if it is
 * running, its CPU looks for something else on its way out. */
void sched_remove(struct task *t)
{
	dequeue(t);
	if (t->sleeping)
		signal_unsleep(t);
	if (t->running_on >= 0) {
		cpus[t->running_on].need_resched = 1;
		if (t->running_on != (int32_t)this_cpu()->index) /* a fault: it ran here */
			arch_send_resched((unsigned)t->running_on);
	}
}

/* Is t off every CPU, so that its frame and tables may be changed or freed?
 * If not, its CPU is told to switch away (t must no longer be runnable),
 * and the caller tries again later (SYS_RESTART, or the work queue). */
bool sched_evict(struct task *t)
{
	if (t->running_on < 0 || t->running_on == (int32_t)this_cpu()->index)
		return true;
	sched_remove(t);
	return false;
}

/* Blocks t (the running Task) until a bit of mask fires or the deadline
 * passes. */
void sched_block(struct task *t, uint64_t mask, uint64_t deadline)
{
	dequeue(t);
	t->state = VX_TASK_WAITING;
	t->wait_mask = mask;
	t->wait_deadline = deadline;
	this_cpu()->need_resched = 1;
}

/* The running Task gives up the rest of its quantum. */
void sched_yield_current(void)
{
	struct task *cur = current_task();

	if (cur)
		cur->quantum = 0;
	this_cpu()->need_resched = 1;
}

/* The timer interrupt, on every CPU: the running Task's quantum; the boot
 * CPU also ends the waits whose deadline passed. */
void sched_tick(void)
{
	struct task *cur = current_task();

	if (this_cpu()->index == 0)
		signal_timeouts(timer_now_ns());
	if (cur && (cur->quantum == 0 || --cur->quantum == 0))
		this_cpu()->need_resched = 1;
}

/* Dequeues the first Task of the highest non-empty priority here, or
 * NULL. */
static struct task *pick(void)
{
	struct runq *q = here();
	int p = top_prio(q);

	if (p < 0)
		return NULL;
	struct task *t = q->head[p];
	dequeue(t);
	return t;
}

/* The most urgent Task on CPU o's queue that may run on CPU me, if it is
 * more urgent than floor (-1: any), or NULL.  Under the lock, exclusive,
 * or shared with o's queue lock held (steal_shared). */
static struct task *urgent_for(unsigned o, unsigned me, int floor)
{
	/* Only the priorities queued there, most urgent first. */
	for (uint32_t bits = rq[o].bits; bits;) {
		int p = 31 - __builtin_clz(bits);
		if (p <= floor)
			break;
		bits &= ~(1u << p);
		struct task *h = rq[o].head[p], *t = h;
		do {
			if ((allowed(t) >> me) & 1)
				return t;
			t = t->rq_next;
		} while (t != h);
	}
	return NULL;
}

/* Nothing to run here: the most urgent Task another CPU has queued that
 * may run on this one, or NULL. */
static struct task *steal(void)
{
	unsigned me = this_cpu()->index;
	struct task *best = NULL;

	for (unsigned c = 0; c < ncpus; c++) {
		if (c == me)
			continue;
		struct task *t = urgent_for(c, me, best ? (int)best->prio : -1);
		if (t)
			best = t;
	}
	if (best)
		dequeue(best);
	return best;
}

/* switch_for's second half, from the clock reading now: next, off the run
 * queues, becomes the running Task on CPU c with quantum ticks to run and,
 * if it is not prev, its address space, kernel entry and FPU state
 * (prev's, if any, saved on the way). */
static inline __attribute__((always_inline)) void
run_next_for(struct cpu *c, struct task *prev, struct task *next, uint64_t now, uint32_t quantum)
{
	uint32_t me = c->index;

	next->run_since = now;
	next->quantum = quantum;
	__atomic_store_n(&next->running_on, (int32_t)me, __ATOMIC_RELAXED);
	next->last_cpu = me;
	if (prev != next) {
		arch_load_root(c, next->root_pa);
		arch_set_kernel_entry(c, &next->regs);
		arch_fpu_switch(prev ? prev->fpu : NULL, next->fpu);
		arch_fs_switch(c, next->fs_base);
	}
	__atomic_store_n(&c->current, next, __ATOMIC_RELAXED); /* running_prio */
}

/* Makes next the running Task on this CPU: charges prev (may be NULL) its
 * CPU time, gives next quantum ticks and, if it is another Task, its
 * address space, kernel entry and FPU state.  next must be off the run
 * queues. */
static inline __attribute__((always_inline)) void switch_for(struct task *prev, struct task *next,
							     uint32_t quantum)
{
	uint64_t now = rdtsc(); /* cheap here; converted to ns only on inspect */

	if (prev) {
		prev->cpu_tsc += now - prev->run_since;
		__atomic_store_n(&prev->running_on, -1, __ATOMIC_RELEASE);
	}
	run_next_for(this_cpu(), prev, next, now, quantum);
}

/* The same with a fresh quantum. */
static inline __attribute__((always_inline)) void switch_to(struct task *prev, struct task *next)
{
	switch_for(prev, next, QUANTUM_TICKS);
}

/*
 * The direct switch of a call/reply (ring_fastpath): the running Task
 * blocks waiting for mask until deadline (in the future) and hands the CPU
 * straight to p, which it has just woken (p is waiting, on no queue, on no
 * CPU).  Only when the scheduler would choose p anyway: nothing queued here
 * outranks it, it is not below the caller, and no preemption is due.
 * (Among equals, p goes ahead of Tasks queued at its priority, as seL4's
 * fastpath does, but only for what is left of the caller's quantum, which
 * p runs out.)  The caller has checked that p may run on this CPU
 * (ring_fastpath: its affinity names this CPU or is empty; sched_direct:
 * allowed).  False: nothing changed.
 */
static inline __attribute__((always_inline)) bool direct_switch(struct task *p, uint64_t mask,
								uint64_t deadline)
{
	struct cpu *c = this_cpu();
	struct runq *q = &rq[c->index];
	struct task *cur = c->current;

	if (c->need_resched || p->prio < cur->prio || (q->bits >> p->prio) > 1)
		return false;
	cur->state = VX_TASK_WAITING;
	cur->wait_mask = mask;
	cur->wait_deadline = deadline;
	if (deadline != VX_DEADLINE_NEVER)
		signal_sleep(cur);
	p->state = VX_TASK_RUNNABLE;
	/* p runs out the caller's quantum, not a fresh one: a pair calling
	 * each other without pause would otherwise never see a quantum end,
	 * and Tasks of their priority queued here would never run
	 * (hunt8_call_reply_pair_beside_an_equal). */
	switch_for(cur, p, cur->quantum);
	return true;
}

/* The current Task waits for mask until deadline, and p, runnable, runs
 * in its place on this CPU at once, with no scheduler pass: false, having
 * changed nothing, when p may not run here or the scheduler would choose
 * otherwise (direct_switch).  Under the lock, exclusive. */
bool sched_direct(struct task *p, uint64_t mask, uint64_t deadline)
{
	if (p->affinity && !((allowed(p) >> this_cpu()->index) & 1))
		return false;
	return direct_switch(p, mask, deadline);
}

/* sched_direct_wake's body: deliver bit to p as signal_deliver would (p
 * takes every pending bit it waits for) once it runs in the caller's
 * place. */
static inline __attribute__((always_inline)) struct trapframe *
direct_wake(struct task *p, uint64_t bit, uint64_t mask, uint64_t deadline)
{
	uint64_t pend = p->pending | bit, got = pend & p->wait_mask;

	if (!direct_switch(p, mask, deadline))
		return NULL;
	p->pending = pend & ~got;
	p->regs.rax = got;
	return &p->regs;
}

/* ring_fastpath's end, as one call it can jump to: p, waiting for bit
 * among others, takes every pending bit it waits for, as signal_deliver
 * would, and runs at once in the caller's place (direct_switch), which
 * waits for mask with no deadline.  Returns p's frame, or NULL with
 * nothing changed.  It calls nothing, so it needs no frame of its own. */
struct trapframe *sched_direct_wake(struct task *p, uint64_t bit, uint64_t mask)
{
	return direct_wake(p, bit, mask, VX_DEADLINE_NEVER);
}

/* The same for a caller that waits until deadline (in the future), which
 * also puts it on the sleepers' list: a call, kept out of the one above. */
struct trapframe *sched_direct_wake_until(struct task *p, uint64_t bit, uint64_t mask,
					  uint64_t deadline)
{
	return direct_wake(p, bit, mask, deadline);
}

/*
 * The running Task has just stopped (task_fault: it is off every queue and
 * asked this CPU to reschedule) and p, woken by that and on no queue and
 * no CPU, takes the CPU straight away when the scheduler would choose it:
 * nothing is queued here at its priority or above, and it may run here.
 * (Unlike sched_direct, p does not go ahead of its equals: a process that
 * stops for its personality would otherwise keep its peers waiting behind
 * every one of its calls.)  The request to reschedule is answered by this
 * switch.  False: nothing changed.
 */
bool sched_handoff(struct task *p)
{
	struct cpu *c = this_cpu();
	struct runq *q = &rq[c->index];

	if ((q->bits >> p->prio) != 0 || (p->affinity && !((allowed(p) >> c->index) & 1)) ||
	    !arch_frame_user_ok(&p->regs))
		return false;
	c->need_resched = 0;
	switch_to(c->current, p);
	return true;
}

/* Has another CPU queued Tasks it will not take itself soon: it runs a
 * Task (it is neither idle nor between Tasks, when it looks at its queue
 * anyway) and has more queued?  Only that is worth a look for something
 * to steal.  Read without the lock: a hint. */
static bool backlog_elsewhere(unsigned me)
{
	uint64_t idle = __atomic_load_n(&idle_mask, __ATOMIC_RELAXED);

	for (unsigned c = 0; c < ncpus; c++)
		if (c != me && !((idle >> c) & 1) &&
		    __atomic_load_n(&cpus[c].current, __ATOMIC_RELAXED) &&
		    __atomic_load_n(&rq[c].bits, __ATOMIC_RELAXED))
			return true;
	return false;
}

/* Idle CPU me, woken by an interrupt: is there anything to take the kernel
 * lock for?  Reads without the lock, so only a hint: whatever makes work
 * for this CPU (an enqueue, queued work) also sends it an IPI or happens
 * on a CPU that will do it, and a stale "no" ends at the next interrupt.
 * Another CPU's queue counts only while that CPU is busy: an idle one
 * takes what was queued there itself (it had the IPI), and a look at it
 * here would only cost a pass through the scheduler (a pair on two CPUs
 * did, every round trip, before). */
static bool idle_has_work(unsigned me)
{
	return __atomic_load_n(&cpus[me].need_resched, __ATOMIC_RELAXED) ||
	       __atomic_load_n(&work_head, __ATOMIC_RELAXED) ||
	       __atomic_load_n(&rq[me].bits, __ATOMIC_RELAXED) || backlog_elsewhere(me);
}

/* A timer tick, without the kernel lock held exclusive, from user mode
 * (tf, the running Task's frame): the frame to resume when all it has to
 * do is count down the running Task's quantum (done here), nothing at all
 * (an idle CPU), or, with several CPUs, end the quantum under the lock
 * held shared (sched_preempt_shared); NULL when it needs the lock
 * exclusive and sched_tick: a reschedule or queued work is waiting, a
 * quantum ends that the shared way cannot end, or, with one CPU, a quantum
 * ends or a sleeper's deadline passed.  Only this CPU writes the quantum
 * of the Task it runs.  The rest are hints read without the lock: each is
 * set before the IPI or the tick that acts on it.  Without this, every
 * CPU took the lock TIMER_HZ times a second; on a host with fewer cores
 * than -smp asks, a waiter whose thread the host descheduled held every
 * CPU up, and ticks alone used up the lock.  With several CPUs the boot
 * CPU ends the waits whose deadline passed under the lock held shared,
 * which it takes for that alone (signal_timeouts_shared); a Task it wakes
 * here that outranks this CPU's asks for the exclusive way
 * (need_resched). */
struct trapframe *sched_tick_quick(struct trapframe *tf)
{
	struct cpu *c = this_cpu();
	struct task *cur = c->current;

	if (c->index == 0 && signal_timeout_due(timer_now_ns())) {
		if (klock.solo)
			return NULL;
		klock_shared_in();
		signal_timeouts_shared(timer_now_ns());
		klock_shared_out();
	}
	if (!cur)
		return tf;
	if (this_cpu_need_resched() || __atomic_load_n(&work_head, __ATOMIC_RELAXED))
		return NULL;
	if (cur->quantum > 1) {
		cur->quantum--;
		return tf;
	}
	if (klock.solo)
		return NULL;
	klock_shared_in();
	struct trapframe *f = sched_preempt_shared();
	klock_shared_out();
	return f;
}

/* This CPU stops running its current Task (it blocked, stopped or went
 * elsewhere): its CPU time and FPU state are put away, and only then does
 * the Task run nowhere (the on_cpu rule, sched_leave_shared). */
static inline __attribute__((always_inline)) void put_current(struct cpu *c)
{
	struct task *cur = c->current;

	cur->cpu_tsc += rdtsc() - cur->run_since;
	arch_fpu_switch(cur->fpu, NULL);
	__atomic_store_n(&c->current, NULL, __ATOMIC_RELAXED);
	__atomic_store_n(&cur->running_on, -1, __ATOMIC_RELEASE);
}

/* This CPU has nothing to run: it halts, with no lock held and interrupts
 * open, until an interrupt makes something runnable (idle_has_work).  The
 * caller has marked it idle and loaded the kernel's own tables.  look:
 * it has not looked at the other CPUs' queues, so it looks before the
 * first halt; else it has found nothing there it may take, and halts at
 * least once, so that a queue it may not take from keeps it asleep. */
static void idle_wait(struct cpu *c, bool look)
{
	if (look && idle_has_work(c->index))
		return;
	if (c->index != 0)
		lapic_timer_idle(true); /* woken by IPIs alone */
	uint64_t halted = rdtsc();	/* in ticks, as a Task's CPU time: no conversion here */
	do
		cpu_relax_halt();
	while (!idle_has_work(c->index));
	__atomic_store_n(&c->idle_tsc, c->idle_tsc + (rdtsc() - halted), __ATOMIC_RELAXED);
	if (c->index != 0)
		lapic_timer_idle(false);
}

static struct trapframe *next_frame_slow(struct cpu *c);

/* The frame to resume: the current Task's, unless it stopped running, a
 * higher priority is ready, or its quantum ran out (or it yielded) while
 * its own priority has others waiting.  Idles, with the kernel lock
 * dropped, until there is something to run.  The common case first, as a
 * short function of its own: the running Task stopped (blocked, faulted,
 * exited) and this CPU's own queue holds the next, as pick would find it. */
struct trapframe *sched_next_frame(void)
{
	struct cpu *c = this_cpu();
	struct task *cur = c->current;
	struct runq *q = &rq[c->index];
	int p = top_prio(q);

	if ((!cur || cur->state != VX_TASK_RUNNABLE) && p >= 0 &&
	    arch_frame_user_ok(&q->head[p]->regs)) {
		struct task *next = q->head[p];
		c->need_resched = 0;
		dequeue(next);
		switch_to(cur, next);
		return &next->regs;
	}
	return next_frame_slow(c);
}

/* sched_next_frame's every other case. */
static __attribute__((noinline)) struct trapframe *next_frame_slow(struct cpu *c)
{
	struct runq *q = &rq[c->index];
	struct task *cur = c->current;

	if (cur && cur->state == VX_TASK_RUNNABLE && ((allowed(cur) >> c->index) & 1)) {
		if (!c->need_resched)
			return &cur->regs;
		c->need_resched = 0;
		int best = top_prio(q);
		if (best < (int)cur->prio || (best == (int)cur->prio && cur->quantum)) {
			if (!cur->quantum)
				cur->quantum = QUANTUM_TICKS;
			return &cur->regs;
		}
		put_current(c);
		sched_make_runnable(cur);
		cur = NULL;
	} else if (cur && cur->state == VX_TASK_RUNNABLE) {
		/* Its affinity no longer includes this CPU. */
		put_current(c);
		sched_make_runnable(cur);
		cur = NULL;
	}
	for (;;) {
		/* Looking now: a request to look (an IPI's) is answered,
		 * whatever is found.  Left set, it would keep the idle loop
		 * below from ever sleeping. */
		c->need_resched = 0;
		struct task *next = pick();
		if (!next)
			next = steal();
		if (next && !arch_frame_user_ok(&next->regs)) {
			/* Never return to a bad address: fault it instead. */
			task_fault(next, VX_FAULT_GP, 0, next->regs.rip);
			continue;
		}
		if (next) {
			switch_to(c->current, next);
			return &next->regs;
		}
		/* Idle until an interrupt makes something runnable. */
		if (c->current)
			put_current(c);
		/* The last Task's tables may be about to die: idle on the
		 * kernel's own. */
		arch_load_root(c, paging_kernel_root());
		if (work_pending()) {
			/* Nobody waits for it, but memory comes back: carry on,
			 * with an interrupt window between budgets. */
			reap();
			preempt_done();
			kernel_unlock();
			cpu_irq_window();
			kernel_lock();
		} else {
			idle_mask |= 1ull << c->index;
			kernel_unlock();
			idle_wait(c, false);
			kernel_lock();
			idle_mask &= ~(1ull << c->index);
		}
	}
}

/* Under the lock held shared: t, just taken off a run queue under its
 * lock, becomes this CPU's current Task once the CPU still leaving it, if
 * any, has finished (block.pml's on_cpu rule: a waker may have queued it
 * the moment it blocked).  Returns its frame. */
static inline __attribute__((always_inline)) struct trapframe *resume_taken(struct task *t)
{
	while (__atomic_load_n(&t->running_on, __ATOMIC_ACQUIRE) >= 0)
		arch_spin_wait();
	switch_to(NULL, t);
	return &t->regs;
}

/* Under the lock held shared: the next Task from this CPU's own queue,
 * taken off it under the queue's lock and made current, or NULL.  One
 * another CPU is still leaving (queued there by a waker the moment it
 * blocked, sched_leave_shared) is waited for, as block.pml's on_cpu rule
 * says.  A request to look (need_resched) is answered by this look. */
static inline __attribute__((always_inline)) struct trapframe *pick_shared(struct cpu *c)
{
	struct runq *q = &rq[c->index];
	struct task *next = NULL;

	__atomic_store_n(&c->need_resched, 0, __ATOMIC_RELAXED);
	spin_hold(&q->lock);
	int p = top_prio(q);
	if (p >= 0 && arch_frame_user_ok(&q->head[p]->regs)) {
		next = q->head[p];
		dequeue(next);
	}
	spin_release(&q->lock);
	return next ? resume_taken(next) : NULL;
}

/*
 * The running Task has just blocked under the lock held shared
 * (signal.c, block_shared), and a waker on another CPU may already have
 * queued it.  This CPU leaves it: its CPU time and FPU state are put away
 * and only then is running_on cleared, after which another CPU may resume
 * it.  The next Task comes from this CPU's own queue (pick_shared).
 * Anything else (a steal, queued work, a frame that must fault) waits for
 * sched_idle_shared: NULL, with this CPU marked idle on the kernel's own
 * tables, for it to run once the hold is dropped.
 */
struct trapframe *sched_leave_shared(void)
{
	struct cpu *c = this_cpu();

	put_current(c);
	struct trapframe *f = pick_shared(c);
	if (!f) {
		arch_load_root(c, paging_kernel_root());
		__atomic_or_fetch(&idle_mask, 1ull << c->index, __ATOMIC_RELAXED);
	}
	return f;
}

/*
 * A preemption under the lock held shared: the running Task's quantum has
 * run out (sched_tick_quick) or it gave up the rest (TASK_YIELD).  Decided
 * as next_frame_slow decides it.  When nothing on this CPU's queue is as
 * urgent as the Task, it runs on with a fresh quantum: its own frame.
 * Else, under the queue's lock, it goes to the tail of its priority here
 * while still marked running on this CPU, and the queue's most urgent Task
 * comes off the head; the CPU then leaves it (put_current: CPU time, FPU
 * state, then running_on) and resumes the other (resume_taken).  Between
 * the two a CPU that steals it waits for running_on, as it would for a
 * Task that blocked (block.pml's on_cpu rule); the exclusive way kept the
 * Task on this CPU too (place: it runs nothing more urgent once left).
 * NULL, having changed nothing, for the exclusive way: a reschedule asked
 * (which may be an affinity that leaves this CPU), queued work, or a head
 * whose frame must fault.
 */
struct trapframe *sched_preempt_shared(void)
{
	struct cpu *c = this_cpu();
	struct task *cur = c->current;
	struct runq *q = &rq[c->index];
	struct task *next;

	if (this_cpu_need_resched() || __atomic_load_n(&work_head, __ATOMIC_RELAXED) ||
	    cur->state != VX_TASK_RUNNABLE || !((allowed(cur) >> c->index) & 1))
		return NULL;
	spin_hold(&q->lock);
	int best = top_prio(q);
	if (best < (int)cur->prio) {
		spin_release(&q->lock);
		cur->quantum = QUANTUM_TICKS;
		return &cur->regs;
	}
	next = q->head[best];
	if (!arch_frame_user_ok(&next->regs)) {
		spin_release(&q->lock);
		return NULL;
	}
	dequeue(next);
	enqueue(c->index, cur);
	spin_release(&q->lock);
	put_current(c);
	return resume_taken(next);
}

/* sched_direct_shared's way out when it cannot switch: the bit goes in as
 * a shared raiser's would, and the caller stays blocked.  Apart, so that
 * sched_direct_shared calls nothing and needs no frame. */
static __attribute__((noinline)) int64_t direct_declined(struct task *p, uint64_t bit)
{
	signal_deliver_shared(p, bit);
	return SYS_BLOCKED;
}

/*
 * The call/reply fastpath under the lock held shared (signal.c,
 * signal_call_shared): the running Task has just blocked (block_shared)
 * and rings p's doorbell bit.  When p waits for that bit with no
 * deadline, may run here (the caller checked its affinity and its frame),
 * runs nowhere (not still being left by another CPU, where it blocked a
 * moment ago) and the scheduler would choose it, as in direct_switch, p
 * is woken under its wake_lock, as a shared raiser would wake it, but runs
 * here at once instead of going on a run queue: it takes every pending
 * bit it waits for, this CPU leaves the caller (CPU time, then FPU state,
 * then running_on: the on_cpu rule of sched_leave_shared) and switches to
 * p, which runs out the caller's quantum.  SYS_SWITCHED.  Anything else,
 * a wake_lock held by a raiser too, and the bit is delivered the ordinary
 * shared way: SYS_BLOCKED.  Runs under the lock held shared.
 */
int64_t sched_direct_shared(struct task *p, uint64_t bit)
{
	struct cpu *c = this_cpu();
	struct task *cur = c->current;
	uint64_t pend;

	if (this_cpu_need_resched() || p->prio < cur->prio ||
	    (__atomic_load_n(&rq[c->index].bits, __ATOMIC_RELAXED) >> p->prio) > 1 ||
	    __atomic_exchange_n(&p->wake_lock, 1, __ATOMIC_ACQUIRE))
		return direct_declined(p, bit);
	if (p->state != VX_TASK_WAITING || !(p->wait_mask & bit) || p->sleeping ||
	    __atomic_load_n(&p->running_on, __ATOMIC_ACQUIRE) >= 0) {
		spin_release(&p->wake_lock);
		return direct_declined(p, bit);
	}
	/* All of p's pending bits at once; those it does not wait for go
	 * back.  A raiser meanwhile sees p waiting, waits for this lock,
	 * and then finds it woken: its bits stay pending.  From here p is
	 * this CPU's: nobody else wakes or runs it. */
	pend = __atomic_exchange_n(&p->pending, 0, __ATOMIC_SEQ_CST) | bit;
	if (pend & ~p->wait_mask)
		__atomic_or_fetch(&p->pending, pend & ~p->wait_mask, __ATOMIC_RELAXED);
	p->regs.rax = pend & p->wait_mask;
	__atomic_store_n(&p->state, VX_TASK_RUNNABLE, __ATOMIC_RELAXED);
	spin_release(&p->wake_lock);

	/* put_current and switch_to in one, with one clock reading. */
	uint32_t left = cur->quantum;
	uint64_t now = rdtsc();
	cur->cpu_tsc += now - cur->run_since;
	arch_fpu_switch(cur->fpu, NULL);
	__atomic_store_n(&cur->running_on, -1, __ATOMIC_RELEASE);
	run_next_for(c, NULL, p, now,
		     left); /* as direct_switch: a pair must not starve its equals */
	return SYS_SWITCHED;
}

/* Under the lock held shared, on a CPU whose own queue is empty: steal's
 * choice, made under the queues' own locks.  The queue whose most urgent
 * priority is highest is chosen from a look without its lock (a hint),
 * and its most urgent Task that may run here is taken off it under its
 * lock; one another CPU is still leaving is waited for, as in pick_shared.
 * A frame that must fault is left to the exclusive scheduler.  Returns
 * the Task's frame, made current, or NULL. */
static struct trapframe *steal_shared(struct cpu *c)
{
	unsigned me = c->index, from = me;
	int top = -1;
	struct task *t;

	for (unsigned o = 0; o < ncpus; o++) {
		uint32_t bits = __atomic_load_n(&rq[o].bits, __ATOMIC_RELAXED);
		if (o != me && bits && 31 - __builtin_clz(bits) > top) {
			top = 31 - __builtin_clz(bits);
			from = o;
		}
	}
	if (from == me)
		return NULL;
	spin_hold(&rq[from].lock);
	t = urgent_for(from, me, -1);
	if (t && arch_frame_user_ok(&t->regs))
		dequeue(t);
	else
		t = NULL;
	spin_release(&rq[from].lock);
	return t ? resume_taken(t) : NULL;
}

/* sched_leave_shared found nothing here: with no lock held, this CPU
 * waits until there is something to run (or steal, or queued work).  What
 * its own queue holds it takes under the lock held shared (pick_shared),
 * so that a pair of Tasks on two CPUs waking each other never takes the
 * lock exclusive, and so it steals (steal_shared); queued work, a frame
 * that must fault and a steal the hint got wrong go to the scheduler
 * under the lock held exclusive.  Returns the frame to resume. */
struct trapframe *sched_idle_shared(void)
{
	struct cpu *c = this_cpu();
	struct trapframe *f = NULL;

	idle_wait(c, true);
	klock_shared_in();
	__atomic_and_fetch(&idle_mask, ~(1ull << c->index), __ATOMIC_RELAXED);
	if (!__atomic_load_n(&work_head, __ATOMIC_RELAXED) && !(f = pick_shared(c)))
		f = steal_shared(c);
	klock_shared_out();
	if (f)
		return f;
	kernel_lock();
	f = sched_next_frame();
	kernel_unlock();
	return f;
}

/* Which CPU t runs on, or last ran on. */
uint32_t sched_task_cpu(const struct task *t)
{
	int32_t on = __atomic_load_n(&t->running_on, __ATOMIC_RELAXED);
	return on >= 0 ? (uint32_t)on : t->last_cpu;
}
