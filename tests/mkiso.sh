#!/usr/bin/env bash
# Build a bootable ISO (BIOS and UEFI) for one scenario.
#
#   tests/mkiso.sh <scenario-dir> <out.iso> [extra hypervisor cmdline words]
#
# A scenario directory may hold
#   hv.cfg     the partition configuration, loaded as the module "hv.cfg";
#              every file its `image = X` and `modules = A B` lines name is
#              loaded as a module too, under its name as written
#   cmdline    one line: the hypervisor's own command line
#   grub.cfg   its own GRUB configuration (default: iso/grub.cfg)
#   any files hv.cfg names (looked up here first, then in build/guests/;
#              a file found nowhere is left out with a note)
# All of them are optional; a scenario path that does not exist and is named
# "none" stands for the empty scenario (boot the hypervisor alone).
#
# The tree is laid out in build/iso/<name>/ and handed to grub-mkrescue.
# Environment: BUILD (default build), HV_ELF (default $BUILD/hv.elf).
set -euo pipefail

die() { echo "mkiso: $*" >&2; exit 1; }

[ $# -ge 2 ] || die "usage: $0 <scenario-dir> <out.iso> [extra cmdline]"
scenario=$1
out=$2
shift 2
extra_cmdline="$*"

abspath() { case "$1" in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
scenario=$(abspath "$scenario")
out=$(abspath "$out")
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
build=$(abspath "${BUILD:-build}")
hv_elf=$(abspath "${HV_ELF:-$build/hv.elf}")

if [ ! -d "$scenario" ]; then
	[ "$(basename "$scenario")" = none ] || die "no scenario directory $scenario"
	scenario=
fi
[ -f "$hv_elf" ] || die "no hypervisor image $hv_elf (run make first)"

# A scenario whose files are fetched or built (the Linux one) has an
# executable `prepare` that puts them in $BUILD/guests/.
if [ -n "$scenario" ] && [ -x "$scenario/prepare" ]; then
	mkdir -p "$build/guests"
	"$scenario/prepare" "$build/guests" >"$build/prepare-$(basename "$scenario").log" 2>&1 ||
		die "$scenario/prepare failed: see $build/prepare-$(basename "$scenario").log"
fi

# One staging tree per output file, so that parallel test cases that share
# a scenario do not trample each other.
case "$out" in
"$build"/*) rel=${out#"$build"/} ;;
*) rel=$(basename "$out") ;;
esac
name=$(echo "${rel%.iso}" | tr '/' '-')
tree=$build/iso/$name
rm -rf "$tree"
mkdir -p "$tree/boot/grub" "$(dirname "$out")"

# find_file <name>: where a file named by hv.cfg comes from
find_file() {
	local f
	for f in ${scenario:+"$scenario/$1"} "$build/guests/$1" "$root/$1"; do
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}

# Files named by `image =` and `modules =` lines, in order, each once.
# The value is either in "double quotes" or ends at a '#' (vmm/config.h).
listed_files() {
	sed -n -E 's/^[[:space:]]*(image|modules)[[:space:]]*=[[:space:]]*//p' "$1" |
		sed -E -e 's/^"([^"]*)".*/\1/' -e t -e 's/#.*//' | tr -d '"' |
		tr -s ' \t' '\n' | sed '/^$/d' | awk '!seen[$0]++'
}

cp "$hv_elf" "$tree/boot/hv.elf"

modules=()
if [ -n "$scenario" ] && [ -f "$scenario/hv.cfg" ]; then
	cp "$scenario/hv.cfg" "$tree/boot/hv.cfg"
	modules+=("module2 /boot/hv.cfg hv.cfg")
	while IFS= read -r f; do
		# A missing file is left out, not an error: a scenario may test
		# how the hypervisor reports a config naming a module that is not
		# there.
		if ! src=$(find_file "$f"); then
			echo "mkiso: note: hv.cfg names $f, found neither in the scenario nor in $build/guests; not loaded" >&2
			continue
		fi
		# Files sit flat in /boot/; the module's string keeps the name
		# exactly as hv.cfg wrote it, which is how the hypervisor finds it.
		dst=$(echo "$f" | tr '/' '_')
		case "$dst" in hv.elf|hv.cfg|grub) die "hv.cfg names a file called $dst, which is reserved" ;; esac
		cp "$src" "$tree/boot/$dst"
		modules+=("module2 /boot/$dst $f")
	done < <(listed_files "$scenario/hv.cfg")
fi

cmdline=
if [ -n "$scenario" ] && [ -f "$scenario/cmdline" ]; then
	cmdline=$(head -n 1 "$scenario/cmdline")
fi
# GRUB's script parser treats characters such as & ; | < > as syntax, so
# each word goes to GRUB in single quotes, which GRUB removes again.
read -r -a words <<<"$cmdline $extra_cmdline"
sq="'"
quoted=
for w in "${words[@]+"${words[@]}"}"; do
	quoted="$quoted '${w//$sq/$sq\\$sq$sq}'"
done
cmdline=${quoted# }

template=$root/iso/grub.cfg
[ -n "$scenario" ] && [ -f "$scenario/grub.cfg" ] && template=$scenario/grub.cfg
[ -f "$template" ] || die "no GRUB template $template"

# Fill the template: the module lines replace the line holding @MODULES@,
# keeping its indentation.
module_text=$(printf '%s\n' "${modules[@]+"${modules[@]}"}")
CMDLINE=$cmdline MODULES=$module_text awk '
	/@MODULES@/ {
		indent = $0; sub(/[^ \t].*$/, "", indent)
		n = split(ENVIRON["MODULES"], m, "\n")
		for (i = 1; i <= n; i++) if (m[i] != "") print indent m[i]
		next
	}
	{
		# index/substr rather than gsub: a cmdline may hold "&" or "\\"
		while ((i = index($0, "@HV_CMDLINE@")) > 0)
			$0 = substr($0, 1, i - 1) ENVIRON["CMDLINE"] substr($0, i + 12)
		print
	}
' "$template" >"$tree/boot/grub/grub.cfg"

log=$tree.log
rm -f "$out"
if ! grub-mkrescue -o "$out" "$tree" >"$log" 2>&1; then
	cat "$log" >&2
	die "grub-mkrescue failed"
fi

# grub-mkrescue quietly leaves out a platform whose GRUB modules are not
# installed; an ISO that boots only one way would fail half the tests in a
# confusing manner, so say it here.
boot_entries=$(xorriso -indev "$out" -report_el_torito plain 2>/dev/null || true)
echo "$boot_entries" | grep -q 'BIOS' || die "$out has no BIOS boot entry (grub-pc-bin missing?)"
echo "$boot_entries" | grep -q 'UEFI' || die "$out has no UEFI boot entry (grub-efi-amd64-bin missing?)"
