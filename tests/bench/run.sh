#!/usr/bin/env bash
# make bench: boot the benchmark scenarios in Bochs and print the figures.
#
#   tests/bench/run.sh [--update-doc] [--no-boot] [--markdown]
#
#   1. build the hypervisor and the guests (make all guests)
#   2. boot every tests/bench/cases/*.case with tests/boot/harness.sh, JOBS
#      at a time (default 2); each prints PASS/FAIL and leaves its serial
#      log in build/cases/<case>/serial.txt.  The harness runs Bochs with
#      `clock: sync=none`, so a guest's RDTSC counts emulated instructions
#      and every figure repeats exactly from run to run.
#   3. tests/bench/report.py reads the logs, prints one table (figure,
#      value, target, MET / NOT MET) and writes build/bench.json
#
# --update-doc  also write the results into docs/PERFORMANCE.md, between
#               its bench:results markers, with the commit measured
# --no-boot     skip steps 1 and 2: report on the logs of the last run
# --markdown    print the table as markdown
# Environment: JOBS (parallel boot cases), BUILD (default build).
#
# Exit status 0 when every case ran (whether or not the targets are met:
# a figure that misses its target still counts), 1 otherwise.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
BUILD=${BUILD:-build}
export BUILD
JOBS=${JOBS:-2}

update_doc=
boot=1
report_args=()
for a in "$@"; do
	case $a in
	--update-doc) update_doc=docs/PERFORMANCE.md ;;
	--no-boot) boot= ;;
	--markdown) report_args+=(--markdown) ;;
	*) echo "usage: $0 [--update-doc] [--no-boot] [--markdown]" >&2; exit 2 ;;
	esac
done

# The commit measured; "+dirty" when tracked files differ from it.
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ "$commit" != unknown ] && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
	commit="$commit+dirty"
fi

status=0
if [ -n "$boot" ]; then
	mkdir -p "$BUILD/bench"
	rm -f "$BUILD"/bench/*.out
	if ! make -j"$JOBS" all guests >"$BUILD/bench/build.log" 2>&1; then
		echo "bench: build failed (make all guests); the end of $BUILD/bench/build.log:" >&2
		tail -n 20 "$BUILD/bench/build.log" >&2
		exit 1
	fi
	cases=(tests/bench/cases/*.case)
	echo "bench: booting ${#cases[@]} cases in Bochs, $JOBS at a time (several minutes)"
	# Largest machine first: it runs longest, and the others fill in
	# beside it.
	grep -H '^MEM=' "${cases[@]}" | sort -t= -k2 -nr | cut -d: -f1 >"$BUILD/bench/list"
	# The cases run in a session of their own, without a controlling
	# terminal: Bochs' term display would otherwise take the terminal, and
	# one Bochs ending can interrupt the others.  ^C stops the session.
	# shellcheck disable=SC2016  # expanded by the inner shells
	setsid -w sh -c 'echo $$ >"$1/bench/pgid"
		exec xargs -P "$2" -I{} sh -c '\''tests/boot/harness.sh "$1" >"$2/bench/$(basename "$1" .case).out" 2>&1'\'' _ {} "$1" <"$1/bench/list"' \
		_ "$BUILD" "$JOBS" </dev/null &
	runner=$!
	trap 'kill -TERM -- "-$(cat "$BUILD/bench/pgid")" 2>/dev/null; wait "$runner"; exit 130' INT TERM
	wait "$runner"
	trap - INT TERM
	for c in "${cases[@]}"; do
		out=$BUILD/bench/$(basename "$c" .case).out
		cat "$out"
		grep -q '^PASS ' "$out" || status=1
	done
	echo
fi

python3 tests/bench/report.py --cases "$BUILD/cases" --elf "$BUILD/hv.elf" \
	--json "$BUILD/bench.json" --commit "$commit" \
	${update_doc:+--update-doc "$update_doc"} "${report_args[@]+"${report_args[@]}"}" || status=1
exit $status
