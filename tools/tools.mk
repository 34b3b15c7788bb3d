# SPDX-License-Identifier: BSD-3-Clause
#
# Host tools.  They are ordinary Linux programs built with HOST_CFLAGS and
# may link lib/rt's pure objects (the same code user land runs).
MKBOOTIMG := $(B)/host/tools/mkbootimg
TOOLS     := $(MKBOOTIMG)

$(MKBOOTIMG): $(B)/host/tools/mkbootimg.o $(B)/host/lib/rt/bootimg.o
	$(CC) $(HOST_LDFLAGS) -o $@ $^

.PHONY: tools
tools: $(TOOLS)

# keep: Keep volumes from Linux (tools/keep.c, docs/FS.md), built from the
# same lib/fs sources as user land, under the host sanitizers.
KEEP_TOOL := $(B)/host/tools/keep
TOOLS     += $(KEEP_TOOL)

$(KEEP_TOOL): $(B)/host/tools/keep.o $(FS_HOST_OBJS) $(CRYPTO_HOST_OBJS) $(B)/host/lib/rt/errstr.o
	$(CC) $(HOST_LDFLAGS) -o $@ $^

all: $(KEEP_TOOL)
