/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GPT parsing; the rules and the errors are in gpt.h.  The order of work:
 * the protective MBR (LBA 0), the primary header (LBA 1) and its entry
 * array, streamed one block at a time through the CRC and the entry
 * decoder; if either is bad, the same for the backup (last LBA); then the
 * partitions of the copy in use.
 */
#include "blk/gpt.h"

#include <vx_string.h>

#include "blk/crc32.h"

#define GPT_SIGNATURE  0x5452415020494645ull /* "EFI PART", little endian */
#define GPT_HDR_MIN    92u		     /* HeaderSize of revision 1.0 */
#define GPT_ENTRY_MIN  128u		     /* the fields we read lie in these */
#define MBR_BOOT_SIG   510u
#define MBR_PARTS      446u
#define MBR_PROTECTIVE 0xeeu

/* A header's fields after its own checks (little endian decoded). */
struct gpt_hdr {
	uint64_t my_lba, alt_lba;
	uint64_t first_usable, last_usable;
	uint64_t entry_lba;
	uint32_t nentries, entry_size;
	uint32_t array_crc;
	uint64_t array_blocks;
	struct vx_gpt_guid disk_guid;
};

/* Little-endian loads from any alignment. */
static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* Reads block lba into g->io.  Returns VX_OK or the callback's error (a
 * callback that returns > 0 is taken as success). */
static int read_block(vx_blk_read_fn read, void *ctx, struct vx_gpt *g, uint64_t lba)
{
	int rc = read(ctx, lba, 1, g->io);

	return rc < 0 ? rc : VX_OK;
}

/* Checks the MBR in g->io (LBA 0) is protective, not hybrid.  Returns
 * VX_OK or the error of gpt.h, with g->why set. */
static int check_mbr(struct vx_gpt *g)
{
	const uint8_t *io = g->io;
	uint64_t want = g->nblocks - 1;
	int found = -1, others = 0;

	if (io[MBR_BOOT_SIG] != 0x55 || io[MBR_BOOT_SIG + 1] != 0xaa) {
		g->why = VX_GPT_MBR_SIGNATURE;
		return VX_E_NOTFOUND;
	}
	for (int i = 0; i < 4; i++) {
		uint8_t type = io[MBR_PARTS + 16 * i + 4];

		if (type == MBR_PROTECTIVE && found < 0)
			found = i;
		else if (type != 0)
			others++;
	}
	if (found < 0) { /* an MBR disk (or an empty one), not a GPT disk */
		g->why = VX_GPT_MBR_NOT_PROTECTIVE;
		return VX_E_NOTFOUND;
	}
	if (others > 0) {
		g->why = VX_GPT_MBR_HYBRID;
		return VX_E_TYPE;
	}
	const uint8_t *e = io + MBR_PARTS + 16 * found;
	uint32_t start = le32(e + 8), size = le32(e + 12);
	if (want > 0xffffffffu)
		want = 0xffffffffu;
	if (start != 1 || (size != want && size != 0xffffffffu)) {
		g->why = VX_GPT_MBR_RANGE;
		return VX_E_CORRUPT;
	}
	return VX_OK;
}

/* Checks the usable range and where the entry array lies, for the copy
 * whose header is at h->my_lba (primary: 1).  Returns a why. */
static uint32_t check_layout(const struct vx_gpt *g, struct gpt_hdr *h)
{
	uint64_t last = g->nblocks - 1;
	uint64_t bytes = (uint64_t)h->nentries * h->entry_size; /* <= ARRAY_MAX */

	if (h->first_usable < 2 || h->first_usable > h->last_usable || h->last_usable >= last - 1)
		return VX_GPT_HDR_USABLE;
	if (h->my_lba == 1 ? (h->alt_lba <= h->last_usable || h->alt_lba > last) : h->alt_lba != 1)
		return VX_GPT_HDR_ALTERNATE_LBA;
	h->array_blocks = (bytes + g->block_size - 1) / g->block_size;
	if (h->my_lba == 1) {
		/* after the header, ending before the first usable block */
		if (h->entry_lba < 2 || h->entry_lba > h->first_usable ||
		    h->array_blocks > h->first_usable - h->entry_lba)
			return VX_GPT_HDR_ARRAY_LBA;
	} else {
		/* after the last usable block, ending before the header */
		if (h->entry_lba <= h->last_usable || h->entry_lba >= h->my_lba ||
		    h->array_blocks > h->my_lba - h->entry_lba)
			return VX_GPT_HDR_ARRAY_LBA;
	}
	return VX_GPT_OK;
}

/* Decodes and checks the header in g->io, read from block lba.  Returns a
 * why; fills *h when VX_GPT_OK. */
static uint32_t check_header(struct vx_gpt *g, uint64_t lba, struct gpt_hdr *h)
{
	uint8_t *io = g->io;
	uint32_t size = le32(io + 12), crc = le32(io + 16), esize;

	if (le64(io) != GPT_SIGNATURE)
		return VX_GPT_HDR_SIGNATURE;
	if (le32(io + 8) >> 16 != 1)
		return VX_GPT_HDR_REVISION;
	if (size < GPT_HDR_MIN || size > g->block_size)
		return VX_GPT_HDR_SIZE;
	memset(io + 16, 0, 4); /* the CRC covers the header with its field 0 */
	if (vx_crc32(0, io, size) != crc)
		return VX_GPT_HDR_CRC;
	h->my_lba = le64(io + 24);
	h->alt_lba = le64(io + 32);
	h->first_usable = le64(io + 40);
	h->last_usable = le64(io + 48);
	memcpy(h->disk_guid.b, io + 56, 16);
	h->entry_lba = le64(io + 72);
	h->nentries = le32(io + 80);
	h->entry_size = esize = le32(io + 84);
	h->array_crc = le32(io + 88);
	if (h->my_lba != lba)
		return VX_GPT_HDR_MY_LBA;
	/* 128 * 2^n: a power of two of at least 128 */
	if (esize < GPT_ENTRY_MIN || (esize & (esize - 1)) != 0)
		return VX_GPT_HDR_ENTRY_SIZE;
	if (h->nentries == 0 || h->nentries > VX_GPT_ARRAY_MAX / esize)
		return VX_GPT_HDR_ENTRY_COUNT;
	return check_layout(g, h);
}

/* Takes the 128 bytes of entry `index` in e: one more partition if its
 * type is not zero.  Counts past VX_GPT_MAX_PARTS without storing. */
static void take_entry(struct vx_gpt *g, const uint8_t *e, uint32_t index, uint32_t *used)
{
	static const struct vx_gpt_guid unused;
	struct vx_gpt_part *p;

	if (memcmp(e, unused.b, 16) == 0)
		return;
	if ((*used)++ >= VX_GPT_MAX_PARTS)
		return;
	p = &g->part[g->nparts++];
	p->index = index;
	memcpy(p->type.b, e, 16);
	memcpy(p->uuid.b, e + 16, 16);
	p->first_lba = le64(e + 32);
	p->last_lba = le64(e + 40);
	p->attributes = le64(e + 48);
	vx_utf16le_to_utf8(e + 56, VX_GPT_NAME_UNITS, p->name, sizeof(p->name));
}

/* Streams the entry array of h through the CRC and, if decode, the entry
 * decoder (into g->part; *used counts entries in use).  Returns VX_OK with
 * *why VX_GPT_OK or VX_GPT_ARRAY_CRC, or the callback's error. */
static int read_array(vx_blk_read_fn read, void *ctx, struct vx_gpt *g, const struct gpt_hdr *h,
		      int decode, uint32_t *used, uint32_t *why)
{
	uint8_t ent[GPT_ENTRY_MIN];
	uint64_t total = (uint64_t)h->nentries * h->entry_size;
	uint64_t pos = 0;
	uint32_t crc = 0;

	for (uint64_t b = 0; b < h->array_blocks; b++) {
		int rc = read_block(read, ctx, g, h->entry_lba + b);
		if (rc < 0)
			return rc;
		uint32_t n = total - pos < g->block_size ? (uint32_t)(total - pos) : g->block_size;
		crc = vx_crc32(crc, g->io, n);
		for (uint32_t i = 0; decode && i < n;) {
			uint32_t in = (uint32_t)((pos + i) % h->entry_size), take;
			if (in >= GPT_ENTRY_MIN) { /* the entry's tail: in the CRC only */
				take = h->entry_size - in < n - i ? h->entry_size - in : n - i;
			} else {
				take = GPT_ENTRY_MIN - in < n - i ? GPT_ENTRY_MIN - in : n - i;
				memcpy(ent + in, g->io + i, take);
				if (in + take == GPT_ENTRY_MIN)
					take_entry(g, ent, (uint32_t)((pos + i) / h->entry_size),
						   used);
			}
			i += take;
		}
		pos += n;
	}
	*why = crc == h->array_crc ? VX_GPT_OK : VX_GPT_ARRAY_CRC;
	return VX_OK;
}

/* Reads and checks one copy: the header at lba and its array (decoded into
 * g if decode).  Returns the copy's fault or VX_GPT_OK; VX_GPT_READ when
 * the callback failed, with its error in *err (else *err is VX_OK). */
static uint32_t check_copy(vx_blk_read_fn read, void *ctx, struct vx_gpt *g, uint64_t lba,
			   int decode, struct gpt_hdr *h, uint32_t *used, int *err)
{
	uint32_t why;

	if ((*err = read_block(read, ctx, g, lba)) < 0)
		return VX_GPT_READ;
	why = check_header(g, lba, h);
	if (why != VX_GPT_OK)
		return why;
	if (decode) {
		g->nparts = 0;
		*used = 0;
	}
	if ((*err = read_array(read, ctx, g, h, decode, used, &why)) < 0)
		return VX_GPT_READ;
	return why;
}

/* Sets the failure of a partition check. */
static int part_fail(struct vx_gpt *g, uint32_t why, uint32_t bad, uint32_t other, int err)
{
	g->why = why;
	g->bad_index = bad;
	g->other_index = other;
	return err;
}

/* Checks the decoded partitions against the header h in use and one
 * another.  Returns VX_OK or the error of gpt.h, with g->why set. */
static int check_parts(struct vx_gpt *g, const struct gpt_hdr *h, uint32_t used)
{
	if (used > VX_GPT_MAX_PARTS)
		return part_fail(g, VX_GPT_PART_TOO_MANY, 0, 0, VX_E_TOOBIG);
	for (uint32_t i = 0; i < g->nparts; i++) {
		const struct vx_gpt_part *p = &g->part[i];
		if (p->last_lba < p->first_lba)
			return part_fail(g, VX_GPT_PART_REVERSED, p->index, 0, VX_E_RANGE);
		if (p->first_lba < h->first_usable || p->last_lba > h->last_usable)
			return part_fail(g, VX_GPT_PART_OUTSIDE, p->index, 0, VX_E_RANGE);
	}
	for (uint32_t i = 0; i < g->nparts; i++)
		for (uint32_t j = i + 1; j < g->nparts; j++) {
			const struct vx_gpt_part *a = &g->part[i], *b = &g->part[j];
			if (a->first_lba <= b->last_lba && b->first_lba <= a->last_lba)
				return part_fail(g, VX_GPT_PART_OVERLAP, b->index, a->index,
						 VX_E_CORRUPT);
		}
	return VX_OK;
}

/* See gpt.h.  The primary is tried first, the backup only if it fails
 * (an unreadable primary included); with a good primary the backup is
 * checked and only reported on. */
int vx_gpt_parse(vx_blk_read_fn read, void *ctx, uint32_t block_size, uint64_t nblocks,
		 struct vx_gpt *g)
{
	struct gpt_hdr h, bh;
	uint32_t used = 0, bused;
	int rc, perr, berr;

	if (g == NULL)
		return VX_E_INVAL;
	memset(g, 0, sizeof(*g));
	g->block_size = block_size;
	g->nblocks = nblocks;
	if (read == NULL || (block_size != 512 && block_size != 4096) ||
	    nblocks < VX_GPT_MIN_BLOCKS) {
		g->why = VX_GPT_ARGS;
		return VX_E_INVAL;
	}
	if ((rc = read_block(read, ctx, g, 0)) < 0) {
		g->why = VX_GPT_READ;
		return rc;
	}
	if ((rc = check_mbr(g)) < 0)
		return rc;
	g->why = check_copy(read, ctx, g, 1, 1, &h, &used, &perr);
	if (g->why == VX_GPT_OK) {
		g->source = VX_GPT_PRIMARY;
		g->backup_why = check_copy(read, ctx, g, nblocks - 1, 0, &bh, &bused, &berr);
	} else {
		g->backup_why = check_copy(read, ctx, g, nblocks - 1, 1, &h, &used, &berr);
		if (g->backup_why != VX_GPT_OK) {
			g->nparts = 0;
			return perr < 0 ? perr : berr < 0 ? berr : VX_E_CORRUPT;
		}
		g->source = VX_GPT_BACKUP;
	}
	g->first_usable = h.first_usable;
	g->last_usable = h.last_usable;
	g->disk_guid = h.disk_guid;
	return check_parts(g, &h, used);
}

/* The names of enum vx_gpt_why, in its order. */
static const char *const why_names[VX_GPT_WHY_COUNT] = {
    "ok",
    "args",
    "read",
    "mbr-signature",
    "mbr-not-protective",
    "mbr-hybrid",
    "mbr-range",
    "hdr-signature",
    "hdr-revision",
    "hdr-size",
    "hdr-crc",
    "hdr-my-lba",
    "hdr-alternate-lba",
    "hdr-usable",
    "hdr-entry-size",
    "hdr-entry-count",
    "hdr-array-lba",
    "array-crc",
    "part-reversed",
    "part-outside",
    "part-overlap",
    "part-too-many",
};

/* Any why; never NULL. */
const char *vx_gpt_why_name(uint32_t why)
{
	return why < VX_GPT_WHY_COUNT ? why_names[why] : "?";
}

/* out holds 37 bytes. */
void vx_gpt_guid_format(const struct vx_gpt_guid *g, char out[37])
{
	/* text order of the bytes: the first three fields are little endian */
	static const uint8_t order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[g->b[order[i]] >> 4];
		out[o++] = hex[g->b[order[i]] & 0xf];
	}
	out[o] = '\0';
}

/* Appends code point c as UTF-8 at out[*o] if it fits with a NUL after it
 * in cap bytes.  Returns 0 when it did not fit. */
static int put_utf8(char *out, size_t cap, size_t *o, uint32_t c)
{
	static const uint8_t lead[5] = {0, 0, 0xc0, 0xe0, 0xf0}; /* by length */
	size_t len = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
	uint8_t *p = (uint8_t *)out + *o;

	if (cap - *o < len + 1)
		return 0;
	if (len == 1) {
		p[0] = (uint8_t)c;
	} else {
		p[0] = (uint8_t)(lead[len] | (c >> (6 * (len - 1))));
		for (size_t k = 1; k < len; k++)
			p[k] = (uint8_t)(0x80u | ((c >> (6 * (len - 1 - k))) & 0x3fu));
	}
	*o += len;
	return 1;
}

/* See gpt.h: cap >= 1; reads at most 2 * n bytes of src. */
size_t vx_utf16le_to_utf8(const uint8_t *src, size_t n, char *out, size_t cap)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		uint32_t c = le16(src + 2 * i);
		if (c == 0)
			break;
		if (c >= 0xd800 && c < 0xdc00 && i + 1 < n && le16(src + 2 * i + 2) >= 0xdc00 &&
		    le16(src + 2 * i + 2) < 0xe000) {
			c = 0x10000u + ((c - 0xd800u) << 10) + (le16(src + 2 * i + 2) - 0xdc00u);
			i++;
		} else if (c >= 0xd800 && c < 0xe000) {
			c = 0xfffdu; /* a surrogate without its partner */
		}
		if (!put_utf8(out, cap, &o, c))
			break;
	}
	out[o] = '\0';
	return o;
}
