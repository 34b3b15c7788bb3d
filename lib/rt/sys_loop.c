/* SPDX-License-Identifier: BSD-3-Clause */
/* The signal-mask event loop (see rt/loop.h). */
#include "rt/loop.h"
#include "rt/syscall.h"
#include "vx_string.h"

void vx_loop_init(struct vx_loop *loop)
{
	memset(loop, 0, sizeof(*loop));
	loop->deadline = VX_DEADLINE_NEVER;
}

int vx_loop_on(struct vx_loop *loop, unsigned bit, vx_loop_fn fn, void *arg)
{
	if (bit >= VX_SIG_BITS)
		return VX_E_INVAL;
	loop->on[bit].fn = fn;
	loop->on[bit].arg = arg;
	if (fn)
		loop->mask |= 1ull << bit;
	else
		loop->mask &= ~(1ull << bit);
	return VX_OK;
}

void vx_loop_timer(struct vx_loop *loop, uint64_t deadline, vx_loop_fn fn, void *arg)
{
	if (!fn || deadline == VX_DEADLINE_NEVER) {
		loop->timer_fn = NULL;
		loop->deadline = VX_DEADLINE_NEVER;
		return;
	}
	loop->timer_fn = fn;
	loop->timer_arg = arg;
	loop->deadline = deadline;
}

void vx_loop_stop(struct vx_loop *loop)
{
	loop->stop = true;
}

/* Calls the handler of each fired bit, lowest first. */
static void dispatch(struct vx_loop *loop, uint64_t fired)
{
	while (fired) {
		unsigned bit = (unsigned)__builtin_ctzll(fired);

		fired &= fired - 1;
		if ((loop->mask >> bit) & 1)
			loop->on[bit].fn(loop, bit, loop->on[bit].arg);
	}
}

/* Runs the timer handler if it is due; it is disarmed first. */
static void run_timer(struct vx_loop *loop)
{
	vx_loop_fn fn = loop->timer_fn;
	int64_t now;

	if (!fn)
		return;
	now = vx_clock();
	if (now >= 0 && (uint64_t)now < loop->deadline)
		return; /* woke early: nothing due yet */
	loop->timer_fn = NULL;
	loop->deadline = VX_DEADLINE_NEVER;
	fn(loop, 64, loop->timer_arg);
}

int vx_loop_run(struct vx_loop *loop)
{
	loop->stop = false;
	while (!loop->stop) {
		int64_t fired;

		if (loop->mask == 0 && !loop->timer_fn)
			return VX_E_INVAL;
		fired =
		    vx_sig_wait(loop->mask, loop->timer_fn ? loop->deadline : VX_DEADLINE_NEVER);
		if (fired == VX_E_TIMEOUT)
			fired = 0;
		if (fired < 0)
			return (int)fired;
		dispatch(loop, (uint64_t)fired & loop->mask);
		run_timer(loop);
	}
	return VX_OK;
}
