/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Explicit allocators over memory the caller supplies.  There is no hidden
 * global heap: a program decides where its heap lives (typically a MemCap it
 * mapped) and passes the struct around.
 *
 * struct vx_heap: a first-fit allocator with a free list and immediate
 * coalescing through boundary tags.  The region is one chain of blocks, each
 * with a 16-byte header:
 *
 *     size   bytes of the block, header included; a multiple of 16
 *     prev   size of the block just below (0 for the first block)
 *     check  a tag derived from the block's address, size and state
 *     state  VX_HEAP_USED or VX_HEAP_FREE
 *
 * Payloads are 16-byte aligned.  Free blocks keep their list links in the
 * payload.  vx_heap_free checks that the pointer is inside the region,
 * aligned, starts a block whose header is intact and marked used, and whose
 * neighbours' tags agree with it; anything else (a double free, a pointer
 * into the middle of a block, a pointer from elsewhere, a header overwritten
 * by an overflow) is refused with VX_E_INVAL and changes nothing.  The one
 * case no allocator can catch is freeing a stale pointer whose block has
 * since been handed out again at the same address: that frees the new owner.
 *
 * struct vx_arena: a bump allocator; free everything at once with reset.
 *
 * Neither is thread-safe; VectraOS has no threads.
 */
#ifndef VX_RT_ALLOC_H
#define VX_RT_ALLOC_H

#include <stddef.h>
#include <stdint.h>
#include <vectra/abi.h>

struct vx_heap_block;

struct vx_heap {
	uint8_t *base; /* first block header (16-byte aligned) */
	uint8_t *end;  /* one past the last block */
	struct vx_heap_block *free_list;
	size_t used_bytes; /* payload + header bytes of used blocks */
	size_t nalloc;	   /* used blocks */
};

struct vx_heap_stats {
	size_t total;	     /* bytes under management (headers included) */
	size_t used;	     /* bytes in used blocks, headers included */
	size_t free;	     /* bytes in free blocks, headers included */
	size_t largest_free; /* the largest request that would succeed now */
	size_t nalloc;	     /* live allocations */
	size_t nfree;	     /* free blocks (fragmentation) */
};

/*
 * Takes over mem[0..size).  VX_E_INVAL if mem is NULL or, after aligning,
 * too small for one header plus a minimum block (48 bytes is always enough).
 */
int vx_heap_init(struct vx_heap *h, void *mem, size_t size);

/* A 16-byte-aligned block of at least n bytes, or NULL (n == 0, exhausted). */
void *vx_heap_alloc(struct vx_heap *h, size_t n);

/* Frees p.  VX_OK (p NULL is VX_OK), or VX_E_INVAL as described above. */
int vx_heap_free(struct vx_heap *h, void *p);

/* Usable bytes of the block p (>= what was asked), or 0 if p is not live. */
size_t vx_heap_usable(const struct vx_heap *h, const void *p);

/* Walks the heap and fills *st.  VX_OK, or VX_E_CORRUPT if a tag is wrong. */
int vx_heap_stats(const struct vx_heap *h, struct vx_heap_stats *st);

struct vx_arena {
	uint8_t *base;
	size_t size;
	size_t used;
};

/* Takes over mem[0..size). */
void vx_arena_init(struct vx_arena *a, void *mem, size_t size);

/* n bytes aligned to align (a power of two; 0 means 16), or NULL. */
void *vx_arena_alloc(struct vx_arena *a, size_t n, size_t align);

/* Frees everything the arena handed out. */
void vx_arena_reset(struct vx_arena *a);

#endif
