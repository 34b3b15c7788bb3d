/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kernel lock: one fair ticket lock around all kernel state, held
 * exclusive by most calls and shared by the few that only read or touch a
 * device (kernel.h has the code and the rules; docs/ARCHITECTURE.md,
 * "Locking", the discipline).  Every entry from user mode takes it before
 * touching anything shared and drops it just before returning to user
 * mode; the idle loop drops it while it waits.  A CPU spinning for it
 * answers TLB shootdowns (arch_spin_wait), since the holder may be
 * waiting for exactly that.  Tickets make it fair: no CPU waits behind
 * more than the others that asked first, in either mode.
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

/* spin_hold's wait, when the lock was held: spins until it is free, then
 * tries again, answering TLB shootdowns meanwhile (arch_spin_wait). */
void spin_hold_contended(uint32_t *l)
{
	do
		while (__atomic_load_n(l, __ATOMIC_RELAXED))
			arch_spin_wait();
	while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE));
}
