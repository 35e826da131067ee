#!/usr/bin/env bash
# Prepares .run/docker for docker-compose.yml: the shaded job jar and its config (Docker host
# names), DJL and flink-connector-base for the Flink image's lib, and the jars of the endpoint and
# the producer. Run it once after each build, then: docker compose up
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

DOCKER_DIR="$RUN_DIR/docker"
build_project
export PRESCALE_SKIP_BUILD=1
ensure_jars flink

rm -rf "$DOCKER_DIR"
mkdir -p "$DOCKER_DIR/job" "$DOCKER_DIR/flink-lib" "$DOCKER_DIR/app"

JAR="$(ls "$PRESCALE_ROOT"/job/target/prescale-job-*.jar 2>/dev/null | grep -v -E 'original-|-sources|-tests' | head -n 1 || true)"
[[ -n "$JAR" ]] || fail "no job jar in job/target"
cp "$JAR" "$DOCKER_DIR/job/prescale-job.jar"
sed -e "s#bootstrapServers: .*#bootstrapServers: kafka:19092#" \
    -e "s#endpointOverride: .*#endpointOverride: http://endpoint:8085#" \
    -e "s#directory: file://.*#directory: file:///tmp/prescale/checkpoints#" \
    -e "s#^\(\s*path:\) .*decisions-{target}.csv#\1 /tmp/prescale/decisions-{target}.csv#" \
    "$PRESCALE_ROOT/config/demo.yaml" >"$DOCKER_DIR/job/prescale.yaml"

# The official image has Flink itself (RocksDB included); it lacks the connector base and DJL.
cp "$LIB_DIR"/flink/flink-connector-base-*.jar "$LIB_DIR"/flink/api-*.jar "$LIB_DIR"/flink/pytorch-*.jar \
   "$LIB_DIR"/flink/jna-*.jar "$LIB_DIR"/flink/gson-*.jar "$LIB_DIR"/flink/commons-compress-*.jar "$DOCKER_DIR/flink-lib/" 2>/dev/null || true

# Endpoint and producer: the job module's runtime classpath as plain jars.
IFS=: read -r -a entries <<<"$(job_classpath)"
for e in "${entries[@]}"; do
  if [[ -d "$e" ]]; then
    name="$(basename "$(dirname "$(dirname "$e")")")"
    (cd "$e" && jar cf "$DOCKER_DIR/app/prescale-$name-classes.jar" .)
  elif [[ -f "$e" ]]; then
    cp "$e" "$DOCKER_DIR/app/"
  fi
done
info "ready: $DOCKER_DIR ($(du -sh "$DOCKER_DIR" | cut -f1)); now: docker compose up"
