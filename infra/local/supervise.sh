#!/usr/bin/env bash
# supervise.sh NAME COMMAND...: keeps one part of `make up` running. It starts COMMAND in the foreground and
# starts it again whenever it ends (a crash, or the watchdog ending a wedged worker: shared/consumer/watchdog.py),
# until `make down` stops it with SIGTERM, which it passes on. .run/NAME.pid is the part's own pid,
# .run/NAME.supervisor.pid this loop's, .run/NAME.restarts how often it was started again.
set -uo pipefail
source "$(dirname "$0")/env.sh"
name=$1
shift
echo $$ > "$RUN_DIR/$name.supervisor.pid"
echo 0 > "$RUN_DIR/$name.restarts"
child=""
stop() {
  [ -n "$child" ] && kill -TERM "$child" 2>/dev/null && wait "$child"
  rm -f "$RUN_DIR/$name.supervisor.pid"
  exit 0
}
trap stop TERM INT
while :; do
  "$@" &
  child=$!
  echo "$child" > "$RUN_DIR/$name.pid"
  wait "$child"
  status=$?
  echo $(($(cat "$RUN_DIR/$name.restarts") + 1)) > "$RUN_DIR/$name.restarts"
  echo "$(date -u +%FT%TZ) $name ($child) ended with status $status; starting it again in 2 s" >> "$RUN_DIR/$name.supervisor.log"
  sleep 2
done
