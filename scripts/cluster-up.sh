#!/bin/bash
# npm start: brings the cluster up (idempotent; recovers from a hard kill) and returns once it is ready.
# Env: MINIK8S_HOME (default /var/lib/minik8s), NODES (a count or names "node-1 node-2"; default: the
# nodes this host already has, else 3).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
for f in packages pki supervisor network dockerd services kafka cluster-config prometheus nodes gateway; do source "$MINIK8S_REPO/scripts/lib/$f.sh"; done
require_root

t0=$(now)
N=11
step 1 $N "packages"; ensure_packages; ok

step 2 $N "state in $MINIK8S_HOME, certificates, config, supervisor"
mkdir -p "$MINIK8S_HOME" "$MINIK8S_LOGS" "$MINIK8S_RUN"
mapfile -t nodes < <(node_names)
ensure_pki; ensure_cluster_config "${#nodes[@]}"; supervisor_up; ok "$(cluster_config_path), CA $(pki_dir)/ca.crt; supervisorctl -c $SUPERVISOR_CONF status"

step 3 $N "etcd on $ETCD_CLIENT"; start_etcd; ok

step 4 $N "network: bridge $BRIDGE $BRIDGE_CIDR, chain $FORWARD_CHAIN"
ensure_bridge; ensure_forward_chain; ok

step 5 $N "registry on $REGISTRY, builder dockerd"; start_registry; start_builder; ok

step 6 $N "Kafka on 127.0.0.1:$KAFKA_CLIENT_PORT and $BRIDGE_IP:$KAFKA_BRIDGE_PORT (SASL)"; start_cluster_kafka; ok "clients: $MINIK8S_HOME/kafka/clients.json"

step 7 $N "base images"; echo
"$MINIK8S_REPO/scripts/build-images.sh"
printf '    ... ok\n'

step 8 $N "control plane"
start_control_plane; ok "$control_plane_note"

step 9 $N "nodes: ${nodes[*]}"; echo
for n in "${nodes[@]}"; do
  printf '    %s (netns %s, %s) ... ' "$n" "$(node_ns "$n")" "$(node_ip "$n")"
  node_up "$n"; ok "$agent_note"
done

step 10 $N "gateway"; start_gateway "${nodes[0]}"; ok "$gateway_note"

step 11 $N "Prometheus on $PROMETHEUS_ADDR"; start_prometheus; ok "$prometheus_note"

cat <<SUMMARY

minik8s is up in $(awk -v a="$t0" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}')s
  API URL:   $(cluster_config_get apiUrl)   (token in $(cluster_config_path))
  Git URL:   $(cluster_config_get gitUrl)   (user minik8s, password = token)
  CA:        $(pki_dir)/ca.crt   (git -c http.sslCAInfo=$(pki_dir)/ca.crt ...; kubectl: mkctl kubeconfig)
  Kafka:     127.0.0.1:$KAFKA_CLIENT_PORT, $BRIDGE_IP:$KAFKA_BRIDGE_PORT (SASL/PLAIN, users in $MINIK8S_HOME/kafka/clients.json)
  registry:  http://$REGISTRY read-only (library/busybox, library/pause, library/python); pushes: $REGISTRY_PUSH (credential in $REGISTRY_AUTH)
  nodes:     $(for n in "${nodes[@]}"; do printf '%s=%s ' "$n" "$(node_ip "$n")"; done)
  node docker: docker -H unix://$MINIK8S_RUN/<node>/docker.sock ps
  gateway:   curl -H 'Host: <DNS host>' http://$(node_ip "${nodes[0]}"):30080/<path>
  Prometheus: http://$PROMETHEUS_ADDR (loopback; through the API: $(cluster_config_get apiUrl)/minik8s/v1/prometheus/api/v1/query)
  console:   $(cluster_config_get apiUrl)/console/   (sign in with the token)
  logs:      $MINIK8S_LOGS   (restarts: supervisord.log)
  processes: supervisorctl -c $SUPERVISOR_CONF status
SUMMARY
