# SPDX-License-Identifier: BSD-3-Clause
#
# tools/vectra: the host command-line tool for the trust chain
# (docs/TRUST.md).  Built with the host flags (ASan/UBSan), so the
# end-to-end tests exercise lib/trust under the sanitizers too.
VECTRA_SRCS := $(sort $(wildcard tools/vectra/*.c))
VECTRA      := $(B)/host/tools/vectra/vectra

$(VECTRA): $(call objs,$(B)/host,$(VECTRA_SRCS)) $(TRUST_HOST_OBJS) $(CRYPTO_HOST_OBJS)
	$(CC) $(HOST_LDFLAGS) -o $@ $^

.PHONY: vectra
vectra: $(VECTRA)
