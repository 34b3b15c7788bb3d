/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A Promela model of the shared block (docs/ARCHITECTURE.md,
 * "Locking"): a SIG_WAIT that blocks under the kernel lock held shared,
 * beside wake-ups that are already shared (wake.pml) and CPUs that pick
 * and steal from a run queue under its own lock.  It was checked before
 * the C existed, which takes its steps from it; the exclusive mode takes
 * no part (no exclusive holder runs beside a shared one, klock.pml).
 *
 * One Task T waits, in a loop, for any of its bits: under its wake_lock
 * it marks itself waiting, then looks at what is pending and, if there is
 * any, takes it and runs on; else its CPU leaves it (saves its FPU state
 * and frame, "saved") and only then clears on_cpu (the C's
 * signal.c block_shared and sched_leave_shared).  Two wakers (two more
 * CPUs) each raise ROUNDS distinct bits: the bits go in atomically; a T
 * seen running is left alone, with no lock (the C's fast exit), and
 * under T's wake_lock a waiting T is made runnable and queued under the
 * run queue's lock, even while its CPU is still leaving it.  Two CPUs
 * run T or pick: a CPU that takes T off the queue waits for on_cpu to
 * clear before it resumes T (Linux's rule for a Task woken while its CPU
 * still leaves it).
 *
 * When nothing can move any more (timeout), every bit raised has reached
 * T, and T does not wait on a pending bit (a lost wake-up).  Throughout,
 * T runs on one CPU at a time, and a CPU resumes T only from a saved
 * state.  Sequential consistency stands in for the atomics and the
 * locks' acquire and release orders.
 *
 * CPU 1 also rings T's doorbell itself, DIRECT times, as the call/reply
 * fastpath under the shared hold does (the C's sched_direct_shared): it
 * tries T's wake_lock, and if it gets it and T waits and no CPU is still
 * leaving T (on_cpu), it wakes T and resumes it at once on its own CPU,
 * with no run queue; otherwise it delivers the bit as a waker does.
 *
 * A CPU running T may also end its quantum, PREEMPT time(s) in all, as
 * sched_preempt_shared does (a tick, or TASK_YIELD): under the run
 * queue's lock T, still runnable and still on that CPU, goes on the queue;
 * only then does the CPU leave it, as a block's CPU does, so that a CPU
 * that picks T at once waits for on_cpu the same way.
 *
 * Broken variants, each of which spin must catch:
 *   -DNO_ON_CPU         the picking CPU resumes T without waiting for its
 *                       old CPU to finish leaving it;
 *   -DCHECK_UNLOCKED    T looks for pending bits before it takes its
 *                       wake_lock, and marks itself waiting under it
 *                       without looking again.
 *   -DLOOK_FIRST        T looks under its wake_lock but before it marks
 *                       itself waiting: a waker that raised just after
 *                       the look sees T running and leaves.
 *   -DDIRECT_NO_ON_CPU  the direct switch resumes T without checking that
 *                       its old CPU has finished leaving it.
 */
#define ROUNDS 2
#define DIRECT 2
#define PREEMPT 1
#define NONE   2 /* no CPU */

#define RUN  0
#define WAIT 1

byte pending, sent, recv;
byte state = RUN;
bool wake_lock, rq_lock;
byte queued;           /* T on the run queue: 0 or 1 */
byte on_cpu = 0;       /* the CPU T runs on or is being left by; NONE: none */
bool saved;            /* T's state is saved: another CPU may resume it */
byte running;          /* CPUs executing T */
byte preempts;         /* quantum ends so far */

inline spin_hold(l) { atomic { !l -> l = 1 } }
inline spin_release(l) { l = 0 }

/* The ordinary shared delivery of bit b (the C's signal_deliver_shared). */
inline deliver(b)
{
	atomic { pending = pending | b };
	/* The C's fast exit: a T seen running is left alone, without the
	 * lock; its wait will find the bit. */
	if
	:: state == WAIT ->
		spin_hold(wake_lock);
		if
		:: state == WAIT ->
			state = RUN;
			spin_hold(rq_lock);
			assert(queued == 0); /* queued once */
			queued = 1;
			spin_release(rq_lock)
		:: else -> skip
		fi;
		spin_release(wake_lock)
	:: else -> skip
	fi
}

proctype cpu(byte c)
{
	byte got, look, direct = 0, b;
	bool mine = (c == 0); /* CPU 0 starts out running T */

	do
	:: mine ->
		/* T runs here: it calls SIG_WAIT, which may block. */
#ifdef CHECK_UNLOCKED
		look = pending;
#endif
		spin_hold(wake_lock);
#if !defined(CHECK_UNLOCKED) && !defined(LOOK_FIRST)
		/* Waiting first, then the look: a waker that raised before
		 * it and left at once (it saw T running) is seen here. */
		state = WAIT;
#endif
#ifndef CHECK_UNLOCKED
		look = pending;
#endif
		if
		:: look != 0 ->
			atomic { got = pending; pending = pending & ~got }
			state = RUN;
			spin_release(wake_lock);
			atomic { recv = recv | got; got = 0; look = 0 }
		:: else ->
			state = WAIT;
			spin_release(wake_lock);
			/* This CPU leaves T: from here a waker may queue it
			 * and another CPU may take it off the queue. */
			running--;
			saved = 1;
			on_cpu = NONE;
			mine = 0;
			look = 0
		fi
	:: mine && preempts < PREEMPT ->
		/* T's quantum ends: it goes on the queue while it still runs
		 * here, and only then does this CPU leave it. */
		preempts++;
		spin_hold(rq_lock);
		assert(queued == 0 && state == RUN);
		queued = 1;
		spin_release(rq_lock);
		running--;
		saved = 1;
		on_cpu = NONE;
		mine = 0
	:: !mine ->
		/* Pick: take T off the queue under its lock. */
		spin_hold(rq_lock);
		if
		:: queued == 1 ->
			queued = 0;
			spin_release(rq_lock);
#ifndef NO_ON_CPU
			(on_cpu == NONE); /* its old CPU has left it */
#endif
			assert(saved && running == 0);
			atomic { saved = 0; on_cpu = c; running++ };
			assert(state == RUN);
			mine = 1
		:: else ->
			spin_release(rq_lock);
end_idle:		(queued == 1 || (c == 1 && direct < DIRECT)) /* sleeps until there is something */
		fi
	:: !mine && c == 1 && direct < DIRECT ->
		/* A Task of this CPU rings T's doorbell, having blocked
		 * itself: T takes this CPU at once if it can. */
		atomic { b = 1 << (2 * ROUNDS + direct); sent = sent | b; direct++ };
		if
		:: atomic { !wake_lock -> wake_lock = 1 } ->
			if
#ifdef DIRECT_NO_ON_CPU
			:: state == WAIT ->
#else
			:: state == WAIT && on_cpu == NONE ->
#endif
				atomic { pending = pending | b };
				state = RUN;
				spin_release(wake_lock);
				assert(saved && running == 0 && queued == 0);
				atomic { saved = 0; on_cpu = c; running++ };
				mine = 1;
				goto switched
			:: else ->
				spin_release(wake_lock)
			fi
		:: wake_lock -> skip /* held by a waker: declined */
		fi;
		deliver(b);
switched:	b = 0
	od
}

proctype waker(byte w)
{
	byte r = 0, b;

	do
	:: r == ROUNDS -> break
	:: else ->
		b = 1 << (w * ROUNDS + r);
		atomic { sent = sent | b };
		deliver(b);
		atomic { r++; b = 0 }
	od
}

/* Nothing can move: every bit arrived, and T does not wait on one. */
active proctype check()
{
	timeout ->
	assert(!(state == WAIT && pending != 0));
	assert(recv == sent)
}

init
{
	atomic {
		running = 1;
		run cpu(0);
		run cpu(1);
		run waker(0);
		run waker(1)
	}
}
