#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The trust chain's story, end to end, with the vectra tool in a temporary
# directory (TAP output):
#   a Person is created and recovered; the Person certifies two Machines;
#   a package is built, signed, attested by three rebuilders, logged,
#   witnessed, and verified air-gapped against a policy; each check of the
#   gate refuses with its own exit status; a Machine is revoked.
# Everything listens on 127.0.0.1 only.  Argon2id runs with 64 KiB here to
# keep the test fast; the default (64 MiB) is what people get.
set -u
B=${B:-build}
V=$(realpath "${VECTRA:-$B/host/tools/vectra/vectra}")
WORDLIST=$(realpath "$(dirname "$0")/../../lib/crypto/bip39_english.c")
T=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
cd "$T" || exit 1
n=0
ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}
notok() {
	n=$((n + 1))
	echo "not ok $n - $1"
}
# check DESC CMD...: the command succeeds.
check() {
	local d=$1
	shift
	if "$@" >/dev/null 2>err.txt; then ok "$d"; else notok "$d ($(tail -n1 err.txt))"; fi
}
# status DESC WANT CMD...: the command exits with exactly WANT.
status() {
	local d=$1 want=$2
	shift 2
	"$@" >out.txt 2>err.txt
	local got=$?
	if [ "$got" -eq "$want" ]; then ok "$d (exit $want: $(tail -n1 err.txt | sed 's/.*: //'))"; else notok "$d: exit $got, want $want ($(tail -n1 err.txt))"; fi
}
KDF=(--kdf-kib 64 --kdf-t 1)

# 1. A Person.
"$V" person new --out alice.pub >alice.words 2>err.txt
[ "$(wc -w <alice.words)" -eq 24 ] && ok "person new shows 24 words" || notok "person new: $(cat err.txt)"
ls >files.txt
if [ "$(grep -cv -e '^alice\.' -e '^err\.txt$' -e '^files\.txt$' files.txt)" -eq 0 ] &&
	! grep -q "$(cut -d' ' -f1-3 alice.words)" alice.pub; then
	ok "person new writes only the public identity file"
else
	notok "person new wrote more than alice.pub"
fi
ALICE=$(awk '{print $3}' alice.pub)
[ "$(awk '{print $1, $2}' alice.pub)" = "person v1" ] && [ ${#ALICE} -eq 64 ] &&
	ok "the public identity file is 'person v1 HEX'" || notok "alice.pub: $(cat alice.pub)"
[ "$("$V" person recover <alice.words)" = "$ALICE" ] && ok "person recover re-derives the same key" ||
	notok "person recover gave another key"
words=$(cat alice.words)
# A bad checksum, always: 24 words are 256 bits of entropy and an 8-bit
# checksum (the first byte of their SHA-256); the last word holds the
# entropy's last 3 bits and the checksum.  Flipping the word index's lowest
# bit keeps the entropy and changes the checksum, so no phrase made this way
# can be valid (a random last word would be, one time in 256).  The script
# checks that against the BIP-39 list itself, independently of the tool.
swap=$(/usr/bin/python3 - "$WORDLIST" "$words" <<'EOP'
import hashlib, re, sys
src = open(sys.argv[1]).read()
wl = re.findall(r'"([a-z]+)"', src[src.index("{"):])
assert len(wl) == 2048, "the BIP-39 list must have 2048 words"
idx = [wl.index(w) for w in sys.argv[2].split()]
assert len(idx) == 24
def valid(ix):
    bits = "".join(format(i, "011b") for i in ix)
    ent = int(bits[:256], 2).to_bytes(32, "big")
    return int(bits[256:], 2) == hashlib.sha256(ent).digest()[0]
assert valid(idx), "person new gave a phrase with a bad checksum"
bad = idx[:23] + [idx[23] ^ 1]
assert not valid(bad)
print(wl[bad[23]])
EOP
)
[ -n "$swap" ] && status "recover refuses a bad checksum" 109 "$V" person recover <<<"${words% *} $swap" ||
	notok "recover refuses a bad checksum: no bad last word for: $words"
status "recover refuses an unknown word" 108 "$V" person recover <<<"${words% *} vectraos"
status "recover refuses a wrong count" 107 "$V" person recover <<<"${words% * *}"
"$V" person new --out bob.pub >bob.words 2>/dev/null
BOB=$(awk '{print $3}' bob.pub)

# 2. Two Machines certified by the Person; three rebuilders.
for m in laptop server r1 r2 r3; do
	echo "pass-$m" | "$V" machine new --out $m.key "${KDF[@]}" >$m.hex 2>err.txt ||
		notok "machine new $m: $(cat err.txt)"
done
ok "machine new seals five Machine keys"
[ "$(wc -c <laptop.key)" -eq 172 ] && ok "a sealed key file is 172 bytes" || notok "sealed size"
check "certify laptop" "$V" machine certify --key laptop.key --name laptop --out laptop.cert --time 1000 <alice.words
check "certify server" "$V" machine certify --key server.key --name server --out server.cert --time 1000 <alice.words
[ "$(echo pass-laptop | "$V" machine unlock --key laptop.key)" = "$(cat laptop.hex)" ] &&
	ok "unlock with the right passphrase" || notok "unlock failed"
status "unlock refuses a wrong passphrase" 110 "$V" machine unlock --key laptop.key <<<"pass-wrong"
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[30] ^= 1; open(sys.argv[2], "wb").write(b)' laptop.key t.key
status "unlock refuses a tampered file" 111 "$V" machine unlock --key t.key <<<"pass-laptop"
head -c 100 laptop.key >t.key
status "unlock refuses a truncated file" 100 "$V" machine unlock --key t.key <<<"pass-laptop"

# 3. A package, signed and attested by three rebuilders.
echo "hello from a package" >payload.bin
[ "$("$V" vcid payload.bin)" = "vcid1-$(sha256sum payload.bin | cut -d' ' -f1)" ] &&
	ok "vcid FILE prints vcid1- and the file's SHA-256" || notok "vcid: $("$V" vcid payload.bin)"
check "pkg build" "$V" pkg build --name hello --version 1.0 --payload payload.bin --cap console --cap fs.read --out hello.vpkg
check "pkg sign by laptop" "$V" pkg sign hello.vpkg --key laptop.key --cert laptop.cert --time 1500 <<<"pass-laptop"
status "pkg sign refuses another Machine's certificate" 120 "$V" pkg sign hello.vpkg --key server.key --cert laptop.cert <<<"pass-server"
echo "a different build" >other.bin
status "a rebuilder whose build differs refuses to attest" 118 "$V" pkg attest hello.vpkg --key r1.key --payload other.bin <<<"pass-r1"
for r in r1 r2 r3; do
	check "attest by $r" "$V" pkg attest hello.vpkg --key $r.key --payload payload.bin <<<"pass-$r"
done
[ "$("$V" pkg info hello.vpkg | grep -c attested-by)" -eq 3 ] && ok "three attestations" || notok "attestations"
cp hello.vpkg unlogged.vpkg

# 4. The log, two witnesses, the proof.
"$V" log keygen log.example/vectra --out op >/dev/null 2>&1
"$V" log keygen witness-one --out w1 >/dev/null 2>&1
"$V" log keygen witness-two --out w2 >/dev/null 2>&1
"$V" log keygen witness-three --out w3 >/dev/null 2>&1
grep -q '^PRIVATE+KEY+log.example/vectra+' op.skey && ok "log keygen writes a note signer key" || notok "op.skey"
serve() { # serve DIR PORTFILE
	rm -f "$2"
	"$V" log serve --dir "$1" --key op.skey --port-file "$2" 2>>serve.log &
	pids+=($!)
	for _ in $(seq 100); do [ -s "$2" ] && break; sleep 0.1; done
	[ -s "$2" ]
}
serve logdir port && ok "log serve listens on 127.0.0.1" || notok "log serve did not start"
URL=http://127.0.0.1:$(cat port)
grep -q "serving on 127.0.0.1:" serve.log && ok "log serve binds loopback by default" || notok "bind address"
check "log add (a filler entry)" "$V" log add --url "$URL" payload.bin
idx=$("$V" log add --url "$URL" hello.vpkg 2>err.txt)
[ "$idx" = 1 ] && ok "log add returns the claim's index" || notok "log add: $idx $(cat err.txt)"
check "log add (another entry)" "$V" log add --url "$URL" other.bin
"$V" log checkpoint --url "$URL" >cp0 2>err.txt
[ "$(sed -n 2p cp0)" = 3 ] && ok "checkpoint of size 3" || notok "checkpoint: $(cat cp0 err.txt)"
"$V" log witness --key w1.skey --state w1.state --log op.vkey --url "$URL" cp0 >cp1 2>err.txt &&
	"$V" log witness --key w2.skey --state w2.state --log op.vkey --url "$URL" cp1 >cp2 2>>err.txt
[ "$(grep -c '^— ' cp2)" -eq 3 ] && ok "two witnesses cosign the checkpoint" || notok "witness: $(cat err.txt)"
check "pkg prove embeds the inclusion proof" "$V" pkg prove hello.vpkg --url "$URL" --checkpoint cp2

cat >policy <<EOP
# Test policy
person alice $ALICE
rebuilder r1 $(cat r1.hex)
rebuilder r2 $(cat r2.hex)
rebuilder r3 $(cat r3.hex)
rebuilders 3
log $(cat op.vkey)
witness $(cat w1.vkey)
witness $(cat w2.vkey)
witnesses 2
allow console
allow fs.read
EOP
check "pkg verify --policy accepts the package" "$V" pkg verify hello.vpkg --policy policy
kill "${pids[0]}"
wait "${pids[0]}" 2>/dev/null
"$V" pkg verify hello.vpkg --policy policy >out.txt 2>&1 && grep -q "^ok hello 1.0 vcid1-" out.txt &&
	ok "verification is air-gapped: the log is down and it still passes" || notok "air-gapped: $(cat out.txt)"

# 5. Each check of the gate has its own exit status.
sed "s/^person alice .*/person bob $BOB/" policy >p.unknown
status "unknown Person" 121 "$V" pkg verify hello.vpkg --policy p.unknown
sed "s/^rebuilders 3/rebuilders 4/" policy >p.rebuild
status "too few rebuilders" 124 "$V" pkg verify hello.vpkg --policy p.rebuild
sed "/^rebuilder r3/d" policy >p.rebuild2
status "an attestation by a rebuilder outside the policy does not count" 124 "$V" pkg verify hello.vpkg --policy p.rebuild2
sed "s/^witnesses 2/witnesses 3/" policy >p.wit && echo "witness $(cat w3.vkey)" >>p.wit
status "too few witnesses" 127 "$V" pkg verify hello.vpkg --policy p.wit
sed "/^allow fs.read/d" policy >p.foot
status "footprint beyond the policy" 129 "$V" pkg verify hello.vpkg --policy p.foot
status "no log proof" 125 "$V" pkg verify unlogged.vpkg --policy policy
"$V" log keygen other.example/log --out other >/dev/null 2>&1
sed "s|^log .*|log $(cat other.vkey)|" policy >p.log
status "a log outside the policy" 126 "$V" pkg verify hello.vpkg --policy p.log
echo "frobnicate everything" >>p.bad
status "a bad policy line" 134 "$V" pkg verify hello.vpkg --policy p.bad
python3 - <<'EOP'
import struct
b = bytearray(open("hello.vpkg", "rb").read())
at = 8
while at < len(b):
    tag, n = b[at], struct.unpack(">I", b[at + 1:at + 5])[0]
    if tag == 3:
        b[at + 5 + n - 1] ^= 1  # last byte of the claim's signature
    if tag == 2:
        pay = at + 5
    at += 5 + n
open("badsig.vpkg", "wb").write(b)
b = bytearray(open("hello.vpkg", "rb").read())
b[pay] ^= 0x20
open("badpay.vpkg", "wb").write(b)
EOP
status "bad maintainer signature" 115 "$V" pkg verify badsig.vpkg --policy policy
status "payload altered" 118 "$V" pkg verify badpay.vpkg --policy policy

# 6. Revocation: signed at 1500; revoked from 2000 still passes, from 1200 not.
"$V" machine revoke --cert laptop.cert --out late.rev --time 2000 <alice.words >late.line 2>err.txt &&
	ok "machine revoke" || notok "revoke: $(cat err.txt)"
"$V" machine revoke --cert laptop.cert --out early.rev --time 1200 <alice.words >early.line 2>/dev/null
status "only the certifying Person can revoke" 121 "$V" machine revoke --cert laptop.cert --out x.rev <bob.words
(cat policy late.line) >p.late
check "a claim made before the revocation still verifies" "$V" pkg verify hello.vpkg --policy p.late
(cat policy early.line) >p.early
status "a claim made after the revocation is refused" 122 "$V" pkg verify hello.vpkg --policy p.early

# 7. The second Machine signs too; split views are caught.
serve logdir port && URL=http://127.0.0.1:$(cat port) && ok "log serve restarts from disk" || notok "restart"
"$V" log checkpoint --url "$URL" >cpA
[ "$(sed -n 2p cpA)" = 3 ] && ok "the restarted log still has 3 entries" || notok "restart size"
cp hello.vpkg hello2.vpkg
"$V" pkg sign hello2.vpkg --key server.key --cert server.cert --time 1600 <<<"pass-server" >/dev/null 2>&1
"$V" log add --url "$URL" hello2.vpkg >/dev/null
"$V" log checkpoint --url "$URL" >c4
"$V" log witness --key w1.skey --state w1.state --log op.vkey --url "$URL" c4 >c4a 2>/dev/null &&
	"$V" log witness --key w2.skey --state w2.state --log op.vkey --url "$URL" c4a >c4b 2>/dev/null
check "the server Machine's package is proven against the grown tree" "$V" pkg prove hello2.vpkg --url "$URL" --checkpoint c4b
check "and verifies" "$V" pkg verify hello2.vpkg --policy policy
# Revocation bound to the log: from the size-3 checkpoint on, whatever the
# claim's own time says.  The server's claim is entry 3, the laptop's entry 1.
"$V" machine revoke --cert server.cert --out srv.rev --log-checkpoint cp0 <alice.words >srv.line 2>/dev/null
"$V" machine revoke --cert laptop.cert --out lap.rev --log-checkpoint cp0 <alice.words >lap.line 2>/dev/null
(cat policy srv.line lap.line) >p.logrev
status "a claim logged after a log-bound revocation is refused" 122 "$V" pkg verify hello2.vpkg --policy p.logrev
check "a claim logged before it still verifies" "$V" pkg verify hello.vpkg --policy p.logrev
status "a witness refuses an older checkpoint" 132 "$V" log witness --key w1.skey --state w1.state --log op.vkey --url "$URL" cp0
check "gossip: an old and a new checkpoint are consistent" "$V" log gossip --log op.vkey cp0 c4 --url "$URL"
# A dishonest operator: a second tree under the same key, same size, other entries.
serve forkdir fport && FURL=http://127.0.0.1:$(cat fport)
for f in payload.bin other.bin payload.bin other.bin; do "$V" log add --url "$FURL" $f >/dev/null; done
"$V" log checkpoint --url "$FURL" >f4
status "gossip reports the split view" 133 "$V" log gossip --log op.vkey c4 f4
grep -q "evidence 2" out.txt && ok "gossip prints both checkpoints as evidence" || notok "no evidence"
status "a witness refuses a second root for one size" 133 "$V" log witness --key w1.skey --state w1.state --log op.vkey --url "$FURL" f4
"$V" log add --url "$FURL" payload.bin >/dev/null
"$V" log checkpoint --url "$FURL" >f5
status "a witness refuses a fork that grew (no consistency proof)" 131 "$V" log witness --key w2.skey --state w2.state --log op.vkey --url "$FURL" f5
status "gossip with a proof from the forked log still catches it" 133 "$V" log gossip --log op.vkey c4 f5 --url "$FURL"
status "a checkpoint signed by another key is refused" 126 "$V" log witness --key w3.skey --state w3.state --log other.vkey --url "$URL" c4

# 8. The witness as a server (C2SP tlog-witness shape), across a restart.
wserve() {
	rm -f wport
	"$V" log witness-serve --key w3.skey --state w3s.state --log op.vkey --port-file wport 2>>serve.log &
	pids+=($!)
	wpid=$!
	for _ in $(seq 100); do [ -s wport ] && break; sleep 0.1; done
	[ -s wport ]
}
wserve && WURL=http://127.0.0.1:$(cat wport) && ok "log witness-serve listens on 127.0.0.1" || notok "witness-serve"
"$V" log cosign --witness "$WURL" --url "$URL" --log op.vkey c4 >c4w 2>err.txt
[ "$(grep -c '^— witness-three ' c4w)" -eq 1 ] && ok "the witness server cosigns a checkpoint" || notok "cosign: $(cat err.txt)"
sed -e "/^witness /d" -e "s/^witnesses 2/witnesses 1/" policy >p.w3 && echo "witness $(cat w3.vkey)" >>p.w3
cp hello2.vpkg hello3.vpkg
check "its cosignature counts at the gate" bash -c "'$V' pkg prove hello3.vpkg --url '$URL' --checkpoint c4w && '$V' pkg verify hello3.vpkg --policy p.w3"
status "the witness server refuses a second root for one size" 133 "$V" log cosign --witness "$WURL" --url "$FURL" --log op.vkey f4
grep -q "evidence 2" out.txt && ok "and answers with the evidence" || notok "no evidence from the witness server"
status "the witness server refuses a fork that grew" 131 "$V" log cosign --witness "$WURL" --url "$FURL" --log op.vkey f5
status "the witness server refuses an older checkpoint" 132 "$V" log cosign --witness "$WURL" --url "$URL" --log op.vkey cp0
kill "$wpid"
wait "$wpid" 2>/dev/null
wserve && ok "the witness server restarts from its state" || notok "witness-serve restart"
WURL=http://127.0.0.1:$(cat wport)
status "after a restart it still refuses the second root" 133 "$V" log cosign --witness "$WURL" --url "$FURL" --log op.vkey f4
check "and still cosigns the honest tree" "$V" log cosign --witness "$WURL" --url "$URL" --log op.vkey c4
"$V" log add --url "$URL" other.bin >/dev/null && "$V" log checkpoint --url "$URL" >c5
"$V" log cosign --witness "$WURL" --url "$URL" --log op.vkey c5 >c5w 2>err.txt &&
	[ "$(sed -n 2p c5w)" = 5 ] && grep -q '^— witness-three ' c5w &&
	ok "the honest tree grows: cosigned with a consistency proof from size 4 to 5" ||
	notok "cosign of the grown tree: $(cat err.txt)"

# TRUST_E2E_KEEP=DIR keeps the artefacts (they seed the fuzzers' corpora).
if [ -n "${TRUST_E2E_KEEP:-}" ]; then
	mkdir -p "$TRUST_E2E_KEEP" && cp hello.vpkg unlogged.vpkg laptop.cert late.rev cp2 c4b f4 op.vkey \
		laptop.key srv.rev "$TRUST_E2E_KEEP/"
fi
n_expected=$n
echo "1..$n_expected"
