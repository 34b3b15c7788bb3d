/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the path checker (rt/path.h).  For any input:
 * vx_path_check accepts exactly the paths that vx_path_next walks to the
 * end (within the length limit), the components put back together give the
 * path again and each is a legal name; and vx_path_split_volume of the input
 * as a string agrees with checking its two halves separately.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rt/path.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			__builtin_trap();                                                          \
	} while (0)

/* Walks p[0..len) and checks it against vx_path_check's verdict rc. */
static void walk(const char *p, size_t len, int rc)
{
	char comp[VX_PATH_NAME_MAX + 1], again[VX_PATH_MAX + 2];
	size_t pos = 0, out = 0;
	int n;

	if (len > 0 && p[0] == '/')
		again[out++] = '/';
	while ((n = vx_path_next(p, len, &pos, comp, sizeof(comp))) > 0) {
		CHECK((size_t)n == strlen(comp) && n <= (int)VX_PATH_NAME_MAX);
		CHECK(strchr(comp, '/') == NULL);
		CHECK(strcmp(comp, ".") != 0 && strcmp(comp, "..") != 0);
		CHECK(vx_path_check(comp, (size_t)n) == VX_OK);
		CHECK(pos <= len);
		if (out + (size_t)n + 1 < sizeof(again)) {
			if (out > 0 && again[out - 1] != '/')
				again[out++] = '/';
			memcpy(again + out, comp, (size_t)n);
			out += (size_t)n;
		}
	}
	CHECK(n == 0 || n == VX_E_INVAL);
	if (len > VX_PATH_MAX) {
		CHECK(rc == VX_E_TOOBIG);
		return;
	}
	CHECK((rc == VX_OK) == (n == 0));
	if (rc == VX_OK) {
		CHECK(pos == len || len == 0);
		CHECK(out == len && memcmp(again, p, len) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char name[VX_PATH_FULL_MAX + 64], vol[VX_PATH_NAME_MAX + 1];
	const char *rest = NULL;
	int rc = vx_path_check((const char *)data, size);

	CHECK(rc == VX_OK || rc == VX_E_INVAL || rc == VX_E_TOOBIG);
	walk((const char *)data, size, rc);

	/* The same bytes as a full name, cut at the first NUL. */
	size_t n = size < sizeof(name) - 1 ? size : sizeof(name) - 1;
	memcpy(name, data, n);
	name[n] = '\0';
	rc = vx_path_split_volume(name, vol, sizeof(vol), &rest);
	CHECK(rc == VX_OK || rc == VX_E_INVAL || rc == VX_E_TOOBIG);
	if (rc != VX_OK) {
		CHECK(rest == NULL && vol[0] == '\0');
		return 0;
	}
	size_t v = strlen(vol);
	CHECK(v >= 1 && v <= VX_PATH_NAME_MAX && name[v] == ':' && memcmp(name, vol, v) == 0);
	CHECK(rest == name + v + 1);
	CHECK(vx_path_check(rest, strlen(rest)) == VX_OK);
	return 0;
}
