#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The short form of make fuzz-kernel, for make test: a fixed seed and
# 100,000 syscalls from four workers, under -icount so that the run is the
# same every time (a few seconds; 120 s is the bound, as for ktest, for a
# host busy with other QEMUs).  Its
# TAP lines are fuzzk's own checks (no undocumented result, no Reticle
# leak after any life, the shared Reticle and ram0 whole at the end) and
# tests/fuzzk/run.sh's verdict (no panic, no hang, a clean exit).  A
# failure here repeats exactly with
# make fuzz-kernel SEED=5eed COUNT=100000 ICOUNT=1.
set -u
B=${B:-build}
B=$B SEED=${FUZZK_SEED:-5eed} COUNT=${FUZZK_COUNT:-100000} WORKERS=4 LIFE=20000 \
	SMP=1 ICOUNT=1 TIMEOUT=120 LOG=$B/test-logs/fuzzk-ci.serial \
	bash "$(dirname "$0")/../fuzzk/run.sh"
# The same on two CPUs at once, in real parallel (multi-threaded TCG, no
# icount): not repeatable call for call, but the kernel's locking, IPIs and
# shootdowns under the same mix.
B=$B SEED=${FUZZK_SEED:-5eed} COUNT=${FUZZK_COUNT:-100000} WORKERS=4 LIFE=20000 \
	SMP=2 TIMEOUT=120 LOG=$B/test-logs/fuzzk-ci-smp2.serial \
	bash "$(dirname "$0")/../fuzzk/run.sh" | sed 's/^\(ok\|not ok\)\( [0-9]*\)\? - fuzzk:/\1 - fuzzk [smp2]:/'

