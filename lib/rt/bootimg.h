/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Boot image reader and writer (format: vectra/bootimg.h).
 *
 * The reader trusts nothing in the image.  Every entry point validates the
 * whole archive first and reads only img[0..len) (img needs no alignment):
 *
 *   len >= header; magic VX_BOOTIMG_MAGIC; version VX_BOOTIMG_VERSION;
 *   count <= VX_BOOTIMG_MAX_FILES; header + entry table <= total_size <= len;
 *   every entry: offset % VX_BOOTIMG_ALIGN == 0, offset >= end of the entry
 *   table, offset + size <= total_size without wrapping; name NUL-terminated
 *   within VX_BOOTIMG_NAME_MAX bytes, non-empty, and unique.
 *
 * Anything else is VX_E_CORRUPT.  Data pointers handed out point into img
 * and stay inside img[0..total_size).  Files may overlap or share bytes; the
 * format does not forbid it and a reader never writes.
 */
#ifndef VX_RT_BOOTIMG_H
#define VX_RT_BOOTIMG_H

#include <stddef.h>
#include <stdint.h>
#include <vectra/abi.h>
#include <vectra/bootimg.h>

/* VX_OK if img[0..len) is a valid boot image, else VX_E_CORRUPT. */
int vx_bootimg_check(const void *img, size_t len);

/* Number of files (>= 0), or VX_E_CORRUPT. */
int vx_bootimg_count(const void *img, size_t len);

/*
 * Entry idx: its name (copied, NUL-terminated, into name[VX_BOOTIMG_NAME_MAX]
 * if name is not NULL), data and size.  VX_OK, VX_E_NOTFOUND (idx >= count),
 * VX_E_CORRUPT.
 */
int vx_bootimg_entry(const void *img, size_t len, uint32_t idx, char *name, const void **data,
		     size_t *size);

/* Looks a file up by name: VX_OK, VX_E_NOTFOUND, VX_E_INVAL (bad name), VX_E_CORRUPT. */
int vx_bootimg_find(const void *img, size_t len, const char *name, const void **data, size_t *size);

/* One input file for vx_bootimg_build. */
struct vx_bootimg_file {
	const char *name; /* 1..VX_BOOTIMG_NAME_MAX-1 bytes, unique */
	const void *data;
	size_t size;
};

/*
 * Bytes vx_bootimg_build needs for these files (0 if they are invalid: bad
 * count, bad or duplicate name, sizes that overflow).
 */
size_t vx_bootimg_size(const struct vx_bootimg_file *files, uint32_t n);

/*
 * Writes an image of the n files to out (cap bytes).  Each file starts on a
 * VX_BOOTIMG_ALIGN boundary; gaps are zero.  Returns the image length
 * (> 0), or VX_E_INVAL (bad files) or VX_E_TOOBIG (cap too small).
 */
int64_t vx_bootimg_build(void *out, size_t cap, const struct vx_bootimg_file *files, uint32_t n);

#endif
