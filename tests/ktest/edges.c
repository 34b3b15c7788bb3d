/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Edges: the hostile cases of the hunt before the second kernel audit
 * that are not findings of their own (those are in hardening.c), each by
 * name: every bounded table at its bound, and every call that would make
 * a handle with no slot left refused before it changes anything.
 *
 *   edge_table_full_*    with the caller's 255 slots in use, every call
 *                        that makes a handle is VX_E_FULL and changes
 *                        nothing: no object carved, no queued cap taken
 *   edge_iospace_64_*    64 IoSpaces live, the 65th VX_E_FULL; one gone,
 *                        its domain serves the next
 *   edge_bundle_*        names at the length bound, with a NUL inside,
 *                        twice; 63 slots; a Bundle that holds itself
 *   edge_sig_*           bit 63 never minted; raising at a Task that has
 *                        exited is harmless
 *   edge_iospace_map_*   the last page of the IO window, one past it, the
 *                        same frame in two IoSpaces, an IoSpace deleted
 *                        while mapped; unconfined, twice, then gone
 *   edge_supervise_*     a Task supervising itself, two supervising each
 *                        other: exits raise their bits, nothing loops
 *   edge_irq_*           a line bound twice; its Signal's Task revoked
 *   edge_ring_*          a Ring's transfer queue holding the Ring itself
 *                        and the Reticle it was carved from, full, then
 *                        the caps dropped and the Reticle reset
 *   edge_regs_*          TASK_REGS with hostile ops, masks and deadlines
 *                        refused before the Task changes state
 *   edge_ring_peer_*     the Task bound at the other end of two Rings is
 *                        destroyed while it waits (on another CPU when
 *                        there is one): both ends unbind and say so, and
 *                        the doorbells and waits left ring into nothing
 */
#include "ktest.h"

/* Fills the caller's table with caps derived from R; returns how many it
 * made (their handles in made[]). */
static unsigned fill_table(vx_handle_t made[], unsigned max)
{
	unsigned n = 0;

	while (n < max) {
		int64_t h = vx_cap_derive(R, VX_R_READ, 0);
		if (h < 0) {
			EXPECT_EQ(h, VX_E_FULL);
			break;
		}
		made[n++] = (vx_handle_t)h;
	}
	return n;
}

static void t_edge_table_full_refuses_before_changing_anything(void)
{
	static vx_handle_t made[VX_HANDLE_SLOTS];
	vx_handle_t ring = MUST(vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(6, 2)));
	vx_handle_t mem = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	vx_handle_t task = MUST(vx_reticle_retype(R, VX_OBJ_TASK, 0));
	struct vx_reticle_info before, after;
	struct vx_cap_info ci;
	struct vx_task_info ti;

	EXPECT_EQ(vx_ring_send_cap(ring, mem, VX_R_READ), 0);
	unsigned n = fill_table(made, VX_HANDLE_SLOTS);
	EXPECT(n > 0);
	EXPECT_EQ(vx_task_inspect(self, &ti), VX_OK);
	EXPECT_EQ(ti.handles, VX_HANDLE_SLOTS - 1);
	EXPECT_EQ(vx_reticle_info(R, &before), VX_OK);
	EXPECT_EQ(vx_reticle_retype(R, VX_OBJ_MEM, 1), VX_E_FULL);
	EXPECT_EQ(vx_reticle_retype(R, VX_OBJ_TASK, 0), VX_E_FULL);
	EXPECT_EQ(vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(6, 2)), VX_E_FULL);
	EXPECT_EQ(vx_reticle_split(R, 4 * 4096), VX_E_FULL);
	EXPECT_EQ(vx_cap_derive(mem, VX_R_READ, 0), VX_E_FULL);
	EXPECT_EQ(vx_sig_mint(self, SIG_TEST), VX_E_FULL);
	EXPECT_EQ(vx_sig_mint(task, 1), VX_E_FULL);
	EXPECT_EQ(vx_ring_recv_cap(ring), VX_E_FULL);
	if (has_iommu)
		EXPECT_EQ(vx_iospace_create(R, pci, VX_PCI_BDF(20, 0, 0), VX_IOSPACE_PAGES_MIN),
			  VX_E_FULL);
	EXPECT_EQ(vx_reticle_info(R, &after), VX_OK);
	EXPECT_EQ(after.objects, before.objects);
	EXPECT_EQ(after.free, before.free);
	/* The queued cap is still queued, and arrives once a slot is free. */
	EXPECT_EQ(vx_cap_inspect(ring, &ci), VX_OK);
	EXPECT_EQ(ci.ring_state >> 8, 1);
	EXPECT_EQ(vx_cap_delete(made[--n]), VX_OK);
	int64_t h = vx_ring_recv_cap(ring);
	EXPECT(h > 0);
	EXPECT_EQ(vx_cap_inspect((vx_handle_t)h, &ci), VX_OK);
	EXPECT_EQ(ci.type, VX_OBJ_MEM);
	EXPECT_EQ(vx_cap_delete((vx_handle_t)h), VX_OK);
	while (n > 0)
		EXPECT_EQ(vx_cap_delete(made[--n]), VX_OK);
}

static void t_edge_iospace_64_live_then_full(void)
{
	int64_t s[65];
	unsigned n = 0;

	if (!has_iommu)
		return; /* without an IOMMU only unconfined IoSpaces, tested elsewhere */
	for (; n < 64; n++) {
		s[n] =
		    vx_iospace_create(R, pci, VX_PCI_BDF(20, n / 8, n % 8), VX_IOSPACE_PAGES_MIN);
		if (s[n] < 0) {
			vx_printf("#   IoSpace %u: %ld\n", n, (long)s[n]);
			break;
		}
	}
	EXPECT_EQ(n, 64);
	EXPECT_EQ(vx_iospace_create(R, pci, VX_PCI_BDF(21, 0, 0), VX_IOSPACE_PAGES_MIN), VX_E_FULL);
	/* One goes: its domain is free for the next, a Mem maps there. */
	EXPECT_EQ(vx_cap_delete((vx_handle_t)s[17]), VX_OK);
	int64_t again = vx_iospace_create(R, pci, VX_PCI_BDF(21, 0, 0), VX_IOSPACE_PAGES_MIN);
	EXPECT(again > 0);
	vx_handle_t m = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 2));
	EXPECT_EQ(vx_iospace_map((vx_handle_t)again, m, 0x1000, VX_PROT_READ), 0x1000);
	EXPECT_EQ(vx_iospace_create(R, pci, VX_PCI_BDF(21, 1, 0), VX_IOSPACE_PAGES_MIN), VX_E_FULL);
	for (unsigned i = 0; i < n; i++)
		if (i != 17)
			EXPECT_EQ(vx_cap_delete((vx_handle_t)s[i]), VX_OK);
	EXPECT_EQ(vx_cap_delete(m), VX_OK);
	EXPECT_EQ(vx_cap_delete((vx_handle_t)again), VX_OK);
	/* All 64 domains are free again. */
	for (unsigned i = 0; i < 64; i++) {
		s[i] =
		    vx_iospace_create(R, pci, VX_PCI_BDF(22, i / 8, i % 8), VX_IOSPACE_PAGES_MIN);
		EXPECT(s[i] > 0);
	}
}

static void t_edge_bundle_names_at_the_bounds(void)
{
	static const char long31[] = "abcdefghijklmnopqrstuvwxyz01234";
	static const char long32[] = "abcdefghijklmnopqrstuvwxyz012345";
	vx_handle_t b = MUST(vx_reticle_retype(R, VX_OBJ_BUNDLE, 0));
	vx_handle_t m = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	char name[8];

	EXPECT_EQ(vx_bundle_add(b, long32, 32, m, VX_R_READ), VX_E_INVAL);
	EXPECT_EQ(vx_bundle_add(b, "a\0b", 3, m, VX_R_READ), VX_E_INVAL);
	EXPECT_EQ(vx_bundle_add(b, "ab\0", 3, m, VX_R_READ), VX_E_INVAL);
	EXPECT_EQ(vx_bundle_add(b, "Ab", 2, m, VX_R_READ), VX_E_INVAL);
	EXPECT_EQ(vx_bundle_add(b, "a", 0, m, VX_R_READ), VX_E_INVAL);
	int64_t r = vx_bundle_add(b, (const char *)0xffff800000000000ull, 4, m, VX_R_READ);
	EXPECT(r == VX_E_FAULT || r == VX_E_RANGE);
	EXPECT_EQ(vx_bundle_add(b, long31, 31, m, VX_R_READ), VX_OK);
	EXPECT_EQ(vx_bundle_add(b, long31, 31, m, VX_R_READ), VX_E_EXISTS);
	/* A prefix of a name is a name of its own. */
	EXPECT_EQ(vx_bundle_add(b, long31, 30, m, VX_R_READ), VX_OK);
	for (unsigned i = 2; i < VX_BUNDLE_SLOTS; i++) {
		name[0] = 's';
		name[1] = (char)('a' + i / 26);
		name[2] = (char)('a' + i % 26);
		EXPECT_EQ(vx_bundle_add(b, name, 3, m, VX_R_READ), VX_OK);
	}
	EXPECT_EQ(vx_bundle_add(b, "last", 4, m, VX_R_READ), VX_E_FULL);
	/* FULL is checked before the source: no slot even for a bad handle. */
	EXPECT_EQ(vx_bundle_add(b, long31, 31, m, VX_R_READ), VX_E_EXISTS);
}

/* A Bundle added to itself: the child receives a cap to the Bundle it was
 * started with; the Bundle is sealed, and a second start with it refused. */
static void t_edge_bundle_holding_itself_starts_once(void)
{
	struct vx_spawn sp = {.self = self, .reticle = R};
	struct vx_spawn other = {.self = self, .reticle = R};

	if (!load_victim("exit 7", &sp) || !load_victim("exit 8", &other))
		return;
	EXPECT_EQ(vx_bundle_add(sp.bundle, "me", 2, sp.bundle, VX_R_READ | VX_R_CONTROL), VX_OK);
	vx_handle_t t = start_victim(&sp);
	EXPECT_EQ(exit_code(t), 7);
	EXPECT_EQ(vx_bundle_add(sp.bundle, "late", 4, sp.bundle, VX_R_READ), VX_E_STATE);
	EXPECT_EQ(vx_task_start(other.task, sp.bundle), VX_E_STATE);
	EXPECT_EQ(vx_task_start(other.task, other.bundle), VX_OK);
	EXPECT_EQ(exit_code(other.task), 8);
	/* Unstarted, holding only itself: the Reticle's reset takes it. */
	vx_handle_t b = MUST(vx_reticle_retype(R, VX_OBJ_BUNDLE, 0));
	EXPECT_EQ(vx_bundle_add(b, "me", 2, b, VX_R_READ), VX_OK);
	EXPECT_EQ(vx_cap_delete(b), VX_OK);
}

static void t_edge_sig_bit63_and_an_exited_task(void)
{
	struct vx_task_info ti;
	vx_handle_t t = spawn_victim("exit 7", 0);
	int64_t s = vx_sig_mint(t, 1ull << 62);

	EXPECT(s > 0);
	EXPECT_EQ(vx_sig_mint(t, 1ull << 63), VX_E_INVAL);
	EXPECT_EQ(vx_sig_mint(t, ~0ull), VX_E_INVAL);
	EXPECT_EQ(vx_sig_mint(t, 0), VX_E_INVAL);
	EXPECT_EQ(vx_cap_derive((vx_handle_t)s, VX_R_GRANT, 1ull << 63), VX_E_RIGHTS);
	EXPECT_EQ(exit_code(t), 7);
	EXPECT_EQ(vx_sig_raise((vx_handle_t)s, 1ull << 63), VX_E_RIGHTS);
	EXPECT_EQ(vx_sig_raise((vx_handle_t)s, 1ull << 61), VX_E_RIGHTS);
	EXPECT_EQ(vx_sig_raise((vx_handle_t)s, 1ull << 62), VX_OK);
	EXPECT_EQ(vx_task_inspect(t, &ti), VX_OK);
	EXPECT_EQ(ti.state, VX_TASK_EXITED);
	EXPECT_EQ(vx_sig_raise((vx_handle_t)s, 1ull << 62), VX_OK);
	EXPECT_EQ(vx_cap_delete(t), VX_OK);
	/* The Signal keeps the Task object, exited, alive. */
	EXPECT_EQ(vx_sig_raise((vx_handle_t)s, 1ull << 62), VX_OK);
	EXPECT_EQ(vx_cap_delete((vx_handle_t)s), VX_OK);
	EXPECT_EQ(vx_sig_raise((vx_handle_t)s, 1ull << 62), VX_E_STALE);
}

static void t_edge_iospace_map_window_edges(void)
{
	if (!has_iommu)
		return;
	vx_handle_t s1 =
	    MUST(vx_iospace_create(R, pci, VX_PCI_BDF(23, 0, 0), VX_IOSPACE_PAGES_MIN + 4));
	vx_handle_t s2 =
	    MUST(vx_iospace_create(R, pci, VX_PCI_BDF(23, 1, 0), VX_IOSPACE_PAGES_MIN + 4));
	vx_handle_t m = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 2));
	vx_handle_t m2 = MUST(vx_cap_derive(m, VX_R_READ | VX_R_WRITE | VX_R_GRANT, 0));
	vx_handle_t one = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));

	EXPECT_EQ(vx_iospace_map(s1, m, VX_IOSPACE_END - 4096, VX_PROT_READ), VX_E_RANGE);
	EXPECT_EQ(vx_iospace_map(s1, m, VX_IOSPACE_END, VX_PROT_READ), VX_E_RANGE);
	EXPECT_EQ(vx_iospace_map(s1, m, (uint64_t)0 - 8192, VX_PROT_READ), VX_E_RANGE);
	EXPECT_EQ(vx_iospace_map(s1, m, VX_IOSPACE_END - 8192 + 1, VX_PROT_READ), VX_E_ALIGN);
	EXPECT_EQ(vx_iospace_map(s1, m, 0, 0), VX_E_INVAL);
	EXPECT_EQ(vx_iospace_map(s1, m, 0, VX_PROT_EXEC), VX_E_INVAL);
	EXPECT_EQ(vx_iospace_map(s1, m, VX_IOSPACE_END - 8192, VX_PROT_READ | VX_PROT_WRITE),
		  (int64_t)(VX_IOSPACE_END - 8192));
	EXPECT_EQ(vx_iospace_map(s1, m, 0, VX_PROT_READ), VX_E_EXISTS); /* this cap's mapped */
	EXPECT_EQ(vx_iospace_map(s1, one, VX_IOSPACE_END - 4096, VX_PROT_READ), VX_E_EXISTS);
	EXPECT_EQ(vx_iospace_map(s1, one, 0, VX_PROT_READ), 0);
	/* The same frames through a second cap, in a second IoSpace and the first. */
	EXPECT_EQ(vx_iospace_map(s2, m2, 0x200000 - 4096, VX_PROT_READ), 0x200000 - 4096);
	/* A Task map of the same cap is refused too, the other cap's allowed. */
	EXPECT_EQ(vx_task_map(self, m, SCRATCH_VA, VX_PROT_READ), VX_E_EXISTS);
	/* Writable by a device: no executable mapping anywhere. */
	vx_handle_t m3 = MUST(vx_cap_derive(m, VX_R_READ | VX_R_EXEC, 0));
	EXPECT_EQ(vx_task_map(self, m3, SCRATCH_VA, VX_PROT_READ | VX_PROT_EXEC), VX_E_BUSY);
	/* The IoSpace dies with both mappings in it: the caps forget them. */
	EXPECT_EQ(vx_cap_delete(s1), VX_OK);
	EXPECT_EQ(vx_task_map(self, m3, SCRATCH_VA, VX_PROT_READ | VX_PROT_EXEC), VX_OK);
	EXPECT_EQ(vx_task_unmap(m3), VX_OK);
	EXPECT_EQ(vx_iospace_map(s2, m, 0, VX_PROT_READ), 0);
	EXPECT_EQ(vx_iospace_map(s2, one, 0x200000, VX_PROT_READ), VX_E_EXISTS);
	EXPECT_EQ(vx_iospace_map(s2, one, 0x1000000, VX_PROT_WRITE), 0x1000000);
	/* The parent cap goes: its mapping with it; the child's stays. */
	EXPECT_EQ(vx_cap_delete(m), VX_OK);
	vx_handle_t one2 = MUST(vx_cap_derive(one, VX_R_READ, 0));
	EXPECT_EQ(vx_iospace_map(s2, one2, 0, VX_PROT_READ), 0);
	EXPECT_EQ(vx_task_unmap(m2), VX_OK);
	EXPECT_EQ(vx_task_unmap(m2), VX_E_STATE);
	EXPECT_EQ(vx_cap_delete(one), VX_OK); /* its child one2 is handed up, still mapped */
	EXPECT_EQ(vx_task_unmap(one2), VX_OK);
	EXPECT_EQ(vx_cap_delete(s2), VX_OK);
	EXPECT_EQ(vx_cap_delete(m2), VX_OK);
}

/* Without an IOMMU: the unconfined IoSpace hands out physical addresses,
 * one mapping per cap still, W^X counted the same, and its death forgets
 * what was mapped. */
static void t_edge_iospace_map_unconfined_twice_then_gone(void)
{
	struct vx_cap_info ci;

	if (has_iommu)
		return; /* confined only, edge_iospace_map_window_edges */
	vx_handle_t s =
	    MUST(vx_iospace_create(R, pci, VX_PCI_BDF(23, 2, 0) | VX_IOSPACE_UNCONFINED, 0));
	vx_handle_t m = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 2));
	vx_handle_t m2 = MUST(vx_cap_derive(m, VX_R_READ | VX_R_WRITE, 0));
	vx_handle_t mx = MUST(vx_cap_derive(m, VX_R_READ | VX_R_EXEC, 0));

	int64_t pa = vx_iospace_map(s, m, 0x123000, VX_PROT_READ | VX_PROT_WRITE);
	EXPECT(pa > 0 && (pa & 4095) == 0);
	EXPECT_EQ(vx_iospace_map(s, m, 0, VX_PROT_READ), VX_E_EXISTS);
	EXPECT_EQ(vx_iospace_map(s, m2, 0, VX_PROT_READ), pa);
	EXPECT_EQ(vx_task_map(self, mx, SCRATCH_VA, VX_PROT_READ | VX_PROT_EXEC), VX_E_BUSY);
	EXPECT_EQ(vx_cap_delete(s), VX_OK);
	EXPECT_EQ(vx_cap_inspect(m, &ci), VX_OK);
	EXPECT_EQ(vx_task_unmap(m), VX_E_STATE); /* the IoSpace took its mapping along */
	EXPECT_EQ(vx_task_map(self, mx, SCRATCH_VA, VX_PROT_READ | VX_PROT_EXEC), VX_OK);
	EXPECT_EQ(vx_task_unmap(mx), VX_OK);
}

/* A Task supervised through a Signal to itself, and two supervising each
 * other: each exit raises its bit in an exited Task, and stops there. */
static void t_edge_supervise_self_and_cycle(void)
{
	struct vx_spawn a = {.self = self, .reticle = R};
	struct vx_spawn b = {.self = self, .reticle = R};
	struct vx_task_info ti;

	if (!load_victim("exit 7", &a) || !load_victim("exit 8", &b))
		return;
	vx_handle_t sa = MUST(vx_sig_mint(a.task, 1ull << 40));
	vx_handle_t sb = MUST(vx_sig_mint(b.task, 1ull << 41));
	EXPECT_EQ(vx_task_supervise(a.task, sa), VX_OK);
	EXPECT_EQ(vx_task_supervise(a.task, sa), VX_OK); /* again: the old copy goes */
	EXPECT_EQ(vx_task_start(a.task, a.bundle), VX_OK);
	EXPECT(until_stopped(a.task, &ti));
	EXPECT_EQ(ti.state, VX_TASK_EXITED);
	EXPECT_EQ(ti.fault.exit_code, 7);
	EXPECT(ti.pending & (1ull << 40));
	/* b supervises a (exited) and a supervises b: b's exit raises a's bit. */
	EXPECT_EQ(vx_task_supervise(b.task, sa), VX_OK);
	EXPECT_EQ(vx_task_supervise(a.task, sb), VX_OK);
	EXPECT_EQ(vx_task_start(b.task, b.bundle), VX_OK);
	EXPECT(until_stopped(b.task, &ti));
	EXPECT_EQ(ti.fault.exit_code, 8);
	EXPECT_EQ(vx_task_supervise(a.task, VX_NO_HANDLE), VX_OK);
	EXPECT_EQ(vx_cap_delete(sa), VX_OK);
	EXPECT_EQ(vx_cap_delete(sb), VX_OK);
}

static void t_edge_irq_bound_twice_then_task_revoked(void)
{
	const uint32_t line = VX_IRQ_MSI_FIRST + 5;
	vx_handle_t t = MUST(vx_reticle_retype(R, VX_OBJ_TASK, 0));
	vx_handle_t tc = MUST(vx_cap_derive(t, VX_R_ALL, 0));
	vx_handle_t s = MUST(vx_sig_mint(tc, 1));

	EXPECT(vx_irq_bind(msi, line, s) > 0);
	EXPECT(vx_irq_bind(msi, line, s) > 0);
	EXPECT_EQ(vx_irq_ack(msi, line), 0);
	/* Revoking the Task cap the Signal came from takes the route's copy. */
	EXPECT_EQ(vx_cap_revoke(tc), 2); /* the Signal and the route's copy */
	EXPECT_EQ(vx_irq_ack(msi, line), VX_E_STATE);
	EXPECT_EQ(vx_sig_raise(s, 1), VX_E_STALE);
	s = MUST(vx_sig_mint(tc, 1));
	EXPECT(vx_irq_bind(msi, line, s) > 0);
	/* The route's copy outlives the caps it came from, and keeps the
	 * Task; unrouting lets the Task go. */
	EXPECT_EQ(vx_cap_delete(s), VX_OK);
	EXPECT_EQ(vx_irq_ack(msi, line), 0);
	EXPECT_EQ(vx_cap_delete(tc), VX_OK);
	EXPECT_EQ(vx_cap_delete(t), VX_OK);
	EXPECT_EQ(vx_irq_ack(msi, line), 0);
	EXPECT_EQ(vx_irq_bind(msi, line, VX_NO_HANDLE), VX_OK);
	EXPECT_EQ(vx_irq_ack(msi, line), VX_E_STATE);
}

static void t_edge_ring_queue_holds_itself_and_its_reticle(void)
{
	vx_handle_t sub = MUST(vx_reticle_split(R, 64 * 4096));
	vx_handle_t ring = MUST(vx_reticle_retype(sub, VX_OBJ_RING, VX_RING_ARG(6, 2)));
	struct vx_reticle_info ri;
	struct vx_cap_info ci;

	EXPECT_EQ(vx_ring_send_cap(ring, ring, VX_R_ALL), 0);
	EXPECT_EQ(vx_ring_send_cap(ring, sub, VX_R_ALL), 1);
	for (unsigned i = 2; i < VX_RING_XFER_MAX; i++)
		EXPECT_EQ(vx_ring_send_cap(ring, ring, VX_R_READ), (int64_t)i);
	EXPECT_EQ(vx_ring_send_cap(ring, ring, VX_R_READ), VX_E_FULL);
	/* The Ring received through itself is the Ring. */
	int64_t again = vx_ring_recv_cap(ring);
	EXPECT(again > 0);
	EXPECT_EQ(vx_cap_inspect((vx_handle_t)again, &ci), VX_OK);
	EXPECT_EQ(ci.type, VX_OBJ_RING);
	EXPECT_EQ(ci.ring_state >> 8, VX_RING_XFER_MAX - 1);
	EXPECT_EQ(vx_ring_send_cap((vx_handle_t)again, again, VX_R_READ), VX_RING_XFER_MAX);
	/* Every cap of ours goes; the queue keeps both alive, a cycle only
	 * the parent Reticle's reset undoes. */
	EXPECT_EQ(vx_cap_delete((vx_handle_t)again), VX_OK);
	EXPECT_EQ(vx_cap_delete(ring), VX_OK);
	EXPECT_EQ(vx_reticle_info(sub, &ri), VX_OK);
	EXPECT_EQ(ri.objects, 1);
	/* The sub-Reticle reset while its own cap waits in a Ring it holds. */
	EXPECT_EQ(vx_reticle_reset(sub), VX_OK);
	EXPECT_EQ(vx_reticle_info(sub, &ri), VX_OK);
	EXPECT_EQ(ri.objects, 0);
	/* Again, and this time the sub-Reticle's last cap is in the queue. */
	ring = MUST(vx_reticle_retype(sub, VX_OBJ_RING, VX_RING_ARG(6, 2)));
	EXPECT_EQ(vx_ring_send_cap(ring, sub, VX_R_ALL), 0);
	EXPECT_EQ(vx_ring_send_cap(ring, ring, VX_R_ALL), 1);
	EXPECT_EQ(vx_cap_delete(sub), VX_OK);
	EXPECT_EQ(vx_cap_delete(ring), VX_OK);
	EXPECT_EQ(vx_reticle_reset(R), VX_OK);
	EXPECT_EQ(vx_reticle_info(R, &ri), VX_OK);
	EXPECT_EQ(ri.objects, 0);
}

static void t_edge_regs_hostile_ops_change_nothing(void)
{
	struct vx_regs r;
	struct vx_task_info ti;
	vx_handle_t t = spawn_victim("spin", 0);
	vx_handle_t fresh = MUST(vx_reticle_retype(R, VX_OBJ_TASK, 0));

	memset(&r, 0, sizeof(r));
	EXPECT_EQ(vx_task_regs(t, VX_REGS_READ, &r), VX_E_STATE); /* running */
	EXPECT_EQ(vx_task_halt(t), VX_OK);
	EXPECT_EQ(vx_task_regs(t, VX_REGS_READ, &r), VX_OK);
	EXPECT_EQ(vx_task_regs(t, 4, &r), VX_E_INVAL);
	EXPECT_EQ(vx_task_regs(t, 0xffffffffu, &r), VX_E_INVAL);
	EXPECT_EQ(vx_task_regs_wait(t, VX_REGS_RESUME_WAIT, &r, 0, VX_DEADLINE_NEVER), VX_E_INVAL);
	EXPECT_EQ(vx_task_regs_wait(t, VX_REGS_RESUME_WAIT, &r, 0, VX_DEADLINE_NONE), VX_E_INVAL);
	EXPECT_EQ(vx_task_regs_wait(t, VX_REGS_RESUME_WAIT, &r, 1ull << 63, VX_DEADLINE_NEVER),
		  VX_E_INVAL);
	int64_t e =
	    vx_task_regs_wait(t, VX_REGS_RESUME_WAIT, (struct vx_regs *)0xffff800000000000ull,
			      SIG_TEST, VX_DEADLINE_NEVER);
	EXPECT(e == VX_E_FAULT || e == VX_E_RANGE);
	EXPECT_EQ(vx_task_inspect(t, &ti), VX_OK);
	EXPECT_EQ(ti.state, VX_TASK_HALTED);
	/* A write that would leave user mode is refused whole. */
	struct vx_regs bad = r;
	bad.rip = 0xffffffff80000000ull;
	EXPECT_EQ(vx_task_regs(t, VX_REGS_RESUME, &bad), VX_E_RANGE);
	EXPECT_EQ(vx_task_inspect(t, &ti), VX_OK);
	EXPECT_EQ(ti.state, VX_TASK_HALTED);
	/* A new Task is started, never resumed, and has no frame to wait on. */
	EXPECT_EQ(vx_task_regs(fresh, VX_REGS_RESUME, &r), VX_E_STATE);
	EXPECT_EQ(vx_task_regs_wait(fresh, VX_REGS_RESUME_WAIT, &r, SIG_TEST, 0), VX_E_STATE);
	/* The caller itself is running: never its own foreign supervisor. */
	EXPECT_EQ(vx_task_regs(self, VX_REGS_READ, &r), VX_E_STATE);
	EXPECT_EQ(vx_task_regs_wait(self, VX_REGS_RESUME_WAIT, &r, SIG_TEST, 0), VX_E_STATE);
	/* A deadline already past: resumes, and answers at once with no bits. */
	EXPECT_EQ(vx_task_regs_wait(t, VX_REGS_RESUME_WAIT, &r, SIG_TEST, 1), 0);
	EXPECT_EQ(vx_task_inspect(t, &ti), VX_OK);
	EXPECT(ti.state == VX_TASK_RUNNABLE || ti.state == VX_TASK_WAITING);
	EXPECT_EQ(vx_task_halt(t), VX_OK);
}

static void t_edge_ring_peer_destroyed_while_it_waits(void)
{
	struct echo_pair e;
	struct vx_task_info ti;
	struct vx_cap_info ci;
	uint64_t its = vx_clock_idle(1) >= 0 ? 2 : 1;

	if (!echo_start_on(&e, VX_PRIO_MAX, 1, its))
		return;
	EXPECT_EQ(vx_task_inspect(e.task, &ti), VX_OK);
	EXPECT_EQ(ti.state, VX_TASK_WAITING);
	/* Its own "self" goes by revoke, then its last cap: it dies waiting. */
	EXPECT(vx_cap_revoke(e.task) >= 1);
	EXPECT_EQ(vx_cap_delete(e.task), VX_OK);
	EXPECT_EQ(vx_task_inspect(e.task, &ti), VX_E_STALE);
	EXPECT_EQ(vx_cap_inspect(e.req, &ci), VX_OK);
	EXPECT_EQ(ci.ring_state & 0xff, VX_RING_BOUND_PRODUCER);
	EXPECT_EQ(vx_cap_inspect(e.rep, &ci), VX_OK);
	EXPECT_EQ(ci.ring_state & 0xff, VX_RING_BOUND_CONSUMER);
	/* Each unbind rang the end left behind. */
	EXPECT_EQ(vx_sig_wait(1ull << 4, VX_DEADLINE_NONE), 1ull << 4);
	EXPECT_EQ(vx_ring_notify_wait(e.req, 1ull << ECHO_REP_BIT, VX_DEADLINE_NONE),
		  1ull << ECHO_REP_BIT);
	echo_send(&e, 1);
	EXPECT_EQ(vx_ring_notify(e.req), VX_OK);
	EXPECT_EQ(vx_ring_notify_wait(e.req, 1ull << ECHO_REP_BIT, (uint64_t)vx_clock() + 5 * MS),
		  0);
	EXPECT_EQ(vx_ring_notify_wait(e.rep, 1ull << ECHO_REP_BIT, (uint64_t)vx_clock() + 5 * MS),
		  0);
	EXPECT_EQ(vx_ring_unbind(e.req), VX_OK);
	EXPECT_EQ(vx_ring_unbind(e.rep), VX_OK);
	EXPECT_EQ(vx_ring_notify(e.req), VX_E_STATE);
	EXPECT_EQ(vx_task_set_affinity(self, 0), VX_OK);
}

void ktest_edges(void)
{
	run("edge_bundle_names_at_the_bounds", t_edge_bundle_names_at_the_bounds);
	run("edge_bundle_holding_itself_starts_once", t_edge_bundle_holding_itself_starts_once);
	run("edge_sig_bit63_and_an_exited_task", t_edge_sig_bit63_and_an_exited_task);
	run("edge_iospace_map_window_edges", t_edge_iospace_map_window_edges);
	run("edge_iospace_map_unconfined_twice_then_gone",
	    t_edge_iospace_map_unconfined_twice_then_gone);
	run("edge_supervise_self_and_cycle", t_edge_supervise_self_and_cycle);
	run("edge_irq_bound_twice_then_task_revoked", t_edge_irq_bound_twice_then_task_revoked);
	run("edge_ring_queue_holds_itself_and_its_reticle",
	    t_edge_ring_queue_holds_itself_and_its_reticle);
	run("edge_regs_hostile_ops_change_nothing", t_edge_regs_hostile_ops_change_nothing);
	run("edge_ring_peer_destroyed_while_it_waits", t_edge_ring_peer_destroyed_while_it_waits);
	run("edge_table_full_refuses_before_changing_anything",
	    t_edge_table_full_refuses_before_changing_anything);
	run("edge_iospace_64_live_then_full", t_edge_iospace_64_live_then_full);
}
