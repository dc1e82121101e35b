#!/bin/bash
# Runs a command (a bench) with the test etcd the test helpers use on 127.0.0.1:23790: the one running
# there when healthy, else one started for this run and stopped after it. Usage: with-test-etcd.sh CMD ARGS...
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib/common.sh"
# The same libraries as run-tests.sh: test-env.sh's setup and cleanup call into all of them.
for f in packages pki supervisor network dockerd services kafka prometheus nodes; do source "$MINIK8S_REPO/scripts/lib/$f.sh"; done
source "$MINIK8S_REPO/test/harness/test-env.sh"
cd "$MINIK8S_REPO"
command -v etcd >/dev/null || { echo "error: etcd is not installed: run npm run bootstrap (or npm test once) first" >&2; exit 1; }
# The same lock as npm test: a test run reuses (and would otherwise stop) the etcd this one starts.
mkdir -p "$MINIK8S_RUN"
exec 9>"$MINIK8S_RUN/test.lock"
flock -n 9 || { echo "waiting for a running npm test to finish ..." >&2; flock 9; }
test_env_init
trap 'test_env_cleanup >/dev/null 2>&1 || true' EXIT
test_etcd_up >&2
"$@"
