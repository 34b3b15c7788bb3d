#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Drivers as Tasks: devd, virtio-rng, the IOMMU and MSI, checked over the
# serial console and QEMU's monitor (tests/qemu/devices_test.py).
set -u
B=${B:-build}
mkdir -p "$B/test-logs"
B=$B exec /usr/bin/python3 "$(dirname "$0")/devices_test.py"
