# SPDX-License-Identifier: BSD-3-Clause
#
# lib/net: the network stack's protocol logic (docs/NET.md): Ethernet, ARP,
# IPv4, ICMP, UDP, TCP and DHCP as pure state machines over byte buffers,
# with the clock and the output passed in.  No syscalls and no allocation
# of their own, so it is built for VectraOS user land (libvxnet.a, linked
# into netd) and for the host, where tests/host/test_net_*.c and
# tests/fuzz/fuzz_net_*.c run it.
NET_SRCS      := $(sort $(wildcard lib/net/*.c))
NET_USER_OBJS := $(call objs,$(B)/user,$(NET_SRCS))
NET_HOST_OBJS := $(call objs,$(B)/host,$(NET_SRCS))
NET_FUZZ_OBJS := $(call objs,$(B)/fuzz,$(NET_SRCS))
NET_LIB       := $(B)/user/libvxnet.a

$(NET_LIB): $(NET_USER_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

all: $(NET_LIB)
