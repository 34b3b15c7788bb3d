/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The syscall table and the one user-copy path.
 *
 * Every handler decodes first (handles, rights, ranges, user pointers) and
 * returns an error without changing anything; only then does it act.
 * Handlers read their arguments from the caller's trapframe (rdi, rsi, rdx,
 * r10, r8, r9) and return the value for rax.
 */
#include "core/kernel.h"

typedef int64_t (*syscall_fn)(struct trapframe *tf);

static const syscall_fn syscalls[VX_SYS_COUNT] = {
    [VX_SYS_CAP_INSPECT] = sys_cap_inspect,
    [VX_SYS_CAP_DERIVE] = sys_cap_derive,
    [VX_SYS_CAP_DELETE] = sys_cap_delete,
    [VX_SYS_CAP_REVOKE] = sys_cap_revoke,
    [VX_SYS_RETICLE_RETYPE] = sys_reticle_retype,
    [VX_SYS_RETICLE_SPLIT] = sys_reticle_split,
    [VX_SYS_RETICLE_RESET] = sys_reticle_reset,
    [VX_SYS_RETICLE_INFO] = sys_reticle_info,
    [VX_SYS_TASK_MAP] = sys_task_map,
    [VX_SYS_TASK_UNMAP] = sys_task_unmap,
    [VX_SYS_TASK_SET_REGS] = sys_task_set_regs,
    [VX_SYS_TASK_START] = sys_task_start,
    [VX_SYS_TASK_HALT] = sys_task_halt,
    [VX_SYS_TASK_RESUME] = sys_task_resume,
    [VX_SYS_TASK_INSPECT] = sys_task_inspect,
    [VX_SYS_TASK_SUPERVISE] = sys_task_supervise,
    [VX_SYS_TASK_SET_PRIO] = sys_task_set_prio,
    [VX_SYS_TASK_EXIT] = sys_task_exit,
    [VX_SYS_TASK_YIELD] = sys_task_yield,
    [VX_SYS_BUNDLE_ADD] = sys_bundle_add,
    [VX_SYS_RING_BIND] = sys_ring_bind,
    [VX_SYS_RING_UNBIND] = sys_ring_unbind,
    [VX_SYS_RING_NOTIFY] = sys_ring_notify,
    [VX_SYS_RING_NOTIFY_WAIT] = sys_ring_notify_wait,
    [VX_SYS_RING_SEND_CAP] = sys_ring_send_cap,
    [VX_SYS_RING_RECV_CAP] = sys_ring_recv_cap,
    [VX_SYS_SIG_WAIT] = sys_sig_wait,
    [VX_SYS_SIG_RAISE] = sys_sig_raise,
    [VX_SYS_IRQ_BIND] = sys_irq_bind,
    [VX_SYS_IRQ_ACK] = sys_irq_ack,
    [VX_SYS_PORT_IN] = sys_port_in,
    [VX_SYS_PORT_OUT] = sys_port_out,
    [VX_SYS_CONSOLE_WRITE] = sys_console_write,
    [VX_SYS_CLOCK] = sys_clock,
    [VX_SYS_SIG_MINT] = sys_sig_mint,
};

/* Entry from syscall_entry: runs the call, then picks the frame to resume. */
struct trapframe *syscall_dispatch(struct trapframe *tf)
{
	uint64_t nr = tf->rax;
	int64_t r = nr < VX_SYS_COUNT ? syscalls[nr](tf) : VX_E_NOSYS;

	if (r != SYS_BLOCKED)
		tf->rax = (uint64_t)r;
	reap();
	if (need_resched || !cpu0.current || cpu0.current->state != VX_TASK_RUNNABLE)
		return sched_next_frame();
	return tf;
}

/* Is [va, va + n) inside user space?  VX_E_RANGE if it wraps, VX_E_FAULT if
 * it reaches kernel or non-canonical addresses. */
int user_range_ok(uint64_t va, uint64_t n)
{
	if (va + n < va)
		return VX_E_RANGE;
	if (va >= VX_USER_END || va + n > VX_USER_END)
		return VX_E_FAULT;
	return VX_OK;
}

/* Copies n bytes from user address usrc.  A pointer into the kernel, an
 * unmapped page, or a buffer that runs into one: VX_E_FAULT. */
int copy_in(void *dst, uint64_t usrc, size_t n)
{
	int err = user_range_ok(usrc, n);

	if (err || n == 0)
		return err;
	return uaccess_copy(dst, (const void *)(uintptr_t)usrc, n);
}

/* Copies n bytes to user address udst, which must be mapped writable. */
int copy_out(uint64_t udst, const void *src, size_t n)
{
	int err = user_range_ok(udst, n);

	if (err || n == 0)
		return err;
	return uaccess_copy((void *)(uintptr_t)udst, src, n);
}

/* VX_SYS_CLOCK() -> nanoseconds since boot */
int64_t sys_clock(struct trapframe *tf)
{
	(void)tf;
	return (int64_t)timer_now_ns();
}
