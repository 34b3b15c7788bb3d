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

# make bench-trust: package verification, log appends and proofs
# (bench/trust/, docs/BENCHMARKS.md).  The HTTP part uses the release-flag
# build of vectra, so the sanitizers do not skew it.
BENCH_TRUST       := $(B)/bench/bench_trust
VECTRA_BENCH      := $(B)/bench/vectra
$(BENCH_TRUST): $(B)/bench/bench/trust/bench_trust.o $(TRUST_BENCH_OBJS) $(CRYPTO_BENCH_OBJS)
	$(CC) -o $@ $^
$(VECTRA_BENCH): $(call objs,$(B)/bench,$(VECTRA_SRCS)) $(TRUST_BENCH_OBJS) $(CRYPTO_BENCH_OBJS)
	$(CC) -o $@ $^

.PHONY: bench-trust
bench-trust: $(BENCH_TRUST) $(VECTRA_BENCH)
	@$(BENCH_TRUST)
	@/usr/bin/python3 bench/trust/log_http.py $(VECTRA_BENCH) 1000
