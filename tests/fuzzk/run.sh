#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Boots fuzzk.img (root Task: tests/fuzzk) and prints its serial console
# as it runs; the log stays in $B/test-logs/fuzzk.serial.  Passes only if
# fuzzk reported every check as passed, exited QEMU through isa-debug-exit
# with "all passed", and the kernel never panicked.  Its last line is TAP.
#
# Environment (every one optional):
#   SEED     the run's seed, hex (default 1)
#   COUNT    syscalls in all (default 1000000)
#   WORKERS  worker Tasks at once (default 4, at most 8)
#   LIFE     syscalls per life of a worker (default 20000)
#   REPLAY   a worker seed (hex) to run alone for COUNT calls
#   SMP      CPUs for QEMU's -smp (default 1)
#   TIMEOUT  seconds before QEMU is stopped (default: 60 + COUNT / 2000,
#            or 60 + COUNT / 400 with more CPUs than the host has cores)
#   ICOUNT   1: the guest clock counts instructions (-icount), so that a
#            run with the same settings repeats exactly, call for call
#   QEMU_EXTRA  more QEMU flags, split on spaces (e.g. "-cpu max")
#   LOG      where the serial console goes
set -u
B=${B:-build}
SEED=${SEED:-1}
COUNT=${COUNT:-1000000}
WORKERS=${WORKERS:-4}
LIFE=${LIFE:-20000}
SMP=${SMP:-1}
# More vCPUs than host cores run far slower (a vCPU spinning for the kernel
# lock takes host time from the one holding it): about 500 to 1,300 calls a
# second with SMP=4 on two cores, against 45,000 and more otherwise.
if [ "$SMP" -gt "$(nproc)" ]; then
	TIMEOUT=${TIMEOUT:-$((60 + COUNT / 400))}
else
	TIMEOUT=${TIMEOUT:-$((60 + COUNT / 2000))}
fi
log=${LOG:-$B/test-logs/fuzzk.serial}
mkdir -p "$(dirname "$log")"
append="seed=$SEED count=$COUNT workers=$WORKERS life=$LIFE"
[ -n "${REPLAY:-}" ] && append="$append replay=$REPLAY"
extra=(${QEMU_EXTRA:-})
[ "${ICOUNT:-}" = 1 ] && extra+=(-icount shift=0,align=off,sleep=off)

# Line by line: without stdbuf, tr holds back 4 KiB at a time, and a long
# run's log sits mid-line for minutes, which looks like a hang.
timeout --foreground -k 5 "$TIMEOUT" qemu-system-x86_64 -machine q35 -m 512M -smp "$SMP" \
	-no-reboot -display none -monitor none -serial stdio \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -device intel-iommu \
	-kernel "$B/kernel.bin" -initrd "$B/prog/fuzzk.elf,$B/fuzzk.img" \
	-append "$append" "${extra[@]}" </dev/null | stdbuf -oL tr -d '\r' | tee "$log"
rc=${PIPESTATUS[0]}
if grep -q 'kernel panic' "$log"; then
	echo "not ok - fuzzk: kernel panicked (SEED=$SEED SMP=$SMP): $(grep -A1 'kernel panic' "$log" | tail -n 1)"
elif [ "$rc" -eq 124 ]; then
	echo "not ok - fuzzk: timed out after $TIMEOUT s (SEED=$SEED SMP=$SMP): kernel hung?"
elif [ "$rc" -ne 1 ]; then
	echo "not ok - fuzzk: reported failure (qemu exit $rc, SEED=$SEED SMP=$SMP)"
elif ! grep -q '^fuzzk: [0-9]* passed, 0 failed' "$log"; then
	echo "not ok - fuzzk: did not finish"
else
	echo "ok - fuzzk: finished, kernel alive, clean exit (SEED=$SEED COUNT=$COUNT SMP=$SMP${ICOUNT:+ ICOUNT=$ICOUNT})"
	exit 0
fi
exit 1
