#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The trust chain inside VectraOS: login, install, run, pkgs, through the
# shell like a person (tests/qemu/trust_test.py).
set -u
B=${B:-build}
mkdir -p "$B/test-logs"
B=$B exec /usr/bin/python3 "$(dirname "$0")/trust_test.py"
