/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CPU setup: GDT and TSS, IDT, the syscall MSRs, CR0/CR4 features (NX,
 * SMEP, SMAP, SSE) and the FPU state switch.
 */
#include "core/kernel.h"

struct cpu cpu0;

/* GDT: null, kernel code 0x08, kernel data 0x10, user data 0x18, user code
 * 0x20, TSS 0x28 (two slots).  sysret derives the user selectors from
 * STAR[63:48] = 0x10: SS = 0x18|3, CS = 0x20|3. */
static uint64_t gdt[7] __attribute__((aligned(16)));

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t ist, attr;
	uint16_t off_mid;
	uint32_t off_hi, zero;
};
static struct idt_gate idt[48] __attribute__((aligned(16)));

struct __attribute__((packed)) desc_ptr {
	uint16_t limit;
	uint64_t base;
};

uint8_t kernel_stack[16384] __attribute__((aligned(4096)));
uint8_t ist_stack[8192] __attribute__((aligned(4096)));
extern uint8_t kernel_stack_top[];
__asm__(".globl kernel_stack_top\n.set kernel_stack_top, kernel_stack + 16384");

extern void syscall_entry(void);
/* The 48 entry stubs of entry.S, in vector order. */
extern void (*const trap_stub_table[48])(void);

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

static void gdt_init(void)
{
	uint64_t base = (uint64_t)(uintptr_t)&cpu0.tss;
	uint64_t limit = sizeof(cpu0.tss) - 1;
	struct desc_ptr p = {sizeof(gdt) - 1, (uint64_t)(uintptr_t)gdt};

	gdt[0] = 0;
	gdt[1] = 0x00af9a000000ffffull; /* kernel code, L */
	gdt[2] = 0x00cf92000000ffffull; /* kernel data */
	gdt[3] = 0x00cff2000000ffffull; /* user data, DPL 3 */
	gdt[4] = 0x00affa000000ffffull; /* user code, L, DPL 3 */
	gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
		 (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[6] = base >> 32;
	cpu0.tss.iomap_base = sizeof(cpu0.tss); /* no I/O bitmap: user port I/O is a syscall */
	cpu0.tss.ist[0] = (uint64_t)(uintptr_t)(ist_stack + sizeof(ist_stack));
	cpu0.tss.rsp0 = (uint64_t)(uintptr_t)kernel_stack_top;

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

static void idt_init(void)
{
	struct desc_ptr p = {sizeof(idt) - 1, (uint64_t)(uintptr_t)idt};

	for (int i = 0; i < 48; i++) {
		uint64_t off = (uint64_t)(uintptr_t)trap_stub_table[i];
		idt[i].off_lo = off & 0xffff;
		idt[i].sel = KERNEL_CS;
		/* Double fault, NMI and machine check run on their own stack. */
		idt[i].ist = (i == 2 || i == 8 || i == 18) ? 1 : 0;
		idt[i].attr = 0x8e; /* present, DPL 0, interrupt gate */
		idt[i].off_mid = (off >> 16) & 0xffff;
		idt[i].off_hi = off >> 32;
		idt[i].zero = 0;
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

static void features_init(void)
{
	uint32_t r[4];
	uint64_t cr0, cr4;

	cpuid(0x80000001, 0, r);
	cpu0.nx = (r[3] >> 20) & 1;
	cpuid(0, 0, r);
	if (r[0] >= 7) {
		cpuid(7, 0, r);
		cpu0.smep = (r[1] >> 7) & 1;
		cpu0.smap = (r[1] >> 20) & 1;
	}
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	cr0 &= ~(1ull << 2);		   /* EM off: SSE available to user land */
	cr0 |= (1ull << 1) | (1ull << 16); /* MP, WP */
	cr0 &= ~(1ull << 3);		   /* TS off: FPU state is switched eagerly */
	__asm__ volatile("mov %0, %%cr0" ::"r"(cr0));
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	cr4 |= (1ull << 9) | (1ull << 10); /* OSFXSR, OSXMMEXCPT */
	cr4 |= (1ull << 7);		   /* PGE */
	if (cpu0.smep)
		cr4 |= (1ull << 20);
	if (cpu0.smap)
		cr4 |= (1ull << 21);
	__asm__ volatile("mov %0, %%cr4" ::"r"(cr4));
}

/* Brings up this CPU's tables and features.  Called once, early in kmain. */
void arch_init_cpu(void)
{
	cpu0.kstack_top = (uint64_t)(uintptr_t)kernel_stack_top;
	gdt_init();
	idt_init();
	syscall_init();
	features_init();
}

/* Eager FPU switch: the state of 'from' is saved, that of 'to' loaded. */
void arch_fpu_switch(struct task *from, struct task *to)
{
	(void)from;
	if (cpu0.fpu_owner == to)
		return;
	if (cpu0.fpu_owner)
		__asm__ volatile("fxsave64 (%0)" ::"r"(cpu0.fpu_owner->fpu) : "memory");
	__asm__ volatile("fxrstor64 (%0)" ::"r"(to->fpu) : "memory");
	cpu0.fpu_owner = to;
}

/* Forget a Task that is being destroyed. */
void arch_fpu_forget(struct task *t)
{
	if (cpu0.fpu_owner == t)
		cpu0.fpu_owner = NULL;
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
