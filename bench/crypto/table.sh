#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# make bench-crypto: runs every crypto benchmark (ours and the reference on
# the same inputs, in the same process) and prints their lines, then one
# table of ratios (ours / reference; higher is better) against the targets.
set -u
out=$(mktemp)
rc=0
for b in "$@"; do
	"$b" | tee -a "$out" || rc=1
done
echo
printf '%-34s %12s %12s %-7s %-14s %7s %7s\n' primitive ours reference unit against ratio target
grep '^bench-crypto ' "$out" | while read -r _ name rest; do
	declare -A f=()
	for kv in $rest; do f[${kv%%=*}]=${kv#*=}; done
	verdict=
	if [ "${f[target]:-0.00}" != 0.00 ]; then
		if [ "$(echo "${f[ratio]} >= ${f[target]}" | bc -l)" = 1 ]; then verdict=met; else verdict=MISSED; fi
	fi
	printf '%-34s %12s %12s %-7s %-14s %7s %7s %s\n' "$name" "${f[ours]}" "${f[ref]}" \
		"${f[unit]}" "${f[ref_name]}" "${f[ratio]}" "${f[target]}" "$verdict"
done
rm -f "$out"
exit $rc
