/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for devd's etc/drivers parser.  Besides ASan's "no
 * read outside the input": a rejected file leaves nothing behind, and
 * every accepted entry keeps the promises of pure_devtab.h.
 */
#include <stdint.h>
#include <string.h>

#include "vectra/abi.h"
#include "../../services/devd/pure_devtab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			__builtin_trap();                                                          \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dt_table t;
	char err[96];

	if (dt_parse((const char *)data, size, &t, err, sizeof(err)) != VX_OK) {
		CHECK(t.n == 0);
		CHECK(memchr(err, 0, sizeof(err)) != NULL);
		return 0;
	}
	CHECK(t.n <= DT_MAX_ENTRIES);
	for (uint32_t i = 0; i < t.n; i++) {
		const struct dt_entry *e = &t.e[i];
		CHECK(e->driver[0] && memchr(e->driver, 0, DT_NAME_MAX));
		CHECK(e->nconnect <= DT_MAX_CONNECTS);
		CHECK(e->memory >= (64u << 10) && e->memory <= (16u << 20));
		CHECK(e->at >= -1 && e->at <= 0xffff);
		CHECK(dt_match(&t, e->vendor, e->device, e->at < 0 ? 0 : (uint16_t)e->at) != NULL);
	}
	return 0;
}
