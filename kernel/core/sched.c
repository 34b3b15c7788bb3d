/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The scheduler: sixteen priority run queues, round-robin within a
 * priority, a timer-driven quantum.  The running Task is not on a queue;
 * when it stops being the best choice it goes to the tail of its own.
 *
 * There is one kernel stack and the kernel keeps nothing on it across a
 * return to user mode, so "switching" is choosing which Task's trapframe
 * sched_next_frame hands back to entry.S.  With nothing runnable, the CPU
 * idles inside sched_next_frame with interrupts open.
 */
#include "core/kernel.h"

#define QUANTUM_TICKS 10

bool need_resched;
static struct task *rq_head[VX_PRIO_MAX + 1];
static uint32_t rq_bits; /* bit p set: rq_head[p] is not empty */
static uint64_t ticks;

/*
 * The preemption budget of one kernel entry.  Long work (revoke,
 * destruction, resets) calls preempt_due between units of work: the first
 * check starts the budget, later ones report when a quarter of a timer tick
 * has gone, and preempt_done ends it.  So no interrupt waits
 * longer than that plus one unit, and every entry makes progress.
 */
bool preempt_due(void)
{
	uint64_t now = rdtsc();

	if (!cpu0.preempt_at) {
		cpu0.preempt_at = now + cpu0.tsc_per_ms * 1000 / (4 * TIMER_HZ) + 1;
		return false;
	}
	return now >= cpu0.preempt_at;
}

/* Puts t on the tail of its priority's queue. */
void sched_make_runnable(struct task *t)
{
	struct task *h;

	if (t->queued || t == cpu0.current)
		return;
	h = rq_head[t->prio];
	if (!h) {
		t->rq_next = t->rq_prev = t;
		rq_head[t->prio] = t;
	} else {
		t->rq_prev = h->rq_prev;
		t->rq_next = h;
		h->rq_prev->rq_next = t;
		h->rq_prev = t;
	}
	t->queued = 1;
	rq_bits |= 1u << t->prio;
	if (cpu0.current && t->prio > cpu0.current->prio)
		need_resched = true;
}

/* Takes t off its run queue, if it is on one. */
static void dequeue(struct task *t)
{
	if (!t->queued)
		return;
	if (t->rq_next == t) {
		rq_head[t->prio] = NULL;
		rq_bits &= ~(1u << t->prio);
	} else {
		t->rq_prev->rq_next = t->rq_next;
		t->rq_next->rq_prev = t->rq_prev;
		if (rq_head[t->prio] == t)
			rq_head[t->prio] = t->rq_next;
	}
	t->queued = 0;
}

/* Takes t off every scheduler list (run queue, sleep list). */
void sched_remove(struct task *t)
{
	dequeue(t);
	signal_unsleep(t);
	if (cpu0.current == t)
		need_resched = true;
}

/* Blocks t until a bit of mask fires or the deadline passes. */
void sched_block(struct task *t, uint64_t mask, uint64_t deadline)
{
	dequeue(t);
	t->state = VX_TASK_WAITING;
	t->wait_mask = mask;
	t->wait_deadline = deadline;
	need_resched = true;
}

/* The running Task gives up the rest of its quantum. */
void sched_yield_current(void)
{
	if (cpu0.current)
		cpu0.current->quantum = 0;
	need_resched = true;
}

/* The timer interrupt: deadlines, then the running Task's quantum. */
void sched_tick(void)
{
	ticks++;
	signal_timeouts(timer_now_ns());
	if (cpu0.current && (cpu0.current->quantum == 0 || --cpu0.current->quantum == 0))
		need_resched = true;
}

/* Dequeues the first Task of the highest non-empty priority, or NULL. */
static struct task *pick(void)
{
	if (!rq_bits)
		return NULL;
	unsigned p = 31 - (unsigned)__builtin_clz(rq_bits);
	struct task *t = rq_head[p];
	dequeue(t);
	return t;
}

/* Makes next the running Task: charges prev (may be NULL) its CPU time,
 * gives next a fresh quantum and, if it is another Task, its address
 * space, kernel entry and FPU state.  next must be off the run queues. */
static void switch_to(struct task *prev, struct task *next)
{
	uint64_t now = rdtsc(); /* cheap here; converted to ns only on inspect */

	if (prev)
		prev->cpu_tsc += now - prev->run_since;
	next->run_since = now;
	next->quantum = QUANTUM_TICKS;
	if (prev != next) {
		write_cr3(next->root_pa);
		arch_set_kernel_entry(&next->regs);
		arch_fpu_switch(prev, next);
	}
	cpu0.current = next;
}

/*
 * The direct switch of a call/reply (ring_fastpath): the running Task
 * blocks waiting for mask until deadline (in the future) and hands the CPU straight to p, which it
 * has just woken (p is waiting, on no queue).  Only when the scheduler would choose p anyway:
 * nothing queued outranks it, it is not below the caller, and no preemption is due.  (Among equals,
 * p goes ahead of Tasks queued at its priority, as seL4's fastpath does.)  False: nothing changed.
 */
bool sched_direct(struct task *p, uint64_t mask, uint64_t deadline)
{
	struct task *cur = cpu0.current;

	if (need_resched || p->prio < cur->prio || (rq_bits >> p->prio) > 1)
		return false;
	cur->state = VX_TASK_WAITING;
	cur->wait_mask = mask;
	cur->wait_deadline = deadline;
	if (deadline != VX_DEADLINE_NEVER)
		signal_sleep(cur);
	p->state = VX_TASK_RUNNABLE;
	switch_to(cur, p);
	return true;
}

/* The frame to resume: the current Task's, unless it stopped running, a
 * higher priority is ready, or its quantum ran out (or it yielded) while
 * its own priority has others waiting. */
struct trapframe *sched_next_frame(void)
{
	struct task *cur = cpu0.current;

	if (cur && cur->state == VX_TASK_RUNNABLE) {
		if (!need_resched)
			return &cur->regs;
		need_resched = false;
		int best = rq_bits ? 31 - __builtin_clz(rq_bits) : -1;
		if (best < (int)cur->prio || (best == (int)cur->prio && cur->quantum)) {
			if (!cur->quantum)
				cur->quantum = QUANTUM_TICKS;
			return &cur->regs;
		}
		cpu0.current = NULL; /* so that it can be queued */
		sched_make_runnable(cur);
		cpu0.current = cur;
	}
	need_resched = false;
	for (;;) {
		struct task *next = pick();
		if (next && !arch_frame_user_ok(&next->regs)) {
			/* Never return to a bad address: fault it instead. */
			task_fault(next, VX_FAULT_GP, 0, next->regs.rip);
			continue;
		}
		if (next) {
			switch_to(cpu0.current, next);
			return &next->regs;
		}
		/* Idle until an interrupt makes something runnable. */
		if (cpu0.current) {
			cpu0.current->cpu_tsc += rdtsc() - cpu0.current->run_since;
			cpu0.current = NULL;
		}
		/* The last Task's tables may be about to die: idle on the
		 * kernel's own. */
		write_cr3(paging_kernel_root());
		if (work_pending()) {
			/* Nobody waits for it, but memory comes back: carry on,
			 * with an interrupt window between budgets. */
			reap();
			preempt_done();
			cpu_irq_window();
		} else {
			cpu_relax_halt();
		}
	}
}
