# SPDX-License-Identifier: BSD-3-Clause
#
# shellcheck shell=bash disable=SC2154 # $B, $LINUX_CACHE from bench/run.sh, guest.sh
#
# The VectraOS disks of the storage benchmarks (docs/BENCHMARKS.md, 1.3),
# sourced by bench/run.sh after bench/linux/guest.sh: Keep volumes
# (docs/FS.md) holding the same files as the ext4 images of
# bench/linux/fsimg.sh, from the same staged contents (fs_random,
# fs_full_tree), made on the host with the keep tool
# ($B/host/tools/keep, tools/keep.c) and kept in $LINUX_CACHE:
#
#   work: 512 MiB, /cold (the same 64 MiB stream); the benchmarks write here
#   full: 1 GiB, the same 880 MiB tree /dNN/fNNNN, for the mount time
#
# Whole-disk volumes, no partition table: vfsd mounts a Keep volume it
# finds on a whole disk as HOME:.  FS_KEEP_KEY names the recipe: this
# file, fsimg.sh, and the keep tool's sources (tools/keep.c, lib/fs/keep*,
# BLAKE3); FS_KEEP_WORK and FS_KEEP_FULL are the images' paths.

FS_KEEP_KEY="" FS_KEEP_WORK="" FS_KEEP_FULL=""

# Makes (or finds in $LINUX_CACHE) the two Keep images.
fs_keep_images() {
	local keep=$B/host/tools/keep stage=$LINUX_CACHE/fs-keep-stage
	if [ ! -x "$keep" ] || ! command -v openssl >/dev/null; then
		echo "storage: $keep or openssl not found (make; scripts/install-deps.sh)" >&2
		return 1
	fi
	mkdir -p "$LINUX_CACHE" || return 1
	FS_KEEP_KEY=$(cat bench/fsimg-keep.sh bench/linux/fsimg.sh tools/keep.c lib/fs/keep*.[ch] \
		lib/fs/blkdev.h lib/crypto/blake3.c | sha256sum | cut -c1-16)
	FS_KEEP_WORK=$LINUX_CACHE/keep-work-$FS_KEEP_KEY.img
	FS_KEEP_FULL=$LINUX_CACHE/keep-full-$FS_KEEP_KEY.img
	if [ ! -s "$FS_KEEP_WORK" ]; then
		echo "storage: making $FS_KEEP_WORK" >&2
		rm -rf "$stage" "$FS_KEEP_WORK.tmp" && mkdir -p "$stage" &&
			fs_random $((64 * 1024 * 1024)) >"$stage/cold" &&
			"$keep" mkfs "$FS_KEEP_WORK.tmp" 512M bench >/dev/null &&
			"$keep" put-tree "$FS_KEEP_WORK.tmp" "$stage" / &&
			mv "$FS_KEEP_WORK.tmp" "$FS_KEEP_WORK" || return 1
	fi
	if [ ! -s "$FS_KEEP_FULL" ]; then
		echo "storage: making $FS_KEEP_FULL" >&2
		rm -rf "$stage" "$FS_KEEP_FULL.tmp" && fs_full_tree "$stage" &&
			"$keep" mkfs "$FS_KEEP_FULL.tmp" 1G bench >/dev/null &&
			"$keep" put-tree "$FS_KEEP_FULL.tmp" "$stage" / &&
			mv "$FS_KEEP_FULL.tmp" "$FS_KEEP_FULL" || return 1
	fi
	rm -rf "$stage"
}
