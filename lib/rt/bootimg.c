/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Boot image reader and writer (rules in rt/bootimg.h).  Header and entries
 * are copied out of the image with memcpy before use, so the image may be
 * unaligned; multi-byte fields are little-endian, which is also the only
 * byte order VectraOS and its host tools run on.
 */
#include "rt/bootimg.h"
#include "vx_string.h"

#define HDR_SIZE   sizeof(struct vx_bootimg_hdr)
#define ENTRY_SIZE sizeof(struct vx_bootimg_entry)

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "boot image is little-endian");

/* Copies entry i out of the image; the caller has checked the table bounds. */
static void load_entry(const uint8_t *p, uint32_t i, struct vx_bootimg_entry *e)
{
	memcpy(e, p + HDR_SIZE + (size_t)i * ENTRY_SIZE, ENTRY_SIZE);
}

/* Length of a stored name, or VX_BOOTIMG_NAME_MAX if it has no NUL. */
static size_t name_len(const char *name)
{
	size_t n = 0;

	while (n < VX_BOOTIMG_NAME_MAX && name[n] != '\0')
		n++;
	return n;
}

/* Checks one entry's name and extent against total_size. */
static int entry_ok(const struct vx_bootimg_entry *e, uint64_t table_end, uint64_t total)
{
	size_t n = name_len(e->name);

	if (n == 0 || n == VX_BOOTIMG_NAME_MAX)
		return 0;
	if (e->offset % VX_BOOTIMG_ALIGN != 0 || e->offset < table_end)
		return 0;
	if (e->offset > total || e->size > total - e->offset)
		return 0;
	return 1;
}

/* True if any two of the count entries share a name (names already checked). */
static int has_duplicates(const uint8_t *p, uint32_t count)
{
	struct vx_bootimg_entry a, b;

	for (uint32_t i = 0; i < count; i++) {
		load_entry(p, i, &a);
		for (uint32_t j = i + 1; j < count; j++) {
			load_entry(p, j, &b);
			if (strcmp(a.name, b.name) == 0)
				return 1;
		}
	}
	return 0;
}

int vx_bootimg_check(const void *img, size_t len)
{
	const uint8_t *p = img;
	struct vx_bootimg_hdr h;
	struct vx_bootimg_entry e;
	uint64_t table_end;

	if (!img || len < HDR_SIZE)
		return VX_E_CORRUPT;
	memcpy(&h, p, HDR_SIZE);
	if (h.magic != VX_BOOTIMG_MAGIC || h.version != VX_BOOTIMG_VERSION ||
	    h.count > VX_BOOTIMG_MAX_FILES || h.total_size > len)
		return VX_E_CORRUPT;
	table_end = HDR_SIZE + (uint64_t)h.count * ENTRY_SIZE;
	if (table_end > h.total_size)
		return VX_E_CORRUPT;
	for (uint32_t i = 0; i < h.count; i++) {
		load_entry(p, i, &e);
		if (!entry_ok(&e, table_end, h.total_size))
			return VX_E_CORRUPT;
	}
	return has_duplicates(p, h.count) ? VX_E_CORRUPT : VX_OK;
}

int vx_bootimg_count(const void *img, size_t len)
{
	struct vx_bootimg_hdr h;
	int rc = vx_bootimg_check(img, len);

	if (rc != VX_OK)
		return rc;
	memcpy(&h, img, HDR_SIZE);
	return (int)h.count;
}

int vx_bootimg_entry(const void *img, size_t len, uint32_t idx, char *name, const void **data,
		     size_t *size)
{
	struct vx_bootimg_entry e;
	int count = vx_bootimg_count(img, len);

	if (count < 0)
		return count;
	if (idx >= (uint32_t)count)
		return VX_E_NOTFOUND;
	load_entry(img, idx, &e);
	if (name)
		memcpy(name, e.name, VX_BOOTIMG_NAME_MAX);
	if (data)
		*data = (const uint8_t *)img + e.offset;
	if (size)
		*size = (size_t)e.size;
	return VX_OK;
}

/* True if name is a legal file name: 1..VX_BOOTIMG_NAME_MAX-1 bytes. */
static int legal_name(const char *name)
{
	size_t n;

	if (!name)
		return 0;
	n = name_len(name);
	return n > 0 && n < VX_BOOTIMG_NAME_MAX;
}

int vx_bootimg_find(const void *img, size_t len, const char *name, const void **data, size_t *size)
{
	struct vx_bootimg_entry e;
	int count;

	if (!legal_name(name))
		return VX_E_INVAL;
	count = vx_bootimg_count(img, len);
	if (count < 0)
		return count;
	for (uint32_t i = 0; i < (uint32_t)count; i++) {
		load_entry(img, i, &e);
		if (strcmp(e.name, name) != 0)
			continue;
		if (data)
			*data = (const uint8_t *)img + e.offset;
		if (size)
			*size = (size_t)e.size;
		return VX_OK;
	}
	return VX_E_NOTFOUND;
}

/* Rounds x up to the boot image alignment; returns 0 on overflow. */
static uint64_t align_up(uint64_t x)
{
	uint64_t r = (x + VX_BOOTIMG_ALIGN - 1) & ~(uint64_t)(VX_BOOTIMG_ALIGN - 1);

	return r < x ? 0 : r;
}

/* Checks the writer's inputs: count, names (legal, unique). */
static int files_ok(const struct vx_bootimg_file *files, uint32_t n)
{
	if (n > VX_BOOTIMG_MAX_FILES || (n > 0 && !files))
		return 0;
	for (uint32_t i = 0; i < n; i++) {
		if (!legal_name(files[i].name) || (files[i].size > 0 && !files[i].data))
			return 0;
		for (uint32_t j = 0; j < i; j++) {
			if (strcmp(files[i].name, files[j].name) == 0)
				return 0;
		}
	}
	return 1;
}

/*
 * Lays the files out: file i at offsets[i] (if offsets is not NULL).
 * Returns the total size, or 0 if it overflows.  The last file is not
 * padded: total_size ends with its last byte.
 */
static uint64_t layout(const struct vx_bootimg_file *files, uint32_t n, uint64_t *offsets)
{
	uint64_t at = HDR_SIZE + (uint64_t)n * ENTRY_SIZE;

	for (uint32_t i = 0; i < n; i++) {
		at = align_up(at);
		if (at == 0 || files[i].size > UINT64_MAX - at)
			return 0;
		if (offsets)
			offsets[i] = at;
		at += files[i].size;
	}
	return at;
}

size_t vx_bootimg_size(const struct vx_bootimg_file *files, uint32_t n)
{
	uint64_t total;

	if (!files_ok(files, n))
		return 0;
	total = layout(files, n, NULL);
	return total > SIZE_MAX ? 0 : (size_t)total;
}

int64_t vx_bootimg_build(void *out, size_t cap, const struct vx_bootimg_file *files, uint32_t n)
{
	uint64_t offsets[VX_BOOTIMG_MAX_FILES];
	struct vx_bootimg_hdr h;
	uint8_t *p = out;
	size_t total = vx_bootimg_size(files, n);

	if (total == 0)
		return VX_E_INVAL;
	if (!out || cap < total)
		return VX_E_TOOBIG;
	layout(files, n, offsets);
	memset(p, 0, total);
	memset(&h, 0, sizeof(h));
	h.magic = VX_BOOTIMG_MAGIC;
	h.version = VX_BOOTIMG_VERSION;
	h.count = n;
	h.total_size = total;
	memcpy(p, &h, HDR_SIZE);
	for (uint32_t i = 0; i < n; i++) {
		struct vx_bootimg_entry e;

		memset(&e, 0, sizeof(e));
		memcpy(e.name, files[i].name, name_len(files[i].name));
		e.offset = offsets[i];
		e.size = files[i].size;
		memcpy(p + HDR_SIZE + (size_t)i * ENTRY_SIZE, &e, ENTRY_SIZE);
		if (files[i].size)
			memcpy(p + offsets[i], files[i].data, files[i].size);
	}
	return (int64_t)total;
}
