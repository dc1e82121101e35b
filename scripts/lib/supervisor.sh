# shellcheck shell=bash
# Every long-running minik8s daemon runs under one supervisord (Debian's `supervisor`): it restarts a
# program that exits (at once after a crash, with growing back-off when it keeps failing to start) and logs
# each exit and spawn in $MINIK8S_LOGS/supervisord.log. Its only control channel is a unix socket, mode 0700,
# in $SUPERVISOR_DIR; there is no TCP listener. `npm stop` shuts it down.
#
# The API, for any script that adds a daemon:
#   supervise_program [--stop-wait S] NAME CMD...   run CMD as program NAME (log: $MINIK8S_LOGS/NAME.log);
#                                                   idempotent: same command and running → nothing happens,
#                                                   a changed command → restarted with the new one
#   program_running NAME      true when NAME is RUNNING (or STARTING)
#   program_pid NAME          its pid (empty when not running)
#   stop_program NAME         SIGTERM its process group, SIGKILL after its stop-wait; stays registered
#   unsupervise_program NAME  stop it and forget it
#   supervisor_down           stop every program (reverse registration order) and supervisord itself

SUPERVISOR_DIR="$MINIK8S_RUN/supervisor"
SUPERVISOR_CONF="$SUPERVISOR_DIR/supervisord.conf"
SUPERVISOR_SOCK="$SUPERVISOR_DIR/supervisor.sock"
SUPERVISOR_PID="$SUPERVISOR_DIR/supervisord.pid"
SUPERVISOR_PROGRAMS="$SUPERVISOR_DIR/programs"
# Marks every supervised process (inherited through supervisord's environment), so the processes a killed
# supervisord left behind can be found and ended before a new one starts its own copies.
SUPERVISOR_MARK="MINIK8S_SUPERVISOR=$SUPERVISOR_SOCK"

# render_supervisord_conf DIR LOGS — supervisord's own config (pure: prints it).
render_supervisord_conf() {
  local dir=$1 logs=$2
  cat <<CONF
; Rendered by scripts/lib/supervisor.sh; rewritten at every start.
[unix_http_server]
file=$dir/supervisor.sock
chmod=0700

[supervisord]
logfile=$logs/supervisord.log
logfile_maxbytes=10MB
logfile_backups=2
pidfile=$dir/supervisord.pid
childlogdir=$logs
environment=${SUPERVISOR_MARK%%=*}="$dir/supervisor.sock"

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://$dir/supervisor.sock

[include]
files = $dir/programs/*.conf
CONF
}

# render_program_conf NAME LOGFILE STOP_WAIT PRIORITY CMD... — one [program:NAME] section (pure: prints it).
# A program that dies after running 1 s is restarted at once; one that dies sooner is retried after 1, 2,
# 3 ... s, 100 times, then left FATAL (npm start tries again). The whole process group gets the signals,
# so wrappers (nsenter, env) and their children stop together.
render_program_conf() {
  local name=$1 logfile=$2 stopwait=$3 priority=$4; shift 4
  local words=() a
  for a in "$@"; do words+=("$(supervisor_quote "$a")"); done
  cat <<CONF
[program:$name]
command=${words[*]}
priority=$priority
autostart=true
autorestart=true
startsecs=1
startretries=100
stopsignal=TERM
stopwaitsecs=$stopwait
stopasgroup=true
killasgroup=true
redirect_stderr=true
stdout_logfile=$logfile
stdout_logfile_maxbytes=50MB
stdout_logfile_backups=2
CONF
}

# supervisor_quote WORD — WORD as supervisord's command line splits it (POSIX shell-like quoting; a literal
# % is doubled because supervisord expands %(...)s in commands).
supervisor_quote() {
  local w=${1//%/%%}
  if [[ $w =~ ^[A-Za-z0-9_@%+=:,./-]+$ ]]; then printf '%s' "$w"; else printf "'%s'" "${w//\'/\'\"\'\"\'}"; fi
}

# write_atomically FILE — stdin to FILE through a temporary file and a rename; true when FILE changed.
write_atomically() {
  local file=$1 tmp="$1.tmp.$$"
  cat >"$tmp"
  if cmp -s "$tmp" "$file"; then rm -f "$tmp"; return 1; fi
  mv -f "$tmp" "$file"
}

supervisorctl_() { supervisorctl -c "$SUPERVISOR_CONF" "$@"; }

# Cheap (no supervisorctl round trip: each costs a Python start).
supervisor_alive() { pid_alive "$SUPERVISOR_PID" supervisord && [[ -S $SUPERVISOR_SOCK ]]; }
supervisor_answers() { supervisor_alive && supervisorctl_ pid >/dev/null 2>&1; }

# supervisor_up — supervisord running on its socket (started when it is not).
supervisor_up() {
  supervisor_alive && return 0
  mkdir -p "$SUPERVISOR_PROGRAMS" "$MINIK8S_LOGS"
  chmod 0700 "$SUPERVISOR_DIR"
  kill_orphaned_programs
  # Programs are registered again, in order, by whoever starts them.
  rm -f "$SUPERVISOR_PROGRAMS"/*.conf "$SUPERVISOR_SOCK" "$SUPERVISOR_PID"
  render_supervisord_conf "$SUPERVISOR_DIR" "$MINIK8S_LOGS" | write_atomically "$SUPERVISOR_CONF" || true
  # Without the test lock's descriptor (fd 9 of run-tests.sh, with-test-etcd.sh): supervisord outlives the run that
  # started it, and holding that descriptor it held the lock, so every later test run waited forever.
  supervisord -c "$SUPERVISOR_CONF" 9>&-
  wait_for 15 "supervisord (log: $MINIK8S_LOGS/supervisord.log)" supervisor_answers
}

# kill_orphaned_programs — SIGKILL what a dead supervisord's programs left running (they carry its mark).
kill_orphaned_programs() {
  local env pid
  for env in /proc/[0-9]*/environ; do
    pid=${env#/proc/} pid=${pid%/environ}
    [[ $pid != "$$" ]] || continue
    tr '\0' '\n' 2>/dev/null <"$env" | grep -Fx -- "$SUPERVISOR_MARK" >/dev/null && kill -KILL "$pid" 2>/dev/null || true
  done
}

# supervise_program [--stop-wait S] NAME CMD... — see the API above. Returns once it is starting or running.
supervise_program() {
  local stopwait=15
  if [[ $1 == --stop-wait ]]; then stopwait=$2; shift 2; fi
  local name=$1; shift
  [[ $name =~ ^[a-z0-9][a-z0-9-]*$ ]] || die "program names are lowercase words and dashes, got '$name'"
  supervisor_up
  local conf="$SUPERVISOR_PROGRAMS/$name.conf" priority
  # Registration order is start order after a supervisord restart and reverse stop order at shutdown.
  priority=$( (grep -h '^priority=' "$SUPERVISOR_PROGRAMS"/*.conf 2>/dev/null || echo priority=0) | cut -d= -f2 | sort -n | tail -n 1)
  [[ -f $conf ]] && priority=$(grep '^priority=' "$conf" | cut -d= -f2) || priority=$((priority + 1))
  local state
  if render_program_conf "$name" "$MINIK8S_LOGS/$name.log" "$stopwait" "$priority" "$@" | write_atomically "$conf"; then
    supervisorctl_ update "$name" >/dev/null
  fi
  state=$(program_state "$name")
  [[ $state =~ ^(RUNNING|STARTING|BACKOFF)$ ]] && return 0
  [[ $state != UNKNOWN ]] || supervisorctl_ update "$name" >/dev/null
  supervisorctl_ start "$name" >/dev/null || true
  state=$(program_state "$name")
  [[ $state =~ ^(RUNNING|STARTING|BACKOFF)$ ]] || die "$name did not start ($state; log: $MINIK8S_LOGS/$name.log)"
}

# program_state NAME — RUNNING, STARTING, BACKOFF, STOPPED, EXITED, FATAL, or UNKNOWN when not registered.
program_state() {
  supervisor_alive || { echo UNKNOWN; return 0; }
  local out; out=$(supervisorctl_ status "$1" 2>/dev/null || true)
  awk -v n="$1" '$1 == n {print $2; found=1} END {if (!found) print "UNKNOWN"}' <<<"$out"
}

program_running() { program_state "$1" | grep -E '^(RUNNING|STARTING)$' >/dev/null; }

program_pid() {
  program_running "$1" || return 0
  local pid; pid=$(supervisorctl_ pid "$1" 2>/dev/null || true)
  [[ $pid =~ ^[1-9][0-9]*$ ]] && echo "$pid"
  return 0
}

stop_program() { ! supervisor_alive || supervisorctl_ stop "$1" >/dev/null 2>&1 || true; }

unsupervise_program() {
  stop_program "$1"
  ! supervisor_alive || supervisorctl_ remove "$1" >/dev/null 2>&1 || true
  rm -f "$SUPERVISOR_PROGRAMS/$1.conf"
}

# supervisor_down — every program, then supervisord; waits until it has exited.
supervisor_down() {
  supervisor_alive || { rm -f "$SUPERVISOR_SOCK" "$SUPERVISOR_PID"; return 0; }
  local pid; pid=$(<"$SUPERVISOR_PID")
  supervisorctl_ shutdown >/dev/null 2>&1 || true
  wait_for 120 "supervisord to exit" bash -c "! [[ -d /proc/$pid ]]"
  rm -f "$SUPERVISOR_PROGRAMS"/*.conf
}

# supervisor_down_if_idle — supervisor_down when no program is registered any more (the test harness
# shares supervisord with a running cluster).
supervisor_down_if_idle() {
  compgen -G "$SUPERVISOR_PROGRAMS/*.conf" >/dev/null || supervisor_down
}
