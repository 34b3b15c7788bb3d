# SPDX-License-Identifier: BSD-3-Clause
#
# The kernel: kernel/core (one file per primitive, plus scheduler, syscall
# table and boot), kernel/arch/x86_64 (the seams), and lib/base, the
# freestanding pieces it shares with user land: memory routines, the
# formatter and the ELF parser.  It sees include/ and lib/base only.  Linked as an ELF (for gdb) and flattened to build/kernel.bin, the
# image QEMU and GRUB load.
KERNEL_SRCS := $(sort $(wildcard kernel/core/*.c) $(wildcard kernel/arch/x86_64/*.c) \
                      $(wildcard kernel/arch/x86_64/*.S)) \
               $(BASE_SRCS)
KERNEL_OBJS := $(call objs,$(B)/kernel,$(KERNEL_SRCS))
KERNEL_ELF  := $(B)/kernel.elf
KERNEL_BIN  := $(B)/kernel.bin
KERNEL_LD   := kernel/arch/x86_64/kernel.ld

$(KERNEL_ELF): $(KERNEL_OBJS) $(KERNEL_LD)
	$(LD) -nostdlib -z max-page-size=4096 -z noexecstack -T $(KERNEL_LD) -o $@ $(KERNEL_OBJS)

$(KERNEL_BIN): $(KERNEL_ELF)
	$(OBJCOPY) -O binary $< $@

# Kernel logic that host unit tests exercise (tests/host/test_kcore_*.c);
# what it calls outside itself is stubbed in tests/support/kcore_stubs.c.
# These objects, the stubs and those tests include core/kernel.h, so they
# (and only they) get -Ikernel and the arch seam.
KCORE_HOST_SRCS := kernel/core/cap.c kernel/core/reticle.c
KCORE_HOST_OBJS := $(call objs,$(B)/host,$(KCORE_HOST_SRCS))
$(KCORE_HOST_OBJS) $(B)/host/tests/support/kcore_stubs.o: HOST_CFLAGS += -Ikernel $(ARCH_INC)
$(B)/host/tests/host/test_kcore_%.o: HOST_CFLAGS += -Ikernel $(ARCH_INC)
