/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kernel lock: one lock around all kernel state, held exclusive by
 * most calls and shared by the rest (kernel.h has the code and the rules;
 * docs/ARCHITECTURE.md, "Locking", the discipline).  Every entry from
 * user mode takes it before touching anything shared and drops it just
 * before returning to user mode; the idle loop drops it while it waits.
 * Exclusive holders queue for tickets, first come, first served; a
 * shared holder raises a flag of its own CPU's and queues only when an
 * exclusive holder is in or about to be.  A CPU spinning for it answers
 * TLB shootdowns (arch_spin_wait), since the holder may be waiting for
 * exactly that.
 */
#include "core/kernel.h"

struct klock klock;

/* Boot, holding the lock for real, once it knows how many CPUs there are
 * and before any other starts: with one, lock and unlock become no-ops
 * from here on (the boot CPU's own hold included: nobody else will ever
 * ask). */
void kernel_lock_solo(bool solo)
{
	klock.solo = solo;
}

/* klock_exclude_shared's walk from c on, which waits: for each CPU's
 * shared holder to leave.  Apart, so that the walk that finds nobody
 * (nearly every one) calls nothing and needs no frame. */
static __attribute__((noinline)) void klock_wait_from(struct cpu *c)
{
	for (struct cpu *end = cpus + ncpus; c < end; c++)
		while (__atomic_load_n(&c->klock_shared, __ATOMIC_SEQ_CST))
			arch_spin_wait();
}

/* kernel_lock's second half, at its turn: no shared holder may come in
 * from here on, and those already in leave.  A CPU that comes online
 * later takes the lock exclusive first (ap_main), so none is missed. */
void klock_exclude_shared(void)
{
	__atomic_exchange_n(&klock.writer, 1, __ATOMIC_SEQ_CST); /* writer, then the flags */
	for (struct cpu *c = cpus, *end = cpus + ncpus; c < end; c++)
		if (__builtin_expect(__atomic_load_n(&c->klock_shared, __ATOMIC_SEQ_CST) != 0, 0)) {
			klock_wait_from(c);
			return;
		}
}

/* klock_shared_in's wait, when it found a writer up: its flag down (the
 * writer may be waiting for it), a ticket, and at its turn, which no
 * writer holds, the flag up before the turn passes on, so that the next
 * writer, whose turn begins after, sees it. */
void klock_shared_wait(uint32_t *mine)
{
	__atomic_store_n(mine, 0, __ATOMIC_RELEASE);
	uint32_t ticket = klock_turn();
	__atomic_store_n(mine, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&klock.owner, ticket + 1, __ATOMIC_RELEASE);
}

/* spin_hold's wait, when the lock was held: spins until it is free, then
 * tries again, answering TLB shootdowns meanwhile (arch_spin_wait). */
void spin_hold_contended(uint32_t *l)
{
	do
		while (__atomic_load_n(l, __ATOMIC_RELAXED))
			arch_spin_wait();
	while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE));
}
