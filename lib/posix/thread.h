/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Threads for linuxd (docs/POSIX.md, "Threads"): the pure parts.
 *
 * A Linux thread under linuxd is a Task of its own that maps every area of
 * its thread group (the same Mems, through caps of its own), so the rules
 * that decide what a clone makes, which thread a process-directed signal
 * goes to, and who a futex wake reaches are plain logic over small tables,
 * kept here and tested on the host.
 *
 * The futex wait queue.  Each of linuxd's Task slots (a thread, `who`) waits
 * on at most one futex word at a time, so the queue is one entry per slot:
 * the word's key (the thread group and the address: linuxd's futexes are
 * all private to one address space), the bitset of FUTEX_WAIT_BITSET (all
 * ones for FUTEX_WAIT) and an order stamp.  A wake takes the oldest waiters
 * first whose bitset meets its own, and marks them woken; the waiter's call,
 * run again, sees it and returns 0 (linuxd blocks a call by not resuming it
 * and runs it again from the start, linuxd.h).  Nothing allocates; every
 * operation is O(LX_FUTEXQ_MAX).
 */
#ifndef VX_POSIX_THREAD_H
#define VX_POSIX_THREAD_H

#include <stdbool.h>
#include <stdint.h>
#include "posix/linux.h"

/* ------------------------------------------------------------------ clone */

enum lx_clone_kind {
	LX_CLONE_PROCESS = 1, /* fork, vfork, posix_spawn's CLONE_VM|CLONE_VFORK */
	LX_CLONE_THREAD_KIND, /* a thread of the caller's group */
};

/* What clone(flags) makes: LX_CLONE_PROCESS or LX_CLONE_THREAD_KIND, or
 * -LX_EINVAL for a combination Linux refuses (CLONE_THREAD without
 * CLONE_SIGHAND, CLONE_SIGHAND without CLONE_VM, CLONE_FS with CLONE_NEWNS
 * or CLONE_NEWUSER, flags beyond 32 bits) and for a process whose exit
 * signal is neither SIGCHLD nor none (linuxd's rule: its parent hears of a
 * child only by SIGCHLD), or -LX_ENOSYS for one linuxd does not make
 * (namespaces, pidfds, ptrace, a thread that shares less than memory,
 * files, the working directory and the handlers).  The low byte is the
 * exit signal; a thread's is ignored, as Linux ignores it. */
int lx_clone_kind(uint64_t flags);

/* ---------------------------------------------------- signals in a group */

/* The thread a process-directed signal sig goes to, among n threads whose
 * blocked masks are mask[i] (bit sig-1) and which can take one (alive[i]):
 * the first (the main thread, index 0, first) that does not block it; if
 * every one blocks it, the first alive one, where it waits until unblocked.
 * -1 if none is alive. */
int lx_signal_target(const uint64_t *mask, const bool *alive, unsigned n, int sig);

/* ------------------------------------------------------------------ futex */

#define LX_FUTEXQ_MAX	    64u
#define LX_FUTEX_BITSET_ANY 0xffffffffu

enum lx_futex_state { LX_FUTEX_IDLE = 0, LX_FUTEX_QUEUED, LX_FUTEX_WOKEN };

struct lx_futex_waiter {
	uint8_t state; /* enum lx_futex_state */
	int group;     /* whose address space */
	uint64_t uaddr;
	uint32_t bitset;
	uint64_t stamp; /* queue order: smaller waited first */
};

struct lx_futexq {
	struct lx_futex_waiter w[LX_FUTEXQ_MAX];
	uint64_t next_stamp;
};

/* A decoded futex op word.  cmd is LX_FUTEX_WAIT, _WAKE, _WAIT_BITSET or
 * _WAKE_BITSET; realtime: FUTEX_CLOCK_REALTIME. */
struct lx_futex_op {
	uint32_t cmd;
	bool realtime;
};

/* The op word's command and flags: 0, or -LX_ENOSYS for a command linuxd
 * does not serve (or FUTEX_CLOCK_REALTIME with a wake, as Linux). */
int lx_futex_decode(uint32_t op, struct lx_futex_op *out);

/* A wait's deadline on the monotonic clock (ns), from its timeout ts:
 * FUTEX_WAIT's is relative, FUTEX_WAIT_BITSET's absolute on CLOCK_MONOTONIC
 * or, with realtime, CLOCK_REALTIME (wall_offset: realtime - monotonic).
 * now: the monotonic clock.  0, or -LX_EINVAL for a timespec out of range.
 * A deadline already passed comes out as now (the wait times out at once). */
int lx_futex_deadline(const struct lx_futex_op *op, const struct lx_timespec *ts, uint64_t now,
		      uint64_t wall_offset, uint64_t *deadline);

/* Queues who on (group, uaddr) with bitset (not 0).  0, or -LX_EINVAL for a
 * who out of range or a zero bitset.  who must not be queued already. */
int lx_futex_enqueue(struct lx_futexq *q, unsigned who, int group, uint64_t uaddr, uint32_t bitset);

/* Wakes at most n (at least one, as Linux, for n < 1) of the waiters on
 * (group, uaddr) whose bitset meets bitset, oldest first: how many. */
int lx_futex_wake(struct lx_futexq *q, int group, uint64_t uaddr, uint32_t bitset, int n);

/* who's state (enum lx_futex_state); LX_FUTEX_IDLE out of range. */
int lx_futex_state(const struct lx_futexq *q, unsigned who);

/* who leaves the queue, woken or not (its call ended: a wake, a timeout, a
 * signal, or the thread is gone). */
void lx_futex_cancel(struct lx_futexq *q, unsigned who);

/* Every waiter of group leaves (the address space is gone: exec, exit). */
void lx_futex_cancel_group(struct lx_futexq *q, int group);

#endif
