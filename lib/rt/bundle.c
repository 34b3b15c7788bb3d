/* SPDX-License-Identifier: BSD-3-Clause */
/* Bundle page validation and lookup by name (see rt/bundle.h). */
#include "rt/bundle.h"
#include "vx_string.h"

int vx_bundle_name_check(const char *name)
{
	size_t n;

	if (!name)
		return VX_E_INVAL;
	n = 0;
	while (n < VX_BUNDLE_NAME_MAX && name[n] != '\0')
		n++;
	if (n == 0 || n >= VX_BUNDLE_NAME_MAX)
		return VX_E_INVAL;
	for (size_t i = 0; i < n; i++) {
		if (!vx_bundle_name_char(name[i]))
			return VX_E_INVAL;
	}
	return VX_OK;
}

/* Checks one stored name: legal bytes, NUL-terminated, NUL-padded. */
static int entry_name_ok(const struct vx_bundle_entry *e)
{
	size_t n = 0;

	while (n < VX_BUNDLE_NAME_MAX && e->name[n] != '\0') {
		if (!vx_bundle_name_char(e->name[n]))
			return 0;
		n++;
	}
	if (n == 0 || n == VX_BUNDLE_NAME_MAX)
		return 0;
	for (size_t i = n; i < VX_BUNDLE_NAME_MAX; i++) {
		if (e->name[i] != '\0')
			return 0;
	}
	return 1;
}

/* Checks the header and every used entry's name; not duplicates. */
static int shallow_check(const struct vx_bundle_page *b)
{
	if (!b || b->magic != VX_BUNDLE_MAGIC || b->version != VX_BUNDLE_VERSION ||
	    b->count > VX_BUNDLE_SLOTS)
		return VX_E_CORRUPT;
	for (uint32_t i = 0; i < b->count; i++) {
		if (!entry_name_ok(&b->entry[i]))
			return VX_E_CORRUPT;
	}
	return VX_OK;
}

int vx_bundle_check(const struct vx_bundle_page *b)
{
	int rc = shallow_check(b);

	if (rc != VX_OK)
		return rc;
	for (uint32_t i = 0; i < b->count; i++) {
		for (uint32_t j = i + 1; j < b->count; j++) {
			if (memcmp(b->entry[i].name, b->entry[j].name, VX_BUNDLE_NAME_MAX) == 0)
				return VX_E_CORRUPT;
		}
	}
	return VX_OK;
}

int vx_bundle_find(const struct vx_bundle_page *b, const char *name, uint32_t type,
		   const struct vx_bundle_entry **out)
{
	size_t n;
	int rc;

	if (vx_bundle_name_check(name) != VX_OK)
		return VX_E_INVAL;
	rc = shallow_check(b);
	if (rc != VX_OK)
		return rc;
	n = strlen(name) + 1; /* compare the NUL too */
	for (uint32_t i = 0; i < b->count; i++) {
		const struct vx_bundle_entry *e = &b->entry[i];

		if (memcmp(e->name, name, n) != 0)
			continue;
		if (type != VX_OBJ_NONE && e->type != type)
			return VX_E_TYPE;
		if (out)
			*out = e;
		return VX_OK;
	}
	return VX_E_NOTFOUND;
}

int64_t vx_bundle_handle(const struct vx_bundle_page *b, const char *name, uint32_t type)
{
	const struct vx_bundle_entry *e;
	int rc = vx_bundle_find(b, name, type, &e);

	if (rc != VX_OK)
		return rc;
	if (e->handle == VX_NO_HANDLE)
		return VX_E_REVOKED;
	return (int64_t)e->handle;
}

int vx_bundle_encode_entry(struct vx_bundle_entry *e, const char *name, uint32_t type,
			   uint32_t rights, vx_handle_t handle, uint64_t narrow, uint64_t size)
{
	if (vx_bundle_name_check(name) != VX_OK)
		return VX_E_INVAL;
	memset(e, 0, sizeof(*e));
	memcpy(e->name, name, strlen(name));
	e->type = type;
	e->rights = rights;
	e->handle = handle;
	e->narrow = narrow;
	e->size = size;
	return VX_OK;
}

void vx_bundle_init_page(struct vx_bundle_page *b)
{
	memset(b, 0, sizeof(*b));
	b->magic = VX_BUNDLE_MAGIC;
	b->version = VX_BUNDLE_VERSION;
}
