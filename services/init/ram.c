/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * All of RAM: the boot RAM Reticles init carves its own Reticles from.
 * The choice of which one pays is pure_ram.c (ram0 first, then the next
 * that holds the split); this file reads them from init's Bundle, asks each
 * for its free bytes and makes the split.  init is the only holder of the
 * boot RAM Reticles (the manifest cannot grant them), so the free bytes it
 * reads stay true until its own split.
 */
#include "init.h"
#include "vx_string.h"

#define MIB_SHIFT 20

/* Each boot RAM Reticle's free bytes, in avail[0..init.nram-1]. */
static void ram_avail(uint64_t *avail)
{
	struct vx_reticle_info ri;

	for (unsigned i = 0; i < init.nram; i++)
		avail[i] = vx_reticle_info(init.ram[i], &ri) < 0 ? 0 : ri.free;
}

/* Takes ram0, ram1, ... from the Bundle, up to RAM_MAX and up to the first
 * number missing (boot numbers them without a gap), and says what they
 * hold.  Fails with VX_E_NOTFOUND when there is no ram0. */
int ram_collect(const struct vx_bundle_page *b)
{
	char name[VX_BUNDLE_NAME_MAX];
	uint64_t avail[RAM_MAX], total = 0;
	int64_t h;

	init.nram = 0;
	for (unsigned i = 0; i < RAM_MAX; i++) {
		vx_snprintf(name, sizeof(name), "ram%u", i);
		if ((h = vx_bundle_handle(b, name, VX_OBJ_RETICLE)) < 0)
			break;
		init.ram[init.nram++] = (vx_handle_t)h;
	}
	if (!init.nram) {
		say("init: no RAM Reticle 'ram0' in my Bundle; nothing to start\n");
		return VX_E_NOTFOUND;
	}
	ram_avail(avail);
	say("init: RAM:");
	for (unsigned i = 0; i < init.nram; i++) {
		say(" ram%u %lu MiB", i, (unsigned long)(avail[i] >> MIB_SHIFT));
		total += avail[i];
	}
	say("; %lu MiB free in all\n", (unsigned long)(total >> MIB_SHIFT));
	vx_snprintf(name, sizeof(name), "ram%u", RAM_MAX);
	if (vx_bundle_handle(b, name, VX_OBJ_RETICLE) >= 0)
		say("init: %s and any after it are not used (at most %u RAM Reticles)\n", name,
		    RAM_MAX);
	return VX_OK;
}

/*
 * A Reticle of `bytes` split from the first boot RAM Reticle that holds it
 * (pure_ram.h), for `what` ("vfsd's Reticle"); returns its handle or an
 * error.  A split from any but ram0 is said, with its physical base; a
 * split that fits in none is VX_E_NOMEM, said with the most any one has.
 */
int64_t ram_split(uint64_t bytes, const char *what)
{
	uint64_t avail[RAM_MAX];
	struct vx_reticle_info ri;
	int64_t h;
	int i;

	ram_avail(avail);
	if ((i = ram_pick(avail, init.nram, bytes)) < 0) {
		say("init: %s needs %lu KiB, more than any RAM Reticle has free in one piece (the "
		    "most is %lu KiB)\n",
		    what, (unsigned long)(bytes >> 10),
		    (unsigned long)(ram_largest(avail, init.nram) >> 10));
		return i;
	}
	if ((h = vx_reticle_split(init.ram[i], bytes)) < 0 || i == 0)
		return h;
	if (vx_reticle_info((vx_handle_t)h, &ri) == VX_OK)
		say("init: %s (%lu KiB) comes from ram%d, at 0x%lx: ram0 has %lu KiB free\n", what,
		    (unsigned long)(bytes >> 10), i, (unsigned long)ri.base,
		    (unsigned long)(avail[0] >> 10));
	return h;
}
