# SPDX-License-Identifier: BSD-3-Clause
#
# Toolchain and flags shared by every fragment.  Three kinds of object exist:
#   kernel  freestanding, -mcmodel=kernel, no SSE, linked high
#   user    freestanding, static, linked for VectraOS user land
#   host    Linux programs (tools, unit tests) under ASan/UBSan

ifeq ($(origin CC),default)
CC := gcc
endif
LD      := ld
OBJCOPY := objcopy
QEMU    := qemu-system-x86_64
B       := build

WARN := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wno-unused-parameter
INC  := -Iinclude -Ilib

FREESTANDING := -ffreestanding -fno-builtin -fno-stack-protector -fno-pic -fno-pie \
                -fno-asynchronous-unwind-tables -fno-common -nostdinc \
                -isystem $(shell $(CC) -print-file-name=include) -Ilib/base

# The architecture: kernel/core reaches its seams only through "arch.h",
# found in kernel/arch/$(ARCH).
ARCH     := x86_64
ARCH_INC := -Ikernel/arch/$(ARCH)
KERNEL_CFLAGS := $(WARN) -Iinclude $(FREESTANDING) -O2 -g -mcmodel=kernel -mno-red-zone \
                 -mno-sse -mno-sse2 -mno-mmx -mno-80387 -Ikernel $(ARCH_INC) -DVX_KERNEL
USER_CFLAGS   := $(WARN) $(INC) $(FREESTANDING) -O2 -g -mno-red-zone -DVX_USER
HOST_CFLAGS   := $(WARN) $(INC) -Ilib/base -O1 -g -fno-omit-frame-pointer \
                 -fsanitize=address,undefined -fno-sanitize-recover=all -DVX_HOST
HOST_LDFLAGS  := -fsanitize=address,undefined
HOST_LIBS     := -lcmocka -lsodium -lcrypto
# Benchmarks and fuzzers: same sources, different flags.
BENCH_CFLAGS  := $(WARN) $(INC) -Ilib/base -O2 -gdwarf-4 -DVX_HOST
FUZZ_CC       := clang
FUZZ_CFLAGS   := $(WARN) $(INC) -Ilib/base -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -DVX_HOST -DVX_FUZZ

# gcc turns copy loops into calls to memcpy even when freestanding; the
# routines in lib/base must not call themselves.
ifneq ($(findstring clang,$(shell $(CC) --version 2>/dev/null | head -n1)),clang)
FREESTANDING += -fno-tree-loop-distribute-patterns
endif
KERNEL_CFLAGS += $(filter -fno-tree%,$(FREESTANDING))
USER_CFLAGS   += $(filter -fno-tree%,$(FREESTANDING))

DEPFLAGS = -MMD -MP

# $(call objs,PREFIX,SOURCES): map sources to objects under PREFIX.
objs = $(patsubst %.c,$(1)/%.o,$(patsubst %.S,$(1)/%.o,$(2)))

# One pattern rule per kind of object.
$(B)/kernel/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) $(DEPFLAGS) -c $< -o $@
$(B)/kernel/%.o: %.S
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) $(DEPFLAGS) -D__ASSEMBLY__ -c $< -o $@
$(B)/user/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(DEPFLAGS) -c $< -o $@
$(B)/user/%.o: %.S
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(DEPFLAGS) -D__ASSEMBLY__ -c $< -o $@
$(B)/host/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(DEPFLAGS) -c $< -o $@
$(B)/bench/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) $(DEPFLAGS) -c $< -o $@
$(B)/fuzz/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(DEPFLAGS) -c $< -o $@
