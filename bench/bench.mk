# SPDX-License-Identifier: BSD-3-Clause
#
# Benchmarks.  bench/crypto/bench_*.c are host programs that time this
# library against libsodium and OpenSSL in the same run; the kernel
# benchmarks boot an image under -icount shift=0 (see docs/BENCHMARKS.md).
CRYPTO_BENCH_SRCS := $(sort $(wildcard bench/crypto/bench_*.c))
CRYPTO_BENCH_BINS := $(patsubst bench/crypto/%.c,$(B)/bench/%,$(CRYPTO_BENCH_SRCS))

$(CRYPTO_BENCH_BINS): $(B)/bench/%: $(B)/bench/bench/crypto/%.o $(CRYPTO_BENCH_OBJS)
	$(CC) -o $@ $^ -lsodium -lcrypto -lm

# The Linux guest's side of `make bench` (bench/linux): the same benchmarks
# as static Linux programs, built with Debian's gcc whatever CC is.
LINUX_BENCH_CC   ?= gcc
LINUX_BENCH_BINS := $(B)/bench/linux/lbench $(B)/bench/linux/exit0 $(B)/bench/linux/fsbench
LINUX_BENCH_BINS += $(B)/bench/linux/lnetbench

$(B)/bench/linux/lbench: bench/linux/lbench.c
	@mkdir -p $(@D)
	$(LINUX_BENCH_CC) $(WARN) -O2 -static -o $@ $<

$(B)/bench/linux/fsbench: bench/linux/fsbench.c
	@mkdir -p $(@D)
	$(LINUX_BENCH_CC) $(WARN) -O2 -static -o $@ $<

$(B)/bench/linux/lnetbench: bench/linux/lnetbench.c
	@mkdir -p $(@D)
	$(LINUX_BENCH_CC) $(WARN) -O2 -static -o $@ $<

$(B)/bench/linux/exit0: bench/linux/exit0.c
	@mkdir -p $(@D)
	$(LINUX_BENCH_CC) $(WARN) -O2 -static -nostdlib -fno-stack-protector -o $@ $<

# Where one kbench benchmark's instructions go, function by function
# (bench/profile.sh, tools/stepprof.py): make profile BENCH=ringpong
# MARK=0x401060, MARK being an address its loop passes once per iteration.
.PHONY: profile
profile: $(KERNEL_BIN) $(B)/bench.img $(B)/prog/kbench.elf
	@B=$(B) bash bench/profile.sh $(BENCH) $(MARK) $(STEPS)

# Where make bench-net's VectraOS instructions go, per function, on both
# machines (bench/net/profile.sh): a QEMU plugin counts every instruction.
INSNPROF := $(B)/host/tools/insnprof.so

$(INSNPROF): tools/insnprof.c
	@mkdir -p $(@D)
	$(CC) $(WARN) -O2 -shared -fPIC -o $@ $<

.PHONY: profile-net
profile-net: $(KERNEL_BIN) $(B)/prog/init.elf $(NETBENCH_IMAGES) $(INSNPROF)
	@B=$(B) bash bench/net/profile.sh

.PHONY: bench-crypto bench bench-fs bench-net bench-posix
bench-crypto: $(CRYPTO_BENCH_BINS)
	@bash bench/crypto/table.sh $(CRYPTO_BENCH_BINS)

bench: $(KERNEL_BIN) $(BENCH_IMAGES) $(NETBENCH_IMAGES) $(B)/prog/init.elf $(B)/boot.img $(LINUX_BENCH_BINS) $(KEEP_TOOL)
	@B=$(B) bash bench/run.sh

# Only the storage section of `make bench` (the Linux guest's storage
# figures beside VectraOS's, bench/run.sh's storage()), without the kernel
# benchmarks.
bench-fs: $(KERNEL_BIN) $(B)/prog/init.elf $(B)/bench-fs.img $(KEEP_TOOL) $(B)/bench/linux/fsbench
	@B=$(B) BENCH_ONLY=fs bash bench/run.sh

# Only the network section of make bench (bench/net/net.sh: two VectraOS
# machines on one link, then two Linux guests), without the rest.
bench-net: $(KERNEL_BIN) $(B)/prog/init.elf $(NETBENCH_IMAGES) $(B)/bench/linux/lnetbench
	@B=$(B) BENCH_ONLY=net bash bench/run.sh

# Only the POSIX bridge's section of make bench (bench/run.sh's posix():
# bench/linux/pxbench under linuxd, then on the Linux guest).
bench-posix: $(KERNEL_BIN) $(B)/prog/init.elf $(B)/bench-posix.img
	@B=$(B) BENCH_ONLY=posix bash bench/run.sh

# Instructions per BLAKE3 one-call hash (4 KiB, Keep's block checksum, and
# 64 KiB) with the SSE2 path forced, under callgrind: the guest's own
# objects (user-land flags) around a small driver; see
# bench/crypto/icount_blake3.c.
ICOUNT_B3 := $(B)/bench/icount_blake3
$(ICOUNT_B3): $(B)/bench/bench/crypto/icount_blake3.o $(B)/user/lib/crypto/blake3.o \
              $(B)/user/lib/crypto/ct.o $(B)/user/lib/base/string.o
	$(CC) -no-pie -o $@ $^

.PHONY: bench-b3-icount
bench-b3-icount: $(ICOUNT_B3)
	@B=$(B) bash bench/crypto/icount_blake3.sh $(ICOUNT_B3)
