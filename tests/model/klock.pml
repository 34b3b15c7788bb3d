/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A Promela model of the kernel lock (kernel/core/kernel.h: klock_turn,
 * kernel_lock, klock_shared_in and their unlocks): a ticket lock with
 * two modes.  Every CPU takes a ticket and waits until owner reaches it.
 * An exclusive holder then waits for the shared holders already in to
 * leave, and passes the turn on at its unlock; a shared holder counts
 * itself in (readers) and passes the turn on at once, so shared holders in
 * a row overlap.
 *
 * Each of CPUS CPUs enters ROUNDS times, in a mode spin chooses each time.
 * The model checks mutual exclusion (an exclusive holder is alone: no other
 * exclusive holder and no shared one) and that every CPU gets through all
 * its rounds (no invalid end state: nobody waits for ever).  Sequential
 * consistency stands in for the acquire and release orderings of the C,
 * which order exactly the steps written here.
 *
 * With -DPASS_FIRST a shared holder passes the turn on before it counts
 * itself in: an exclusive holder can then find no reader and go in beside
 * one, and spin must catch it.
 */
#ifndef CPUS
#define CPUS 3
#endif
#define ROUNDS 2

byte next, owner, readers;
byte excl_in, shared_in; /* who is inside, by mode */

active [CPUS] proctype cpu()
{
	byte r = 0, ticket;

	do
	:: r < ROUNDS ->
		atomic { ticket = next; next++ }
		(owner == ticket);
		if
		:: /* exclusive */
			(readers == 0);
			excl_in++;
			assert(excl_in == 1 && shared_in == 0);
			excl_in--;
			owner++
		:: /* shared */
#ifdef PASS_FIRST
			owner = ticket + 1;
			readers++;
#else
			readers++;
			owner = ticket + 1;
#endif
			shared_in++;
			assert(excl_in == 0);
			shared_in--;
			readers--
		fi;
		r++
	:: else -> break
	od
}
