# SPDX-License-Identifier: BSD-3-Clause
#
# User programs and boot images.  Every services/NAME/ directory with a
# main.c is one program; so are the test and benchmark Tasks listed below.
# Each links against the protocol clients (lib/client), the runtime
# (lib/rt) and the crypto library into $(B)/prog/NAME.elf.  Files named services/*/pure_*.c hold a service's pure
# logic: they also build for the host, where tests/host and tests/fuzz use
# them.  The service protocols are ABI: include/vectra/proto/.
#
#   services/init   the root Task of the normal boot: supervisor and broker
#   tests/ktest     the root Task of the test image: the in-OS test suite
#   tests/victim    a child that misbehaves on request (faults, bombs, spins)
#   tests/hostile   a client that misuses the services (hostile_test.py)
#   bench/kbench    the root Task of the benchmark image
#   bench/partner   the other side of the two-Task benchmarks
USER_LDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack

# Pure service logic, also built for host tests and fuzzers.
SVC_PURE_SRCS := $(sort $(wildcard services/*/pure_*.c))
SVC_HOST_OBJS := $(call objs,$(B)/host,$(SVC_PURE_SRCS))
SVC_FUZZ_OBJS := $(call objs,$(B)/fuzz,$(SVC_PURE_SRCS))
CRYPTO_LIB   := $(B)/user/libvxcrypto.a
USER_PROGS   :=

# $(call user_prog,NAME,DIR)
define user_prog
$(1)_OBJS := $$(call objs,$(B)/user,$$(sort $$(wildcard $(2)/*.c)))
$(B)/prog/$(1).elf: $$($(1)_OBJS) $(RT_START_OBJ) $(CLIENT_LIB) $(RT_LIB) $(CRYPTO_LIB) \
		$(RT_LDSCRIPT)
	@mkdir -p $$(@D)
	$(LD) $(USER_LDFLAGS) -T $(RT_LDSCRIPT) -o $$@ $(RT_START_OBJ) $$($(1)_OBJS) \
		$(CLIENT_LIB) $(RT_LIB) $(CRYPTO_LIB) $(RT_LIB)
USER_PROGS += $(B)/prog/$(1).elf
endef

SERVICE_NAMES := $(sort $(notdir $(patsubst %/main.c,%,$(wildcard services/*/main.c))))
$(foreach s,$(SERVICE_NAMES),$(eval $(call user_prog,$(s),services/$(s))))
$(eval $(call user_prog,ktest,tests/ktest))
$(eval $(call user_prog,victim,tests/victim))
$(eval $(call user_prog,hostile,tests/hostile))
$(eval $(call user_prog,kbench,bench/kbench))
$(eval $(call user_prog,partner,bench/partner))

MKBOOTIMG := $(B)/host/tools/mkbootimg

# Boot images: the second boot module, read by the root Task.  The normal
# one holds every service program but init as bin/NAME, and the files of
# services/init/etc/ as etc/NAME.
BOOT_PROGS := $(filter-out init,$(SERVICE_NAMES))
BOOT_ETC   := $(sort $(wildcard services/init/etc/*))
$(B)/boot.img: $(foreach p,$(BOOT_PROGS),$(B)/prog/$(p).elf) $(BOOT_ETC) $(MKBOOTIMG)
	$(MKBOOTIMG) $@ $(foreach p,$(BOOT_PROGS),bin/$(p)=$(B)/prog/$(p).elf) \
		$(foreach f,$(BOOT_ETC),etc/$(notdir $(f))=$(f))
# The normal image with a broken manifest: init must refuse to start anything.
$(B)/bad-manifest.img: $(foreach p,$(BOOT_PROGS),$(B)/prog/$(p).elf) tests/qemu/etc/bad-manifest $(MKBOOTIMG)
	$(MKBOOTIMG) $@ $(foreach p,$(BOOT_PROGS),bin/$(p)=$(B)/prog/$(p).elf) \
		etc/manifest=tests/qemu/etc/bad-manifest
# The normal image plus bin/hostile, which the manifest also starts once at
# boot with connections to init and the console (tests/qemu/etc/hostile).
$(B)/hostile-manifest: $(BOOT_ETC) tests/qemu/etc/hostile
	cat services/init/etc/manifest tests/qemu/etc/hostile >$@
$(B)/hostile.img: $(foreach p,$(BOOT_PROGS) hostile,$(B)/prog/$(p).elf) $(B)/hostile-manifest $(MKBOOTIMG)
	$(MKBOOTIMG) $@ $(foreach p,$(BOOT_PROGS) hostile,bin/$(p)=$(B)/prog/$(p).elf) \
		etc/manifest=$(B)/hostile-manifest
$(B)/test.img: $(B)/prog/victim.elf $(MKBOOTIMG)
	$(MKBOOTIMG) $@ victim=$(B)/prog/victim.elf
$(B)/bench.img: $(B)/prog/partner.elf $(MKBOOTIMG)
	$(MKBOOTIMG) $@ partner=$(B)/prog/partner.elf

BOOT_IMAGES := $(B)/boot.img
TEST_IMAGES := $(B)/test.img $(B)/prog/ktest.elf $(B)/bad-manifest.img $(B)/hostile.img
BENCH_IMAGES := $(B)/bench.img $(B)/prog/kbench.elf

# QEMU: TCG only (no KVM), COM1 on the terminal, debug-exit for tests.
QEMU_FLAGS := -machine q35 -m 512M -smp 1 -no-reboot -display none \
              -device isa-debug-exit,iobase=0xf4,iosize=0x04

.PHONY: run debug iso
run: $(KERNEL_BIN) $(B)/prog/init.elf $(B)/boot.img
	$(QEMU) $(QEMU_FLAGS) -serial mon:stdio -kernel $(KERNEL_BIN) \
		-initrd $(B)/prog/init.elf,$(B)/boot.img

debug: $(KERNEL_BIN) $(B)/prog/init.elf $(B)/boot.img
	@echo "QEMU waits for gdb on :1234; in another terminal run: gdb"
	$(QEMU) $(QEMU_FLAGS) -serial mon:stdio -s -S -kernel $(KERNEL_BIN) \
		-initrd $(B)/prog/init.elf,$(B)/boot.img

iso: $(B)/vectraos.iso
$(B)/vectraos.iso: $(KERNEL_BIN) $(B)/prog/init.elf $(B)/boot.img tools/grub.cfg
	rm -rf $(B)/iso && mkdir -p $(B)/iso/boot/grub
	cp $(KERNEL_BIN) $(B)/prog/init.elf $(B)/boot.img $(B)/iso/boot/
	cp tools/grub.cfg $(B)/iso/boot/grub/grub.cfg
	grub-mkrescue -o $@ $(B)/iso 2>/dev/null
