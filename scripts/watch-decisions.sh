#!/usr/bin/env bash
# Prints the job's scaling decisions as they arrive, with the forecast, confidence, decision and the
# group's capacity from the Auto Scaling endpoint.
#
#   scripts/watch-decisions.sh [--endpoint http://127.0.0.1:8085] [--duration S] [--min-decisions N]
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

KAFKA_PORT="${KAFKA_PORT:-9092}"
cp="$(job_classpath)"
has_bootstrap=0
for a in "$@"; do [[ "$a" == "--bootstrap" ]] && has_bootstrap=1; done
extra=()
[[ "$has_bootstrap" == 1 ]] || extra=(--bootstrap "127.0.0.1:$KAFKA_PORT")
exec "$JAVA" -Xmx256m -Dlog4j2.configurationFile="$PRESCALE_ROOT/scripts/lib/log4j2-cli.properties" \
  -cp "$cp" dev.prescale.job.demo.DecisionWatcherMain "${extra[@]}" "$@"
