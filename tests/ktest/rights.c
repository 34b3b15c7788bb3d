/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The rights table of docs/ABI.md (section 5, "Rights"), one test per row,
 * in syscall order.  Each test shows that the call refuses a capability
 * lacking each right the table requires (VX_E_RIGHTS), accepts one that
 * has exactly those rights, and that every capability it creates has no
 * right its sources lacked.
 */
#include "ktest.h"

/* h narrowed to exactly the rights r (h must have them). */
static vx_handle_t with(vx_handle_t h, uint32_t r)
{
	return MUST(vx_cap_derive(h, r, 0));
}

/* h with every right but r. */
static vx_handle_t without(vx_handle_t h, uint32_t r)
{
	return with(h, VX_R_ALL & ~r);
}

static uint32_t rights_of(vx_handle_t h)
{
	struct vx_cap_info ci;

	if (vx_cap_inspect(h, &ci) != VX_OK)
		return 0xffffffffu;
	return ci.rights;
}

/* Is every right of a also one of b's? */
#define EXPECT_SUBSET(a, b) EXPECT(((a) & ~(b)) == 0)

static vx_handle_t new_mem(void)
{
	return MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
}

static void r00_cap_inspect(void)
{
	struct vx_cap_info ci;
	EXPECT_EQ(vx_cap_inspect(with(new_mem(), 0), &ci), VX_OK);
}

static void r01_cap_derive(void)
{
	vx_handle_t m = with(new_mem(), VX_R_READ | VX_R_GRANT);
	EXPECT_EQ(vx_cap_derive(m, VX_R_READ | VX_R_WRITE, 0), VX_E_RIGHTS);
	int64_t d = vx_cap_derive(m, VX_R_READ, 0);
	EXPECT(d > 0);
	EXPECT_EQ(rights_of((vx_handle_t)d), VX_R_READ);
	/* Signal bits only narrow. */
	int64_t s = vx_sig_mint(self, 0x0f);
	EXPECT_EQ(vx_cap_derive((vx_handle_t)s, 0, 0x1f), VX_E_RIGHTS);
	EXPECT(vx_cap_derive((vx_handle_t)s, 0, 0x03) > 0);
}

static void r02_cap_delete(void)
{
	EXPECT_EQ(vx_cap_delete(with(new_mem(), 0)), VX_OK);
}

static void r03_cap_revoke(void)
{
	vx_handle_t m = with(new_mem(), 0);
	with(m, 0);
	EXPECT_EQ(vx_cap_revoke(m), 1);
}

static void r04_reticle_retype(void)
{
	EXPECT_EQ(vx_reticle_retype(without(R, VX_R_CONTROL), VX_OBJ_MEM, 1), VX_E_RIGHTS);
	vx_handle_t r = with(R, VX_R_CONTROL | VX_R_READ);
	int64_t m = vx_reticle_retype(r, VX_OBJ_MEM, 1);
	EXPECT(m > 0);
	EXPECT_EQ(rights_of((vx_handle_t)m), VX_R_CONTROL | VX_R_READ);
	EXPECT_EQ(vx_task_map(self, (vx_handle_t)m, SCRATCH_VA, VX_PROT_READ | VX_PROT_WRITE),
		  VX_E_RIGHTS);
}

static void r05_reticle_split(void)
{
	EXPECT_EQ(vx_reticle_split(without(R, VX_R_CONTROL), 8 * 4096), VX_E_RIGHTS);
	vx_handle_t r = with(R, VX_R_CONTROL | VX_R_GRANT);
	int64_t c = vx_reticle_split(r, 8 * 4096);
	EXPECT(c > 0);
	EXPECT_EQ(rights_of((vx_handle_t)c), VX_R_CONTROL | VX_R_GRANT);
}

static void r06_reticle_reset(void)
{
	vx_handle_t c = MUST(vx_reticle_split(R, 8 * 4096));
	EXPECT_EQ(vx_reticle_reset(without(c, VX_R_CONTROL)), VX_E_RIGHTS);
	EXPECT_EQ(vx_reticle_reset(with(c, VX_R_CONTROL)), VX_OK);
}

static void r07_reticle_info(void)
{
	struct vx_reticle_info info;
	EXPECT_EQ(vx_reticle_info(with(R, 0), &info), VX_OK);
}

static void r08_task_map(void)
{
	vx_handle_t m = new_mem();
	EXPECT_EQ(vx_task_map(without(self, VX_R_CONTROL), m, SCRATCH_VA, VX_PROT_READ),
		  VX_E_RIGHTS);
	EXPECT_EQ(vx_task_map(self, without(m, VX_R_READ), SCRATCH_VA, VX_PROT_READ), VX_E_RIGHTS);
	EXPECT_EQ(
	    vx_task_map(self, without(m, VX_R_WRITE), SCRATCH_VA, VX_PROT_READ | VX_PROT_WRITE),
	    VX_E_RIGHTS);
	EXPECT_EQ(vx_task_map(self, without(m, VX_R_EXEC), SCRATCH_VA, VX_PROT_READ | VX_PROT_EXEC),
		  VX_E_RIGHTS);
	vx_handle_t rw = with(m, VX_R_READ | VX_R_WRITE);
	EXPECT_EQ(
	    vx_task_map(with(self, VX_R_CONTROL), rw, SCRATCH_VA, VX_PROT_READ | VX_PROT_WRITE),
	    VX_OK);
	EXPECT_EQ(vx_task_unmap(rw), VX_OK);
}

static void r09_task_unmap(void)
{
	vx_handle_t ro = with(new_mem(), VX_R_READ);
	EXPECT_EQ(vx_task_map(self, ro, SCRATCH_VA, VX_PROT_READ), VX_OK);
	EXPECT_EQ(vx_task_unmap(ro), VX_OK);
}

/* A fresh Task object (never started). */
static vx_handle_t new_task(void)
{
	return MUST(vx_reticle_retype(R, VX_OBJ_TASK, 0));
}

static void r10_task_set_regs(void)
{
	vx_handle_t t = new_task();
	EXPECT_EQ(vx_task_set_regs(without(t, VX_R_CONTROL), 0x400000, 0x800000, 0), VX_E_RIGHTS);
	EXPECT_EQ(vx_task_set_regs(with(t, VX_R_CONTROL), 0x400000, 0x800000, 0), VX_OK);
}

static void r11_task_start(void)
{
	vx_handle_t t = new_task();
	vx_handle_t b = MUST(vx_reticle_retype(R, VX_OBJ_BUNDLE, 0));
	vx_handle_t code = new_mem();
	EXPECT_EQ(vx_task_map(t, with(code, VX_R_READ | VX_R_EXEC), 0x400000,
			      VX_PROT_READ | VX_PROT_EXEC),
		  VX_OK);
	EXPECT_EQ(vx_task_set_regs(t, 0x400000, 0x800000, 0), VX_OK);
	EXPECT_EQ(vx_task_start(without(t, VX_R_CONTROL), b), VX_E_RIGHTS);
	EXPECT_EQ(vx_task_start(t, without(b, VX_R_CONTROL)), VX_E_RIGHTS);
	/* The child runs a zeroed page: "add %al,(%rax)" at 0, a fault. */
	EXPECT_EQ(vx_task_supervise(t, child_sig), VX_OK);
	EXPECT_EQ(vx_task_start(with(t, VX_R_CONTROL), with(b, VX_R_CONTROL)), VX_OK);
	EXPECT_EQ(vx_sig_wait(SIG_CHILD, (uint64_t)vx_clock() + CHILD_WAIT), (int64_t)SIG_CHILD);
}

/* A spinning child, supervised. */
static vx_handle_t spinner(void)
{
	return spawn_victim("spin", 0);
}

static void r12_task_halt(void)
{
	vx_handle_t t = spinner();
	EXPECT_EQ(vx_task_halt(without(t, VX_R_CONTROL)), VX_E_RIGHTS);
	EXPECT_EQ(vx_task_halt(with(t, VX_R_CONTROL)), VX_OK);
}

static void r13_task_resume(void)
{
	vx_handle_t t = spinner();
	EXPECT_EQ(vx_task_halt(t), VX_OK);
	EXPECT_EQ(vx_task_resume(without(t, VX_R_CONTROL)), VX_E_RIGHTS);
	EXPECT_EQ(vx_task_resume(with(t, VX_R_CONTROL)), VX_OK);
	EXPECT_EQ(vx_task_halt(t), VX_OK);
}

static void r14_task_inspect(void)
{
	struct vx_task_info ti;
	vx_handle_t t = new_task();
	EXPECT_EQ(vx_task_inspect(without(t, VX_R_READ), &ti), VX_E_RIGHTS);
	EXPECT_EQ(vx_task_inspect(with(t, VX_R_READ), &ti), VX_OK);
	/* handles: the occupied slots of the Task's table, a derive one more
	 * and a delete one fewer. */
	uint32_t before;
	EXPECT_EQ(vx_task_inspect(self, &ti), VX_OK);
	before = ti.handles;
	EXPECT(before >= 1 && before <= 255);
	int64_t d = vx_cap_derive(self, VX_R_READ, 0);
	EXPECT(d > 0);
	EXPECT_EQ(vx_task_inspect(self, &ti), VX_OK);
	EXPECT_EQ(ti.handles, before + 1);
	EXPECT_EQ(vx_cap_delete((vx_handle_t)d), VX_OK);
	EXPECT_EQ(vx_task_inspect(self, &ti), VX_OK);
	EXPECT_EQ(ti.handles, before);
}

static void r15_task_supervise(void)
{
	vx_handle_t t = new_task();
	vx_handle_t sig = with(MUST(vx_sig_mint(self, SIG_TEST)), 0);
	EXPECT_EQ(vx_task_supervise(without(t, VX_R_CONTROL), sig), VX_E_RIGHTS);
	EXPECT_EQ(vx_task_supervise(with(t, VX_R_CONTROL), sig), VX_OK);
	/* The kernel's copy is derived from sig (same rights): revoking sig
	 * takes it, and the Task is unsupervised again. */
	EXPECT_EQ(vx_cap_revoke(sig), 1);
}

static void r16_task_set_prio(void)
{
	vx_handle_t t = new_task();
	EXPECT_EQ(vx_task_set_prio(without(t, VX_R_CONTROL), 3), VX_E_RIGHTS);
	EXPECT_EQ(vx_task_set_prio(with(t, VX_R_CONTROL), 3), VX_OK);
}

static void r17_task_exit(void)
{
	struct vx_task_info ti;
	vx_handle_t t = spawn_victim("exit 7", 0);
	EXPECT_EQ(vx_sig_wait(SIG_CHILD, (uint64_t)vx_clock() + CHILD_WAIT), (int64_t)SIG_CHILD);
	EXPECT_EQ(vx_task_inspect(t, &ti), VX_OK);
	EXPECT_EQ(ti.fault.exit_code, 7);
}

static void r18_task_yield(void)
{
	EXPECT_EQ(vx_task_yield(), VX_OK);
}

/* Spawns the victim with args and one Bundle entry, and returns its exit
 * code. */
static int64_t victim_with(const char *args, const char *name, vx_handle_t h, uint32_t rights)
{
	struct vx_task_info ti;
	vx_handle_t t = spawn_with(args, 1, &name, &h, &rights, 0);

	EXPECT_EQ(vx_sig_wait(SIG_CHILD, (uint64_t)vx_clock() + CHILD_WAIT), (int64_t)SIG_CHILD);
	if (!t || vx_task_inspect(t, &ti) != VX_OK || ti.state != VX_TASK_EXITED)
		return -1001;
	return ti.fault.exit_code;
}

static void r19_bundle_add(void)
{
	vx_handle_t b = MUST(vx_reticle_retype(R, VX_OBJ_BUNDLE, 0));
	vx_handle_t m = new_mem();
	EXPECT_EQ(vx_bundle_add(without(b, VX_R_CONTROL), "m", 1, m, VX_R_READ), VX_E_RIGHTS);
	EXPECT_EQ(vx_bundle_add(b, "m", 1, without(m, VX_R_GRANT), VX_R_READ), VX_E_RIGHTS);
	EXPECT_EQ(vx_bundle_add(b, "m", 1, with(m, VX_R_READ | VX_R_GRANT), VX_R_WRITE),
		  VX_E_RIGHTS);
	/* The child gets exactly the rights asked for. */
	EXPECT_EQ(victim_with("rights m", "m", with(m, VX_R_READ | VX_R_GRANT), VX_R_READ),
		  VX_R_READ);
}

static void r20_ring_bind(void)
{
	vx_handle_t ring = MUST(vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(6, 2)));
	struct vx_ring_info info;
	EXPECT_EQ(vx_ring_bind(without(ring, VX_R_PRODUCE), VX_RING_PRODUCER, SCRATCH_VA, 5, &info),
		  VX_E_RIGHTS);
	EXPECT_EQ(vx_ring_bind(without(ring, VX_R_CONSUME), VX_RING_CONSUMER, SCRATCH_VA, 5, &info),
		  VX_E_RIGHTS);
	vx_handle_t p = with(ring, VX_R_PRODUCE);
	EXPECT_EQ(vx_ring_bind(p, VX_RING_PRODUCER, SCRATCH_VA, 5, &info), VX_OK);
	EXPECT_EQ(vx_ring_unbind(p), VX_OK);
}

static void r21_ring_unbind(void)
{
	vx_handle_t ring = MUST(vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(6, 2)));
	struct vx_ring_info info;
	vx_handle_t c = with(ring, VX_R_CONSUME);
	EXPECT_EQ(vx_ring_bind(c, VX_RING_CONSUMER, SCRATCH_VA, 5, &info), VX_OK);
	EXPECT_EQ(vx_ring_unbind(c), VX_OK);
}

static void r22_ring_notify(void)
{
	vx_handle_t ring = MUST(vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(6, 2)));
	struct vx_ring_info info;
	EXPECT_EQ(vx_ring_notify(ring), VX_E_STATE); /* not bound */
	vx_handle_t p = with(ring, VX_R_PRODUCE);
	EXPECT_EQ(vx_ring_bind(p, VX_RING_PRODUCER, SCRATCH_VA, 5, &info), VX_OK);
	EXPECT_EQ(vx_ring_notify(p), VX_OK);
	EXPECT_EQ(vx_ring_unbind(p), VX_OK);
}

static void r23_ring_notify_wait(void)
{
	vx_handle_t ring = MUST(vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(6, 2)));
	struct vx_ring_info info;
	EXPECT_EQ(vx_ring_notify_wait(ring, SIG_TEST, VX_DEADLINE_NONE), VX_E_STATE);
	vx_handle_t p = with(ring, VX_R_PRODUCE);
	EXPECT_EQ(vx_ring_bind(p, VX_RING_PRODUCER, SCRATCH_VA, 5, &info), VX_OK);
	EXPECT_EQ(vx_ring_notify_wait(p, SIG_TEST, VX_DEADLINE_NONE), 0);
	EXPECT_EQ(vx_ring_unbind(p), VX_OK);
}

static void r24_ring_send_cap(void)
{
	vx_handle_t ring = MUST(vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(6, 2)));
	vx_handle_t m = new_mem();
	EXPECT_EQ(vx_ring_send_cap(without(ring, VX_R_PRODUCE), m, VX_R_READ), VX_E_RIGHTS);
	EXPECT_EQ(vx_ring_send_cap(ring, without(m, VX_R_GRANT), VX_R_READ), VX_E_RIGHTS);
	EXPECT_EQ(vx_ring_send_cap(ring, with(m, VX_R_READ | VX_R_GRANT), VX_R_WRITE), VX_E_RIGHTS);
	EXPECT_EQ(
	    vx_ring_send_cap(with(ring, VX_R_PRODUCE), with(m, VX_R_READ | VX_R_GRANT), VX_R_READ),
	    0);
	int64_t h = vx_ring_recv_cap(ring);
	EXPECT(h > 0);
	EXPECT_EQ(rights_of((vx_handle_t)h), VX_R_READ);
}

static void r25_ring_recv_cap(void)
{
	vx_handle_t ring = MUST(vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(6, 2)));
	EXPECT_EQ(vx_ring_send_cap(ring, new_mem(), VX_R_READ | VX_R_GRANT), 0);
	EXPECT_EQ(vx_ring_recv_cap(without(ring, VX_R_CONSUME)), VX_E_RIGHTS);
	int64_t h = vx_ring_recv_cap(with(ring, VX_R_CONSUME));
	EXPECT(h > 0);
	EXPECT_EQ(rights_of((vx_handle_t)h), VX_R_READ | VX_R_GRANT);
}

static void r26_sig_wait(void)
{
	EXPECT_EQ(vx_sig_wait(SIG_TEST, VX_DEADLINE_NONE), 0);
}

static void r27_sig_raise(void)
{
	vx_handle_t s = with(MUST(vx_sig_mint(self, SIG_TEST)), 0);
	EXPECT_EQ(vx_sig_raise(s, SIG_TEST | SIG_CHILD), VX_E_RIGHTS);
	EXPECT_EQ(vx_sig_raise(s, SIG_TEST), VX_OK);
	EXPECT_EQ(vx_sig_wait(SIG_TEST, VX_DEADLINE_NONE), (int64_t)SIG_TEST);
}

#define FREE_LINE 5 /* no device on IRQ 5 under QEMU's q35 */

static void r28_irq_bind(void)
{
	vx_handle_t sig = with(MUST(vx_sig_mint(self, SIG_TEST)), 0);
	EXPECT_EQ(vx_irq_bind(without(irqs, VX_R_CONTROL), FREE_LINE, sig), VX_E_RIGHTS);
	vx_handle_t one = MUST(vx_cap_derive(irqs, VX_R_CONTROL, (1ull << 32) | FREE_LINE));
	EXPECT_EQ(vx_irq_bind(one, FREE_LINE + 1, sig), VX_E_RANGE);
	EXPECT_EQ(vx_irq_bind(one, FREE_LINE, sig), VX_OK);
	EXPECT_EQ(vx_irq_bind(one, FREE_LINE, VX_NO_HANDLE), VX_OK);
}

static void r29_irq_ack(void)
{
	vx_handle_t sig = MUST(vx_sig_mint(self, SIG_TEST));
	EXPECT_EQ(vx_irq_bind(irqs, FREE_LINE, sig), VX_OK);
	EXPECT_EQ(vx_irq_ack(without(irqs, VX_R_CONTROL), FREE_LINE), VX_E_RIGHTS);
	EXPECT_EQ(vx_irq_ack(with(irqs, VX_R_CONTROL), FREE_LINE), VX_OK);
	EXPECT_EQ(vx_irq_bind(irqs, FREE_LINE, VX_NO_HANDLE), VX_OK);
}

static void r30_port_in(void)
{
	EXPECT_EQ(vx_port_in(without(io, VX_R_READ), 0x3fd, 1), VX_E_RIGHTS);
	EXPECT(vx_port_in(with(io, VX_R_READ), 0x3fd, 1) >= 0);
}

static void r31_port_out(void)
{
	EXPECT_EQ(vx_port_out(without(io, VX_R_WRITE), 0x80, 1, 0), VX_E_RIGHTS);
	EXPECT_EQ(vx_port_out(with(io, VX_R_WRITE), 0x80, 1, 0), VX_OK); /* POST port */
}

static void r32_console_write(void)
{
	EXPECT_EQ(vx_console_write(without(io, VX_R_WRITE), "", 0), VX_E_RIGHTS);
	EXPECT_EQ(vx_console_write(with(io, VX_R_WRITE), "", 0), 0);
}

static void r33_clock(void)
{
	EXPECT(vx_clock() > 0);
}

static void r34_sig_mint(void)
{
	vx_handle_t t = new_task();
	EXPECT_EQ(vx_sig_mint(without(t, VX_R_CONTROL), 1), VX_E_RIGHTS);
	int64_t s = vx_sig_mint(with(t, VX_R_CONTROL), 1);
	EXPECT(s > 0);
	EXPECT_EQ(rights_of((vx_handle_t)s), VX_R_CONTROL);
	s = vx_sig_mint(t, 1);
	EXPECT_SUBSET(rights_of((vx_handle_t)s), VX_R_GRANT | VX_R_CONTROL);
}

static void r35_task_set_affinity(void)
{
	vx_handle_t t = new_task();
	struct vx_task_info ti;
	EXPECT_EQ(vx_task_set_affinity(without(t, VX_R_CONTROL), 1), VX_E_RIGHTS);
	EXPECT_EQ(vx_task_set_affinity(with(t, VX_R_CONTROL), 1), VX_OK);
	EXPECT_EQ(vx_task_set_affinity(with(t, VX_R_CONTROL), 1ull << 63),
		  VX_E_INVAL); /* no such CPU */
	EXPECT_EQ(vx_task_inspect(t, &ti), VX_OK);
	EXPECT_EQ(ti.affinity, 1);
}

/* A function no device answers at (bus 0, device 31 is q35's LPC and SMBus;
 * function 7 of device 30 is empty). */
#define NO_DEVICE VX_PCI_BDF(0, 30, 7)

static vx_handle_t new_iospace(void)
{
	return MUST(vx_iospace_create(R, pci, NO_DEVICE | (has_iommu ? 0 : VX_IOSPACE_UNCONFINED),
				      has_iommu ? VX_IOSPACE_PAGES_MIN : 0));
}

static void r36_iospace_create(void)
{
	uint32_t bdf = NO_DEVICE | (has_iommu ? 0 : VX_IOSPACE_UNCONFINED);
	uint32_t pages = has_iommu ? VX_IOSPACE_PAGES_MIN : 0;
	EXPECT_EQ(vx_iospace_create(without(R, VX_R_CONTROL), pci, bdf, pages), VX_E_RIGHTS);
	EXPECT_EQ(vx_iospace_create(R, without(pci, VX_R_CONTROL), bdf, pages), VX_E_RIGHTS);
	/* Unconfined DMA (no IOMMU) needs VX_R_WRITE on the Pci cap too. */
	uint32_t need = VX_R_CONTROL | (has_iommu ? 0 : VX_R_WRITE);
	if (!has_iommu)
		EXPECT_EQ(vx_iospace_create(R, without(pci, VX_R_WRITE), bdf, pages), VX_E_RIGHTS);
	int64_t s = vx_iospace_create(with(R, VX_R_CONTROL), with(pci, need), bdf, pages);
	EXPECT(s > 0);
	EXPECT_SUBSET(rights_of((vx_handle_t)s), VX_R_CONTROL);
}

static void r37_iospace_map(void)
{
	vx_handle_t s = new_iospace(), m = new_mem();
	EXPECT_EQ(vx_iospace_map(without(s, VX_R_CONTROL), m, 0x1000, VX_PROT_READ), VX_E_RIGHTS);
	EXPECT_EQ(vx_iospace_map(s, without(m, VX_R_WRITE), 0x1000, VX_PROT_WRITE), VX_E_RIGHTS);
	EXPECT(vx_iospace_map(with(s, VX_R_CONTROL), with(m, VX_R_READ), 0x1000, VX_PROT_READ) >=
	       0);
}

static void r38_task_regs(void)
{
	static struct vx_regs r;
	vx_handle_t t = new_task();
	EXPECT_EQ(vx_task_regs(without(t, VX_R_CONTROL), VX_REGS_READ, &r), VX_E_RIGHTS);
	EXPECT_EQ(vx_task_regs(with(t, VX_R_CONTROL), VX_REGS_READ, &r), VX_OK);
	EXPECT_EQ(vx_task_regs(without(t, VX_R_CONTROL), VX_REGS_WRITE, &r), VX_E_RIGHTS);
	r.rip = 0x400000;
	EXPECT_EQ(vx_task_regs(with(t, VX_R_CONTROL), VX_REGS_WRITE, &r), VX_OK);
}

void ktest_rights(void)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} rows[] = {
	    {"rights_00_cap_inspect", r00_cap_inspect},
	    {"rights_01_cap_derive", r01_cap_derive},
	    {"rights_02_cap_delete", r02_cap_delete},
	    {"rights_03_cap_revoke", r03_cap_revoke},
	    {"rights_04_reticle_retype", r04_reticle_retype},
	    {"rights_05_reticle_split", r05_reticle_split},
	    {"rights_06_reticle_reset", r06_reticle_reset},
	    {"rights_07_reticle_info", r07_reticle_info},
	    {"rights_08_task_map", r08_task_map},
	    {"rights_09_task_unmap", r09_task_unmap},
	    {"rights_10_task_set_regs", r10_task_set_regs},
	    {"rights_11_task_start", r11_task_start},
	    {"rights_12_task_halt", r12_task_halt},
	    {"rights_13_task_resume", r13_task_resume},
	    {"rights_14_task_inspect", r14_task_inspect},
	    {"rights_15_task_supervise", r15_task_supervise},
	    {"rights_16_task_set_prio", r16_task_set_prio},
	    {"rights_17_task_exit", r17_task_exit},
	    {"rights_18_task_yield", r18_task_yield},
	    {"rights_19_bundle_add", r19_bundle_add},
	    {"rights_20_ring_bind", r20_ring_bind},
	    {"rights_21_ring_unbind", r21_ring_unbind},
	    {"rights_22_ring_notify", r22_ring_notify},
	    {"rights_23_ring_notify_wait", r23_ring_notify_wait},
	    {"rights_24_ring_send_cap", r24_ring_send_cap},
	    {"rights_25_ring_recv_cap", r25_ring_recv_cap},
	    {"rights_26_sig_wait", r26_sig_wait},
	    {"rights_27_sig_raise", r27_sig_raise},
	    {"rights_28_irq_bind", r28_irq_bind},
	    {"rights_29_irq_ack", r29_irq_ack},
	    {"rights_30_port_in", r30_port_in},
	    {"rights_31_port_out", r31_port_out},
	    {"rights_32_console_write", r32_console_write},
	    {"rights_33_clock", r33_clock},
	    {"rights_34_sig_mint", r34_sig_mint},
	    {"rights_35_task_set_affinity", r35_task_set_affinity},
	    {"rights_36_iospace_create", r36_iospace_create},
	    {"rights_37_iospace_map", r37_iospace_map},
	    {"rights_38_task_regs", r38_task_regs},
	};
	_Static_assert(sizeof(rows) / sizeof(rows[0]) == VX_SYS_COUNT, "a row for every syscall");

	for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		run(rows[i].name, rows[i].fn);
}
