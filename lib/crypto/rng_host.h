/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host-only entropy source: Linux getrandom(2), credited 4 bits per byte.
 * Only in host builds (rng_host.c is left out of the VectraOS library).
 */
#ifndef VX_CRYPTO_RNG_HOST_H
#define VX_CRYPTO_RNG_HOST_H

#include "crypto/rng.h"

extern const struct vx_rng_source vx_rng_source_getrandom;

#endif
