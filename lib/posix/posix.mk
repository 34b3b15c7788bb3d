# SPDX-License-Identifier: BSD-3-Clause
#
# lib/posix: the Linux x86_64 ABI for linuxd, the personality that serves
# foreign-ABI Tasks (docs/POSIX.md): the ABI's numbers and structure
# layouts, error translation, syscall names, the ELF load plan, the initial
# process stack, path joining and the mount table, the descriptor table and
# the signal frame.  Pure logic over byte buffers with no syscalls and no
# allocation, so it is built for VectraOS user land (libvxposix.a, linked
# into linuxd) and for the host, where tests/host/test_lx_*.c check it
# against the host's own headers and binaries and tests/fuzz/fuzz_lx_*.c
# feed it hostile input.
POSIX_SRCS      := $(sort $(wildcard lib/posix/*.c))
POSIX_USER_OBJS := $(call objs,$(B)/user,$(POSIX_SRCS))
POSIX_HOST_OBJS := $(call objs,$(B)/host,$(POSIX_SRCS))
POSIX_FUZZ_OBJS := $(call objs,$(B)/fuzz,$(POSIX_SRCS))
POSIX_LIB       := $(B)/user/libvxposix.a

$(POSIX_LIB): $(POSIX_USER_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

all: $(POSIX_LIB)
