# SPDX-License-Identifier: BSD-3-Clause
#
# shellcheck shell=bash disable=SC2154 # $B comes from whoever sources this
#
# Debian's kernel and busybox for the Linux guests, sourced by
# bench/linux/guest.sh (make bench's guest) and bench/linux/peer.sh (the
# network peer of tests/qemu/linuxpeer_test.py).  Both guests are a
# versioned linux-image-amd64 kernel and a busybox-static initramfs.
#
# The packages are taken with `apt-get download` and unpacked with
# dpkg-deb into $LINUX_CACHE, outside git; nothing is installed.  Apt's
# package lists must be there (scripts/install-deps.sh runs apt-get
# update).  Every step returns non-zero, with a message on stderr, when
# it cannot go on.
#
#   linux_fetch                    resolve and fetch the two packages; sets
#                                  LINUX_PKG, LINUX_VER, BUSYBOX_VER,
#                                  LINUX_KERNEL, LINUX_DEB, BUSYBOX_DEB
#   linux_root DIR INIT            a fresh initramfs tree: DIR/init from
#                                  INIT, DIR/bin/busybox, /dev /proc /sys
#   linux_modules NAME MODULE...   the kernel's modules, unpacked once into
#                                  a cache folder; prints its path
#   linux_pack DIR CPIO            DIR as a reproducible newc archive

LINUX_CACHE=${LINUX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vectra-bench/linux}
LINUX_PKG="" LINUX_VER="" BUSYBOX_VER=""

# Debian builds virtio-net as a module: these, in an order that loads each
# after what it depends on (their .modinfo "depends=": virtio_net needs
# virtio_ring, virtio and net_failover, which needs failover; virtio_pci
# needs the two virtio_pci_*_dev).  IPv4, packet sockets and the rest are
# built in.  The network peer (bench/linux/peer.sh) and the network
# benchmarks' guests (bench/net/net.sh) load them.
LINUX_NET_MODULES="drivers/virtio/virtio_ring drivers/virtio/virtio
	drivers/virtio/virtio_pci_modern_dev drivers/virtio/virtio_pci_legacy_dev
	drivers/virtio/virtio_pci net/core/failover drivers/net/net_failover
	drivers/net/virtio_net"

# Prints the candidate version of Debian package $1, or nothing.
deb_version() {
	apt-cache show --no-all-versions "$1" 2>/dev/null | sed -n 's/^Version: //p' | head -n1
}

# Prints the path of the cached .deb of package $1 at version $2,
# downloading it first if it is not in $LINUX_CACHE/debs.
deb_fetch() {
	local f
	mkdir -p "$LINUX_CACHE/debs"
	for f in "$LINUX_CACHE/debs/$1"_*.deb; do
		[ -f "$f" ] && [ "$(dpkg-deb -f "$f" Version)" = "$2" ] && echo "$f" && return 0
	done
	(cd "$LINUX_CACHE/debs" && apt-get download -q "$1=$2" >&2) || return 1
	for f in "$LINUX_CACHE/debs/$1"_*.deb; do
		[ "$(dpkg-deb -f "$f" Version)" = "$2" ] && echo "$f" && return 0
	done
	return 1
}

# Resolves the versioned kernel package behind linux-image-amd64 and sets
# LINUX_PKG, LINUX_VER, BUSYBOX_VER, LINUX_KERNEL (vmlinuz), LINUX_DEB
# and BUSYBOX_DEB.  Needs apt's package lists (apt-get update).
linux_fetch() {
	local deb
	LINUX_PKG=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -n1)
	LINUX_VER=$(deb_version "$LINUX_PKG")
	BUSYBOX_VER=$(deb_version busybox-static)
	if [ -z "$LINUX_PKG" ] || [ -z "$LINUX_VER" ] || [ -z "$BUSYBOX_VER" ]; then
		echo "linux guest: apt cannot resolve linux-image-amd64 or busybox-static;" \
			"run apt-get update (scripts/install-deps.sh does)" >&2
		return 1
	fi
	deb=$(deb_fetch "$LINUX_PKG" "$LINUX_VER") || return 1
	LINUX_DEB=$deb
	BUSYBOX_DEB=$(deb_fetch busybox-static "$BUSYBOX_VER") || return 1
	LINUX_KERNEL=$LINUX_CACHE/$LINUX_PKG-$LINUX_VER.vmlinuz
	[ -s "$LINUX_KERNEL" ] ||
		dpkg-deb --fsys-tarfile "$deb" | tar -xO "./boot/vmlinuz-${LINUX_PKG#linux-image-}" \
			>"$LINUX_KERNEL" || return 1
}

# linux_root DIR INIT: a fresh initramfs tree in DIR with /init (a copy
# of INIT), /bin/busybox from the package, and empty /dev, /proc, /sys.
linux_root() {
	local root=$1
	rm -rf "$root" && mkdir -p "$root"/{bin,dev,proc,sys} || return 1
	cp "$2" "$root/init" &&
		dpkg-deb --fsys-tarfile "$BUSYBOX_DEB" | tar -xO ./bin/busybox >"$root/bin/busybox" &&
		chmod 755 "$root/init" "$root/bin/busybox"
}

# linux_modules NAME MODULE...: the kernel package's MODULEs (paths under
# its kernel/ folder without .ko, e.g. drivers/net/virtio_net), given in
# an order that loads each after what it depends on, unpacked into
# $LINUX_CACHE/$LINUX_PKG-$LINUX_VER.NAME with a file "order" that names
# them (basenames) in that order.  Unpacked once, and again when the list
# changes.  Prints the folder.
linux_modules() {
	local name=$1 m kdir=./lib/modules/${LINUX_PKG#linux-image-}/kernel
	local mods=$LINUX_CACHE/$LINUX_PKG-$LINUX_VER.$name
	shift
	if [ "$(cat "$mods/order" 2>/dev/null)" != "$(for m; do echo "${m##*/}"; done)" ]; then
		rm -rf "$mods" && mkdir -p "$mods" || return 1
		# shellcheck disable=SC2046 # one archive member per module
		dpkg-deb --fsys-tarfile "$LINUX_DEB" | tar -x -C "$mods" --transform 's|.*/||' \
			$(for m; do echo "$kdir/$m.ko"; done) || return 1
		for m; do echo "${m##*/}"; done >"$mods/order"
	fi
	echo "$mods"
}

# linux_pack DIR CPIO: DIR as a newc cpio archive in CPIO.  Every file
# gets owner 0 and mtime 0, in sorted order, so that the archive (and its
# sha256, part of make bench's cache keys) changes only when its contents
# do.
linux_pack() {
	find "$1" -exec touch -h -d @0 {} +
	(cd "$1" && find . | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --reproducible --quiet) >"$2"
}
