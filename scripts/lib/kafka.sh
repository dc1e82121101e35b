# shellcheck shell=bash
# The Kafka broker (Apache Kafka 4.1, KRaft, one node) that carries function calls: jars from Maven Central
# into a cache outside the repository (once), config rendered by reconciler/kafka/write-broker-config.ts,
# data formatted once and kept across stop/start. Clients authenticate with SASL/PLAIN (users in clients.json).

KAFKA_LIBS=${KAFKA_LIBS:-/var/cache/minik8s/kafka/libs}
KAFKA_HEAP=${KAFKA_HEAP:--Xms128m -Xmx512m}
KAFKA_CLIENT_PORT=9092
KAFKA_CONTROLLER_PORT=9093
KAFKA_BRIDGE_PORT=9094

# ensure_kafka_libs — mvn dependency:copy-dependencies of templates/kafka/pom.xml, redone only when the pom changed.
ensure_kafka_libs() {
  local pom="$MINIK8S_REPO/templates/kafka/pom.xml" stamp
  stamp=$(sha256sum "$pom" | cut -c1-16)
  [[ -s $KAFKA_LIBS/.stamp && $(<"$KAFKA_LIBS/.stamp") == "$stamp" ]] && return 0
  rm -rf "$KAFKA_LIBS"; mkdir -p "$KAFKA_LIBS"
  mvn -q -B -f "$pom" dependency:copy-dependencies -DoutputDirectory="$KAFKA_LIBS" -DincludeScope=runtime \
    >"${TMPDIR:-/tmp}/minik8s-kafka-mvn.log" 2>&1 || { cat "${TMPDIR:-/tmp}/minik8s-kafka-mvn.log" >&2; die "mvn could not fetch the Kafka jars"; }
  echo "$stamp" >"$KAFKA_LIBS/.stamp"
}

# kafka_jvm — the java command line every Kafka main class runs with (bounded heap, the jar cache).
kafka_jvm() {
  # shellcheck disable=SC2206
  jvm=(java $KAFKA_HEAP -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true
    -Dlog4j2.configurationFile="$MINIK8S_REPO/templates/kafka/log4j2.properties" -cp "$KAFKA_LIBS/*")
}

kafka_listening() { ss -ltn "( sport = :$1 )" | grep LISTEN >/dev/null; }

# prepare_kafka DIR CLIENT_PORT CONTROLLER_PORT BRIDGE_PORT LOG — renders DIR/server.properties (and DIR/clients.json
# once) and formats DIR/data on first use. Sets kafka_cmd to the broker's command line.
prepare_kafka() {
  local dir=$1 cport=$2 ctlport=$3 bport=$4 logfile=$5 jvm bridge=()
  ensure_kafka_libs; kafka_jvm
  mkdir -p "$dir" "$(dirname "$logfile")"; chmod 700 "$dir"
  # Node namespaces reach the host on the bridge address only; without the bridge there is no one to serve there.
  ip -4 addr show dev "$BRIDGE" 2>/dev/null | grep -F " $BRIDGE_IP/" >/dev/null && bridge=(--bridge "$BRIDGE_IP:$bport")
  (cd "$MINIK8S_REPO" && node --import tsx reconciler/kafka/write-broker-config.ts --dir "$dir" \
    --client "127.0.0.1:$cport" "${bridge[@]}" --controller-port "$ctlport") || die "cannot write $dir/server.properties"
  if [[ ! -s $dir/data/meta.properties ]]; then
    "${jvm[@]}" kafka.tools.StorageTool format --standalone --ignore-formatted \
      --cluster-id "$("${jvm[@]}" kafka.tools.StorageTool random-uuid)" --config "$dir/server.properties" \
      >>"$logfile" 2>&1 || { tail -n 20 "$logfile" >&2; die "cannot format the Kafka data directory $dir/data"; }
  fi
  kafka_cmd=("${jvm[@]}" kafka.Kafka "$dir/server.properties")
}

# The cluster's broker, under the supervisor: data in $MINIK8S_HOME/kafka, clients file $MINIK8S_HOME/kafka/clients.json.
start_cluster_kafka() {
  if ! program_running kafka && kafka_listening "$KAFKA_CLIENT_PORT"; then die "port $KAFKA_CLIENT_PORT is taken by another process"; fi
  local kafka_cmd
  prepare_kafka "$MINIK8S_HOME/kafka" "$KAFKA_CLIENT_PORT" "$KAFKA_CONTROLLER_PORT" "$KAFKA_BRIDGE_PORT" "$MINIK8S_LOGS/kafka.log"
  supervise_program --stop-wait 30 kafka "${kafka_cmd[@]}"
  wait_for 120 "Kafka on 127.0.0.1:$KAFKA_CLIENT_PORT (log: $MINIK8S_LOGS/kafka.log)" kafka_listening "$KAFKA_CLIENT_PORT"
}
stop_cluster_kafka() { stop_program kafka; }

# start_test_kafka DIR CLIENT_PORT CONTROLLER_PORT BRIDGE_PORT PIDFILE LOG — a broker for the test suite, its own process.
start_test_kafka() {
  local dir=$1 cport=$2 pidfile=$5 logfile=$6 kafka_cmd
  kafka_listening "$cport" && die "port $cport is taken by another process"
  prepare_kafka "$dir" "$cport" "$3" "$4" "$logfile"
  start_daemon kafka "$pidfile" "$logfile" "${kafka_cmd[@]}"
  wait_for 120 "Kafka on 127.0.0.1:$cport (log: $logfile)" kafka_up "$pidfile" "$cport" "$logfile"
}

kafka_up() {
  pid_alive "$1" kafka.Kafka || { echo "Kafka exited (log: $3)" >&2; tail -n 20 "$3" >&2; exit 1; }
  kafka_listening "$2"
}

stop_test_kafka() { stop_pid "$1" 30 kafka.Kafka; }
