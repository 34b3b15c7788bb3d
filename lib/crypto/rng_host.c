/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host entropy source for lib/crypto/rng: Linux getrandom(2) (blocking
 * until the kernel pool is initialised, flags 0).  Credited 4 bits per
 * byte: the kernel's output is a CSPRNG, so the credit is a policy choice,
 * kept conservative so that High still wants a second source.
 *
 * Host only: the build leaves *_host.c out of the freestanding library.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/random.h>

#include "vectra/abi.h"
#include "crypto/rng_host.h"

static int getrandom_read(void *ctx, uint8_t *buf, size_t n)
{
	(void)ctx;
	while (n > 0) {
		ssize_t r = getrandom(buf, n, 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return VX_E_AGAIN;
		}
		buf += r;
		n -= (size_t)r;
	}
	return VX_OK;
}

const struct vx_rng_source vx_rng_source_getrandom = {
    .name = "getrandom",
    .id = VX_RNG_ID_GETRANDOM,
    .read = getrandom_read,
    .ctx = NULL,
    .credit_mbits = 4000,
};
