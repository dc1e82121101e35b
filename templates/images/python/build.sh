#!/bin/bash
# python image rootfs: Debian bookworm minbase with python3, trimmed: build.sh ROOTFS
set -euo pipefail
root=$1
# Debian's default mirror. Progress: one line per phase and every 20 packages, warnings and errors as they come.
progress() {
  local line verb phase= n=0 re='^I: (Retrieving|Validating|Extracting|Unpacking|Configuring) [^ ]+( [^ ]+|\.\.\.)$'
  while IFS= read -r line; do
    if [[ $line =~ $re ]]; then
      verb=${BASH_REMATCH[1]}; [[ $verb != Validating ]] || verb=Retrieving
      if [[ $verb != "$phase" ]]; then phase=$verb n=0; echo "      $verb packages ..."; fi
      [[ ${BASH_REMATCH[1]} == Validating ]] || { n=$((n + 1)); ((n % 20)) || echo "      $verb packages: $n"; }
    elif [[ $line =~ ^[IWE]:\  ]]; then
      phase=; echo "      $line"
    fi
  done
}
debootstrap --variant=minbase --include=python3 bookworm "$root" 2>&1 | progress
[[ -x $root/usr/bin/python3 ]] || { echo "debootstrap produced no python3" >&2; exit 1; }
ln -sf python3 "$root/usr/bin/python"
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/var/cache/debconf/*-old \
  "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/* \
  "$root"/var/log/* "$root"/tmp/* "$root"/root/.cache
