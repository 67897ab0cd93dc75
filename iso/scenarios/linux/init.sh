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

poweroff -f
# poweroff -f returns only if the kernel found no way to power off.
echo "init: poweroff failed"
while :; do sleep 60; done
