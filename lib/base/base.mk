# SPDX-License-Identifier: BSD-3-Clause
# lib/base: freestanding, side-effect-free code that the kernel and user land
# share: memory/string routines (host programs use libc's functions of the
# same names instead), the formatter and the ELF parser (pure logic, which
# also builds on the host for the unit tests and fuzzers).
BASE_SRCS      := lib/base/string.c lib/base/vx_fmt.c lib/base/vx_elf.c lib/base/vx_acpi.c
BASE_PURE_SRCS := lib/base/vx_fmt.c lib/base/vx_elf.c lib/base/vx_acpi.c
