#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# make profile-net: where make bench-net's VectraOS instructions go, per
# function, on both machines (docs/BENCHMARKS.md 1.4).  Boots the same two
# machines on the same link as bench/net/net.sh, each QEMU with the
# tools/insnprof.c plugin, which counts every instruction and writes a
# snapshot each time netbench passes mark_now (its bytes at its address
# say it is netbench's); then tools/insnprof.py prints the bulk transfer's
# share per MiB: on the server snapshots 0 to 1 (the three timed runs, 12
# MiB, and the next phase's 50 untimed round trips, about 1.5% more), on
# the client 0 to 1 (the first timed run, 4 MiB).  The profiles stay in
# $B/profile-net/{server,client}.prof for other spans (insnprof.py A = -1
# lists them).
set -u
B=${B:-build}
out=$B/profile-net
mkdir -p "$out"
flags="-m 512M -display none -no-reboot -monitor none -icount shift=0,align=off,sleep=off"
flags+=" -rtc base=2020-01-01T00:00:00,clock=vm -device isa-debug-exit,iobase=0xf4,iosize=0x04"
# shellcheck source=bench/net/net.sh
source bench/net/net.sh
# shellcheck disable=SC2034 # nflags, net_srv and net_cli are net_pair's
nflags=${flags/sleep=off/sleep=on}
at=$(nm "$B/prog/netbench.elf" | awk '$3 == "mark_now" { print $1 }')
bytes=$(objdump -d --start-address=0x"$at" --stop-address=$((0x$at + 12)) "$B/prog/netbench.elf" |
	sed -n 's/^ *[0-9a-f]*:\t\(\([0-9a-f][0-9a-f] \)*\).*/\1/p' | tr -d ' \n')
mark=$at:$bytes
plugin=$B/host/tools/insnprof.so
net_srv=(-kernel "$B/kernel.bin" -initrd "$B/prog/init.elf,$B/netbench-server.img"
	-plugin "$plugin,mark=$mark,out=$out/server.prof")
net_cli=(-kernel "$B/kernel.bin" -initrd "$B/prog/init.elf,$B/netbench-client.img"
	-plugin "$plugin,mark=$mark,out=$out/client.prof")
net_pair vectraos || exit 1
net_lines vectraos netbench
echo "== server (receives), per MiB"
B=$B TOP=${TOP:-40} python3 tools/insnprof.py "$out/server.prof" 0 1 12
echo "== client (sends), per MiB"
B=$B TOP=${TOP:-40} python3 tools/insnprof.py "$out/client.prof" 0 1 4
