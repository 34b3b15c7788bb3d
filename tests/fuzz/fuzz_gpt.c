/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for lib/blk/gpt.h.  The input describes a disk:
 *
 *   byte 0      bit 0: 4096-byte blocks, else 512; bits 1-7, f: if not
 *               0, reading block f - 1 fails (VX_E_FAULT)
 *   byte 1      the disk is 6 + byte 1 blocks
 *   bytes 2-3   head length h (little endian)
 *   then        h bytes laid from block 0 on, and the rest laid so that
 *               it ends at the disk's last byte (the backup's place);
 *               whatever is not covered is zero
 *
 * The disk is an exact-size heap buffer and the callback traps on a read
 * outside it, so ASan and the callback catch any access the parser lets
 * through.  Then vx_utf16le_to_utf8 on the input with a small buffer.
 *
 * Invariants: the result is VX_OK or an error gpt.h lists (VX_E_FAULT
 * only when the failing block was read), with a why in
 * range; on VX_OK the partitions (at most VX_GPT_MAX_PARTS) each lie in
 * FirstUsableLBA..LastUsableLBA, start <= end, overlap no other, and have
 * NUL-terminated names; the reads are bounded by the two arrays' limit.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "blk/gpt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			__builtin_trap();                                                          \
	} while (0)

struct disk {
	uint8_t *bytes;
	uint32_t bs;
	uint64_t n;
	uint64_t fail; /* this block's read fails; UINT64_MAX: none */
	uint32_t reads, failed;
};

static int disk_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	struct disk *d = ctx;

	CHECK(count == 1 && lba < d->n);
	d->reads++;
	if (lba == d->fail) {
		d->failed++;
		return VX_E_FAULT;
	}
	memcpy(buf, d->bytes + lba * d->bs, d->bs);
	return VX_OK;
}

static struct vx_gpt g;

/* The invariants of a successful parse. */
static void check_ok(const struct disk *d)
{
	CHECK(g.source == VX_GPT_PRIMARY || g.source == VX_GPT_BACKUP);
	CHECK(g.nparts <= VX_GPT_MAX_PARTS);
	CHECK(g.first_usable >= 2 && g.first_usable <= g.last_usable && g.last_usable < d->n);
	for (uint32_t i = 0; i < g.nparts; i++) {
		const struct vx_gpt_part *p = &g.part[i];
		CHECK(p->first_lba <= p->last_lba);
		CHECK(p->first_lba >= g.first_usable && p->last_lba <= g.last_usable);
		CHECK(memchr(p->name, 0, sizeof(p->name)) != NULL);
		CHECK(i == 0 || p->index > g.part[i - 1].index);
		for (uint32_t j = 0; j < i; j++)
			CHECK(p->last_lba < g.part[j].first_lba ||
			      g.part[j].last_lba < p->first_lba);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct disk d;
	size_t head, tail, bytes;
	char name[16];
	int rc;

	if (size < 4)
		return 0;
	d.bs = (data[0] & 1) ? 4096 : 512;
	d.n = 6u + data[1];
	d.fail = (data[0] >> 1) ? (uint64_t)(data[0] >> 1) - 1 : UINT64_MAX;
	d.reads = d.failed = 0;
	bytes = (size_t)d.n * d.bs;
	head = (size_t)(data[2] | data[3] << 8);
	data += 4;
	size -= 4;
	if (head > size)
		head = size;
	if (head > bytes)
		head = bytes;
	tail = size - head < bytes ? size - head : bytes;
	d.bytes = calloc(1, bytes);
	CHECK(d.bytes != NULL);
	memcpy(d.bytes, data, head);
	memcpy(d.bytes + bytes - tail, data + size - tail, tail);

	rc = vx_gpt_parse(disk_read, &d, d.bs, d.n, &g);
	CHECK(rc == VX_OK || rc == VX_E_NOTFOUND || rc == VX_E_TYPE || rc == VX_E_CORRUPT ||
	      rc == VX_E_RANGE || rc == VX_E_TOOBIG || (rc == VX_E_FAULT && d.failed > 0));
	CHECK(g.why < VX_GPT_WHY_COUNT && g.backup_why < VX_GPT_WHY_COUNT);
	CHECK(d.reads <= 3 + 2 * (VX_GPT_ARRAY_MAX / 512));
	if (rc == VX_OK)
		check_ok(&d);
	free(d.bytes);

	size_t r = vx_utf16le_to_utf8(data, size / 2, name, sizeof(name));
	CHECK(r < sizeof(name) && name[r] == '\0' && strlen(name) == r);
	return 0;
}
