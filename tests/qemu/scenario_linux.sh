#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The POSIX bridge: Debian's busybox under linuxd, through the shell
# (tests/qemu/linux_test.py).
set -u
B=${B:-build}
mkdir -p "$B/test-logs"
B=$B exec /usr/bin/python3 "$(dirname "$0")/linux_test.py"
