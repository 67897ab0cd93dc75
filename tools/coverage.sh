#!/usr/bin/env bash
# Line coverage of the modules the host unit tests link: `make coverage`.
#
#   tools/coverage.sh <covbuild>
#
# <covbuild> holds the unit tests built with --coverage and already run
# (their .gcno/.gcda files, build/cov/host/test_X-<source>.gc*).  Measured
# are the sources named in the tests' `/* units: ... */` lines, not the
# tests themselves; a line counts as covered when any test ran it.  Prints
# one line per file and a total; exits 1 if the total is below MIN_COVERAGE
# percent (default 90).  Uses gcovr when installed (COVERAGE_TOOL=gcov:
# never), else gcov directly.
set -uo pipefail

[ $# -eq 1 ] && [ -d "$1" ] || { echo "usage: $0 <coverage-build-dir>" >&2; exit 2; }
covbuild=$(cd "$1" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
min=${MIN_COVERAGE:-90}

# (the tests' own fakes and fixtures in tests/unit/ are not measured)
mapfile -t units < <(sed -n 's|^/\* units: \(.*\) \*/.*|\1|p' tests/unit/test_*.c |
	tr -s ' \t' '\n' | sed -e '/^$/d' -e '\|^tests/|d' | sort -u)
[ ${#units[@]} -gt 0 ] || { echo "coverage: no unit-tested sources" >&2; exit 1; }
[ -n "$(find "$covbuild" -name '*.gcda' -print -quit)" ] ||
	{ echo "coverage: no .gcda files in $covbuild (were the tests run?)" >&2; exit 1; }

# per_file: "<source> <covered> <total>" lines, for every unit source
per_file_gcovr() {
	local filters=() u
	for u in "${units[@]}"; do
		filters+=(--filter "$(printf '%s' "$u" | sed 's/[.[\*^$()+?{|]/\\&/g')\$")
	done
	# gcovr's CSV: filename,line_total,line_covered,line_percent,...
	gcovr -r "$root" "${filters[@]}" --csv - "$covbuild" 2>/dev/null |
		awk -F, 'NR > 1 && NF >= 3 { print $1, $3, $2 }'
}

per_file_gcov() {
	local gcda
	find "$covbuild" -name '*.gcda' | while IFS= read -r gcda; do
		gcov --stdout -o "$(dirname "$gcda")" "$gcda" 2>/dev/null
	done | awk -v units="${units[*]}" '
		BEGIN { n = split(units, u, " "); for (i = 1; i <= n; i++) want[u[i]] = 1 }
		# a .gcov line is "<count>:<line number>:<source text>"
		{
			count = $0; sub(/:.*/, "", count); gsub(/[ \t*]/, "", count)
			rest = $0; sub(/^[^:]*:/, "", rest)
			num = rest; sub(/:.*/, "", num); num += 0
			if (num == 0) {
				if (match(rest, /:Source:/)) src = substr(rest, RSTART + 8)
				next
			}
			if (!(src in want) || count == "-") next
			key = src SUBSEP num
			seen[key] = 1
			if (count != "#####" && count != "=====" && count + 0 > 0) hit[key] = 1
		}
		END {
			for (k in seen) {
				split(k, p, SUBSEP); total[p[1]]++
				if (k in hit) covered[p[1]]++
			}
			for (s in total) print s, covered[s] + 0, total[s]
		}'
}

if [ "${COVERAGE_TOOL:-}" != gcov ] && command -v gcovr >/dev/null 2>&1; then
	table=$(per_file_gcovr)
else
	table=$(per_file_gcov)
fi
table=$(sort <<<"$table")

# Sources no test run reached at all count as wholly uncovered: they do
# not appear in the data, so list them for the reader.
for u in "${units[@]}"; do
	grep -q "^$u " <<<"$table" || echo "coverage: $u: no data (no test binary ran it?)" >&2
done

awk -v min="$min" '
	NF == 3 {
		pct = $3 ? 100 * $2 / $3 : 100
		printf "  %-40s %5d/%-5d %6.1f%%\n", $1, $2, $3, pct
		cov += $2; tot += $3
	}
	END {
		pct = tot ? 100 * cov / tot : 0
		printf "total line coverage: %d/%d %.1f%% (minimum %d%%)\n", cov, tot, pct, min
		exit pct + 1e-9 < min ? 1 : 0
	}' <<<"$table"
