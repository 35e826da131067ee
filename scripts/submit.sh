#!/usr/bin/env bash
# Builds the shaded job jar and submits it to the local Flink session cluster with Flink's own CLI.
#
#   scripts/submit.sh [--config config/demo.yaml] [--no-build]
#
# Prints the job id and keeps it in .run/job-id. The config file is read by the job's main on
# submission (PrescaleJobMain --config FILE).
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

CONFIG="$PRESCALE_ROOT/config/demo.yaml"
BUILD=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --config) CONFIG="$2"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    *) fail "unknown argument $1 (usage: $0 [--config FILE] [--no-build])" ;;
  esac
done
[[ -f "$CONFIG" ]] || fail "config file not found: $CONFIG"
CONFIG="$(cd "$(dirname "$CONFIG")" && pwd)/$(basename "$CONFIG")"

[[ "$BUILD" == 1 ]] && build_project

# The shaded jar replaces the module's main artifact (the plain one is kept as original-*.jar).
# PRESCALE_JOB_JAR: a jar elsewhere (e.g. a copy, so that a concurrent build cannot remove it).
JAR="${PRESCALE_JOB_JAR:-$(ls "$PRESCALE_ROOT"/job/target/prescale-job-*.jar 2>/dev/null | grep -v -E 'original-|-sources|-tests' | head -n 1 || true)}"
[[ -n "$JAR" ]] || fail "no job jar in job/target: build it with mvn -q -B install -DskipTests"
if ! unzip -l "$JAR" 2>/dev/null | grep -q 'dev/prescale/connectors/' && ! jar tf "$JAR" 2>/dev/null | grep -q 'dev/prescale/connectors/'; then
  fail "$JAR is not a shaded jar (no connectors classes inside): the job module needs its shade plugin"
fi

info "submitting $(basename "$JAR") with --config $CONFIG"
out="$("$PRESCALE_ROOT/scripts/flink.sh" run -c dev.prescale.job.PrescaleJobMain "$JAR" --config "$CONFIG" 2>&1)" || {
  echo "$out" >&2
  fail "submission failed (cluster logs: $LOG_DIR/flink-jobmanager.log)"
}
echo "$out" | grep -v '^$' >&2 || true
job_id="$(echo "$out" | grep -o -E 'JobID [0-9a-f]{32}' | awk '{print $2}' | tail -n 1)"
[[ -n "$job_id" ]] || fail "could not find the job id in the CLI output"
echo "$job_id" >"$RUN_DIR/job-id"
info "job $job_id submitted; web UI: http://127.0.0.1:${FLINK_REST_PORT:-8081}/#/job/running/$job_id/overview"
echo "$job_id"
