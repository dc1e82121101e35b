#!/bin/bash
# mkctl cluster stop|start control-plane: the reconciler (API, Git, controllers) and etcd, leaving the
# nodes, their pods and their iptables rules running. Usage: scripts/control-plane.sh stop|start|kill
#   stop  — SIGTERM, wait, SIGKILL         kill — SIGKILL at once (a crash)        start — as npm start does
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
for f in services; do source "$MINIK8S_REPO/scripts/lib/$f.sh"; done
require_root

case ${1:-} in
  stop)
    printf 'stopping control plane ... '; stop_pid "$MINIK8S_RUN/reconciler.pid" 20 reconciler/main.js; ok
    printf 'stopping etcd ... '; stop_pid "$MINIK8S_RUN/etcd.pid" 20 etcd; ok ;;
  kill)
    for p in reconciler etcd; do
      if pid_alive "$MINIK8S_RUN/$p.pid"; then kill -KILL "$(cat "$MINIK8S_RUN/$p.pid")"; fi
    done
    log "killed the control plane and etcd (SIGKILL)" ;;
  start)
    printf 'starting etcd ... '; start_etcd; ok
    printf 'starting control plane ... '; start_control_plane; ok "$control_plane_note" ;;
  *) die "usage: $0 stop|start|kill" ;;
esac
