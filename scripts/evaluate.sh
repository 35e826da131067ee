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
if [[ ! -s "$CP_FILE" || job/pom.xml -nt "$CP_FILE" || -n "${PRESCALE_REBUILD:-}" ]]; then
  # The dependency list of the job resolves models and connectors from the local repository:
  # install the three modules once, then list. Flink is `provided` in the job: every scope is
  # included so that the main class runs outside a cluster.
  mvn -o -q -B -pl job -am install -DskipTests || mvn -q -B -pl job -am install -DskipTests
  mvn -o -q -B -pl job dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test \
    || mvn -q -B -pl job dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test
fi
# Compiled every time (quick when nothing changed) and run from the modules' own classes, ahead of
# the local repository's jars: a models jar installed by an older build once shadowed the sources
# (NoSuchMethodError) when only the job's classes had been rebuilt since.
mvn -o -q -B -pl job -am compile || mvn -q -B -pl job -am compile
CLASSES="$ROOT/job/target/classes:$ROOT/connectors/target/classes:$ROOT/models/target/classes"

export DJL_OFFLINE=true OPT_OUT_TRACKING=true OMP_NUM_THREADS=1
exec java -Xmx2g -Djava.awt.headless=true -Dai.djl.offline=true \
  -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 \
  -cp "$CLASSES:$(cat "$CP_FILE")" dev.prescale.job.eval.EvaluateMain "$@"
