# shellcheck shell=bash
# The host's daemons, each under the supervisor (supervisor.sh): cluster etcd, image registry, builder
# dockerd, control plane.

etcd_healthy() { curl -fsS -m 2 "http://$1/health" | grep '"health":"true"' >/dev/null; }

# start_etcd — the cluster's etcd, data in $MINIK8S_HOME/etcd. Heartbeats and metrics write every few
# seconds: history older than an hour is compacted (watches resume from a recent revision anyway).
start_etcd() {
  if ! program_running etcd && ss -ltn "( sport = :${ETCD_CLIENT##*:} )" | grep LISTEN >/dev/null; then
    die "port ${ETCD_CLIENT##*:} is taken by another process (a system etcd? stop it: service etcd stop)"
  fi
  mkdir -p "$MINIK8S_HOME/etcd"
  supervise_program --stop-wait 20 etcd \
    etcd --name minik8s --data-dir "$MINIK8S_HOME/etcd" \
    --listen-client-urls "http://$ETCD_CLIENT" --advertise-client-urls "http://$ETCD_CLIENT" \
    --listen-peer-urls "http://$ETCD_PEER" --initial-advertise-peer-urls "http://$ETCD_PEER" \
    --initial-cluster "minik8s=http://$ETCD_PEER" --initial-cluster-state new \
    --auto-compaction-mode periodic --auto-compaction-retention 1h
  wait_for 60 "etcd on $ETCD_CLIENT (log: $MINIK8S_LOGS/etcd.log)" etcd_healthy "$ETCD_CLIENT"
}

registry_ok() { curl -fsS -m 2 -o /dev/null "http://$REGISTRY/v2/"; }

# start_registry — Debian's docker-registry on 10.100.0.1:5000, storage in $MINIK8S_HOME/registry.
start_registry() {
  local config="$MINIK8S_HOME/registry-config.yml"
  mkdir -p "$MINIK8S_HOME/registry"
  sed -e "s|@STORAGE@|$MINIK8S_HOME/registry|" -e "s|@ADDR@|$REGISTRY|" \
    "$MINIK8S_REPO/templates/registry/config.yml" | write_atomically "$config" || true
  supervise_program --stop-wait 10 registry docker-registry serve "$config"
  wait_for 30 "registry on $REGISTRY (log: $MINIK8S_LOGS/registry.log)" registry_ok
}

# start_builder — the host dockerd that builds and pushes base images; leaves host networking alone.
start_builder() {
  start_dockerd builder "$MINIK8S_HOME/builder" "$MINIK8S_RUN/builder" "" \
    --iptables=false --ip-forward=false --ip-masq=false --bridge=none
}

# start_control_plane — node dist/reconciler/main.js when it has been built; waits for /healthz.
# Sets control_plane_note to what it did.
start_control_plane() {
  local main="$MINIK8S_REPO/dist/reconciler/main.js"
  control_plane_note="skipped: dist/reconciler/main.js not built (npm run build)"
  [[ -f $main ]] || return 0
  control_plane_note="http://127.0.0.1:$API_PORT"
  supervise_program --stop-wait 20 reconciler env MINIK8S_HOME="$MINIK8S_HOME" node "$main"
  wait_for 90 "control plane /healthz (log: $MINIK8S_LOGS/reconciler.log)" control_plane_up
}

# The supervisor's state FATAL/EXITED/BACKOFF here means it crashed at start: show why rather than wait.
control_plane_up() {
  program_running reconciler || { echo "control plane exited (log: $MINIK8S_LOGS/reconciler.log)" >&2; tail -n 20 "$MINIK8S_LOGS/reconciler.log" >&2; exit 1; }
  http_ok "http://127.0.0.1:$API_PORT/healthz"
}
