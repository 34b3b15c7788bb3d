#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tools/mkdisk.sh IMAGE [MIB]: the disk `make run` attaches (docs/STORAGE.md),
# made once and then kept, so that files survive from one boot to the next.
#
#   partition 1 "home"  HOME:, the native file system (docs/FS.md), type
#                       bcf47272-1086-483b-a04a-ff2024717fd7 ("VectraOS
#                       Keep"); formatted by `keep mkfs` when that tool is
#                       built (KEEP=path), else left empty
#   partition 2 "ext"   EXT:, FAT32 for exchange with the host: read and
#                       write it from Linux with
#                         mcopy -i IMAGE@@OFFSET FILE ::/   (OFFSET printed
#                       below), or loop-mount that partition
set -eu
img=$1
mib=${2:-256}
keep=${KEEP:-}
export PATH="$PATH:/usr/sbin:/sbin"
home_mib=$((mib * 3 / 4))
p1_start=2048
p2_start=$((p1_start + home_mib * 2048))
rm -f "$img"
truncate -s "${mib}M" "$img"
sgdisk -n "1:$p1_start:$((p2_start - 1))" -c 1:home -t 1:bcf47272-1086-483b-a04a-ff2024717fd7 \
	-n "2:$p2_start:0" -c 2:ext -t 2:0700 "$img" >/dev/null
p2_end=$(sgdisk -i 2 "$img" | sed -n 's/^Last sector: \([0-9]*\).*/\1/p')
mkfs.fat -F 32 -s 1 -n EXT --offset "$p2_start" "$img" $(((p2_end - p2_start + 1) / 2)) >/dev/null
printf 'This is EXT:, a FAT32 volume on the disk make run attaches.\nFrom Linux: mcopy -i %s@@%d FILE ::/\n' \
	"$img" $((p2_start * 512)) >"$img.readme"
MTOOLS_SKIP_CHECK=1 mcopy -i "$img@@$((p2_start * 512))" "$img.readme" ::/README.TXT
rm -f "$img.readme"
if [ -n "$keep" ] && [ -x "$keep" ]; then
	"$keep" mkfs "$img" --offset $((p1_start * 512)) --size $(((p2_start - p1_start) * 512)) home >/dev/null
fi
echo "$img: ${mib} MiB; HOME: at byte $((p1_start * 512)), EXT: at byte $((p2_start * 512))"
