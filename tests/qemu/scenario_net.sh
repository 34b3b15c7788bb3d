#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Networking: the virtio-net driver and its frame protocol, talking ARP
# and DHCP with QEMU's user-mode network (restricted: nothing leaves the
# host), misused on purpose, crashed and restarted (tests/qemu/net_test.py).
set -u
B=${B:-build}
mkdir -p "$B/test-logs"
B=$B exec /usr/bin/python3 "$(dirname "$0")/net_test.py"
