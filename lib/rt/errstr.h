/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Error codes and fault kinds as text a person can read: the name and the
 * meaning of every enum vx_error and enum vx_fault_kind (include/vectra/abi.h),
 * for programs that print them.
 * Pure: builds for the host too (tests/host/test_errstr.c).
 */
#ifndef VX_RT_ERRSTR_H
#define VX_RT_ERRSTR_H

/* "VX_E_NOTFOUND (no such name)" for every code from VX_E_LAST to VX_OK;
 * "unknown error" for anything else.  Never NULL; the string is static. */
const char *vx_strerror(int err);

/* Just the name, "VX_E_NOTFOUND"; "VX_E_?" for an unknown code. */
const char *vx_errname(int err);

/* A fault kind (enum vx_fault_kind) as words: "page fault"; "fault" for
 * an unknown kind. */
const char *vx_fault_name(unsigned kind);

#endif
