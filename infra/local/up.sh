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
# With ingest API keys configured (docs/partner-access.md) the sample needs one: NEWSCTL_API_KEY.
curl -sf -XPOST "127.0.0.1:$INGEST_PORT/v1/articles/raw" -H 'Content-Type: text/plain; charset=utf-8' \
  ${NEWSCTL_API_KEY:+-H "X-API-Key: $NEWSCTL_API_KEY"} --data-binary "@$sample" && echo \
  || echo "    (not ingested: the ingest service asks for an API key; set NEWSCTL_API_KEY)"
echo
# Flower's pages and HTTP API ask for these credentials; nothing but /healthcheck and /metrics answers without them
# (docs/operations.md, "Flower").
flower_access="pages and API: user:password in \$FLOWER_BASIC_AUTH"
if [ -z "${FLOWER_BASIC_AUTH:-}" ]; then
  case "${FLOWER_OPEN:-}" in
    1 | true | True | yes | on) flower_access="pages open: FLOWER_OPEN; HTTP API closed" ;;
    *) flower_access="pages and API: user:password $(cat "$RUN_DIR/flower.auth" 2>/dev/null || echo '(see .run/flower.log)')" ;;
  esac
fi
say "Newsroom search page: http://127.0.0.1:$SEARCH_PORT/"
echo "    ingest API http://127.0.0.1:$INGEST_PORT/   logs in $RUN_DIR/"
echo "    Flower http://127.0.0.1:$FLOWER_PORT/ ($flower_access)"
