#!/usr/bin/env bash
# Prescale end to end on this machine, from a fresh clone: builds, starts Kafka, a Flink cluster
# and the local Auto Scaling endpoint, submits the job, produces traffic at high speed and prints
# each scaling decision with its forecast, confidence and the group's capacity.
#
#   scripts/demo.sh                         built-in traffic, until Ctrl-C
#   scripts/demo.sh --duration 300          stop everything after 5 minutes
#   scripts/demo.sh --trace ../shared/data/traces/twitter_volume_AAPL.csv
#   scripts/demo.sh --autoscaling-endpoint https://autoscaling.us-east-1.amazonaws.com
#
# Options: --duration S, --trace FILE, --column NAME, --speedup N (default 600), --warmup-days D
# (default 2, replayed as fast as possible so that the forecaster has history), --config FILE
# (default config/demo.yaml), --autoscaling-endpoint URL (use it instead of starting the local
# endpoint), --no-build. Only what this script started is stopped at the end.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

DURATION=0
TRACE=""
COLUMN="value"
SPEEDUP=600
WARMUP_DAYS=2
CONFIG="$PRESCALE_ROOT/config/demo.yaml"
EXTERNAL_ENDPOINT=""
BUILD=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --trace) TRACE="$2"; shift 2 ;;
    --column) COLUMN="$2"; shift 2 ;;
    --speedup) SPEEDUP="$2"; shift 2 ;;
    --warmup-days) WARMUP_DAYS="$2"; shift 2 ;;
    --config) CONFIG="$2"; shift 2 ;;
    --autoscaling-endpoint) EXTERNAL_ENDPOINT="$2"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) fail "unknown argument $1 (try --help)" ;;
  esac
done
[[ "$DURATION" =~ ^[0-9]+$ ]] || fail "--duration wants whole seconds, got $DURATION"
[[ -z "$TRACE" || -f "$TRACE" ]] || fail "trace not found: $TRACE"
[[ -f "$CONFIG" ]] || fail "config not found: $CONFIG"

KAFKA_PORT="${KAFKA_PORT:-9092}"
ENDPOINT_PORT="${ENDPOINT_PORT:-8085}"
FLINK_REST_PORT="${FLINK_REST_PORT:-8081}"
export KAFKA_PORT ENDPOINT_PORT FLINK_REST_PORT
DEMO_DIR="$RUN_DIR/demo"
mkdir -p "$DEMO_DIR"
START_TIME=$SECONDS
STARTED=()
BACKGROUND=()
JOB_ID=""

cleanup() {
  local rc=$? name pid
  trap - EXIT INT TERM
  echo >&2
  info "stopping the demo"
  if [[ -n "$JOB_ID" ]]; then
    curl -fsS -X PATCH "http://127.0.0.1:$FLINK_REST_PORT/jobs/$JOB_ID?mode=cancel" >/dev/null 2>&1 && info "cancelled job $JOB_ID"
  fi
  for pid in "${BACKGROUND[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${BACKGROUND[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  # Reverse order of start; services that were already running are left alone.
  for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do
    name="${STARTED[$i]}"
    "$PRESCALE_ROOT/scripts/$name.sh" stop || true
  done
  info "demo ended after $((SECONDS - START_TIME)) s; logs in $LOG_DIR"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Starts scripts/NAME.sh unless it is already running; remembers what it started.
start_if_needed() {
  local name="$1"
  shift
  if "$PRESCALE_ROOT/scripts/$name.sh" status 2>/dev/null | grep -q ': running'; then
    info "$name already running: using it (it will be left running)"
  else
    "$PRESCALE_ROOT/scripts/$name.sh" start "$@"
    STARTED+=("$name")
  fi
}

[[ "$BUILD" == 1 ]] && build_project
export PRESCALE_SKIP_BUILD=1

start_if_needed kafka
start_if_needed flink

# The Auto Scaling groups are the config's targets.
TARGETS=($(grep -E '^\s*- name:' "$CONFIG" | awk '{print $3}'))
[[ ${#TARGETS[@]} -gt 0 ]] || fail "no targets in $CONFIG"
if [[ -n "$EXTERNAL_ENDPOINT" ]]; then
  ENDPOINT_URL="$EXTERNAL_ENDPOINT"
  info "using the Auto Scaling endpoint $ENDPOINT_URL (the groups ${TARGETS[*]} must exist there)"
else
  ENDPOINT_URL="http://127.0.0.1:$ENDPOINT_PORT"
  group_args=()
  for t in "${TARGETS[@]}"; do group_args+=(--group "$t:1:40:2"); done
  # Launch delays are simulated in wall time: compress them by the traffic's speed-up.
  start_if_needed endpoint "${group_args[@]}" --time-compression "$SPEEDUP"
fi

# The effective config: this machine's ports, endpoint and paths.
EFFECTIVE="$DEMO_DIR/prescale.yaml"
sed -e "s#bootstrapServers: .*#bootstrapServers: 127.0.0.1:$KAFKA_PORT#" \
    -e "s#endpointOverride: .*#endpointOverride: $ENDPOINT_URL#" \
    -e "s#directory: file://.*#directory: file://$DEMO_DIR/checkpoints#" \
    -e "s#^\(\s*path:\) .*decisions-{target}.csv#\1 $DEMO_DIR/decisions-{target}.csv#" \
    "$CONFIG" >"$EFFECTIVE"
info "job config: $EFFECTIVE"

JOB_ID="$("$PRESCALE_ROOT/scripts/submit.sh" --no-build --config "$EFFECTIVE" | tail -n 1)"

cat >&2 <<EOF

  Flink web UI:        http://127.0.0.1:$FLINK_REST_PORT/#/job/running/$JOB_ID/overview
  Auto Scaling groups: $ENDPOINT_URL/admin/state
  Decision logs:       $DEMO_DIR/decisions-<target>.csv
  Logs:                $LOG_DIR

EOF

watch_args=(--endpoint "$ENDPOINT_URL")
"$PRESCALE_ROOT/scripts/watch-decisions.sh" "${watch_args[@]}" &
BACKGROUND+=($!)

produce_args=(--speedup "$SPEEDUP" --warmup-days "$WARMUP_DAYS" --warmup-speedup 0 --progress-seconds 5)
if [[ -n "$TRACE" ]]; then
  produce_args+=(--trace "$TRACE" --column "$COLUMN" --groups web)
fi
if [[ "$DURATION" -gt 0 ]]; then
  left=$((DURATION - (SECONDS - START_TIME)))
  if ((left < 5)); then
    info "the start took $((SECONDS - START_TIME)) s of the $DURATION s: producing for 5 s only"
    left=5
  fi
  produce_args+=(--duration "$left")
fi
"$PRESCALE_ROOT/scripts/produce.sh" "${produce_args[@]}" &
PRODUCER=$!
BACKGROUND+=("$PRODUCER")
wait "$PRODUCER" || info "the producer ended with an error (see above)"

if [[ "$DURATION" -gt 0 ]]; then
  # Give the job a moment to turn the last windows into decisions.
  sleep 5
else
  info "traffic finished; the job keeps running. Ctrl-C stops everything the demo started."
  while true; do sleep 3600; done
fi
