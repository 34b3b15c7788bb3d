/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hunt 5: the FPU and the other ways a Task's own instructions reach the
 * kernel that the earlier hunts did not try, each pinning a promise of
 * docs/ABI.md by name:
 *
 *   hunt5_x87_error_faults_on_every_cpu  a Task that unmasks an x87
 *       exception, divides by zero and waits (fwait) is stopped in
 *       FAULTED, VX_FAULT_OTHER with vector 16 (#MF), on every CPU in
 *       turn, as "any other exception" is.  It was not: CR0.NE was never
 *       set, so the error went out on the legacy FERR# line (ISA IRQ 13)
 *       and the Task ran on as if nothing had happened.
 */
#include "ktest.h"

#define H5_VA	 (SCRATCH_VA + 0x50000) /* inside ktest's prefaulted window */
#define CODE_VA	 0x400000ull
#define STACK_VA 0x800000ull

static unsigned cpus_online(void)
{
	unsigned n = 0;

	while (n < 64 && vx_syscall1(VX_SYS_CLOCK, 1 + (uint64_t)n) >= 0)
		n++;
	return n;
}

/* A new Task in R running code (n bytes at the start of a page mapped
 * executable at CODE_VA) with a stack page below STACK_VA + 4096,
 * supervised through SIG_CHILD, registers set, not started. */
static vx_handle_t child_with_code(const uint8_t *code, unsigned n)
{
	vx_handle_t t = MUST(vx_reticle_retype(R, VX_OBJ_TASK, 0));
	vx_handle_t text = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	vx_handle_t stack = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));

	MUST(vx_task_map(self, text, H5_VA, VX_PROT_READ | VX_PROT_WRITE));
	memset((void *)H5_VA, 0xcc, VX_PAGE_SIZE);
	memcpy((void *)H5_VA, code, n);
	MUST(vx_task_unmap(text));
	vx_handle_t rx = MUST(vx_cap_derive(text, VX_R_READ | VX_R_EXEC, 0));
	MUST(vx_task_map(t, rx, CODE_VA, VX_PROT_READ | VX_PROT_EXEC));
	MUST(vx_task_map(t, stack, STACK_VA, VX_PROT_READ | VX_PROT_WRITE));
	MUST(vx_task_supervise(t, child_sig));
	MUST(vx_task_set_regs(t, CODE_VA, STACK_VA + VX_PAGE_SIZE, 0));
	vx_sig_wait(SIG_CHILD, VX_DEADLINE_NONE); /* a bit left by an earlier child */
	return t;
}

/* Waits for t's stop and returns its record in ti (false: none came). */
static bool wait_stop(vx_handle_t t, struct vx_task_info *ti)
{
	EXPECT_EQ(vx_sig_wait(SIG_CHILD, (uint64_t)vx_clock() + CHILD_WAIT), (int64_t)SIG_CHILD);
	EXPECT_EQ(vx_task_inspect(t, ti), VX_OK);
	return ti->state == VX_TASK_FAULTED || ti->state == VX_TASK_EXITED;
}

/* ------------------------------------------------------------ x87 */

/* fninit; push $0x37b; fldcw (%rsp) (every exception masked but zero
 * divide); fldz; fld1; fdiv %st(1), %st (1 / 0); fwait, at offset 16,
 * where the error is reported; then TASK_EXIT(0) (mov $17, %eax; xor
 * %edi, %edi; syscall), which only a Task that was not stopped reaches. */
static const uint8_t x87_div0[] = {0xdb, 0xe3, 0x68, 0x7b, 0x03, 0x00, 0x00, 0xd9, 0x2c,
				   0x24, 0xd9, 0xee, 0xd9, 0xe8, 0xd8, 0xf1, 0x9b, 0xb8,
				   0x11, 0x00, 0x00, 0x00, 0x31, 0xff, 0x0f, 0x05};
_Static_assert(VX_SYS_TASK_EXIT == 0x11, "x87_div0 exits");

static void t_x87_error_faults_on_every_cpu(void)
{
	unsigned n = cpus_online();

	for (unsigned cpu = 0; cpu < n; cpu++) {
		struct vx_task_info ti;
		vx_handle_t t = child_with_code(x87_div0, sizeof(x87_div0));
		EXPECT_EQ(vx_task_set_affinity(t, 1ull << cpu), VX_OK);
		EXPECT_EQ(vx_task_start(t, VX_NO_HANDLE), VX_OK);
		if (wait_stop(t, &ti)) {
			if (ti.state != VX_TASK_FAULTED)
				vx_printf("#   CPU %u: the x87 error did not stop the Task\n", cpu);
			EXPECT_EQ(ti.state, VX_TASK_FAULTED);
			EXPECT_EQ(ti.fault.kind, VX_FAULT_OTHER);
			EXPECT_EQ(ti.fault.code, 16);
			EXPECT_EQ(ti.fault.ip, CODE_VA + 16); /* the fwait */
		}
		EXPECT_EQ(vx_cap_delete(t), VX_OK);
	}
}

void ktest_hunt5(void)
{
	run("hunt5_x87_error_faults_on_every_cpu", t_x87_error_faults_on_every_cpu);
}
