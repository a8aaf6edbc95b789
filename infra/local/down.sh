#!/usr/bin/env bash
# `make down`: stops exactly the processes `make up` started (those with a pid file in .run/).
set -euo pipefail
source "$(dirname "$0")/env.sh"

stop() {  # stop NAME: its supervisor first (infra/local/supervise.sh), so that nothing starts it again
  local name=$1 pidfile="$RUN_DIR/$1.pid" pid
  [ -s "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if alive "$pid"; then
    say "stopping $name ($pid)"
    kill -TERM "$pid"
    for _ in $(seq 60); do alive "$pid" || break; sleep 0.5; done
    alive "$pid" && kill -KILL "$pid"
  fi
  rm -f "$pidfile"
}

for name in flower beat webhooks indexer worker; do stop "$name.supervisor"; done
for name in flower beat webhooks indexer worker search ingest elasticsearch redis; do stop "$name"; done
