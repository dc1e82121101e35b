#!/bin/bash
# npm stop: stops every minik8s process gracefully (SIGTERM, wait, SIGKILL) and keeps the state.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
for f in dockerd services kafka nodes gateway; do source "$MINIK8S_REPO/scripts/lib/$f.sh"; done
require_root

# First, while the API is there to take back its endpoints.
printf 'stopping gateway ... '; stop_gateway; ok
for n in $(known_nodes); do
  printf 'stopping %s ... ' "$n"; node_stop "$n"; ok
done
printf 'stopping control plane ... '; stop_pid "$MINIK8S_RUN/reconciler.pid" 20 reconciler/main.js; ok
printf 'stopping Kafka ... '; stop_cluster_kafka; ok
printf 'stopping registry ... '; stop_pid "$MINIK8S_RUN/registry.pid" 10 docker-registry; ok
printf 'stopping builder dockerd ... '; stop_dockerd "$MINIK8S_RUN/builder"; ok
printf 'stopping etcd ... '; stop_pid "$MINIK8S_RUN/etcd.pid" 20 etcd; ok
log "stopped; state kept in $MINIK8S_HOME (npm start brings the same cluster back, npm run reset wipes it)"
