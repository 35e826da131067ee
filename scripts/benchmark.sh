#!/usr/bin/env bash
# Benchmarks of the whole job on a MiniCluster against a real local Kafka broker (BENCHMARKS.md).
#
#   scripts/benchmark.sh throughput  [--groups 10000 --windows 10 --per-group 10 --rounds 2]
#       whole job vs pass-through (same topic, same broker, alternately); last line: ratio=
#   scripts/benchmark.sh parallelism [same options]      whole job at parallelism 1 and 2; ratio=
#   scripts/benchmark.sh scale --groups 100000 --windows 3 --per-group 5 --checkpoint-interval 5s
#       state, checkpoint and memory figures of one whole-job run
#   scripts/benchmark.sh first-operator [--groups 10000 --per-group 50 --reps 6 --two true --order load|shuffled]
#       the job's first operator alone, as one operator, as the two it replaces and as the pass-through's
#       parse only, side by side (no broker, no cluster); last line: ratio= (one / two; --two false: parse / one);
#       --order shuffled: each window's payloads in a random order (the load sends the groups round by round)
# More options: --rate EVENTS_PER_S (per source subtask; paces the source like a live producer),
# --parallelism N, --model snaive|DIR, --context 2d, --state-backend rocksdb|hashmap,
# --checkpoint-interval 10s, --local-aggregation true|false (window.localAggregation), --work-dir /tmp/prescale-bench,
# --max-partition-fetch-bytes N (the benchmark's Kafka source; Kafka's default 1 MB, as the job's),
# --max-poll-records N (the benchmark's Kafka source: Kafka's max.poll.records; both jobs),
# --flink key=value,key=value (more Flink settings for both jobs), --prefill-history true (whole-job runs start
# from a savepoint in which every group already has a full context of history: steady state),
# --fork true (throughput: each run in a JVM of its own, as JMH forks, so that one job's JIT profile does not
# shape the other's; the JVM options below apply to every run).
#
# Environment: BENCH_KAFKA_PORT (19092; a broker of its own under .run/bench, stopped at the end
# unless it was already running), BENCH_HEAP (3g: -Xms and -Xmx alike, as Flink starts a TaskManager's
# JVM with its whole heap), BENCH_JFR=FILE (record a JFR profile),
# BENCH_JAVA_OPTS (more JVM options, such as an -agentpath for async-profiler; split on spaces).
# One block, read whole before it runs: bash reads a script as it goes, so editing this file
# during a long run would otherwise change (or break) the run.
{
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

export KAFKA_PORT="${BENCH_KAFKA_PORT:-19092}"
export KAFKA_CONTROLLER_PORT="${BENCH_KAFKA_CONTROLLER_PORT:-19093}"
export KAFKA_TOPICS="bench-scaling-decisions"
export KAFKA_HEAP="${BENCH_KAFKA_HEAP:-768m}"
export PRESCALE_LIB_DIR="$LIB_DIR"
export PRESCALE_RUN_DIR="$RUN_DIR/bench"
kafka="$PRESCALE_ROOT/scripts/kafka.sh"

started=0
if [[ "${1:-}" != "first-operator" ]] && ! "$kafka" status | grep -q running; then
  "$kafka" start
  started=1
fi
cleanup() { if [[ "$started" == 1 ]]; then "$kafka" stop; fi; }
trap cleanup EXIT

# Flink itself is "provided" in the job module: take the compile scope (compile + provided) and the
# runtime scope (log4j binding, native libraries).
cache="$RUN_DIR/classpath/bench.txt"
mkdir -p "$RUN_DIR/classpath"
if [[ ! -s "$cache" || "$PRESCALE_ROOT/job/pom.xml" -nt "$cache" || "$PRESCALE_ROOT/pom.xml" -nt "$cache" ]]; then
  (cd "$PRESCALE_ROOT" && "$MVN" "${MVN_FLAGS[@]}" -pl job dependency:build-classpath \
      -Dmdep.includeScope=test -Dmdep.outputFile="$cache") >"$LOG_DIR/bench-classpath.log" 2>&1 \
    || { tail -n 20 "$LOG_DIR/bench-classpath.log" >&2; fail "could not resolve the classpath"; }
fi
# Other builds share job/target: compile, then run from a private copy of the classes.
classes="$RUN_DIR/bench/classes"
for attempt in 1 2 3; do
  (cd "$PRESCALE_ROOT" && "$MVN" "${MVN_FLAGS[@]}" -o -pl job -am compile) >"$LOG_DIR/bench-build.log" 2>&1 || true
  rm -rf "$classes" && mkdir -p "$classes"
  for m in job connectors models; do cp -r "$PRESCALE_ROOT/$m/target/classes/." "$classes/" 2>/dev/null || true; done
  [[ -f "$classes/dev/prescale/job/bench/JobBenchmark.class" && -f "$classes/dev/prescale/job/PrescaleJob.class" ]] && break
  [[ "$attempt" == 3 ]] && { tail -n 20 "$LOG_DIR/bench-build.log" >&2; fail "could not build the job module"; }
  sleep 20
done
cp="$classes:$(cat "$cache")"
# The whole heap from the start, as Flink starts a TaskManager's JVM (-Xms = -Xmx; BENCHMARKS.md, sixteenth pass).
heap=("-Xms${BENCH_HEAP:-3g}" "-Xmx${BENCH_HEAP:-3g}")

if [[ "${1:-}" == "first-operator" ]]; then
  # Operator test harnesses: the test classes too (built here, run from a private copy).
  (cd "$PRESCALE_ROOT" && "$MVN" "${MVN_FLAGS[@]}" -o -pl job -am test-compile) >"$LOG_DIR/bench-build.log" 2>&1 \
    || { tail -n 20 "$LOG_DIR/bench-build.log" >&2; fail "could not build the job's tests"; }
  rm -rf "$classes-test" && cp -r "$PRESCALE_ROOT/job/target/test-classes" "$classes-test"
  read -r -a extra <<<"${BENCH_JAVA_OPTS:-}"
  "$JAVA" "${heap[@]}" -XX:+UseG1GC "${extra[@]}" \
    -Dlog4j2.configurationFile="$PRESCALE_ROOT/scripts/lib/log4j2-bench.properties" \
    -cp "$classes-test:$cp" dev.prescale.job.pipeline.FirstOperatorBenchmark "${@:2}"
  exit $?
fi

jfr=()
if [[ -n "${BENCH_JFR:-}" ]]; then
  jfr=("-XX:StartFlightRecording=filename=$BENCH_JFR,settings=profile,dumponexit=true")
fi
read -r -a extra <<<"${BENCH_JAVA_OPTS:-}"
export DJL_OFFLINE=true OPT_OUT_TRACKING=true OMP_NUM_THREADS=1
"$JAVA" "${heap[@]}" -XX:+UseG1GC "${jfr[@]}" "${extra[@]}" \
  -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 \
  -Dlog4j2.configurationFile="$PRESCALE_ROOT/scripts/lib/log4j2-bench.properties" \
  -cp "$cp" dev.prescale.job.bench.JobBenchmark "${1:-throughput}" \
  --bootstrap "127.0.0.1:$KAFKA_PORT" "${@:2}"
exit $?
}
