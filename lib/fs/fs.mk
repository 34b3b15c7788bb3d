# SPDX-License-Identifier: BSD-3-Clause
#
# lib/fs: file systems on a block device the caller brings as callbacks
# (today FAT32, docs/STORAGE.md).  Pure logic with no syscalls and no
# allocation, so it is built for VectraOS user land (libvxfs.a, linked
# into every user program) and for the host, where tests/host/test_fat32.c
# checks it against mkfs.fat, mtools and fsck.fat and
# tests/fuzz/fuzz_fat32.c feeds it hostile images.
FS_SRCS      := $(sort $(wildcard lib/fs/*.c))
FS_USER_OBJS := $(call objs,$(B)/user,$(FS_SRCS))
FS_HOST_OBJS := $(call objs,$(B)/host,$(FS_SRCS))
FS_FUZZ_OBJS := $(call objs,$(B)/fuzz,$(FS_SRCS))
FS_LIB       := $(B)/user/libvxfs.a

$(FS_LIB): $(FS_USER_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

# The freestanding build is part of `make`, so user land can link it.
all: $(FS_LIB)
