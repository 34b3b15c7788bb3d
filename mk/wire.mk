# SPDX-License-Identifier: BSD-3-Clause
#
# Two VectraOS machines on one link (docs/NET.md, "Two machines on one
# link").  The images are the normal boot image with netd given a fixed
# address instead of DHCP, one per machine:
#
#   wire-1.img   netd: args static 10.7.0.1/24
#   wire-2.img   netd: args static 10.7.0.2/24
#
# Each guest's virtio-net card is a QEMU `-netdev stream` socket to
# tests/net/relay.py on 127.0.0.1, which forwards the frames between them
# (and, in the test, drops, reorders, duplicates and corrupts them, and
# injects hostile packets: tests/qemu/wire_test.py).
#
#   make run-net      boot both machines linked through a clean relay:
#                     machine 1 on this terminal, machine 2's console on a
#                     127.0.0.1 port (tests/net/run-net.sh says which;
#                     WIRE_PORT=N moves the four ports, default 47000..3)

WIRE_HOSTS := 1 2

# The manifest: the normal one with an args line added to netd's block.
$(B)/wire-%-manifest: services/init/etc/manifest
	@mkdir -p $(@D)
	awk '{ print } /^service netd$$/ { print "    args static 10.7.0.$*/24" }' $< >$@
	grep -q '^    args static 10.7.0.$*/24$$' $@

$(B)/wire-%.img: $(foreach p,$(BOOT_PROGS),$(B)/prog/$(p).elf) $(B)/wire-%-manifest \
		services/init/etc/drivers $(MKBOOTIMG)
	$(MKBOOTIMG) $@ $(foreach p,$(BOOT_PROGS),bin/$(p)=$(B)/prog/$(p).elf) \
		etc/manifest=$(B)/wire-$*-manifest etc/drivers=services/init/etc/drivers

WIRE_IMAGES := $(foreach n,$(WIRE_HOSTS),$(B)/wire-$(n).img)
TEST_IMAGES += $(WIRE_IMAGES)

# make run-net: the relay (no impairment until told), machine 2 in the
# background, machine 1 in the foreground; quitting machine 1 (Ctrl-A X)
# stops the other two.
WIRE_PORT ?= 47000
.PHONY: run-net
run-net: $(KERNEL_BIN) $(B)/prog/init.elf $(WIRE_IMAGES)
	@B=$(B) WIRE_PORT=$(WIRE_PORT) bash tests/net/run-net.sh
