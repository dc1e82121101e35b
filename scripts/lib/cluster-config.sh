# shellcheck shell=bash
# cluster.json: written once, on first start (the schema lives in common/config/cluster-config.ts), mode
# 0600: it holds the admin token, the bootstrap (join) token and the key node and component tokens are
# derived from. A cluster.json from before TLS (no caFile) is rewritten, keeping its two tokens.

cluster_config_path() { echo "${MINIK8S_CONFIG:-$MINIK8S_HOME/cluster.json}"; }

random_hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# ensure_cluster_config NODE_COUNT — NODE_COUNT nodes Ready is what the first sync waits for.
ensure_cluster_config() {
  local path pki token joinToken nodes=${1:-0}
  path=$(cluster_config_path) pki=$(pki_dir)
  if [[ -s $path ]] && grep -q '"caFile"' "$path"; then chmod 600 "$path"; ensure_metrics_token "$path"; return 0; fi
  token=$(random_hex 24) joinToken=$(random_hex 24)
  if [[ -s $path ]]; then token=$(cluster_config_get token) joinToken=$(cluster_config_get joinToken); fi
  mkdir -p "$(dirname "$path")"
  (
    umask 077
    cat >"$path.new" <<JSON
{
  "apiUrl": "https://127.0.0.1:$API_PORT",
  "gitUrl": "https://127.0.0.1:$API_PORT/git/cluster.git",
  "token": "$token",
  "joinToken": "$joinToken",
  "metricsToken": "$(random_hex 24)",
  "tokenKey": "$(random_hex 32)",
  "caFile": "$pki/ca.crt",
  "tls": { "certFile": "$pki/apiserver.crt", "keyFile": "$pki/apiserver.key" },
  "etcdEndpoints": ["https://$ETCD_CLIENT"],
  "etcdTls": { "caFile": "$pki/etcd/ca.crt", "certFile": "$pki/etcd/client.crt", "keyFile": "$pki/etcd/client.key" },
  "etcdPrefix": "",
  "listen": { "host": "0.0.0.0", "port": $API_PORT },
  "firstSyncNodes": $nodes
}
JSON
  )
  mv "$path.new" "$path"
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
