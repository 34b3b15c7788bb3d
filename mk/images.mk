# SPDX-License-Identifier: BSD-3-Clause
#
# Boot images and the QEMU rules that boot them.  A boot image is the
# second boot module, read by the root Task (include/vectra/bootimg.h);
# tools/mkbootimg writes it from the programs services/services.mk links.
#
#   boot.img          the normal boot: every service but init, and etc/
#   bad-manifest.img  the normal image with a broken manifest
#   hostile.img       the normal image plus bin/hostile, started at boot
#   test.img          the test image: the victim, for ktest
#   bench.img         the benchmark image: the partner, for kbench
#   fuzzk.img         the syscall fuzzer's image: its worker, for fuzzk
#
#   make run / debug / iso   boot the normal image (QEMU, GDB stub, GRUB ISO)
MKBOOTIMG := $(B)/host/tools/mkbootimg

# The normal image holds every service program but init as bin/NAME, and
# the files of services/init/etc/ as etc/NAME.
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
$(B)/fuzzk.img: $(B)/prog/fuzzk-worker.elf $(MKBOOTIMG)
	$(MKBOOTIMG) $@ worker=$(B)/prog/fuzzk-worker.elf

BOOT_IMAGES := $(B)/boot.img
TEST_IMAGES := $(B)/test.img $(B)/prog/ktest.elf $(B)/bad-manifest.img $(B)/hostile.img
TEST_IMAGES += $(B)/fuzzk.img $(B)/prog/fuzzk.elf
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
