#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Two VectraOS machines on one hostile wire: tests/net/relay.py between
# two guests (wire-1.img and wire-2.img, mk/wire.mk) on 127.0.0.1 only;
# loss, reordering, corruption and named hostile packets, and a check of
# the capture (tests/qemu/wire_test.py).
set -u
B=${B:-build}
mkdir -p "$B/test-logs"
B=$B exec /usr/bin/python3 "$(dirname "$0")/wire_test.py"
