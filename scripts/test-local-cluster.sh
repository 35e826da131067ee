#!/usr/bin/env bash
# End-to-end check of the local infrastructure: starts the real Kafka broker, Flink cluster and
# local Auto Scaling endpoint from the scripts (on their own ports and run folder, so a running
# demo is not disturbed), submits the job, produces three simulated days of traffic, reads
# decisions from scaling-decisions and the job's metrics from the Flink REST API, then kills the
# TaskManager process (kill -9) while another simulated day of traffic flows, starts a new one and
# checks that the job restarts from its checkpoint, decisions go on and none is duplicated; stops
# everything and checks that no process is left. Ends with an "N passed, N failed" line.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PRESCALE_RUN_DIR="${PRESCALE_RUN_DIR:-$ROOT/.run/test-cluster}"
export PRESCALE_LIB_DIR="${PRESCALE_LIB_DIR:-$ROOT/.run/lib}"
export KAFKA_PORT="${KAFKA_PORT:-19092}" KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
export FLINK_REST_PORT="${FLINK_REST_PORT:-18081}" FLINK_RPC_PORT="${FLINK_RPC_PORT:-16123}"
export ENDPOINT_PORT="${ENDPOINT_PORT:-18085}"
S="$ROOT/scripts"
passed=0
failed=0
check() {
  local what="$1"
  shift
  if "$@"; then
    echo "PASS $what"
    passed=$((passed + 1))
  else
    echo "FAIL $what"
    failed=$((failed + 1))
  fi
}
stop_all() {
  "$S/endpoint.sh" stop >/dev/null 2>&1
  "$S/flink.sh" stop >/dev/null 2>&1
  "$S/kafka.sh" stop >/dev/null 2>&1
}
trap stop_all EXIT

rm -rf "$PRESCALE_RUN_DIR"
mkdir -p "$PRESCALE_RUN_DIR"
if [[ "${PRESCALE_SKIP_BUILD:-0}" != "1" ]]; then
  (cd "$ROOT" && mvn -q -B install -DskipTests) >"$PRESCALE_RUN_DIR/build.log" 2>&1 || { tail -n 30 "$PRESCALE_RUN_DIR/build.log"; echo "0 passed, 1 failed"; exit 1; }
fi
export PRESCALE_SKIP_BUILD=1

check "kafka starts" "$S/kafka.sh" start
# Java tools of the broker (the same jars), quiet.
kafka_java() {
  java -Xmx256m -Dlog4j2.configurationFile="file:$PRESCALE_RUN_DIR/kafka/tools-log4j2.properties" \
    -cp "$PRESCALE_LIB_DIR/kafka/*" "$@"
}
# Decisions carry their event time as record timestamp and the simulated traffic is days old: with
# the broker's 24 h retention they would be deleted at its next retention check, in mid-test.
check "decisions topic keeps its records for the test" kafka_java kafka.admin.ConfigCommand \
  --bootstrap-server "127.0.0.1:$KAFKA_PORT" --alter --entity-type topics --entity-name scaling-decisions \
  --add-config retention.ms=-1
check "flink starts" "$S/flink.sh" start
check "endpoint starts" "$S/endpoint.sh" start --group web-asg:1:40:2 --group api-asg:1:40:2 --group reports-asg:1:40:2 --time-compression 3600
check "a second kafka start on a taken port fails with a message" \
  bash -c "PRESCALE_RUN_DIR=$PRESCALE_RUN_DIR/other '$S/kafka.sh' start 2>&1 | grep -q 'port $KAFKA_PORT is taken'"

CONFIG="$PRESCALE_RUN_DIR/prescale.yaml"
sed -e "s#bootstrapServers: .*#bootstrapServers: 127.0.0.1:$KAFKA_PORT#" \
    -e "s#endpointOverride: .*#endpointOverride: http://127.0.0.1:$ENDPOINT_PORT#" \
    -e "s#directory: file://.*#directory: file://$PRESCALE_RUN_DIR/checkpoints#" \
    -e "s#^\(\s*path:\) .*decisions-{target}.csv#\1 $PRESCALE_RUN_DIR/decisions-{target}.csv#" \
    -e "s#transactionalIdPrefix: .*#transactionalIdPrefix: prescale-test-$$#" \
    "$ROOT/config/demo.yaml" >"$CONFIG"

JOB_ID="$("$S/submit.sh" --no-build --config "$CONFIG" | tail -n 1)"
check "job submitted" test -n "$JOB_ID"
job_state() { curl -fsS "http://127.0.0.1:$FLINK_REST_PORT/jobs/$JOB_ID" 2>/dev/null | grep -o '"state":"[A-Z]*"' | head -n 1 | cut -d'"' -f4; }
for _ in $(seq 1 60); do [[ "$(job_state)" == RUNNING ]] && break; sleep 1; done
check "job running" test "$(job_state)" == RUNNING

# The generator's default start, written out: the failure step below continues from its end.
START_DAY="$(date -u -d '7 days ago' +%Y-%m-%d)"
check "producer sends three simulated days" "$S/produce.sh" --speedup 0 --days 3 --events-per-minute 20 --progress-seconds 10 \
  --start "${START_DAY}T00:00:00Z"
"$S/watch-decisions.sh" --endpoint "http://127.0.0.1:$ENDPOINT_PORT" --duration 180 --min-decisions 400 >"$PRESCALE_RUN_DIR/decisions.txt"
check "at least 30 decisions on scaling-decisions" test "$(grep -c '^\[decision\]' "$PRESCALE_RUN_DIR/decisions.txt")" -ge 30
check "decisions for every target" bash -c "for t in web-asg api-asg reports-asg; do grep -q \" \$t \" '$PRESCALE_RUN_DIR/decisions.txt' || exit 1; done"
check "decisions show the group's capacity" grep -q 'group now: desired' "$PRESCALE_RUN_DIR/decisions.txt"
head -n 5 "$PRESCALE_RUN_DIR/decisions.txt"

# Metrics through the REST API: records into each vertex (Flink's numRecordsIn, summed over
# subtasks) and the job's own "decisions" counter of the decision operator.
rest() { curl -fsS "http://127.0.0.1:$FLINK_REST_PORT$1"; }
read_records=0
decisions_metric=0
for vid in $(rest "/jobs/$JOB_ID" | grep -o '"id":"[0-9a-f]\{32\}"' | cut -d'"' -f4 | sort -u); do
  n="$(rest "/jobs/$JOB_ID/vertices/$vid/subtasks/metrics?get=numRecordsIn" | grep -o '"sum":[0-9.E]*' | cut -d: -f2 | cut -d. -f1 || true)"
  [[ -n "$n" && "$n" -gt "$read_records" ]] && read_records="$n"
  for m in $(rest "/jobs/$JOB_ID/vertices/$vid/metrics" | grep -o '"id":"[^"]*\.decisions"' | cut -d'"' -f4); do
    v="$(rest "/jobs/$JOB_ID/vertices/$vid/metrics?get=$m" | grep -o '"value":"[0-9]*"' | cut -d'"' -f4 || true)"
    [[ -n "$v" ]] && decisions_metric=$((decisions_metric + v))
  done
done
echo "largest numRecordsIn of a vertex: $read_records; decisions counter: $decisions_metric"
check "Flink REST reports records read by the job" test "$read_records" -gt 0
check "Flink REST reports the job's decisions metric" test "$decisions_metric" -gt 0
check "job still running (no restarts into failure)" test "$(job_state)" == RUNNING
# Every group starts at desired=2; the sink in apply mode must have moved at least one.
check "the endpoint's groups were scaled by the sink" bash -c "curl -fsS http://127.0.0.1:$ENDPOINT_PORT/admin/state | grep -v -q 'desired=2 '"

# TaskManager failure: kill -9 the TaskManager while a fourth simulated day flows in (about 60 s),
# start a new TaskManager, and check that the job is RUNNING again after a restart, that decisions
# go on past the failure, and that no (target, window) decision is on scaling-decisions twice.
committed_decisions() { # "target timestamp" per committed decision, from the beginning of the topic
  kafka_java org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "127.0.0.1:$KAFKA_PORT" \
    --topic scaling-decisions --from-beginning --timeout-ms 10000 --consumer-property isolation.level=read_committed 2>/dev/null \
    | python3 -c 'import json, sys
for line in sys.stdin:
    if line.startswith("{"):
        d = json.loads(line)
        print(d["target"], d["timestamp"])'
}
num_restarts() { rest "/jobs/$JOB_ID/metrics?get=numRestarts" 2>/dev/null | grep -o '"value":"[0-9]*"' | cut -d'"' -f4; }
completed_checkpoints() { rest "/jobs/$JOB_ID/checkpoints" 2>/dev/null | grep -o '"completed":[0-9]*' | head -n 1 | cut -d: -f2; }
committed_decisions >"$PRESCALE_RUN_DIR/decisions-before-kill.txt"
last_before="$(cut -d' ' -f2 "$PRESCALE_RUN_DIR/decisions-before-kill.txt" | sort -n | tail -n 1)"
echo "before the failure: $(wc -l <"$PRESCALE_RUN_DIR/decisions-before-kill.txt") committed decisions, newest window end ${last_before:-none}; restarts $(num_restarts)"
checkpoints_then="$(completed_checkpoints)"
"$S/produce.sh" --speedup 1440 --days 1 --events-per-minute 20 --progress-seconds 20 \
  --start "$(date -u -d "$START_DAY +3 days" +%Y-%m-%d)T00:00:00Z" >"$PRESCALE_RUN_DIR/produce-day4.log" 2>&1 &
producer=$!
# Mid-stream: after a checkpoint that completed while the new traffic was flowing.
for _ in $(seq 1 60); do [[ "$(completed_checkpoints)" -gt "${checkpoints_then:-0}" ]] && break; sleep 1; done
sleep 5
check "a checkpoint completed during the new traffic" test "$(completed_checkpoints)" -gt "${checkpoints_then:-0}"
tm_pid="$(cat "$PRESCALE_RUN_DIR/pids/flink-taskmanager.pid" 2>/dev/null || true)"
# Alive: the process exists and is no zombie (a zombie's command line is empty; an orphan may wait
# a while for a reaper, so kill -0 is not enough).
alive() { [[ -n "$1" && -n "$(tr -d '\0' <"/proc/$1/cmdline" 2>/dev/null)" ]]; }
check "traffic still flowing when the TaskManager dies" alive "$producer"
killed_at=$(date +%s)
[[ -n "$tm_pid" ]] && kill -9 "$tm_pid"
sleep 1
check "TaskManager process (pid ${tm_pid:-unknown}) killed with SIGKILL" bash -c "[[ -n '$tm_pid' ]] && ! tr -d '\0' </proc/$tm_pid/cmdline 2>/dev/null | grep -q ."
check "a new TaskManager starts" "$S/flink.sh" start
restarted=0
for _ in $(seq 1 240); do
  if [[ "$(job_state)" == RUNNING && "$(num_restarts)" -ge 1 ]]; then restarted=1; break; fi
  sleep 1
done
echo "job $(job_state) with numRestarts $(num_restarts), $(( $(date +%s) - killed_at )) s after the kill"
check "job RUNNING again after a restart (numRestarts >= 1)" test "$restarted" -eq 1
wait "$producer"
check "the fourth day was produced" test "$?" -eq 0
after=0
for _ in $(seq 1 12); do
  committed_decisions >"$PRESCALE_RUN_DIR/decisions-after-kill.txt"
  after="$(awk -v t="${last_before:-0}" '$2 > t' "$PRESCALE_RUN_DIR/decisions-after-kill.txt" | wc -l)"
  [[ "$after" -ge 300 ]] && break
  sleep 5
done
duplicates="$(sort "$PRESCALE_RUN_DIR/decisions-after-kill.txt" | uniq -d | wc -l)"
echo "after the failure: $(wc -l <"$PRESCALE_RUN_DIR/decisions-after-kill.txt") committed decisions, $after of them newer than before the kill, $duplicates (target, window) duplicated"
check "decisions go on after the failure" test "$after" -ge 300
check "no (target, window) decision is on scaling-decisions twice" test "$duplicates" -eq 0
check "decisions before the failure are all still there" bash -c \
  "sort '$PRESCALE_RUN_DIR/decisions-before-kill.txt' | comm -23 - <(sort -u '$PRESCALE_RUN_DIR/decisions-after-kill.txt') | wc -l | grep -qx 0"

"$S/flink.sh" cancel-all >/dev/null 2>&1
stop_all
trap - EXIT
left=$(( $(ps -eo pid,args | grep -F -- "$PRESCALE_RUN_DIR" | grep -v grep | grep -c -- '-Dprescale.service=') ))
check "no process left behind" test "$left" -eq 0
echo "$passed passed, $failed failed"
[[ "$failed" -eq 0 ]]
