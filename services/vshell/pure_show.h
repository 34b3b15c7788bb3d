/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * How the shell shows kernel and init values to a person: names of types,
 * states and faults, rights as letters, times and sizes.  Pure.
 */
#ifndef VSHELL_PURE_SHOW_H
#define VSHELL_PURE_SHOW_H

#include <stddef.h>
#include <stdint.h>

/* Nanoseconds as h:mm:ss.mmm (hours grow as needed).  Returns buf. */
char *vsh_show_uptime(char *buf, size_t size, uint64_t ns);

/* Rights as seven letters or dashes, "rwxpcog" order: read, write, exec,
 * produce, consume, control, grant; e.g. "rw---c-".  buf needs 8 bytes. */
char *vsh_show_rights(char *buf, uint32_t rights);

/* Bytes as "512 B", "12 KiB", "3.5 MiB" (one decimal under 10 units). */
char *vsh_show_bytes(char *buf, size_t size, uint64_t bytes);

/* enum vx_obj_type, enum vx_fault_kind, enum init_state, manifest policy. */
const char *vsh_type_name(uint32_t type);
const char *vsh_state_name(uint32_t state);
const char *vsh_policy_name(uint32_t policy);

#endif
