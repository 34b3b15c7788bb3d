# SPDX-License-Identifier: BSD-3-Clause
#
# lib/dev: PCI configuration space and virtio 1.x (the modern PCI transport
# and the split virtqueue) for driver Tasks; docs/DEVICES.md.  Pure logic
# over memory the caller maps, with no syscalls and no allocation, so it is
# built for VectraOS user land (libvxdev.a) and for the host, where
# tests/host/test_{pci,virtio}.c and tests/fuzz/fuzz_{pci,virtq}.c run it.
DEV_SRCS      := $(sort $(wildcard lib/dev/*.c))
DEV_USER_OBJS := $(call objs,$(B)/user,$(DEV_SRCS))
DEV_HOST_OBJS := $(call objs,$(B)/host,$(DEV_SRCS))
DEV_FUZZ_OBJS := $(call objs,$(B)/fuzz,$(DEV_SRCS))
DEV_LIB       := $(B)/user/libvxdev.a

$(DEV_LIB): $(DEV_USER_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

# The freestanding build is part of `make`, so user land can link it.
all: $(DEV_LIB)
