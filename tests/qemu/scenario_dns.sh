#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# dnsd, the stub resolver: the hosts file, the cache and its TTLs, and a
# DNS server played by tests/net/dnspeer.py on 127.0.0.1 (QEMU's socket
# netdev; nothing leaves the host), with its hostile replies
# (tests/qemu/dns_test.py).
set -u
B=${B:-build}
mkdir -p "$B/test-logs"
B=$B exec /usr/bin/python3 "$(dirname "$0")/dns_test.py"
