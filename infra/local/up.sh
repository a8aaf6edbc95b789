#!/usr/bin/env bash
# `make up`: the whole system on this machine, without Docker, with the sample article ingested.
set -euo pipefail
here="$(dirname "$0")"
source "$here/env.sh"
"$here/install.sh"
"$here/engines.sh"
"$PY" -m shared.es.setup
"$here/services.sh"
sample="$ROOT/tests/fixtures/qazmonitor-2023-10-17-mfa-statement.txt"
say "ingesting the sample article"
curl -sf -XPOST "127.0.0.1:$INGEST_PORT/v1/articles/raw" -H 'Content-Type: text/plain; charset=utf-8' \
  --data-binary "@$sample" && echo
echo
say "Newsroom search page: http://127.0.0.1:$SEARCH_PORT/"
echo "    ingest API http://127.0.0.1:$INGEST_PORT/   Flower http://127.0.0.1:$FLOWER_PORT/   logs in $RUN_DIR/"
