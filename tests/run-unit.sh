#!/usr/bin/env bash
# Run host unit-test binaries and pass on their verdicts.
#
#   tests/run-unit.sh build/host/test_a build/host/test_b ...
#
# Each binary prints "PASS <file>: <test>" / "FAIL <file>: <test>" lines
# (tests/unit/check.h); those are printed, and so is every other line of a
# binary that failed (the check messages, a sanitizer report).  A binary
# that crashes or exits non-zero without printing a FAIL line is counted as
# one more failure: "FAIL unit: <bin> (crashed, exit N)".  Exit status 1 if
# anything failed.  A binary gets UNIT_TIMEOUT seconds (default 120).
set -uo pipefail

[ $# -gt 0 ] || { echo "usage: $0 <test-binary>..." >&2; exit 2; }

status=0
for bin in "$@"; do
	if [ ! -x "$bin" ]; then
		echo "FAIL unit: $bin (missing)"
		status=1
		continue
	fi
	# stdout and stderr together: a sanitizer reports on stderr
	out=$(timeout -k 5 "${UNIT_TIMEOUT:-120}" "$bin" 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && ! grep -q '^FAIL ' <<<"$out"; then
		grep -E '^(PASS|FAIL) ' <<<"$out"
		grep -q '^PASS ' <<<"$out" ||
			echo "FAIL unit: $bin (ran no test)"
		grep -q '^PASS ' <<<"$out" || status=1
		continue
	fi
	status=1
	# Verdict lines unindented, everything else indented below them, so
	# that only verdicts are counted.
	grep -E '^(PASS|FAIL) ' <<<"$out"
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		echo "FAIL unit: $bin (timed out after ${UNIT_TIMEOUT:-120}s)"
	elif ! grep -q '^FAIL ' <<<"$out"; then
		echo "FAIL unit: $bin (crashed, exit $rc)"
	fi
	grep -v -E '^(PASS|FAIL) ' <<<"$out" | head -n 30 | sed 's/^/    /'
done
exit $status
