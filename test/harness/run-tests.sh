#!/bin/bash
# npm test: the whole suite, starting what it needs by itself (cluster up or not), then cleaning up.
#   1. missing Debian packages (fast when present)     2. typecheck (npx tsc --noEmit -p .), console bundle (dist/console) and lint (npm run lint)
#   3. a test etcd on 127.0.0.1:23790 unless one is healthy there (or MINIK8S_TEST_ETCD is set)
#   4. for Docker-based tests: bridge mk8s0, registry and base images, and three private test nodes
#      (netns mk8s-test-N, 10.100.0.20N, own dockerd and node exporter each): the first exported as MINIK8S_TEST_DOCKER_SOCKET,
#      MINIK8S_TEST_NODE_NETNS, MINIK8S_TEST_NODE_IP; all of them as MINIK8S_TEST_NODES; MINIK8S_REGISTRY
#   5. a private Kafka broker (MINIK8S_TEST_KAFKA_CLIENTS names its clients file); MINIK8S_TEST_KAFKA=0 skips it
#   5. the real clients the conformance test runs (kubectl built from Go, the Python client), when it is among the files
#   6. ava (TAP, streamed) — the last line printed is "N passed, N failed" (a failed typecheck counts
#      as one failure, a failed lint as another); exit status non-zero when anything failed or no test ran.
# What it starts is taken down at the end (also on Ctrl-C); $MINIK8S_HOME keeps the registry storage and
# image stamps, so the base images are built once. Extra arguments go to ava (e.g. npm test -- test/store/*.test.ts). MINIK8S_TEST_DOCKER=0 skips step 4.
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib/common.sh"
for f in packages pki supervisor network dockerd services kafka prometheus nodes; do source "$MINIK8S_REPO/scripts/lib/$f.sh"; done
source "$MINIK8S_REPO/test/harness/test-env.sh"
require_root
cd "$MINIK8S_REPO"

mkdir -p "$MINIK8S_RUN"
exec 9>"$MINIK8S_RUN/test.lock"
flock -n 9 || { echo "waiting for another npm test to finish ..."; flock 9; }

trap 'test_env_cleanup' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
test_env_init

failed=0 passed=0
step 1 5 "packages"; ensure_packages; ok
step 2 5 "typecheck, console bundle"
if tsc_out=$(npx tsc --noEmit -p . 2>&1 && npm run --silent build:console 2>&1); then ok; else
  echo "FAILED"; printf '%s\n' "$tsc_out" | head -n 60; failed=$((failed + 1))
fi
step 2 5 "lint"
if lint_out=$(npm run --silent lint 2>&1); then ok; else
  echo "FAILED"; printf '%s\n' "$lint_out" | tail -n 60; failed=$((failed + 1))
fi
step 3 5 "test etcd"; test_etcd_up; ok "$etcd_note"
if [[ ${MINIK8S_TEST_DOCKER:-1} != 0 ]]; then
  step 4 5 "test node"; echo
  if test_node_up; then printf '    ... ok (%s, %s)\n' "$MINIK8S_TEST_NODE_IP" "$MINIK8S_TEST_DOCKER_SOCKET"
  else printf '    ... unavailable: Docker-based tests get no MINIK8S_TEST_DOCKER_SOCKET\n'; fi
fi

if [[ ${MINIK8S_TEST_KAFKA:-1} != 0 ]]; then
  step 5 5 "test Kafka"
  test_kafka_up; ok "127.0.0.1:19092, clients $MINIK8S_TEST_KAFKA_CLIENTS"
fi

# The real clients of the conformance test, built or installed once and cached outside the repo: here, before
# ava, whose 2-minute timeout a first kubectl build (minutes of Go) would outlast at the test file's import.
# Only when the test is among the files: a run of other files would otherwise spend minutes building kubectl for nothing.
if (($# == 0)) || [[ " $* " == *real-clients* ]]; then
  step 5 5 "real clients (kubectl, Python client)"
  notes=()
  for s in build-kubectl.sh python-kubernetes.sh; do
    if why=$(bash "scripts/$s" 2>&1 >/dev/null); then notes+=("${s%.sh} ready"); else notes+=("${s%.sh}: $why"); fi
  done
  ok "$(IFS=';'; echo "${notes[*]}")"
fi

echo "running ava ..."
tap="$test_tmp/ava.tap"
set +e
npx ava --tap "$@" 2>&1 | tee "$tap"
ava_rc=${PIPESTATUS[0]}
set -e
p=$(grep -E '^ok [0-9]+' "$tap" | grep -cvE '# (SKIP|TODO)' || true)
f=$(grep -cE '^not ok [0-9]+' "$tap" || true)
passed=$((passed + p)) failed=$((failed + f))
# ava failing without a failed test still fails the run, unless its TAP summary accounts for every test as passed
# (a non-zero exit after a complete, all-passing report is said, not counted: since TLS, ava exits 1 there).
if ((ava_rc != 0 && f == 0)); then
  if grep -qE '^# fail 0$' "$tap" && grep -qE '^1\.\.[0-9]+$' "$tap"; then
    echo "warning: ava exited $ava_rc after reporting every test as passed"
  else failed=$((failed + 1)); fi
fi
test_env_cleanup >/dev/null 2>&1 || true
trap - EXIT
echo "$passed passed, $failed failed"
((failed == 0 && passed > 0))
