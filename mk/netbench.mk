# SPDX-License-Identifier: BSD-3-Clause
#
# The network benchmarks (docs/BENCHMARKS.md, "1.4 Network"): two
# VectraOS machines on one link, each running bench/net/netbench as a
# service (bench/etc/netbench), the normal services beside it.
#
#   netbench-server.img  netd: args static 10.5.0.1/24; netbench server
#   netbench-client.img  netd: args static 10.5.0.2/24; netbench client
#                        of 10.5.0.1
#
# bench/run.sh boots the two (make bench, make bench-net) with their cards
# joined by a -netdev stream link on 127.0.0.1, as it does two Linux
# guests running bench/linux/lnetbench.c.
$(eval $(call user_prog,netbench,bench/net))

NETBENCH_ROLES := server client
netbench_addr_server := 10.5.0.1/24
netbench_addr_client := 10.5.0.2/24
netbench_args_server := server
netbench_args_client := client 10.5.0.1

# The manifest: the normal one with netd's fixed address (one args line
# after "service netd"), then netbench's block and its args.
$(B)/netbench-%-manifest: services/init/etc/manifest bench/etc/netbench mk/netbench.mk
	@mkdir -p $(@D)
	awk '{ print } /^service netd$$/ { print "    args static $(netbench_addr_$*)" }' $< >$@.tmp
	grep -q '^    args static $(netbench_addr_$*)$$' $@.tmp
	cat bench/etc/netbench >>$@.tmp
	echo '    args $(netbench_args_$*)' >>$@.tmp
	mv $@.tmp $@

$(B)/netbench-%.img: $(foreach p,$(BOOT_PROGS) netbench,$(B)/prog/$(p).elf) \
		$(B)/netbench-%-manifest services/init/etc/drivers $(MKBOOTIMG)
	$(MKBOOTIMG) $@ $(foreach p,$(BOOT_PROGS) netbench,bin/$(p)=$(B)/prog/$(p).elf) \
		etc/manifest=$(B)/netbench-$*-manifest etc/drivers=services/init/etc/drivers

NETBENCH_IMAGES := $(foreach r,$(NETBENCH_ROLES),$(B)/netbench-$(r).img)
.PRECIOUS: $(B)/netbench-%-manifest
