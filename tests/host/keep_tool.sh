#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The keep tool (tools/keep.c) end to end: format an image and a byte
# range of one (a partition), put a file, get it back identical, list,
# make and remove directories, put a tree, snapshots, df, gc, and fsck
# clean; then corrupt one byte of the file's data and fsck must name the
# file and fail, and get must refuse with VX_E_CORRUPT rather than return
# it.
# An fsync through the intent log and a power cut: fsck sees the log; ls
# and get (read-only) replay it in memory and show the fsynced bytes
# without changing the image; a writable mount replays it for good.
# Last, a 64 GiB sparse volume, formatted and checked in bounded memory.
#
# usage: B=build tests/host/keep_tool.sh     prints TAP
set -u
keep=${B:-build}/host/tools/keep
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
check() {
	n=$((n + 1))
	if eval "$2" >"$work/out" 2>&1; then echo "ok $n - $1"; else
		echo "not ok $n - $1"
		sed 's/^/# /' "$work/out"
	fi
}
img=$work/disk.img
head -c 300000 /dev/urandom >"$work/file"
check "mkfs a 16 MiB image" "$keep mkfs $img 16M tool-test"
check "put a file" "$keep put $img $work/file file"
check "mkdir" "$keep mkdir $img docs && $keep put $img $work/file docs/copy"
check "get it back identical" "$keep get $img docs/copy $work/back && cmp $work/file $work/back"
check "ls lists it" "$keep ls $img docs | grep -q copy"
check "snapshot create and list" "$keep snap $img create before && $keep snap $img list | grep -q before"
check "rm after the snapshot; the snapshot still has it" \
	"$keep rm $img docs/copy && ! $keep get $img docs/copy $work/x && $keep ls $img docs --snap before | grep -q copy"
mkdir -p "$work/tree/sub" && cp "$work/file" "$work/tree/a" && cp "$work/file" "$work/tree/sub/b"
check "put-tree a directory in one commit, identical" \
	"$keep put-tree $img $work/tree t && $keep get $img t/sub/b $work/back2 && cmp $work/file $work/back2 && $keep ls $img t | grep -q 'sub/'"
check "df" "$keep df $img | grep -q '^total 16777216'"
check "snapshot delete and gc" "$keep snap $img delete before && $keep gc $img"
check "fsck is clean" "$keep fsck $img | grep -q '0 violations'"
# Corrupt one byte of file's data: find a block holding it.
off=$(python3 - "$img" "$work/file" <<'PY'
import sys
img = open(sys.argv[1], 'rb').read()
data = open(sys.argv[2], 'rb').read()
print(img.find(data[8192:8192 + 4096]))
PY
)
check "the file's data is on the image" "[ $off -gt 0 ]"
printf 'X' | dd of="$img" bs=1 seek=$((off + 100)) conv=notrunc status=none
check "fsck names the damaged file and fails" \
	"! $keep fsck $img >$work/fsck; grep -q 'checksum mismatch.*file' $work/fsck"
check "get refuses the damaged file" \
	"! $keep get $img file $work/bad 2>$work/err; grep -q VX_E_CORRUPT $work/err"
part=$work/gpt.img
check "format a byte range (a partition)" \
	"truncate -s 20M $part && $keep mkfs $part --offset 1048576 --size 8388608 part"
check "use and check the partition" \
	"$keep put $part $work/file f --offset 1048576 --size 8388608 && $keep fsck $part --offset 1048576 --size 8388608"
head -c 1048576 "$part" >"$work/before"
head -c 1048576 /dev/zero >"$work/zero"
check "the bytes before the partition stay zero" "cmp $work/before $work/zero"
# An fsync through the intent log, then a power cut (no commit): fsck of
# the image sees the log and no violation, get replays it.
head -c 5000 /dev/urandom >"$work/patch"
limg=$work/log.img
check "fsync-write goes through the intent log" \
	"$keep mkfs $limg 8M && $keep put $limg $work/file logged && $keep fsync-write $limg logged 4096 $work/patch | grep -q 'intent log'"
check "fsck of the crashed image: a log to replay, no violation" \
	"$keep fsck $limg | grep -q 'intent log of 2 records' && $keep fsck $limg | grep -q '0 violations'"
python3 - "$work/file" "$work/patch" "$work/want" <<'PY'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
p = open(sys.argv[2], 'rb').read()
d[4096:4096 + len(p)] = p
open(sys.argv[3], 'wb').write(d)
PY
cp "$limg" "$work/log.before"
check "get (read-only) replays it in memory: the fsynced bytes, the image unchanged" \
	"$keep get $limg logged $work/back3 2>$work/replay && grep -q 'replayed 2 intent log records in memory' $work/replay && cmp $work/want $work/back3 && cmp $limg $work/log.before"
check "fsck after get still sees the log to replay" \
	"$keep fsck $limg | grep -q 'intent log of 2 records'"
# An fsynced append (a writable mount replays the first fsync, then logs
# this one): ls shows the new size without writing the image.
head -c 3000 /dev/urandom >"$work/tail"
cat "$work/want" "$work/tail" >"$work/want2"
check "fsync-write an append through the log" \
	"$keep fsync-write $limg logged 300000 $work/tail | grep -q 'intent log' && cp $limg $work/log.before2"
check "ls (read-only) shows the fsynced size, the image unchanged" \
	"$keep ls $limg 2>$work/replay2 | grep -q '^ *303000  logged\$' && grep -q 'in memory' $work/replay2 && cmp $limg $work/log.before2"
check "get (read-only) shows the fsynced append" \
	"$keep get $limg logged $work/back4 2>/dev/null && cmp $work/want2 $work/back4 && cmp $limg $work/log.before2"
check "a writable mount replays it for good" \
	"$keep mkdir $limg after 2>$work/replay3 && grep -q 'replayed' $work/replay3 && ! grep -q 'in memory' $work/replay3 && $keep get $limg logged $work/back5 2>$work/replay4 && cmp $work/want2 $work/back5 && ! grep -q replayed $work/replay4"
check "fsck after the replay is clean" "$keep fsck $limg | grep -q '0 violations' && ! $keep fsck $limg | grep -q 'intent log'"
big=$work/big.img
check "a 64 GiB sparse volume: mkfs, put, fsck (memory does not grow with the disk)" \
	"$keep mkfs $big 64G && $keep put $big $work/file f && $keep fsck $big && [ \$(du -k $big | cut -f1) -lt 65536 ]"
echo "1..$n"
