# SPDX-License-Identifier: BSD-3-Clause
#
# dns.img: the DNS scenario's image (tests/qemu/dns_test.py).  The normal
# services and manifest, but netd takes the static address 10.9.0.2/24 and
# dnsd asks 10.9.0.1, the Python peer (tests/net/dnspeer.py) on the other
# end of QEMU's socket netdev, on 127.0.0.1; SYS:etc/hosts is
# tests/qemu/etc/hosts-dns.  awk adds the two args lines under their
# service lines; the check after it fails the build if either is missing.
$(B)/dns-manifest: services/init/etc/manifest mk/dns.mk
	awk '{ print } \
	     /^service netd$$/ { print "    args static 10.9.0.2/24" } \
	     /^service dnsd$$/ { print "    args server 10.9.0.1" }' $< >$@
	grep -q '^    args static 10.9.0.2/24$$' $@ && grep -q '^    args server 10.9.0.1$$' $@
$(B)/dns.img: $(foreach p,$(BOOT_PROGS),$(B)/prog/$(p).elf) $(B)/dns-manifest \
		tests/qemu/etc/hosts-dns services/init/etc/drivers $(MKBOOTIMG)
	$(MKBOOTIMG) $@ $(foreach p,$(BOOT_PROGS),bin/$(p)=$(B)/prog/$(p).elf) \
		etc/manifest=$(B)/dns-manifest etc/drivers=services/init/etc/drivers \
		etc/hosts=tests/qemu/etc/hosts-dns

TEST_IMAGES += $(B)/dns.img
