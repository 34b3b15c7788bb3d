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
	if (!dev || !mem || wbytes < SECTOR || rbytes < SECTOR || wbytes % SECTOR ||
	    rbytes % SECTOR || wbytes / SECTOR > UINT32_MAX || rbytes / SECTOR > UINT32_MAX)
		return VX_E_INVAL;
	memset(b, 0, sizeof(*b));
	b->dev = *dev;
	b->mem = mem;
	b->wmax = (uint32_t)(wbytes / SECTOR);
	b->rmax = (uint32_t)(rbytes / SECTOR);
	b->next = UINT64_MAX;
	return VX_OK;
}

void vx_blkbuf_reset(struct vx_blkbuf *b)
{
	b->wn = 0;
	b->rn = 0;
	b->next = UINT64_MAX;
}

int vx_blkbuf_push(struct vx_blkbuf *b)
{
	if (b->wn == 0)
		return VX_OK;
	uint32_t n = b->wn;
	b->wn = 0;
	b->st.dev_writes++;
	b->st.dev_write_sectors += n;
	int rc = b->dev.write(b->dev.ctx, b->wlba, n, 0);
	if (rc < 0)
		b->rn = 0; /* it may hold bytes that never reached the device */
	return rc;
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
		uint32_t n;
		if (b->wn && lba >= b->wlba && lba < b->wlba + b->wn) {
			/* A later write of sectors the run holds: it replaces them. */
			n = min32(count, b->wlba + b->wn - lba);
			memcpy(b->mem + (lba - b->wlba) * SECTOR, in, (size_t)n * SECTOR);
		} else if (b->wn && lba == b->wlba + b->wn && b->wn < b->wmax) {
			n = min32(count, b->wmax - b->wn);
			memcpy(b->mem + (size_t)b->wn * SECTOR, in, (size_t)n * SECTOR);
			b->wn += n;
			b->st.joined++;
		} else {
			int rc = vx_blkbuf_push(b);
			if (rc < 0)
				return rc;
			n = min32(count, b->wmax);
			memcpy(b->mem, in, (size_t)n * SECTOR);
			b->wlba = lba;
			b->wn = n;
		}
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
		if (b->rn && lba >= b->rlba && lba < b->rlba + b->rn) {
			/* The read area is as new as the run: writes overlay it. */
			n = min32(count, b->rlba + b->rn - lba);
			memcpy(out, read_area(b) + (lba - b->rlba) * SECTOR, (size_t)n * SECTOR);
		} else if (b->wn && lba >= b->wlba && lba < b->wlba + b->wn) {
			n = min32(count, b->wlba + b->wn - lba);
			memcpy(out, b->mem + (lba - b->wlba) * SECTOR, (size_t)n * SECTOR);
		} else {
			/* Fetch into the read area, stopping short of the run,
			 * whose sectors the device has not seen. */
			uint32_t want = seq ? b->rmax : count;
			want = min32(want, b->dev.sectors - lba);
			want = min32(want, b->rmax);
			if (b->wn && b->wlba > lba)
				want = min32(want, b->wlba - lba);
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
