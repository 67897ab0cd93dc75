#!/bin/sh
# /init of the Linux scenario's initramfs (tools/linux-scenario.sh puts it
# there).  It runs as PID 1 under busybox sh, reports what the guest sees
# as `init: ...` lines on the serial console, and powers the guest off.

# The archive is built without root, so it holds no /dev/console node and
# the kernel may have started us with no stdio at all: mount devtmpfs and
# take the console from there.
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1

mount -t proc proc /proc
mount -t sysfs sysfs /sys

echo "init: uptime $(cut -d' ' -f1 /proc/uptime)"
echo "init: uname -r $(uname -r)"
echo "init: memtotal $(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)"
echo "init: free $(free | awk '/^Mem:/ { print $2 }')"
if grep -qw hypervisor /proc/cpuinfo; then flag=yes; else flag=no; fi
echo "init: hypervisor flag $flag"
echo "init: cpus online $(cat /sys/devices/system/cpu/online)"

# A second program, started after the system has run for a while: proof
# that scheduling, timers and exec work, not only the first process.
sleep 1
/bin/busybox echo "init: userspace line after boot"

# The guest-slowdown benchmark (make bench, tests/bench/scenarios/linux-hv
# and linux-bare): only when the command line asks for it, so the boot
# tests stay fast.  Both sides boot the same kernel and initramfs with the
# same command line and memory, so these jobs do the same work on both;
# they are timed by the guest's own clock (/proc/uptime, 10 ms steps) and
# tests/bench/report.py divides hv by bare.
# now: seconds since boot by the guest's clock
now() { read -r up _ </proc/uptime; echo "$up"; }
# took <start> <end>: the difference, in seconds
took() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", b - a }'; }
if grep -qw bench=1 /proc/cmdline; then
	# 1. CPU and memory: build a fixed 2 MiB-ish text buffer in the
	#    initramfs (RAM), compress it and checksum both.  No device, no
	#    timer beyond the scheduler tick: almost no exits under the
	#    hypervisor, so the ratio shows what EPT and VMX cost a plain job.
	t0=$(now)
	seq 1 300000 >/tmp/buf
	sum=$(gzip -c -6 /tmp/buf | md5sum | cut -d' ' -f1)
	raw=$(md5sum </tmp/buf | cut -d' ' -f1)
	rm -f /tmp/buf
	t1=$(now)
	echo "init: bench cpu $(took "$t0" "$t1") (gzip md5 $sum, buffer md5 $raw)"
	# 2. Exits: 200 short sleeps (a timer armed and a HLT each) and 200
	#    console lines (serial port writes, each byte a port I/O exit
	#    under the hypervisor).
	t0=$(now)
	i=0
	while [ $i -lt 200 ]; do
		usleep 10000
		echo "init: bench tick $i"
		i=$((i + 1))
	done
	t1=$(now)
	echo "init: bench exits $(took "$t0" "$t1")"
fi

poweroff -f
# poweroff -f returns only if the kernel found no way to power off.
echo "init: poweroff failed"
while :; do sleep 60; done
