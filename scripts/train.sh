#!/usr/bin/env bash
# Trains the quantile LSTM (both heads) and writes models/artifacts/<name>/<version>/.
# Usage: scripts/train.sh [--traces DIR | --files A.csv,B.csv] [--usage DIR] [--exclude SUBSTR,...]
#                         [--out DIR] [--name N] [--version V] [--epochs E] [--seed S] [--max-windows M]
#                         [--normalization level|level-spread]
# Defaults: every CSV in $PRESCALE_DATA_DIR/traces (default ../shared/data/traces), models/artifacts/lstm-quantile/1, seed 7.
source "$(dirname "$0")/_models_env.sh"
exec java "${JAVA_OPTS[@]}" -cp "$CLASSPATH_MODELS" dev.prescale.models.lstm.LstmTrainer "$@"
