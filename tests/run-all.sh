#!/usr/bin/env bash
# Build everything and run every test: `make test`.
#
#   1. build the kernel, the guests and the unit-test binaries; each build
#      prints PASS/FAIL "build: <what>" (a failure shows the end of its log,
#      and the run goes on with whatever did build)
#   2. check the layering: no include circle between the hypervisor's
#      modules (tools/include-cycles.py), then run the unit tests
#      (tests/run-unit.sh), then every fuzzer for FUZZ_SECONDS each, JOBS
#      at a time (tests/fuzz/run.sh, "PASS/FAIL fuzz: <name>")
#   3. boot every tests/boot/cases/*.case (tests/boot/harness.sh), JOBS at a
#      time (default 2), printing each case's lines together, in name order
#   4. end with the line "N passed, N failed", counting every PASS/FAIL line
#
# Environment:
#   TESTS=<glob> [<glob>...]  boot only the cases whose names match
#   UNIT_ONLY=1               no boot cases
#   BOOT_ONLY=1               no unit tests and no fuzzing
#   FUZZ_SECONDS=N            seconds per fuzzer (default 3; 0: no fuzzing)
#   JOBS=N                    boot cases and fuzzers run in parallel
#                             (default 2)
# Exit status 1 if anything failed or nothing ran.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1

# Internal: run-all.sh --one-case <case> <dir> boots one case for the
# parallel runner below, its output going to <dir>/<name>.out when done.
if [ "${1:-}" = --one-case ]; then
	n=$(basename "$2" .case)
	tests/boot/harness.sh "$2" >"$3/$n.tmp" 2>&1
	mv "$3/$n.tmp" "$3/$n.out"
	exit 0
fi

# On ^C or TERM, stop the boot cases' session (harnesses and their
# emulators); the cases not finished are reported as failed, then the
# summary, and the exit status is 130.
interrupted=0
stop_boot() {
	local pgid
	interrupted=1
	pgid=$(cat "$logs/boot/pgid" 2>/dev/null) && kill -TERM -- "-$pgid" 2>/dev/null
}
trap stop_boot INT TERM
BUILD=${BUILD:-build}
logs=$BUILD/test-logs
rm -rf "$logs"
mkdir -p "$logs"
verdicts=$logs/verdicts

# say: print lines and keep them for the final count
# (tee -i: a ^C must not cut the pipe while the verdicts are coming in)
say() { tee -i -a "$verdicts"; }

# build <what> <make targets...>: build, report PASS/FAIL build: <what>
build() {
	local what=$1 log
	shift
	log=$logs/build-$what.log
	if make -k -j2 "$@" >"$log" 2>&1; then
		echo "PASS build: $what" | say
		return 0
	fi
	{
		echo "FAIL build: $what (make $*)"
		grep -E '(error|warning):|undefined reference|\*\*\*' "$log" | head -n 20 | sed 's/^/    /'
		echo "    (full log: $log)"
	} | say
	return 1
}

# finish: the summary line and the exit status
finish() {
	local passed failed
	passed=$(grep -c '^PASS ' "$verdicts")
	failed=$(grep -c '^FAIL ' "$verdicts")
	echo "$passed passed, $failed failed"
	[ $interrupted = 1 ] && exit 130
	[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ] && exit 0
	exit 1
}

: >"$verdicts"
kernel_ok=1
build kernel all || kernel_ok=0
build guests guests
[ $interrupted = 1 ] && finish

# ---- unit tests ----------------------------------------------------------
unit_tests() {
	local src bins=() built=() bin
	for src in tests/unit/test_*.c; do
		[ -e "$src" ] || continue
		bins+=("$BUILD/host/$(basename "$src" .c)")
	done
	[ ${#bins[@]} -gt 0 ] || return 0
	make -k -j2 "${bins[@]}" >"$logs/build-unit.log" 2>&1
	for bin in "${bins[@]}"; do
		# `make -q` answers whether the binary is up to date with its
		# sources: a stale binary from an earlier build is not run.
		if make -q "$bin" >/dev/null 2>&1; then
			built+=("$bin")
		else
			echo "FAIL unit: $bin (build failed)"
			# Again alone, for this binary's own error messages.
			make "$bin" 2>&1 | grep -E '(error|warning):|undefined reference|\*\*\*' |
				head -n 8 | sed 's/^/    /'
		fi
	done
	[ ${#built[@]} -gt 0 ] && tests/run-unit.sh "${built[@]}"
	return 0
}

# ---- fuzzing ---------------------------------------------------------------
# Like the unit tests: build what builds, report what does not, run the rest.
fuzz_tests() {
	local src bins=() built=() bin
	for src in tests/fuzz/fuzz_*.c; do
		[ -e "$src" ] || continue
		bins+=("$BUILD/fuzz/$(basename "$src" .c)")
	done
	[ ${#bins[@]} -gt 0 ] || return 0
	make -k -j2 "${bins[@]}" >"$logs/build-fuzz.log" 2>&1
	for bin in "${bins[@]}"; do
		if make -q "$bin" >/dev/null 2>&1; then
			built+=("$bin")
		else
			echo "FAIL fuzz: $(basename "$bin" | sed 's/^fuzz_//') (build failed)"
			make "$bin" 2>&1 | grep -E '(error|warning):|undefined reference|\*\*\*' |
				head -n 8 | sed 's/^/    /'
		fi
	done
	[ ${#built[@]} -gt 0 ] && BUILD=$BUILD FUZZ_SECONDS=$fuzz_seconds \
		FUZZ_JOBS=${JOBS:-2} tests/fuzz/run.sh "${built[@]}"
	return 0
}
fuzz_seconds=${FUZZ_SECONDS:-3}

# ---- layering ---------------------------------------------------------------
include_cycles() {
	local out
	if out=$(tools/include-cycles.py 2>&1); then
		echo "PASS check: include-cycles ($out)"
	else
		echo "FAIL check: include-cycles"
		printf '%s\n' "$out" | sed 's/^/    /'
	fi
}

[ "${BOOT_ONLY:-0}" = 1 ] || include_cycles | say
[ "${BOOT_ONLY:-0}" = 1 ] || unit_tests | say
[ "${BOOT_ONLY:-0}" = 1 ] || [ "$fuzz_seconds" = 0 ] || fuzz_tests | say
[ $interrupted = 1 ] && finish

# ---- boot cases ------------------------------------------------------------
selected() { # selected <name>: does TESTS pick this case?
	local g globs
	[ -n "${TESTS:-}" ] || return 0
	read -r -a globs <<<"$TESTS" # split, but no pathname expansion
	for g in "${globs[@]}"; do
		# shellcheck disable=SC2254  # the glob is the point
		case "$1" in $g) return 0 ;; esac
	done
	return 1
}

boot_cases() {
	local c n t cases=()
	for c in tests/boot/cases/*.case; do
		[ -e "$c" ] || continue
		n=$(basename "$c" .case)
		selected "$n" && cases+=("$c")
	done
	[ ${#cases[@]} -gt 0 ] || return 0
	if [ $kernel_ok = 0 ]; then
		for c in "${cases[@]}"; do
			echo "FAIL boot: $(basename "$c" .case) (the kernel did not build)"
		done
		return 0
	fi

	# The cases run in their own session so that an interrupt can stop all
	# of them (and their emulators) at once; each case's output is written
	# to a file and printed whole, in name order, when it is finished.
	local out=$logs/boot
	mkdir -p "$out"
	# The long cases (a TIMEOUT of 10 minutes or more) start first, so that
	# they overlap the short ones instead of running at the end alone.
	{
		for c in "${cases[@]}"; do
			t=$(sed -n 's/^TIMEOUT=\([0-9]*\).*/\1/p' "$c")
			[ "${t:-0}" -ge 600 ] && echo "$c"
		done
		for c in "${cases[@]}"; do
			t=$(sed -n 's/^TIMEOUT=\([0-9]*\).*/\1/p' "$c")
			[ "${t:-0}" -ge 600 ] || echo "$c"
		done
	} >"$out/list"
	setsid -w sh -c 'echo $$ >"$1/pgid"
		exec xargs -P "$2" -I{} tests/run-all.sh --one-case {} "$1" <"$1/list"' \
		_ "$out" "${JOBS:-2}" &
	runner=$!
	# This subshell does not inherit the trap, and should not exit the
	# pipeline leaving its output half done: it only stops the cases.
	trap 'kill -TERM -- "-$(cat "$out/pgid")" 2>/dev/null' INT TERM

	for c in "${cases[@]}"; do
		n=$(basename "$c" .case)
		while [ ! -e "$out/$n.out" ] && kill -0 "$runner" 2>/dev/null; do
			sleep 0.5
		done
		if [ -e "$out/$n.out" ]; then
			cat "$out/$n.out"
		else
			echo "FAIL boot: $n (the harness did not finish)"
		fi
	done
	wait "$runner"
}

# In the background, because bash runs a trap only once the foreground
# command is over, and `wait` is interrupted by one.
if [ "${UNIT_ONLY:-0}" != 1 ]; then
	boot_cases | say &
	stage_pid=$!
	wait "$stage_pid"
	[ $interrupted = 1 ] && wait "$stage_pid"
fi

finish
