#!/bin/bash
# pause image rootfs (a pod's infra container): a static busybox that only sleeps: build.sh ROOTFS
set -euo pipefail
root=$1
mkdir -p "$root"/{bin,etc,tmp,proc,sys,dev}
chmod 1777 "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
ln -s busybox "$root/bin/sleep"
printf 'root:x:0:0:root:/:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\n' >"$root/etc/group"
