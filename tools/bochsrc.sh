#!/usr/bin/env bash
# Write a bochsrc for booting an ISO headless, to standard output: the one
# Bochs set-up behind the boot tests (tests/boot/harness.sh) and make run
# (tools/run.sh).
#
#   tools/bochsrc.sh ISO SERIAL_LOG BOCHS_LOG [NAME=VALUE...]
#
# Settings (NAME=VALUE; defaults in brackets):
#   CPU=<model>   Bochs CPU model                    [corei7_skylake_x]
#   CPUS=<n>      emulated CPUs                      [1]
#   MEM=<MiB>     guest memory; Bochs' own host memory is capped at 2 GiB [512]
#   IPS=<n>       emulated instructions per second   [10000000]
#   EXTRA=<text>  more bochsrc lines, as they are     []
#   NOTE=<text>   a comment line at the top          []
#
# The settings that matter (see ../shared/PLATFORM.md): `clock: sync=none`
# makes time follow executed instructions, so runs repeat exactly; the
# `term` display is the only headless one Debian's Bochs has; COM1 goes to
# SERIAL_LOG; `panic: term=report` lets a display panic pass.
set -euo pipefail

[ $# -ge 3 ] || { sed -n '2,17s/^# \{0,1\}//p' "$0" >&2; exit 2; }
iso=$1 serial=$2 blog=$3
shift 3
CPU=corei7_skylake_x CPUS=1 MEM=512 IPS=10000000 EXTRA= NOTE=
for kv in "$@"; do
	case $kv in
	CPU=* | CPUS=* | MEM=* | IPS=* | EXTRA=* | NOTE=*) declare "$kv" ;;
	*) echo "bochsrc.sh: unknown setting $kv" >&2; exit 2 ;;
	esac
done

[ -n "$NOTE" ] && echo "# $NOTE"
cat <<EOF2
cpu: model=$CPU, count=$CPUS, ips=$IPS, reset_on_triple_fault=0
memory: guest=$MEM, host=$(( MEM > 2048 ? 2048 : MEM ))
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
ata0-master: type=cdrom, path=$iso, status=inserted
boot: cdrom
clock: sync=none, time0=local
com1: enabled=1, mode=file, dev=$serial
port_e9_hack: enabled=1
display_library: term
log: $blog
panic: action=fatal, term=report
error: action=report
info: action=report
debug: action=ignore
EOF2
[ -n "$EXTRA" ] && printf '%s\n' "$EXTRA"
exit 0
