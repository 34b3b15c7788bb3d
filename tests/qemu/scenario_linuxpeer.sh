#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# VectraOS linked to a Linux guest (Debian's kernel and busybox, fetched
# with apt-get download and cached like make bench's guest): ARP, ping, TCP
# and HTTP both ways over a QEMU stream link on 127.0.0.1
# (tests/qemu/linuxpeer_test.py).
set -u
B=${B:-build}
mkdir -p "$B/test-logs"
B=$B exec /usr/bin/python3 "$(dirname "$0")/linuxpeer_test.py"
