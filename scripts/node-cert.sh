#!/bin/bash
# The serving certificate of a node agent that runs on another machine: scripts/node-cert.sh NAME IP, on
# the control-plane host (it holds the cluster CA). Prints the two files to copy to that machine and name
# in its agent config (tlsCertFile, tlsPrivateKeyFile). The local nodes get theirs from npm start.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$MINIK8S_REPO/scripts/lib/pki.sh"
require_root
[[ $# -eq 2 && $1 =~ ^[a-z0-9][a-z0-9.-]*$ && $2 =~ ^([0-9]{1,3}\.){3}[0-9]{1,3}$ ]] || die "usage: $0 NODE_NAME NODE_IP"
[[ -s $(pki_dir)/ca.key ]] || die "no cluster CA in $(pki_dir): run npm start first"
ensure_node_cert "$1" "$2"
echo "$(pki_dir)/nodes/$1.crt"
echo "$(pki_dir)/nodes/$1.key"
