#!/usr/bin/env bash
# Replays a trace causally and scores the LSTM beside naive and snaive (EVALUATION.md figures).
# Usage: scripts/forecast.sh --trace FILE [--column NAME] [--interval SECONDS] --task H1|H24 [--model DIR] --out FILE.csv
#        scripts/forecast.sh --all [--traces DIR] --task H1,H24 [--model DIR] [--holdout-models D1,D2] [--out-dir DIR]
source "$(dirname "$0")/_models_env.sh"
exec java "${JAVA_OPTS[@]}" -cp "$CLASSPATH_MODELS" dev.prescale.models.eval.ForecastCli "$@"
