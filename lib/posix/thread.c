// SPDX-License-Identifier: BSD-3-Clause
/* Threads for linuxd: clone's kinds, signal targets, the futex queue
 * (posix/thread.h). */
#include "posix/thread.h"

#define F(x) LX_CLONE_##x

int lx_clone_kind(uint64_t flags)
{
	const uint64_t thread = F(VM) | F(FS) | F(FILES) | F(SIGHAND) | F(THREAD);
	const uint64_t thread_ok = thread | F(SYSVSEM) | F(SETTLS) | F(PARENT_SETTID) |
				   F(CHILD_CLEARTID) | F(CHILD_SETTID) | F(DETACHED) | 0xff;
	const uint64_t process_ok = F(VM) | F(VFORK) | F(CHILD_SETTID) | F(CHILD_CLEARTID) |
				    F(PARENT_SETTID) | F(DETACHED) | 0xff;

	/* Linux's own refusals (kernel/fork.c, copy_process), first. */
	if ((flags & (F(NEWNS) | F(FS))) == (F(NEWNS) | F(FS)) ||
	    (flags & (F(NEWUSER) | F(FS))) == (F(NEWUSER) | F(FS)))
		return -LX_EINVAL;
	if ((flags & F(THREAD)) && !(flags & F(SIGHAND)))
		return -LX_EINVAL;
	if ((flags & F(SIGHAND)) && !(flags & F(VM)))
		return -LX_EINVAL;
	if (flags >> 32)
		return -LX_EINVAL; /* clone's flags are an int */
	if (flags & F(THREAD)) {
		if ((flags & thread) != thread || (flags & ~thread_ok))
			return -LX_ENOSYS;
		return LX_CLONE_THREAD_KIND;
	}
	if (flags & ~process_ok)
		return -LX_ENOSYS;
	if ((flags & 0xff) != LX_SIGCHLD && (flags & 0xff) != 0)
		return -LX_EINVAL;
	return LX_CLONE_PROCESS;
}

int lx_signal_target(const uint64_t *mask, const bool *alive, unsigned n, int sig)
{
	int first = -1;

	if (sig < 1 || sig > 64)
		return -1;
	for (unsigned i = 0; i < n; i++) {
		if (!alive[i])
			continue;
		if (!(mask[i] & (1ull << (sig - 1))))
			return (int)i;
		if (first < 0)
			first = (int)i;
	}
	return first;
}

int lx_futex_decode(uint32_t op, struct lx_futex_op *out)
{
	uint32_t cmd = op & ~(uint32_t)(LX_FUTEX_PRIVATE_FLAG | LX_FUTEX_CLOCK_REALTIME);

	out->cmd = cmd;
	out->realtime = (op & LX_FUTEX_CLOCK_REALTIME) != 0;
	switch (cmd) {
	case LX_FUTEX_WAIT:
	case LX_FUTEX_WAIT_BITSET:
		return 0;
	case LX_FUTEX_WAKE:
	case LX_FUTEX_WAKE_BITSET:
		return out->realtime ? -LX_ENOSYS : 0;
	default:
		return -LX_ENOSYS;
	}
}

int lx_futex_deadline(const struct lx_futex_op *op, const struct lx_timespec *ts, uint64_t now,
		      uint64_t wall_offset, uint64_t *deadline)
{
	const uint64_t far = 1000000000ull * 1000000000ull; /* about 31 years of ns */

	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000)
		return -LX_EINVAL;
	uint64_t sec = (uint64_t)ts->tv_sec > 1000000000ull ? 1000000000ull : (uint64_t)ts->tv_sec;
	uint64_t ns = sec * 1000000000ull + (uint64_t)ts->tv_nsec;
	if (op->cmd == LX_FUTEX_WAIT) {
		*deadline = now + (ns < far ? ns : far);
		return 0;
	}
	/* Absolute: on the monotonic clock, or the wall clock. */
	uint64_t origin = op->realtime ? wall_offset : 0;
	if (ns <= origin + now)
		*deadline = now;
	else
		*deadline = ns - origin;
	return 0;
}

int lx_futex_enqueue(struct lx_futexq *q, unsigned who, int group, uint64_t uaddr, uint32_t bitset)
{
	if (who >= LX_FUTEXQ_MAX || bitset == 0)
		return -LX_EINVAL;
	q->w[who] = (struct lx_futex_waiter){.state = LX_FUTEX_QUEUED,
					     .group = group,
					     .uaddr = uaddr,
					     .bitset = bitset,
					     .stamp = ++q->next_stamp};
	return 0;
}

int lx_futex_wake(struct lx_futexq *q, int group, uint64_t uaddr, uint32_t bitset, int n)
{
	int woken = 0;

	if (n < 1)
		n = 1; /* as Linux: a wake of 0 or fewer still wakes one */
	while (woken < n) {
		struct lx_futex_waiter *best = NULL;
		for (unsigned i = 0; i < LX_FUTEXQ_MAX; i++) {
			struct lx_futex_waiter *w = &q->w[i];
			if (w->state != LX_FUTEX_QUEUED || w->group != group || w->uaddr != uaddr ||
			    !(w->bitset & bitset))
				continue;
			if (!best || w->stamp < best->stamp)
				best = w;
		}
		if (!best)
			break;
		best->state = LX_FUTEX_WOKEN;
		woken++;
	}
	return woken;
}

int lx_futex_state(const struct lx_futexq *q, unsigned who)
{
	return who < LX_FUTEXQ_MAX ? q->w[who].state : LX_FUTEX_IDLE;
}

void lx_futex_cancel(struct lx_futexq *q, unsigned who)
{
	if (who < LX_FUTEXQ_MAX)
		q->w[who].state = LX_FUTEX_IDLE;
}

void lx_futex_cancel_group(struct lx_futexq *q, int group)
{
	for (unsigned i = 0; i < LX_FUTEXQ_MAX; i++)
		if (q->w[i].group == group)
			q->w[i].state = LX_FUTEX_IDLE;
}
