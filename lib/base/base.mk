# SPDX-License-Identifier: BSD-3-Clause
# lib/base: freestanding memory/string routines (kernel and user land only;
# host programs use libc's functions of the same names).
BASE_SRCS := lib/base/string.c
