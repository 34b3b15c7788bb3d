/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Trap dispatch.  A trap from user mode is either an exception, which halts
 * the Task and tells its supervisor (task_fault), or a device interrupt.  A
 * trap from kernel mode is an interrupt taken while idle, or a fault inside
 * uaccess_copy, which resumes at its fixup; anything else is a kernel bug.
 */
#include "core/kernel.h"

extern uint8_t uaccess_begin[], uaccess_end[], uaccess_fault[];

static void handle_irq(unsigned line)
{
	pic_eoi(line);
	if (line == 0)
		sched_tick();
	else
		device_irq(line);
}

static uint32_t fault_kind(uint64_t vector)
{
	switch (vector) {
	case 0:
		return VX_FAULT_DE;
	case 6:
		return VX_FAULT_UD;
	case 13:
		return VX_FAULT_GP;
	case 14:
		return VX_FAULT_PAGE;
	default:
		return VX_FAULT_OTHER;
	}
}

static void dump_and_panic(struct trapframe *tf);

/* A trap from user mode (entry.S), on the kernel stack with interrupts off:
 * tf is the current Task's frame.  An interrupt is handled, an exception
 * faults the Task; then queued work runs under a fresh budget and the
 * scheduler picks the frame to resume. */
struct trapframe *trap_user(struct trapframe *tf);
struct trapframe *trap_user(struct trapframe *tf)
{
	struct task *t = current_task();

	/* NMI, double fault and machine check arrive on the IST stack even
	 * from user mode, so tf is not t's frame: an NMI is resumed as it
	 * came, the others are not the Task's doing. */
	if (!t || tf != &t->regs) {
		if (tf->vector == 2)
			return tf;
		dump_and_panic(tf);
	}

	if (tf->vector >= VEC_IRQ_BASE && tf->vector < VEC_IRQ_BASE + IRQ_LINES) {
		handle_irq((unsigned)(tf->vector - VEC_IRQ_BASE));
	} else {
		uint32_t kind = fault_kind(tf->vector);
		uint64_t addr = tf->vector == 14 ? read_cr2() : 0;
		uint32_t code = kind == VX_FAULT_OTHER ? (uint32_t)tf->vector : (uint32_t)tf->error;
		task_fault(t, kind, code, addr);
	}
	reap();
	preempt_done();
	return sched_next_frame();
}

static void dump_and_panic(struct trapframe *tf)
{
	panic("kernel trap %lu err %lx at rip %lx cr2 %lx rsp %lx", (unsigned long)tf->vector,
	      (unsigned long)tf->error, (unsigned long)tf->rip, (unsigned long)read_cr2(),
	      (unsigned long)tf->rsp);
}

/* A trap from kernel mode: an interrupt taken in the idle loop, or a page
 * fault inside uaccess_copy (resumed at its fixup).  Anything else is a
 * kernel bug and panics. */
void trap_kernel(struct trapframe *tf);
void trap_kernel(struct trapframe *tf)
{
	if (tf->vector >= VEC_IRQ_BASE && tf->vector < VEC_IRQ_BASE + IRQ_LINES) {
		handle_irq((unsigned)(tf->vector - VEC_IRQ_BASE));
		return;
	}
	if (tf->vector == 14 && tf->rip >= (uint64_t)(uintptr_t)uaccess_begin &&
	    tf->rip < (uint64_t)(uintptr_t)uaccess_end) {
		tf->rip = (uint64_t)(uintptr_t)uaccess_fault;
		return;
	}
	dump_and_panic(tf);
}
