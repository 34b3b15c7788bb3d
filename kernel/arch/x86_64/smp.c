/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Starting the other CPUs, and the TLB shootdown between them.
 *
 * The boot CPU finds the CPUs in the MADT and starts them one at a time
 * (INIT, start-up IPI; trampoline.S), each on its own kernel stack.  A new
 * CPU sets up its tables (arch_init_cpu), its local APIC and timer, says
 * it is up, waits for the boot CPU to count it in, and joins the
 * scheduler with nothing to run.  It holds no lock until it takes the
 * kernel lock to look for work.  One that is not up within 100 ms is
 * stopped with INIT, and its slot and stack go to the next.
 *
 * Shootdown.  Unmapping clears page-table entries under the kernel lock;
 * other CPUs may still hold the old translations in their TLBs, but only
 * those that have the same root loaded (a root switch flushes the user
 * half: user pages are never global).  tlb_shootdown asks each of them to
 * flush (a generation number in its struct cpu and an IPI) and waits until
 * every one has answered, so no stale translation survives the unmap, and
 * the memory is never reused under one.  A CPU answers in the IPI's
 * handler, which takes no lock, or, if it is spinning for the kernel lock
 * with interrupts off, in the spin loop (arch_spin_wait): nobody it waits
 * for is waiting for it.
 */
#include "core/kernel.h"

#define TRAMP_BASE 0x8000

extern uint8_t ap_tramp_start[], ap_tramp_end[];
extern uint32_t ap_tramp_cr3, ap_tramp_efer;
extern uint64_t ap_tramp_stack;
extern uint64_t boot_pml4[512];

static uint64_t lapic_pa = 0xfee00000;
static volatile unsigned ap_starting; /* index of the CPU being started */
/* The trampoline's root: the kernel's, plus the boot tables' identity map
 * of the low 1 GiB (boot.S) under which the trampoline turns paging on. */
static uint64_t ap_pml4[512] __attribute__((aligned(4096)));

/* The C entry of a started CPU, on its own stack (from trampoline.S). */
_Noreturn void ap_main(void);
_Noreturn void ap_main(void)
{
	struct cpu *c = &cpus[ap_starting];

	arch_init_cpu(c);
	arch_load_root(c, paging_kernel_root());
	lapic_init(lapic_pa);
	lapic_timer_start();
	__atomic_store_n(&c->online, 1, __ATOMIC_RELEASE);
	/* Nothing shared until the boot CPU counts this CPU in: one it gave
	 * up on is stopped (INIT) while it waits here, before its slot and
	 * its stack go to the next CPU. */
	while (!__atomic_load_n(&c->counted, __ATOMIC_ACQUIRE))
		cpu_pause();
	kernel_lock();
	/* A CPU given up on that ran on anyway would be here in the next
	 * one's slot, on its stack: smp_start's INIT must have stopped it. */
	if (lapic_id() != c->apic_id)
		panic("CPU with APIC id %u runs in the slot of APIC id %u", lapic_id(), c->apic_id);
	struct trapframe *f = sched_next_frame();
	kernel_unlock();
	enter_frame(f);
}

/* "smp.give_up=N" on the command line, as a word: N, or 0. */
static unsigned give_up_arg(const char *s)
{
	static const char key[] = "smp.give_up=";
	unsigned n = 0;

	for (const char *p = s; *p; p++) {
		if ((p != s && p[-1] != ' ') || strncmp(p, key, sizeof(key) - 1) != 0)
			continue;
		for (p += sizeof(key) - 1; *p >= '0' && *p <= '9' && n < MAX_CPUS; p++)
			n = n * 10 + (unsigned)(*p - '0');
		return n;
	}
	return 0;
}

/* Boot CPU, holding the kernel lock, with timer and devices set up: its
 * own local APIC and timer, then every other CPU the MADT lists (at most
 * MAX_CPUS).  A CPU that does not come up in time is stopped with INIT
 * before the next one starts: it would otherwise come up late in the slot
 * of cpus[] and on the stack that the next one is given. */
void smp_start(const char *cmdline)
{
	unsigned give_up = give_up_arg(cmdline), tried = 0;
	uint32_t ids[MAX_CPUS];
	unsigned n = acpi_cpus(ids, MAX_CPUS, &lapic_pa);
	struct cpu *me = this_cpu();

	kernel_lock_solo(n <= 1); /* before any other CPU can ask for it */
	lapic_init(lapic_pa);
	me->apic_id = lapic_id();
	lapic_timer_calibrate();
	lapic_timer_start();
	me->online = 1;

	memcpy(phys_to_virt(TRAMP_BASE), ap_tramp_start, (size_t)(ap_tramp_end - ap_tramp_start));
	memcpy(ap_pml4, phys_to_virt(paging_kernel_root()), sizeof(ap_pml4));
	/* boot.S's tables sit at their physical address (linked there). */
	ap_pml4[0] = ((const uint64_t *)phys_to_virt((uint64_t)(uintptr_t)boot_pml4))[0];
	uint32_t *cr3 = phys_to_virt(TRAMP_BASE + ((uint8_t *)&ap_tramp_cr3 - ap_tramp_start));
	uint32_t *efer = phys_to_virt(TRAMP_BASE + ((uint8_t *)&ap_tramp_efer - ap_tramp_start));
	uint64_t *stack = phys_to_virt(TRAMP_BASE + ((uint8_t *)&ap_tramp_stack - ap_tramp_start));
	*cr3 = (uint32_t)virt_to_phys(ap_pml4);
	*efer = cpuinfo.nx ? (1u << 11) : 0;

	for (unsigned i = 0; i < n && ncpus < MAX_CPUS; i++) {
		if (ids[i] == me->apic_id)
			continue;
		struct cpu *c = &cpus[ncpus];
		c->apic_id = ids[i];
		ap_starting = ncpus;
		*stack = (uint64_t)(uintptr_t)(kernel_stack[ncpus] + KSTACK_BYTES);
		lapic_start_ap(ids[i], TRAMP_BASE >> 12);
		/* Up to 100 ms for it to come up. */
		uint64_t end = rdtsc() + cpuinfo.tsc_per_ms * 100;
		while (!__atomic_load_n(&c->online, __ATOMIC_ACQUIRE) && rdtsc() < end)
			arch_spin_wait();
		bool late = !c->online, told = ++tried == give_up;
		if (late || told) {
			/* INIT is taken before icr_send returns: from here it
			 * runs nothing, and the slot is the next CPU's. */
			lapic_stop_ap(ids[i]);
			__atomic_store_n(&c->online, 0, __ATOMIC_RELAXED);
			kprintf("VectraOS: CPU with APIC id %u did not start%s\n", ids[i],
				late ? "" : " (smp.give_up)");
			continue;
		}
		__atomic_store_n(&c->counted, 1, __ATOMIC_RELEASE);
		ncpus++;
	}
}

/* Asks CPU cpu to choose again (its need_resched is set already): an IPI
 * unless it is this CPU.  Under the lock, exclusive. */
void arch_send_resched(unsigned cpu)
{
	if (cpu != this_cpu()->index)
		lapic_send_ipi(cpus[cpu].apic_id, VEC_RESCHED);
}

/* Answers the shootdowns asked of this CPU since the last answer with one
 * flush.  Takes no lock: the asking CPU holds it and spins for this, from
 * the IPI or from a CPU's own spin for the lock (arch_spin_wait). */
void tlb_service(void)
{
	struct cpu *c = this_cpu();
	uint64_t req = __atomic_load_n(&c->tlb_req, __ATOMIC_ACQUIRE);

	if (req != c->tlb_done) {
		write_cr3(read_cr3());
		__atomic_store_n(&c->tlb_done, req, __ATOMIC_RELEASE);
	}
}

/* As arch.h says.  Under the lock, exclusive, or held shared with the
 * Task's map_lock (a shared TASK_UNMAP): the CPUs it waits for are running
 * user code, finishing a shared call, or spinning for a lock, which
 * answers shootdowns (rule 3 of docs/ARCHITECTURE.md, "Locking"); two
 * shared unmaps may shoot down at once, so the wait answers them too.  A
 * CPU that loads root meanwhile (a shared switch) stores it in its root
 * before its CR3 load, which serialises: after the fence, either we see it
 * there and ask it, or its walks see the cleared entries. */
void tlb_shootdown(uint64_t root_pa, uint64_t va, uint64_t bytes)
{
	struct cpu *me = this_cpu();
	uint64_t want[MAX_CPUS], asked = 0;

	if (me->root == root_pa) {
		if (bytes > 64 * PAGE_SIZE)
			write_cr3(read_cr3());
		else
			for (uint64_t off = 0; off < bytes; off += PAGE_SIZE)
				invlpg(va + off);
	}
	if (ncpus == 1)
		return;
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* the cleared entries, then the roots */
	for (unsigned i = 0; i < ncpus; i++) {
		if (i == me->index || __atomic_load_n(&cpus[i].root, __ATOMIC_ACQUIRE) != root_pa)
			continue;
		want[i] = __atomic_add_fetch(&cpus[i].tlb_req, 1, __ATOMIC_ACQ_REL);
		asked |= 1ull << i;
		lapic_send_ipi(cpus[i].apic_id, VEC_TLB);
	}
	for (; asked; asked &= asked - 1) {
		unsigned i = (unsigned)__builtin_ctzll(asked);
		while (__atomic_load_n(&cpus[i].tlb_done, __ATOMIC_ACQUIRE) < want[i])
			arch_spin_wait();
	}
}
