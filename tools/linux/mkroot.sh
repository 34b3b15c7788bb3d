#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Makes linuxd's root archive (docs/POSIX.md, "The programs"): Debian's own
# binaries, taken from the packages scripts/install-deps.sh installs, laid
# out as on Debian, in a POSIX ustar archive that the boot image carries as
# SYS:linux/root.tar.  Every file's package, version and SHA-256 goes into
# /etc/vectra-packages inside the archive, and beside it as OUT.manifest.
#
#   mkroot.sh OUT.tar [OVERLAY_DIR...]
#
# Each OVERLAY_DIR's tree is copied over the root after Debian's files
# (the tests' scripts and programs: mk/linux.mk).
#
# The archive is reproducible: names sorted, owner 0, times fixed.
set -euo pipefail
out=$1
shift
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
manifest=$stage/etc/vectra-packages
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,etc,tmp,work,dev}
chmod 755 "$stage"

# add HOSTPATH: copies a file from the host into the same place, and
# records which Debian package owns it.
add() {
	local src=$1 dst=${2:-$1}
	local real pkg ver
	real=$(readlink -f "$src")
	mkdir -p "$stage/$(dirname "$dst")"
	cp "$real" "$stage/$dst"
	pkg=$(dpkg -S "$src" 2>/dev/null | head -n1 | cut -d: -f1 || true)
	[ -n "$pkg" ] || pkg=$(dpkg -S "$real" 2>/dev/null | head -n1 | cut -d: -f1 || true)
	[ -n "$pkg" ] || { echo "mkroot: no Debian package owns $src" >&2; exit 1; }
	ver=$(dpkg-query -W -f='${Version}' "$pkg")
	printf '%s %s %s %s\n' "$dst" "$pkg" "$ver" "$(sha256sum "$stage/$dst" | cut -d' ' -f1)" \
		>>"$manifest"
}

[ -x /bin/busybox ] || { echo "mkroot: /bin/busybox missing: install busybox-static" >&2; exit 1; }
! readelf -lW /bin/busybox | grep -q 'Requesting program interpreter' ||
	{ echo "mkroot: /bin/busybox is not busybox-static" >&2; exit 1; }
: >"$manifest"
add /bin/busybox
# Every applet is a link to busybox, in the directory busybox says.
/bin/busybox --list-full | while read -r applet; do
	[ "$applet" = bin/busybox ] && continue
	mkdir -p "$stage/$(dirname "$applet")"
	rel=$(realpath --relative-to="$stage/$(dirname "$applet")" "$stage/bin/busybox")
	ln -sf "$rel" "$stage/$applet"
done
printf 'root:x:0:0:root:/work:/bin/sh\n' >"$stage/etc/passwd"
printf 'root:x:0:\n' >"$stage/etc/group"
printf 'vectra\n' >"$stage/etc/hostname"

for overlay in "$@"; do
	cp -r "$overlay/." "$stage/"
done

sort -o "$manifest" "$manifest"
cp "$manifest" "$out.manifest"
tar --format=ustar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@1767225600 \
	-cf "$out.tmp" -C "$stage" .
mv "$out.tmp" "$out"
