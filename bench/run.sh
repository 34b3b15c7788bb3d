#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# make bench: boots the benchmark image with exactly the QEMU flags of the
# design brief (section 7) -- default machine and CPU model, 512 MiB, one
# CPU, -icount shift=0 so that one guest ns is one guest instruction --
# then again with -smp 2, boots a Linux guest running the same benchmarks
# under the same flags (bench/linux), and prints both columns and the ratio
# and draws them in docs/bench.svg.  Then the storage figures: the Linux
# guest's (bench/linux/fsbench.c, a boot of its own with two virtio-blk
# disks) beside VectraOS's (bench/fsbench: two boots of $B/bench-fs.img,
# one Keep disk each, into $B/bench-fs.txt), in a table of their own.
# BENCH_ONLY=fs runs only that part.  Last the network figures
# (bench/net/net.sh): two VectraOS machines on one link against two Linux
# guests on one link; BENCH_ONLY=net runs only those.
set -u
B=${B:-build}

# The one QEMU flag list both guests get: the design brief's (section 7),
# default machine and CPU model, 512 MiB, -icount shift=0 so that one guest
# ns is one guest instruction.  Only -smp, the serial log and the payload
# (kernel, initrd, command line) differ between the boots below.
flags="-m 512M -display none -no-reboot -monitor none -icount shift=0,align=off,sleep=off"
flags+=" -rtc base=2020-01-01T00:00:00,clock=vm -device isa-debug-exit,iobase=0xf4,iosize=0x04"

# vm SMP LOG ARGS...: boots one guest with $flags and -smp SMP, its serial
# console to LOG, for at most VM_TIMEOUT seconds, on host CPU VM_PIN alone
# when that is set.  Under -icount QEMU runs the vCPUs round-robin on one
# host thread: -smp 2 gets no more host time.
vm() {
	local smp=$1 log=$2
	shift 2
	# shellcheck disable=SC2086 # $flags is a list of words
	timeout -k 5 "${VM_TIMEOUT:-600}" ${VM_PIN:+taskset -c "$VM_PIN"} qemu-system-x86_64 $flags -smp "$smp" -serial "file:$log" "$@" </dev/null
}

# fsdisks IMAGE...: the storage benchmarks' machine and disks, the same
# flags for both systems: q35 with the VT-d IOMMU (VectraOS needs q35's
# ECAM and an IOMMU: devd grants no DMA without one), and per image a raw
# drive on a modern-only virtio-blk-pci on the root bus that goes through
# the IOMMU (vda, vdb, ... in order; the Linux boot gets the work and the
# full volume at once, each VectraOS boot one of its own), cache=unsafe:
# QEMU answers from the host's page cache and acknowledges the guest's
# flushes without flushing the host, so a request costs the guest its own
# path and little host latency (the guest still issues every flush it
# would).  cache=none (O_DIRECT) was tried: host disk latency then
# stretches each idle wait, the guest's periodic timers fire inside the
# timed operations, and the figures vary several-fold between runs.
#
# The storage boots run QEMU on one host CPU, $fspin (taskset; the first
# this script may use).  QEMU does the I/O in other threads while the
# guest runs on, and whether a request completes before the guest goes
# idle to wait for it changed the instructions per fsync by up to a third
# with the host's load.  On one CPU, the thread that completes a request
# preempts the guest's as soon as it wakes, and the figures repeat within
# 5% (docs/BENCHMARKS.md 1.3), even under a load average of 5.
fspin=$(taskset -pc $$ | sed 's/.*: //; s/[-,].*//')
fsdisks() {
	local d=",if=none,format=raw,cache=unsafe" v n=0 ids=abcdefgh
	printf '%s' "-machine q35 -device intel-iommu"
	for img; do
		v=vd${ids:n:1}
		printf ' %s' "-drive file=$img,id=$v$d" \
			"-device virtio-blk-pci,drive=$v,iommu_platform=on,disable-legacy=on"
		n=$((n + 1))
	done
	echo
}

# table NAMES [DAT] <LINES: "SYSTEM bench NAME median_ns=V ..." lines as a
# table: vectraos, linux and the ratio linux/vectraos, one row per
# benchmark in NAMES and then any other, "—" where a system has no figure;
# and the rows to DAT for the chart.
table() {
	LC_ALL=C awk -v dat="${2:-/dev/null}" -v names="$1" '
	# A cell of width w: "—" is three bytes and one column wide.
	function cell(s, w) { return sprintf("%" (s == "" ? w + 2 : w) "s", s == "" ? "—" : s) }
	# Every benchmark either system has, in this order, then any other.
	BEGIN { n = split(names, order); for (i = 1; i <= n; i++) seen[order[i]] = 1 }
	{ v = $4; sub(/^median_ns=/, "", v)
	  if (!($3 in seen)) { seen[$3] = 1; order[++n] = $3 }
	  fig[$1, $3] = v }
	END {
		printf "%-34s %12s %12s %14s\n", "benchmark", "vectraos", "linux", "linux/vectraos"
		for (i = 1; i <= n; i++) {
			b = order[i]; v = fig["vectraos", b]; l = fig["linux", b]
			# Below 1, three decimals: 0.0x would say nothing.
			r = (v > 0 && l != "") ? sprintf(l / v < 1 ? "%.3fx" : "%.1fx", l / v) : ""
			printf "%-34s %s %s %s\n", b, cell(v, 12), cell(l, 12), cell(r, 14)
			printf("%s %s %s\n", b, v == "" ? "-" : v, l == "" ? "-" : l) >dat
		}
	}'
}

# vectra_fsbench OUT: VectraOS's storage figures into OUT (empty when none):
# two boots of $B/bench-fs.img (bench/etc/fsbench: init starts fsbench,
# which ends the run through the debug-exit port, QEMU's exit code 1 when
# every figure was measured), each with a fresh copy of one Keep image
# (bench/fsimg-keep.sh) as its only disk, the flags of the Linux boot
# (fsdisks, -smp 1, QEMU on host CPU $fspin): the work volume for the four
# I/O figures, the full one for fs_mount_1g_full.
vectra_fsbench() {
	local out=$1 disk=$B/fs-disk.img which img log t0 rc why
	: >"$out"
	fs_keep_images || return 1
	for which in work full; do
		img=$FS_KEEP_WORK
		[ "$which" = full ] && img=$FS_KEEP_FULL
		log=$B/bench-fs-$which.serial
		cp --sparse=always "$img" "$disk" || return 1
		echo "vectraos: booting $B/bench-fs.img with the Keep $which volume" >&2
		t0=$(date +%s)
		# shellcheck disable=SC2046 # fsdisks prints a list of words
		VM_PIN=$fspin VM_TIMEOUT=${VECTRA_FS_TIMEOUT:-1800} vm 1 "$log" \
			-kernel "$B/kernel.bin" -initrd "$B/prog/init.elf,$B/bench-fs.img" $(fsdisks "$disk")
		rc=$?
		case $rc in
		1) why="every figure measured" ;;
		124 | 137) why="timed out after ${VECTRA_FS_TIMEOUT:-1800} s" ;;
		*) why="figures missing, see $log" ;;
		esac
		echo "vectraos: the $which boot took $(($(date +%s) - t0)) s, QEMU's exit code $rc: $why" >&2
		tr -d '\r' <"$log" | grep '^fsbench: ' >&2
		tr -d '\r' <"$log" | grep '^bench ' >>"$out"
	done
	rm -f "$disk"
}

# The storage section: the Linux guest's figures (or their cached result)
# and VectraOS's (vectra_fsbench, into $B/bench-fs.txt), as a table; "—"
# where absent.
storage() {
	local measured="" vmeasured names
	: >"$B/bench-linux-fs.txt"
	if linux_fetch && fs_images && linux_fsinitramfs; then
		linux_fsbench "$B/bench-linux-fs.txt" && measured=$LINUX_MEASURED
		sed 's/^bench /linux /' "$B/bench-linux-fs.txt"
	fi
	vectra_fsbench "$B/bench-fs.txt"
	sed 's/^bench /vectraos /' "$B/bench-fs.txt"
	vmeasured="no figures, see the messages above"
	[ -s "$B/bench-fs.txt" ] && vmeasured="$(date -u +%Y-%m-%d) (this run)"
	echo
	echo "storage (guest instructions, idle time taken out: per MiB for _per_mib, else" \
		"per operation; Linux: ${measured:-no figures, see the messages above};" \
		"VectraOS: $vmeasured)"
	names="fs_seq_write_64m_per_mib fs_seq_read_cold_64m_per_mib fs_rand_write_4k_fsync"
	names+=" fs_create_write_fsync_unlink fs_mount_1g_full"
	{
		grep '^bench ' "$B/bench-fs.txt" | sed 's/^/vectraos /'
		sed 's/^/linux /' "$B/bench-linux-fs.txt"
	} | table "$names"
}

# The POSIX bridge (docs/BENCHMARKS.md, section 1.5): one static Linux
# program, bench/linux/pxbench.c, run unmodified under linuxd in VectraOS
# (the bench-posix image: init starts pxrun, which has linuxd run it and
# ends the run through the debug exit) and on Linux, both on q35.
posix() {
	local measured="" vmeasured="no figures, see $B/bench-posix.serial" rc
	: >"$B/bench-linux-px.txt"
	if linux_fetch && linux_pxinitramfs; then
		linux_pxbench "$B/bench-linux-px.txt" && measured=$LINUX_MEASURED
	fi
	vm 1 "$B/bench-posix.serial" -machine q35 -kernel "$B/kernel.bin" \
		-initrd "$B/prog/init.elf,$B/bench-posix.img"
	rc=$?
	tr -d '\r' <"$B/bench-posix.serial" | grep '^bench px_' >"$B/bench-posix.txt"
	[ "$rc" -eq 1 ] && [ -s "$B/bench-posix.txt" ] && vmeasured="$(date -u +%Y-%m-%d) (this run)"
	echo
	echo "POSIX bridge (guest instructions per operation, the same static binary; Linux:" \
		"${measured:-no figures, see the messages above}; VectraOS: $vmeasured)"
	{
		sed 's/^/vectraos /' "$B/bench-posix.txt"
		sed 's/^/linux /' "$B/bench-linux-px.txt"
	} | table "px_getppid px_fork_exit_wait px_exec_true px_pipe_rtt px_sh_loop_1000"
}

if [ "${BENCH_ONLY:-}" = posix ]; then
	. bench/linux/guest.sh
	posix
	exit
fi

if [ "${BENCH_ONLY:-}" = net ]; then
	. bench/linux/guest.sh
	. bench/net/net.sh
	network
	exit
fi

if [ "${BENCH_ONLY:-}" = fs ]; then
	. bench/linux/guest.sh
	. bench/fsimg-keep.sh
	storage
	exit
fi

# VectraOS: the kbench image, once on one CPU (the 7 figures), then on two,
# where kbench adds the _xcpu figures once the kernel runs more than one
# CPU; until it does there are none, and the table shows "—" for them.
vx=(-kernel "$B/kernel.bin" -initrd "$B/prog/kbench.elf,$B/bench.img")
vm 1 "$B/bench.serial" "${vx[@]}"
rc=$?
tr -d '\r' <"$B/bench.serial" | grep '^bench ' >"$B/bench.txt"
cat "$B/bench.txt"
vm 2 "$B/bench-smp2.serial" "${vx[@]}"
tr -d '\r' <"$B/bench-smp2.serial" | grep '^bench [a-z0-9_]*_xcpu' >"$B/bench-smp2.txt"
cat "$B/bench-smp2.txt"

# The device figures (bench/kbench/devices.c): the same flags plus what
# they need, q35 (for ECAM and VT-d), the IOMMU and a modern-only
# virtio-rng on the root bus; no Linux counterpart, so not in the table.
vm 1 "$B/bench-devices.serial" "${vx[@]}" -append devices -machine q35 -device intel-iommu \
	-device virtio-rng-pci,iommu_platform=on,disable-legacy=on
tr -d '\r' <"$B/bench-devices.serial" | grep '^bench ' >"$B/bench-devices.txt"
cat "$B/bench-devices.txt"

# The kernel lock under contention (bench/kbench/contention.c): the one
# boot in wall time, two CPUs on multi-threaded TCG and without -icount,
# under which the vCPUs take turns on one thread and contention cannot
# show.  Reported, not required, and noisy: five boots, each figure's
# median.
cflags="-m 512M -display none -no-reboot -monitor none -device isa-debug-exit,iobase=0xf4,iosize=0x04"
: >"$B/bench-contention.txt"
for _ in 1 2 3 4 5; do
	# shellcheck disable=SC2086 # $cflags is a list of words
	timeout -k 5 300 qemu-system-x86_64 $cflags -smp 2 -accel tcg,thread=multi \
		-serial "file:$B/bench-contention.serial" "${vx[@]}" -append contention </dev/null
	tr -d '\r' <"$B/bench-contention.serial" | grep '^bench ' >>"$B/bench-contention.txt"
done
for b in shared_call_1cpu shared_call_2cpus exclusive_call_1cpu exclusive_call_2cpus; do
	m=$(grep "^bench $b " "$B/bench-contention.txt" | sed 's/.*median_ns=\([0-9]*\).*/\1/' |
		sort -n | awk '{v[NR] = $1} END {if (NR) print v[int((NR + 1) / 2)]}')
	echo "bench $b wall_ns=${m:-none} (median of five boots; wall time, two CPUs, no -icount)"
done

# Linux: the same benchmarks in a Debian Linux guest under the same flags
# (bench/linux/guest.sh), or its cached result while nothing has changed.
. bench/linux/guest.sh
. bench/fsimg-keep.sh
: >"$B/bench-linux.txt"
: >"$B/bench-linux-smp2.txt"
measured="" measured2=""
if linux_fetch && linux_initramfs; then
	linux_bench 1 "$B/bench-linux.txt" && measured=$LINUX_MEASURED
	# -smp 2: the same flags; the guest starts on one CPU and brings the
	# second up from user space (guest.sh, LINUX_SMP_APPEND).
	if linux_bench 2 "$B/bench-linux-smp2.txt"; then
		measured2=$LINUX_MEASURED
	else
		measured2="no figures, tried $LINUX_MEASURED"
	fi
	cat "$B/bench-linux.txt" "$B/bench-linux-smp2.txt" | sed 's/^bench /linux /'
fi

# The table: both columns and the ratio, "—" where a side has no figure.
echo
if [ -n "$measured" ]; then
	echo "Linux guest: $LINUX_PKG $LINUX_VER, busybox-static $BUSYBOX_VER;" \
		"measured $measured${measured2:+; -smp 2: $measured2}"
else
	echo "Linux guest: no figures (see the messages above)"
fi
names="null_syscall signal_pingpong_roundtrip ring_roundtrip call_reply_roundtrip ring_throughput_64b_per_msg"
names+=" spawn_exit_notify fault_supervisor_resume map_touch_unmap_4k"
names+=" ring_roundtrip_xcpu ring_throughput_xcpu_64b_per_msg"
{
	sed 's/^/vectraos /' "$B/bench.txt" "$B/bench-smp2.txt"
	sed 's/^/linux /' "$B/bench-linux.txt" "$B/bench-linux-smp2.txt"
} | table "$names" "$B/bench-chart.dat"

# The chart, docs/bench.svg: log-scale bars, VectraOS against Linux.
subtitle="Linux guest: no figures"
[ -n "$measured" ] && subtitle="Linux ${LINUX_PKG#linux-image-} ($LINUX_VER), measured ${measured%% *}"
if command -v gnuplot >/dev/null; then
	gnuplot -c bench/linux/chart.gp "$B/bench-chart.dat" docs/bench.svg "$subtitle"
	echo "chart: docs/bench.svg"
else
	echo "chart: gnuplot not found (scripts/install-deps.sh installs gnuplot-nox)"
fi

echo
storage

echo
. bench/net/net.sh
network

echo
posix

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

[ "$rc" -eq 1 ] && [ "$(wc -l <"$B/bench.txt")" -eq 8 ]
