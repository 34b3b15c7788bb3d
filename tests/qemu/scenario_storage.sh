#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Storage: the virtio-blk driver, partitions as grants and vfsd's roots on
# disks, checked over the serial console against sgdisk, mkfs.fat, mcopy
# and fsck.fat (tests/qemu/storage_test.py).
set -u
B=${B:-build}
mkdir -p "$B/test-logs"
B=$B exec /usr/bin/python3 "$(dirname "$0")/storage_test.py"
