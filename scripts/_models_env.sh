# Shared setup for the models command lines: builds prescale-models if needed, resolves its
# classpath offline once, and sets the DJL offline/thread settings (2 cores: one thread each).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JAR="$ROOT/models/target/classes"
CP_FILE="$ROOT/models/target/classpath.txt"
if [ ! -d "$JAR/dev" ] || [ -n "${REBUILD:-}" ]; then
  mvn -o -q -B -pl models compile >&2
fi
if [ ! -s "$CP_FILE" ]; then
  mvn -o -q -B -pl models dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=runtime >&2
fi
export DJL_OFFLINE=true OPT_OUT_TRACKING=true OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
JAVA_OPTS=(-Xmx3g -Dai.djl.offline=true -Dai.djl.pytorch.num_threads="${OMP_NUM_THREADS}" -Dai.djl.pytorch.num_interop_threads=1)
CLASSPATH_MODELS="$JAR:$(cat "$CP_FILE")"
