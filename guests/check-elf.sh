#!/bin/sh
# Check that each guest image is an ELF32 i386 executable whose Multiboot
# v1 header (magic 0x1BADB002, checksum summing to 0) lies 4-byte aligned
# in the first 8 KiB of the file (Multiboot spec 0.6.96, 3.1.1).
# Usage: guests/check-elf.sh build/guests/*.elf
status=0
for f in "$@"; do
	if ! readelf -h "$f" | grep -q 'Class:.*ELF32' ||
	   ! readelf -h "$f" | grep -q 'Machine:.*80386'; then
		echo "$f: not an ELF32 i386 image"; status=1; continue
	fi
	# Scan the first 8 KiB as little-endian 32-bit words.
	off=$(od -A d -t u4 -v -N 8192 "$f" | awk '
		{ for (i = 2; i <= NF; i++) w[n++] = $i }
		END {
			for (i = 0; i + 2 < n; i++)
				if (w[i] == 464367618 && (w[i] + w[i+1] + w[i+2]) % 4294967296 == 0) {
					print i * 4; exit
				}
		}')
	if [ -z "$off" ]; then
		echo "$f: no Multiboot v1 header in the first 8 KiB"; status=1
	else
		echo "$f: ELF32, Multiboot header at file offset $off"
	fi
done
exit $status
