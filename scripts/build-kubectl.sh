#!/bin/bash
# Builds an unmodified kubectl from the k8s.io/kubectl Go module once and caches it outside the repo, so the
# conformance tests (and users) run the real client. Prints the binary's path on stdout; exit 2 when Go is absent.
#   KUBECTL_VERSION (default v0.37.2: the k8s.io/kubectl module version; the binary reports v1.37.2)
#   MINIK8S_KUBECTL_CACHE (default /var/cache/minik8s/kubectl)
# The build is CPU-heavy (several minutes on two cores): it runs niced, and only when the cached binary is missing.
# kubectl's go.mod asks for Go $KUBECTL_GO_VERSION: an older go (Debian's golang-go is 1.19, too old to fetch a
# newer toolchain by itself) first fetches that toolchain as the Go module golang.org/toolchain, cached beside kubectl.
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

# go_at_least WANT — whether the go on PATH is at least version WANT (1.26.0 style).
go_at_least() {
  local have
  have=$(go env GOVERSION) && have=${have#go}
  [[ $(printf '%s\n%s\n' "$1" "$have" | sort -V | head -n1) == "$1" ]]
}
go_version="${KUBECTL_GO_VERSION:-1.26.0}"
if ! go_at_least "$go_version"; then
  toolchain="$(dirname "$cache")/go$go_version"
  if [[ ! -x $toolchain/bin/go ]]; then
    modcache=$(mktemp -d)
    dir=$(GOFLAGS=-modcacherw GOMODCACHE="$modcache" go mod download -json "golang.org/toolchain@v0.0.1-go$go_version.$(go env GOOS)-$(go env GOARCH)" |
      sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p') || { echo "kubectl: cannot fetch Go $go_version" >&2; exit 1; }
    rm -rf "$toolchain.tmp" && cp -r "$dir" "$toolchain.tmp"
    # Module zips keep no file modes: the toolchain's programs are made executable again.
    chmod -R u+w "$toolchain.tmp" && chmod +x "$toolchain.tmp"/bin/* "$toolchain.tmp"/pkg/tool/*/*
    mv "$toolchain.tmp" "$toolchain" && rm -rf "$modcache"
  fi
  export PATH="$toolchain/bin:$PATH" GOTOOLCHAIN=local
fi

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
server="v1${version#v0}"
# One && chain: inside a `{ } ||` list, set -e would not stop at a failed step.
{
  go mod init minik8s.local/kubectl &&
    go get "k8s.io/kubectl@$version" "k8s.io/component-base@$version" &&
    go mod tidy &&
    nice -n 19 go build -trimpath -o "$bin.tmp" \
      -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=$server -X k8s.io/client-go/pkg/version.gitVersion=$server" .
} >"$cache/build.log" 2>&1 || { echo "kubectl: build failed, see $cache/build.log" >&2; exit 1; }
mv "$bin.tmp" "$bin"
echo "$bin"
