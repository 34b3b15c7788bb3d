/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Formatted output through a console connection (vectra/proto/console.h): the way
 * a program that was granted "console" prints.  One call formats one
 * message of at most VX_MSG_DATA - 1 bytes (longer output is cut there)
 * and sends it as CONSOLE_WRITE.
 */
#ifndef VX_CLIENT_CONSOLE_H
#define VX_CLIENT_CONSOLE_H

#include <stdarg.h>
#include <stdint.h>
#include "rt/svc.h"

/* Formats into m as a CONSOLE_WRITE request. */
void vx_con_format(struct vx_msg *m, const char *fmt, va_list ap);

/* Formats and writes; returns the call's status (VX_E_AGAIN while the
 * console driver restarts, VX_E_TIMEOUT after deadline). */
int vx_con_vprintf(struct vx_client *c, uint64_t deadline, const char *fmt, va_list ap);

/* The same with a deadline two seconds away. */
int vx_con_printf(struct vx_client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
