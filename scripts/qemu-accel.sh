#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# usage: scripts/qemu-accel.sh CPUS
#
# Prints the QEMU accelerator flags for a VectraOS guest with CPUS CPUs:
# nothing for one CPU (QEMU's TCG default), multi-threaded TCG (a host
# thread per CPU) for more, except under a QEMU older than 8.1.
#
# Why: QEMU before 8.1 updates a running CPU's view of the physical memory
# map (tcg_commit) from the thread that changed it, and flushes that CPU's
# TLB only later; an MMIO access in between looks up a section that is no
# longer there, and QEMU dies with a segmentation fault in
# memory_region_dispatch_write.  A guest changes the map whenever it turns a
# PCI function's decoding or bus mastering on or off, or the IOMMU's
# context entries, all of which devd does while the other CPUs take their
# timer interrupts (each an MMIO write to the local APIC).  Under Debian 12's
# QEMU 7.2 about one 4-CPU boot in ten died this way.  QEMU 8.1 runs the
# update on the CPU's own thread (commit "softmmu: Use async_run_on_cpu in
# tcg_commit").  One TCG thread runs every CPU in turn, so no CPU runs
# while the map changes: the guest still has CPUS CPUs, IPIs and
# preemption between them, but no two of them execute at the same instant.
set -eu
cpus=${1:-1}
[ "$cpus" -gt 1 ] || exit 0
v=$(qemu-system-x86_64 --version | sed -n 's/^QEMU emulator version \([0-9]*\)\.\([0-9]*\).*/\1 \2/p')
read -r major minor <<<"${v:-0 0}"
if [ "$major" -gt 8 ] || { [ "$major" -eq 8 ] && [ "$minor" -ge 1 ]; }; then
	echo "-accel tcg,thread=multi"
else
	echo "-accel tcg,thread=single"
fi
