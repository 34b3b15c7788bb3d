/* SPDX-License-Identifier: BSD-3-Clause */
/* Write combining and read-ahead over a block device; see blkbuf.h. */
#include <stdbool.h>

#include "vectra/abi.h"
#include "vx_string.h"
#include "fs/blkbuf.h"

#define SECTOR VX_BLKDEV_SECTOR

static uint32_t min32(uint64_t a, uint64_t b)
{
	return (uint32_t)(a < b ? a : b);
}

static uint8_t *read_area(struct vx_blkbuf *b)
{
	return b->mem + (size_t)b->wmax * SECTOR;
}

int vx_blkbuf_init(struct vx_blkbuf *b, const struct vx_blkbuf_dev *dev, void *mem, size_t wbytes,
		   size_t rbytes)
{
	if (!dev || !mem || wbytes < VX_BLKBUF_WINDOWS * SECTOR || rbytes < SECTOR ||
	    wbytes % SECTOR || rbytes % SECTOR || wbytes / SECTOR > UINT32_MAX ||
	    rbytes / SECTOR > UINT32_MAX)
		return VX_E_INVAL;
	memset(b, 0, sizeof(*b));
	b->dev = *dev;
	b->mem = mem;
	b->wmax = (uint32_t)(wbytes / SECTOR);
	b->rmax = (uint32_t)(rbytes / SECTOR);
	b->span = VX_BLKBUF_SPAN_MAX; /* a power of two, so slot_of may wrap */
	while (b->span > b->wmax / VX_BLKBUF_WINDOWS)
		b->span /= 2;
	b->next = UINT64_MAX;
	return VX_OK;
}

/* --- windows ------------------------------------------------------------- */

static uint32_t slot_of(const struct vx_blkbuf *b, const struct vx_blkbuf_win *w, uint64_t s)
{
	return (uint32_t)((s - w->anchor) % b->span);
}

static uint8_t *slot_mem(struct vx_blkbuf *b, const struct vx_blkbuf_win *w, uint32_t slot)
{
	return b->mem + ((size_t)(w - b->win) * b->span + slot) * SECTOR;
}

static bool holds(const struct vx_blkbuf *b, const struct vx_blkbuf_win *w, uint64_t s)
{
	if (s < w->lo || s >= w->hi)
		return false;
	uint32_t k = slot_of(b, w, s);
	return w->map[k / 8] >> (k % 8) & 1;
}

static void mark(const struct vx_blkbuf *b, struct vx_blkbuf_win *w, uint64_t s, bool on)
{
	uint32_t k = slot_of(b, w, s);
	if (on)
		w->map[k / 8] |= (uint8_t)(1u << (k % 8));
	else
		w->map[k / 8] &= (uint8_t) ~(1u << (k % 8));
}

/* The window holding sector s, or NULL. */
static struct vx_blkbuf_win *holder(struct vx_blkbuf *b, uint64_t s)
{
	for (int i = 0; i < VX_BLKBUF_WINDOWS; i++)
		if (holds(b, &b->win[i], s))
			return &b->win[i];
	return NULL;
}

/* Does some window hold a sector of [lba, lba + n)? */
static struct vx_blkbuf_win *overlapping(struct vx_blkbuf *b, uint64_t lba, uint64_t n)
{
	for (int i = 0; i < VX_BLKBUF_WINDOWS; i++) {
		struct vx_blkbuf_win *w = &b->win[i];
		uint64_t lo = lba > w->lo ? lba : w->lo, hi = lba + n < w->hi ? lba + n : w->hi;
		for (uint64_t s = lo; s < hi; s++)
			if (holds(b, w, s))
				return w;
	}
	return NULL;
}

/* Sends window w to the device, one request per run of consecutive
 * sectors that are consecutive in memory too; empties it either way. */
static int send(struct vx_blkbuf *b, struct vx_blkbuf_win *w)
{
	int rc = VX_OK;
	uint64_t s = w->lo;

	while (s < w->hi && rc == VX_OK) {
		if (!holds(b, w, s)) {
			s++;
			continue;
		}
		uint32_t first = slot_of(b, w, s), n = 1;
		while (s + n < w->hi && first + n < b->span && holds(b, w, s + n))
			n++;
		b->st.dev_writes++;
		b->st.dev_write_sectors += n;
		rc = b->dev.write(b->dev.ctx, s, n, (size_t)(slot_mem(b, w, first) - b->mem));
		s += n;
	}
	w->lo = w->hi = 0;
	memset(w->map, 0, sizeof(w->map));
	if (rc < 0)
		b->rn = 0; /* it may hold bytes that never reached the device */
	return rc;
}

int vx_blkbuf_push(struct vx_blkbuf *b)
{
	int first = VX_OK;

	for (int i = 0; i < VX_BLKBUF_WINDOWS; i++) {
		int rc = b->win[i].lo < b->win[i].hi ? send(b, &b->win[i]) : VX_OK;
		if (rc < 0 && first == VX_OK)
			first = rc;
	}
	return first;
}

void vx_blkbuf_reset(struct vx_blkbuf *b)
{
	for (int i = 0; i < VX_BLKBUF_WINDOWS; i++) {
		b->win[i].lo = b->win[i].hi = 0;
		memset(b->win[i].map, 0, sizeof(b->win[i].map));
	}
	b->rn = 0;
	b->next = UINT64_MAX;
}

/* A window for [lba, lba + n), n <= span: one whose span it fits, else an
 * empty one, else the least recently written, sent first. */
static int window_for(struct vx_blkbuf *b, uint64_t lba, uint32_t n, struct vx_blkbuf_win **out)
{
	struct vx_blkbuf_win *empty = NULL, *old = NULL;

	for (int i = 0; i < VX_BLKBUF_WINDOWS; i++) {
		struct vx_blkbuf_win *w = &b->win[i];
		if (w->lo == w->hi) {
			empty = empty ? empty : w;
			continue;
		}
		uint64_t lo = lba < w->lo ? lba : w->lo, hi = lba + n > w->hi ? lba + n : w->hi;
		if (hi - lo <= b->span) {
			b->st.joined++;
			*out = w;
			return VX_OK;
		}
		if (!old || (int32_t)(w->used - old->used) < 0)
			old = w;
	}
	if (!empty) {
		int rc = send(b, old);
		if (rc < 0)
			return rc;
		empty = old;
	}
	empty->anchor = empty->lo = lba;
	empty->hi = lba + n;
	empty->settled = false;
	*out = empty;
	return VX_OK;
}

/*
 * The second write into window w says which way it grows: upward, and
 * the anchor stays at its first sector; downward (a write below it), and
 * the anchor moves a quarter of the span under its first sector's end, the
 * sectors held so far moved with it: room for three quarters below and a
 * quarter above (Keep's commits grow down from the first block written).  Either way a run of
 * sectors in disk order is then a run in memory, one request.
 */
static void settle(struct vx_blkbuf *b, struct vx_blkbuf_win *w, uint64_t lba)
{
	w->settled = true;
	if (lba >= w->lo || w->hi - w->lo > b->span - b->span / 4)
		return; /* upward, or no room to move it under the new anchor */
	uint64_t anchor = w->hi + b->span / 4 - b->span;
	uint32_t from = slot_of(b, w, w->lo), n = (uint32_t)(w->hi - w->lo);
	uint8_t map[sizeof(w->map)];
	memcpy(map, w->map, sizeof(map));
	uint64_t old = w->anchor;
	w->anchor = anchor;
	uint32_t to = slot_of(b, w, w->lo);
	memmove(slot_mem(b, w, to), slot_mem(b, w, from), (size_t)n * SECTOR);
	memset(w->map, 0, sizeof(w->map));
	for (uint64_t s = w->lo; s < w->hi; s++) {
		uint32_t k = (uint32_t)((s - old) % b->span);
		if (map[k / 8] >> (k % 8) & 1)
			mark(b, w, s, true);
	}
}

static bool in_range(const struct vx_blkbuf *b, uint64_t lba, uint32_t count)
{
	return lba <= b->dev.sectors && count <= b->dev.sectors - lba;
}

/* Copies the sectors of [lba, lba + count) that the read area holds into it. */
static void overlay(struct vx_blkbuf *b, uint64_t lba, uint32_t count, const uint8_t *in)
{
	uint64_t lo = lba > b->rlba ? lba : b->rlba;
	uint64_t hi = lba + count < b->rlba + b->rn ? lba + count : b->rlba + b->rn;

	if (b->rn == 0 || lo >= hi)
		return;
	memcpy(read_area(b) + (lo - b->rlba) * SECTOR, in + (lo - lba) * SECTOR,
	       (size_t)(hi - lo) * SECTOR);
}

static int bb_write(void *ctx, uint64_t lba, uint32_t count, const void *buf)
{
	struct vx_blkbuf *b = ctx;
	const uint8_t *in = buf;

	b->st.writes++;
	if (!in_range(b, lba, count))
		return VX_E_RANGE;
	overlay(b, lba, count, in);
	while (count > 0) {
		uint32_t n = min32(count, b->span);
		struct vx_blkbuf_win *w;
		int rc = window_for(b, lba, n, &w);
		if (rc < 0)
			return rc;
		if (!w->settled && w->lo != lba)
			settle(b, w, lba);
		for (uint32_t i = 0; i < n; i++) {
			struct vx_blkbuf_win *h = holder(b, lba + i);
			if (h && h != w)
				mark(b, h, lba + i, false); /* superseded: held once */
		}
		w->lo = lba < w->lo ? lba : w->lo;
		w->hi = lba + n > w->hi ? lba + n : w->hi;
		w->used = ++b->tick;
		uint32_t k = slot_of(b, w, lba), first = min32(n, b->span - k);
		memcpy(slot_mem(b, w, k), in, (size_t)first * SECTOR);
		memcpy(slot_mem(b, w, 0), in + (size_t)first * SECTOR,
		       (size_t)(n - first) * SECTOR);
		for (uint32_t i = 0; i < n; i++)
			mark(b, w, lba + i, true);
		in += (size_t)n * SECTOR;
		lba += n;
		count -= n;
	}
	return VX_OK;
}

static int bb_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	struct vx_blkbuf *b = ctx;
	uint8_t *out = buf;

	b->st.reads++;
	if (!in_range(b, lba, count))
		return VX_E_RANGE;
	bool seq = lba == b->next, fetched = false;
	b->next = lba + count;
	while (count > 0) {
		uint32_t n;
		struct vx_blkbuf_win *w;
		if (b->rn && lba >= b->rlba && lba < b->rlba + b->rn) {
			/* The read area is as new as the windows: writes overlay it. */
			n = min32(count, b->rlba + b->rn - lba);
			memcpy(out, read_area(b) + (lba - b->rlba) * SECTOR, (size_t)n * SECTOR);
		} else if ((w = holder(b, lba)) != NULL) {
			n = 1;
			memcpy(out, slot_mem(b, w, slot_of(b, w, lba)), SECTOR);
		} else {
			/* Fetch into the read area, once the device has every
			 * held sector of what it fetches. */
			uint32_t want = seq ? b->rmax : count;
			want = min32(want, b->dev.sectors - lba);
			want = min32(want, b->rmax);
			while ((w = overlapping(b, lba, want)) != NULL) {
				int rc = send(b, w);
				if (rc < 0)
					return rc;
			}
			b->rn = 0;
			b->st.dev_reads++;
			b->st.dev_read_sectors += want;
			int rc = b->dev.read(b->dev.ctx, lba, want, (size_t)b->wmax * SECTOR);
			if (rc < 0)
				return rc;
			b->rlba = lba;
			b->rn = want;
			fetched = true;
			continue;
		}
		out += (size_t)n * SECTOR;
		lba += n;
		count -= n;
	}
	if (!fetched)
		b->st.read_hits++;
	return VX_OK;
}

static int bb_flush(void *ctx)
{
	struct vx_blkbuf *b = ctx;

	b->st.flushes++;
	int rc = vx_blkbuf_push(b);
	if (rc < 0)
		return rc;
	return b->dev.flush(b->dev.ctx);
}

struct vx_blkdev vx_blkbuf_blkdev(struct vx_blkbuf *b)
{
	return (struct vx_blkdev){.ctx = b,
				  .read = bb_read,
				  .write = bb_write,
				  .flush = bb_flush,
				  .sectors = b->dev.sectors};
}
