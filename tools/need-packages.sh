#!/usr/bin/env bash
# Make sure the host has what a step needs, installing what is missing.
#
#   tools/need-packages.sh build   compiler, linker, GRUB ISO tools
#   tools/need-packages.sh run     build + QEMU (with OVMF) + Bochs
#   tools/need-packages.sh test    run + cpio (the test suite boots both
#                                  emulators and builds a Linux initramfs)
#                                  + the fuzzing tools
#   tools/need-packages.sh fuzz    clang 14 and its libFuzzer/sanitizer
#                                  runtimes (make fuzz)
#
# Silent when everything is present.  Otherwise it names what is missing and
# installs the Debian packages that provide it with apt-get (as root, or via
# sudo when available).
set -euo pipefail

usage() { echo "usage: $0 build|run|test|fuzz" >&2; exit 2; }
[ $# -eq 1 ] || usage
case "$1" in build|run|test|fuzz) ;; *) usage ;; esac
step=$1

missing_pkgs=()
missing_what=()

need() { # need <package> <what> : record a missing requirement
	missing_pkgs+=("$1")
	missing_what+=("$2 ($1)")
}
need_cmd()  { command -v "$2" >/dev/null 2>&1 || need "$1" "command $2"; }
need_path() { [ -e "$2" ] || need "$1" "$2"; }
need_pkg()  { # for things with no file of their own to test, e.g. plugins
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed' ||
		need "$1" "package $1"
}

# Guests are 32-bit (multiboot v1 ELF32); gcc for x86_64 compiles -m32
# freestanding code only if its 32-bit support is there.
check_gcc_m32() {
	command -v gcc >/dev/null 2>&1 || return 0 # reported as missing gcc
	local dir
	dir=$(mktemp -d)
	printf '#include <stdint.h>\n#include <stddef.h>\n#include <stdarg.h>\nuint32_t f(uint32_t x) { return x + 1; }\n' >"$dir/t.c"
	gcc -m32 -ffreestanding -c "$dir/t.c" -o "$dir/t.o" >/dev/null 2>&1 ||
		need gcc-multilib "gcc -m32"
	rm -rf "$dir"
}

check_build() {
	need_cmd gcc gcc
	need_cmd binutils ld
	need_cmd binutils objcopy
	need_cmd make make
	need_cmd grub-common grub-mkrescue
	need_cmd xorriso xorriso
	need_cmd mtools mformat
	need_path grub-pc-bin /usr/lib/grub/i386-pc
	need_path grub-efi-amd64-bin /usr/lib/grub/x86_64-efi
	check_gcc_m32
}

check_emulators() {
	need_cmd qemu-system-x86 qemu-system-x86_64
	need_path ovmf /usr/share/OVMF/OVMF_CODE_4M.fd
	need_cmd bochs bochs
	need_path bochsbios /usr/share/bochs/BIOS-bochs-latest
	need_path vgabios /usr/share/vgabios/vgabios.bin
	need_pkg bochs-term # display_library: term, the only headless one
}

# The linux boot case builds an initramfs (tools/linux-scenario.sh).
check_test_tools() {
	need_cmd cpio cpio
}

# The harnesses (tests/fuzz/) build with clang-14 -fsanitize=fuzzer,
# address,undefined; the runtimes for those are in libclang-rt-14-dev,
# so a trial link is the check.
check_fuzz_tools() {
	need_cmd clang-14 clang-14
	command -v clang-14 >/dev/null 2>&1 || return 0 # reported as missing
	local dir
	dir=$(mktemp -d)
	printf '#include <stdint.h>\n#include <stddef.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return n && d[0] == 1; }\n' >"$dir/f.c"
	clang-14 -fsanitize=fuzzer,address,undefined "$dir/f.c" -o "$dir/f" >/dev/null 2>&1 ||
		need libclang-rt-14-dev "clang-14 -fsanitize=fuzzer,address,undefined"
	rm -rf "$dir"
}

check_step() {
	if [ "$step" = fuzz ]; then check_fuzz_tools; return; fi
	check_build
	[ "$step" = build ] || check_emulators
	if [ "$step" = test ]; then check_test_tools; check_fuzz_tools; fi
}

check_step

[ ${#missing_pkgs[@]} -eq 0 ] && exit 0

echo "need-packages: missing for '$step':" >&2
printf '  %s\n' "${missing_what[@]}" >&2

pkgs=$(printf '%s\n' "${missing_pkgs[@]}" | sort -u | tr '\n' ' ')
if [ "$(id -u)" -eq 0 ]; then
	sudo=()
elif command -v sudo >/dev/null 2>&1; then
	sudo=(sudo)
else
	echo "need-packages: not root and no sudo; install: $pkgs" >&2
	exit 1
fi

echo "need-packages: installing $pkgs" >&2
# Wait for a concurrent apt/dpkg run instead of failing on its lock.
apt_opts=(-o DPkg::Lock::Timeout=600 -q -y)
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" update >&2
# shellcheck disable=SC2086  # word splitting of the package list is wanted
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" \
	install --no-install-recommends $pkgs >&2

# Check again: a package that installed but still leaves a gap is an error.
missing_pkgs=()
missing_what=()
check_step
if [ ${#missing_pkgs[@]} -ne 0 ]; then
	echo "need-packages: still missing after install:" >&2
	printf '  %s\n' "${missing_what[@]}" >&2
	exit 1
fi
