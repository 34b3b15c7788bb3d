/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GPT parsing (lib/blk/gpt.h) and its CRC-32 (lib/blk/crc32.h).
 *
 * The CRC is checked against the standard check value, a table of
 * zlib.crc32 results, and Python's zlib on a buffer this test writes.
 * Real tables come from Debian's sfdisk (util-linux) and sgdisk (GPT
 * fdisk), run on sparse image files: each is read back and compared with
 * the script that made it.  A 4096-byte-block disk is the sfdisk table
 * laid out again in 4 KiB blocks (those tools write 512-byte blocks to an
 * image file).  Then each hostile case breaks one rule of a good image in
 * memory, re-sealing the CRCs where the case is not about them, and checks
 * the named error: VX_E_* and enum vx_gpt_why.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "blk/crc32.h"
#include "blk/gpt.h"

#define MIB	 (1024u * 1024u)
#define DISK	 (8u * MIB) /* every image: 16384 blocks of 512 */
#define TOOLPATH "PATH=\"$PATH:/usr/sbin:/sbin\" "

/* A disk in memory, read through the callback. */
struct disk {
	uint8_t *data;
	uint32_t bs;
	uint64_t n;
	uint64_t fail_lba; /* a read of this block fails (UINT64_MAX: none) */
	uint32_t reads;
};

static int disk_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	struct disk *d = ctx;

	d->reads++;
	assert_true(count == 1 && lba < d->n);
	if (lba == d->fail_lba)
		return VX_E_FAULT;
	memcpy(buf, d->data + lba * d->bs, (size_t)count * d->bs);
	return VX_OK;
}

static struct vx_gpt g; /* 20 KiB: not on the stack */

static int parse(struct disk *d)
{
	return vx_gpt_parse(disk_read, d, d->bs, d->n, &g);
}

/* ------------------------------------------------------------ byte access */

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* The header block at lba. */
static uint8_t *hdr(struct disk *d, uint64_t lba)
{
	return d->data + lba * d->bs;
}

/* Recomputes the header CRC of the header at lba. */
static void seal_hdr(struct disk *d, uint64_t lba)
{
	uint8_t *h = hdr(d, lba);

	put32(h + 16, 0);
	put32(h + 16, vx_crc32(0, h, get32(h + 12)));
}

/* Recomputes the array CRC of the header at lba, then its header CRC. */
static void seal(struct disk *d, uint64_t lba)
{
	uint8_t *h = hdr(d, lba);
	uint64_t bytes = (uint64_t)get32(h + 80) * get32(h + 84);

	put32(h + 88, vx_crc32(0, d->data + get64(h + 72) * d->bs, bytes));
	seal_hdr(d, lba);
}

/* Entry i of the array of the header at lba. */
static uint8_t *entry(struct disk *d, uint64_t lba, uint32_t i)
{
	uint8_t *h = hdr(d, lba);

	return d->data + get64(h + 72) * d->bs + (size_t)i * get32(h + 84);
}

/* Applies f to both copies' entry i, then re-seals both. */
static void set_entry_lbas(struct disk *d, uint32_t i, uint64_t first, uint64_t last)
{
	uint64_t copies[2] = {1, d->n - 1};

	for (int c = 0; c < 2; c++) {
		put64(entry(d, copies[c], i) + 32, first);
		put64(entry(d, copies[c], i) + 40, last);
		seal(d, copies[c]);
	}
}

/* ---------------------------------------------------------------- images */

/* Runs `cmd` with %s replaced by a fresh 8 MiB sparse image's path and
 * returns the image read into memory. */
static void make_image(struct disk *d, const char *cmd)
{
	char path[] = "/tmp/vx-gpt-XXXXXX";
	char line[4096];
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, DISK), 0);
	snprintf(line, sizeof(line), cmd, path);
	if (system(line) != 0) {
		unlink(path);
		fail_msg("could not make an image with: %s (bash scripts/install-deps.sh "
			 "installs fdisk and gdisk)",
			 line);
	}
	d->data = malloc(DISK);
	assert_non_null(d->data);
	assert_int_equal(pread(fd, d->data, DISK, 0), (ssize_t)DISK);
	close(fd);
	unlink(path);
	d->bs = 512;
	d->n = DISK / 512;
	d->fail_lba = UINT64_MAX;
	d->reads = 0;
}

static const char sfdisk_script[] =
    "label: gpt\n"
    "label-id: 5A1D2C3B-0000-4000-8000-0000000000AA\n"
    "unit: sectors\n"
    "first-lba: 34\n"
    "start=2048, size=2048, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, "
    "uuid=11111111-2222-4333-8444-555555555501, name=\"EFI system\", "
    "attrs=\"RequiredPartition\"\n"
    "start=4096, size=4096, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, "
    "uuid=11111111-2222-4333-8444-555555555502, name=\"root \xe2\x98\x83 caf\xc3\xa9\"\n"
    "start=8192, size=2048, type=0657FD6D-A4AB-43C4-84E5-0933C84B4F4F, "
    "uuid=11111111-2222-4333-8444-555555555503, name=\"swap\"\n"
    "start=12288, size=4063, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, "
    "uuid=11111111-2222-4333-8444-555555555504, name=\"data\", attrs=\"GUID:60,63\"\n";

/* The sfdisk image: four partitions, the last ending on LastUsableLBA. */
static void sfdisk_image(struct disk *d)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), TOOLPATH "sfdisk -q %%s >/dev/null <<'EOF'\n%sEOF\n",
		 sfdisk_script);
	make_image(d, cmd);
}

struct want {
	uint32_t index;
	const char *type, *uuid;
	uint64_t first, last, attrs;
	const char *name;
};

static const struct want sfdisk_want[4] = {
    {0, "c12a7328-f81f-11d2-ba4b-00a0c93ec93b", "11111111-2222-4333-8444-555555555501", 2048, 4095,
     1ull << 0, "EFI system"},
    {1, "0fc63daf-8483-4772-8e79-3d69d8477de4", "11111111-2222-4333-8444-555555555502", 4096, 8191,
     0, "root \xe2\x98\x83 caf\xc3\xa9"},
    {2, "0657fd6d-a4ab-43c4-84e5-0933c84b4f4f", "11111111-2222-4333-8444-555555555503", 8192, 10239,
     0, "swap"},
    {3, "ebd0a0a2-b9e5-4433-87c0-68b6b72699c7", "11111111-2222-4333-8444-555555555504", 12288,
     16350, 1ull << 60 | 1ull << 63, "data"},
};

/* The parse result matches want[0..n), LBAs divided by scale. */
static void expect_parts(const struct want *want, uint32_t n, uint64_t scale)
{
	char s[37];

	assert_int_equal(g.nparts, n);
	for (uint32_t i = 0; i < n; i++) {
		const struct vx_gpt_part *p = &g.part[i];
		assert_int_equal(p->index, want[i].index);
		vx_gpt_guid_format(&p->type, s);
		assert_string_equal(s, want[i].type);
		vx_gpt_guid_format(&p->uuid, s);
		assert_string_equal(s, want[i].uuid);
		assert_int_equal(p->first_lba, want[i].first / scale);
		assert_int_equal(p->last_lba, (want[i].last + 1) / scale - 1);
		assert_int_equal(p->attributes, want[i].attrs);
		assert_string_equal(p->name, want[i].name);
	}
}

/* ---------------------------------------------------------------- CRC-32 */

static void test_crc32_vectors(void **state)
{
	/* zlib.crc32 of each input (Python 3, zlib 1.2.13) */
	static const struct {
		const char *s;
		uint32_t crc;
	} v[] = {
	    {"", 0x00000000u},
	    {"a", 0xe8b7be43u},
	    {"abc", 0x352441c2u},
	    {"123456789", 0xcbf43926u}, /* the CRC-32 check value */
	    {"The quick brown fox jumps over the lazy dog", 0x414fa339u},
	};
	uint8_t b[512];

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_int_equal(vx_crc32(0, v[i].s, strlen(v[i].s)), v[i].crc);
	for (int i = 0; i < 256; i++)
		b[i] = (uint8_t)i;
	assert_int_equal(vx_crc32(0, b, 256), 0x29058c73u);
	memset(b, 0, sizeof(b));
	assert_int_equal(vx_crc32(0, b, 512), 0xb2aa7578u);
	/* chaining: a then b is the CRC of ab */
	assert_int_equal(vx_crc32(vx_crc32(0, "1234", 4), "56789", 5), 0xcbf43926u);
	assert_int_equal(vx_crc32(0, NULL, 0), 0);
}

/* A pseudo-random buffer's CRC against Python's zlib, in a subprocess. */
static void test_crc32_against_zlib(void **state)
{
	char path[] = "/tmp/vx-crc-XXXXXX", cmd[256];
	static uint8_t buf[70001];
	uint32_t x = 12345, want = 0;
	int fd = mkstemp(path);
	FILE *p;

	(void)state;
	assert_true(fd >= 0);
	for (size_t i = 0; i < sizeof(buf); i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (uint8_t)(x >> 16);
	}
	assert_int_equal(write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	close(fd);
	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import sys,zlib; print(zlib.crc32(open(sys.argv[1],\"rb\").read()))' "
		 "%s",
		 path);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_int_equal(fscanf(p, "%u", &want), 1);
	assert_int_equal(pclose(p), 0);
	unlink(path);
	assert_int_equal(vx_crc32(0, buf, sizeof(buf)), want);
	/* and in uneven pieces */
	assert_int_equal(
	    vx_crc32(vx_crc32(vx_crc32(0, buf, 1), buf + 1, 4095), buf + 4096, sizeof(buf) - 4096),
	    want);
}

/* ------------------------------------------------------------ real disks */

static void test_sfdisk_image(void **state)
{
	struct disk d;
	char s[37];

	(void)state;
	sfdisk_image(&d);
	assert_int_equal(parse(&d), VX_OK);
	assert_int_equal(g.source, VX_GPT_PRIMARY);
	assert_int_equal(g.why, VX_GPT_OK);
	assert_int_equal(g.backup_why, VX_GPT_OK);
	assert_int_equal(g.block_size, 512);
	assert_int_equal(g.first_usable, 34);
	assert_int_equal(g.last_usable, 16350);
	vx_gpt_guid_format(&g.disk_guid, s);
	assert_string_equal(s, "5a1d2c3b-0000-4000-8000-0000000000aa");
	expect_parts(sfdisk_want, 4, 1);
	free(d.data);
}

/* sgdisk: a 256-entry table, partition 200 in use out of order, and a
 * disk GUID and attributes set by another tool. */
static void test_sgdisk_image(void **state)
{
	static const struct want want[3] = {
	    {0, "21686148-6449-6e6f-744e-656564454649", "aaaaaaaa-bbbb-4ccc-8ddd-000000000001",
	     2048, 4095, 0, "bios"},
	    {2, "0fc63daf-8483-4772-8e79-3d69d8477de4", "aaaaaaaa-bbbb-4ccc-8ddd-000000000003",
	     8192, 16318, 0, "rest"},
	    {199, "0fc63daf-8483-4772-8e79-3d69d8477de4", "aaaaaaaa-bbbb-4ccc-8ddd-0000000000c8",
	     4096, 8191, 1ull << 2, "home"},
	};
	struct disk d;
	char s[37];

	(void)state;
	make_image(&d, TOOLPATH "sgdisk -o -S 256 -U 01234567-89AB-4CDE-8F01-23456789ABCD "
				"-n 1:2048:+1M -t 1:ef02 -c 1:bios "
				"-u 1:AAAAAAAA-BBBB-4CCC-8DDD-000000000001 "
				"-n 200:4096:8191 -t 200:8300 -c 200:home -A 200:set:2 "
				"-u 200:AAAAAAAA-BBBB-4CCC-8DDD-0000000000C8 "
				"-n 3:8192:0 -c 3:rest -u 3:AAAAAAAA-BBBB-4CCC-8DDD-000000000003 "
				"%s >/dev/null 2>&1");
	assert_int_equal(parse(&d), VX_OK);
	assert_int_equal(g.source, VX_GPT_PRIMARY);
	assert_int_equal(g.backup_why, VX_GPT_OK);
	assert_int_equal(get32(hdr(&d, 1) + 80), 256);
	assert_int_equal(g.first_usable, 66);
	assert_int_equal(g.last_usable, 16318);
	vx_gpt_guid_format(&g.disk_guid, s);
	assert_string_equal(s, "01234567-89ab-4cde-8f01-23456789abcd");
	expect_parts(want, 3, 1);
	free(d.data);
}

/* Lays out the 512-byte image's table again in 4096-byte blocks: array
 * of 128 entries (4 blocks) at LBA 2 and at n - 5, usable 6 .. n - 6,
 * partition LBAs divided by 8 (the sfdisk ones are multiples of 8, and
 * the last ends on the new LastUsableLBA). */
static void to_4k(const struct disk *s, struct disk *d)
{
	d->bs = 4096;
	d->n = DISK / 4096;
	d->fail_lba = UINT64_MAX;
	d->data = calloc(1, DISK);
	assert_non_null(d->data);
	memcpy(d->data, s->data, 512); /* the MBR, its 0xEE size put right below */
	put32(d->data + 446 + 12, (uint32_t)(d->n - 1));
	for (int c = 0; c < 2; c++) {
		uint64_t at = c == 0 ? 1 : d->n - 1, arr = c == 0 ? 2 : d->n - 5;
		uint8_t *h = hdr(d, at);
		memcpy(h, hdr((struct disk *)s, 1), 92);
		put64(h + 24, at);
		put64(h + 32, c == 0 ? d->n - 1 : 1);
		put64(h + 40, 6);
		put64(h + 48, d->n - 6);
		put64(h + 72, arr);
		memcpy(d->data + arr * 4096, entry((struct disk *)s, 1, 0), 128 * 128);
		for (uint32_t i = 0; i < 4; i++) {
			uint8_t *e = entry(d, at, i);
			put64(e + 32, get64(e + 32) / 8);
			put64(e + 40, (get64(e + 40) + 1) / 8 - 1);
		}
		put64(entry(d, at, 3) + 40, d->n - 6);
		seal(d, at);
	}
}

static void test_4096_byte_blocks(void **state)
{
	struct want want[4];
	struct disk s, d;

	(void)state;
	sfdisk_image(&s);
	to_4k(&s, &d);
	assert_int_equal(parse(&d), VX_OK);
	assert_int_equal(g.block_size, 4096);
	assert_int_equal(g.backup_why, VX_GPT_OK);
	assert_int_equal(g.first_usable, 6);
	assert_int_equal(g.last_usable, 2042);
	memcpy(want, sfdisk_want, sizeof(want));
	want[3].last = (2042 + 1) * 8 - 1;
	expect_parts(want, 4, 8);
	/* the same disk read as 512-byte blocks (its MBR saying "all of it")
	 * is not a GPT disk: LBA 1 is the rest of the MBR's block, zeros */
	put32(d.data + 446 + 12, 0xffffffffu);
	d.bs = 512;
	d.n = DISK / 512;
	assert_int_equal(parse(&d), VX_E_CORRUPT);
	assert_int_equal(g.why, VX_GPT_HDR_SIGNATURE);
	/* and the backup falls back in 4 KiB blocks too */
	assert_int_equal(g.backup_why, VX_GPT_HDR_SIGNATURE);
	d.bs = 4096;
	d.n = DISK / 4096;
	hdr(&d, 1)[0] ^= 1;
	assert_int_equal(parse(&d), VX_OK);
	assert_int_equal(g.source, VX_GPT_BACKUP);
	expect_parts(want, 4, 8);
	free(s.data);
	free(d.data);
}

/* ------------------------------------------------------ the hostile cases */

static struct disk d, master; /* master: sfdisk's image, made once */

static int group_setup(void **state)
{
	(void)state;
	sfdisk_image(&master);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	free(master.data);
	return 0;
}

/* Each hostile case starts from a fresh copy of the sfdisk image. */
static int setup(void **state)
{
	(void)state;
	d = master;
	d.data = malloc(DISK);
	assert_non_null(d.data);
	memcpy(d.data, master.data, DISK);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(d.data);
	return 0;
}

static void test_bad_primary_crc_uses_backup(void **state)
{
	(void)state;
	hdr(&d, 1)[40] ^= 1; /* FirstUsableLBA, CRC not resealed */
	assert_int_equal(parse(&d), VX_OK);
	assert_int_equal(g.source, VX_GPT_BACKUP);
	assert_int_equal(g.why, VX_GPT_HDR_CRC);
	assert_int_equal(g.backup_why, VX_GPT_OK);
	assert_string_equal(vx_gpt_why_name(g.why), "hdr-crc");
	expect_parts(sfdisk_want, 4, 1);
}

static void test_both_headers_bad(void **state)
{
	(void)state;
	hdr(&d, 1)[40] ^= 1;
	hdr(&d, d.n - 1)[40] ^= 1;
	assert_int_equal(parse(&d), VX_E_CORRUPT);
	assert_int_equal(g.source, VX_GPT_NONE);
	assert_int_equal(g.why, VX_GPT_HDR_CRC);
	assert_int_equal(g.backup_why, VX_GPT_HDR_CRC);
	assert_int_equal(g.nparts, 0);
}

static void test_bad_backup_is_reported(void **state)
{
	(void)state;
	hdr(&d, d.n - 1)[0] = 'X';
	assert_int_equal(parse(&d), VX_OK);
	assert_int_equal(g.source, VX_GPT_PRIMARY);
	assert_int_equal(g.backup_why, VX_GPT_HDR_SIGNATURE);
	expect_parts(sfdisk_want, 4, 1);
}

static void test_array_crc_wrong(void **state)
{
	(void)state;
	entry(&d, 1, 2)[60] ^= 0x20; /* a letter of "swap" */
	assert_int_equal(parse(&d), VX_OK);
	assert_int_equal(g.source, VX_GPT_BACKUP);
	assert_int_equal(g.why, VX_GPT_ARRAY_CRC);
	expect_parts(sfdisk_want, 4, 1);
	entry(&d, d.n - 1, 2)[60] ^= 0x20;
	assert_int_equal(parse(&d), VX_E_CORRUPT);
	assert_int_equal(g.why, VX_GPT_ARRAY_CRC);
	assert_int_equal(g.backup_why, VX_GPT_ARRAY_CRC);
	assert_int_equal(g.nparts, 0);
}

static void test_overlapping_partitions(void **state)
{
	(void)state;
	set_entry_lbas(&d, 2, 8000, 10239); /* into partition 1 (4096..8191) */
	assert_int_equal(parse(&d), VX_E_CORRUPT);
	assert_int_equal(g.why, VX_GPT_PART_OVERLAP);
	assert_int_equal(g.bad_index, 2);
	assert_int_equal(g.other_index, 1);
	/* one block in common is enough: partition 0 ends at 4095 */
	set_entry_lbas(&d, 2, 8192, 10239);
	set_entry_lbas(&d, 1, 4095, 8191);
	assert_int_equal(parse(&d), VX_E_CORRUPT);
	assert_int_equal(g.why, VX_GPT_PART_OVERLAP);
	assert_int_equal(g.bad_index, 1);
	assert_int_equal(g.other_index, 0);
	/* a partition inside another */
	set_entry_lbas(&d, 1, 4096, 8191);
	set_entry_lbas(&d, 2, 5000, 5000);
	assert_int_equal(parse(&d), VX_E_CORRUPT);
	assert_int_equal(g.why, VX_GPT_PART_OVERLAP);
}

static void test_partition_beyond_last_usable(void **state)
{
	(void)state;
	set_entry_lbas(&d, 3, 12288, 16351);
	assert_int_equal(parse(&d), VX_E_RANGE);
	assert_int_equal(g.why, VX_GPT_PART_OUTSIDE);
	assert_int_equal(g.bad_index, 3);
	set_entry_lbas(&d, 3, 12288, UINT64_MAX);
	assert_int_equal(parse(&d), VX_E_RANGE);
	assert_int_equal(g.why, VX_GPT_PART_OUTSIDE);
	/* below FirstUsableLBA: over the table itself */
	set_entry_lbas(&d, 3, 33, 40);
	assert_int_equal(parse(&d), VX_E_RANGE);
	assert_int_equal(g.why, VX_GPT_PART_OUTSIDE);
}

static void test_partition_reversed(void **state)
{
	(void)state;
	set_entry_lbas(&d, 0, 4095, 2048);
	assert_int_equal(parse(&d), VX_E_RANGE);
	assert_int_equal(g.why, VX_GPT_PART_REVERSED);
	assert_int_equal(g.bad_index, 0);
}

static void test_entry_size_not_128_times_power_of_two(void **state)
{
	static const uint32_t bad[] = {0, 64, 127, 130, 200, 384, 0x80000000u + 128};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put32(hdr(&d, 1) + 84, bad[i]);
		seal_hdr(&d, 1);
		assert_int_equal(parse(&d), VX_OK);
		assert_int_equal(g.source, VX_GPT_BACKUP);
		assert_int_equal(g.why, VX_GPT_HDR_ENTRY_SIZE);
	}
	put32(hdr(&d, d.n - 1) + 84, 130);
	seal_hdr(&d, d.n - 1);
	assert_int_equal(parse(&d), VX_E_CORRUPT);
	assert_int_equal(g.why, VX_GPT_HDR_ENTRY_SIZE);
	assert_int_equal(g.backup_why, VX_GPT_HDR_ENTRY_SIZE);
}

static void test_absurd_entry_count(void **state)
{
	static const uint32_t bad[] = {0, 8193, 0x02000000u, 0xffffffffu};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put32(hdr(&d, 1) + 80, bad[i]);
		seal_hdr(&d, 1);
		d.reads = 0;
		assert_int_equal(parse(&d), VX_OK);
		assert_int_equal(g.source, VX_GPT_BACKUP);
		assert_int_equal(g.why, VX_GPT_HDR_ENTRY_COUNT);
		assert_true(d.reads < 100); /* the count was never a loop bound */
	}
	/* within VX_GPT_ARRAY_MAX but over the space before FirstUsableLBA */
	put32(hdr(&d, 1) + 80, 8192);
	seal_hdr(&d, 1);
	assert_int_equal(parse(&d), VX_OK);
	assert_int_equal(g.why, VX_GPT_HDR_ARRAY_LBA);
	put32(hdr(&d, d.n - 1) + 80, 0xffffffffu);
	seal_hdr(&d, d.n - 1);
	assert_int_equal(parse(&d), VX_E_CORRUPT);
	assert_int_equal(g.backup_why, VX_GPT_HDR_ENTRY_COUNT);
}

/* Entries of 256 and of 1024 bytes (the latter straddle 512-byte blocks);
 * the bytes past 128 are in the CRC and otherwise ignored. */
static void test_larger_entries(void **state)
{
	static const uint32_t sizes[] = {256, 1024};
	static uint8_t old[128 * 128];

	(void)state;
	memcpy(old, entry(&d, 1, 0), sizeof(old));
	for (size_t k = 0; k < 2; k++) {
		uint32_t es = sizes[k], n = 16384 / es;
		uint8_t *arr = entry(&d, 1, 0);
		memset(arr, 0xa5, 16384);
		for (uint32_t i = 0; i < n && i < 128; i++)
			memcpy(arr + (size_t)i * es, old + (size_t)i * 128, 128);
		put32(hdr(&d, 1) + 80, n);
		put32(hdr(&d, 1) + 84, es);
		seal(&d, 1);
		assert_int_equal(parse(&d), VX_OK);
		assert_int_equal(g.source, VX_GPT_PRIMARY);
		expect_parts(sfdisk_want, 4, 1);
		/* a byte in an ignored tail still counts for the CRC */
		arr[es * 3 + 200] ^= 1;
		assert_int_equal(parse(&d), VX_OK);
		assert_int_equal(g.why, VX_GPT_ARRAY_CRC);
		assert_int_equal(g.source, VX_GPT_BACKUP);
	}
}

static void test_too_many_partitions(void **state)
{
	(void)state;
	/* 129 one-block partitions from FirstUsableLBA on, which moves to 40
	 * to make room for 129 entries */
	for (uint32_t i = 0; i < 129; i++) {
		uint8_t *e = entry(&d, 1, i);
		memcpy(e, entry(&d, 1, 0), 128);
		put64(e + 32, 40 + i);
		put64(e + 40, 40 + i);
	}
	put64(hdr(&d, 1) + 40, 40);
	put32(hdr(&d, 1) + 80, 129);
	seal(&d, 1);
	assert_int_equal(parse(&d), VX_E_TOOBIG);
	assert_int_equal(g.why, VX_GPT_PART_TOO_MANY);
	assert_int_equal(g.nparts, VX_GPT_MAX_PARTS);
	/* 128 is fine */
	put32(hdr(&d, 1) + 80, 128);
	seal(&d, 1);
	assert_int_equal(parse(&d), VX_OK);
	assert_int_equal(g.nparts, 128);
	assert_int_equal(g.part[127].index, 127);
	assert_int_equal(g.part[127].first_lba, 40 + 127);
}

/* An MBR partition entry. */
static void mbr_entry(int slot, uint8_t type, uint32_t start, uint32_t size)
{
	uint8_t *e = d.data + 446 + 16 * slot;

	memset(e, 0, 16);
	e[4] = type;
	put32(e + 8, start);
	put32(e + 12, size);
}

static void test_mbr_not_protective(void **state)
{
	(void)state;
	mbr_entry(0, 0x83, 2048, 4096); /* a Linux MBR partition, no 0xEE */
	assert_int_equal(parse(&d), VX_E_NOTFOUND);
	assert_int_equal(g.why, VX_GPT_MBR_NOT_PROTECTIVE);
	mbr_entry(0, 0, 0, 0);
	assert_int_equal(parse(&d), VX_E_NOTFOUND);
	assert_int_equal(g.why, VX_GPT_MBR_NOT_PROTECTIVE);
	d.data[510] = 0;
	assert_int_equal(parse(&d), VX_E_NOTFOUND);
	assert_int_equal(g.why, VX_GPT_MBR_SIGNATURE);
}

static void test_mbr_hybrid(void **state)
{
	(void)state;
	mbr_entry(1, 0x0c, 2048, 2048); /* FAT32 beside the 0xEE entry */
	assert_int_equal(parse(&d), VX_E_TYPE);
	assert_int_equal(g.why, VX_GPT_MBR_HYBRID);
	mbr_entry(1, 0xee, 1, 100); /* a second 0xEE entry */
	assert_int_equal(parse(&d), VX_E_TYPE);
	assert_int_equal(g.why, VX_GPT_MBR_HYBRID);
}

static void test_mbr_protective_range(void **state)
{
	(void)state;
	mbr_entry(0, 0xee, 1, (uint32_t)d.n - 2); /* one block short */
	assert_int_equal(parse(&d), VX_E_CORRUPT);
	assert_int_equal(g.why, VX_GPT_MBR_RANGE);
	mbr_entry(0, 0xee, 0, (uint32_t)d.n - 1);
	assert_int_equal(parse(&d), VX_E_CORRUPT);
	assert_int_equal(g.why, VX_GPT_MBR_RANGE);
	mbr_entry(0, 0xee, 1, 0xffffffffu); /* "all of it", as some tools write */
	assert_int_equal(parse(&d), VX_OK);
	mbr_entry(3, 0xee, 1, (uint32_t)d.n - 1); /* any slot */
	mbr_entry(0, 0, 0, 0);
	assert_int_equal(parse(&d), VX_OK);
}

/* One header field at a time, in the primary only: each is named, and the
 * backup serves. */
static void test_header_fields(void **state)
{
	static const struct {
		uint32_t off, width;
		uint64_t value;
		uint32_t why;
	} c[] = {
	    {0, 8, 0x5452415020494646ull, VX_GPT_HDR_SIGNATURE},
	    {8, 4, 0x00020000u, VX_GPT_HDR_REVISION},
	    {12, 4, 91, VX_GPT_HDR_SIZE},
	    {12, 4, 513, VX_GPT_HDR_SIZE},
	    {24, 8, 2, VX_GPT_HDR_MY_LBA},
	    {32, 8, 16350, VX_GPT_HDR_ALTERNATE_LBA},
	    {32, 8, 16384, VX_GPT_HDR_ALTERNATE_LBA},
	    {40, 8, 16351, VX_GPT_HDR_USABLE},
	    {40, 8, 1, VX_GPT_HDR_USABLE},
	    {48, 8, 16382, VX_GPT_HDR_USABLE},
	    {48, 8, UINT64_MAX, VX_GPT_HDR_USABLE},
	    {72, 8, 1, VX_GPT_HDR_ARRAY_LBA},
	    {72, 8, 3, VX_GPT_HDR_ARRAY_LBA},
	    {72, 8, UINT64_MAX, VX_GPT_HDR_ARRAY_LBA},
	};
	static uint8_t good[512];

	(void)state;
	memcpy(good, hdr(&d, 1), 512);
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		memcpy(hdr(&d, 1), good, 512);
		if (c[i].width == 8)
			put64(hdr(&d, 1) + c[i].off, c[i].value);
		else
			put32(hdr(&d, 1) + c[i].off, (uint32_t)c[i].value);
		if (c[i].off != 12 || c[i].value <= 512)
			seal_hdr(&d, 1);
		assert_int_equal(parse(&d), VX_OK);
		assert_int_equal(g.source, VX_GPT_BACKUP);
		assert_int_equal(g.why, c[i].why);
	}
	/* a larger header, its CRC over HeaderSize bytes, and a minor revision */
	memcpy(hdr(&d, 1), good, 512);
	put32(hdr(&d, 1) + 12, 512);
	put32(hdr(&d, 1) + 8, 0x00010003u);
	seal_hdr(&d, 1);
	assert_int_equal(parse(&d), VX_OK);
	assert_int_equal(g.source, VX_GPT_PRIMARY);
	/* the backup's own rules: AlternateLBA 1, the array after usable space */
	put64(hdr(&d, d.n - 1) + 32, 2);
	seal_hdr(&d, d.n - 1);
	assert_int_equal(parse(&d), VX_OK);
	assert_int_equal(g.backup_why, VX_GPT_HDR_ALTERNATE_LBA);
	put64(hdr(&d, d.n - 1) + 32, 1);
	put64(hdr(&d, d.n - 1) + 72, 16350);
	seal_hdr(&d, d.n - 1);
	assert_int_equal(parse(&d), VX_OK);
	assert_int_equal(g.backup_why, VX_GPT_HDR_ARRAY_LBA);
	put64(hdr(&d, d.n - 1) + 72, 16352); /* runs into the header */
	seal_hdr(&d, d.n - 1);
	assert_int_equal(parse(&d), VX_OK);
	assert_int_equal(g.backup_why, VX_GPT_HDR_ARRAY_LBA);
}

static void test_read_errors(void **state)
{
	(void)state;
	d.fail_lba = 0;
	assert_int_equal(parse(&d), VX_E_FAULT);
	assert_int_equal(g.why, VX_GPT_READ);
	/* a bad sector in the primary is what the backup is for */
	d.fail_lba = 1;
	assert_int_equal(parse(&d), VX_OK);
	assert_int_equal(g.source, VX_GPT_BACKUP);
	assert_int_equal(g.why, VX_GPT_READ);
	expect_parts(sfdisk_want, 4, 1);
	d.fail_lba = 5; /* in the primary array */
	assert_int_equal(parse(&d), VX_OK);
	assert_int_equal(g.source, VX_GPT_BACKUP);
	assert_int_equal(g.why, VX_GPT_READ);
	/* the backup unreadable beside a good primary: reported only */
	d.fail_lba = d.n - 1;
	assert_int_equal(parse(&d), VX_OK);
	assert_int_equal(g.source, VX_GPT_PRIMARY);
	assert_int_equal(g.why, VX_GPT_OK);
	assert_int_equal(g.backup_why, VX_GPT_READ);
	expect_parts(sfdisk_want, 4, 1);
	/* unreadable primary, bad backup: the primary's error */
	d.fail_lba = 1;
	hdr(&d, d.n - 1)[0] = 'X';
	assert_int_equal(parse(&d), VX_E_FAULT);
	assert_int_equal(g.why, VX_GPT_READ);
	assert_int_equal(g.backup_why, VX_GPT_HDR_SIGNATURE);
	/* bad primary, unreadable backup: the backup's error */
	d.fail_lba = d.n - 1;
	hdr(&d, 1)[0] = 'X';
	assert_int_equal(parse(&d), VX_E_FAULT);
	assert_int_equal(g.why, VX_GPT_HDR_SIGNATURE);
	assert_int_equal(g.backup_why, VX_GPT_READ);
}

static void test_bad_arguments(void **state)
{
	(void)state;
	assert_int_equal(vx_gpt_parse(disk_read, &d, 1024, d.n, &g), VX_E_INVAL);
	assert_int_equal(g.why, VX_GPT_ARGS);
	assert_int_equal(vx_gpt_parse(disk_read, &d, 0, d.n, &g), VX_E_INVAL);
	assert_int_equal(vx_gpt_parse(disk_read, &d, 512, VX_GPT_MIN_BLOCKS - 1, &g), VX_E_INVAL);
	assert_int_equal(vx_gpt_parse(NULL, &d, 512, d.n, &g), VX_E_INVAL);
	assert_int_equal(vx_gpt_parse(disk_read, &d, 512, d.n, NULL), VX_E_INVAL);
	/* the disk said to be smaller than the table: the backup is not at
	 * the last block, and the primary's usable space runs off the end */
	assert_int_equal(vx_gpt_parse(disk_read, &d, 512, 8192, &g), VX_E_CORRUPT);
	assert_int_equal(g.why, VX_GPT_MBR_RANGE);
	assert_string_equal(vx_gpt_why_name(VX_GPT_WHY_COUNT), "?");
	assert_string_equal(vx_gpt_why_name(VX_GPT_PART_OVERLAP), "part-overlap");
}

/* ------------------------------------------------------------------ names */

static void test_utf16_names(void **state)
{
	/* "A", U+00E9, U+2603, U+1F600 (a pair), a lone high surrogate, "z" */
	static const uint8_t s[] = {0x41, 0,	0xe9, 0,    0x03, 0x26, 0x3d, 0xd8, 0x00,
				    0xde, 0x00, 0xd8, 0x7a, 0,	  0,	0,    0x42, 0};
	char out[VX_GPT_NAME_BYTES];
	uint8_t full[72];

	(void)state;
	assert_int_equal(vx_utf16le_to_utf8(s, 9, out, sizeof(out)), 14);
	assert_string_equal(out, "A\xc3\xa9\xe2\x98\x83\xf0\x9f\x98\x80\xef\xbf\xbdz");
	/* a lone low surrogate, and a high one as the last unit */
	static const uint8_t lo[] = {0x00, 0xdc, 0x3d, 0xd8};
	assert_int_equal(vx_utf16le_to_utf8(lo, 2, out, sizeof(out)), 6);
	assert_string_equal(out, "\xef\xbf\xbd\xef\xbf\xbd");
	/* what does not fit ends the string, whole characters only */
	assert_int_equal(vx_utf16le_to_utf8(s, 9, out, 4), 3);
	assert_string_equal(out, "A\xc3\xa9");
	assert_int_equal(vx_utf16le_to_utf8(s, 9, out, 1), 0);
	assert_string_equal(out, "");
	/* 36 three-byte characters fill VX_GPT_NAME_BYTES exactly */
	for (int i = 0; i < 36; i++) {
		full[2 * i] = 0x03;
		full[2 * i + 1] = 0x26;
	}
	assert_int_equal(vx_utf16le_to_utf8(full, 36, out, sizeof(out)), 108);
	/* in a partition entry too */
	memcpy(entry(&d, 1, 0) + 56, full, 72);
	seal(&d, 1);
	assert_int_equal(parse(&d), VX_OK);
	assert_int_equal(strlen(g.part[0].name), 108);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_crc32_vectors),
	    cmocka_unit_test(test_crc32_against_zlib),
	    cmocka_unit_test(test_sfdisk_image),
	    cmocka_unit_test(test_sgdisk_image),
	    cmocka_unit_test(test_4096_byte_blocks),
	    cmocka_unit_test_setup_teardown(test_bad_primary_crc_uses_backup, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_both_headers_bad, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_backup_is_reported, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_array_crc_wrong, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_overlapping_partitions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_partition_beyond_last_usable, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_partition_reversed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_entry_size_not_128_times_power_of_two, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_absurd_entry_count, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_larger_entries, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_too_many_partitions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_mbr_not_protective, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_mbr_hybrid, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_mbr_protective_range, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_header_fields, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_read_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_utf16_names, setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
