#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Build the demo trust material for a VectraOS boot image with the vectra
# tool: a policy and a signed, attested, logged and witnessed package, plus
# one copy for each way the install gate must refuse.  Everything is made
# fresh (new Person, Machines, log and witnesses) in a scratch directory;
# only public material and packages land in OUT:
#
#   OUT/policy            the machine's policy (for SYS:etc)
#   OUT/demo.vpkg         passes every check
#   OUT/bad-sig.vpkg      maintainer signature altered     VT_E_CLAIM_SIG
#   OUT/unknown-person.vpkg  certified by another Person   VT_E_UNKNOWN_PERSON
#   OUT/few-rebuilders.vpkg  two attestations of three     VT_E_REBUILDERS
#   OUT/no-proof.vpkg     never logged                     VT_E_NO_PROOF
#   OUT/footprint.vpkg    declares a capability not allowed VT_E_FOOTPRINT
#   OUT/machine.key       the demo Machine's sealed key (passphrase below)
#
# usage: mkdemo.sh VECTRA PAYLOAD OUT [CAP...]
# The demo Machine passphrase is "vectra" (a demo, not a secret); the
# Argon2id cost is the default.  The log and witness listen on 127.0.0.1
# for the few seconds this takes.
set -eu
V=$(realpath "$1")
payload=$(realpath "$2")
mkdir -p "$3"
out=$(realpath "$3")
shift 3
caps=("$@")
[ ${#caps[@]} -gt 0 ] || caps=(console)
T=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$T"' EXIT
cd "$T"
KDF=(--kdf-kib "${DEMO_KDF_KIB:-65536}" --kdf-t "${DEMO_KDF_T:-3}")

"$V" person new --out person.pub >person.words 2>/dev/null
"$V" person new --out stranger.pub >stranger.words 2>/dev/null
echo vectra | "$V" machine new --out machine.key "${KDF[@]}" >/dev/null
"$V" machine certify --key machine.key --name demo --out machine.cert <person.words
"$V" machine certify --key machine.key --name demo --out stranger.cert <stranger.words
for r in r1 r2 r3; do
	echo "$r" | "$V" machine new --out $r.key --kdf-kib 64 --kdf-t 1 >$r.hex
done
capargs=()
for c in "${caps[@]}"; do capargs+=(--cap "$c"); done

# build NAME OUTPKG CERT [extra build args]: signed and attested by all three.
build() {
	local name=$1 pkg=$2 cert=$3
	shift 3
	"$V" pkg build --name "$name" --version 1.0 --payload "$payload" "${capargs[@]}" "$@" --out "$pkg" >/dev/null
	echo vectra | "$V" pkg sign "$pkg" --key machine.key --cert "$cert"
	for r in r1 r2 r3; do
		echo "$r" | "$V" pkg attest "$pkg" --key $r.key --payload "$payload"
	done
}
build demo demo.vpkg machine.cert
build demo unknown-person.vpkg stranger.cert
build demo footprint.vpkg machine.cert --cap net.raw
build demo few-rebuilders.vpkg machine.cert
cp demo.vpkg no-proof.vpkg

"$V" log keygen demo.vectraos/log --out op >/dev/null 2>&1
"$V" log keygen demo-witness-1 --out w1 >/dev/null 2>&1
"$V" log keygen demo-witness-2 --out w2 >/dev/null 2>&1
"$V" log serve --dir log --key op.skey --port-file port 2>/dev/null &
pid=$!
for _ in $(seq 100); do [ -s port ] && break; sleep 0.1; done
URL=http://127.0.0.1:$(cat port)
for p in demo unknown-person footprint few-rebuilders; do "$V" log add --url "$URL" $p.vpkg >/dev/null; done
"$V" log checkpoint --url "$URL" >cp
"$V" log witness --key w1.skey --state w1.state --log op.vkey --url "$URL" cp >cp1
"$V" log witness --key w2.skey --state w2.state --log op.vkey --url "$URL" cp1 >cp2
for p in demo unknown-person footprint few-rebuilders; do
	"$V" pkg prove $p.vpkg --url "$URL" --checkpoint cp2
done
kill $pid
wait $pid 2>/dev/null || true
pid=

# Drop one attestation; alter the claim's signature.
python3 - <<'EOP'
import struct
def sections(b):
    at, out = 8, []
    while at < len(b):
        tag, n = b[at], struct.unpack(">I", b[at + 1:at + 5])[0]
        out.append((tag, at, 5 + n))
        at += 5 + n
    return out
b = open("few-rebuilders.vpkg", "rb").read()
tag, at, n = [s for s in sections(b) if s[0] == 5][0]
open("few-rebuilders.vpkg", "wb").write(b[:at] + b[at + n:])
b = bytearray(open("demo.vpkg", "rb").read())
tag, at, n = [s for s in sections(b) if s[0] == 3][0]
b[at + n - 1] ^= 1
open("bad-sig.vpkg", "wb").write(b)
EOP

{
	echo "# VectraOS demo policy, made by tools/vectra/mkdemo.sh"
	echo "person owner $(awk '{print $3}' person.pub)"
	for r in r1 r2 r3; do echo "rebuilder $r $(cat $r.hex)"; done
	echo "rebuilders 3"
	echo "log $(cat op.vkey)"
	echo "witness $(cat w1.vkey)"
	echo "witness $(cat w2.vkey)"
	echo "witnesses 2"
	for c in "${caps[@]}"; do echo "allow $c"; done
} >policy
cp policy demo.vpkg bad-sig.vpkg unknown-person.vpkg few-rebuilders.vpkg no-proof.vpkg \
	footprint.vpkg machine.key "$out/"
