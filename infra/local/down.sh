#!/usr/bin/env bash
# `make down`: stops exactly the processes `make up` started (those with a pid file in .run/).
set -euo pipefail
source "$(dirname "$0")/env.sh"

stop() {
  local name=$1 pidfile="$RUN_DIR/$1.pid"
  [ -s "$pidfile" ] || return 0
  local pid; pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    say "stopping $name ($pid)"
    kill -TERM "$pid"
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$pidfile"
}

for name in flower beat indexer worker search ingest elasticsearch redis; do stop "$name"; done
