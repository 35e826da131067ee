#!/usr/bin/env bash
# A Flink standalone session cluster (one JobManager with the web UI, one TaskManager) from Maven
# Central jars, with DJL on the cluster classpath and loaded parent-first.
#
#   scripts/flink.sh start    start JobManager and TaskManager, wait for a registered slot
#   scripts/flink.sh stop     stop the processes this script started
#   scripts/flink.sh status
#   scripts/flink.sh run JAR [ARGS...]   submit JAR detached with Flink's CLI (CliFrontend)
#   scripts/flink.sh cancel-all          cancel every running job
#
# Environment: FLINK_REST_PORT (8081), FLINK_RPC_PORT (6123), FLINK_JM_MEMORY (1024m),
# FLINK_TM_MEMORY (1536m), FLINK_SLOTS (4), PRESCALE_RUN_DIR (.run).
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

FLINK_REST_PORT="${FLINK_REST_PORT:-8081}"
FLINK_RPC_PORT="${FLINK_RPC_PORT:-6123}"
FLINK_JM_MEMORY="${FLINK_JM_MEMORY:-1024m}"
FLINK_TM_MEMORY="${FLINK_TM_MEMORY:-1536m}"
FLINK_SLOTS="${FLINK_SLOTS:-4}"
FLINK_HOME="$RUN_DIR/flink"
FLINK_CONF="$FLINK_HOME/conf"
FLINK_LIB="$LIB_DIR/flink"
REST_URL="http://127.0.0.1:$FLINK_REST_PORT"
# DJL must never download, and on a small machine one thread each is fastest (DESIGN.md).
DJL_OPTS="-Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1"
export DJL_OFFLINE=true OPT_OUT_TRACKING=true OMP_NUM_THREADS=1

write_config() {
  mkdir -p "$FLINK_CONF" "$DATA_DIR/flink/checkpoints" "$DATA_DIR/flink/savepoints" "$DATA_DIR/flink/tmp" "$DATA_DIR/flink/web"
  cat >"$FLINK_CONF/config.yaml" <<EOF
# Written by scripts/flink.sh.
jobmanager:
  rpc:
    address: localhost
    port: $FLINK_RPC_PORT
  bind-host: localhost
  memory:
    process:
      size: $FLINK_JM_MEMORY
taskmanager:
  bind-host: localhost
  host: localhost
  numberOfTaskSlots: $FLINK_SLOTS
  memory:
    process:
      size: $FLINK_TM_MEMORY
parallelism:
  default: 1
rest:
  address: localhost
  bind-address: localhost
  port: $FLINK_REST_PORT
web:
  upload:
    dir: $DATA_DIR/flink/web
  submit:
    enable: true
io:
  tmp:
    dirs: $DATA_DIR/flink/tmp
state:
  backend:
    type: rocksdb
execution:
  checkpointing:
    dir: file://$DATA_DIR/flink/checkpoints
    savepoint-dir: file://$DATA_DIR/flink/savepoints
classloader:
  parent-first-patterns:
    # DJL's native library may be loaded once per JVM: load DJL from the cluster classpath.
    additional: ai.djl
restart-strategy:
  type: fixed-delay
  fixed-delay:
    attempts: 3
    delay: 5 s
env:
  java:
    opts:
      taskmanager: $DJL_OPTS
EOF
  cat >"$FLINK_CONF/log4j.properties" <<'EOF'
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = MainAppender
appender.main.name = MainAppender
appender.main.type = File
appender.main.fileName = ${sys:log.file}
appender.main.append = true
appender.main.layout.type = PatternLayout
appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
logger.kafka.name = org.apache.kafka
logger.kafka.level = WARN
logger.netty.name = org.apache.flink.shaded.netty4.io.netty.channel.nio.NioEventLoop
logger.netty.level = OFF
EOF
  cat >"$FLINK_CONF/log4j-cli.properties" <<'EOF'
rootLogger.level = WARN
rootLogger.appenderRef.console.ref = ConsoleAppender
appender.console.name = ConsoleAppender
appender.console.type = Console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %p %m%n
EOF
}

# Runs BashJavaUtils (the helper behind Flink's own bin scripts) and prints its result lines.
memory_params() {
  local cmd="$1" out
  out="$("$JAVA" -Xmx128m -Dlog4j2.configurationFile="file:$FLINK_CONF/log4j-cli.properties" -cp "$(jars_classpath "$FLINK_LIB")" \
    org.apache.flink.runtime.util.bash.BashJavaUtils "$cmd" --configDir "$FLINK_CONF" 2>&1)" \
    || { echo "$out" >&2; fail "BashJavaUtils $cmd failed: check the memory settings"; }
  echo "$out" | grep '^BASH_JAVA_UTILS_EXEC_RESULT:' | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://'
}

start() {
  if service_running flink-jobmanager && service_running flink-taskmanager; then
    info "flink already running: web UI $REST_URL"
    return 0
  fi
  if ! service_running flink-jobmanager; then
    require_port_free "$FLINK_REST_PORT" "the Flink JobManager (web UI)" FLINK_REST_PORT
    require_port_free "$FLINK_RPC_PORT" "the Flink JobManager (RPC)" FLINK_RPC_PORT
  fi
  ensure_jars flink
  write_config
  # The TaskManagers run the job's operators: they need the pseudonymization key and AWS credentials.
  ensure_hmac_key
  ensure_local_aws_credentials
  local cp jm tm jm_jvm jm_dyn tm_jvm tm_dyn
  cp="$(jars_classpath "$FLINK_LIB")"

  if ! service_running flink-jobmanager; then
    jm="$(memory_params GET_JM_RESOURCE_PARAMS)"
    jm_jvm="$(echo "$jm" | head -n 1)"
    jm_dyn="$(echo "$jm" | sed -n 2p)"
    info "starting Flink JobManager ($jm_jvm)"
    # shellcheck disable=SC2086  # the memory flags are several words on purpose
    start_java flink-jobmanager "$LOG_DIR/flink-jobmanager.out" $jm_jvm $JAVA_MODULE_OPTS \
      -Dlog.file="$LOG_DIR/flink-jobmanager.log" -Dlog4j.configurationFile="file:$FLINK_CONF/log4j.properties" \
      -cp "$cp" org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
      --configDir "$FLINK_CONF" --executionMode cluster $jm_dyn
    wait_for_http flink-jobmanager "$REST_URL/overview" 90 "$LOG_DIR/flink-jobmanager.log"
  fi

  if ! service_running flink-taskmanager; then
    tm="$(memory_params GET_TM_RESOURCE_PARAMS)"
    tm_jvm="$(echo "$tm" | head -n 1)"
    tm_dyn="$(echo "$tm" | tail -n 1)"
    info "starting Flink TaskManager ($tm_jvm)"
    # shellcheck disable=SC2086
    start_java flink-taskmanager "$LOG_DIR/flink-taskmanager.out" $tm_jvm $JAVA_MODULE_OPTS $DJL_OPTS \
      -Dlog.file="$LOG_DIR/flink-taskmanager.log" -Dlog4j.configurationFile="file:$FLINK_CONF/log4j.properties" \
      -cp "$cp" org.apache.flink.runtime.taskexecutor.TaskManagerRunner --configDir "$FLINK_CONF" $tm_dyn
  fi
  wait_for_slots 90
  info "flink running: web UI $REST_URL (JobManager pid $(service_pid flink-jobmanager), TaskManager pid $(service_pid flink-taskmanager))"
}

# Waits until the TaskManager has registered its slots with the JobManager.
wait_for_slots() {
  local timeout="$1" waited=0 slots
  while true; do
    slots="$(curl -fsS --max-time 2 "$REST_URL/overview" 2>/dev/null | grep -o '"slots-total":[0-9]*' | cut -d: -f2 || true)"
    if [[ -n "$slots" && "$slots" -gt 0 ]]; then
      return 0
    fi
    service_running flink-taskmanager || { tail -n 40 "$LOG_DIR/flink-taskmanager.log" "$LOG_DIR/flink-taskmanager.out" >&2 2>/dev/null || true; fail "the Flink TaskManager exited during start (see $LOG_DIR/flink-taskmanager.log)"; }
    service_running flink-jobmanager || fail "the Flink JobManager exited (see $LOG_DIR/flink-jobmanager.log)"
    ((waited < timeout * 2)) || fail "no TaskManager slot registered within ${timeout}s (see $LOG_DIR/flink-taskmanager.log)"
    sleep 0.5
    waited=$((waited + 1))
  done
}

# The module opens Flink's own start scripts pass on Java 17 (its default env.java.opts.all): the
# client, the JobManager and the TaskManager reflect into java.base (e.g. the DataStream translators
# and Kryo); without them job submission fails with InaccessibleObjectException.
JAVA_MODULE_OPTS="--add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED \
--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
--add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
--add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED \
--add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED"

# Flink's own command line client, configured for this cluster.
cli() {
  FLINK_CONF_DIR="$FLINK_CONF" FLINK_LIB_DIR="$FLINK_LIB" "$JAVA" -Xmx512m $JAVA_MODULE_OPTS $DJL_OPTS \
    -Dlog4j.configurationFile="file:$FLINK_CONF/log4j-cli.properties" \
    -cp "$(jars_classpath "$FLINK_LIB")" org.apache.flink.client.cli.CliFrontend "$@"
}

cancel_all() {
  local id
  for id in $(curl -fsS "$REST_URL/jobs" | grep -o '"id":"[0-9a-f]*","status":"RUNNING"' | cut -d'"' -f4); do
    curl -fsS -X PATCH "$REST_URL/jobs/$id?mode=cancel" >/dev/null && info "cancelled job $id"
  done
}

case "${1:-}" in
  start) start ;;
  stop)
    stop_service flink-taskmanager
    stop_service flink-jobmanager ;;
  status)
    status_service flink-jobmanager
    status_service flink-taskmanager ;;
  run)
    shift
    [[ $# -ge 1 ]] || fail "usage: $0 run JAR [ARGS...]"
    service_running flink-jobmanager || fail "the Flink cluster is not running: scripts/flink.sh start"
    write_config
    ensure_hmac_key
    cli run -d "$@" ;;
  cancel-all) cancel_all ;;
  *) echo "usage: $0 start|stop|status|run JAR [ARGS...]|cancel-all" >&2; exit 2 ;;
esac
