# shellcheck shell=bash
# cluster.json: written once, on first start (the schema lives in common/config/cluster-config.ts).

cluster_config_path() { echo "${MINIK8S_CONFIG:-$MINIK8S_HOME/cluster.json}"; }

# ensure_cluster_config NODE_COUNT — NODE_COUNT nodes Ready is what the first sync waits for.
ensure_cluster_config() {
  local path nodes=${1:-0}; path=$(cluster_config_path)
  [[ -s $path ]] && return 0
  mkdir -p "$(dirname "$path")"
  umask 077
  cat >"$path" <<JSON
{
  "apiUrl": "http://127.0.0.1:$API_PORT",
  "gitUrl": "http://127.0.0.1:$API_PORT/git/cluster.git",
  "token": "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')",
  "joinToken": "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')",
  "etcdEndpoints": ["http://$ETCD_CLIENT"],
  "etcdPrefix": "",
  "listen": { "host": "0.0.0.0", "port": $API_PORT },
  "firstSyncNodes": $nodes
}
JSON
  umask 022
}

# cluster_config_get KEY — one top-level string field.
cluster_config_get() {
  node -e 'const c = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); process.stdout.write(String(c[process.argv[2]] ?? ""))' \
    "$(cluster_config_path)" "$1"
}
