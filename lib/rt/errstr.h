/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Error codes as text a person can read: the name and the meaning of every
 * enum vx_error (include/vectra/abi.h), for programs that print errors.
 * Pure: builds for the host too (tests/host/test_errstr.c).
 */
#ifndef VX_RT_ERRSTR_H
#define VX_RT_ERRSTR_H

/* "VX_E_NOTFOUND (no such name)" for every code from VX_E_LAST to VX_OK;
 * "unknown error" for anything else.  Never NULL; the string is static. */
const char *vx_strerror(int err);

/* Just the name, "VX_E_NOTFOUND"; "VX_E_?" for an unknown code. */
const char *vx_errname(int err);

#endif
