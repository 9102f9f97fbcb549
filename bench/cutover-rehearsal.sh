#!/usr/bin/env bash
# A whole rehearsal of runbooks/rehearsal.yaml on the local stack, timed
# (dev.cutover.sandbox.CutoverRehearsalBenchmark): the service in one JVM over its REST API; MariaDB pair,
# S3Mock and BIND from scripts/test-stack.sh; the GCS fake (1,000 objects) and the MongoDB stub replica set
# in the same JVM; an application writing 100 orders/s (fails over when its server turns read-only) and
# objects landing every 100 ms until the freeze. One cutover completes; after the stack is put back, a
# second one is rolled back after promotion and the DNS switch. Prints every step's duration and the
# figures of both runs. Starts the test stack when it is not running and stops it again at the end.
# Last line:
#   cutover-rehearsal: state=<final state> lost=<n> window_ms=<write-unavailability> total_s=<wall time> rollback_state=<state> rollback_lost=<n>
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

mkdir -p target
./mvnw -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
    >target/bench-build.log 2>&1 || { tail -n 40 target/bench-build.log >&2; exit 1; }

started_stack=0
if ! bash scripts/test-stack.sh status >/dev/null 2>&1; then
  started_stack=1
fi
eval "$(bash scripts/test-stack.sh up)"
if [ "$started_stack" -eq 1 ]; then
  trap 'bash scripts/test-stack.sh down >/dev/null 2>&1 || true' EXIT
fi

java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  dev.cutover.sandbox.CutoverRehearsalBenchmark "$@"
