# SPDX-License-Identifier: BSD-3-Clause
#
# The POSIX bridge's root archive (docs/POSIX.md): Debian's busybox-static,
# laid out as on Debian, as SYS:linux/root.tar in the normal boot image.
# tools/linux/mkroot.sh records each file's package, version and SHA-256.
#
# The tests' overlay: tests/linux/root/ as it is, and every
# tests/linux/*.c built as a static Linux program (Debian's gcc) into
# /tests/bin, so the same binary runs under linuxd and on the host.
LINUX_ROOT_TAR  := $(B)/linux/root.tar
LINUX_TEST_SRCS := $(sort $(wildcard tests/linux/*.c))
LINUX_TEST_BINS := $(patsubst tests/linux/%.c,$(B)/linux/overlay/tests/bin/%,$(LINUX_TEST_SRCS))
LINUX_OVERLAY   := $(sort $(shell find tests/linux/root -type f 2>/dev/null))

$(B)/linux/overlay/tests/bin/%: tests/linux/%.c tests/linux/rawsys.h
	@mkdir -p $(@D)
	gcc -std=gnu11 -Wall -Wextra -Werror -O2 -static -pthread -o $@ $<

# The POSIX bridge's benchmark (bench/linux/pxbench.c): the same static
# binary the Linux guest of make bench runs.
$(B)/linux/overlay/bench/pxbench: bench/linux/pxbench.c
	@mkdir -p $(@D)
	gcc -std=gnu11 -Wall -Wextra -Werror -O2 -static -o $@ $<

# The overlay is laid out afresh from the lists above each time, so that a
# test program deleted from tests/linux leaves nothing behind.
$(LINUX_ROOT_TAR): tools/linux/mkroot.sh $(LINUX_TEST_BINS) $(LINUX_OVERLAY) \
		$(B)/linux/overlay/bench/pxbench
	@rm -rf $(B)/linux/overlay-now
	@mkdir -p $(@D) $(B)/linux/overlay-now/tests/bin $(B)/linux/overlay-now/bench
	$(if $(LINUX_TEST_BINS),cp $(LINUX_TEST_BINS) $(B)/linux/overlay-now/tests/bin/)
	cp $(B)/linux/overlay/bench/pxbench $(B)/linux/overlay-now/bench/
	bash tools/linux/mkroot.sh $@ $(B)/linux/overlay-now $(wildcard tests/linux/root)
