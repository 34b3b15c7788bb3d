# SPDX-License-Identifier: BSD-3-Clause
#
# VectraOS linked to a Linux guest (docs/NET.md, "A Linux peer").
#
#   linuxpeer.img        the normal services, netd with a fixed address
#                        (args static $(LINUXPEER_VX_ADDR)) instead of DHCP
#   linuxpeer-sock.img   the same with socktest, netd on 10.0.2.15/24
#   make run-linuxpeer   boot the Linux peer (bench/linux/peer.sh) on this
#                        terminal, listening for the link on
#                        127.0.0.1:$(LINUXPEER_PORT)
#   make run-linuxpeer-vectra  then, on a second terminal, VectraOS with
#                        linuxpeer.img, its card on that link
#
# tests/qemu/linuxpeer_test.py boots the same two machines with the same
# device flags (keep the two in step) on a link of its own.
LINUXPEER_VX_ADDR := 10.8.0.2/24
LINUXPEER_PORT    ?= 5612

# $(call linuxpeer_netd,ADDR/N) prints the normal manifest with netd's
# args set to "static ADDR/N": any args line of netd's block is dropped
# and ours put right after "service netd".  The grep makes a manifest
# without a netd block fail at build time, not at boot.
linuxpeer_netd = awk -v args='    args static $(1)' \
	'/^service /{netd = $$2 == "netd"} netd && /^ *args /{next} {print} \
	/^service netd$$/{print args}' services/init/etc/manifest >$@.tmp && \
	grep -qx '    args static $(1)' $@.tmp
$(B)/linuxpeer-manifest: services/init/etc/manifest mk/linuxpeer.mk
	$(call linuxpeer_netd,$(LINUXPEER_VX_ADDR))
	mv $@.tmp $@
$(B)/linuxpeer.img: $(foreach p,$(BOOT_PROGS),$(B)/prog/$(p).elf) $(B)/linuxpeer-manifest \
		services/init/etc/drivers $(MKBOOTIMG)
	$(MKBOOTIMG) $@ $(foreach p,$(BOOT_PROGS),bin/$(p)=$(B)/prog/$(p).elf) \
		etc/manifest=$(B)/linuxpeer-manifest etc/drivers=services/init/etc/drivers
# The same with socktest (tests/hostile/sock.c, started at boot as sock.img
# starts it: tests/qemu/etc/sock), netd on 10.0.2.15/24: socktest's echo
# server is 10.0.2.100:7, which the Linux peer takes as a second address.
$(B)/linuxpeer-sock-manifest: services/init/etc/manifest tests/qemu/etc/sock mk/linuxpeer.mk
	$(call linuxpeer_netd,10.0.2.15/24)
	cat tests/qemu/etc/sock >>$@.tmp
	mv $@.tmp $@
$(B)/linuxpeer-sock.img: $(foreach p,$(BOOT_PROGS) hostile,$(B)/prog/$(p).elf) \
		$(B)/linuxpeer-sock-manifest services/init/etc/drivers $(MKBOOTIMG)
	$(MKBOOTIMG) $@ $(foreach p,$(BOOT_PROGS) hostile,bin/$(p)=$(B)/prog/$(p).elf) \
		etc/manifest=$(B)/linuxpeer-sock-manifest etc/drivers=services/init/etc/drivers

TEST_IMAGES += $(B)/linuxpeer.img $(B)/linuxpeer-sock.img

# Both machines: q35 with the VT-d IOMMU, the card on a PCIe root port,
# modern-only and behind the IOMMU (iommu_platform=on,disable-legacy=on),
# as make run gives VectraOS; Debian's kernel takes the same flags.  The
# Linux card has a MAC of its own: QEMU gives every card 52:54:00:12:34:56
# unless told.  The link is a TCP stream on 127.0.0.1 only: the Linux
# peer's QEMU listens, VectraOS's connects, and nothing else is on it.
LINUXPEER_DEVICES := -global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off \
	-device intel-iommu -device pcie-root-port,id=rp1,chassis=1,slot=1
LINUXPEER_CARD := virtio-net-pci,bus=rp1,netdev=n0,iommu_platform=on,disable-legacy=on
LINUXPEER_LINK := stream,id=n0,addr.type=inet,addr.host=127.0.0.1,addr.port=$(LINUXPEER_PORT)

.PHONY: run-linuxpeer run-linuxpeer-vectra
run-linuxpeer:
	@B=$(B) bash bench/linux/peer.sh
	$(QEMU) -machine q35 -m 512M -smp 1 -no-reboot -display none $(LINUXPEER_DEVICES) \
		-netdev $(LINUXPEER_LINK),server=on \
		-device $(LINUXPEER_CARD),mac=52:54:00:00:08:01 \
		-chardev stdio,id=con,mux=on,signal=off -serial chardev:con -mon chardev=con \
		-kernel "$$(sed -n 's/^kernel //p' $(B)/linux/peer.env)" -initrd $(B)/linux/peer.cpio \
		-append "console=ttyS0 quiet panic=-1"

run-linuxpeer-vectra: $(KERNEL_BIN) $(B)/prog/init.elf $(B)/linuxpeer.img
	$(QEMU) $(QEMU_FLAGS) $(LINUXPEER_DEVICES) -netdev $(LINUXPEER_LINK),server=off \
		-device $(LINUXPEER_CARD) -serial mon:stdio -kernel $(KERNEL_BIN) \
		-initrd $(B)/prog/init.elf,$(B)/linuxpeer.img

# The scenario with the large transfer at the issue's full 100 MiB each
# way (socktest's echo, and the shell's get and serve, whose copy goes to
# HOME: on a disk of its own).  Under TCG that is minutes (docs/NET.md),
# too long for make test.
.PHONY: test-linuxpeer-100m
test-linuxpeer-100m: $(KERNEL_BIN) $(B)/prog/init.elf $(B)/linuxpeer.img $(B)/linuxpeer-sock.img \
		$(B)/host/tools/keep
	@LINUXPEER_MIB=100 B=$(B) bash tests/qemu/scenario_linuxpeer.sh
