/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The boot image: a flat archive of named files that travels as a boot
 * module.  tools/mkbootimg writes it; init reads it through a read-only MemCap.
 * The kernel never parses it.
 *
 *     struct vx_bootimg_hdr
 *     struct vx_bootimg_entry entry[count]
 *     file data, each file starting on a VX_BOOTIMG_ALIGN boundary
 *
 * All integers are little-endian.  A reader must check: the magic and
 * version; count <= VX_BOOTIMG_MAX_FILES; total_size <= the bytes it holds;
 * every entry's offset + size inside total_size without wrapping, offset
 * aligned and past the entry table; names NUL-terminated, non-empty and
 * unique.  Anything else is VX_E_CORRUPT.
 */
#ifndef VECTRA_BOOTIMG_H
#define VECTRA_BOOTIMG_H

#include <stdint.h>

#define VX_BOOTIMG_MAGIC     0x474d4942544f4f42ull /* "BOOTBIMG" */
#define VX_BOOTIMG_VERSION   1u
#define VX_BOOTIMG_MAX_FILES 64u
#define VX_BOOTIMG_NAME_MAX  48u
#define VX_BOOTIMG_ALIGN     4096u

struct vx_bootimg_hdr {
	uint64_t magic;
	uint32_t version;
	uint32_t count;
	uint64_t total_size;
	uint64_t reserved;
};
_Static_assert(sizeof(struct vx_bootimg_hdr) == 32, "bootimg header layout");

struct vx_bootimg_entry {
	char name[VX_BOOTIMG_NAME_MAX];
	uint64_t offset;
	uint64_t size;
};
_Static_assert(sizeof(struct vx_bootimg_entry) == 64, "bootimg entry layout");

#endif
