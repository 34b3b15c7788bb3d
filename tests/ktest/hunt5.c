/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hunt 5: what the earlier hunts did not try, each pinning a promise of
 * docs/ABI.md or docs/SECURITY.md by name:
 *
 *   hunt5_x87_error_faults_on_every_cpu  a Task that unmasks an x87
 *       exception, divides by zero and waits (fwait) is stopped in
 *       FAULTED, VX_FAULT_OTHER with vector 16 (#MF), on every CPU in
 *       turn, as "any other exception" is.  It was not: CR0.NE was never
 *       set, so the error went out on the legacy FERR# line (ISA IRQ 13)
 *       and the Task ran on as if nothing had happened.
 *   hunt5_movss_syscall_single_step  a Task single-stepping (TF) through
 *       a mov to ss with a syscall right behind it (the mov holds debug
 *       traps back until after the next instruction: on some CPUs, with a
 *       data breakpoint, into the kernel's entry) takes every trap as its
 *       own fault and exits; the kernel never traps (it did not: found
 *       sound, kept as a guard).
 *   hunt5_reset_behind_page_table_linear  a reset of a Reticle whose
 *       newest records are a Task's page tables costs what a reset of the
 *       same objects without them does (guest time, under icount).  It
 *       was quadratic: each step looked for the newest live object from
 *       the top, past the page tables and past every object destroyed so
 *       far, which the page tables kept from being given back (8,000
 *       objects: 9.8 ms alone, 202 ms behind one page table).
 *   hunt5_msi_stray_vectors_change_nothing  ktest, playing a hostile
 *       driver, aims the NIC's MSI at the boot CPU with every vector of
 *       the exceptions' range (16..31), then of the spurious interrupts
 *       (224..239, 255), and makes it interrupt: nothing is faulted, the
 *       kernel lives, and the line the kernel gave still works after
 *       each.  Vector 16 faulted ktest (#MF, as if its own),
 *       19 too (#XM), and 17 panicked the kernel: its entry stub took a
 *       word of the frame for the error code an interrupt does not push.
 *       With 224..239 (the 8259's spurious vectors) and 255 (the local
 *       APIC's), its line stopped interrupting: they were never
 *       acknowledged, so the APIC held back every interrupt below them.
 *   hunt5_msi_held_while_disarmed  the same NIC on its own line: an
 *       interrupt while the line is disarmed raises nothing until
 *       IRQ_ACK, which raises it; none is lost and none is doubled
 *       (found sound).
 */
#include "ktest.h"

#define H5_VA	 (SCRATCH_VA + 0x50000) /* inside ktest's prefaulted window */
#define CODE_VA	 0x400000ull
#define STACK_VA 0x800000ull

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

/* ------------------------------------------------------------ mov ss */

/* pushf; orq $0x100, (%rsp); popf (TF on); mov $18, %eax; mov %ss, %ecx;
 * mov %ecx, %ss; syscall (TASK_YIELD, right behind the mov to ss, which
 * holds debug traps back until after the next instruction); then
 * TASK_EXIT(0). */
static const uint8_t movss_code[] = {0x9c, 0x48, 0x81, 0x0c, 0x24, 0x00, 0x01, 0x00, 0x00, 0x9d,
				     0xb8, 0x12, 0x00, 0x00, 0x00, 0x8c, 0xd1, 0x8e, 0xd1, 0x0f,
				     0x05, 0xb8, 0x11, 0x00, 0x00, 0x00, 0x31, 0xff, 0x0f, 0x05};
_Static_assert(VX_SYS_TASK_YIELD == 0x12 && VX_SYS_TASK_EXIT == 0x11, "movss_code's calls");

/* A Task single-stepping (TF) through a mov to ss and the syscall right
 * behind it: each step is its own debug trap (VX_FAULT_OTHER, vector 1),
 * resumed by ktest, never a trap in the kernel, until it exits. */
static void t_movss_syscall_single_step(void)
{
	vx_handle_t t = child_with_code(movss_code, sizeof(movss_code));
	unsigned traps = 0;
	struct vx_task_info ti;

	EXPECT_EQ(vx_task_start(t, VX_NO_HANDLE), VX_OK);
	while (wait_stop(t, &ti) && ti.state == VX_TASK_FAULTED && traps < 64) {
		EXPECT_EQ(ti.fault.kind, VX_FAULT_OTHER);
		EXPECT_EQ(ti.fault.code, 1);
		if (ti.fault.kind != VX_FAULT_OTHER)
			break;
		traps++;
		EXPECT_EQ(vx_task_resume(t), VX_OK);
	}
	vx_printf("#   %u single-step traps, then state %u\n", traps, ti.state);
	EXPECT_EQ(ti.state, VX_TASK_EXITED);
	EXPECT(traps >= 4);
	EXPECT_EQ(vx_cap_delete(t), VX_OK);
}

/* ------------------------------------------------------------ reset */

#define H5_SELFHELD 8000u

/* n Bundles in ret, each holding a cap to itself (so only a reset takes
 * them), no handle kept. */
static void self_held_bundles(vx_handle_t ret, unsigned n)
{
	for (unsigned i = 0; i < n && !failures_in_test; i++) {
		vx_handle_t b = MUST(vx_reticle_retype(ret, VX_OBJ_BUNDLE, 0));
		EXPECT_EQ(vx_bundle_add(b, "s", 1, b, VX_R_READ), VX_OK);
		EXPECT_EQ(vx_cap_delete(b), VX_OK);
	}
}

/* Guest ns a reset of a Reticle holding H5_SELFHELD self-held Bundles
 * and, first of all, a Task takes; with table_on_top the Task maps a page
 * after the Bundles are made, so that its page tables are the Reticle's
 * newest records. */
static uint64_t reset_ns(bool table_on_top)
{
	vx_handle_t big =
	    MUST(vx_reticle_split(ram0, (uint64_t)H5_SELFHELD * 13 * 1024 + (1u << 20)));
	vx_handle_t t = MUST(vx_reticle_retype(big, VX_OBJ_TASK, 0));
	vx_handle_t m = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	struct vx_reticle_info info;

	self_held_bundles(big, H5_SELFHELD);
	if (table_on_top) /* T's first mapping: its page tables, carved last */
		EXPECT_EQ(vx_task_map(t, m, CODE_VA, VX_PROT_READ), VX_OK);
	uint64_t t0 = (uint64_t)vx_clock();
	EXPECT_EQ(vx_reticle_reset(big), VX_OK);
	uint64_t ns = (uint64_t)vx_clock() - t0;
	EXPECT_EQ(vx_reticle_info(big, &info), VX_OK);
	EXPECT_EQ(info.objects, 0);
	EXPECT_EQ(vx_cap_delete(big), VX_OK);
	EXPECT_EQ(vx_cap_delete(m), VX_OK);
	return ns;
}

/* The same reset twice: the Reticle's objects alone, then with a page
 * table carved after them (the Task's first mapping).  Guest time is
 * exact under icount: there the second may cost at most half as much
 * again as the first (it cost 20 times as much: 9.8 ms against 202 ms);
 * otherwise both are only reported. */
static void t_reset_behind_page_table_linear(void)
{
	uint64_t plain = reset_ns(false), under = reset_ns(true);

	vx_printf("#   reset of %u objects: %lu us, with a page table on top %lu us%s\n",
		  H5_SELFHELD, (unsigned long)(plain / 1000), (unsigned long)(under / 1000),
		  icount ? "" : " [not icount: reported only]");
	if (icount)
		EXPECT(under < plain + plain / 2);
}

/* ------------------------------------------------------------ MSI */

#define E1000E	  0x10d38086u		  /* QEMU's default NIC on q35 */
#define NIC_VA	  (SCRATCH_VA + 0x180000) /* 128 KiB inside ktest's prefaulted window */
#define NIC_ICR	  (0xc0 / 4)		  /* interrupt cause, cleared when read */
#define NIC_ITR	  (0xc4 / 4)		  /* interrupt throttling interval */
#define NIC_ICS	  (0xc8 / 4)		  /* interrupt cause set */
#define NIC_IMS	  (0xd0 / 4)		  /* interrupt mask set */
#define NIC_IMC	  (0xd8 / 4)		  /* interrupt mask clear */
#define NIC_PAGES 32

static uint32_t cfg_rd(uint32_t bdf, uint32_t reg)
{
	vx_port_out(io, 0xcf8, 4, 0x80000000u | bdf << 8 | reg);
	return (uint32_t)vx_port_in(io, 0xcfc, 4);
}

static void cfg_wr(uint32_t bdf, uint32_t reg, uint32_t v)
{
	vx_port_out(io, 0xcf8, 4, 0x80000000u | bdf << 8 | reg);
	vx_port_out(io, 0xcfc, 4, v);
}

/* The boot Reticle of device registers that holds pa, or 0. */
static vx_handle_t mmio_holding(uint64_t pa, uint64_t *base)
{
	for (char i = '0'; i < '3'; i++) {
		char name[] = {'m', 'm', 'i', 'o', i, 0};
		struct vx_reticle_info ri;
		int64_t h = vx_bundle_handle(boot, name, VX_OBJ_RETICLE);
		if (h > 0 && vx_reticle_info((vx_handle_t)h, &ri) == VX_OK && pa >= ri.base &&
		    pa - ri.base < ri.size) {
			*base = ri.base;
			return (vx_handle_t)h;
		}
	}
	return 0;
}

/* The NIC as ktest, playing its driver, holds it: its function, its MSI
 * capability, its registers mapped at NIC_VA, and the message of the MSI
 * line the kernel routed to SIG_TEST. */
struct nic {
	uint32_t bdf, cmd, msi_at, ctl, data_at;
	vx_handle_t regs_mem, sig;
	int64_t msg;
	volatile uint32_t *regs;
};

/* Finds the NIC (false, with nothing changed or failed, if there is none),
 * routes line VX_IRQ_MSI_FIRST to SIG_TEST, aims the NIC's MSI at it and
 * unmasks causes 0 and 1.  ktest runs on the boot CPU meanwhile, where
 * the messages go. */
static bool nic_open(struct nic *n)
{
	uint64_t base = 0;

	memset(n, 0, sizeof(*n));
	n->bdf = 0xffff;
	for (uint32_t dev = 0; dev < 32 && n->bdf == 0xffff; dev++)
		if (cfg_rd(dev << 3, 0) == E1000E)
			n->bdf = dev << 3;
	if (n->bdf == 0xffff) {
		vx_printf("#   no e1000e on bus 0: nothing to test\n");
		return false;
	}
	uint32_t bar = cfg_rd(n->bdf, 0x10) & ~0xfu;
	vx_handle_t mm = mmio_holding(bar, &base);
	for (uint32_t at = cfg_rd(n->bdf, 0x34) & 0xfc; at; at = (cfg_rd(n->bdf, at) >> 8) & 0xfc)
		if ((cfg_rd(n->bdf, at) & 0xff) == 5)
			n->msi_at = at;
	EXPECT(mm != 0);
	EXPECT(n->msi_at != 0);
	if (!mm || !n->msi_at)
		return false;
	n->regs_mem = MUST(
	    vx_reticle_retype(mm, VX_OBJ_MEM, ((bar - base) / VX_PAGE_SIZE) << 32 | NIC_PAGES));
	MUST(vx_task_map(self, n->regs_mem, NIC_VA, VX_PROT_READ | VX_PROT_WRITE));
	n->regs = (volatile uint32_t *)NIC_VA;
	n->sig = MUST(vx_sig_mint(self, SIG_TEST));
	n->msg = vx_irq_bind(msi, VX_IRQ_MSI_FIRST, n->sig);
	EXPECT(n->msg > 0);
	n->cmd = cfg_rd(n->bdf, 4);
	n->ctl = cfg_rd(n->bdf, n->msi_at);
	n->data_at = n->msi_at + ((n->ctl >> 16) & 0x80 ? 12 : 8);
	EXPECT_EQ(vx_task_set_affinity(self, 1), VX_OK);
	cfg_wr(n->bdf, 4, n->cmd | 6); /* memory space, bus master */
	cfg_wr(n->bdf, n->msi_at + 4, VX_MSI_ADDR(n->msg));
	if (n->data_at == n->msi_at + 12)
		cfg_wr(n->bdf, n->msi_at + 8, 0);
	cfg_wr(n->bdf, n->data_at, VX_MSI_DATA(n->msg));
	cfg_wr(n->bdf, n->msi_at, n->ctl | 1u << 16);
	n->regs[NIC_ITR] = 0; /* the shortest QEMU allows: 128 us */
	n->regs[NIC_IMS] = 3;
	vx_sig_wait(SIG_TEST, VX_DEADLINE_NONE);
	return true;
}

/* Puts the NIC back as it was and lets go of it. */
static void nic_close(struct nic *n)
{
	n->regs[NIC_IMC] = ~0u;
	(void)n->regs[NIC_ICR];
	cfg_wr(n->bdf, n->msi_at, n->ctl);
	cfg_wr(n->bdf, 4, n->cmd);
	EXPECT_EQ(vx_task_set_affinity(self, 0), VX_OK);
	EXPECT_EQ(vx_irq_bind(msi, VX_IRQ_MSI_FIRST, VX_NO_HANDLE), VX_OK);
	EXPECT_EQ(vx_task_unmap(n->regs_mem), VX_OK);
	EXPECT_EQ(vx_cap_delete(n->regs_mem), VX_OK);
	EXPECT_EQ(vx_cap_delete(n->sig), VX_OK);
	vx_sig_wait(SIG_TEST, VX_DEADLINE_NONE);
}

/* Makes the NIC interrupt for cause (0 or 1).  QEMU's NIC holds a message
 * back for 128 us after the last (throttling), sends one only for a cause
 * it has not sent yet, and not always at once: so it is asked for 2 ms
 * after the last, and alternate calls name different causes. */
static void nic_fire(struct nic *n, unsigned cause)
{
	vx_sig_wait(0, (uint64_t)vx_clock() + 2 * MS);
	(void)n->regs[NIC_ICR];
	n->regs[NIC_ICS] = 1u << cause;
}

/* A driver programs its device's MSI message itself (docs/ABI.md,
 * interrupt lines), so a hostile one can make it send any vector.
 * ktest plays that driver for the NIC (the first e1000e on bus 0; none:
 * nothing to test): its MSI capability is aimed at the boot CPU with each
 * vector 16..31 in turn, the exceptions' range, and the NIC is made to
 * interrupt (ICS) with ktest running on the boot CPU, where the message
 * arrives; then with 224..239 and 255, the vectors of spurious
 * interrupts.  None of them may fault ktest or the kernel: vector 17,
 * whose exception pushes an error code, panicked the kernel (its entry
 * took a word of the frame for one); 19 faulted ktest, which was running.
 * After each, the line the kernel gave still interrupts as it should: a
 * spurious vector was never acknowledged, and the local APIC then held
 * back every interrupt of its priority class and below (224: every
 * device line; 255: everything, the timer too). */
static void t_msi_stray_vectors_change_nothing(void)
{
	struct nic n;

	if (!nic_open(&n))
		return;
	/* 16..31, then 224..239 and 255 (the spurious ones). */
	for (uint32_t i = 0; i < 33; i++) {
		uint32_t v = i < 16 ? 16 + i : i < 32 ? 224 + (i - 16) : 255;
		/* The stray message on cause 0, its data left for 1 ms (it
		 * may go late); then the line's on cause 1.  (Sequencing
		 * only: a stray message that went late would carry the
		 * line's data.) */
		cfg_wr(n.bdf, n.data_at, v);
		nic_fire(&n, 0);
		(void)n.regs[NIC_ICR];
		vx_sig_wait(0, (uint64_t)vx_clock() + MS);
		cfg_wr(n.bdf, n.data_at, VX_MSI_DATA(n.msg));
		EXPECT_EQ(vx_irq_ack(msi, VX_IRQ_MSI_FIRST) >= 0, 1);
		nic_fire(&n, 1); /* the line the kernel gave, which must still work */
		int64_t got = vx_sig_wait(SIG_TEST, (uint64_t)vx_clock() + CHILD_WAIT);
		if (got != (int64_t)SIG_TEST) {
			vx_printf("#   after vector %u the line's interrupt did not come\n", v);
			EXPECT_EQ(got, (int64_t)SIG_TEST);
			break;
		}
	}
	nic_close(&n);
}

/* Interrupts the kernel has counted on the line (CAP_INSPECT's size). */
static uint64_t line_count(void)
{
	vx_handle_t one = MUST(vx_cap_derive(msi, 0, (1ull << 32) | VX_IRQ_MSI_FIRST));
	struct vx_cap_info ci;

	EXPECT_EQ(vx_cap_inspect(one, &ci), VX_OK);
	EXPECT_EQ(vx_cap_delete(one), VX_OK);
	return ci.size;
}

/* Waits (a bound on a hang) until the line has counted n interrupts. */
static bool line_reaches(uint64_t n)
{
	for (uint64_t until = (uint64_t)vx_clock() + CHILD_WAIT; line_count() < n;) {
		if ((uint64_t)vx_clock() > until)
			return false;
		vx_sig_wait(0, (uint64_t)vx_clock() + MS);
	}
	return true;
}

/* docs/ABI.md: an MSI line is disarmed from the moment it fires until
 * IRQ_ACK, and one firing while it is disarmed is remembered and raised
 * again at the acknowledgement, so none is lost.  With the NIC: the
 * first interrupt raises the bit; a second, once the kernel has counted
 * it, raises nothing; IRQ_ACK raises it; a third ACK with nothing held
 * raises nothing, and the line works again after. */
static void t_msi_held_while_disarmed(void)
{
	struct nic n;

	if (!nic_open(&n))
		return;
	uint64_t c0 = line_count();
	nic_fire(&n, 0);
	EXPECT_EQ(vx_sig_wait(SIG_TEST, (uint64_t)vx_clock() + CHILD_WAIT), (int64_t)SIG_TEST);
	nic_fire(&n, 1);
	EXPECT(line_reaches(c0 + 2));
	EXPECT_EQ(vx_sig_wait(SIG_TEST, VX_DEADLINE_NONE), 0); /* held, not raised */
	EXPECT(vx_irq_ack(msi, VX_IRQ_MSI_FIRST) >= (int64_t)(c0 + 2));
	EXPECT_EQ(vx_sig_wait(SIG_TEST, VX_DEADLINE_NONE), (int64_t)SIG_TEST);
	EXPECT(vx_irq_ack(msi, VX_IRQ_MSI_FIRST) >= 0); /* nothing held now */
	EXPECT_EQ(vx_sig_wait(SIG_TEST, VX_DEADLINE_NONE), 0);
	nic_fire(&n, 0);
	EXPECT_EQ(vx_sig_wait(SIG_TEST, (uint64_t)vx_clock() + CHILD_WAIT), (int64_t)SIG_TEST);
	EXPECT_EQ(line_count(), c0 + 3);
	nic_close(&n);
}

void ktest_hunt5(void)
{
	run("hunt5_x87_error_faults_on_every_cpu", t_x87_error_faults_on_every_cpu);
	run("hunt5_movss_syscall_single_step", t_movss_syscall_single_step);
	run("hunt5_reset_behind_page_table_linear", t_reset_behind_page_table_linear);
	run("hunt5_msi_stray_vectors_change_nothing", t_msi_stray_vectors_change_nothing);
	run("hunt5_msi_held_while_disarmed", t_msi_held_while_disarmed);
}
