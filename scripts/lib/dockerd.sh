# shellcheck shell=bash
# A private dockerd (the image builder on the host, or one per node inside its namespace).

# start_dockerd NAME STATE_DIR RUN_DIR NETNS|"" EXTRA_ARGS... — a dockerd under the supervisor (program
# dockerd-NAME, restarted when it dies); waits for its socket. STATE_DIR holds data-root; RUN_DIR holds
# exec-root and docker.sock (scripts/run-dockerd.sh).
start_dockerd() {
  local name=$1 run=$3
  supervise_program --stop-wait 30 "dockerd-$name" "$MINIK8S_REPO/scripts/run-dockerd.sh" "${@:2}"
  wait_for 60 "dockerd $name (log: $MINIK8S_LOGS/dockerd-$name.log)" docker_ok "$run/docker.sock"
}

# start_dockerd_detached NAME STATE_DIR RUN_DIR NETNS|"" EXTRA_ARGS... — the same, unsupervised (the test
# harness's nodes, which live only for one run): pid in RUN_DIR/dockerd.pid.
start_dockerd_detached() {
  local name=$1 run=$3 pidfile="$3/dockerd.pid"
  if pid_alive "$pidfile" dockerd && docker_ok "$run/docker.sock"; then return 0; fi
  stop_pid "$pidfile" 10 dockerd          # a hung or half-dead one
  start_daemon "dockerd $name" "$pidfile" "$MINIK8S_LOGS/dockerd-$name.log" "$MINIK8S_REPO/scripts/run-dockerd.sh" "${@:2}"
  wait_for 60 "dockerd $name (log: $MINIK8S_LOGS/dockerd-$name.log)" docker_ok "$run/docker.sock"
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

# stop_dockerd NAME RUN_DIR [STATE_DIR] — graceful stop (supervised or detached); running containers are
# left to dockerd's own shutdown (they stop with it), what survives it is killed.
stop_dockerd() {
  local name=$1 run=$2
  stop_program "dockerd-$name"
  stop_pid "$run/dockerd.pid" 30 dockerd
  kill_stale_dockerd "$run"
  [[ -z ${3:-} ]] || kill_container_processes "$3/docker"
  rm -f "$run/docker.sock" "$run/docker.pid"
}

# unmount_under DIR — lazily unmount anything (overlays, netns bind mounts) a dead dockerd left below DIR.
unmount_under() {
  local dir=$1
  awk -v d="$dir" '$2 == d || index($2, d "/") == 1 {print $2}' /proc/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
}
