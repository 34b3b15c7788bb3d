/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Paging.  The kernel half (PML4 entries 256..511) is built once here and
 * shared by every address space: the image at -2 GiB with W^X page
 * permissions, and the direct map of physical memory at DMAP_BASE (2 MiB
 * pages, never executable), up to DMAP_LIMIT.  The user half belongs to each Task; its
 * intermediate tables are pages the Task's Reticle paid for (task.c).
 */
#include "core/kernel.h"

#define PTE_P	 (1ull << 0)
#define PTE_W	 (1ull << 1)
#define PTE_U	 (1ull << 2)
#define PTE_PWT	 (1ull << 3)
#define PTE_PCD	 (1ull << 4)
#define PTE_PS	 (1ull << 7)
#define PTE_G	 (1ull << 8)
#define PTE_NX	 (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull
#define IMG_PTS	 4		    /* the image may span 8 MiB of physical memory */
#define DMAP_PDS (DMAP_LIMIT >> 30) /* one page directory (2 MiB pages) per GiB */

static uint64_t kpml4[512] __attribute__((aligned(4096)));
static uint64_t kpdpt_hi[512] __attribute__((aligned(4096)));
static uint64_t kpd_img[512] __attribute__((aligned(4096)));
static uint64_t kpt_img[IMG_PTS][512] __attribute__((aligned(4096)));
static uint64_t kpdpt_dmap[512] __attribute__((aligned(4096)));
static uint64_t kpd_dmap[DMAP_PDS][512] __attribute__((aligned(4096)));

extern uint8_t _text_start[], _text_end[], _rodata_start[], _rodata_end[];
extern uint8_t _data_start[], _data_end[];
extern uint8_t kernel_stack[MAX_CPUS][KSTACK_BYTES];

static uint64_t nx(void)
{
	return cpuinfo.nx ? PTE_NX : 0;
}

static uint64_t kpa(const void *p)
{
	return virt_to_phys(p);
}

/* Permission for one page of the kernel image: text RX, rodata R, data RW.
 * The lowest page of each CPU's kernel stack is left unmapped as a guard. */
static uint64_t image_perm(uint64_t va)
{
	if (va >= (uint64_t)(uintptr_t)_text_start && va < (uint64_t)(uintptr_t)_text_end)
		return PTE_P | PTE_G;
	if (va >= (uint64_t)(uintptr_t)_rodata_start && va < (uint64_t)(uintptr_t)_rodata_end)
		return PTE_P | PTE_G | nx();
	uint64_t ks = (uint64_t)(uintptr_t)kernel_stack;
	if (va >= ks && va < ks + sizeof(kernel_stack) && (va - ks) % KSTACK_BYTES == 0)
		return 0;
	return PTE_P | PTE_W | PTE_G | nx();
}

/* Builds and loads the kernel's own tables.  max_phys: highest RAM byte + 1.
 * Called twice: first with 1 GiB, so that the boot loader's tables can be
 * read through the direct map, then with the real size of RAM. */
void paging_init(uint64_t max_phys)
{
	uint64_t start = (uint64_t)(uintptr_t)_text_start;
	uint64_t end = (uint64_t)(uintptr_t)_data_end;

	KASSERT(end - KERNEL_VMA <= IMG_PTS * 512 * PAGE_SIZE);
	for (uint64_t va = start; va < end; va += PAGE_SIZE) {
		uint64_t pa = va - KERNEL_VMA;
		uint64_t perm = image_perm(va);
		kpt_img[pa >> 21][(pa >> 12) & 511] = perm ? (pa | perm) : 0;
	}
	for (int i = 0; i < IMG_PTS; i++)
		kpd_img[i] = kpa(kpt_img[i]) | PTE_P | PTE_W;
	kpdpt_hi[510] = kpa(kpd_img) | PTE_P | PTE_W;
	kpml4[511] = kpa(kpdpt_hi) | PTE_P | PTE_W;

	if (max_phys > DMAP_LIMIT)
		max_phys = DMAP_LIMIT;
	memset(kpd_dmap, 0, sizeof(kpd_dmap));
	for (uint64_t pa = 0; pa < max_phys; pa += 0x200000)
		kpd_dmap[pa >> 30][(pa >> 21) & 511] = pa | PTE_P | PTE_W | PTE_PS | PTE_G | nx();
	for (uint64_t i = 0; i < DMAP_PDS; i++)
		kpdpt_dmap[i] = kpa(kpd_dmap[i]) | PTE_P | PTE_W;
	kpml4[256] = kpa(kpdpt_dmap) | PTE_P | PTE_W;

	write_cr3(kpa(kpml4));
}

/* The physical address of the kernel-only PML4 (used while idle). */
uint64_t paging_kernel_root(void)
{
	return kpa(kpml4);
}

/* A new user root: empty user half, the shared kernel half. */
void paging_init_user_root(uint64_t root_pa)
{
	uint64_t *root = phys_to_virt(root_pa);

	memset(root, 0, 256 * sizeof(uint64_t));
	memcpy(root + 256, kpml4 + 256, 256 * sizeof(uint64_t));
}

static inline unsigned level_index(uint64_t va, int level)
{
	return (va >> (12 + 9 * level)) & 511;
}

/* The leaf PTE for va, or NULL when an intermediate table is missing. */
static inline uint64_t *lookup(uint64_t root_pa, uint64_t va)
{
	uint64_t *table = phys_to_virt(root_pa);

	for (int level = 3; level > 0; level--) {
		uint64_t e = table[level_index(va, level)];
		if (!(e & PTE_P))
			return NULL;
		table = phys_to_virt(e & PTE_ADDR);
	}
	return &table[level_index(va, 0)];
}

/* The level-0 entry that maps va under root_pa, or NULL if a table on
 * the way is missing.  Under the lock, exclusive (or shared, to read). */
uint64_t *paging_lookup(uint64_t root_pa, uint64_t va)
{
	return lookup(root_pa, va);
}

/* How many table pages mapping [va, va + bytes) under root would add: at
 * each level above the leaf tables, every region of that level's span
 * that has no table yet needs one.  Reads only. */
static uint64_t tables_needed(uint64_t root_pa, uint64_t va, uint64_t bytes)
{
	uint64_t need = 0, end = va + bytes;

	/* The common case, a range inside one leaf table that exists. */
	if (((va ^ (end - 1)) & ~(512 * PAGE_SIZE - 1)) == 0 && lookup(root_pa, va))
		return 0;

	for (int lvl = 0; lvl < 3; lvl++) {
		uint64_t span = 1ull << (39 - 9 * lvl);
		for (uint64_t a = va & ~(span - 1); a < end; a += span) {
			const uint64_t *tab = phys_to_virt(root_pa);
			bool present = true;
			for (int l = 0; l <= lvl && present; l++) {
				uint64_t e = tab[level_index(a, 3 - l)];
				if (!(e & PTE_P))
					present = false;
				else
					tab = phys_to_virt(e & PTE_ADDR);
			}
			if (!present)
				need++;
		}
	}
	return need;
}

/* Like paging_lookup, but installs missing tables from alloc(ctx). */
uint64_t *paging_walk_alloc(uint64_t root_pa, uint64_t va, uint64_t (*alloc)(void *ctx), void *ctx)
{
	uint64_t *table = phys_to_virt(root_pa);

	for (int level = 3; level > 0; level--) {
		uint64_t *e = &table[level_index(va, level)];
		if (!(*e & PTE_P)) {
			uint64_t pa = alloc(ctx);
			if (!pa)
				return NULL;
			*e = pa | PTE_P | PTE_W | PTE_U;
		}
		table = phys_to_virt(*e & PTE_ADDR);
	}
	return &table[level_index(va, 0)];
}

/* A user leaf entry for pa with VX_PROT_* bits (and PROT_UNCACHED). */
uint64_t paging_pte(uint64_t pa, uint32_t prot)
{
	uint64_t e = pa | PTE_P | PTE_U;

	if (prot & PROT_UNCACHED)
		e |= PTE_PCD | PTE_PWT;

	if (prot & VX_PROT_WRITE)
		e |= PTE_W;
	if (!(prot & VX_PROT_EXEC))
		e |= nx();
	return e;
}

/*
 * Ranges.  Mapping or unmapping a large Mem (2^17 pages in 512 MiB) page by
 * page, each a walk from the root, would hold interrupts off for
 * milliseconds; these walk to each leaf table once and then run along it,
 * a few instructions a page.
 */
#define LEAF_SPAN (512 * PAGE_SIZE)

/* The end of the leaf table's span that va is in, or end if that is sooner. */
static inline uint64_t leaf_end(uint64_t va, uint64_t end)
{
	uint64_t next = (va | (LEAF_SPAN - 1)) + 1;

	return next < end ? next : end;
}

/* Is no page of [va, va + bytes) mapped under root?  Reads only. */
static bool range_empty(uint64_t root_pa, uint64_t va, uint64_t bytes)
{
	uint64_t end = va + bytes;

	for (uint64_t a = va, stop; a < end; a = stop) {
		const uint64_t *pte = lookup(root_pa, a);
		stop = leaf_end(a, end);
		for (uint64_t b = a; pte && b < stop; b += PAGE_SIZE, pte++)
			if (*pte & PTE_P)
				return false;
	}
	return true;
}

/* Is no page of [va, va + bytes) mapped under root?  And how many table
 * pages would mapping it add (*tables)?  Reads only.  The common case, a
 * range inside one leaf table that exists, is one walk. */
bool paging_range_free(uint64_t root_pa, uint64_t va, uint64_t bytes, uint64_t *tables)
{
	uint64_t end = va + bytes;

	if (bytes && ((va ^ (end - 1)) & ~(LEAF_SPAN - 1)) == 0) {
		const uint64_t *pte = lookup(root_pa, va);
		if (pte) {
			*tables = 0;
			for (; va < end; va += PAGE_SIZE, pte++)
				if (*pte & PTE_P)
					return false;
			return true;
		}
	}
	*tables = tables_needed(root_pa, va, bytes);
	return range_empty(root_pa, va, bytes);
}

/* Maps [va, va + bytes) to [pa, pa + bytes) under root with VX_PROT_* prot,
 * installing tables from alloc(ctx).  The caller has checked the range is
 * empty and the tables affordable (paging_range_free), so this cannot
 * fail. */
void paging_map_range(uint64_t root_pa, uint64_t va, uint64_t pa, uint64_t bytes, uint32_t prot,
		      uint64_t (*alloc)(void *ctx), void *ctx)
{
	uint64_t end = va + bytes, flags = paging_pte(0, prot);

	for (uint64_t a = va, stop; a < end; a = stop) {
		uint64_t *pte = paging_walk_alloc(root_pa, a, alloc, ctx);
		KASSERT(pte);
		stop = leaf_end(a, end);
		for (uint64_t b = a; b < stop; b += PAGE_SIZE, pte++) {
			KASSERT(!(*pte & PTE_P));
			*pte = (pa + (b - va)) | flags;
		}
	}
}

/* Unmaps whatever is mapped in [va, va + bytes) under root, and drops the
 * stale translations on every CPU that has root loaded (tlb_shootdown)
 * before returning: nothing can reach the pages afterwards.  Tables stay. */
void paging_unmap_range(uint64_t root_pa, uint64_t va, uint64_t bytes)
{
	uint64_t end = va + bytes;
	bool any = false;

	for (uint64_t a = va, stop; a < end; a = stop) {
		uint64_t *pte = lookup(root_pa, a);
		stop = leaf_end(a, end);
		for (uint64_t b = a; pte && b < stop; b += PAGE_SIZE, pte++) {
			if (*pte & PTE_P)
				any = true;
			*pte = 0;
		}
	}
	if (any)
		tlb_shootdown(root_pa, va, bytes);
}

/* Makes the 2 MiB of physical memory around pa (device registers) reachable
 * through the direct map, uncached. */
void paging_map_mmio(uint64_t pa)
{
	pa &= ~0x1fffffull;
	KASSERT(pa < DMAP_LIMIT);
	kpd_dmap[pa >> 30][(pa >> 21) & 511] =
	    pa | PTE_P | PTE_W | PTE_PS | PTE_G | PTE_PWT | PTE_PCD | nx();
	write_cr3(read_cr3());
}
