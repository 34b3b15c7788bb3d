#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Drives vshell over the serial line like a person (tests/qemu/shell_test.py).
set -u
B=${B:-build}
mkdir -p "$B/test-logs"
B=$B exec /usr/bin/python3 "$(dirname "$0")/shell_test.py"
