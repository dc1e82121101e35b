# shellcheck shell=bash
# cluster.json: written once, on first start (the schema lives in common/config/cluster-config.ts).

cluster_config_path() { echo "${MINIK8S_CONFIG:-$MINIK8S_HOME/cluster.json}"; }

# ensure_cluster_config NODE_COUNT — NODE_COUNT nodes Ready is what the first sync waits for.
ensure_cluster_config() {
  local path nodes=${1:-0}; path=$(cluster_config_path)
  if [[ -s $path ]]; then ensure_metrics_token "$path"; return 0; fi
  mkdir -p "$(dirname "$path")"
  umask 077
  cat >"$path" <<JSON
{
  "apiUrl": "http://127.0.0.1:$API_PORT",
  "gitUrl": "http://127.0.0.1:$API_PORT/git/cluster.git",
  "token": "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')",
  "joinToken": "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')",
  "metricsToken": "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')",
  "etcdEndpoints": ["http://$ETCD_CLIENT"],
  "etcdPrefix": "",
  "listen": { "host": "0.0.0.0", "port": $API_PORT },
  "firstSyncNodes": $nodes
}
JSON
  umask 022
}

# ensure_metrics_token [PATH] — gives a cluster.json from before Prometheus its scrape token (atomically, mode 0600).
ensure_metrics_token() {
  node -e '
    const fs = require("fs"), crypto = require("crypto"), [path] = process.argv.slice(1);
    const c = JSON.parse(fs.readFileSync(path, "utf8"));
    if (c.metricsToken) process.exit(0);
    c.metricsToken = crypto.randomBytes(24).toString("hex");
    fs.writeFileSync(path + ".new", JSON.stringify(c, null, 2) + "\n", { mode: 0o600 });
    fs.renameSync(path + ".new", path);' "${1:-$(cluster_config_path)}"
}

# cluster_config_get KEY — one top-level string field.
cluster_config_get() {
  node -e 'const c = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); process.stdout.write(String(c[process.argv[2]] ?? ""))' \
    "$(cluster_config_path)" "$1"
}
