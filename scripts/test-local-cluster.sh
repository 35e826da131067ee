#!/usr/bin/env bash
# End-to-end check of the local infrastructure: starts the real Kafka broker, Flink cluster and
# local Auto Scaling endpoint from the scripts (on their own ports and run folder, so a running
# demo is not disturbed), submits the job, produces three simulated days of traffic, reads
# decisions from scaling-decisions and the job's metrics from the Flink REST API, stops
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

check "producer sends three simulated days" "$S/produce.sh" --speedup 0 --days 3 --events-per-minute 20 --progress-seconds 10
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

"$S/flink.sh" cancel-all >/dev/null 2>&1
stop_all
trap - EXIT
left=$(( $(ps -eo pid,args | grep -F -- "$PRESCALE_RUN_DIR" | grep -v grep | grep -c -- '-Dprescale.service=') ))
check "no process left behind" test "$left" -eq 0
echo "$passed passed, $failed failed"
[[ "$failed" -eq 0 ]]
