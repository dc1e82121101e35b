# shellcheck shell=bash
# The cluster's certificates, made once at first start as kubeadm's "init phase certs" does, with the
# openssl CLI. Two CAs: the cluster CA (what every client trusts: the API and Git serving certificate)
# and the etcd CA (etcd's serving certificate and the one client certificate, the control plane's), so a
# certificate the cluster CA signs can never open etcd. ECDSA P-256 keys, mode 0600; files:
#   ca.crt ca.key apiserver.crt apiserver.key                              (cluster CA)
#   nodes/NAME.crt nodes/NAME.key   each node agent's serving certificate (its port 10250; cluster CA)
#   etcd/ca.crt etcd/ca.key etcd/server.crt etcd/server.key etcd/client.crt etcd/client.key   (etcd CA)
# Existing files are kept: a restart never changes what clients already trust.

pki_dir() { echo "${MINIK8S_PKI:-$MINIK8S_HOME/pki}"; }

# pki_key FILE — a new P-256 key, unless FILE exists.
pki_key() {
  [[ -s $1 ]] || (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null)
}

# pki_ca DIR CN — a self-signed CA (ca.crt, ca.key) in DIR, valid ten years.
pki_ca() {
  local dir=$1 cn=$2
  pki_key "$dir/ca.key"
  [[ -s $dir/ca.crt ]] || openssl req -x509 -new -key "$dir/ca.key" -subj "/CN=$cn" -days 3650 -sha256 \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign -out "$dir/ca.crt" 2>/dev/null
}

# pki_cert CA_DIR OUT_BASE CN USAGE [SAN] — OUT_BASE.crt/.key signed by CA_DIR's CA, valid one year
# (npm start renews it when it expires within 30 days). USAGE: serverAuth or clientAuth.
pki_cert() {
  local ca=$1 out=$2 cn=$3 usage=$4 san=${5:-} ext
  pki_key "$out.key"
  if [[ -s $out.crt ]] && openssl x509 -checkend $((30 * 86400)) -noout -in "$out.crt" >/dev/null 2>&1; then return 0; fi
  ext=$(mktemp)
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=%s\n%s' \
    "$usage" "${san:+subjectAltName=$san}" >"$ext"
  openssl req -new -key "$out.key" -subj "/CN=$cn" 2>/dev/null |
    openssl x509 -req -CA "$ca/ca.crt" -CAkey "$ca/ca.key" -CAcreateserial -days 365 -sha256 -extfile "$ext" -out "$out.crt" 2>/dev/null
  rm -f "$ext" "$ca/ca.srl"
}

# ensure_pki [DIR] — both CAs and their certificates. The API's certificate names every address clients
# use: loopback, the bridge (node agents and the gateway), and this host's name.
ensure_pki() {
  local dir=${1:-$(pki_dir)}
  # The directory stays readable (ca.crt is public); keys are 0600 and etcd's directory 0700.
  mkdir -p "$dir/etcd" && chmod 755 "$dir" && chmod 700 "$dir/etcd"
  pki_ca "$dir" minik8s-ca
  pki_cert "$dir" "$dir/apiserver" minik8s-apiserver serverAuth \
    "IP:127.0.0.1,IP:$BRIDGE_IP,DNS:localhost,DNS:$(hostname)${MINIK8S_API_SANS:+,$MINIK8S_API_SANS}"
  pki_ca "$dir/etcd" minik8s-etcd-ca
  # clientAuth too: etcd's gRPC gateway (the /v3 JSON API) dials etcd itself with this certificate.
  pki_cert "$dir/etcd" "$dir/etcd/server" minik8s-etcd serverAuth,clientAuth "IP:127.0.0.1,DNS:localhost"
  pki_cert "$dir/etcd" "$dir/etcd/client" minik8s-control-plane clientAuth
  chmod 600 "$dir"/*.key "$dir"/etcd/*.key
}

# ensure_node_cert NAME IP [DIR] — the serving certificate of node NAME's agent (port 10250), for its IP and
# name, signed by the cluster CA: the control plane, which holds that CA, verifies every agent it calls.
# Prints nothing; the files are DIR/nodes/NAME.crt and .key (mode 0600).
ensure_node_cert() {
  local name=$1 ip=$2 dir=${3:-$(pki_dir)}
  mkdir -p "$dir/nodes" && chmod 700 "$dir/nodes"
  pki_cert "$dir" "$dir/nodes/$name" "minik8s-node-$name" serverAuth "IP:$ip,DNS:$name"
  chmod 600 "$dir/nodes/$name.key"
}

# etcd_tls_args DIR — etcd's flags: serve TLS, and only to clients with a certificate from the etcd CA.
etcd_tls_args() {
  local dir=$1
  echo --cert-file "$dir/etcd/server.crt" --key-file "$dir/etcd/server.key" \
    --client-cert-auth --trusted-ca-file "$dir/etcd/ca.crt"
}

# etcd_curl DIR ARGS... — curl as the control plane (its client certificate) to etcd.
etcd_curl() {
  local dir=$1; shift
  curl --cacert "$dir/etcd/ca.crt" --cert "$dir/etcd/client.crt" --key "$dir/etcd/client.key" "$@"
}
