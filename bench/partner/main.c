/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * partner: the second Task of the two-Task kernel benchmarks.  Its args
 * choose the role:
 *
 *   sigpong   wait for BENCH_BIT_PARTNER, raise "peer", forever
 *   ringpong  serve "req" (consume) and answer on "rep" (produce), ringing
 *             the doorbell and waiting in one syscall
 *   callpong  the same syscall with no message: ring "rep"'s doorbell and
 *             wait for "req"'s, forever (the kernel's IPC alone)
 *   drain N   consume N messages from "ring" without syscalls, yielding
 *             only when the ring is empty
 *   drainw N  the same, sleeping when it is empty (cross-CPU run)
 *   calls N   each time BENCH_BIT_PARTNER comes, N SIG_RAISEs of bit 20
 *             on itself (shared under the kernel lock), each time
 *             BENCH_BIT_EXCL comes, N
 *             TASK_SET_PRIOs of itself (exclusive); then raise "peer"
 *             (the contention benchmark)
 *   exit      exit at once (spawn + exit benchmark)
 *   fault     execute ud2; every resume executes it again (fault round trip)
 */
#include "rt/vx.h"
#include "../common.h"

static int is(const char *a, const char *b)
{
	while (*b)
		if (*a++ != *b++)
			return 0;
	return 1;
}

/* The decimal number at the start of s (0 if none). */
static uint64_t number(const char *s)
{
	uint64_t n = 0;

	while (*s >= '0' && *s <= '9')
		n = n * 10 + (uint64_t)(*s++ - '0');
	return n;
}

static struct vx_ring bind(const struct vx_bundle_page *b, const char *name, uint32_t role,
			   uint64_t va, uint32_t bit)
{
	struct vx_ring r = {0};
	struct vx_ring_info info;
	int64_t h = vx_bundle_handle(b, name, VX_OBJ_RING);

	if (h >= 0 && vx_ring_bind((vx_handle_t)h, role, va, bit, &info) == 0)
		vx_ring_init(&r, &info, (vx_handle_t)h);
	return r;
}

_Noreturn static void sigpong(const struct vx_bundle_page *b)
{
	vx_handle_t peer = (vx_handle_t)vx_bundle_handle(b, "peer", VX_OBJ_SIGNAL);

	for (;;) {
		vx_sig_wait(1ull << BENCH_BIT_PARTNER, VX_DEADLINE_NEVER);
		vx_sig_raise(peer, 1ull << BENCH_BIT_MAIN);
	}
}

_Noreturn static void ringpong(const struct vx_bundle_page *b)
{
	struct vx_ring req = bind(b, "req", VX_RING_CONSUMER, BENCH_REQ_VA, BENCH_BIT_PARTNER);
	struct vx_ring rep = bind(b, "rep", VX_RING_PRODUCER, BENCH_REP_VA, BENCH_BIT_MAIN);
	uint8_t msg[BENCH_MSG];
	size_t len;

	vx_sig_wait(1ull << BENCH_BIT_PARTNER, VX_DEADLINE_NEVER);
	for (;;) {
		while (vx_ring_try_recv(&req, msg, sizeof(msg), &len) == VX_OK)
			vx_ring_try_send(&rep, msg, sizeof(msg));
		vx_ring_notify_wait(rep.handle, 1ull << BENCH_BIT_PARTNER, VX_DEADLINE_NEVER);
	}
}

/* The kernel's round trip alone: each call answers the one before. */
_Noreturn static void callpong(const struct vx_bundle_page *b)
{
	struct vx_ring rep = bind(b, "rep", VX_RING_PRODUCER, BENCH_REP_VA, BENCH_BIT_MAIN);

	bind(b, "req", VX_RING_CONSUMER, BENCH_REQ_VA, BENCH_BIT_PARTNER);
	vx_sig_wait(1ull << BENCH_BIT_PARTNER, VX_DEADLINE_NEVER);
	for (;;)
		vx_ring_notify_wait(rep.handle, 1ull << BENCH_BIT_PARTNER, VX_DEADLINE_NEVER);
}

/* calls N: see above. */
_Noreturn static void calls(const struct vx_bundle_page *b, const char *count)
{
	vx_handle_t peer = (vx_handle_t)vx_bundle_handle(b, "peer", VX_OBJ_SIGNAL);
	vx_handle_t me = (vx_handle_t)vx_bundle_handle(b, "self", VX_OBJ_TASK);
	vx_handle_t spare = (vx_handle_t)vx_sig_mint(me, 1ull << 20);
	uint64_t n = number(count);

	for (;;) {
		int64_t fired = vx_sig_wait(1ull << BENCH_BIT_PARTNER | 1ull << BENCH_BIT_EXCL,
					    VX_DEADLINE_NEVER);
		for (uint64_t i = 0; i < n; i++) {
			if (fired & (1ull << BENCH_BIT_EXCL))
				vx_task_set_prio(me, VX_PRIO_DEFAULT);
			else
				vx_sig_raise(spare, 1ull << 20);
		}
		vx_sig_raise(peer, 1ull << BENCH_BIT_MAIN);
	}
}

/* drain N, or drainw N: the same, but sleeping when the ring is empty and
 * waking the producer when it waits (for the cross-CPU run). */
static int drain(const struct vx_bundle_page *b, const char *count, bool sleep)
{
	struct vx_ring r = bind(b, "ring", VX_RING_CONSUMER, BENCH_RING_VA, BENCH_BIT_PARTNER);
	uint8_t buf[32 * BENCH_MSG];
	uint64_t want = number(count), got = 0, sum = 0;

	while (got < want) {
		int n = vx_ring_recv_batch(&r, buf, sizeof(buf), 32);
		if (n > 0) {
			sum += buf[0];
			got += (uint64_t)n;
			if (sleep)
				vx_ring_kick(&r);
		} else if (!sleep) {
			vx_task_yield();
		} else {
			vx_ring_set_waiting(&r, true);
			if (vx_ring_poll(&r) == 0)
				vx_sig_wait(1ull << BENCH_BIT_PARTNER, VX_DEADLINE_NEVER);
			vx_ring_set_waiting(&r, false);
		}
	}
	return (int)(sum & 1);
}

int main(const struct vx_bundle_page *b, const char *args)
{
	if (is(args, "sigpong"))
		sigpong(b);
	if (is(args, "ringpong"))
		ringpong(b);
	if (is(args, "callpong"))
		callpong(b);
	if (is(args, "calls "))
		calls(b, args + 6);
	if (is(args, "drain "))
		return drain(b, args + 6, false);
	if (is(args, "drainw "))
		return drain(b, args + 7, true);
	if (is(args, "fault"))
		for (;;)
			__asm__ volatile("ud2");
	return 0;
}
