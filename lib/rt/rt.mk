# SPDX-License-Identifier: BSD-3-Clause
#
# lib/rt: the user-land runtime.  Files named sys_*.c or *.S talk to the
# kernel and build only for VectraOS; every other file is pure logic that also
# builds on the host, where the unit tests and fuzzers exercise it.
#
# Linking a VectraOS program (see docs/RUNTIME.md):
#   $(LD) -T $(RT_LDSCRIPT) -o prog.elf $(RT_START_OBJ) prog.o ... $(B)/user/libvxrt.a
# RT_START_OBJ (_start) is deliberately not inside libvxrt.a: the archive
# holds lib/rt and lib/base (memcpy & co) and nothing with an entry point.
RT_SRCS      := $(sort $(wildcard lib/rt/*.c) $(wildcard lib/rt/*.S))
RT_PURE_SRCS := $(sort $(filter-out lib/rt/sys_%.c %.S,$(RT_SRCS)))
RT_LIB_SRCS  := $(filter-out lib/rt/start.S,$(RT_SRCS))

RT_USER_OBJS := $(call objs,$(B)/user,$(RT_LIB_SRCS) $(BASE_SRCS))
RT_HOST_OBJS := $(call objs,$(B)/host,$(RT_PURE_SRCS) $(BASE_PURE_SRCS))
RT_FUZZ_OBJS := $(call objs,$(B)/fuzz,$(RT_PURE_SRCS) $(BASE_PURE_SRCS))
RT_START_OBJ := $(B)/user/lib/rt/start.o
RT_LDSCRIPT  := lib/rt/user.ld
RT_LIB       := $(B)/user/libvxrt.a

$(B)/user/libvxrt.a: $(RT_USER_OBJS) | $(RT_START_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^
