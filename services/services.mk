# SPDX-License-Identifier: BSD-3-Clause
#
# User programs.  Every services/NAME/ directory with a main.c is one
# program; so are the test and benchmark Tasks listed below.  Each links
# against the protocol clients (lib/client), the runtime (lib/rt), the
# drivers' and file systems' libraries (lib/dev, lib/fs) and the crypto
# library into $(B)/prog/NAME.elf.  Files named services/*/pure_*.c
# hold a service's pure logic: they also build for the host, where
# tests/host and tests/fuzz use them.  The service protocols are ABI:
# include/vectra/proto/.  The boot images made from these programs, and
# the QEMU rules, are mk/images.mk.
#
#   services/init   the root Task of the normal boot: supervisor and broker
#   services/vpkg/demo  pkgdemo, the payload of the boot image's demo package
#   tests/ktest     the root Task of the test image: the in-OS test suite
#   tests/victim    a child that misbehaves on request (faults, bombs, spins)
#   tests/hostile   a client that misuses the services (hostile_test.py)
#   bench/kbench    the root Task of the benchmark image
#   bench/partner   the other side of the two-Task benchmarks
#   bench/fsbench   the storage benchmarks, a service of the storage bench image
#   bench/pxrun     has linuxd run the POSIX bridge's benchmark (bench-posix image)
USER_LDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack

# Pure service logic, also built for host tests and fuzzers.
SVC_PURE_SRCS := $(sort $(wildcard services/*/pure_*.c))
SVC_HOST_OBJS := $(call objs,$(B)/host,$(SVC_PURE_SRCS))
SVC_FUZZ_OBJS := $(call objs,$(B)/fuzz,$(SVC_PURE_SRCS))
CRYPTO_LIB   := $(B)/user/libvxcrypto.a
TRUST_LIB    := $(B)/user/libvxtrust.a
USER_PROGS   :=

# $(call user_prog,NAME,DIR)
define user_prog
$(1)_OBJS := $$(call objs,$(B)/user,$$(sort $$(wildcard $(2)/*.c)))
$(B)/prog/$(1).elf: $$($(1)_OBJS) $(RT_START_OBJ) $(CLIENT_LIB) $(RT_LIB) $(TRUST_LIB) \
		$(DRV_LIB) $(DEV_LIB) $(BLK_LIB) $(FS_LIB) $(NET_LIB) $(POSIX_LIB) $(CRYPTO_LIB) $(RT_LDSCRIPT)
	@mkdir -p $$(@D)
	$(LD) $(USER_LDFLAGS) -T $(RT_LDSCRIPT) -o $$@ $(RT_START_OBJ) $$($(1)_OBJS) \
		$(CLIENT_LIB) $(TRUST_LIB) $(DRV_LIB) $(DEV_LIB) $(BLK_LIB) $(FS_LIB) $(NET_LIB) $(POSIX_LIB) $(RT_LIB) $(CRYPTO_LIB) $(RT_LIB)
USER_PROGS += $(B)/prog/$(1).elf
endef

SERVICE_NAMES := $(sort $(notdir $(patsubst %/main.c,%,$(wildcard services/*/main.c))))
$(foreach s,$(SERVICE_NAMES),$(eval $(call user_prog,$(s),services/$(s))))
# The demo package's payload (mkdemo.sh signs it; it is also SYS:bin/pkgdemo).
$(eval $(call user_prog,pkgdemo,services/vpkg/demo))
$(eval $(call user_prog,ktest,tests/ktest))
$(eval $(call user_prog,victim,tests/victim))
$(eval $(call user_prog,hostile,tests/hostile))
$(eval $(call user_prog,kbench,bench/kbench))
$(eval $(call user_prog,partner,bench/partner))
$(eval $(call user_prog,fsbench,bench/fsbench))
$(eval $(call user_prog,pxrun,bench/pxrun))
