#!/bin/bash
# npm run reset: stops everything and removes all of it — node containers, namespaces, veths, the bridge,
# the iptables chain, runtime files and $MINIK8S_HOME — leaving the host as it was.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
for f in supervisor network dockerd services prometheus nodes; do source "$MINIK8S_REPO/scripts/lib/$f.sh"; done
require_root

for n in $(known_nodes); do
  printf 'removing %s ... ' "$n"; node_wipe "$n"; ok
done
"$MINIK8S_REPO/scripts/cluster-down.sh" >/dev/null
printf 'removing network ... '; remove_forward_chain; remove_bridge; ok
printf 'removing %s and %s ... ' "$MINIK8S_HOME" "$MINIK8S_RUN"
unmount_under "$MINIK8S_HOME"; unmount_under "$MINIK8S_RUN"
rm -rf "$MINIK8S_HOME" "$MINIK8S_RUN"; ok
log "reset done"
