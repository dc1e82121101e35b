# shellcheck shell=bash
# What npm test starts for the suite, and takes down again (test_env_cleanup, also on Ctrl-C / failure).

TEST_ETCD_URL=127.0.0.1:23790
TEST_ETCD_PEER=127.0.0.1:23800
TEST_NODE=test-1
TEST_NODE_NS=mk8s-test-1
TEST_NODE_VETH=mk8s-vtest1
TEST_NODE_IP=10.100.0.201
TEST_NODE_RUN="$MINIK8S_RUN/test-1"

test_tmp=     # scratch dir (test etcd data, test node data-root, TAP output), made by test_env_init
started=()   # what to take down: etcd node registry builder bridge

test_env_init() { test_tmp=$(mktemp -d "${TMPDIR:-/tmp}/minik8s-test.XXXXXX"); }

# test_etcd_up — exports MINIK8S_TEST_ETCD; sets etcd_note to say which etcd the tests use.
test_etcd_up() {
  if [[ -n ${MINIK8S_TEST_ETCD:-} ]]; then etcd_note="given: $MINIK8S_TEST_ETCD"; return 0; fi
  export MINIK8S_TEST_ETCD="http://$TEST_ETCD_URL"
  if etcd_healthy "$TEST_ETCD_URL"; then etcd_note="reusing the one on $TEST_ETCD_URL"; return 0; fi
  started+=(etcd)
  start_daemon test-etcd "$test_tmp/etcd.pid" "$test_tmp/etcd.log" \
    etcd --name minik8s-test --data-dir "$test_tmp/etcd" \
    --listen-client-urls "http://$TEST_ETCD_URL" --advertise-client-urls "http://$TEST_ETCD_URL" \
    --listen-peer-urls "http://$TEST_ETCD_PEER" --initial-advertise-peer-urls "http://$TEST_ETCD_PEER" \
    --initial-cluster "minik8s-test=http://$TEST_ETCD_PEER"
  wait_for 60 "test etcd (log: $test_tmp/etcd.log)" etcd_healthy "$TEST_ETCD_URL" || { cat "$test_tmp/etcd.log" >&2; return 1; }
  etcd_note="started on $TEST_ETCD_URL"
}

# test_node_up — bridge, registry, base images, and the private test node; exports its variables.
test_node_up() {
  mkdir -p "$MINIK8S_LOGS"
  ip link show "$BRIDGE" >/dev/null 2>&1 || started+=(bridge)
  ensure_bridge && ensure_forward_chain || return 1
  pid_alive "$MINIK8S_RUN/registry.pid" docker-registry || started+=(registry)
  pid_alive "$MINIK8S_RUN/builder/dockerd.pid" dockerd || started+=(builder)
  "$MINIK8S_REPO/scripts/build-images.sh" || return 1
  started+=(node)
  ensure_netns "$TEST_NODE_NS" "$TEST_NODE_VETH" "$TEST_NODE_IP/24" || return 1
  # shellcheck disable=SC2046
  start_dockerd "$TEST_NODE" "$test_tmp/node" "$TEST_NODE_RUN" "$TEST_NODE_NS" $(node_dockerd_args) || return 1
  export MINIK8S_TEST_DOCKER_SOCKET="$TEST_NODE_RUN/docker.sock"
  export MINIK8S_TEST_NODE_NETNS="/run/netns/$TEST_NODE_NS"
  export MINIK8S_TEST_NODE_IP="$TEST_NODE_IP"
  export MINIK8S_REGISTRY="$REGISTRY"
}

has_started() { local x; for x in "${started[@]}"; do [[ $x != "$1" ]] || return 0; done; return 1; }

test_env_cleanup() {
  if has_started node; then
    remove_containers "$TEST_NODE_RUN/docker.sock"
    stop_dockerd "$TEST_NODE_RUN" "$test_tmp/node"
    remove_netns "$TEST_NODE_NS" "$TEST_NODE_VETH"
    unmount_under "$test_tmp/node"; unmount_under "$TEST_NODE_RUN"
    rm -rf "$TEST_NODE_RUN"
  fi
  ! has_started etcd || stop_pid "$test_tmp/etcd.pid" 10 etcd
  ! has_started registry || stop_pid "$MINIK8S_RUN/registry.pid" 10 docker-registry
  if has_started builder; then stop_dockerd "$MINIK8S_RUN/builder"; unmount_under "$MINIK8S_RUN/builder"; rm -rf "$MINIK8S_RUN/builder"; fi
  # The bridge stays while a cluster node is wired to it.
  if has_started bridge && ! ip netns list | grep '^mk8s-' >/dev/null; then remove_forward_chain; remove_bridge; fi
  if [[ -n $test_tmp ]]; then unmount_under "$test_tmp"; rm -rf "$test_tmp"; fi
  started=()
}
