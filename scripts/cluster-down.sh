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
# A test run (npm test, holding its lock) pulls through the same registry and builds with the same builder
# dockerd, both under this supervisor: while one runs they stay up (stopping them failed its pulls).
if flock -n "$MINIK8S_RUN/test.lock" true; then
  printf 'stopping registry ... '; stop_registry; ok
  printf 'stopping builder dockerd ... '; stop_dockerd builder "$MINIK8S_RUN/builder"; ok
fi
printf 'stopping etcd ... '; stop_program etcd; ok
if flock -n "$MINIK8S_RUN/test.lock" true; then
  printf 'stopping supervisor ... '; supervisor_down; ok
else
  log "a test run is using the registry and the builder dockerd: they and the supervisor stay up"
fi
log "stopped; state kept in $MINIK8S_HOME (npm start brings the same cluster back, npm run reset wipes it)"
