# SPDX-License-Identifier: BSD-3-Clause
#
# lib/drv: the bring-up every PCI driver Task repeats (drv.h): Bundle
# slots, the configuration page and BARs mapped, DMA memory, one MSI-X
# vector.  It makes syscalls, so it is built for VectraOS user land only
# (libvxdrv.a); the pure half is lib/dev.
DRV_SRCS      := $(sort $(wildcard lib/drv/*.c))
DRV_USER_OBJS := $(call objs,$(B)/user,$(DRV_SRCS))
DRV_LIB       := $(B)/user/libvxdrv.a

$(DRV_LIB): $(DRV_USER_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

all: $(DRV_LIB)
