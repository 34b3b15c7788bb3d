# SPDX-License-Identifier: BSD-3-Clause
#
# shellcheck shell=bash
#
# The disks of the storage benchmarks (docs/BENCHMARKS.md, section 1.3),
# sourced by bench/linux/guest.sh.  fs_images makes two ext4 images on the
# host, without root, with mke2fs -d, and keeps them in $LINUX_CACHE:
#
#   work: 512 MiB, holding /cold, 64 MiB of pseudo-random bytes that the
#         cold sequential read reads (written before the guest boots, so
#         its page cache is cold); the other benchmarks write here.
#   full: 1 GiB, about 90% full: /dNN/fNNNN, 880 MiB in files of mixed
#         sizes (4 KiB to 4 MiB), for the mount time.
#
# Both are the same bytes on every host with the same mke2fs: the data
# comes from AES-128-CTR under a fixed key (openssl enc over /dev/zero),
# the UUID, hash seed and every time are fixed, the features come from
# bench/linux/mke2fs.conf, and the inode tables and journal are written
# out at mkfs time (no lazy init, which would leave the guest kernel a
# background thread that zeroes them while it is being measured).
# FS_IMG_KEY names the recipe: this file, mke2fs.conf and mke2fs's
# version; FS_WORK and FS_FULL are the images' paths.

FS_IMG_KEY="" FS_WORK="" FS_FULL=""

# Prints $1 bytes of the fixed pseudo-random stream.
fs_random() {
	openssl enc -aes-128-ctr -nosalt -K 7665637472616f732d62656e63680000 \
		-iv 0 -in /dev/zero 2>/dev/null | head -c "$1"
}

# mkfs_ext4 IMG SIZE DIR: a deterministic ext4 of SIZE holding DIR's tree.
mkfs_ext4() {
	local t=1577836800 e=lazy_itable_init=0,lazy_journal_init=0,root_owner=0:0
	find "$3" -exec touch -h -d @$t {} +
	rm -f "$1"
	MKE2FS_CONFIG=bench/linux/mke2fs.conf E2FSPROGS_FAKE_TIME=$t \
		mke2fs -q -F -t ext4 -U 6b1d5a0e-7c38-4f0e-9a51-0f5b2a1c9e01 \
		-E hash_seed=2f1c8e4a-51d7-4b6e-8a3d-9c0e7b5f1a24,$e -d "$3" "$1" "$2" >/dev/null ||
		return 1
	# mke2fs -d copies each file's owner and ctime from the host, where
	# the ctime cannot be set and the owner is whoever runs this: set both
	# in the image.
	(cd "$3" && find . -mindepth 1 | LC_ALL=C sort) |
		sed 's|^\.\(.*\)$|sif \1 ctime 20200101000000\nsif \1 uid 0\nsif \1 gid 0|' |
		E2FSPROGS_FAKE_TIME=$t debugfs -w -f - "$1" >/dev/null 2>&1
}

# The full volume's tree: 16 directories, and in them a cycle of file
# sizes (KiB) repeated until 880 MiB: eight of 4, four of 16, two of 64,
# one each of 256, 1024 and 4096 (17 files, 5600 KiB a cycle).
fs_full_tree() {
	local dir=$1 sizes="4 4 4 4 4 4 4 4 16 16 16 16 64 64 256 1024 4096"
	local total=$((880 * 1024)) n=0 s
	mkdir -p "$dir"
	while [ "$total" -gt 0 ]; do
		for s in $sizes; do
			[ "$total" -le 0 ] && break
			[ "$n" -lt 16 ] && mkdir -p "$dir/d$(printf %02d "$n")"
			head -c $((s * 1024)) >"$dir/d$(printf %02d $((n % 16)))/f$(printf %04d $((n / 16)))"
			total=$((total - s)) n=$((n + 1))
		done
	done < <(fs_random $((880 * 1024 * 1024)))
}

# Makes (or finds in $LINUX_CACHE) the two images; sets FS_IMG_KEY,
# FS_WORK and FS_FULL.
fs_images() {
	local stage=$LINUX_CACHE/fs-stage
	if ! command -v mke2fs >/dev/null || ! command -v openssl >/dev/null; then
		echo "storage: mke2fs or openssl not found (scripts/install-deps.sh installs" \
			"e2fsprogs and openssl)" >&2
		return 1
	fi
	FS_IMG_KEY=$(cat bench/linux/fsimg.sh bench/linux/mke2fs.conf | sha256sum | cut -c1-16)
	FS_IMG_KEY+=" $(mke2fs -V 2>&1 | head -n1 | cut -d' ' -f2)"
	FS_WORK=$LINUX_CACHE/fs-work-${FS_IMG_KEY// /-}.img
	FS_FULL=$LINUX_CACHE/fs-full-${FS_IMG_KEY// /-}.img
	if [ ! -s "$FS_WORK" ]; then
		echo "storage: making $FS_WORK" >&2
		rm -rf "$stage" && mkdir -p "$stage" &&
			fs_random $((64 * 1024 * 1024)) >"$stage/cold" &&
			mkfs_ext4 "$FS_WORK.tmp" 512M "$stage" && mv "$FS_WORK.tmp" "$FS_WORK" || return 1
	fi
	if [ ! -s "$FS_FULL" ]; then
		echo "storage: making $FS_FULL" >&2
		rm -rf "$stage" && fs_full_tree "$stage" &&
			mkfs_ext4 "$FS_FULL.tmp" 1G "$stage" && mv "$FS_FULL.tmp" "$FS_FULL" || return 1
	fi
	rm -rf "$stage"
}
