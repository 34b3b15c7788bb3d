# SPDX-License-Identifier: BSD-3-Clause
#
# shellcheck shell=bash disable=SC2154 # $flags and vm() come from bench/run.sh
#
# The Linux guest of `make bench`, sourced by bench/run.sh, which defines
# vm() (QEMU with the one flag list both guests get) and $flags.
#
# linux_bench SMP OUT boots Debian's linux-image-amd64 with a busybox-static
# initramfs whose /init runs bench/linux/lbench, and writes its "bench ..."
# lines to OUT.  The packages are taken with `apt-get download` and unpacked
# with dpkg-deb into $LINUX_CACHE, outside git; nothing is installed
# (bench/linux/debs.sh, which the network peer of the tests shares).
#
# A result is kept in $LINUX_CACHE/result-smpN.txt under a key: the kernel
# and busybox package versions, the sha256 of the initramfs (lbench, exit0,
# init, busybox), QEMU's version, and the QEMU flags with the kernel
# command line.  It is reused only while the key is unchanged;
# LINUX_FRESH=1 measures anyway.
# LINUX_MEASURED is set to the date the figures were measured.
#
# linux_fsbench OUT (below) is the storage benchmarks' boot, with its own
# initramfs (bench/linux/fsinit, fsbench, the virtio-blk and ext4 modules)
# and two disks (bench/linux/fsimg.sh); its result is kept the same way,
# in $LINUX_CACHE/result-fs.txt.

. bench/linux/debs.sh
LINUX_MEASURED=""
# nokaslr norandmaps: QEMU hands the kernel a random seed from the host
# (setup_data), so without them the kernel's and each process's layout,
# and so the figures, change from boot to boot; with them two runs print
# the same digits.  VectraOS randomises no layout either.
LINUX_APPEND="console=ttyS0 quiet panic=-1 nokaslr norandmaps"
# Added for the -smp 2 boot, which has an initramfs of its own
# (linux_initramfs).  maxcpus=1 rdinit=/smpinit: under -icount QEMU 7.2
# runs the vCPUs in turn, and when the kernel brings CPU 1 up during boot,
# CPU 0's wait for it never lets CPU 1 run again (docs/BENCHMARKS.md 1.1);
# so the kernel starts on CPU 0 alone and bench/linux/smpinit brings CPU 1
# up through sysfs, which works, before it runs /init.  tsc=reliable: the
# default CPU model is an AMD one without constant_tsc, for which a kernel
# with more than one possible CPU assumes the TSCs unsynchronised and
# falls back to the HPET; under -icount both vCPUs' TSC is the one virtual
# clock, and with it the two-CPU guest keeps the one-CPU guest's
# clocksource (tsc).
LINUX_SMP_APPEND="maxcpus=1 rdinit=/smpinit tsc=reliable"

# Builds $B/linux/initramfs.cpio from the static lbench and exit0, the init
# script and busybox (reproducibly: linux_pack), and for the -smp 2 boot
# $B/linux/initramfs-smp.cpio, the same with bench/linux/smpinit as
# /smpinit.  The one-CPU boot's archive stays as it was: bringing CPUs up
# from its /init instead moved its figures by up to 0.2%, and would have
# changed its cache key.
linux_initramfs() {
	local root=$B/linux/root
	linux_root "$root" bench/linux/init && mkdir "$root/bench" &&
		cp "$B/bench/linux/lbench" "$B/bench/linux/exit0" "$root/bench/" &&
		linux_pack "$root" "$B/linux/initramfs.cpio" || return 1
	rm -rf "$root-smp" && cp -a "$root" "$root-smp" &&
		cp bench/linux/smpinit "$root-smp/smpinit" && chmod 755 "$root-smp/smpinit" &&
		linux_pack "$root-smp" "$B/linux/initramfs-smp.cpio"
}

# True when result RES was made under KEY and may be reused (not
# LINUX_FRESH=1).
linux_cached() {
	[ "${LINUX_FRESH:-0}" != 1 ] && [ -f "$1" ] &&
		[ "$(grep -v '^# \(measured\|failed:\) ' "$1" | grep '^#')" = "$2" ]
}

# linux_result PROG RES KEY OUT SMP QEMU-ARGS...: PROG's (lbench's or
# fsbench's) "bench" lines into OUT, from RES when RES was made under KEY,
# else from booting the guest (vm SMP with QEMU-ARGS) and keeping them in
# RES with KEY.  A boot that does not finish (the guest gets LINUX_TIMEOUT
# seconds) is kept as a result too, with no figures, so that an unchanged
# setup does not wait for it again.  Sets LINUX_MEASURED.
linux_result() {
	local prog=$1 res=$2 key=$3 out=$4 smp=$5 log
	shift 5
	log=$B/linux/serial-${res##*/result-}
	log=${log%.txt}
	if linux_cached "$res" "$key"; then
		LINUX_MEASURED="$(sed -n 's/^# measured //p' "$res") (cached: same kernel, image, QEMU and flags)"
	else
		echo "linux guest: booting $LINUX_PKG $LINUX_VER with -smp $smp for $prog" >&2
		VM_TIMEOUT=${LINUX_TIMEOUT:-300} vm "$smp" "$log" "$@"
		tr -d '\r' <"$log" | grep "^$prog: \(linux \|/dev\|iommu\)" >&2
		{
			echo "$key"
			echo "# measured $(date -u +%Y-%m-%d)"
			if tr -d '\r' <"$log" | grep -q "^$prog: done"; then
				tr -d '\r' <"$log" | grep '^bench '
			else
				echo "# failed: $prog did not finish within ${LINUX_TIMEOUT:-300} s"
			fi
		} >"$res"
		LINUX_MEASURED="$(sed -n 's/^# measured //p' "$res") (this run)"
	fi
	grep '^bench ' "$res" >"$out"
	if grep -q '^# failed: ' "$res"; then
		echo "linux guest -smp $smp: no figures: $(sed -n 's/^# failed: //p' "$res")" \
			"on $LINUX_MEASURED; LINUX_FRESH=1 tries again" >&2
		return 1
	fi
}

# The cache key of a result: the kernel and busybox package versions, the
# sha256 of initramfs $1, QEMU's version, and the QEMU flags (the rest of
# the arguments) with the kernel command line ($LINUX_APPEND, or
# $LINUX_KEY_APPEND when set).
linux_key() {
	local cpio=$1
	shift
	printf '# kernel %s %s\n# busybox-static %s\n# initramfs sha256 %s\n# %s\n# flags %s %s -append "%s"\n' \
		"$LINUX_PKG" "$LINUX_VER" "$BUSYBOX_VER" "$(sha256sum <"$cpio" | cut -d' ' -f1)" \
		"$(qemu-system-x86_64 --version | head -n1)" "$flags" "$*" "${LINUX_KEY_APPEND:-$LINUX_APPEND}"
}

# linux_bench SMP OUT: see the top of this file.  With more than one CPU
# the boot takes initramfs-smp.cpio, and the kernel command line gets
# $LINUX_SMP_APPEND too.
linux_bench() {
	local append=$LINUX_APPEND cpio=$B/linux/initramfs.cpio
	if [ "$1" -gt 1 ]; then
		append+=" $LINUX_SMP_APPEND"
		cpio=$B/linux/initramfs-smp.cpio
	fi
	linux_result lbench "$LINUX_CACHE/result-smp$1.txt" \
		"$(LINUX_KEY_APPEND=$append linux_key "$cpio" -smp "$1")" "$2" "$1" \
		-kernel "$LINUX_KERNEL" -initrd "$cpio" -append "$append"
}

# The storage benchmarks (docs/BENCHMARKS.md, section 1.3): a boot of its
# own, with its own initramfs and two disks.
. bench/linux/fsimg.sh

# Debian builds virtio-blk and ext4 as modules: these, from the kernel
# package, in an order that loads each after what it depends on (their
# .modinfo "depends=", and the crc32c that jbd2 and ext4 ask the crypto
# API for; the generic one, as the default CPU model has no SSE4.2).
LINUX_FS_MODULES="drivers/virtio/virtio_ring drivers/virtio/virtio
	drivers/virtio/virtio_pci_modern_dev drivers/virtio/virtio_pci_legacy_dev
	drivers/virtio/virtio_pci drivers/block/virtio_blk lib/crc16 fs/mbcache
	crypto/crc32c_generic fs/jbd2/jbd2 fs/ext4/ext4"

# Builds $B/linux/initramfs-fs.cpio: /init (bench/linux/fsinit), busybox,
# /bench/fsbench and the modules above in /lib/modules, with
# /lib/modules/order naming them in load order.
linux_fsinitramfs() {
	local root=$B/linux/root-fs mods
	# Unpacked once into $LINUX_CACHE, as the kernel is.
	# shellcheck disable=SC2086 # a list of modules
	mods=$(linux_modules modules $LINUX_FS_MODULES) || return 1
	linux_root "$root" bench/linux/fsinit && mkdir -p "$root"/{bench,lib/modules} &&
		cp "$B/bench/linux/fsbench" "$root/bench/" &&
		cp "$mods"/* "$root/lib/modules/" || return 1
	linux_pack "$root" "$B/linux/initramfs-fs.cpio"
}

# linux_fsbench OUT: the storage figures into OUT, from a boot with fresh
# copies of the two images as /dev/vda and /dev/vdb (fsdisks, from
# bench/run.sh, prints the drive flags both systems get; QEMU on host CPU
# $fspin alone), or from the cached result while the kernel, images, QEMU
# and flags are unchanged.
linux_fsbench() {
	local out=$1 vda=$B/linux/fs-vda.img vdb=$B/linux/fs-vdb.img key
	# shellcheck disable=SC2046 # fsdisks prints a list of words
	key=$(linux_key "$B/linux/initramfs-fs.cpio" -smp 1 $(fsdisks VDA VDB))
	key+=$'\n'"# images $FS_IMG_KEY"$'\n'"# QEMU on one host CPU (taskset)"
	if ! linux_cached "$LINUX_CACHE/result-fs.txt" "$key"; then
		cp --sparse=always "$FS_WORK" "$vda" && cp --sparse=always "$FS_FULL" "$vdb" || return 1
	fi
	# shellcheck disable=SC2046 # fsdisks prints a list of words
	VM_PIN=$fspin linux_result fsbench "$LINUX_CACHE/result-fs.txt" "$key" "$out" 1 \
		-kernel "$LINUX_KERNEL" -initrd "$B/linux/initramfs-fs.cpio" -append "$LINUX_APPEND" \
		$(fsdisks "$vda" "$vdb")
	rm -f "$vda" "$vdb"
}

# The POSIX bridge's benchmarks (docs/BENCHMARKS.md, section 1.5): /init
# (bench/linux/pxinit) runs /bench/pxbench, the static binary VectraOS
# runs under linuxd, with busybox beside it (pxbench execs /bin/busybox).
linux_pxinitramfs() {
	local root=$B/linux/root-px
	linux_root "$root" bench/linux/pxinit && mkdir -p "$root/bench" &&
		cp "$B/linux/overlay/bench/pxbench" "$root/bench/" || return 1
	linux_pack "$root" "$B/linux/initramfs-px.cpio"
}

# linux_pxbench OUT: the figures into OUT, on q35 as VectraOS's boot (the
# rest of the flags are everyone's), or from the cached result.
linux_pxbench() {
	linux_result pxbench "$LINUX_CACHE/result-px.txt" \
		"$(linux_key "$B/linux/initramfs-px.cpio" -smp 1 -machine q35)" "$1" 1 \
		-machine q35 -kernel "$LINUX_KERNEL" -initrd "$B/linux/initramfs-px.cpio" \
		-append "$LINUX_APPEND"
}
