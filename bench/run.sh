#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# make bench: boots the benchmark image with exactly the QEMU flags of the
# design brief (section 7) -- default machine and CPU model, 512 MiB, one
# CPU, -icount shift=0 so that one guest ns is one guest instruction -- and
# prints the "bench ..." lines together with the Linux guest's figure and
# the ratio.
set -u
B=${B:-build}
log=$B/bench.serial
timeout -k 5 600 qemu-system-x86_64 -m 512M -smp 1 -display none -no-reboot -monitor none \
	-icount shift=0,align=off,sleep=off -rtc base=2020-01-01T00:00:00,clock=vm \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -serial "file:$log" \
	-kernel "$B/kernel.bin" -initrd "$B/prog/kbench.elf,$B/bench.img" </dev/null
rc=$?
tr -d '\r' <"$log" | grep '^bench ' >"$B/bench.txt"
cat "$B/bench.txt"
# Linux 6.1 guest figures (same QEMU, same flags), from the design brief.
echo
printf '%-30s %12s %12s %8s\n' benchmark vectraos linux ratio
while read -r _ name ns _; do
	v=${ns#median_ns=}
	case $name in
	null_syscall) l=338 ;;
	signal_pingpong_roundtrip) l=12528 ;;
	ring_roundtrip) l=12982 ;;
	ring_throughput_64b_per_msg) l=185 ;;
	spawn_exit_notify) l=227307 ;;
	map_touch_unmap_4k) l=18754 ;;
	fault_supervisor_resume) l= ;;
	*) l= ;;
	esac
	if [ -n "$l" ] && [ "$v" -gt 0 ]; then
		printf '%-30s %12s %12s %7.1fx\n' "$name" "$v" "$l" "$(echo "$l / $v" | bc -l)"
	fi
done <"$B/bench.txt"

# Boot to init and to the shell's prompt, in wall time under plain TCG (no
# icount): the median of five boots, from starting QEMU to init's first line
# and to "vshell> " on the serial console.
boot_ms() {
	local log=$B/boot-time.serial t0 t1=0 t2=0 pid now
	: >"$log"
	t0=$(date +%s%N)
	qemu-system-x86_64 -machine q35 -m 512M -smp 1 -display none -no-reboot -monitor none \
		-serial "file:$log" -kernel "$B/kernel.bin" -initrd "$B/prog/init.elf,$B/boot.img" \
		</dev/null 2>/dev/null &
	pid=$!
	for _ in $(seq 2000); do
		now=$(date +%s%N)
		[ "$t1" -eq 0 ] && grep -q '^init: hello' "$log" && t1=$now
		grep -q 'vshell> ' "$log" && t2=$now && break
		sleep 0.005
	done
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
	echo "$(((t1 - t0) / 1000000)) $(((t2 - t0) / 1000000))"
}
runs=$(for _ in 1 2 3 4 5; do boot_ms; done)
init_ms=$(echo "$runs" | cut -d' ' -f1 | sort -n | sed -n 3p)
prompt_ms=$(echo "$runs" | cut -d' ' -f2 | sort -n | sed -n 3p)
echo
echo "bench boot_to_init wall_ms=$init_ms"
echo "bench boot_to_prompt wall_ms=$prompt_ms"

[ "$rc" -eq 1 ] && [ "$(wc -l <"$B/bench.txt")" -eq 7 ]
