# SPDX-License-Identifier: BSD-3-Clause
#
# lib/crypto: the trust primitives, one freestanding library built four ways.
# Every lib/crypto/*.c is part of it; files named *_host.c use the host OS
# (for example the getrandom entropy source) and are left out of the
# VectraOS build.
CRYPTO_SRCS      := $(sort $(filter-out %_host.c,$(wildcard lib/crypto/*.c)))
CRYPTO_HOST_SRCS := $(sort $(wildcard lib/crypto/*.c))

CRYPTO_USER_OBJS  := $(call objs,$(B)/user,$(CRYPTO_SRCS))
CRYPTO_HOST_OBJS  := $(call objs,$(B)/host,$(CRYPTO_HOST_SRCS))
CRYPTO_BENCH_OBJS := $(call objs,$(B)/bench,$(CRYPTO_HOST_SRCS))
CRYPTO_FUZZ_OBJS  := $(call objs,$(B)/fuzz,$(CRYPTO_HOST_SRCS))

$(B)/user/libvxcrypto.a: $(CRYPTO_USER_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^
