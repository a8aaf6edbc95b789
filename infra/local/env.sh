# Shared by the local bootstrap scripts: where things live. Every value can be overridden from the environment.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN_DIR="${RUN_DIR:-$ROOT/.run}"
CACHE_DIR="${CACHE_DIR:-$ROOT/.cache}"
VENV="${VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"
# One pinned Elasticsearch version: the same in docker-compose.yml and the Python client's pin.
ES_VERSION="${ES_VERSION:-9.2.0}"
# Elasticsearch refuses to run as root, so it runs as this unprivileged user, from a folder it can reach
# (a clone under /root is not traversable by other users).
ES_USER="${ES_USER:-newsroom-es}"
ES_BASE="${ES_BASE:-/var/lib/newsroom-search}"
ES_HOME="$ES_BASE/elasticsearch-$ES_VERSION"
ES_HEAP="${ES_HEAP:-1g}"
# Snapshot repositories (path.repo) of every local node, so a snapshot one node takes another can restore
# (docs/backups.md); owned by ES_USER, outside ES_BASE/data so that losing the data folder keeps them.
ES_SNAPSHOTS="${ES_SNAPSHOTS:-$ES_BASE/snapshots}"
REDIS_PORT="${REDIS_PORT:-6379}"
ES_PORT="${ES_PORT:-9200}"
INGEST_PORT="${INGEST_PORT:-8081}"
SEARCH_PORT="${SEARCH_PORT:-8082}"
FLOWER_PORT="${FLOWER_PORT:-5555}"
export ELASTICSEARCH_URL="${ELASTICSEARCH_URL:-http://127.0.0.1:$ES_PORT}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:$REDIS_PORT/0}"
mkdir -p "$RUN_DIR" "$CACHE_DIR"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# A process is alive when it exists and is not a zombie: a process killed but not yet reaped by its parent
# still answers `kill -0`, which once made `make up` take a dead worker for a running one.
alive() {  # alive PID
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }  # the state follows the command name, which may itself hold spaces and parentheses
  case "${stat%% *}" in Z | X | x | "") return 1 ;; esac
}

# A part runs when its pid file names a live process. A pid file whose process is gone, dead but unreaped,
# or another program (the pid reused after a reboot) counts as not running.
running() {  # running NAME
  local pidfile="$RUN_DIR/$1.pid" pid
  [ -s "$pidfile" ] || return 1
  pid=$(cat "$pidfile")
  alive "$pid" && grep -qaE "${PROGRAM[$1]:-.}" "/proc/$pid/cmdline" 2>/dev/null
}
declare -A PROGRAM=([redis]=redis-server [elasticsearch]=java [ingest]=gunicorn [search]=gunicorn
  [worker]=celery [indexer]=celery [beat]=celery [flower]=celery [webhooks]=services.webhooks)

wait_for() {  # wait_for NAME SECONDS COMMAND...
  local name=$1 limit=$2; shift 2
  local start=$SECONDS
  until "$@" >/dev/null 2>&1; do
    if (( SECONDS - start > limit )); then
      echo "$name did not become ready within ${limit}s; see $RUN_DIR/$name.log" >&2
      tail -n 30 "$RUN_DIR/$name.log" >&2 2>/dev/null || true
      return 1
    fi
    sleep 0.5
  done
}
