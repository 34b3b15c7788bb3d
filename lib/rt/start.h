/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Program entry.  lib/rt/start.S defines _start, the ELF entry point of every
 * VectraOS program linked with lib/rt/user.ld.
 *
 * The parent (through VX_SYS_TASK_SET_REGS / rt/spawn.h) must provide:
 *   rdi  the Bundle page address (VX_BUNDLE_VADDR), see vectra/bundle.h;
 *   rsi  optionally a second argument (rt/spawn.h passes its args string);
 *   rsp  a mapped, writable stack, 16-byte aligned.
 * _start sets up nothing else: it clears rbp (ends frame-pointer walks),
 * calls main with rdi and rsi untouched, and passes main's return value to
 * vx_rt_exit.  A program defines either
 *
 *     int main(const struct vx_bundle_page *bundle)
 *     int main(const struct vx_bundle_page *bundle, const char *args)
 *
 * main is deliberately not declared here, so both forms compile.
 */
#ifndef VX_RT_START_H
#define VX_RT_START_H

#include <stdint.h>
#include <vectra/bundle.h>

/* Exits the Task with code; what _start calls when main returns. */
_Noreturn void vx_rt_exit(int64_t code);

#endif
