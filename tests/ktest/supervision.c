/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Supervision as include/vectra/proto/init.h describes it, one claim per
 * test: what raises the supervisor's bit and what does not, when the fault
 * record is cleared, and how vx_task_stopped tells a stale bit apart.
 * (Faults and exit raising it are main.c's fault_* and
 * task_exit_code_reaches_supervisor.)
 */
#include "ktest.h"

/* No supervision bit is pending: a poll of SIG_CHILD finds nothing.  (A
 * poll takes the bit if there is one.) */
static bool no_bit(void)
{
	return vx_sig_wait(SIG_CHILD, VX_DEADLINE_NONE) == 0;
}

/* Takes a bit an earlier test may have left. */
static void forget_bits(void)
{
	vx_sig_wait(SIG_CHILD, VX_DEADLINE_NONE);
}

bool until_stopped(vx_handle_t t, struct vx_task_info *ti)
{
	for (int i = 0; i < 2000; i++) {
		if (vx_task_stopped(t, ti))
			return true;
		vx_sig_wait(SIG_TEST, (uint64_t)vx_clock() + MS);
	}
	return false;
}

/* A halt stops a Task without raising the bit: the halter knows. */
static void t_halt_raises_nothing(void)
{
	struct vx_task_info ti;

	forget_bits();
	vx_handle_t t = spawn_victim("spin", 0);
	EXPECT(no_bit());
	EXPECT_EQ(vx_task_halt(t), VX_OK);
	EXPECT(no_bit());
	EXPECT(!vx_task_stopped(t, &ti));
	EXPECT_EQ(ti.state, VX_TASK_HALTED);
	EXPECT_EQ(vx_task_resume(t), VX_OK);
	EXPECT(!vx_task_stopped(t, &ti));
	EXPECT_EQ(vx_task_halt(t), VX_OK);
	EXPECT(no_bit());
}

/* A Task destroyed by a Reticle reset is gone, not faulted: no bit, and
 * its handle no longer names a stopped Task. */
static void t_destroyed_raises_nothing(void)
{
	struct vx_task_info ti;

	forget_bits();
	vx_handle_t t = spawn_victim("spin", 0);
	EXPECT(no_bit());
	EXPECT_EQ(vx_reticle_reset(R), VX_OK);
	EXPECT(no_bit());
	EXPECT(!vx_task_stopped(t, &ti));
	EXPECT(vx_task_inspect(t, &ti) < 0);
}

/* A bit left by one child is stale for the next one on the same bit:
 * vx_task_stopped says the Task supervised now has not stopped. */
static void t_stale_bit_told_apart(void)
{
	struct vx_task_info ti;

	forget_bits();
	vx_handle_t first = spawn_victim("exit 5", 0);

	EXPECT(until_stopped(first, &ti));
	EXPECT_EQ(ti.state, VX_TASK_EXITED);
	EXPECT_EQ(ti.fault.exit_code, 5);
	/* first's bit is still pending; nobody took it */
	vx_handle_t next = spawn_victim("spin", 0);
	EXPECT_EQ(vx_sig_wait(SIG_CHILD, VX_DEADLINE_NONE), (int64_t)SIG_CHILD);
	EXPECT(!vx_task_stopped(next, &ti));
	EXPECT(ti.state == VX_TASK_RUNNABLE || ti.state == VX_TASK_NEW);
	EXPECT_EQ(vx_task_halt(next), VX_OK);
}

/* TASK_RESUME clears the fault record: whatever the Task does next, the
 * page fault at 0x50000000 is no longer what its record says. */
static void t_resume_clears_record(void)
{
	struct vx_task_info ti;
	vx_handle_t t = spawn_victim("touch", 0);

	EXPECT(until_stopped(t, &ti));
	EXPECT_EQ(ti.state, VX_TASK_FAULTED);
	EXPECT_EQ(ti.fault.kind, VX_FAULT_PAGE);
	EXPECT_EQ(ti.fault.addr, 0x50000000);
	vx_handle_t mem = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	EXPECT_EQ(vx_task_map(t, mem, 0x50000000, VX_PROT_READ | VX_PROT_WRITE), VX_OK);
	EXPECT_EQ(vx_task_resume(t), VX_OK);
	/* Halted before it ran again: an empty record.  Or it had already
	 * exited: the record is its exit's. */
	if (vx_task_halt(t) == VX_OK) {
		EXPECT_EQ(vx_task_inspect(t, &ti), VX_OK);
		EXPECT_EQ(ti.fault.kind, 0);
		EXPECT_EQ(ti.fault.ip, 0);
	} else {
		EXPECT(until_stopped(t, &ti));
		EXPECT_EQ(ti.fault.kind, VX_FAULT_EXIT);
	}
	EXPECT_EQ(ti.fault.addr, 0);
}

void ktest_supervision(void)
{
	run("supervision_halt_raises_no_bit", t_halt_raises_nothing);
	run("supervision_destroyed_task_raises_no_bit", t_destroyed_raises_nothing);
	run("supervision_stale_bit_told_apart", t_stale_bit_told_apart);
	run("supervision_resume_clears_fault_record", t_resume_clears_record);
}
