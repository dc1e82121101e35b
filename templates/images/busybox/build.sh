#!/bin/bash
# busybox image rootfs, from Debian's dynamically linked busybox and the glibc it links: build.sh ROOTFS
# Not busybox-static: its shell runs applets before PATH, so the image's own wget (below) would never run.
set -euo pipefail
root=$1 cache=/var/cache/minik8s/debs
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,root,tmp,var/www,proc,sys,dev,home} "$cache"
chmod 1777 "$root/tmp"
# The busybox package conflicts with busybox-static on the host: its .deb is unpacked, never installed.
compgen -G "$cache/busybox_*.deb" >/dev/null || (cd "$cache" && apt-get download -q busybox >/dev/null)
unpacked=$(mktemp -d); trap 'rm -rf "$unpacked"' EXIT
dpkg-deb -x "$(ls "$cache"/busybox_*.deb | tail -n 1)" "$unpacked"
cp "$unpacked/bin/busybox" "$root/bin/busybox"
for lib in $(ldd "$root/bin/busybox" | awk '$2 == "=>" {print $3} $1 ~ /^\// {print $1}'); do
  cp --parents -L "$lib" "$root"
done
chroot "$root" /bin/busybox --install -s
# busybox wget segfaults on -T (see the script): the image's wget handles the timeout itself.
rm -f "$root/usr/bin/wget"
install -m 0755 "$(dirname "$0")/wget" "$root/usr/bin/wget"
# Name lookups (glibc's NSS) and user names need these in a bare rootfs.
cat >"$root/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
P
cat >"$root/etc/group" <<'G'
root:x:0:
nogroup:x:65534:
G
cat >"$root/etc/nsswitch.conf" <<'N'
passwd: files
group: files
hosts: files dns
N
