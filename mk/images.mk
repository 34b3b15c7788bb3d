# SPDX-License-Identifier: BSD-3-Clause
#
# Boot images and the QEMU rules that boot them.  A boot image is the
# second boot module, read by the root Task (include/vectra/bootimg.h);
# tools/mkbootimg writes it from the programs services/services.mk links.
#
#   boot.img          the normal boot: every service but init, etc/, and the
#                     trust demo: etc/policy, etc/machine.key, pkg/*.vpkg
#   bad-manifest.img  the normal image with a broken manifest
#   hostile.img       the normal image plus bin/hostile, started at boot
#   devices-hostile.img  the normal services, each virtio-rng driver told to
#                     misbehave (etc/drivers from tests/qemu/etc)
#   storage-crash.img the normal services, the virtio-blk driver told to
#                     crash mid-I/O (etc/drivers from tests/qemu/etc)
#   net.img           the normal image plus bin/hostile, started at boot as
#                     nettest: the network driver used and misused
#   test.img          the test image: the victim, for ktest
#   bench.img         the benchmark image: the partner, for kbench
#   fuzzk.img         the syscall fuzzer's image: its worker, for fuzzk
#   svcfuzz.img       the normal image plus bin/svcfuzz, the services'
#                     protocol fuzzer, started at boot
#
#   make run / debug / iso   boot the normal image (QEMU, GDB stub, GRUB ISO)
MKBOOTIMG := $(B)/host/tools/mkbootimg

# The normal image holds every service program but init as bin/NAME, and
# the files of services/init/etc/ as etc/NAME.
BOOT_PROGS := $(filter-out init,$(SERVICE_NAMES))
BOOT_ETC   := $(sort $(wildcard services/init/etc/*))

# The trust demo (docs/TRUST.md, "Inside VectraOS"): tools/vectra/mkdemo.sh
# signs bin/pkgdemo into a package with a fresh Person, Machine, three
# rebuilders, a log and two witnesses, and makes the policy and one package
# for each refusal.  tampered.vpkg is demo.vpkg with one payload byte
# changed.  The demo Machine key is sealed with Argon2id at 1 MiB and 3
# passes, so that `login` takes well under a second under QEMU's TCG (the
# default, 64 MiB, is for real machines); its passphrase is "vectra".
DEMO_DIR  := $(B)/demo
DEMO_CAPS := console identity.sign
DEMO_PKGS := demo bad-sig unknown-person few-rebuilders no-proof footprint tampered
# The payload is pkgdemo without its debug sections (a fifth of the size);
# bin/pkgdemo is the same bytes.
$(B)/prog/pkgdemo.stripped: $(B)/prog/pkgdemo.elf
	strip -s -o $@ $<
$(DEMO_DIR)/stamp: $(VECTRA) $(B)/prog/pkgdemo.stripped tools/vectra/mkdemo.sh
	rm -rf $(DEMO_DIR)
	DEMO_KDF_KIB=1024 DEMO_KDF_T=3 bash tools/vectra/mkdemo.sh $(VECTRA) \
		$(B)/prog/pkgdemo.stripped $(DEMO_DIR) $(DEMO_CAPS) >/dev/null
	python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); \
		p = 13 + int.from_bytes(b[9:13], "big"); n = int.from_bytes(b[p + 1:p + 5], "big"); \
		b[p + 5 + n // 2] ^= 1; open(sys.argv[2], "wb").write(b)' \
		$(DEMO_DIR)/demo.vpkg $(DEMO_DIR)/tampered.vpkg
	touch $@
BOOT_DEMO := etc/policy=$(DEMO_DIR)/policy etc/machine.key=$(DEMO_DIR)/machine.key \
	$(foreach p,$(DEMO_PKGS),pkg/$(p).vpkg=$(DEMO_DIR)/$(p).vpkg)

$(B)/boot.img: $(foreach p,$(BOOT_PROGS),$(B)/prog/$(p).elf) $(BOOT_ETC) $(MKBOOTIMG) \
		$(DEMO_DIR)/stamp $(LINUX_ROOT_TAR)
	$(MKBOOTIMG) $@ $(foreach p,$(BOOT_PROGS),bin/$(p)=$(B)/prog/$(p).elf) \
		bin/pkgdemo=$(B)/prog/pkgdemo.stripped \
		$(foreach f,$(BOOT_ETC),etc/$(notdir $(f))=$(f)) $(BOOT_DEMO) \
		linux/root.tar=$(LINUX_ROOT_TAR)
# The normal image with a broken manifest: init must refuse to start anything.
$(B)/bad-manifest.img: $(foreach p,$(BOOT_PROGS),$(B)/prog/$(p).elf) tests/qemu/etc/bad-manifest $(MKBOOTIMG)
	$(MKBOOTIMG) $@ $(foreach p,$(BOOT_PROGS),bin/$(p)=$(B)/prog/$(p).elf) \
		etc/manifest=tests/qemu/etc/bad-manifest
# The normal image plus bin/hostile, which the manifest also starts once at
# boot with connections to init and the console (tests/qemu/etc/hostile).
$(B)/hostile-manifest: $(BOOT_ETC) tests/qemu/etc/hostile
	cat services/init/etc/manifest tests/qemu/etc/hostile >$@
$(B)/hostile.img: $(foreach p,$(BOOT_PROGS) hostile,$(B)/prog/$(p).elf) $(B)/hostile-manifest \
		services/init/etc/drivers $(MKBOOTIMG)
	$(MKBOOTIMG) $@ $(foreach p,$(BOOT_PROGS) hostile,bin/$(p)=$(B)/prog/$(p).elf) \
		etc/manifest=$(B)/hostile-manifest etc/drivers=services/init/etc/drivers
# The normal services with etc/drivers telling each virtio-rng driver how to
# misbehave (tests/qemu/etc/drivers-hostile, scenario_devices.sh).
$(B)/devices-hostile.img: $(foreach p,$(BOOT_PROGS),$(B)/prog/$(p).elf) services/init/etc/manifest \
		tests/qemu/etc/drivers-hostile $(MKBOOTIMG)
	$(MKBOOTIMG) $@ $(foreach p,$(BOOT_PROGS),bin/$(p)=$(B)/prog/$(p).elf) \
		etc/manifest=services/init/etc/manifest etc/drivers=tests/qemu/etc/drivers-hostile
# The normal services with the virtio-blk driver told to crash mid-I/O
# (tests/qemu/etc/drivers-storage, storage_test.py).
$(B)/storage-crash.img: $(foreach p,$(BOOT_PROGS),$(B)/prog/$(p).elf) services/init/etc/manifest \
		tests/qemu/etc/drivers-storage $(MKBOOTIMG)
	$(MKBOOTIMG) $@ $(foreach p,$(BOOT_PROGS),bin/$(p)=$(B)/prog/$(p).elf) \
		etc/manifest=services/init/etc/manifest etc/drivers=tests/qemu/etc/drivers-storage
# The normal image plus bin/hostile, which the manifest starts once at boot
# as nettest, with devices, its own Task and a Reticle for its frame pools
# (tests/qemu/etc/net, tests/qemu/net_test.py).
# netd would hold the card nettest tests, so the net image leaves netd
# out, and dnsd, which needs it (and every connection to either).
$(B)/net-manifest: services/init/etc/manifest tests/qemu/etc/net
	awk '/^service /{skip = $$2 == "netd" || $$2 == "dnsd"} \
	     !skip && !/^ *connect (net|dns)([.][^ ]*)?( as [^ ]*)?$$/' $< >$@
	cat tests/qemu/etc/net >>$@
$(B)/net.img: $(foreach p,$(BOOT_PROGS) hostile,$(B)/prog/$(p).elf) $(B)/net-manifest \
		services/init/etc/drivers $(MKBOOTIMG)
	$(MKBOOTIMG) $@ $(foreach p,$(BOOT_PROGS) hostile,bin/$(p)=$(B)/prog/$(p).elf) \
		etc/manifest=$(B)/net-manifest etc/drivers=services/init/etc/drivers
# The normal image plus bin/hostile, started once at boot as socktest with
# a connection to netd (tests/qemu/etc/sock, tests/qemu/sock_test.py).
$(B)/sock-manifest: services/init/etc/manifest tests/qemu/etc/sock
	cat $^ >$@
$(B)/sock.img: $(foreach p,$(BOOT_PROGS) hostile,$(B)/prog/$(p).elf) $(B)/sock-manifest \
		services/init/etc/drivers $(MKBOOTIMG)
	$(MKBOOTIMG) $@ $(foreach p,$(BOOT_PROGS) hostile,bin/$(p)=$(B)/prog/$(p).elf) \
		etc/manifest=$(B)/sock-manifest etc/drivers=services/init/etc/drivers
# The normal services plus fsbench, started once (bench/etc/fsbench): the
# storage benchmarks (bench/run.sh, docs/BENCHMARKS.md).
$(B)/bench-fs-manifest: services/init/etc/manifest bench/etc/fsbench
	cat $^ >$@
$(B)/bench-fs.img: $(foreach p,$(BOOT_PROGS) fsbench,$(B)/prog/$(p).elf) $(B)/bench-fs-manifest \
		services/init/etc/drivers $(MKBOOTIMG)
	$(MKBOOTIMG) $@ $(foreach p,$(BOOT_PROGS) fsbench,bin/$(p)=$(B)/prog/$(p).elf) \
		etc/manifest=$(B)/bench-fs-manifest etc/drivers=services/init/etc/drivers
# The normal services plus pxrun, started once (bench/etc/pxrun), and the
# root archive with /bench/pxbench: the POSIX bridge's benchmarks.
$(B)/bench-posix-manifest: services/init/etc/manifest bench/etc/pxrun
	cat $^ >$@
$(B)/bench-posix.img: $(foreach p,$(BOOT_PROGS) pxrun,$(B)/prog/$(p).elf) $(B)/bench-posix-manifest \
		services/init/etc/drivers $(MKBOOTIMG) $(LINUX_ROOT_TAR)
	$(MKBOOTIMG) $@ $(foreach p,$(BOOT_PROGS) pxrun,bin/$(p)=$(B)/prog/$(p).elf) \
		etc/manifest=$(B)/bench-posix-manifest etc/drivers=services/init/etc/drivers \
		linux/root.tar=$(LINUX_ROOT_TAR)
# The normal image, packages and root archive too, plus bin/svcfuzz, the
# services' protocol fuzzer, started once at boot (tests/qemu/etc/svcfuzz).
# SVCFUZZ_SEED and SVCFUZZ_COUNT make its args line; the manifest is
# rewritten only when they change, so the image is rebuilt only then.
SVCFUZZ_SEED ?= 5eed
SVCFUZZ_COUNT ?= 20000
$(B)/svcfuzz-manifest: services/init/etc/manifest tests/qemu/etc/svcfuzz svcfuzz-args
	@{ cat services/init/etc/manifest tests/qemu/etc/svcfuzz; \
	   echo "    args seed $(SVCFUZZ_SEED) count $(SVCFUZZ_COUNT)"; } >$@.new
	@if cmp -s $@.new $@; then rm $@.new; else mv $@.new $@; fi
.PHONY: svcfuzz-args
$(B)/svcfuzz.img: $(foreach p,$(BOOT_PROGS) svcfuzz,$(B)/prog/$(p).elf) $(B)/svcfuzz-manifest \
		$(BOOT_ETC) $(MKBOOTIMG) $(DEMO_DIR)/stamp $(LINUX_ROOT_TAR)
	$(MKBOOTIMG) $@ $(foreach p,$(BOOT_PROGS) svcfuzz,bin/$(p)=$(B)/prog/$(p).elf) \
		bin/pkgdemo=$(B)/prog/pkgdemo.stripped \
		$(foreach f,$(filter-out %/manifest,$(BOOT_ETC)),etc/$(notdir $(f))=$(f)) \
		etc/manifest=$(B)/svcfuzz-manifest $(BOOT_DEMO) linux/root.tar=$(LINUX_ROOT_TAR)
$(B)/test.img: $(B)/prog/victim.elf $(MKBOOTIMG)
	$(MKBOOTIMG) $@ victim=$(B)/prog/victim.elf
$(B)/bench.img: $(B)/prog/partner.elf $(MKBOOTIMG)
	$(MKBOOTIMG) $@ partner=$(B)/prog/partner.elf
$(B)/fuzzk.img: $(B)/prog/fuzzk-worker.elf $(MKBOOTIMG)
	$(MKBOOTIMG) $@ worker=$(B)/prog/fuzzk-worker.elf

BOOT_IMAGES := $(B)/boot.img
TEST_IMAGES := $(B)/test.img $(B)/prog/ktest.elf $(B)/bad-manifest.img $(B)/hostile.img
TEST_IMAGES += $(B)/devices-hostile.img $(B)/storage-crash.img $(B)/net.img $(B)/sock.img
TEST_IMAGES += $(B)/fuzzk.img $(B)/prog/fuzzk.elf $(B)/svcfuzz.img
BENCH_IMAGES := $(B)/bench.img $(B)/prog/kbench.elf $(B)/bench-fs.img $(B)/bench-posix.img

# QEMU: TCG only (no KVM), COM1 on the terminal, debug-exit for tests.
# make run uses two CPUs (SMP=N for another count).
SMP ?= 2
# scripts/qemu-accel.sh: one TCG thread under a QEMU older than 8.1, whose
# multi-threaded TCG can crash while devd changes the memory map.
QEMU_FLAGS := -machine q35 -m 512M -smp $(SMP) $(shell scripts/qemu-accel.sh $(SMP)) -no-reboot -display none \
              -device isa-debug-exit,iobase=0xf4,iosize=0x04
# The devices make run adds (docs/DEVICES.md): the VT-d IOMMU, two PCIe
# root ports (the second empty, for hot-plug from the QEMU monitor:
# device_add virtio-rng-pci,bus=rp2,id=hot,iommu_platform=on), a
# virtio-rng behind the first, a disk, and a network card on QEMU's
# user-mode network, restricted: the guest reaches only QEMU's own virtual
# hosts (10.0.2.2, 10.0.2.3), nothing beyond the host.  QEMU's q35 hot-plugs through ACPI by
# default; VectraOS uses the ports' own (native PCIe) hot-plug.
# The disk make run attaches (tools/mkdisk.sh): made once, then kept, so
# files live from boot to boot; `make disk` makes it anew (empty).  Set
# before DEVICE_FLAGS, which := expands at once (an empty file= once made
# make run stop at QEMU's "A block device must be specified").
DISK ?= $(B)/disk.img
DEVICE_FLAGS := -global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off -device intel-iommu \
                -device pcie-root-port,id=rp1,chassis=1,slot=1 \
                -device pcie-root-port,id=rp2,chassis=2,slot=2 \
                -device virtio-rng-pci,bus=rp1,id=rng0,iommu_platform=on \
                -device pcie-root-port,id=rp3,chassis=3,slot=3 \
                -drive file=$(DISK),if=none,id=disk0,format=raw \
                -device virtio-blk-pci,bus=rp3,drive=disk0,iommu_platform=on \
                -device pcie-root-port,id=rp4,chassis=4,slot=4 \
                -netdev user,id=n0,restrict=on \
                -device virtio-net-pci,bus=rp4,netdev=n0,iommu_platform=on,disable-legacy=on
$(DISK): | $(B)/host/tools/keep
	@mkdir -p $(@D)
	KEEP=$(B)/host/tools/keep bash tools/mkdisk.sh $@
.PHONY: disk
disk:
	rm -f $(DISK)
	$(MAKE) $(DISK)

.PHONY: run debug iso
run: $(KERNEL_BIN) $(B)/prog/init.elf $(B)/boot.img | $(DISK)
	$(QEMU) $(QEMU_FLAGS) $(DEVICE_FLAGS) -serial mon:stdio -kernel $(KERNEL_BIN) \
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
