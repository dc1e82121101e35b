# shellcheck shell=bash
# The gateway (host/path forwarding for DNS-kind objects, gateway/): one process in the first node's
# namespace, listening on that node's IP, so the node's service rules apply to what it forwards; supervised.

GATEWAY_PORT=80
GATEWAY_METRICS_PORT=10254

# start_gateway NODE — when dist/gateway/main.js is built; waits until it answers. Sets gateway_note.
start_gateway() {
  local node=$1 main="$MINIK8S_REPO/dist/gateway/main.js" ns ip
  gateway_note="skipped: dist/gateway/main.js not built (npm run build)"
  [[ -f $main ]] || return 0
  ns=$(node_ns "$node") ip=$(node_ip "$node")
  gateway_note="$ip:$GATEWAY_PORT in $ns; from the host: any node IP, port 30080; /metrics on $ip:$GATEWAY_METRICS_PORT"
  # Prometheus' scrape token, which the gateway's /metrics accepts (and nothing else there).
  local scrape_token="$MINIK8S_HOME/credentials/gateway-scrape.token"
  (umask 077 && cluster_config_get metricsToken >"$scrape_token.new" && mv "$scrape_token.new" "$scrape_token")
  supervise_program gateway nsenter "--net=/run/netns/$ns" node "$main" --api-url "https://$BRIDGE_IP:$API_PORT" --ca-file "$(pki_dir)/ca.crt" \
    --token-file "$MINIK8S_HOME/credentials/gateway.token" --address "$ip" --port "$GATEWAY_PORT" --kafka "$MINIK8S_HOME/kafka/clients.json" \
    --metrics-token-file "$scrape_token" --metrics-port "$GATEWAY_METRICS_PORT"
  wait_for 30 "gateway on $ip:$GATEWAY_PORT (log: $MINIK8S_LOGS/gateway.log)" gateway_up "$ip"
}

# Any HTTP answer (a 404 for an unknown host) means it serves.
gateway_up() {
  program_running gateway || { echo "gateway exited (log: $MINIK8S_LOGS/gateway.log)" >&2; tail -n 20 "$MINIK8S_LOGS/gateway.log" >&2; exit 1; }
  curl -s -m 2 -o /dev/null "http://$1:$GATEWAY_PORT/"
}

stop_gateway() { stop_program gateway; }
