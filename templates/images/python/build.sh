#!/bin/bash
# python image rootfs: Debian bookworm minbase with python3 and the libraries the examples use (Pillow;
# prometheus_client for programs exposing their own metrics, cluster-repo/apps/orders-metrics.yaml), trimmed,
# plus the function runtime (runtime/minik8s_runtime.py → /opt/minik8s/runtime.py): build.sh ROOTFS
# The debootstrap result is cached outside the repository by package list, so a runtime change rebuilds in seconds.
set -euo pipefail
root=$1
packages=python3,python3-pil,python3-prometheus-client
cache_dir=${MINIK8S_IMAGE_CACHE:-/var/cache/minik8s/images}
cache="$cache_dir/python-rootfs-$(printf '%s' "$packages" | sha256sum | cut -c1-12).tar"
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
if [[ -s $cache ]]; then
  echo "      rootfs from $cache"
  tar -C "$root" --numeric-owner -xf "$cache"
else
  debootstrap --variant=minbase --include="$packages" bookworm "$root" 2>&1 | progress
  [[ -x $root/usr/bin/python3 ]] || { echo "debootstrap produced no python3" >&2; exit 1; }
  ln -sf python3 "$root/usr/bin/python"
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/var/cache/debconf/*-old \
    "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/* \
    "$root"/var/log/* "$root"/tmp/* "$root"/root/.cache
  mkdir -p "$cache_dir"
  tar -C "$root" --numeric-owner -cf "$cache.tmp" . && mv "$cache.tmp" "$cache"
fi
install -D -m 0644 "$(dirname "$0")/runtime/minik8s_runtime.py" "$root/opt/minik8s/runtime.py"
