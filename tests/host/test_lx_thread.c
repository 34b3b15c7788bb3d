/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/posix/thread.c: which clones make threads and which Linux refuses,
 * where a process-directed signal goes, and the futex wait queue against
 * a plain model (random waits, wakes and cancels on a few words of a few
 * groups: every wake must take exactly the oldest matching waiters).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "posix/thread.h"

/* glibc 2.36's pthread_create passes exactly these. */
#define GLIBC_THREAD                                                                               \
	(LX_CLONE_VM | LX_CLONE_FS | LX_CLONE_FILES | LX_CLONE_SIGHAND | LX_CLONE_THREAD |         \
	 LX_CLONE_SYSVSEM | LX_CLONE_SETTLS | LX_CLONE_PARENT_SETTID | LX_CLONE_CHILD_CLEARTID)

static void test_clone_kinds(void **state)
{
	(void)state;
	assert_int_equal(lx_clone_kind(GLIBC_THREAD), LX_CLONE_THREAD_KIND);
	assert_int_equal(lx_clone_kind(GLIBC_THREAD | LX_SIGCHLD), LX_CLONE_THREAD_KIND);
	assert_int_equal(lx_clone_kind(LX_SIGCHLD), LX_CLONE_PROCESS);
	assert_int_equal(lx_clone_kind(0), LX_CLONE_PROCESS);
	assert_int_equal(lx_clone_kind(LX_CLONE_VM | LX_CLONE_VFORK | LX_SIGCHLD),
			 LX_CLONE_PROCESS);
	assert_int_equal(
	    lx_clone_kind(LX_CLONE_CHILD_SETTID | LX_CLONE_CHILD_CLEARTID | LX_SIGCHLD),
	    LX_CLONE_PROCESS);
	/* Linux's EINVALs. */
	assert_int_equal(lx_clone_kind(LX_CLONE_VM | LX_CLONE_THREAD), -LX_EINVAL);
	assert_int_equal(lx_clone_kind(LX_CLONE_SIGHAND), -LX_EINVAL);
	assert_int_equal(lx_clone_kind(LX_CLONE_THREAD | LX_CLONE_SIGHAND), -LX_EINVAL);
	assert_int_equal(lx_clone_kind(LX_CLONE_NEWNS | LX_CLONE_FS), -LX_EINVAL);
	assert_int_equal(lx_clone_kind(LX_CLONE_NEWUSER | LX_CLONE_FS), -LX_EINVAL);
	assert_int_equal(lx_clone_kind(LX_SIGUSR1), -LX_EINVAL);
	/* What linuxd does not make. */
	assert_int_equal(lx_clone_kind(GLIBC_THREAD & ~LX_CLONE_FILES), -LX_ENOSYS);
	assert_int_equal(lx_clone_kind(GLIBC_THREAD | LX_CLONE_NEWPID), -LX_ENOSYS);
	assert_int_equal(lx_clone_kind(LX_CLONE_VM | LX_CLONE_SIGHAND), -LX_ENOSYS);
	assert_int_equal(lx_clone_kind(LX_CLONE_FILES | LX_SIGCHLD), -LX_ENOSYS);
	assert_int_equal(lx_clone_kind(LX_CLONE_PTRACE | LX_SIGCHLD), -LX_ENOSYS);
}

static void test_signal_target(void **state)
{
	(void)state;
	uint64_t mask[4] = {0, 0, 0, 0};
	bool alive[4] = {true, true, true, true};
	uint64_t usr1 = 1ull << (LX_SIGUSR1 - 1);

	assert_int_equal(lx_signal_target(mask, alive, 4, LX_SIGUSR1), 0); /* the main thread */
	mask[0] = usr1;
	assert_int_equal(lx_signal_target(mask, alive, 4, LX_SIGUSR1), 1);
	assert_int_equal(lx_signal_target(mask, alive, 4, LX_SIGUSR2), 0);
	mask[1] = mask[2] = usr1;
	assert_int_equal(lx_signal_target(mask, alive, 4, LX_SIGUSR1), 3);
	mask[3] = usr1;
	assert_int_equal(lx_signal_target(mask, alive, 4, LX_SIGUSR1), 0); /* all block: waits */
	alive[0] = false;
	assert_int_equal(lx_signal_target(mask, alive, 4, LX_SIGUSR1), 1);
	mask[2] = 0;
	assert_int_equal(lx_signal_target(mask, alive, 4, LX_SIGUSR1), 2);
	memset(alive, 0, sizeof(alive));
	assert_int_equal(lx_signal_target(mask, alive, 4, LX_SIGUSR1), -1);
	alive[0] = true;
	assert_int_equal(lx_signal_target(mask, alive, 4, 0), -1);
	assert_int_equal(lx_signal_target(mask, alive, 4, 65), -1);
}

static void test_futex_decode_deadline(void **state)
{
	(void)state;
	struct lx_futex_op op;
	struct lx_timespec ts = {.tv_sec = 2, .tv_nsec = 5};
	uint64_t d;

	assert_int_equal(lx_futex_decode(LX_FUTEX_WAIT | LX_FUTEX_PRIVATE_FLAG, &op), 0);
	assert_int_equal(op.cmd, LX_FUTEX_WAIT);
	assert_int_equal(
	    lx_futex_decode(LX_FUTEX_WAIT_BITSET | LX_FUTEX_PRIVATE_FLAG | LX_FUTEX_CLOCK_REALTIME,
			    &op),
	    0);
	assert_true(op.realtime);
	assert_int_equal(lx_futex_decode(LX_FUTEX_WAKE | LX_FUTEX_CLOCK_REALTIME, &op), -LX_ENOSYS);
	assert_int_equal(lx_futex_decode(3 /* REQUEUE */, &op), -LX_ENOSYS);
	assert_int_equal(lx_futex_decode(LX_FUTEX_WAKE_BITSET, &op), 0);

	/* Relative. */
	lx_futex_decode(LX_FUTEX_WAIT, &op);
	assert_int_equal(lx_futex_deadline(&op, &ts, 1000, 0, &d), 0);
	assert_int_equal(d, 1000 + 2000000005ull);
	/* Absolute, monotonic: in the past is now, in the future is itself. */
	lx_futex_decode(LX_FUTEX_WAIT_BITSET, &op);
	assert_int_equal(lx_futex_deadline(&op, &ts, 5000000000ull, 0, &d), 0);
	assert_int_equal(d, 5000000000ull);
	assert_int_equal(lx_futex_deadline(&op, &ts, 1000, 0, &d), 0);
	assert_int_equal(d, 2000000005ull);
	/* Absolute, wall clock: less the wall clock's offset. */
	lx_futex_decode(LX_FUTEX_WAIT_BITSET | LX_FUTEX_CLOCK_REALTIME, &op);
	ts.tv_sec = 100;
	assert_int_equal(lx_futex_deadline(&op, &ts, 10, 90000000000ull, &d), 0);
	assert_int_equal(d, 10000000005ull);
	assert_int_equal(lx_futex_deadline(&op, &ts, 10, 200000000000ull, &d), 0);
	assert_int_equal(d, 10);
	/* Out of range. */
	ts.tv_nsec = 1000000000;
	assert_int_equal(lx_futex_deadline(&op, &ts, 0, 0, &d), -LX_EINVAL);
	ts.tv_nsec = -1;
	assert_int_equal(lx_futex_deadline(&op, &ts, 0, 0, &d), -LX_EINVAL);
	ts.tv_nsec = 0, ts.tv_sec = -1;
	assert_int_equal(lx_futex_deadline(&op, &ts, 0, 0, &d), -LX_EINVAL);
	/* Huge relative timeouts do not wrap. */
	lx_futex_decode(LX_FUTEX_WAIT, &op);
	ts.tv_sec = INT64_MAX;
	assert_int_equal(lx_futex_deadline(&op, &ts, 7, 0, &d), 0);
	assert_true(d > 7);
}

static void test_futex_named(void **state)
{
	(void)state;
	static struct lx_futexq q;

	memset(&q, 0, sizeof(q));
	assert_int_equal(lx_futex_enqueue(&q, LX_FUTEXQ_MAX, 1, 0x1000, ~0u), -LX_EINVAL);
	assert_int_equal(lx_futex_enqueue(&q, 0, 1, 0x1000, 0), -LX_EINVAL);
	assert_int_equal(lx_futex_enqueue(&q, 3, 1, 0x1000, ~0u), 0);
	assert_int_equal(lx_futex_enqueue(&q, 1, 1, 0x1000, ~0u), 0);
	assert_int_equal(lx_futex_enqueue(&q, 2, 2, 0x1000, ~0u), 0); /* another group */
	assert_int_equal(lx_futex_enqueue(&q, 4, 1, 0x1000, 0x2), 0);
	/* Oldest first: 3, then 1. */
	assert_int_equal(lx_futex_wake(&q, 1, 0x1000, 0x1, 1), 1);
	assert_int_equal(lx_futex_state(&q, 3), LX_FUTEX_WOKEN);
	assert_int_equal(lx_futex_state(&q, 1), LX_FUTEX_QUEUED);
	/* A bitset that misses 4's; 0 wakes one. */
	assert_int_equal(lx_futex_wake(&q, 1, 0x1000, 0x1, 0), 1);
	assert_int_equal(lx_futex_state(&q, 1), LX_FUTEX_WOKEN);
	assert_int_equal(lx_futex_state(&q, 4), LX_FUTEX_QUEUED);
	assert_int_equal(lx_futex_wake(&q, 1, 0x1000, 0x1, 100), 0);
	assert_int_equal(lx_futex_wake(&q, 1, 0x1000, ~0u, 100), 1);
	assert_int_equal(lx_futex_state(&q, 2), LX_FUTEX_QUEUED);
	lx_futex_cancel_group(&q, 2);
	assert_int_equal(lx_futex_state(&q, 2), LX_FUTEX_IDLE);
	assert_int_equal(lx_futex_wake(&q, 2, 0x1000, ~0u, 100), 0);
	lx_futex_cancel(&q, 3);
	assert_int_equal(lx_futex_state(&q, 3), LX_FUTEX_IDLE);
	assert_int_equal(lx_futex_state(&q, LX_FUTEXQ_MAX), LX_FUTEX_IDLE);
	lx_futex_cancel(&q, LX_FUTEXQ_MAX); /* harmless */
}

/* The model: a list of (who, group, uaddr, bitset) in the order queued. */
static void test_futex_model(void **state)
{
	(void)state;
	static struct lx_futexq q;
	struct {
		unsigned who;
		int group;
		uint64_t uaddr;
		uint32_t bitset;
	} order[LX_FUTEXQ_MAX];
	unsigned n = 0;
	int model[LX_FUTEXQ_MAX]; /* state per who */

	memset(&q, 0, sizeof(q));
	memset(model, 0, sizeof(model));
	srand(14);
	for (int step = 0; step < 200000; step++) {
		unsigned who = (unsigned)rand() % 16;
		int group = rand() % 3;
		uint64_t uaddr = 0x1000 + 4u * (unsigned)(rand() % 3);
		uint32_t bitset = rand() % 4 ? ~0u : 1u << (rand() % 3);
		switch (rand() % 3) {
		case 0: /* wait: only one not queued (linuxd's rule) */
			if (model[who] == LX_FUTEX_QUEUED)
				break;
			assert_int_equal(lx_futex_enqueue(&q, who, group, uaddr, bitset), 0);
			model[who] = LX_FUTEX_QUEUED;
			order[n].who = who, order[n].group = group, order[n].uaddr = uaddr,
			order[n].bitset = bitset, n++;
			break;
		case 1: { /* wake: the oldest matching ones, in queue order */
			int want = rand() % 4, woke = 0, k = want < 1 ? 1 : want;
			for (unsigned i = 0; i < n && woke < k;) {
				if (order[i].group == group && order[i].uaddr == uaddr &&
				    (order[i].bitset & bitset)) {
					model[order[i].who] = LX_FUTEX_WOKEN;
					memmove(&order[i], &order[i + 1],
						(n - i - 1) * sizeof(order[0]));
					n--;
					woke++;
				} else {
					i++;
				}
			}
			assert_int_equal(lx_futex_wake(&q, group, uaddr, bitset, want), woke);
			break;
		}
		default: /* the call ends */
			lx_futex_cancel(&q, who);
			for (unsigned i = 0; i < n; i++)
				if (order[i].who == who) {
					memmove(&order[i], &order[i + 1],
						(n - i - 1) * sizeof(order[0]));
					n--;
					break;
				}
			model[who] = LX_FUTEX_IDLE;
			break;
		}
		for (unsigned w = 0; w < 16; w++)
			assert_int_equal(lx_futex_state(&q, w), model[w]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_clone_kinds),		  cmocka_unit_test(test_signal_target),
	    cmocka_unit_test(test_futex_decode_deadline), cmocka_unit_test(test_futex_named),
	    cmocka_unit_test(test_futex_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
