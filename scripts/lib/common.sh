# Shared helpers for the local-infrastructure scripts; sourced, never run.
#
# Everything a script starts keeps its data, logs and pid file under one ignored folder
# ($PRESCALE_RUN_DIR, default <repo>/.run). Every Java process gets a marker system property
# (-Dprescale.service=NAME) so that "stop" ends only a process it started, even when the pid in
# a stale pid file has been reused by something else.

set -euo pipefail

PRESCALE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN_DIR="${PRESCALE_RUN_DIR:-$PRESCALE_ROOT/.run}"
LOG_DIR="$RUN_DIR/logs"
PID_DIR="$RUN_DIR/pids"
DATA_DIR="$RUN_DIR/data"
LIB_DIR="${PRESCALE_LIB_DIR:-$RUN_DIR/lib}"
JAVA="${JAVA:-java}"
MVN="${MVN:-mvn}"
# Maven runs quietly and in batch mode; set PRESCALE_MVN_OFFLINE=1 to add -o.
MVN_FLAGS=(-q -B)
if [[ "${PRESCALE_MVN_OFFLINE:-0}" == "1" ]]; then MVN_FLAGS+=(-o); fi

mkdir -p "$LOG_DIR" "$PID_DIR" "$DATA_DIR" "$LIB_DIR"

info() { printf '[prescale] %s\n' "$*" >&2; }
fail() { printf '[prescale] ERROR: %s\n' "$*" >&2; exit 1; }

# True when nothing listens on 127.0.0.1:PORT.
port_free() {
  local port="$1"
  if command -v ss >/dev/null 2>&1; then
    ! ss -Hltn "sport = :$port" 2>/dev/null | grep -q .
  else
    ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
  fi
}

# Fails with a message that says who holds PORT and how to move WHAT elsewhere.
require_port_free() {
  local port="$1" what="$2" var="$3"
  if ! port_free "$port"; then
    local holder=""
    if command -v ss >/dev/null 2>&1; then
      holder="$(ss -Hltnp "sport = :$port" 2>/dev/null | grep -o 'users:(.*)' | head -n 1 || true)"
    fi
    fail "port $port is taken${holder:+ ($holder)}: $what cannot start. Stop what holds it, or set $var to another port."
  fi
}

pid_file() { echo "$PID_DIR/$1.pid"; }

# The pid of service NAME if it is running and is really ours (marker on its command line).
service_pid() {
  local name="$1" file pid
  file="$(pid_file "$name")"
  [[ -f "$file" ]] || return 1
  pid="$(cat "$file")"
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "-Dprescale.service=$name " || return 1
  echo "$pid"
}

service_running() { service_pid "$1" >/dev/null 2>&1; }

# Starts a Java process in the background: start_java NAME LOGFILE JAVA_ARGS...
start_java() {
  local name="$1" log="$2"
  shift 2
  : >"$log"
  # setsid: the service outlives the calling shell and gets no terminal signals (Ctrl-C in the demo
  # is handled by the demo, which stops what it started).
  setsid nohup "$JAVA" "-Dprescale.service=$name" "$@" >>"$log" 2>&1 </dev/null &
  echo $! >"$(pid_file "$name")"
}

# Waits until READY_CMD... succeeds (polled every 0.5 s); fails early, with the log's tail, if
# service NAME dies, and stops it if it is not ready within TIMEOUT seconds.
# Usage: wait_until NAME TIMEOUT LOG WHAT READY_CMD...
wait_until() {
  local name="$1" timeout="$2" log="$3" what="$4" waited=0
  shift 4
  until "$@"; do
    if ! service_running "$name"; then
      info "$name exited during start; last lines of $log:"
      tail -n 40 "$log" >&2 || true
      rm -f "$(pid_file "$name")"
      fail "$name failed to start (see $log)"
    fi
    if ((waited >= timeout * 2)); then
      info "last lines of $log:"
      tail -n 40 "$log" >&2 || true
      stop_service "$name" >/dev/null 2>&1 || true
      fail "$name did not $what within ${timeout}s (see $log)"
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
}

port_taken() { ! port_free "$1"; }
http_ok() { curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null; }

# Waits until PORT accepts connections (see wait_until).
wait_for_port() {
  wait_until "$1" "$3" "$4" "open port $2" port_taken "$2"
}

# Waits until URL answers HTTP 200 (see wait_until).
wait_for_http() {
  wait_until "$1" "$3" "$4" "answer $2" http_ok "$2"
}

# Ends service NAME if we started it: SIGTERM, then SIGKILL after a grace period.
stop_service() {
  local name="$1" pid i
  if ! pid="$(service_pid "$name")"; then
    if [[ -f "$(pid_file "$name")" ]]; then
      info "$name: stale pid file removed (process already gone)"
      rm -f "$(pid_file "$name")"
    else
      info "$name: not running"
    fi
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 40); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    info "$name (pid $pid) ignored SIGTERM for 20 s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$(pid_file "$name")"
  info "$name stopped (pid $pid)"
}

status_service() {
  local name="$1" pid
  if pid="$(service_pid "$name")"; then
    echo "$name: running (pid $pid)"
  else
    echo "$name: stopped"
  fi
}

# Copies the jars that scripts/infra/NAME/pom.xml names into .run/lib/NAME (once).
ensure_jars() {
  local name="$1" dir="$LIB_DIR/$1" pom="$PRESCALE_ROOT/scripts/infra/$1/pom.xml"
  if [[ -f "$dir/.complete" && "$dir/.complete" -nt "$pom" ]]; then
    return 0
  fi
  info "copying $name jars from Maven into $dir (first run only)"
  rm -rf "$dir"
  mkdir -p "$dir"
  if ! "$MVN" "${MVN_FLAGS[@]}" -f "$pom" dependency:copy-dependencies \
      -DoutputDirectory="$dir" -DincludeScope=runtime >"$LOG_DIR/$name-jars.log" 2>&1; then
    tail -n 30 "$LOG_DIR/$name-jars.log" >&2 || true
    fail "could not resolve the $name jars (see $LOG_DIR/$name-jars.log)"
  fi
  touch "$dir/.complete"
}

# A classpath of every jar in a folder.
jars_classpath() { echo "$1/*"; }

# Builds the whole project (all modules installed into ~/.m2) unless PRESCALE_SKIP_BUILD=1.
build_project() {
  if [[ "${PRESCALE_SKIP_BUILD:-0}" == "1" ]]; then
    return 0
  fi
  info "building the project (mvn install -DskipTests; log in $LOG_DIR/build.log)"
  if ! (cd "$PRESCALE_ROOT" && "$MVN" "${MVN_FLAGS[@]}" install -DskipTests) >"$LOG_DIR/build.log" 2>&1; then
    tail -n 40 "$LOG_DIR/build.log" >&2 || true
    fail "the build failed (see $LOG_DIR/build.log)"
  fi
}

# The runtime classpath of the job module (producer, decision watcher, local Auto Scaling endpoint):
# the modules' fresh classes first, then their dependencies as Maven resolves them.
job_classpath() {
  local cache="$RUN_DIR/classpath/job-runtime.txt" pom stale=0
  mkdir -p "$RUN_DIR/classpath"
  if [[ ! -d "$PRESCALE_ROOT/job/target/classes/dev/prescale/job/demo" || ! -d "$PRESCALE_ROOT/connectors/target/classes" ]]; then
    build_project
  fi
  [[ -f "$cache" ]] || stale=1
  for pom in "$PRESCALE_ROOT/pom.xml" "$PRESCALE_ROOT"/{models,connectors,job}/pom.xml; do
    [[ "$stale" == 1 || "$pom" -nt "$cache" ]] && stale=1
  done
  if [[ "$stale" == 1 ]]; then
    if ! (cd "$PRESCALE_ROOT" && "$MVN" "${MVN_FLAGS[@]}" -pl job dependency:build-classpath \
        -Dmdep.includeScope=runtime -Dmdep.outputFile="$cache") >"$LOG_DIR/classpath.log" 2>&1; then
      tail -n 20 "$LOG_DIR/classpath.log" >&2 || true
      fail "could not resolve the job's classpath (see $LOG_DIR/classpath.log); build first: mvn -q install -DskipTests"
    fi
  fi
  echo "$PRESCALE_ROOT/job/target/classes:$PRESCALE_ROOT/connectors/target/classes:$PRESCALE_ROOT/models/target/classes:$(cat "$cache")"
}

# The job pseudonymizes user ids with an HMAC key from PRESCALE_HMAC_KEY; a local run gets a random
# key kept in .run/hmac.key (never in the repository), unless one is already set.
ensure_hmac_key() {
  if [[ -z "${PRESCALE_HMAC_KEY:-}" ]]; then
    if [[ ! -s "$RUN_DIR/hmac.key" ]]; then
      (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$RUN_DIR/hmac.key")
    fi
    PRESCALE_HMAC_KEY="$(cat "$RUN_DIR/hmac.key")"
  fi
  export PRESCALE_HMAC_KEY
}

# The local Auto Scaling endpoint accepts any signature, but the SDK still wants credentials: when
# none are configured (no AWS_* variables, no ~/.aws), give the local processes dummy ones.
ensure_local_aws_credentials() {
  if [[ -z "${AWS_ACCESS_KEY_ID:-}" && -z "${AWS_PROFILE:-}" && ! -e "$HOME/.aws/credentials" ]]; then
    export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local
    info "no AWS credentials configured: using dummy ones (fine for the local endpoint only)"
  fi
  export AWS_REGION="${AWS_REGION:-us-east-1}"
}
