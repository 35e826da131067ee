#!/usr/bin/env bash
# The local Auto Scaling endpoint (AWS Query protocol, simulated launch delays and warm pool) that
# the job's sink and the demo talk to when no AWS account is used.
#
#   scripts/endpoint.sh start [--group name:min:max:desired]... [--time-compression F]
#   scripts/endpoint.sh stop
#   scripts/endpoint.sh status     the simulated groups (GET /admin/state)
#
# Environment: ENDPOINT_PORT (8085), PRESCALE_RUN_DIR (.run). Extra arguments after "start" go to
# dev.prescale.connectors.aws.local.LocalAutoScalingEndpoint (its --help lists them).
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

ENDPOINT_PORT="${ENDPOINT_PORT:-8085}"
URL="http://127.0.0.1:$ENDPOINT_PORT"
LOG="$LOG_DIR/endpoint.log"

start() {
  if service_running endpoint; then
    info "endpoint already running (pid $(service_pid endpoint)) at $URL"
    return 0
  fi
  require_port_free "$ENDPOINT_PORT" "the local Auto Scaling endpoint" ENDPOINT_PORT
  local cp
  cp="$(job_classpath)"
  info "starting the local Auto Scaling endpoint at $URL ${*:+($*)}"
  start_java endpoint "$LOG" -Xmx128m -Dlog4j2.configurationFile="$PRESCALE_ROOT/scripts/lib/log4j2-cli.properties" \
    -cp "$cp" dev.prescale.connectors.aws.local.LocalAutoScalingEndpoint --port "$ENDPOINT_PORT" "$@"
  wait_for_http endpoint "$URL/admin/state" 30 "$LOG"
  info "endpoint running (pid $(service_pid endpoint)) at $URL; groups: $URL/admin/state"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop_service endpoint ;;
  status)
    status_service endpoint
    if service_running endpoint; then curl -fsS "$URL/admin/state"; fi ;;
  *) echo "usage: $0 start [ENDPOINT ARGS...]|stop|status" >&2; exit 2 ;;
esac
