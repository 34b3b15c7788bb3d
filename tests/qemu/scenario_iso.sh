#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Boots the GRUB ISO (make iso): the same kernel through Multiboot 2, with
# GRUB's memory map and modules, as on real hardware.  Passes when init
# starts and lists its capabilities.
set -u
B=${B:-build}
log=$B/test-logs/iso.serial
mkdir -p "$(dirname "$log")"
: >"$log"
qemu-system-x86_64 -m 512M -smp "${SMP:-1}" $("$(dirname "$0")"/../../scripts/qemu-accel.sh "${SMP:-1}") -no-reboot -display none -monitor none \
	-serial "file:$log" -cdrom "$B/vectraos.iso" </dev/null 2>/dev/null &
qemu=$!
for _ in $(seq 600); do
	grep -aq 'vshell> \|kernel panic' "$log" && break
	kill -0 $qemu 2>/dev/null || break
	sleep 0.1
done
kill $qemu 2>/dev/null
wait $qemu 2>/dev/null
out=$(tr -d '\r' <"$log")
check() {
	if grep -aqF -- "$2" <<<"$out"; then echo "ok - iso: $1"; else echo "not ok - iso: $1"; fi
}
check "GRUB hands over through Multiboot 2" "VectraOS: kernel starting"
check "the kernel finds both modules" "2 boot modules"
check "init runs with its capabilities" "capabilities: self ram0 devmem ioports"
check "the shell prompts" "vshell> "
if grep -aq 'kernel panic' <<<"$out"; then echo "not ok - iso: kernel panicked"; fi
