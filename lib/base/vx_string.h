/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The project's one set of memory and string routines.
 *
 * Kernel and user land link lib/base/string.c; host programs use the C
 * library's functions of the same names, so code written against this header
 * builds everywhere unchanged.  In freestanding builds the calls go through
 * the compiler builtins, so a fixed-size memcpy still compiles to a move.
 */
#ifndef VX_STRING_H
#define VX_STRING_H

#include <stddef.h>

#if defined(VX_KERNEL) || defined(VX_USER)
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
#define memcpy(d, s, n)	 __builtin_memcpy((d), (s), (n))
#define memmove(d, s, n) __builtin_memmove((d), (s), (n))
#define memset(d, c, n)	 __builtin_memset((d), (c), (n))
#define memcmp(a, b, n)	 __builtin_memcmp((a), (b), (n))
#else
#include <string.h>
#endif

#endif
