/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Trap dispatch.  A trap from user mode is either an exception, which halts
 * the Task and tells its supervisor (task_fault), or an interrupt: a device
 * line, the local timer, or another CPU's IPI.  A trap from kernel mode is
 * an interrupt taken while idle, an NMI, or a fault inside uaccess_copy,
 * which resumes at its fixup; anything else is a kernel bug.
 *
 * Every handler but the TLB shootdown's runs under the kernel lock, which
 * it takes here (interrupts are open only in user mode and in the idle
 * loop, where the lock is not held).
 */
#include "core/kernel.h"

extern uint8_t uaccess_begin[], uaccess_end[], uaccess_fault[];

/* A device line (IOAPIC or MSI), the IOMMU's fault event, the local
 * timer (on the boot CPU, also the fault records a fault event left
 * pending), or a reschedule IPI (which only makes this CPU look at its run
 * queue on the way out). */
static void handle_irq(uint64_t vector)
{
	if (vector == VEC_SPURIOUS || (vector >= VEC_PIC_BASE && vector < VEC_PIC_BASE + 16)) {
		/* A spurious interrupt takes no EOI; a device's MSI aimed at
		 * the same vector does, or the local APIC holds back every
		 * interrupt of its priority and below for good. */
		if (lapic_in_service((unsigned)vector))
			lapic_eoi();
		return;
	}
	lapic_eoi();
	if (vector == VEC_TIMER) {
		sched_tick();
		if (this_cpu()->index == 0)
			iommu_fault_tick();
	} else if (vector == VEC_RESCHED)
		sched_resched_here();
	else if (vector == VEC_IOMMU)
		iommu_fault_event();
	else if (vector >= VEC_MSI_BASE && vector < VEC_MSI_BASE + VX_IRQ_MSI_COUNT)
		device_irq((unsigned)(vector - VEC_MSI_BASE) + VX_IRQ_MSI_FIRST);
	else if (vector >= VEC_IRQ_BASE && vector < VEC_IRQ_BASE + VX_IRQ_IOAPIC_LINES)
		device_irq((unsigned)(vector - VEC_IRQ_BASE));
}

/* A timer tick that needs no lock held exclusive (sched_tick_quick): the
 * frame to resume, tf's or, at a quantum's end, another Task's; NULL when
 * it does need it, as when the IOMMU's fault records wait for the boot
 * CPU's tick (iommu_fault_tick). */
static struct trapframe *tick_quick(struct trapframe *tf)
{
	if (this_cpu()->index == 0 && iommu_fault_deferred())
		return NULL;
	return sched_tick_quick(tf);
}

static bool is_interrupt(uint64_t vector)
{
	return vector >= VEC_IRQ_BASE && vector != VEC_TLB;
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

/* A vector of the exceptions' range that the local APIC has in service
 * came as an interrupt, not from the CPU: a device's MSI can name any
 * vector from 16 up (docs/SECURITY.md: no interrupt remapping).  Nobody's
 * fault: it is acknowledged and ignored, and what it interrupted resumes
 * as it was.  (An exception never sets an in-service bit.) */
static bool stray_exception_vector(uint64_t vector)
{
	if (vector < 16 || vector >= 32 || !lapic_in_service((unsigned)vector))
		return false;
	lapic_eoi();
	return true;
}

/* A trap from user mode (entry.S), on the kernel stack with interrupts off:
 * tf is the current Task's frame.  An interrupt is handled, an exception
 * faults the Task; then queued work runs under a fresh budget and the
 * scheduler picks the frame to resume. */
struct trapframe *trap_user(struct trapframe *tf);
struct trapframe *trap_user(struct trapframe *tf)
{
	if (tf->vector == VEC_TLB) {
		/* No lock: the CPU asking holds it and waits for this. */
		lapic_eoi();
		tlb_service();
		return tf;
	}
	if (stray_exception_vector(tf->vector))
		return tf; /* no lock: this CPU's APIC alone */
	/* NMI, double fault and machine check arrive on the IST stack even
	 * from user mode, so tf is not the Task's frame: an NMI is resumed as
	 * it came, the others are not the Task's doing. */
	if (tf->vector == 2)
		return tf;
	if (tf->vector == VEC_TIMER) {
		struct trapframe *f = tick_quick(tf);
		if (f) {
			lapic_eoi(); /* the common tick: no lock (see sched_tick_quick) */
			return f;
		}
	}
	kernel_lock();
	struct task *t = current_task();
	if (!t || tf != &t->regs)
		dump_and_panic(tf);

	if (is_interrupt(tf->vector)) {
		handle_irq(tf->vector);
	} else if (__builtin_expect(t->state != VX_TASK_RUNNABLE, 0) &&
		   fault_kind(tf->vector) != VX_FAULT_OTHER) {
		/* Halted or destroyed from another CPU while this fault waited
		 * for the lock: to its supervisor the halt came first.  rip is
		 * still the faulting instruction, which faults again if the
		 * Task is resumed.  (#DB, #BP and #OF leave rip past the
		 * instruction and are VX_FAULT_OTHER: they go on to
		 * task_fault, which leaves a Task that no longer runs or
		 * waits as it is, so they are not recorded either.) */
	} else {
		uint32_t kind = fault_kind(tf->vector);
		uint64_t addr = tf->vector == 14 ? read_cr2() : 0;
		uint32_t code = kind == VX_FAULT_OTHER ? (uint32_t)tf->vector : (uint32_t)tf->error;
		task_fault(t, kind, code, addr);
	}
	if (work_pending())
		reap();
	preempt_done();
	struct trapframe *next = sched_current_frame();
	kernel_unlock();
	return next;
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
	if (tf->vector == VEC_TLB) {
		lapic_eoi();
		tlb_service();
		return;
	}
	/* An NMI (nothing asks for one) or a device's stray MSI on an
	 * exception's vector (acknowledged there): resume. */
	if (tf->vector == 2 || stray_exception_vector(tf->vector))
		return;
	if (is_interrupt(tf->vector)) {
		/* Only the idle loop takes interrupts, without the lock.  Its
		 * loop looks at the run queues itself once woken; a tick needs
		 * the lock only to end timed waits, or on the boot CPU to go on
		 * with the IOMMU's fault records.  The idle loop runs no Task
		 * (current is NULL), so no quantum can end here, where no
		 * other frame could be resumed; a tick that found a current
		 * Task all the same would take the lock and only mark the
		 * quantum's end (sched_tick), never switch. */
		if (tf->vector == VEC_RESCHED ||
		    (tf->vector == VEC_TIMER && !this_cpu()->current && tick_quick(tf))) {
			lapic_eoi();
			return;
		}
		kernel_lock();
		handle_irq(tf->vector);
		kernel_unlock();
		return;
	}
	if (tf->vector == 14 && tf->rip >= (uint64_t)(uintptr_t)uaccess_begin &&
	    tf->rip < (uint64_t)(uintptr_t)uaccess_end) {
		tf->rip = (uint64_t)(uintptr_t)uaccess_fault;
		return;
	}
	dump_and_panic(tf);
}
