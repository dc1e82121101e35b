# shellcheck shell=bash
# What npm test starts for the suite, and takes down again (test_env_cleanup, also on Ctrl-C / failure).

TEST_ETCD_URL=127.0.0.1:23790
TEST_ETCD_PEER=127.0.0.1:23800
# Test nodes test-1..3: namespace mk8s-test-N, veth mk8s-vtestN, 10.100.0.20N, own dockerd. Single-node tests
# run in-process agents on test-1; multi-node tests (test/helpers/test-cluster.ts) spawn agents in all three.
TEST_NODE_COUNT=3
test_node_ns() { echo "mk8s-test-$1"; }
test_node_veth() { echo "mk8s-vtest$1"; }
test_node_ip() { echo "10.100.0.$((200 + $1))"; }
test_node_run() { echo "$MINIK8S_RUN/test-$1"; }

test_tmp=     # scratch dir (test etcd data, test node data-root, TAP output), made by test_env_init
started=()   # what to take down: etcd node registry builder bridge

# test_env_init — the scratch dir and the run's own certificates (scripts/lib/pki.sh): MINIK8S_TEST_PKI is
# what test control planes serve with and the test etcd demands client certificates from; the test
# processes, and the git they run, trust its cluster CA.
test_env_init() {
  test_tmp=$(mktemp -d "${TMPDIR:-/tmp}/minik8s-test.XXXXXX")
  export MINIK8S_TEST_PKI="$test_tmp/pki"
  ensure_pki "$MINIK8S_TEST_PKI"
  local i
  for ((i = 1; i <= TEST_NODE_COUNT; i++)); do ensure_node_cert "test-$i" "$(test_node_ip "$i")" "$MINIK8S_TEST_PKI"; done
  export NODE_EXTRA_CA_CERTS="$MINIK8S_TEST_PKI/ca.crt" GIT_SSL_CAINFO="$MINIK8S_TEST_PKI/ca.crt"
}

# test_etcd_up — exports MINIK8S_TEST_ETCD; sets etcd_note to say which etcd the tests use.
test_etcd_up() {
  if [[ -n ${MINIK8S_TEST_ETCD:-} ]]; then etcd_note="given: $MINIK8S_TEST_ETCD"; return 0; fi
  export MINIK8S_TEST_ETCD="https://$TEST_ETCD_URL"
  if etcd_healthy "$TEST_ETCD_URL" "$MINIK8S_TEST_PKI"; then etcd_note="reusing the one on $TEST_ETCD_URL"; return 0; fi
  started+=(etcd)
  # shellcheck disable=SC2046
  start_daemon test-etcd "$test_tmp/etcd.pid" "$test_tmp/etcd.log" \
    etcd --name minik8s-test --data-dir "$test_tmp/etcd" \
    --listen-client-urls "https://$TEST_ETCD_URL" --advertise-client-urls "https://$TEST_ETCD_URL" \
    $(etcd_tls_args "$MINIK8S_TEST_PKI") \
    --listen-peer-urls "http://$TEST_ETCD_PEER" --initial-advertise-peer-urls "http://$TEST_ETCD_PEER" \
    --initial-cluster "minik8s-test=http://$TEST_ETCD_PEER"
  wait_for 60 "test etcd (log: $test_tmp/etcd.log)" etcd_healthy "$TEST_ETCD_URL" "$MINIK8S_TEST_PKI" || { cat "$test_tmp/etcd.log" >&2; return 1; }
  etcd_note="started on $TEST_ETCD_URL"
}

# test_node_up — bridge, registry, base images, and the private test nodes; exports their variables.
test_node_up() {
  mkdir -p "$MINIK8S_LOGS"
  ip link show "$BRIDGE" >/dev/null 2>&1 || started+=(bridge)
  ensure_bridge && ensure_forward_chain || return 1
  program_running registry || started+=(registry)
  program_running dockerd-builder || started+=(builder)
  "$MINIK8S_REPO/scripts/build-images.sh" || return 1
  started+=(node)
  local i nodes=()
  for ((i = 1; i <= TEST_NODE_COUNT; i++)); do
    ensure_netns "$(test_node_ns "$i")" "$(test_node_veth "$i")" "$(test_node_ip "$i")/24" || return 1
    # shellcheck disable=SC2046
    start_dockerd_detached "test-$i" "$test_tmp/node-$i" "$(test_node_run "$i")" "$(test_node_ns "$i")" $(node_dockerd_args) || return 1
    # What a node agent forwards /metrics/node-exporter to (scripts/lib/prometheus.sh), on the node's loopback.
    start_node_exporter_detached "test-$i" "$(test_node_ns "$i")" "$test_tmp/node-exporter-$i.pid" || return 1
    nodes+=("test-$i,$(test_node_ip "$i"),/run/netns/$(test_node_ns "$i"),$(test_node_run "$i")/docker.sock")
  done
  export MINIK8S_TEST_DOCKER_SOCKET="$(test_node_run 1)/docker.sock"
  export MINIK8S_TEST_NODE_NETNS="/run/netns/$(test_node_ns 1)"
  export MINIK8S_TEST_NODE_IP="$(test_node_ip 1)"
  # name,ip,netns,socket per node, space-separated: what test/helpers/test-cluster.ts starts agents on.
  export MINIK8S_TEST_NODES="${nodes[*]}"
  export MINIK8S_REGISTRY="$REGISTRY"
}

# test_kafka_up — a private broker for the suite (data in the scratch dir, so every run starts empty) on
# 127.0.0.1:19092 and, with the bridge, 10.100.0.1:19094; exports MINIK8S_TEST_KAFKA_CLIENTS (its clients.json).
test_kafka_up() {
  started+=(kafka)
  start_test_kafka "$test_tmp/kafka" 19092 19093 19094 "$test_tmp/kafka.pid" "$test_tmp/kafka.log" || return 1
  export MINIK8S_TEST_KAFKA_CLIENTS="$test_tmp/kafka/clients.json"
}

has_started() { local x; for x in "${started[@]}"; do [[ $x != "$1" ]] || return 0; done; return 1; }

test_env_cleanup() {
  if has_started node; then
    local i run
    for ((i = 1; i <= TEST_NODE_COUNT; i++)); do
      run=$(test_node_run "$i")
      stop_pid "$test_tmp/node-exporter-$i.pid" 10 prometheus-node-exporter
      remove_containers "$run/docker.sock"
      stop_dockerd "test-$i" "$run" "$test_tmp/node-$i"
      remove_netns "$(test_node_ns "$i")" "$(test_node_veth "$i")"
      unmount_under "$test_tmp/node-$i"; unmount_under "$run"
      rm -rf "$run"
    done
  fi
  ! has_started etcd || stop_pid "$test_tmp/etcd.pid" 10 etcd
  ! has_started kafka || stop_test_kafka "$test_tmp/kafka.pid"
  # The registry and the builder dockerd stay while a cluster (npm start, its nodes up) uses them too.
  local cluster_up=
  ! ip netns list 2>/dev/null | grep '^mk8s-node-' >/dev/null || cluster_up=1
  ! has_started registry || [[ -n $cluster_up ]] || unsupervise_registry
  if has_started builder && [[ -z $cluster_up ]]; then
    stop_dockerd builder "$MINIK8S_RUN/builder"; unsupervise_program dockerd-builder; unmount_under "$MINIK8S_RUN/builder"; rm -rf "$MINIK8S_RUN/builder"
  fi
  # The supervisor stays while a cluster (or another program) uses it.
  supervisor_down_if_idle
  # The bridge stays while a cluster node is wired to it.
  if has_started bridge && ! ip netns list | grep '^mk8s-' >/dev/null; then remove_forward_chain; remove_bridge; fi
  if [[ -n $test_tmp ]]; then unmount_under "$test_tmp"; rm -rf "$test_tmp"; fi
  started=()
}
