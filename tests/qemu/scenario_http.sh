#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# HTTP and the shell's network tools: serve (httpd) fetched by the host
# through hostfwd, get from a host http.server through guestfwd, and nc
# both ways, all on 127.0.0.1 (tests/qemu/http_test.py).
set -u
B=${B:-build}
mkdir -p "$B/test-logs"
B=$B exec /usr/bin/python3 "$(dirname "$0")/http_test.py"
