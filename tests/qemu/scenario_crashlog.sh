#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Crash consistency of HOME: on a real guest: QEMU's blklogwrites logs the
# disk's writes, tests/crashlog/replay builds every power-cut state, Keep's
# own check judges each (tests/qemu/crashlog_test.py).
set -u
B=${B:-build}
mkdir -p "$B/test-logs"
B=$B exec /usr/bin/python3 "$(dirname "$0")/crashlog_test.py"
