/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Formatted output without libc: the one way to print in user land.
 *
 * Conversions: %d %i %u %x %X %p %s %c %%, with the length modifiers
 * l, ll, z (and hh, h, accepted and applied).  Flags: '-' (left-justify),
 * '0' (zero-pad numbers), width as digits or '*', and .precision (for %s:
 * at most that many bytes; for integers: at least that many digits).
 * %p prints "0x" and lowercase hex ("0x0" for NULL); %s of NULL prints
 * "(null)".  An unknown conversion is printed as-is, '%' included, and a
 * lone '%' at the end of fmt is printed.  Widths and precisions are capped
 * at 4096.
 */
#ifndef VX_BASE_FMT_H
#define VX_BASE_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* A byte sink: receives n bytes of output at a time. */
typedef void (*vx_fmt_sink)(void *ctx, const char *s, size_t n);

/* Formats to sink; returns the number of bytes produced. */
size_t vx_vformat(vx_fmt_sink sink, void *ctx, const char *fmt, va_list ap);

/*
 * Formats into buf[0..size).  Always NUL-terminates when size > 0 and
 * returns the length the whole output would have had (so a result >= size
 * means it was truncated), like C's snprintf.
 */
int vx_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int vx_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
