#!/usr/bin/env bash
# Boot one test case in an emulator and judge it by what the hypervisor
# printed.
#
#   tests/boot/harness.sh tests/boot/cases/<name>.case
#
# Prints exactly one line, "PASS boot: <name>" or "FAIL boot: <name> (why)",
# the latter followed by the end of the serial log, indented.  Exit status 0
# on PASS, 1 on FAIL.
#
# A case file is a shell fragment that sets some of these (defaults after =):
#   NAME=<file name>    the case's name; its files go to build/cases/<NAME>/
#   EMU=qemu            qemu | bochs
#   FIRMWARE=bios       bios | uefi (QEMU only; Bochs boots its BIOS)
#   CPUS=1  MEM=128     processors, memory in MiB
#   SCENARIO=iso/scenarios/none   scenario directory (see tests/mkiso.sh)
#   HVCMDLINE=          words added to the hypervisor's command line
#   TIMEOUT=60          seconds the emulator may run (Bochs: default 300)
#   EXPECT=             extended regexes, one a line; each must match some
#                       line of the serial log
#   REJECT=             extended regexes, one a line, none may match; 'hv:
#                       PANIC' is always added unless an EXPECT line itself
#                       mentions PANIC.  A rejected line ends the run early.
#   STOP_ON=            a regex: once a log line matches it, stop the
#                       emulator and judge (for runs that never power off)
#   SERIAL=yes          no: boot with no serial port at all and judge the
#                       framebuffer instead, by SCREEN_EXPECT (texts, one a
#                       line, found with build/fbfind in a screen dump taken
#                       when the hypervisor powers off, or at TIMEOUT)
#   QEMU_MACHINE=pc  QEMU_CPU=(QEMU's default)  QEMU_ACCEL=(kvm if the host
#                       has VMX and /dev/kvm, else tcg)  QEMU_ARGS=(extra)
#   BOCHS_CPU=corei7_skylake_x  BOCHS_IPS=...  BOCHS_EXTRA=(bochsrc lines)
# The log lines are matched after removing carriage returns and terminal
# escape sequences (GRUB and OVMF write both to the serial port too).
# QEMU's options are comma-separated lists:
# shellcheck disable=SC2054
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -eq 1 ] && [ -f "$1" ] || { echo "usage: $0 <case-file>" >&2; exit 2; }
case "$1" in /*) case_file=$1 ;; *) case_file=$PWD/$1 ;; esac
cd "$root" || exit 1

NAME=$(basename "$case_file" .case)
EMU=qemu
FIRMWARE=bios
CPUS=1
MEM=128
SCENARIO=iso/scenarios/none
HVCMDLINE=
TIMEOUT=
EXPECT=
REJECT=
STOP_ON=
SERIAL=yes
SCREEN_EXPECT=
QEMU_MACHINE=pc
QEMU_CPU=
QEMU_ACCEL=
QEMU_ARGS=
BOCHS_CPU=corei7_skylake_x
# Emulated instructions per emulated second.  With `clock: sync=none` this
# sets only how fast emulated time passes against executed instructions;
# a low value makes timed waits (PIT, the SIPI delays) cheap to emulate.
BOCHS_IPS=${BOCHS_IPS:-10000000} # the environment may set the default
BOCHS_EXTRA=
# shellcheck source=/dev/null
. "$case_file"
[ -n "$TIMEOUT" ] || { [ "$EMU" = bochs ] && TIMEOUT=300 || TIMEOUT=60; }

BUILD=${BUILD:-build}
case "$BUILD" in /*) dir=$BUILD/cases/$NAME ;; *) dir=$root/$BUILD/cases/$NAME ;; esac
iso=$dir/hv.iso
log=$dir/serial.log
clean_log=$dir/serial.txt
rm -rf "$dir"
mkdir -p "$dir"

fail_detail=   # text shown indented after a FAIL line

pass() { echo "PASS boot: $NAME"; exit 0; }
fail() {
	echo "FAIL boot: $NAME ($1)"
	[ -n "$fail_detail" ] && printf '%s\n' "$fail_detail" | sed 's/^/    /'
	exit 1
}

# lines <text>: the non-empty lines of a multi-line setting, trimmed
lines() {
	printf '%s\n' "$1" | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' -e '/^$/d'
}

# Serial log without CRs and escape sequences, one hypervisor line a line.
clean() {
	[ -f "$log" ] || { : >"$clean_log"; return; }
	sed -e 's/\x1b\[[0-9;?=>]*[A-Za-z]//g' -e 's/\x1b[()][0-9A-Za-z]//g' \
		-e 's/\r$//' -e 's/.*\r//' "$log" >"$clean_log"
}

reject_patterns() {
	lines "$REJECT"
	lines "$EXPECT" | grep -q PANIC || echo 'hv: PANIC'
}

# first_rejected: print the first log line some REJECT pattern matches
first_rejected() {
	local p hit
	while IFS= read -r p; do
		hit=$(grep -E -m1 -- "$p" "$clean_log") && { echo "$hit"; return 0; }
	done < <(reject_patterns)
	return 1
}

# GRUB stops at its prompt on a bad grub.cfg, and after an error in the
# menu entry (a missing file, a kernel it cannot load) it waits for a key
# and then boots the same entry again: either way the run cannot succeed.
grub_failed() {
	grep -q -E '^grub> |Press any key to continue' "$clean_log"
}

# ---- the ISO ------------------------------------------------------------
# shellcheck disable=SC2086  # HVCMDLINE is a list of words
if ! mkiso_err=$(tests/mkiso.sh "$SCENARIO" "$iso" $HVCMDLINE 2>&1); then
	fail_detail=$mkiso_err
	fail "ISO build failed"
fi

# ---- emulator command lines ---------------------------------------------
host_has_vmx() {
	[ -r /dev/kvm ] && [ -w /dev/kvm ] && grep -qw vmx /proc/cpuinfo
}

qemu_cmd() {
	local accel=${QEMU_ACCEL:-}
	[ -n "$accel" ] || { host_has_vmx && accel=kvm || accel=tcg; }
	cmd=(qemu-system-x86_64 -machine "$QEMU_MACHINE" -accel "$accel"
		-m "$MEM" -smp "$CPUS" -cdrom "$iso" -display none -no-reboot)
	[ -n "$QEMU_CPU" ] && cmd+=(-cpu "$QEMU_CPU")
	if [ "$FIRMWARE" = uefi ]; then
		cp /usr/share/OVMF/OVMF_VARS_4M.fd "$dir/OVMF_VARS.fd"
		cmd+=(-drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd
			-drive if=pflash,format=raw,file="$dir/OVMF_VARS.fd")
	fi
	if [ "$SERIAL" = no ]; then
		# No UART at all; a power-off only pauses QEMU so that the screen
		# can still be dumped, through QMP on a pair of FIFOs.
		cmd+=(-serial none -vga std -no-shutdown
			-chardev pipe,id=qmp0,path="$dir/qmp" -mon chardev=qmp0,mode=control)
	else
		cmd+=(-serial file:"$log" -device isa-debug-exit,iobase=0xf4,iosize=0x04)
	fi
	# shellcheck disable=SC2206  # QEMU_ARGS is a list of words
	cmd+=($QEMU_ARGS)
}

bochs_cmd() {
	"$root/tools/bochsrc.sh" "$iso" "$log" "$dir/bochs.log" CPU="$BOCHS_CPU" CPUS="$CPUS" \
		MEM="$MEM" IPS="$BOCHS_IPS" EXTRA="$BOCHS_EXTRA" \
		NOTE="Written by tests/boot/harness.sh for case $NAME" >"$dir/bochsrc"
	echo c >"$dir/bochs.cmds"
	cmd=(bochs -q -f "$dir/bochsrc" -rc "$dir/bochs.cmds")
}

[ "$SERIAL" = no ] && [ "$EMU" != qemu ] && fail "SERIAL=no needs EMU=qemu (screen dumps)"
case "$EMU" in
qemu) qemu_cmd ;;
bochs) bochs_cmd ;;
*) fail "unknown EMU=$EMU" ;;
esac
printf '%q ' "${cmd[@]}" >"$dir/command"
echo >>"$dir/command"

# ---- run ----------------------------------------------------------------
qmp_pid=
qmp_log=$dir/qmp.log
if [ "$SERIAL" = no ]; then
	mkfifo "$dir/qmp.in" "$dir/qmp.out"
	# Read-write opens: neither end blocks waiting for the other.
	exec 3<>"$dir/qmp.in" 4<>"$dir/qmp.out"
	cat <&4 >"$qmp_log" &
	qmp_pid=$!
	echo '{"execute": "qmp_capabilities"}' >&3
fi
qmp() { echo "$*" >&3; }

# The emulator's terminal output is noise; its own complaints go to
# emulator.log.  Both emulators are stopped with SIGINT: Bochs ignores
# SIGTERM, and on SIGINT its debugger takes over, reads end-of-file from
# /dev/null and quits.
timeout -s INT -k 5 "$TIMEOUT" "${cmd[@]}" </dev/null >/dev/null 2>"$dir/emulator.log" &
emu_pid=$!

stop_emulator() {
	kill -INT "$emu_pid" 2>/dev/null
	wait "$emu_pid" 2>/dev/null
}
# `timeout` puts the emulator in a process group of its own, out of reach
# of a ^C or of a signal to ours: pass those on.
trap 'stop_emulator; [ -n "$qmp_pid" ] && kill "$qmp_pid" 2>/dev/null; exit 130' INT TERM

outcome=     # poweroff | timeout | stopped | rejected | grub
start=$SECONDS
while :; do
	if ! kill -0 "$emu_pid" 2>/dev/null; then
		wait "$emu_pid"
		case $? in 124 | 137) outcome=timeout ;; *) outcome=poweroff ;; esac
		break
	fi
	if [ "$SERIAL" = no ]; then
		if grep -q '"event": *"SHUTDOWN"' "$qmp_log"; then
			outcome=poweroff
			break
		fi
		if [ $((SECONDS - start)) -ge $((TIMEOUT - 2)) ]; then
			outcome=timeout # still running: dump the screen before the end
			break
		fi
	else
		clean
		if grub_failed; then
			outcome=grub
			stop_emulator
			break
		fi
		if first_rejected >/dev/null; then
			sleep 1 # let the rest of the message arrive
			outcome=rejected
			stop_emulator
			break
		fi
		if [ -n "$STOP_ON" ] && grep -q -E -- "$STOP_ON" "$clean_log"; then
			sleep 0.5
			outcome=stopped
			stop_emulator
			break
		fi
	fi
	sleep 0.25
done

# ---- judge the framebuffer ----------------------------------------------
if [ "$SERIAL" = no ]; then
	ppm=$dir/screen.ppm
	qmp '{"execute": "screendump", "id": "dump", "arguments": {"filename": "'"$ppm"'"}}'
	for _ in $(seq 40); do
		grep -q '"id": *"dump"' "$qmp_log" && break
		sleep 0.25
	done
	qmp '{"execute": "quit"}'
	for _ in $(seq 20); do kill -0 "$emu_pid" 2>/dev/null || break; sleep 0.25; done
	stop_emulator
	kill "$qmp_pid" 2>/dev/null
	exec 3>&- 4>&-
	[ -s "$ppm" ] || fail "no screen dump"

	fbfind=$BUILD/fbfind
	fbsrc=(tests/tools/fbfind.c drivers/font.c)
	if [ ! -x "$fbfind" ] || [ -n "$(find "${fbsrc[@]}" -newer "$fbfind" 2>/dev/null)" ]; then
		if ! fb_err=$(gcc -O2 -I. -Iinclude -o "$fbfind" "${fbsrc[@]}" 2>&1); then
			fail_detail=$fb_err
			fail "cannot build $fbfind"
		fi
	fi
	texts=()
	while IFS= read -r t; do texts+=("$t"); done < <(lines "$SCREEN_EXPECT")
	[ ${#texts[@]} -gt 0 ] || fail "SERIAL=no but no SCREEN_EXPECT"
	if ! fb_out=$("$fbfind" "$ppm" "${texts[@]}" 2>&1); then
		fail_detail=$fb_out
		[ "$outcome" = timeout ] && fail "text missing on screen; no power-off within ${TIMEOUT}s"
		fail "text missing on screen"
	fi
	[ "$outcome" = timeout ] && fail "timeout: no power-off within ${TIMEOUT}s"
	pass
fi

# ---- judge the serial log -----------------------------------------------
clean
fail_detail=$(tail -n 30 "$clean_log")
if [ "$EMU" = bochs ] && [ -f "$dir/bochs.log" ]; then
	# Bochs' own reason for stopping, unless it was the requested shutdown
	why=$(grep -E 'PANIC|triple fault|shutdown' "$dir/bochs.log" |
		grep -v -E 'Shutdown port: shutdown requested|soft power off|graphics mode not supported' | head -n 3)
	[ -n "$why" ] && fail_detail=$(printf '%s\n-- bochs.log:\n%s' "$fail_detail" "$why")
fi

if [ "$outcome" = grub ]; then
	fail "GRUB failed: $(grep -m1 '^error: ' "$clean_log" || echo 'stopped at its prompt')"
fi
if bad=$(first_rejected); then
	fail "rejected line: $bad"
fi
missing=()
while IFS= read -r p; do
	grep -q -E -- "$p" "$clean_log" || missing+=("'$p'")
done < <(lines "$EXPECT")
if [ ${#missing[@]} -gt 0 ]; then
	why="missing ${missing[*]}"
	[ "$outcome" = timeout ] && why="timeout after ${TIMEOUT}s; $why"
	fail "$why"
fi
[ "$outcome" = timeout ] && fail "timeout: no power-off within ${TIMEOUT}s"
pass
