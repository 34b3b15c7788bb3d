/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the boot image reader.  An accepted image must hand
 * out only data inside the input, and every listed name must be found again.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rt/bootimg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			__builtin_trap();                                                          \
	} while (0)

/* Reads every byte of a file, so ASan sees any that lie outside the input. */
static void touch(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint8_t x = 0;

	for (size_t i = 0; i < n; i++)
		x ^= b[i];
	__asm__ volatile("" : : "r"(x)); /* keep the reads */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int count = vx_bootimg_count(data, size);
	const void *p, *q;
	size_t n, m;
	char name[VX_BOOTIMG_NAME_MAX];

	CHECK(vx_bootimg_find(data, size, "init", &p, &n) != VX_E_INVAL);
	if (count < 0) {
		CHECK(count == VX_E_CORRUPT);
		CHECK(vx_bootimg_entry(data, size, 0, name, &p, &n) == VX_E_CORRUPT);
		return 0;
	}
	CHECK(count <= (int)VX_BOOTIMG_MAX_FILES);
	for (int i = 0; i < count; i++) {
		CHECK(vx_bootimg_entry(data, size, (uint32_t)i, name, &p, &n) == VX_OK);
		CHECK((const uint8_t *)p >= data && (const uint8_t *)p <= data + size);
		CHECK(n <= size - (size_t)((const uint8_t *)p - data));
		CHECK(memchr(name, '\0', sizeof(name)) != NULL && name[0] != '\0');
		CHECK(vx_bootimg_find(data, size, name, &q, &m) == VX_OK);
		CHECK(q == p && m == n); /* names are unique */
		touch(p, n);
	}
	CHECK(vx_bootimg_entry(data, size, (uint32_t)count, name, &p, &n) == VX_E_NOTFOUND);
	return 0;
}
