#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The Linux network peer (docs/NET.md, "A Linux peer"): Debian's kernel
# and busybox, the same packages and cache as make bench's guest
# (bench/linux/debs.sh), with the virtio-net modules and an /init
# (bench/linux/peerinit) that configures eth0 and runs a shell on the
# serial console.
#
# usage: B=build bash bench/linux/peer.sh
#
# Builds $B/linux/peer.cpio and writes $B/linux/peer.env, two lines:
#   kernel PATH      the kernel (in $LINUX_CACHE)
#   versions TEXT    the kernel and busybox packages and versions
# Exits non-zero with the reason on stderr when it cannot (no apt lists,
# no network to Debian's archive and nothing cached, ...).
set -u
B=${B:-build}
. bench/linux/debs.sh

peer_initramfs() {
	local root=$B/linux/root-peer mods
	# shellcheck disable=SC2086 # a list of modules
	mods=$(linux_modules net-modules $LINUX_NET_MODULES) || return 1
	linux_root "$root" bench/linux/peerinit && mkdir -p "$root/lib/modules" &&
		cp "$mods"/* "$root/lib/modules/" || return 1
	linux_pack "$root" "$B/linux/peer.cpio"
}

mkdir -p "$B/linux" || exit 1
rm -f "$B/linux/peer.env"
if ! linux_fetch; then
	echo "linux peer: no kernel and busybox: Debian's packages could not be resolved or" \
		"fetched with apt-get download into $LINUX_CACHE (the reason is above)" >&2
	exit 1
fi
peer_initramfs || {
	echo "linux peer: could not build $B/linux/peer.cpio" >&2
	exit 1
}
printf 'kernel %s\nversions %s %s, busybox-static %s\n' "$LINUX_KERNEL" \
	"$LINUX_PKG" "$LINUX_VER" "$BUSYBOX_VER" >"$B/linux/peer.env"
