/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ktest: the in-OS kernel test suite.  It runs as the root Task of the test
 * image, holds every boot capability, and exercises every syscall, each
 * hostile case by name with its documented error.  Output is TAP on the
 * serial console; the last act is a write to the isa-debug-exit port
 * (value 0: all passed, 1: something failed), so tests/qemu sees the verdict
 * in QEMU's exit status.
 *
 * Every test runs inside its own child Reticle split from ram0 and deletes
 * it at the end; the harness checks that ram0's free bytes afterwards equal
 * those before (no Reticle memory leaked), as xv6's usertests does with
 * countfree.
 */
#include "ktest.h"

const struct vx_bundle_page *boot;
vx_handle_t self, ram0, io, irqs, devmem, child_sig, msi, pci;
const void *bootimg;
size_t bootimg_len;
vx_handle_t R;
int failures_in_test;
bool icount;
static bool bigmem; /* booted with -m 6G: "bigmem" on the kernel command line */
static bool stress; /* "stress": the SMP tests' long runs */
static int npass, nfail, ntest;
/* "only=PREFIX" on the kernel command line: run only the tests whose name
 * starts with PREFIX (a quick way to rerun one finding's tests). */
static char only[32];

static uint64_t ram0_free(void)
{
	struct vx_reticle_info info;
	if (vx_reticle_info(ram0, &info) < 0)
		return 0;
	return info.free;
}

void run(const char *name, void (*fn)(void))
{
	if (only[0] && strncmp(name, only, strlen(only)) != 0)
		return;
	uint64_t before = ram0_free();
	int64_t r = vx_reticle_split(ram0, TEST_RET_BYTES);

	ntest++;
	failures_in_test = 0;
	if (r < 0) {
		vx_printf("not ok %d - %s: cannot split a test Reticle (%ld)\n", ntest, name,
			  (long)r);
		nfail++;
		return;
	}
	R = (vx_handle_t)r;
	fn();
	/* Revoke, then reset: a test may hold caps derived from R, and an
	 * object inside R may hold a capability to R itself (a Bundle slot,
	 * say); either would keep R alive. */
	vx_cap_revoke(R);
	vx_reticle_reset(R);
	vx_cap_delete(R);
	uint64_t after = ram0_free();
	if (after != before) {
		vx_printf("#   leak: ram0 free %lu before, %lu after\n", (unsigned long)before,
			  (unsigned long)after);
		failures_in_test++;
	}
	if (failures_in_test) {
		vx_printf("not ok %d - %s\n", ntest, name);
		nfail++;
	} else {
		vx_printf("ok %d - %s\n", ntest, name);
		npass++;
	}
}

/* The CPUs online: CLOCK answers for each (1 + n) and VX_E_RANGE past
 * the last. */
unsigned cpus_online(void)
{
	unsigned n = 0;

	while (n < 64 && vx_syscall1(VX_SYS_CLOCK, 1 + (uint64_t)n) >= 0)
		n++;
	return n;
}

vx_handle_t must(int64_t r, int line)
{
	if (r < 0) {
		vx_printf("#   setup failed with %ld at line %d\n", (long)r, line);
		failures_in_test++;
		return 0;
	}
	return (vx_handle_t)r;
}

/* ---------------------------------------------------------------- caps */

static void t_invalid_handle(void)
{
	struct vx_cap_info info;
	EXPECT_EQ(vx_cap_inspect(0, &info), VX_E_BADHANDLE);
	EXPECT_EQ(vx_cap_inspect(VX_HANDLE_MAKE(0, 5), &info), VX_E_BADHANDLE);
	EXPECT_EQ(vx_cap_inspect(VX_HANDLE_MAKE(7, 0), &info), VX_E_BADHANDLE);
	EXPECT_EQ(vx_syscall2(VX_SYS_CAP_INSPECT, 1ull << 40, (uint64_t)(uintptr_t)&info),
		  VX_E_BADHANDLE);
	EXPECT_EQ(vx_cap_inspect(VX_HANDLE_MAKE(250, 77), &info), VX_E_STALE);
	EXPECT_EQ(vx_cap_delete(VX_HANDLE_MAKE(250, 77)), VX_E_STALE);
}

static void t_stale_handle_after_reuse(void)
{
	struct vx_cap_info info;
	vx_handle_t a = MUST(vx_cap_derive(R, VX_R_READ, 0));
	EXPECT_EQ(vx_cap_delete(a), VX_OK);
	vx_handle_t b = MUST(vx_cap_derive(R, VX_R_READ, 0));
	EXPECT_EQ(VX_HANDLE_INDEX(a), VX_HANDLE_INDEX(b)); /* the slot was reused */
	EXPECT(a != b);
	EXPECT_EQ(vx_cap_inspect(a, &info), VX_E_STALE);
	EXPECT_EQ(vx_cap_delete(a), VX_E_STALE);
	EXPECT_EQ(vx_cap_inspect(b, &info), VX_OK);
	EXPECT_EQ(info.type, VX_OBJ_RETICLE);
	EXPECT_EQ(vx_cap_delete(b), VX_OK);
}

static void t_wrong_type(void)
{
	vx_handle_t mem = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	struct vx_ring_info ri;
	EXPECT_EQ(vx_task_map(mem, mem, SCRATCH_VA, VX_PROT_READ), VX_E_TYPE);
	EXPECT_EQ(vx_ring_bind(mem, VX_RING_PRODUCER, SCRATCH_VA, 3, &ri), VX_E_TYPE);
	EXPECT_EQ(vx_reticle_retype(mem, VX_OBJ_MEM, 1), VX_E_TYPE);
	EXPECT_EQ(vx_sig_raise(mem, 1), VX_E_TYPE);
	EXPECT_EQ(vx_task_start(self, mem), VX_E_TYPE);
}

static void t_widen_rights(void)
{
	vx_handle_t mem = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	vx_handle_t ro = MUST(vx_cap_derive(mem, VX_R_READ, 0));
	struct vx_cap_info info;
	EXPECT_EQ(vx_cap_derive(ro, VX_R_READ | VX_R_WRITE, 0), VX_E_RIGHTS);
	EXPECT_EQ(vx_cap_derive(ro, 0x80, 0), VX_E_RIGHTS);
	EXPECT_EQ(vx_task_map(self, ro, SCRATCH_VA, VX_PROT_READ | VX_PROT_WRITE), VX_E_RIGHTS);
	EXPECT_EQ(vx_cap_inspect(ro, &info), VX_OK);
	EXPECT_EQ(info.rights, VX_R_READ);
	/* A Signal cap for bit 5 cannot become one for bits 5 and 6. */
	vx_handle_t sig = MUST(vx_sig_mint(self, 1ull << 5));
	EXPECT_EQ(vx_cap_derive(sig, VX_R_GRANT, (1ull << 5) | (1ull << 6)), VX_E_RIGHTS);
	/* An I/O-port cap for COM1 cannot reach the PIC. */
	vx_handle_t com1 = MUST(vx_cap_derive(io, VX_R_READ | VX_R_WRITE, 0x3f8 | (8ull << 32)));
	EXPECT_EQ(vx_cap_derive(com1, VX_R_READ, 0x20 | (2ull << 32)), VX_E_RIGHTS);
	EXPECT_EQ(vx_port_in(com1, 0x21, 1), VX_E_RANGE);
	EXPECT_EQ(vx_port_in(com1, 0x3ff, 2), VX_E_RANGE);
	EXPECT_EQ(vx_port_in(com1, 0x3f8, 3), VX_E_INVAL);
	EXPECT(vx_port_in(com1, 0x3fd, 1) >= 0);
	vx_cap_delete(sig);
	vx_cap_delete(com1);
}

static void t_revoke(void)
{
	vx_handle_t mem = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	vx_handle_t a = MUST(vx_cap_derive(mem, VX_R_ALL, 0));
	vx_handle_t b = MUST(vx_cap_derive(a, VX_R_READ | VX_R_GRANT, 0));
	vx_handle_t c = MUST(vx_cap_derive(b, VX_R_READ, 0));
	struct vx_cap_info info;
	EXPECT_EQ(vx_task_map(self, c, SCRATCH_VA, VX_PROT_READ), VX_OK);
	EXPECT_EQ(vx_cap_revoke(a), 2);
	EXPECT_EQ(vx_cap_inspect(b, &info), VX_E_STALE);
	EXPECT_EQ(vx_cap_inspect(c, &info), VX_E_STALE);
	EXPECT_EQ(vx_cap_inspect(a, &info), VX_OK);
	EXPECT_EQ(vx_cap_inspect(mem, &info), VX_OK);
	/* The mapping made through c went with it: the address is free again. */
	EXPECT_EQ(vx_task_map(self, a, SCRATCH_VA, VX_PROT_READ), VX_OK);
	EXPECT_EQ(vx_task_unmap(a), VX_OK);
	EXPECT_EQ(vx_task_unmap(a), VX_E_STATE);
}

/* ------------------------------------------------------------- reticle */

static void t_retype_beyond_capacity(void)
{
	vx_handle_t small = MUST(vx_reticle_split(R, 16 * 4096));
	struct vx_reticle_info info;
	EXPECT_EQ(vx_reticle_retype(small, VX_OBJ_MEM, 64), VX_E_NOMEM);
	EXPECT_EQ(vx_reticle_retype(small, VX_OBJ_MEM, 0), VX_E_INVAL);
	EXPECT_EQ(vx_reticle_retype(small, 99, 1), VX_E_INVAL);
	EXPECT_EQ(vx_reticle_retype(small, VX_OBJ_RING, VX_RING_ARG(13, 2)), VX_E_INVAL);
	EXPECT_EQ(vx_reticle_split(small, 1000), VX_E_ALIGN);
	EXPECT_EQ(vx_reticle_info(small, &info), VX_OK);
	uint64_t free0 = info.free;
	int n = 0;
	while (vx_reticle_retype(small, VX_OBJ_MEM, 1) >= 0)
		n++;
	EXPECT(n >= 10 && n <= 16);
	EXPECT_EQ(vx_reticle_retype(small, VX_OBJ_MEM, 1), VX_E_NOMEM);
	EXPECT_EQ(vx_reticle_reset(small), VX_OK);
	EXPECT_EQ(vx_reticle_info(small, &info), VX_OK);
	EXPECT_EQ(info.free, free0);
	EXPECT_EQ(info.objects, 0);
}

static void t_use_after_reset(void)
{
	vx_handle_t mem = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 2));
	vx_handle_t ring = MUST(vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(6, 4)));
	vx_handle_t task = MUST(vx_reticle_retype(R, VX_OBJ_TASK, 0));
	struct vx_cap_info info;
	EXPECT_EQ(vx_task_map(self, mem, SCRATCH_VA, VX_PROT_READ | VX_PROT_WRITE), VX_OK);
	*(volatile uint64_t *)SCRATCH_VA = 1;
	EXPECT_EQ(vx_reticle_reset(R), VX_OK);
	EXPECT_EQ(vx_cap_inspect(mem, &info), VX_E_STALE);
	EXPECT_EQ(vx_cap_inspect(ring, &info), VX_E_STALE);
	EXPECT_EQ(vx_task_start(task, 0), VX_E_STALE);
	/* The mapping died with the memory: the window can be reused. */
	vx_handle_t again = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	EXPECT_EQ(vx_task_map(self, again, SCRATCH_VA, VX_PROT_READ), VX_OK);
	EXPECT_EQ(*(volatile uint64_t *)SCRATCH_VA, 0); /* fresh memory is zeroed */
}

static void t_split_depth(void)
{
	vx_handle_t r = R;
	int depth = 1;
	int64_t n;
	uint64_t size = TEST_RET_BYTES / 2;
	while ((n = vx_reticle_split(r, size)) >= 0) {
		r = (vx_handle_t)n;
		size /= 2;
		depth++;
	}
	EXPECT_EQ(n, VX_E_DEPTH);
	EXPECT_EQ(depth, 8);
}

/* ------------------------------------------------------ user pointers */

static void t_kernel_pointer(void)
{
	EXPECT_EQ(vx_syscall2(VX_SYS_RETICLE_INFO, R, 0xffffffff80100000ull), VX_E_FAULT);
	EXPECT_EQ(vx_syscall2(VX_SYS_RETICLE_INFO, R, 0xffff800000001000ull), VX_E_FAULT);
	EXPECT_EQ(vx_syscall2(VX_SYS_RETICLE_INFO, R, 0x00007ffffffffff0ull), VX_E_FAULT);
	EXPECT_EQ(vx_console_write(io, (const void *)0xffffffff80100000ull, 16), VX_E_FAULT);
}

static void t_unmapped_pointer(void)
{
	EXPECT_EQ(vx_syscall2(VX_SYS_RETICLE_INFO, R, 0x500000000ull), VX_E_FAULT);
	EXPECT_EQ(vx_syscall2(VX_SYS_TASK_INSPECT, self, 0x8), VX_E_FAULT);
	EXPECT_EQ(vx_console_write(io, (const void *)0x500000000ull, 4), VX_E_FAULT);
}

static void t_straddling_pointer(void)
{
	vx_handle_t mem = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	EXPECT_EQ(vx_task_map(self, mem, SCRATCH_VA, VX_PROT_READ | VX_PROT_WRITE), VX_OK);
	/* 40 bytes starting 8 bytes before the end of the only mapped page. */
	uint64_t p = SCRATCH_VA + 4096 - 8;
	EXPECT_EQ(vx_syscall2(VX_SYS_RETICLE_INFO, R, p), VX_E_FAULT);
	EXPECT_EQ(vx_console_write(io, (const void *)(SCRATCH_VA + 4000), 200), VX_E_FAULT);
	EXPECT_EQ(vx_syscall2(VX_SYS_RETICLE_INFO, R, SCRATCH_VA + 4096 - 40), VX_OK);
}

static void t_wrapping_pointer(void)
{
	EXPECT_EQ(vx_console_write(io, (const void *)0xfffffffffffff000ull, 0x2000), VX_E_RANGE);
	vx_handle_t b = MUST(vx_reticle_retype(R, VX_OBJ_BUNDLE, 0));
	EXPECT_EQ(vx_syscall5(VX_SYS_BUNDLE_ADD, b, 0xfffffffffffffff0ull, 20, R, VX_R_READ),
		  VX_E_RANGE);
}

static void t_readonly_destination(void)
{
	/* The Bundle page is mapped read-only: the kernel must not write it. */
	EXPECT_EQ(vx_syscall2(VX_SYS_RETICLE_INFO, R, VX_BUNDLE_VADDR), VX_E_FAULT);
	EXPECT_EQ(boot->magic, VX_BUNDLE_MAGIC);
}

/* ---------------------------------------------------------------- maps */

static void t_map_rules(void)
{
	vx_handle_t mem = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 2));
	vx_handle_t other = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	EXPECT_EQ(vx_task_map(self, mem, SCRATCH_VA + 1, VX_PROT_READ), VX_E_ALIGN);
	EXPECT_EQ(vx_task_map(self, mem, 0, VX_PROT_READ), VX_E_RANGE);
	EXPECT_EQ(vx_task_map(self, mem, 0xffffffff80000000ull, VX_PROT_READ), VX_E_RANGE);
	EXPECT_EQ(vx_task_map(self, mem, 0x00007ffffffff000ull, VX_PROT_READ), VX_E_RANGE);
	EXPECT_EQ(vx_task_map(self, mem, SCRATCH_VA, VX_PROT_READ | VX_PROT_WRITE | VX_PROT_EXEC),
		  VX_E_INVAL);
	EXPECT_EQ(vx_task_map(self, mem, SCRATCH_VA, VX_PROT_WRITE), VX_E_INVAL);
	EXPECT_EQ(vx_task_map(self, mem, SCRATCH_VA, VX_PROT_READ), VX_OK);
	EXPECT_EQ(vx_task_map(self, mem, SCRATCH_VA + 0x10000, VX_PROT_READ), VX_E_EXISTS);
	EXPECT_EQ(vx_task_map(self, other, SCRATCH_VA + 4096, VX_PROT_READ), VX_E_EXISTS);
	EXPECT_EQ(vx_task_unmap(mem), VX_OK);
	EXPECT_EQ(vx_task_map(self, other, SCRATCH_VA + 4096, VX_PROT_READ), VX_OK);
}

/* ---------------------------------------------------------------- ring */

static void t_ring_bind_wrong_right(void)
{
	vx_handle_t ring = MUST(vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(6, 4)));
	vx_handle_t cons = MUST(vx_cap_derive(ring, VX_R_CONSUME, 0));
	struct vx_ring_info ri;
	EXPECT_EQ(vx_ring_bind(cons, VX_RING_PRODUCER, SCRATCH_VA, 3, &ri), VX_E_RIGHTS);
	EXPECT_EQ(vx_ring_bind(cons, 7, SCRATCH_VA, 3, &ri), VX_E_INVAL);
	EXPECT_EQ(vx_ring_bind(cons, VX_RING_CONSUMER, SCRATCH_VA, 64, &ri), VX_E_INVAL);
	EXPECT_EQ(vx_ring_bind(cons, VX_RING_CONSUMER, SCRATCH_VA, 3, (void *)0x8), VX_E_FAULT);
	EXPECT_EQ(vx_ring_bind(cons, VX_RING_CONSUMER, SCRATCH_VA, 3, &ri), VX_OK);
	EXPECT_EQ(vx_ring_bind(ring, VX_RING_CONSUMER, SCRATCH_VA + 0x100000, 3, &ri), VX_E_EXISTS);
	EXPECT_EQ(vx_ring_send_cap(cons, R, VX_R_READ), VX_E_RIGHTS);
	EXPECT_EQ(vx_ring_unbind(cons), VX_OK);
	EXPECT_EQ(vx_ring_unbind(cons), VX_E_STATE);
	EXPECT_EQ(vx_ring_notify(cons), VX_E_STATE);
}

static void t_ring_scribbler(void)
{
	vx_handle_t ring = MUST(vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(6, 3)));
	struct vx_ring_info pi, ci;
	struct vx_ring prod, cons;
	uint8_t msg[64] = {1, 2, 3}, buf[64];
	size_t len;
	vx_handle_t ring2 = MUST(vx_cap_derive(ring, VX_R_CONSUME, 0));
	EXPECT_EQ(vx_ring_bind(ring, VX_RING_PRODUCER, SCRATCH_VA, 3, &pi), VX_OK);
	EXPECT_EQ(vx_ring_bind(ring2, VX_RING_CONSUMER, SCRATCH_VA + 0x100000, 4, &ci), VX_OK);
	vx_ring_init(&prod, &pi, ring);
	vx_ring_init(&cons, &ci, ring2);
	volatile size_t too_long = sizeof(msg) + 1; /* not a constant the inline copy could see */
	EXPECT_EQ(vx_ring_try_send(&prod, msg, too_long), VX_E_TOOBIG);
	EXPECT_EQ(vx_ring_try_send(&prod, msg, sizeof(msg)), VX_OK);
	EXPECT_EQ(vx_ring_try_recv(&cons, buf, sizeof(buf), &len), VX_OK);
	EXPECT_EQ(buf[2], 3);
	volatile struct vx_ring_ctl *ctl = (volatile struct vx_ring_ctl *)(uintptr_t)pi.vaddr;
	/* The producer scribbles: head far ahead, geometry rewritten. */
	ctl->head = ctl->tail + 1000;
	ctl->slot_count = 1u << 30;
	ctl->slot_size = 1u << 30;
	EXPECT_EQ(vx_ring_try_recv(&cons, buf, sizeof(buf), &len), VX_E_CORRUPT);
	/* The consumer scribbles: tail past head. */
	ctl->head = 5;
	ctl->tail = 9;
	EXPECT_EQ(vx_ring_try_send(&prod, msg, sizeof(msg)), VX_E_CORRUPT);
}

static void t_ring_transfer(void)
{
	vx_handle_t ring = MUST(vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(6, 3)));
	vx_handle_t mem = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	struct vx_cap_info info;
	EXPECT_EQ(vx_ring_recv_cap(ring), VX_E_EMPTY);
	EXPECT_EQ(vx_ring_send_cap(ring, mem, VX_R_READ | VX_R_WRITE), 0);
	for (int i = 1; i < 16; i++)
		EXPECT_EQ(vx_ring_send_cap(ring, mem, VX_R_READ), i);
	EXPECT_EQ(vx_ring_send_cap(ring, mem, VX_R_READ), VX_E_FULL);
	vx_handle_t noGrant = MUST(vx_cap_derive(mem, VX_R_READ, 0));
	EXPECT_EQ(vx_ring_send_cap(ring, noGrant, VX_R_READ), VX_E_RIGHTS);
	int64_t h = vx_ring_recv_cap(ring);
	EXPECT(h > 0);
	EXPECT_EQ(vx_cap_inspect((vx_handle_t)h, &info), VX_OK);
	EXPECT_EQ(info.type, VX_OBJ_MEM);
	EXPECT_EQ(info.rights, VX_R_READ | VX_R_WRITE);
	for (int i = 1; i < 16; i++)
		EXPECT(vx_ring_recv_cap(ring) > 0);
	EXPECT_EQ(vx_ring_recv_cap(ring), VX_E_EMPTY);
}

/* CAP_INSPECT of a Ring reports its bound ends and, from bit 8, how many
 * capabilities wait in its transfer queue (init's back-pressure reads it). */
static void t_ring_inspect_queue_count(void)
{
	vx_handle_t ring = MUST(vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(6, 3)));
	vx_handle_t mem = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	struct vx_cap_info info;
	struct vx_ring_info ri;

	EXPECT_EQ(vx_cap_inspect(ring, &info), VX_OK);
	EXPECT_EQ(info.ring_state, 0);
	for (int i = 0; i < 5; i++)
		EXPECT_EQ(vx_ring_send_cap(ring, mem, VX_R_READ), i);
	EXPECT_EQ(vx_ring_bind(ring, VX_RING_CONSUMER, SCRATCH_VA, 5, &ri), VX_OK);
	EXPECT_EQ(vx_cap_inspect(ring, &info), VX_OK);
	EXPECT_EQ(info.ring_state, (5u << 8) | VX_RING_BOUND_CONSUMER);
	EXPECT(vx_ring_recv_cap(ring) > 0);
	EXPECT_EQ(vx_cap_inspect(ring, &info), VX_OK);
	EXPECT_EQ(info.ring_state >> 8, 4);
	EXPECT_EQ(vx_ring_unbind(ring), VX_OK);
}

static void t_ring_hangup_and_arrival(void)
{
	vx_handle_t ring = MUST(vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(6, 2)));
	vx_handle_t cons = MUST(vx_cap_derive(ring, VX_R_CONSUME, 0));
	vx_handle_t mem = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	struct vx_ring_info pi, ci;
	EXPECT_EQ(vx_ring_bind(ring, VX_RING_PRODUCER, SCRATCH_VA, 10, &pi), VX_OK);
	volatile struct vx_ring_ctl *ctl = (volatile struct vx_ring_ctl *)(uintptr_t)pi.vaddr;
	EXPECT_EQ(ctl->bound & 3u, VX_RING_BOUND_PRODUCER);
	EXPECT_EQ(vx_ring_bind(cons, VX_RING_CONSUMER, SCRATCH_VA + 0x100000, 11, &ci), VX_OK);
	EXPECT_EQ(ctl->bound & 3u, VX_RING_BOUND_PRODUCER | VX_RING_BOUND_CONSUMER);
	EXPECT_EQ(VX_RING_PRODUCER_BINDS(ctl->bound), 1); /* binds are counted */
	/* A capability arriving wakes the consumer. */
	EXPECT_EQ(vx_ring_send_cap(ring, mem, VX_R_READ), 0);
	EXPECT_EQ(vx_sig_wait(1ull << 11, VX_DEADLINE_NONE), (int64_t)(1ull << 11));
	/* The consumer goes away (its cap dies): the producer is told. */
	EXPECT_EQ(vx_cap_delete(cons), VX_OK);
	EXPECT_EQ(ctl->bound & 3u, VX_RING_BOUND_PRODUCER);
	EXPECT_EQ(vx_sig_wait(1ull << 10, VX_DEADLINE_NONE), (int64_t)(1ull << 10));
}

/* -------------------------------------------------------------- signal */

static void t_signal_without_cap(void)
{
	vx_handle_t sig = MUST(vx_sig_mint(self, SIG_TEST));
	vx_handle_t mem = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	EXPECT_EQ(vx_sig_raise(mem, SIG_TEST), VX_E_TYPE);
	EXPECT_EQ(vx_sig_raise(VX_HANDLE_MAKE(251, 9), SIG_TEST), VX_E_STALE);
	EXPECT_EQ(vx_sig_raise(sig, SIG_TEST << 1), VX_E_RIGHTS);
	EXPECT_EQ(vx_sig_raise(sig, 0), VX_E_INVAL);
	EXPECT_EQ(vx_sig_wait(SIG_TEST, VX_DEADLINE_NONE), 0);
	EXPECT_EQ(vx_sig_raise(sig, SIG_TEST), VX_OK);
	EXPECT_EQ(vx_sig_wait(SIG_TEST | (1ull << 9), VX_DEADLINE_NEVER), (int64_t)SIG_TEST);
	EXPECT_EQ(vx_sig_wait(SIG_TEST, VX_DEADLINE_NONE), 0); /* cleared by the wait */
	EXPECT_EQ(vx_sig_wait(0, VX_DEADLINE_NONE), VX_E_INVAL);
	EXPECT_EQ(vx_sig_wait(0, VX_DEADLINE_NEVER), VX_E_INVAL);
	EXPECT_EQ(vx_sig_mint(mem, 1), VX_E_TYPE);
	EXPECT_EQ(vx_sig_mint(self, 0), VX_E_INVAL);
	vx_cap_delete(sig);
}

static void t_signal_deadline(void)
{
	int64_t t0 = vx_clock();
	EXPECT_EQ(vx_sig_wait(1ull << 20, (uint64_t)t0 + 3 * MS), 0);
	EXPECT(vx_clock() - t0 >= (int64_t)(3 * MS));
	t0 = vx_clock(); /* an empty mask is a plain sleep */
	EXPECT_EQ(vx_sig_wait(0, (uint64_t)t0 + 2 * MS), 0);
	EXPECT(vx_clock() - t0 >= (int64_t)(2 * MS));
}

/* CLOCK(1 + n): CPU n's idle time grows while nothing runs, and a CPU
 * that is not online is VX_E_RANGE. */
static void t_clock_idle(void)
{
	int64_t before = 0, after = 0, n;
	uint32_t cpus = 0;

	while ((n = vx_clock_idle(cpus)) >= 0) {
		before += n;
		cpus++;
	}
	EXPECT_EQ(n, VX_E_RANGE);
	EXPECT(cpus >= 1);
	EXPECT_EQ(vx_clock_idle(1000), VX_E_RANGE);
	EXPECT_EQ(vx_clock_idle(UINT32_MAX), VX_E_RANGE);
	vx_sig_wait(0, (uint64_t)vx_clock() + 5 * MS);
	for (uint32_t i = 0; i < cpus; i++)
		after += vx_clock_idle(i);
	EXPECT(after > before);
}

/* -------------------------------------------------------------- bundle */

static void t_bundle_rules(void)
{
	const struct vx_bundle_entry *e;
	EXPECT_EQ(vx_bundle_find(boot, "no-such-slot", VX_OBJ_MEM, &e), VX_E_NOTFOUND);
	EXPECT_EQ(vx_bundle_find(boot, "self", VX_OBJ_MEM, &e), VX_E_TYPE);
	EXPECT_EQ(vx_bundle_find(boot, "self", VX_OBJ_TASK, &e), VX_OK);
	vx_handle_t b = MUST(vx_reticle_retype(R, VX_OBJ_BUNDLE, 0));
	EXPECT_EQ(vx_bundle_add(b, "Upper", 5, R, VX_R_READ), VX_E_INVAL);
	EXPECT_EQ(vx_bundle_add(b, "", 0, R, VX_R_READ), VX_E_INVAL);
	EXPECT_EQ(vx_bundle_add(b, "a-name-that-is-far-too-long-to-fit", 34, R, VX_R_READ),
		  VX_E_INVAL);
	EXPECT_EQ(vx_bundle_add(b, "bad\0", 4, R, VX_R_READ), VX_E_INVAL);
	EXPECT_EQ(vx_bundle_add(b, "ret", 3, R, VX_R_READ | VX_R_CONTROL | VX_R_GRANT), VX_OK);
	EXPECT_EQ(vx_bundle_add(b, "ret", 3, R, VX_R_READ), VX_E_EXISTS);
	vx_handle_t nogrant = MUST(vx_cap_derive(R, VX_R_READ, 0));
	EXPECT_EQ(vx_bundle_add(b, "x", 1, nogrant, VX_R_READ), VX_E_RIGHTS);
	EXPECT_EQ(vx_bundle_add(b, "y", 1, R, 0x7f), VX_OK);
	vx_cap_delete(nogrant);
}

/* ------------------------------------------------------ tasks, faults */

/* Builds the victim with args in sp->reticle, not yet started: its Task
 * and Bundle are sp->task and sp->bundle.  false (and a failed test) if it
 * cannot. */
bool load_victim(const char *args, struct vx_spawn *sp)
{
	const void *elf;
	size_t len;

	if (vx_bootimg_find(bootimg, bootimg_len, "victim", &elf, &len) != VX_OK ||
	    vx_spawn_load(sp, elf, len, 4, args) < 0) {
		EXPECT(!"cannot build the victim");
		return false;
	}
	return true;
}

/* Starts a loaded victim, supervised through SIG_CHILD; returns its Task. */
vx_handle_t start_victim(struct vx_spawn *sp)
{
	EXPECT_EQ(vx_task_supervise(sp->task, child_sig), VX_OK);
	EXPECT_EQ(vx_spawn_start(sp), VX_OK);
	return sp->task;
}

/* Spawns the victim with args into R, supervised through SIG_CHILD, with
 * extra Bundle entries names[i] = handles[i] (rights[i]), at priority prio
 * (0: leave it). */
vx_handle_t spawn_with(const char *args, unsigned n, const char *const names[],
		       const vx_handle_t handles[], const uint32_t rights[], uint32_t prio)
{
	struct vx_spawn sp = {.self = self, .reticle = R};

	if (!load_victim(args, &sp))
		return 0;
	for (unsigned i = 0; i < n; i++)
		EXPECT_EQ(
		    vx_bundle_add(sp.bundle, names[i], strlen(names[i]), handles[i], rights[i]),
		    VX_OK);
	if (prio)
		EXPECT_EQ(vx_task_set_prio(sp.task, prio), VX_OK);
	return start_victim(&sp);
}

/* The victim with args, and extra_ret (if any) as its "ret". */
vx_handle_t spawn_victim(const char *args, vx_handle_t extra_ret)
{
	static const char *const ret_name[] = {"ret"};
	static const uint32_t all[] = {VX_R_ALL};

	return spawn_with(args, extra_ret ? 1 : 0, ret_name, &extra_ret, all, 0);
}

static void expect_fault(const char *args, uint32_t kind, uint32_t code_mask, uint32_t code)
{
	struct vx_task_info ti;
	vx_handle_t t = spawn_victim(args, 0);
	int64_t got = vx_sig_wait(SIG_CHILD, (uint64_t)vx_clock() + CHILD_WAIT);
	EXPECT_EQ(got, (int64_t)SIG_CHILD);
	EXPECT_EQ(vx_task_inspect(t, &ti), VX_OK);
	EXPECT_EQ(ti.state, VX_TASK_FAULTED);
	EXPECT_EQ(ti.fault.kind, kind);
	EXPECT_EQ(ti.fault.code & code_mask, code);
	EXPECT(ti.fault.ip >= 0x400000 && ti.fault.ip < 0x80000000ull);
}

static void t_fault_null(void)
{
	expect_fault("null", VX_FAULT_PAGE, VX_PF_PRESENT | VX_PF_WRITE | VX_PF_USER,
		     VX_PF_WRITE | VX_PF_USER);
}
static void t_fault_write_ro(void)
{
	expect_fault("write_ro", VX_FAULT_PAGE, VX_PF_PRESENT | VX_PF_WRITE,
		     VX_PF_PRESENT | VX_PF_WRITE);
}
static void t_fault_exec_nx(void)
{
	struct vx_task_info ti;
	vx_handle_t t = spawn_victim("exec_nx", 0);
	EXPECT_EQ(vx_sig_wait(SIG_CHILD, (uint64_t)vx_clock() + CHILD_WAIT), (int64_t)SIG_CHILD);
	EXPECT_EQ(vx_task_inspect(t, &ti), VX_OK);
	EXPECT_EQ(ti.fault.kind, VX_FAULT_PAGE);
	EXPECT_EQ(ti.fault.code & (VX_PF_EXEC | VX_PF_PRESENT), VX_PF_EXEC | VX_PF_PRESENT);
	EXPECT_EQ(ti.fault.addr, ti.fault.ip); /* it faulted fetching its own ip */
}
static void t_fault_ud(void)
{
	expect_fault("ud", VX_FAULT_UD, 0, 0);
}
static void t_fault_gp(void)
{
	expect_fault("gp", VX_FAULT_GP, 0, 0);
}
static void t_fault_de(void)
{
	expect_fault("de", VX_FAULT_DE, 0, 0);
}
/* int3 is the one software interrupt a Task may run (its gate has DPL
 * 3): VX_FAULT_OTHER with the vector, ip past it.  Any other int N is a
 * #GP, the gate's refusal. */
static void t_fault_int3(void)
{
	expect_fault("int3", VX_FAULT_OTHER, 0xffffffffu, 3);
}
static void t_fault_int_n_gp(void)
{
	expect_fault("int80", VX_FAULT_GP, 0, 0);
}
static void t_fault_stack_overflow(void)
{
	struct vx_task_info ti;
	vx_handle_t t = spawn_victim("stack", 0);
	EXPECT_EQ(vx_sig_wait(SIG_CHILD, (uint64_t)vx_clock() + CHILD_WAIT), (int64_t)SIG_CHILD);
	EXPECT_EQ(vx_task_inspect(t, &ti), VX_OK);
	EXPECT_EQ(ti.fault.kind, VX_FAULT_PAGE);
	/* The fault is in the guard page just below the 4-page stack. */
	uint64_t guard = VX_SPAWN_STACK_TOP - 5 * 4096;
	EXPECT(ti.fault.addr >= guard && ti.fault.addr < guard + 4096);
}

static void t_exit_code(void)
{
	struct vx_task_info ti;
	vx_handle_t t = spawn_victim("exit 7", 0);
	EXPECT_EQ(vx_sig_wait(SIG_CHILD, (uint64_t)vx_clock() + CHILD_WAIT), (int64_t)SIG_CHILD);
	EXPECT_EQ(vx_task_inspect(t, &ti), VX_OK);
	EXPECT_EQ(ti.state, VX_TASK_EXITED);
	EXPECT_EQ(ti.fault.kind, VX_FAULT_EXIT);
	EXPECT_EQ(ti.fault.exit_code, 7);
	EXPECT_EQ(vx_task_resume(t), VX_E_STATE);
	EXPECT_EQ(vx_task_halt(t), VX_E_STATE);
}

static void t_spawn_bomb(void)
{
	struct vx_task_info ti;
	vx_handle_t small = MUST(vx_reticle_split(R, 64 * 4096));
	vx_handle_t t = spawn_victim("bomb", small);
	EXPECT_EQ(vx_sig_wait(SIG_CHILD, (uint64_t)vx_clock() + CHILD_WAIT), (int64_t)SIG_CHILD);
	EXPECT_EQ(vx_task_inspect(t, &ti), VX_OK);
	EXPECT_EQ(ti.state, VX_TASK_EXITED);
	/* 64 pages hold 7 Task objects (8 pages each, plus records). */
	EXPECT_EQ(ti.fault.exit_code, 7);
	struct vx_reticle_info ri;
	EXPECT_EQ(vx_reticle_info(small, &ri), VX_OK);
	EXPECT(ri.free < 8 * 4096 + 128);
	/* The rest of the system is untouched: ram0 still has room. */
	EXPECT(ram0_free() > (64ull << 20));
}

static void t_spinner_does_not_starve(void)
{
	struct vx_task_info ti;
	vx_handle_t t = spawn_victim("spin", 0);
	for (int i = 0; i < 3; i++) {
		int64_t t0 = vx_clock();
		EXPECT_EQ(vx_sig_wait(SIG_TEST, (uint64_t)t0 + 15 * MS), 0);
		EXPECT(vx_clock() - t0 < (int64_t)(1000 * MS));
	}
	EXPECT_EQ(vx_task_inspect(t, &ti), VX_OK);
	EXPECT_EQ(ti.state, VX_TASK_RUNNABLE);
	EXPECT(ti.cpu_ns > 0);
	EXPECT_EQ(vx_task_halt(t), VX_OK);
	EXPECT_EQ(vx_task_inspect(t, &ti), VX_OK);
	EXPECT_EQ(ti.state, VX_TASK_HALTED);
	EXPECT_EQ(vx_task_halt(t), VX_E_STATE);
	EXPECT_EQ(vx_task_resume(t), VX_OK);
	EXPECT_EQ(vx_task_halt(t), VX_OK);
}

static void t_fault_resume(void)
{
	struct vx_task_info ti;
	vx_handle_t t = spawn_victim("touch", 0);
	EXPECT_EQ(vx_sig_wait(SIG_CHILD, (uint64_t)vx_clock() + CHILD_WAIT), (int64_t)SIG_CHILD);
	EXPECT_EQ(vx_task_inspect(t, &ti), VX_OK);
	EXPECT_EQ(ti.state, VX_TASK_FAULTED);
	EXPECT_EQ(ti.fault.addr, 0x50000000);
	/* The supervisor repairs the address space and lets it go on. */
	vx_handle_t mem = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	EXPECT_EQ(vx_task_map(t, mem, 0x50000000, VX_PROT_READ | VX_PROT_WRITE), VX_OK);
	EXPECT_EQ(vx_task_resume(t), VX_OK);
	EXPECT_EQ(vx_sig_wait(SIG_CHILD, (uint64_t)vx_clock() + CHILD_WAIT), (int64_t)SIG_CHILD);
	EXPECT_EQ(vx_task_inspect(t, &ti), VX_OK);
	EXPECT_EQ(ti.state, VX_TASK_EXITED);
	EXPECT_EQ(ti.fault.exit_code, 0);
}

/* A child makes thousands of syscalls with hostile arguments against its
 * own small world (a Reticle, a Ring, a Mem, a Signal, itself); whatever it
 * does to itself, the kernel must stay up and every byte must come back. */
static void t_syscall_fuzz(void)
{
	static const char *const seeds[] = {"fuzz 1 20000", "fuzz 2 20000", "fuzz 3 20000",
					    "fuzz 4 20000"};
	for (unsigned k = 0; k < sizeof(seeds) / sizeof(seeds[0]); k++) {
		int64_t r = vx_reticle_split(R, 512 * 1024);
		if (r < 0) {
			EXPECT(r >= 0);
			return;
		}
		vx_handle_t small = (vx_handle_t)r;
		struct vx_spawn sp = {.self = self, .reticle = small};
		if (!load_victim(seeds[k], &sp))
			return;
		vx_handle_t inner = MUST(vx_reticle_split(small, 64 * 1024));
		vx_handle_t ring = MUST(vx_reticle_retype(small, VX_OBJ_RING, VX_RING_ARG(6, 2)));
		vx_handle_t mem = MUST(vx_reticle_retype(small, VX_OBJ_MEM, 2));
		vx_handle_t sig = MUST(vx_sig_mint(sp.task, 0xffff));
		vx_bundle_add(sp.bundle, "ret", 3, inner, VX_R_ALL);
		vx_bundle_add(sp.bundle, "ring", 4, ring, VX_R_ALL);
		vx_bundle_add(sp.bundle, "mem", 3, mem, VX_R_ALL);
		vx_bundle_add(sp.bundle, "sig", 3, sig, VX_R_ALL);
		vx_bundle_add(sp.bundle, "self", 4, sp.task, VX_R_ALL & ~VX_R_GRANT);
		start_victim(&sp);
		/* It ends by itself, stops itself, or runs out of time. */
		vx_sig_wait(SIG_CHILD, (uint64_t)vx_clock() + 1000 * MS);
		struct vx_task_info ti;
		if (vx_task_inspect(sp.task, &ti) == VX_OK)
			vx_printf("#   %s: state %u, fault kind %u, %lu us of CPU\n", seeds[k],
				  ti.state, ti.fault.kind, (unsigned long)(ti.cpu_ns / 1000));
		vx_reticle_reset(small);
		vx_cap_delete(small);
	}
	/* The kernel still answers, and correctly. */
	struct vx_reticle_info ri;
	EXPECT_EQ(vx_reticle_info(R, &ri), VX_OK);
	EXPECT_EQ(ri.objects, 0);
}

static void t_task_controls(void)
{
	vx_handle_t t = MUST(vx_reticle_retype(R, VX_OBJ_TASK, 0));
	vx_handle_t ro = MUST(vx_cap_derive(t, VX_R_READ, 0));
	struct vx_task_info ti;
	EXPECT_EQ(vx_task_start(t, 0), VX_E_STATE); /* no registers yet */
	EXPECT_EQ(vx_task_set_regs(t, 0xffffffff80000000ull, 0x1000, 0), VX_E_RANGE);
	EXPECT_EQ(vx_task_set_regs(ro, 0x400000, 0x1000, 0), VX_E_RIGHTS);
	EXPECT_EQ(vx_task_inspect(ro, &ti), VX_OK);
	EXPECT_EQ(ti.state, VX_TASK_NEW);
	EXPECT_EQ(vx_task_set_prio(t, VX_PRIO_MAX + 1), VX_E_INVAL);
	EXPECT_EQ(vx_task_set_prio(t, 3), VX_OK);
	EXPECT_EQ(vx_task_halt(t), VX_E_STATE);
	EXPECT_EQ(vx_task_resume(t), VX_E_STATE);
	EXPECT_EQ(vx_task_supervise(t, R), VX_E_TYPE);
	EXPECT_EQ(vx_task_yield(), VX_OK);
	EXPECT_EQ(vx_syscall0(999), VX_E_NOSYS);
	EXPECT_EQ(vx_syscall0(VX_SYS_COUNT), VX_E_NOSYS);
}

static void t_devices(void)
{
	vx_handle_t one = MUST(vx_cap_derive(irqs, VX_R_CONTROL, 4 | (1ull << 32)));
	vx_handle_t sig = MUST(vx_sig_mint(self, 1ull << 12));
	EXPECT_EQ(vx_irq_bind(one, 5, sig), VX_E_RANGE);
	EXPECT_EQ(vx_irq_bind(irqs, 0, sig), VX_E_RANGE); /* the timer is never handed out */
	EXPECT_EQ(vx_irq_bind(irqs, 2, sig), VX_E_INVAL);
	EXPECT_EQ(vx_irq_bind(irqs, VX_IRQ_IOAPIC_LINES, sig), VX_E_RANGE);
	EXPECT_EQ(vx_irq_ack(one, 4), VX_E_STATE);
	EXPECT_EQ(vx_irq_bind(one, 4, sig), VX_OK);
	EXPECT_EQ(vx_irq_ack(one, 4), VX_OK);
	EXPECT_EQ(vx_irq_bind(one, 4, 0), VX_OK);
	vx_handle_t noio = MUST(vx_cap_derive(io, VX_R_READ, 0x80 | (1ull << 32)));
	EXPECT_EQ(vx_console_write(noio, "x", 1), VX_E_RIGHTS);
	EXPECT_EQ(vx_console_write(io, "x", 5000), VX_E_TOOBIG);
	EXPECT_EQ(vx_port_out(noio, 0x80, 1, 0), VX_E_RIGHTS);
	/* The device Reticle hands out Mem only, by address. */
	EXPECT_EQ(vx_reticle_retype(devmem, VX_OBJ_TASK, 0), VX_E_TYPE);
	int64_t vga = vx_reticle_retype(devmem, VX_OBJ_MEM, (0x18ull << 32) | 1);
	EXPECT(vga > 0);
	EXPECT_EQ(vx_reticle_retype(devmem, VX_OBJ_MEM, (0x18ull << 32) | 1), VX_E_EXISTS);
	EXPECT_EQ(vx_reticle_retype(devmem, VX_OBJ_MEM, (0x100ull << 32) | 1), VX_E_RANGE);
	vx_cap_delete((vx_handle_t)vga);
	vx_cap_delete(one);
	vx_cap_delete(sig);
	vx_cap_delete(noio);
}

/* Page tables for ktest's own windows come from ram0 the first time a
 * window is used; make them exist before the first leak check. */
static void prefault_tables(void)
{
	static const uint64_t windows[] = {SCRATCH_VA, SCRATCH_VA + 0x100000, VX_SPAWN_SCRATCH_VA};
	int64_t mem = vx_reticle_retype(ram0, VX_OBJ_MEM, 1);

	for (unsigned i = 0; mem > 0 && i < sizeof(windows) / sizeof(windows[0]); i++) {
		vx_task_map(self, (vx_handle_t)mem, windows[i], VX_PROT_READ);
		vx_task_unmap((vx_handle_t)mem);
	}
	if (mem > 0)
		vx_cap_delete((vx_handle_t)mem);
}

static void finish(void)
{
	vx_printf("ktest: %d passed, %d failed\n", npass, nfail);
	vx_print_flush();
	vx_port_out(io, 0xf4, 1, nfail ? 1 : 0);
	vx_task_exit(nfail ? 1 : 0);
}

/* Is word one of the space-separated words of args? */
static bool has_word(const char *args, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = args; p && *p; p++)
		if ((p == args || p[-1] == ' ') && strncmp(p, word, n) == 0 &&
		    (p[n] == 0 || p[n] == ' '))
			return true;
	return false;
}

/* Booted with -m 6G ("bigmem"): the boot Reticles hold all usable RAM,
 * the part above 4 GiB too, and memory there works like any other. */
static void t_boot_reticles_cover_ram_above_4gib(void)
{
	struct vx_reticle_info ri;
	uint64_t total = 0;
	vx_handle_t high = 0;

	for (uint32_t i = 0; i < boot->count; i++) {
		const struct vx_bundle_entry *e = &boot->entry[i];
		if (e->type != VX_OBJ_RETICLE || strncmp(e->name, "ram", 3) != 0 ||
		    vx_reticle_info(e->handle, &ri) != VX_OK)
			continue;
		total += ri.size;
		if (ri.base >= (4ull << 30))
			high = e->handle;
	}
	/* 6 GiB, less the kernel, the boot modules and the first MiB. */
	EXPECT(total > (6ull << 30) - (64ull << 20) && total <= (6ull << 30));
	EXPECT(high != 0);
	if (!high)
		return;
	EXPECT_EQ(vx_reticle_info(high, &ri), VX_OK);
	EXPECT(ri.free >= (1ull << 30));
	/* 1 MiB from above 4 GiB (inside the page table ktest already has at
	 * SCRATCH_VA): mapped, written, read back. */
	uint64_t bytes = 1ull << 20;
	vx_handle_t m = MUST(vx_reticle_retype(high, VX_OBJ_MEM, bytes / VX_PAGE_SIZE));
	EXPECT_EQ(vx_task_map(self, m, SCRATCH_VA, VX_PROT_READ | VX_PROT_WRITE), VX_OK);
	volatile uint64_t *p = (volatile uint64_t *)SCRATCH_VA;
	for (uint64_t i = 0; i < bytes / 8; i += 64)
		p[i] = i * 2654435761u;
	uint64_t bad = 0;
	for (uint64_t i = 0; i < bytes / 8; i += 64)
		bad += p[i] != i * 2654435761u;
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(vx_task_unmap(m), VX_OK);
	EXPECT_EQ(vx_cap_delete(m), VX_OK);
}

int main(const struct vx_bundle_page *bundle, const char *args)
{
	const struct vx_bundle_entry *img;
	boot = bundle;
	/* The kernel command line: "icount" when QEMU counts instructions
	 * (deterministic guest time), so that timing bounds can be asserted. */
	icount = has_word(args, "icount");
	bigmem = has_word(args, "bigmem");
	stress = has_word(args, "stress");
	for (const char *p = args; p && *p; p++) {
		if ((p == args || p[-1] == ' ') && strncmp(p, "only=", 5) == 0) {
			size_t n = 0;
			for (p += 5; p[n] && p[n] != ' ' && n < sizeof(only) - 1; n++)
				only[n] = p[n];
			break;
		}
	}
	io = (vx_handle_t)vx_bundle_handle(bundle, "ioports", VX_OBJ_IOPORT);
	vx_print_init(io);
	self = (vx_handle_t)vx_bundle_handle(bundle, "self", VX_OBJ_TASK);
	ram0 = (vx_handle_t)vx_bundle_handle(bundle, "ram0", VX_OBJ_RETICLE);
	irqs = (vx_handle_t)vx_bundle_handle(bundle, "irqs", VX_OBJ_IRQ);
	devmem = (vx_handle_t)vx_bundle_handle(bundle, "devmem", VX_OBJ_RETICLE);
	msi = (vx_handle_t)vx_bundle_handle(bundle, "msi", VX_OBJ_IRQ);
	pci = (vx_handle_t)vx_bundle_handle(bundle, "pci", VX_OBJ_PCI);
	ktest_devices_probe();
	if (vx_bundle_find(bundle, "bootimg", VX_OBJ_MEM, &img) == VX_OK &&
	    vx_task_map(self, img->handle, 0x20000000, VX_PROT_READ) == VX_OK) {
		bootimg = (const void *)0x20000000;
		bootimg_len = img->size;
	}
	child_sig = (vx_handle_t)vx_sig_mint(self, SIG_CHILD);
	prefault_tables();
	vx_printf("ktest: the in-OS kernel test suite\n");

	run("cap_invalid_handle", t_invalid_handle);
	run("cap_stale_handle_after_delete_and_reuse", t_stale_handle_after_reuse);
	run("cap_wrong_object_type", t_wrong_type);
	run("cap_widen_rights_refused", t_widen_rights);
	run("cap_revoke_derived", t_revoke);
	run("reticle_retype_beyond_capacity", t_retype_beyond_capacity);
	run("reticle_use_after_reset", t_use_after_reset);
	run("reticle_split_depth_limit", t_split_depth);
	run("ptr_kernel_address", t_kernel_pointer);
	run("ptr_unmapped", t_unmapped_pointer);
	run("ptr_straddles_into_unmapped_page", t_straddling_pointer);
	run("ptr_plus_len_wraps", t_wrapping_pointer);
	run("ptr_readonly_destination", t_readonly_destination);
	run("map_rules", t_map_rules);
	run("ring_bind_wrong_right", t_ring_bind_wrong_right);
	run("ring_scribbling_peer_rejected", t_ring_scribbler);
	run("ring_capability_transfer", t_ring_transfer);
	run("ring_hangup_and_capability_arrival_wake", t_ring_hangup_and_arrival);
	run("ring_inspect_reports_transfer_queue_count", t_ring_inspect_queue_count);
	run("signal_raise_without_capability", t_signal_without_cap);
	run("signal_wait_deadline", t_signal_deadline);
	run("clock_idle_per_cpu", t_clock_idle);
	run("bundle_lookup_and_add_rules", t_bundle_rules);
	run("task_controls", t_task_controls);
	run("task_exit_code_reaches_supervisor", t_exit_code);
	run("fault_null_dereference", t_fault_null);
	run("fault_write_readonly_page", t_fault_write_ro);
	run("fault_execute_nx_page", t_fault_exec_nx);
	run("fault_invalid_opcode", t_fault_ud);
	run("fault_privileged_instruction_gp", t_fault_gp);
	run("fault_divide_error", t_fault_de);
	run("fault_int3_is_the_tasks", t_fault_int3);
	run("fault_int_n_is_gp", t_fault_int_n_gp);
	run("fault_stack_overflow", t_fault_stack_overflow);
	run("fault_repaired_and_resumed", t_fault_resume);
	run("spawn_bomb_stops_at_its_reticle", t_spawn_bomb);
	run("spinning_task_does_not_starve_others", t_spinner_does_not_starve);
	run("devices_irq_and_ports", t_devices);
	run("syscall_fuzz_in_a_child_kernel_survives", t_syscall_fuzz);
	ktest_hardening();
	ktest_edges();
	ktest_hunt3();
	ktest_rights();
	ktest_devices();
	ktest_supervision();
	ktest_fastpath();
	ktest_foreign();
	ktest_smp(stress);
	ktest_hunt4();
	ktest_hunt5();
	ktest_hunt6();
	ktest_hunt7();
	ktest_hunt8();
	ktest_hunt9();
	if (bigmem)
		run("boot_reticles_cover_ram_above_4gib", t_boot_reticles_cover_ram_above_4gib);
	finish();
	return 0;
}
