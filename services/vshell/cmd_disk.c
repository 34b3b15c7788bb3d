/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * disk: the disks the block drivers serve, read and written a block at a
 * time through the block protocol (vectra/proto/blk.h), the way a file
 * system does.  The shell's devices connection reaches every disk
 * (proto/devices.h, DEV_OPEN); a command opens the disk or partition it
 * names, and lets go of it when done.
 *
 *   disk                        every disk, its size and its partitions
 *   disk read DISK BLOCK        the block's first 64 bytes, as text and hex
 *   disk write DISK BLOCK TEXT  TEXT, zero-padded, becomes the block; then
 *                               a flush.  Refused, by name, while another
 *                               connection writes any of DISK's blocks (a
 *                               mounted root, or the whole disk under a
 *                               partition): one writer per block
 *
 * DISK is diskN (the whole disk) or diskNpM (its M-th partition); BLOCK
 * counts from the start of what DISK names.
 */
#include "shell.h"
#include "client/blk.h"
#include "vx_string.h"

#define VA_DISK	 0x62000000ull /* the connection to the disk */
#define BIT_DISK 10u

/* "123" -> 123; false for anything else or past 2^63. */
static bool number(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (UINT64_MAX >> 1) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return true;
}

/* "disk0" or "disk0p2". */
static bool disk_name(const char *s, uint32_t *unit, uint32_t *part)
{
	char digits[12];
	uint64_t u, p = 0;
	size_t n = 0;

	if (strncmp(s, "disk", 4) != 0)
		return false;
	s += 4;
	while (*s >= '0' && *s <= '9' && n + 1 < sizeof(digits))
		digits[n++] = *s++;
	digits[n] = 0;
	if (!number(digits, &u) || u > 255)
		return false;
	if (*s == 'p' && (!number(s + 1, &p) || p == 0 || p > 128))
		return false;
	if (*s && *s != 'p')
		return false;
	*unit = (uint32_t)u;
	*part = (uint32_t)p;
	return true;
}

static void size_str(char *out, size_t cap, uint64_t bytes)
{
	if (bytes >= (1ull << 30))
		vx_snprintf(out, cap, "%lu.%lu GiB", (unsigned long)(bytes >> 30),
			    (unsigned long)((bytes >> 20) % 1024 * 10 / 1024));
	else
		vx_snprintf(out, cap, "%lu MiB", (unsigned long)(bytes >> 20));
}

static void list(void)
{
	static struct vx_blk b;
	char size[24], guid[37];
	uint32_t unit;

	for (unit = 0; unit < 256; unit++) {
		int rc = vx_blk_open(&b, &shell.dev.c, unit, 0, BLK_ATTACH_RO, VA_DISK, BIT_DISK,
				     client_deadline());
		if (rc == VX_E_NOTFOUND)
			break;
		if (rc != VX_OK) {
			con_printf("disk%u: %s\n", unit, vx_strerror(rc));
			continue;
		}
		size_str(size, sizeof(size), b.info.nblocks * b.info.block_size);
		con_printf("disk%u  %s, %lu blocks of %u bytes (%02x:%02x.%x)\n", unit, size,
			   (unsigned long)b.info.nblocks, b.info.block_size, b.opened.bdf >> 8,
			   (b.opened.bdf >> 3) & 31, b.opened.bdf & 7);
		for (uint32_t i = 0;; i++) {
			struct blk_part p;
			rc = vx_blk_part(&b, i, &p, client_deadline());
			if (rc == VX_E_CORRUPT) {
				p.name[sizeof(p.name) - 1] = 0;
				con_printf("  the partition table is bad: %s\n", p.name);
				break;
			}
			if (rc != VX_OK)
				break;
			p.name[sizeof(p.name) - 1] = 0;
			size_str(size, sizeof(size), p.nblocks * b.info.block_size);
			/* type GUID as on disk: the first three fields little-endian */
			vx_snprintf(guid, sizeof(guid),
				    "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
				    "%02x%02x%02x%02x%02x%02x",
				    p.type[3], p.type[2], p.type[1], p.type[0], p.type[5],
				    p.type[4], p.type[7], p.type[6], p.type[8], p.type[9],
				    p.type[10], p.type[11], p.type[12], p.type[13], p.type[14],
				    p.type[15]);
			con_printf("  disk%up%u  %-10s %s, blocks %lu..%lu, type %s\n", unit,
				   p.part, p.name[0] ? p.name : "-", size, (unsigned long)p.first,
				   (unsigned long)(p.first + p.nblocks - 1), guid);
		}
		vx_blk_close(&b);
	}
	con_printf("%u disks\n", unit);
}

static void rw(const struct vsh_cmd *c, bool write)
{
	static struct vx_blk b;
	uint32_t unit, part;
	uint64_t block;
	uint8_t *p = (uint8_t *)(uintptr_t)VA_BULK;
	vx_handle_t buf_mem;
	int rc;

	if (!disk_name(c->argv[2], &unit, &part)) {
		con_printf("disk: '%s' names no disk (diskN or diskNpM)\n", c->argv[2]);
		return;
	}
	if (!number(c->argv[3], &block)) {
		con_printf("disk: '%s' is not a block number\n", c->argv[3]);
		return;
	}
	if ((rc = vsh_bulk(&buf_mem)) != VX_OK) {
		con_printf("disk: no buffer: %s\n", vx_strerror(rc));
		return;
	}
	rc = vx_blk_open(&b, &shell.dev.c, unit, part, write ? 0 : BLK_ATTACH_RO, VA_DISK, BIT_DISK,
			 client_deadline());
	if (rc == VX_E_BUSY && write) {
		/* One writer per block (docs/STORAGE.md): a mounted root, or a
		 * writer of the whole disk or a partition of it, holds it. */
		con_printf("disk: %s is in use by another writer (mounted? see df): "
			   "not written; disk read still works\n",
			   c->argv[2]);
		return;
	}
	if (rc == VX_E_NOTFOUND) {
		con_printf("disk: %s: no such disk or partition (VX_E_NOTFOUND; disk lists them)\n",
			   c->argv[2]);
		return;
	}
	if (client_report("disk", &shell.dev, rc))
		return;
	if (rc != VX_OK) {
		con_printf("disk: %s: %s\n", c->argv[2], vx_strerror(rc));
		return;
	}
	if (b.info.block_size > BULK) {
		con_printf("disk: %s: blocks of %u bytes are larger than my buffer\n", c->argv[2],
			   b.info.block_size);
		vx_blk_close(&b);
		return;
	}
	if (write) {
		size_t n = strlen(c->argv[4]);
		memset(p, 0, b.info.block_size);
		memcpy(p, c->argv[4], n < b.info.block_size ? n : b.info.block_size);
		rc = vx_blk_write(&b, block, 1, buf_mem, 0, 0, client_deadline());
		if (rc == VX_OK)
			rc = vx_blk_flush(&b, client_deadline());
		if (rc == VX_OK)
			con_printf("disk: wrote block %lu of %s\n", (unsigned long)block,
				   c->argv[2]);
	} else {
		rc = vx_blk_read(&b, block, 1, buf_mem, 0, client_deadline());
		if (rc == VX_OK) {
			char text[65];
			for (int i = 0; i < 64; i++)
				text[i] = p[i] >= 32 && p[i] < 127 ? (char)p[i] : '.';
			text[64] = 0;
			con_printf("%s block %lu: %s\n", c->argv[2], (unsigned long)block, text);
			for (int i = 0; i < 64; i += 16)
				con_printf(
				    "  %04x: %02x %02x %02x %02x %02x %02x %02x %02x %02x %02x "
				    "%02x %02x %02x %02x %02x %02x\n",
				    i, p[i], p[i + 1], p[i + 2], p[i + 3], p[i + 4], p[i + 5],
				    p[i + 6], p[i + 7], p[i + 8], p[i + 9], p[i + 10], p[i + 11],
				    p[i + 12], p[i + 13], p[i + 14], p[i + 15]);
		}
	}
	if (rc != VX_OK)
		con_printf("disk: %s block %lu: %s\n", c->argv[2], (unsigned long)block,
			   vx_strerror(rc));
	vx_blk_close(&b);
}

void cmd_disk(const struct vsh_cmd *c)
{
	if (c->argc == 1)
		list();
	else if (c->argc == 4 && strcmp(c->argv[1], "read") == 0)
		rw(c, false);
	else if (c->argc == 5 && strcmp(c->argv[1], "write") == 0)
		rw(c, true);
	else
		con_printf("usage: disk | disk read DISK BLOCK | disk write DISK BLOCK TEXT\n");
}
