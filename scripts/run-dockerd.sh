#!/bin/bash
# Runs one private dockerd in the foreground (what the supervisor, or the test harness, starts):
#   scripts/run-dockerd.sh STATE_DIR RUN_DIR NETNS|"" EXTRA_ARGS...
# STATE_DIR holds data-root; RUN_DIR holds exec-root, pidfile and docker.sock. Every start first clears
# what a daemon that died hard left behind (its containerd, container processes, overlay and netns mounts),
# then execs dockerd, inside the network namespace NETNS when one is given.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$MINIK8S_REPO/scripts/lib/dockerd.sh"

state=$1 run=$2 netns=$3; shift 3
kill_stale_dockerd "$run"
kill_container_processes "$state/docker"
unmount_under "$run/exec"; unmount_under "$state/docker/overlay2"; unmount_under "$state/docker/containers"
rm -rf "$run/docker.sock" "$run/docker.pid" "$run/exec/containerd/containerd.sock"*
mkdir -p "$state/docker" "$run/exec"
cmd=(dockerd --data-root "$state/docker" --exec-root "$run/exec" --pidfile "$run/docker.pid"
  -H "unix://$run/docker.sock" --insecure-registry "$REGISTRY" --log-level warn "$@")
[[ -z $netns ]] || cmd=(nsenter "--net=/run/netns/$netns" "${cmd[@]}")
exec "${cmd[@]}"
