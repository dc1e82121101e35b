#!/bin/bash
# npm run bootstrap: installs the Debian packages minik8s needs (only the missing ones).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$MINIK8S_REPO/scripts/lib/packages.sh"
require_root
step 1 1 "packages"; ensure_packages; ok
