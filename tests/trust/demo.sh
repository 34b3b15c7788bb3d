#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tools/vectra/mkdemo.sh makes the boot image's demo trust material; each
# package it makes must get exactly its verdict from the install gate (TAP).
set -u
B=${B:-build}
V=$(realpath "${VECTRA:-$B/host/tools/vectra/vectra}")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
head -c 5000 /dev/urandom >"$T/payload"
n=0
if DEMO_KDF_KIB=64 DEMO_KDF_T=1 bash tools/vectra/mkdemo.sh "$V" "$T/payload" "$T/out" console fs.read \
	>"$T/log" 2>&1; then
	n=$((n + 1)) && echo "ok $n - mkdemo.sh builds the demo material"
else
	n=$((n + 1)) && echo "not ok $n - mkdemo.sh failed: $(tail -n 3 "$T/log")"
fi
for want in demo.vpkg:0 bad-sig.vpkg:115 unknown-person.vpkg:121 few-rebuilders.vpkg:124 \
	no-proof.vpkg:125 footprint.vpkg:129; do
	p=${want%%:*} code=${want##*:}
	"$V" pkg verify "$T/out/$p" --policy "$T/out/policy" >"$T/v" 2>&1
	got=$?
	n=$((n + 1))
	if [ "$got" -eq "$code" ]; then
		echo "ok $n - $p: exit $code ($(tail -n 1 "$T/v" | sed 's/.*: //'))"
	else
		echo "not ok $n - $p: exit $got, want $code ($(cat "$T/v"))"
	fi
done
[ "$(echo vectra | "$V" machine unlock --key "$T/out/machine.key")" != "" ] && n=$((n + 1)) &&
	echo "ok $n - the demo Machine key opens with the demo passphrase" ||
	{ n=$((n + 1)); echo "not ok $n - demo machine key"; }
ls "$T/out" | grep -qv -e '\.vpkg$' -e '^policy$' -e '^machine\.key$' &&
	{ n=$((n + 1)); echo "not ok $n - mkdemo.sh left something else in OUT"; } ||
	{ n=$((n + 1)); echo "ok $n - only public material, packages and the sealed key in OUT"; }
echo "1..$n"
