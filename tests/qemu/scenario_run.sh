#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# make run itself, typed into like a person (tests/qemu/run_test.py).
set -u
B=${B:-build}
mkdir -p "$B/test-logs"
B=$B exec /usr/bin/python3 "$(dirname "$0")/run_test.py"
