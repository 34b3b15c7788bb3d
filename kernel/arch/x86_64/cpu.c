/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CPU setup: GDT and TSS, IDT, the syscall MSRs, CR0/CR4 features (NX,
 * SMEP, SMAP, SSE) and the FPU state switch.
 */
#include "core/kernel.h"

struct cpu cpus[MAX_CPUS];
unsigned ncpus = 1;
struct cpu_info cpuinfo;

/* GDT (one per CPU, in its struct cpu): null, kernel code 0x08, kernel data
 * 0x10, user data 0x18, user code 0x20, TSS 0x28 (two slots).  sysret
 * derives the user selectors from STAR[63:48] = 0x10: SS = 0x18|3,
 * CS = 0x20|3. */

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t ist, attr;
	uint16_t off_mid;
	uint32_t off_hi, zero;
};
static struct idt_gate idt[256] __attribute__((aligned(16)));

struct __attribute__((packed)) desc_ptr {
	uint16_t limit;
	uint64_t base;
};

/* Kernel and IST stacks, one of each per CPU.  kernel_stack_top is the
 * boot CPU's, which boot.S starts on.  The lowest page of each kernel
 * stack is left unmapped as a guard (paging.c). */
uint8_t kernel_stack[MAX_CPUS][KSTACK_BYTES] __attribute__((aligned(4096)));
static uint8_t ist_stack[MAX_CPUS][8192] __attribute__((aligned(4096)));
extern uint8_t kernel_stack_top[];
__asm__(".globl kernel_stack_top\n.set kernel_stack_top, kernel_stack + 16384");
_Static_assert(KSTACK_BYTES == 16384, "kernel_stack_top above");

extern void syscall_entry(void);
/* The entry stubs of entry.S, one per vector, in vector order. */
extern void (*const trap_stub_table[256])(void);

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}
static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

static void gdt_init(struct cpu *c)
{
	uint64_t base = (uint64_t)(uintptr_t)&c->tss;
	uint64_t limit = sizeof(c->tss) - 1;
	struct desc_ptr p = {sizeof(c->gdt) - 1, (uint64_t)(uintptr_t)c->gdt};

	c->gdt[0] = 0;
	c->gdt[1] = 0x00af9a000000ffffull; /* kernel code, L */
	c->gdt[2] = 0x00cf92000000ffffull; /* kernel data */
	c->gdt[3] = 0x00cff2000000ffffull; /* user data, DPL 3 */
	c->gdt[4] = 0x00affa000000ffffull; /* user code, L, DPL 3 */
	c->gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
		    (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	c->gdt[6] = base >> 32;
	c->tss.iomap_base = sizeof(c->tss); /* no I/O bitmap: user port I/O is a syscall */
	c->tss.ist[0] = (uint64_t)(uintptr_t)c->ist_top;
	c->tss.rsp0 = c->kstack_top;

	__asm__ volatile("lgdt %0\n"
			 "pushq %1\n"
			 "leaq 1f(%%rip), %%rax\n"
			 "pushq %%rax\n"
			 "lretq\n"
			 "1:\n"
			 "movw %2, %%ax\n"
			 "movw %%ax, %%ds\n"
			 "movw %%ax, %%es\n"
			 "movw %%ax, %%ss\n"
			 "movw $0x28, %%ax\n"
			 "ltr %%ax\n" ::"m"(p),
			 "i"(KERNEL_CS), "i"(KERNEL_DS)
			 : "rax", "memory");
}

static void set_gate(unsigned v, void (*stub)(void))
{
	uint64_t off = (uint64_t)(uintptr_t)stub;

	idt[v].off_lo = off & 0xffff;
	idt[v].sel = KERNEL_CS;
	/* Double fault, NMI and machine check run on their own stack. */
	idt[v].ist = (v == 2 || v == 8 || v == 18) ? 1 : 0;
	/* Present interrupt gates, DPL 0 but for int3, which a Task may run
	 * itself (its fault; debuggers and SIGTRAP use it): any other int N
	 * from user mode is a #GP. */
	idt[v].attr = v == 3 ? 0xee : 0x8e;
	idt[v].off_mid = (off >> 16) & 0xffff;
	idt[v].off_hi = off >> 32;
	idt[v].zero = 0;
}

/* The one IDT, built by the boot CPU and loaded by every CPU. */
static void idt_load(struct cpu *c)
{
	struct desc_ptr p = {sizeof(idt) - 1, (uint64_t)(uintptr_t)idt};

	if (c->index == 0) {
		for (unsigned v = 0; v < 256; v++)
			set_gate(v, trap_stub_table[v]);
	}
	__asm__ volatile("lidt %0" ::"m"(p));
}

static void syscall_init(void)
{
	wrmsr(0xc0000080, rdmsr(0xc0000080) | 1); /* EFER.SCE */
	/* STAR: sysret loads SS = STAR[63:48] + 8, CS = + 16 (RPL 3). */
	wrmsr(0xc0000081, ((uint64_t)(USER_DS - 8 - 3) << 48) | ((uint64_t)KERNEL_CS << 32));
	wrmsr(0xc0000082, (uint64_t)(uintptr_t)syscall_entry); /* LSTAR */
	wrmsr(0xc0000084, (1u << 8) | (1u << 9) | (1u << 10) | (1u << 14) | (1u << 18));
	/* SFMASK clears TF, IF, DF, NT and AC on entry. */
}

/* The boot CPU reads the features; every CPU turns them on. */
static void features_init(struct cpu *c)
{
	uint32_t r[4];
	uint64_t cr0, cr4;

	if (c->index == 0) {
		cpuid(1, 0, r);
		c->apic_id = r[1] >> 24; /* the initial APIC ID, before the APIC is mapped */
		cpuid(0x80000001, 0, r);
		cpuinfo.nx = (r[3] >> 20) & 1;
		cpuid(0, 0, r);
		if (r[0] >= 7) {
			cpuid(7, 0, r);
			cpuinfo.smep = (r[1] >> 7) & 1;
			cpuinfo.smap = (r[1] >> 20) & 1;
		}
	}
	c->smap = cpuinfo.smap;
	if (cpuinfo.nx)
		wrmsr(0xc0000080, rdmsr(0xc0000080) | (1u << 11)); /* EFER.NXE */
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	cr0 &= ~(1ull << 2);		   /* EM off: SSE available to user land */
	cr0 |= (1ull << 1) | (1ull << 16); /* MP, WP */
	/* NE: an x87 error is #MF, the Task's fault.  Without it (the reset
	 * state) the error goes out on the legacy FERR# line, ISA IRQ 13, and
	 * the Task runs on as if nothing had happened. */
	cr0 |= 1ull << 5;
	cr0 &= ~(1ull << 3);		       /* TS off: FPU state is switched eagerly */
	cr0 &= ~((1ull << 29) | (1ull << 30)); /* caches on (NW, CD off) */
	__asm__ volatile("mov %0, %%cr0" ::"r"(cr0));
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	cr4 |= (1ull << 9) | (1ull << 10); /* OSFXSR, OSXMMEXCPT */
	cr4 |= (1ull << 7);		   /* PGE */
	if (cpuinfo.smep)
		cr4 |= (1ull << 20);
	if (cpuinfo.smap)
		cr4 |= (1ull << 21);
	__asm__ volatile("mov %0, %%cr4" ::"r"(cr4));
	if (c->index == 0) { /* FXSAVE reports the MXCSR bits this CPU takes */
		static uint8_t area[512] __attribute__((aligned(16)));
		uint32_t mask;
		__asm__ volatile("fxsave64 (%0)" ::"r"(area) : "memory");
		memcpy(&mask, area + 28, 4);
		cpuinfo.mxcsr_mask = mask ? mask : 0xffbf; /* 0: the architectural default */
	}
}

/* Brings up c's tables and features on the CPU running this: the boot CPU
 * early in kmain, each other CPU in ap_main.  GS points at c from here on
 * (entry.S swaps it with user mode's, which is 0). */
void arch_init_cpu(struct cpu *c)
{
	c->self = c;
	c->index = (uint32_t)(c - cpus);
	c->kstack_top = (uint64_t)(uintptr_t)(kernel_stack[c->index] + KSTACK_BYTES);
	c->ist_top = ist_stack[c->index] + sizeof(ist_stack[0]);
	wrmsr(0xc0000101, (uint64_t)(uintptr_t)c); /* GS base */
	wrmsr(0xc0000102, 0);			   /* kernel GS base: user mode's */
	gdt_init(c);
	idt_load(c);
	syscall_init();
	features_init(c);
}

/* A Task is being destroyed: no CPU holds its state (nothing to forget). */
void arch_fpu_forget(struct task *t)
{
	(void)t;
}

/* A clean FXSAVE image: default control words, all registers zero. */
void arch_fpu_init_state(void *area)
{
	uint8_t *a = area;

	memset(a, 0, 512);
	a[0] = 0x7f; /* FCW = 0x037f */
	a[1] = 0x03;
	a[24] = 0x80; /* MXCSR = 0x1f80 */
	a[25] = 0x1f;
}

/* FXSAVE image offsets. */
#define FX_MXCSR 24

/* Every field of the integer part is written (a read copies it out whole;
 * nothing of the kernel's stack may go with it); the FPU image only with
 * fpu.  The stop is filled by the caller. */
void arch_regs_get(const struct task *t, struct vx_regs *r, bool fpu)
{
	const struct trapframe *f = &t->regs;

	r->rax = f->rax, r->rbx = f->rbx, r->rcx = f->rcx, r->rdx = f->rdx;
	r->rsi = f->rsi, r->rdi = f->rdi, r->rbp = f->rbp, r->rsp = f->rsp;
	r->r8 = f->r8, r->r9 = f->r9, r->r10 = f->r10, r->r11 = f->r11;
	r->r12 = f->r12, r->r13 = f->r13, r->r14 = f->r14, r->r15 = f->r15;
	r->rip = f->rip;
	r->rflags = f->rflags;
	r->fs_base = t->fs_base;
	r->flags = t->foreign ? VX_REGS_FOREIGN : 0;
	r->stop = 0;
	if (fpu)
		memcpy(r->fpu, t->fpu, sizeof(r->fpu));
}

/* Everything iretq, wrmsr and fxrstor64 would fault on in kernel mode. */
int arch_regs_check(const struct vx_regs *r, bool fpu)
{
	uint32_t mxcsr;

	if (r->rip >= VX_MAP_END || r->rsp >= VX_USER_END || r->fs_base >= VX_USER_END)
		return VX_E_RANGE;
	if (r->flags & ~VX_REGS_FOREIGN)
		return VX_E_INVAL;
	if (!fpu)
		return VX_OK;
	memcpy(&mxcsr, r->fpu + FX_MXCSR, 4);
	if (mxcsr & ~cpuinfo.mxcsr_mask)
		return VX_E_INVAL;
	return VX_OK;
}

/* Writes r into t's saved frame (and its FPU state if fpu), r having
 * passed arch_regs_check: user segments, IF on, only the user's flags.
 * Under the lock, exclusive, and t runs on no CPU (sched_evict). */
void arch_regs_set(struct task *t, const struct vx_regs *r, bool fpu)
{
	struct trapframe *f = &t->regs;

	f->rax = r->rax, f->rbx = r->rbx, f->rcx = r->rcx, f->rdx = r->rdx;
	f->rsi = r->rsi, f->rdi = r->rdi, f->rbp = r->rbp, f->rsp = r->rsp;
	f->r8 = r->r8, f->r9 = r->r9, f->r10 = r->r10, f->r11 = r->r11;
	f->r12 = r->r12, f->r13 = r->r13, f->r14 = r->r14, f->r15 = r->r15;
	f->rip = r->rip;
	f->rflags = (r->rflags & VX_RFLAGS_USER) | 0x202; /* IF, and bit 1 */
	f->cs = USER_CS;
	f->ss = USER_DS;
	f->vector = 0; /* leave through iretq: rcx and r11 as written */
	t->fs_base = r->fs_base;
	t->foreign = (r->flags & VX_REGS_FOREIGN) != 0;
	if (fpu)
		memcpy(t->fpu, r->fpu, sizeof(t->fpu));
}

/* A fresh user frame: entered through iretq with interrupts on. */
void arch_frame_init_user(struct trapframe *tf, uint64_t ip, uint64_t sp, uint64_t arg)
{
	memset(tf, 0, sizeof(*tf));
	tf->rip = ip;
	tf->rsp = sp;
	tf->rsi = arg; /* rdi is the Bundle address, set at start */
	tf->cs = USER_CS;
	tf->ss = USER_DS;
	tf->rflags = 0x202;
}
