#!/usr/bin/env bash
# Run libFuzzer harnesses and print one verdict line each.
#
#   tests/fuzz/run.sh build/fuzz/fuzz_config build/fuzz/fuzz_mb2 ...
#
# Harness fuzz_<name> runs over a fresh copy of its seeds,
# tests/fuzz/corpus/<name>/ copied to $BUILD/fuzz/corpus-<name>/ (what it
# finds is written there, never into the repository), with the
# dictionary tests/fuzz/<name>.dict if there is one.  It prints
#
#   PASS fuzz: <name> (<execs> execs in <s> s)
#   FAIL fuzz: <name> (<why>; input: <crash file>; log: <log>)
#
# followed, on a failure, by the sanitizer's summary indented (so that
# only verdicts are counted by tests/run-all.sh).
#
# Environment:
#   FUZZ_SECONDS=N   run each harness for N seconds (default 5)
#   FUZZ_RUNS=N      run each for N executions instead (the long run)
#   FUZZ_SEED=N      libFuzzer's random seed (default: its own choice,
#                    printed in the log)
#   FUZZ_JOBS=N      harnesses run at the same time (default 1); the
#                    verdicts are printed in argument order all the same
#   BUILD=dir        build folder (default build)
# Exit status 1 if any harness failed.
set -uo pipefail

[ $# -gt 0 ] || { echo "usage: $0 <harness-binary>..." >&2; exit 2; }

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
BUILD=${BUILD:-build}
seconds=${FUZZ_SECONDS:-5}
out=$BUILD/fuzz

# fuzz_one <binary>: run it, print its verdict; status 1 on failure
fuzz_one() {
	local bin=$1 name corpus log rc start end execs secs crash limit
	local opts=()
	name=$(basename "$bin")
	name=${name#fuzz_}
	corpus=$out/corpus-$name
	log=$out/$name.log
	if [ ! -x "$bin" ]; then
		echo "FAIL fuzz: $name (no binary $bin)"
		return 1
	fi
	rm -rf "$corpus" "$out/$name"-crash-* "$out/$name"-leak-* \
		"$out/$name"-timeout-* "$out/$name"-oom-*
	mkdir -p "$corpus"
	if [ -d "tests/fuzz/corpus/$name" ]; then
		cp tests/fuzz/corpus/"$name"/* "$corpus"/ 2>/dev/null
	fi
	[ -f "tests/fuzz/$name.dict" ] && opts+=("-dict=tests/fuzz/$name.dict")
	[ -n "${FUZZ_SEED:-}" ] && opts+=("-seed=$FUZZ_SEED")
	if [ -n "${FUZZ_RUNS:-}" ]; then
		opts+=("-runs=$FUZZ_RUNS")
		limit=$((24 * 3600))
	else
		opts+=("-max_total_time=$seconds")
		limit=$((seconds * 2 + 60))
	fi
	start=$(date +%s.%N)
	# -timeout: one input may take 10 s; -print_final_stats: the exec count
	timeout -k 10 "$limit" "$bin" "${opts[@]}" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$out/$name-" "$corpus" \
		>"$log" 2>&1
	rc=$?
	end=$(date +%s.%N)
	secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", b - a }')
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	if [ $rc -eq 0 ] && [ -n "$execs" ]; then
		echo "PASS fuzz: $name ($execs execs in $secs s)"
		return 0
	fi
	crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		echo "FAIL fuzz: $name (did not finish in $limit s; log: $log)"
	else
		echo "FAIL fuzz: $name (exit $rc after ${execs:-?} execs; input: ${crash:-none}; log: $log)"
	fi
	grep -E '^(==[0-9]+==ERROR|SUMMARY|.*FUZZ_ASSERT|.*runtime error)' "$log" |
		head -n 8 | sed 's/^/    /'
	return 1
}

# Each harness writes its verdict to a file; they are printed in order.
jobs_max=${FUZZ_JOBS:-1}
mkdir -p "$out"
verdict() { echo "$out/$(basename "$1").verdict"; }
for bin in "$@"; do
	while [ "$(jobs -pr | wc -l)" -ge "$jobs_max" ]; do
		wait -n
	done
	fuzz_one "$bin" >"$(verdict "$bin")" &
done
wait

status=0
for bin in "$@"; do
	cat "$(verdict "$bin")"
	grep -q '^PASS ' "$(verdict "$bin")" || status=1
done
exit $status
