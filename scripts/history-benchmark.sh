#!/usr/bin/env bash
# Steady-state cost of the group-history operator per group and window, old single-value ring vs
# the chunked layout, side by side on RocksDB in keyed harnesses (issue 8; no broker, no cluster).
#
#   scripts/history-benchmark.sh --groups 200 --windows 5 [--context 2880] [--chunk 60]
#       [--covariates false] [--rocksdb-memory 256mb] [--batch 64] [--work-dir /tmp/prescale-history-bench]
#       [--summaries true: the chunked layout with the seasonal naive summary plan]
#       [--jfr FILE: a profile of the timed rounds only]
#
# Main: dev.prescale.job.bench.HistoryStateBenchmark (test sources: it drives the operators through
# Flink's test harness). Environment: BENCH_HEAP (3g), BENCH_JFR=FILE (record a JFR profile).
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

cache="$RUN_DIR/classpath/bench.txt"
mkdir -p "$RUN_DIR/classpath"
if [[ ! -s "$cache" || "$PRESCALE_ROOT/job/pom.xml" -nt "$cache" || "$PRESCALE_ROOT/pom.xml" -nt "$cache" ]]; then
  (cd "$PRESCALE_ROOT" && "$MVN" "${MVN_FLAGS[@]}" -pl job dependency:build-classpath \
      -Dmdep.includeScope=test -Dmdep.outputFile="$cache") >"$LOG_DIR/bench-classpath.log" 2>&1 \
    || { tail -n 20 "$LOG_DIR/bench-classpath.log" >&2; fail "could not resolve the classpath"; }
fi
# Other builds share job/target: compile, then run from a private copy of the classes.
classes="$RUN_DIR/history-bench/classes"
for attempt in 1 2 3; do
  (cd "$PRESCALE_ROOT" && "$MVN" "${MVN_FLAGS[@]}" -o -pl job -am test-compile) >"$LOG_DIR/history-bench-build.log" 2>&1 || true
  rm -rf "$classes" && mkdir -p "$classes"
  for d in job/target/classes job/target/test-classes connectors/target/classes models/target/classes; do
    cp -r "$PRESCALE_ROOT/$d/." "$classes/" 2>/dev/null || true
  done
  [[ -f "$classes/dev/prescale/job/bench/HistoryStateBenchmark.class" ]] && break
  [[ "$attempt" == 3 ]] && { tail -n 20 "$LOG_DIR/history-bench-build.log" >&2; fail "could not build the job module"; }
  sleep 20
done

jfr=()
if [[ -n "${BENCH_JFR:-}" ]]; then
  jfr=("-XX:StartFlightRecording=filename=$BENCH_JFR,settings=profile,dumponexit=true")
fi
"$JAVA" "-Xmx${BENCH_HEAP:-3g}" -XX:+UseG1GC "${jfr[@]}" \
  -Dlog4j2.configurationFile="$PRESCALE_ROOT/scripts/lib/log4j2-bench.properties" \
  -cp "$classes:$(cat "$cache")" dev.prescale.job.bench.HistoryStateBenchmark "$@"
