#!/bin/bash
# One local node, for chaos runs and maintenance: scripts/node.sh VERB node-N
#   kill-agent — SIGKILL the node agent (its containers keep running; the supervisor starts it again)
#   stop       — stop the agent and the node's dockerd, as a node going down (namespace kept)
#   start      — bring the node back as npm start does (namespace, dockerd, agent)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
for f in pki supervisor network dockerd cluster-config prometheus nodes; do source "$MINIK8S_REPO/scripts/lib/$f.sh"; done
require_root

verb=${1:-} name=${2:-}
[[ -n $name ]] || die "usage: $0 kill-agent|stop|start node-N"
node_index "$name" >/dev/null
case $verb in
  kill-agent)
    pid=$(program_pid "agent-$name")
    [[ -n $pid ]] || die "no agent running on $name"
    kill -KILL "$pid"; log "killed the agent of $name (SIGKILL)" ;;
  stop) printf 'stopping %s ... ' "$name"; node_stop "$name"; ok ;;
  start) printf 'starting %s ... ' "$name"; node_up "$name"; ok "$agent_note" ;;
  *) die "usage: $0 kill-agent|stop|start node-N" ;;
esac
