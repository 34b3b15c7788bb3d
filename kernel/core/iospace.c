/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IoSpace: one PCI function's IO address space, what its DMA can reach.
 *
 * A driver makes a buffer visible to its device by mapping one of its
 * MemCaps into the IoSpace at an IO address (VX_SYS_IOSPACE_MAP); the
 * mapping belongs to that cap, exactly as a Task mapping does (kernel.h,
 * MAPPINGS), so deleting or revoking the cap, destroying the frame or
 * resetting the Reticle it came from unmaps it.  Every unmap clears the
 * entries and invalidates the IOMMU's IOTLB for the domain, waiting for
 * completion, before it returns: a frame never goes back to its Reticle
 * while the device can still reach it.
 *
 * Object body (carved from a RAM Reticle by VX_SYS_IOSPACE_CREATE):
 *
 *     page 0        struct iospace
 *     page 1..      the tables: first the fixed chain from the top table
 *                   down to the one table whose 512 entries each cover
 *                   2 MiB of [0, VX_IOSPACE_END); then the pool of leaf
 *                   tables, handed out as mappings need them and given
 *                   back when their last entry goes
 *
 * The IOMMU's entry format and invalidation are the arch's (vtd.c).  A
 * DMA the IOMMU blocks is reported here (iospace_dma_fault) and faults the
 * Task holding the most recent mapping, as a CPU fault would.
 *
 * Without an IOMMU an IoSpace can only be unconfined: it has no tables,
 * and a map returns the frame's physical address.
 */
#include "core/kernel.h"

#define IOSPACE_MAX 64 /* live IoSpaces (IOMMU domains 1..64) */
#define LEAVES	    512

struct iospace {
	struct kobj *obj;
	uint16_t bdf, domain;
	uint32_t unconfined;
	uint32_t chain;	      /* table pages from the top down to the 2 MiB table */
	uint32_t ntables;     /* table pages in all (chain + pool) */
	uint32_t pool_free;   /* pool pages not holding a leaf */
	uint32_t npages;      /* 4 KiB pages mapped */
	struct cap *mappings; /* MemCaps mapped into it */
	uint64_t pool_used[(VX_IOSPACE_PAGES_MAX + 63) / 64];
	uint16_t leaf_used[LEAVES]; /* valid entries in the leaf of each 2 MiB */
};
_Static_assert(sizeof(struct iospace) <= PAGE_SIZE, "iospace fits page 0");

static struct iospace *live[IOSPACE_MAX]; /* by domain - 1 */

static struct iospace *iospace_of(struct kobj *o)
{
	return phys_to_virt(o->pa);
}

static uint64_t table_pa(const struct iospace *s, uint32_t i)
{
	return s->obj->pa + (1 + (uint64_t)i) * PAGE_SIZE;
}

static uint64_t *table(const struct iospace *s, uint32_t i)
{
	return phys_to_virt(table_pa(s, i));
}

/* The table whose entries each cover 2 MiB (the last of the chain). */
static uint64_t *l2(const struct iospace *s)
{
	return table(s, s->chain - 1);
}

static struct iospace *find_bdf(uint16_t bdf)
{
	for (unsigned i = 0; i < IOSPACE_MAX; i++)
		if (live[i] && live[i]->bdf == bdf)
			return live[i];
	return NULL;
}

/* A decoded IOSPACE_CREATE. */
struct create_args {
	struct task *t;
	struct cap *rc;
	uint16_t bdf;
	bool unconfined;
	uint32_t pages; /* table pages */
	uint32_t slot;	/* free entry of live[] */
	uint32_t idx;	/* free handle slot */
};

/* Decode: reads only.  Errors: handle errors; VX_E_INVAL (flags, pages);
 * VX_E_RANGE (bdf outside the Pci cap, or on a bus the IOMMU has no table
 * for); VX_E_NOTFOUND (no IOMMU, and not unconfined); VX_E_STATE
 * (unconfined asked of a machine with an IOMMU); VX_E_RIGHTS (unconfined
 * asked through a Pci cap without VX_R_WRITE); VX_E_EXISTS (bdf already
 * has one); VX_E_FULL (IOSPACE_MAX live, or no free slot); VX_E_TYPE (a
 * device Reticle); VX_E_NOMEM. */
static int decode_create(const struct trapframe *tf, struct create_args *a)
{
	struct cap *pc;
	int err;

	a->t = current_task();
	if ((err = cap_lookup(a->t, tf->rdi, VX_OBJ_RETICLE, VX_R_CONTROL, &a->rc)) ||
	    (err = cap_lookup(a->t, tf->rsi, VX_OBJ_PCI, VX_R_CONTROL, &pc)))
		return err;
	if (tf->rdx & ~(uint64_t)(0xffffu | VX_IOSPACE_UNCONFINED))
		return VX_E_INVAL;
	a->bdf = (uint16_t)tf->rdx;
	a->unconfined = tf->rdx & VX_IOSPACE_UNCONFINED;
	if (!cap_range_covers(pc, a->bdf, 1))
		return VX_E_RANGE;
	if (a->unconfined) {
		if (tf->r10 != 0)
			return VX_E_INVAL;
		if (iommu_present())
			return VX_E_STATE;
		if (!(pc->rights & VX_R_WRITE))
			return VX_E_RIGHTS;
		a->pages = 0;
	} else {
		if (tf->r10 < VX_IOSPACE_PAGES_MIN || tf->r10 > VX_IOSPACE_PAGES_MAX)
			return VX_E_INVAL;
		if (!iommu_present())
			return VX_E_NOTFOUND;
		if ((a->bdf >> 8) >= IOMMU_BUSES)
			return VX_E_RANGE;
		a->pages = (uint32_t)tf->r10;
	}
	if (find_bdf(a->bdf))
		return VX_E_EXISTS;
	for (a->slot = 0; a->slot < IOSPACE_MAX && live[a->slot]; a->slot++)
		;
	if (a->slot == IOSPACE_MAX)
		return VX_E_FULL;
	struct kobj *r = a->rc->obj;
	if (r->u.ret.device)
		return VX_E_TYPE;
	if (reticle_free_bytes(r) < (1 + (uint64_t)a->pages) * PAGE_SIZE + VX_OBJ_META_BYTES)
		return VX_E_NOMEM;
	return cap_find_slot(a->t, &a->idx);
}

/* VX_SYS_IOSPACE_CREATE(reticle, pci, bdf | flags, table pages) -> handle
 * with the Reticle cap's rights.  Attaches the new IoSpace to the function
 * at once: from here its DMA reaches what is mapped, and nothing else. */
int64_t sys_iospace_create(struct trapframe *tf)
{
	struct create_args a;
	int err = decode_create(tf, &a);

	if (err)
		return err;
	struct kobj *o =
	    reticle_carve(a.rc->obj, VX_OBJ_IOSPACE, (1 + (uint64_t)a.pages) * PAGE_SIZE, 0);
	struct iospace *s = iospace_of(o);
	memset(s, 0, PAGE_SIZE);
	s->obj = o;
	s->bdf = a.bdf;
	s->domain = (uint16_t)(a.slot + 1);
	s->unconfined = a.unconfined;
	live[a.slot] = s;
	if (!a.unconfined) {
		s->chain = iommu_levels() - 1; /* the top table down to the 2 MiB one */
		s->ntables = a.pages;
		s->pool_free = a.pages - s->chain;
		for (uint32_t i = 0; i < s->chain; i++) {
			memset(table(s, i), 0, PAGE_SIZE);
			if (i)
				table(s, i - 1)[0] =
				    iommu_pte(table_pa(s, i), VX_PROT_READ | VX_PROT_WRITE);
		}
		iommu_sync(table(s, 0), (uint64_t)s->chain * PAGE_SIZE);
		iommu_attach(s->bdf, s->domain, table_pa(s, 0));
	}
	return cap_install(a.t, a.idx, o, VX_OBJ_IOSPACE, a.rc->rights, 0, NULL);
}

/* Leaf tables [ioaddr, ioaddr + bytes) would need that it does not have. */
static uint32_t leaves_needed(const struct iospace *s, uint64_t ioaddr, uint64_t bytes)
{
	uint32_t n = 0;

	for (uint64_t i = ioaddr >> 21; i <= (ioaddr + bytes - 1) >> 21; i++)
		n += l2(s)[i] == 0;
	return n;
}

static bool range_empty(const struct iospace *s, uint64_t ioaddr, uint64_t bytes)
{
	for (uint64_t a = ioaddr; a < ioaddr + bytes; a += PAGE_SIZE) {
		uint64_t e = l2(s)[a >> 21];
		if (e && ((uint64_t *)phys_to_virt(e & IOMMU_PTE_ADDR))[(a >> 12) & 511])
			return false;
	}
	return true;
}

static uint64_t *leaf_alloc(struct iospace *s, uint64_t region)
{
	for (uint32_t i = s->chain; i < s->ntables; i++) {
		if (s->pool_used[i / 64] & (1ull << (i % 64)))
			continue;
		s->pool_used[i / 64] |= 1ull << (i % 64);
		s->pool_free--;
		memset(table(s, i), 0, PAGE_SIZE);
		iommu_sync(table(s, i), PAGE_SIZE);
		l2(s)[region] = iommu_pte(table_pa(s, i), VX_PROT_READ | VX_PROT_WRITE);
		iommu_sync(&l2(s)[region], sizeof(uint64_t));
		return table(s, i);
	}
	panic("iospace: pool accounting");
}

/* Links c into s's mapping list, as cap_note_mapping does for a Task. */
static void note_io_mapping(struct cap *c, struct iospace *s, uint64_t ioaddr, uint32_t prot)
{
	c->flags |= CAP_F_IOMAP | ((prot & VX_PROT_WRITE) ? CAP_F_WRITE : 0);
	if (prot & VX_PROT_WRITE)
		c->obj->u.mem.nwrite++;
	c->map_io = s;
	c->map_va = ioaddr;
	c->mprev = NULL;
	c->mnext = s->mappings;
	if (s->mappings)
		s->mappings->mprev = c;
	s->mappings = c;
}

/* VX_SYS_IOSPACE_MAP(iospace, mem, ioaddr, prot) -> the IO address the
 * device must use: ioaddr, or the frame's physical address in an
 * unconfined IoSpace.  prot is the device's access: VX_PROT_READ (it may
 * read the buffer), VX_PROT_WRITE (it may write it), or both.
 * Decode errors: handle errors; VX_E_INVAL (prot, or device memory);
 * VX_E_RIGHTS (prot beyond the MemCap's rights); VX_E_EXISTS (the cap
 * already holds a mapping, or the range is in use); VX_E_ALIGN; VX_E_RANGE
 * (beyond VX_IOSPACE_END, or wraps); VX_E_AGAIN (the frame is still being
 * zeroed); VX_E_BUSY (writable by the device but executable somewhere);
 * VX_E_NOMEM (the IoSpace's table pages are all in use). */
int64_t sys_iospace_map(struct trapframe *tf)
{
	struct task *t = current_task();
	struct cap *sc, *m;
	uint64_t ioaddr = tf->rdx, prot = tf->r10;
	int err;

	if ((err = cap_lookup(t, tf->rdi, VX_OBJ_IOSPACE, VX_R_CONTROL, &sc)) ||
	    (err = cap_lookup(t, tf->rsi, VX_OBJ_MEM, 0, &m)))
		return err;
	struct iospace *s = iospace_of(sc->obj);
	struct kobj *o = m->obj;
	if (!prot || (prot & ~(uint64_t)(VX_PROT_READ | VX_PROT_WRITE)))
		return VX_E_INVAL;
	if ((m->rights & prot) != prot)
		return VX_E_RIGHTS;
	if (!o->origin || o->origin->u.ret.device || o->fixed)
		return VX_E_INVAL;
	if (m->flags)
		return VX_E_EXISTS;
	if (!kobj_zeroed(o))
		return VX_E_AGAIN;
	if ((prot & VX_PROT_WRITE) && o->u.mem.nexec)
		return VX_E_BUSY;
	if (s->unconfined) {
		note_io_mapping(m, s, o->pa, (uint32_t)prot);
		return (int64_t)o->pa;
	}
	if (ioaddr & (PAGE_SIZE - 1))
		return VX_E_ALIGN;
	if (ioaddr >= VX_IOSPACE_END || o->size > VX_IOSPACE_END - ioaddr)
		return VX_E_RANGE;
	if (!range_empty(s, ioaddr, o->size))
		return VX_E_EXISTS;
	if (leaves_needed(s, ioaddr, o->size) > s->pool_free)
		return VX_E_NOMEM;

	for (uint64_t off = 0; off < o->size; off += PAGE_SIZE) {
		uint64_t a = ioaddr + off, e = l2(s)[a >> 21];
		uint64_t *leaf = e ? phys_to_virt(e & IOMMU_PTE_ADDR) : leaf_alloc(s, a >> 21);
		leaf[(a >> 12) & 511] = iommu_pte(o->pa + off, (uint32_t)prot);
		s->leaf_used[a >> 21]++;
		if (((a >> 12) & 511) == 511 || off + PAGE_SIZE == o->size)
			iommu_sync(leaf, PAGE_SIZE);
	}
	s->npages += (uint32_t)(o->size / PAGE_SIZE);
	note_io_mapping(m, s, ioaddr, (uint32_t)prot);
	return (int64_t)ioaddr;
}

/* Clears c's entries (and the leaves they empty), without flushing. */
static void clear_entries(struct iospace *s, struct cap *c)
{
	uint64_t bytes = c->obj->size;

	if (s->unconfined)
		return;
	for (uint64_t a = c->map_va; a < c->map_va + bytes; a += PAGE_SIZE) {
		uint64_t region = a >> 21, e = l2(s)[region];
		uint64_t *leaf = phys_to_virt(e & IOMMU_PTE_ADDR);
		leaf[(a >> 12) & 511] = 0;
		if (--s->leaf_used[region] == 0) {
			uint32_t i =
			    (uint32_t)(((e & IOMMU_PTE_ADDR) - s->obj->pa) / PAGE_SIZE - 1);
			l2(s)[region] = 0;
			iommu_sync(&l2(s)[region], sizeof(uint64_t));
			s->pool_used[i / 64] &= ~(1ull << (i % 64));
			s->pool_free++;
		} else if (((a >> 12) & 511) == 511 || a + PAGE_SIZE == c->map_va + bytes) {
			iommu_sync(leaf, PAGE_SIZE);
		}
	}
	s->npages -= (uint32_t)(bytes / PAGE_SIZE);
}

static void forget_io_mapping(struct iospace *s, struct cap *c)
{
	if (c->flags & CAP_F_WRITE)
		c->obj->u.mem.nwrite--;
	if (c->mprev)
		c->mprev->mnext = c->mnext;
	else
		s->mappings = c->mnext;
	if (c->mnext)
		c->mnext->mprev = c->mprev;
	c->flags = 0;
	c->map_io = NULL;
	c->map_va = 0;
	c->mnext = c->mprev = NULL;
}

/* Removes the mapping c holds (CAP_F_IOMAP) and flushes the IOTLB: when it
 * returns, the device can no longer reach c's frames. */
void iospace_unmap_cap(struct cap *c)
{
	struct iospace *s = c->map_io;

	clear_entries(s, c);
	forget_io_mapping(s, c);
	if (!s->unconfined)
		iommu_flush(s->domain);
}

/* Destroys an IoSpace whose last cap is gone: detaches it from its
 * function (which then reaches nothing), unmaps what is still mapped and
 * frees its domain. */
void iospace_destroy(struct kobj *o)
{
	struct iospace *s = iospace_of(o);

	if (!s->unconfined)
		iommu_attach(s->bdf, s->domain, 0);
	while (s->mappings) {
		struct cap *c = s->mappings;
		clear_entries(s, c);
		forget_io_mapping(s, c);
	}
	live[s->domain - 1] = NULL;
}

/* The head of the list c's mapping is on (a Task's or an IoSpace's). */
struct cap **iospace_mapping_head(struct cap *c)
{
	return &c->map_io->mappings;
}

/* A DMA the IOMMU blocked (boot CPU, lock held): the function bdf used IO
 * address addr.  Faults the Task holding the IoSpace's newest mapping (or,
 * with none, the first Task holding a cap to it), like a CPU fault. */
void iospace_dma_fault(uint16_t bdf, uint64_t addr, bool write, uint8_t reason)
{
	struct iospace *s = find_bdf(bdf);
	struct task *t = NULL;
	uint32_t code = bdf | (write ? 1u << 16 : 0) | (uint32_t)reason << 24;

	if (s) {
		if (s->mappings)
			t = s->mappings->owner;
		for (struct cap *c = s->obj->caps; !t && c; c = c->next)
			t = c->owner;
	}
	if (t && (t->state == VX_TASK_RUNNABLE || t->state == VX_TASK_WAITING)) {
		if (t->state == VX_TASK_WAITING)
			t->regs.rax = 0;
		task_fault(t, VX_FAULT_DMA, code, addr);
		return;
	}
	if (kprintf_allowed())
		kprintf("[kernel] DMA fault: %02x:%02x.%x %s 0x%lx, reason 0x%x\n", bdf >> 8,
			(bdf >> 3) & 31, bdf & 7, write ? "write" : "read", (unsigned long)addr,
			reason);
}
