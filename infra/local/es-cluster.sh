#!/usr/bin/env bash
# Local Elasticsearch clusters of their own, beside the one `make up` runs: N processes on loopback ports,
# small heaps, data under $ES_BASE/clusters/NAME (owned by the unprivileged ES user, like engines.sh's node).
# The chaos suite uses them so it can kill, stop and starve nodes without touching the shared 9200.
#
#   es-cluster.sh start NAME NODES HTTP_PORT   write the configs, start every node, wait until all joined
#   es-cluster.sh start-node NAME N            start node N again (after a kill), do not wait
#   es-cluster.sh pid NAME N                   the pid of node N (empty when not running)
#   es-cluster.sh stop NAME                    SIGTERM every node and wait; `wipe` also removes its data
#   es-cluster.sh wipe NAME
#
# Node N answers HTTP on HTTP_PORT+N-1 and talks transport on HTTP_PORT+100+N-1. One node is a single-node
# cluster; three nodes form a cluster that elects a master among them (the way production scales out).
# ES_NODE_HEAP (default 512m) sets each heap; ES_EXTRA_SETTINGS holds extra elasticsearch.yml lines
# (e.g. "thread_pool.write.queue_size: 1" for a node that answers 429s early).
set -euo pipefail
source "$(dirname "$0")/env.sh"
ES_NODE_HEAP="${ES_NODE_HEAP:-512m}"

cluster_dir() { echo "$ES_BASE/clusters/$1"; }

write_node_config() {  # write_node_config NAME N NODES HTTP_PORT
  local name=$1 n=$2 nodes=$3 http=$4 dir seeds="" masters="" i
  dir="$(cluster_dir "$name")/node$n"
  mkdir -p "$dir/data" "$dir/logs" "$dir/config" "$ES_SNAPSHOTS"
  cp -r "$ES_HOME/config/." "$dir/config/"
  for ((i = 1; i <= nodes; i++)); do
    seeds+="127.0.0.1:$((http + 100 + i - 1)),"; masters+="$name-$i,"
  done
  {
    echo "# Written by infra/local/es-cluster.sh: node $n of $nodes of the local cluster $name."
    echo "cluster.name: newsroom-$name"
    echo "node.name: $name-$n"
    echo "network.host: 127.0.0.1"
    echo "http.port: $((http + n - 1))"
    echo "transport.port: $((http + 100 + n - 1))"
    echo "path.data: $dir/data"
    echo "path.logs: $dir/logs"
    echo "path.repo: $ES_SNAPSHOTS"  # the same as the main node: its snapshots restore here
    if ((nodes == 1)); then
      echo "discovery.type: single-node"
    else
      echo "discovery.seed_hosts: [${seeds%,}]"
      echo "cluster.initial_master_nodes: [${masters%,}]"
    fi
    echo "xpack.security.enabled: false"
    echo "cluster.routing.allocation.disk.threshold_enabled: false"
    echo "action.destructive_requires_name: false"
    echo "${ES_EXTRA_SETTINGS:-}"
  } > "$dir/config/elasticsearch.yml"
  echo "$((http + n - 1))" > "$dir/http_port"
}

start_node() {  # start_node NAME N
  local dir
  dir="$(cluster_dir "$1")/node$2"
  rm -f "$dir/es.pid"
  chown -R "$ES_USER:" "$(cluster_dir "$1")"
  setpriv --reuid="$ES_USER" --regid="$ES_USER" --init-groups \
    env -i PATH=/usr/bin:/bin HOME="$dir" ES_JAVA_HOME="$(cat "$ES_BASE/java_home")" ES_PATH_CONF="$dir/config" \
    ES_JAVA_OPTS="-Xms$ES_NODE_HEAP -Xmx$ES_NODE_HEAP" \
    "$ES_HOME/bin/elasticsearch" -d -p "$dir/es.pid" > "$dir/start.log" 2>&1
}

node_pid() {  # node_pid NAME N
  local file
  file="$(cluster_dir "$1")/node$2/es.pid"
  if [ -s "$file" ] && kill -0 "$(cat "$file")" 2>/dev/null; then cat "$file"; fi
}

stop_cluster() {
  local dir pid
  for dir in "$(cluster_dir "$1")"/node*; do
    [ -d "$dir" ] || continue
    pid="$(cat "$dir/es.pid" 2>/dev/null || true)"
    [ -n "$pid" ] && kill -CONT "$pid" 2>/dev/null && kill -TERM "$pid" 2>/dev/null || true
  done
  for dir in "$(cluster_dir "$1")"/node*; do
    pid="$(cat "$dir/es.pid" 2>/dev/null || true)"
    for _ in $(seq 1 60); do { [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; } && break; sleep 0.5; done
    [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null || true
  done
}

case "${1:-}" in
  start)
    name=$2 nodes=$3 http=$4
    for ((n = 1; n <= nodes; n++)); do write_node_config "$name" "$n" "$nodes" "$http"; done
    chown -R "$ES_USER:" "$(cluster_dir "$name")"
    chown "$ES_USER:" "$ES_SNAPSHOTS"
    for ((n = 1; n <= nodes; n++)); do [ -n "$(node_pid "$name" "$n")" ] || start_node "$name" "$n" & done
    wait
    wait_for "es-$name" 180 curl -sf "127.0.0.1:$http/_cluster/health?wait_for_nodes=$nodes&wait_for_status=green&timeout=1s"
    say "Elasticsearch cluster $name: $nodes node(s) from 127.0.0.1:$http"
    ;;
  start-node) start_node "$2" "$3" ;;
  pid) node_pid "$2" "$3" ;;
  stop) stop_cluster "$2" ;;
  wipe) stop_cluster "$2"; rm -rf "$(cluster_dir "$2")" ;;
  *) sed -n '2,16p' "$0"; exit 2 ;;
esac
