#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Model-checks the Ring protocol with spin (tests/model/ring.pml) and a
# call and its reply over the runtime's service shape with the kernel's
# call/reply fastpath (tests/model/call.pml), and the kernel lock's two
# modes (tests/model/klock.pml): each real protocol must verify clean, and
# each broken variant must be caught (a lost wakeup, two holders at once).
# Prints TAP.
set -u
dir=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
verify() { # $1: extra spin flags, $2: the model (ring.pml); prints pan's report
	(cd "$work" && rm -f pan* && spin $1 -a "$dir/${2:-ring.pml}" >/dev/null &&
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
out=$(verify "" call.pml)
if grep -q "errors: 0" <<<"$out"; then
	echo "ok 3 - call model: with the fastpath's notify-and-wait every call gets its reply, and nobody sleeps for ever ($(grep -o '[0-9]* states, stored' <<<"$out" | head -n1))"
else
	echo "not ok 3 - call model: spin found a problem in the call/reply handshake"
	echo "$out" | sed 's/^/#   /'
fi
out=$(verify "-DNO_KICK" call.pml)
if grep -q "pan:1: invalid end state" <<<"$out"; then
	echo "ok 4 - call model: a server that forgets the wake-up it owes is caught"
else
	echo "not ok 4 - call model: the broken variant was not caught"
	echo "$out" | sed 's/^/#   /'
fi
out=$(verify "" klock.pml)
if grep -q "errors: 0" <<<"$out"; then
	echo "ok 5 - kernel lock model: an exclusive holder is alone, shared holders never meet one, and every CPU gets its turn ($(grep -o '[0-9]* states, stored' <<<"$out" | head -n1))"
else
	echo "not ok 5 - kernel lock model: spin found a problem in the two-mode ticket lock"
	echo "$out" | sed 's/^/#   /'
fi
out=$(verify "-DPASS_FIRST" klock.pml)
if grep -q "assertion violated" <<<"$out"; then
	echo "ok 6 - kernel lock model: a shared holder that passes the turn on before counting itself in is caught"
else
	echo "not ok 6 - kernel lock model: the broken variant was not caught"
	echo "$out" | sed 's/^/#   /'
fi
