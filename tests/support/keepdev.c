/* SPDX-License-Identifier: BSD-3-Clause */
/* An in-memory block device for Keep's host tests (keepdev.h). */
#include <stdlib.h>
#include <string.h>

#include "vectra/abi.h"
#include "keepdev.h"

void memdev_init(struct memdev *m, uint64_t bytes)
{
	memset(m, 0, sizeof(*m));
	m->img = calloc(1, bytes);
	if (!m->img)
		abort();
	m->sectors = bytes / 512;
}

void memdev_free(struct memdev *m)
{
	free(m->img);
	m->img = NULL;
}

static int md_read(void *ctx, uint64_t lba, uint32_t n, void *buf)
{
	struct memdev *m = ctx;
	if (lba > m->sectors || n > m->sectors - lba)
		return VX_E_RANGE;
	memcpy(buf, m->img + lba * 512, (size_t)n * 512);
	return 0;
}

static int md_write(void *ctx, uint64_t lba, uint32_t n, const void *buf)
{
	struct memdev *m = ctx;
	if (m->fail_after > 0 && --m->fail_after == 0)
		return VX_E_FAULT;
	if (lba > m->sectors || n > m->sectors - lba)
		return VX_E_RANGE;
	memcpy(m->img + lba * 512, buf, (size_t)n * 512);
	m->writes++;
	if (m->hook)
		m->hook(m->hook_ctx, 0, lba, n, buf);
	return 0;
}

static int md_flush(void *ctx)
{
	struct memdev *m = ctx;
	m->flushes++;
	if (m->hook)
		m->hook(m->hook_ctx, 1, 0, 0, NULL);
	return 0;
}

struct vx_blkdev memdev_blk(struct memdev *m)
{
	struct vx_blkdev d = {m, md_read, md_write, md_flush, m->sectors};
	return d;
}

void *keep_work(size_t len)
{
	static void *buf;
	static size_t have;
	if (have < len) {
		free(buf);
		buf = aligned_alloc(64, len);
		if (!buf)
			abort();
		have = len;
	}
	return buf;
}
