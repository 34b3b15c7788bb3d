/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A Promela model of the Ring's index and doorbell protocol
 * (include/vectra/ring.h): one producer, one consumer, a ring of SLOTS
 * slots with free-running counters, and the waiting flags that decide when
 * a doorbell (a sticky signal bit) is needed.  spin checks, over every
 * interleaving:
 *   - messages arrive complete and in order (assert);
 *   - the ring never holds more than SLOTS messages (assert);
 *   - no lost wakeup: nobody sleeps for ever while the other side has
 *     made progress possible (no invalid end state);
 * Compiled with -DNO_RECHECK, each side sleeps without re-checking after
 * setting its flag; spin must then find a lost wakeup, which shows the
 * model can fail.  Spin's memory model is sequentially consistent, which
 * is what the full fences in the protocol provide on real hardware.
 */
#define SLOTS 2
#define MSGS 5
#define MOD 8 /* counters wrap; MOD is a multiple of SLOTS */

byte head, tail;         /* written by producer / consumer only */
byte slot[SLOTS];
bool prod_waiting, cons_waiting;
bool prod_bit, cons_bit; /* sticky signal bits (the doorbells) */

inline used(n) { n = (head + MOD - tail) % MOD }

active proctype producer()
{
	byte sent = 0, n;
	do
	:: sent == MSGS -> break
	:: else ->
		used(n);
		assert(n <= SLOTS);
		if
		:: n == SLOTS ->
			prod_waiting = 1;
#ifndef NO_RECHECK
			used(n);
			if
			:: n == SLOTS -> atomic { prod_bit -> prod_bit = 0 }
			:: else -> skip
			fi;
#else
			atomic { prod_bit -> prod_bit = 0 };
#endif
			prod_waiting = 0
		:: else ->
			slot[head % SLOTS] = sent;
			head = (head + 1) % MOD; /* release store */
			sent++;
			if
			:: cons_waiting -> cons_bit = 1 /* RING_NOTIFY */
			:: else -> skip
			fi
		fi
	od
}

active proctype consumer()
{
	byte got = 0, n;
	do
	:: got == MSGS -> break
	:: else ->
		used(n);
		assert(n <= SLOTS);
		if
		:: n == 0 ->
			cons_waiting = 1;
#ifndef NO_RECHECK
			used(n);
			if
			:: n == 0 -> atomic { cons_bit -> cons_bit = 0 }
			:: else -> skip
			fi;
#else
			atomic { cons_bit -> cons_bit = 0 };
#endif
			cons_waiting = 0
		:: else ->
			assert(slot[tail % SLOTS] == got);
			tail = (tail + 1) % MOD; /* release store */
			got++;
			if
			:: prod_waiting -> prod_bit = 1 /* RING_NOTIFY */
			:: else -> skip
			fi
		fi
	od
}
