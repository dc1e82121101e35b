# shellcheck shell=bash
# The host's daemons, each under the supervisor (supervisor.sh): cluster etcd, image registry, builder
# dockerd, control plane.

# etcd_healthy ADDR [PKI_DIR] — /health answers true, asked with the control plane's client certificate.
etcd_healthy() { etcd_curl "${2:-$(pki_dir)}" -fsS -m 2 "https://$1/health" 2>/dev/null | grep '"health":"true"' >/dev/null; }

# start_etcd — the cluster's etcd, data in $MINIK8S_HOME/etcd, on loopback only and over TLS that
# demands a client certificate from the etcd CA (only the control plane has one: scripts/lib/pki.sh).
# Heartbeats and metrics write every few seconds: history older than an hour is compacted (watches
# resume from a recent revision anyway).
start_etcd() {
  local pki; pki=$(pki_dir)
  if ! program_running etcd && ss -ltn "( sport = :${ETCD_CLIENT##*:} )" | grep LISTEN >/dev/null; then
    die "port ${ETCD_CLIENT##*:} is taken by another process (a system etcd? stop it: service etcd stop)"
  fi
  mkdir -p "$MINIK8S_HOME/etcd"
  # shellcheck disable=SC2046
  supervise_program --stop-wait 20 etcd \
    etcd --name minik8s --data-dir "$MINIK8S_HOME/etcd" \
    --listen-client-urls "https://$ETCD_CLIENT" --advertise-client-urls "https://$ETCD_CLIENT" \
    $(etcd_tls_args "$pki") \
    --listen-peer-urls "http://$ETCD_PEER" --initial-advertise-peer-urls "http://$ETCD_PEER" \
    --initial-cluster "minik8s=http://$ETCD_PEER" --initial-cluster-state new \
    --auto-compaction-mode periodic --auto-compaction-retention 1h
  wait_for 60 "etcd on $ETCD_CLIENT (log: $MINIK8S_LOGS/etcd.log)" etcd_healthy "$ETCD_CLIENT"
}

registry_ok() { curl -fsS -m 2 -o /dev/null "http://$REGISTRY/v2/"; }

# The push side answers 401 without the credential: that answer means it serves.
registry_push_ok() { [[ $(curl -s -m 2 -o /dev/null -w '%{http_code}' "http://$REGISTRY_PUSH/v2/") == 401 ]]; }

# ensure_registry_auth — the push credential (user minik8s, a random password), made once:
# $REGISTRY_AUTH/password and the bcrypt htpasswd file the push side checks, both 0600.
ensure_registry_auth() {
  [[ -s $REGISTRY_AUTH/htpasswd && -s $REGISTRY_AUTH/password ]] && return 0
  mkdir -p "$REGISTRY_AUTH" && chmod 700 "$REGISTRY_AUTH"
  (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$REGISTRY_AUTH/password")
  (umask 077 && htpasswd -iBc "$REGISTRY_AUTH/htpasswd" minik8s <"$REGISTRY_AUTH/password" 2>/dev/null)
}

# start_registry — Debian's docker-registry, storage in $MINIK8S_HOME/registry, as two programs:
# the read-only side nodes pull from on 10.100.0.1:5000 (anonymous reads only), and the push side on
# 127.0.0.1:5001 behind the push credential (scripts/build-images.sh logs in there).
start_registry() {
  ensure_registry_auth
  start_registry_side registry "$REGISTRY" config.yml registry_ok
  start_registry_side registry-push "$REGISTRY_PUSH" push.yml registry_push_ok
}

# start_registry_side NAME ADDR TEMPLATE HEALTH_CHECK — one registry program from templates/registry/TEMPLATE.
start_registry_side() {
  local name=$1 addr=$2 template=$3 healthy=$4 config="$MINIK8S_HOME/$1-config.yml" changed=
  mkdir -p "$MINIK8S_HOME/registry"
  sed -e "s|@STORAGE@|$MINIK8S_HOME/registry|" -e "s|@ADDR@|$addr|" -e "s|@HTPASSWD@|$REGISTRY_AUTH/htpasswd|" \
    "$MINIK8S_REPO/templates/registry/$template" | write_atomically "$config" && changed=1
  supervise_program --stop-wait 10 "$name" docker-registry serve "$config"
  # A running registry reads its config only at start: a changed one (read-only, say) needs a restart.
  [[ -z $changed ]] || supervisorctl_ restart "$name" >/dev/null
  wait_for 30 "$name on $addr (log: $MINIK8S_LOGS/$name.log)" "$healthy"
}

stop_registry() { stop_program registry-push; stop_program registry; }
unsupervise_registry() { unsupervise_program registry-push; unsupervise_program registry; }

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
  control_plane_note="https://127.0.0.1:$API_PORT"
  supervise_program --stop-wait 20 reconciler env MINIK8S_HOME="$MINIK8S_HOME" node "$main"
  wait_for 90 "control plane /healthz (log: $MINIK8S_LOGS/reconciler.log)" control_plane_up
}

# The supervisor's state FATAL/EXITED/BACKOFF here means it crashed at start: show why rather than wait.
control_plane_up() {
  program_running reconciler || { echo "control plane exited (log: $MINIK8S_LOGS/reconciler.log)" >&2; tail -n 20 "$MINIK8S_LOGS/reconciler.log" >&2; exit 1; }
  api_healthy
}

api_healthy() { curl -fsS -m 2 -o /dev/null --cacert "$(pki_dir)/ca.crt" "https://127.0.0.1:$API_PORT/healthz"; }
