/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which boot RAM Reticle pays, pure.  The kernel hands init one boot
 * Reticle per usable RAM range, ram0, ram1, ..., numbered in the order of
 * the firmware's memory map: ram0 is the lowest (below 4 GiB, and it also
 * holds init itself), the ones above 4 GiB come after.  init carves every
 * Reticle of its own (the connection pool, the pairs' pool, one per
 * service) with a split of one of them.  A split is one contiguous piece,
 * so it cannot span two ranges: it is taken from the first Reticle, in
 * that order, whose free bytes hold it and its record.  Small and early
 * allocations thus stay low, and memory above 4 GiB is used once the
 * ranges below are full.  A request larger than every range's free bytes
 * fits nowhere: VX_E_NOMEM, as from one Reticle.
 *
 * init uses at most RAM_MAX of them (the kernel makes no more than 8 boot
 * RAM Reticles today); it says so at boot if it is given more.
 */
#ifndef INIT_PURE_RAM_H
#define INIT_PURE_RAM_H

#include <stdbool.h>
#include <stdint.h>

#define RAM_MAX 8 /* ram0 .. ram7 */

/* Whether a split of `bytes` fits in a Reticle with `avail` bytes free: the
 * split also costs its record, VX_OBJ_META_BYTES (kernel: decode_split).
 * Never wraps, whatever the two values. */
bool ram_fits(uint64_t avail, uint64_t bytes);

/* The index (0 for ram0) of the Reticle a split of `bytes` is taken from,
 * given each one's free bytes in avail[0..n-1]: the first it fits in.
 * VX_E_NOMEM when it fits in none (also when n is 0). */
int ram_pick(const uint64_t *avail, unsigned n, uint64_t bytes);

/* The most free bytes of any of the n, for the message when none fits. */
uint64_t ram_largest(const uint64_t *avail, unsigned n);

#endif
