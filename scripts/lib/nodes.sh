# shellcheck shell=bash
# A local node: namespace mk8s-node-N wired to mk8s0, its own dockerd inside, its node agent and node
# exporter (scripts/lib/prometheus.sh).

node_ns() { echo "mk8s-node-$(node_index "$1")"; }
node_veth() { echo "mk8s-veth$(node_index "$1")"; }
node_ip() { echo "10.100.0.$((10 + $(node_index "$1")))"; }
node_state() { echo "$MINIK8S_HOME/nodes/$1"; }
node_run() { echo "$MINIK8S_RUN/$1"; }

# node_dockerd_args — a node's dockerd: no default bridge (the agent builds the pod network with the
# pod subnet the control plane allocates); short names like busybox:latest come through the cluster registry.
node_dockerd_args() { echo --bridge=none --registry-mirror "http://$REGISTRY"; }

# node_up NAME — namespace, veth, dockerd; the agent when dist/node-agent/main.js exists.
node_up() {
  local name=$1 ns veth ip state run
  ns=$(node_ns "$name") veth=$(node_veth "$name") ip=$(node_ip "$name") state=$(node_state "$name") run=$(node_run "$name")
  ensure_netns "$ns" "$veth" "$ip/24"
  # shellcheck disable=SC2046
  start_dockerd "$name" "$state" "$run" "$ns" $(node_dockerd_args)
  ensure_metrics_token
  ensure_node_cert "$name" "$ip"
  # 0600: it holds the bootstrap token.
  (umask 077 && write_agent_config "$name" "$ip" "$run/docker.sock" "$state/agent" | write_atomically "$state/agent.yaml") || true
  chmod 600 "$state/agent.yaml"
  start_node_exporter "$name" "$ns"
  start_agent "$name" "$ns" "$state/agent.yaml"
}

# write_agent_config NAME IP SOCKET STATE_DIR — templates/node-agent.yaml with this node's values.
write_agent_config() {
  sed -e "s|@NODE_NAME@|$1|g" -e "s|@NODE_IP@|$2|g" -e "s|@DOCKER_SOCKET@|$3|g" -e "s|@STATE_DIR@|$4|g" \
    -e "s|@API_URL@|https://$BRIDGE_IP:$API_PORT|g" -e "s|@JOIN_TOKEN@|$(cluster_config_get joinToken)|g" \
    -e "s|@METRICS_TOKEN@|$(cluster_config_get metricsToken)|g" -e '/^metricsToken: *$/d' \
    -e "s|@CA_FILE@|$(cluster_config_get caFile)|g" -e "s|@NODE_CERT@|$(pki_dir)/nodes/$1|g" \
    "$MINIK8S_REPO/templates/node-agent.yaml" | sed '/^# *EXAMPLE-ONLY/,$d'
}

# start_agent NAME NETNS CONFIG — under the supervisor (program agent-NAME); a restarted agent adopts the
# pods its dockerd still runs. Sets agent_note to what it did.
start_agent() {
  local name=$1 ns=$2 config=$3 main="$MINIK8S_REPO/dist/node-agent/main.js"
  agent_note="dockerd only: dist/node-agent/main.js not built (npm run build)"
  [[ -f $main ]] || return 0
  agent_note="agent running"
  mkdir -p "$(dirname "$config")/agent"
  supervise_program "agent-$name" nsenter "--net=/run/netns/$ns" env MINIK8S_HOME="$MINIK8S_HOME" node "$main" --config "$config"
}

# node_stop NAME — agent, node exporter, then dockerd (state kept).
node_stop() {
  stop_program "agent-$1"
  stop_program "node-exporter-$1"
  stop_dockerd "$1" "$(node_run "$1")" "$(node_state "$1")"
}

# node_wipe NAME — stop, remove its containers, namespace, veth, state.
node_wipe() {
  local name=$1 state run
  state=$(node_state "$name") run=$(node_run "$name")
  remove_containers "$run/docker.sock"
  node_stop "$name"
  remove_netns "$(node_ns "$name")" "$(node_veth "$name")"
  unmount_under "$state"; unmount_under "$run"
  rm -rf "$state" "$run"
}

# remove_containers SOCKET — every container of a running dockerd, forcibly.
remove_containers() {
  local sock=$1 ids
  docker_ok "$sock" || return 0
  ids=$(docker -H "unix://$sock" ps -aq)
  # shellcheck disable=SC2086
  [[ -z $ids ]] || docker -H "unix://$sock" rm -f $ids >/dev/null 2>&1 || true
}

# Nodes that have state or a namespace (not only those NODES names), for stop/reset.
known_nodes() {
  { ls "$MINIK8S_HOME/nodes" 2>/dev/null; ls "$MINIK8S_RUN" 2>/dev/null | grep '^node-'; ip netns list 2>/dev/null | awk '{print $1}' | sed -n 's/^mk8s-node-/node-/p'; } | sort -u
}
