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

void ktest_edges(void)
{
	run("edge_table_full_refuses_before_changing_anything",
	    t_edge_table_full_refuses_before_changing_anything);
	run("edge_iospace_64_live_then_full", t_edge_iospace_64_live_then_full);
}
