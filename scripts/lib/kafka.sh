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

# start_kafka DIR CLIENT_PORT CONTROLLER_PORT BRIDGE_PORT PIDFILE LOG — renders DIR/server.properties,
# formats DIR/data on first use, starts the broker unless it runs, waits for the client listener.
start_kafka() {
  local dir=$1 cport=$2 ctlport=$3 bport=$4 pidfile=$5 logfile=$6 jvm bridge=()
  if pid_alive "$pidfile" kafka.Kafka && kafka_listening "$cport"; then return 0; fi
  stop_pid "$pidfile" 20 kafka.Kafka
  kafka_listening "$cport" && die "port $cport is taken by another process"
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
  start_daemon kafka "$pidfile" "$logfile" "${jvm[@]}" kafka.Kafka "$dir/server.properties"
  wait_for 120 "Kafka on 127.0.0.1:$cport (log: $logfile)" kafka_up "$pidfile" "$cport" "$logfile"
}

kafka_up() {
  pid_alive "$1" kafka.Kafka || { echo "Kafka exited (log: $3)" >&2; tail -n 20 "$3" >&2; exit 1; }
  kafka_listening "$2"
}

stop_kafka() { stop_pid "$1" 30 kafka.Kafka; }

# The cluster's broker: data in $MINIK8S_HOME/kafka, clients file $MINIK8S_HOME/kafka/clients.json.
start_cluster_kafka() {
  start_kafka "$MINIK8S_HOME/kafka" "$KAFKA_CLIENT_PORT" "$KAFKA_CONTROLLER_PORT" "$KAFKA_BRIDGE_PORT" \
    "$MINIK8S_RUN/kafka.pid" "$MINIK8S_LOGS/kafka.log"
}
stop_cluster_kafka() { stop_kafka "$MINIK8S_RUN/kafka.pid"; }
