#!/usr/bin/env bash
# Boot an ISO interactively, the serial console on this terminal: `make run`.
#
#   tools/run.sh build/hv.iso
#
# The hypervisor needs VT-x.  With /dev/kvm usable and a host CPU that has
# VMX, QEMU/KVM runs it at full speed (nested VMX); otherwise Bochs, which
# emulates VMX with EPT, slowly.  ^C stops the emulator.
#
# Environment: CPUS (default 2), MEM in MiB (default 1024),
#   EMU=qemu|bochs to choose (EMU=qemu without VMX gives TCG: it boots, but
#   the hypervisor will report that VMX is unavailable),
#   FIRMWARE=bios|uefi (QEMU only; default bios).
# QEMU's options are comma-separated lists:
# shellcheck disable=SC2054
set -uo pipefail

[ $# -eq 1 ] && [ -f "$1" ] || { echo "usage: $0 <iso>" >&2; exit 2; }
iso=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
CPUS=${CPUS:-2}
MEM=${MEM:-1024}
FIRMWARE=${FIRMWARE:-bios}

host_has_vmx() {
	[ -r /dev/kvm ] && [ -w /dev/kvm ] && grep -qw vmx /proc/cpuinfo
}

# KVM gives a guest VMX only with kvm_intel's nested=1 (Y on newer kernels).
nested_vmx_on() {
	local p=/sys/module/kvm_intel/parameters/nested
	[ -r "$p" ] && grep -qE '^(1|Y)$' "$p"
}

check_nested() {
	nested_vmx_on && return 0
	cat >&2 <<-EOF
		run: KVM's nested VMX is off (/sys/module/kvm_intel/parameters/nested),
		run: so the hypervisor would find no VMX in its QEMU/KVM machine.  Turn it on:
		run:   sudo modprobe -r kvm_intel && sudo modprobe kvm_intel nested=1
		run: and for good: echo 'options kvm_intel nested=1' | sudo tee /etc/modprobe.d/kvm-nested.conf
		run: (or run with EMU=bochs, which emulates VMX, slowly)
	EOF
	return 1
}

run_qemu() {
	local accel=$1 cmd
	cmd=(qemu-system-x86_64 -machine q35 -accel "$accel" -m "$MEM" -smp "$CPUS"
		-cdrom "$iso" -serial stdio -display none -no-reboot
		-device isa-debug-exit,iobase=0xf4,iosize=0x04)
	[ "$accel" = kvm ] && cmd+=(-cpu host)
	if [ "$FIRMWARE" = uefi ]; then
		local vars=$root/build/run/OVMF_VARS.fd
		mkdir -p "$(dirname "$vars")"
		cp /usr/share/OVMF/OVMF_VARS_4M.fd "$vars"
		cmd+=(-drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd
			-drive if=pflash,format=raw,file="$vars")
	fi
	# ^C reaches QEMU through the terminal and ends it.
	"${cmd[@]}"
	local rc=$?
	# isa-debug-exit makes the status (code << 1) | 1: a power-off by the
	# hypervisor is not an error here.
	[ $((rc & 1)) = 1 ] && rc=0
	return $rc
}

run_bochs() {
	local dir=$root/build/run
	mkdir -p "$dir"
	: >"$dir/serial.log"
	# faster emulated time than the tests' (ips), for interactive use
	"$root/tools/bochsrc.sh" "$iso" "$dir/serial.log" "$dir/bochs.log" \
		CPUS="$CPUS" MEM="$MEM" IPS=50000000 >"$dir/bochsrc"
	echo c >"$dir/bochs.cmds"
	echo "run: Bochs log in $dir/bochs.log; ^C stops it"
	# Bochs in a session of its own: a ^C on this terminal would drop it
	# into its debugger prompt.  We pass it on as SIGINT instead, on which
	# the debugger reads end-of-file from /dev/null and quits.
	setsid bochs -q -f "$dir/bochsrc" -rc "$dir/bochs.cmds" \
		</dev/null >/dev/null 2>"$dir/emulator.log" &
	local bochs_pid=$!
	trap 'kill -INT "$bochs_pid" 2>/dev/null' INT TERM
	tail -n +1 -f --pid="$bochs_pid" "$dir/serial.log" &
	local tail_pid=$!
	while kill -0 "$bochs_pid" 2>/dev/null; do
		wait "$bochs_pid"
	done
	sleep 0.3 # tail polls once a second at most; let it print the rest
	kill "$tail_pid" 2>/dev/null
	wait "$tail_pid" 2>/dev/null
	# A last line cut short by the power-off would run into the prompt.
	[ -n "$(tail -c 1 "$dir/serial.log")" ] && echo
	trap - INT TERM
	return 0
}

emu=${EMU:-}
if [ -z "$emu" ]; then
	if host_has_vmx; then
		emu=qemu-kvm
		echo "run: QEMU with KVM (this host has VMX and /dev/kvm); $CPUS CPUs, $MEM MiB"
	else
		emu=bochs
		if [ ! -e /dev/kvm ]; then why="no /dev/kvm"
		elif ! grep -qw vmx /proc/cpuinfo; then why="the host CPU has no VMX"
		else why="/dev/kvm is not usable by $(id -un)"
		fi
		echo "run: Bochs ($why, and QEMU cannot emulate VMX); $CPUS CPUs, $MEM MiB"
	fi
else
	echo "run: $emu (chosen by EMU); $CPUS CPUs, $MEM MiB"
fi

case "$emu" in
qemu-kvm) check_nested || exit 1; run_qemu kvm ;;
qemu) if host_has_vmx; then run_qemu kvm; else run_qemu tcg; fi ;;
bochs) run_bochs ;;
*) echo "run: unknown EMU=$emu (qemu or bochs)" >&2; exit 2 ;;
esac
