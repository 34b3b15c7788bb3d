/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers lib/posix's files share; not part of its interface. */
#ifndef VX_POSIX_INTERNAL_H
#define VX_POSIX_INTERNAL_H

#include <stddef.h>

/* The length of s, reading at most max bytes (strnlen is POSIX, not C11,
 * and host builds are strict C11). */
static inline size_t lx_strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n] != '\0')
		n++;
	return n;
}

#endif
