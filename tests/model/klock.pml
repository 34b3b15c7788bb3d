/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A Promela model of the kernel lock (kernel/core/kernel.h and lock.c:
 * klock_turn, kernel_lock, klock_exclude_shared, klock_shared_in,
 * klock_shared_wait and their unlocks).  An exclusive holder takes a
 * ticket, waits until owner reaches it, raises writer and waits for every
 * CPU's shared flag to fall; it lowers writer and passes the turn on at
 * its unlock.  A shared holder raises its CPU's flag and, if writer is
 * down, is in; if writer is up it lowers its flag, takes a ticket, and at
 * its turn raises the flag and passes the turn on at once.
 *
 * Each of CPUS CPUs enters ROUNDS times, in a mode spin chooses each time.
 * The model checks mutual exclusion (an exclusive holder is alone: no other
 * exclusive holder and no shared one) and that every CPU gets through all
 * its rounds (no invalid end state: nobody waits for ever).  Each step
 * here is one of the C's loads or stores; sequential consistency stands in
 * for the full fences the C puts between a flag and writer (raise one,
 * fence, read the other) and the acquire and release orderings of the
 * rest.
 *
 * Broken variants spin must catch:
 *   -DPASS_FIRST  a queued shared holder passes the turn on before it
 *                 raises its flag: the next exclusive holder can find it
 *                 down and go in beside it;
 *   -DCHECK_FIRST a shared holder reads writer before it raises its flag:
 *                 an exclusive holder can raise writer and find the flag
 *                 down in between;
 *   -DKEEP_FLAG   a shared holder queues with its flag still up: the
 *                 exclusive holder whose turn it is waits for the flag,
 *                 and the flag's CPU for that turn to end.
 */
#ifndef CPUS
#define CPUS 3
#endif
#define ROUNDS 2

byte next, owner;
bit writer;
bit flag[CPUS];
byte excl_in, shared_in; /* who is inside, by mode */

active [CPUS] proctype cpu()
{
	byte r = 0, ticket, i;

	do
	:: r < ROUNDS ->
		if
		:: /* exclusive */
			atomic { ticket = next; next++ }
			(owner == ticket);
			writer = 1;
			i = 0;
			do
			:: i < CPUS -> (flag[i] == 0); i++
			:: else -> break
			od;
			excl_in++;
			assert(excl_in == 1 && shared_in == 0);
			excl_in--;
			writer = 0;
			owner++
		:: /* shared */
#ifdef CHECK_FIRST
			if
			:: writer == 0 -> flag[_pid] = 1
#else
			flag[_pid] = 1;
			if
			:: writer == 0 -> skip
#endif
			:: else ->
#ifndef KEEP_FLAG
				flag[_pid] = 0;
#endif
				atomic { ticket = next; next++ }
				(owner == ticket);
#ifdef PASS_FIRST
				owner = ticket + 1;
				flag[_pid] = 1
#else
				flag[_pid] = 1;
				owner = ticket + 1
#endif
			fi;
			shared_in++;
			assert(excl_in == 0);
			shared_in--;
			flag[_pid] = 0
		fi;
		r++
	:: else -> break
	od
}
