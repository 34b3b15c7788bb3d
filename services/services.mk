# SPDX-License-Identifier: BSD-3-Clause
#
# User programs and boot images.  Every directory listed below holds the C
# files of one program; each links against the runtime (lib/rt) and the
# crypto library into $(B)/prog/NAME.elf.
#
#   services/init   the root Task of the normal boot: supervisor and demo
#   services/ping,  two demo Tasks init connects with a Ring pair
#   services/pong
#   tests/ktest     the root Task of the test image: the in-OS test suite
#   tests/victim    a child that misbehaves on request (faults, bombs, spins)
#   bench/kbench    the root Task of the benchmark image
#   bench/partner   the other side of the two-Task benchmarks
USER_LDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack
CRYPTO_LIB   := $(B)/user/libvxcrypto.a
USER_PROGS   :=

# $(call user_prog,NAME,DIR)
define user_prog
$(1)_OBJS := $$(call objs,$(B)/user,$$(sort $$(wildcard $(2)/*.c)))
$(B)/prog/$(1).elf: $$($(1)_OBJS) $(RT_START_OBJ) $(RT_LIB) $(CRYPTO_LIB) $(RT_LDSCRIPT)
	@mkdir -p $$(@D)
	$(LD) $(USER_LDFLAGS) -T $(RT_LDSCRIPT) -o $$@ $(RT_START_OBJ) $$($(1)_OBJS) \
		$(RT_LIB) $(CRYPTO_LIB) $(RT_LIB)
USER_PROGS += $(B)/prog/$(1).elf
endef

$(eval $(call user_prog,init,services/init))
$(eval $(call user_prog,ping,services/ping))
$(eval $(call user_prog,pong,services/pong))
$(eval $(call user_prog,ktest,tests/ktest))
$(eval $(call user_prog,victim,tests/victim))
$(eval $(call user_prog,kbench,bench/kbench))
$(eval $(call user_prog,partner,bench/partner))

MKBOOTIMG := $(B)/host/tools/mkbootimg

# Boot images: the second boot module, read by the root Task.
$(B)/boot.img: $(B)/prog/ping.elf $(B)/prog/pong.elf $(MKBOOTIMG)
	$(MKBOOTIMG) $@ ping=$(B)/prog/ping.elf pong=$(B)/prog/pong.elf
$(B)/test.img: $(B)/prog/victim.elf $(MKBOOTIMG)
	$(MKBOOTIMG) $@ victim=$(B)/prog/victim.elf
$(B)/bench.img: $(B)/prog/partner.elf $(MKBOOTIMG)
	$(MKBOOTIMG) $@ partner=$(B)/prog/partner.elf

BOOT_IMAGES := $(B)/boot.img
TEST_IMAGES := $(B)/test.img $(B)/prog/ktest.elf
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
