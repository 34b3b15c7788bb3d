/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A Promela model of the shared wake-up (kernel/core/signal.c:
 * signal_deliver_shared, wake_shared, sys_sig_wait_shared, signal_unsleep;
 * kernel/core/sched.c: sched_make_runnable_shared): SIG_RAISE and
 * RING_NOTIFY deliver bits under the kernel lock held shared, so several
 * CPUs may deliver to the same Task, and wake different Tasks off the
 * same sleep list, at the same time.
 *
 * Two targets wait, in a loop, for any of their bits with a deadline (so
 * each wait puts them on the sleep list), either blocking (the kernel
 * lock exclusive: take what is pending, or block) or polling (shared: take
 * what is pending with one atomic and).  Two wakers each raise ROUNDS
 * distinct bits, each at a target spin chooses, under the lock held
 * shared, with the C's steps: the bits go in atomically; a target that
 * waits is woken under its own wake_lock by whoever takes the lock first
 * and still finds it waiting, which takes it off the sleep list (under the
 * list's own lock, one pointer at a time as the C does) and queues it.
 *
 * When nothing can move any more (timeout), every bit raised at a target
 * must have reached it, no target may be both waiting and holding a
 * pending bit (a lost wake-up), no target may have been queued twice, and
 * the sleep list must hold exactly the waiting targets, its links whole.
 * Sequential consistency stands in for the C's atomics and the locks'
 * acquire and release orders.
 *
 * Broken variants, each of which spin must catch:
 *   -DNO_WAKE_LOCK   two wakers may both wake the same target;
 *   -DPLAIN_CLEAR    the shared poll clears its bits with a load and a
 *                    store, not one atomic and;
 *   -DNO_SLEEP_LOCK  two wake-ups unlink neighbours of the sleep list at
 *                    the same time.
 */
#define ROUNDS 2
#define NIL    2 /* no target (list end); also "the list head" in pprev */

#define RUN  0
#define WAIT 1

byte excl, readers;              /* the kernel lock: exclusive flag, shared holders */
byte pending[2], sent[2], recv[2];
byte state[2], rax[2], queued[2];
bool wake_lock[2], sleep_lock;
byte head = NIL, next[2], pprev[2]; /* the sleep list: pprev NIL is head */
bool sleeping[2];

inline spin_hold(l) { atomic { !l -> l = 1 } }
inline spin_release(l) { l = 0 }

/* Exclusive holders take no small lock: none is held then. */
inline excl_in() { atomic { excl == 0 && readers == 0 -> excl = 1 } }
inline excl_out() { excl = 0 }
inline shared_in() { atomic { excl == 0 -> readers++ } }
inline shared_out() { readers-- }

/* signal_sleep: at the head, under the lock exclusive (one step). */
inline sleep_insert(t)
{
	next[t] = head;
	if
	:: head != NIL -> pprev[head] = t
	:: else -> skip
	fi;
	head = t;
	pprev[t] = NIL;
	sleeping[t] = 1
}

/* signal_unsleep, one pointer at a time. */
inline unsleep(t)
{
	assert(pprev[t] == NIL && head == t || pprev[t] != NIL && next[pprev[t]] == t);
	if
	:: pprev[t] == NIL -> head = next[t]
	:: else -> next[pprev[t]] = next[t]
	fi;
	if
	:: next[t] != NIL -> pprev[next[t]] = pprev[t]
	:: else -> skip
	fi;
	next[t] = NIL;
	sleeping[t] = 0
}

proctype target(byte t)
{
	byte got, tmp;

	do
	:: /* SIG_WAIT with a deadline, blocking: under the lock exclusive */
		excl_in();
		if
		:: pending[t] != 0 ->
			got = pending[t];
			pending[t] = 0;
			excl_out()
		:: else ->
			state[t] = WAIT;
			sleep_insert(t);
			excl_out();
end_wait:		(state[t] == RUN);
			excl_in(); /* the scheduler picks it */
			assert(queued[t] == 1);
			queued[t] = 0;
			got = rax[t];
			excl_out()
		fi;
		atomic { recv[t] = recv[t] | got; got = 0 }
	:: /* the shared poll (sys_sig_wait_shared) */
		shared_in();
		got = pending[t];
#ifdef PLAIN_CLEAR
		tmp = pending[t];
		pending[t] = tmp & ~got;
#else
		pending[t] = pending[t] & ~got;
#endif
		shared_out();
		atomic { recv[t] = recv[t] | got; got = 0; tmp = 0 }
	od
}

proctype waker(byte w)
{
	byte r = 0, t, b, got;

	do
	:: r == ROUNDS -> break
	:: else ->
		if
		:: t = 0
		:: t = 1
		fi;
		b = 1 << (w * ROUNDS + r);
		shared_in();
		atomic { pending[t] = pending[t] | b; sent[t] = sent[t] | b }
		if
		:: state[t] == WAIT ->
#ifndef NO_WAKE_LOCK
			spin_hold(wake_lock[t]);
#endif
			if
			:: state[t] == WAIT ->
				got = pending[t];
				if
				:: got != 0 ->
					pending[t] = pending[t] & ~got;
					if
					:: sleeping[t] ->
#ifndef NO_SLEEP_LOCK
						spin_hold(sleep_lock);
#endif
						unsleep(t);
#ifndef NO_SLEEP_LOCK
						spin_release(sleep_lock)
#else
						skip
#endif
					:: else -> skip
					fi;
					rax[t] = got;
					state[t] = RUN;
					assert(queued[t] == 0); /* on no queue yet */
					queued[t] = 1
				:: else -> skip
				fi
			:: else -> skip
			fi;
#ifndef NO_WAKE_LOCK
			spin_release(wake_lock[t])
#else
			skip
#endif
		:: else -> skip
		fi;
		shared_out();
		atomic { r++; t = 0; b = 0; got = 0 }
	od
}

/* Nothing can move: every bit arrived, nobody sleeps on a pending bit,
 * and the sleep list holds exactly the waiting targets. */
active proctype check()
{
	byte t, n = 0, at, prev = NIL;

	timeout ->
	atomic {
		at = head;
		for (t : 0 .. 1) {
			assert(recv[t] == sent[t]);
			assert(!(state[t] == WAIT && pending[t] != 0));
			assert(sleeping[t] == (state[t] == WAIT))
		}
		do
		:: at == NIL -> break
		:: else ->
			assert(sleeping[at] && pprev[at] == prev && n < 2);
			n++;
			prev = at;
			at = next[at]
		od;
		assert(n == sleeping[0] + sleeping[1])
	}
}

init
{
	atomic {
		next[0] = NIL;
		next[1] = NIL;
		run target(0);
		run target(1);
		run waker(0);
		run waker(1)
	}
}
