#!/bin/bash
# Builds the base images (templates/images/<name>) and pushes them to the cluster registry's push side
# (127.0.0.1:5001, with the push credential), so nodes pull them from its read-only side as
# 10.100.0.1:5000/library/<name>:latest — skipping each one that is current: its stamp (a hash of the
# template and of the busybox/debootstrap packages) matches and the registry still has the tag.
# Usage: scripts/build-images.sh [--force] [NAME...]   (default: busybox pause python)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$MINIK8S_REPO/scripts/lib/supervisor.sh"
source "$MINIK8S_REPO/scripts/lib/network.sh"
source "$MINIK8S_REPO/scripts/lib/dockerd.sh"
source "$MINIK8S_REPO/scripts/lib/pki.sh"
source "$MINIK8S_REPO/scripts/lib/services.sh"
require_root

force=
if [[ ${1:-} == --force ]]; then force=1; shift; fi
names=("$@")
((${#names[@]})) || names=(busybox pause python)

image_stamp() {
  local dir="$MINIK8S_REPO/templates/images/$1"
  { (cd "$dir" && find . -type f | LC_ALL=C sort | xargs sha256sum)
    dpkg-query -W busybox-static debootstrap 2>/dev/null; } | sha256sum | cut -c1-16
}

in_registry() {
  curl -fsS -m 5 -o /dev/null -I -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "http://$REGISTRY/v2/library/$1/manifests/latest"
}

build_one() {
  local name=$1 dir="$MINIK8S_REPO/templates/images/$1" stampfile="$MINIK8S_HOME/images/$1.stamp"
  local tag="$REGISTRY_PUSH/library/$name:latest" stamp rootfs start
  [[ -x $dir/build.sh ]] || die "no template templates/images/$name/build.sh"
  stamp=$(image_stamp "$name")
  if [[ -z $force && -s $stampfile && $(<"$stampfile") == "$stamp" ]] && in_registry "$name"; then
    log "    $name: current ($stamp)"; return 0
  fi
  start=$SECONDS
  log "    $name: building ($stamp) ..."
  rootfs=$(mktemp -d "${TMPDIR:-/tmp}/minik8s-image-$name.XXXXXX")
  tmpdirs+=("$rootfs")
  "$dir/build.sh" "$rootfs"
  local changes=(--change "LABEL io.minik8s.stamp=$stamp")
  while IFS= read -r line; do [[ -z $line || $line == \#* ]] || changes+=(--change "$line"); done <"$dir/changes"
  tar -C "$rootfs" --numeric-owner -c . | docker -H "unix://$BUILDER_SOCK" import "${changes[@]}" - "$tag" >/dev/null
  rm -rf "$rootfs"
  builder_docker push "$tag" >/dev/null
  mkdir -p "$MINIK8S_HOME/images"
  echo "$stamp" >"$stampfile"
  log "    $name: pushed $tag in $((SECONDS - start))s ($(docker -H "unix://$BUILDER_SOCK" image inspect -f '{{.Size}}' "$tag" | awk '{printf "%.1f MB", $1/1e6}'))"
}

# The builder's docker client, logged in to the push side; its credential stays in $REGISTRY_AUTH (0700).
builder_docker() { docker --config "$REGISTRY_AUTH/docker" -H "unix://$BUILDER_SOCK" "$@"; }

tmpdirs=()
trap 'rm -rf "${tmpdirs[@]}"' EXIT
ensure_bridge
start_registry
start_builder
# (docker warns that the credential is kept unencrypted: it is, in a 0700 directory only root reads)
builder_docker login -u minik8s --password-stdin "$REGISTRY_PUSH" <"$REGISTRY_AUTH/password" >/dev/null 2>"$REGISTRY_AUTH/login.log" ||
  { cat "$REGISTRY_AUTH/login.log" >&2; die "cannot log in to the registry's push side $REGISTRY_PUSH"; }
for n in "${names[@]}"; do build_one "$n"; done
