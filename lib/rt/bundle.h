/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reading the Bundle page (vectra/bundle.h): a Task's authority, by name.
 *
 * The kernel writes the page and maps it read-only, so in a healthy system it
 * is always valid; the checks here exist because the page is still input
 * to this program and a bug elsewhere must not turn into a wild read.  Every
 * function reads only inside struct vx_bundle_page and treats a page that
 * breaks a rule as VX_E_CORRUPT.
 *
 * Rules: magic VX_BUNDLE_MAGIC, version VX_BUNDLE_VERSION, count <=
 * VX_BUNDLE_SLOTS; each of the first count entries has a name of 1..31
 * bytes from [a-z0-9_.-], NUL-terminated and NUL-padded to 32 bytes.
 * vx_bundle_check also rejects duplicate names; the lookups do not look for
 * duplicates (they return the first match).
 */
#ifndef VX_RT_BUNDLE_H
#define VX_RT_BUNDLE_H

#include <stdint.h>
#include <vectra/abi.h>
#include <vectra/bundle.h>

/* VX_OK if name is 1..31 bytes from the Bundle alphabet; else VX_E_INVAL. */
int vx_bundle_name_check(const char *name);

/* Validates the whole page, duplicates included: VX_OK or VX_E_CORRUPT. */
int vx_bundle_check(const struct vx_bundle_page *b);

/*
 * Looks name up.  type is an enum vx_obj_type, or VX_OBJ_NONE to accept any
 * type.  VX_OK (*out set), VX_E_INVAL (name not a legal Bundle name),
 * VX_E_NOTFOUND, VX_E_TYPE (found, different type), VX_E_CORRUPT.
 */
int vx_bundle_find(const struct vx_bundle_page *b, const char *name, uint32_t type,
		   const struct vx_bundle_entry **out);

/* Like vx_bundle_find but returns the handle (> 0) or a negative error;
 * VX_E_REVOKED for a slot the kernel emptied (its capability was revoked
 * or its object destroyed before the Task started: handle VX_NO_HANDLE). */
int64_t vx_bundle_handle(const struct vx_bundle_page *b, const char *name, uint32_t type);

/*
 * Pure encoder for host tests and tools: zeroes e and fills it in.
 * VX_E_INVAL if name is not a legal Bundle name.
 */
int vx_bundle_encode_entry(struct vx_bundle_entry *e, const char *name, uint32_t type,
			   uint32_t rights, vx_handle_t handle, uint64_t narrow, uint64_t size);

/* Pure encoder: an empty, valid page (magic, version, count 0, zeroes). */
void vx_bundle_init_page(struct vx_bundle_page *b);

#endif
