/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dm-log-writes logs (the format of Linux's dm-log-writes target and of
 * QEMU's blklogwrites driver), read and written in memory, so a crash test
 * can replay the writes a real guest made, flush by flush.
 *
 * The log is little endian, in units of its sector size S (512 or 4096;
 * the kernel uses 512):
 *
 *   sector 0      super: u64 magic 0x6a736677736872, u64 version (1),
 *                 u64 nr_entries, u32 sectorsize
 *   then, for each entry, aligned to S:
 *                 u64 sector, u64 nr_sectors, u64 flags, u64 data_len
 *                 (the rest of its sector zero), then the entry's data
 *                 padded to S: nr_sectors * S bytes for a write, data_len
 *                 bytes (the mark's name) for a mark, nothing for a
 *                 flush or a discard
 *
 * flags: LW_FLUSH 1 (a flush: everything before is durable), LW_FUA 2
 * (this write is durable on return), LW_DISCARD 4, LW_MARK 8.  A write
 * entry's sector and nr_sectors are in units of S.
 *
 * Pure code over a caller's buffer: nothing is allocated, every field is
 * checked against the buffer before use.
 */
#ifndef VX_TESTS_LOGWRITES_H
#define VX_TESTS_LOGWRITES_H

#include <stddef.h>
#include <stdint.h>

#define LW_MAGIC   0x6a736677736872ull
#define LW_VERSION 1
#define LW_FLUSH   1
#define LW_FUA	   2
#define LW_DISCARD 4
#define LW_MARK	   8

struct lw_log {
	const uint8_t *buf;
	size_t len;
	uint32_t sectorsize;
	uint64_t entries, next; /* entries in all, the next one's index */
	size_t at;		/* the next entry's byte offset */
};

struct lw_entry {
	uint64_t sector, nr_sectors, flags, data_len;
	const uint8_t *data; /* inside the log buffer */
	size_t data_bytes;   /* nr_sectors * S for a write, data_len for a mark */
};

/* Checks the super; 0 or -1 (bad magic, version, sector size, or short). */
int lw_open(struct lw_log *l, const uint8_t *buf, size_t len);
/* The next entry: 1 with *e, 0 after the last, -1 if it runs past the
 * buffer or its fields are inconsistent. */
int lw_next(struct lw_log *l, struct lw_entry *e);

/* Writing a log into buf (cap bytes): the super (rewritten by lw_finish
 * with the count), then entries.  Each returns the new length or -1 if
 * cap is too small. */
long lw_begin(uint8_t *buf, size_t cap, uint32_t sectorsize);
long lw_append(uint8_t *buf, size_t cap, size_t len, uint32_t sectorsize, uint64_t sector,
	       uint64_t nr_sectors, uint64_t flags, const void *data, size_t data_bytes);
void lw_finish(uint8_t *buf, uint64_t entries);

#endif
