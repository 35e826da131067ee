#!/usr/bin/env bash
# A single-node Kafka broker (KRaft, broker and controller in one process) from Maven Central jars.
#
#   scripts/kafka.sh start    format storage once, start the broker, create the Prescale topics
#   scripts/kafka.sh stop     stop the broker this script started
#   scripts/kafka.sh status
#   scripts/kafka.sh topics   list topics
#   scripts/kafka.sh consume TOPIC [MAX]   print records of TOPIC from the beginning
#
# Environment: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_HEAP (512m),
# KAFKA_PARTITIONS (2), KAFKA_TOPICS (the Prescale topics), PRESCALE_RUN_DIR (.run).
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HEAP="${KAFKA_HEAP:-512m}"
KAFKA_PARTITIONS="${KAFKA_PARTITIONS:-2}"
KAFKA_TOPICS="${KAFKA_TOPICS:-interactions interactions-dlq scheduled-events scheduled-events-dlq utilization utilization-dlq scaling-decisions model-updates model-updates-dlq}"
KAFKA_HOME="$RUN_DIR/kafka"
KAFKA_LOG="$LOG_DIR/kafka.log"
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"

kafka_tool() {
  # Short-lived tool JVMs: small heap, quiet logging, same jars as the broker.
  "$JAVA" -Xmx256m -Dlog4j2.configurationFile="file:$KAFKA_HOME/tools-log4j2.properties" \
    -cp "$(jars_classpath "$LIB_DIR/kafka")" "$@"
}

write_config() {
  mkdir -p "$KAFKA_HOME" "$DATA_DIR/kafka"
  cat >"$KAFKA_HOME/server.properties" <<EOF
# Written by scripts/kafka.sh: one combined broker/controller, every replication factor 1.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DATA_DIR/kafka
num.partitions=$KAFKA_PARTITIONS
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
log.retention.hours=24
# Records carry the time the broker appended them: replays and the job's outputs stamp event time,
# which may be days old (deleted by the first retention check) or ahead of the clock (refused).
log.message.timestamp.type=LogAppendTime
EOF
  cat >"$KAFKA_HOME/log4j2.properties" <<'EOF'
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = out
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.state.name = state.change.logger
logger.state.level = WARN
EOF
  cat >"$KAFKA_HOME/tools-log4j2.properties" <<'EOF'
rootLogger.level = WARN
rootLogger.appenderRef.err.ref = err
appender.err.type = Console
appender.err.name = err
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = %p %m%n
EOF
}

create_topics() {
  local topic
  for topic in $KAFKA_TOPICS; do
    kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
      --topic "$topic" --partitions "$KAFKA_PARTITIONS" --replication-factor 1 >>"$LOG_DIR/kafka-topics.log" 2>&1 \
      || fail "could not create topic $topic (see $LOG_DIR/kafka-topics.log)"
  done
  info "topics ready: $KAFKA_TOPICS"
}

start() {
  if service_running kafka; then
    info "kafka already running (pid $(service_pid kafka)) on $BOOTSTRAP"
    return 0
  fi
  require_port_free "$KAFKA_PORT" "Kafka" KAFKA_PORT
  require_port_free "$KAFKA_CONTROLLER_PORT" "the Kafka controller" KAFKA_CONTROLLER_PORT
  ensure_jars kafka
  write_config
  if [[ ! -f "$DATA_DIR/kafka/meta.properties" ]]; then
    local uuid
    uuid="$(kafka_tool kafka.tools.StorageTool random-uuid | tail -n 1)"
    kafka_tool kafka.tools.StorageTool format -t "$uuid" -c "$KAFKA_HOME/server.properties" \
      >"$LOG_DIR/kafka-format.log" 2>&1 || { cat "$LOG_DIR/kafka-format.log" >&2; fail "formatting Kafka storage failed"; }
    info "formatted Kafka storage in $DATA_DIR/kafka (cluster id $uuid)"
  fi
  info "starting Kafka on $BOOTSTRAP (heap $KAFKA_HEAP, log $KAFKA_LOG)"
  start_java kafka "$KAFKA_LOG" "-Xmx$KAFKA_HEAP" "-Xms128m" -XX:+UseG1GC \
    -Dlog4j2.configurationFile="file:$KAFKA_HOME/log4j2.properties" \
    -cp "$(jars_classpath "$LIB_DIR/kafka")" kafka.Kafka "$KAFKA_HOME/server.properties"
  wait_for_port kafka "$KAFKA_PORT" 60 "$KAFKA_LOG"
  create_topics
  info "kafka running (pid $(service_pid kafka)) on $BOOTSTRAP"
}

case "${1:-}" in
  start) start ;;
  stop) stop_service kafka ;;
  status) status_service kafka ;;
  topics) kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --list ;;
  consume)
    [[ $# -ge 2 ]] || fail "usage: $0 consume TOPIC [MAX]"
    kafka_tool org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "$BOOTSTRAP" \
      --topic "$2" --from-beginning ${3:+--max-messages "$3"} --timeout-ms 10000 ;;
  *) echo "usage: $0 start|stop|status|topics|consume TOPIC [MAX]" >&2; exit 2 ;;
esac
