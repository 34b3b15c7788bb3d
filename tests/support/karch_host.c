/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host arch seams for kernel/core (see karch_host.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "karch_host.h"

struct cpu cpus[MAX_CPUS];
unsigned ncpus = 1;
struct cpu_info cpuinfo;
struct karch_host karch;

void karch_reset(void)
{
	struct karch_host keep = karch;

	memset(&karch, 0, sizeof(karch));
	karch.uwin = keep.uwin;
	karch.uwin_len = keep.uwin_len;
	karch.ram = keep.ram;
	karch.ram_len = keep.ram_len;
	karch.on_panic = keep.on_panic;
}

void karch_stack_mark(void)
{
	karch.stack_base = (uintptr_t)__builtin_frame_address(0);
}

__attribute__((noinline)) void karch_stack_probe(void)
{
	uintptr_t here = (uintptr_t)__builtin_frame_address(0);

	if (karch.stack_base > here && karch.stack_base - here > karch.stack_max)
		karch.stack_max = karch.stack_base - here;
}

void kprintf(const char *fmt, ...)
{
	(void)fmt;
	karch.kprintf++;
}

/* console.c's limit on prints a Task can cause: no clock here, so every
 * one passes (and is counted by kprintf). */
bool kprintf_allowed(void)
{
	return true;
}

_Noreturn void panic(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "KERNEL PANIC (host): %s\n", msg);
	if (karch.on_panic)
		karch.on_panic(msg);
	fflush(stderr);
	abort();
}

/* ---------------------------------------------------------------- paging */

static unsigned level_index(uint64_t va, int level)
{
	return (va >> (12 + 9 * level)) & 511;
}

/* A table page the walk is about to read or write. */
static uint64_t *table_at(uint64_t pa)
{
	uint64_t ram = (uint64_t)(uintptr_t)karch.ram;

	if (karch.ram && (pa < ram || pa + PAGE_SIZE > ram + karch.ram_len || (pa & 4095)))
		karch.bad_table++;
	return phys_to_virt(pa);
}

uint64_t paging_kernel_root(void)
{
	return 0;
}

void paging_init_user_root(uint64_t root_pa)
{
	memset(phys_to_virt(root_pa), 0, PAGE_SIZE);
}

uint64_t *paging_lookup(uint64_t root_pa, uint64_t va)
{
	uint64_t *table = table_at(root_pa);

	karch_stack_probe();
	for (int level = 3; level > 0; level--) {
		uint64_t e = table[level_index(va, level)];
		if (!(e & KARCH_PTE_P))
			return NULL;
		table = table_at(e & KARCH_PTE_ADDR);
	}
	return &table[level_index(va, 0)];
}

uint64_t *paging_walk_alloc(uint64_t root_pa, uint64_t va, uint64_t (*alloc)(void *ctx), void *ctx)
{
	uint64_t *table = table_at(root_pa);

	karch_stack_probe();
	for (int level = 3; level > 0; level--) {
		uint64_t *e = &table[level_index(va, level)];
		if (!(*e & KARCH_PTE_P)) {
			uint64_t pa = alloc(ctx);
			if (!pa)
				return NULL;
			*e = pa | KARCH_PTE_P | KARCH_PTE_W | KARCH_PTE_U;
		}
		table = table_at(*e & KARCH_PTE_ADDR);
	}
	return &table[level_index(va, 0)];
}

/* Table pages that mapping [va, va + bytes) would add: a walk per page,
 * counting each missing table once (reads only). */
static uint64_t tables_needed(uint64_t root_pa, uint64_t va, uint64_t bytes)
{
	uint64_t need = 0, seen[3] = {~0ull, ~0ull, ~0ull};

	for (uint64_t a = va; a < va + bytes; a += PAGE_SIZE) {
		const uint64_t *table = table_at(root_pa);
		for (int level = 3; level > 0; level--) {
			uint64_t e = table ? table[level_index(a, level)] : 0;
			uint64_t region = a >> (12 + 9 * level);
			if (!(e & KARCH_PTE_P)) {
				if (seen[3 - level] != region)
					need++;
				seen[3 - level] = region;
				table = NULL;
			} else {
				table = table_at(e & KARCH_PTE_ADDR);
			}
		}
	}
	return need;
}

uint64_t paging_pte(uint64_t pa, uint32_t prot)
{
	uint64_t e = pa | KARCH_PTE_P | KARCH_PTE_U;

	if (prot & VX_PROT_WRITE)
		e |= KARCH_PTE_W;
	if (!(prot & VX_PROT_EXEC))
		e |= KARCH_PTE_NX;
	return e;
}

/* The range walks, a page at a time (the kernel's go a leaf table at a
 * time; the outcome, tables allocated in the same order, is the same). */
bool paging_range_free(uint64_t root_pa, uint64_t va, uint64_t bytes, uint64_t *tables)
{
	*tables = tables_needed(root_pa, va, bytes);
	for (uint64_t off = 0; off < bytes; off += PAGE_SIZE) {
		uint64_t *pte = paging_lookup(root_pa, va + off);
		if (pte && (*pte & KARCH_PTE_P))
			return false;
	}
	return true;
}

void paging_map_range(uint64_t root_pa, uint64_t va, uint64_t pa, uint64_t bytes, uint32_t prot,
		      uint64_t (*alloc)(void *ctx), void *ctx)
{
	for (uint64_t off = 0; off < bytes; off += PAGE_SIZE) {
		uint64_t *pte = paging_walk_alloc(root_pa, va + off, alloc, ctx);
		KASSERT(pte && !(*pte & KARCH_PTE_P));
		*pte = paging_pte(pa + off, prot);
	}
}

void paging_unmap_range(uint64_t root_pa, uint64_t va, uint64_t bytes)
{
	for (uint64_t off = 0; off < bytes; off += PAGE_SIZE) {
		uint64_t *pte = paging_lookup(root_pa, va + off);
		if (pte)
			*pte = 0;
	}
}

/* ------------------------------------------------------- CPU and frames */

void arch_fpu_switch(uint8_t *save, const uint8_t *load)
{
	(void)save;
	(void)load;
}

void arch_fpu_init_state(void *area)
{
	memset(area, 0, 512);
}

/* TASK_REGS on the host: the frame's instruction and stack pointers and
 * rax stand for the whole; the checks are the real ones' address rules. */
void arch_regs_get(const struct task *t, struct vx_regs *r, bool fpu)
{
	memset(r, 0, fpu ? sizeof(*r) : VX_REGS_INT_BYTES);
	r->rip = t->regs.rip;
	r->rsp = t->regs.rsp;
	r->rax = t->regs.rax;
	r->fs_base = t->fs_base;
	r->flags = t->foreign ? VX_REGS_FOREIGN : 0;
}

int arch_regs_check(const struct vx_regs *r, bool fpu)
{
	(void)fpu;
	if (r->rip >= VX_MAP_END || r->rsp >= VX_USER_END || r->fs_base >= VX_USER_END)
		return VX_E_RANGE;
	return (r->flags & ~VX_REGS_FOREIGN) ? VX_E_INVAL : VX_OK;
}

void arch_regs_set(struct task *t, const struct vx_regs *r, bool fpu)
{
	(void)fpu;
	t->regs.rip = r->rip;
	t->regs.rsp = r->rsp;
	t->regs.rax = r->rax;
	t->fs_base = r->fs_base;
	t->foreign = (r->flags & VX_REGS_FOREIGN) != 0;
}

void arch_fs_switch(struct cpu *c, uint64_t fs_base)
{
	(void)c;
	(void)fs_base;
}

/* Called from task_destroy: the Task's record must still be queued for
 * destruction (a zombie), never already released. */
void arch_fpu_forget(struct task *t)
{
	karch_stack_probe();
	karch.fpu_forget++;
	if (t->obj->state == KOBJ_DEAD)
		karch.fpu_forget_dead++;
}

void arch_frame_init_user(struct trapframe *tf, uint64_t ip, uint64_t sp, uint64_t arg)
{
	memset(tf, 0, sizeof(*tf));
	tf->rip = ip;
	tf->rsp = sp;
	tf->rsi = arg;
	tf->cs = USER_CS;
	tf->ss = USER_DS;
}

/* ----------------------------------------------------------------- time */

uint64_t timer_now_ns(void)
{
	return karch.now_ns;
}

uint64_t tsc_to_ns(uint64_t ticks)
{
	return ticks;
}

/* ------------------------------------------------------------ user copy */

static void *in_window(uint64_t uaddr, size_t n)
{
	uint64_t base = (uint64_t)(uintptr_t)karch.uwin;

	if (!karch.uwin || uaddr < base || n > karch.uwin_len || uaddr - base > karch.uwin_len - n)
		return NULL;
	return (void *)(uintptr_t)uaddr;
}

int copy_in(void *dst, uint64_t usrc, size_t n)
{
	void *p;

	karch_stack_probe();
	if (n == 0)
		return VX_OK;
	if (!(p = in_window(usrc, n)))
		return VX_E_FAULT;
	memcpy(dst, p, n);
	return VX_OK;
}

int copy_out(uint64_t udst, const void *src, size_t n)
{
	void *p;

	karch_stack_probe();
	if (n == 0)
		return VX_OK;
	if (!(p = in_window(udst, n)))
		return VX_E_FAULT;
	memcpy(p, src, n);
	return VX_OK;
}

/* syscall.c's end of a call, which ring.c's fastpath uses when it runs a
 * decoded RING_NOTIFY_WAIT the ordinary way.  The model calls the handlers
 * themselves and never enters through the fastpath, so reaching this is a
 * model bug. */
struct trapframe *syscall_finish(struct trapframe *tf, int64_t r)
{
	(void)tf;
	(void)r;
	abort();
}

/* ------------------------------------------------------------------ SMP */

/* One CPU: there is never another to tell, and no other CPU holds a
 * translation. */
void arch_send_resched(unsigned cpu)
{
	(void)cpu;
}

void tlb_shootdown(uint64_t root_pa, uint64_t va, uint64_t bytes)
{
	(void)root_pa;
	(void)va;
	(void)bytes;
}

void tlb_service(void)
{
}

struct klock klock;

/* The kernel lock's two waits: one thread runs here, so a writer found
 * up, or a shared holder found in, would never go, and a test has a bug. */
void klock_exclude_shared(void)
{
	klock.writer = 1;
	for (unsigned i = 0; i < ncpus; i++)
		if (cpus[i].klock_shared)
			panic("kernel_lock: CPU %u holds it shared, and one thread runs", i);
}

void klock_shared_wait(uint32_t *mine)
{
	(void)mine;
	panic("klock_shared_in: a writer holds the lock, and one thread runs");
}

/* A small lock found held (lock.c waits for it): the host model runs one
 * thread, so nobody could ever free it, and the model has a bug. */
void spin_hold_contended(uint32_t *l)
{
	panic("spin_hold: lock %p already held, and one thread runs", (void *)l);
}

void lapic_timer_idle(bool idle)
{
	(void)idle;
}

/* The IOMMU: the host model has none, so IoSpaces there are unconfined
 * (no table is ever written and nothing is ever flushed). */
bool iommu_present(void)
{
	return false;
}
unsigned iommu_levels(void)
{
	return 3;
}
void iommu_attach(uint16_t bdf, uint16_t domain, uint64_t root_pa)
{
	(void)bdf, (void)domain, (void)root_pa;
}
void iommu_flush(uint16_t domain)
{
	(void)domain;
}
void iommu_sync(const void *p, size_t n)
{
	(void)p, (void)n;
}

/* No interrupt ever fires on the host. */
uint64_t device_irq_count(uint64_t range)
{
	(void)range;
	return 0;
}
