#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# All of RAM: boots the normal image on 6 GiB with only 128 MiB below 4 GiB,
# where linuxd's Reticle cannot fit in ram0 (tests/qemu/ram_test.py).
set -u
B=${B:-build}
mkdir -p "$B/test-logs"
B=$B exec /usr/bin/python3 "$(dirname "$0")/ram_test.py"
