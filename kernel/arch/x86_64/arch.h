/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The x86_64 seams the architecture-neutral core uses: the saved register
 * frame, the per-CPU block, paging, user copy, traps, the timer, the console
 * and port I/O.  kernel/core/ includes only this header from the arch layer,
 * through kernel/core/kernel.h.
 */
#ifndef ARCH_X86_64_ARCH_H
#define ARCH_X86_64_ARCH_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "entry.h"

#define KERNEL_VMA	   0xffffffff80000000ull
#define DMAP_BASE	   0xffff800000000000ull
#define DMAP_LIMIT	   (64ull << 30) /* the direct map covers physical 0..64 GiB */
#define PAGE_SIZE	   4096ull
#define USER_CANONICAL_END 0x0000800000000000ull /* first non-canonical address */
#define TIMER_HZ	   1000
/* Interrupt vectors.  Lines are VX_IRQ_* (abi.h): IOAPIC line n arrives on
 * VEC_IRQ_BASE + n, MSI line VX_IRQ_MSI_FIRST + n on VEC_MSI_BASE + n. */
#define VEC_IRQ_BASE 32	 /* 32..55: the IOAPIC's 24 inputs */
#define VEC_MSI_BASE 64	 /* 64..191: MSI lines */
#define VEC_IOMMU    200 /* the IOMMU's fault event */
#define VEC_PIC_BASE 224 /* 224..239: the disabled 8259s' spurious lines */
#define VEC_TIMER    240 /* the local APIC timer */
#define VEC_RESCHED  241 /* IPI: look at your run queue */
#define VEC_TLB	     242 /* IPI: flush your TLB (tlb_shootdown) */
#define VEC_SPURIOUS 255
/* An internal mapping flag beside VX_PROT_*: device memory, uncached. */
#define PROT_UNCACHED 0x100u

/* Saved user registers.  Layout is fixed by entry.S. */
struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct trapframe) == TF_BYTES, "trapframe layout is fixed by entry.S");
_Static_assert(offsetof(struct trapframe, vector) == TF_VECTOR, "entry.h TF_VECTOR");
_Static_assert(offsetof(struct trapframe, cs) == TF_CS, "entry.h TF_CS");

/* The 64-bit task-state segment: the stacks interrupts switch to. */
struct tss {
	uint32_t reserved0;
	uint64_t rsp0, rsp1, rsp2;
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

/*
 * Per-CPU block, one per CPU in cpus[], found through %gs (this_cpu).  The
 * first fields are read by entry.S at fixed offsets.  Each CPU writes only
 * its own block, except tlb_req (see tlb_shootdown) and what boot fills in
 * before the CPU starts.
 */
#define MAX_CPUS     16
#define KSTACK_BYTES 16384
struct task;
struct cpu {
	uint64_t user_rsp;    /* 0: scratch for syscall entry */
	uint64_t frame_top;   /* 8: one past the current Task's trapframe */
	uint64_t kstack_top;  /* 16 */
	struct task *current; /* 24 */
	uint8_t smap;	      /* 32: SMAP enabled: entry paths must clac/stac */
	uint8_t online;	      /* started and scheduling */
	uint8_t need_resched; /* the scheduler looks again on the way out */
	uint8_t counted;      /* the boot CPU counted it in (smp.c) */
	uint32_t index;	      /* 36: 0 is the boot CPU */
	struct cpu *self;     /* 40: %gs:CPU_SELF */
	uint32_t apic_id;
	uint32_t pad2;
	uint64_t preempt_at;   /* TSC at which long kernel work yields; 0: never */
	uint64_t root;	       /* the page-table root loaded now (TLB shootdown) */
	uint64_t tlb_req;      /* shootdowns asked of this CPU (others increment) */
	uint64_t tlb_done;     /* ...and answered (this CPU writes) */
	uint64_t idle_tsc;     /* TSC ticks spent halted in the idle loop (this CPU writes) */
	uint64_t fs_base;      /* user FS base last loaded here (arch_fs_switch) */
	uint32_t klock_shared; /* this CPU holds the kernel lock shared (kernel.h) */
	uint8_t *ist_top;
	uint64_t gdt[7];
	struct tss tss __attribute__((aligned(16)));
};
extern struct cpu cpus[MAX_CPUS];
extern unsigned ncpus; /* CPUs online; cpus[0 .. ncpus) */
_Static_assert(offsetof(struct cpu, user_rsp) == CPU_USER_RSP, "entry.h CPU_USER_RSP");
_Static_assert(offsetof(struct cpu, frame_top) == CPU_FRAME_TOP, "entry.h CPU_FRAME_TOP");
_Static_assert(offsetof(struct cpu, kstack_top) == CPU_KSTACK_TOP, "entry.h CPU_KSTACK_TOP");
_Static_assert(offsetof(struct cpu, smap) == CPU_SMAP, "entry.h CPU_SMAP");
_Static_assert(offsetof(struct cpu, self) == CPU_SELF, "entry.h CPU_SELF");

/* What every CPU shares: features (the boot CPU's; the others must match)
 * and the TSC rate. */
struct cpu_info {
	bool nx, smep, smap;
	uint32_t mxcsr_mask; /* MXCSR bits the CPU accepts (FXSAVE's own report) */
	uint64_t tsc_per_ms;
};
extern struct cpu_info cpuinfo;

/* This CPU's block.  Kernel code runs with the kernel's GS base (entry.S
 * swaps it on every entry from and exit to user mode). */
#ifdef VX_HOST
static inline struct cpu *this_cpu(void)
{
	return &cpus[0];
}
static inline struct task *this_cpu_current(void)
{
	return cpus[0].current;
}
static inline bool this_cpu_need_resched(void)
{
	return cpus[0].need_resched;
}
#else
static inline struct cpu *this_cpu(void)
{
	struct cpu *c;

	__asm__("movq %%gs:%c1, %0" : "=r"(c) : "i"(CPU_SELF));
	return c;
}
/* Two fields read straight through %gs, one instruction each, on the
 * syscall path.  volatile and "memory": the compiler cannot see that they
 * alias this_cpu()'s fields, so each read is ordered after every store
 * before it (a switch writes current, a block need_resched). */
static inline struct task *this_cpu_current(void)
{
	struct task *t;

	__asm__ volatile("movq %%gs:%c1, %0"
			 : "=r"(t)
			 : "i"(offsetof(struct cpu, current))
			 : "memory");
	return t;
}
static inline bool this_cpu_need_resched(void)
{
	uint8_t v;

	__asm__ volatile("movb %%gs:%c1, %0"
			 : "=q"(v)
			 : "i"(offsetof(struct cpu, need_resched))
			 : "memory");
	return v;
}
#endif

/* Entries from user mode will save into tf, the next Task's frame: the CPU
 * pushes an interrupt's frame at TSS.rsp0, syscall_entry at frame_top. */
static inline void arch_set_kernel_entry(struct cpu *c, struct trapframe *tf)
{
	uint64_t top = (uint64_t)(uintptr_t)(tf + 1);

	c->frame_top = top;
	c->tss.rsp0 = top;
}

/* Physical <-> kernel virtual (direct map). */
#ifdef VX_HOST
/* Host unit tests compile kernel/core files as ordinary programs: a host
 * pointer stands in for a physical address, so the translation is the
 * identity.  The inline-asm helpers below still compile on an x86_64 host;
 * tests must simply never call them. */
static inline void *phys_to_virt(uint64_t pa)
{
	return (void *)(uintptr_t)pa;
}
static inline uint64_t virt_to_phys(const void *va)
{
	return (uint64_t)(uintptr_t)va;
}
#else
static inline void *phys_to_virt(uint64_t pa)
{
	return (void *)(uintptr_t)(pa + DMAP_BASE);
}
static inline uint64_t virt_to_phys(const void *va)
{
	uint64_t v = (uint64_t)(uintptr_t)va;
	return v >= KERNEL_VMA ? v - KERNEL_VMA : v - DMAP_BASE;
}
#endif

/* Port I/O and control registers. */
static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port));
}
static inline uint16_t inw(uint16_t port)
{
	uint16_t v;
	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port));
}
static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}
static inline void write_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" ::"r"(v) : "memory");
}
static inline uint64_t read_cr3(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}
static inline uint64_t read_cr2(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}
static inline void invlpg(uint64_t va)
{
	__asm__ volatile("invlpg (%0)" ::"r"(va) : "memory");
}
static inline void cpu_pause(void)
{
	__asm__ volatile("pause" ::: "memory");
}
static inline void cpu_relax_halt(void)
{
	__asm__ volatile("sti; hlt; cli" ::: "memory");
}
/* Lets pending interrupts in, without waiting for one. */
static inline void cpu_irq_window(void)
{
	__asm__ volatile("sti; nop; cli" ::: "memory");
}
_Noreturn static inline void cpu_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* Seams implemented in kernel/arch/x86_64/. */
void arch_init_cpu(struct cpu *c); /* GDT, TSS, IDT, syscall MSRs, CR4 features, GS */
/* Loads a page-table root on this CPU and records it (tlb_shootdown). */
static inline void arch_load_root(struct cpu *c, uint64_t root_pa)
{
	c->root = root_pa;
	write_cr3(root_pa);
}
/* Eager FPU switch: the FXSAVE image of the Task leaving (if save) is
 * saved, that of the Task arriving (if load) loaded.  Always both: a Task
 * may run next on another CPU, so its state must be in its struct
 * whenever it is not running.  (Inline: it is on every switch.) */
#ifdef VX_HOST
void arch_fpu_switch(uint8_t *save, const uint8_t *load);
#else
static inline void arch_fpu_switch(uint8_t *save, const uint8_t *load)
{
	if (save)
		__asm__ volatile("fxsave64 (%0)" ::"r"(save) : "memory");
	if (load)
		__asm__ volatile("fxrstor64 (%0)" ::"r"(load) : "memory");
}
#endif
void arch_fpu_init_state(void *area); /* a clean 512-byte FXSAVE image */
void arch_fpu_forget(struct task *t); /* t is being destroyed */
/* The whole register state (VX_SYS_TASK_REGS): t is stopped, its FPU
 * state in t->fpu.  arch_regs_check says whether a vx_regs may be
 * written (VX_OK, VX_E_RANGE or VX_E_INVAL); arch_regs_set writes one
 * that passed, to leave the kernel through iretq. */
struct vx_regs;
void arch_regs_get(const struct task *t, struct vx_regs *r, bool fpu);
int arch_regs_check(const struct vx_regs *r, bool fpu);
void arch_regs_set(struct task *t, const struct vx_regs *r, bool fpu);
/* Loads a Task's FS base if it differs from what this CPU holds.
 * Natives all run with FS base 0, so a CPU that runs only natives never
 * writes the MSR.  A Task that loads FS itself can only set base 0 (every
 * descriptor's base is 0), so "loaded here" is rewritten for any Task with
 * a base of its own, and skipped only when both are 0. */
#ifdef VX_HOST
void arch_fs_switch(struct cpu *c, uint64_t fs_base);
#else
static inline void arch_fs_switch(struct cpu *c, uint64_t fs_base)
{
	if ((fs_base | c->fs_base) == 0)
		return;
	__asm__ volatile("wrmsr" ::"c"(0xc0000100u), "a"((uint32_t)fs_base),
			 "d"((uint32_t)(fs_base >> 32)));
	c->fs_base = fs_base;
}
#endif
_Noreturn void enter_frame(struct trapframe *tf);
void arch_frame_init_user(struct trapframe *tf, uint64_t ip, uint64_t sp, uint64_t arg);
/* May tf be handed back to user mode?  Its instruction and stack pointers
 * must be canonical user addresses: sysretq and iretq to anything else
 * fault in kernel mode on some CPUs.  (The selectors need no check: no
 * call sets them, and a frame saved from user mode has the user ones.) */
static inline bool arch_frame_user_ok(const struct trapframe *tf)
{
	return ((tf->rip | tf->rsp) & ~(USER_CANONICAL_END - 1)) == 0;
}

/* Paging (paging.c). */
void paging_init(uint64_t max_phys);
uint64_t paging_kernel_root(void);
void paging_init_user_root(uint64_t root_pa);
/* Walk a user root; returns the PTE pointer for va or NULL when a level is missing. */
uint64_t *paging_lookup(uint64_t root_pa, uint64_t va);
/* Install tables for va: alloc(ctx) must return a zeroed page's physical
 * address, or 0 when it cannot. Returns the leaf PTE pointer or NULL. */
uint64_t *paging_walk_alloc(uint64_t root_pa, uint64_t va, uint64_t (*alloc)(void *ctx), void *ctx);
uint64_t paging_pte(uint64_t pa, uint32_t prot); /* prot: VX_PROT_* bits */
/* Ranges, a walk per leaf table (paging.c). */
bool paging_range_free(uint64_t root_pa, uint64_t va, uint64_t bytes, uint64_t *tables);
void paging_map_range(uint64_t root_pa, uint64_t va, uint64_t pa, uint64_t bytes, uint32_t prot,
		      uint64_t (*alloc)(void *ctx), void *ctx);
void paging_unmap_range(uint64_t root_pa, uint64_t va, uint64_t bytes);
void paging_map_mmio(uint64_t pa);
extern uint8_t kernel_stack[MAX_CPUS][KSTACK_BYTES];

/* User copy (entry.S): 0, or 1 when it touched a bad page. */
int uaccess_copy(void *dst, const void *src, size_t n);

/* SMP (smp.c, lapic.c, acpi.c). */
/* Boot CPU: find the others (MADT) and start them.  cmdline is the
 * kernel's command line: "smp.give_up=N" makes it treat the Nth CPU it
 * starts (1, 2, ...) as one that did not come up in time (docs/ABI.md,
 * "Boot"), to test that path. */
void smp_start(const char *cmdline);
void arch_send_resched(unsigned cpu);
/* Makes every other CPU that has root_pa loaded drop its translations, and
 * waits until each has; this CPU flushes [va, va + bytes) itself. */
void tlb_shootdown(uint64_t root_pa, uint64_t va, uint64_t bytes);
void tlb_service(void); /* answers a shootdown asked of this CPU, if any */
/* Spin-wait hint inside a lock: answers shootdowns, so that a CPU waiting
 * for the lock never holds up the CPU that has it. */
static inline void arch_spin_wait(void)
{
	cpu_pause();
	tlb_service();
}
void lapic_eoi(void);
void lapic_timer_start(void);	  /* this CPU's periodic tick at TIMER_HZ */
void lapic_timer_idle(bool idle); /* stop (true) or restart this CPU's tick */
/* Used only inside kernel/arch/x86_64: */
uint32_t lapic_id(void);
bool lapic_in_service(unsigned vector); /* it came as an interrupt */
void lapic_init(uint64_t pa);
void lapic_timer_calibrate(void);
void lapic_send_ipi(uint32_t apic_id, uint32_t vector);
void lapic_start_ap(uint32_t apic_id, uint32_t page);
void lapic_stop_ap(uint32_t apic_id);
unsigned acpi_cpus(uint32_t *apic_ids, unsigned max, uint64_t *lapic_pa);
void acpi_init(void);
extern struct vx_madt acpi_madt;
extern struct vx_mcfg acpi_mcfg;
extern struct vx_dmar acpi_dmar;

/* Interrupt controllers (ioapic.c) and the timer (irq.c).  Lines are
 * VX_IRQ_* numbers; irq_mask touches only IOAPIC lines (an MSI line has no
 * mask the kernel owns: device.c gates it). */
void irq_init(void);
void irq_mask(unsigned line, bool masked);
bool irq_line_exists(unsigned line);
bool irq_line_level(unsigned line);
uint64_t irq_msi_message(unsigned line); /* VX_MSI_ADDR | VX_MSI_DATA << 32 */
void timer_init(void);

/* The IOMMU (vtd.c): see core/iospace.c for the IoSpace it serves. */
#define IOMMU_BUSES 32 /* buses that can have IoSpaces */
void iommu_init(void);
bool iommu_present(void);
unsigned iommu_levels(void); /* of the second-level tables: 3 or 4 */
void iommu_attach(uint16_t bdf, uint16_t domain, uint64_t root_pa);
void iommu_flush(uint16_t domain);
void iommu_sync(const void *p, size_t n);
void iommu_fault_event(void);
bool iommu_fault_deferred(void); /* records left for the boot CPU's tick */
void iommu_fault_tick(void);
/* A second-level entry: leaf or table, VX_PROT_READ/WRITE as the device's
 * access. */
static inline uint64_t iommu_pte(uint64_t pa, uint32_t prot)
{
	return pa | ((prot & VX_PROT_READ) ? 1u : 0) | ((prot & VX_PROT_WRITE) ? 2u : 0);
}
#define IOMMU_PTE_ADDR 0x000ffffffffff000ull
extern uint64_t tsc_boot, tsc_ns_mult;
#ifdef VX_HOST
/* Host unit tests drive the clock themselves (tests/support/karch_host.c). */
uint64_t tsc_to_ns(uint64_t ticks);
uint64_t timer_now_ns(void);
#else
/* TSC ticks to nanoseconds: one multiplication, no division.  The 32.32
 * multiplier is exact when the TSC runs at a whole number of GHz (1 GHz
 * under -icount shift=0) and otherwise low by under one part in 2^32 of
 * 10^6 / tsc_per_ms. */
static inline uint64_t tsc_to_ns(uint64_t ticks)
{
	return (uint64_t)(((unsigned __int128)ticks * tsc_ns_mult) >> 32);
}
/* Nanoseconds since timer_init. */
static inline uint64_t timer_now_ns(void)
{
	return tsc_to_ns(rdtsc() - tsc_boot);
}
#endif

/* Console (serial.c). */
void serial_init(void);
void serial_write(const char *s, size_t n);

/* Boot information (multiboot.c). */
#define BOOT_MAX_REGIONS 16
#define BOOT_MAX_MODULES 8
struct boot_region {
	uint64_t base, size;
};
struct boot_module {
	uint64_t base, size;
	char name[32];
};
/* The 32-bit device window ends where the IOAPIC, HPET, IOMMU and local
 * APIC registers begin; the kernel keeps those. */
#define BOOT_MMIO32_END 0xfec00000ull
struct boot_info {
	struct boot_region ram[BOOT_MAX_REGIONS];
	unsigned nram;
	struct boot_module mod[BOOT_MAX_MODULES];
	unsigned nmod;
	uint64_t max_phys;  /* end of the highest usable RAM */
	uint64_t low_top;   /* highest end of any memory-map entry below BOOT_MMIO32_END */
	uint64_t mem_top;   /* highest end of any memory-map entry */
	uint64_t ram_bytes; /* usable RAM, all ranges (holes and reserved ranges not counted) */
	char cmdline[128];
};
void multiboot_parse(uint32_t magic, uint32_t info_pa, struct boot_info *bi);

#endif
