#!/bin/bash
# npm stop: stops every minik8s process gracefully (SIGTERM, wait, SIGKILL), then the supervisor; keeps the state.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
for f in pki supervisor dockerd services kafka prometheus nodes gateway; do source "$MINIK8S_REPO/scripts/lib/$f.sh"; done
require_root

# First, while the API is there to take back its endpoints.
printf 'stopping gateway ... '; stop_gateway; ok
for n in $(known_nodes); do
  printf 'stopping %s ... ' "$n"; node_stop "$n"; ok
done
printf 'stopping Prometheus ... '; stop_prometheus; ok
printf 'stopping control plane ... '; stop_program reconciler; ok
printf 'stopping Kafka ... '; stop_cluster_kafka; ok
printf 'stopping registry ... '; stop_registry; ok
printf 'stopping builder dockerd ... '; stop_dockerd builder "$MINIK8S_RUN/builder"; ok
printf 'stopping etcd ... '; stop_program etcd; ok
printf 'stopping supervisor ... '; supervisor_down; ok
log "stopped; state kept in $MINIK8S_HOME (npm start brings the same cluster back, npm run reset wipes it)"
