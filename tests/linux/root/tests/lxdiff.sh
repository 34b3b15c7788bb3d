# SPDX-License-Identifier: BSD-3-Clause
# Runs one differential test script (tests/qemu/linuxdiff_test.py) the
# same way under linuxd and on the Linux host:
#
#   sh lxdiff.sh SCRIPT SCRATCH
#
# SCRATCH's parent must exist.  SCRIPT runs in the empty directory SCRATCH/w with stdin from /dev/null,
# a fixed environment and umask, and stdout and stderr in files of their
# own.  Then come, base64-encoded so that every byte survives the serial
# console, the exit status, the stdout file and the stderr file between
# markers.  $0 inside the script is its name, the same on both sides.
script=$1 scratch=$2
name=${script##*/}
name=${name%.sh}
rm -rf "$scratch"
mkdir "$scratch" "$scratch/w" || exit 1
cd "$scratch/w" || exit 1
umask 022
env -i PATH="$PATH" HOME=/ TZ=UTC0 LC_ALL=C sh -c "$(cat "$script")" "$name" \
	</dev/null >"$scratch/out" 2>"$scratch/err"
status=$?
cd / || exit 1
echo "@@lxdiff $name status $status"
echo "@@stdout"
base64 <"$scratch/out"
echo "@@stderr"
base64 <"$scratch/err"
echo "@@end $name"
rm -rf "$scratch"
