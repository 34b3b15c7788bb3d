#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Runs the test suites and prints the closing "N passed, N failed" line.
# Every suite is a program that prints TAP lines ("ok ..." / "not ok ...").
# A suite that exits non-zero without reporting a failure counts as one
# failure, so a crash can never pass silently.
#
# usage: tests/run-tests.sh [all|host|crypto|trust|fuzz|qemu|model|kstack|layers|clang|format]
set -u
B=${B:-build}
what=${1:-all}
pass=0
fail=0
failed_names=()
logdir=$B/test-logs
mkdir -p "$logdir"

run_suite() {
	local name=$1
	shift
	local log=$logdir/${name//\//_}.log
	local t0=$SECONDS
	"$@" >"$log" 2>&1 </dev/null
	record_suite "$name" "$log" $? $((SECONDS - t0))
}

# Counts one suite's TAP lines in log (rc its exit status, secs its time).
record_suite() {
	local name=$1 log=$2 rc=$3 secs=$4
	local p f
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $name exited with status $rc" >>"$log"
		f=1
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $name ran no test" >>"$log"
		f=1
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	printf '%-40s %4d passed, %d failed  (%ds)\n' "$name" "$p" "$f" "$secs"
	if [ "$f" -ne 0 ]; then
		failed_names+=("$name")
		# Each failed check with the diagnostic lines under it, so a
		# run seen only through its summary (CI) still says why.
		awk '/^not ok /{n++; show = n <= 10} /^ok /{show = 0}
		     show {print "    " $0}' "$log" | head -n 200
		echo "    (full log: $log)"
		tail -n 15 "$log" | sed 's/^/    | /'
	fi
}

host_one() {
	CMOCKA_MESSAGE_OUTPUT=TAP "$1"
}

suite_host() {
	local t
	local -a bins=()
	for t in "$B"/host/tests/host/test_*; do
		[ -x "$t" ] && bins+=("$t")
	done
	parallel_suites host host_one "${bins[@]}"
	B=$B run_suite "host/keep_tool" bash tests/host/keep_tool.sh
	# The hostile wire's Python side: framing, parsers, pcap, the relay.
	B=$B run_suite "host/test_qwire" /usr/bin/python3 tests/net/test_qwire.py
}

suite_crypto() {
	for t in "$B"/host/tests/crypto/test_*; do
		[ -x "$t" ] || continue
		CMOCKA_MESSAGE_OUTPUT=TAP run_suite "crypto/$(basename "$t")" "$t"
	done
	for t in "$B"/bench/ctgrind_*; do
		[ -x "$t" ] || continue
		run_suite "crypto/$(basename "$t")" valgrind -q --error-exitcode=99 --track-origins=yes "$t"
	done
	for t in tests/crypto/diff_*.py; do
		[ -f "$t" ] || continue
		B=$B run_suite "crypto/$(basename "$t" .py)" /usr/bin/python3 "$t"
	done
}

# The trust chain: unit tests, the end-to-end story with the vectra tool,
# the log's kill -9 crash test, the boot image's demo material and, when Go
# is installed, Go's oracle.
suite_trust() {
	for t in "$B"/host/tests/trust/test_*; do
		[ -x "$t" ] || continue
		CMOCKA_MESSAGE_OUTPUT=TAP run_suite "trust/$(basename "$t")" "$t"
	done
	B=$B run_suite "trust/e2e" bash tests/trust/e2e.sh
	B=$B run_suite "trust/crash" /usr/bin/python3 tests/trust/crash.py
	B=$B run_suite "trust/demo" bash tests/trust/demo.sh
	if [ -f tests/trust/oracle/run.sh ]; then
		B=$B run_suite "trust/go-oracle" bash tests/trust/oracle/run.sh
	fi
}

# A fuzzer passes its smoke if a bounded run over its seed corpus finds
# nothing.  The corpus directory is copied so the tree stays clean.
fuzz_one() {
	local bin=$1 name
	name=$(basename "$bin")
	local work
	work=$(mktemp -d)
	[ -d "tests/fuzz/corpus/$name" ] && cp -r "tests/fuzz/corpus/$name/." "$work/"
	if "$bin" -max_total_time="${FUZZ_SECONDS:-5}" -seed=1 -print_final_stats=0 \
		-artifact_prefix="$work/" "$work"; then
		echo "ok 1 - $name: no crash in ${FUZZ_SECONDS:-5}s"
	else
		echo "not ok 1 - $name: crash (see $work)"
	fi
}

# Runs "runner ITEM" for each ITEM (a program), as many at a time as
# there are cores, a new one as soon as one ends; then records each as the
# suite "prefix/basename", in the order given, with its own time.  Used
# for programs that keep one core busy and share nothing: the host unit
# tests and the fuzzers.  It waits for its own jobs only (not for the
# clang build, which runs on in the background).
parallel_suites() {
	local prefix=$1 runner=$2
	shift 2
	local -a items=("$@") live=() left
	local jobs i p base finished
	jobs=$(nproc 2>/dev/null || echo 2)
	for ((i = 0; i < ${#items[@]}; i++)); do
		if ((${#live[@]} >= jobs)); then
			wait -n -p finished "${live[@]}"
			left=()
			for p in "${live[@]}"; do
				[ "$p" != "$finished" ] && left+=("$p")
			done
			live=("${left[@]}")
		fi
		base=$(basename "${items[i]}")
		(
			t0=$SECONDS
			"$runner" "${items[i]}" >"$logdir/${prefix}_$base.log" 2>&1 </dev/null
			echo "$? $((SECONDS - t0))" >"$logdir/${prefix}_$base.rc"
		) &
		live+=($!)
	done
	((${#live[@]})) && wait "${live[@]}"
	for ((i = 0; i < ${#items[@]}; i++)); do
		local rc=1 secs=0
		base=$(basename "${items[i]}")
		read -r rc secs <"$logdir/${prefix}_$base.rc" 2>/dev/null
		record_suite "$prefix/$base" "$logdir/${prefix}_$base.log" "$rc" "$secs"
		rm -f "$logdir/${prefix}_$base.rc"
	done
}

# A fuzzer keeps one core busy for its FUZZ_SECONDS, so they run as many
# at a time as there are cores (each still gets its whole time).
suite_fuzz() {
	local t
	local -a bins=()
	for t in "$B"/fuzz/fuzz_*; do
		[ -x "$t" ] && bins+=("$t")
	done
	parallel_suites fuzz fuzz_one "${bins[@]}"
}

# A second lane for suites that keep one core busy and share nothing with
# the suites beside them (own logs, own images, no ports): lane_add names
# a suite and the function that runs it, lane_go runs them one after
# another in the background, and lane_wait records them in order.  The
# one-CPU scenarios drive one QEMU thread each, so on two cores ktest's
# one-CPU machines, the storage scenario (its own images, no network) and
# the Spin model run beside them (about a minute and a half less in all);
# a four-CPU guest runs alone, as its four threads want both cores.
lane_names=()
lane_funcs=()
lane_pid=
lane_add() {
	lane_names+=("$1")
	lane_funcs+=("$2")
}

lane_go() {
	(
		local i base t0
		for ((i = 0; i < ${#lane_names[@]}; i++)); do
			base=${lane_names[i]//\//_}
			t0=$SECONDS
			"${lane_funcs[i]}" >"$logdir/$base.log" 2>&1 </dev/null
			echo "$? $((SECONDS - t0))" >"$logdir/$base.rc"
		done
	) &
	lane_pid=$!
}

lane_wait() {
	local i base rc secs
	[ -n "$lane_pid" ] && wait "$lane_pid"
	for ((i = 0; i < ${#lane_names[@]}; i++)); do
		base=${lane_names[i]//\//_}
		rc=1 secs=0
		read -r rc secs <"$logdir/$base.rc" 2>/dev/null
		record_suite "${lane_names[i]}" "$logdir/$base.log" "$rc" "$secs"
		rm -f "$logdir/$base.rc"
	done
	lane_names=()
	lane_funcs=()
	lane_pid=
}

ktest_one_cpu() {
	B=$B KTEST_CONFIGS="default max icount" bash tests/qemu/scenario_kernel.sh
}

storage_scenario() {
	B=$B bash tests/qemu/scenario_storage.sh
}

ring_model() {
	bash tests/model/check-ring-model.sh
}

suite_qemu() {
	lane_add "qemu/scenario_kernel" ktest_one_cpu
	lane_add "qemu/scenario_storage" storage_scenario
	lane_add "model/ring" ring_model
	lane_go
	for t in tests/qemu/scenario_*.sh; do
		[ -f "$t" ] || continue
		case $t in */scenario_kernel.sh | */scenario_storage.sh) continue ;; esac
		B=$B run_suite "qemu/$(basename "$t" .sh)" bash "$t"
	done
	# The captures the network scenarios just wrote, read by tshark.
	B=$B run_suite "qemu/pcaps" python3 tests/qemu/pcaps.py
	lane_wait
	# Everything that passes on one CPU passes on four.
	KTEST_CONFIGS="smp4 giveup" B=$B run_suite "qemu/smp4_kernel" bash tests/qemu/scenario_kernel.sh
	for s in boot shell hostile trust sock svcfuzz; do
		SMP=4 B=$B run_suite "qemu/smp4_$s" bash "tests/qemu/scenario_$s.sh"
	done
}

# The whole tree must also build with clang (-Werror), and the clang-built
# kernel must pass the in-OS suite on one CPU (with the IOMMU) and on four.
clang_make() {
	make --no-print-directory B="$B/clang" CC=clang all "$B/clang/prog/ktest.elf" \
		"$B/clang/test.img" >"$B/test-logs/clang-build.out" 2>&1
}

# "all" starts the clang build at once, in the background at the lowest
# priority: most suites keep one core busy, and the build takes the other
# (about two minutes less in all on two cores), never a suite's own time.
# suite_clang then waits for it.
clang_bg_start() {
	rm -f "$B/test-logs/clang-build.rc"
	(
		nice -n 19 bash -c "$(declare -f clang_make); B=$B clang_make"
		echo $? >"$B/test-logs/clang-build.rc"
	) </dev/null >/dev/null 2>&1 &
	clang_bg=$!
}

clang_build() {
	local rc
	if [ -n "${clang_bg:-}" ]; then
		wait "$clang_bg"
		rc=$(cat "$B/test-logs/clang-build.rc" 2>/dev/null || echo 1)
	else
		clang_make
		rc=$?
	fi
	if [ "$rc" -eq 0 ]; then
		echo "ok 1 - the whole tree builds with clang -Werror"
		B="$B/clang" KTEST_CONFIGS="default smp4" bash tests/qemu/scenario_kernel.sh |
			sed 's/ - \[/ - clang [/'
	else
		echo "not ok 1 - clang build failed:"
		grep -E 'error|warning' "$B/test-logs/clang-build.out" | head -n 20 | sed 's/^/#   /'
	fi
}

suite_clang() {
	run_suite "build/clang" clang_build
}

# One clang-format run over every file (a process per file cost most of
# a minute), then a TAP line per file from the violations it named.
format_check() {
	local n=0 bad=0 f out rc
	local -a files
	mapfile -t files < <(git ls-files '*.c' '*.h' 2>/dev/null | grep -v '^tests/fuzz/corpus/')
	out=$(printf '%s\0' "${files[@]}" | xargs -0 clang-format --dry-run -Werror 2>&1)
	rc=$?
	local -A named=()
	while IFS= read -r f; do
		[ -n "$f" ] && named[$f]=1
	done < <(sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error: code should be clang-formatted.*/\1/p' <<<"$out")
	for f in "${files[@]}"; do
		n=$((n + 1))
		if [ -n "${named[$f]+x}" ]; then
			echo "not ok $n - clang-format: $f"
			bad=$((bad + 1))
		else
			echo "ok $n - clang-format: $f"
		fi
	done
	if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
		echo "not ok $((n + 1)) - clang-format failed without naming a file:"
		head -n 20 <<<"$out" | sed 's/^/#   /'
		return 1
	fi
	[ "$bad" -eq 0 ]
}

suite_model() {
	run_suite "model/ring" bash tests/model/check-ring-model.sh
}

# No recursion in the kernel and a bounded kernel stack, from the analysis
# build in $B/kstack, whose objects make lists in $B/kstack/args
# (tests/tests.mk); the fixtures must be caught.
suite_kstack() {
	local args=()
	[ -f "$B/kstack/args" ] && mapfile -t args <"$B/kstack/args"
	run_suite "kstack/check-kstack" python3 tools/check-kstack.py "${args[@]}"
}

# Every include points down (tools/check-layers.py), and the check itself
# catches a wrong include planted across each forbidden edge.
suite_layers() {
	run_suite "layers/check-layers" python3 tools/check-layers.py
	# Every external kernel function has a contract comment (what it
	# needs held), and the check catches one that has none.
	run_suite "layers/check-contracts" python3 tools/check-contracts.py
	run_suite "layers/check-contracts-self" python3 tools/check-contracts.py --self-test
	run_suite "layers/test_check_layers" bash tests/layers/test_check_layers.sh
	# docs/POSIX.md's coverage table says what services/linuxd/sys.c does.
	run_suite "layers/posix-coverage" python3 tools/linux/coverage.py --check docs/POSIX.md
}

suite_format() {
	run_suite "format/clang-format" format_check
}

case $what in
all)
	clang_bg_start
	suite_host
	suite_crypto
	suite_trust
	suite_fuzz
	suite_qemu # runs the model too, beside the scenarios
	suite_kstack
	suite_layers
	suite_clang
	suite_format
	;;
host | crypto | trust | fuzz | qemu | model | kstack | layers | clang | format) "suite_$what" ;;
*)
	echo "usage: $0 [all|host|crypto|trust|fuzz|qemu|model|kstack|layers|clang|format]" >&2
	exit 2
	;;
esac

echo
if [ "$fail" -ne 0 ]; then
	echo "failed suites: ${failed_names[*]}"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
