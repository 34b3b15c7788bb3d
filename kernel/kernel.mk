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

# Kernel logic compiled for the host.  The lifecycle files (caps, Reticles,
# Tasks, Rings, Bundles, signals, the scheduler) run whole in the model-based
# test and its fuzzer (tests/support/capmodel.c), over the arch seams of
# tests/support/karch_host.c.  The unit tests tests/host/test_kcore_*.c link
# only cap.c and reticle.c, with recording stubs for the rest
# (tests/support/kcore_stubs.c).  These objects, the stubs and those tests
# include core/kernel.h, so they (and only they) get -Ikernel and the arch
# seam.
KCORE_HOST_SRCS := kernel/core/cap.c kernel/core/reticle.c kernel/core/task.c \
                   kernel/core/ring.c kernel/core/bundle.c kernel/core/signal.c \
                   kernel/core/sched.c kernel/core/iospace.c
KCORE_HOST_OBJS := $(call objs,$(B)/host,$(KCORE_HOST_SRCS))
KCORE_FUZZ_OBJS := $(call objs,$(B)/fuzz,$(KCORE_HOST_SRCS))
KCORE_UNIT_OBJS := $(call objs,$(B)/host,kernel/core/cap.c kernel/core/reticle.c)
$(KCORE_HOST_OBJS) $(B)/host/tests/support/kcore_stubs.o: HOST_CFLAGS += -Ikernel $(ARCH_INC)
$(B)/host/tests/host/test_kcore_%.o: HOST_CFLAGS += -Ikernel $(ARCH_INC)
$(KCORE_FUZZ_OBJS): FUZZ_CFLAGS += -Ikernel $(ARCH_INC)
# The IOMMU's fault path, linked into its test, which models the unit
# (tests/host/test_vtd_fault.c, through kernel/arch/x86_64/vtd.h).
VTD_FAULT_HOST_OBJ := $(call objs,$(B)/host,kernel/arch/x86_64/vtd_fault.c)
$(VTD_FAULT_HOST_OBJ) $(B)/host/tests/host/test_vtd_fault.o: HOST_CFLAGS += -Ikernel $(ARCH_INC)
$(B)/host/tests/host/test_vtd_fault: $(VTD_FAULT_HOST_OBJ)
