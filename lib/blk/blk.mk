# SPDX-License-Identifier: BSD-3-Clause
#
# lib/blk: block storage logic for drivers and file systems (docs/STORAGE.md):
# the GPT parser over a caller's sector reader, the CRC-32 it checks, and
# the block protocol's request decoder and the table of writers' claims
# (one writer per block).  Pure logic with no syscalls and no
# allocation, so it is built for VectraOS user land (libvxblk.a) and for
# the host, where tests/host/test_{gpt,blkproto,blkclaim}.c and
# tests/fuzz/fuzz_{gpt,blkproto}.c run it.
BLK_SRCS      := $(sort $(wildcard lib/blk/*.c))
BLK_USER_OBJS := $(call objs,$(B)/user,$(BLK_SRCS))
BLK_HOST_OBJS := $(call objs,$(B)/host,$(BLK_SRCS))
BLK_FUZZ_OBJS := $(call objs,$(B)/fuzz,$(BLK_SRCS))
BLK_LIB       := $(B)/user/libvxblk.a

$(BLK_LIB): $(BLK_USER_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

# The freestanding build is part of `make`, so user land can link it.
all: $(BLK_LIB)
