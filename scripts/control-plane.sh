#!/bin/bash
# mkctl cluster stop|start control-plane: the reconciler (API, Git, controllers) and etcd, leaving the
# nodes, their pods and their iptables rules running. Usage: scripts/control-plane.sh stop|start|kill
#   stop  — SIGTERM, wait, SIGKILL (stays down)   start — as npm start does
#   kill  — SIGKILL at once (a crash: the supervisor starts both again)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
for f in pki supervisor services; do source "$MINIK8S_REPO/scripts/lib/$f.sh"; done
require_root

case ${1:-} in
  stop)
    printf 'stopping control plane ... '; stop_program reconciler; ok
    printf 'stopping etcd ... '; stop_program etcd; ok ;;
  kill)
    for p in reconciler etcd; do
      pid=$(program_pid "$p"); [[ -z $pid ]] || kill -KILL "$pid"
    done
    log "killed the control plane and etcd (SIGKILL)" ;;
  start)
    printf 'starting etcd ... '; start_etcd; ok
    printf 'starting control plane ... '; start_control_plane; ok "$control_plane_note" ;;
  *) die "usage: $0 stop|start|kill" ;;
esac
