#!/usr/bin/env bash
# Build the guest files of the Linux scenario (iso/scenarios/linux), without
# root:
#
#   tools/linux-scenario.sh <outdir>
#
# writes <outdir>/vmlinuz      Debian's stock kernel (the one the package
#                              linux-image-amd64 currently points at)
#        <outdir>/initrd.img   a gzipped newc cpio archive: busybox-static
#                              and iso/scenarios/linux/init.sh as /init
#
# tests/mkiso.sh looks for a scenario's files in build/guests/ too, so
# `tools/linux-scenario.sh build/guests` is all the linux case needs.
#
# The .deb files are cached in build/linux/debs/ (BUILD overrides build):
# once they are there the script works offline and downloads nothing.
set -euo pipefail

die() { echo "linux-scenario: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: $0 <outdir>"
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
cd "$root"
case ${BUILD:-build} in               # BUILD may be absolute (BUILD=/tmp/b)
/*) work=$BUILD/linux ;;
*) work=$root/${BUILD:-build}/linux ;;
esac
debs=$work/debs
init_src=$root/iso/scenarios/linux/init.sh
mkdir -p "$debs"
# Two scenarios (linux, linux-smp) may be prepared at once by parallel
# boot cases: they share $work, so one builds at a time.
exec 9>"$work/.lock"
flock 9

for cmd in dpkg-deb cpio gzip; do
	command -v "$cmd" >/dev/null 2>&1 ||
		die "needs $cmd (tools/need-packages.sh test installs it)"
done

# kernel_package: the versioned package linux-image-amd64 depends on, e.g.
# linux-image-6.1.0-56-amd64.  apt-cache reads only the local package
# lists, so this works offline too.
kernel_package() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n -E 's/^ *Depends: (linux-image-[0-9][^ ]*)$/\1/p' | head -n 1
}

# cached_deb <package>: the newest cached .deb of that package, if any
cached_deb() {
	find "$debs" -maxdepth 1 -name "$1_*.deb" 2>/dev/null | sort -V | tail -n 1
}

# fetch <package>: print the path of its .deb, downloading it if not cached
fetch() {
	local deb
	deb=$(cached_deb "$1")
	if [ -z "$deb" ]; then
		echo "linux-scenario: downloading $1" >&2
		(cd "$debs" && apt-get download "$1" >&2) ||
			die "apt-get download $1 failed (offline? run apt-get update?)"
		deb=$(cached_deb "$1")
		[ -n "$deb" ] || die "apt-get download $1 left no .deb in $debs"
	fi
	echo "$deb"
}

kpkg=$(kernel_package)
if [ -z "$kpkg" ]; then
	# No package lists: fall back to whatever kernel is cached.
	kdeb=$(find "$debs" -maxdepth 1 -name 'linux-image-[0-9]*.deb' | sort -V | tail -n 1)
	[ -n "$kdeb" ] || die "cannot resolve linux-image-amd64 (no apt lists) and no kernel is cached"
else
	kdeb=$(fetch "$kpkg")
fi
bdeb=$(fetch busybox-static)

# ---- the kernel: only /boot is needed, not the modules -------------------
rm -rf "$work/kernel"
mkdir -p "$work/kernel"
dpkg-deb --fsys-tarfile "$kdeb" | tar -x -C "$work/kernel" --wildcards './boot/vmlinuz-*'
vmlinuz=$(find "$work/kernel/boot" -name 'vmlinuz-*' | head -n 1)
[ -n "$vmlinuz" ] || die "$kdeb holds no /boot/vmlinuz-*"
cp "$vmlinuz" "$out/vmlinuz"

# ---- the initramfs ---------------------------------------------------------
rm -rf "$work/busybox" "$work/initramfs"
mkdir -p "$work/busybox"
dpkg-deb -x "$bdeb" "$work/busybox"
[ -x "$work/busybox/bin/busybox" ] || die "$bdeb holds no /bin/busybox"

rootfs=$work/initramfs
mkdir -p "$rootfs"/{bin,dev,proc,sys,tmp}
cp "$work/busybox/bin/busybox" "$rootfs/bin/busybox"
# The applets /init uses; busybox picks the applet from the name it was
# started under.
# cut, seq, gzip, md5sum, usleep and rm: the bench jobs (bench=1).
for applet in sh mount uname awk free grep sleep echo poweroff cat \
	cut seq gzip md5sum usleep rm; do
	ln -s busybox "$rootfs/bin/$applet"
done
install -m 0755 "$init_src" "$rootfs/init"

# Sorted names, owner root, no inode numbers and one fixed time make the
# archive depend on its contents only.
find "$rootfs" -exec touch -h -d @0 {} +
(cd "$rootfs" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0 --reproducible) | gzip -n -9 >"$out/initrd.img"

echo "linux-scenario: $(basename "$kdeb" .deb) -> $out/vmlinuz ($(stat -c %s "$out/vmlinuz") bytes)"
echo "linux-scenario: initrd -> $out/initrd.img ($(stat -c %s "$out/initrd.img") bytes)"
