#!/bin/sh
# Boot one guest directly in QEMU (no hypervisor), for a quick look at
# its output.  Hypercalls raise #UD there and the MicroHV-only checks
# fail or are skipped; this only shows the guest starts and runs.
# Usage: guests/smoke-qemu.sh build/guests/<guest>.elf ["cmdline"] [RAM MiB] [CPUs]
# Without CPUs, QEMU's default (one) is used.
# Exit status is QEMU's: (guest exit code << 1) | 1 for port 0xf4 exits.
elf=$1
cmdline=${2:-}
ram=${3:-64}
cpus=${4:-}
exec timeout 60 qemu-system-i386 -cpu max -m "$ram" ${cpus:+-smp "$cpus"} \
	-kernel "$elf" -append "$cmdline" \
	-serial stdio -display none -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04
