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
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,usr/lib/x86_64-linux-gnu,usr/lib64,etc,tmp,work,dev}
chmod 755 "$stage"
# Debian's merged /usr: /lib and /lib64 are links into /usr.
ln -s usr/lib "$stage/lib"
ln -s usr/lib64 "$stage/lib64"

# add HOSTPATH: copies a file from the host into the same place, and
# records which Debian package owns it.
# add HOSTPATH [DEST [PACKAGE]]: PACKAGE, when the caller knows it, spares
# a dpkg -S per file.
add() {
	local src=$1 dst=${2:-$1} pkg=${3:-}
	local real ver
	real=$(readlink -f "$src")
	mkdir -p "$stage/$(dirname "$dst")"
	cp "$real" "$stage/$dst"
	[ -n "$pkg" ] || pkg=$(dpkg -S "$src" 2>/dev/null | head -n1 | cut -d: -f1 || true)
	[ -n "$pkg" ] || pkg=$(dpkg -S "$real" 2>/dev/null | head -n1 | cut -d: -f1 || true)
	[ -n "$pkg" ] || { echo "mkroot: no Debian package owns $src" >&2; exit 1; }
	ver=${versions[$pkg]:-}
	[ -n "$ver" ] || { ver=$(dpkg-query -W -f='${Version}' "$pkg"); versions[$pkg]=$ver; }
	printf '/%s %s %s %s\n' "${dst#/}" "$pkg" "$ver" "$(sha256sum "$stage/$dst" | cut -d' ' -f1)" \
		>>"$manifest"
}
declare -A versions

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
# make and tcc, dynamically linked as Debian ships them: ld.so loads them
# with the shared libraries ldd names.  tcc compiles against glibc's
# headers (libc6-dev; not the kernel's, linux-libc-dev), and links with
# crt1.o, libc.so's script and libtcc1.a as on Debian.
ML=x86_64-linux-gnu
add /usr/bin/make
add /usr/bin/tcc
for lib in libc.so.6 libm.so.6 libdl.so.2 libpthread.so.0 ld-linux-x86-64.so.2; do
	add /lib/$ML/$lib usr/lib/$ML/$lib
done
ln -s ../lib/$ML/ld-linux-x86-64.so.2 "$stage/usr/lib64/ld-linux-x86-64.so.2"
for f in crt1.o crti.o crtn.o libc.so libc_nonshared.a; do
	add /usr/lib/$ML/$f
done
while read -r f; do add "$f" "$f" tcc; done < <(find /usr/lib/$ML/tcc -type f | sort)
while read -r f; do
	[ -f "$f" ] && add "$f" "$f" libc6-dev
done < <(dpkg -L libc6-dev | grep '^/usr/include/')
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
