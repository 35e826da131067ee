#!/usr/bin/env bash
# Produces user interactions (and scheduled events) to Kafka: the built-in generator by default,
# or a trace with --trace FILE. All options: scripts/produce.sh --help
#
#   scripts/produce.sh --speedup 3600 --duration 60
#   scripts/produce.sh --trace ../shared/data/traces/nyc_taxi.csv --groups taxi --speedup 7200
#
# The bootstrap server defaults to 127.0.0.1:$KAFKA_PORT (9092).
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

KAFKA_PORT="${KAFKA_PORT:-9092}"
cp="$(job_classpath)"
has_bootstrap=0
for a in "$@"; do [[ "$a" == "--bootstrap" ]] && has_bootstrap=1; done
extra=()
[[ "$has_bootstrap" == 1 ]] || extra=(--bootstrap "127.0.0.1:$KAFKA_PORT")
exec "$JAVA" -Xmx384m -Dlog4j2.level=WARN -Dlog4j2.configurationFile="$PRESCALE_ROOT/scripts/lib/log4j2-cli.properties" \
  -cp "$cp" dev.prescale.job.demo.InteractionProducerMain "${extra[@]}" "$@"
