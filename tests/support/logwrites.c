/* SPDX-License-Identifier: BSD-3-Clause */
/* dm-log-writes logs, read and written in memory (logwrites.h). */
#include <string.h>

#include "logwrites.h"

static uint64_t ld64(const uint8_t *p)
{
	uint64_t x = 0;
	for (int i = 7; i >= 0; i--)
		x = x << 8 | p[i];
	return x;
}

static void st64(uint8_t *p, uint64_t x)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(x >> (8 * i));
}

int lw_open(struct lw_log *l, const uint8_t *buf, size_t len)
{
	memset(l, 0, sizeof(*l));
	if (len < 512)
		return -1;
	uint32_t ss = (uint32_t)buf[24] | (uint32_t)buf[25] << 8 | (uint32_t)buf[26] << 16 |
		      (uint32_t)buf[27] << 24;
	if (ld64(buf) != LW_MAGIC || ld64(buf + 8) != LW_VERSION || ss < 512 || ss > 65536 ||
	    (ss & (ss - 1)) || len < ss)
		return -1;
	l->buf = buf;
	l->len = len;
	l->sectorsize = ss;
	l->entries = ld64(buf + 16);
	l->at = ss;
	return 0;
}

/* Rounds n up to the sector size, or SIZE_MAX on overflow. */
static size_t round_up(size_t n, uint32_t ss)
{
	if (n > SIZE_MAX - ss)
		return SIZE_MAX;
	return (n + ss - 1) / ss * ss;
}

int lw_next(struct lw_log *l, struct lw_entry *e)
{
	if (l->next >= l->entries)
		return 0;
	uint32_t ss = l->sectorsize;
	if (l->at > l->len || l->len - l->at < ss)
		return -1;
	const uint8_t *h = l->buf + l->at;
	e->sector = ld64(h);
	e->nr_sectors = ld64(h + 8);
	e->flags = ld64(h + 16);
	e->data_len = ld64(h + 24);
	size_t bytes = 0;
	if (e->flags & LW_MARK) {
		if (e->data_len > ss * 16ull)
			return -1;
		bytes = (size_t)e->data_len;
	} else if (!(e->flags & (LW_DISCARD | LW_FLUSH)) || e->nr_sectors) {
		if (e->flags & LW_DISCARD)
			bytes = 0;
		else if (e->nr_sectors > (l->len / ss))
			return -1;
		else
			bytes = (size_t)e->nr_sectors * ss;
	}
	size_t padded = round_up(bytes, ss);
	size_t data_at = l->at + ss;
	if (padded == SIZE_MAX || data_at > l->len || l->len - data_at < padded)
		return -1;
	e->data = l->buf + data_at;
	e->data_bytes = bytes;
	l->at = data_at + padded;
	l->next++;
	return 1;
}

long lw_begin(uint8_t *buf, size_t cap, uint32_t sectorsize)
{
	if (cap < sectorsize)
		return -1;
	memset(buf, 0, sectorsize);
	st64(buf, LW_MAGIC);
	st64(buf + 8, LW_VERSION);
	buf[24] = (uint8_t)sectorsize;
	buf[25] = (uint8_t)(sectorsize >> 8);
	buf[26] = (uint8_t)(sectorsize >> 16);
	buf[27] = (uint8_t)(sectorsize >> 24);
	return (long)sectorsize;
}

long lw_append(uint8_t *buf, size_t cap, size_t len, uint32_t sectorsize, uint64_t sector,
	       uint64_t nr_sectors, uint64_t flags, const void *data, size_t data_bytes)
{
	size_t padded = round_up(data_bytes, sectorsize);
	if (padded == SIZE_MAX || len > cap || cap - len < sectorsize + padded)
		return -1;
	uint8_t *h = buf + len;
	memset(h, 0, sectorsize + padded);
	st64(h, sector);
	st64(h + 8, nr_sectors);
	st64(h + 16, flags);
	st64(h + 24, (flags & LW_MARK) ? data_bytes : 0);
	if (data_bytes)
		memcpy(h + sectorsize, data, data_bytes);
	return (long)(len + sectorsize + padded);
}

void lw_finish(uint8_t *buf, uint64_t entries)
{
	st64(buf + 16, entries);
}
