#!/bin/bash
# npm run reset: stops everything and removes all of it — node containers, namespaces, veths, the bridge,
# the iptables chain, runtime files and $MINIK8S_HOME — leaving the host as it was.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
for f in pki supervisor network dockerd services prometheus nodes; do source "$MINIK8S_REPO/scripts/lib/$f.sh"; done
require_root

for n in $(known_nodes); do
  printf 'removing %s ... ' "$n"; node_wipe "$n"; ok
done
"$MINIK8S_REPO/scripts/cluster-down.sh" >/dev/null
printf 'removing network ... '; remove_forward_chain; remove_bridge; ok
printf 'removing %s and %s ... ' "$MINIK8S_HOME" "$MINIK8S_RUN"
unmount_under "$MINIK8S_HOME"; rm -rf "$MINIK8S_HOME"
# A test run's files (its lock, its nodes test-N) are its own: it takes them down itself.
for entry in "$MINIK8S_RUN"/* "$MINIK8S_RUN"/.[!.]*; do
  [[ -e $entry ]] || continue
  case ${entry##*/} in test.lock | test-*) continue ;; esac
  unmount_under "$entry"; rm -rf "$entry"
done
ok
log "reset done"
