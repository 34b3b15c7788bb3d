# SPDX-License-Identifier: BSD-3-Clause
#
# VectraOS top-level build.  Every component lives in its own fragment; this
# file only fixes the order and the phony targets a person types.
#
#   make              kernel, user programs and the boot images
#   make run          boot VectraOS under QEMU (TCG) on the serial console
#   make test         every test; closes with "N passed, N failed"
#   make fuzz-caps    the capability model under libFuzzer (ten minutes)
#   make fuzz-kernel  10^6 syscalls from several Tasks in QEMU (SEED= COUNT=
#                     WORKERS= SMP= REPLAY= ICOUNT=; see docs/TESTING.md)
#   make fuzz-services  the services' protocol fuzzer (SVCFUZZ_SEED=
#                     SVCFUZZ_COUNT= SMP=; see docs/TESTING.md)
#   make bench        kernel/IPC benchmarks under -icount shift=0
#   make bench-crypto crypto library against libsodium and OpenSSL
#   make iso          GRUB (Multiboot 2) ISO for real hardware
#   make debug        boot with QEMU's GDB stub waiting (see .gdbinit)
#   make CC=clang     the same with clang

.DEFAULT_GOAL := all
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 2) --no-print-directory
include mk/config.mk
include lib/base/base.mk
include lib/crypto/crypto.mk
include lib/trust/trust.mk
include lib/dev/dev.mk
include lib/drv/drv.mk
include lib/blk/blk.mk
include lib/fs/fs.mk
include lib/net/net.mk
include lib/posix/posix.mk
include lib/rt/rt.mk
include lib/client/client.mk
include kernel/kernel.mk
include services/services.mk
include mk/linux.mk
include mk/images.mk
include mk/linuxpeer.mk
include mk/wire.mk
include mk/dns.mk
include mk/netbench.mk
include tools/tools.mk
include tests/tests.mk
include bench/bench.mk

.PHONY: all clean
all: $(KERNEL_BIN) $(USER_PROGS) $(BOOT_IMAGES)

clean:
	rm -rf $(B)

# The kernel syscall fuzzer at scale (tests/fuzzk).  SEED (hex), COUNT,
# WORKERS, LIFE and REPLAY go to its command line, SMP to QEMU's -smp;
# ICOUNT=1 makes the run repeat exactly (docs/TESTING.md).
.PHONY: fuzz-kernel
fuzz-kernel: $(KERNEL_BIN) $(B)/prog/fuzzk.elf $(B)/fuzzk.img
	@B=$(B) SEED=$(SEED) COUNT=$(COUNT) WORKERS=$(WORKERS) LIFE=$(LIFE) SMP=$(SMP) \
		REPLAY=$(REPLAY) ICOUNT=$(ICOUNT) bash tests/fuzzk/run.sh

-include $(shell find $(B) -name '*.d' 2>/dev/null)
