#!/bin/bash
# Makes a virtual environment with the official Python `kubernetes` client, once, cached outside the repo,
# for the conformance tests. Prints the environment's python on stdout; exit 2 when python3 -m venv is missing.
#   PYTHON_KUBERNETES_VERSION (default 37.0.2)   MINIK8S_PYTHON_CACHE (default /var/cache/minik8s/python-kubernetes)
set -euo pipefail
version="${PYTHON_KUBERNETES_VERSION:-37.0.2}"
venv="${MINIK8S_PYTHON_CACHE:-/var/cache/minik8s/python-kubernetes}/$version"
python="$venv/bin/python"
if [[ -x $python ]] && "$python" -c 'import kubernetes' 2>/dev/null; then echo "$python"; exit 0; fi
python3 -m venv --help >/dev/null 2>&1 || { echo "python kubernetes: python3 -m venv is not available (apt-get install python3-venv)" >&2; exit 2; }
mkdir -p "$(dirname "$venv")"
exec 8>"$venv.lock"
flock 8
if [[ -x $python ]] && "$python" -c 'import kubernetes' 2>/dev/null; then echo "$python"; exit 0; fi
rm -rf "$venv"
{ python3 -m venv "$venv" && "$venv/bin/pip" install --quiet "kubernetes==$version"; } >"$venv.log" 2>&1 || { echo "python kubernetes: install failed, see $venv.log" >&2; exit 1; }
echo "$python"
