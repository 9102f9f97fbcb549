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

source bench/lib.sh
build_test_classpath

test_stack_up

run_test_class dev.cutover.sandbox.CutoverRehearsalBenchmark "$@"
