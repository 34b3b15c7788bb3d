#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# netd's sockets end to end: TCP both ways, UDP, every misuse by name, the
# per-connection limit, and netd crashed under a held connection
# (tests/qemu/sock_test.py), on QEMU's restricted user-mode network with
# its forwards bound to 127.0.0.1.
set -u
B=${B:-build}
mkdir -p "$B/test-logs"
B=$B exec /usr/bin/python3 "$(dirname "$0")/sock_test.py"
