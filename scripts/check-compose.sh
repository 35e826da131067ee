#!/usr/bin/env bash
# Checks docker-compose.yml without a Docker engine, with Debian's docker-compose (v1): the file
# parses, every reference resolves, variable defaults apply. Installs docker-compose when missing
# (apt-get; root). Exit status non-zero when the file is invalid.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if ! command -v docker-compose >/dev/null 2>&1; then
  echo "[check-compose] installing docker-compose (apt-get)" >&2
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose; } >/tmp/check-compose-apt.log 2>&1; then
    tail -n 20 /tmp/check-compose-apt.log >&2
    echo "[check-compose] ERROR: could not install docker-compose" >&2
    exit 1
  fi
fi
cd "$ROOT"
docker-compose -f docker-compose.yml config -q
services="$(docker-compose -f docker-compose.yml config --services | sort | tr '\n' ' ')"
for s in kafka kafka-topics jobmanager taskmanager endpoint submit producer; do
  [[ " $services " == *" $s "* ]] || { echo "[check-compose] ERROR: service $s missing (have: $services)" >&2; exit 1; }
done
grep -q 'image: flink:2.2.1-java17' docker-compose.yml || { echo "[check-compose] ERROR: Flink image not pinned to 2.2.1-java17" >&2; exit 1; }
echo "[check-compose] docker-compose.yml is valid: $services"
