#!/usr/bin/env bash
# `make status`: which parts of `make up` run, and whether each is making progress. Exit status 0 when every
# part runs and is ready, 1 otherwise (so it can gate a script). Readiness comes from each part's own
# /readyz: a worker or indexer that holds messages it has not finished for STALL_AFTER_S says `stalled`.
set -uo pipefail
source "$(dirname "$0")/env.sh"
WORKER_METRICS_PORT="${WORKER_METRICS_PORT:-9808}"
INDEXER_METRICS_PORT="${INDEXER_METRICS_PORT:-9809}"
WEBHOOKS_METRICS_PORT="${WEBHOOKS_METRICS_PORT:-9810}"
healthy=0

readiness() {  # readiness URL -> "ready" or what is wrong, with a consumer's held messages
  curl -s --max-time 5 "$1" | "$PY" "$ROOT/infra/local/readiness.py"
}

check() {  # check NAME [READINESS COMMAND...]
  local name=$1 state detail="" restarts=""
  shift
  [ -s "$RUN_DIR/$name.restarts" ] && restarts="restarted $(cat "$RUN_DIR/$name.restarts")x"
  if running "$name"; then
    state="running"
    if [ $# -gt 0 ]; then detail=$("$@") || healthy=1; fi
  elif [[ $name == redis || $name == elasticsearch ]] && detail=$("$@"); then
    state="external"  # one `make up` did not start answers on its port and is used (infra/local/engines.sh)
  else
    state="NOT RUNNING"; healthy=1
    [ -s "$RUN_DIR/$name.pid" ] && detail="pid $(cat "$RUN_DIR/$name.pid") is gone or dead; \`make up\` starts it"
  fi
  printf '%-14s %-8s %-12s %-14s %s\n' "$name" "$(cat "$RUN_DIR/$name.pid" 2>/dev/null || echo -)" "$state" "$restarts" "$detail"
}

printf '%-14s %-8s %-12s %-14s %s\n' PART PID STATE SUPERVISOR PROGRESS
check redis redis-cli -p "$REDIS_PORT" ping
check elasticsearch curl -sf --max-time 5 -o /dev/null -w 'cluster answers' "$ELASTICSEARCH_URL/_cluster/health?wait_for_status=yellow&timeout=1s"
check ingest readiness "127.0.0.1:$INGEST_PORT/readyz"
check search readiness "127.0.0.1:$SEARCH_PORT/readyz"
check worker readiness "127.0.0.1:$WORKER_METRICS_PORT/readyz"
check indexer readiness "127.0.0.1:$INDEXER_METRICS_PORT/readyz"
check webhooks readiness "127.0.0.1:$WEBHOOKS_METRICS_PORT/readyz"
check beat
check flower curl -sf --max-time 5 -o /dev/null -w 'answers' "127.0.0.1:$FLOWER_PORT/healthcheck"
exit $healthy
