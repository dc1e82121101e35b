# shellcheck shell=bash
# A private dockerd (the image builder on the host, or one per node inside its namespace).

# start_dockerd NAME STATE_DIR RUN_DIR NETNS|"" EXTRA_ARGS... — starts it unless alive; waits for the socket.
# STATE_DIR holds data-root; RUN_DIR holds exec-root, pidfile and docker.sock.
start_dockerd() {
  local name=$1 state=$2 run=$3 netns=$4; shift 4
  local sock="$run/docker.sock" pidfile="$run/dockerd.pid"
  if pid_alive "$pidfile" dockerd && docker_ok "$sock"; then return 0; fi
  stop_pid "$pidfile" 10 dockerd          # a hung or half-dead one
  kill_stale_dockerd "$run"
  # After a hard kill: container processes, overlay and netns mounts of the dead daemon are left behind.
  kill_container_processes "$state/docker"
  unmount_under "$run/exec"; unmount_under "$state/docker/overlay2"; unmount_under "$state/docker/containers"
  rm -rf "$sock" "$run/docker.pid" "$run/exec/containerd/containerd.sock"*
  mkdir -p "$state/docker" "$run/exec"
  local cmd=(dockerd --data-root "$state/docker" --exec-root "$run/exec" --pidfile "$run/docker.pid"
    -H "unix://$sock" --insecure-registry "$REGISTRY" --log-level warn "$@")
  [[ -z $netns ]] || cmd=(nsenter "--net=/run/netns/$netns" "${cmd[@]}")
  start_daemon "dockerd $name" "$pidfile" "$MINIK8S_LOGS/dockerd-$name.log" "${cmd[@]}"
  wait_for 60 "dockerd $name (log: $MINIK8S_LOGS/dockerd-$name.log)" docker_ok "$sock"
}

docker_ok() { docker -H "unix://$1" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

# kill_stale_dockerd RUN_DIR — a dockerd or its containerd left from a hard kill still holds our exec-root.
kill_stale_dockerd() {
  local run=$1 pid
  for pid in $(pgrep -f -- "--exec-root $run/exec( |$)" || true) $(pgrep -f -- "$run/exec/containerd" || true); do
    kill -KILL "$pid" 2>/dev/null || true
  done
}

# kill_container_processes DATA_ROOT — SIGKILL what still runs in the cgroups of that daemon's containers.
kill_container_processes() {
  local root=$1 id procs
  [[ -d $root/containers ]] || return 0
  for id in $(ls "$root/containers"); do
    for procs in /sys/fs/cgroup/*/docker/"$id"/cgroup.procs /sys/fs/cgroup/system.slice/docker-"$id".scope/cgroup.procs; do
      [[ -f $procs ]] || continue
      xargs -r kill -KILL <"$procs" 2>/dev/null || true
    done
  done
}

# stop_dockerd RUN_DIR [STATE_DIR] — graceful stop; running containers are left to dockerd's own shutdown (they stop with it).
stop_dockerd() {
  local run=$1
  stop_pid "$run/dockerd.pid" 30 dockerd
  kill_stale_dockerd "$run"
  [[ -z ${2:-} ]] || kill_container_processes "$2/docker"
  rm -f "$run/docker.sock" "$run/docker.pid"
}

# unmount_under DIR — lazily unmount anything (overlays, netns bind mounts) a dead dockerd left below DIR.
unmount_under() {
  local dir=$1
  awk -v d="$dir" '$2 == d || index($2, d "/") == 1 {print $2}' /proc/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
}
