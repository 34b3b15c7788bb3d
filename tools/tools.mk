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
