#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Model-checks the Ring protocol with spin (tests/model/ring.pml) and a
# call and its reply over the runtime's service shape with the kernel's
# call/reply fastpath (tests/model/call.pml), the kernel lock's two modes
# (tests/model/klock.pml), the wake-ups made under its shared mode
# (tests/model/wake.pml) and the block under it, beside picks from
# another CPU (tests/model/block.pml): each protocol must verify clean,
# and each broken variant
# must be caught (a lost wakeup, two holders at once, a double wake-up, a
# lost bit, a torn sleep list, a Task resumed before its CPU left it).
# Prints TAP.
set -u
dir=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
verify() { # $1: extra spin flags, $2: the model (ring.pml); prints pan's report
	(cd "$work" && rm -f pan* && spin $1 -a "$dir/${2:-ring.pml}" >/dev/null &&
		gcc -O2 -w -o pan pan.c && ./pan -m100000)
}
n=0
# clean MODEL OK-TEXT NOT-OK-TEXT: the model must verify with no error.
clean() {
	local out
	n=$((n + 1))
	out=$(verify "" "$1")
	if grep -q "errors: 0" <<<"$out"; then
		echo "ok $n - $2 ($(grep -o '[0-9]* states, stored' <<<"$out" | head -n1))"
	else
		echo "not ok $n - $3"
		echo "$out" | sed 's/^/#   /'
	fi
}
# caught FLAGS MODEL PATTERN TEXT: the broken variant must fail, as PATTERN says.
caught() {
	local out
	n=$((n + 1))
	out=$(verify "$1" "$2")
	if grep -q "$3" <<<"$out"; then
		echo "ok $n - $4"
	else
		echo "not ok $n - ${4%%:*}: the broken variant was not caught"
		echo "$out" | sed 's/^/#   /'
	fi
}
clean ring.pml "ring model: the protocol has no lost wakeup, overflow or reordering" \
	"ring model: spin found a problem in the protocol"
caught -DNO_RECHECK ring.pml "pan:1: invalid end state" \
	"ring model: without the re-check, spin finds the lost wakeup"
clean call.pml "call model: with the fastpath's notify-and-wait every call gets its reply, and nobody sleeps for ever" \
	"call model: spin found a problem in the call/reply handshake"
caught -DNO_KICK call.pml "pan:1: invalid end state" \
	"call model: a server that forgets the wake-up it owes is caught"
clean klock.pml "kernel lock model: an exclusive holder is alone, shared holders never meet one, and every CPU gets its turn" \
	"kernel lock model: spin found a problem in the two-mode lock"
caught -DPASS_FIRST klock.pml "assertion violated" \
	"kernel lock model: a queued shared holder that passes the turn on before raising its flag is caught"
caught -DCHECK_FIRST klock.pml "assertion violated" \
	"kernel lock model: a shared holder that reads writer before raising its flag is caught"
caught -DKEEP_FLAG klock.pml "pan:1: invalid end state" \
	"kernel lock model: a shared holder that queues with its flag up is caught (it and the writer wait for each other)"
clean wake.pml "wake model: shared wake-ups lose no bit, wake nobody twice and keep the sleep list whole" \
	"wake model: spin found a problem in the shared wake-up"
caught -DNO_WAKE_LOCK wake.pml "assertion violated" \
	"wake model: without the Task's wake_lock two wakers queue it twice"
caught -DPLAIN_CLEAR wake.pml "assertion violated" \
	"wake model: a shared poll that clears with a load and a store loses a bit"
caught -DNO_SLEEP_LOCK wake.pml "assertion violated" \
	"wake model: two wake-ups unlinking neighbours without the list's lock tear the sleep list"
clean block.pml "block model: a wait that blocks under the lock held shared, a direct switch to it and a quantum's end lose no wake-up, and it runs on one CPU at a time" \
	"block model: spin found a problem in the shared block"
caught -DNO_ON_CPU block.pml "assertion violated" \
	"block model: a CPU that resumes a Task woken while its old CPU still leaves it is caught"
caught -DCHECK_UNLOCKED block.pml "assertion violated" \
	"block model: a wait that looks for its bits before it takes its wake_lock loses a wake-up"
caught -DLOOK_FIRST block.pml "assertion violated" \
	"block model: a wait that looks before it marks itself waiting loses the wake-up of a raiser that saw it running"
caught -DDIRECT_NO_ON_CPU block.pml "assertion violated" \
	"block model: a direct switch to a Task its old CPU still leaves is caught"
