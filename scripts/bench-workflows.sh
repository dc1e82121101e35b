#!/bin/bash
# npm run bench:workflows: the test harness's etcd and Kafka (same lock as npm test, so runs queue), then
# test/bench/workflows.bench.ts; what it started is taken down at the end.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
for f in packages supervisor network dockerd services kafka nodes; do source "$MINIK8S_REPO/scripts/lib/$f.sh"; done
source "$MINIK8S_REPO/test/harness/test-env.sh"
require_root
cd "$MINIK8S_REPO"
mkdir -p "$MINIK8S_RUN"
exec 9>"$MINIK8S_RUN/test.lock"
flock -n 9 || { echo "waiting for a running npm test to finish ..."; flock 9; }
trap 'test_env_cleanup' EXIT
test_env_init
test_etcd_up
test_kafka_up
MINIK8S_LOG_LEVEL=${MINIK8S_LOG_LEVEL:-warn} node --import tsx test/bench/workflows.bench.ts
