#!/bin/bash
# busybox image rootfs, from Debian's busybox-static: build.sh ROOTFS
set -euo pipefail
root=$1
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,root,tmp,var/www,proc,sys,dev,home}
chmod 1777 "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
chroot "$root" /bin/busybox --install -s
# busybox wget segfaults on -T (see the script): the image's wget handles the timeout itself.
install -m 0755 "$(dirname "$0")/wget" "$root/usr/bin/wget"
# The static busybox's wget (and other name lookups) crash in a bare rootfs without these.
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
