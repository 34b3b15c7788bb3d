/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The VectraOS user runtime in one include.  See docs/RUNTIME.md.
 *
 *   rt/syscall.h  one inline wrapper per syscall, plus vx_syscall6
 *   rt/start.h    _start, main's signature, vx_rt_exit
 *   rt/bundle.h   the Bundle page: authority by name
 *   rt/ring.h     ring producer/consumer (+ blocking forms)
 *   rt/loop.h     the signal-mask event loop
 *   rt/print.h    console printing; vx_fmt.h (lib/base) the formatter
 *   rt/alloc.h    explicit heap and bump arena over caller memory
 *   vx_elf.h      ELF64 validation for loaders (lib/base)
 *   rt/bootimg.h  boot image reader/writer
 *
 * The clients of the service protocols are one layer up, in lib/client.
 */
#ifndef VX_RT_VX_H
#define VX_RT_VX_H

#include "rt/syscall.h"
#include "rt/start.h"
#include "rt/bundle.h"
#include "rt/ring.h"
#include "rt/loop.h"
#include "rt/print.h"
#include "vx_fmt.h"
#include "rt/alloc.h"
#include "vx_elf.h"
#include "rt/bootimg.h"

#endif
