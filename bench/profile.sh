#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# make profile BENCH=FUNC MARK=ADDR [STEPS=N]: where one kbench
# benchmark's guest instructions go, per function (tools/stepprof.py).
# Boots the benchmark image with make bench's flags (bench/run.sh) plus a
# gdb stub on 127.0.0.1, lets FUNC (a kbench function: null_syscall,
# ringpong, sigpong, ...) start SKIP times in kbench's address space, then
# single-steps STEPS instructions of the whole machine and prints the
# instructions per iteration of each function.  An iteration is one pass
# of MARK, an address in kbench that FUNC's loop passes once per iteration
# (its loop head, from objdump -d build/prog/kbench.elf); it defaults to
# FUNC itself, which suits only a FUNC called once per iteration.
#
# PROFILE_BOOT and PROFILE_ELFS profile another boot: the POSIX bridge's
# getppid, for one (the first ELF is the program FUNC and MARK are in):
#   PROFILE_BOOT="-machine q35 -initrd build/prog/init.elf,build/bench-posix.img" \
#   PROFILE_ELFS=build/linux/overlay/bench/pxbench,build/prog/linuxd.elf \
#   bench/profile.sh main 0x401557 20000
set -euo pipefail
B=${B:-build}
func=${1:?usage: bench/profile.sh FUNC [MARK] [STEPS] [SKIP]}
mark=${2:-$func}
steps=${3:-20000}
skip=${4:-2}
port=$((20000 + $$ % 20000))
log=$(mktemp)
trap 'rm -f "$log"' EXIT

timeout -k 5 900 qemu-system-x86_64 -m 512M -display none -no-reboot -monitor none \
	-icount shift=0,align=off,sleep=off -rtc base=2020-01-01T00:00:00,clock=vm \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -smp 1 -serial "file:$log" \
	-kernel "$B/kernel.bin" ${PROFILE_BOOT:--initrd $B/prog/kbench.elf,$B/bench.img} \
	-gdb "tcp:127.0.0.1:$port" -S </dev/null &
sleep 0.5
STEPPROF_KERNEL=$B/kernel.elf STEPPROF_ELFS=${PROFILE_ELFS:-$B/prog/kbench.elf,$B/prog/partner.elf} \
	STEPPROF_START=$func STEPPROF_MARK=$mark STEPPROF_STEPS=$steps STEPPROF_SKIP=$skip \
	STEPPROF_PORT=$port gdb -batch -nx -x tools/stepprof.py 2>&1 |
	grep -v '^0x\|^Breakpoint\|^$\|^Kill the program\|^\[Inferior\|^warning: No executable\|^determining executable'
wait
