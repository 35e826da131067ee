#!/usr/bin/env bash
# Replays a trace causally and scores the LSTM beside naive and snaive (EVALUATION.md figures).
# Usage: scripts/forecast.sh --trace FILE [--column NAME] [--interval SECONDS] --task H1|H24 [--model DIR] --out FILE.csv
#        scripts/forecast.sh --all [--traces DIR] --task H1,H24 [--model DIR] [--holdout-models D1,D2] [--out-dir DIR]
# Rows: lstm = as shipped (network + statistical candidates), lstm-net = network alone, *-heldout = fold models.
# Combination overrides: --short-backtests N --short-stride S --day-backtests N --day-stride S --top K --weighting W
source "$(dirname "$0")/_models_env.sh"
exec java "${JAVA_OPTS[@]}" -cp "$CLASSPATH_MODELS" dev.prescale.models.eval.ForecastCli "$@"
