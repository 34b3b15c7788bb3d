#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A hostile client against the services, driven through the shell over the
# serial line (tests/qemu/hostile_test.py, tests/hostile/main.c).
set -u
B=${B:-build}
mkdir -p "$B/test-logs"
B=$B exec /usr/bin/python3 "$(dirname "$0")/hostile_test.py"
