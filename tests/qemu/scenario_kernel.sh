#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Boots the test image (root Task: tests/ktest) and relays its TAP lines.
# The default run has QEMU's VT-d IOMMU (intel-iommu), the others none, so
# that both sides of the IoSpace calls run (tests/ktest/devices.c).
# The -cpu max run also has 6 GiB of RAM ("bigmem"), so that the RAM above
# 4 GiB is tested; the smp4 run has four CPUs, so that ktest's SMP tests
# run (tests/ktest/smp.c) and everything else passes there too.
# Passes only if ktest reported every test, exited QEMU through
# isa-debug-exit with "all passed", and the kernel never panicked.  Run on
# QEMU's default CPU, on -cpu max (SMEP and SMAP on), and under -icount
# (guest time counts instructions, so ktest can assert timing bounds such
# as how long kernel work may hold the timer back; "icount" on the kernel
# command line tells it so).
set -u
B=${B:-build}
dir=$(dirname "$0")
n=0
# KTEST_CONFIGS narrows the machines (the clang build runs two of them:
# the four CPU configurations of the gcc build cover the rest).  One more,
# smp16, is run by hand only (KTEST_CONFIGS=smp16): the most CPUs the
# kernel takes (MAX_CPUS), on one TCG thread (sixteen threads on a
# two-core host spend their time spinning for the lock while its holder
# waits for a core), 80 s here.  giveup (run beside smp4) starts three
# CPUs and gives up on the first it starts (smp.give_up=1), as if it had
# not come up in time: the boot must stop it before the next CPU gets its
# slot of cpus[] and its stack, go on with two, and run the SMP tests.
for cpu in ${KTEST_CONFIGS:-default max icount smp4}; do
	log=$B/test-logs/ktest-$cpu.serial
	mkdir -p "$(dirname "$log")"
	extra=()
	# A bound on a hang, not a timing: four vCPU threads on a loaded
	# two-core host take a minute for the SMP tests; the others far less.
	limit=120
	[ "$cpu" = smp4 ] && limit=300
	[ "$cpu" = smp16 ] && limit=1800
	[ "$cpu" = default ] && extra=(-device intel-iommu)
	[ "$cpu" = max ] && extra=(-cpu max -m 6G -append bigmem)
	[ "$cpu" = icount ] && extra=(-icount shift=0,align=off,sleep=off -append icount)
	[ "$cpu" = smp4 ] && extra=(-smp 4)
	[ "$cpu" = smp16 ] && extra=(-smp 16 -accel tcg,thread=single)
	[ "$cpu" = giveup ] && extra=(-smp 3 -append "smp.give_up=1 only=smp_")
	bash "$dir/boot.sh" "$log" "$limit" "$B/prog/ktest.elf" "$B/test.img" "${extra[@]}"
	rc=$?
	tr -d '\r' <"$log" | grep -E '^(ok|not ok) ' | sed "s/^\(ok\|not ok\) [0-9]* - /\1 - [$cpu] /"
	tr -d '\r' <"$log" | grep -E '^#' || true
	n=$((n + 1))
	# unsupervised_fault_lines_limited made 300 faults nobody hears of:
	# the kernel prints at most ten such lines a second.
	if grep -q '^# unsupervised faults made: 300' <(tr -d '\r' <"$log"); then
		lines=$(tr -d '\r' <"$log" | grep -c '^\[kernel\] unsupervised task faulted')
		if [ "$lines" -le 50 ]; then
			echo "ok - [$cpu] 300 unsupervised faults printed $lines lines (at most ten a second)"
		else
			echo "not ok - [$cpu] 300 unsupervised faults printed $lines lines"
		fi
	fi
	if [ "$cpu" = giveup ]; then
		if grep -q '^VectraOS: CPU with APIC id [0-9]* did not start (smp.give_up)' <(tr -d '\r' <"$log") &&
			grep -q '^VectraOS: 2 CPUs$' <(tr -d '\r' <"$log"); then
			echo "ok - [$cpu] the CPU given up on was stopped, and the next took its slot: 2 CPUs"
		else
			echo "not ok - [$cpu] no 'did not start (smp.give_up)' and '2 CPUs' on the console"
		fi
	fi
	if grep -q 'kernel panic' "$log"; then
		echo "not ok - [$cpu] kernel panicked: $(tr -d '\r' <"$log" | grep -A1 'kernel panic' | tail -n 1)"
	elif [ "$rc" -eq 124 ]; then
		echo "not ok - [$cpu] timed out after $limit s; last lines:"
		tail -n 5 "$log" | sed 's/^/#   /'
	elif [ "$rc" -ne 1 ]; then
		echo "not ok - [$cpu] ktest reported failure (qemu exit $rc)"
	elif ! grep -q '^ktest: [0-9]* passed, 0 failed' <(tr -d '\r' <"$log"); then
		echo "not ok - [$cpu] ktest did not finish"
	else
		echo "ok - [$cpu] ktest finished, kernel alive, clean exit"
	fi
done
