/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Recording stubs for the kernel functions cap.c and reticle.c call (see
 * kcore_stubs.h).  Host pointers stand in for physical addresses (the
 * VX_HOST seam in kernel/arch/x86_64/arch.h), so task_of and copy_out work
 * on plain host memory.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "kcore_stubs.h"

struct cpu cpus[MAX_CPUS];
unsigned ncpus = 1;
struct cpu_info cpuinfo;
struct kstub_state kstub;

void kstub_reset(void)
{
	memset(&kstub, 0, sizeof(kstub));
	memset(&cpus[0], 0, sizeof(cpus[0]));
}

static void log_destroyed(struct kobj *o)
{
	if (kstub.ndestroyed < KSTUB_LOG_MAX)
		kstub.destroyed[kstub.ndestroyed] = o;
	kstub.ndestroyed++;
}

void kprintf(const char *fmt, ...)
{
	va_list ap;

	kstub.kprintf++;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

_Noreturn void panic(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "KERNEL PANIC (host test): ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	fflush(stderr);
	abort();
}

void task_init(struct kobj *o)
{
	kstub.task_init++;
}

bool task_destroy(struct kobj *o)
{
	kstub.task_destroy++;
	log_destroyed(o);
	return true;
}

void task_unmap_pages(struct task *t, uint64_t va, uint64_t bytes)
{
	if (kstub.nunmap < KSTUB_LOG_MAX)
		kstub.unmap[kstub.nunmap] = (struct kstub_unmap){t, va, bytes};
	kstub.nunmap++;
}

void ring_init(struct kobj *o, uint64_t arg)
{
	kstub.ring_init++;
	kstub.ring_init_arg = arg;
}

void ring_destroy(struct kobj *o)
{
	kstub.ring_destroy++;
	log_destroyed(o);
}

uint32_t ring_inspect_state(struct kobj *o)
{
	kstub.ring_inspect_state++;
	return kstub.ring_ends;
}

void ring_unbind_cap(struct cap *c)
{
	if (kstub.nunbound < KSTUB_LOG_MAX)
		kstub.unbound[kstub.nunbound] = c;
	kstub.nunbound++;
	if (kstub.on_unbind)
		kstub.on_unbind(c);
}

void bundle_init(struct kobj *o)
{
	kstub.bundle_init++;
}

void bundle_destroy(struct kobj *o)
{
	kstub.bundle_destroy++;
	log_destroyed(o);
}

bool preempt_due(void)
{
	kstub.preempt_calls++;
	return kstub.preempt_always != 0;
}

int copy_out(uint64_t udst, const void *src, size_t n)
{
	kstub.copy_out++;
	if (kstub.copy_out_fault)
		return VX_E_FAULT;
	memcpy((void *)(uintptr_t)udst, src, n);
	return VX_OK;
}

/* IoSpace: the unit tests make none, so no cap is ever IO-mapped and no
 * IoSpace is ever destroyed. */
void iospace_unmap_cap(struct cap *c)
{
	(void)c;
	abort();
}

void iospace_destroy(struct kobj *o)
{
	(void)o;
	abort();
}

struct cap **iospace_mapping_head(struct cap *c)
{
	(void)c;
	abort();
}

/* No interrupt ever fires on the host. */
uint64_t device_irq_count(uint64_t range)
{
	(void)range;
	return 0;
}

/* A small lock found held (RETICLE_INFO, a shared retype or derive): one
 * thread runs here, so nobody could ever free it, and a test has a bug. */
void spin_hold_contended(uint32_t *l)
{
	panic("spin_hold: lock %p already held, and one thread runs", (void *)l);
}
