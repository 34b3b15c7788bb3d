# SPDX-License-Identifier: BSD-3-Clause
#
# shellcheck shell=bash disable=SC2154 # $B, $flags and table() come from bench/run.sh
#
# The network section of make bench (docs/BENCHMARKS.md, "1.4 Network"),
# sourced by bench/run.sh after bench/linux/guest.sh.  network() boots two
# pairs of machines, one after the other, each pair's cards joined by one
# -netdev stream link on 127.0.0.1 and nothing else on it:
#
#   vectraos   $B/netbench-server.img and $B/netbench-client.img
#              (mk/netbench.mk): bench/net/netbench.c as a service
#   linux      Debian's kernel and busybox, the virtio-net modules and
#              bench/linux/lnetbench.c (bench/linux/netinit runs it)
#
# Both pairs get $flags (the design brief's, -icount shift=0 included)
# with one change, sleep=on for sleep=off ($nflags), -smp 1 and the same
# machine and card (net_machine).  Under sleep=off a halted guest's clock
# leaps to its next timer at once: alone, a guest waiting for its disk
# only pays the leap, but here it waits for another QEMU, and every timer
# it has set (ARP's retries, TCP's retransmission, the benchmark's own
# deadlines) fires before the other machine has had the real time to
# answer.  The Linux client's ARP then gave up before the server could
# reply ("No route to host"), every time.  Under sleep=on an idle guest's
# clock follows the host's; while it runs, one ns is still one
# instruction, and the figures are instructions with the idle time taken
# out, as the storage section's are.
#
# Each machine prints its own side's figures; the table adds the two:
# what one operation cost both ends.  Both pairs are measured in every
# run (no cache: the ratio is of one run).

NET_SERVER_IP=10.5.0.1
NET_CLIENT_IP=10.5.0.2
NET_NAMES="net_tcp_bulk_per_mib net_tcp_rr_64b net_udp_rr_64b net_tcp_connect_close"

# net_machine MAC: the machine and card flags both systems get, as
# make run gives VectraOS its card (mk/linuxpeer.mk): q35 with the VT-d
# IOMMU, the card on a PCIe root port, modern-only, its DMA through the
# IOMMU; netdev n0 is the link, given separately.
net_machine() {
	printf '%s ' -machine q35 -global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off \
		-device intel-iommu -device pcie-root-port,id=rp1,chassis=1,slot=1 \
		-device "virtio-net-pci,bus=rp1,netdev=n0,iommu_platform=on,disable-legacy=on,mac=$1"
	echo
}

# net_pair SYS: boots SYS's server (QEMU payload in the array net_srv) and
# client (net_cli), the server's QEMU listening on a free port of
# 127.0.0.1 (bench/net/listen.py), the client's connecting to it; their
# consoles to $B/bench-net-SYS-{server,client}.serial.  Each QEMU gets
# NET_TIMEOUT seconds (default 600); once the client's has ended, the
# server's gets 60 more.
net_pair() {
	local sys=$1 pf port="" s c t0 log
	pf=$B/bench-net-$sys.port
	log=$B/bench-net-$sys-server.serial
	: >"$log"
	: >"$B/bench-net-$sys-client.serial"
	rm -f "$pf"
	t0=$(date +%s)
	# shellcheck disable=SC2046,SC2086 # lists of words
	timeout -k 5 "${NET_TIMEOUT:-600}" python3 bench/net/listen.py "$pf" \
		qemu-system-x86_64 $nflags -smp 1 -serial "file:$log" \
		$(net_machine 52:54:00:0a:05:01) -netdev stream,id=n0,server=on,addr.type=fd,addr.str=@FD@ \
		"${net_srv[@]}" </dev/null &
	s=$!
	# The client boots once the server listens (at most 300 s): each
	# guest's own waits are in its guest time, which under -icount races
	# ahead while the guest is idle.
	for _ in $(seq 3000); do
		[ -s "$pf" ] && port=$(cat "$pf") &&
			tr -d '\r' <"$log" | grep -q 'netbench: server listening' && break
		port=""
		kill -0 $s 2>/dev/null || break
		sleep 0.1
	done
	if [ -z "$port" ]; then
		echo "$sys: the server did not come to listen (see $log)" >&2
		kill $s 2>/dev/null
		wait $s 2>/dev/null
		return 1
	fi
	# shellcheck disable=SC2046,SC2086 # lists of words
	timeout -k 5 "${NET_TIMEOUT:-600}" qemu-system-x86_64 $nflags -smp 1 \
		-serial "file:$B/bench-net-$sys-client.serial" $(net_machine 52:54:00:0a:05:02) \
		-netdev "stream,id=n0,server=off,addr.type=inet,addr.host=127.0.0.1,addr.port=$port" \
		"${net_cli[@]}" </dev/null &
	c=$!
	wait $c
	for _ in $(seq 600); do
		kill -0 $s 2>/dev/null || break
		sleep 0.1
	done
	kill $s 2>/dev/null
	wait $s 2>/dev/null
	rm -f "$pf"
	echo "$sys: the two machines took $(($(date +%s) - t0)) s" >&2
}

# net_lines SYS PROG: each side's "bench" lines, as "SYS-SIDE bench ...", and
# PROG's own messages to stderr.
net_lines() {
	local side
	for side in server client; do
		# A line may follow another's text (vshell's prompt) on the console.
		tr -d '\r' <"$B/bench-net-$1-$side.serial" | sed -n "s/.*\\($2: \\)/$1 $side: \\1/p" >&2
		tr -d '\r' <"$B/bench-net-$1-$side.serial" |
			sed -n "s/.*\\(bench [a-z0-9_]* median_ns=\\)/$1-$side \\1/p"
	done
}

# The Linux guests' initramfs: /init (bench/linux/netinit), busybox,
# /bench/lnetbench and the virtio-net modules.
linux_netinitramfs() {
	local root=$B/linux/root-net mods
	# shellcheck disable=SC2086 # a list of modules
	mods=$(linux_modules net-modules $LINUX_NET_MODULES) || return 1
	linux_root "$root" bench/linux/netinit && mkdir -p "$root"/{bench,lib/modules} &&
		cp "$B/bench/linux/lnetbench" "$root/bench/" &&
		cp "$mods"/* "$root/lib/modules/" || return 1
	linux_pack "$root" "$B/linux/initramfs-net.cpio"
}

# Sums each benchmark's two sides: "SYS bench NAME median_ns=SUM" lines for
# table(), and "SYS bench NAME:server ..." and ":client" for each side.
net_sum() {
	awk '{ split($1, w, "-"); v = $4; sub(/^median_ns=/, "", v)
	       print w[1], "bench", $3 ":" w[2], "median_ns=" v
	       sum[w[1], $3] += v; n[w[1], $3]++ }
	END { for (k in sum) { split(k, w, SUBSEP)
		if (n[k] == 2) print w[1], "bench", w[2], "median_ns=" sum[k] } }'
}

# network: both pairs, then the table.
network() {
	local nflags=${flags/sleep=off/sleep=on} out=$B/bench-net.txt names="" n linux=""
	local -a net_srv net_cli
	: >"$out"
	echo "network: VectraOS, two machines linked on 127.0.0.1" >&2
	net_srv=(-kernel "$B/kernel.bin" -initrd "$B/prog/init.elf,$B/netbench-server.img")
	net_cli=(-kernel "$B/kernel.bin" -initrd "$B/prog/init.elf,$B/netbench-client.img")
	net_pair vectraos && net_lines vectraos netbench >>"$out"
	if linux_fetch && linux_netinitramfs; then
		linux="$LINUX_PKG $LINUX_VER, busybox-static $BUSYBOX_VER"
		echo "network: Linux ($linux), two machines linked on 127.0.0.1" >&2
		net_srv=(-kernel "$LINUX_KERNEL" -initrd "$B/linux/initramfs-net.cpio"
			-append "$LINUX_APPEND nb.addr=$NET_SERVER_IP/24 nb.role=server")
		net_cli=(-kernel "$LINUX_KERNEL" -initrd "$B/linux/initramfs-net.cpio"
			-append "$LINUX_APPEND nb.addr=$NET_CLIENT_IP/24 nb.role=client,$NET_SERVER_IP")
		net_pair linux && net_lines linux lnetbench >>"$out"
	fi
	cat "$out"
	echo
	echo "network (guest instructions, idle time taken out, both machines added;" \
		"per MiB for _per_mib, else per operation; :server and :client are each side's;" \
		"measured $(date -u +%Y-%m-%d) in this run; Linux: ${linux:-no figures, see the messages above})"
	for n in $NET_NAMES; do
		names+=" $n $n:server $n:client"
	done
	net_sum <"$out" | table "$names"
}
