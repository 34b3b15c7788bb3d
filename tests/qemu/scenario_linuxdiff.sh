#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The POSIX bridge against Linux itself: the same scripts and programs under
# linuxd and on this host, compared (tests/qemu/linuxdiff_test.py).
set -u
B=${B:-build}
mkdir -p "$B/test-logs"
B=$B exec /usr/bin/python3 "$(dirname "$0")/linuxdiff_test.py"
