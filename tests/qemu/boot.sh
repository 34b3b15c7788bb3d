#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Boots one VectraOS image under QEMU (TCG) with the serial console in a log
# file, and enforces a timeout.  Used by the scenario tests and benchmarks.
#
# usage: tests/qemu/boot.sh LOG TIMEOUT_S ROOT.elf BOOT.img [extra qemu flags...]
# Exit status: QEMU's (isa-debug-exit turns a guest write of v into 2v+1),
# or 124 on timeout.
set -u
log=$1 limit=$2 root=$3 img=$4
shift 4
B=${B:-build}
timeout --foreground -k 5 "$limit" qemu-system-x86_64 -machine q35 -m 512M -smp "${SMP:-1}" $("$(dirname "$0")"/../../scripts/qemu-accel.sh "${SMP:-1}") \
	-no-reboot -display none -monitor none -serial "file:$log" \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-kernel "$B/kernel.bin" -initrd "$root,$img" "$@" </dev/null
