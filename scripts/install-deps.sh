#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Installs everything VectraOS needs to build, run, test and benchmark, by
# exact Debian package name.  Nothing else is downloaded, ever.
set -euo pipefail

packages=(
	# build: C11 toolchains (gcc and clang), binutils, make
	gcc make binutils clang lld libclang-rt-14-dev clang-format git
	# run: QEMU (TCG), and GRUB for the ISO that boots real hardware
	qemu-system-x86 grub-pc-bin grub-common xorriso mtools gdb
	# tests: cmocka, the crypto reference implementations, valgrind
	libcmocka-dev libsodium-dev libssl-dev b3sum python3 python3-mnemonic
	python3-cryptography-vectors valgrind bc
	# the DNS parser's differential test (tests/host/dns_oracle.py)
	python3-dnspython
	# GPT test images: sfdisk (util-linux's fdisk package) and sgdisk
	fdisk gdisk
	# the FAT32 library's differential test: mkfs.fat and fsck.fat (mtools,
	# which fills and reads the volumes, is above)
	dosfstools
	# model checking of the ring protocol
	spin
	# the network scenarios' captures, read by a dissector nobody here wrote
	# (tests/qemu/pcaps.py)
	tshark
	# the trust chain's oracle: Go's sumdb/note and sumdb/tlog, built offline
	golang-go golang-golang-x-mod-dev
	# make bench: the Linux guest's initramfs (cpio) and the chart (gnuplot);
	# the guest's kernel and busybox are only downloaded, never installed
	cpio gnuplot-nox
	# the POSIX bridge (docs/POSIX.md): Debian's own Linux programs that run
	# under linuxd, and whose ELF files lib/posix's tests parse; glibc's
	# headers, crt files and static libc (what tcc compiles against inside
	# VectraOS, and the tests' static Linux programs)
	busybox-static tcc libc6-dev
	# make bench's storage figures: the guest's ext4 images, made on the
	# host with mke2fs -d and debugfs, filled with openssl's AES-CTR stream
	e2fsprogs openssl
)

sudo=
[ "$(id -u)" -ne 0 ] && sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${packages[@]}"
