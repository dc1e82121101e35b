#!/bin/bash
# python image rootfs: Debian bookworm minbase with python3, trimmed: build.sh ROOTFS
set -euo pipefail
root=$1
# Debian's default mirror. Progress: one line per phase and every 20 packages, warnings and errors as they come.
debootstrap --variant=minbase --include=python3 bookworm "$root" 2>&1 | awk '
  /^I: (Retrieving|Validating|Extracting|Unpacking|Configuring) [^ ]+( [^ ]+|\.\.\.)$/ {
    phase = $2 == "Validating" ? "Retrieving" : $2
    if (phase != verb) { verb = phase; n = 0; printf "      %s packages ...\n", verb }
    if ($2 != "Validating" && ++n % 20 == 0) printf "      %s packages: %d\n", verb, n
    fflush(); next }
  /^[IWE]: / { verb = ""; print "      " $0; fflush() }'
[[ -x $root/usr/bin/python3 ]] || { echo "debootstrap produced no python3" >&2; exit 1; }
ln -sf python3 "$root/usr/bin/python"
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/var/cache/debconf/*-old \
  "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/* \
  "$root"/var/log/* "$root"/tmp/* "$root"/root/.cache
