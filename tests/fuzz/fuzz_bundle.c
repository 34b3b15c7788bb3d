/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for Bundle lookup.  The input becomes the page (with the
 * header forced valid for odd first bytes, so the fuzzer reaches the
 * entries); lookups must return only entries inside [0, count) whose names
 * match, and a page that passes vx_bundle_check must find each of its names
 * (a slot with handle VX_NO_HANDLE as VX_E_REVOKED).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rt/bundle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			__builtin_trap();                                                          \
	} while (0)

static struct vx_bundle_page page;

/* Looks name up and checks the answer is consistent with the page. */
static void probe(const char *name, uint32_t type)
{
	const struct vx_bundle_entry *e = NULL;
	int rc = vx_bundle_find(&page, name, type, &e);

	if (rc == VX_OK) {
		CHECK(e >= &page.entry[0] && e < &page.entry[page.count]);
		CHECK(strcmp(e->name, name) == 0);
		CHECK(type == VX_OBJ_NONE || e->type == type);
	} else {
		CHECK(rc == VX_E_NOTFOUND || rc == VX_E_TYPE || rc == VX_E_CORRUPT ||
		      rc == VX_E_INVAL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char name[VX_BUNDLE_NAME_MAX];

	memset(&page, 0, sizeof(page));
	memcpy(&page, data, size < sizeof(page) ? size : sizeof(page));
	if (size > 0 && (data[0] & 1)) {
		page.magic = VX_BUNDLE_MAGIC;
		page.version = VX_BUNDLE_VERSION;
		page.count %= VX_BUNDLE_SLOTS + 2; /* now and then one too many */
	}
	probe("console", VX_OBJ_IOPORT);
	probe("ring.fs", VX_OBJ_NONE);
	if (size > sizeof(page)) { /* the tail, if any, is one more name to look up */
		size_t n =
		    size - sizeof(page) < sizeof(name) - 1 ? size - sizeof(page) : sizeof(name) - 1;

		memcpy(name, data + sizeof(page), n);
		name[n] = '\0';
		probe(name, VX_OBJ_NONE);
	}
	if (vx_bundle_check(&page) != VX_OK)
		return 0;
	for (uint32_t i = 0; i < page.count; i++) {
		const struct vx_bundle_entry *e = NULL;

		memcpy(name, page.entry[i].name, sizeof(name));
		CHECK(vx_bundle_find(&page, name, page.entry[i].type, &e) == VX_OK);
		CHECK(e == &page.entry[i]);
		/* A slot the kernel emptied before start reads as VX_E_REVOKED. */
		CHECK(vx_bundle_handle(&page, name, VX_OBJ_NONE) ==
		      (e->handle == VX_NO_HANDLE ? VX_E_REVOKED : (int64_t)e->handle));
	}
	return 0;
}
