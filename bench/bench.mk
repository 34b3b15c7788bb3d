# SPDX-License-Identifier: BSD-3-Clause
#
# Benchmarks.  bench/crypto/bench_*.c are host programs that time this
# library against libsodium and OpenSSL in the same run; the kernel
# benchmarks boot an image under -icount shift=0 (see docs/BENCHMARKS.md).
CRYPTO_BENCH_SRCS := $(sort $(wildcard bench/crypto/bench_*.c))
CRYPTO_BENCH_BINS := $(patsubst bench/crypto/%.c,$(B)/bench/%,$(CRYPTO_BENCH_SRCS))

$(CRYPTO_BENCH_BINS): $(B)/bench/%: $(B)/bench/bench/crypto/%.o $(CRYPTO_BENCH_OBJS)
	$(CC) -o $@ $^ -lsodium -lcrypto -lm

.PHONY: bench-crypto bench
bench-crypto: $(CRYPTO_BENCH_BINS)
	@bash bench/crypto/table.sh $(CRYPTO_BENCH_BINS)

bench: $(KERNEL_BIN) $(BENCH_IMAGES) $(B)/prog/init.elf $(B)/boot.img
	@B=$(B) bash bench/run.sh
