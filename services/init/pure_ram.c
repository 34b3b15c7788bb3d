/* SPDX-License-Identifier: BSD-3-Clause */
/* Which boot RAM Reticle pays, pure (see pure_ram.h). */
#include "pure_ram.h"
#include "vectra/abi.h"

bool ram_fits(uint64_t avail, uint64_t bytes)
{
	return avail >= VX_OBJ_META_BYTES && avail - VX_OBJ_META_BYTES >= bytes;
}

int ram_pick(const uint64_t *avail, unsigned n, uint64_t bytes)
{
	for (unsigned i = 0; i < n; i++)
		if (ram_fits(avail[i], bytes))
			return (int)i;
	return VX_E_NOMEM;
}

uint64_t ram_largest(const uint64_t *avail, unsigned n)
{
	uint64_t most = 0;

	for (unsigned i = 0; i < n; i++)
		if (avail[i] > most)
			most = avail[i];
	return most;
}
