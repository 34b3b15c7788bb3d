#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Boots the normal image (what `make run` boots) and checks, line by line,
# what a newcomer should see: init receives its capabilities, starts ping
# and pong with a Ring pair, pong's planted bug faults it, init reports the
# fault and restarts it, ping's MemCap crosses the ring, and ping finishes.
# QEMU is stopped once init says the demo is complete (or after 60 s).
set -u
B=${B:-build}
log=$B/test-logs/boot.serial
mkdir -p "$(dirname "$log")"
: >"$log"
qemu-system-x86_64 -machine q35 -m 512M -smp 1 -no-reboot -display none -monitor none \
	-serial "file:$log" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-kernel "$B/kernel.bin" -initrd "$B/prog/init.elf,$B/boot.img" </dev/null &
qemu=$!
for _ in $(seq 600); do
	grep -q 'demo complete\|kernel panic' "$log" && break
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
expect "init lists the capabilities it was given" "init: hello. The kernel gave me 6 capabilities: self ram0 devmem ioports irqs bootimg"
expect "init finds ping and pong in the boot image" "init: the boot image holds 2 programs"
expect "ping is started with only its bundle" "ping: started; my bundle holds 5 capabilities"
expect "requests and replies cross the ring pair" 'ping: reply #2: "pong #2"'
expect "pong's planted bug fires" "pong: request #3 triggers my planted bug"
expect "the kernel halts pong and init hears of it" "init: pong FAULTED: page fault at address 0x0"
expect "init restarts pong from a clean Reticle" "init: restarting pong in 10 ms (restart 1 of 3)"
expect "ping's request survives the restart" 'ping: reply #3: "pong #3"'
expect "a MemCap crosses the ring, zero copy" 'pong: the page says: "a whole page from ping, handed over without a copy"'
expect "ping finishes" "ping: 6 round trips done, exiting"
expect "init sees a clean exit" "init: ping finished its work and exited cleanly"
n=$((n + 1))
if grep -q 'kernel panic' <<<"$out"; then
	echo "not ok $n - boot: the kernel panicked"
else
	echo "ok $n - boot: no kernel panic"
fi
