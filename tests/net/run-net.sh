#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# make run-net: two VectraOS machines on one link, for a person to try
# (docs/NET.md, "Two machines on one link").
#
#   tests/net/relay.py     on 127.0.0.1 ports WIRE_PORT (machine 1),
#                          WIRE_PORT+1 (machine 2), WIRE_PORT+2 (control);
#                          no impairment until told (`impair loss=5`);
#                          every frame in $B/run-net.pcap
#   machine 1 (10.7.0.1)   this terminal (Ctrl-A X quits everything)
#   machine 2 (10.7.0.2)   its console on 127.0.0.1:WIRE_PORT+3; attach
#                          with tests/net/console.py WIRE_PORT+3
#
# Everything listens on 127.0.0.1 only.  The relay and machine 2 are
# stopped (by their process ids) when machine 1 exits.
set -eu
B=${B:-build}
P=${WIRE_PORT:-47000}
here=$(dirname "$0")
# shellcheck disable=SC2054 # the commas are QEMU's, inside one argument
qemu=(qemu-system-x86_64 -machine q35 -m 512M -smp 1 -no-reboot -display none
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel "$B/kernel.bin")
card() { # the card of machine $1: a stream to the relay, MAC 52:54:00:0a:07:0$1
	echo -global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off -device intel-iommu \
		-device pcie-root-port,id=rp1,chassis=1,slot=1 \
		-netdev "stream,id=n0,server=off,addr.type=inet,addr.host=127.0.0.1,addr.port=$((P + $1 - 1))" \
		-device "virtio-net-pci,bus=rp1,netdev=n0,iommu_platform=on,disable-legacy=on,mac=52:54:00:0a:07:0$1"
}

log=$B/run-net.relay
python3 "$here/relay.py" --port1 "$P" --port2 $((P + 1)) --control $((P + 2)) \
	--pcap "$B/run-net.pcap" --seed 1 --max-seconds 28800 >"$log" &
relay=$!
guest2=
cleanup() {
	[ -n "$guest2" ] && kill "$guest2" 2>/dev/null
	kill "$relay" 2>/dev/null
	wait 2>/dev/null
	echo "run-net: the relay's capture is $B/run-net.pcap (check it: python3 $here/pcapcheck.py --tcp $B/run-net.pcap)"
}
trap cleanup EXIT
for _ in $(seq 50); do # the relay is up when it has said where it listens
	grep -q listening "$log" 2>/dev/null && break
	sleep 0.1
done
grep -q listening "$log" || { echo "run-net: the relay did not start:" && cat "$log"; exit 1; }

# shellcheck disable=SC2046 # card's words are separate arguments
"${qemu[@]}" $(card 2) -monitor none -serial "tcp:127.0.0.1:$((P + 3)),server=on,wait=off" \
	-initrd "$B/prog/init.elf,$B/wire-2.img" &
guest2=$!
cat <<MSG
run-net: machine 2 (10.7.0.2) is booting; its console: python3 $here/console.py $((P + 3))
run-net: the relay's control: python3 $here/console.py $((P + 2))   (then: impair loss=5 reorder=5, stats)
run-net: machine 1 (10.7.0.1) is this terminal; try: ping 10.7.0.2, net.  Ctrl-A X quits.
MSG
# shellcheck disable=SC2046
"${qemu[@]}" $(card 1) -serial mon:stdio -initrd "$B/prog/init.elf,$B/wire-1.img"
