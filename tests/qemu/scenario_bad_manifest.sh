#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Boots with a boot manifest that is wrong on line 6 (tests/qemu/etc/
# bad-manifest): init must name the line and start nothing at all.
set -u
B=${B:-build}
log=$B/test-logs/bad-manifest.serial
mkdir -p "$(dirname "$log")"
: >"$log"
qemu-system-x86_64 -machine q35 -m 512M -smp "${SMP:-1}" $("$(dirname "$0")"/../../scripts/qemu-accel.sh "${SMP:-1}") -no-reboot -display none -monitor none \
	-serial "file:$log" -kernel "$B/kernel.bin" -initrd "$B/prog/init.elf,$B/bad-manifest.img" \
	</dev/null 2>/dev/null &
qemu=$!
for _ in $(seq 300); do
	grep -q 'init: idle\|kernel panic' "$log" && break
	kill -0 $qemu 2>/dev/null || break
	sleep 0.1
done
kill $qemu 2>/dev/null
wait $qemu 2>/dev/null
out=$(tr -d '\r' <"$log")
check() {
	if eval "$2"; then echo "ok - bad manifest: $1"; else echo "not ok - bad manifest: $1"; fi
}
check "init names the line that is wrong" 'grep -q "^init: manifest line 6: " <<<"$out"'
check "init says nothing was started" 'grep -q "nothing was started" <<<"$out"'
check "no service was started" '! grep -q "^init: starting\|^uartd:" <<<"$out"'
check "no kernel panic" '! grep -q "kernel panic" <<<"$out"'
grep '^init: manifest' <<<"$out" | sed 's/^/# /'
