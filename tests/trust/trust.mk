# SPDX-License-Identifier: BSD-3-Clause
#
# Tests of the trust chain (lib/trust, tools/vectra), run by
# `tests/run-tests.sh trust`:
#   tests/trust/test_*.c   cmocka unit tests under ASan/UBSan
#   tests/trust/e2e.sh     the whole story with the vectra tool
#   tests/trust/crash.py   kill -9 during appends, then every ack intact
#   tests/trust/oracle/    Go's sumdb/note and tlog check our notes/proofs
# and the fuzzers tests/fuzz/fuzz_{vpkg,cert,checkpoint,proof}.c.
TRUST_TEST_SRCS := $(sort $(wildcard tests/trust/test_*.c))
TRUST_TEST_BINS := $(patsubst %.c,$(B)/host/%,$(TRUST_TEST_SRCS))

$(TRUST_TEST_BINS): $(B)/host/tests/trust/%: $(B)/host/tests/trust/%.o $(TRUST_HOST_OBJS) $(CRYPTO_HOST_OBJS)
	$(CC) $(HOST_LDFLAGS) -o $@ $^ $(HOST_LIBS)

# The trust fuzzers link lib/trust besides what every fuzzer links.
TRUST_FUZZ_BINS := $(filter $(B)/fuzz/fuzz_vpkg $(B)/fuzz/fuzz_cert $(B)/fuzz/fuzz_checkpoint \
                   $(B)/fuzz/fuzz_proof,$(FUZZ_BINS))
$(TRUST_FUZZ_BINS): $(TRUST_FUZZ_OBJS)

.PHONY: check-trust
test-build: $(TRUST_TEST_BINS) $(VECTRA)
check-trust: $(TRUST_TEST_BINS) $(VECTRA)
	@B=$(B) bash tests/run-tests.sh trust
