/* SPDX-License-Identifier: BSD-3-Clause */
/* vfsd's heap of file bytes: see pure_heap.h. */
#include "pure_heap.h"
#include "vx_string.h"

void heap_init(struct heap *h, uint8_t *base, uint32_t pages,
	       void (*moved)(void *ctx, uint32_t id, uint8_t *base), void *ctx)
{
	memset(h, 0, sizeof(*h));
	h->base = base;
	h->pages = pages;
	h->moved = moved;
	h->ctx = ctx;
}

uint8_t *heap_ptr(const struct heap *h, uint32_t id)
{
	return h->base + (size_t)h->blk[id].first * HEAP_PAGE;
}

/* Slides every block down to close the gaps, lowest first (so a move
 * never overwrites a block not yet moved), and zeroes what is left. */
static void compact(struct heap *h)
{
	uint32_t at = 0, end = 0;

	for (uint32_t k = 0; k < h->nblk; k++) {
		struct heap_blk *b = &h->blk[h->order[k]];
		if (b->first + b->pages > end)
			end = b->first + b->pages;
		if (b->first != at) {
			memmove(h->base + (size_t)at * HEAP_PAGE,
				h->base + (size_t)b->first * HEAP_PAGE,
				(size_t)b->pages * HEAP_PAGE);
			b->first = at;
			if (h->moved)
				h->moved(h->ctx, h->order[k], heap_ptr(h, h->order[k]));
		}
		at += b->pages;
	}
	if (end > at)
		memset(h->base + (size_t)at * HEAP_PAGE, 0, (size_t)(end - at) * HEAP_PAGE);
	h->compactions++;
}

/* Where in order[] a block of pages fits first, and its first page;
 * false if no gap is large enough. */
static bool first_fit(const struct heap *h, uint32_t pages, uint32_t *pos, uint32_t *first)
{
	uint32_t at = 0;

	for (uint32_t k = 0; k <= h->nblk; k++) {
		uint32_t next = k < h->nblk ? h->blk[h->order[k]].first : h->pages;
		if (next - at >= pages) {
			*pos = k;
			*first = at;
			return true;
		}
		if (k < h->nblk)
			at = next + h->blk[h->order[k]].pages;
	}
	return false;
}

int heap_alloc(struct heap *h, uint32_t pages, uint32_t *id)
{
	uint32_t pos, first, i;

	if (pages == 0)
		return VX_E_INVAL;
	if (pages > h->pages - h->used)
		return VX_E_FULL;
	for (i = 0; i < HEAP_IDS && h->blk[i].pages != 0; i++)
		;
	if (i == HEAP_IDS)
		return VX_E_FULL;
	if (!first_fit(h, pages, &pos, &first)) {
		compact(h);
		pos = h->nblk;
		first = h->used; /* everything is below it now */
	}
	memmove(&h->order[pos + 1], &h->order[pos], (h->nblk - pos) * sizeof(h->order[0]));
	h->order[pos] = (uint16_t)i;
	h->nblk++;
	h->blk[i] = (struct heap_blk){.first = first, .pages = pages};
	h->used += pages;
	*id = i;
	return VX_OK;
}

void heap_free(struct heap *h, uint32_t id)
{
	uint32_t k = 0;

	while (k < h->nblk && h->order[k] != id)
		k++;
	if (k == h->nblk)
		return; /* not in use: nothing to give back */
	memmove(&h->order[k], &h->order[k + 1], (h->nblk - k - 1) * sizeof(h->order[0]));
	h->nblk--;
	h->used -= h->blk[id].pages;
	h->blk[id].pages = 0;
}
