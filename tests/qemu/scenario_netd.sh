#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# netd, the IP stack: DHCP, ping and the network shell commands against
# QEMU's user-mode network (restricted: nothing leaves the host), and a
# crash of the card's driver under it (tests/qemu/netd_test.py).
set -u
B=${B:-build}
mkdir -p "$B/test-logs"
B=$B exec /usr/bin/python3 "$(dirname "$0")/netd_test.py"
