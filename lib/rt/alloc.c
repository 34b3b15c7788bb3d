/* SPDX-License-Identifier: BSD-3-Clause */
/* The explicit heap and the bump arena (see rt/alloc.h). */
#include "rt/alloc.h"
#include "vx_string.h"

#define ALIGN	  16u
#define HDR	  16u
#define MIN_BLOCK 32u /* header + two free-list links */
#define USED_BIT  1u
#define MAX_HEAP  ((size_t)UINT32_MAX * ALIGN) /* prev is stored in 16-byte units */

struct vx_heap_block {
	uint64_t size_state; /* size (multiple of 16) | USED_BIT */
	uint32_t prev16;     /* size of the block below / 16; 0 for the first */
	uint32_t check;	     /* tag over address, size_state and prev16 */
};
_Static_assert(sizeof(struct vx_heap_block) == HDR, "heap header is 16 bytes");

/* The free-list links, kept in a free block's payload. */
struct free_links {
	struct vx_heap_block *next;
	struct vx_heap_block *prev;
};

/* Tag of a header: any change of address, size, state or prev breaks it. */
static uint32_t tag(const struct vx_heap_block *b)
{
	uint64_t x = (uint64_t)(uintptr_t)b * 0x9e3779b97f4a7c15ull;

	x ^= b->size_state * 0xc2b2ae3d27d4eb4full;
	x ^= (uint64_t)b->prev16 * 0x165667b19e3779f9ull;
	x ^= x >> 29;
	return (uint32_t)(x ^ (x >> 32) ^ 0x5eed7a9u);
}

static size_t bsize(const struct vx_heap_block *b)
{
	return (size_t)(b->size_state & ~(uint64_t)(ALIGN - 1));
}

static int bused(const struct vx_heap_block *b)
{
	return (b->size_state & USED_BIT) != 0;
}

/* Writes a header and its tag. */
static void set_hdr(struct vx_heap_block *b, size_t size, int used, size_t prev)
{
	b->size_state = (uint64_t)size | (used ? USED_BIT : 0);
	b->prev16 = (uint32_t)(prev / ALIGN);
	b->check = tag(b);
}

static struct free_links *links(struct vx_heap_block *b)
{
	return (struct free_links *)(void *)((uint8_t *)b + HDR);
}

static struct vx_heap_block *next_block(const struct vx_heap *h, struct vx_heap_block *b)
{
	uint8_t *n = (uint8_t *)b + bsize(b);

	return n < h->end ? (struct vx_heap_block *)(void *)n : NULL;
}

/* Sets the prev field of the block after b (if any) to b's size. */
static void fix_next_prev(const struct vx_heap *h, struct vx_heap_block *b)
{
	struct vx_heap_block *n = next_block(h, b);

	if (n)
		set_hdr(n, bsize(n), bused(n), bsize(b));
}

static void list_push(struct vx_heap *h, struct vx_heap_block *b)
{
	links(b)->prev = NULL;
	links(b)->next = h->free_list;
	if (h->free_list)
		links(h->free_list)->prev = b;
	h->free_list = b;
}

static void list_remove(struct vx_heap *h, struct vx_heap_block *b)
{
	struct free_links *l = links(b);

	if (l->prev)
		links(l->prev)->next = l->next;
	else
		h->free_list = l->next;
	if (l->next)
		links(l->next)->prev = l->prev;
}

/* Puts free block nb where free block old was in the list. */
static void list_replace(struct vx_heap *h, struct vx_heap_block *old, struct vx_heap_block *nb)
{
	struct free_links *l = links(old);

	*links(nb) = *l;
	if (l->prev)
		links(l->prev)->next = nb;
	else
		h->free_list = nb;
	if (l->next)
		links(l->next)->prev = nb;
}

int vx_heap_init(struct vx_heap *h, void *mem, size_t size)
{
	uintptr_t start = (uintptr_t)mem, aligned;
	size_t usable;

	memset(h, 0, sizeof(*h));
	if (!mem)
		return VX_E_INVAL;
	aligned = (start + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1);
	if (aligned < start || aligned - start > size)
		return VX_E_INVAL;
	usable = (size - (aligned - start)) & ~(size_t)(ALIGN - 1);
	if (usable > MAX_HEAP)
		usable = MAX_HEAP & ~(size_t)(ALIGN - 1);
	if (usable < MIN_BLOCK)
		return VX_E_INVAL;
	h->base = (uint8_t *)aligned;
	h->end = h->base + usable;
	set_hdr((struct vx_heap_block *)(void *)h->base, usable, 0, 0);
	list_push(h, (struct vx_heap_block *)(void *)h->base);
	return VX_OK;
}

/* Block size needed for an n-byte request, or 0 if it cannot be met. */
static size_t need_for(const struct vx_heap *h, size_t n)
{
	size_t total = (size_t)(h->end - h->base);

	if (n == 0 || n > total)
		return 0;
	n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	return n + HDR < MIN_BLOCK ? MIN_BLOCK : n + HDR;
}

/*
 * Marks free block b used for need bytes.  If the rest is big enough it
 * becomes a free block that takes b's place in the list, so a long-lived
 * free region keeps its position and first fit stays predictable.
 */
static void take(struct vx_heap *h, struct vx_heap_block *b, size_t need)
{
	size_t size = bsize(b), prev = (size_t)b->prev16 * ALIGN;

	if (size - need >= MIN_BLOCK) {
		struct vx_heap_block *rest = (struct vx_heap_block *)(void *)((uint8_t *)b + need);

		list_replace(h, b, rest);
		set_hdr(rest, size - need, 0, need);
		fix_next_prev(h, rest);
		size = need;
	} else {
		list_remove(h, b);
	}
	set_hdr(b, size, 1, prev);
	h->used_bytes += size;
	h->nalloc++;
}

void *vx_heap_alloc(struct vx_heap *h, size_t n)
{
	size_t need;

	if (!h->base)
		return NULL;
	need = need_for(h, n);
	if (need == 0)
		return NULL;
	for (struct vx_heap_block *b = h->free_list; b; b = links(b)->next) {
		if (bsize(b) >= need) {
			take(h, b, need);
			return (uint8_t *)b + HDR;
		}
	}
	return NULL;
}

/* True if b lies inside the heap and its header is intact. */
static int header_ok(const struct vx_heap *h, const struct vx_heap_block *b)
{
	const uint8_t *p = (const uint8_t *)b;
	size_t size;

	if (p < h->base || p >= h->end || (size_t)(h->end - p) < MIN_BLOCK ||
	    ((uintptr_t)p & (ALIGN - 1)) != 0)
		return 0;
	size = bsize(b);
	if (b->check != tag(b) || size < MIN_BLOCK || size > (size_t)(h->end - p))
		return 0;
	return p == h->base ? b->prev16 == 0 : b->prev16 != 0;
}

/* The block below b, checked, or NULL if b is first; *ok = 0 if it is damaged. */
static struct vx_heap_block *prev_block(const struct vx_heap *h, struct vx_heap_block *b, int *ok)
{
	struct vx_heap_block *pb;
	size_t prev = (size_t)b->prev16 * ALIGN;

	*ok = 1;
	if ((uint8_t *)b == h->base)
		return NULL;
	if (prev > (size_t)((uint8_t *)b - h->base)) {
		*ok = 0;
		return NULL;
	}
	pb = (struct vx_heap_block *)(void *)((uint8_t *)b - prev);
	if (!header_ok(h, pb) || bsize(pb) != prev)
		*ok = 0;
	return pb;
}

/* The live, used block whose payload is p, with consistent neighbours; or NULL. */
static struct vx_heap_block *live_block(const struct vx_heap *h, const void *p)
{
	struct vx_heap_block *b, *n;
	int ok;

	if (!h->base || (uintptr_t)p < (uintptr_t)h->base + HDR ||
	    (uintptr_t)p >= (uintptr_t)h->end)
		return NULL;
	b = (struct vx_heap_block *)(void *)((uint8_t *)(uintptr_t)p - HDR);
	if (!header_ok(h, b) || !bused(b))
		return NULL;
	prev_block(h, b, &ok);
	if (!ok)
		return NULL;
	n = next_block(h, b);
	if (n && (!header_ok(h, n) || (size_t)n->prev16 * ALIGN != bsize(b)))
		return NULL;
	return b;
}

int vx_heap_free(struct vx_heap *h, void *p)
{
	struct vx_heap_block *b, *n, *pb;
	int ok;

	if (!p)
		return VX_OK;
	b = live_block(h, p);
	if (!b)
		return VX_E_INVAL;
	h->used_bytes -= bsize(b);
	h->nalloc--;
	set_hdr(b, bsize(b), 0, (size_t)b->prev16 * ALIGN);
	n = next_block(h, b);
	if (n && !bused(n)) { /* absorb the next block */
		list_remove(h, n);
		set_hdr(b, bsize(b) + bsize(n), 0, (size_t)b->prev16 * ALIGN);
		memset(n, 0, HDR);
	}
	pb = prev_block(h, b, &ok);
	if (pb && !bused(pb)) { /* fold into the previous block, already listed */
		set_hdr(pb, bsize(pb) + bsize(b), 0, (size_t)pb->prev16 * ALIGN);
		memset(b, 0, HDR);
		b = pb;
	} else {
		list_push(h, b);
	}
	fix_next_prev(h, b);
	return VX_OK;
}

size_t vx_heap_usable(const struct vx_heap *h, const void *p)
{
	const struct vx_heap_block *b = live_block(h, p);

	return b ? bsize(b) - HDR : 0;
}

int vx_heap_stats(const struct vx_heap *h, struct vx_heap_stats *st)
{
	size_t prev = 0;

	memset(st, 0, sizeof(*st));
	if (!h->base)
		return VX_E_INVAL;
	st->total = (size_t)(h->end - h->base);
	for (uint8_t *p = h->base; p < h->end;) {
		struct vx_heap_block *b = (struct vx_heap_block *)(void *)p;

		if (!header_ok(h, b) || (size_t)b->prev16 * ALIGN != prev)
			return VX_E_CORRUPT;
		if (bused(b)) {
			st->used += bsize(b);
			st->nalloc++;
		} else {
			st->free += bsize(b);
			st->nfree++;
			if (bsize(b) - HDR > st->largest_free)
				st->largest_free = bsize(b) - HDR;
		}
		prev = bsize(b);
		p += prev;
	}
	return VX_OK;
}

void vx_arena_init(struct vx_arena *a, void *mem, size_t size)
{
	a->base = mem;
	a->size = mem ? size : 0;
	a->used = 0;
}

void *vx_arena_alloc(struct vx_arena *a, size_t n, size_t align)
{
	uintptr_t at, start;

	if (align == 0)
		align = ALIGN;
	if ((align & (align - 1)) != 0 || n == 0 || !a->base)
		return NULL;
	start = (uintptr_t)a->base + a->used;
	at = (start + align - 1) & ~(uintptr_t)(align - 1);
	if (at < start || at - (uintptr_t)a->base > a->size ||
	    n > a->size - (at - (uintptr_t)a->base))
		return NULL;
	a->used = at - (uintptr_t)a->base + n;
	return (void *)at;
}

void vx_arena_reset(struct vx_arena *a)
{
	a->used = 0;
}
