#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Model-checks the Ring protocol with spin (tests/model/ring.pml): the real
# protocol must verify clean, and the variant without the re-check must be
# caught losing a wakeup.  Prints TAP.
set -u
dir=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
verify() { # $1: extra spin flags; prints pan's report
	(cd "$work" && rm -f pan* && spin $1 -a "$dir/ring.pml" >/dev/null &&
		gcc -O2 -w -o pan pan.c && ./pan -m100000)
}
out=$(verify "")
if grep -q "errors: 0" <<<"$out"; then
	echo "ok 1 - ring model: the protocol has no lost wakeup, overflow or reordering ($(grep -o '[0-9]* states, stored' <<<"$out" | head -n1))"
else
	echo "not ok 1 - ring model: spin found a problem in the protocol"
	echo "$out" | sed 's/^/#   /'
fi
out=$(verify "-DNO_RECHECK")
if grep -q "pan:1: invalid end state" <<<"$out"; then
	echo "ok 2 - ring model: without the re-check, spin finds the lost wakeup"
else
	echo "not ok 2 - ring model: the broken variant was not caught"
	echo "$out" | sed 's/^/#   /'
fi
