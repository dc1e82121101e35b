# shellcheck shell=bash
# Prometheus on the control-plane host (loopback only: the control plane forwards queries behind the
# cluster's auth), and the node exporter inside each node's namespace (loopback only: the node agent
# forwards it behind its own auth), both under the supervisor. Config is rendered from cluster.json on
# every start.

PROMETHEUS_ADDR=127.0.0.1:9090
NODE_EXPORTER_ADDR=127.0.0.1:9100
# Retention and a memory bound: a week or 1 GB on disk, whichever comes first; Go's soft memory limit
# makes the collector work harder before the heap passes it; queries are capped in samples and concurrency.
PROMETHEUS_RETENTION=7d
PROMETHEUS_RETENTION_SIZE=1GB
PROMETHEUS_MEMORY_LIMIT=256MiB

prometheus_dir() { echo "$MINIK8S_HOME/prometheus"; }

prometheus_ready() { curl -fsS -m 2 -o /dev/null "http://$PROMETHEUS_ADDR/-/ready"; }

# start_prometheus — renders prometheus.yml and the scrape token, then runs Prometheus as program
# "prometheus", its data in $MINIK8S_HOME/prometheus/data (kept across npm stop/start). Sets prometheus_note.
start_prometheus() {
  local dir writer="$MINIK8S_REPO/dist/reconciler/observability/write-prometheus-config.js"
  dir=$(prometheus_dir)
  prometheus_note="skipped: dist/ not built (npm run build)"
  [[ -f $writer ]] || return 0
  mkdir -p "$dir/data"
  ensure_metrics_token
  MINIK8S_HOME="$MINIK8S_HOME" node "$writer" --dir "$dir" --listen "$PROMETHEUS_ADDR"
  prometheus_note="http://$PROMETHEUS_ADDR (queries through the API: /minik8s/v1/prometheus/api/v1/...)"
  supervise_program --stop-wait 20 prometheus env GOMEMLIMIT="$PROMETHEUS_MEMORY_LIMIT" prometheus \
    --config.file "$dir/prometheus.yml" --storage.tsdb.path "$dir/data" \
    --storage.tsdb.retention.time "$PROMETHEUS_RETENTION" --storage.tsdb.retention.size "$PROMETHEUS_RETENTION_SIZE" \
    --web.listen-address "$PROMETHEUS_ADDR" --query.max-samples 5000000 --query.max-concurrency 4
  wait_for 60 "Prometheus on $PROMETHEUS_ADDR (log: $MINIK8S_LOGS/prometheus.log)" prometheus_ready
}

stop_prometheus() { stop_program prometheus; }

# node_exporter_command NETNS — the node exporter inside the namespace, with the collectors worth having on
# a node that shares the host's kernel: CPU, memory, load, the namespace's own network devices, filesystems,
# pressure; the rest (hardware, systemd) is off.
node_exporter_command() {
  echo nsenter "--net=/run/netns/$1" prometheus-node-exporter --web.listen-address="$NODE_EXPORTER_ADDR" \
    --collector.disable-defaults --collector.cpu --collector.meminfo --collector.loadavg --collector.netdev \
    --collector.filesystem --collector.stat --collector.uname --collector.time --collector.pressure --collector.diskstats
}

# start_node_exporter NAME NETNS — program "node-exporter-NAME".
start_node_exporter() {
  # shellcheck disable=SC2046
  supervise_program --stop-wait 10 "node-exporter-$1" $(node_exporter_command "$2")
}

# start_node_exporter_detached NAME NETNS PIDFILE — the same, unsupervised (the test harness's nodes).
start_node_exporter_detached() {
  pid_alive "$3" prometheus-node-exporter && return 0
  # shellcheck disable=SC2046
  start_daemon "node-exporter $1" "$3" "$MINIK8S_LOGS/node-exporter-$1.log" $(node_exporter_command "$2")
}
