#!/bin/bash
# Builds an unmodified kubectl from the k8s.io/kubectl Go module once and caches it outside the repo, so the
# conformance tests (and users) run the real client. Prints the binary's path on stdout; exit 2 when Go is absent.
#   KUBECTL_VERSION (default v0.37.2: the k8s.io/kubectl module version; the binary reports v1.37.2)
#   MINIK8S_KUBECTL_CACHE (default /var/cache/minik8s/kubectl)
# The build is CPU-heavy (several minutes on two cores): it runs niced, and only when the cached binary is missing.
set -euo pipefail
version="${KUBECTL_VERSION:-v0.37.2}"
cache="${MINIK8S_KUBECTL_CACHE:-/var/cache/minik8s/kubectl}/$version"
bin="$cache/kubectl"
if [[ -x $bin ]]; then echo "$bin"; exit 0; fi
command -v go >/dev/null || { echo "kubectl: Go is not installed, cannot build kubectl $version" >&2; exit 2; }

mkdir -p "$cache"
exec 8>"$cache/build.lock"
flock 8
if [[ -x $bin ]]; then echo "$bin"; exit 0; fi

src="$cache/src"
rm -rf "$src" && mkdir -p "$src"
# kubectl's own main (k8s.io/kubernetes/cmd/kubectl/kubectl.go), without the cloud auth plugins.
cat >"$src/main.go" <<'GO'
package main

import (
	"k8s.io/component-base/cli"
	"k8s.io/kubectl/pkg/cmd"
	"k8s.io/kubectl/pkg/cmd/util"
)

func main() {
	command := cmd.NewDefaultKubectlCommand()
	if err := cli.RunNoErrOutput(command); err != nil {
		util.CheckErr(err)
	}
}
GO
cd "$src"
{
  go mod init minik8s.local/kubectl
  go get "k8s.io/kubectl@$version" "k8s.io/component-base@$version"
  go mod tidy
  server="v1${version#v0}"
  nice -n 19 go build -trimpath -o "$bin.tmp" \
    -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=$server -X k8s.io/client-go/pkg/version.gitVersion=$server" .
} >"$cache/build.log" 2>&1 || { echo "kubectl: build failed, see $cache/build.log" >&2; exit 1; }
mv "$bin.tmp" "$bin"
echo "$bin"
