# SPDX-License-Identifier: BSD-3-Clause
#
# lib/trust: identity, VCIDs, packages, the install gate and the log's
# Merkle/note formats (docs/TRUST.md).  Freestanding like lib/crypto: it is
# built for VectraOS user land (libvxtrust.a) and for host tools, tests,
# fuzzers and benchmarks.  It does no I/O; tools/vectra does.
TRUST_SRCS       := $(sort $(wildcard lib/trust/*.c))
TRUST_USER_OBJS  := $(call objs,$(B)/user,$(TRUST_SRCS))
TRUST_HOST_OBJS  := $(call objs,$(B)/host,$(TRUST_SRCS))
TRUST_BENCH_OBJS := $(call objs,$(B)/bench,$(TRUST_SRCS))
TRUST_FUZZ_OBJS  := $(call objs,$(B)/fuzz,$(TRUST_SRCS))

$(B)/user/libvxtrust.a: $(TRUST_USER_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

# The freestanding build is part of `make`, so user land can link it.
all: $(B)/user/libvxtrust.a
include tools/vectra/vectra.mk
