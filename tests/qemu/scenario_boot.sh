#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Boots the normal image (what `make run` boots) and checks, line by line,
# what a newcomer sees before the shell's prompt: the kernel reaches init,
# init lists the capabilities it was given, reads the boot manifest and
# starts each service saying what it gets, the console driver comes up and
# the shell prompts.  QEMU is stopped at the prompt (or after 60 s).
set -u
B=${B:-build}
log=$B/test-logs/boot.serial
mkdir -p "$(dirname "$log")"
: >"$log"
qemu-system-x86_64 -machine q35 -m 512M -smp "${SMP:-1}" $("$(dirname "$0")"/../../scripts/qemu-accel.sh "${SMP:-1}") -no-reboot -display none -monitor none \
	-serial "file:$log" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-kernel "$B/kernel.bin" -initrd "$B/prog/init.elf,$B/boot.img" </dev/null 2>/dev/null &
qemu=$!
for _ in $(seq 600); do
	grep -q 'vshell> \|kernel panic' "$log" && break
	kill -0 $qemu 2>/dev/null || break
	sleep 0.1
done
kill $qemu 2>/dev/null
wait $qemu 2>/dev/null
out=$(tr -d '\r' <"$log")

n=0
expect() {
	n=$((n + 1))
	if grep -qF -- "$2" <<<"$out"; then
		echo "ok $n - boot: $1"
	else
		echo "not ok $n - boot: $1 (no line containing: $2)"
	fi
}
expect "kernel reaches the root task" "VectraOS: starting root task 'init.elf'"
expect "init lists the capabilities it was given" "init: hello. The kernel gave me 11 capabilities: self ram0 devmem ioports ecam mmio0 mmio1 irqs msi pci bootimg"
expect "init says what RAM it has, in every boot RAM Reticle" "init: RAM: ram0 "
expect "init reads the boot manifest" "init: the manifest names 12 services"
expect "the console driver gets only COM1, its IRQ and its port" "init: starting uartd (restart: always); it gets: com1 irq port (it serves 'console')"
expect "the shell gets its connections and nothing else" "init: starting vshell (restart: always); it gets: ret self console (a connection to 'console') fs (a connection to 'fs') ns (a connection to 'ns') init (a connection to 'init') identity (a connection to 'identity') pkg (a connection to 'pkg')"
expect "identityd gets nsd, its own Reticle for minted Rings, and no boot image" "init: starting identityd (restart: on-failure); it gets: rings self port (it serves 'identity') ns (a connection to 'ns')"
expect "vpkg gets nsd and vfsd, and no boot image" "init: starting vpkg (restart: on-failure); it gets: self port (it serves 'pkg') ns (a connection to 'ns') fs (a connection to 'fs')"
expect "linuxd gets its Reticle, itself, console, vfsd, nsd, rngd and rtcd, and no boot image" "init: starting linuxd (restart: on-failure); it gets: ret self port (it serves 'linux') console (a connection to 'console') fs (a connection to 'fs') ns (a connection to 'ns') rng (a connection to 'rng') rtc (a connection to 'rtc')"
expect "the wall clock's driver gets only the CMOS clock's two ports" "init: starting rtcd (restart: on-failure); it gets: cmos port (it serves 'rtc') console (a connection to 'console')"
expect "rtcd reads the CMOS clock" "rtcd: the CMOS clock says 2"
expect "the console driver takes over COM1, interrupt-driven" "uartd: COM1 at 115200 8N1, IRQ 4, serving the console"
expect "the shell prompts" "vshell> "
n=$((n + 1))
if grep -q 'kernel panic' <<<"$out"; then
	echo "not ok $n - boot: the kernel panicked"
else
	echo "ok $n - boot: no kernel panic"
fi
