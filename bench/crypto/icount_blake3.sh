#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# make bench-b3-icount: instructions executed by one BLAKE3 one-call hash of
# 4 KiB (Keep's block checksum) and of 64 KiB, SSE2 path forced, counted
# exactly by callgrind (bench/crypto/icount_blake3.c says what is linked).
# Checks both digests against b3sum first.  Usage: icount_blake3.sh [BIN]
set -eu
B=${B:-build}
bin=${1:-$B/bench/icount_blake3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$bin" "$tmp/in" >"$tmp/ours"
head -c 4096 "$tmp/in" >"$tmp/in4k"
want4=$(b3sum --no-names "$tmp/in4k")
want64=$(b3sum --no-names "$tmp/in")
got4=$(awk '$2 == "4k" { print $1 }' "$tmp/ours")
got64=$(awk '$2 == "64k" { print $1 }' "$tmp/ours")
if [ "$got4" != "$want4" ] || [ "$got64" != "$want64" ]; then
	echo "icount_blake3: digest differs from b3sum" >&2
	cat "$tmp/ours" >&2
	exit 1
fi

for fn in hash_4k hash_64k; do
	valgrind -q --tool=callgrind --toggle-collect="$fn" \
		--callgrind-out-file="$tmp/cg.$fn" "$bin" >/dev/null
	ir=$(awk '/^(summary|totals):/ { print $2; exit }' "$tmp/cg.$fn")
	printf 'blake3 %-8s %9s instructions (SSE2, one call, callgrind Ir)\n' "$fn" "$ir"
done
