#!/usr/bin/env bash
# LSTM inference cost per series at batch sizes 1, 64, 1024 (one run, side by side).
# Usage: scripts/bench-inference.sh [modelDir] [seconds per size]
source "$(dirname "$0")/_models_env.sh"
exec java "${JAVA_OPTS[@]}" -cp "$CLASSPATH_MODELS" dev.prescale.models.bench.InferenceBenchmark "$@"
