#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Go's sumdb/note and sumdb/tlog as an independent oracle for vectra's
# signed notes, checkpoints, keys and Merkle proofs (TAP output).  Built
# offline from Debian's golang-golang-x-mod-dev in GOPATH mode; the build
# cache lives under $B.  Without Go the suite reports a skip.
set -u
B=${B:-build}
V=$(realpath "${VECTRA:-$B/host/tools/vectra/vectra}")
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v go >/dev/null || [ ! -d /usr/share/gocode/src/golang.org/x/mod/sumdb/note ]; then
	echo "ok 1 - # SKIP Go or golang-golang-x-mod-dev not installed"
	exit 0
fi
mkdir -p "$B/go"
out=$(realpath "$B/go")
if ! (cd "$here" && GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="$out/cache" GOFLAGS= \
	GOPROXY=off go build -o "$out/oracle" oracle.go) 2>"$out/build.log"; then
	echo "not ok 1 - the Go oracle builds offline"
	sed 's/^/# /' "$out/build.log"
	exit 1
fi
echo "ok 1 - the Go oracle builds offline"
n=1
T=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$T"' EXIT
cd "$T" || exit 1
"$out/oracle" keygen .
"$V" log keygen witness-one --out w1 >/dev/null 2>&1

# Go signs, vectra verifies: keys and the signed note.
"$V" log gossip --log go.vkey go.note go.note >out.txt 2>&1 && n=$((n + 1)) &&
	echo "ok $n - vectra verifies a note Go signed, with Go's verifier key" ||
	{ n=$((n + 1)); echo "not ok $n - vectra on Go's note: $(cat out.txt)"; }
# vectra serves a log under Go's signer key; Go checks everything it serves.
"$V" log serve --dir logdir --key go.skey --port-file port 2>serve.log &
pid=$!
for _ in $(seq 100); do [ -s port ] && break; sleep 0.1; done
URL=http://127.0.0.1:$(cat port)
for i in $(seq 0 36); do echo "entry $i $RANDOM" >e && "$V" log add --url "$URL" e >/dev/null; done
"$V" log checkpoint --url "$URL" >cp
"$V" log witness --key w1.skey --state w1.state --log go.vkey --url "$URL" cp >cpw 2>err.txt
"$out/oracle" check "$URL" cpw go.vkey w1.vkey | while read -r ok num rest; do
	n=$((n + 1))
	echo "$ok $n $rest"
done
