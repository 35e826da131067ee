#!/usr/bin/env bash
# Replays a scaling policy over demand traces and scores it as EVALUATION.md defines, beside the
# references (oracle, reactive, reactive-warm, seasonal).
#
#   scripts/evaluate.sh --trace FILE [--column NAME] [--interval SECONDS] [--config FILE]
#                       [--policy predictive|reactive] [--forecaster snaive|CLASS]
#                       [--engine flink|offline] [--k N] --out DIR
#   scripts/evaluate.sh --all DIR [same options] --out DIR
#
# --engine flink (the default) replays each trace through the production Flink job graph on a local
# MiniCluster: the trace becomes interaction events (TraceToEvents), decisions come from the job's
# decision-log sink. --engine offline runs the same ScalingEngine without Flink (quick sweeps).
#
# Writes DIR/decisions.csv, DIR/metrics.json, DIR/report.html and DIR/plot.png (per trace in a
# subfolder with --all), and DIR/summary.md with medians over the traces (whole scored window and
# its first and second halves). Builds the job module with Maven (offline when possible).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CP_FILE="$ROOT/job/target/evaluate.classpath"
MAIN_CLASS_FILE=job/target/classes/dev/prescale/job/eval/EvaluateMain.class
# Rebuild when any main source of the three modules is newer than the build: the job runs with the
# models and connectors from the local repository, so they are installed together with it.
if [[ ! -f "$MAIN_CLASS_FILE" || -n "${PRESCALE_REBUILD:-}" \
      || -n "$(find models/src/main connectors/src/main job/src/main -newer "$MAIN_CLASS_FILE" -type f -print -quit)" ]]; then
  mvn -o -q -B -pl job -am install -DskipTests || mvn -q -B -pl job -am install -DskipTests
fi
if [[ ! -s "$CP_FILE" || job/pom.xml -nt "$CP_FILE" ]]; then
  # Flink is `provided` in the job: include every scope so that the main class runs outside a cluster.
  mvn -o -q -B -pl job dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test \
    || mvn -q -B -pl job dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test
fi

export DJL_OFFLINE=true OPT_OUT_TRACKING=true OMP_NUM_THREADS=1
exec java -Xmx2g -Djava.awt.headless=true -Dai.djl.offline=true \
  -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 \
  -cp "$ROOT/job/target/classes:$(cat "$CP_FILE")" dev.prescale.job.eval.EvaluateMain "$@"
