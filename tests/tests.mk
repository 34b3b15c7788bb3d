# SPDX-License-Identifier: BSD-3-Clause
#
# Tests.  Every test program speaks TAP ("ok N - name" / "not ok N - name");
# tests/run-tests.sh runs them all and prints the closing
# "N passed, N failed" line.
#
#   tests/host/test_*.c    unit tests of pure logic (cmocka, ASan/UBSan)
#   tests/crypto/test_*.c  crypto vectors, differential and rejection tests
#   tests/crypto/tool_*.c  host CLIs that the diff_*.py scripts drive
#   tests/crypto/diff_*.py differential tests against Debian's references
#   tests/crypto/ctgrind_*.c constant-time evidence: secrets marked undefined,
#                          run under valgrind memcheck (no sanitizers)
#   tests/fuzz/fuzz_*.c    libFuzzer targets (bounded smoke in make test)
#   tests/qemu/            scenario tests that boot real images
#   tests/fuzzk/           the kernel syscall fuzzer: its supervisor (the root
#                          Task of fuzzk.img) and worker/; make fuzz-kernel
#   tests/model/           the Ring protocol, model-checked with spin
#   tests/kstack/          fixtures the kernel stack check must catch

# The syscall fuzzer's two programs (mk/images.mk builds fuzzk.img).
$(eval $(call user_prog,fuzzk,tests/fuzzk))
$(eval $(call user_prog,fuzzk-worker,tests/fuzzk/worker))
# The services' protocol fuzzer (mk/images.mk builds svcfuzz.img).
$(eval $(call user_prog,svcfuzz,tests/svcfuzz))

HOST_TEST_SRCS   := $(sort $(wildcard tests/host/test_*.c))
CRYPTO_TEST_SRCS := $(sort $(wildcard tests/crypto/test_*.c))
CRYPTO_TOOL_SRCS := $(sort $(wildcard tests/crypto/tool_*.c))
FUZZ_SRCS        := $(sort $(wildcard tests/fuzz/fuzz_*.c))
CTGRIND_SRCS     := $(sort $(wildcard tests/crypto/ctgrind_*.c))
# Shared host-side test helpers (not tests themselves).  The capability
# model runs the real kernel core over its own arch seams, so it links apart
# from kcore_stubs.c: only into test_kcore_model and fuzz_caps.
KMODEL_SUPPORT_SRCS := tests/support/capmodel.c tests/support/karch_host.c
TEST_SUPPORT_SRCS := $(filter-out $(KMODEL_SUPPORT_SRCS),$(sort $(wildcard tests/support/*.c)))
TEST_SUPPORT_OBJS := $(call objs,$(B)/host,$(TEST_SUPPORT_SRCS))
KMODEL_HOST_OBJS  := $(call objs,$(B)/host,$(KMODEL_SUPPORT_SRCS)) $(KCORE_HOST_OBJS)
KMODEL_FUZZ_OBJS  := $(call objs,$(B)/fuzz,$(KMODEL_SUPPORT_SRCS)) $(KCORE_FUZZ_OBJS)
KMODEL_TEST       := $(B)/host/tests/host/test_kcore_model
KMODEL_FUZZ       := $(B)/fuzz/fuzz_caps
$(call objs,$(B)/host,$(KMODEL_SUPPORT_SRCS)): HOST_CFLAGS += -Ikernel $(ARCH_INC)
$(call objs,$(B)/fuzz,$(KMODEL_SUPPORT_SRCS)) $(B)/fuzz/tests/fuzz/fuzz_caps.o: FUZZ_CFLAGS += -Ikernel $(ARCH_INC)

HOST_TEST_BINS   := $(patsubst %.c,$(B)/host/%,$(HOST_TEST_SRCS))
CRYPTO_TEST_BINS := $(patsubst %.c,$(B)/host/%,$(CRYPTO_TEST_SRCS))
CRYPTO_TOOL_BINS := $(patsubst %.c,$(B)/host/%,$(CRYPTO_TOOL_SRCS))
FUZZ_BINS        := $(patsubst tests/fuzz/%.c,$(B)/fuzz/%,$(FUZZ_SRCS))
CTGRIND_BINS     := $(patsubst tests/crypto/%.c,$(B)/bench/%,$(CTGRIND_SRCS))

# Kernel-core logic compiled for the host (see kernel/kernel.mk).
$(filter-out $(KMODEL_TEST),$(HOST_TEST_BINS)): $(B)/host/tests/host/%: $(B)/host/tests/host/%.o $(RT_HOST_OBJS) $(DEV_HOST_OBJS) $(BLK_HOST_OBJS) $(FS_HOST_OBJS) $(NET_HOST_OBJS) $(POSIX_HOST_OBJS) $(CRYPTO_HOST_OBJS) $(KCORE_UNIT_OBJS) $(SVC_HOST_OBJS) $(TEST_SUPPORT_OBJS)
	$(CC) $(HOST_LDFLAGS) -o $@ $^ $(HOST_LIBS)
$(KMODEL_TEST): $(B)/host/tests/host/test_kcore_model.o $(KMODEL_HOST_OBJS)
	$(CC) $(HOST_LDFLAGS) -o $@ $^ $(HOST_LIBS)
$(CRYPTO_TEST_BINS) $(CRYPTO_TOOL_BINS): $(B)/host/tests/crypto/%: $(B)/host/tests/crypto/%.o $(CRYPTO_HOST_OBJS) $(TEST_SUPPORT_OBJS)
	$(CC) $(HOST_LDFLAGS) -o $@ $^ $(HOST_LIBS)
$(CTGRIND_BINS): $(B)/bench/%: $(B)/bench/tests/crypto/%.o $(CRYPTO_BENCH_OBJS)
	$(CC) -o $@ $^
$(filter-out $(KMODEL_FUZZ),$(FUZZ_BINS)): $(B)/fuzz/%: $(B)/fuzz/tests/fuzz/%.o $(CRYPTO_FUZZ_OBJS) $(RT_FUZZ_OBJS) $(DEV_FUZZ_OBJS) $(BLK_FUZZ_OBJS) $(FS_FUZZ_OBJS) $(NET_FUZZ_OBJS) $(POSIX_FUZZ_OBJS) $(SVC_FUZZ_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $^ -lsodium -lcrypto
$(KMODEL_FUZZ): $(B)/fuzz/tests/fuzz/fuzz_caps.o $(KMODEL_FUZZ_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $^

.PHONY: test test-build check-host check-crypto check-fuzz check-qemu check-format check-model \
        check-layers fuzz-caps
test-build: all $(B)/vectraos.iso $(HOST_TEST_BINS) $(CRYPTO_TEST_BINS) $(CRYPTO_TOOL_BINS) $(CTGRIND_BINS) $(FUZZ_BINS) $(TEST_IMAGES)

test: test-build
	@B=$(B) bash tests/run-tests.sh all
check-host: $(HOST_TEST_BINS) $(KEEP_TOOL)
	@B=$(B) bash tests/run-tests.sh host
check-crypto: $(CRYPTO_TEST_BINS) $(CRYPTO_TOOL_BINS) $(CTGRIND_BINS)
	@B=$(B) bash tests/run-tests.sh crypto
check-fuzz: $(FUZZ_BINS)
	@B=$(B) bash tests/run-tests.sh fuzz
check-qemu: all $(TEST_IMAGES)
	@B=$(B) bash tests/run-tests.sh qemu
check-format:
	@B=$(B) bash tests/run-tests.sh format
check-model:
	@B=$(B) bash tests/run-tests.sh model
check-layers:
	@B=$(B) bash tests/run-tests.sh layers

# The kernel stack check (tools/check-kstack.py): every kernel C file built
# again with the kernel's own flags plus gcc's call-graph and stack-usage
# reports, into $(B)/kstack/.  The normal kernel build is untouched.  The
# analysis is gcc's whatever CC is, so the -isystem path is swapped for
# gcc's own.  tests/kstack/fixture_*.c are built the same way and must be
# caught.
KSTACK_CC      := gcc
KSTACK_CFLAGS  := $(filter-out -isystem $(shell $(CC) -print-file-name=include) -fno-tree-loop-distribute-patterns,$(KERNEL_CFLAGS)) \
                  -isystem $(shell $(KSTACK_CC) -print-file-name=include) \
                  -fno-tree-loop-distribute-patterns
KSTACK_OBJS    := $(call objs,$(B)/kstack,$(filter %.c,$(KERNEL_SRCS)))
KSTACK_ASM_OBJS := $(call objs,$(B)/kstack,$(filter %.S,$(KERNEL_SRCS)))
KSTACK_FIXTURE_OBJS := $(call objs,$(B)/kstack,$(sort $(wildcard tests/kstack/fixture_*.c)))

$(B)/kstack/%.o: %.c
	@mkdir -p $(@D)
	$(KSTACK_CC) $(KSTACK_CFLAGS) $(DEPFLAGS) -fstack-usage -fcallgraph-info=su,da \
		-aux-info $(@:.o=.aux) -c $< -o $@
$(B)/kstack/%.o: %.S
	@mkdir -p $(@D)
	$(KSTACK_CC) $(KSTACK_CFLAGS) $(DEPFLAGS) -D__ASSEMBLY__ -c $< -o $@

# The checker's arguments, rewritten every time so that an object left
# behind by a deleted source is never read.
$(B)/kstack/args: $(KSTACK_OBJS) $(KSTACK_ASM_OBJS) $(KSTACK_FIXTURE_OBJS) FORCE
	@printf '%s\n' $(KSTACK_OBJS) --asm $(KSTACK_ASM_OBJS) --fixtures $(KSTACK_FIXTURE_OBJS) >$@

.PHONY: check-kstack FORCE
test-build: $(B)/kstack/args
check-kstack: $(B)/kstack/args
	@B=$(B) bash tests/run-tests.sh kstack

# The capability model under libFuzzer for much longer than make test's
# smoke (FUZZ_CAPS_SECONDS, default ten minutes).  The corpus grows in
# $(B)/fuzz-caps/corpus; a crash leaves its input in $(B)/fuzz-caps/ (replay
# it with $(KMODEL_FUZZ) FILE; add -minimize_crash=1 -runs=10000 to shrink it).
FUZZ_CAPS_SECONDS ?= 600
fuzz-caps: $(KMODEL_FUZZ)
	@mkdir -p $(B)/fuzz-caps/corpus
	$(KMODEL_FUZZ) -max_total_time=$(FUZZ_CAPS_SECONDS) -max_len=8192 -print_final_stats=1 \
		-artifact_prefix=$(B)/fuzz-caps/ $(B)/fuzz-caps/corpus tests/fuzz/corpus/fuzz_caps

# The Linux syscall fuzzer (tests/linux/lxfuzz.c) under linuxd for much
# longer than scenario_linuxdiff's three seeds: LXFUZZ_SEEDS and
# LXFUZZ_COUNT (calls a seed), scenario_linuxdiff's fuzz checks alone.
LXFUZZ_SEEDS ?= 1 2 3 4 5 6 7 8
LXFUZZ_COUNT ?= 200000
.PHONY: fuzz-linux
fuzz-linux: all
	@mkdir -p $(B)/test-logs
	B=$(B) LXFUZZ_ONLY=1 LXFUZZ_SEEDS="$(LXFUZZ_SEEDS)" LXFUZZ_COUNT=$(LXFUZZ_COUNT) \
		python3 tests/qemu/linuxdiff_test.py

# The trust chain (lib/trust, tools/vectra).
include tests/trust/trust.mk

# The crash log replayer (tests/crashlog/replay.c): every power-cut state of
# a real guest's disk from QEMU's blklogwrites log, for scenario_crashlog.
CRASHLOG_REPLAY := $(B)/host/tests/crashlog/replay
$(CRASHLOG_REPLAY): $(B)/host/tests/crashlog/replay.o $(B)/host/tests/support/logwrites.o \
		$(FS_HOST_OBJS) $(CRYPTO_HOST_OBJS) $(B)/host/lib/rt/errstr.o
	$(CC) $(HOST_LDFLAGS) -o $@ $^
test-build check-qemu: $(CRASHLOG_REPLAY)

# The services' protocol fuzzer (tests/svcfuzz) for longer than make test's
# 20,000 requests a run: make fuzz-services SVCFUZZ_SEED=HEX
# SVCFUZZ_COUNT=N rebuilds svcfuzz.img with those args (mk/images.mk) and
# runs scenario_svcfuzz's checks on it; SMP=N for more CPUs.
.PHONY: fuzz-services
fuzz-services: all $(B)/svcfuzz.img
	@mkdir -p $(B)/test-logs
	B=$(B) SMP=$(SMP) SVCFUZZ_TIMEOUT=$$((300 + $(SVCFUZZ_COUNT) / 500)) \
		python3 tests/qemu/svcfuzz_test.py
