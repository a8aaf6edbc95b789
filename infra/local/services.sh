#!/usr/bin/env bash
# Starts the ingest and search services (gunicorn), the Celery worker and beat, and Flower, unless running.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
export INGEST_PORT SEARCH_PORT FLOWER_PORT
BIN="$VENV/bin"

# Prometheus multiprocess metrics (docs/operations.md, "Metrics"): each service's processes write into a folder of its own,
# emptied when the service starts, which its /metrics merges.
fresh_metrics_dir() {  # fresh_metrics_dir NAME -> prints the folder
  local dir="$RUN_DIR/metrics/$1"
  rm -rf "$dir" && mkdir -p "$dir" && echo "$dir"
}

# Worker class, processes, connections and timeouts come from shared/web/serving.py, the one definition compose and
# the tests use too (GUNICORN_WORKERS, HTTP_* settings; docs/adr/0005-serving-slow-clients.md).
start_gunicorn() {  # start_gunicorn NAME PORT MODULE
  running "$1" && return
  say "starting the $1 service on 127.0.0.1:$2"
  PROMETHEUS_MULTIPROC_DIR="$(fresh_metrics_dir "$1")" "$BIN/gunicorn" -c python:shared.web.serving --daemon --bind "127.0.0.1:$2" \
    --pid "$RUN_DIR/$1.pid" --error-logfile "$RUN_DIR/$1.log" --capture-output "$3"
}

# The Celery processes run under infra/local/supervise.sh, which starts one again whenever it ends (a crash,
# or its watchdog ending it when it holds work and makes no progress). A part that is not running (gone, or
# killed but not reaped) is started with a new supervisor; a stale supervisor of it is stopped first.
supervised() {  # supervised NAME COMMAND...
  local name=$1
  shift
  if [ -s "$RUN_DIR/$name.supervisor.pid" ] && alive "$(cat "$RUN_DIR/$name.supervisor.pid")"; then
    kill -TERM "$(cat "$RUN_DIR/$name.supervisor.pid")" 2>/dev/null || true
  fi
  nohup "$ROOT/infra/local/supervise.sh" "$name" "$@" >> "$RUN_DIR/$name.out" 2>&1 &
  for _ in $(seq 50); do running "$name" && return; sleep 0.1; done
}

start_worker() {
  running worker && return
  say "starting the Celery worker (metrics, readiness on 127.0.0.1:${WORKER_METRICS_PORT:-9808})"
  PROMETHEUS_MULTIPROC_DIR="$(fresh_metrics_dir worker)" supervised worker "$BIN/celery" -A services.worker.app worker \
    --concurrency "${WORKER_CONCURRENCY:-2}" --logfile "$RUN_DIR/worker.log" --loglevel INFO -n "worker@%h"
}

start_indexer() {
  running indexer && return
  say "starting the indexer: bulk writes to Elasticsearch (metrics, readiness on 127.0.0.1:${INDEXER_METRICS_PORT:-9809})"
  # Its queue, thread pool and prefetch come from services/indexer/tasks.py (INDEX_BATCH_* settings).
  PROMETHEUS_MULTIPROC_DIR="$(fresh_metrics_dir indexer)" supervised indexer "$BIN/celery" -A services.indexer.app worker \
    --logfile "$RUN_DIR/indexer.log" --loglevel INFO -n "indexer@%h"
}

start_webhooks() {
  running webhooks && return
  say "starting the webhook deliverer (metrics, readiness on 127.0.0.1:${WEBHOOKS_METRICS_PORT:-9810})"
  # One process with its own metrics registry (services/webhooks/__main__.py); docs/webhooks.md.
  supervised webhooks "$PY" -m services.webhooks --logfile "$RUN_DIR/webhooks.log"
}

start_beat() {
  running beat && return
  say "starting Celery beat"
  supervised beat "$BIN/celery" -A services.worker.app beat --logfile "$RUN_DIR/beat.log" --schedule "$RUN_DIR/celerybeat-schedule"
}

start_flower() {
  running flower && return
  say "starting Flower on 127.0.0.1:$FLOWER_PORT"
  # Never open by accident (shared/observability/flower.py): FLOWER_BASIC_AUTH, else FLOWER_OPEN=1 for no credentials, else a
  # generated password kept in $RUN_DIR/flower.auth (`make up` prints it). The launcher becomes Flower (same pid).
  nohup "$PY" -m shared.observability.flower --address=127.0.0.1 --port="$FLOWER_PORT" --auth-file="$RUN_DIR/flower.auth" \
    > "$RUN_DIR/flower.log" 2>&1 &
  echo $! > "$RUN_DIR/flower.pid"
}

start_gunicorn ingest "$INGEST_PORT" services.ingest.wsgi:app
start_gunicorn search "$SEARCH_PORT" services.search.wsgi:app
start_worker
start_indexer
start_webhooks
start_beat
start_flower
wait_for ingest 60 curl -sf "127.0.0.1:$INGEST_PORT/readyz"
wait_for search 60 curl -sf "127.0.0.1:$SEARCH_PORT/readyz"
wait_for worker 60 "$BIN/celery" -A services.worker.app inspect ping --timeout 1 -d "worker@$(hostname)"
wait_for indexer 60 "$BIN/celery" -A services.worker.app inspect ping --timeout 1 -d "indexer@$(hostname)"
wait_for webhooks 60 curl -sf "127.0.0.1:${WEBHOOKS_METRICS_PORT:-9810}/readyz"
wait_for flower 60 curl -sf "127.0.0.1:$FLOWER_PORT/healthcheck"
