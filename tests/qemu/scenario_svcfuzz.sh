#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The services' protocol fuzzer: svcfuzz sends random and structure-aware
# requests to every service, twice, and the services must all keep
# answering (tests/qemu/svcfuzz_test.py, tests/svcfuzz/main.c).
set -u
B=${B:-build}
mkdir -p "$B/test-logs"
B=$B exec /usr/bin/python3 "$(dirname "$0")/svcfuzz_test.py"
