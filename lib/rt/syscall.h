/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One inline wrapper per syscall in enum vx_syscall (include/vectra/abi.h).
 *
 * Convention (x86_64): number in rax; arguments in rdi, rsi, rdx, r10, r8,
 * r9; result in rax.  The syscall instruction clobbers rcx and r11; every
 * other register survives.  Each wrapper declares a "memory" clobber because
 * the kernel may read or write user memory named by the arguments.
 *
 * Every wrapper returns the raw kernel result: >= 0 is success (a handle, a
 * count, a value), < 0 is an enum vx_error.  Nothing here checks arguments;
 * the kernel validates everything, and hostile tests call vx_syscall6 with
 * garbage on purpose.
 */
#ifndef VX_RT_SYSCALL_H
#define VX_RT_SYSCALL_H

#include <stdint.h>
#include <stddef.h>
#include <vectra/abi.h>

/* The raw six-argument syscall; unused arguments are ignored by the kernel. */
static inline int64_t vx_syscall6(uint64_t nr, uint64_t a, uint64_t b, uint64_t c, uint64_t d,
				  uint64_t e, uint64_t f)
{
	register uint64_t r10 __asm__("r10") = d;
	register uint64_t r8 __asm__("r8") = e;
	register uint64_t r9 __asm__("r9") = f;
	uint64_t ret = nr;

	__asm__ volatile("syscall"
			 : "+a"(ret)
			 : "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return (int64_t)ret;
}

/* Shorter forms, so the common wrappers do not load registers they do not need. */
static inline int64_t vx_syscall0(uint64_t nr)
{
	uint64_t ret = nr;

	__asm__ volatile("syscall" : "+a"(ret) : : "rcx", "r11", "memory");
	return (int64_t)ret;
}

static inline int64_t vx_syscall1(uint64_t nr, uint64_t a)
{
	uint64_t ret = nr;

	__asm__ volatile("syscall" : "+a"(ret) : "D"(a) : "rcx", "r11", "memory");
	return (int64_t)ret;
}

static inline int64_t vx_syscall2(uint64_t nr, uint64_t a, uint64_t b)
{
	uint64_t ret = nr;

	__asm__ volatile("syscall" : "+a"(ret) : "D"(a), "S"(b) : "rcx", "r11", "memory");
	return (int64_t)ret;
}

static inline int64_t vx_syscall3(uint64_t nr, uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t ret = nr;

	__asm__ volatile("syscall" : "+a"(ret) : "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return (int64_t)ret;
}

static inline int64_t vx_syscall4(uint64_t nr, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	register uint64_t r10 __asm__("r10") = d;
	uint64_t ret = nr;

	__asm__ volatile("syscall"
			 : "+a"(ret)
			 : "D"(a), "S"(b), "d"(c), "r"(r10)
			 : "rcx", "r11", "memory");
	return (int64_t)ret;
}

static inline int64_t vx_syscall5(uint64_t nr, uint64_t a, uint64_t b, uint64_t c, uint64_t d,
				  uint64_t e)
{
	register uint64_t r10 __asm__("r10") = d;
	register uint64_t r8 __asm__("r8") = e;
	uint64_t ret = nr;

	__asm__ volatile("syscall"
			 : "+a"(ret)
			 : "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
			 : "rcx", "r11", "memory");
	return (int64_t)ret;
}

#define VX_P(x) ((uint64_t)(uintptr_t)(x))

/* ---- Capability ---- */
static inline int64_t vx_cap_inspect(vx_handle_t h, struct vx_cap_info *out)
{
	return vx_syscall2(VX_SYS_CAP_INSPECT, h, VX_P(out));
}
static inline int64_t vx_cap_derive(vx_handle_t h, uint32_t rights, uint64_t narrow)
{
	return vx_syscall3(VX_SYS_CAP_DERIVE, h, rights, narrow);
}
static inline int64_t vx_cap_delete(vx_handle_t h)
{
	return vx_syscall1(VX_SYS_CAP_DELETE, h);
}
static inline int64_t vx_cap_revoke(vx_handle_t h)
{
	return vx_syscall1(VX_SYS_CAP_REVOKE, h);
}

/* ---- Reticle ---- */
static inline int64_t vx_reticle_retype(vx_handle_t ret, uint32_t type, uint64_t arg)
{
	return vx_syscall3(VX_SYS_RETICLE_RETYPE, ret, type, arg);
}
static inline int64_t vx_reticle_split(vx_handle_t ret, uint64_t bytes)
{
	return vx_syscall2(VX_SYS_RETICLE_SPLIT, ret, bytes);
}
static inline int64_t vx_reticle_reset(vx_handle_t ret)
{
	return vx_syscall1(VX_SYS_RETICLE_RESET, ret);
}
static inline int64_t vx_reticle_info(vx_handle_t ret, struct vx_reticle_info *out)
{
	return vx_syscall2(VX_SYS_RETICLE_INFO, ret, VX_P(out));
}

/* ---- Task ---- */
static inline int64_t vx_task_map(vx_handle_t task, vx_handle_t mem, uint64_t vaddr, uint32_t prot)
{
	return vx_syscall4(VX_SYS_TASK_MAP, task, mem, vaddr, prot);
}
static inline int64_t vx_task_unmap(vx_handle_t mem)
{
	return vx_syscall1(VX_SYS_TASK_UNMAP, mem);
}
static inline int64_t vx_task_set_regs(vx_handle_t task, uint64_t ip, uint64_t sp, uint64_t arg)
{
	return vx_syscall4(VX_SYS_TASK_SET_REGS, task, ip, sp, arg);
}
/* op VX_REGS_READ, _WRITE or _RESUME (| VX_REGS_NOFPU): a stopped Task's
 * register state (abi.h). */
static inline int64_t vx_task_regs(vx_handle_t task, uint32_t op, struct vx_regs *regs)
{
	return vx_syscall3(VX_SYS_TASK_REGS, task, op, VX_P(regs));
}
/* op VX_REGS_RESUME_WAIT (| VX_REGS_NOFPU): write, resume, and wait as
 * vx_sig_wait(mask, deadline), whose fired bits it returns. */
static inline int64_t vx_task_regs_wait(vx_handle_t task, uint32_t op, struct vx_regs *regs,
					uint64_t mask, uint64_t deadline)
{
	return vx_syscall5(VX_SYS_TASK_REGS, task, op, VX_P(regs), mask, deadline);
}
static inline int64_t vx_task_start(vx_handle_t task, vx_handle_t bundle)
{
	return vx_syscall2(VX_SYS_TASK_START, task, bundle);
}
static inline int64_t vx_task_halt(vx_handle_t task)
{
	return vx_syscall1(VX_SYS_TASK_HALT, task);
}
static inline int64_t vx_task_resume(vx_handle_t task)
{
	return vx_syscall1(VX_SYS_TASK_RESUME, task);
}
static inline int64_t vx_task_inspect(vx_handle_t task, struct vx_task_info *out)
{
	return vx_syscall2(VX_SYS_TASK_INSPECT, task, VX_P(out));
}
static inline int64_t vx_task_supervise(vx_handle_t task, vx_handle_t sig)
{
	return vx_syscall2(VX_SYS_TASK_SUPERVISE, task, sig);
}
static inline int64_t vx_task_set_prio(vx_handle_t task, uint32_t prio)
{
	return vx_syscall2(VX_SYS_TASK_SET_PRIO, task, prio);
}
/* Ends the calling Task; its supervisor sees VX_FAULT_EXIT with code. */
static inline _Noreturn void vx_task_exit(int64_t code)
{
	vx_syscall1(VX_SYS_TASK_EXIT, (uint64_t)code);
	for (;;)
		__asm__ volatile("ud2");
}
static inline int64_t vx_task_yield(void)
{
	return vx_syscall0(VX_SYS_TASK_YIELD);
}

/* ---- Bundle ---- */
static inline int64_t vx_bundle_add(vx_handle_t bundle, const char *name, size_t name_len,
				    vx_handle_t h, uint32_t rights)
{
	return vx_syscall5(VX_SYS_BUNDLE_ADD, bundle, VX_P(name), name_len, h, rights);
}

/* ---- Ring ---- */
struct vx_ring_info;
static inline int64_t vx_ring_bind(vx_handle_t ring, uint32_t role, uint64_t vaddr,
				   uint32_t wake_bit, struct vx_ring_info *out)
{
	return vx_syscall5(VX_SYS_RING_BIND, ring, role, vaddr, wake_bit, VX_P(out));
}
static inline int64_t vx_ring_unbind(vx_handle_t ring)
{
	return vx_syscall1(VX_SYS_RING_UNBIND, ring);
}
static inline int64_t vx_ring_notify(vx_handle_t ring)
{
	return vx_syscall1(VX_SYS_RING_NOTIFY, ring);
}
static inline int64_t vx_ring_notify_wait(vx_handle_t ring, uint64_t mask, uint64_t deadline)
{
	return vx_syscall3(VX_SYS_RING_NOTIFY_WAIT, ring, mask, deadline);
}
static inline int64_t vx_ring_send_cap(vx_handle_t ring, vx_handle_t h, uint32_t rights)
{
	return vx_syscall3(VX_SYS_RING_SEND_CAP, ring, h, rights);
}
static inline int64_t vx_ring_recv_cap(vx_handle_t ring)
{
	return vx_syscall1(VX_SYS_RING_RECV_CAP, ring);
}

/* ---- Signal Mask ---- */
static inline int64_t vx_sig_wait(uint64_t mask, uint64_t deadline)
{
	return vx_syscall2(VX_SYS_SIG_WAIT, mask, deadline);
}
static inline int64_t vx_sig_raise(vx_handle_t sig, uint64_t bits)
{
	return vx_syscall2(VX_SYS_SIG_RAISE, sig, bits);
}

/* A Signal capability for bits of the Task 'task' (needs VX_R_CONTROL on it). */
static inline int64_t vx_sig_mint(vx_handle_t task, uint64_t bits)
{
	return vx_syscall2(VX_SYS_SIG_MINT, task, bits);
}

static inline int64_t vx_task_set_affinity(vx_handle_t task, uint64_t cpus)
{
	return vx_syscall2(VX_SYS_TASK_SET_AFFINITY, task, cpus);
}

/* ---- Devices ---- */
static inline int64_t vx_irq_bind(vx_handle_t irq, uint32_t line, vx_handle_t sig)
{
	return vx_syscall3(VX_SYS_IRQ_BIND, irq, line, sig);
}
/* Re-arms line; returns the interrupts it has taken since boot. */
static inline int64_t vx_irq_ack(vx_handle_t irq, uint32_t line)
{
	return vx_syscall2(VX_SYS_IRQ_ACK, irq, line);
}
/* The IoSpace of PCI function bdf (| VX_IOSPACE_UNCONFINED), with 'pages'
 * table pages, carved from ret. */
static inline int64_t vx_iospace_create(vx_handle_t ret, vx_handle_t pci, uint32_t bdf,
					uint32_t pages)
{
	return vx_syscall4(VX_SYS_IOSPACE_CREATE, ret, pci, bdf, pages);
}
/* Maps mem into the IoSpace at ioaddr for the device's access prot
 * (VX_PROT_READ/WRITE); returns the IO address the device must use.
 * vx_task_unmap(mem) removes it. */
static inline int64_t vx_iospace_map(vx_handle_t io, vx_handle_t mem, uint64_t ioaddr,
				     uint32_t prot)
{
	return vx_syscall4(VX_SYS_IOSPACE_MAP, io, mem, ioaddr, prot);
}
static inline int64_t vx_port_in(vx_handle_t io, uint32_t port, uint32_t width)
{
	return vx_syscall3(VX_SYS_PORT_IN, io, port, width);
}
static inline int64_t vx_port_out(vx_handle_t io, uint32_t port, uint32_t width, uint32_t value)
{
	return vx_syscall4(VX_SYS_PORT_OUT, io, port, width, value);
}
static inline int64_t vx_console_write(vx_handle_t io, const void *buf, size_t len)
{
	return vx_syscall3(VX_SYS_CONSOLE_WRITE, io, VX_P(buf), len);
}

/* ---- Time ---- */
static inline int64_t vx_clock(void)
{
	return vx_syscall1(VX_SYS_CLOCK, 0);
}

/* How long CPU n has spent halted, idle (ns); VX_E_RANGE past the last. */
static inline int64_t vx_clock_idle(uint32_t cpu)
{
	return vx_syscall1(VX_SYS_CLOCK, (uint64_t)cpu + 1);
}

/* How long every CPU online has spent halted, summed (ns): a span's busy
 * time is its guest time less the growth of this. */
static inline uint64_t vx_clock_idle_all(void)
{
	uint64_t sum = 0;
	int64_t n;

	for (uint32_t i = 0; (n = vx_clock_idle(i)) >= 0; i++)
		sum += (uint64_t)n;
	return sum;
}

#undef VX_P
#endif
