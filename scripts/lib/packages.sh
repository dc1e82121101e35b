# shellcheck shell=bash
# The Debian packages a minik8s host needs; installs only what is missing. python3-venv and golang-go are for the
# real Kubernetes clients the conformance test runs (scripts/python-kubernetes.sh, scripts/build-kubectl.sh).

MINIK8S_PACKAGES=(etcd-server docker.io iptables iproute2 busybox-static docker-registry supervisor debootstrap git curl util-linux ca-certificates openssl apache2-utils debian-archive-keyring gpgv wrk openjdk-17-jre-headless maven python3
  python3-venv golang-go
  prometheus prometheus-node-exporter chromium)

ensure_packages() {
  local missing=() p
  for p in "${MINIK8S_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep 'install ok installed' >/dev/null || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then return 0; fi
  printf '(installing %s) ' "${missing[*]}"
  # Keep the packages' own services (etcd on 2379, the system dockerd, Prometheus) from starting: minik8s runs its own.
  local policy=/usr/sbin/policy-rc.d created=
  if [[ ! -e $policy ]]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; created=1; fi
  local rc=0
  { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
    >"${TMPDIR:-/tmp}/minik8s-apt.log" 2>&1 || rc=$?
  [[ -z $created ]] || rm -f "$policy"
  ((rc == 0)) || { cat "${TMPDIR:-/tmp}/minik8s-apt.log" >&2; die "apt-get failed"; }
}
