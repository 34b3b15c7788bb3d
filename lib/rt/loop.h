/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The service event loop (lib/rt/sys_loop.c): wait on the signal mask,
 * dispatch, repeat.  Every VectraOS service has this shape (DESIGN.md 4).
 *
 * Each iteration makes exactly one VX_SYS_SIG_WAIT on the union of the
 * registered bits, with the timer's deadline if one is armed.  The fired
 * bits (cleared by the kernel as it returns them) are dispatched in
 * ascending bit order, each to its handler once.  If the wait returns with
 * no bit fired (or VX_E_TIMEOUT) and the timer is due, the timer handler runs
 * once and is disarmed; re-arm it from the handler for a periodic timer.
 * Handlers may register, unregister, re-arm or stop; changes apply from the
 * next iteration (a bit unregistered by an earlier handler in the same
 * iteration is not dispatched).
 */
#ifndef VX_RT_LOOP_H
#define VX_RT_LOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <vectra/abi.h>

struct vx_loop;
typedef void (*vx_loop_fn)(struct vx_loop *loop, unsigned bit, void *arg);

struct vx_loop {
	uint64_t mask; /* registered bits */
	bool stop;
	uint64_t deadline; /* absolute ns; VX_DEADLINE_NEVER when no timer */
	vx_loop_fn timer_fn;
	void *timer_arg;
	struct {
		vx_loop_fn fn;
		void *arg;
	} on[64];
};

/* An empty loop: no handlers, no timer. */
void vx_loop_init(struct vx_loop *loop);

/* Registers fn for signal bit (fn NULL unregisters).  VX_E_INVAL if bit >= VX_SIG_BITS (63). */
int vx_loop_on(struct vx_loop *loop, unsigned bit, vx_loop_fn fn, void *arg);

/*
 * Arms the timer for absolute time deadline (ns since boot); fn NULL or
 * deadline VX_DEADLINE_NEVER disarms it.  The bit argument fn receives is 64.
 */
void vx_loop_timer(struct vx_loop *loop, uint64_t deadline, vx_loop_fn fn, void *arg);

/* Makes vx_loop_run return after the current iteration. */
void vx_loop_stop(struct vx_loop *loop);

/*
 * Runs until vx_loop_stop: VX_OK then.  VX_E_INVAL if nothing is registered
 * and no timer is armed (it would sleep forever); a kernel error from the
 * wait otherwise.
 */
int vx_loop_run(struct vx_loop *loop);

#endif
