/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Bundle: the manifest of a Task's whole authority, built by its parent.
 *
 * The parent retypes a Bundle object, adds named slots with
 * VX_SYS_BUNDLE_ADD(bundle, name, name_len, h, rights) and passes it to
 * VX_SYS_TASK_START.  At start the kernel moves each slot's capability into
 * the child's handle table, fills in the child-side handle, and maps the
 * Bundle page read-only at VX_BUNDLE_VADDR in the child.  The child's first
 * argument register (rdi) holds that address.  There are no other
 * entitlements: a child that was not given a capability in its Bundle has no
 * way to name it.  No slot has a hidden meaning; names are the only keys.
 *
 * Names: 1..VX_BUNDLE_NAME_MAX-1 bytes from [a-z0-9_.-], NUL-terminated and
 * NUL-padded, unique within the Bundle.  A name outside that alphabet or
 * length, or a duplicate, gets VX_E_INVAL / VX_E_EXISTS at VX_SYS_BUNDLE_ADD.
 */
#ifndef VECTRA_BUNDLE_H
#define VECTRA_BUNDLE_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#define VX_BUNDLE_MAGIC	   0x444e4256u /* "VBND" */
#define VX_BUNDLE_VERSION  1u
#define VX_BUNDLE_NAME_MAX 32u
#define VX_BUNDLE_SLOTS	   63u

/* The name alphabet, defined here once: every check of a Bundle name (the
 * kernel's at VX_SYS_BUNDLE_ADD, lib/rt's of a Bundle page, init's of a
 * manifest) asks this. */
static inline bool vx_bundle_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

struct vx_bundle_entry {
	char name[VX_BUNDLE_NAME_MAX];
	uint32_t type;	 /* enum vx_obj_type */
	uint32_t rights; /* VX_R_* actually held */
	uint32_t handle; /* handle in the child's own table */
	uint32_t reserved;
	uint64_t narrow; /* as vx_cap_info.narrow */
	uint64_t size;	 /* as vx_cap_info.size */
};
_Static_assert(sizeof(struct vx_bundle_entry) == 64, "vx_bundle_entry layout");

struct vx_bundle_page {
	uint32_t magic;
	uint32_t version;
	uint32_t count;
	uint32_t reserved;
	uint8_t pad[48];
	struct vx_bundle_entry entry[VX_BUNDLE_SLOTS];
};
_Static_assert(sizeof(struct vx_bundle_page) == 64 + 64 * VX_BUNDLE_SLOTS, "bundle page layout");
_Static_assert(sizeof(struct vx_bundle_page) <= 4096, "bundle page fits one page");

#endif
