# SPDX-License-Identifier: BSD-3-Clause
#
# The POSIX bridge's root archive (docs/POSIX.md): Debian's busybox-static,
# laid out as on Debian, as SYS:linux/root.tar in the normal boot image.
# tools/linux/mkroot.sh records each file's package, version and SHA-256.
LINUX_ROOT_TAR := $(B)/linux/root.tar

$(LINUX_ROOT_TAR): tools/linux/mkroot.sh
	@mkdir -p $(@D)
	bash tools/linux/mkroot.sh $@
