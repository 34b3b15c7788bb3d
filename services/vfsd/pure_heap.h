/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfsd's heap: where the bytes of every file live.  One region of whole
 * pages (in vfsd, one Mem object of the store's full size, mapped once)
 * handed out as blocks of contiguous pages.  Host-tested
 * (tests/host/test_vfs.c).
 *
 * WHY ONE REGION
 *
 * vfsd once carved a Mem object per file.  A Task's handle table has 256
 * slots, so after about 246 files every new one failed with VX_E_FULL,
 * whatever its size; and a Reticle gives memory back only in stack order,
 * so removed files left holes only the newest could close.  A region that
 * vfsd divides itself needs one handle, and its holes can be closed by
 * moving bytes.
 *
 * BLOCKS
 *
 * A block has an id (0..HEAP_IDS-1, the caller's name for it), a first page
 * and a length.  ids in use are kept sorted by first page in order[], so
 * the gaps between blocks are a walk.  heap_alloc takes the first gap that
 * fits; when none does but enough pages are free in all, it compacts:
 * every block slides down to close the gaps, in address order, and the
 * moved callback tells the owner where each moved block is now.  So an
 * allocation fails only when the free pages, counted together, are too few.
 *
 * ZEROS
 *
 * Every page outside a block is zero.  heap_alloc hands out zero pages;
 * heap_free requires the block to be zero again (pure_fs.h's put rule);
 * compaction zeroes what it vacates.
 */
#ifndef VFSD_PURE_HEAP_H
#define VFSD_PURE_HEAP_H

#include <stdbool.h>
#include <stdint.h>
#include <vectra/abi.h>
#include "vectra/proto/fs.h"

#define HEAP_PAGE 4096u
/* Every file holds at most one block, and a file that grows or shrinks
 * holds two for a moment. */
#define HEAP_IDS (FS_ENTRIES_MAX + 2u)

struct heap_blk {
	uint32_t first; /* page number */
	uint32_t pages; /* 0: the id is free */
};

struct heap {
	uint8_t *base;
	uint32_t pages; /* capacity */
	uint32_t used;	/* pages in blocks */
	uint32_t nblk;	/* ids in order[] */
	uint16_t order[HEAP_IDS];
	struct heap_blk blk[HEAP_IDS];
	uint32_t compactions;
	/* Called for each block compaction moved: its bytes are at base now. */
	void (*moved)(void *ctx, uint32_t id, uint8_t *base);
	void *ctx;
};

/* A heap over [base, base + pages * HEAP_PAGE), which must be all zero. */
void heap_init(struct heap *h, uint8_t *base, uint32_t pages,
	       void (*moved)(void *ctx, uint32_t id, uint8_t *base), void *ctx);

/* A zeroed block of pages (>= 1) pages: VX_OK and *id, or VX_E_FULL when
 * fewer pages are free in all (or every id is taken), VX_E_INVAL for 0. */
int heap_alloc(struct heap *h, uint32_t pages, uint32_t *id);

/* Where block id starts. */
uint8_t *heap_ptr(const struct heap *h, uint32_t id);

/* Gives block id back; its bytes must be zero again. */
void heap_free(struct heap *h, uint32_t id);

#endif
