#!/usr/bin/env bash
# `make test`: installs what is missing, brings up Redis and Elasticsearch, runs the whole suite.
# The tests start their own services under their own namespace, so a user's data is never touched.
set -euo pipefail
here="$(dirname "$0")"
source "$here/env.sh"
"$here/install.sh"
"$here/engines.sh"
cd "$ROOT"
"$VENV/bin/pytest" "$@"
