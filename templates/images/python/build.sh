#!/bin/bash
# python image rootfs: Debian bookworm minbase with python3, trimmed: build.sh ROOTFS
set -euo pipefail
root=$1
# Debian's default mirror; progress lines (I: Retrieving/Extracting/Installing ...) pass through.
debootstrap --variant=minbase --include=python3 bookworm "$root" 2>&1 |
  grep --line-buffered -E '^(I|W|E): ' | sed -u 's/^/      /'
[[ -x $root/usr/bin/python3 ]] || { echo "debootstrap produced no python3" >&2; exit 1; }
ln -sf python3 "$root/usr/bin/python"
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/var/cache/debconf/*-old \
  "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/* \
  "$root"/var/log/* "$root"/tmp/* "$root"/root/.cache
