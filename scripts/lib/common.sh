# shellcheck shell=bash
# Paths, logging and process helpers shared by every minik8s host script.

MINIK8S_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export MINIK8S_HOME="${MINIK8S_HOME:-/var/lib/minik8s}"
MINIK8S_RUN="${MINIK8S_RUN:-/run/minik8s}"
MINIK8S_LOGS="$MINIK8S_HOME/logs"

BRIDGE=mk8s0
BRIDGE_IP=10.100.0.1
BRIDGE_CIDR=10.100.0.1/24
REGISTRY="$BRIDGE_IP:5000"
# The registry's push side: loopback only, behind the credential in $REGISTRY_AUTH (scripts/lib/services.sh).
REGISTRY_PUSH=127.0.0.1:5001
REGISTRY_AUTH="$MINIK8S_HOME/registry-auth"
API_PORT=6443
ETCD_CLIENT=127.0.0.1:2379
ETCD_PEER=127.0.0.1:2380
FORWARD_CHAIN=MINIK8S-FORWARD
BUILDER_SOCK="$MINIK8S_RUN/builder/docker.sock"

log() { printf '%s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
require_root() { [[ $(id -u) -eq 0 ]] || die "must run as root (try: sudo $0)"; }

# step N TOTAL "what" — prints "[N/TOTAL] what ..." without a newline; ok/fail finishes it.
step() { printf '[%s/%s] %s ... ' "$1" "$2" "$3"; }
ok() { printf 'ok%s\n' "${1:+ ($1)}"; }

# Seconds (with millis) since the epoch, for timing.
now() { date +%s.%3N; }

# wait_for SECONDS DESCRIPTION COMMAND... — polls COMMAND every 0.2 s until it succeeds.
wait_for() {
  local timeout=$1 what=$2; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || { printf '\nerror: timed out after %ss waiting for %s\n' "$timeout" "$what" >&2; return 1; }
    sleep 0.2
  done
}

# pid_alive PIDFILE — true when the file names a running process (a zombie or a reused pid with
# another command line counts as dead when an expected command fragment is given as $2).
pid_alive() {
  local file=$1 expect=${2:-} pid
  [[ -s $file ]] || return 1
  pid=$(<"$file")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ -d /proc/$pid ]] || return 1
  [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) != Z ]] || return 1
  [[ -z $expect ]] || tr '\0' ' ' <"/proc/$pid/cmdline" | grep -F -- "$expect" >/dev/null
}

# start_daemon NAME PIDFILE LOGFILE COMMAND... — starts COMMAND detached (own session), records its pid.
start_daemon() {
  local name=$1 pidfile=$2 logfile=$3; shift 3
  mkdir -p "$(dirname "$pidfile")" "$(dirname "$logfile")"
  printf '\n=== %s start %s ===\n' "$name" "$(date -Is)" >>"$logfile"
  setsid "$@" </dev/null >>"$logfile" 2>&1 &
  echo $! >"$pidfile"
}

# stop_pid PIDFILE [TIMEOUT] [EXPECT] — SIGTERM, wait, then SIGKILL; removes the pid file.
stop_pid() {
  local file=$1 timeout=${2:-15} expect=${3:-} pid
  if pid_alive "$file" "$expect"; then
    pid=$(<"$file")
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + timeout))
    while [[ -d /proc/$pid ]] && [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) != Z ]]; do
      if ((SECONDS >= deadline)); then kill -KILL "$pid" 2>/dev/null || true; sleep 0.2; break; fi
      sleep 0.1
    done
  fi
  rm -f "$file"
}

# http_ok URL — true on a 2xx answer.
http_ok() { curl -fsS -m 2 -o /dev/null "$1"; }

# Node names from NODES (a count, or a list such as "node-1 node-2"); without NODES, the nodes
# this host already has (so a plain npm start brings back the same cluster), else three.
node_names() {
  if [[ -z ${NODES:-} ]] && compgen -G "$MINIK8S_HOME/nodes/node-*" >/dev/null; then
    (cd "$MINIK8S_HOME/nodes" && ls -d node-* | sort -t- -k2 -n); return
  fi
  local spec=${NODES:-3}
  if [[ $spec =~ ^[0-9]+$ ]]; then
    local i; for ((i = 1; i <= spec; i++)); do echo "node-$i"; done
  else
    tr ', ' '\n\n' <<<"$spec" | sed '/^$/d'
  fi
}

# node_index node-N → N
node_index() { [[ $1 =~ ^node-([0-9]+)$ ]] || die "node names must be node-N, got $1"; echo "${BASH_REMATCH[1]}"; }
