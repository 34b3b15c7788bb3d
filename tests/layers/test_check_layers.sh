#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A test of tools/check-layers.py itself: a check that never fails proves
# nothing.  It copies the tree's include/, lib/, kernel/ and services/ into
# a temporary directory (with tests/, bench/ and tools/, whose includes must
# stay inside the tree), shows the copy passes, then plants one wrong
# include per forbidden edge, each in a fresh copy of the file it edits, and
# shows the check fails and names that edge.  Last, the table that
# docs/ARCHITECTURE.md draws must be the checker's own (--table).
#
# usage: tests/layers/test_check_layers.sh      prints TAP
set -u
check=tools/check-layers.py
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r include lib kernel services tests bench tools "$work/"
n=0
bad=0

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}
not_ok() {
	n=$((n + 1))
	bad=$((bad + 1))
	echo "not ok $n - $1"
}

if out=$(python3 "$check" "$work" 2>&1); then
	ok "the tree's own includes pass"
else
	not_ok "the tree's own includes pass"
	echo "$out" | sed 's/^/#   /'
fi

# plant EDGE FILE LINE WANT: append LINE to FILE in the copy; the check
# must exit 1 and name FILE and WANT; then FILE is put back.
plant() {
	local edge=$1 file=$2 line=$3 want=$4 out rc
	cp "$work/$file" "$work/$file.orig"
	printf '%s\n' "$line" >>"$work/$file"
	out=$(python3 "$check" "$work" 2>&1)
	rc=$?
	mv "$work/$file.orig" "$work/$file"
	if [ "$rc" -eq 1 ] && grep -q "^#   $file:[0-9]*: .*$want" <<<"$out" &&
		[ "$(grep -c '^#   ' <<<"$out")" -eq 1 ]; then
		ok "$edge: $file planted with '$line' is caught ($want)"
	else
		not_ok "$edge: $file planted with '$line' is caught ($want)"
		echo "$out" | sed 's/^/#   | /'
	fi
}

plant "kernel -> lib/rt" kernel/core/boot.c '#include "rt/ring.h"' "core -> rt"
plant "kernel -> lib/client" kernel/core/console.c '#include "client/console.h"' "core -> client"
plant "kernel arch -> lib/rt" kernel/arch/x86_64/trap.c '#include "rt/svc.h"' "arch -> rt"
plant "kernel -> services" kernel/core/sched.c '#include "../../services/init/init.h"' "core -> services"
plant "lib -> services" lib/rt/ring.c '#include "../../services/vfsd/pure_fs.h"' "rt -> services"
plant "lib -> services" lib/crypto/sha2.c '#include "../../services/nsd/pure_ns.h"' "crypto -> services"
plant "lib -> services" lib/client/fs.c '#include "../../services/vshell/shell.h"' "client -> services"
plant "core -> arch internals" kernel/core/task.c '#include "entry.h"' "core -> arch internals"
plant "core -> arch by name" kernel/core/kernel.h '#include "arch/x86_64/arch.h"' "core -> arch internals"
plant "include/ -> lib" include/vectra/abi.h '#include "rt/svc.h"' "include -> rt"
plant "include/ -> lib/base" include/vectra/proto/fs.h '#include <vx_string.h>' "include -> base"
plant "include/ -> kernel" include/vectra/ring.h '#include "core/kernel.h"' "include -> core"
plant "lib/rt -> lib/client" lib/rt/svc_msg.c '#include "client/fs.h"' "rt -> client"
plant "lib/fs -> lib/rt" lib/fs/fat32.c '#include "rt/ring.h"' "fs -> rt"
plant "lib/base -> lib/rt" lib/base/vx_fmt.c '#include "rt/print.h"' "base -> rt"
plant "lib/blk -> lib/rt" lib/blk/gpt.c '#include "rt/svc.h"' "blk -> rt"
plant "lib/blk -> lib/dev" lib/blk/blkproto.c '#include "dev/virtio.h"' "blk -> dev"
plant "lib/posix -> lib/rt" lib/posix/errno.c '#include "rt/path.h"' "posix -> rt"
plant "lib/posix -> services" lib/posix/errno.c '#include "../../services/vfsd/pure_fs.h"' "posix -> services"
plant "a non-freestanding system header" lib/rt/path.c '#include <stdio.h>' "<stdio.h> is not a freestanding header"
plant "tests -> outside the tree" tests/host/test_ns.c '#include "../../work/main/services/nsd/pure_ns.h"' "resolves to no file of the tree"
plant "bench -> a missing file" bench/kbench/main.c '#include "rt/nonesuch.h"' "resolves to no file of the tree"

# The diagram in docs/ARCHITECTURE.md: the lines between the markers are
# exactly what the checker enforces.
doc=$(sed -n '/^<!-- check-layers --table -->$/,/^<!-- end -->$/p' docs/ARCHITECTURE.md |
	sed -n '/^    /s/^    //p')
if [ -n "$doc" ] && [ "$doc" = "$(python3 "$check" --table)" ]; then
	ok "docs/ARCHITECTURE.md's layer table is check-layers' table"
else
	not_ok "docs/ARCHITECTURE.md's layer table is check-layers' table"
	diff <(echo "$doc") <(python3 "$check" --table) | sed 's/^/#   /'
fi

echo "1..$n"
[ "$bad" -eq 0 ]
