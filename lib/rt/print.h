/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Console printing for VectraOS programs (lib/rt/sys_print.c).
 *
 * Output goes through VX_SYS_CONSOLE_WRITE with the IoPort capability given
 * to vx_print_init (normally looked up in the Bundle).  It is buffered per
 * line: a line is written when it ends with '\n', when it reaches
 * VX_PRINT_LINE_MAX bytes, or on vx_print_flush.  Each write is one kernel
 * console write, which is never interleaved with another Task's, so a line
 * of up to VX_PRINT_LINE_MAX bytes reaches the port whole; a longer one is
 * written in pieces that may not be.  Before vx_print_init, or
 * with VX_NO_HANDLE, output is dropped.  One buffer per program; VectraOS
 * has no threads.
 */
#ifndef VX_RT_PRINT_H
#define VX_RT_PRINT_H

#include <stdarg.h>
#include <stdint.h>
#include <vectra/abi.h>

#define VX_PRINT_LINE_MAX 256u

/* Routes output to the console IoPort capability. */
void vx_print_init(vx_handle_t console_ioport);

/* printf to the console (formats as vx_fmt.h); returns bytes produced. */
int vx_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vx_vprintf(const char *fmt, va_list ap);

/* Writes s and a newline. */
int vx_puts(const char *s);

/* Writes out a partial line; returns the kernel's error if the last write failed. */
int vx_print_flush(void);

#endif
